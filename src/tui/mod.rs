//! The interactive front end. One event channel funnels key presses, resizes,
//! signals, ticks and probe results into `App::update`; the loop draws only when
//! something changed, and ticks only while a spinner is visible.

pub mod app;
pub mod form;
pub mod keys;
pub mod render;
pub mod theme;
pub mod worker;

use crate::cli::{ProfileArgs, UsageError};
use crate::lab::Lab;
use app::{Action, App, LabEntry};
use ratatui::crossterm::event::{self, Event as TermEvent, KeyEvent};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

pub use app::ladder_items;

/// Everything that can wake the UI, on one channel.
pub enum Event {
    Key(KeyEvent),
    Resize,
    /// The built-in lab is up (or could not start).
    Lab(Result<Lab, String>),
    /// SIGTERM, SIGHUP or SIGINT.
    Signal,
    /// A background result for `App::update` (probe, diagnosis, file I/O).
    App(Action),
}

impl From<Action> for Event {
    fn from(a: Action) -> Self {
        Event::App(a)
    }
}

const TICK: Duration = Duration::from_millis(100);

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

/// Where the TUI opens: which lab server is selected and the profile to load, from
/// the command-line target (`lab:NAME`, HOST[:PORT] or nothing) and flags.
pub fn initial_profile(
    entries: &[LabEntry],
    target: Option<&str>,
    opts: &ProfileArgs,
) -> Result<(usize, Option<crate::profile::Profile>), UsageError> {
    match target {
        Some(t) if t.starts_with("lab:") => {
            let name = &t[4..];
            let idx = entries.iter().position(|e| e.name == name).ok_or_else(|| {
                let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
                UsageError::from(crate::profile::FieldError::new(
                    "host",
                    format!("no lab server '{name}' (have: {})", names.join(", ")),
                ))
            })?;
            let mut p = entries[idx].profile.clone();
            crate::cli::apply_flags(&mut p, opts)?;
            Ok((idx, Some(p)))
        }
        // A real target is loaded before the lab is up; the lab only fills the list.
        Some(_) => Ok((0, None)),
        None => {
            let mut p = entries
                .first()
                .map(|e| e.profile.clone())
                .unwrap_or_default();
            crate::cli::apply_flags(&mut p, opts)?;
            Ok((0, Some(p)))
        }
    }
}

pub fn run(
    target: Option<&str>,
    opts: &ProfileArgs,
    theme_name: Option<&str>,
) -> Result<ExitCode, UsageError> {
    let theme = theme::Theme::load(theme_name).map_err(UsageError::Other)?;
    let backends = crate::cli::parse_backends(&opts.backend)?;
    if let Some(name) = target.and_then(|t| t.strip_prefix("lab:")) {
        let names: Vec<&str> = crate::lab::catalogue().iter().map(|s| s.name).collect();
        if !names.contains(&name) {
            return Err(crate::profile::FieldError::new(
                "host",
                format!("no lab server '{name}' (have: {})", names.join(", ")),
            )
            .into());
        }
    }
    let first = match target {
        Some(t) if !t.starts_with("lab:") => crate::cli::build_profile(Some(t), opts)?.profile,
        _ => crate::profile::Profile::default(),
    };
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
                    Event::Signal => Some(Action::Quit),
                    Event::App(a) => Some(a),
                    Event::Lab(Ok(l)) => {
                        let entries = lab_entries(&l);
                        let (selected, profile) = initial_profile(&entries, target, opts)
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
    ratatui::restore();
    drop(lab);
    result.map_err(|e| UsageError::Other(format!("terminal: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
