//! TLS 1.0–1.2 decryption on real handshakes: an OpenSSL server and client over
//! loopback, recorded like the tap records, decrypted with the client's own
//! `CLIENT_RANDOM` line. Each record protection: CBC with and without
//! encrypt-then-MAC, AES-GCM, AES-CCM, ChaCha20-Poly1305; TLS 1.0, 1.1, 1.2.

use super::tests::{ChunkLog, IO_TIMEOUT, LineLog, connect, self_signed, take};
use super::*;
use crate::wire::mutate::{apply, apply_lines, edits, line_edits};
use openssl::ssl::{
    SslAcceptor, SslConnector, SslMethod, SslOptions, SslSession, SslVerifyMode, SslVersion,
};
use proptest::prelude::*;
use std::io::{Read, Write};
use std::net::TcpListener;

pub(super) const NO_ETM: u64 = 1 << 19;
const NO_EMS: u64 = 1;

#[derive(Clone, Copy)]
struct Opts {
    version: SslVersion,
    ciphers: &'static str,
    /// Raw SSL_OP_* bits for the server.
    server_ops: u64,
    /// Connections to make (the later ones resume the first one's session).
    connections: usize,
}

pub(super) struct Cap {
    pub(super) chunks: Vec<Chunk>,
    pub(super) keylog: Vec<String>,
    reused: bool,
}

/// One OpenSSL server for `n` connections: each reads "ping", answers "pong".
fn server(o: Opts) -> (u16, std::thread::JoinHandle<()>) {
    let (key, cert) = self_signed();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    b.set_min_proto_version(Some(o.version)).unwrap();
    b.set_max_proto_version(Some(o.version)).unwrap();
    b.set_cipher_list(o.ciphers).unwrap();
    b.set_security_level(0);
    b.clear_options(SslOptions::NO_TLSV1 | SslOptions::NO_TLSV1_1);
    b.set_options(SslOptions::from_bits_retain(o.server_ops as _));
    b.set_private_key(&key).unwrap();
    b.set_certificate(&cert).unwrap();
    let acceptor = b.build();
    let h = std::thread::spawn(move || {
        for _ in 0..o.connections {
            let Ok((s, _)) = listener.accept() else {
                return;
            };
            let _ = s.set_read_timeout(Some(IO_TIMEOUT));
            let _ = s.set_write_timeout(Some(IO_TIMEOUT));
            if let Ok(mut s) = acceptor.accept(s) {
                let mut buf = [0u8; 4];
                if s.read_exact(&mut buf).is_ok() {
                    let _ = s.write_all(b"pong");
                }
                let _ = s.shutdown();
            }
        }
    });
    (port, h)
}

/// The client side: every connection recorded, with its key log.
fn run(o: Opts) -> Vec<Cap> {
    let (port, h) = server(o);
    let mut c = SslConnector::builder(SslMethod::tls()).unwrap();
    c.set_verify(SslVerifyMode::NONE);
    c.set_min_proto_version(Some(o.version)).unwrap();
    c.set_max_proto_version(Some(o.version)).unwrap();
    c.set_cipher_list(o.ciphers).unwrap();
    c.set_security_level(0);
    c.set_options(SslOptions::NO_TICKET);
    let lines = LineLog::default();
    let sink = lines.clone();
    c.set_keylog_callback(move |_, line| sink.lock().unwrap().push(line.to_string()));
    let connector = c.build();
    let mut session: Option<SslSession> = None;
    let mut caps = Vec::new();
    for _ in 0..o.connections {
        let (rec, log): (_, ChunkLog) = connect(port);
        let mut cfg = connector.configure().unwrap().verify_hostname(false);
        if let Some(sess) = &session {
            unsafe { cfg.set_session(sess).unwrap() };
        }
        let mut s = cfg.connect("localhost", rec).unwrap();
        s.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"pong");
        let reused = s.ssl().session_reused();
        session = s.ssl().session().map(|x| x.to_owned());
        let _ = s.shutdown();
        drop(s);
        caps.push(Cap {
            chunks: take(&log),
            keylog: take(&lines),
            reused,
        });
    }
    h.join().unwrap();
    caps
}

pub(super) fn one(version: SslVersion, ciphers: &'static str, server_ops: u64) -> Cap {
    run(Opts {
        version,
        ciphers,
        server_ops,
        connections: 1,
    })
    .pop()
    .unwrap()
}

fn app(d: &Decrypted, dir: Direction) -> Vec<u8> {
    d.app_data
        .iter()
        .find(|(x, _)| *x == dir)
        .map(|(_, b)| b.clone())
        .unwrap_or_default()
}

/// Both Finished verify, "ping"/"pong" come out, every record opened.
fn assert_decrypts(cap: &Cap, version: &str, protection: &str) -> Decrypted {
    let d = decrypt_tls12(&cap.chunks, &cap.keylog).unwrap();
    assert_eq!(d.version, version, "{:?}", d.notes);
    assert!(
        d.protection.contains(protection),
        "{} vs {protection}",
        d.protection
    );
    assert_eq!(d.client_finished_ok, Some(true), "{:?}", d.notes);
    assert_eq!(d.server_finished_ok, Some(true), "{:?}", d.notes);
    assert_eq!(app(&d, Direction::Client), b"ping");
    assert_eq!(app(&d, Direction::Server), b"pong");
    assert!(
        d.records.iter().all(|r| r.error.is_none()),
        "{:?}",
        d.records
    );
    let finished: Vec<_> = d
        .messages
        .iter()
        .filter(|m| m.body.name() == "Finished")
        .collect();
    assert_eq!(finished.len(), 2);
    // close_notify each way, decrypted.
    assert!(d.alerts.iter().any(|a| a.2 == 0), "{:?}", d.alerts);
    assert!(
        d.signatures.iter().all(|s| s.ok == Some(true)),
        "{:?}",
        d.signatures
    );
    let steps: Vec<_> = d.key_schedule.iter().map(|s| s.step.as_str()).collect();
    for s in [
        "pre_master_secret",
        "master_secret",
        "key_block",
        "client_write_key",
        "client Finished",
        "server Finished",
    ] {
        assert!(steps.contains(&s), "{steps:?}");
    }
    d
}

#[test]
fn tls12_cbc_encrypt_then_mac() {
    let cap = one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-SHA", 0);
    let d = assert_decrypts(&cap, "TLSv1.2", "AES-128-CBC + HMAC-SHA1, encrypt-then-MAC");
    assert!(
        d.records
            .iter()
            .all(|r| r.nonce_from == "explicit" && r.tag.len() == 40)
    );
}

#[test]
fn tls12_cbc_mac_then_encrypt() {
    let cap = one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-SHA", NO_ETM);
    assert_decrypts(&cap, "TLSv1.2", "AES-128-CBC + HMAC-SHA1, MAC-then-encrypt");
}

#[test]
fn tls12_cbc_sha384_prf_without_ems() {
    let cap = one(
        SslVersion::TLS1_2,
        "ECDHE-ECDSA-AES256-SHA384",
        NO_ETM | NO_EMS,
    );
    let d = assert_decrypts(&cap, "TLSv1.2", "AES-256-CBC + HMAC-SHA384");
    let ms = d
        .key_schedule
        .iter()
        .find(|s| s.step == "master_secret")
        .unwrap();
    assert!(ms.formula.contains("P_SHA384") && ms.formula.contains("\"master secret\""));
}

#[test]
fn tls12_extended_master_secret_shows_the_session_hash() {
    let cap = one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-GCM-SHA256", 0);
    let d = assert_decrypts(&cap, "TLSv1.2", "AES-128-GCM (AEAD)");
    let ms = d
        .key_schedule
        .iter()
        .find(|s| s.step == "master_secret")
        .unwrap();
    assert!(ms.formula.contains("extended master secret"));
    assert_eq!(ms.inputs[0].value.len(), 64, "{:?}", ms.inputs);
    assert!(
        d.records
            .iter()
            .all(|r| r.nonce.len() == 24 && r.nonce_from == "explicit")
    );
}

#[test]
fn tls12_aes_256_gcm() {
    let cap = one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES256-GCM-SHA384", 0);
    assert_decrypts(&cap, "TLSv1.2", "AES-256-GCM");
}

#[test]
fn tls12_chacha20_poly1305() {
    let cap = one(SslVersion::TLS1_2, "ECDHE-ECDSA-CHACHA20-POLY1305", 0);
    let d = assert_decrypts(&cap, "TLSv1.2", "ChaCha20-Poly1305");
    assert!(d.records.iter().all(|r| r.nonce_from == "iv xor seq"));
}

#[test]
fn tls12_aes_ccm_and_ccm8() {
    let cap = one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-CCM", 0);
    assert_decrypts(&cap, "TLSv1.2", "AES-128-CCM (AEAD)");
    let cap = one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES256-CCM8", 0);
    let d = assert_decrypts(&cap, "TLSv1.2", "AES-256-CCM-8");
    assert!(d.records.iter().all(|r| r.tag.len() == 16));
}

#[test]
fn tls11_cbc_both_mac_orders() {
    let cap = one(SslVersion::TLS1_1, "ECDHE-ECDSA-AES256-SHA", NO_ETM);
    let d = assert_decrypts(&cap, "TLSv1.1", "MAC-then-encrypt");
    let f = d
        .key_schedule
        .iter()
        .find(|s| s.step == "server Finished")
        .unwrap();
    assert!(f.formula.starts_with("P_MD5 ⊕ P_SHA1") && f.rfc == "RFC 4346 §7.4.9");
    let cap = one(SslVersion::TLS1_1, "ECDHE-ECDSA-AES256-SHA", 0);
    assert_decrypts(&cap, "TLSv1.1", "encrypt-then-MAC");
}

#[test]
fn tls10_cbc_chained_iv() {
    let cap = one(SslVersion::TLS1, "ECDHE-ECDSA-AES128-SHA", NO_ETM);
    let d = assert_decrypts(&cap, "TLSv1.0", "MAC-then-encrypt");
    assert!(d.records.iter().all(|r| r.nonce_from == "chained"));
    assert!(d.key_schedule.iter().any(|s| s.step == "client_write_IV"));
    let cap = one(SslVersion::TLS1, "ECDHE-ECDSA-AES128-SHA", 0);
    assert_decrypts(&cap, "TLSv1.0", "encrypt-then-MAC");
}

/// A flipped ciphertext byte is a MAC failure, never a wrong plaintext.
#[test]
fn tampered_records_fail_their_mac() {
    for (v, c, ops) in [
        (SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-SHA", NO_ETM),
        (SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-SHA", 0),
        (SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-GCM-SHA256", 0),
    ] {
        let mut cap = one(v, c, ops);
        // The last server chunk with application data: flip a byte in the middle of
        // the last record it carries ("pong" or close_notify).
        let pos = cap
            .chunks
            .iter()
            .rposition(|c| c.dir == Direction::Server && c.bytes.len() > 30)
            .unwrap();
        let b = &mut cap.chunks[pos].bytes;
        let at = b.len() - 20;
        b[at] ^= 0x01;
        let d = decrypt_tls12(&cap.chunks, &cap.keylog).unwrap();
        let bad: Vec<_> = d.records.iter().filter(|r| r.error.is_some()).collect();
        assert_eq!(bad.len(), 1, "{c}: {:?}", d.records);
        assert!(
            bad[0].error.as_deref().unwrap().contains("bad_record_mac"),
            "{bad:?}"
        );
        assert!(
            d.notes.iter().any(|n| n.contains("did not decrypt")),
            "{:?}",
            d.notes
        );
    }
}

#[test]
fn tls12_session_id_resumption() {
    let caps = run(Opts {
        version: SslVersion::TLS1_2,
        ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256",
        server_ops: 0,
        connections: 2,
    });
    assert!(!caps[0].reused);
    assert!(caps[1].reused, "the second connection did not resume");
    let d = assert_decrypts(&caps[1], "TLSv1.2", "AES-128-GCM");
    // Abbreviated: the server's Finished comes first and no key exchange happened.
    let t = crate::wire::Transcript::decode(&caps[1].chunks);
    assert!(
        !t.messages
            .iter()
            .any(|m| m.body.name() == "ClientKeyExchange")
    );
    assert_eq!(d.messages[0].from, Direction::Server);
}

#[test]
fn missing_master_secret_is_an_error_in_words() {
    let cap = one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-GCM-SHA256", 0);
    let e = decrypt_tls12(&cap.chunks, &[]).unwrap_err();
    assert!(e.contains("no key-log lines"), "{e}");
    let other = vec!["CLIENT_RANDOM 00112233 00".to_string()];
    assert!(decrypt_tls12(&cap.chunks, &other).is_err());
}

#[test]
fn truncated_tls12_never_panics() {
    let cap = one(SslVersion::TLS1_1, "ECDHE-ECDSA-AES256-SHA", NO_ETM);
    let all: Vec<u8> = cap.chunks.iter().flat_map(|c| c.bytes.clone()).collect();
    for cut in (0..all.len()).step_by(7) {
        let mut chunks = Vec::new();
        let mut used = 0;
        for c in &cap.chunks {
            if used >= cut {
                break;
            }
            let n = c.bytes.len().min(cut - used);
            chunks.push(Chunk {
                dir: c.dir,
                at: c.at,
                bytes: c.bytes[..n].to_vec(),
            });
            used += n;
        }
        let _ = decrypt_tls12(&chunks, &cap.keylog);
    }
}

/// Real TLS 1.0–1.2 captures (CBC MAC-then-encrypt, GCM, ChaCha20-Poly1305 without
/// EMS, CBC encrypt-then-MAC), made once for all cases.
fn mutation_samples() -> &'static [Cap] {
    static CAPS: std::sync::OnceLock<Vec<Cap>> = std::sync::OnceLock::new();
    CAPS.get_or_init(|| {
        vec![
            one(SslVersion::TLS1_1, "ECDHE-ECDSA-AES256-SHA", NO_ETM),
            one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-GCM-SHA256", 0),
            one(SslVersion::TLS1_2, "ECDHE-ECDSA-CHACHA20-POLY1305", NO_EMS),
            one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-SHA256", 0),
        ]
    })
}

proptest! {
    #![proptest_config(crate::wire::mutate::cases(512))]

    /// Real captures mutated (flips, truncations, splices, length edits, chunks
    /// dropped, duplicated, re-split, turned), with the key log intact or damaged.
    #[test]
    fn mutated_tls12_never_panics(
        which in any::<prop::sample::Index>(),
        es in edits(),
        ls in line_edits(),
    ) {
        let caps = mutation_samples();
        let cap = &caps[which.index(caps.len())];
        let chunks = apply(&cap.chunks, &es);
        let keylog = apply_lines(&cap.keylog, &ls);
        if let Ok(d) = decrypt_tls12(&chunks, &keylog) {
            super::tests::check_bounded(&chunks, &d);
        }
    }
}

/// TLS 1.3: the key schedule from the logged secrets, each record's nonce and inner type.
#[test]
fn tls13_key_schedule_and_record_layer() {
    use super::tests::{ServerOpts, run_openssl};
    let cap = run_openssl(ServerOpts::default(), "TLS_AES_128_GCM_SHA256", None);
    let d = decrypt_tls13(&cap.chunks, &cap.keylog).unwrap();
    assert_eq!(d.version, "TLSv1.3");
    assert_eq!(d.protection, "AES-128-GCM (AEAD)");
    let step = |n: &str| {
        d.key_schedule
            .iter()
            .find(|s| s.step == n)
            .unwrap_or_else(|| panic!("{n}: {:?}", d.key_schedule))
    };
    assert!(step("(EC)DHE shared secret").output.is_empty());
    assert_eq!(
        step("transcript_hash(ClientHello…ServerHello)")
            .output
            .len(),
        32
    );
    assert_eq!(step("server handshake write key").output.len(), 16);
    assert_eq!(step("client application write iv").output.len(), 12);
    assert_eq!(step("server Finished").ok, Some(true));
    assert_eq!(step("client Finished").ok, Some(true));
    assert_eq!(step("server finished_key").output.len(), 32);
    assert!(
        d.records
            .iter()
            .all(|r| r.error.is_none() && r.nonce_from == "iv xor seq" && r.nonce.len() == 24)
    );
    assert!(
        d.records
            .iter()
            .any(|r| r.inner_type.as_deref() == Some("handshake"))
    );
    assert!(
        d.records
            .iter()
            .any(|r| r.inner_type.as_deref() == Some("application_data"))
    );
    // The first server record uses sequence 0, so its nonce is the IV itself.
    let first = d
        .records
        .iter()
        .find(|r| r.from == Direction::Server)
        .unwrap();
    assert_eq!(first.seq, 0);
    assert_eq!(
        first.nonce,
        crate::wire::hex(&step("server handshake write iv").output)
    );
    assert_eq!(app(&d, Direction::Client), b"ping");
}

/// The ServerKeyExchange signature rebuilt (client random ‖ server random ‖ params) and
/// checked with the certificate's key: ECDSA with a scheme in TLS 1.2, implicit SHA-1
/// before; a flipped signature byte fails.
#[test]
fn server_key_exchange_signature_checked() {
    let cap = one(SslVersion::TLS1_2, "ECDHE-ECDSA-AES128-GCM-SHA256", 0);
    let d = decrypt_tls12(&cap.chunks, &cap.keylog).unwrap();
    let [c] = d.signatures.as_slice() else {
        panic!("{:?}", d.signatures)
    };
    assert_eq!((c.message, c.ok), ("ServerKeyExchange", Some(true)));
    assert!(
        c.scheme.starts_with("ecdsa_secp256r1_sha256"),
        "{}",
        c.scheme
    );
    // 32 + 32 + curve_type(1) + named_curve(2) + len(1) + 32-byte x25519 key.
    assert_eq!(c.signed_content.len(), 100);
    let cap11 = one(SslVersion::TLS1_1, "ECDHE-ECDSA-AES128-SHA", 0);
    let d = decrypt_tls12(&cap11.chunks, &cap11.keylog).unwrap();
    assert_eq!(d.signatures[0].ok, Some(true), "{:?}", d.signatures);
    assert!(d.signatures[0].scheme.contains("SHA-1"));
    // Flip the last byte of the ServerKeyExchange (inside the signature).
    // The server's first flight arrives in several reads: merge them into one chunk.
    let mut bad = cap.chunks.clone();
    let first_server = bad.iter().position(|c| c.dir == Direction::Server).unwrap();
    while bad
        .get(first_server + 1)
        .is_some_and(|c| c.dir == Direction::Server)
    {
        let next = bad.remove(first_server + 1);
        bad[first_server].bytes.extend(next.bytes);
    }
    let flight = bad[first_server].bytes.clone();
    let at = find_message(&flight, 12).expect("ServerKeyExchange in the first server chunk");
    let len =
        (flight[at + 1] as usize) << 16 | (flight[at + 2] as usize) << 8 | flight[at + 3] as usize;
    bad[first_server].bytes[at + 3 + len] ^= 1;
    let d = decrypt_tls12(&bad, &cap.keylog).unwrap();
    assert_eq!(d.signatures[0].ok, Some(false), "{:?}", d.signatures);
}

/// Offset of the first handshake message of type `t` in a flight of handshake records
/// (messages here do not span records).
fn find_message(flight: &[u8], t: u8) -> Option<usize> {
    let mut rec = 0;
    while rec + 5 <= flight.len() && flight[rec] == 22 {
        let len = u16::from_be_bytes([flight[rec + 3], flight[rec + 4]]) as usize;
        let mut m = rec + 5;
        while m + 4 <= rec + 5 + len {
            if flight[m] == t {
                return Some(m);
            }
            let ml = (flight[m + 1] as usize) << 16
                | (flight[m + 2] as usize) << 8
                | flight[m + 3] as usize;
            m += 4 + ml;
        }
        rec += 5 + len;
    }
    None
}

/// TLS 1.3: the server CertificateVerify's signed content rebuilt and checked.
#[test]
fn tls13_certificate_verify_checked() {
    use super::tests::{ServerOpts, run_openssl};
    let cap = run_openssl(ServerOpts::default(), "TLS_AES_128_GCM_SHA256", None);
    let d = decrypt_tls13(&cap.chunks, &cap.keylog).unwrap();
    let [c] = d.signatures.as_slice() else {
        panic!("{:?}", d.signatures)
    };
    assert_eq!(
        (c.message, c.ok),
        ("CertificateVerify", Some(true)),
        "{c:?}"
    );
    assert_eq!(&c.signed_content[..64], &[0x20; 64]);
    assert_eq!(
        &c.signed_content[64..97],
        b"TLS 1.3, server CertificateVerify"
    );
    assert_eq!(c.signed_content[97], 0);
    assert_eq!(c.signed_content.len(), 98 + 32);
}
