//! Messages built by hand, hostile input, and how the input is fed.

use super::*;
use crate::wire::mutate::{apply, cases, edits};
use proptest::prelude::*;

fn hs_msg(t: u8, body: &[u8]) -> Vec<u8> {
    let n = body.len() as u32;
    let mut v = vec![t, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    v.extend_from_slice(body);
    v
}

fn vec_n(w: usize, b: &[u8]) -> Vec<u8> {
    let n = b.len() as u32;
    let mut v = n.to_be_bytes()[4 - w..].to_vec();
    v.extend_from_slice(b);
    v
}

/// A minimal DER certificate whose subject CN is `cn`.
fn fake_cert(cn: &str) -> Vec<u8> {
    let tlv = |tag: u8, body: &[u8]| {
        let mut v = vec![tag, body.len() as u8];
        v.extend_from_slice(body);
        v
    };
    let name = tlv(
        0x30,
        &tlv(
            0x31,
            &tlv(
                0x30,
                &[&[6, 3, 0x55, 4, 3][..], &tlv(0x0c, cn.as_bytes())].concat(),
            ),
        ),
    );
    let tbs = [
        tlv(0xa0, &tlv(2, &[2])),
        tlv(2, &[1]),
        tlv(0x30, &[]),
        tlv(0x30, &[]),
        tlv(0x30, &[]),
        name,
    ]
    .concat();
    tlv(
        0x30,
        &[tlv(0x30, &tbs), tlv(0x30, &[]), tlv(3, &[0])].concat(),
    )
}

#[test]
fn tls13_certificate_by_hand() {
    let der = fake_cert("leaf.test");
    let ocsp = [&[0u8, 5][..], &vec_n(2, &[1, 0, 0, 2, 0xaa, 0xbb])].concat();
    let entry0 = [vec_n(3, &der), vec_n(2, &ocsp)].concat();
    let entry1 = [vec_n(3, &[0x30, 0]), vec_n(2, &[])].concat();
    let body = [vec_n(1, &[]), vec_n(3, &[entry0, entry1].concat())].concat();
    let raw = hs_msg(11, &body);
    let d = dissect_handshake(Direction::Server, 3.5, &raw, Some(0x0304));
    check_tiling(&d);
    assert_eq!(d.name, "Certificate");
    assert_eq!(d.at_ms, 3.5);
    assert_eq!(field(&d, "certificate_request_context").value, "empty");
    let c0 = field(&d, "certificate[0]");
    assert!(c0.value.starts_with("CN=leaf.test"), "{}", c0.value);
    assert_eq!(c0.rfc, "RFC 8446 §4.4.2");
    assert_eq!(field(&d, "certificate[1]").value, "DER, 2 bytes");
    let sr = field(&d, "extension status_request");
    assert_eq!(sr.depth, 1);
    assert_eq!(field(&d, "status_type").depth, 2);
    assert!(d.fields.iter().all(|x| x.name != "unparsed"));
    // Without a hint the TLS 1.3 layout is recognised too.
    let d = dissect_handshake(Direction::Server, 0.0, &raw, None);
    check_tiling(&d);
    field(&d, "certificate_request_context");
    // TLS 1.2 layout.
    let body = vec_n(3, &vec_n(3, &der));
    let d = dissect_handshake(Direction::Server, 0.0, &hs_msg(11, &body), Some(0x0303));
    check_tiling(&d);
    assert!(
        field(&d, "certificate[0]")
            .value
            .starts_with("CN=leaf.test")
    );
    assert_eq!(field(&d, "certificate[0]").rfc, "RFC 5246 §7.4.2");
}

#[test]
fn other_tls13_messages_by_hand() {
    let h = Some(0x0304);
    let s = Direction::Server;
    // EncryptedExtensions with ALPN and server_name.
    let alpn = [&[0u8, 16][..], &vec_n(2, &vec_n(2, &vec_n(1, b"h2")))].concat();
    let ee = hs_msg(8, &vec_n(2, &[&alpn[..], &[0, 0, 0, 0]].concat()));
    let d = dissect_handshake(s, 0.0, &ee, h);
    check_tiling(&d);
    assert_eq!(d.name, "EncryptedExtensions");
    assert_eq!(
        field(&d, "extension application_layer_protocol_negotiation").value,
        "h2"
    );
    assert_eq!(
        field(&d, "extension server_name").value,
        "empty (acknowledged)"
    );
    // CertificateVerify, Finished, NewSessionTicket, KeyUpdate.
    let cv = hs_msg(15, &[&[8u8, 4][..], &vec_n(2, &[7; 256])].concat());
    let d = dissect_handshake(s, 0.0, &cv, h);
    check_tiling(&d);
    assert_eq!(field(&d, "algorithm").value, "rsa_pss_rsae_sha256 (0x0804)");
    let d = dissect_handshake(s, 0.0, &hs_msg(20, &[9; 48]), h);
    check_tiling(&d);
    assert_eq!(field(&d, "verify_data").rfc, "RFC 8446 §4.4.4");
    let nst = [
        &7200u32.to_be_bytes()[..],
        &[1, 2, 3, 4],
        &vec_n(1, &[0]),
        &vec_n(2, &[5; 100]),
        &vec_n(2, &[0, 42, 0, 4, 0, 0, 0x40, 0]),
    ]
    .concat();
    let d = dissect_handshake(s, 0.0, &hs_msg(4, &nst), h);
    check_tiling(&d);
    assert_eq!(field(&d, "ticket").value, "100 bytes");
    assert_eq!(field(&d, "max_early_data_size").value, "16384 bytes");
    // Without a hint the TLS 1.3 layout is recognised.
    let d = dissect_handshake(s, 0.0, &hs_msg(4, &nst), None);
    field(&d, "ticket_age_add");
    let d = dissect_handshake(Direction::Client, 0.0, &hs_msg(24, &[1]), h);
    check_tiling(&d);
    assert_eq!(d.name, "KeyUpdate");
    assert_eq!(field(&d, "request_update").value, "update_requested (1)");
    // TLS 1.3 CertificateRequest.
    let sa = [&[0u8, 13][..], &vec_n(2, &vec_n(2, &[8, 4, 4, 3]))].concat();
    let cr = hs_msg(13, &[vec_n(1, &[]), vec_n(2, &sa)].concat());
    let d = dissect_handshake(s, 0.0, &cr, h);
    check_tiling(&d);
    assert_eq!(
        field(&d, "extension signature_algorithms").value,
        "rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256"
    );
}

#[test]
fn hostile_strings_and_sizes() {
    // SNI with control characters and a huge length: sanitized and capped.
    let mut host = b"evil\x1b[31m\n".to_vec();
    host.extend(std::iter::repeat_n(b'a', 500));
    let sni = [
        &[0u8, 0][..],
        &vec_n(2, &vec_n(2, &[&[0u8][..], &vec_n(2, &host)].concat())),
    ]
    .concat();
    let suites: Vec<u8> = (0..30_000u32)
        .flat_map(|i| (i as u16).to_be_bytes())
        .collect();
    let ch = [
        &[3u8, 3][..],
        &[0; 32],
        &vec_n(1, &[]),
        &vec_n(2, &suites),
        &vec_n(1, &[0]),
        &vec_n(2, &sni),
    ]
    .concat();
    let d = dissect_handshake(Direction::Client, 0.0, &hs_msg(1, &ch), None);
    check_tiling(&d);
    assert!(d.fields.len() <= MAX_FIELDS + 2);
    // The suite list is capped; the SNI then lies in an `unparsed` gap.
    assert!(d.fields.iter().any(|f| f.name == "unparsed"));
    // A smaller one shows the sanitized name.
    let ch = [
        &[3u8, 3][..],
        &[0; 32],
        &vec_n(1, &[]),
        &vec_n(2, &[0x13, 1]),
        &vec_n(1, &[0]),
        &vec_n(2, &sni),
    ]
    .concat();
    let d = dissect_handshake(Direction::Client, 0.0, &hs_msg(1, &ch), None);
    check_tiling(&d);
    let v = &field(&d, "host_name").value;
    assert!(v.starts_with("evil\\x1b[31m\\x0a"), "{v}");
    assert!(v.chars().all(|c| c == '…' || (' '..='~').contains(&c)));
    assert!(v.len() < 200);
    // Oversize message.
    let big = hs_msg(11, &vec![0; MAX_HANDSHAKE + 1]);
    let d = dissect_handshake(Direction::Server, 0.0, &big, None);
    check_tiling(&d);
    assert_eq!(d.fields.len(), 1);
    assert_eq!(d.fields[0].name, "truncated");
    assert!(d.raw.len() <= DISPLAY_CAP);
    // The same through the record layer.
    let mut rec = vec![22, 3, 3, 0, 4, 11, 0x10, 0, 0];
    rec.extend_from_slice(&[23, 3, 3, 0, 1, 0]);
    let ds = dissect(&[Chunk {
        dir: Direction::Server,
        at: Duration::ZERO,
        bytes: rec,
    }]);
    assert_eq!(ds[0].fields[0].name, "truncated");
    // Item cap: many tiny records.
    let rec = [23u8, 3, 3, 0, 1, 0];
    let bytes: Vec<u8> = rec.iter().copied().cycle().take(6 * 6000).collect();
    let ds = dissect(&[Chunk {
        dir: Direction::Client,
        at: Duration::ZERO,
        bytes,
    }]);
    assert_eq!(ds.len(), MAX_ITEMS);
    // Not TLS.
    let ds = dissect(&[Chunk {
        dir: Direction::Server,
        at: Duration::from_millis(2),
        bytes: b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec(),
    }]);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].name, "NotTls");
    assert_eq!(ds[0].at_ms, 2.0);
    check_tiling(&ds[0]);
    // Tiny inputs.
    for raw in [&[][..], &[1], &[1, 0, 0], &[1, 0, 0, 5, 3]] {
        check_tiling(&dissect_handshake(Direction::Client, 0.0, raw, None));
    }
}

#[test]
fn sslv2_client_hello() {
    // SSLv2 CLIENT-HELLO offering one TLS suite and one SSLv2 kind.
    let mut body = vec![1, 3, 1, 0, 6, 0, 0, 0, 16];
    body.extend_from_slice(&[0, 0x00, 0x2f, 0x01, 0x00, 0x80]);
    body.extend_from_slice(&[7; 16]);
    let mut rec = vec![0x80 | (body.len() >> 8) as u8, body.len() as u8];
    rec.extend_from_slice(&body);
    let ds = dissect(&[Chunk {
        dir: Direction::Client,
        at: Duration::ZERO,
        bytes: rec,
    }]);
    assert_eq!(ds[0].name, "SSLv2ClientHello");
    check_tiling(&ds[0]);
    assert!(
        field(&ds[0], "cipher_specs[0]")
            .value
            .contains("TLS_RSA_WITH_AES_128_CBC_SHA")
    );
    assert!(ds[0].fields.iter().all(|f| f.name != "unparsed"));
}

#[test]
fn byte_by_byte_feeding_gives_the_same_result() {
    for f in [TLS12, HRR] {
        let cs = chunks(f);
        let whole = dissect(&cs);
        let split: Vec<Chunk> = cs
            .iter()
            .flat_map(|c| {
                c.bytes.iter().map(move |b| Chunk {
                    dir: c.dir,
                    at: c.at,
                    bytes: vec![*b],
                })
            })
            .collect();
        let pieces = dissect(&split);
        assert_eq!(whole.len(), pieces.len());
        for (a, b) in whole.iter().zip(&pieces) {
            assert_eq!(
                (a.from, &a.name, &a.raw, &a.fields),
                (b.from, &b.name, &b.raw, &b.fields)
            );
            assert_eq!(a.at_ms, b.at_ms);
        }
    }
}

#[test]
fn client_hello_extensions_by_hand() {
    let ext = |code: u16, data: &[u8]| [&code.to_be_bytes()[..], &vec_n(2, data)].concat();
    let psk = [
        vec_n(
            2,
            &[vec_n(2, &[1; 40]), 5u32.to_be_bytes().to_vec()].concat(),
        ),
        vec_n(2, &vec_n(1, &[2; 32])),
    ]
    .concat();
    let exts = [
        ext(0x1a1a, &[]),
        ext(5, &[1, 0, 0, 0, 0]),
        ext(0xff01, &[0]),
        ext(21, &[0; 7]),
        ext(0x4444, &[1, 2, 3]),
        ext(41, &psk),
    ]
    .concat();
    let ch = [
        &[3u8, 3][..],
        &[0; 32],
        &vec_n(1, &[]),
        &vec_n(2, &[0x2a, 0x2a, 0x13, 1, 0, 0xff]),
        &vec_n(1, &[0]),
        &vec_n(2, &exts),
    ]
    .concat();
    let d = dissect_handshake(Direction::Client, 0.0, &hs_msg(1, &ch), None);
    check_tiling(&d);
    assert!(d.fields.iter().all(|f| f.name != "unparsed"));
    assert_eq!(
        field(&d, "cipher_suites").value,
        "3 suites (1 GREASE), first TLS_AES_128_GCM_SHA256"
    );
    assert_eq!(field(&d, "cipher_suites[0]").rfc, "RFC 8701");
    assert_eq!(field(&d, "extension GREASE").value, "GREASE, ignored");
    assert_eq!(
        field(&d, "extension status_request").value,
        "OCSP stapling requested"
    );
    assert_eq!(field(&d, "extension status_request").rfc, "RFC 6066 §8");
    assert_eq!(
        field(&d, "extension renegotiation_info").rfc,
        "RFC 5746 §3.2"
    );
    assert_eq!(field(&d, "extension padding").value, "7 bytes of zeros");
    assert_eq!(field(&d, "extension 0x4444").value, "3 bytes");
    let p = field(&d, "extension pre_shared_key");
    assert_eq!(p.value, "1 identity");
    assert_eq!(p.rfc, "RFC 8446 §4.2.11");
    assert!(
        field(&d, "identities[0]")
            .value
            .starts_with("40 bytes identity")
    );
    assert_eq!(field(&d, "binders[0]").value, "32 bytes");
}

#[test]
fn trickled_input_stays_linear() {
    // A 60,000-byte handshake message in 1-byte records, the stream in 1-byte chunks.
    let msg = hs_msg(99, &vec![7; 60_000]);
    let stream: Vec<u8> = msg.iter().flat_map(|b| [22, 3, 3, 0, 1, *b]).collect();
    let cs: Vec<Chunk> = stream
        .iter()
        .enumerate()
        .map(|(i, b)| Chunk {
            dir: Direction::Server,
            at: Duration::from_micros(i as u64),
            bytes: vec![*b],
        })
        .collect();
    let t = std::time::Instant::now();
    let ds = dissect(&cs);
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].name, "Unknown");
    assert_eq!(ds[0].raw, msg);
    assert_eq!(ds[0].at_ms, 0.0);
    check_tiling(&ds[0]);
    field(&ds[0], "body");
}

/// Handshake messages of the real captures, to mutate directly through
/// `dissect_handshake`.
fn fixture_messages() -> &'static [Vec<u8>] {
    static MSGS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    MSGS.get_or_init(|| {
        ALL.iter()
            .flat_map(|f| dissect(&chunks(f)))
            .filter(|d| !d.fields.iter().any(|f| f.name == "content_type"))
            .map(|d| d.raw)
            .collect()
    })
}

proptest! {
    #![proptest_config(cases(512))]

    /// The real captures, mutated (flips, truncations, splices, length edits, chunks
    /// dropped, duplicated, re-split): every dissected item's fields tile its bytes,
    /// and the walk yields no more items than there are bytes.
    #[test]
    fn mutated_fixtures_tile(which in 0..ALL.len(), es in edits()) {
        let cs = apply(&chunks(ALL[which]), &es);
        let input: usize = cs.iter().map(|c| c.bytes.len()).sum();
        let ds = dissect(&cs);
        prop_assert!(ds.len() <= input.max(1));
        for d in &ds {
            check_tiling(d);
        }
    }

    /// One real handshake message, mutated as a single chunk and dissected with each
    /// version hint.
    #[test]
    fn mutated_messages_tile(
        which in any::<prop::sample::Index>(),
        es in edits(),
        hint in prop::sample::select(vec![None, Some(0x0301u16), Some(0x0303), Some(0x0304)]),
    ) {
        let msgs = fixture_messages();
        let m = msgs[which.index(msgs.len())].clone();
        let one = [Chunk { dir: Direction::Server, at: Duration::ZERO, bytes: m }];
        let m: Vec<u8> = apply(&one, &es).into_iter().flat_map(|c| c.bytes).collect();
        check_tiling(&dissect_handshake(Direction::Server, 0.0, &m, hint));
    }
}
