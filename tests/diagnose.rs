//! Diagnosis on the lab: each failing case gets the right finding, and each suggested
//! change, applied to the same probe, really makes that backend succeed.

use std::sync::OnceLock;
use tlslens::backend::BackendId::{self, NativeTls, Openssl, Rustls};
use tlslens::cancel::Cancel;
use tlslens::diagnose::Finding;
use tlslens::explain as search;
use tlslens::lab::Lab;
use tlslens::probe::{Prepared, prepare, run};
use tlslens::report::Report;

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

fn explained(server: &str) -> (Prepared, Report) {
    let prep = prepare(lab().profile(server).unwrap()).unwrap();
    let mut report = run(&prep, &BackendId::ALL);
    search::explain_default(&prep, &mut report, true);
    (prep, report)
}

fn finding<'a>(r: &'a Report, b: BackendId, id: &str) -> &'a Finding {
    let res = r.result(b).unwrap();
    res.diagnosis
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("{b}: no finding {id} in {:#?}", res.diagnosis))
}

/// The suggestion, applied to the same profile, must make the backend connect.
#[track_caller]
fn fix_works(prep: &Prepared, b: BackendId, f: &Finding) {
    let s = f
        .suggest
        .as_ref()
        .unwrap_or_else(|| panic!("{b}: {} has no suggestion", f.id));
    assert!(f.verified && f.cost.is_some());
    let mut p = prep.profile.clone();
    s.apply(&mut p);
    let prep2 = prepare(p).unwrap();
    let r = run(&prep2, &[b]);
    assert!(
        r.results[0].ok,
        "{b} with {}: {:?}",
        s.as_flags(),
        r.results[0].error
    );
}

#[test]
fn legacy_ecdhe_server_needs_level_0_and_rustls_cannot() {
    let (prep, r) = explained("legacy");
    let f = finding(&r, Openssl, "legacy-signature");
    assert_eq!(
        f.suggest.as_ref().unwrap().as_flags(),
        "--seclevel 0",
        "level 1 is not enough"
    );
    assert!(f.cost.as_deref().unwrap().contains("MD5+SHA-1"));
    fix_works(&prep, Openssl, f);
    let f = finding(&r, Rustls, "legacy-versions");
    assert!(f.suggest.is_none());
    assert!(f.finding.contains("rustls will never connect"));
    let alt = f
        .alternative
        .as_ref()
        .expect("points at a backend that can");
    assert_eq!(alt.backend, Openssl);
    let f = finding(&r, NativeTls, "legacy-versions");
    assert!(
        f.suggest.is_none(),
        "native-tls cannot lower the level: {f:?}"
    );
    assert!(f.finding.contains("cannot set the security level"));
    // The stacks disagree once openssl is fixed: reported in both directions as info.
    let levels = tlslens::explain::levels::scan(&prep, &Cancel::new());
    assert_eq!(tlslens::diagnose::levels::highest_working(&levels), Some(0));
}

#[test]
fn legacy_static_rsa_server_keeps_the_default_level() {
    let (prep, r) = explained("legacy-rsa");
    let f = finding(&r, NativeTls, "legacy-versions");
    // Least weakening: TLS 1.1 (the server's best), no level change.
    assert_eq!(f.suggest.as_ref().unwrap().as_flags(), "--min-tls 1.1");
    fix_works(&prep, NativeTls, f);
    let levels = tlslens::explain::levels::scan(&prep, &Cancel::new());
    assert_eq!(tlslens::diagnose::levels::highest_working(&levels), Some(2));
}

#[test]
fn rsa_kx_server_names_what_rustls_lacks() {
    let (_, r) = explained("rsa-cbc");
    let f = finding(&r, Rustls, "no-shared-cipher");
    assert!(
        f.finding.contains("TLS_RSA_WITH_AES_128_CBC_SHA"),
        "{}",
        f.finding
    );
    assert!(f.finding.contains("rustls never offers RSA key exchange"));
    assert!(f.alternative.is_some());
}

#[test]
fn certificate_problems_each_named_with_a_working_fix() {
    for (server, id) in [
        ("expired", "cert-expired"),
        ("self-signed", "cert-self-signed"),
        ("wrong-host", "cert-host-mismatch"),
    ] {
        let (prep, r) = explained(server);
        for b in [NativeTls, Openssl] {
            let f = finding(&r, b, id);
            fix_works(&prep, b, f);
        }
        let rustls = r.result(Rustls).unwrap();
        let f = rustls
            .diagnosis
            .iter()
            .find(|f| f.id.starts_with("cert-"))
            .expect("rustls finding");
        fix_works(&prep, Rustls, f);
    }
    let (_, r) = explained("wrong-host");
    let f = finding(&r, Openssl, "cert-host-mismatch");
    assert!(
        f.finding.contains("wrong.example"),
        "names the certificate's names: {}",
        f.finding
    );
}

#[test]
fn weak_certificate_finds_the_highest_working_level() {
    let (prep, r) = explained("weak-cert");
    let f = finding(&r, Openssl, "cert-weak");
    assert_eq!(f.suggest.as_ref().unwrap().as_flags(), "--seclevel 0");
    fix_works(&prep, Openssl, f);
    assert!(finding(&r, Rustls, "cert-weak").suggest.is_none());
}

#[test]
fn client_certificate_required_after_the_tls13_handshake() {
    let (_, r) = explained("client-cert");
    for b in BackendId::ALL {
        let f = finding(&r, b, "client-certificate-required");
        assert!(f.finding.contains("only after"), "{}", f.finding);
    }
}

#[test]
fn reset_and_not_tls_and_silence_are_explained() {
    let (_, r) = explained("reset");
    for b in BackendId::ALL {
        assert!(
            finding(&r, b, "reset-after-hello")
                .finding
                .contains("ConnectionResetError")
        );
    }
    let (_, r) = explained("plain-http");
    finding(&r, Openssl, "not-tls");
}

#[test]
fn stacks_that_disagree_are_called_out() {
    let (_, r) = explained("rsa-cbc");
    let f = finding(&r, Openssl, "stacks-disagree");
    assert!(
        f.finding.contains("openssl connects") && f.finding.contains("rustls does not"),
        "{}",
        f.finding
    );
    let (_, r) = explained("modern");
    let f = finding(&r, Rustls, "stacks-negotiate-differently");
    assert!(f.finding.contains("x25519mlkem768"), "{}", f.finding);
}

#[test]
fn a_server_that_needs_sni() {
    // With SNI (the lab profile sends localhost) every stack connects.
    let prep = prepare(lab().profile("sni-required").unwrap()).unwrap();
    assert!(run(&prep, &BackendId::ALL).all_ok());
    // Without it the server refuses; the finding names SNI and the host name works.
    let mut p = lab().profile("sni-required").unwrap();
    p.host = "localhost".into();
    p.sni = tlslens::profile::Sni::Off;
    let prep = prepare(p).unwrap();
    let mut r = run(&prep, &[Openssl, Rustls]);
    search::explain_default(&prep, &mut r, true);
    for b in [Openssl, Rustls] {
        let f = finding(&r, b, "sni-missing");
        assert_eq!(f.suggest.as_ref().unwrap().as_flags(), "--sni localhost");
        fix_works(&prep, b, f);
    }
}

/// The level map only runs when a level could change the outcome: a silent server (or
/// one that speaks another protocol) gets none, a legacy server gets all six.
#[test]
fn level_map_only_where_the_level_can_matter() {
    let with_levels = |server: &str| {
        let mut p = lab().profile(server).unwrap();
        p.handshake_timeout = 1.0;
        let prep = prepare(p).unwrap();
        let mut report = run(&prep, &BackendId::ALL);
        tlslens::explain::explain_with_levels(&prep, &mut report, true, &Cancel::new());
        report.levels.unwrap()
    };
    assert!(with_levels("silent").is_empty());
    assert!(with_levels("plain-http").is_empty());
    let legacy = with_levels("legacy");
    assert_eq!(legacy.len(), 6);
    assert_eq!(tlslens::diagnose::levels::highest_working(&legacy), Some(0));
}

/// A cancelled explanation tries nothing more and keeps nothing unverified.
#[test]
fn a_cancelled_explanation_keeps_no_fix() {
    let prep = prepare(lab().profile("legacy").unwrap()).unwrap();
    let mut report = run(&prep, &BackendId::ALL);
    let cancel = Cancel::new();
    cancel.cancel();
    tlslens::explain::explain_with_levels(&prep, &mut report, true, &cancel);
    assert!(report.levels.unwrap().is_empty());
    for r in &report.results {
        assert!(
            r.diagnosis
                .iter()
                .all(|f| !f.verified && f.suggest.is_none())
        );
    }
}

/// Every stack is refused at its hello and none sees a ServerHello: the diagnosis
/// scans the server, names what it accepts, and finds the cipher list that works.
#[test]
fn a_refusal_without_a_server_hello_is_explained_by_a_scan() {
    let (prep, r) = explained("camellia");
    let f = finding(&r, Openssl, "no-shared-cipher");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256")),
        "{f:#?}"
    );
    assert_eq!(
        f.suggest.as_ref().unwrap().as_flags(),
        "--ciphers ECDHE-RSA-CAMELLIA128-SHA256"
    );
    fix_works(&prep, Openssl, f);
    let rustls = finding(&r, Rustls, "no-shared-cipher");
    assert_eq!(rustls.alternative.as_ref().unwrap().backend, Openssl);
}
