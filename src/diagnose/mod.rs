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
use crate::profile::{Profile, Sni, TlsVersion, VerifyMode};
use serde::Serialize;
use std::collections::BTreeMap;

/// A precise profile change, keyed like the CLI options (`min_tls`, `seclevel`, …).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Suggestion(pub BTreeMap<&'static str, serde_json::Value>);

impl Suggestion {
    pub fn new() -> Self {
        Suggestion::default()
    }
    pub fn with(mut self, key: &'static str, v: impl Into<serde_json::Value>) -> Self {
        self.0.insert(key, v.into());
        self
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Apply to a profile. Unknown keys are ignored (there are none by construction).
    pub fn apply(&self, p: &mut Profile) {
        for (k, v) in &self.0 {
            match *k {
                "min_tls" => p.min_tls = v.as_str().and_then(TlsVersion::parse),
                "max_tls" => p.max_tls = v.as_str().and_then(TlsVersion::parse),
                "seclevel" => p.seclevel = v.as_u64().and_then(|n| u8::try_from(n).ok()),
                "ciphers" => p.ciphers = v.as_str().map(String::from),
                "sni" => {
                    if let Some(n) = v.as_str() {
                        p.sni = Sni::Name(n.to_string());
                    }
                }
                "insecure" => p.verify = VerifyMode::Off,
                "no_verify_host" => p.verify = VerifyMode::ChainOnly,
                "timeout" => {
                    if let Some(t) = v.as_f64() {
                        p.handshake_timeout = t;
                    }
                }
                _ => {}
            }
        }
    }

    /// The same change as command-line flags: `--min-tls 1.0 --seclevel 0`.
    pub fn as_flags(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| {
                let flag = format!("--{}", k.replace('_', "-"));
                match v {
                    serde_json::Value::Bool(true) => flag,
                    serde_json::Value::String(s) => format!("{flag} {s}"),
                    other => format!("{flag} {other}"),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
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

/// Cost in words of each kind of weakening a suggestion can carry.
pub fn cost_of(change: &Suggestion) -> String {
    let mut parts = Vec::new();
    for (k, v) in &change.0 {
        let s = match *k {
            "min_tls" => match v.as_str() {
                Some("1.0") | Some("1.1") => {
                    "TLS 1.0/1.1 are deprecated (RFC 8996): CBC MAC-then-encrypt, and an MD5+SHA-1 signed handshake".to_string()
                }
                _ => continue,
            },
            "seclevel" => match v.as_u64() {
                Some(0) => "security level 0 accepts anything: MD5+SHA-1 and SHA-1 signatures, RSA/DH keys of any size".to_string(),
                Some(1) => "security level 1 accepts RSA/DH keys down to 1024 bits (80-bit security)".to_string(),
                _ => continue,
            },
            "insecure" => "verification off: anyone on the path can impersonate the server".to_string(),
            "no_verify_host" => {
                "host name not checked: any certificate from a trusted CA, for any name, is accepted".to_string()
            }
            "ciphers" => format!(
                "a hand-picked cipher list ({}) replaces the library's judgement",
                v.as_str().unwrap_or("?")
            ),
            "sni" => "none, if the server really serves that name".to_string(),
            "max_tls" => "none: it allows a newer version".to_string(),
            "timeout" => "none".to_string(),
            _ => continue,
        };
        parts.push(s);
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_apply_and_print_as_flags() {
        let s = Suggestion::new().with("min_tls", "1.0").with("seclevel", 0);
        let mut p = Profile::default();
        s.apply(&mut p);
        assert_eq!(p.min_tls, Some(TlsVersion::V1_0));
        assert_eq!(p.seclevel, Some(0));
        assert_eq!(s.as_flags(), "--min-tls 1.0 --seclevel 0");
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"min_tls":"1.0","seclevel":0}"#
        );
        let s = Suggestion::new().with("insecure", true);
        assert_eq!(s.as_flags(), "--insecure");
        s.apply(&mut p);
        assert_eq!(p.verify, VerifyMode::Off);
        assert!(cost_of(&s).contains("impersonate"));
    }
}
