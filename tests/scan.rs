//! The scanner against lab servers configured with known versions, suites, orders,
//! groups and certificates: every finding is checked against the configuration.

use std::sync::OnceLock;
use tlslens::lab::Lab;
use tlslens::scan::{Options, ScanReport, VersionReport};

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

fn scan_with(server: &str, opts: &Options, timeout: f64) -> ScanReport {
    let mut p = lab().profile(server).expect("lab server");
    p.handshake_timeout = timeout;
    tlslens::scan::run(&p, opts).expect("runtime")
}

fn scan(server: &str) -> ScanReport {
    scan_with(server, &Options::default(), 5.0)
}

fn version<'a>(r: &'a ScanReport, v: &str) -> &'a VersionReport {
    r.versions
        .iter()
        .find(|x| x.version == v)
        .expect("every version is listed")
}

fn supported(r: &ScanReport) -> Vec<&str> {
    r.versions
        .iter()
        .filter(|v| v.supported)
        .map(|v| v.version.as_str())
        .collect()
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

const LEGACY_SUITES: [&str; 4] = [
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
];

#[test]
fn legacy_server_versions_suites_curves_and_checks() {
    let r = scan("legacy");
    assert_eq!(r.error, None);
    assert_eq!(supported(&r), ["TLSv1.0", "TLSv1.1"]);
    for v in ["TLSv1.0", "TLSv1.1"] {
        assert_eq!(sorted(&version(&r, v).ciphers), LEGACY_SUITES);
        assert!(
            !version(&r, v).server_order,
            "OpenSSL follows the client by default"
        );
    }
    // The evidence says how each version was refused.
    assert!(
        version(&r, "TLSv1.2")
            .evidence
            .contains("ServerHello TLSv1.1")
    );
    assert!(version(&r, "TLSv1.3").evidence.contains("protocol_version"));
    assert!(r.curves_tls12.contains(&"x25519".to_string()));
    assert!(r.curves_tls12.contains(&"secp256r1".to_string()));
    assert_eq!(r.checks.fallback_scsv, Some(true));
    assert_eq!(r.checks.secure_renegotiation, Some(true));
    assert_eq!(r.checks.compression, Some(false));
    assert_eq!(r.checks.heartbeat, Some(false));
    assert!(
        r.signature_algorithms.is_empty(),
        "TLS 1.1 has no signature_algorithms"
    );
    assert_eq!(
        r.certificates.first().map(|c| c.key_type.as_str()),
        Some("RSA")
    );
    assert!(r.connections > 0 && r.connections < 60, "{}", r.connections);
}

#[test]
fn one_suite_server_and_its_signatures() {
    let r = scan("tls12");
    assert_eq!(supported(&r), ["TLSv1.2"]);
    assert_eq!(
        version(&r, "TLSv1.2").ciphers,
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    );
    assert_eq!(
        r.signature_algorithms.first().map(String::as_str),
        Some("rsa_pss_rsae_sha256")
    );
    assert!(
        !r.signature_algorithms
            .iter()
            .any(|s| s.starts_with("ecdsa"))
    );
    let r = scan("rsa-cbc");
    assert_eq!(
        version(&r, "TLSv1.2").ciphers,
        ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    );
    assert!(r.curves_tls12.is_empty() && r.signature_algorithms.is_empty());
}

#[test]
fn server_order_is_found_and_kept() {
    let r = scan("server-order");
    let v = version(&r, "TLSv1.2");
    assert!(v.server_order);
    assert_eq!(
        v.ciphers,
        [
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        ]
    );
}

#[test]
fn tls13_suites_and_groups_from_hello_retry_requests() {
    let r = scan("modern");
    assert_eq!(supported(&r), ["TLSv1.3"]);
    assert_eq!(
        sorted(&version(&r, "TLSv1.3").ciphers),
        [
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256"
        ]
    );
    // rustls serves the hybrid post-quantum group, found without computing a share.
    assert!(
        r.groups_tls13.contains(&"x25519mlkem768".to_string()),
        "{:?}",
        r.groups_tls13
    );
    assert!(r.groups_tls13.contains(&"x25519".to_string()));
    let r = scan("one-group");
    assert_eq!(r.groups_tls13, ["secp384r1"]);
    assert_eq!(r.groups, ["secp384r1"]);
}

#[test]
fn both_certificates_of_a_dual_certificate_server() {
    let r = scan("dual-cert");
    assert_eq!(supported(&r), ["TLSv1.2", "TLSv1.3"]);
    let kinds: Vec<&str> = r.certificates.iter().map(|c| c.key_type.as_str()).collect();
    assert!(kinds.contains(&"RSA") && kinds.contains(&"EC"), "{kinds:?}");
    assert!(
        r.signature_algorithms
            .iter()
            .any(|s| s.starts_with("ecdsa"))
    );
    assert_eq!(r.checks.fallback_scsv, Some(true));
}

#[test]
fn dhe_prime_size() {
    let r = scan("weak-cert");
    assert_eq!(
        r.dhe_bits,
        Some(1024),
        "OpenSSL sizes its DH prime to the RSA-1024 key"
    );
}

#[test]
fn one_connection_at_a_time_finds_the_same() {
    let opts = Options {
        concurrency: 1,
        ..Options::default()
    };
    let a = scan("legacy");
    let b = scan_with("legacy", &opts, 5.0);
    let view = |r: &ScanReport| {
        (
            r.versions
                .iter()
                .map(|v| {
                    (
                        v.version.clone(),
                        v.supported,
                        sorted(&v.ciphers),
                        v.server_order,
                    )
                })
                .collect::<Vec<_>>(),
            r.curves_tls12.clone(),
            r.checks.fallback_scsv,
        )
    };
    assert_eq!(view(&a), view(&b));
    assert_eq!(a.connections, b.connections);
}

#[test]
fn hostile_and_silent_servers_end_within_their_timeouts() {
    for (server, says) in [
        ("silent", "no answer in time"),
        ("reset", "connection reset"),
        ("plain-http", "not TLS"),
        ("garbage", "not TLS"),
        ("flood", ""),
    ] {
        let started = std::time::Instant::now();
        let r = scan_with(server, &Options::default(), 1.0);
        // A hang guard, not a benchmark: every hello has a 1 s deadline.
        assert!(
            started.elapsed().as_secs() < 15,
            "{server} took {:?}",
            started.elapsed()
        );
        assert!(supported(&r).is_empty(), "{server}: {:?}", supported(&r));
        assert!(
            r.versions.iter().all(|v| v.evidence.contains(says)),
            "{server}: {:?}",
            r.versions.iter().map(|v| &v.evidence).collect::<Vec<_>>()
        );
    }
}

#[test]
fn connections_are_capped_and_counted() {
    let opts = Options {
        max_connections: 6,
        ..Options::default()
    };
    let r = scan_with("legacy", &opts, 5.0);
    // The cap, plus the one connection that picked the address.
    assert!(r.connections <= 7, "{}", r.connections);
}
