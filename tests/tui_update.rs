//! The TUI's state machine through `App::update`: every background message is taken
//! whatever the mode, work is stopped when its attempt is cancelled or replaced, keys
//! that change nothing do not redraw, file results come back as actions. Fake reports
//! where the network does not matter; the lab where it does.

mod common;

use common::{app, entry, explained, finish_probes};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::Duration;
use tlslens::backend::BackendId;
use tlslens::lab::Lab;
use tlslens::profile::Profile;
use tlslens::tui::app::{
    Action, App, Command, Confirm, Contents, Explanation, FileWrite, Mode, Pane, PromptKind, View,
    WriteOutcome,
};
use tlslens::tui::render::render;
use tlslens::tui::theme::Theme;

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

/// Connect and finish every probe: the attempt is now searching for its diagnosis.
fn searching(app: &mut App) -> usize {
    let cmds = app.update(Action::Connect);
    let after = finish_probes(app, cmds);
    let [Command::Explain { attempt, .. }] = after.as_slice() else {
        panic!("a finished attempt starts its search");
    };
    assert!(app.current().unwrap().searching());
    *attempt
}

fn is_done(app: &App) -> bool {
    matches!(app.current().unwrap().explanation, Explanation::Done(_))
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| render(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_diagnosis_finishing_under_the_prompt_is_kept() {
    let mut app = app();
    let id = searching(&mut app);
    app.update(Action::OpenPrompt(PromptKind::Save));
    app.update(Action::Char('x'));
    app.update(explained(id));
    assert!(is_done(&app), "the result was dropped");
    assert_eq!(app.prompt().unwrap().text, "tlslens-profile.tomlx");
    app.update(Action::Escape);
    app.update(Action::Fix);
    assert!(
        !app.status
            .as_deref()
            .unwrap_or("")
            .contains("still looking"),
        "{:?}",
        app.status
    );
}

#[test]
fn a_diagnosis_finishing_while_a_field_is_edited_is_kept() {
    let mut app = app();
    let id = searching(&mut app);
    app.update(Action::ShowView(View::Editor));
    app.update(Action::Activate); // edit the host
    assert!(matches!(app.mode, Mode::Editing));
    app.update(explained(id));
    assert!(is_done(&app), "the result was dropped");
    assert!(matches!(app.mode, Mode::Editing), "still editing");
}

#[test]
fn a_diagnosis_arriving_under_help_leaves_help_open() {
    let mut app = app();
    let id = searching(&mut app);
    app.update(Action::ToggleHelp);
    app.update(explained(id));
    assert!(app.help(), "help closed by a background message");
    assert!(is_done(&app));
    // Results and ticks do not close it either.
    app.update(Action::Tick);
    app.update(Action::Resize);
    assert!(app.help());
}

#[test]
fn the_diagnosis_spinner_turns_and_idle_does_not_tick() {
    let mut app = app();
    assert!(!app.wants_tick(), "nothing to animate before connecting");
    let id = searching(&mut app);
    // The footer shows the search's spinner: the loop must tick, and a tick redraws.
    assert!(app.wants_tick());
    app.dirty = false;
    let before = app.spinner;
    app.update(Action::Tick);
    assert_ne!(app.spinner, before, "the spinner turns");
    assert!(app.dirty);
    app.update(explained(id));
    assert!(!app.wants_tick(), "no spinner, no ticks");
    app.dirty = false;
    app.update(Action::Tick);
    assert!(!app.dirty, "a tick with nothing to animate does not redraw");
}

#[test]
fn a_panicking_probe_worker_still_delivers_its_slot() {
    let mut app = app();
    let cmds = app.update(Action::Connect);
    let (tx, rx) = mpsc::channel::<Action>();
    for c in cmds {
        let Command::Probe {
            attempt,
            prepared,
            backend,
        } = c
        else {
            continue;
        };
        tlslens::tui::worker::spawn_probe(
            attempt,
            prepared,
            backend,
            Default::default(),
            tx.clone(),
            |_, b, _| panic!("backend {b} blew up"),
        );
    }
    for _ in 0..3 {
        let a = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("a result for every slot");
        app.update(a);
    }
    assert!(!app.running(), "no column left connecting");
    for r in app.current().unwrap().reports() {
        let e = r.error.expect("the panic is reported");
        assert!(e.message.contains("blew up"), "{}", e.message);
    }
}

#[test]
fn esc_stops_the_probes_and_the_search() {
    // Probes: the Cancel returned is the one the attempt's workers watch.
    let mut app = app();
    app.update(Action::Connect);
    let cmds = app.update(Action::Cancel);
    let [Command::Cancel(c)] = cmds.as_slice() else {
        panic!("Esc stops the attempt's work");
    };
    assert!(!app.running());
    let attempt = app.attempts.last().unwrap();
    assert!(!attempt.cancel.is_cancelled(), "update does no I/O itself");
    c.cancel();
    assert!(attempt.cancel.is_cancelled(), "the same handle");

    // The search: stopped, and its late answer ignored.
    let mut app = self::app();
    let id = searching(&mut app);
    let cmds = app.update(Action::Cancel);
    assert!(matches!(cmds.as_slice(), [Command::Cancel(_)]));
    assert!(matches!(
        app.current().unwrap().explanation,
        Explanation::Stopped
    ));
    app.update(explained(id));
    assert!(matches!(
        app.current().unwrap().explanation,
        Explanation::Stopped
    ));
}

#[test]
fn cancelling_shuts_a_blocked_handshake_at_once() {
    // The silent lab server never answers: without the cancel each probe would wait
    // for its 60 s handshake timeout.
    let silent = lab().server("silent").unwrap().addr;
    let mut e = entry("silent", silent.port());
    e.profile.handshake_timeout = 60.0;
    let p = e.profile.clone();
    let mut app = App::new(vec![e], p, &BackendId::ALL, Theme::dark());
    let (tx, rx) = mpsc::channel::<Action>();
    for c in app.update(Action::Connect) {
        tlslens::tui::worker::execute(c, &tx, &app);
    }
    std::thread::sleep(Duration::from_millis(300));
    for c in app.update(Action::Cancel) {
        tlslens::tui::worker::execute(c, &tx, &app);
    }
    for _ in 0..3 {
        let Action::ProbeDone { report, .. } = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("every probe returns once cancelled")
        else {
            panic!("a probe result");
        };
        let kind = report.error.map(|e| e.kind.as_str());
        assert_ne!(kind, Some("handshake-timeout"), "{}", report.backend);
    }
}

#[test]
fn a_replaced_attempt_stops_its_search_and_never_starts_one() {
    let mut app = app();
    let first = searching(&mut app);
    // A new attempt replaces the first: its search is stopped.
    let cmds = app.update(Action::Connect);
    assert!(
        matches!(cmds.first(), Some(Command::Cancel(_))),
        "stop first"
    );
    let old = app.attempts.iter().find(|a| a.id == first).unwrap();
    assert!(matches!(old.explanation, Explanation::Stopped));
    app.update(explained(first));
    let old = app.attempts.iter().find(|a| a.id == first).unwrap();
    assert!(
        matches!(old.explanation, Explanation::Stopped),
        "late answer ignored"
    );

    // Another target while an attempt runs: it is stopped and never searched.
    let mut app = self::app();
    let probes = app.update(Action::Connect);
    assert_eq!(app.focus, Pane::Servers);
    let cmds = app.update(Action::Down); // lab server "two"
    assert!(matches!(cmds.as_slice(), [Command::Cancel(_)]));
    assert!(finish_probes(&mut app, probes).is_empty(), "no search");
}

#[test]
fn keys_that_change_nothing_do_not_redraw() {
    let mut app = app();
    app.focus = Pane::Main;
    for a in [
        Action::Char('z'),
        Action::Up, // the session's main pane does not scroll
        Action::ShowView(View::Session),
        Action::Cancel, // nothing running, already on the session
        Action::Backspace,
    ] {
        app.dirty = false;
        app.update(a.clone());
        assert!(!app.dirty, "{a:?} redrew");
    }
    for a in [
        Action::FocusNext,
        Action::ShowView(View::Diff),
        Action::Right,
    ] {
        app.dirty = false;
        app.update(a.clone());
        assert!(app.dirty, "{a:?} did not redraw");
    }
}

#[test]
fn saving_asks_before_overwriting_and_reports_through_update() {
    let dir = std::env::temp_dir().join(format!("tlslens-update-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.toml");
    std::fs::write(&path, "keep me").unwrap();
    let file = FileWrite {
        path: path.clone(),
        text: "new".into(),
        contents: Contents::Profile,
        overwrite: false,
    };
    // The I/O: an existing file is left alone.
    assert_eq!(
        tlslens::tui::worker::write_file(&file),
        WriteOutcome::Exists
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    // The app asks; "n" keeps the file, "y" writes it over.
    let mut app = app();
    app.update(Action::WriteDone {
        file: Box::new(file.clone()),
        outcome: WriteOutcome::Exists,
    });
    assert!(matches!(app.mode, Mode::Confirm(Confirm::Overwrite(_))));
    assert!(app.update(Action::Char('n')).is_empty());
    assert!(app.status.as_deref().unwrap().contains("not written"));
    app.update(Action::WriteDone {
        file: Box::new(file),
        outcome: WriteOutcome::Exists,
    });
    let cmds = app.update(Action::Char('y'));
    let [Command::Write(w)] = cmds.as_slice() else {
        panic!("overwrite on yes");
    };
    assert!(w.overwrite);
    assert_eq!(tlslens::tui::worker::write_file(w), WriteOutcome::Written);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    app.update(Action::WriteDone {
        file: w.clone(),
        outcome: WriteOutcome::Written,
    });
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .starts_with("profile saved to")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn writing_code_says_code_not_profile() {
    let mut app = app();
    app.update(Action::ShowView(View::Code));
    let cmds = app.update(Action::WriteCode);
    let [Command::Write(w)] = cmds.as_slice() else {
        panic!("one write");
    };
    assert!(matches!(w.contents, Contents::Code(_)));
    assert!(!w.overwrite, "asks before overwriting too");
    app.update(Action::WriteDone {
        file: w.clone(),
        outcome: WriteOutcome::Written,
    });
    let s = app.status.clone().unwrap();
    assert!(s.contains("code written to"), "{s}");
    assert!(!s.contains("profile"), "{s}");
}

#[test]
fn a_new_target_clears_the_previous_results() {
    let mut app = app();
    searching(&mut app);
    assert!(screen(&app, 80, 24).contains("FAILED"));
    // Another lab server: its header, and no results of the old one.
    app.update(Action::Down);
    let s = screen(&app, 80, 24);
    assert!(s.contains("lab:two"), "{s}");
    assert!(!s.contains("FAILED"), "old results on screen:\n{s}");
    assert!(s.contains("Enter to connect"), "{s}");
    // Same after loading a profile.
    searching(&mut app);
    app.loaded(
        std::path::Path::new("x.toml"),
        Ok(Profile {
            host: "127.0.0.1".into(),
            port: 3,
            ..Profile::default()
        }),
    );
    let s = screen(&app, 80, 24);
    assert!(!s.contains("FAILED"), "old results on screen:\n{s}");
    // And a retry there does not show the old target's results while it connects.
    app.update(Action::Connect);
    let s = screen(&app, 80, 24);
    assert!(!s.contains("FAILED"), "old results under the spinner:\n{s}");
}

#[test]
fn the_footer_describes_a_lab_server_only_when_it_is_the_target() {
    let mut app = app();
    assert!(screen(&app, 80, 24).contains("one: what it is"));
    app.loaded(
        std::path::Path::new("x.toml"),
        Ok(Profile {
            host: "example.com".into(),
            ..Profile::default()
        }),
    );
    app.status = None;
    let s = screen(&app, 80, 24);
    assert!(!s.contains("what it is"), "{s}");
    assert!(s.contains("example.com:443"), "{s}");
}

#[test]
fn help_fits_its_lines() {
    let mut app = app();
    app.update(Action::ToggleHelp);
    for (w, h) in [(120, 35), (80, 24)] {
        let s = screen(&app, w, h);
        for (_, what) in tlslens::tui::render::help::KEYS {
            assert!(s.contains(what), "{w}×{h}: '{what}' cut:\n{s}");
        }
    }
}

#[test]
fn focus_starts_on_the_lab_list() {
    let mut app = app();
    assert_eq!(app.focus, Pane::Servers);
    app.update(Action::Down);
    assert_eq!(app.server, 1, "↓ picks the next lab server");
}

#[test]
fn the_diff_opens_on_the_selected_backend() {
    let mut app = app();
    app.selected_backend = 1; // openssl
    app.update(Action::ShowView(View::Diff));
    assert_eq!(app.diff.pair, (BackendId::Openssl, BackendId::Rustls));
    app.update(Action::ShowView(View::Session));
    app.selected_backend = 2; // rustls
    app.update(Action::ShowView(View::Diff));
    assert!(app.diff.pair.0 == BackendId::Rustls || app.diff.pair.1 == BackendId::Rustls);
}

/// Ctrl-O takes a name from the profile library as well as a file.
#[test]
fn load_by_library_name() {
    let mut app = common::app();
    app.library = vec!["legacy-api".into()];
    app.update(Action::OpenPrompt(tlslens::tui::app::PromptKind::Load));
    for _ in 0..40 {
        app.update(Action::Backspace);
    }
    for c in "legacy-api".chars() {
        app.update(Action::Char(c));
    }
    let cmds = app.update(Action::Activate);
    let [Command::Load(path)] = cmds.as_slice() else {
        panic!("expected a load, got {}", cmds.len());
    };
    assert!(
        path.ends_with("profiles/legacy-api.toml"),
        "{}",
        path.display()
    );
    // Anything else is a file name, as before.
    app.update(Action::OpenPrompt(tlslens::tui::app::PromptKind::Load));
    let cmds = app.update(Action::Activate);
    let [Command::Load(path)] = cmds.as_slice() else {
        panic!("expected a load");
    };
    assert_eq!(path.to_str(), Some("tlslens-profile.toml"));
}

#[test]
fn attempts_beyond_the_newest_few_keep_only_a_summary() {
    let mut app = app();
    for _ in 0..4 {
        let cmds = app.update(Action::Connect);
        finish_probes(&mut app, cmds);
    }
    let n = app.attempts.len();
    assert_eq!(n, 4, "the history keeps every attempt");
    for (i, a) in app.attempts.iter().enumerate() {
        let full = i + tlslens::tui::app::FULL_ATTEMPTS >= n;
        assert_eq!(a.prepared.is_some(), full, "attempt #{}", a.id);
        if !full {
            assert!(a.derived.is_empty(), "attempt #{}", a.id);
            assert!(!matches!(a.explanation, Explanation::Searching));
        }
        // The history still has each backend's outcome.
        for (_, s) in &a.slots {
            let tlslens::tui::app::Slot::Done(r) = s else {
                panic!("attempt #{}: every slot finished", a.id);
            };
            assert!(r.wire.is_empty() && r.transcript.messages.is_empty() || full);
            assert!(r.error.is_some());
        }
    }
}

/// With a key log (`--keylog`, `SSLKEYLOGFILE`) the top bar says so as long as it is
/// set, and each finished backend's secrets are appended, through a command, to a
/// file only its owner can read: here openssl's and rustls' on the real lab.
#[test]
fn the_tui_writes_the_key_log_and_says_so() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keys.log");
    let modern = lab().server("modern").unwrap().addr;
    let mut e = entry("modern", modern.port());
    e.profile = lab().profile("modern").unwrap();
    e.profile.proxy = Some("direct".into());
    let p = e.profile.clone();
    let mut app = App::new(
        vec![e],
        p,
        &[BackendId::Openssl, BackendId::Rustls],
        Theme::dark(),
    );
    app.keylog = Some(tlslens::keylog::Target {
        path: file.clone(),
        source: "SSLKEYLOGFILE",
    });
    let top = screen(&app, 160, 48);
    let first = top.lines().next().unwrap();
    assert!(
        first.contains("WEAKENED") && first.contains("keys.log"),
        "{first}"
    );
    let (tx, rx) = mpsc::channel::<Action>();
    for c in app.update(Action::Connect) {
        tlslens::tui::worker::execute(c, &tx, &app);
    }
    let mut written = 0;
    for _ in 0..2 {
        let done = rx.recv_timeout(Duration::from_secs(30)).expect("a result");
        if let Action::ProbeDone { report, .. } = &done {
            assert!(report.ok, "{}: {:?}", report.backend, report.error);
        }
        for c in app.update(done) {
            if matches!(c, Command::KeyLog(..)) {
                written += 1;
            }
            if !matches!(c, Command::Explain { .. }) {
                tlslens::tui::worker::execute(c, &tx, &app);
            }
        }
    }
    assert_eq!(written, 2, "one append per backend");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text.matches("CLIENT_TRAFFIC_SECRET_0 ").count(),
        2,
        "{text}"
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
