//! The scan view (`S`): what the server accepts, whatever our stacks can do.
//!
//! ```text
//! ┌ scan (S) — r rescans, Esc stops ──────────────────────────────┐
//! │ 127.0.0.1:44303 sni localhost — 35 connections, 31 ms          │
//! │ N O R: native-tls, openssl, rustls offer it with this profile  │
//! │ SSLv3    no   fatal alert handshake_failure                    │
//! │ TLSv1.0  yes  4 suites, the server follows our order           │
//! │   · O ·  TLS_RSA_WITH_AES_128_CBC_SHA                          │
//! │ curves, DHE, signatures, certificates, checks, SNI             │
//! │ our stacks: outcome, the fix seen to work, or who can instead  │
//! └────────────────────────────────────────────────────────────────┘
//! ```

use super::scroll::Scroll;
use super::{SPINNER, block, para};
use crate::explain::stacks::StackUse;
use crate::scan::ScanReport;
use crate::text::sanitize;
use crate::tui::app::{App, Pane, Scan, ScanStatus};
use crate::tui::theme::{Role, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The scan view's own state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScanViewState {
    pub scroll: Scroll,
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let muted = t.get(Role::Muted);
    let mut lines: Vec<Line> = Vec::new();
    match app.current_scan() {
        None => lines.push(Line::from(Span::styled(
            "no scan of this target: r scans it",
            muted,
        ))),
        Some(s) => match &s.status {
            ScanStatus::Running => lines.push(progress_line(app, s)),
            ScanStatus::Stopped => lines.push(Line::from(Span::styled(
                "the scan was stopped: r scans again",
                muted,
            ))),
            ScanStatus::Failed(why) => lines.push(Line::from(Span::styled(
                format!("the scan failed: {}", sanitize(why, 300)),
                t.get(Role::Failed),
            ))),
            ScanStatus::Done(d) => report_lines(&mut lines, t, &d.report, &d.stacks),
        },
    }
    let p = para(lines, t.get(Role::Text)).block(block(
        " scan (S) — r rescans, Esc stops ",
        app.focus == Pane::Main,
        app,
    ));
    let at = app.scan_view.scroll.fit(&p, area);
    f.render_widget(p.scroll((at, 0)), area);
}

/// The spinner and the connections opened so far.
pub fn progress_line<'a>(app: &App, s: &Scan) -> Line<'a> {
    Line::from(Span::styled(
        format!(
            "{} scanning what the server accepts, then our stacks against it… {} connections (Esc stops)",
            SPINNER[app.spinner % SPINNER.len()],
            s.connections()
        ),
        app.theme.get(Role::Warning),
    ))
}

/// One line for the diagnosis: which versions the server accepts, with how many suites.
pub fn summary(r: &ScanReport) -> String {
    if let Some(e) = &r.error {
        return format!("the scan could not run: {}", sanitize(e, 200));
    }
    let accepted: Vec<String> = r
        .versions
        .iter()
        .filter(|v| v.supported)
        .map(|v| format!("{} ({} suites)", v.version, v.ciphers.len()))
        .collect();
    if accepted.is_empty() {
        "the server accepts none of SSLv3 … TLSv1.3".into()
    } else {
        format!("the server accepts {}", accepted.join(", "))
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}

/// A label in a fixed column, then its value.
fn row<'a>(t: &Theme, label: &str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<17}"), t.get(Role::Muted)),
        Span::styled(value, t.get(Role::Text)),
    ])
}

fn report_lines(lines: &mut Vec<Line>, t: &Theme, r: &ScanReport, stacks: &[StackUse]) {
    let muted = t.get(Role::Muted);
    lines.push(Line::from(Span::styled(
        format!(
            "{} {}{}{} — {} connections, {:.0} ms",
            sanitize(
                &crate::profile::host_port(&r.target.host, r.target.port),
                110
            ),
            r.target
                .sni
                .as_deref()
                .map(|s| format!("sni {}", sanitize(s, 100)))
                .unwrap_or_else(|| "no sni".into()),
            r.starttls
                .as_deref()
                .map(|s| format!(" starttls {s}"))
                .unwrap_or_default(),
            r.proxy
                .as_deref()
                .map(|p| format!(" via proxy {}", sanitize(p, 100)))
                .unwrap_or_default(),
            r.connections,
            r.elapsed_ms
        ),
        muted,
    )));
    if let Some(e) = &r.error {
        lines.push(Line::from(Span::styled(
            format!("not scanned: {}", sanitize(e, 300)),
            t.get(Role::Failed),
        )));
        return;
    }
    if !stacks.is_empty() {
        let names: Vec<&str> = stacks.iter().map(|s| s.backend.name()).collect();
        lines.push(Line::from(Span::styled(
            format!(
                "{}: {} offer it with this profile",
                marks_legend(stacks),
                names.join(", ")
            ),
            muted,
        )));
    }
    for v in &r.versions {
        if !v.supported {
            lines.push(Line::from(Span::styled(
                format!("{:<8} no   {}", v.version, sanitize(&v.evidence, 120)),
                muted,
            )));
            continue;
        }
        let order = match (v.ciphers.len() < 2, v.server_order) {
            (true, _) => "",
            (false, true) => ", in the server's order",
            (false, false) => ", the server follows our order",
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<8} ", v.version), t.get(Role::Title)),
            Span::styled("yes  ", t.get(Role::Ok)),
            Span::styled(
                format!(
                    "{} suite{}{order}",
                    v.ciphers.len(),
                    if v.ciphers.len() == 1 { "" } else { "s" }
                ),
                t.get(Role::Text),
            ),
        ]));
        for c in &v.ciphers {
            let combo = format!("{} {c}", v.version);
            let mut spans = vec![Span::raw("  ")];
            for s in stacks {
                let (mark, role) = if s.offers.contains(&combo) {
                    (letter(s), Role::Ok)
                } else {
                    ("·".into(), Role::Muted)
                };
                spans.push(Span::styled(format!("{mark} "), t.get(role)));
            }
            spans.push(Span::styled(format!(" {c}"), t.get(Role::Text)));
            lines.push(Line::from(spans));
        }
    }
    lines.push(Line::default());
    if !r.groups_tls13.is_empty() {
        let order = match r.groups_server_order {
            Some(true) => " (server's order)",
            Some(false) => " (follows ours)",
            None => "",
        };
        lines.push(row(
            t,
            "groups TLS 1.3",
            format!("{}{order}", list(&r.groups_tls13)),
        ));
    }
    if !r.curves_tls12.is_empty() {
        lines.push(row(t, "curves TLS ≤ 1.2", list(&r.curves_tls12)));
    }
    if let Some(b) = r.dhe_bits {
        lines.push(row(t, "DHE prime", format!("{b} bits")));
    }
    if !r.signature_algorithms.is_empty() {
        lines.push(row(t, "signatures 1.2", list(&r.signature_algorithms)));
    }
    for (i, c) in r.certificates.iter().enumerate() {
        let role = if c.expired || (c.self_signed && i == 0) {
            Role::Insecure
        } else {
            Role::Text
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<17}", if i == 0 { "certificates" } else { "" }),
                muted,
            ),
            Span::styled(
                format!(
                    "{}  {}-{}  until {}{}",
                    sanitize(&c.subject, 120),
                    c.key_type,
                    c.key_bits,
                    c.not_after,
                    if c.expired { " EXPIRED" } else { "" }
                ),
                t.get(role),
            ),
        ]));
    }
    for (label, line) in r.checks.lines() {
        lines.push(row(t, label, line));
    }
    if let Some(s) = &r.sni {
        lines.push(row(
            t,
            "SNI",
            format!(
                "without: {} · another name: {}",
                sanitize(&s.without_sni, 120),
                sanitize(&s.other_name, 120)
            ),
        ));
    }
    for a in &r.anomalies {
        lines.push(row(t, "anomaly", sanitize(a, 200)));
    }
    stack_lines(lines, t, stacks);
}

/// The stack's mark: the first letter of its name, upper-case (N, O, R).
fn letter(s: &StackUse) -> String {
    s.backend
        .name()
        .chars()
        .next()
        .map(|c| c.to_ascii_uppercase().to_string())
        .unwrap_or_default()
}

fn marks_legend(stacks: &[StackUse]) -> String {
    stacks.iter().map(letter).collect::<Vec<_>>().join(" ")
}

/// Each of our stacks against what the server accepts.
fn stack_lines(lines: &mut Vec<Line>, t: &Theme, stacks: &[StackUse]) {
    if stacks.is_empty() {
        return;
    }
    let muted = t.get(Role::Muted);
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "our stacks, with this profile",
        t.get(Role::Title),
    )));
    for s in stacks {
        let total = s.offers.len() + s.misses.len();
        lines.push(Line::from(vec![
            Span::styled(format!("{:<11}", s.backend.name()), t.get(Role::Title)),
            Span::styled(
                if s.ok { "ok      " } else { "FAILED  " },
                t.get(if s.ok { Role::Ok } else { Role::Failed }),
            ),
            Span::styled(sanitize(&s.outcome, 80), t.get(Role::Text)),
            Span::styled(
                format!(" · offers {} of the {total} accepted", s.offers.len()),
                muted,
            ),
        ]));
        if let Some(fix) = &s.fix {
            lines.extend(super::explain::fix_lines(t, fix, s.cost.as_deref()));
        } else if let Some(i) = &s.instead {
            lines.push(Line::from(vec![
                Span::styled("    no profile change works; instead: ", muted),
                Span::styled(i.clone(), t.get(Role::Changed)),
            ]));
        } else if !s.ok {
            lines.push(Line::from(Span::styled(
                "    no profile change tried made it connect",
                muted,
            )));
        }
    }
}
