//! What the fuzz targets share: one byte format for a capture, so libFuzzer's
//! mutations reach the parsers with chunks in both directions.
//!
//! A capture is a sequence of chunks, each `dir (u8, low bit: 1 = server) ‖ len (u16
//! big-endian) ‖ len bytes`; a last chunk shorter than its length keeps what there is.
//! A decryption input is `n (u16 big-endian) ‖ n bytes of key log (UTF-8, lossy) ‖
//! capture`. The seeds in `fuzz/seeds/` are real captures in these formats, written by
//! `TLSLENS_FUZZ_SEEDS=fuzz/seeds cargo test --lib write_fuzz_seeds -- --ignored`.

use std::time::Duration;
use tlslens::wire::{Chunk, Direction};

/// At most this many chunks from one input (libFuzzer inputs are small anyway).
const MAX_CHUNKS: usize = 4096;

fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (a, b) = data.split_at(n.min(data.len()));
    *data = b;
    a
}

fn u16_be(data: &mut &[u8]) -> Option<usize> {
    match take(data, 2) {
        [a, b] => Some(usize::from(*a) << 8 | usize::from(*b)),
        _ => None,
    }
}

/// The chunks of a capture in the format above.
pub fn chunks(mut data: &[u8]) -> Vec<Chunk> {
    let mut out = Vec::new();
    while out.len() < MAX_CHUNKS {
        let &[d] = take(&mut data, 1) else { break };
        let Some(n) = u16_be(&mut data) else { break };
        out.push(Chunk {
            dir: if d & 1 == 1 {
                Direction::Server
            } else {
                Direction::Client
            },
            at: Duration::from_millis(out.len() as u64),
            bytes: take(&mut data, n).to_vec(),
        });
    }
    out
}

/// A key log (one string, possibly many lines) and the capture after it.
pub fn keylog_and_chunks(mut data: &[u8]) -> (Vec<String>, Vec<Chunk>) {
    let n = u16_be(&mut data).unwrap_or(0);
    let keylog = String::from_utf8_lossy(take(&mut data, n)).into_owned();
    (vec![keylog], chunks(data))
}

/// The dissector's promise (`Dissected::check_tiling`), as a crash.
pub fn check_tiling(d: &tlslens::wire::dissect::Dissected) {
    if let Err(e) = d.check_tiling() {
        panic!("{e}");
    }
}

/// What any decryption must respect: no more records, messages or application bytes
/// than the input could hold, and it serialises.
pub fn check_decrypted(chunks: &[Chunk], d: &tlslens::decrypt::Decrypted) {
    let input: usize = chunks.iter().map(|c| c.bytes.len()).sum();
    assert!(d.notes.len() <= 64, "{} notes", d.notes.len());
    assert!(
        d.records.len() <= input / 5 + 1,
        "{} records",
        d.records.len()
    );
    assert!(d.messages.len() <= input, "{} messages", d.messages.len());
    let app: usize = d.app_data.iter().map(|(_, b)| b.len()).sum();
    assert!(app <= input, "{app} application bytes from {input}");
    assert!(serde_json::to_string(d).is_ok());
}
