//! The one-key fix (`f`): the selected backend's verified change, shown with its cost
//! first, applied on confirmation. Every use of the diagnosis' `Suggestion` is here.

use super::{App, Confirm, Mode};
use crate::backend::BackendId;
use crate::diagnose::Suggestion;
use crate::tui::app::Explanation;

/// A fix waiting for the user's confirmation (`f` shows it, `f`/Enter applies it).
#[derive(Clone, Debug)]
pub struct FixProposal {
    pub backend: BackendId,
    pub change: Suggestion,
    /// The change as command-line flags (`--seclevel 0`).
    pub flags: String,
    pub cost: String,
    pub why: String,
}

impl App {
    /// The selected backend's verified fix, if the explanation has one.
    pub fn fix_for_selected(&self) -> Option<FixProposal> {
        let b = self.selected_backend_id();
        let Explanation::Done(e) = &self.current()?.explanation else {
            return None;
        };
        let (_, findings) = e.findings.iter().find(|(id, _)| *id == b)?;
        findings.iter().find_map(|f| {
            let change = f.suggest.clone().filter(|_| f.verified)?;
            Some(FixProposal {
                backend: b,
                cost: f.cost.clone().unwrap_or_default(),
                why: f.finding.clone(),
                flags: change.as_flags(),
                change,
            })
        })
    }

    /// `f`: show the fix and its cost (confirmation), or say why there is none.
    pub(super) fn propose_fix(&mut self) {
        let b = self.selected_backend_id();
        let status = match self.current().map(|a| &a.explanation) {
            None => "connect first (Enter)".to_string(),
            Some(Explanation::None) if self.running() => "wait for the attempt to finish".into(),
            Some(Explanation::Searching) => {
                "still looking for the smallest change that works…".into()
            }
            Some(Explanation::Stopped) => "the diagnosis was stopped: Enter retries".into(),
            Some(Explanation::Failed(why)) => format!("the diagnosis failed: {why}"),
            _ => match self.fix_for_selected() {
                Some(fix) => {
                    self.mode = Mode::Confirm(Confirm::Fix(Box::new(fix)));
                    return;
                }
                None => self.no_fix_reason(b),
            },
        };
        self.status = Some(status);
    }

    fn no_fix_reason(&self, b: BackendId) -> String {
        let alt = match self.current().map(|a| &a.explanation) {
            Some(Explanation::Done(e)) => e
                .findings
                .iter()
                .find(|(id, _)| *id == b)
                .and_then(|(_, fs)| fs.iter().find_map(|f| f.alternative.clone())),
            _ => None,
        };
        match alt {
            Some(a) => format!(
                "no profile change makes {b} connect; {} does{}",
                a.backend,
                if a.suggest.is_empty() {
                    " as is".to_string()
                } else {
                    format!(" with {}", a.suggest.as_flags())
                }
            ),
            None if self
                .current()
                .and_then(|a| a.report(b))
                .is_some_and(|r| r.ok) =>
            {
                format!("{b} already connects")
            }
            None => format!("no fix found for {b} (x shows the diagnosis)"),
        }
    }

    /// Apply a confirmed fix to the form and retry.
    pub(super) fn apply_fix(&mut self, fix: &FixProposal) -> Vec<super::Command> {
        match self.form_profile() {
            Ok((mut p, _)) => {
                fix.change.apply(&mut p);
                self.set_form(&p);
                self.status = Some(format!("applied {}", fix.flags));
                self.connect()
            }
            Err(e) => {
                self.status = Some(format!("fix the profile first: {e}"));
                Vec::new()
            }
        }
    }
}
