//! Whole-screen snapshots of every view, at 80×24 and at a wide size, from real
//! probes against the lab (with run-to-run noise — ports, timings, dates, key
//! fingerprints — scrubbed so the pictures are stable).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::OnceLock;
use tlslens::backend::BackendId;
use tlslens::lab::Lab;
use tlslens::profile::Field;
use tlslens::report::BackendReport;
use tlslens::scan::ScanReport;
use tlslens::tui::app::{Action, App, Command, View};
use tlslens::tui::render::render;
use tlslens::tui::theme::Theme;

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn scrub(mut r: BackendReport, port: u16) -> BackendReport {
    r.timing_ms.connect = Some(0.1);
    r.timing_ms.handshake = Some(1.0);
    r.address = Some(format!("127.0.0.1:{port}"));
    // A reused connector may resume (a PSK extension more), and rustls shuffles its
    // extensions: fingerprints vary by run.
    if let Some(f) = &mut r.fingerprint {
        f.ja4 = format!("scrubbed-{}", r.backend);
        f.ja3_hash = format!("scrubbed-{}", r.backend);
    }
    for c in &mut r.certificates {
        c.not_before = "Jan  1 00:00:00 2026 GMT".into();
        c.not_after = if c.expired {
            "Jan  1 00:00:00 2021 GMT".into()
        } else {
            "Jan  1 00:00:00 2030 GMT".into()
        };
        c.sha256 = "AA:BB:…".into();
    }
    r
}

/// The lab CA copied to a path that is the same on every run.
fn fixed_ca() -> std::path::PathBuf {
    static CA: OnceLock<std::path::PathBuf> = OnceLock::new();
    CA.get_or_init(|| {
        let p = std::env::temp_dir().join("tlslens-snapshot-ca.crt");
        std::fs::copy(lab().ca_file(), &p).unwrap();
        p
    })
    .clone()
}

/// An app on lab server `name`, with the lab ports replaced by fixed ones.
fn app_on(name: &str) -> App {
    let entries: Vec<_> = tlslens::tui::lab_entries(lab())
        .into_iter()
        .enumerate()
        .map(|(i, mut e)| {
            e.profile.port = 44300 + i as u16;
            e.profile.cacert = Some(fixed_ca());
            e
        })
        .collect();
    let idx = entries.iter().position(|e| e.name == name).unwrap();
    let profile = entries[idx].profile.clone();
    let mut app = App::new(entries, profile, &BackendId::ALL, Theme::dark());
    app.server = idx;
    app
}

/// Run the commands for real against the real lab port, feed results back scrubbed.
fn connect(app: &mut App, real: &str, action: Action) {
    let fixed_port: u16 = app.form.get(Field::Port).parse().unwrap();
    let real_addr = lab().server(real).unwrap().addr;
    let mut queue = app.update(action);
    while let Some(c) = queue.pop() {
        match c {
            Command::Probe {
                attempt,
                mut prepared,
                backend,
            } => {
                prepared.profile.port = real_addr.port();
                let addrs = tlslens::net::resolve("127.0.0.1", real_addr.port());
                let report =
                    tlslens::probe::probe_one(&prepared, &addrs, backend, &Default::default());
                queue.extend(app.update(Action::ProbeDone {
                    attempt,
                    report: Box::new(scrub(report, fixed_port)),
                }));
            }
            Command::Explain {
                attempt,
                mut prepared,
                reports,
                scan,
            } => {
                prepared.profile.port = real_addr.port();
                let explained = tlslens::explain::explain_attempt_knowing(
                    &prepared,
                    reports,
                    scan.as_deref(),
                    &Default::default(),
                );
                queue.extend(app.update(Action::Explained {
                    attempt,
                    explained: Box::new(explained),
                }));
            }
            Command::Scan { scan, mut prepared } => {
                prepared.profile.port = real_addr.port();
                let report = tlslens::scan::run(&prepared.profile, &Default::default()).unwrap();
                let stacks =
                    tlslens::explain::stacks::stacks(&prepared, &report, &Default::default());
                queue.extend(app.update(Action::Scanned {
                    scan,
                    report: Box::new(scrub_scan(report, fixed_port)),
                    stacks,
                }));
            }
            _ => {}
        }
    }
}

fn scrub_scan(mut r: ScanReport, port: u16) -> ScanReport {
    r.target.port = port;
    r.address = Some(format!("127.0.0.1:{port}"));
    r.elapsed_ms = 30.0;
    for c in &mut r.certificates {
        c.not_before = "Jan  1 00:00:00 2026 GMT".into();
        c.not_after = "Jan  1 00:00:00 2030 GMT".into();
        c.sha256 = "AA:BB:…".into();
    }
    r
}

fn snap(app: &App, name: &str) {
    for (w, h) in SIZES {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| render(f, app)).unwrap();
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
    }
}

#[test]
fn session_before_connecting() {
    snap(&app_on("legacy"), "session_idle");
}

#[test]
fn session_connecting() {
    let mut app = app_on("legacy");
    let cmds = app.update(Action::Connect);
    assert_eq!(cmds.len(), 3, "one probe per backend");
    snap(&app, "session_connecting");
}

#[test]
fn session_success() {
    let mut app = app_on("tls12");
    connect(&mut app, "tls12", Action::Connect);
    assert!(app.current().unwrap().reports().iter().all(|r| r.ok));
    snap(&app, "session_success");
}

#[test]
fn session_failure_then_seclevel_and_min_version() {
    let mut app = app_on("legacy");
    app.selected_backend = 1; // openssl
    connect(&mut app, "legacy", Action::Connect);
    snap(&app, "session_failure");
    connect(&mut app, "legacy", Action::StepSeclevel);
    // OpenSSL 3 here allows TLS 1.0 by default: level 0 alone fixes it.
    let cmp = app.current().unwrap().comparison.clone().unwrap();
    assert!(
        cmp.starts_with("seclevel default → 0: openssl now succeeds with TLSv1.1 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
        "{cmp}"
    );
    connect(&mut app, "legacy", Action::StepMinTls);
    let openssl = app.current().unwrap().report(BackendId::Openssl).unwrap();
    assert!(openssl.ok, "{:?}", openssl.error);
    // native-tls now gets past the version, and fails where it cannot lower the level.
    let cmp = app.current().unwrap().comparison.clone().unwrap();
    assert!(
        cmp.contains("native-tls still fails, now protocol"),
        "{cmp}"
    );
    snap(&app, "session_legacy_fixed");
    app.update(Action::ShowView(View::Diff));
    snap(&app, "diff");
    app.update(Action::ShowView(View::Explain));
    snap(&app, "explain_after_fix");
    app.update(Action::ShowView(View::History));
    snap(&app, "history");
}

#[test]
fn editor_with_validation_error() {
    let mut app = app_on("modern");
    app.update(Action::ShowView(View::Editor));
    app.update(Action::Down); // port
    app.update(Action::Activate);
    for c in "99x".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Activate);
    assert!(app.form.first_error().is_some());
    // seclevel 0: marked insecure
    for _ in 0..4 {
        app.update(Action::Down);
    }
    app.update(Action::Right);
    snap(&app, "editor_error");
    // Connecting refuses and names the field; the typed text stays.
    app.update(Action::Activate);
    assert!(app.status.as_deref().unwrap_or("").contains("port"));
    assert!(app.form.get(Field::Port).ends_with("99x"));
}

/// The proxy row shows what was typed, but not the password, until it is edited.
#[test]
fn the_editor_hides_a_proxy_password() {
    let mut app = app_on("modern");
    app.update(Action::ShowView(View::Editor));
    app.form
        .set(Field::Proxy, "http://lab:s3cret@127.0.0.1:3128");
    let screen = rows(&app, 160, 48).join("\n");
    assert!(screen.contains("http://lab:***@127.0.0.1:3128"), "{screen}");
    assert!(!screen.contains("s3cret"), "{screen}");
    assert_eq!(
        app.form.get(Field::Proxy),
        "http://lab:s3cret@127.0.0.1:3128"
    );
}

#[test]
fn the_lab_list_has_the_starttls_servers_and_the_proxies() {
    let app = app_on("modern");
    let names: Vec<&str> = app.lab.iter().map(|e| e.name.as_str()).collect();
    for name in [
        "smtp",
        "sieve",
        "smtp-refuse",
        "http-proxy-auth",
        "socks5-proxy",
    ] {
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    let e = app.lab.iter().find(|e| e.name == "socks5-proxy").unwrap();
    assert!(
        e.profile
            .proxy
            .as_deref()
            .unwrap()
            .starts_with("socks5h://")
    );
    let e = app.lab.iter().find(|e| e.name == "imap").unwrap();
    assert_eq!(e.profile.starttls, Some(tlslens::profile::Starttls::Imap));
}

#[test]
fn help_overlay() {
    let mut app = app_on("modern");
    app.update(Action::ToggleHelp);
    snap(&app, "help");
}

#[test]
fn tiny_sizes_do_not_panic() {
    let mut app = app_on("legacy");
    connect(&mut app, "legacy", Action::Connect);
    // Every view, down to 1×1 (a terminal shrunk to nothing).
    for view in [
        View::Session,
        View::Editor,
        View::Diff,
        View::Explain,
        View::Ladder,
        View::Code,
        View::Scan,
        View::History,
    ] {
        app.update(Action::ShowView(view));
        if view == View::History {
            app.mode = tlslens::tui::app::Mode::Help;
        }
        for (w, h) in [
            (1, 1),
            (10, 3),
            (29, 7),
            (30, 8),
            (40, 10),
            (79, 23),
            (300, 5),
        ] {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| render(f, &app)).unwrap();
        }
    }
}

#[test]
fn diagnosis_panel_and_one_key_fix() {
    let mut app = app_on("legacy");
    app.selected_backend = 1; // openssl
    connect(&mut app, "legacy", Action::Connect);
    app.update(Action::ShowView(View::Explain));
    snap(&app, "explain_legacy");
    // f shows the change and its cost first; f again applies it and retries.
    app.update(Action::Fix);
    let fix = app.fix().cloned().expect("a verified fix for openssl");
    assert_eq!(fix.change.as_flags(), "--seclevel 0");
    snap(&app, "fix_confirm");
    connect(&mut app, "legacy", Action::Fix);
    let r = app.current().unwrap().report(BackendId::Openssl).unwrap();
    assert!(r.ok, "the fix works: {:?}", r.error);
    assert_eq!(app.form.get(Field::Seclevel), "0");
}

#[test]
fn ladder_with_a_field_selected() {
    let mut app = app_on("tls12");
    app.selected_backend = 1; // openssl
    connect(&mut app, "tls12", Action::Connect);
    app.update(Action::ShowView(View::Ladder));
    let items = app.ladder_items();
    let names: Vec<&str> = items.iter().map(|d| d.name.as_str()).collect();
    assert!(
        names.starts_with(&[
            "ClientHello",
            "ServerHello",
            "Certificate",
            "ServerKeyExchange"
        ]),
        "{names:?}"
    );
    // The ServerKeyExchange, its named curve field.
    for _ in 0..3 {
        app.update(Action::Down);
    }
    app.update(Action::FocusNext); // into the fields pane
    let ske = &items[3];
    let curve = ske
        .fields
        .iter()
        .position(|f| f.name == "named_curve")
        .expect("named_curve field");
    for _ in 0..curve {
        app.update(Action::Down);
    }
    assert_eq!(app.ladder.field, curve);
    assert!(ske.fields[curve].value.contains("x25519"));
    // Randoms, keys and signatures differ per run: snapshot the structure only
    // through a fixed message (ServerHelloDone has no random bytes).
    let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
    t.draw(|f| render(f, &app)).unwrap();
    let screen = format!("{:?}", t.backend());
    assert!(
        screen.contains("named_curve") && screen.contains("RFC 8422"),
        "{screen}"
    );
    // The modern TLS 1.3 server: the decrypted flight is in the ladder too.
    let mut app = app_on("modern");
    app.selected_backend = 1;
    connect(&mut app, "modern", Action::Connect);
    app.update(Action::ShowView(View::Ladder));
    let names: Vec<String> = app.ladder_items().into_iter().map(|d| d.name).collect();
    for m in [
        "EncryptedExtensions",
        "Certificate",
        "CertificateVerify",
        "Finished",
    ] {
        assert!(names.iter().any(|n| n == m), "{m} in {names:?}");
    }
    // ServerHelloDone-free, random-free view to snapshot: select the ChangeCipherSpec.
    let ccs = app
        .ladder_items()
        .iter()
        .position(|d| d.name == "ChangeCipherSpec")
        .unwrap();
    for _ in 0..ccs {
        app.update(Action::Down);
    }
    app.update(Action::FocusNext);
    app.update(Action::Down);
    snap(&app, "ladder_ccs_field");
}

#[test]
fn code_view_python_for_the_fixed_legacy_profile() {
    let mut app = app_on("legacy");
    app.form.set(Field::Seclevel, "0");
    app.form.set(Field::MinTls, "1.0");
    app.update(Action::ShowView(View::Code));
    snap(&app, "code_python");
    let cmds = app.update(Action::Yank);
    assert!(matches!(cmds.as_slice(), [Command::Clipboard(t)] if t.contains("SECLEVEL=0")));
}

#[test]
fn profiles_save_and_load_as_toml() {
    let mut app = app_on("legacy");
    app.form.set(Field::Seclevel, "0");
    app.update(Action::OpenPrompt(tlslens::tui::app::PromptKind::Save));
    let path = std::env::temp_dir().join(format!("tlslens-tui-{}.toml", std::process::id()));
    // Replace the suggested name with ours.
    for _ in 0..64 {
        app.update(Action::Backspace);
    }
    for c in path.display().to_string().chars() {
        app.update(Action::Char(c));
    }
    let cmds = app.update(Action::Activate);
    let [Command::Save(p, text)] = cmds.as_slice() else {
        panic!("one save command");
    };
    assert_eq!(p, &path);
    let back = tlslens::profile::Profile::from_toml(text).expect("valid TOML");
    assert_eq!(back.seclevel, Some(0));
    std::fs::write(&path, text).unwrap();
    // Load it into an app on another server.
    let mut other = app_on("modern");
    other.loaded(&path, Ok(back));
    assert_eq!(other.form.get(Field::Seclevel), "0");
    assert_eq!(other.form.get(Field::Port), app.form.get(Field::Port));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn escape_cancels_a_running_attempt_and_late_results_are_ignored() {
    let mut app = app_on("legacy");
    let cmds = app.update(Action::Connect);
    assert!(app.running());
    app.update(Action::Cancel);
    assert!(!app.running());
    // A result arriving after the cancel changes nothing.
    let Command::Probe {
        attempt,
        prepared,
        backend,
    } = cmds[0].clone()
    else {
        panic!()
    };
    let mut prepared = prepared;
    prepared.profile.port = lab().server("legacy").unwrap().addr.port();
    let addrs = tlslens::net::resolve("127.0.0.1", prepared.profile.port);
    let report = tlslens::probe::probe_one(&prepared, &addrs, backend, &Default::default());
    let more = app.update(Action::ProbeDone {
        attempt,
        report: Box::new(report),
    });
    assert!(more.is_empty());
    assert!(app.current().unwrap().reports().is_empty());
}

fn rows(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| render(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

#[test]
fn the_comparison_wraps_at_80_columns() {
    let mut app = app_on("legacy");
    connect(&mut app, "legacy", Action::Connect);
    connect(&mut app, "legacy", Action::StepSeclevel);
    let cmp = app.current().unwrap().comparison.clone().unwrap();
    assert!(cmp.chars().count() > 80, "{cmp}");
    let screen = rows(&app, 80, 24);
    // The status rows: after the body's bottom border, before the key hints.
    let body_end = screen.iter().rposition(|l| l.starts_with('└')).unwrap();
    let status: Vec<&str> = screen[body_end + 1..screen.len() - 1]
        .iter()
        .map(|l| l.trim())
        .collect();
    assert_eq!(status.join(" "), format!("Δ {cmp}"), "{screen:#?}");
}

#[test]
fn the_explain_view_scrolls_within_its_text() {
    let mut app = app_on("legacy");
    connect(&mut app, "legacy", Action::Connect);
    app.update(Action::ShowView(View::Explain));
    let top = rows(&app, 80, 24);
    assert!(top[2].contains("native-tls FAILED"), "{top:#?}");
    // Ten pages down (drawn after each key, as the loop does) end on the last page,
    // not on a blank pane.
    for _ in 0..10 {
        app.update(Action::PageDown);
        rows(&app, 80, 24);
    }
    let bottom = rows(&app, 80, 24);
    let last_text = bottom[2..22]
        .iter()
        .filter(|l| {
            // The pane's inside: after the 15-column lab list and the pane's border.
            let inside: String = l.chars().skip(16).take(62).collect();
            !inside.trim().is_empty()
        })
        .count();
    assert!(last_text >= 10, "a blank pane after PgDn:\n{bottom:#?}");
    assert!(
        bottom.iter().any(|l| l.contains("◂ highest")),
        "{bottom:#?}"
    );
    // One PgUp moves at once (no overshoot to climb back from), Home goes to the top.
    app.update(Action::PageUp);
    assert_ne!(rows(&app, 80, 24), bottom);
    app.update(Action::Home);
    assert_eq!(rows(&app, 80, 24), top);
}

#[test]
fn scan_view_running_then_done_on_legacy() {
    let mut app = app_on("legacy");
    let cmds = app.update(Action::OpenScan);
    assert!(matches!(cmds.as_slice(), [Command::Scan { .. }]));
    snap(&app, "scan_running");
    let mut app = app_on("legacy");
    connect(&mut app, "legacy", Action::OpenScan);
    let done = app.current_scan().and_then(|s| s.done()).expect("scanned");
    assert_eq!(done.stacks.len(), 3, "each of our stacks against it");
    snap(&app, "scan_legacy");
}

#[test]
fn the_diagnosis_of_legacy_knows_the_scan() {
    let mut app = app_on("legacy");
    app.selected_backend = 1; // openssl
    connect(&mut app, "legacy", Action::Connect);
    app.update(Action::ShowView(View::Explain));
    connect(&mut app, "legacy", Action::OpenScan);
    assert_eq!(app.view, View::Explain);
    let a = app.current().unwrap();
    assert_eq!(a.scan_used, app.current_scan().map(|s| s.id));
    snap(&app, "explain_with_scan");
}
