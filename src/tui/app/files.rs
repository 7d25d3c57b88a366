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

impl App {
    pub(super) fn open_prompt(&mut self, kind: PromptKind) {
        self.mode = Mode::Prompt(Prompt {
            kind,
            text: "tlslens-profile.toml".into(),
        });
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
                self.status = Some(format!("{what} to {}", file.path.display()));
            }
            WriteOutcome::Exists => {
                self.status = None;
                self.mode = Mode::Confirm(Confirm::Overwrite(Box::new(file)));
            }
            WriteOutcome::Failed(e) => {
                self.status = Some(format!("{}: cannot write: {e}", file.path.display()));
            }
        }
    }

    /// Apply a loaded profile (the event loop read the file).
    pub fn loaded(&mut self, path: &Path, result: Result<Profile, String>) {
        self.dirty = true;
        match result {
            Ok(p) => {
                self.set_form(&p);
                self.status = Some(format!("loaded {}", path.display()));
                self.new_target();
            }
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
