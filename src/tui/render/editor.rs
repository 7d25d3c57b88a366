//! Profile editor: one row per field — label, value (insecure values marked), error.

use super::block;
use crate::profile::Field;
use crate::tui::app::{App, Pane};
use crate::tui::form::Kind;
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let form = &app.form;
    let inner_h = area.height.saturating_sub(2) as usize;
    // Keep the selected row visible.
    let first = form.selected.saturating_sub(inner_h.saturating_sub(1));
    let label_w = 20usize.min(area.width as usize / 3);
    let mut lines = Vec::new();
    for (i, field) in form.fields.iter().enumerate().skip(first).take(inner_h) {
        let selected = i == form.selected;
        let mut spans = vec![Span::styled(
            format!(
                "{}{:<w$}",
                if selected { "▸" } else { " " },
                field.label,
                w = label_w
            ),
            if selected {
                t.get(Role::Focus)
            } else {
                t.get(Role::Muted)
            },
        )];
        let value_role = if field.error.is_some() {
            Role::Failed
        } else if form.is_insecure(field.key) {
            Role::Insecure
        } else {
            Role::Text
        };
        let editing = selected && form.editing.is_some();
        let shown = if editing {
            let (a, b): (String, String) = {
                let chars: Vec<char> = field.raw.chars().collect();
                let cut = form.cursor.min(chars.len());
                (chars[..cut].iter().collect(), chars[cut..].iter().collect())
            };
            spans.push(Span::styled(a, t.get(value_role)));
            spans.push(Span::styled("▏", t.get(Role::Focus)));
            spans.push(Span::styled(b, t.get(value_role)));
            None
        } else {
            Some(match field.kind {
                Kind::Choice(_) => format!("‹ {} ›", field.raw),
                Kind::Text if field.raw.is_empty() => "(default)".to_string(),
                // The proxy's password stays hidden unless the row is being edited.
                Kind::Text if field.key == Field::Proxy => {
                    crate::profile::redact_proxy_text(&field.raw)
                }
                Kind::Text => field.raw.clone(),
            })
        };
        if let Some(s) = shown {
            let role = if field.raw.is_empty() {
                Role::Muted
            } else {
                value_role
            };
            spans.push(Span::styled(s, t.get(role)));
        }
        if form.is_insecure(field.key) && field.error.is_none() {
            spans.push(Span::styled("  ⚠ weakens security", t.get(Role::Warning)));
        }
        if let Some(e) = &field.error {
            spans.push(Span::styled(format!("  ✗ {e}"), t.get(Role::Failed)));
        }
        lines.push(Line::from(spans));
    }
    let title = " profile (Enter edits a text field; ←/→ cycle a choice) ";
    f.render_widget(
        Paragraph::new(lines).block(block(title, app.focus == Pane::Main, app)),
        area,
    );
}
