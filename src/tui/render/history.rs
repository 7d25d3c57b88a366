//! History view: every attempt, newest first, with what changed and what it did.

use super::scroll::Move;
use super::{block, para};
use crate::tui::app::{App, Pane, Slot};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The history view's own state: how many of the newest attempts are scrolled past.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryState {
    pub scroll: usize,
}

impl HistoryState {
    pub fn apply(&mut self, mv: Move, attempts: usize) {
        self.scroll = mv.step(self.scroll, attempts);
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let mut lines = Vec::new();
    if app.attempts.is_empty() {
        lines.push(Line::from(Span::styled(
            "no attempts yet: Enter connects",
            t.get(Role::Muted),
        )));
    }
    for a in app.attempts.iter().rev().skip(app.history.scroll) {
        let mut spans = vec![Span::styled(format!("#{:<3}", a.id), t.get(Role::Title))];
        for (b, s) in &a.slots {
            let (txt, role) = match s {
                Slot::Connecting => ("…".to_string(), Role::Warning),
                Slot::Cancelled => ("cancelled".to_string(), Role::Muted),
                Slot::Done(r) if r.ok => (
                    format!("ok {}", r.version.clone().unwrap_or_default()),
                    Role::Ok,
                ),
                Slot::Done(r) => (
                    format!(
                        "✗ {}",
                        r.error
                            .as_ref()
                            .map(|e| e.kind.as_str())
                            .unwrap_or("verify")
                    ),
                    Role::Failed,
                ),
            };
            spans.push(Span::styled(format!(" {}:", b.name()), t.get(Role::Muted)));
            spans.push(Span::styled(txt, t.get(role)));
        }
        lines.push(Line::from(spans));
        let weak = a.profile.weakenings();
        if !weak.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("     weakened: {}", weak.join("; ")),
                t.get(Role::Insecure),
            )));
        }
        if let Some(c) = &a.comparison {
            lines.push(Line::from(Span::styled(
                format!("     Δ {c}"),
                t.get(Role::Changed),
            )));
        }
    }
    f.render_widget(
        para(lines, t.get(Role::Text)).block(block(
            " history (newest first) ",
            app.focus == Pane::Main,
            app,
        )),
        area,
    );
}
