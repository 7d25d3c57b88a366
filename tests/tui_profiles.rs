//! Saving and loading profiles in the TUI, through `App::update` and the worker's file
//! I/O: saves are atomic and 0600, a failed save keeps the edits, a corrupt profile is
//! named by line and column and left alone, and edits left unsaved at quit go to a
//! recovery file that the next start offers.

#[allow(dead_code)] // the helpers this file does not use
mod common;

use common::{app, entry};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use tlslens::profile::Field;
use tlslens::tui::app::{Action, App, Command, Mode, PromptKind, RECOVERY_OFFER};
use tlslens::tui::worker;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tlslens-profiles-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Carry out file commands as the event loop does and feed their results back.
fn run(app: &mut App, cmds: Vec<Command>) {
    let (tx, rx) = mpsc::channel::<Action>();
    for c in cmds {
        if matches!(
            c,
            Command::Save(..) | Command::Write(_) | Command::Load(_) | Command::Recovery(..)
        ) {
            worker::execute(c, &tx, app);
        }
    }
    drop(tx);
    for a in rx {
        let more = app.update(a);
        run(app, more);
    }
}

/// Open the prompt of `kind`, type `path` into it and press Enter.
fn prompt(app: &mut App, kind: PromptKind, path: Option<&Path>) -> Vec<Command> {
    app.update(Action::OpenPrompt(kind));
    if let (Mode::Prompt(p), Some(path)) = (&mut app.mode, path) {
        p.text = path.display().to_string();
    }
    app.update(Action::Activate)
}

#[test]
fn saving_is_atomic_and_private_and_a_failed_save_keeps_the_edits() {
    let d = scratch("save");
    let mut app = app();
    assert!(!app.unsaved_edits());
    app.update(Action::StepSeclevel);
    let level = app.form.get(Field::Seclevel).to_string();
    assert!(app.unsaved_edits());

    let cmds = prompt(
        &mut app,
        PromptKind::Save,
        Some(&d.join("no/such/dir/p.toml")),
    );
    run(&mut app, cmds);
    let s = app.status.clone().unwrap();
    assert!(
        s.contains("cannot write") && s.contains("edits kept"),
        "{s}"
    );
    assert_eq!(app.form.get(Field::Seclevel), level);
    assert!(
        app.unsaved_edits(),
        "a failed save leaves the edits unsaved"
    );

    let path = d.join("p.toml");
    let cmds = prompt(&mut app, PromptKind::Save, Some(&path));
    run(&mut app, cmds);
    assert!(app.status.clone().unwrap().starts_with("profile saved to"));
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("seclevel"), "{text}");
    assert!(!app.unsaved_edits());
    // Nothing unsaved: quitting writes no recovery file.
    app.use_recovery(d.join("state/recovery.toml"));
    assert!(app.update(Action::Quit).is_empty());
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["p.toml"], "{names:?}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_corrupt_profile_is_named_by_line_and_column_and_left_as_it_was() {
    let d = scratch("corrupt");
    let path = d.join("bad.toml");
    let bad = "host = \"example.com\"\nport = \"four\"\n";
    std::fs::write(&path, bad).unwrap();
    let mut app = app();
    let before = app.form.clone();
    let cmds = prompt(&mut app, PromptKind::Load, Some(&path));
    run(&mut app, cmds);
    let s = app.status.clone().unwrap();
    assert!(s.contains("line 2, column 8"), "{s}");
    assert_eq!(app.form, before, "the form is untouched");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn unsaved_edits_at_quit_are_offered_at_the_next_start() {
    let d = scratch("recovery");
    let recovery = d.join("state/tlslens/recovery.toml");
    let mut first = app();
    first.use_recovery(recovery.clone());
    assert_eq!(first.status, None, "nothing to offer yet");
    first.update(Action::StepSeclevel);
    let level = first.form.get(Field::Seclevel).to_string();
    let cmds = first.update(Action::Quit);
    assert!(matches!(cmds.as_slice(), [Command::Recovery(_, Some(_))]));
    run(&mut first, cmds);
    assert_eq!(mode(&recovery), 0o600);
    assert_eq!(mode(recovery.parent().unwrap()), 0o700);

    // The next start offers it on the status line (also once the lab is up) …
    let mut next = app();
    next.use_recovery(recovery.clone());
    assert_eq!(next.status.as_deref(), Some(RECOVERY_OFFER));
    next.update(Action::LabReady {
        entries: vec![entry("one", 1)],
        selected: 0,
        profile: None,
    });
    assert_eq!(next.status.as_deref(), Some(RECOVERY_OFFER));
    // … and Ctrl-O suggests it.
    let cmds = prompt(&mut next, PromptKind::Load, None);
    assert!(matches!(cmds.as_slice(), [Command::Load(p)] if *p == recovery));
    run(&mut next, cmds);
    assert_eq!(next.form.get(Field::Seclevel), level);
    assert!(next.unsaved_edits(), "recovered edits are still unsaved");
    assert_eq!(
        next.status.as_deref().map(|s| s.starts_with("loaded")),
        Some(true)
    );

    // Saved now: quitting removes the recovery file.
    let cmds = prompt(&mut next, PromptKind::Save, Some(&d.join("kept.toml")));
    run(&mut next, cmds);
    assert!(!next.unsaved_edits());
    let cmds = next.update(Action::Quit);
    assert!(matches!(cmds.as_slice(), [Command::Recovery(_, None)]));
    run(&mut next, cmds);
    assert!(!recovery.exists());
    let _ = std::fs::remove_dir_all(&d);
}
