//! The handshake ladder (`l`): a client ↔ server sequence diagram of the selected
//! backend's messages; the selected message's fields with their meaning and RFC
//! section; and a hex view with the selected field's bytes highlighted.
//!
//! ```text
//! ┌ ladder ──────────────────────┐┌ fields ───────────────────────┐
//! │ ClientHello ───────────────▶ ││▸legacy_version TLSv1.2        │
//! │ ◀────────────── ServerHello  ││  meaning … RFC 8446 §4.1.2    │
//! └──────────────────────────────┘└───────────────────────────────┘
//! ┌ hex ───────────────────────────────────────────────────────────┐
//! │ 0000  16 03 01 02 00 01 00 01 fc 03 03 …                       │
//! └────────────────────────────────────────────────────────────────┘
//! ```

use super::scroll::Move;
use super::{block, para};
use crate::tui::app::{App, Pane};
use crate::tui::theme::Role;
use crate::wire::Direction;
use crate::wire::dissect::Dissected;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

/// The ladder's own state: the selected message and, within it, the selected field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LadderState {
    pub msg: usize,
    pub field: usize,
}

impl LadderState {
    /// Move the message (or, with `in_fields`, the field) selection; `fields` holds
    /// each message's field count.
    pub fn apply(&mut self, mv: Move, in_fields: bool, fields: &[usize]) {
        if in_fields {
            let n = fields.get(self.msg).copied().unwrap_or(0);
            self.field = mv.step(self.field, n);
        } else {
            self.msg = mv.step(self.msg, fields.len());
            self.field = 0;
        }
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let b = app.selected_backend_id();
    let items: &[Dissected] = app.derived().map(|d| d.ladder.as_slice()).unwrap_or(&[]);
    let [top, hex] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    let title = format!(" ladder ({b}; ←/→ backend) ");
    if items.is_empty() {
        f.render_widget(
            para(
                vec![Line::from(Span::styled(
                    "connect first (Enter); then ↑↓ pick a message, Tab the fields",
                    t.get(Role::Muted),
                ))],
                t.get(Role::Text),
            )
            .block(block(&title, true, app)),
            area,
        );
        return;
    }
    let sel = app.ladder.msg.min(items.len() - 1);
    render_ladder(f, left, app, items, sel, &title);
    let msg = &items[sel];
    let field = app.ladder.field.min(msg.fields.len().saturating_sub(1));
    render_fields(f, right, app, msg, field);
    render_hex(f, hex, app, msg, field);
}

fn render_ladder(
    f: &mut Frame,
    area: Rect,
    app: &App,
    items: &[Dissected],
    sel: usize,
    title: &str,
) {
    let t = &app.theme;
    let inner_w = area.width.saturating_sub(2) as usize;
    let inner_h = area.height.saturating_sub(3) as usize;
    let first = sel.saturating_sub(inner_h.saturating_sub(1));
    let mut lines = vec![Line::from(vec![
        Span::styled("client", t.get(Role::Title)),
        Span::raw(" ".repeat(inner_w.saturating_sub(12))),
        Span::styled("server", t.get(Role::Title)),
    ])];
    for (i, d) in items.iter().enumerate().skip(first).take(inner_h) {
        let name = format!(" {} ", d.name);
        let arrow_len = inner_w.saturating_sub(name.chars().count() + 2).max(2);
        let text = match d.from {
            // Computed, never sent: no arrow.
            _ if d.name == crate::decrypt::KEY_SCHEDULE
                || d.name == crate::tui::app::RESUMED
                || d.name == crate::tui::app::NOT_RESUMED =>
            {
                let label = if d.name == crate::decrypt::KEY_SCHEDULE {
                    " key schedule (computed) ".to_string()
                } else {
                    format!(" {} ", d.name)
                };
                let pad = inner_w.saturating_sub(label.chars().count());
                format!(
                    "{}{label}{}",
                    "┄".repeat(pad / 2),
                    "┄".repeat(pad - pad / 2)
                )
            }
            Direction::Client => format!("{name}{}▶", "─".repeat(arrow_len)),
            Direction::Server => format!("◀{}{name}", "─".repeat(arrow_len)),
        };
        let role = if i == sel {
            Role::Selected
        } else if d.name == "Alert" {
            Role::Failed
        } else if d.name.starts_with("Encrypted") || d.name == crate::decrypt::PROTECTED_RECORD {
            Role::Muted
        } else {
            Role::Text
        };
        lines.push(Line::from(Span::styled(text, t.get(role))));
    }
    f.render_widget(
        para(lines, t.get(Role::Text)).block(block(title, app.focus == Pane::Main, app)),
        area,
    );
}

fn render_fields(f: &mut Frame, area: Rect, app: &App, msg: &Dissected, sel: usize) {
    let t = &app.theme;
    let inner_h = area.height.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    // The selected field gets its meaning and RFC section under it.
    let first = sel.saturating_sub(inner_h.saturating_sub(3));
    for (i, fs) in msg.fields.iter().enumerate().skip(first) {
        if lines.len() >= inner_h {
            break;
        }
        let indent = "  ".repeat(fs.depth as usize);
        let chosen = i == sel;
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}{indent}{} ", if chosen { "▸" } else { " " }, fs.name),
                t.get(if chosen { Role::Focus } else { Role::Muted }),
            ),
            Span::styled(
                fs.value.clone(),
                t.get(if chosen { Role::Selected } else { Role::Text }),
            ),
        ]));
        if chosen {
            lines.push(Line::from(Span::styled(
                format!("   {}", fs.meaning),
                t.get(Role::Text),
            )));
            lines.push(Line::from(Span::styled(
                format!("   {}", fs.rfc),
                t.get(Role::Title),
            )));
        }
    }
    let title = format!(" {} — {} bytes (Tab, ↑↓ field) ", msg.name, msg.raw.len());
    f.render_widget(
        para(lines, t.get(Role::Text)).block(block(&title, app.focus == Pane::Certs, app)),
        area,
    );
}

fn render_hex(f: &mut Frame, area: Rect, app: &App, msg: &Dissected, sel: usize) {
    let t = &app.theme;
    let (start, len) = msg
        .fields
        .get(sel)
        .map(|x| (x.start, x.len))
        .unwrap_or((0, 0));
    let inner_w = area.width.saturating_sub(2) as usize;
    // "0000  " + 3 chars per byte
    let per_row = ((inner_w.saturating_sub(6)) / 3).clamp(4, 32);
    let inner_h = area.height.saturating_sub(2) as usize;
    let sel_row = start / per_row;
    let first_row = sel_row.saturating_sub(inner_h / 2);
    let mut lines = Vec::new();
    for (row, chunk) in msg
        .raw
        .chunks(per_row)
        .enumerate()
        .skip(first_row)
        .take(inner_h)
    {
        let mut spans = vec![Span::styled(
            format!("{:04x}  ", row * per_row),
            t.get(Role::Muted),
        )];
        for (i, byte) in chunk.iter().enumerate() {
            let at = row * per_row + i;
            let inside = at >= start && at < start + len;
            spans.push(Span::styled(
                format!("{byte:02x} "),
                t.get(if inside { Role::Selected } else { Role::Text }),
            ));
        }
        lines.push(Line::from(spans));
    }
    let title = format!(" hex: bytes {start}..{} selected ", start + len);
    f.render_widget(
        para(lines, t.get(Role::Text)).block(block(&title, false, app)),
        area,
    );
}
