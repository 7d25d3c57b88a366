//! Explaining an attempt by trying: the diagnosis rules (`crate::diagnose`) propose
//! changes, and this orchestrator sits above the probe and runs more handshakes to keep
//! only the changes seen to work, and to map which OpenSSL security levels connect.
//! Every loop here is bounded in count and time and stops on [`Cancel`].

pub mod levels;
pub mod search;
pub mod stacks;

use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::diagnose::Finding;
use crate::diagnose::levels::LevelResult;
use crate::probe::Prepared;
use crate::report::{BackendReport, Report, ToolInfo};
use crate::scan::ScanReport;

pub use search::{Budget, explain, explain_default, try_change};

/// The diagnosis of one attempt, per backend, and the level map when something failed.
#[derive(Clone, Debug)]
pub struct Explained {
    pub findings: Vec<(BackendId, Vec<Finding>)>,
    pub levels: Vec<LevelResult>,
}

/// Findings with verified fixes, and — when `levels` and it can matter — the
/// security-level map, both at once: about one timeout on top of the attempt's own,
/// whatever the server does.
pub fn explain_with_levels(prep: &Prepared, report: &mut Report, levels: bool, cancel: &Cancel) {
    explain_with_levels_knowing(prep, report, levels, cancel, None);
}

/// [`explain_with_levels`], with what a scan already found the server accepts (the
/// TUI's scan view): the findings then name it and the candidates aim at it.
pub fn explain_with_levels_knowing(
    prep: &Prepared,
    report: &mut Report,
    levels: bool,
    cancel: &Cancel,
    scan: Option<&ScanReport>,
) {
    let want_levels = levels && levels::can_matter(report);
    let map = std::thread::scope(|s| {
        let map = want_levels.then(|| s.spawn(|| levels::scan(prep, cancel)));
        match scan {
            Some(scan) => {
                search::explain_knowing(prep, report, true, Budget::default(), cancel, Some(scan))
            }
            None => explain(prep, report, true, Budget::default(), cancel),
        }
        map.and_then(|h| h.join().ok())
    });
    report.levels = Some(map.unwrap_or_default());
}

/// Diagnose one attempt's reports (the TUI's worker): findings with verified fixes
/// (bounded retries), and the security-level map when something failed.
pub fn explain_attempt(prep: &Prepared, reports: Vec<BackendReport>, cancel: &Cancel) -> Explained {
    explain_attempt_knowing(prep, reports, None, cancel)
}

/// [`explain_attempt`], knowing what a scan of the same target found.
pub fn explain_attempt_knowing(
    prep: &Prepared,
    reports: Vec<BackendReport>,
    scan: Option<&ScanReport>,
    cancel: &Cancel,
) -> Explained {
    let any_failed = reports.iter().any(|r| !r.ok);
    let mut report = Report {
        target: prep.target(),
        weakened: prep.profile.weakenings(),
        results: reports,
        levels: None,
        tool: ToolInfo::current(),
        keylog: None,
    };
    explain_with_levels_knowing(prep, &mut report, any_failed, cancel, scan);
    Explained {
        levels: report.levels.take().unwrap_or_default(),
        findings: report
            .results
            .into_iter()
            .map(|r| (r.backend, r.diagnosis))
            .collect(),
    }
}
