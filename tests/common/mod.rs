//! What the TUI state-machine tests share: an app on fake lab entries, where nothing
//! listens and results are fed by hand.

use tlslens::backend::BackendId;
use tlslens::probe::{Prepared, internal_failure};
use tlslens::profile::Profile;
use tlslens::tui::app::{Action, App, Command, Explained, LabEntry};
use tlslens::tui::theme::Theme;

pub fn entry(name: &str, port: u16) -> LabEntry {
    LabEntry {
        name: name.into(),
        summary: format!("{name}: what it is"),
        teaches: format!("{name}: what it teaches"),
        profile: Profile {
            host: "127.0.0.1".into(),
            port,
            ..Profile::default()
        },
    }
}

/// An app on fake lab entries "one" (port 1) and "two" (port 2).
pub fn app() -> App {
    let entries = vec![entry("one", 1), entry("two", 2)];
    let p = entries[0].profile.clone();
    App::new(entries, p, &BackendId::ALL, Theme::dark())
}

fn failed(prepared: &Prepared, b: BackendId) -> Box<tlslens::report::BackendReport> {
    Box::new(internal_failure(prepared, b, "fake".into()))
}

/// Answer every probe of `cmds` with a failure; return what that started.
pub fn finish_probes(app: &mut App, cmds: Vec<Command>) -> Vec<Command> {
    let mut out = Vec::new();
    for c in cmds {
        if let Command::Probe {
            attempt,
            prepared,
            backend,
        } = c
        {
            out.extend(app.update(Action::ProbeDone {
                attempt,
                report: failed(&prepared, backend),
            }));
        }
    }
    out
}

/// An empty diagnosis for `attempt`.
pub fn explained(attempt: usize) -> Action {
    Action::Explained {
        attempt,
        explained: Box::new(Explained {
            findings: Vec::new(),
            levels: Vec::new(),
        }),
    }
}
