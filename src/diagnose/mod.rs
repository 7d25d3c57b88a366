//! Diagnosis: from a report to findings in plain language, each with its evidence and,
//! where one exists, the least weakening profile change that makes the backend
//! succeed — found by trying (a few bounded retries), never guessed.
//!
//! `rules` reads a report (no I/O) and proposes candidate changes, least weakening
//! first; `levels` says what each OpenSSL security level allows. Trying the candidates
//! and the levels is the job of `crate::explain`, which sits above the probe.

mod describe;
pub mod levels;
mod rules;

use crate::backend::BackendId;
use crate::profile::{Change, Profile};
use serde::{Serialize, Serializer};

/// A precise profile change: typed changes of one field each, kept in the order of
/// their JSON keys (the CLI option names, `min_tls`, `seclevel`, …) so the JSON, the
/// flags and the cost all read the same way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Suggestion(Vec<Change>);

impl Serialize for Suggestion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|c| (c.json_key(), c.json_value())))
    }
}

impl Suggestion {
    pub fn new() -> Self {
        Suggestion::default()
    }

    /// Add a change; a later change of the same field replaces the earlier one.
    pub fn with(mut self, change: Change) -> Self {
        self.0.retain(|c| c.field() != change.field());
        self.0.push(change);
        self.0.sort_by_cached_key(Change::json_key);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn changes(&self) -> &[Change] {
        &self.0
    }

    pub fn apply(&self, p: &mut Profile) {
        for c in &self.0 {
            c.apply(p);
        }
    }

    /// The same change as command-line flags: `--min-tls 1.0 --seclevel 0`.
    pub fn as_flags(&self) -> String {
        let flags: Vec<String> = self
            .0
            .iter()
            .map(Change::as_flag)
            .filter(|f| !f.is_empty())
            .collect();
        flags.join(" ")
    }
}

/// A candidate change with what it costs, before it is tried.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub change: Suggestion,
    pub cost: String,
}

/// Another backend that can do what this one cannot.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Alternative {
    pub backend: BackendId,
    pub suggest: Suggestion,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One finding about one backend's attempt.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Finding {
    /// Stable identifier of the rule, e.g. `legacy-versions`.
    pub id: &'static str,
    pub severity: Severity,
    /// In plain language.
    pub finding: String,
    /// What it rests on: which message, which alert, which field.
    pub evidence: Vec<String>,
    /// The change that makes this backend succeed (verified by trying), if one exists.
    pub suggest: Option<Suggestion>,
    /// What that change costs in security, in words.
    pub cost: Option<String>,
    /// Whether `suggest` was tried and worked.
    pub verified: bool,
    /// When no profile change can help this backend: which one can, and how.
    pub alternative: Option<Alternative>,
    /// Changes still to try (dropped once the search has run).
    #[serde(skip)]
    pub candidates: Vec<Candidate>,
}

impl Finding {
    fn new(id: &'static str, severity: Severity, finding: String) -> Self {
        Finding {
            id,
            severity,
            finding,
            evidence: Vec::new(),
            suggest: None,
            cost: None,
            verified: false,
            alternative: None,
            candidates: Vec::new(),
        }
    }
}

pub use describe::describe;
pub use rules::diagnose;

/// What a suggestion costs in security, in words (the policy in `profile` says).
pub fn cost_of(change: &Suggestion) -> String {
    crate::profile::cost_of(change.changes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{TlsVersion, VerifyMode};

    #[test]
    fn suggestions_apply_and_print_as_flags() {
        let s = Suggestion::new()
            .with(Change::Seclevel(Some(0)))
            .with(Change::MinTls(Some(TlsVersion::V1_0)));
        let mut p = Profile::default();
        s.apply(&mut p);
        assert_eq!(p.min_tls, Some(TlsVersion::V1_0));
        assert_eq!(p.seclevel, Some(0));
        assert_eq!(s.as_flags(), "--min-tls 1.0 --seclevel 0");
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"min_tls":"1.0","seclevel":0}"#
        );
        let s = Suggestion::new().with(Change::Verify(VerifyMode::Off));
        assert_eq!(s.as_flags(), "--insecure");
        s.apply(&mut p);
        assert_eq!(p.verify, VerifyMode::Off);
        assert!(cost_of(&s).contains("impersonate"));
    }
}
