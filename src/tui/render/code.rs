//! Reproduce it anywhere (`c`): the current profile as working client code or a
//! command, security-weakening lines commented with their cost. `←/→` picks the
//! language, `y` copies it (OSC 52, works over SSH), `w` writes it to a file.

use super::scroll::Scroll;
use super::{block, para};
use crate::export::{Lang, export};
use crate::profile::Profile;
use crate::tui::app::{App, Pane};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The reproduce view's own state: the language, the scroll, and the code for the
/// profile it was last made from (made again only when the profile or language change).
#[derive(Clone, Debug, Default)]
pub struct CodeState {
    pub lang: usize,
    pub scroll: Scroll,
    made: Option<Made>,
}

/// Code made for a profile (or its problem) in a language.
#[derive(Clone, Debug)]
struct Made {
    profile: Result<Profile, String>,
    lang: usize,
    code: Result<String, String>,
}

impl CodeState {
    pub fn lang(&self) -> Lang {
        Lang::ALL[self.lang % Lang::ALL.len()]
    }

    /// Show the code a client backend runs (its exporter); other backends leave the
    /// language as it was.
    pub fn open_on(&mut self, b: crate::backend::BackendId) {
        if let Some(i) =
            crate::backend::clients::lang(b).and_then(|l| Lang::ALL.iter().position(|x| *x == l))
        {
            self.lang = i;
            self.scroll.reset();
        }
    }

    pub fn step_lang(&mut self, delta: isize) {
        let n = Lang::ALL.len() as isize;
        self.lang = (self.lang as isize + delta).rem_euclid(n) as usize;
        self.scroll.reset();
    }

    /// Make the code again if the profile (or the language) changed since.
    pub fn refresh(&mut self, profile: Result<Profile, String>) {
        if let Some(m) = &self.made
            && m.profile == profile
            && m.lang == self.lang
        {
            return;
        }
        let code = profile
            .as_ref()
            .map(|p| export(p, self.lang()))
            .map_err(Clone::clone);
        self.made = Some(Made {
            profile,
            lang: self.lang,
            code,
        });
    }

    /// The code, or the profile's problem; empty until first made.
    pub fn text(&self) -> Result<&str, String> {
        match self.made.as_ref().map(|m| &m.code) {
            Some(Ok(t)) => Ok(t),
            Some(Err(e)) => Err(e.clone()),
            None => Ok(""),
        }
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let lang = app.code.lang();
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
    match app.code_text() {
        Ok(code) => {
            for l in code.lines() {
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
            format!("fix the profile first: {e}"),
            t.get(Role::Failed),
        ))),
    }
    let title = format!(
        " reproduce: {} (←/→ language, y copy, w write {}) ",
        lang.name(),
        lang.file_name()
    );
    let p = para(lines, t.get(Role::Text)).block(block(&title, app.focus == Pane::Main, app));
    let at = app.code.scroll.fit(&p, area);
    f.render_widget(p.scroll((at, 0)), area);
}
