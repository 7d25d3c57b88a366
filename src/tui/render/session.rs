//! Session view: one column per backend, then the selected backend's certificate
//! chain and handshake transcript.
//!
//! ```text
//! ┌native-tls──┐┌openssl─────┐┌rustls──────┐
//! │FAILED      ││OK TLSv1.1  ││FAILED      │
//! └────────────┘└────────────┘└────────────┘
//! ┌certificates (openssl)─┐┌transcript (openssl)─┐
//! └───────────────────────┘└─────────────────────┘
//! ```

use super::scroll::Scroll;
use super::{SPINNER, block, para};
use crate::backend::BackendId;
use crate::report::BackendReport;
use crate::tui::app::{App, Pane, Slot};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

/// The session view's own state: how far each lower pane is scrolled.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionState {
    pub certs: Scroll,
    pub transcript: Scroll,
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let backends = app.backends();
    let cols = Layout::horizontal(vec![
        Constraint::Ratio(1, backends.len().max(1) as u32);
        backends.len().max(1)
    ])
    .split(top);
    for (i, b) in backends.iter().enumerate() {
        render_column(f, cols[i], app, *b, i == app.selected_backend);
    }
    let [certs, transcript] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    let sel = app.selected_backend_id();
    let report = app.current().and_then(|a| a.report(sel));
    render_certs(f, certs, app, sel, report);
    render_transcript(f, transcript, app, sel, report);
}

fn render_column(f: &mut Frame, area: Rect, app: &App, b: BackendId, selected: bool) {
    let t = &app.theme;
    let inner_w = area.width.saturating_sub(2) as usize;
    let focused = selected && app.focus == Pane::Main;
    let title = format!("{}{}", b.name(), if selected { " ◂" } else { "" });
    let current = app.current();
    let slot = current.and_then(|a| a.slot(b));
    // While retrying, the previous result (same target) stays under a spinner in the
    // title, so an unchanged retry redraws a few cells, not the whole column.
    let previous = current
        .and_then(|a| a.follows)
        .and_then(|id| app.attempt(id))
        .and_then(|a| a.report(b));
    let spin = SPINNER[app.spinner % SPINNER.len()];
    let title = match slot {
        Some(Slot::Connecting) => format!("{} {spin}", b.name()),
        _ => title,
    };
    let lines: Vec<Line> = match slot {
        None => vec![Line::from(Span::styled(
            "Enter to connect",
            t.get(Role::Muted),
        ))],
        Some(Slot::Connecting) => match previous {
            Some(r) => result_lines(app, r, inner_w),
            None => vec![Line::from(Span::styled(
                format!("{spin} connecting…"),
                t.get(Role::Warning),
            ))],
        },
        Some(Slot::Cancelled) => vec![Line::from(Span::styled("cancelled", t.get(Role::Muted)))],
        Some(Slot::Done(r)) => result_lines(app, r, inner_w),
    };
    f.render_widget(
        para(lines, t.get(Role::Text)).block(block(&title, focused, app)),
        area,
    );
}

fn kv<'a>(app: &App, k: &'a str, v: String, role: Role) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{k} "), app.theme.get(Role::Muted)),
        Span::styled(v, app.theme.get(role)),
    ])
}

fn result_lines<'a>(app: &App, r: &'a BackendReport, width: usize) -> Vec<Line<'a>> {
    let t = &app.theme;
    let mut out = Vec::new();
    if r.not_installed() {
        out.push(Line::from(Span::styled(
            "not installed",
            t.get(Role::Muted),
        )));
        if let Some(e) = &r.error {
            out.push(Line::from(Span::styled(
                e.message.clone(),
                t.get(Role::Muted),
            )));
        }
        return out;
    }
    if r.ok {
        out.push(Line::from(Span::styled("OK", t.get(Role::Ok))));
    } else {
        out.push(Line::from(Span::styled("FAILED", t.get(Role::Failed))));
    }
    let d = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    if r.version.is_some() {
        out.push(kv(app, "version", d(&r.version), Role::Text));
        let cipher = d(&r.cipher);
        if "cipher ".len() + cipher.len() <= width {
            out.push(kv(app, "cipher", cipher, Role::Text));
        } else {
            // Long IANA names break at their underscores, never mid-word.
            out.push(Line::from(Span::styled("cipher", t.get(Role::Muted))));
            for piece in break_at_underscores(&cipher, width) {
                out.push(Line::from(Span::styled(piece, t.get(Role::Text))));
            }
        }
        out.push(kv(app, "group", d(&r.group), Role::Text));
        if r.alpn.is_some() {
            out.push(kv(app, "alpn", d(&r.alpn), Role::Text));
        }
    }
    if let Some(e) = &r.error {
        let alert = e
            .alert
            .as_deref()
            .map(|a| format!(" {a}"))
            .unwrap_or_default();
        out.push(kv(
            app,
            "error",
            format!("{}{alert} @ {}", e.kind.as_str(), e.stage.as_str()),
            Role::Failed,
        ));
        out.push(Line::from(Span::styled(
            e.detail.clone(),
            t.get(Role::Text),
        )));
        if !e.detail.contains(&e.message) && !e.message.is_empty() {
            out.push(Line::from(Span::styled(
                e.message.clone(),
                t.get(Role::Muted),
            )));
        }
    }
    let (v, role) = match r.verify.ok {
        Some(true) => ("ok".to_string(), Role::Ok),
        Some(false) => (
            format!("FAILED {}", r.verify.reason.clone().unwrap_or_default()),
            Role::Failed,
        ),
        None => ("-".to_string(), Role::Muted),
    };
    out.push(kv(app, "verify", v, role));
    if let Some(c) = &r.client {
        let exit = c.exit_words();
        out.push(kv(
            app,
            "client",
            format!("`{}` {exit}", c.command),
            Role::Muted,
        ));
    }
    if let Some(fp) = &r.fingerprint {
        out.push(kv(app, "ja4", fp.ja4.clone(), Role::Muted));
    }
    if let Some(h) = r.timing_ms.handshake {
        out.push(kv(
            app,
            "time",
            format!("{:.1}+{h:.1} ms", r.timing_ms.connect.unwrap_or(0.0)),
            Role::Muted,
        ));
    }
    if !r.unsupported.is_empty() {
        out.push(kv(
            app,
            "not settable",
            r.unsupported.join(", "),
            Role::Warning,
        ));
    }
    for m in &r.mismatches {
        out.push(kv(app, "MISMATCH", m.clone(), Role::Failed));
    }
    out
}

fn render_certs(f: &mut Frame, area: Rect, app: &App, b: BackendId, r: Option<&BackendReport>) {
    let t = &app.theme;
    let title = format!("certificates ({})", b.name());
    let mut lines = Vec::new();
    match r {
        Some(r) if !r.certificates.is_empty() => {
            for (i, c) in r.certificates.iter().enumerate() {
                lines.push(Line::from(Span::styled(
                    format!("#{i} {}", c.subject),
                    t.get(Role::Title),
                )));
                lines.push(kv(app, " issuer", c.issuer.clone(), Role::Text));
                if !c.sans.is_empty() {
                    lines.push(kv(app, " names", c.sans.join(", "), Role::Text));
                }
                let role = if c.expired || c.not_yet_valid {
                    Role::Failed
                } else {
                    Role::Text
                };
                lines.push(kv(
                    app,
                    " valid",
                    format!("{} → {}", c.not_before, c.not_after),
                    role,
                ));
                let weak = c.weakness();
                lines.push(kv(
                    app,
                    " key",
                    format!("{}-{} {}", c.key_type, c.key_bits, c.signature_algorithm),
                    if weak.is_some() {
                        Role::Insecure
                    } else {
                        Role::Text
                    },
                ));
                lines.push(kv(app, " sha256", c.sha256.clone(), Role::Muted));
            }
        }
        Some(_) => lines.push(Line::from(Span::styled(
            "no certificate seen",
            t.get(Role::Muted),
        ))),
        None => lines.push(Line::from(Span::styled("-", t.get(Role::Muted)))),
    }
    let p = para(lines, t.get(Role::Text)).block(block(&title, app.focus == Pane::Certs, app));
    let at = app.session.certs.fit(&p, area);
    f.render_widget(p.scroll((at, 0)), area);
}

fn render_transcript(
    f: &mut Frame,
    area: Rect,
    app: &App,
    b: BackendId,
    r: Option<&BackendReport>,
) {
    let t = &app.theme;
    let title = format!("transcript ({})", b.name());
    let derived = r.and_then(|_| app.derived());
    let lines: Vec<Line> = match derived {
        Some(d) => d
            .transcript
            .iter()
            .map(|l| {
                let role = if l.contains("Alert") {
                    Role::Failed
                } else if l.starts_with('C') {
                    Role::Text
                } else {
                    Role::Title
                };
                Line::from(Span::styled(l.as_str(), t.get(role)))
            })
            .collect(),
        None => vec![Line::from(Span::styled("-", t.get(Role::Muted)))],
    };
    let p = para(lines, t.get(Role::Text)).block(block(&title, app.focus == Pane::Transcript, app));
    let at = app.session.transcript.fit(&p, area);
    f.render_widget(p.scroll((at, 0)), area);
}

/// Split `TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA` into lines of at most `width`, breaking
/// after underscores (a single over-long part is cut).
fn break_at_underscores(s: &str, width: usize) -> Vec<String> {
    let width = width.max(4);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for part in s.split_inclusive('_') {
        if !cur.is_empty() && cur.len() + part.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        cur.push_str(part);
        while cur.len() > width {
            let rest = cur.split_off(width);
            lines.push(std::mem::replace(&mut cur, rest));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn cipher_names_break_at_underscores() {
        assert_eq!(
            super::break_at_underscores("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 20),
            ["TLS_ECDHE_RSA_WITH_", "AES_256_CBC_SHA"]
        );
        assert_eq!(
            super::break_at_underscores("TLS_AES_256_GCM_SHA384", 22),
            ["TLS_AES_256_GCM_SHA384"]
        );
        assert_eq!(
            super::break_at_underscores("ABCDEFGHIJ", 4),
            ["ABCD", "EFGH", "IJ"]
        );
    }
}
