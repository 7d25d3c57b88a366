//! TUI state and `update(Action)`. No I/O here: updates return [`Command`]s that the
//! event loop carries out (start a probe, write a file), and the results come back as
//! actions, so every transition is testable.
//!
//! `update` handles the background messages first (probe and diagnosis results,
//! ticks, resizes, file results, quit) the same way whatever the mode, then hands a
//! key to the handler of the current [`Mode`]. A key that changes nothing on screen
//! leaves `dirty` alone.

mod attempt;
mod attempts;
mod files;
mod fix;
mod keys;
mod profile_form;
mod scan;

pub use crate::explain::Explained;
pub use attempt::{
    Attempt, Derived, Explanation, FULL_ATTEMPTS, NOT_RESUMED, RESUMED, Slot, ladder_items,
};
pub use files::{
    Contents, FileWrite, Prompt, PromptKind, RECOVERY_OFFER, Saved, WriteOutcome, recovery_path,
};
pub use fix::FixProposal;
pub use scan::{Scan, ScanDone, ScanStatus, scan_target};

use super::form::Form;
use super::render::code::CodeState;
use super::render::diff::DiffState;
use super::render::explain::ExplainState;
use super::render::history::HistoryState;
use super::render::ladder::LadderState;
use super::render::scan::ScanViewState;
use super::render::session::SessionState;
use super::theme::Theme;
use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::probe::Prepared;
use crate::profile::Profile;
use crate::report::BackendReport;
use crate::scan::ScanReport;
use std::path::PathBuf;

/// A practice server as the TUI lists it.
#[derive(Clone, Debug)]
pub struct LabEntry {
    pub name: String,
    pub summary: String,
    pub teaches: String,
    pub profile: Profile,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Session,
    Editor,
    Diff,
    History,
    Explain,
    Ladder,
    Code,
    /// What the server accepts (`S`), and each of our stacks against it.
    Scan,
}

/// Panes that take keyboard focus, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Servers,
    Main,
    Certs,
    Transcript,
}

/// Who gets the keys.
#[derive(Clone, Debug, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// A text field of the editor takes the keys.
    Editing,
    /// The save/load path prompt takes the keys.
    Prompt(Prompt),
    /// The `?` overlay: any key closes it (and does what it does).
    Help,
    /// A yes/no question.
    Confirm(Confirm),
}

/// What a confirmation is about.
#[derive(Clone, Debug)]
pub enum Confirm {
    /// Apply this fix and retry?
    Fix(Box<FixProposal>),
    /// The file exists: overwrite it?
    Overwrite(Box<FileWrite>),
}

impl Mode {
    /// What of the mode is on screen (for telling whether a key changed anything).
    fn seen(&self) -> (u8, Option<&str>) {
        match self {
            Mode::Normal => (0, None),
            Mode::Editing => (1, None),
            Mode::Prompt(p) => (2, Some(&p.text)),
            Mode::Help => (3, None),
            Mode::Confirm(Confirm::Fix(_)) => (4, None),
            Mode::Confirm(Confirm::Overwrite(f)) => (5, f.path.to_str()),
        }
    }
}

/// Everything the user can do, whatever key produced it, and every message from the
/// background.
#[derive(Clone, Debug)]
pub enum Action {
    Quit,
    Connect,
    Cancel,
    StepSeclevel,
    StepMinTls,
    ToggleVerify,
    /// Connect twice: the second connection resumes what the first received.
    Resume,
    ShowView(View),
    ToggleHelp,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    /// Enter inside the editor: edit a text field, or connect on a choice field.
    Activate,
    Char(char),
    Backspace,
    /// Esc while editing or prompting.
    Escape,
    OpenPrompt(PromptKind),
    /// `f`: show the fix for the selected backend; again (or Enter) applies it.
    Fix,
    /// In the code view: copy the snippet to the clipboard (OSC 52).
    Yank,
    /// In the code view: write the snippet to its file.
    WriteCode,
    /// `S`: the scan view, scanning the target if it has no scan yet.
    OpenScan,
    /// In the scan view: scan again.
    Rescan,
    // ---- from the background ----
    Tick,
    Resize,
    ProbeDone {
        attempt: usize,
        report: Box<BackendReport>,
    },
    /// The background search for an attempt's diagnosis finished.
    Explained {
        attempt: usize,
        explained: Box<Explained>,
    },
    /// The diagnosis search failed (its worker panicked).
    ExplainFailed {
        attempt: usize,
        why: String,
    },
    /// A scan finished: what the server accepts, and our stacks against it.
    Scanned {
        scan: usize,
        report: Box<ScanReport>,
        stacks: Vec<crate::explain::stacks::StackUse>,
    },
    /// The scan could not finish (stopped, no runtime, or its worker panicked).
    ScanFailed {
        scan: usize,
        why: String,
    },
    /// A file write finished.
    WriteDone {
        file: Box<FileWrite>,
        outcome: WriteOutcome,
    },
    /// A profile file was read (or could not be).
    Loaded {
        path: PathBuf,
        result: Result<Profile, String>,
    },
    /// The lab is up: its entries, which is selected, and the profile to load.
    LabReady {
        entries: Vec<LabEntry>,
        selected: usize,
        profile: Option<Profile>,
    },
    LabFailed(String),
    /// The key log could not be written: said in the status line.
    KeyLogFailed(String),
}

/// Side effects for the event loop.
#[derive(Clone)]
pub enum Command {
    Probe {
        attempt: usize,
        prepared: Box<Prepared>,
        backend: BackendId,
    },
    /// Save the profile to a new file (asks before overwriting: see [`FileWrite`]).
    Save(PathBuf, String),
    Write(Box<FileWrite>),
    Load(PathBuf),
    /// Put text on the terminal's clipboard (OSC 52 escape written to the terminal).
    Clipboard(String),
    /// Diagnose a finished attempt (bounded retries) off the UI thread, knowing what
    /// a scan of its target found when there is one.
    Explain {
        attempt: usize,
        prepared: Box<Prepared>,
        reports: Vec<BackendReport>,
        scan: Option<Box<ScanReport>>,
    },
    /// Scan the target, then set each of our stacks against what it accepts.
    Scan {
        scan: usize,
        prepared: Box<Prepared>,
    },
    /// Stop an attempt's work: shut its sockets, end its search.
    Cancel(Cancel),
    /// At quit: write the unsaved profile to the recovery file (0600), or remove the
    /// recovery file (None) once its edits are saved.
    Recovery(PathBuf, Option<String>),
    /// Append a finished backend's NSS key-log lines (created 0600).
    KeyLog(crate::keylog::Target, Vec<String>),
}

pub struct App {
    pub lab: Vec<LabEntry>,
    /// The selected lab server.
    pub server: usize,
    pub form: Form,
    pub view: View,
    pub focus: Pane,
    pub mode: Mode,
    pub attempts: Vec<Attempt>,
    /// Which backend the certificate and transcript panes (and the ladder) show.
    pub selected_backend: usize,
    pub status: Option<String>,
    /// The names in the profile library (`--profile NAME`), read when the TUI starts:
    /// Ctrl-O loads one by its name.
    pub library: Vec<String>,
    pub session: SessionState,
    pub ladder: LadderState,
    pub explain: ExplainState,
    pub code: CodeState,
    pub history: HistoryState,
    pub diff: DiffState,
    /// The latest scan (shown only for its own target: see `current_scan`).
    pub scan: Option<Scan>,
    pub scan_view: ScanViewState,
    pub spinner: usize,
    pub theme: Theme,
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// The profile as last saved or loaded, and the recovery file.
    pub saved: Saved,
    /// The attempt whose results are on screen: none once the target changed.
    shown: Option<usize>,
    /// Commands produced outside `update` (by `loaded`), returned by the next one.
    pending: Vec<Command>,
    /// Where each finished backend's session secrets go (`--keylog`, `SSLKEYLOGFILE`);
    /// the top bar says so as long as it is set.
    pub keylog: Option<crate::keylog::Target>,
    next_id: usize,
}

/// Everything a key can change that is on screen.
#[derive(PartialEq)]
struct Seen {
    mode: (u8, Option<String>),
    view: View,
    focus: Pane,
    server: usize,
    selected_backend: usize,
    status: Option<String>,
    form: Form,
    session: SessionState,
    ladder: LadderState,
    explain: ExplainState,
    code: (usize, u16),
    history: HistoryState,
    diff: DiffState,
    scan_view: ScanViewState,
    attempts: usize,
}

impl App {
    pub fn new(lab: Vec<LabEntry>, profile: Profile, backends: &[BackendId], theme: Theme) -> App {
        let mut app = App {
            lab,
            server: 0,
            form: Form::from_profile(&profile, backends),
            view: View::Session,
            // The lab list first: ↑↓ picks a server, as the help says.
            focus: Pane::Servers,
            mode: Mode::Normal,
            attempts: Vec::new(),
            selected_backend: 0,
            status: None,
            library: Vec::new(),
            session: SessionState::default(),
            ladder: LadderState::default(),
            explain: ExplainState::default(),
            code: CodeState::default(),
            history: HistoryState::default(),
            diff: DiffState::default(),
            scan: None,
            scan_view: ScanViewState::default(),
            spinner: 0,
            theme,
            quit: false,
            dirty: true,
            saved: Saved::default(),
            shown: None,
            pending: Vec::new(),
            keylog: None,
            next_id: 1,
        };
        app.mark_saved();
        app
    }

    /// The attempt on screen: the latest, unless the target changed since.
    pub fn current(&self) -> Option<&Attempt> {
        self.attempts.last().filter(|a| Some(a.id) == self.shown)
    }

    pub fn attempt(&self, id: usize) -> Option<&Attempt> {
        self.attempts.iter().find(|a| a.id == id)
    }

    pub fn running(&self) -> bool {
        self.attempts.last().is_some_and(Attempt::running)
    }

    pub fn fix(&self) -> Option<&FixProposal> {
        match &self.mode {
            Mode::Confirm(Confirm::Fix(f)) => Some(f),
            _ => None,
        }
    }

    pub fn help(&self) -> bool {
        matches!(self.mode, Mode::Help)
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        match &self.mode {
            Mode::Prompt(p) => Some(p),
            _ => None,
        }
    }

    pub fn selected_backend_id(&self) -> BackendId {
        let b = self.backends();
        b.get(self.selected_backend.min(b.len().saturating_sub(1)))
            .copied()
            .unwrap_or(BackendId::Openssl)
    }

    /// The selected backend's derived views of the attempt on screen.
    pub fn derived(&self) -> Option<&Derived> {
        self.current()?.derived(self.selected_backend_id())
    }

    /// The selected backend's messages, dissected for the ladder (computed once per
    /// report).
    pub fn ladder_items(&self) -> Vec<crate::wire::dissect::Dissected> {
        self.derived().map(|d| d.ladder.clone()).unwrap_or_default()
    }

    /// A spinner is on screen: the loop ticks only then.
    pub fn wants_tick(&self) -> bool {
        if matches!(self.view, View::Scan | View::Explain)
            && self.current_scan().is_some_and(Scan::running)
        {
            return true;
        }
        let Some(a) = self.current() else {
            return false;
        };
        (a.running() && self.view == View::Session)
            || (a.searching()
                && (self.view == View::Explain
                    || matches!(
                        super::render::footer(self),
                        super::render::Footer::Searching
                    )))
    }

    /// The reproduce view's code for the current form (kept up to date by `update`).
    pub fn code_text(&self) -> Result<&str, String> {
        self.code.text()
    }

    pub fn update(&mut self, action: Action) -> Vec<Command> {
        let mut cmds = match action {
            // Background messages: once, here, whatever the mode.
            Action::ProbeDone { attempt, report } => self.finish(attempt, report),
            Action::Explained { attempt, explained } => {
                self.explained(attempt, Explanation::Done(explained));
                Vec::new()
            }
            Action::ExplainFailed { attempt, why } => {
                self.explained(attempt, Explanation::Failed(why));
                Vec::new()
            }
            Action::Scanned {
                scan,
                report,
                stacks,
            } => {
                let done = ScanDone {
                    report: *report,
                    stacks,
                };
                self.scanned(scan, ScanStatus::Done(Box::new(done)))
            }
            Action::ScanFailed { scan, why } => self.scanned(scan, ScanStatus::Failed(why)),
            Action::Tick => {
                if self.wants_tick() {
                    self.spinner = self.spinner.wrapping_add(1);
                    self.dirty = true;
                }
                Vec::new()
            }
            Action::Resize => {
                self.dirty = true;
                Vec::new()
            }
            Action::Quit => {
                self.quit = true;
                self.quitting()
            }
            Action::KeyLogFailed(why) => {
                self.status = Some(why);
                self.dirty = true;
                Vec::new()
            }
            Action::WriteDone { file, outcome } => {
                self.write_done(*file, outcome);
                self.dirty = true;
                Vec::new()
            }
            Action::Loaded { path, result } => {
                self.loaded(&path, result);
                Vec::new()
            }
            Action::LabReady {
                entries,
                selected,
                profile,
            } => {
                self.lab_ready(entries, selected, profile);
                Vec::new()
            }
            Action::LabFailed(e) => {
                self.status = Some(format!("the lab could not start: {e}"));
                self.dirty = true;
                Vec::new()
            }
            key => self.key(key),
        };
        if self.view == View::Code {
            let p = self.form_profile().map(|(p, _)| p);
            self.code.refresh(p);
        }
        cmds.append(&mut self.pending);
        cmds
    }

    fn seen(&self) -> Seen {
        let (m, text) = self.mode.seen();
        Seen {
            mode: (m, text.map(String::from)),
            view: self.view,
            focus: self.focus,
            server: self.server,
            selected_backend: self.selected_backend,
            status: self.status.clone(),
            form: self.form.clone(),
            session: self.session.clone(),
            ladder: self.ladder.clone(),
            explain: self.explain.clone(),
            code: (self.code.lang, self.code.scroll.offset()),
            history: self.history.clone(),
            diff: self.diff.clone(),
            scan_view: self.scan_view.clone(),
            attempts: self.attempts.len(),
        }
    }

    /// A key, by mode. Redraw only if it changed something or started work.
    fn key(&mut self, action: Action) -> Vec<Command> {
        let before = self.seen();
        let cmds = match self.mode {
            Mode::Normal => self.normal(action),
            Mode::Editing => self.editing_key(action),
            Mode::Prompt(_) => self.prompt_key(action),
            Mode::Help => {
                self.mode = Mode::Normal;
                match action {
                    Action::ToggleHelp | Action::Escape | Action::Cancel => Vec::new(),
                    other => self.normal(other),
                }
            }
            Mode::Confirm(_) => self.confirm_key(action),
        };
        if !cmds.is_empty() || before != self.seen() {
            self.dirty = true;
        }
        cmds
    }
}
