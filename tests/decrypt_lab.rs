//! Decryption against the lab: every TLS ≤ 1.2 record protection the lab serves
//! (GCM; CBC with encrypt-then-MAC; TLS 1.0 and 1.1 CBC), with both stacks that hand
//! over their key log, and the TLS 1.3 key schedule. Both Finished must verify.

use std::sync::OnceLock;
use tlslens::backend::BackendId::{self, Openssl, Rustls};
use tlslens::decrypt::Decrypted;
use tlslens::lab::Lab;
use tlslens::profile::{Profile, TlsVersion};
use tlslens::report::BackendReport;

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

fn probe_with(server: &str, b: BackendId, tweak: impl FnOnce(&mut Profile)) -> BackendReport {
    let mut p = lab().profile(server).expect("lab server exists");
    tweak(&mut p);
    let prep = tlslens::probe::prepare(p).expect("profile is valid");
    tlslens::probe::run(&prep, &[b]).results.remove(0)
}

#[track_caller]
fn decrypted(r: &BackendReport, version: &str, protection: &str) -> Decrypted {
    assert!(r.ok, "{:?}", r.error);
    let d = r
        .decrypted
        .clone()
        .unwrap_or_else(|| panic!("not decrypted: {:?}", r.wire_notes));
    assert_eq!(d.version, version);
    assert!(
        d.protection.contains(protection),
        "{} vs {protection}",
        d.protection
    );
    assert_eq!(d.client_finished_ok, Some(true), "{:?}", d.notes);
    assert_eq!(d.server_finished_ok, Some(true), "{:?}", d.notes);
    assert!(
        d.records.iter().all(|x| x.error.is_none()),
        "{:?}",
        d.records
    );
    assert!(r.mismatches.is_empty(), "{:?}", r.mismatches);
    assert!(
        d.signatures.iter().all(|s| s.ok == Some(true)),
        "{:?}",
        d.signatures
    );
    d
}

#[test]
fn tls12_gcm_both_stacks() {
    for b in [Openssl, Rustls] {
        let r = probe_with("tls12", b, |_| {});
        let d = decrypted(&r, "TLSv1.2", "AES-128-GCM (AEAD)");
        assert_eq!(d.signatures.len(), 1, "{b}: ServerKeyExchange checked");
        let steps: Vec<_> = d.key_schedule.iter().map(|s| s.step.as_str()).collect();
        assert!(steps.contains(&"key_block"), "{steps:?}");
        // JSON carries the schedule and the records.
        let j = serde_json::to_value(&r).unwrap();
        assert!(j["decrypted"]["key_schedule"].is_array());
        assert!(j["decrypted"]["records"][0]["nonce"].is_string());
    }
}

#[test]
fn tls12_cbc_encrypt_then_mac() {
    let r = probe_with("rsa-cbc", Openssl, |_| {});
    let d = decrypted(&r, "TLSv1.2", "AES-128-CBC + HMAC-SHA1, encrypt-then-MAC");
    let pms = &d.key_schedule[0];
    assert!(pms.note.contains("RSA"), "{}", pms.note);
}

#[test]
fn tls11_and_tls10_cbc() {
    let r = probe_with("legacy", Openssl, |p| {
        p.seclevel = Some(0);
        p.min_tls = Some(TlsVersion::V1_0);
    });
    let d = decrypted(&r, "TLSv1.1", "AES-256-CBC + HMAC-SHA1");
    assert!(d.records.iter().all(|x| x.nonce_from == "explicit"));
    // The lab's RSA key signed MD5 ‖ SHA-1 of the randoms and the ECDHE parameters.
    assert_eq!(d.signatures.len(), 1);
    assert!(d.signatures[0].scheme.contains("MD5"), "{:?}", d.signatures);
    let r = probe_with("legacy-rsa", Openssl, |p| {
        p.min_tls = Some(TlsVersion::V1_0);
        p.max_tls = Some(TlsVersion::V1_0);
    });
    let d = decrypted(&r, "TLSv1.0", "AES-256-CBC + HMAC-SHA1");
    assert!(d.records.iter().all(|x| x.nonce_from == "chained"));
}

#[test]
fn tls13_key_schedule_both_stacks() {
    for b in [Openssl, Rustls] {
        let r = probe_with("modern", b, |_| {});
        let d = decrypted(&r, "TLSv1.3", "AEAD");
        assert_eq!(d.signatures.len(), 1, "{b}: CertificateVerify checked");
        for s in ["server Finished", "client Finished"] {
            let step = d.key_schedule.iter().find(|x| x.step == s).unwrap();
            assert_eq!(step.ok, Some(true));
        }
    }
}

/// The lab's servers for the other TLS 1.2 protections.
#[test]
fn tls12_chacha20_ccm_and_mac_then_encrypt() {
    let r = probe_with("chacha20", Openssl, |_| {});
    let d = decrypted(&r, "TLSv1.2", "ChaCha20-Poly1305 (AEAD)");
    assert!(d.records.iter().all(|x| x.nonce_from == "iv xor seq"));
    let r = probe_with("chacha20", Rustls, |_| {});
    decrypted(&r, "TLSv1.2", "ChaCha20-Poly1305 (AEAD)");
    // OpenSSL's DEFAULT list does not offer CCM: ask for it.
    let r = probe_with("ccm", Openssl, |p| p.ciphers = Some("AES128-CCM".into()));
    decrypted(&r, "TLSv1.2", "AES-128-CCM (AEAD)");
    let r = probe_with("cbc-mte", Openssl, |_| {});
    decrypted(&r, "TLSv1.2", "AES-128-CBC + HMAC-SHA256, MAC-then-encrypt");
}

/// The X25519MLKEM768 key share split into its ML-KEM and X25519 halves, both ways.
#[test]
fn hybrid_key_share_split() {
    let r = probe_with("modern", Rustls, |_| {});
    assert_eq!(r.group.as_deref(), Some("x25519mlkem768"));
    let items = tlslens::wire::dissect::dissect(&r.wire);
    let fields = |name: &str| -> Vec<(String, usize)> {
        items
            .iter()
            .find(|d| d.name == name)
            .unwrap()
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.len))
            .collect()
    };
    let ch = fields("ClientHello");
    assert!(
        ch.contains(&("mlkem768_encapsulation_key".into(), 1184)),
        "{ch:?}"
    );
    assert!(ch.contains(&("x25519".into(), 32)));
    let sh = fields("ServerHello");
    assert!(sh.contains(&("mlkem768_ciphertext".into(), 1088)), "{sh:?}");
    assert!(sh.contains(&("x25519".into(), 32)));
}

fn resumed(server: &str, b: BackendId, tweak: impl FnOnce(&mut Profile)) -> BackendReport {
    let mut p = lab().profile(server).expect("lab server exists");
    tweak(&mut p);
    let mut prep = tlslens::probe::prepare(p).expect("profile is valid");
    prep.resume = true;
    let mut r = tlslens::probe::run(&prep, &[b]).results.remove(0);
    assert!(r.ok, "{:?}", r.error);
    assert!(!r.reused);
    let again = *r.resumed.take().expect("a second connection");
    assert!(again.ok, "{:?}", again.error);
    assert!(again.reused, "{b} did not resume: {:?}", again.wire_notes);
    again
}

/// TLS 1.3 ticket resumption: the second ClientHello offers a PSK identity with
/// psk_dhe_ke, the server selects it, no Certificate is sent, and (OpenSSL hands over
/// the PSK) the binder is recomputed and matches.
#[test]
fn tls13_ticket_resumption() {
    for b in [Openssl, Rustls] {
        let again = resumed("modern", b, |_| {});
        let d = decrypted(&again, "TLSv1.3", "AEAD");
        let names: Vec<_> = d.messages.iter().map(|m| m.body.name()).collect();
        assert!(!names.contains(&"Certificate"), "{b}: {names:?}");
        let j = serde_json::to_value(&again.transcript.messages).unwrap();
        let ch = &j[0];
        assert_eq!(ch["psk_identities"], 1, "{b}: {ch}");
        assert!(
            ch["psk_key_exchange_modes"]
                .to_string()
                .contains("psk_dhe_ke"),
            "{ch}"
        );
        assert_eq!(j[1]["psk_selected_identity"], 0);
        if b == Openssl {
            let binder = d.key_schedule.iter().find(|s| s.step == "PSK binder");
            assert_eq!(
                binder.and_then(|s| s.ok),
                Some(true),
                "{:?}",
                d.key_schedule
            );
        }
    }
}

/// TLS 1.2 resumption on the lab: session ID (OpenSSL; tickets too where offered) —
/// the abbreviated handshake, the server's Finished first, both still verified.
#[test]
fn tls12_session_resumption() {
    for b in [Openssl, Rustls] {
        let again = resumed("tls12", b, |_| {});
        let d = decrypted(&again, "TLSv1.2", "AES-128-GCM");
        let names: Vec<_> = again
            .transcript
            .messages
            .iter()
            .map(|m| m.body.name())
            .collect();
        assert!(!names.contains(&"Certificate"), "{b}: {names:?}");
        assert!(!names.contains(&"ClientKeyExchange"), "{b}: {names:?}");
        assert_eq!(d.messages[0].from, tlslens::wire::Direction::Server);
    }
}

/// The lab certificate broken down in the ladder: key size, names, validity.
#[test]
fn certificate_fields_in_the_ladder() {
    let r = probe_with("tls12", Openssl, |_| {});
    let items = tlslens::wire::dissect::dissect(&r.wire);
    let cert = items.iter().find(|d| d.name == "Certificate").unwrap();
    let f = |n: &str| {
        cert.fields
            .iter()
            .find(|f| f.name == n)
            .unwrap_or_else(|| panic!("{n}: {:?}", cert.fields))
            .value
            .clone()
    };
    assert!(
        f("subjectPublicKeyInfo").starts_with("RSA 2048-bit"),
        "{}",
        f("subjectPublicKeyInfo")
    );
    assert!(
        f("subjectAltName").contains("localhost"),
        "{}",
        f("subjectAltName")
    );
    assert!(f("signatureAlgorithm").contains("WithRSAEncryption"));
}
