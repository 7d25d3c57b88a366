//! Property-test strategies that mutate real captures the way a hostile peer or a
//! damaged capture would: byte flips and overwrites, truncations, splices of one
//! chunk's bytes into another, length-field edits, dropped, duplicated and re-split
//! chunks; and key logs with damaged, shuffled, foreign and random lines. Shared by the
//! decoder's, the dissector's and both decryptors' tests. Every mutation is a plain
//! value, so proptest shrinks a failure to the fewest, smallest edits.

use super::{Chunk, Direction};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// `n` cases, or `PROPTEST_CASES` when set (`ProptestConfig::with_cases` would
/// override the environment variable).
pub(crate) fn cases(n: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(n);
    Config {
        cases,
        ..Config::default()
    }
}

/// One edit of a capture. Positions are taken modulo what is there.
#[derive(Clone, Debug)]
pub(crate) enum Edit {
    Flip {
        chunk: usize,
        at: usize,
        bit: u8,
    },
    Set {
        chunk: usize,
        at: usize,
        value: u8,
    },
    Truncate {
        chunk: usize,
        keep: usize,
    },
    /// Copy `len` bytes of chunk `from` (at `from_at`) over chunk `chunk` at `at`,
    /// inserted (true) or overwriting (false).
    Splice {
        chunk: usize,
        at: usize,
        from: usize,
        from_at: usize,
        len: usize,
        insert: bool,
    },
    /// Overwrite a 1-, 2- or 3-byte big-endian length at `at` with something nearby or
    /// extreme: 0, max, old ± small.
    Length {
        chunk: usize,
        at: usize,
        width: u8,
        how: u8,
    },
    Drop {
        chunk: usize,
    },
    Duplicate {
        chunk: usize,
    },
    /// Split one chunk in two at `at` (a different TCP segmentation).
    Resplit {
        chunk: usize,
        at: usize,
    },
    /// Flip the direction of one chunk.
    Turn {
        chunk: usize,
    },
    /// Append random bytes to one chunk.
    Extend {
        chunk: usize,
        bytes: Vec<u8>,
    },
}

pub(crate) fn edit() -> impl Strategy<Value = Edit> {
    let u = any::<usize>;
    prop_oneof![
        3 => (u(), u(), 0u8..8).prop_map(|(chunk, at, bit)| Edit::Flip { chunk, at, bit }),
        2 => (u(), u(), any::<u8>()).prop_map(|(chunk, at, value)| Edit::Set { chunk, at, value }),
        1 => (u(), u()).prop_map(|(chunk, keep)| Edit::Truncate { chunk, keep }),
        1 => (u(), u(), u(), u(), 0usize..300, any::<bool>()).prop_map(
            |(chunk, at, from, from_at, len, insert)| Edit::Splice {
                chunk,
                at,
                from,
                from_at,
                len,
                insert
            }
        ),
        3 => (u(), u(), 1u8..=3, any::<u8>())
            .prop_map(|(chunk, at, width, how)| Edit::Length { chunk, at, width, how }),
        1 => u().prop_map(|chunk| Edit::Drop { chunk }),
        1 => u().prop_map(|chunk| Edit::Duplicate { chunk }),
        1 => (u(), u()).prop_map(|(chunk, at)| Edit::Resplit { chunk, at }),
        1 => u().prop_map(|chunk| Edit::Turn { chunk }),
        1 => (u(), prop::collection::vec(any::<u8>(), 0..64))
            .prop_map(|(chunk, bytes)| Edit::Extend { chunk, bytes }),
    ]
}

/// A few edits in a row.
pub(crate) fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(edit(), 1..8)
}

/// Apply `edits` to a copy of `cs`.
pub(crate) fn apply(cs: &[Chunk], edits: &[Edit]) -> Vec<Chunk> {
    let mut cs = cs.to_vec();
    for e in edits {
        apply_one(&mut cs, e);
    }
    cs
}

fn apply_one(cs: &mut Vec<Chunk>, e: &Edit) {
    let n = cs.len();
    if n == 0 {
        return;
    }
    match e {
        Edit::Flip { chunk, at, bit } => {
            let b = &mut cs[chunk % n].bytes;
            if !b.is_empty() {
                let i = at % b.len();
                b[i] ^= 1 << bit;
            }
        }
        Edit::Set { chunk, at, value } => {
            let b = &mut cs[chunk % n].bytes;
            if !b.is_empty() {
                let i = at % b.len();
                b[i] = *value;
            }
        }
        Edit::Truncate { chunk, keep } => {
            let b = &mut cs[chunk % n].bytes;
            let k = keep % (b.len() + 1);
            b.truncate(k);
        }
        Edit::Splice {
            chunk,
            at,
            from,
            from_at,
            len,
            insert,
        } => {
            let src = &cs[from % n].bytes;
            let s = from_at % (src.len() + 1);
            let piece = src[s..(s + len).min(src.len())].to_vec();
            let b = &mut cs[chunk % n].bytes;
            let i = at % (b.len() + 1);
            if *insert {
                b.splice(i..i, piece);
            } else {
                let end = (i + piece.len()).min(b.len());
                b.splice(i..end, piece);
            }
        }
        Edit::Length {
            chunk,
            at,
            width,
            how,
        } => {
            let b = &mut cs[chunk % n].bytes;
            let w = usize::from(*width);
            if b.len() >= w {
                let i = at % (b.len() - w + 1);
                let old = b[i..i + w].iter().fold(0u32, |a, x| a << 8 | u32::from(*x));
                let max = (1u32 << (8 * w)) - 1;
                let new = match how % 6 {
                    0 => 0,
                    1 => max,
                    2 => old.saturating_add(1).min(max),
                    3 => old.saturating_sub(1),
                    4 => old.saturating_add(u32::from(*how)).min(max),
                    _ => old.saturating_sub(u32::from(*how)),
                };
                for (k, slot) in b[i..i + w].iter_mut().enumerate() {
                    *slot = (new >> (8 * (w - 1 - k))) as u8;
                }
            }
        }
        Edit::Drop { chunk } => {
            cs.remove(chunk % n);
        }
        Edit::Duplicate { chunk } => {
            let c = cs[chunk % n].clone();
            cs.insert(chunk % n, c);
        }
        Edit::Resplit { chunk, at } => {
            let c = &mut cs[chunk % n];
            let i = at % (c.bytes.len() + 1);
            let rest = Chunk {
                dir: c.dir,
                at: c.at,
                bytes: c.bytes.split_off(i),
            };
            cs.insert(chunk % n + 1, rest);
        }
        Edit::Turn { chunk } => {
            let c = &mut cs[chunk % n];
            c.dir = match c.dir {
                Direction::Client => Direction::Server,
                Direction::Server => Direction::Client,
            };
        }
        Edit::Extend { chunk, bytes } => cs[chunk % n].bytes.extend_from_slice(bytes),
    }
}

/// One edit of an NSS key log.
#[derive(Clone, Debug)]
pub(crate) enum LineEdit {
    /// Flip a character of a line to another printable one.
    Char {
        line: usize,
        at: usize,
        to: char,
    },
    Truncate {
        line: usize,
        keep: usize,
    },
    Drop {
        line: usize,
    },
    Duplicate {
        line: usize,
    },
    /// Swap the label of one line for another NSS label.
    Relabel {
        line: usize,
        label: usize,
    },
    /// Add a line of random text, or a well-formed-looking line with random hex.
    Add {
        text: String,
    },
    AddHex {
        label: usize,
        random: Vec<u8>,
        secret: Vec<u8>,
    },
}

const LABELS: [&str; 9] = [
    "CLIENT_RANDOM",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "EXPORTER_SECRET",
    "EARLY_EXPORTER_SECRET",
    "#",
];

pub(crate) fn line_edit() -> impl Strategy<Value = LineEdit> {
    let u = any::<usize>;
    prop_oneof![
        3 => (u(), u(), prop::char::range(' ', '~'))
            .prop_map(|(line, at, to)| LineEdit::Char { line, at, to }),
        1 => (u(), u()).prop_map(|(line, keep)| LineEdit::Truncate { line, keep }),
        1 => u().prop_map(|line| LineEdit::Drop { line }),
        1 => u().prop_map(|line| LineEdit::Duplicate { line }),
        1 => (u(), u()).prop_map(|(line, label)| LineEdit::Relabel { line, label }),
        1 => "\\PC{0,200}".prop_map(|text| LineEdit::Add { text }),
        1 => (
            u(),
            prop::collection::vec(any::<u8>(), 0..40),
            prop::collection::vec(any::<u8>(), 0..80)
        )
            .prop_map(|(label, random, secret)| LineEdit::AddHex { label, random, secret }),
    ]
}

/// No edits (most cases keep the key log whole, so the records decrypt) or a few.
pub(crate) fn line_edits() -> impl Strategy<Value = Vec<LineEdit>> {
    prop_oneof![
        2 => Just(Vec::new()),
        1 => prop::collection::vec(line_edit(), 1..6),
    ]
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub(crate) fn apply_lines(lines: &[String], edits: &[LineEdit]) -> Vec<String> {
    let mut ls = lines.to_vec();
    for e in edits {
        let n = ls.len();
        match e {
            LineEdit::Add { text } => ls.push(text.clone()),
            LineEdit::AddHex {
                label,
                random,
                secret,
            } => ls.push(format!(
                "{} {} {}",
                LABELS[label % LABELS.len()],
                hex(random),
                hex(secret)
            )),
            _ if n == 0 => {}
            LineEdit::Char { line, at, to } => {
                let l = &mut ls[line % n];
                let mut cs: Vec<char> = l.chars().collect();
                if !cs.is_empty() {
                    let i = at % cs.len();
                    cs[i] = *to;
                    *l = cs.into_iter().collect();
                }
            }
            LineEdit::Truncate { line, keep } => {
                let l = &mut ls[line % n];
                let k = keep % (l.len() + 1);
                *l = l.chars().take(k).collect();
            }
            LineEdit::Drop { line } => {
                ls.remove(line % n);
            }
            LineEdit::Duplicate { line } => {
                let l = ls[line % n].clone();
                ls.push(l);
            }
            LineEdit::Relabel { line, label } => {
                let l = &mut ls[line % n];
                let rest = l.split_once(' ').map(|(_, r)| r).unwrap_or("");
                *l = format!("{} {rest}", LABELS[label % LABELS.len()]);
            }
        }
    }
    ls
}
