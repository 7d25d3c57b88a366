//! The scan view's state machine through `App::update`: `S` starts a scan of the
//! target, progress ticks only while it runs and shows, Esc stops it and its late
//! result is ignored, a scan is shown only for its own target, and a failed attempt's
//! diagnosis is run again knowing what the scan found.

mod common;

use common::{app, explained, finish_probes};
use std::sync::OnceLock;
use tlslens::profile::Profile;
use tlslens::scan::ScanReport;
use tlslens::tui::app::{Action, App, Command, Explanation, ScanStatus, View};

/// A real report of a scan that found nothing listening, made to look like a scan
/// that ran (no error), for feeding results by hand.
fn report() -> Box<ScanReport> {
    static R: OnceLock<ScanReport> = OnceLock::new();
    let r = R.get_or_init(|| {
        let p = Profile {
            host: "127.0.0.1".into(),
            port: 1,
            ..Profile::default()
        };
        let mut r = tlslens::scan::run(&p, &Default::default()).unwrap();
        assert!(r.error.is_some(), "nothing listens on port 1");
        r.error = None;
        r
    });
    Box::new(r.clone())
}

/// `S`: the scan it started.
fn start(app: &mut App) -> usize {
    let cmds = app.update(Action::OpenScan);
    let [Command::Scan { scan, .. }] = cmds.as_slice() else {
        panic!("S starts one scan");
    };
    *scan
}

fn scanned(scan: usize) -> Action {
    Action::Scanned {
        scan,
        report: report(),
        stacks: Vec::new(),
    }
}

fn status(app: &App) -> Option<&ScanStatus> {
    app.current_scan().map(|s| &s.status)
}

#[test]
fn progress_ticks_only_while_the_scan_runs_and_shows() {
    let mut app = app();
    assert!(!app.wants_tick(), "idle: no tick");
    let id = start(&mut app);
    assert_eq!(app.view, View::Scan);
    assert!(app.wants_tick());
    app.dirty = false;
    let before = app.spinner;
    app.update(Action::Tick);
    assert!(app.dirty, "a running scan's spinner turns");
    assert_eq!(app.spinner, before + 1);
    // The progress counter is what the view shows.
    app.current_scan()
        .unwrap()
        .progress
        .fetch_add(5, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(app.current_scan().unwrap().connections(), 5);
    // Out of sight, no tick.
    app.update(Action::ShowView(View::Session));
    assert!(!app.wants_tick());
    app.update(Action::OpenScan);
    assert_eq!(app.view, View::Scan);
    assert!(app.wants_tick());
    // Done: no more ticks, and a tick changes nothing.
    app.update(scanned(id));
    assert!(matches!(status(&app), Some(ScanStatus::Done(_))));
    assert!(!app.wants_tick());
    app.dirty = false;
    app.update(Action::Tick);
    assert!(!app.dirty, "idle after the scan");
}

#[test]
fn s_again_does_not_rescan_but_r_does() {
    let mut app = app();
    let id = start(&mut app);
    app.update(scanned(id));
    app.update(Action::OpenScan); // closes the view
    assert_eq!(app.view, View::Session);
    assert!(app.update(Action::OpenScan).is_empty(), "a scan is current");
    assert_eq!(app.view, View::Scan);
    let cmds = app.update(Action::Rescan);
    assert!(matches!(cmds.as_slice(), [Command::Scan { scan, .. }] if *scan != id));
}

#[test]
fn esc_stops_the_scan_and_its_late_result_is_ignored() {
    let mut app = app();
    let id = start(&mut app);
    let cancel = app.current_scan().unwrap().cancel.clone();
    let cmds = app.update(Action::Cancel);
    assert!(
        matches!(cmds.as_slice(), [Command::Cancel(_)]),
        "Esc cancels the scan's work"
    );
    // The command the worker carries out is the scan's own handle.
    if let [Command::Cancel(c)] = cmds.as_slice() {
        c.cancel();
    }
    assert!(cancel.is_cancelled());
    assert!(matches!(status(&app), Some(ScanStatus::Stopped)));
    assert_eq!(app.view, View::Scan, "Esc stops the scan and stays");
    assert!(!app.wants_tick());
    app.dirty = false;
    assert!(app.update(scanned(id)).is_empty());
    assert!(matches!(status(&app), Some(ScanStatus::Stopped)));
    assert!(!app.dirty, "a late result changes nothing");
    app.update(Action::ScanFailed {
        scan: id,
        why: "the scan was stopped".into(),
    });
    assert!(matches!(status(&app), Some(ScanStatus::Stopped)));
    // Esc with nothing running goes back to the session.
    app.update(Action::Cancel);
    assert_eq!(app.view, View::Session);
}

#[test]
fn a_scan_of_the_previous_target_is_not_shown_for_a_new_one() {
    let mut app = app();
    let id = start(&mut app);
    app.update(scanned(id));
    assert!(app.current_scan().is_some());
    app.update(Action::ShowView(View::Session));
    app.update(Action::Down); // the lab list has focus: server "two"
    assert_eq!(app.server, 1);
    assert!(app.current_scan().is_none(), "that scan was of server one");
    // Back on the first server, its scan is current again.
    app.update(Action::Up);
    assert!(app.current_scan().is_some());
    // A scan running when the target changes is stopped, its result ignored.
    let cmds = app.update(Action::Rescan);
    assert!(cmds.is_empty(), "r rescans only in the scan view");
    app.update(Action::OpenScan);
    let second = match app.update(Action::Rescan).as_slice() {
        [Command::Scan { scan, .. }] => *scan,
        other => panic!("{}", other.len()),
    };
    app.update(Action::ShowView(View::Session));
    let cmds = app.update(Action::Down);
    assert!(cmds.iter().any(|c| matches!(c, Command::Cancel(_))));
    app.update(scanned(second));
    app.update(Action::Up);
    assert!(matches!(status(&app), Some(ScanStatus::Stopped)));
}

/// Connect and answer every probe with a failure; what that started.
fn connect_failing(app: &mut App) -> Vec<Command> {
    let cmds = app.update(Action::Connect);
    finish_probes(app, cmds)
}

/// A failed attempt, its search finished.
fn failed_attempt(app: &mut App) -> usize {
    let after = connect_failing(app);
    let [Command::Explain { attempt, scan, .. }] = after.as_slice() else {
        panic!("a finished attempt starts its search");
    };
    assert!(scan.is_none(), "no scan yet");
    app.update(explained(*attempt));
    *attempt
}

#[test]
fn the_diagnosis_of_a_failed_attempt_runs_again_with_the_scan() {
    let mut app = app();
    let attempt = failed_attempt(&mut app);
    app.update(Action::ShowView(View::Explain));
    let id = start(&mut app);
    assert_eq!(app.view, View::Explain, "S from the diagnosis stays there");
    assert!(app.wants_tick(), "the diagnosis shows the scan's progress");
    let cmds = app.update(scanned(id));
    let [
        Command::Explain {
            attempt: a,
            scan: Some(_),
            ..
        },
    ] = cmds.as_slice()
    else {
        panic!("the diagnosis runs again knowing the scan");
    };
    assert_eq!(*a, attempt);
    assert!(app.current().unwrap().searching());
    assert_eq!(app.current().unwrap().scan_used, Some(id));
    // Once is enough.
    app.update(explained(attempt));
    assert!(matches!(
        app.current().unwrap().explanation,
        Explanation::Done(_)
    ));
    // The next attempt on this target is diagnosed with it from the start.
    let after = connect_failing(&mut app);
    assert!(matches!(
        after.as_slice(),
        [Command::Explain { scan: Some(_), .. }]
    ));
}

#[test]
fn esc_outside_the_scan_view_stops_the_attempt_and_the_scan() {
    let mut app = app();
    start(&mut app);
    app.update(Action::ShowView(View::Session));
    app.update(Action::Connect);
    assert!(app.running());
    let cmds = app.update(Action::Cancel);
    assert_eq!(
        cmds.iter()
            .filter(|c| matches!(c, Command::Cancel(_)))
            .count(),
        2
    );
    assert!(!app.running());
    assert!(matches!(status(&app), Some(ScanStatus::Stopped)));
    assert_eq!(
        app.status.as_deref(),
        Some("attempt cancelled, scan stopped")
    );
}
