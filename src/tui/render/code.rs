//! Reproduce it anywhere (`c`): the current profile as working client code or a
//! command, security-weakening lines commented with their cost. `←/→` picks the
//! language, `y` copies it (OSC 52, works over SSH), `w` writes it to a file.

use super::{block, para};
use crate::export::{Lang, export};
use crate::tui::app::{App, Pane};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let lang = Lang::ALL[app.code_lang % Lang::ALL.len()];
    let tabs: Vec<Span> = Lang::ALL
        .iter()
        .flat_map(|l| {
            [
                Span::styled(
                    format!(" {} ", l.name()),
                    t.get(if *l == lang {
                        Role::Selected
                    } else {
                        Role::Muted
                    }),
                ),
                Span::raw(" "),
            ]
        })
        .collect();
    let mut lines = vec![Line::from(tabs), Line::default()];
    match app.form.to_profile() {
        Ok((p, _)) => {
            for l in export(&p, lang).lines() {
                let role = if l.contains("WEAKENS SECURITY") || l.contains("INSECURE") {
                    Role::Insecure
                } else if l.trim_start().starts_with('#') || l.trim_start().starts_with("//") {
                    Role::Muted
                } else {
                    Role::Text
                };
                lines.push(Line::from(Span::styled(
                    crate::text::sanitize(l, 400),
                    t.get(role),
                )));
            }
        }
        Err(e) => lines.push(Line::from(Span::styled(
            format!(
                "fix the profile first: {}",
                e.first()
                    .map(|(k, m)| format!("{k}: {m}"))
                    .unwrap_or_default()
            ),
            t.get(Role::Failed),
        ))),
    }
    let title = format!(
        " reproduce: {} (←/→ language, y copy, w write {}) ",
        lang.name(),
        lang.file_name()
    );
    f.render_widget(
        para(lines, t.get(Role::Text))
            .scroll((app.scroll_code, 0))
            .block(block(&title, app.focus == Pane::Main, app)),
        area,
    );
}
