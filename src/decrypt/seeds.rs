//! The cargo-fuzz targets' seed corpus (`fuzz/seeds/`), from the same real captures
//! the tests use: the wire fixtures for the decoder and the dissector, live OpenSSL
//! handshakes with their key logs for the decryptors and the key-log parser. Written
//! only on request:
//! `TLSLENS_FUZZ_SEEDS=fuzz/seeds cargo test --lib write_fuzz_seeds -- --ignored`.
//! The byte format is the one `fuzz/src/lib.rs` reads.

use super::tests::{ServerOpts, run_openssl};
use super::tests12::one;
use crate::wire::Chunk;
use crate::wire::fixtures::{ALERT, DHE, HRR, TLS11, TLS12, TLS12_CBC, TLS13, chunks};
use openssl::ssl::SslVersion;
use std::path::Path;

/// Each chunk as `dir ‖ u16 length ‖ bytes` (longer chunks split).
fn capture(cs: &[Chunk]) -> Vec<u8> {
    let mut out = Vec::new();
    for c in cs {
        for piece in c.bytes.chunks(0xffff) {
            out.push(u8::from(c.dir == crate::wire::Direction::Server));
            out.extend_from_slice(&(piece.len() as u16).to_be_bytes());
            out.extend_from_slice(piece);
        }
    }
    out
}

/// The key log, then the capture.
fn decryption(keylog: &[String], cs: &[Chunk]) -> Vec<u8> {
    let text = keylog.join("\n");
    let mut out = (text.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(text.as_bytes());
    out.extend(capture(cs));
    out
}

fn write(root: &Path, target: &str, name: &str, bytes: &[u8]) {
    let dir = root.join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
#[ignore = "writes the fuzz seed corpus; run with TLSLENS_FUZZ_SEEDS=DIR"]
fn write_fuzz_seeds() {
    let Some(root) = std::env::var_os("TLSLENS_FUZZ_SEEDS") else {
        return;
    };
    let root = Path::new(&root);
    let fixtures = [
        ("tls13", TLS13),
        ("hrr", HRR),
        ("tls12", TLS12),
        ("tls11", TLS11),
        ("alert", ALERT),
        ("dhe", DHE),
        ("tls12cbc", TLS12_CBC),
    ];
    for (name, text) in fixtures {
        let bytes = capture(&chunks(text));
        write(root, "decode", name, &bytes);
        write(root, "dissect", name, &bytes);
    }
    let chacha = run_openssl(ServerOpts::default(), "TLS_CHACHA20_POLY1305_SHA256", None);
    let hrr = run_openssl(
        ServerOpts {
            groups: Some("X25519"),
            ..Default::default()
        },
        "TLS_AES_256_GCM_SHA384",
        Some("P-256:X25519"),
    );
    for (name, cap) in [("chacha20", &chacha), ("hrr_aes256gcm", &hrr)] {
        write(
            root,
            "decrypt13",
            name,
            &decryption(&cap.keylog, &cap.chunks),
        );
    }
    let gcm = one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-GCM-SHA256", 0);
    let tls12 = [
        ("gcm", &gcm),
        (
            "cbc_tls11",
            &one(
                SslVersion::TLS1_1,
                "ECDHE-ECDSA-AES256-SHA",
                super::tests12::NO_ETM,
            ),
        ),
        (
            "chacha20",
            &one(SslVersion::TLS1_2, "ECDHE-ECDSA-CHACHA20-POLY1305", 0),
        ),
        (
            "cbc_etm",
            &one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-SHA256", 0),
        ),
    ];
    for (name, cap) in tls12 {
        write(
            root,
            "decrypt12",
            name,
            &decryption(&cap.keylog, &cap.chunks),
        );
    }
    let both: Vec<String> = chacha.keylog.iter().chain(&gcm.keylog).cloned().collect();
    write(root, "keylog", "both", both.join("\n").as_bytes());
    write(root, "keylog", "tls13", chacha.keylog.join("\n").as_bytes());
}

/// The inverse of `decryption`, as `fuzz/src/lib.rs` reads any input: lossy UTF-8, a
/// short last chunk keeps what there is.
fn parse(b: &[u8]) -> (Vec<String>, Vec<Chunk>) {
    let take = |b: &mut &[u8], n: usize| {
        let (x, rest) = b.split_at(n.min(b.len()));
        *b = rest;
        x.to_vec()
    };
    let mut b = b;
    let n = match take(&mut b, 2)[..] {
        [h, l] => usize::from(u16::from_be_bytes([h, l])),
        _ => 0,
    };
    let keylog = vec![String::from_utf8_lossy(&take(&mut b, n)).into_owned()];
    let mut cs = Vec::new();
    while let [d, h, l, ..] = *b {
        b = &b[3..];
        cs.push(Chunk {
            dir: if d & 1 == 1 {
                crate::wire::Direction::Server
            } else {
                crate::wire::Direction::Client
            },
            at: std::time::Duration::ZERO,
            bytes: take(&mut b, usize::from(u16::from_be_bytes([h, l]))),
        });
    }
    (keylog, cs)
}

/// The committed seeds are whole handshakes whose key logs open them: the fuzz targets
/// start from decrypting captures, not from the first failed check.
#[test]
fn fuzz_seeds_decrypt() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let read = |p: &str| std::fs::read(dir.join(p)).unwrap();
    for name in ["chacha20", "hrr_aes256gcm"] {
        let (keylog, cs) = parse(&read(&format!("decrypt13/{name}")));
        let d = super::decrypt_tls13(&cs, &keylog).unwrap();
        assert_eq!(d.server_finished_ok, Some(true), "{name}: {:?}", d.notes);
    }
    for name in ["gcm", "cbc_tls11", "chacha20", "cbc_etm"] {
        let (keylog, cs) = parse(&read(&format!("decrypt12/{name}")));
        let d = super::decrypt_tls12(&cs, &keylog).unwrap();
        assert_eq!(d.server_finished_ok, Some(true), "{name}: {:?}", d.notes);
    }
    let (_, cs) = parse(&read("decrypt13/chacha20"));
    let keylog = vec![String::from_utf8(read("keylog/both")).unwrap()];
    let d = super::decrypt_tls13(&cs, &keylog).unwrap();
    assert_eq!(d.server_finished_ok, Some(true), "{:?}", d.notes);
}

/// What the fuzz targets found, kept: each input in `fuzz/regressions/<target>/` runs
/// through its decryptor without a panic.
#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    type Decrypt = fn(&[Chunk], &[String]) -> Result<super::Decrypted, String>;
    let targets: [(&str, Decrypt); 2] = [
        ("decrypt12", super::decrypt_tls12),
        ("decrypt13", super::decrypt_tls13),
    ];
    for (target, decrypt) in targets {
        let Ok(entries) = std::fs::read_dir(dir.join(target)) else {
            continue;
        };
        for e in entries {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            let (keylog, cs) = parse(&bytes);
            let _ = decrypt(&cs, &keylog);
        }
    }
}

/// A TLS 1.2 Finished shorter than 12 bytes is "computed ≠ received", not a panic in
/// the constant-time compare (found by the decrypt12 fuzz target).
#[test]
fn unequal_lengths_compare_unequal() {
    assert!(super::keys::same(b"abc", b"abc"));
    assert!(!super::keys::same(b"abc", b"ab"));
    assert!(!super::keys::same(&[0; 12], &[]));
}
