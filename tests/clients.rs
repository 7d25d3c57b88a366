//! Real clients through the recording relay, on the lab: what each client printed
//! agrees with the wire, the reset server gives Python its `ConnectionResetError`, and
//! on the legacy server Python's own fix is found, verified by running the patched
//! client, and exported. A client whose runtime is missing is skipped with a message,
//! except under CI (CI=true), where `.ci/setup` must have installed it.

mod tools;

use std::sync::OnceLock;
use tlslens::backend::BackendId::{self, Java, Node, Openssl, Python, SClient};
use tlslens::explain::explain_default;
use tlslens::export::{Lang, export};
use tlslens::lab::Lab;
use tlslens::probe::{prepare, run};
use tlslens::profile::{Profile, TlsVersion};
use tlslens::report::{BackendReport, ErrorKind};

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

/// The clients installed here; under CI every one must be.
fn present() -> Vec<BackendId> {
    tools::clients_present(&BackendId::CLIENTS)
}

fn probe(p: Profile, backends: &[BackendId]) -> Vec<BackendReport> {
    run(&prepare(p).unwrap(), backends).results
}

/// Connected, and the version and cipher on the wire are what the client printed.
#[track_caller]
fn agrees_with_the_wire(r: &BackendReport, version: &str) {
    let c = r.client.as_ref().expect("a client run");
    assert!(r.ok, "{}: {:?}\n{:#?}", r.backend, r.error, c);
    assert_eq!(r.version.as_deref(), Some(version), "{}", r.backend);
    let wire = r.server_hello.as_ref().expect("a ServerHello");
    let said = format!(
        "{} {}",
        wire.version.as_deref().unwrap(),
        wire.cipher.as_deref().unwrap()
    );
    assert_eq!(c.said.as_deref(), Some(said.as_str()), "{}", r.backend);
    assert!(r.mismatches.is_empty(), "{:?}", r.mismatches);
    assert_eq!(c.exit, Some(0));
    assert!(r.fingerprint.is_some());
}

#[test]
fn modern_server_every_client() {
    let clients = present();
    for r in probe(lab().profile("modern").unwrap(), &clients) {
        agrees_with_the_wire(&r, "TLSv1.3");
        // curl, node, s_client and the Python script write a key log: their TLS 1.3
        // flight is decrypted and both Finished MACs check.
        if matches!(r.backend, BackendId::Curl | Node | Python | SClient) {
            let d = r.decrypted.as_ref().expect("decrypted");
            assert_eq!(d.server_finished_ok, Some(true), "{}", r.backend);
        }
    }
}

#[test]
fn legacy_server_every_client_with_old_versions_and_level_0() {
    let clients = present();
    let mut p = lab().profile("legacy").unwrap();
    p.min_tls = Some(TlsVersion::V1_0);
    p.seclevel = Some(0);
    for r in probe(p, &clients) {
        agrees_with_the_wire(&r, "TLSv1.1");
        if r.backend == Java {
            // JSSE has no OpenSSL security level: said, not dropped.
            assert!(r.unsupported.contains(&"seclevel"), "{:?}", r.unsupported);
        }
    }
}

#[test]
fn reset_server_every_client_in_its_own_words() {
    let clients = present();
    for r in probe(lab().profile("reset").unwrap(), &clients) {
        let e = r.error.as_ref().expect("an error");
        assert_eq!(e.kind, ErrorKind::Reset, "{}: {e:?}", r.backend);
        let c = r.client.as_ref().unwrap();
        assert_ne!(c.exit, Some(0), "{c:?}");
        let line = c.error_line.clone().unwrap_or_default();
        match r.backend {
            Python => assert_eq!(
                line, "ConnectionResetError: [Errno 104] Connection reset by peer",
                "{c:?}"
            ),
            Java => assert!(line.contains("Connection reset"), "{c:?}"),
            Node => assert!(line.contains("ECONNRESET"), "{c:?}"),
            _ => assert!(!line.is_empty(), "{c:?}"),
        }
    }
}

/// The case tlslens was born from: Python against the TLS 1.0/1.1 server. Its fix is
/// found in Python's terms, verified by running the patched script, and exported.
#[test]
fn legacy_server_python_fix_found_verified_and_exported() {
    if !present().contains(&Python) {
        return;
    }
    let prep = prepare(lab().profile("legacy").unwrap()).unwrap();
    let mut report = run(&prep, &[Python]);
    assert!(!report.results[0].ok);
    explain_default(&prep, &mut report, true);
    let r = &report.results[0];
    let fix = r
        .diagnosis
        .iter()
        .find_map(|f| f.suggest.clone().filter(|_| f.verified))
        .unwrap_or_else(|| panic!("no verified fix: {:#?}", r.diagnosis));
    // Whatever this Python's build defaults to, the fix states the version.
    let flags = fix.as_flags();
    assert!(flags.contains("--min-tls 1."), "{flags}");
    assert!(flags.contains("--seclevel 0"), "{flags}");
    let mut p = prep.profile.clone();
    fix.apply(&mut p);
    let code = export(&p, Lang::Python);
    assert!(
        code.contains("ctx.minimum_version = ssl.TLSVersion.TLSv1"),
        "{code}"
    );
    assert!(
        code.contains("ctx.set_ciphers('DEFAULT:@SECLEVEL=0')"),
        "{code}"
    );
    assert!(code.contains("WEAKENS SECURITY"), "{code}");
    // And the patched client, run again, connects.
    let again = probe(p, &[Python]);
    agrees_with_the_wire(&again[0], "TLSv1.1");
}

/// Same library, same defaults, same hello: the openssl backend and s_client (both on
/// the system OpenSSL) get the same fingerprints; another stack does not.
#[test]
fn identical_hellos_identical_fingerprints() {
    if !present().contains(&SClient) {
        return;
    }
    let rs = probe(
        lab().profile("modern").unwrap(),
        &[Openssl, SClient, BackendId::Rustls],
    );
    let fp = |i: usize| {
        rs[i]
            .fingerprint
            .clone()
            .unwrap_or_else(|| panic!("no fingerprint: {:#?}", rs[i]))
    };
    assert_eq!(fp(0), fp(1));
    assert_ne!(fp(0).ja4, fp(2).ja4);
    // The diff says so, next to what the client itself said.
    let rows = tlslens::diff::rows(&rs[0], &rs[1]);
    let row = |f: &str| rows.iter().find(|r| r.field == f).unwrap().clone();
    assert!(row("ja4").same && row("ja3").same);
    let said = row("client said");
    assert_eq!(said.left, "-");
    assert!(said.right.starts_with("TLSv1.3 TLS_"), "{said:?}");
}

#[test]
fn all_is_the_three_stacks_and_clients_the_five_programs() {
    let p = tlslens::profile::parse_backends("all,clients").unwrap();
    assert_eq!(p.len(), 8);
    assert!(BackendId::CLIENTS.iter().all(|b| b.is_client()));
    assert!(!BackendId::ALL.iter().any(|b| b.is_client()));
}

/// Drive the TUI's commands through its real worker until the attempt is explained.
fn drive(app: &mut tlslens::tui::app::App, mut cmds: Vec<tlslens::tui::app::Command>) {
    use tlslens::tui::app::{Action, Explanation};
    let (tx, rx) = std::sync::mpsc::channel::<Action>();
    loop {
        for c in cmds.drain(..) {
            tlslens::tui::worker::execute(c, &tx, app);
        }
        let done = app
            .current()
            .is_some_and(|a| matches!(a.explanation, Explanation::Done(_)));
        if done && !app.running() {
            return;
        }
        let a = rx
            .recv_timeout(std::time::Duration::from_secs(90))
            .expect("the worker answers");
        cmds = app.update(a);
    }
}

/// In the TUI the python column is a column like the others: `f` applies Python's
/// own fix, the retry runs the patched client, and `c` shows the code it ran.
#[test]
fn tui_python_column_fix_and_code() {
    use tlslens::tui::app::{Action, App, LabEntry, Mode, View};
    if !present().contains(&Python) {
        return;
    }
    let profile = lab().profile("legacy").unwrap();
    let e = LabEntry {
        name: "legacy".into(),
        summary: String::new(),
        teaches: String::new(),
        profile: profile.clone(),
    };
    let mut app = App::new(
        vec![e],
        profile,
        &[Openssl, Python],
        tlslens::tui::theme::Theme::dark(),
    );
    let cmds = app.update(Action::Connect);
    drive(&mut app, cmds);
    app.selected_backend = 1;
    assert_eq!(app.selected_backend_id(), Python);
    app.update(Action::Fix);
    assert!(matches!(app.mode, Mode::Confirm(_)), "{:?}", app.status);
    let cmds = app.update(Action::Fix);
    drive(&mut app, cmds);
    let attempt = app.current().expect("the retry");
    assert_eq!(attempt.profile.seclevel, Some(0));
    assert!(attempt.profile.min_tls.is_some());
    let r = attempt.report(Python).expect("a python result");
    assert!(r.ok, "{:?}", r.error);
    app.update(Action::ShowView(View::Code));
    assert_eq!(app.code.lang(), Lang::Python);
}

/// Cancelling stops a client at once: the relay's target side is shut, the client
/// sees the end and the process is gone, well before its 60 s handshake timeout.
#[test]
fn cancel_stops_a_client_at_once() {
    if !present().contains(&Python) {
        return;
    }
    let mut p = lab().profile("silent").unwrap();
    p.handshake_timeout = 60.0;
    let prep = prepare(p).unwrap();
    let addrs = tlslens::net::resolve(&prep.profile.host, prep.profile.port);
    let cancel = tlslens::cancel::Cancel::new();
    let c2 = cancel.clone();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        c2.cancel();
    });
    let t = std::time::Instant::now();
    let r = tlslens::probe::probe_one(&prep, &addrs, Python, &cancel);
    stopper.join().unwrap();
    assert!(
        t.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        t.elapsed()
    );
    assert!(!r.ok);
    assert!(r.client.is_some());
}

/// The JSON additions, through the binary: the client's own words and the fingerprints.
#[test]
fn json_carries_the_clients_words_and_fingerprints() {
    if !present().contains(&Python) {
        return;
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlslens"))
        .args([
            "probe",
            "lab:reset",
            "--backend",
            "python,openssl",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let py = &v["results"][0];
    assert_eq!(py["backend"], "python");
    assert_eq!(py["error"]["kind"], "reset");
    assert_eq!(py["client"]["installed"], true);
    assert_eq!(py["client"]["exit"], 1);
    assert_eq!(
        py["client"]["error_line"],
        "ConnectionResetError: [Errno 104] Connection reset by peer"
    );
    for r in v["results"].as_array().unwrap() {
        let ja4 = r["fingerprint"]["ja4"].as_str().unwrap();
        assert!(ja4.starts_with("t13d"), "{ja4}");
        assert_eq!(r["fingerprint"]["ja3_hash"].as_str().unwrap().len(), 32);
    }
    assert!(v["results"][1].get("client").is_none());
}

/// A client whose runtime is missing is "not installed", never a failure: the exit
/// status is that of the rest. (PATH emptied: no client can be found.)
#[test]
fn a_missing_runtime_is_not_installed_not_a_failure() {
    let run = |backends: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tlslens"))
            .args(["probe", "lab:modern", "--backend", backends])
            .env("PATH", "/nonexistent")
            .output()
            .unwrap()
    };
    let out = run("java,openssl");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("NOT INSTALLED  not installed: java not found on PATH"),
        "{text}"
    );
    assert!(
        text.contains("1 of 1 backends connected and verified (1 not installed)"),
        "{text}"
    );
    // `clients` is the clients found here: none.
    let out = run("openssl,clients");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("NOT INSTALLED"), "{text}");
    assert!(text.contains("1 of 1 backends"), "{text}");
}

/// A TLS 1.3 server that wants a client certificate rejects us only after the
/// handshake. The exported scripts stop there and report success; the relay recorded
/// the server's next record, and with the client's key log it is decrypted: a fatal
/// certificate_required, reported as it is for the in-process stacks. With the lab's
/// client certificate every one connects.
#[test]
fn a_rejection_after_the_handshake_is_seen_in_the_clients_decrypted_records() {
    let clients = present()
        .into_iter()
        .filter(|b| matches!(b, Python | SClient | Node | BackendId::Curl))
        .collect::<Vec<_>>();
    let p = lab().profile("client-cert").unwrap();
    for r in probe(p.clone(), &clients) {
        let e = r.error.as_ref().expect("rejected");
        assert_eq!(
            (e.kind, e.alert.as_deref()),
            (ErrorKind::Alert, Some("certificate_required")),
            "{}: {e:?}",
            r.backend
        );
        assert!(!r.ok);
        // s_client may read the alert itself before it exits; the scripts never do.
        // Either way it came after the handshake, which each client said it finished.
        assert_eq!(e.stage, tlslens::report::Stage::AfterHandshake, "{e:?}");
        assert!(r.client.as_ref().unwrap().said.is_some(), "{}", r.backend);
    }
    let mut with_cert = p;
    with_cert.cert = Some(lab().client_cert());
    with_cert.key = Some(lab().client_key());
    for r in probe(with_cert, &clients) {
        assert!(r.ok, "{}: {:?}", r.backend, r.error);
    }
}
