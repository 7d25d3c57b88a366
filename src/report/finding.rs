//! What a diagnosis says about one backend's attempt, and the security-level map: data
//! that travels in the report (the `--json` contract); `crate::diagnose` writes it.

use crate::backend::BackendId;
use crate::profile::Suggestion;
use serde::Serialize;

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
    pub fn new(id: &'static str, severity: Severity, finding: String) -> Self {
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

/// Whether the openssl backend connects at each level, with the profile otherwise as is.
#[derive(Clone, Debug, Serialize)]
pub struct LevelResult {
    pub level: u8,
    pub ok: bool,
    pub outcome: String,
}
