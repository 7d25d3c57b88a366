use super::*;
use std::time::Duration;

mod by_hand;

use crate::wire::fixtures::{ALERT, ALL, DHE, HRR, TLS11, TLS12, TLS12_CBC, TLS13, chunks};

/// Depth-0 fields tile `raw`; every field lies inside `raw`.
pub(crate) fn check_tiling(d: &Dissected) {
    if let Err(e) = d.check_tiling() {
        panic!("{e}");
    }
}

fn field<'a>(d: &'a Dissected, name: &str) -> &'a FieldSpan {
    d.fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{}: no field {name}: {:#?}", d.name, d.fields))
}

fn item<'a>(ds: &'a [Dissected], name: &str) -> &'a Dissected {
    ds.iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn fixtures_tile_exactly_and_parse_cleanly() {
    for f in ALL {
        let ds = dissect(&chunks(f));
        assert!(!ds.is_empty());
        for d in &ds {
            check_tiling(d);
            for x in &d.fields {
                assert!(
                    !["unparsed", "malformed", "trailing bytes", "truncated"]
                        .contains(&x.name.as_str()),
                    "{}: {x:?}",
                    d.name
                );
                assert!(
                    !x.meaning.is_empty(),
                    "{}: {} has no meaning",
                    d.name,
                    x.name
                );
            }
            if d.raw.first().is_some_and(|t| (1..=24).contains(t))
                && !d.fields.iter().any(|x| x.name == "content_type")
            {
                // Handshake message: header length matches raw.
                assert_eq!(u24_at(&d.raw, 1), Some(d.raw.len() - 4), "{}", d.name);
            }
        }
    }
}

#[test]
fn order_matches_the_decoder() {
    use crate::wire::Transcript;
    for f in ALL {
        let cs = chunks(f);
        let ds = dissect(&cs);
        let t = Transcript::decode(&cs);
        // Same handshake messages in the same order, from the same side.
        let hs_d: Vec<_> = ds
            .iter()
            .filter(|d| {
                !["ChangeCipherSpec", "Alert", "EncryptedRecord"].contains(&d.name.as_str())
            })
            .map(|d| (d.from, d.name.as_str()))
            .collect();
        let hs_t: Vec<_> = t
            .messages
            .iter()
            .filter(|m| m.body.is_handshake())
            .map(|m| (m.from, m.body.name()))
            .collect();
        assert_eq!(hs_d, hs_t);
    }
}

#[test]
fn tls13_client_and_server_hello() {
    let ds = dissect(&chunks(TLS13));
    let names: Vec<_> = ds.iter().take(4).map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ClientHello",
            "ServerHello",
            "ChangeCipherSpec",
            "EncryptedRecord"
        ]
    );
    let sh = item(&ds, "ServerHello");
    assert!(
        field(sh, "cipher_suite")
            .value
            .contains("TLS_AES_256_GCM_SHA384")
    );
    assert_eq!(field(sh, "selected_version").value, "TLSv1.3 (0x0304)");
    let ks = field(sh, "extension key_share");
    assert!(ks.value.starts_with("x25519, 32-byte key"), "{}", ks.value);
    assert_eq!(ks.depth, 0);
    let ch = item(&ds, "ClientHello");
    assert_eq!(field(ch, "host_name").value, "localhost");
    assert_eq!(field(ch, "host_name").depth, 1);
    assert_eq!(field(ch, "legacy_version").value, "TLSv1.2 (0x0303)");
    assert!(
        field(ch, "cipher_suites[0]")
            .value
            .contains("TLS_AES_256_GCM_SHA384")
    );
    assert!(
        field(ch, "extension supported_versions")
            .value
            .contains("TLSv1.3")
    );
    assert!(field(ch, "client_shares[0]").value.starts_with("x25519"));
    // The hex pane: the cipher_suite field's bytes are the suite code.
    let cs = field(sh, "cipher_suite");
    assert_eq!(&sh.raw[cs.start..cs.start + cs.len], &[0x13, 0x02]);
    let enc = item(&ds, "EncryptedRecord");
    assert!(
        field(enc, "encrypted_record")
            .value
            .starts_with("encrypted: ")
    );
    assert_eq!(field(enc, "encrypted_record").rfc, "RFC 8446 §5.2");
    // JSON works.
    let j = serde_json::to_string(&ds).unwrap();
    assert!(j.contains("\"from\":\"client\""));
}

#[test]
fn hello_retry_request() {
    let ds = dissect(&chunks(HRR));
    let hrr = item(&ds, "HelloRetryRequest");
    assert_eq!(hrr.from, Direction::Server);
    assert!(field(hrr, "selected_group").value.contains("secp384r1"));
    assert!(
        field(hrr, "random")
            .value
            .contains("HelloRetryRequest magic")
    );
    assert_eq!(field(hrr, "random").rfc, "RFC 8446 §4.1.3");
    // Two ClientHellos; the second shares secp384r1.
    let chs: Vec<_> = ds.iter().filter(|d| d.name == "ClientHello").collect();
    assert_eq!(chs.len(), 2);
    assert!(
        field(chs[1], "client_shares[0]")
            .value
            .starts_with("secp384r1")
    );
    assert!(ds.iter().any(|d| d.name == "ServerHello"));
}

#[test]
fn tls12_server_key_exchange_and_flight() {
    let ds = dissect(&chunks(TLS12));
    let ske = item(&ds, "ServerKeyExchange");
    assert_eq!(field(ske, "named_curve").value, "x25519 (0x001d)");
    assert_eq!(
        field(ske, "public").value,
        "32 bytes (Montgomery u-coordinate)"
    );
    assert_eq!(
        field(ske, "signature_algorithm").value,
        "rsa_pss_rsae_sha256 (0x0804)"
    );
    assert_eq!(field(ske, "signature").value, "256 bytes");
    let cert = item(&ds, "Certificate");
    assert!(field(cert, "certificate[0]").value.contains("781 bytes"));
    assert_eq!(field(cert, "certificate[0]").len, 3 + 781);
    let ch = item(&ds, "ClientHello");
    assert_eq!(field(ch, "host_name").value, "example.test");
    assert_eq!(field(ch, "protocol_name_list[1]").value, "http/1.1");
    let sh = item(&ds, "ServerHello");
    assert_eq!(
        field(sh, "extension application_layer_protocol_negotiation").value,
        "h2"
    );
    assert_eq!(
        field(sh, "extension renegotiation_info").value,
        "empty (initial handshake)"
    );
    assert!(
        sh.fields
            .iter()
            .any(|f| f.name == "extension extended_master_secret")
    );
    let cke = item(&ds, "ClientKeyExchange");
    assert_eq!(field(cke, "ecdh_Yc").value, "32 bytes");
    // The carrying record's header, then msg_type and length.
    let shd = item(&ds, "ServerHelloDone");
    assert_eq!(shd.fields.len(), 3);
    assert_eq!(
        (shd.fields[0].name.as_str(), shd.fields[0].len),
        ("record", 0)
    );
    assert!(shd.fields[0].value.starts_with("handshake (22), TLSv1.2"));
    let nst = item(&ds, "NewSessionTicket");
    assert_eq!(field(nst, "ticket_lifetime_hint").rfc, "RFC 5077 §3.3");
    // Client Finished is encrypted after the client's CCS.
    let ccs = ds
        .iter()
        .position(|d| d.name == "ChangeCipherSpec")
        .unwrap();
    assert_eq!(ds[ccs + 1].name, "EncryptedRecord");
    assert_eq!(
        field(&ds[ccs + 1], "encrypted_record").rfc,
        "RFC 5246 §6.2.3"
    );
}

#[test]
fn tls11_signature_has_no_algorithm() {
    let ds = dissect(&chunks(TLS11));
    let ske = item(&ds, "ServerKeyExchange");
    assert!(ske.fields.iter().all(|f| f.name != "signature_algorithm"));
    let sig = field(ske, "signature");
    assert!(sig.value.contains("MD5+SHA-1"), "{}", sig.value);
    assert_eq!(sig.rfc, "RFC 4346 §7.4.3");
    // A TLS 1.1 handshake cites RFC 4346, not RFC 8446.
    assert_eq!(field(ske, "msg_type").rfc, "RFC 4346 §7.4");
    let sh = item(&ds, "ServerHello");
    assert_eq!(field(sh, "cipher_suite").rfc, "RFC 4346 §7.4.1.3");
    assert_eq!(field(sh, "random").rfc, "RFC 4346 §7.4.1.3");
    assert_eq!(field(sh, "msg_type").rfc, "RFC 4346 §7.4");
    assert!(
        sh.fields
            .iter()
            .all(|f| !f.rfc.starts_with("RFC 8446 §4.1")),
        "{:?}",
        sh.fields
    );
}

#[test]
fn dhe_and_cbc_and_alert() {
    let ds = dissect(&chunks(DHE));
    let ske = item(&ds, "ServerKeyExchange");
    assert_eq!(field(ske, "dh_p").value, "2048-bit prime");
    assert_eq!(field(ske, "dh_g").value, "2");
    assert_eq!(field(ske, "dh_Ys").value, "256 bytes");
    assert!(
        field(item(&ds, "ClientKeyExchange"), "dh_Yc")
            .value
            .ends_with("bytes")
    );

    let ds = dissect(&chunks(TLS12_CBC));
    let ske = item(&ds, "ServerKeyExchange");
    assert_eq!(field(ske, "named_curve").value, "secp256r1 (0x0017)");
    assert_eq!(field(ske, "public").value, "65 bytes (uncompressed point)");

    let ds = dissect(&chunks(ALERT));
    let a = item(&ds, "Alert");
    assert_eq!(a.from, Direction::Server);
    assert_eq!(field(a, "level").value, "fatal (2)");
    assert_eq!(field(a, "description").value, "protocol_version (70)");
    assert!(field(a, "description").meaning.contains("version"));
    assert_eq!(field(a, "description").rfc, "RFC 8446 §6.2");
}

#[test]
fn standalone_server_key_exchange_guesses_shape() {
    for (f, want) in [
        (DHE, "dh_p"),
        (TLS12_CBC, "named_curve"),
        (TLS12, "named_curve"),
    ] {
        let ds = dissect(&chunks(f));
        let ske = item(&ds, "ServerKeyExchange");
        let d = dissect_handshake(Direction::Server, 1.0, &ske.raw, None);
        check_tiling(&d);
        field(&d, want);
        field(&d, "signature_algorithm");
        assert!(d.fields.iter().all(|x| x.name != "unparsed"));
    }
}

#[test]
fn certificate_fields_broken_down() {
    let ds = dissect(&chunks(TLS12));
    let cert = item(&ds, "Certificate");
    let names: Vec<&str> = cert.fields.iter().map(|f| f.name.as_str()).collect();
    for n in [
        "tbsCertificate",
        "version",
        "serialNumber",
        "issuer",
        "validity",
        "subject",
        "subjectPublicKeyInfo",
        "signatureAlgorithm",
        "signatureValue",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    assert_eq!(field(cert, "version").value, "v3");
    assert!(
        field(cert, "validity").value.contains(" – "),
        "{}",
        field(cert, "validity").value
    );
    assert!(field(cert, "subject").value.starts_with("CN="));
    // Every field lies inside the message.
    for f in &cert.fields {
        assert!(f.start + f.len <= cert.raw.len(), "{f:?}");
    }
}
