//! The `?` overlay: every key.

use super::{block, centered};
use crate::tui::app::App;
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

pub const KEYS: &[(&str, &str)] = &[
    ("Enter", "connect / retry with the current profile"),
    ("s", "step the OpenSSL security level and retry"),
    ("m", "step the minimum TLS version and retry"),
    ("v", "toggle certificate verification and retry"),
    ("r", "connect twice: the second resumes the first's session"),
    ("f", "apply the selected backend's fix (shown first)"),
    ("x", "why: diagnosis, fixes and their cost, levels"),
    ("l", "ladder: messages, fields with meaning + RFC, hex"),
    (
        "c",
        "reproduce: Python/Rust/curl/s_client (y copy, w write)",
    ),
    ("S", "scan: what the server accepts, per stack (r rescans)"),
    ("Esc", "cancel a running attempt or scan / close"),
    ("e", "profile editor (Enter edits, ←/→ cycle)"),
    ("d", "diff two backends (←/→ pick the pair)"),
    ("h", "history of attempts"),
    ("Tab / S-Tab", "move between panes"),
    ("↑↓ jk PgUp PgDn", "scroll, or pick a lab server"),
    ("← →", "pick a backend column"),
    ("Ctrl-S / Ctrl-O", "save / load the profile (TOML)"),
    ("? / q Ctrl-C", "this help / quit"),
];

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {k:<16}"), t.get(Role::Key)),
                Span::styled(*what, t.get(Role::Text)),
            ])
        })
        .collect();
    // As wide as the longest line (when there is room), lines wrapped when not.
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 2;
    let w = widest.min(area.width);
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block(" keys (any key closes) ", true, app));
    let h = p.line_count(w.saturating_sub(2)) as u16;
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    f.render_widget(p, r);
}
