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

pub use crate::profile::Suggestion;
pub use crate::report::{Alternative, Candidate, Finding, Severity};

pub use describe::describe;
pub use rules::{diagnose, diagnose_with};

/// What a suggestion costs in security, in words (the policy in `profile` says).
pub fn cost_of(change: &Suggestion) -> String {
    crate::profile::cost_of(change.changes())
}
