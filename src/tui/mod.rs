//! The interactive front end. One event channel funnels key presses, resizes,
//! signals, ticks and probe results into `App::update`; the loop draws only when
//! something changed, and ticks only while a spinner is visible.

pub mod app;
pub mod form;
pub mod keys;
pub mod render;
pub mod theme;
pub mod worker;

use crate::lab::Lab;
use crate::resolve::{Sources, UsageError};
use app::{Action, App, LabEntry};
use ratatui::crossterm::event::{self, Event as TermEvent, KeyEvent};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use app::ladder_items;

/// Everything that can wake the UI, on one channel.
pub enum Event {
    Key(KeyEvent),
    Resize,
    /// The built-in lab is up (or could not start).
    Lab(Result<Lab, String>),
    /// SIGTERM, SIGHUP, SIGINT or SIGQUIT (its number).
    Signal(i32),
    /// A background result for `App::update` (probe, diagnosis, file I/O).
    App(Action),
}

impl From<Action> for Event {
    fn from(a: Action) -> Self {
        Event::App(a)
    }
}

const TICK: Duration = Duration::from_millis(100);

/// The lab as the TUI lists it: the TLS servers, then the STARTTLS servers and the
/// proxies (each reaching lab:tls12).
pub fn lab_entries(lab: &Lab) -> Vec<LabEntry> {
    lab.servers
        .iter()
        .chain(&lab.reach)
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
    keylog: Option<crate::keylog::Target>,
) -> Result<ExitCode, UsageError> {
    let theme = theme::Theme::load(theme_name).map_err(UsageError::Other)?;
    if let Some(name) = target.and_then(|t| t.strip_prefix("lab:")) {
        let all = [crate::lab::catalogue(), crate::lab::reach_catalogue()].concat();
        let names: Vec<&str> = all.iter().map(|s| s.name).collect();
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
    let backends = crate::backend::clients::found_only(&first.backends);
    // The lab's keys take a moment to generate: draw the first frame at once and
    // let the lab arrive as an event.
    let mut app = App::new(Vec::new(), first, &backends, theme);
    app.library = crate::profile::library::list()
        .into_iter()
        .map(|e| e.name)
        .collect();
    app.keylog = keylog;
    app.status = Some("starting the lab (generating its keys)…".into());
    if let Some(path) = app::recovery_path() {
        app.use_recovery(path);
    }
    let (tx, rx) = mpsc::channel::<Event>();
    // True once the loop has ended. The lab's files are written and the lab handed over
    // under this lock, so quitting while its keys are generated leaves nothing behind
    // and never waits for the keys.
    let quitting = Arc::new(Mutex::new(false));
    {
        let (tx, quitting) = (tx.clone(), Arc::clone(&quitting));
        std::thread::spawn(move || {
            let pki = crate::lab::certs::LabPki::generate();
            let gate = quitting.lock().unwrap_or_else(|e| e.into_inner());
            if !*gate {
                let lab = pki
                    .map_err(|e| e.to_string())
                    .and_then(|k| Lab::from_pki(k).map_err(|e| e.to_string()));
                let _ = tx.send(Event::Lab(lab));
            }
        });
    }
    let mut lab: Option<Lab> = None;
    let mut signalled: Option<i32> = None;
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Ok(ev) = event::read() {
                // Only what the UI uses wakes it (no mouse or focus events).
                let ev = match ev {
                    TermEvent::Key(k) => Event::Key(k),
                    TermEvent::Resize(..) => Event::Resize,
                    _ => continue,
                };
                if tx.send(ev).is_err() {
                    break;
                }
            }
        });
    }
    // SIGTERM/SIGHUP (an SSH session dropping), SIGINT and SIGQUIT end the loop
    // cleanly, so the terminal is restored; the exit status then says which (128 + n).
    {
        let tx = tx.clone();
        crate::cancel::on_exit_signal(move |sig| {
            let _ = tx.send(Event::Signal(sig));
        });
    }
    let mut terminal = ratatui::init();
    worker::install_panic_hook();
    let result = (|| -> std::io::Result<()> {
        loop {
            if app.dirty {
                terminal.draw(|f| render::render(f, &app))?;
                app.dirty = false;
            }
            // Block until something happens; wake for a tick only while a spinner shows.
            let first = if app.wants_tick() {
                match rx.recv_timeout(TICK) {
                    Ok(ev) => ev,
                    Err(RecvTimeoutError::Timeout) => Event::App(Action::Tick),
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                }
            } else {
                match rx.recv() {
                    Ok(ev) => ev,
                    Err(_) => return Ok(()),
                }
            };
            // Drain whatever else is pending, then draw once.
            let mut events = vec![first];
            while let Ok(ev) = rx.try_recv() {
                events.push(ev);
                if events.len() > 256 {
                    break;
                }
            }
            for ev in events {
                let action = match ev {
                    Event::Key(k) => keys::map_key(&app, k),
                    Event::Resize => Some(Action::Resize),
                    Event::Signal(sig) => {
                        signalled = Some(sig);
                        Some(Action::Quit)
                    }
                    Event::App(a) => Some(a),
                    Event::Lab(Ok(l)) => {
                        let entries = lab_entries(&l);
                        let (selected, profile) = initial_profile(&entries, target, src)
                            .map_err(|e| std::io::Error::other(e.to_string()))?;
                        lab = Some(l);
                        Some(Action::LabReady {
                            entries,
                            selected,
                            profile,
                        })
                    }
                    Event::Lab(Err(e)) => Some(Action::LabFailed(e)),
                };
                if let Some(a) = action {
                    for c in app.update(a) {
                        worker::execute(c, &tx, &app);
                    }
                }
                if app.quit {
                    return Ok(());
                }
            }
        }
    })();
    // Whatever is still at work stops (its sockets are shut) before the lab goes.
    for a in &app.attempts {
        a.cancel.cancel();
    }
    if let Some(s) = &app.scan {
        s.cancel.cancel();
    }
    ratatui::restore();
    drop(lab);
    // A lab that arrived after the loop ended is in the channel: dropped here (its
    // directory removed); one still generating keys will not write any.
    *quitting.lock().unwrap_or_else(|e| e.into_inner()) = true;
    while rx.try_recv().is_ok() {}
    result.map_err(|e| UsageError::Other(format!("terminal: {e}")))?;
    Ok(signalled.map_or(ExitCode::SUCCESS, crate::cancel::signal_exit_code))
}
