//! What each key does in each mode (the event loop has already turned key presses
//! into [`Action`]s; background messages never get here).

use super::{Action, App, Command, Confirm, Mode, Pane, View};
use crate::tui::render::scroll::Move;

impl App {
    pub(super) fn normal(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Connect => return self.connect(),
            Action::Resume => return self.connect_with(true),
            Action::Activate => {
                if self.view == View::Editor && self.on_text_field() {
                    if self.form.begin_edit() {
                        self.mode = Mode::Editing;
                    }
                } else {
                    return self.connect();
                }
            }
            Action::Cancel | Action::Escape => return self.cancel_current(),
            Action::StepSeclevel => {
                self.step_seclevel();
                return self.connect();
            }
            Action::StepMinTls => {
                self.step_min_tls();
                return self.connect();
            }
            Action::ToggleVerify => {
                self.toggle_verify();
                return self.connect();
            }
            Action::ShowView(v) => self.show_view(v),
            Action::ToggleHelp => self.mode = Mode::Help,
            Action::FocusNext => self.move_focus(1),
            Action::FocusPrev => self.move_focus(-1),
            Action::Up => self.scroll(Move::By(-1)),
            Action::Down => self.scroll(Move::By(1)),
            Action::PageUp => self.scroll(Move::By(-10)),
            Action::PageDown => self.scroll(Move::By(10)),
            Action::Home => self.scroll(Move::Home),
            Action::End => self.scroll(Move::End),
            Action::Left => self.left_right(-1),
            Action::Right => self.left_right(1),
            Action::OpenPrompt(kind) => self.open_prompt(kind),
            Action::Fix => self.propose_fix(),
            Action::Yank => return self.export_code(true),
            Action::WriteCode => return self.export_code(false),
            _ => {}
        }
        Vec::new()
    }

    /// Keys go to the text field being edited.
    pub(super) fn editing_key(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Char(c) => self.form.insert(c),
            Action::Backspace => self.form.backspace(),
            Action::Left => self.form.move_cursor(-1),
            Action::Right => self.form.move_cursor(1),
            Action::Activate | Action::Connect => {
                self.form.commit_edit();
                self.mode = Mode::Normal;
            }
            Action::Escape | Action::Cancel => {
                self.form.cancel_edit();
                self.mode = Mode::Normal;
            }
            _ => {}
        }
        Vec::new()
    }

    /// Yes (`f`/Enter/`y`) or no (Esc/`n`) to the open question.
    pub(super) fn confirm_key(&mut self, action: Action) -> Vec<Command> {
        let yes = match action {
            Action::Fix | Action::Activate | Action::Connect | Action::Char('y') => true,
            Action::Escape | Action::Cancel | Action::Char('n') => false,
            _ => return Vec::new(),
        };
        let Mode::Confirm(what) = std::mem::take(&mut self.mode) else {
            return Vec::new();
        };
        match (what, yes) {
            (Confirm::Fix(fix), true) => self.apply_fix(&fix),
            (Confirm::Fix(_), false) => {
                self.status = Some("fix not applied".into());
                Vec::new()
            }
            (Confirm::Overwrite(mut file), true) => {
                file.overwrite = true;
                vec![Command::Write(file)]
            }
            (Confirm::Overwrite(file), false) => {
                self.status = Some(format!("not written: {} exists", file.path.display()));
                Vec::new()
            }
        }
    }

    fn show_view(&mut self, v: View) {
        self.view = if self.view == v && v != View::Session {
            View::Session
        } else {
            v
        };
        if self.view == View::Diff {
            // Open on the pair with the selected backend in it.
            let backends = self.backends();
            self.diff.open_on(self.selected_backend_id(), &backends);
        }
        if self.view == View::Code {
            // A client's column opens on the very code that client runs.
            self.code.open_on(self.selected_backend_id());
        }
    }

    fn move_focus(&mut self, d: isize) {
        let order: &[Pane] = match self.view {
            View::Session => &[Pane::Servers, Pane::Main, Pane::Certs, Pane::Transcript],
            View::Ladder => &[Pane::Main, Pane::Certs],
            _ => &[Pane::Servers, Pane::Main],
        };
        let cur = order.iter().position(|p| *p == self.focus).unwrap_or(0) as isize;
        self.focus = order[(cur + d).rem_euclid(order.len() as isize) as usize];
    }

    fn scroll(&mut self, mv: Move) {
        match (self.view, self.focus) {
            (View::Session, Pane::Certs) => {
                self.session.certs.apply(mv);
            }
            (View::Session, Pane::Transcript) => {
                self.session.transcript.apply(mv);
            }
            (View::Ladder, pane) => {
                let items = self.derived().map(|d| d.ladder.as_slice()).unwrap_or(&[]);
                let fields: Vec<usize> = items.iter().map(|d| d.fields.len()).collect();
                self.ladder.apply(mv, pane == Pane::Certs, &fields);
            }
            (View::Code, _) => {
                self.code.scroll.apply(mv);
            }
            (View::Explain, _) => {
                self.explain.scroll.apply(mv);
            }
            (View::History, _) => self.history.apply(mv, self.attempts.len()),
            (View::Editor, _) => {
                let n = self.form.fields.len();
                self.form.selected = mv.step(self.form.selected, n);
            }
            (_, Pane::Servers) => {
                let idx = mv.step(self.server, self.lab.len());
                if idx != self.server {
                    self.load_server(idx);
                }
            }
            _ => {}
        }
    }

    fn left_right(&mut self, delta: isize) {
        match self.view {
            View::Editor => {
                let idx = self.form.selected;
                self.form.cycle(idx, delta);
            }
            View::Code => self.code.step_lang(delta),
            View::Diff => self.diff.step(delta),
            _ => {
                let n = self.backends().len().max(1) as isize;
                self.selected_backend =
                    (self.selected_backend as isize + delta).rem_euclid(n) as usize;
                self.session = Default::default();
                self.ladder = Default::default();
            }
        }
    }
}
