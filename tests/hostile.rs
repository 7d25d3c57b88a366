//! Every hostile lab peer × every backend: a classified error at the right stage, the
//! finding that matches its evidence (and never an empty one), within the timeout.

use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tlslens::backend::BackendId;
use tlslens::lab::Lab;
use tlslens::report::{BackendReport, ErrorKind, Stage};

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

/// All three backends against `server` with a 2 s handshake timeout; the diagnosis
/// without the search (findings only).
fn probe(server: &str) -> (Vec<BackendReport>, Duration) {
    let mut p = lab().profile(server).unwrap();
    p.handshake_timeout = 2.0;
    let prep = tlslens::probe::prepare(p).unwrap();
    let started = Instant::now();
    let mut report = tlslens::probe::run(&prep, &BackendId::ALL);
    let took = started.elapsed();
    tlslens::explain::explain_default(&prep, &mut report, false);
    (report.results, took)
}

#[track_caller]
fn expect(server: &str, want: &[(BackendId, ErrorKind, Stage, &str)]) {
    let (results, took) = probe(server);
    // A hang guard: every backend is bounded by the 2 s timeout and they run at once.
    assert!(took < Duration::from_secs(8), "{server} took {took:?}");
    for (b, kind, stage, finding) in want {
        let r = results.iter().find(|r| r.backend == *b).unwrap();
        let e = r
            .error
            .as_ref()
            .unwrap_or_else(|| panic!("{server} {b}: no error"));
        assert_eq!((e.kind, e.stage), (*kind, *stage), "{server} {b}: {e:?}");
        let f = r
            .diagnosis
            .iter()
            .find(|f| f.id == *finding)
            .unwrap_or_else(|| panic!("{server} {b}: no {finding} in {:#?}", r.diagnosis));
        assert!(
            !f.evidence.is_empty() && f.evidence.iter().all(|e| !e.trim().is_empty()),
            "{server} {b}: empty evidence {f:?}"
        );
        for f in &r.diagnosis {
            assert!(
                !f.finding.contains("never answered") || r.server_hello.is_none(),
                "{server} {b}: '{}' although the server chose {:?}",
                f.finding,
                r.server_hello
            );
        }
        assert!(r.wire.iter().map(|c| c.bytes.len()).sum::<usize>() <= 1 << 20);
    }
}

use BackendId::{NativeTls, Openssl, Rustls};
use ErrorKind::*;

#[test]
fn garbage_and_huge_records_are_not_tls() {
    for b in BackendId::ALL {
        expect("garbage", &[(b, Protocol, Stage::ServerHello, "not-tls")]);
        expect(
            "huge-record",
            &[(b, Protocol, Stage::ServerHello, "record-overflow")],
        );
    }
    let (r, _) = probe("plain-http");
    let f = r[0].diagnosis.iter().find(|f| f.id == "not-tls").unwrap();
    assert!(f.finding.contains("answered in HTTP"), "{f:?}");
    assert!(f.evidence[0].contains("HTTP/"));
}

#[test]
fn a_server_that_stops_mid_handshake_is_not_silent() {
    for b in BackendId::ALL {
        expect(
            "truncated",
            &[(
                b,
                HandshakeTimeout,
                Stage::Certificate,
                "stopped-mid-handshake",
            )],
        );
        expect(
            "close-hello",
            &[(b, Eof, Stage::ServerHello, "stopped-mid-handshake")],
        );
        expect(
            "reset-cert",
            &[(b, Reset, Stage::Certificate, "stopped-mid-handshake")],
        );
    }
    expect(
        "accept-close",
        &[(Openssl, Reset, Stage::ServerHello, "reset-after-hello")],
    );
}

#[test]
fn slow_and_flooding_servers() {
    for b in BackendId::ALL {
        expect(
            "drip",
            &[(b, HandshakeTimeout, Stage::ServerHello, "slow-answer")],
        );
    }
    expect(
        "flood",
        &[
            (
                NativeTls,
                HandshakeTimeout,
                Stage::ServerHello,
                "server-flood",
            ),
            (
                Openssl,
                HandshakeTimeout,
                Stage::ServerHello,
                "server-flood",
            ),
            (Rustls, Protocol, Stage::ServerHello, "server-flood"),
        ],
    );
    // Warning alerts are not fatal ones, and not an SNI verdict.
    for b in BackendId::ALL {
        expect(
            "alert-flood",
            &[(b, Alert, Stage::ServerHello, "warning-alert-stream")],
        );
    }
    let (r, _) = probe("alert-flood");
    assert!(
        r.iter()
            .all(|r| r.error.as_ref().unwrap().detail.contains("warning"))
    );
}

#[test]
fn oversized_certificates_fail_at_the_certificate_stage() {
    for b in BackendId::ALL {
        let (r, _) = probe("huge-cert");
        let r = r.iter().find(|r| r.backend == b).unwrap();
        assert_eq!(r.error.as_ref().unwrap().stage, Stage::Certificate, "{b}");
        let (r, _) = probe("many-certs");
        let r = r.iter().find(|r| r.backend == b).unwrap();
        assert_eq!(r.error.as_ref().unwrap().stage, Stage::Certificate, "{b}");
    }
}

#[test]
fn missing_renegotiation_info_is_named() {
    expect(
        "no-reneg",
        &[
            (
                NativeTls,
                Protocol,
                Stage::ServerHello,
                "no-secure-renegotiation",
            ),
            (
                Openssl,
                Protocol,
                Stage::ServerHello,
                "no-secure-renegotiation",
            ),
            (
                Rustls,
                HandshakeTimeout,
                Stage::Certificate,
                "stopped-mid-handshake",
            ),
        ],
    );
    let (r, _) = probe("no-reneg");
    for r in &r {
        assert!(
            r.diagnosis.iter().all(|f| f.id != "no-shared-cipher"),
            "{:?}",
            r.diagnosis
        );
    }
}

/// Memory stays bounded against the endless stream and the huge certificate: the
/// peak RSS of the CLI (the kernel's count for the child) stays far below what an
/// unbounded recording would need.
#[test]
fn memory_stays_bounded_against_floods() {
    for server in ["flood", "huge-cert"] {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import resource,subprocess,sys; subprocess.run(sys.argv[1:], capture_output=True); \
                 print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
                env!("CARGO_BIN_EXE_tlslens"),
                "probe",
                &format!("lab:{server}"),
                "--timeout",
                "2",
            ])
            .output()
            .unwrap();
        let kb: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        assert!(kb < 160 * 1024, "{server}: peak RSS {kb} KB");
    }
}
