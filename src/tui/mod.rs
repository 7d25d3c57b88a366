//! The interactive front end. One event channel funnels key presses, resizes,
//! signals, ticks and probe results into `App::update`; the loop draws only when
//! something changed, and ticks only while a spinner is visible.

pub mod app;
pub mod form;
pub mod render;
pub mod theme;

use crate::lab::Lab;
use crate::resolve::{Sources, UsageError};
use app::{Action, App, Command, LabEntry, PromptKind, View};
use ratatui::crossterm::event::{
    self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

/// Everything that can wake the UI.
pub enum Event {
    Term(TermEvent),
    /// The built-in lab is up (or could not start).
    Lab(Result<Lab, String>),
    Signal,
    Probe(Action),
}

const TICK: Duration = Duration::from_millis(100);

/// Map a key to an action, given the mode the app is in.
pub fn map_key(app: &App, k: KeyEvent) -> Option<Action> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && k.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    let typing = app.prompt.is_some() || (app.view == View::Editor && app.form.editing.is_some());
    if typing {
        return match k.code {
            KeyCode::Char(c) if !ctrl => Some(Action::Char(c)),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Enter => Some(Action::Activate),
            KeyCode::Esc => Some(Action::Escape),
            KeyCode::Left => Some(Action::Left),
            KeyCode::Right => Some(Action::Right),
            _ => None,
        };
    }
    Some(match (k.code, ctrl) {
        (KeyCode::Char('s'), true) => Action::OpenPrompt(PromptKind::Save),
        (KeyCode::Char('o'), true) => Action::OpenPrompt(PromptKind::Load),
        (KeyCode::Char('q'), false) => Action::Quit,
        (KeyCode::Enter, _) => Action::Activate,
        (KeyCode::Esc, _) => Action::Cancel,
        (KeyCode::Char('s'), false) => Action::StepSeclevel,
        (KeyCode::Char('m'), false) => Action::StepMinTls,
        (KeyCode::Char('v'), false) => Action::ToggleVerify,
        (KeyCode::Char('e'), false) => Action::ShowView(View::Editor),
        (KeyCode::Char('d'), false) => Action::ShowView(View::Diff),
        (KeyCode::Char('h'), false) => Action::ShowView(View::History),
        (KeyCode::Char('x'), false) => Action::ShowView(View::Explain),
        (KeyCode::Char('l'), false) => Action::ShowView(View::Ladder),
        (KeyCode::Char('c'), false) => Action::ShowView(View::Code),
        (KeyCode::Char('y'), false) if app.view == View::Code => Action::Yank,
        (KeyCode::Char('w'), false) if app.view == View::Code => Action::WriteCode,
        (KeyCode::Char('f'), false) => Action::Fix,
        (KeyCode::Char('?'), _) => Action::ToggleHelp,
        (KeyCode::Tab, _) => Action::FocusNext,
        (KeyCode::BackTab, _) => Action::FocusPrev,
        (KeyCode::Up | KeyCode::Char('k'), false) => Action::Up,
        (KeyCode::Down | KeyCode::Char('j'), false) => Action::Down,
        (KeyCode::Left, _) => Action::Left,
        (KeyCode::Right, _) => Action::Right,
        (KeyCode::PageUp, _) => Action::PageUp,
        (KeyCode::PageDown, _) => Action::PageDown,
        _ => return None,
    })
}

/// A report's messages for the ladder: the clear ones dissected from the wire, and
/// where the TLS 1.3 flight was decrypted, those messages in place of the records.
pub fn ladder_items(r: &crate::report::BackendReport) -> Vec<crate::wire::dissect::Dissected> {
    let mut items = crate::wire::dissect::dissect(&r.wire);
    if let Some(d) = &r.decrypted {
        let plain: Vec<_> = d
            .raw_messages
            .iter()
            .map(|(from, at_ms, raw)| {
                crate::wire::dissect::dissect_handshake(*from, *at_ms, raw, Some(0x0304))
            })
            .collect();
        if !plain.is_empty() {
            // Keep the clear messages and place the decrypted ones by time.
            items.retain(|x| !x.name.starts_with("Encrypted"));
            items.extend(plain);
            items.sort_by(|a, b| {
                a.at_ms
                    .partial_cmp(&b.at_ms)
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        }
    }
    items
}

/// The lab as the TUI lists it.
pub fn lab_entries(lab: &Lab) -> Vec<LabEntry> {
    lab.servers
        .iter()
        .filter_map(|s| {
            Some(LabEntry {
                name: s.spec.name.to_string(),
                summary: s.spec.summary.to_string(),
                teaches: s.spec.teaches.to_string(),
                profile: lab.profile(s.spec.name)?,
            })
        })
        .collect()
}

fn execute(cmd: Command, tx: &Sender<Event>, app: &mut App) {
    match cmd {
        Command::Probe {
            attempt,
            prepared,
            backend,
        } => {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let addrs = crate::net::resolve(&prepared.profile.host, prepared.profile.port);
                let report = crate::probe::probe_one(
                    &prepared,
                    &addrs,
                    backend,
                    &crate::cancel::Cancel::new(),
                );
                let _ = tx.send(Event::Probe(Action::ProbeDone {
                    attempt,
                    report: Box::new(report),
                }));
            });
        }
        Command::Explain {
            attempt,
            prepared,
            reports,
        } => {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let explained = crate::explain::explain_attempt(
                    &prepared,
                    reports,
                    &crate::cancel::Cancel::new(),
                );
                let _ = tx.send(Event::Probe(Action::Explained {
                    attempt,
                    explained: Box::new(explained),
                }));
            });
        }
        Command::Clipboard(text) => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(crate::export::osc52(&text).as_bytes());
            let _ = out.flush();
        }
        Command::Save(path, text) => {
            app.status = Some(match std::fs::write(&path, text) {
                Ok(()) => format!("profile saved to {}", path.display()),
                Err(e) => format!("{}: cannot save: {e}", path.display()),
            });
            app.dirty = true;
        }
        Command::Load(path) => {
            let result = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|t| {
                    crate::profile::Profile::from_toml(&t).map_err(|e| format!("bad profile: {e}"))
                });
            app.loaded(&path, result);
        }
    }
}

/// Where the TUI opens: which lab server is selected and the profile to load, from
/// the command-line target (`lab:NAME`, HOST[:PORT] or nothing), the saved profile
/// and flags — through the same engine function as `probe`.
pub fn initial_profile(
    entries: &[LabEntry],
    target: Option<&str>,
    src: &Sources,
) -> Result<(usize, Option<crate::profile::Profile>), UsageError> {
    let idx = match target.map(|t| t.strip_prefix("lab:")) {
        Some(Some(name)) => entries.iter().position(|e| e.name == name).ok_or_else(|| {
            let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
            crate::resolve::unknown_lab_server(name, &names)
        })?,
        // A real target or a saved profile is loaded before the lab is up; the lab
        // only fills the list.
        Some(None) => return Ok((0, None)),
        None if src.file.is_some() => return Ok((0, None)),
        None => 0,
    };
    let Some(entry) = entries.get(idx) else {
        return Ok((0, Some(src.resolve(None, |_| unreachable!())?.0)));
    };
    let lab_target = format!("lab:{}", entry.name);
    let (p, _) = src.resolve(Some(&lab_target), |_| Ok(entry.profile.clone()))?;
    Ok((idx, Some(p)))
}

pub fn run(
    target: Option<&str>,
    src: &Sources,
    theme_name: Option<&str>,
) -> Result<ExitCode, UsageError> {
    let theme = theme::Theme::load(theme_name).map_err(UsageError::Other)?;
    if let Some(name) = target.and_then(|t| t.strip_prefix("lab:")) {
        let names: Vec<&str> = crate::lab::catalogue().iter().map(|s| s.name).collect();
        if !names.contains(&name) {
            return Err(crate::resolve::unknown_lab_server(name, &names));
        }
    }
    // A real target or a saved profile is loaded at once; a lab server when the lab is up.
    let real = target.filter(|t| !t.starts_with("lab:"));
    let (first, notice) = src.resolve(real, |_| unreachable!("not a lab target"))?;
    if let Some(n) = notice {
        eprintln!("{n}");
    }
    let backends = first.backends.clone();
    // The lab's keys take a moment to generate: draw the first frame at once and
    // let the lab arrive as an event.
    let mut app = App::new(Vec::new(), first, &backends, theme);
    app.status = Some("starting the lab (generating its keys)…".into());
    let (tx, rx) = mpsc::channel::<Event>();
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(Event::Lab(Lab::start().map_err(|e| e.to_string())));
        });
    }
    let mut lab: Option<Lab> = None;
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Ok(ev) = event::read() {
                if tx.send(Event::Term(ev)).is_err() {
                    break;
                }
            }
        });
    }
    // SIGTERM/SIGHUP (an SSH session dropping) and SIGINT end the loop cleanly, so the
    // terminal is restored.
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ]) {
        let tx = tx.clone();
        std::thread::spawn(move || {
            if signals.forever().next().is_some() {
                let _ = tx.send(Event::Signal);
            }
        });
    }
    let mut terminal = ratatui::init();
    let result = (|| -> std::io::Result<()> {
        loop {
            if app.dirty {
                terminal.draw(|f| render::render(f, &app))?;
                app.dirty = false;
            }
            let first = if app.running() {
                match rx.recv_timeout(TICK) {
                    Ok(ev) => Some(ev),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                }
            } else {
                match rx.recv() {
                    Ok(ev) => Some(ev),
                    Err(_) => return Ok(()),
                }
            };
            let mut events: Vec<Event> = first.into_iter().collect();
            if events.is_empty() {
                let cmds = app.update(Action::Tick);
                for c in cmds {
                    execute(c, &tx, &mut app);
                }
            }
            // Drain whatever else is pending, then draw once.
            while let Ok(ev) = rx.try_recv() {
                events.push(ev);
                if events.len() > 256 {
                    break;
                }
            }
            for ev in events {
                let action = match ev {
                    Event::Term(TermEvent::Key(k)) => map_key(&app, k),
                    Event::Term(TermEvent::Resize(..)) => Some(Action::Resize),
                    Event::Term(_) => None,
                    Event::Signal => Some(Action::Quit),
                    Event::Lab(Ok(l)) => {
                        let entries = lab_entries(&l);
                        let (idx, profile) = initial_profile(&entries, target, src)
                            .map_err(|e| std::io::Error::other(e.to_string()))?;
                        app.lab_ready(entries, idx, profile);
                        lab = Some(l);
                        None
                    }
                    Event::Lab(Err(e)) => {
                        app.status = Some(format!("the lab could not start: {e}"));
                        app.dirty = true;
                        None
                    }
                    Event::Probe(a) => Some(a),
                };
                if let Some(a) = action {
                    for c in app.update(a) {
                        execute(c, &tx, &mut app);
                    }
                }
                if app.quit {
                    return Ok(());
                }
            }
        }
    })();
    ratatui::restore();
    drop(lab);
    result.map_err(|e| UsageError::Other(format!("terminal: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
