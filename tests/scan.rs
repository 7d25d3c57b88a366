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

#[test]
fn each_stack_against_what_the_server_accepts() {
    let p = lab().profile("legacy").unwrap();
    let prep = tlslens::probe::prepare(p.clone()).unwrap();
    let r = tlslens::scan::run(&p, &Options::default()).unwrap();
    let stacks = tlslens::explain::stacks::stacks(&prep, &r, &tlslens::cancel::Cancel::new());
    let get = |b: &str| stacks.iter().find(|s| s.backend.name() == b).unwrap();
    let openssl = get("openssl");
    assert_eq!(openssl.offers.len(), 8, "{openssl:?}");
    assert!(openssl.misses.is_empty());
    assert_eq!(openssl.fix.as_ref().unwrap().as_flags(), "--seclevel 0");
    let rustls = get("rustls");
    assert!(rustls.offers.is_empty() && rustls.misses.len() == 8);
    assert!(rustls.fix.is_none());
    assert!(
        rustls
            .instead
            .as_deref()
            .unwrap()
            .starts_with("--backend openssl")
    );
}

fn tlslens_bin(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tlslens"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn json_contract_and_fleet_lines() {
    let out = tlslens_bin(&["scan", "lab:legacy", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["target", "versions", "groups", "connections", "elapsed_ms"] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    let tls11 = v["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["version"] == "TLSv1.1")
        .unwrap();
    assert_eq!(tls11["supported"], true);
    assert_eq!(tls11["ciphers"].as_array().unwrap().len(), 4);
    assert!(tls11["server_order"].is_boolean());
    // Many targets: JSON Lines, a shard takes every N-th line.
    let addr = |n: &str| lab().server(n).unwrap().addr.to_string();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("targets");
    let lines = [
        addr("tls12"),
        addr("legacy"),
        addr("modern"),
        "127.0.0.1:9".into(),
    ];
    std::fs::write(&list, lines.join("\n")).unwrap();
    let file = list.to_str().unwrap();
    let all = tlslens_bin(&["scan", "--targets", file, "--json", "--sni", "localhost"]);
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&all.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4);
    // Nothing listens on port 9: reported in its line, and the exit status says so.
    assert_eq!(rows.iter().filter(|r| !r["error"].is_null()).count(), 1);
    assert_eq!(all.status.code(), Some(1));
    // Each line counts its own connections (the fleet scans several at once): the
    // same as the target scanned alone.
    let port_of = |n: &str| lab().server(n).unwrap().addr.port();
    let row = |rows: &[serde_json::Value], port: u16| {
        rows.iter()
            .find(|r| r["target"]["port"] == port)
            .unwrap()
            .clone()
    };
    let alone = tlslens_bin(&["scan", &addr("tls12"), "--json", "--sni", "localhost"]);
    let alone: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap();
    assert_eq!(
        row(&rows, port_of("tls12"))["connections"],
        alone["connections"],
        "{rows:?}"
    );
    // And `--max-connections` caps each target, not the fleet.
    let capped = tlslens_bin(&[
        "scan",
        "--targets",
        file,
        "--json",
        "--sni",
        "localhost",
        "--max-connections",
        "5",
    ]);
    let capped: Vec<serde_json::Value> = String::from_utf8_lossy(&capped.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for name in ["tls12", "legacy", "modern"] {
        let n = row(&capped, port_of(name))["connections"].as_u64().unwrap();
        assert!((1..=5).contains(&n), "{name}: {n} connections");
    }
    let half = tlslens_bin(&[
        "scan",
        "--targets",
        file,
        "--shard",
        "2/2",
        "--json",
        "--sni",
        "localhost",
    ]);
    let ports: Vec<u64> = String::from_utf8_lossy(&half.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["target"]["port"]
                .as_u64()
                .unwrap()
        })
        .collect();
    let want: Vec<u64> = [&lines[1], &lines[3]]
        .iter()
        .map(|l| l.rsplit(':').next().unwrap().parse().unwrap())
        .collect();
    let mut got = ports.clone();
    got.sort();
    let mut want = want;
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn a_cancelled_scan_opens_nothing_and_returns_interrupted() {
    let cancel = tlslens::cancel::Cancel::new();
    cancel.cancel();
    let progress = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let opts = Options {
        progress: Some(progress.clone()),
        cancel: Some(cancel),
        ..Options::default()
    };
    let p = lab().profile("legacy").unwrap();
    let err = tlslens::scan::run(&p, &opts).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::Interrupted);
    assert_eq!(progress.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[test]
fn cancelling_stops_a_scan_waiting_on_a_silent_server() {
    let cancel = tlslens::cancel::Cancel::new();
    let opts = Options {
        cancel: Some(cancel.clone()),
        ..Options::default()
    };
    let mut p = lab().profile("silent").unwrap();
    // Without the cancel, every hello waits out this deadline.
    p.handshake_timeout = 60.0;
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let err = tlslens::scan::run(&p, &opts).unwrap_err();
    stopper.join().unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::Interrupted);
    // A hang guard, not a benchmark: the timeouts alone would take minutes.
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

#[test]
fn cancelled_stacks_do_not_wait_for_a_silent_server() {
    let mut p = lab().profile("silent").unwrap();
    p.handshake_timeout = 1.0;
    let report = tlslens::scan::run(&p, &Options::default()).unwrap();
    // Without the cancel, each stack would wait out this deadline.
    p.handshake_timeout = 60.0;
    let prep = tlslens::probe::prepare(p).unwrap();
    let cancel = tlslens::cancel::Cancel::new();
    cancel.cancel();
    let started = std::time::Instant::now();
    let stacks = tlslens::explain::stacks::stacks(&prep, &report, &cancel);
    assert!(stacks.iter().all(|s| !s.ok), "{stacks:?}");
    // A hang guard, not a benchmark.
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}
