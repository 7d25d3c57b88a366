//! Saving and loading the profile, writing the reproduce view's code: the prompt,
//! the overwrite question, and the results, which come back as actions (the event
//! loop does the I/O and reports through `update`).

use super::{Action, App, Command, Confirm, Mode, View};
use crate::profile::Profile;
use std::path::{Path, PathBuf};

/// A line-input prompt (save / load a profile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    Save,
    Load,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

/// What a file holds, for the message after writing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Contents {
    Profile,
    /// Reproducing code in this language (its display name).
    Code(&'static str),
}

/// A file to write. Without `overwrite` an existing file is left alone and the user
/// is asked first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileWrite {
    pub path: PathBuf,
    pub text: String,
    pub contents: Contents,
    pub overwrite: bool,
}

/// How a write went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    Written,
    /// The file is there and `overwrite` was not set: nothing was written.
    Exists,
    Failed(String),
}

/// What the next start says when edits were left unsaved.
pub const RECOVERY_OFFER: &str = "unsaved edits from last time: Ctrl-O recovery to load";

/// The profile as last saved, loaded or picked, and the recovery file that keeps
/// edits left unsaved at quit (offered at the next start rather than prompted for).
#[derive(Clone, Debug, Default)]
pub struct Saved {
    /// The TOML of the profile last saved, loaded or picked (None: the form was invalid).
    pub baseline: Option<String>,
    /// Where unsaved edits go at quit (see [`recovery_path`]); None: nowhere.
    pub recovery: Option<PathBuf>,
    /// The recovery file from last time is on offer: Ctrl-O suggests it.
    pub offered: bool,
    /// It was loaded: once its edits are saved, a quit removes it.
    pub recovered: bool,
}

impl Saved {
    /// The status line while the recovery file is on offer.
    pub fn offer(&self) -> Option<String> {
        (self.offered && !self.recovered).then(|| RECOVERY_OFFER.to_string())
    }
}

/// `$XDG_STATE_HOME/tlslens/recovery.toml`, else `~/.local/state/tlslens/recovery.toml`.
pub fn recovery_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("tlslens").join("recovery.toml"))
}

impl App {
    fn form_toml(&self) -> Option<String> {
        self.form_profile().ok().map(|(p, _)| p.to_toml())
    }

    /// The form as it is now counts as saved (a profile was loaded, picked or written).
    pub(super) fn mark_saved(&mut self) {
        self.saved.baseline = self.form_toml();
    }

    /// The form differs from the profile last saved, loaded or picked.
    pub fn unsaved_edits(&self) -> bool {
        self.form_toml() != self.saved.baseline
    }

    /// Unsaved edits at quit go to `path`; a recovery file already there (from last
    /// time) is offered on the status line.
    pub fn use_recovery(&mut self, path: PathBuf) {
        self.saved.offered = path.is_file();
        self.saved.recovery = Some(path);
        if let Some(offer) = self.saved.offer() {
            self.status = Some(offer);
            self.dirty = true;
        }
    }

    /// Quitting: keep unsaved edits in the recovery file, or remove a recovered one
    /// whose edits are saved now.
    pub(super) fn quitting(&mut self) -> Vec<Command> {
        let Some(path) = self.saved.recovery.clone() else {
            return Vec::new();
        };
        if self.unsaved_edits() {
            // An invalid form has no TOML: the editor shows what is wrong with it.
            return self
                .form_toml()
                .map(|text| vec![Command::Recovery(path, Some(text))])
                .unwrap_or_default();
        }
        if self.saved.recovered {
            return vec![Command::Recovery(path, None)];
        }
        Vec::new()
    }

    pub(super) fn open_prompt(&mut self, kind: PromptKind) {
        let text = match (&kind, &self.saved.recovery) {
            (PromptKind::Load, Some(r)) if self.saved.offer().is_some() => r.display().to_string(),
            _ => "tlslens-profile.toml".into(),
        };
        self.mode = Mode::Prompt(Prompt { kind, text });
    }

    /// A key while the save/load prompt is open.
    pub(super) fn prompt_key(&mut self, action: Action) -> Vec<Command> {
        let Mode::Prompt(prompt) = &mut self.mode else {
            return Vec::new();
        };
        match action {
            Action::Char(c) if !c.is_control() && prompt.text.len() < 4096 => prompt.text.push(c),
            Action::Backspace => {
                prompt.text.pop();
            }
            Action::Escape | Action::Cancel => self.mode = Mode::Normal,
            Action::Activate | Action::Connect => {
                let path = PathBuf::from(prompt.text.trim());
                let text = prompt.text.trim().to_string();
                let kind = prompt.kind.clone();
                self.mode = Mode::Normal;
                return match kind {
                    PromptKind::Save => match self.form_profile() {
                        Ok((profile, _)) => vec![Command::Save(path, profile.to_toml())],
                        Err(e) => {
                            self.status = Some(format!("not saved: {e}"));
                            Vec::new()
                        }
                    },
                    // A bare name is a profile of the library.
                    PromptKind::Load => {
                        let path = if self.library.contains(&text) {
                            crate::profile::library::path_of(&text).unwrap_or(path)
                        } else {
                            path
                        };
                        vec![Command::Load(path)]
                    }
                };
            }
            _ => {}
        }
        Vec::new()
    }

    /// A write finished (or found the file there).
    pub(super) fn write_done(&mut self, file: FileWrite, outcome: WriteOutcome) {
        let what = match file.contents {
            Contents::Profile => "profile saved".to_string(),
            Contents::Code(lang) => format!("{lang} code written"),
        };
        match outcome {
            WriteOutcome::Written => {
                if file.contents == Contents::Profile {
                    self.saved.baseline = Some(file.text.clone());
                }
                self.status = Some(format!("{what} to {}", file.path.display()));
            }
            WriteOutcome::Exists => {
                self.status = None;
                self.mode = Mode::Confirm(Confirm::Overwrite(Box::new(file)));
            }
            // The form keeps its edits (and they count as unsaved).
            WriteOutcome::Failed(e) => {
                self.status = Some(format!(
                    "{}: cannot write: {e} (edits kept)",
                    file.path.display()
                ));
            }
        }
    }

    /// Apply a loaded profile (the event loop read the file).
    pub fn loaded(&mut self, path: &Path, result: Result<Profile, String>) {
        self.dirty = true;
        match result {
            Ok(p) => {
                self.set_form(&p);
                // Recovered edits stay unsaved until they are saved somewhere.
                if self.saved.recovery.as_deref() == Some(path) {
                    self.saved.recovered = true;
                } else {
                    self.mark_saved();
                }
                self.status = Some(format!("loaded {}", path.display()));
                self.new_target();
            }
            // The file is left as it was; the error names its line and column.
            Err(e) => self.status = Some(format!("{}: {e}", path.display())),
        }
    }

    /// `y` / `w` in the code view: copy the snippet, or write it to its file.
    pub(super) fn export_code(&mut self, to_clipboard: bool) -> Vec<Command> {
        if self.view != View::Code {
            return Vec::new();
        }
        let lang = self.code.lang();
        let text = match self.code_text() {
            Ok(t) => t.to_string(),
            Err(e) => {
                self.status = Some(format!("fix the profile first: {e}"));
                return Vec::new();
            }
        };
        if to_clipboard {
            self.status = Some(format!(
                "{} snippet sent to the terminal clipboard (OSC 52)",
                lang.name()
            ));
            vec![Command::Clipboard(text)]
        } else {
            vec![Command::Write(Box::new(FileWrite {
                path: PathBuf::from(lang.file_name()),
                text,
                contents: Contents::Code(lang.name()),
                overwrite: false,
            }))]
        }
    }
}
