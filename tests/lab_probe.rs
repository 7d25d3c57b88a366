//! Every lab server × every backend: real handshakes over loopback, asserting what
//! each stack really negotiates, or how and where it fails.

use std::sync::OnceLock;
use tlslens::backend::BackendId::{self, NativeTls, Openssl, Rustls};
use tlslens::lab::Lab;
use tlslens::profile::{Profile, TlsVersion, VerifyMode};
use tlslens::report::{BackendReport, ErrorKind, Stage};

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

fn probe_with(server: &str, b: BackendId, tweak: impl FnOnce(&mut Profile)) -> BackendReport {
    let mut p = lab().profile(server).expect("lab server exists");
    tweak(&mut p);
    let prep = tlslens::probe::prepare(p).expect("profile is valid");
    let mut r = tlslens::probe::run(&prep, &[b]);
    r.results.remove(0)
}

fn probe(server: &str, b: BackendId) -> BackendReport {
    probe_with(server, b, |_| {})
}

#[track_caller]
fn ok(r: &BackendReport, version: &str, cipher: &str, group: Option<&str>) {
    assert!(r.ok, "{} should succeed: {:?}", r.backend, r.error);
    assert_eq!(r.version.as_deref(), Some(version), "{} version", r.backend);
    assert_eq!(r.cipher.as_deref(), Some(cipher), "{} cipher", r.backend);
    assert_eq!(r.group.as_deref(), group, "{} group", r.backend);
    assert_eq!(r.verify.ok, Some(true), "{} verify", r.backend);
    assert!(
        r.mismatches.is_empty(),
        "wire and library disagree: {:?}",
        r.mismatches
    );
    assert!(!r.certificates.is_empty(), "{} certificates", r.backend);
}

#[track_caller]
fn failed(r: &BackendReport, kind: ErrorKind, stage: Stage, alert: Option<&str>) {
    assert!(!r.ok, "{} should fail", r.backend);
    let e = r.error.as_ref().expect("an error is reported");
    assert_eq!(e.kind, kind, "{} kind: {e:?}", r.backend);
    assert_eq!(e.stage, stage, "{} stage: {e:?}", r.backend);
    assert_eq!(e.alert.as_deref(), alert, "{} alert: {e:?}", r.backend);
    assert!(!e.detail.is_empty());
}

#[test]
fn modern_tls13_every_stack_connects() {
    ok(
        &probe("modern", NativeTls),
        "TLSv1.3",
        "TLS_AES_256_GCM_SHA384",
        Some("x25519"),
    );
    ok(
        &probe("modern", Openssl),
        "TLSv1.3",
        "TLS_AES_256_GCM_SHA384",
        Some("x25519"),
    );
    // rustls on both ends agrees on the post-quantum hybrid.
    ok(
        &probe("modern", Rustls),
        "TLSv1.3",
        "TLS_AES_256_GCM_SHA384",
        Some("x25519mlkem768"),
    );
    let r = probe("modern", Openssl);
    assert_eq!(r.cipher_openssl.as_deref(), Some("TLS_AES_256_GCM_SHA384"));
    assert!(!r.keylog.is_empty(), "openssl hands over its key log");
    assert!(
        !probe("modern", Rustls).keylog.is_empty(),
        "rustls hands over its key log"
    );
}

#[test]
fn tls12_only_server() {
    let c = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    for b in [NativeTls, Openssl, Rustls] {
        ok(&probe("tls12", b), "TLSv1.2", c, Some("x25519"));
    }
    assert_eq!(
        probe("tls12", Openssl).cipher_openssl.as_deref(),
        Some("ECDHE-RSA-AES128-GCM-SHA256")
    );
    // Forcing TLS 1.3 only: the server refuses the version.
    let r = probe_with("tls12", Openssl, |p| p.min_tls = Some(TlsVersion::V1_3));
    failed(
        &r,
        ErrorKind::Alert,
        Stage::ServerHello,
        Some("protocol_version"),
    );
}

#[test]
fn legacy_server_needs_seclevel_0_on_openssl_and_defeats_rustls() {
    // native-tls sets min TLS 1.2 itself: the server refuses our versions.
    failed(
        &probe("legacy", NativeTls),
        ErrorKind::Alert,
        Stage::ServerHello,
        Some("protocol_version"),
    );
    // OpenSSL allows TLS 1.0 by default here, accepts the TLS 1.1 ServerHello, then
    // refuses the MD5+SHA-1 signature on the ServerKeyExchange at level 2.
    let r = probe("legacy", Openssl);
    let e = r.error.as_ref().expect("legacy server fails at level 2");
    assert_eq!(
        (e.kind, e.stage),
        (ErrorKind::Protocol, Stage::KeyExchange),
        "{e:?}"
    );
    assert!(
        r.error.as_ref().unwrap().message.contains("legacy sigalg"),
        "{:?}",
        r.error
    );
    assert_eq!(
        r.server_hello.as_ref().and_then(|s| s.version.as_deref()),
        Some("TLSv1.1")
    );
    // Level 1 is not enough either.
    let r = probe_with("legacy", Openssl, |p| {
        p.seclevel = Some(1);
        p.min_tls = Some(TlsVersion::V1_0);
    });
    assert!(!r.ok);
    assert!(r.error.as_ref().unwrap().message.contains("legacy sigalg"));
    // Level 0 with min 1.0: TLS 1.1 with the server's ECDHE CBC suite.
    let r = probe_with("legacy", Openssl, |p| {
        p.seclevel = Some(0);
        p.min_tls = Some(TlsVersion::V1_0);
    });
    ok(
        &r,
        "TLSv1.1",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        Some("x25519"),
    );
    assert_eq!(r.cipher_openssl.as_deref(), Some("ECDHE-RSA-AES256-SHA"));
    // native-tls can lower the version but not the level: it fails exactly where
    // the openssl backend at the default level fails.
    let r = probe_with("legacy", NativeTls, |p| {
        p.seclevel = Some(0);
        p.min_tls = Some(TlsVersion::V1_0);
    });
    assert!(!r.ok);
    assert!(r.unsupported.contains(&"seclevel"));
    assert!(
        r.error.as_ref().unwrap().message.contains("legacy sigalg"),
        "{:?}",
        r.error
    );
    // rustls never speaks TLS < 1.2.
    let r = probe("legacy", Rustls);
    failed(
        &r,
        ErrorKind::Alert,
        Stage::ServerHello,
        Some("protocol_version"),
    );
    assert!(
        r.error
            .as_ref()
            .unwrap()
            .detail
            .contains("refused every version"),
        "{:?}",
        r.error
    );
    let r = probe_with("legacy", Rustls, |p| {
        p.seclevel = Some(0);
        p.min_tls = Some(TlsVersion::V1_0);
    });
    assert!(!r.ok);
    assert!(r.unsupported.contains(&"min_tls") && r.unsupported.contains(&"seclevel"));
    let r = probe_with("legacy", Rustls, |p| {
        p.min_tls = Some(TlsVersion::V1_0);
        p.max_tls = Some(TlsVersion::V1_1);
    });
    failed(&r, ErrorKind::Unsupported, Stage::Setup, None);
}

#[test]
fn legacy_static_rsa_works_at_the_default_level() {
    let c = "TLS_RSA_WITH_AES_256_CBC_SHA";
    for b in [NativeTls, Openssl] {
        let r = probe_with("legacy-rsa", b, |p| p.min_tls = Some(TlsVersion::V1_0));
        ok(&r, "TLSv1.1", c, None);
    }
    // Level 3 drops static RSA and TLS 1.0/1.1.
    let r = probe_with("legacy-rsa", Openssl, |p| {
        p.min_tls = Some(TlsVersion::V1_0);
        p.seclevel = Some(3);
    });
    assert!(!r.ok);
}

#[test]
fn rsa_kx_cbc_server() {
    for b in [NativeTls, Openssl] {
        ok(
            &probe("rsa-cbc", b),
            "TLSv1.2",
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            None,
        );
    }
    failed(
        &probe("rsa-cbc", Rustls),
        ErrorKind::Alert,
        Stage::ServerHello,
        Some("handshake_failure"),
    );
}

#[test]
fn expired_certificate() {
    for b in [NativeTls, Openssl, Rustls] {
        let r = probe("expired", b);
        failed(
            &r,
            ErrorKind::Certificate,
            Stage::Certificate,
            r.error.as_ref().and_then(|e| e.alert.as_deref()),
        );
        assert_eq!(r.verify.ok, Some(false));
        let reason = r.verify.reason.clone().unwrap_or_default().to_lowercase();
        assert!(reason.contains("expired"), "{b}: {reason}");
    }
    // Not enforced: the handshake completes, the verdict is still reported.
    for b in [Openssl, Rustls] {
        let r = probe_with("expired", b, |p| p.verify = VerifyMode::Off);
        assert!(r.ok, "{b}: {:?}", r.error);
        assert_eq!(r.verify.ok, Some(false), "{b}");
        assert!(r.certificates[0].expired);
    }
}

#[test]
fn wrong_host_certificate() {
    for b in [NativeTls, Openssl, Rustls] {
        let r = probe("wrong-host", b);
        assert!(!r.ok);
        assert_eq!(
            r.error.as_ref().unwrap().kind,
            ErrorKind::Certificate,
            "{b}"
        );
        // Chain only: connects.
        let r = probe_with("wrong-host", b, |p| p.verify = VerifyMode::ChainOnly);
        assert!(r.ok, "{b}: {:?} {:?}", r.error, r.verify);
    }
    let r = probe_with("wrong-host", Openssl, |p| p.verify = VerifyMode::ChainOnly);
    assert_eq!(r.verify.host_ok, Some(false));
    let r = probe_with("wrong-host", Rustls, |p| p.verify = VerifyMode::ChainOnly);
    assert_eq!(r.verify.host_ok, Some(false));
}

#[test]
fn self_signed_certificate() {
    for b in [NativeTls, Openssl, Rustls] {
        let r = probe("self-signed", b);
        assert_eq!(
            r.error.as_ref().map(|e| e.kind),
            Some(ErrorKind::Certificate),
            "{b}"
        );
    }
    let r = probe("self-signed", Openssl);
    assert!(
        r.verify
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("self-signed"),
        "{:?}",
        r.verify
    );
}

#[test]
fn weak_certificate_by_security_level() {
    let r = probe("weak-cert", Openssl);
    assert_eq!(
        r.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::Certificate)
    );
    assert!(
        r.verify
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("EE certificate key too weak"),
        "{:?}",
        r.verify
    );
    let r = probe_with("weak-cert", Openssl, |p| p.seclevel = Some(1));
    assert!(
        r.verify
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("CA signature digest algorithm too weak"),
        "{:?}",
        r.verify
    );
    let r = probe_with("weak-cert", Openssl, |p| p.seclevel = Some(0));
    ok(
        &r,
        "TLSv1.2",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        Some("x25519"),
    );
    assert_eq!(r.certificates[0].key_bits, 1024);
    let r = probe("weak-cert", NativeTls);
    assert_eq!(
        r.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::Certificate)
    );
    let r = probe("weak-cert", Rustls);
    assert_eq!(
        r.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::Certificate)
    );
}

#[test]
fn client_certificate_required() {
    // TLS 1.3: the handshake completes, the rejection comes after our Finished.
    for b in [NativeTls, Openssl, Rustls] {
        let r = probe("client-cert", b);
        failed(
            &r,
            ErrorKind::Alert,
            Stage::AfterHandshake,
            Some("certificate_required"),
        );
    }
    let l = lab();
    for b in [NativeTls, Openssl, Rustls] {
        let r = probe_with("client-cert", b, |p| {
            p.cert = Some(l.client_cert());
            p.key = Some(l.client_key());
        });
        assert!(r.ok, "{b}: {:?}", r.error);
        assert_eq!(r.version.as_deref(), Some("TLSv1.3"));
    }
    // TLS 1.2: the server refuses inside the handshake.
    let r = probe_with("client-cert", Openssl, |p| {
        p.max_tls = Some(TlsVersion::V1_2)
    });
    assert!(!r.ok);
    assert_ne!(r.error.as_ref().unwrap().stage, Stage::AfterHandshake);
}

#[test]
fn reset_after_client_hello() {
    for b in [NativeTls, Openssl, Rustls] {
        let r = probe("reset", b);
        failed(&r, ErrorKind::Reset, Stage::ServerHello, None);
        assert!(
            r.error
                .as_ref()
                .unwrap()
                .detail
                .contains("right after our ClientHello")
        );
        assert!(
            r.transcript.client_hello().is_some(),
            "our hello is decoded"
        );
    }
}

#[test]
fn plain_http_and_silent_peers() {
    for b in [NativeTls, Openssl, Rustls] {
        let r = probe("plain-http", b);
        assert!(!r.ok);
        assert!(r.transcript.server_spoke_non_tls(), "{b}");
        let r = probe_with("silent", b, |p| p.handshake_timeout = 0.3);
        failed(&r, ErrorKind::HandshakeTimeout, Stage::ServerHello, None);
    }
}

#[test]
fn alpn_is_negotiated_or_absent() {
    for b in [Openssl, Rustls, NativeTls] {
        let r = probe_with("modern", b, |p| {
            p.alpn = vec!["h2".into(), "http/1.1".into()]
        });
        assert!(r.ok);
        // The lab server does not speak ALPN: nothing is selected.
        assert_eq!(r.alpn, None, "{b}");
    }
}

#[test]
fn closed_port_is_refused() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let p = Profile {
        host: "127.0.0.1".into(),
        port,
        ..Profile::default()
    };
    let prep = tlslens::probe::prepare(p).unwrap();
    let r = tlslens::probe::run(&prep, &[Openssl, Rustls]);
    for b in &r.results {
        failed(b, ErrorKind::Refused, Stage::Connect, None);
    }
}

#[test]
fn tls13_flight_is_decrypted_with_the_sessions_own_secrets() {
    use tlslens::wire::Direction;
    for b in [Openssl, Rustls] {
        let r = probe("modern", b);
        assert!(r.ok);
        let d = r
            .decrypted
            .as_ref()
            .unwrap_or_else(|| panic!("{b}: not decrypted: {:?}", r.wire_notes));
        let server: Vec<&str> = d
            .messages
            .iter()
            .filter(|m| m.from == Direction::Server)
            .map(|m| m.body.name())
            .take(4)
            .collect();
        assert_eq!(
            server,
            [
                "EncryptedExtensions",
                "Certificate",
                "CertificateVerify",
                "Finished"
            ],
            "{b}"
        );
        assert_eq!(
            d.server_finished_ok,
            Some(true),
            "{b}: server Finished verifies"
        );
        assert_eq!(
            d.client_finished_ok,
            Some(true),
            "{b}: client Finished verifies"
        );
        // The decrypted certificate is the one the library verified.
        let leaf = tlslens::certinfo::CertInfo::from_der(&d.server_certificates[0]).unwrap();
        assert_eq!(leaf, r.certificates[0], "{b}");
        assert!(r.mismatches.is_empty(), "{:?}", r.mismatches);
    }
    // native-tls hands over no secrets: counted, not decrypted.
    let r = probe("modern", NativeTls);
    assert!(r.decrypted.is_none());
    // The TLS 1.3 rejection of a missing client certificate, seen inside the records.
    let r = probe("client-cert", Openssl);
    let d = r.decrypted.as_ref().unwrap();
    assert!(
        d.alerts
            .iter()
            .any(|(from, _, desc)| *from == Direction::Server && *desc == 116),
        "{:?}",
        d.alerts
    );
}

/// A finite-field DHE exchange names no group, only its prime: the report says its size.
#[test]
fn dhe_group_is_named_by_its_size() {
    let r = probe_with("weak-cert", Openssl, |p| {
        p.seclevel = Some(0);
        p.max_tls = Some(TlsVersion::V1_2);
        p.ciphers = Some("DHE-RSA-AES128-GCM-SHA256".into());
    });
    assert!(r.ok, "{:?}", r.error);
    assert_eq!(
        r.cipher.as_deref(),
        Some("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")
    );
    assert_eq!(r.group.as_deref(), Some("dhe1024"));
    assert!(r.mismatches.is_empty(), "{:?}", r.mismatches);
}
