//! Explaining an attempt by trying: the diagnosis rules (`crate::diagnose`) propose
//! changes, and this orchestrator sits above the probe and runs more handshakes to keep
//! only the changes seen to work, and to map which OpenSSL security levels connect.
//! Every loop here is bounded in count and time and stops on [`Cancel`].

pub mod levels;
pub mod search;

use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::diagnose::Finding;
use crate::diagnose::levels::LevelResult;
use crate::probe::Prepared;
use crate::report::{BackendReport, Report, ToolInfo};

pub use search::{Budget, explain, explain_default, try_change};

/// The diagnosis of one attempt, per backend, and the level map when something failed.
#[derive(Clone, Debug)]
pub struct Explained {
    pub findings: Vec<(BackendId, Vec<Finding>)>,
    pub levels: Vec<LevelResult>,
}

/// Diagnose one attempt's reports: findings with verified fixes (bounded retries), and
/// the security-level map when something failed.
pub fn explain_attempt(prep: &Prepared, reports: Vec<BackendReport>, cancel: &Cancel) -> Explained {
    let any_failed = reports.iter().any(|r| !r.ok);
    let mut report = Report {
        target: prep.target(),
        weakened: prep.profile.weakenings(),
        results: reports,
        levels: None,
        tool: ToolInfo::current(),
    };
    explain(prep, &mut report, true, Budget::default(), cancel);
    let levels = if any_failed && !cancel.is_cancelled() {
        levels::scan(prep, cancel)
    } else {
        Vec::new()
    };
    Explained {
        findings: report
            .results
            .into_iter()
            .map(|r| (r.backend, r.diagnosis))
            .collect(),
        levels,
    }
}
