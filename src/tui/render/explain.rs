//! The diagnosis view (`x`): per backend, what went wrong, the evidence, the smallest
//! change seen to work and what it costs; then the OpenSSL security levels on this
//! server. And the confirmation box `f` shows before applying a fix.

use super::scroll::Scroll;
use super::{SPINNER, block, centered, para};
use crate::diagnose::Severity;
use crate::diagnose::levels::{LEVELS, highest_working};
use crate::tui::app::{App, Explanation, Pane};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

/// The diagnosis view's own state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExplainState {
    pub scroll: Scroll,
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let mut lines: Vec<Line> = Vec::new();
    let muted = t.get(Role::Muted);
    match app.current().map(|a| &a.explanation) {
        None => lines.push(Line::from(Span::styled("connect first (Enter)", muted))),
        Some(Explanation::None) => {
            lines.push(Line::from(Span::styled("waiting for the attempt…", muted)))
        }
        Some(Explanation::Stopped) => lines.push(Line::from(Span::styled(
            "the diagnosis was stopped (Esc or a newer attempt): Enter retries",
            muted,
        ))),
        Some(Explanation::Failed(why)) => lines.push(Line::from(Span::styled(
            format!("the diagnosis failed: {why}"),
            t.get(Role::Failed),
        ))),
        Some(Explanation::Searching) => lines.push(Line::from(Span::styled(
            format!(
                "{} trying the smallest changes, one handshake each (bounded)…",
                SPINNER[app.spinner % SPINNER.len()]
            ),
            t.get(Role::Warning),
        ))),
        Some(Explanation::Done(e)) => {
            for (b, findings) in &e.findings {
                let ok = app
                    .current()
                    .and_then(|a| a.report(*b))
                    .is_some_and(|r| r.ok);
                lines.push(Line::from(vec![
                    Span::styled(format!("{b} "), t.get(Role::Title)),
                    Span::styled(
                        if ok { "OK" } else { "FAILED" },
                        t.get(if ok { Role::Ok } else { Role::Failed }),
                    ),
                ]));
                for fnd in findings {
                    let role = match fnd.severity {
                        Severity::Error => Role::Text,
                        Severity::Warning => Role::Warning,
                        Severity::Info => Role::Muted,
                    };
                    lines.push(Line::from(Span::styled(
                        format!("• {}", fnd.finding),
                        t.get(role),
                    )));
                    for ev in &fnd.evidence {
                        lines.push(Line::from(Span::styled(
                            format!("    evidence: {ev}"),
                            muted,
                        )));
                    }
                    if let Some(s) = &fnd.suggest {
                        lines.push(Line::from(vec![
                            Span::styled("    fix (tried, works): ", muted),
                            Span::styled(s.as_flags(), t.get(Role::Changed)),
                        ]));
                        if let Some(c) = &fnd.cost {
                            lines.push(Line::from(vec![
                                Span::styled("    cost: ", muted),
                                Span::styled(c.clone(), t.get(Role::Insecure)),
                            ]));
                        }
                    }
                    if let Some(a) = &fnd.alternative {
                        let flags = a.suggest.as_flags();
                        lines.push(Line::from(Span::styled(
                            format!(
                                "    instead: the {} backend connects{}",
                                a.backend,
                                if flags.is_empty() {
                                    " as is".into()
                                } else {
                                    format!(" with {flags}")
                                }
                            ),
                            t.get(Role::Changed),
                        )));
                    }
                }
                lines.push(Line::default());
            }
            if !e.levels.is_empty() {
                let best = highest_working(&e.levels);
                lines.push(Line::from(Span::styled(
                    "OpenSSL security levels on this server (openssl backend)",
                    t.get(Role::Title),
                )));
                lines.push(Line::from(Span::styled(
                    " lvl bits RSA/DH ECC  SHA-1                 here",
                    muted,
                )));
                for (info, r) in LEVELS.iter().zip(&e.levels) {
                    let here = if r.ok { "works" } else { "fails" };
                    let mark = if Some(r.level) == best {
                        "  ◂ highest that works"
                    } else {
                        ""
                    };
                    let role = if Some(r.level) == best {
                        Role::Ok
                    } else if r.ok {
                        Role::Text
                    } else {
                        Role::Muted
                    };
                    lines.push(Line::from(Span::styled(
                        format!(
                            " {:<3} {:<4} {:<6} {:<4} {:<21} {here}{mark}",
                            info.level, info.bits, info.rsa_dh_min, info.ecc_min, info.sha1
                        ),
                        t.get(role),
                    )));
                }
                if best.is_none() {
                    lines.push(Line::from(Span::styled(
                        " no level works: the failure is not about the level",
                        muted,
                    )));
                }
            }
        }
    }
    let p = para(lines, t.get(Role::Text)).block(block(
        " why (x) — f applies the selected backend's fix ",
        app.focus == Pane::Main,
        app,
    ));
    let at = app.explain.scroll.fit(&p, area);
    f.render_widget(p.scroll((at, 0)), area);
}

pub fn render_fix(f: &mut Frame, area: Rect, app: &App) {
    let Some(fix) = app.fix() else { return };
    let t = &app.theme;
    let r = centered(area, 70, 9);
    let lines = vec![
        Line::from(vec![
            Span::styled(format!("{}: ", fix.backend), t.get(Role::Muted)),
            Span::styled(fix.flags.clone(), t.get(Role::Changed)),
        ]),
        Line::from(Span::styled(fix.why.clone(), t.get(Role::Text))),
        Line::from(vec![
            Span::styled("cost: ", t.get(Role::Muted)),
            Span::styled(fix.cost.clone(), t.get(Role::Insecure)),
        ]),
        Line::from(vec![
            Span::styled("f", t.get(Role::Key)),
            Span::styled(" or ", t.get(Role::Muted)),
            Span::styled("Enter", t.get(Role::Key)),
            Span::styled(" applies it and retries, ", t.get(Role::Muted)),
            Span::styled("Esc", t.get(Role::Key)),
            Span::styled(" keeps the profile", t.get(Role::Muted)),
        ]),
    ];
    f.render_widget(Clear, r);
    f.render_widget(
        para(lines, t.get(Role::Text)).block(block(" apply this fix? ", true, app)),
        r,
    );
}
