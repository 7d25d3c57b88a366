//! Pure drawing: `render(frame, &app)` and one function per screen region.
//!
//! ```text
//! ┌ header: tlslens │ target │ WEAKENED … ───────────────────────────────┐
//! │ servers │ main view (session | editor | diff | history)              │
//! │ (lab)   │                                                             │
//! ├ status / comparison line ─────────────────────────────────────────────┤
//! └ key hints ────────────────────────────────────────────────────────────┘
//! ```

mod code;
mod diff;
mod editor;
mod explain;
mod help;
mod history;
mod ladder;
mod session;

use super::app::{App, Pane, PromptKind, View};
use super::theme::Role;
use crate::profile::Field;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Smallest area anything is drawn into; below it a one-line notice.
const MIN_W: u16 = 30;
const MIN_H: u16 = 8;

pub fn render(f: &mut Frame, app: &App) {
    let area = f.area();
    if area.width < MIN_W || area.height < MIN_H {
        let p = Paragraph::new("tlslens: window too small").style(app.theme.get(Role::Warning));
        f.render_widget(p, area);
        return;
    }
    let [header, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(f, header, app);
    let show_sidebar = !app.lab.is_empty() && area.width >= 60;
    let main = if show_sidebar {
        let [side, main] =
            Layout::horizontal([Constraint::Length(15), Constraint::Min(20)]).areas(body);
        render_servers(f, side, app);
        main
    } else {
        body
    };
    match app.view {
        View::Session => session::render(f, main, app),
        View::Editor => editor::render(f, main, app),
        View::Diff => diff::render(f, main, app),
        View::History => history::render(f, main, app),
        View::Explain => explain::render(f, main, app),
        View::Ladder => ladder::render(f, main, app),
        View::Code => code::render(f, main, app),
    }
    render_status(f, status, app);
    render_keys(f, keys, app);
    if app.prompt.is_some() {
        render_prompt(f, area, app);
    }
    if app.fix.is_some() {
        explain::render_fix(f, area, app);
    }
    if app.help {
        help::render(f, area, app);
    }
}

/// A bordered block whose border shows focus.
pub fn block<'a>(title: &'a str, focused: bool, app: &App) -> Block<'a> {
    let t = &app.theme;
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            t.get(Role::Focus)
        } else {
            t.get(Role::Border)
        })
        .title(Span::styled(
            title,
            if focused {
                t.get(Role::Focus)
            } else {
                t.get(Role::Title)
            },
        ))
}

fn render_header(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let mut spans = vec![Span::styled(" tlslens ", t.get(Role::Title))];
    if let Some(e) = app.lab.get(app.server)
        && e.profile.port.to_string() == app.form.get(Field::Port)
    {
        spans.push(Span::styled(format!("lab:{} ", e.name), t.get(Role::Muted)));
    }
    spans.push(Span::styled(
        format!(
            "{}:{} ",
            app.form.get(Field::Host),
            app.form.get(Field::Port)
        ),
        t.get(Role::Text),
    ));
    let weak = app.form.weakenings();
    if !weak.is_empty() {
        let words: Vec<String> = weak.into_iter().map(|w| w.short).collect();
        spans.push(Span::styled(
            format!(" WEAKENED: {} ", words.join(", ")),
            t.get(Role::Insecure),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_servers(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let items: Vec<ListItem> = app
        .lab
        .iter()
        .map(|e| ListItem::new(Span::styled(e.name.clone(), t.get(Role::Text))))
        .collect();
    let focused = app.focus == Pane::Servers;
    let list = List::new(items)
        .block(block("lab", focused, app))
        .highlight_style(t.get(Role::Selected));
    let mut state = ListState::default().with_selected(Some(app.server));
    f.render_stateful_widget(list, area, &mut state);
}

fn render_status(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let line = if let Some(s) = &app.status {
        Line::from(Span::styled(s.clone(), t.get(Role::Warning)))
    } else if let Some(c) = app
        .current()
        .and_then(|a| a.comparison.as_ref())
        .filter(|c| !c.starts_with("same profile"))
    {
        Line::from(vec![
            Span::styled("Δ ", t.get(Role::Changed)),
            Span::styled(c.clone(), t.get(Role::Changed)),
        ])
    } else if let Some(fix) = app.fix_for_selected() {
        Line::from(vec![
            Span::styled(format!("{}: ", fix.backend), t.get(Role::Muted)),
            Span::styled("f", t.get(Role::Key)),
            Span::styled(
                format!(" applies {}", fix.change.as_flags()),
                t.get(Role::Changed),
            ),
            Span::styled(format!(" — {}", fix.why), t.get(Role::Muted)),
        ])
    } else if matches!(
        app.current().map(|a| &a.explanation),
        Some(super::app::Explanation::Searching)
    ) {
        Line::from(Span::styled(
            format!(
                "{} looking for the smallest change that works…",
                SPINNER[app.spinner % SPINNER.len()]
            ),
            t.get(Role::Muted),
        ))
    } else if let Some(e) = app.lab.get(app.server) {
        Line::from(Span::styled(
            format!("{}: {}", e.name, e.summary),
            t.get(Role::Muted),
        ))
    } else {
        Line::default()
    };
    f.render_widget(Paragraph::new(line), area);
}

fn render_keys(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let keys: &[(&str, &str)] = if app.form.editing.is_some() {
        &[("Enter", "keep"), ("Esc", "undo"), ("←/→", "cursor")]
    } else if app.view == View::Editor {
        &[
            ("↑↓", "field"),
            ("←→", "choose"),
            ("Enter", "edit/connect"),
            ("^S", "save"),
            ("^O", "load"),
            ("e", "back"),
            ("?", "help"),
        ]
    } else {
        &[
            ("Enter", "connect"),
            ("s", "level"),
            ("m", "min"),
            ("v", "verify"),
            ("f", "fix"),
            ("x", "why"),
            ("e", "edit"),
            ("d", "diff"),
            ("h", "hist"),
            ("?", "help"),
        ]
    };
    let mut spans = Vec::new();
    for (k, what) in keys {
        spans.push(Span::styled(k.to_string(), t.get(Role::Key)));
        spans.push(Span::styled(format!(" {what} "), t.get(Role::Muted)));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_prompt(f: &mut Frame, area: Rect, app: &App) {
    let Some(p) = &app.prompt else { return };
    let t = &app.theme;
    let w = area.width.saturating_sub(4).min(70);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + area.height / 2 - 1,
        w,
        3,
    );
    let title = match p.kind {
        PromptKind::Save => " save profile to (Enter saves, Esc cancels) ",
        PromptKind::Load => " load profile from (Enter loads, Esc cancels) ",
    };
    f.render_widget(Clear, r);
    let para = Paragraph::new(Line::from(vec![
        Span::styled(p.text.clone(), t.get(Role::Text)),
        Span::styled("▏", t.get(Role::Focus)),
    ]))
    .block(block(title, true, app));
    f.render_widget(para, r);
}

/// Centered rectangle of at most `w`×`h`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A wrapped paragraph of lines.
pub fn para<'a>(lines: Vec<Line<'a>>, style: Style) -> Paragraph<'a> {
    Paragraph::new(lines)
        .style(style)
        .wrap(Wrap { trim: false })
}
