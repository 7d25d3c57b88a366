//! TUI state and `update(Action)`. No I/O here: updates return [`Command`]s that the
//! event loop carries out (start a probe, write a file), so every transition is testable.

use super::form::{Form, Kind};
use super::theme::Theme;
use crate::backend::BackendId;
use crate::diagnose::Suggestion;
pub use crate::explain::Explained;
use crate::probe::Prepared;
use crate::profile::{Field, Profile};
use crate::report::BackendReport;
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
}

/// Panes that take keyboard focus, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Servers,
    Main,
    Certs,
    Transcript,
}

/// One backend's state within an attempt.
#[derive(Clone, Debug)]
pub enum Slot {
    Connecting,
    Done(Box<BackendReport>),
    Cancelled,
}

#[derive(Clone, Debug)]
pub struct Attempt {
    pub id: usize,
    pub profile: Profile,
    pub slots: Vec<(BackendId, Slot)>,
    /// Filled when every slot is done: this attempt against the one before.
    pub comparison: Option<String>,
    /// What the probes ran with (kept to explain the attempt afterwards).
    pub prepared: Option<Box<Prepared>>,
    pub explanation: Explanation,
}

/// The diagnosis of an attempt: absent, being searched for, or found.
#[derive(Clone, Debug, Default)]
pub enum Explanation {
    #[default]
    None,
    Searching,
    Done(Box<Explained>),
}

/// A fix waiting for the user's confirmation (`f` shows it, `f`/Enter applies it).
#[derive(Clone, Debug)]
pub struct FixProposal {
    pub backend: BackendId,
    pub change: Suggestion,
    pub cost: String,
    pub why: String,
}

impl Attempt {
    pub fn running(&self) -> bool {
        self.slots
            .iter()
            .any(|(_, s)| matches!(s, Slot::Connecting))
    }
    pub fn reports(&self) -> Vec<BackendReport> {
        self.slots
            .iter()
            .filter_map(|(_, s)| match s {
                Slot::Done(r) => Some((**r).clone()),
                _ => None,
            })
            .collect()
    }
    pub fn report(&self, b: BackendId) -> Option<&BackendReport> {
        self.slots.iter().find_map(|(id, s)| match s {
            Slot::Done(r) if *id == b => Some(&**r),
            _ => None,
        })
    }
}

/// A line-input prompt (save / load a profile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    Save,
    Load,
}

#[derive(Clone, Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

/// Everything the user can do, whatever key produced it.
#[derive(Clone, Debug)]
pub enum Action {
    Quit,
    Connect,
    Cancel,
    StepSeclevel,
    StepMinTls,
    ToggleVerify,
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
    /// Enter inside the editor: edit a text field, or connect on a choice field.
    Activate,
    Char(char),
    Backspace,
    /// Esc while editing or prompting.
    Escape,
    OpenPrompt(PromptKind),
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
    /// `f`: show the fix for the selected backend; again (or Enter) applies it.
    Fix,
    /// In the code view: copy the snippet to the clipboard (OSC 52).
    Yank,
    /// In the code view: write the snippet to its file.
    WriteCode,
}

/// Side effects for the event loop.
#[derive(Clone)]
pub enum Command {
    Probe {
        attempt: usize,
        prepared: Box<Prepared>,
        backend: BackendId,
    },
    Save(PathBuf, String),
    Load(PathBuf),
    /// Put text on the terminal's clipboard (OSC 52 escape written to the terminal).
    Clipboard(String),
    /// Diagnose a finished attempt (bounded retries) off the UI thread.
    Explain {
        attempt: usize,
        prepared: Box<Prepared>,
        reports: Vec<BackendReport>,
    },
}

pub struct App {
    pub lab: Vec<LabEntry>,
    pub server: usize,
    pub form: Form,
    pub view: View,
    pub focus: Pane,
    pub help: bool,
    pub attempts: Vec<Attempt>,
    /// Which backend the certificate and transcript panes show.
    pub selected_backend: usize,
    pub diff_pair: (BackendId, BackendId),
    pub scroll_certs: u16,
    pub scroll_transcript: u16,
    pub scroll_history: usize,
    pub status: Option<String>,
    pub prompt: Option<Prompt>,
    pub fix: Option<FixProposal>,
    pub scroll_explain: u16,
    /// Ladder view: selected message and field.
    pub ladder_msg: usize,
    pub ladder_field: usize,
    /// Code view: selected language (index into export::Lang::ALL).
    pub code_lang: usize,
    pub scroll_code: u16,
    pub spinner: usize,
    pub theme: Theme,
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    next_id: usize,
}

const PAIRS: [(BackendId, BackendId); 3] = [
    (BackendId::NativeTls, BackendId::Rustls),
    (BackendId::NativeTls, BackendId::Openssl),
    (BackendId::Openssl, BackendId::Rustls),
];

impl App {
    pub fn new(lab: Vec<LabEntry>, profile: Profile, backends: &[BackendId], theme: Theme) -> App {
        App {
            lab,
            server: 0,
            form: Form::from_profile(&profile, backends),
            view: View::Session,
            focus: Pane::Main,
            help: false,
            attempts: Vec::new(),
            selected_backend: 0,
            diff_pair: PAIRS[0],
            scroll_certs: 0,
            scroll_transcript: 0,
            scroll_history: 0,
            status: None,
            prompt: None,
            fix: None,
            scroll_explain: 0,
            ladder_msg: 0,
            ladder_field: 0,
            code_lang: 0,
            scroll_code: 0,
            spinner: 0,
            theme,
            quit: false,
            dirty: true,
            next_id: 1,
        }
    }

    pub fn current(&self) -> Option<&Attempt> {
        self.attempts.last()
    }

    pub fn running(&self) -> bool {
        self.attempts.last().is_some_and(Attempt::running)
    }

    /// Backends of the form (or all, if the field is bad).
    pub fn backends(&self) -> Vec<BackendId> {
        self.form.backends()
    }

    pub fn selected_backend_id(&self) -> BackendId {
        let b = self.backends();
        b.get(self.selected_backend.min(b.len().saturating_sub(1)))
            .copied()
            .unwrap_or(BackendId::Openssl)
    }

    fn load_server(&mut self, idx: usize) {
        if let Some(e) = self.lab.get(idx) {
            self.server = idx;
            let backends = self.backends();
            self.form = Form::from_profile(&e.profile, &backends);
            self.status = Some(format!("lab server '{}' loaded: {}", e.name, e.teaches));
        }
    }

    /// Start an attempt with the form's profile.
    fn connect(&mut self) -> Vec<Command> {
        if self.running() {
            self.status = Some("an attempt is running: Esc cancels it".into());
            return Vec::new();
        }
        let (profile, backends) = match self.form.to_profile() {
            Ok(x) => x,
            Err(errs) => {
                if let Some((k, m)) = errs.first() {
                    self.status = Some(format!("fix the profile first: {k}: {m}"));
                }
                self.view = View::Editor;
                return Vec::new();
            }
        };
        let prepared = match crate::probe::prepare(profile.clone()) {
            Ok(p) => p,
            Err(e) => {
                let key = match &e {
                    crate::materials::InputError::Field(f) => f.field,
                    crate::materials::InputError::File { path, .. } => {
                        let shown = path.display().to_string();
                        [Field::Cacert, Field::Cert, Field::Key]
                            .into_iter()
                            .find(|k| self.form.get(*k) == shown)
                            .unwrap_or(Field::Cacert)
                    }
                };
                self.form.set_error(key, e.to_string());
                self.status = Some(format!("cannot connect: {e}"));
                self.view = View::Editor;
                return Vec::new();
            }
        };
        let id = self.next_id;
        self.next_id += 1;
        self.attempts.push(Attempt {
            id,
            profile,
            slots: backends.iter().map(|b| (*b, Slot::Connecting)).collect(),
            comparison: None,
            prepared: Some(Box::new(prepared.clone())),
            explanation: Explanation::None,
        });
        // Bounded history: the oldest attempts go first.
        if self.attempts.len() > 200 {
            self.attempts.remove(0);
        }
        self.status = None;
        if self.view == View::Editor || self.view == View::History {
            self.view = View::Session;
        }
        backends
            .into_iter()
            .map(|backend| Command::Probe {
                attempt: id,
                prepared: Box::new(prepared.clone()),
                backend,
            })
            .collect()
    }

    fn finish(&mut self, attempt: usize, report: Box<BackendReport>) -> Vec<Command> {
        let Some(pos) = self.attempts.iter().position(|a| a.id == attempt) else {
            return Vec::new();
        };
        let a = &mut self.attempts[pos];
        let mut accepted = false;
        for (b, slot) in &mut a.slots {
            if *b == report.backend && matches!(slot, Slot::Connecting) {
                *slot = Slot::Done(report.clone());
                accepted = true;
            }
        }
        // A result for a cancelled attempt (or a duplicate) changes nothing.
        if !accepted {
            return Vec::new();
        }
        if !a.running() && pos > 0 {
            let prev = &self.attempts[pos - 1];
            let cmp = crate::diff::compare_attempts(
                &prev.profile,
                &prev.reports(),
                &self.attempts[pos].profile,
                &self.attempts[pos].reports(),
            );
            self.attempts[pos].comparison = Some(cmp);
        }
        let a = &mut self.attempts[pos];
        // Every backend is done: explain the attempt in the background.
        let cancelled = a.slots.iter().any(|(_, s)| matches!(s, Slot::Cancelled));
        if !a.running()
            && !cancelled
            && matches!(a.explanation, Explanation::None)
            && let Some(prepared) = a.prepared.clone()
        {
            a.explanation = Explanation::Searching;
            return vec![Command::Explain {
                attempt: a.id,
                prepared,
                reports: a.reports(),
            }];
        }
        Vec::new()
    }

    fn step_choice(&mut self, key: Field, delta: isize) {
        if let Some(idx) = self.form.fields.iter().position(|f| f.key == key) {
            self.form.cycle(idx, delta);
        }
    }

    fn scroll(&mut self, delta: i32) {
        match (self.view, self.focus) {
            (View::Session, Pane::Certs) => {
                self.scroll_certs = (i32::from(self.scroll_certs) + delta).clamp(0, 500) as u16;
            }
            (View::Session, Pane::Transcript) => {
                self.scroll_transcript =
                    (i32::from(self.scroll_transcript) + delta).clamp(0, 2000) as u16;
            }
            (View::Ladder, Pane::Certs) => {
                let n = self
                    .ladder_items()
                    .get(self.ladder_msg)
                    .map(|d| d.fields.len())
                    .unwrap_or(0) as i32;
                self.ladder_field =
                    (self.ladder_field as i32 + delta).clamp(0, (n - 1).max(0)) as usize;
            }
            (View::Ladder, _) => {
                let n = self.ladder_items().len() as i32;
                self.ladder_msg =
                    (self.ladder_msg as i32 + delta).clamp(0, (n - 1).max(0)) as usize;
                self.ladder_field = 0;
            }
            (View::Code, _) => {
                self.scroll_code = (i32::from(self.scroll_code) + delta).clamp(0, 500) as u16;
            }
            (View::Explain, _) => {
                self.scroll_explain =
                    (i32::from(self.scroll_explain) + delta).clamp(0, 2000) as u16;
            }
            (View::History, _) => {
                let max = self.attempts.len().saturating_sub(1) as i32;
                self.scroll_history = (self.scroll_history as i32 + delta).clamp(0, max) as usize;
            }
            (View::Editor, _) if self.form.editing.is_none() => {
                let n = self.form.fields.len() as i32;
                self.form.selected = (self.form.selected as i32 + delta).clamp(0, n - 1) as usize;
            }
            (_, Pane::Servers) => {
                let n = self.lab.len() as i32;
                if n > 0 {
                    let idx = (self.server as i32 + delta).clamp(0, n - 1) as usize;
                    if idx != self.server {
                        self.load_server(idx);
                    }
                }
            }
            _ => {}
        }
    }

    fn left_right(&mut self, delta: isize) {
        match self.view {
            View::Editor => {
                if self.form.editing.is_some() {
                    self.form.move_cursor(delta);
                } else {
                    let idx = self.form.selected;
                    self.form.cycle(idx, delta);
                }
            }
            View::Code => {
                let n = crate::export::Lang::ALL.len() as isize;
                self.code_lang = (self.code_lang as isize + delta).rem_euclid(n) as usize;
                self.scroll_code = 0;
            }
            View::Diff => {
                let cur = PAIRS.iter().position(|p| *p == self.diff_pair).unwrap_or(0) as isize;
                self.diff_pair = PAIRS[(cur + delta).rem_euclid(PAIRS.len() as isize) as usize];
            }
            _ => {
                let n = self.backends().len().max(1) as isize;
                self.selected_backend =
                    (self.selected_backend as isize + delta).rem_euclid(n) as usize;
                self.scroll_certs = 0;
                self.scroll_transcript = 0;
                self.ladder_msg = 0;
                self.ladder_field = 0;
            }
        }
    }

    pub fn update(&mut self, action: Action) -> Vec<Command> {
        self.dirty = true;
        let mut cmds = Vec::new();
        // A prompt takes every key until it closes.
        if let Some(prompt) = &mut self.prompt {
            match action {
                Action::Char(c) if !c.is_control() && prompt.text.len() < 4096 => {
                    prompt.text.push(c)
                }
                Action::Backspace => {
                    prompt.text.pop();
                }
                Action::Escape | Action::Cancel => self.prompt = None,
                Action::Activate | Action::Connect => {
                    let p = self.prompt.take();
                    if let Some(p) = p {
                        let path = PathBuf::from(p.text.trim());
                        match p.kind {
                            PromptKind::Save => match self.form.to_profile() {
                                Ok((profile, _)) => {
                                    cmds.push(Command::Save(path, profile.to_toml()))
                                }
                                Err(e) => {
                                    self.status = Some(format!(
                                        "not saved: {}",
                                        e.first()
                                            .map(|(k, m)| format!("{k}: {m}"))
                                            .unwrap_or_default()
                                    ))
                                }
                            },
                            PromptKind::Load => cmds.push(Command::Load(path)),
                        }
                    }
                }
                Action::ProbeDone { attempt, report } => cmds = self.finish(attempt, report),
                Action::Quit => self.quit = true,
                _ => {}
            }
            return cmds;
        }
        // A proposed fix waits for confirmation.
        if self.fix.is_some() {
            match action {
                Action::Fix | Action::Activate | Action::Connect => {
                    if let Some(fix) = self.fix.take() {
                        cmds = self.apply_fix(&fix);
                    }
                }
                Action::Escape | Action::Cancel => {
                    self.fix = None;
                    self.status = Some("fix not applied".into());
                }
                Action::ProbeDone { attempt, report } => cmds = self.finish(attempt, report),
                Action::Explained { attempt, explained } => self.explained(attempt, explained),
                Action::Quit => self.quit = true,
                Action::Tick => self.spinner = self.spinner.wrapping_add(1),
                _ => {}
            }
            return cmds;
        }
        // Editing a text field: keys go to the field.
        if self.view == View::Editor && self.form.editing.is_some() {
            match action {
                Action::Char(c) => self.form.insert(c),
                Action::Backspace => self.form.backspace(),
                Action::Left => self.form.move_cursor(-1),
                Action::Right => self.form.move_cursor(1),
                Action::Activate | Action::Connect => self.form.commit_edit(),
                Action::Escape | Action::Cancel => self.form.cancel_edit(),
                Action::ProbeDone { attempt, report } => cmds = self.finish(attempt, report),
                Action::Quit => self.quit = true,
                Action::Tick => self.spinner = self.spinner.wrapping_add(1),
                _ => {}
            }
            return cmds;
        }
        if self.help
            && !matches!(
                action,
                Action::ToggleHelp
                    | Action::Quit
                    | Action::ProbeDone { .. }
                    | Action::Tick
                    | Action::Resize
            )
        {
            self.help = false;
            if matches!(action, Action::Escape | Action::Cancel) {
                return cmds;
            }
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Connect => cmds = self.connect(),
            Action::Activate => {
                let is_text = self
                    .form
                    .fields
                    .get(self.form.selected)
                    .is_some_and(|f| f.kind == Kind::Text);
                if self.view == View::Editor && is_text {
                    self.form.begin_edit();
                } else {
                    cmds = self.connect();
                }
            }
            Action::Cancel | Action::Escape => {
                if let Some(a) = self.attempts.last_mut() {
                    let mut any = false;
                    for (_, s) in &mut a.slots {
                        if matches!(s, Slot::Connecting) {
                            *s = Slot::Cancelled;
                            any = true;
                        }
                    }
                    if any {
                        self.status = Some("attempt cancelled".into());
                    }
                }
                if self.view != View::Session {
                    self.view = View::Session;
                }
            }
            Action::StepSeclevel => {
                self.step_choice(Field::Seclevel, 1);
                self.status = Some(format!(
                    "security level → {}",
                    self.form.get(Field::Seclevel)
                ));
                cmds = self.connect();
            }
            Action::StepMinTls => {
                self.step_choice(Field::MinTls, 1);
                cmds = self.connect();
            }
            Action::ToggleVerify => {
                let next = if self.form.get(Field::Verify) == "full" {
                    "off"
                } else {
                    "full"
                };
                self.form.set(Field::Verify, next);
                cmds = self.connect();
            }
            Action::ShowView(v) => {
                self.view = if self.view == v && v != View::Session {
                    View::Session
                } else {
                    v
                };
            }
            Action::ToggleHelp => self.help = !self.help,
            Action::FocusNext | Action::FocusPrev => {
                let order: &[Pane] = if self.view == View::Session {
                    &[Pane::Servers, Pane::Main, Pane::Certs, Pane::Transcript]
                } else if self.view == View::Ladder {
                    &[Pane::Main, Pane::Certs]
                } else {
                    &[Pane::Servers, Pane::Main]
                };
                let cur = order.iter().position(|p| *p == self.focus).unwrap_or(1) as isize;
                let d = if matches!(action, Action::FocusNext) {
                    1
                } else {
                    -1
                };
                self.focus = order[(cur + d).rem_euclid(order.len() as isize) as usize];
            }
            Action::Up => self.scroll(-1),
            Action::Down => self.scroll(1),
            Action::PageUp => self.scroll(-10),
            Action::PageDown => self.scroll(10),
            Action::Left => self.left_right(-1),
            Action::Right => self.left_right(1),
            Action::Char(_) | Action::Backspace => {}
            Action::OpenPrompt(kind) => {
                self.prompt = Some(Prompt {
                    kind,
                    text: "tlslens-profile.toml".into(),
                })
            }
            Action::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
            }
            Action::Resize => {}
            Action::ProbeDone { attempt, report } => cmds = self.finish(attempt, report),
            Action::Explained { attempt, explained } => self.explained(attempt, explained),
            Action::Fix => self.propose_fix(),
            Action::Yank | Action::WriteCode => {
                cmds = self.export_code(matches!(action, Action::Yank))
            }
        }
        cmds
    }

    /// The selected backend's messages, dissected for the ladder: the clear ones from
    /// the wire, the TLS 1.3 encrypted ones from their decryption when there is one.
    pub fn ladder_items(&self) -> Vec<crate::wire::dissect::Dissected> {
        let b = self.selected_backend_id();
        let Some(r) = self.current().and_then(|a| a.report(b)) else {
            return Vec::new();
        };
        crate::tui::ladder_items(r)
    }

    fn export_code(&mut self, to_clipboard: bool) -> Vec<Command> {
        if self.view != View::Code {
            return Vec::new();
        }
        let lang = crate::export::Lang::ALL[self.code_lang % crate::export::Lang::ALL.len()];
        match self.form.to_profile() {
            Ok((p, _)) => {
                let text = crate::export::export(&p, lang);
                if to_clipboard {
                    self.status = Some(format!(
                        "{} snippet sent to the terminal clipboard (OSC 52)",
                        lang.name()
                    ));
                    vec![Command::Clipboard(text)]
                } else {
                    vec![Command::Save(PathBuf::from(lang.file_name()), text)]
                }
            }
            Err(e) => {
                self.status = Some(format!(
                    "fix the profile first: {}",
                    e.first()
                        .map(|(k, m)| format!("{k}: {m}"))
                        .unwrap_or_default()
                ));
                Vec::new()
            }
        }
    }

    fn explained(&mut self, attempt: usize, explained: Box<Explained>) {
        if let Some(a) = self.attempts.iter_mut().find(|a| a.id == attempt) {
            a.explanation = Explanation::Done(explained);
        }
    }

    /// The selected backend's verified fix, if the explanation has one.
    pub fn fix_for_selected(&self) -> Option<FixProposal> {
        let b = self.selected_backend_id();
        let Explanation::Done(e) = &self.current()?.explanation else {
            return None;
        };
        let (_, findings) = e.findings.iter().find(|(id, _)| *id == b)?;
        findings.iter().find_map(|f| {
            let change = f.suggest.clone().filter(|_| f.verified)?;
            Some(FixProposal {
                backend: b,
                cost: f.cost.clone().unwrap_or_default(),
                why: f.finding.clone(),
                change,
            })
        })
    }

    fn propose_fix(&mut self) {
        let b = self.selected_backend_id();
        match self.current().map(|a| &a.explanation) {
            None => self.status = Some("connect first (Enter)".into()),
            Some(Explanation::None) if self.running() => {
                self.status = Some("wait for the attempt to finish".into())
            }
            Some(Explanation::Searching) => {
                self.status = Some("still looking for the smallest change that works…".into())
            }
            _ => match self.fix_for_selected() {
                Some(fix) => self.fix = Some(fix),
                None => {
                    let alt = match self.current().map(|a| &a.explanation) {
                        Some(Explanation::Done(e)) => e
                            .findings
                            .iter()
                            .find(|(id, _)| *id == b)
                            .and_then(|(_, fs)| fs.iter().find_map(|f| f.alternative.clone())),
                        _ => None,
                    };
                    self.status = Some(match alt {
                        Some(a) => format!(
                            "no profile change makes {b} connect; {} does{}",
                            a.backend,
                            if a.suggest.is_empty() {
                                " as is".to_string()
                            } else {
                                format!(" with {}", a.suggest.as_flags())
                            }
                        ),
                        None if self
                            .current()
                            .and_then(|a| a.report(b))
                            .is_some_and(|r| r.ok) =>
                        {
                            format!("{b} already connects")
                        }
                        None => format!("no fix found for {b} (x shows the diagnosis)"),
                    });
                }
            },
        }
    }

    fn apply_fix(&mut self, fix: &FixProposal) -> Vec<Command> {
        match self.form.to_profile() {
            Ok((mut p, backends)) => {
                fix.change.apply(&mut p);
                self.form = Form::from_profile(&p, &backends);
                self.status = Some(format!("applied {}", fix.change.as_flags()));
                self.connect()
            }
            Err(errs) => {
                self.status = Some(format!(
                    "fix the profile first: {}",
                    errs.first()
                        .map(|(k, m)| format!("{k}: {m}"))
                        .unwrap_or_default()
                ));
                Vec::new()
            }
        }
    }

    /// The lab is up: list it, and load the chosen server unless a real target is loaded.
    pub fn lab_ready(&mut self, entries: Vec<LabEntry>, idx: usize, profile: Option<Profile>) {
        self.lab = entries;
        self.server = idx.min(self.lab.len().saturating_sub(1));
        self.status = None;
        if let Some(p) = profile {
            let b = self.backends();
            self.form = Form::from_profile(&p, &b);
        }
        self.dirty = true;
    }

    /// Apply a loaded profile (from the event loop, after reading the file).
    pub fn loaded(&mut self, path: &std::path::Path, result: Result<Profile, String>) {
        self.dirty = true;
        match result {
            Ok(p) => {
                let b = self.backends();
                self.form = Form::from_profile(&p, &b);
                self.status = Some(format!("loaded {}", path.display()));
            }
            Err(e) => self.status = Some(format!("{}: {e}", path.display())),
        }
    }
}
