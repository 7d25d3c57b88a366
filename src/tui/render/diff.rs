//! Diff view: two backends side by side, one row per field, differences highlighted.

use super::block;
use crate::backend::BackendId;
use crate::tui::app::{App, Pane};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

const PAIRS: [(BackendId, BackendId); 3] = [
    (BackendId::NativeTls, BackendId::Rustls),
    (BackendId::NativeTls, BackendId::Openssl),
    (BackendId::Openssl, BackendId::Rustls),
];

/// The diff view's own state: which two backends it compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffState {
    pub pair: (BackendId, BackendId),
}

impl Default for DiffState {
    fn default() -> Self {
        DiffState { pair: PAIRS[0] }
    }
}

impl DiffState {
    /// Open on a pair with `selected` in it (on the left if it can be), both of them
    /// among `backends` when possible.
    pub fn open_on(&mut self, selected: BackendId, backends: &[BackendId]) {
        let both = |p: &&(BackendId, BackendId)| backends.contains(&p.0) && backends.contains(&p.1);
        let pick = PAIRS
            .iter()
            .filter(both)
            .find(|p| p.0 == selected)
            .or_else(|| PAIRS.iter().filter(both).find(|p| p.1 == selected))
            .or_else(|| PAIRS.iter().find(|p| p.0 == selected || p.1 == selected));
        if let Some(p) = pick {
            self.pair = *p;
        }
    }

    /// `←/→`: the next pair.
    pub fn step(&mut self, delta: isize) {
        let cur = PAIRS.iter().position(|p| *p == self.pair).unwrap_or(0) as isize;
        self.pair = PAIRS[(cur + delta).rem_euclid(PAIRS.len() as isize) as usize];
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let (l, r) = app.diff.pair;
    let title = format!(" diff: {} | {}  (←/→ other pair) ", l.name(), r.name());
    let attempt = app.current();
    let (Some(a), Some(b)) = (
        attempt.and_then(|x| x.report(l)),
        attempt.and_then(|x| x.report(r)),
    ) else {
        let msg = if attempt.is_some_and(|a| a.running()) {
            "waiting for both results…"
        } else {
            "connect first (Enter), with both backends selected"
        };
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(msg, t.get(Role::Muted)))).block(block(
                &title,
                app.focus == Pane::Main,
                app,
            )),
            area,
        );
        return;
    };
    let rows: Vec<Row> = crate::diff::rows(a, b)
        .into_iter()
        .map(|d| {
            let style = if d.same {
                t.get(Role::Text)
            } else {
                t.get(Role::Changed)
            };
            let side = |v: String| {
                let role = if v == "FAILED" {
                    Role::Failed
                } else if v == "ok" {
                    Role::Ok
                } else if d.same {
                    Role::Text
                } else {
                    Role::Changed
                };
                Cell::from(Span::styled(v, t.get(role)))
            };
            Row::new(vec![
                Cell::from(Span::styled(
                    format!("{}{}", if d.same { "  " } else { "≠ " }, d.field),
                    if d.same {
                        t.get(Role::Muted)
                    } else {
                        t.get(Role::Changed)
                    },
                )),
                side(d.left),
                side(d.right),
            ])
            .style(style)
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Percentage(50),
            Constraint::Percentage(50),
        ],
    )
    .header(Row::new(vec!["field", l.name(), r.name()]).style(t.get(Role::Title)))
    .block(block(&title, app.focus == Pane::Main, app));
    f.render_widget(table, area);
}
