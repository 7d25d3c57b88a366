//! Unit tests on real handshakes captured over 127.0.0.1 (see fixtures/README.md),
//! synthetic edge cases, and property tests that the decoder never panics.

use super::*;
use proptest::prelude::*;

use crate::wire::fixtures::{ALERT, ALL, DHE, HRR, TLS11, TLS12, TLS12_CBC, TLS13, chunks};

fn decode(text: &str) -> Transcript {
    Transcript::decode(&chunks(text))
}

/// (from, message name) of every message.
fn order(t: &Transcript) -> Vec<(Direction, &'static str)> {
    t.messages.iter().map(|m| (m.from, m.body.name())).collect()
}

fn chunk(dir: Direction, ms: u64, bytes: Vec<u8>) -> Chunk {
    Chunk {
        dir,
        at: Duration::from_millis(ms),
        bytes,
    }
}

fn record(ctype: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![ctype, 3, 3];
    v.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    v.extend_from_slice(payload);
    v
}

fn hs_msg(t: u8, body: &[u8]) -> Vec<u8> {
    let n = body.len() as u32;
    let mut v = vec![t, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    v.extend_from_slice(body);
    v
}

/// The concatenated payloads of the clear handshake records of `dir` (stops at CCS).
fn clear_handshake_bytes(cs: &[Chunk], dir: Direction) -> Vec<u8> {
    let stream: Vec<u8> = cs
        .iter()
        .filter(|c| c.dir == dir)
        .flat_map(|c| c.bytes.clone())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 5 <= stream.len() {
        let len = usize::from(u16::from_be_bytes([stream[i + 3], stream[i + 4]]));
        if stream[i] != 22 {
            break;
        }
        out.extend_from_slice(&stream[i + 5..i + 5 + len]);
        i += 5 + len;
    }
    out
}

use Direction::{Client as C, Server as S};

#[test]
fn tls13_x25519() {
    let t = decode(TLS13);
    assert_eq!(t.negotiated_version(), Some(0x0304));
    assert_eq!(t.negotiated_cipher(), Some(0x1302));
    assert_eq!(
        names::cipher_name(t.negotiated_cipher().unwrap()),
        "TLS_AES_256_GCM_SHA384"
    );
    assert_eq!(t.negotiated_group(), Some(29));
    assert!(t.saw_server_hello());
    assert!(!t.hello_retry());
    assert!(!t.server_spoke_non_tls());
    assert_eq!(t.first_alert(S), None);
    assert!(
        t.server_certificates().is_empty(),
        "TLS 1.3 certs are encrypted"
    );
    assert_eq!(t.last_server_message(), Some("ServerHello"));
    assert_eq!(t.offered_versions(), vec![0x0301, 0x0302, 0x0303, 0x0304]);
    assert_eq!(
        order(&t),
        vec![
            (C, "ClientHello"),
            (S, "ServerHello"),
            (S, "ChangeCipherSpec"),
            (S, "EncryptedRecords"),
            (C, "ChangeCipherSpec"),
            (C, "EncryptedRecords"),
            (S, "EncryptedRecords"),
        ]
    );
    let ch = t.client_hello().unwrap();
    assert_eq!(ch.ext.server_name.as_deref(), Some("localhost"));
    assert_eq!(ch.ext.key_shares.as_ref().unwrap()[0].group, Group(29));
    assert_eq!(ch.ext.key_shares.as_ref().unwrap()[0].key_len, 32);
    // The server's first flight: EE, Certificate, CertificateVerify, Finished.
    match &t.messages[3].body {
        Body::EncryptedRecords(e) => assert_eq!(e.count, 4),
        b => panic!("{b:?}"),
    }
    assert_eq!(t.encrypted.client_records, 2);
    assert_eq!(t.encrypted.server_records, 7);
    assert_eq!(t.encrypted_from(S).1, t.encrypted.server_bytes);
    assert!(t.notes.is_empty(), "{:?}", t.notes);
}

#[test]
fn hello_retry_request() {
    let t = decode(HRR);
    assert!(t.hello_retry());
    assert_eq!(
        order(&t)[..6],
        [
            (C, "ClientHello"),
            (S, "HelloRetryRequest"),
            (S, "ChangeCipherSpec"),
            (C, "ChangeCipherSpec"),
            (C, "ClientHello"),
            (S, "ServerHello"),
        ]
    );
    let hrr = t
        .messages
        .iter()
        .find_map(|m| match &m.body {
            Body::HelloRetryRequest(h) => Some(h),
            _ => None,
        })
        .unwrap();
    assert_eq!(hrr.ext.selected_group, Some(Group(24)));
    assert!(!hrr.ext.cookie);
    assert_eq!(t.negotiated_version(), Some(0x0304));
    assert_eq!(t.negotiated_group(), Some(24), "the SH confirms secp384r1");
    let second = t.client_hellos().nth(1).unwrap();
    assert_eq!(second.ext.key_shares.as_ref().unwrap()[0].group, Group(24));
    assert_eq!(
        t.client_hello().unwrap().ext.key_shares.as_ref().unwrap()[0].group,
        Group(29)
    );
}

#[test]
fn hrr_group_is_not_negotiated_without_server_hello() {
    // Only the HRR (and everything before it): no ServerHello, no group.
    let cs: Vec<Chunk> = chunks(HRR).into_iter().take(2).collect();
    let t = Transcript::decode(&cs);
    assert!(t.hello_retry());
    assert!(!t.saw_server_hello());
    assert_eq!(t.negotiated_group(), None);
    assert_eq!(t.negotiated_version(), None);
    assert_eq!(t.last_server_message(), Some("HelloRetryRequest"));
}

#[test]
fn tls12_ecdhe_rsa() {
    let t = decode(TLS12);
    assert_eq!(t.negotiated_version(), Some(0x0303));
    assert_eq!(
        names::cipher_name(t.negotiated_cipher().unwrap()),
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    );
    assert_eq!(t.negotiated_group(), Some(29));
    let certs = t.server_certificates();
    assert_eq!(certs.len(), 1);
    assert_eq!(certs[0].len(), 781);
    assert_eq!(certs[0][0], 0x30, "DER SEQUENCE");
    assert_eq!(t.last_server_message(), Some("NewSessionTicket"));
    assert_eq!(
        order(&t),
        vec![
            (C, "ClientHello"),
            (S, "ServerHello"),
            (S, "Certificate"),
            (S, "ServerKeyExchange"),
            (S, "ServerHelloDone"),
            (C, "ClientKeyExchange"),
            (C, "ChangeCipherSpec"),
            (C, "EncryptedRecords"),
            (S, "NewSessionTicket"),
            (S, "ChangeCipherSpec"),
            (S, "EncryptedRecords"),
            (C, "EncryptedRecords"),
        ]
    );
    let ch = t.client_hello().unwrap();
    assert_eq!(ch.ext.server_name.as_deref(), Some("example.test"));
    assert_eq!(
        ch.ext.alpn.as_deref(),
        Some(&["h2".to_string(), "http/1.1".to_string()][..])
    );
    assert_eq!(t.offered_versions(), vec![0x0301, 0x0302, 0x0303]);
    let sh = t.server_hello().unwrap();
    assert_eq!(sh.ext.alpn.as_deref(), Some(&["h2".to_string()][..]));
    assert!(sh.ext.extended_master_secret && sh.ext.renegotiation_info);
    let ske = t
        .messages
        .iter()
        .find_map(|m| match &m.body {
            Body::ServerKeyExchange(s) => Some(s),
            _ => None,
        })
        .unwrap();
    assert_eq!(ske.kex, "ecdhe");
    assert_eq!(ske.public_key_len, Some(32));
    assert_eq!(ske.signature.as_deref(), Some("rsa_pss_rsae_sha256"));
    assert_eq!(ske.signature_len, Some(256));
    assert!(ske.malformed.is_empty());
    // The encrypted Finished is counted, not decoded.
    match &t.messages[7].body {
        Body::EncryptedRecords(e) => assert_eq!(e.types, vec!["handshake".to_string()]),
        b => panic!("{b:?}"),
    }
}

#[test]
fn tls11_implicit_signature() {
    let t = decode(TLS11);
    assert_eq!(t.negotiated_version(), Some(0x0302));
    assert_eq!(t.negotiated_cipher(), Some(0xc014));
    assert_eq!(
        names::cipher_openssl_name(0xc014),
        Some("ECDHE-RSA-AES256-SHA")
    );
    assert!(names::cipher_is_cbc(0xc014));
    let ske = t
        .messages
        .iter()
        .find_map(|m| match &m.body {
            Body::ServerKeyExchange(s) => Some(s),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        ske.signature.as_deref(),
        Some("md5_sha1 (implicit, TLS < 1.2)")
    );
    assert_eq!(ske.signature_len, Some(256));
    assert_eq!(t.server_certificates().len(), 1);
    assert_eq!(t.offered_versions(), vec![0x0301, 0x0302]);
}

#[test]
fn protocol_version_alert() {
    let t = decode(ALERT);
    assert_eq!(order(&t), vec![(C, "ClientHello"), (S, "Alert")]);
    let a = t.first_alert(S).unwrap();
    assert_eq!((a.level, a.description), (2, 70));
    assert_eq!(a.name(), "protocol_version");
    assert_eq!(t.first_alert(C), None);
    assert!(!t.saw_server_hello());
    assert_eq!(t.last_server_message(), None);
    assert!(!t.server_spoke_non_tls());
    assert_eq!(t.offered_versions(), vec![0x0301, 0x0302, 0x0303]);
}

#[test]
fn dhe_server_key_exchange() {
    let t = decode(DHE);
    assert_eq!(t.negotiated_cipher(), Some(0x009f));
    assert_eq!(
        t.negotiated_group(),
        None,
        "finite-field DHE has no named group here"
    );
    let ske = t
        .messages
        .iter()
        .find_map(|m| match &m.body {
            Body::ServerKeyExchange(s) => Some(s),
            _ => None,
        })
        .unwrap();
    assert_eq!(ske.kex, "dhe");
    assert_eq!(ske.dh_p_bits, Some(2048));
    assert_eq!(ske.dh_g.as_deref(), Some("2"));
    assert_eq!(ske.dh_ys_len, Some(256));
    assert!(ske.malformed.is_empty());
}

#[test]
fn ske_shape_guessed_without_suite() {
    // Decoding the SKE alone (no ServerHello context) still finds the right shape.
    for (f, want) in [(DHE, "dhe"), (TLS12_CBC, "ecdhe")] {
        let hs = clear_handshake_bytes(&chunks(f), S);
        let mut i = 0;
        let mut found = false;
        while i + 4 <= hs.len() {
            let len =
                usize::from(hs[i + 1]) << 16 | usize::from(hs[i + 2]) << 8 | usize::from(hs[i + 3]);
            if hs[i] == 12 {
                match decode_handshake_message(12, &hs[i + 4..i + 4 + len], None) {
                    Body::ServerKeyExchange(s) => {
                        assert_eq!(s.kex, want);
                        assert!(s.malformed.is_empty(), "{:?}", s.malformed);
                        assert_eq!(s.signature.as_deref(), Some("rsa_pss_rsae_sha256"));
                    }
                    b => panic!("{b:?}"),
                }
                found = true;
            }
            i += 4 + len;
        }
        assert!(found);
    }
}

#[test]
fn tls12_cbc_secp256r1() {
    let t = decode(TLS12_CBC);
    assert_eq!(t.negotiated_cipher(), Some(0xc013));
    assert_eq!(t.negotiated_group(), Some(23));
    assert_eq!(names::group_name(23), "secp256r1");
    assert!(names::cipher_is_cbc(0xc013));
}

#[test]
fn every_fixture_byte_by_byte_matches() {
    // Records split over many chunks must decode exactly like whole chunks.
    for f in ALL {
        let whole = decode(f);
        let bytes: Vec<Chunk> = chunks(f)
            .into_iter()
            .flat_map(|c| {
                let (dir, at) = (c.dir, c.at);
                c.bytes.into_iter().map(move |b| Chunk {
                    dir,
                    at,
                    bytes: vec![b],
                })
            })
            .collect();
        let split = Transcript::decode(&bytes);
        assert_eq!(
            serde_json::to_value(&whole).unwrap(),
            serde_json::to_value(&split).unwrap()
        );
    }
}

#[test]
fn client_hello_split_across_records_and_chunks() {
    let cs = chunks(TLS13);
    let ch_rec = &cs[0].bytes;
    let payload = &ch_rec[5..];
    let mut two = record(22, &payload[..100]);
    two.extend(record(22, &payload[100..]));
    // Three chunks cutting through the record headers, at different times.
    let split = vec![
        chunk(C, 7, two[..3].to_vec()),
        chunk(C, 8, two[3..120].to_vec()),
        chunk(C, 9, two[120..].to_vec()),
    ];
    let t = Transcript::decode(&split);
    assert_eq!(order(&t), vec![(C, "ClientHello")]);
    assert_eq!(
        t.messages[0].at_ms, 7.0,
        "time of the chunk the message began in"
    );
    let whole = decode(TLS13);
    assert_eq!(
        t.client_hello().unwrap().random,
        whole.client_hello().unwrap().random
    );
    assert_eq!(
        t.client_hello().unwrap().cipher_suites,
        whole.client_hello().unwrap().cipher_suites
    );
    assert!(t.notes.is_empty(), "{:?}", t.notes);
}

#[test]
fn server_flight_reframed() {
    // One record holding all of the server's clear handshake messages, and the same
    // bytes cut into 7-byte records: both decode like the capture.
    let cs = chunks(TLS12);
    let hs = clear_handshake_bytes(&cs, S);
    let want = vec![
        (S, "ServerHello"),
        (S, "Certificate"),
        (S, "ServerKeyExchange"),
        (S, "ServerHelloDone"),
        (S, "NewSessionTicket"),
    ];
    let one = Transcript::decode(&[chunk(S, 1, record(22, &hs))]);
    assert_eq!(order(&one), want);
    let many: Vec<u8> = hs.chunks(7).flat_map(|p| record(22, p)).collect();
    let t = Transcript::decode(&[chunk(S, 1, many)]);
    assert_eq!(order(&t), want);
    assert_eq!(t.server_certificates(), decode(TLS12).server_certificates());
}

#[test]
fn sslv2_client_hello() {
    let mut body = vec![1, 0x03, 0x01, 0, 9, 0, 0, 0, 16];
    body.extend([0x01, 0x00, 0x80, 0x00, 0x00, 0x2f, 0x00, 0xc0, 0x13]);
    body.extend([0xaa; 16]);
    let mut rec = vec![0x80, body.len() as u8];
    rec.extend(body);
    let t = Transcript::decode(&[chunk(C, 0, rec)]);
    assert_eq!(order(&t), vec![(C, "SSLv2ClientHello")]);
    match &t.messages[0].body {
        Body::SSLv2ClientHello(h) => {
            assert_eq!(h.version, Version(0x0301));
            assert_eq!(
                h.cipher_specs,
                vec![
                    "SSL_CK_RC4_128_WITH_MD5",
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"
                ]
            );
            assert_eq!(h.challenge_len, 16);
        }
        b => panic!("{b:?}"),
    }
    assert_eq!(t.offered_versions(), vec![0x0301]);
}

#[test]
fn http_answer_is_not_tls() {
    let cs = chunks(TLS13);
    let t = Transcript::decode(&[
        cs[0].clone(),
        chunk(S, 5, b"HTTP/1.1 400 Bad Request\r\n".to_vec()),
        chunk(S, 6, b"Content-Length: 0\r\n\r\n\x00\x01".to_vec()),
    ]);
    assert!(t.server_spoke_non_tls());
    assert!(!t.saw_server_hello());
    assert_eq!(order(&t), vec![(C, "ClientHello"), (S, "NotTls")]);
    match &t.messages[1].body {
        Body::NotTls(n) => {
            assert!(n.first_bytes.starts_with("HTTP/1.1 400 Bad Request"));
            assert!(
                n.first_bytes.contains("Content-Length: 0"),
                "{}",
                n.first_bytes
            );
            assert!(n.first_bytes.len() <= 64);
            assert!(n.first_bytes.chars().all(|c| (' '..='~').contains(&c)));
        }
        b => panic!("{b:?}"),
    }
}

#[test]
fn malformed_inputs() {
    let ch = chunks(TLS13).remove(0).bytes;
    // Truncated record: nothing decoded, a note says why.
    let t = Transcript::decode(&[chunk(C, 0, ch[..ch.len() - 10].to_vec())]);
    assert!(t.messages.is_empty());
    assert!(
        t.notes.iter().any(|n| n.contains("incomplete record")),
        "{:?}",
        t.notes
    );
    // Record longer than 2^14 + 2048.
    let t = Transcript::decode(&[chunk(S, 0, vec![22, 3, 3, 0xff, 0xff, 1, 2, 3])]);
    assert!(t.server_spoke_non_tls());
    match &t.messages[0].body {
        Body::NotTls(n) => assert!(n.note.contains("exceeds"), "{}", n.note),
        b => panic!("{b:?}"),
    }
    // Garbage from the client; a later valid-looking record is not decoded.
    let mut g = b"\x00garbage".to_vec();
    g.extend(&ch);
    let t = Transcript::decode(&[chunk(C, 0, g)]);
    assert_eq!(order(&t), vec![(C, "NotTls")]);
    assert!(!t.server_spoke_non_tls());
    // Malformed after valid records: noted, not "non-TLS server".
    let mut sv = record(21, &[2, 40]);
    sv.extend([0x99, 0x99, 0x99]);
    let t = Transcript::decode(&[chunk(S, 0, sv)]);
    assert_eq!(order(&t), vec![(S, "Alert"), (S, "NotTls")]);
    assert!(!t.server_spoke_non_tls());
    assert_eq!(t.first_alert(S).unwrap().name(), "handshake_failure");
    // A truncated ClientHello body inside a complete record.
    let t = Transcript::decode(&[chunk(C, 0, record(22, &hs_msg(1, &[3, 3, 1, 2])))]);
    assert_eq!(order(&t), vec![(C, "Unknown")]);
    // Empty input.
    let t = Transcript::decode(&[]);
    assert!(t.messages.is_empty() && t.negotiated_version().is_none());
}

#[test]
fn oversize_handshake_message_is_capped() {
    let mut p = vec![11, 0x10, 0, 0];
    p.extend([0u8; 100]);
    let t = Transcript::decode(&[
        chunk(S, 0, record(22, &p)),
        chunk(S, 1, record(22, &[14, 0, 0, 0])),
    ]);
    assert!(t.messages.is_empty());
    assert!(
        t.notes.iter().any(|n| n.contains("claims")),
        "{:?}",
        t.notes
    );
}

#[test]
fn tls13_certificate_layout() {
    let mut entry = vec![0, 0, 3, 0x30, 0x01, 0x00];
    entry.extend([0, 4, 0, 5, 0, 0]); // extensions: status_request, empty
    let mut body = vec![0]; // empty request context
    body.extend([0, 0, entry.len() as u8]);
    body.extend(&entry);
    match decode_handshake_message(11, &body, Some(0x0304)) {
        Body::Certificate(c) => {
            assert!(c.tls13);
            assert_eq!(c.count, 1);
            assert_eq!(c.certs[0].der_len, 3);
            assert_eq!(c.certs[0].extensions, vec!["status_request"]);
            assert_eq!(c.der[0], vec![0x30, 0x01, 0x00]);
            assert!(c.malformed.is_empty());
        }
        b => panic!("{b:?}"),
    }
    // The same bytes read as TLS 1.2 are malformed but do not panic.
    assert!(matches!(
        decode_handshake_message(11, &body, Some(0x0303)),
        Body::Certificate(_)
    ));
    match decode_handshake_message(20, &[0; 32], Some(0x0304)) {
        Body::Finished(f) => assert_eq!(f.verify_data_len, 32),
        b => panic!("{b:?}"),
    }
    assert!(matches!(
        decode_handshake_message(99, &[], None),
        Body::Unknown(Unknown { msg_type: 99, .. })
    ));
}

#[test]
fn json_shape() {
    let t = decode(TLS12);
    let v = serde_json::to_value(&t).unwrap();
    let m = &v["messages"];
    assert_eq!(m[0]["from"], "client");
    assert_eq!(m[0]["message"], "ClientHello");
    assert!(m[0]["at_ms"].is_f64());
    assert_eq!(
        m[0]["cipher_suites"][0],
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    );
    assert_eq!(m[0]["record_version"], "TLSv1.0");
    assert_eq!(m[0]["extensions"][0]["name"], "server_name");
    assert_eq!(m[0]["extensions"][0]["code"], 0);
    assert_eq!(m[1]["message"], "ServerHello");
    assert_eq!(m[1]["cipher_suite_code"], "0xc02f");
    assert_eq!(m[1]["version"], "TLSv1.2");
    assert_eq!(m[2]["count"], 1);
    assert!(m[2].get("der").is_none(), "DER is not serialised");
    assert_eq!(m[3]["group"], "x25519");
    assert_eq!(
        m[4],
        serde_json::json!({"from": "server", "at_ms": 2.878, "message": "ServerHelloDone"})
    );
    assert_eq!(m[7]["message"], "EncryptedRecords");
    assert_eq!(m[7]["count"], 1);
    assert_eq!(m[7]["bytes"], 40);
    let a = serde_json::to_value(decode(ALERT)).unwrap();
    assert_eq!(
        a["messages"][1],
        serde_json::json!({"from": "server", "at_ms": 0.468, "message": "Alert",
            "level": "fatal", "description": "protocol_version", "code": 70})
    );
    let h = serde_json::to_value(decode(HRR)).unwrap();
    assert_eq!(h["messages"][1]["message"], "HelloRetryRequest");
    assert_eq!(h["messages"][1]["selected_group"], "secp384r1");
}

#[test]
fn peer_strings_are_sanitised() {
    // SNI with control bytes and a 300-byte ALPN protocol.
    let mut sni = vec![0u8]; // host_name
    let host = b"evil\x1b[31m\\host";
    sni.extend((host.len() as u16).to_be_bytes());
    sni.extend(host);
    let mut sni_ext = (sni.len() as u16).to_be_bytes().to_vec();
    sni_ext.extend(sni);
    let long = vec![b'a'; 255];
    let mut alpn = vec![255u8];
    alpn.extend(&long);
    let mut alpn_ext = (alpn.len() as u16).to_be_bytes().to_vec();
    alpn_ext.extend(alpn);
    let mut exts = Vec::new();
    for (code, body) in [(0u16, sni_ext), (16, alpn_ext)] {
        exts.extend(code.to_be_bytes());
        exts.extend((body.len() as u16).to_be_bytes());
        exts.extend(body);
    }
    let mut ch = vec![3, 3];
    ch.extend([0u8; 32]);
    ch.extend([0, 0, 2, 0x13, 0x01, 1, 0]);
    ch.extend((exts.len() as u16).to_be_bytes());
    ch.extend(exts);
    let t = Transcript::decode(&[chunk(C, 0, record(22, &hs_msg(1, &ch)))]);
    let c = t.client_hello().unwrap();
    assert_eq!(c.ext.server_name.as_deref(), Some("evil\\x1b[31m\\\\host"));
    assert_eq!(c.ext.alpn.as_ref().unwrap()[0].len(), 255);
    assert!(c.ext.malformed.is_empty());
}

#[test]
fn grease_and_names() {
    assert!(names::is_grease(0x0a0a) && names::is_grease(0xfafa));
    assert!(!names::is_grease(0x0a1a) && !names::is_grease(0x1301));
    assert_eq!(serde_json::to_value(CipherSuite(0x2a2a)).unwrap(), "GREASE");
    assert_eq!(serde_json::to_value(CipherSuite(0xabcd)).unwrap(), "0xabcd");
    assert_eq!(names::cipher_name(0xabcd), "0xabcd");
    assert_eq!(
        names::cipher_name(0x00ff),
        "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"
    );
    assert_eq!(names::cipher_name(0x5600), "TLS_FALLBACK_SCSV");
    assert_eq!(
        names::cipher_name(0xcca8),
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
    );
    assert_eq!(names::cipher_name(0xc09c), "TLS_RSA_WITH_AES_128_CCM");
    assert_eq!(names::cipher_kx(0x1301), Some(names::Kx::Tls13));
    assert_eq!(names::cipher_kx(0xc02b), Some(names::Kx::Ecdhe));
    assert_eq!(names::cipher_kx(0x009e), Some(names::Kx::Dhe));
    assert_eq!(names::cipher_kx(0x002f), Some(names::Kx::Rsa));
    assert_eq!(names::cipher_kx(0x00a8), Some(names::Kx::Psk));
    assert!(names::cipher_is_cbc(0x002f) && !names::cipher_is_cbc(0xc02f));
    assert_eq!(
        names::cipher_openssl_name(0xc02f),
        Some("ECDHE-RSA-AES128-GCM-SHA256")
    );
    assert_eq!(
        names::cipher_openssl_name(0x1301),
        Some("TLS_AES_128_GCM_SHA256")
    );
    assert_eq!(names::cipher_openssl_name(0x000a), Some("DES-CBC3-SHA"));
    for (n, id) in [
        ("TLS_AES_128_GCM_SHA256", 0x1301),
        ("tls_chacha20_poly1305_sha256", 0x1303),
        ("ECDHE-ECDSA-AES256-GCM-SHA384", 0xc02c),
        ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xc02c),
        ("DHE-RSA-AES128-GCM-SHA256", 0x009e),
        ("EDH-RSA-DES-CBC3-SHA", 0x0016),
        ("DHE-RSA-DES-CBC3-SHA", 0x0016),
        ("0xc030", 0xc030),
    ] {
        assert_eq!(names::cipher_id_from_name(n), Some(id), "{n}");
    }
    assert_eq!(names::cipher_id_from_name("HIGH:!aNULL"), None);
    assert_eq!(names::cipher_id_from_name(""), None);
    for (n, id) in [
        ("x25519", 29),
        ("X25519", 29),
        ("P-256", 23),
        ("prime256v1", 23),
        ("secp384r1", 24),
        ("P-521", 25),
        ("X25519MLKEM768", 0x11ec),
        ("SecP256r1MLKEM768", 0x11eb),
        ("SecP384r1MLKEM1024", 0x11ed),
        ("MLKEM768", 0x0201),
        ("ffdhe2048", 0x0100),
        ("brainpoolP256r1", 26),
        ("x448", 30),
    ] {
        assert_eq!(names::group_id_from_name(n), Some(id), "{n}");
    }
    assert_eq!(names::group_id_from_name("P-999"), None);
    assert_eq!(names::group_name(0x11ec), "x25519mlkem768");
    assert_eq!(names::group_name(0x0202), "mlkem1024");
    assert_eq!(names::group_name(0xbeef), "0xbeef");
    assert_eq!(names::group_name(0x1a1a), "GREASE");
    assert_eq!(names::sigscheme_name(0x0804), "rsa_pss_rsae_sha256");
    assert_eq!(names::sigscheme_name(0x0403), "ecdsa_secp256r1_sha256");
    assert_eq!(names::sigscheme_name(0x0201), "rsa_pkcs1_sha1");
    assert_eq!(names::sigscheme_name(0x0402), "dsa_sha256");
    assert_eq!(names::extension_name(0xfe0d), "encrypted_client_hello");
    assert_eq!(names::extension_name(0xff01), "renegotiation_info");
    assert_eq!(names::extension_name(0x3a3a), "GREASE");
    assert_eq!(names::alert_name(0), "close_notify");
    assert_eq!(names::alert_name(86), "inappropriate_fallback");
    assert_eq!(names::alert_name(120), "no_application_protocol");
    assert_eq!(names::alert_name(200), "alert_200");
    assert_eq!(names::version_name(0x0304), "TLSv1.3");
}

#[test]
fn cipher_table_is_sorted_and_consistent() {
    let t = ciphers::CIPHERS;
    assert!(t.len() > 300);
    for w in t.windows(2) {
        assert!(w[0].id < w[1].id, "{:04x} !< {:04x}", w[0].id, w[1].id);
    }
    for c in t {
        assert!(c.iana.starts_with("TLS_"), "{}", c.iana);
        assert_eq!(c.cbc, c.iana.contains("CBC"));
        assert_eq!(names::cipher_id_from_name(c.iana), Some(c.id), "{}", c.iana);
        if let Some(o) = c.openssl {
            assert_eq!(names::cipher_id_from_name(o), Some(c.id), "{o}");
        }
    }
}

#[test]
fn message_count_is_bounded() {
    // 24k tiny handshake messages hit the cap, not the memory.
    let msgs: Vec<u8> = std::iter::repeat_n([14u8, 0, 0, 0], 4000)
        .flatten()
        .collect();
    let recs: Vec<Chunk> = (0..6)
        .flat_map(|_| {
            msgs.chunks(16000)
                .map(|p| chunk(S, 0, record(22, p)))
                .collect::<Vec<_>>()
        })
        .collect();
    let t = Transcript::decode(&recs);
    assert_eq!(t.messages.len(), super::walk::MAX_MESSAGES);
    assert!(t.notes.iter().any(|n| n.contains("dropped")));
}

/// Cut `data` into chunks at `cuts`, alternating directions as `dirs` says.
fn split(data: &[u8], cuts: &[usize], dirs: &[bool]) -> Vec<Chunk> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
    points.push(0);
    points.push(data.len());
    points.sort_unstable();
    points
        .windows(2)
        .enumerate()
        .map(|(i, w)| Chunk {
            dir: if dirs.get(i).copied().unwrap_or(false) {
                S
            } else {
                C
            },
            at: Duration::from_millis(i as u64),
            bytes: data[w[0]..w[1]].to_vec(),
        })
        .collect()
}

fn check_bounded(cs: &[Chunk]) {
    let t = Transcript::decode(cs);
    let input: usize = cs.iter().map(|c| c.bytes.len()).sum();
    assert!(
        t.messages.len() <= input,
        "{} messages from {input} bytes",
        t.messages.len()
    );
    assert!(t.notes.len() <= 64);
    serde_json::to_string(&t).unwrap();
    let _ = (
        t.negotiated_version(),
        t.negotiated_group(),
        t.last_server_message(),
        t.offered_versions(),
        t.server_certificates(),
        t.first_alert(S),
        t.server_spoke_non_tls(),
    );
    // The same walk with the recorder on: bounded, and every item's fields tile it.
    let ds = dissect::dissect(cs);
    assert!(ds.len() <= input.max(1));
    for d in &ds {
        dissect::tests::check_tiling(d);
    }
}

/// A stream of well-framed records with random contents, so the property tests reach
/// the handshake decoders rather than stopping at the first header.
fn framed() -> impl Strategy<Value = Vec<u8>> {
    let rec = (
        prop::sample::select(vec![20u8, 21, 22, 22, 22, 23, 24]),
        0u8..=30,
        prop::collection::vec(any::<u8>(), 0..300),
        any::<bool>(),
    )
        .prop_map(|(ctype, hs_type, body, wrap)| {
            if ctype == 22 && wrap {
                record(22, &hs_msg(hs_type, &body))
            } else {
                record(ctype, &body)
            }
        });
    prop::collection::vec(rec, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(super::mutate::cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(
        data in prop::collection::vec(any::<u8>(), 0..3000),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
        dirs in prop::collection::vec(any::<bool>(), 0..13),
    ) {
        check_bounded(&split(&data, &cuts, &dirs));
    }

    #[test]
    fn framed_records_never_panic(
        client in framed(),
        server in framed(),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let mut cs = split(&client, &cuts, &[]);
        cs.extend(split(&server, &cuts, &[true; 9]));
        check_bounded(&cs);
    }

    /// The real captures, mutated (flips, truncations, splices, length edits, chunks
    /// dropped, duplicated, re-split), then re-split at random points.
    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..ALL.len(),
        es in super::mutate::edits(),
        cuts in prop::collection::vec(any::<usize>(), 0..10),
    ) {
        let cs = super::mutate::apply(&chunks(ALL[which]), &es);
        let resplit: Vec<Chunk> = cs
            .iter()
            .flat_map(|c| {
                let dirs = vec![c.dir == S; cuts.len() + 2];
                split(&c.bytes, &cuts, &dirs)
            })
            .collect();
        check_bounded(&resplit);
    }

    #[test]
    fn handshake_decoders_never_panic(
        t in any::<u8>(),
        body in prop::collection::vec(any::<u8>(), 0..400),
        v in prop::option::of(prop::sample::select(vec![0x0300u16, 0x0301, 0x0302, 0x0303, 0x0304])),
    ) {
        let b = decode_handshake_message(t, &body, v);
        serde_json::to_string(&Message { from: S, at_ms: 0.0, body: b }).unwrap();
        let mut raw = vec![t, 0, (body.len() >> 8) as u8, body.len() as u8];
        raw.extend(&body);
        dissect::tests::check_tiling(&dissect::dissect_handshake(S, 0.0, &raw, v));
    }
}
