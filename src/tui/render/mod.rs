//! Pure drawing: `render(frame, &app)` and one function per screen region.
//!
//! ```text
//! ┌ header: tlslens │ target │ WEAKENED … ───────────────────────────────┐
//! │ servers │ main view (session | editor | diff | history | scan | …)     │
//! │ (lab)   │                                                             │
//! ├ status / comparison line ─────────────────────────────────────────────┤
//! └ key hints ────────────────────────────────────────────────────────────┘
//! ```

pub mod code;
pub mod diff;
mod editor;
pub mod explain;
pub mod help;
pub mod history;
pub mod ladder;
pub mod scan;
pub mod scroll;
pub mod session;

use super::app::{App, Confirm, Explanation, FixProposal, LabEntry, Mode, Pane, PromptKind, View};
use super::theme::Role;
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
    // A message or the Δ against the attempt before wraps (up to 3 rows) rather than
    // lose its end; hints (the fix, the lab entry) keep to one row.
    let mut status_line = Paragraph::new(status_line(app));
    let mut status_rows = 1;
    if matches!(footer(app), Footer::Status(_) | Footer::Comparison(_)) {
        status_line = status_line.wrap(Wrap { trim: false });
        status_rows = status_line.line_count(area.width).clamp(1, 3) as u16;
    }
    let [header, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(status_rows),
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
        View::Scan => scan::render(f, main, app),
    }
    f.render_widget(status_line, status);
    render_keys(f, keys, app);
    match &app.mode {
        Mode::Prompt(_) => render_prompt(f, area, app),
        Mode::Confirm(Confirm::Fix(_)) => explain::render_fix(f, area, app),
        Mode::Confirm(Confirm::Overwrite(file)) => render_overwrite(f, area, app, file),
        Mode::Help => help::render(f, area, app),
        Mode::Normal | Mode::Editing => {}
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
    if let Some(e) = app.lab_target() {
        spans.push(Span::styled(format!("lab:{} ", e.name), t.get(Role::Muted)));
    }
    spans.push(Span::styled(
        format!("{} ", app.target_text()),
        t.get(Role::Text),
    ));
    let weak = app.weakened_words();
    if !weak.is_empty() {
        spans.push(Span::styled(
            format!(" WEAKENED: {} ", weak.join(", ")),
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

/// What the status line says, in order of precedence.
pub enum Footer<'a> {
    Status(&'a str),
    /// This attempt against the one before.
    Comparison(&'a str),
    Fix(FixProposal),
    /// The diagnosis search is running (a spinner).
    Searching,
    /// The target is this lab server: what it is.
    Lab(&'a LabEntry),
    Empty,
}

pub fn footer(app: &App) -> Footer<'_> {
    let current = app.current();
    if let Some(s) = &app.status {
        Footer::Status(s)
    } else if let Some(c) = current
        .and_then(|a| a.comparison.as_deref())
        .filter(|c| !c.starts_with("same profile"))
    {
        Footer::Comparison(c)
    } else if let Some(fix) = app.fix_for_selected() {
        Footer::Fix(fix)
    } else if current.is_some_and(|a| matches!(a.explanation, Explanation::Searching)) {
        Footer::Searching
    } else if let Some(e) = app.lab_target() {
        Footer::Lab(e)
    } else {
        Footer::Empty
    }
}

fn status_line(app: &App) -> Line<'_> {
    let t = &app.theme;
    match footer(app) {
        Footer::Status(s) => Line::from(Span::styled(s, t.get(Role::Warning))),
        Footer::Comparison(c) => Line::from(vec![
            Span::styled("Δ ", t.get(Role::Changed)),
            Span::styled(c, t.get(Role::Changed)),
        ]),
        Footer::Fix(fix) => Line::from(vec![
            Span::styled(format!("{}: ", fix.backend), t.get(Role::Muted)),
            Span::styled("f", t.get(Role::Key)),
            Span::styled(format!(" applies {}", fix.flags), t.get(Role::Changed)),
            Span::styled(format!(" — {}", fix.why), t.get(Role::Muted)),
        ]),
        Footer::Searching => Line::from(Span::styled(
            format!(
                "{} looking for the smallest change that works…",
                SPINNER[app.spinner % SPINNER.len()]
            ),
            t.get(Role::Muted),
        )),
        Footer::Lab(e) => Line::from(Span::styled(
            format!("{}: {}", e.name, e.summary),
            t.get(Role::Muted),
        )),
        Footer::Empty => Line::default(),
    }
}

fn render_keys(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let keys: &[(&str, &str)] = if matches!(app.mode, Mode::Editing) {
        &[("Enter", "keep"), ("Esc", "undo"), ("←/→", "cursor")]
    } else if app.view == View::Scan {
        &[
            ("Esc", "stop"),
            ("r", "rescan"),
            ("↑↓", "scroll"),
            ("S", "back"),
            ("x", "why"),
            ("?", "help"),
        ]
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
    let Some(p) = app.prompt() else { return };
    let t = &app.theme;
    let w = area.width.saturating_sub(4).min(70);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + area.height / 2 - 1,
        w,
        3,
    );
    let title = match p.kind {
        PromptKind::Save => " save profile to (Enter saves, Esc cancels) ".to_string(),
        PromptKind::Load if !app.library.is_empty() => format!(
            " load a file, or from the library: {} (Enter loads) ",
            crate::text::sanitize(&app.library.join(", "), 60)
        ),
        PromptKind::Load => " load profile from (Enter loads, Esc cancels) ".to_string(),
    };
    f.render_widget(Clear, r);
    let para = Paragraph::new(Line::from(vec![
        Span::styled(p.text.clone(), t.get(Role::Text)),
        Span::styled("▏", t.get(Role::Focus)),
    ]))
    .block(block(&title, true, app));
    f.render_widget(para, r);
}

fn render_overwrite(f: &mut Frame, area: Rect, app: &App, file: &super::app::FileWrite) {
    let t = &app.theme;
    let lines = vec![
        Line::from(Span::styled(
            format!("{} exists.", file.path.display()),
            t.get(Role::Text),
        )),
        Line::from(vec![
            Span::styled("y", t.get(Role::Key)),
            Span::styled(" or ", t.get(Role::Muted)),
            Span::styled("Enter", t.get(Role::Key)),
            Span::styled(" replaces it, ", t.get(Role::Muted)),
            Span::styled("n", t.get(Role::Key)),
            Span::styled(" or ", t.get(Role::Muted)),
            Span::styled("Esc", t.get(Role::Key)),
            Span::styled(" keeps it", t.get(Role::Muted)),
        ]),
    ];
    let r = centered(area, 70, 4);
    f.render_widget(Clear, r);
    f.render_widget(
        para(lines, t.get(Role::Text)).block(block(" overwrite? ", true, app)),
        r,
    );
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
