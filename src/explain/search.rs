//! Find the least weakening change that works, by trying: each candidate is one more
//! real handshake with the same backend against the same target, bounded in count,
//! time, and by the caller's [`Cancel`].

use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::diagnose::{Alternative, Finding, Severity, Suggestion, diagnose_with};
use crate::probe::{Prepared, probe_one};
use crate::report::{BackendReport, ErrorKind, Report, Stage};
use crate::scan::ScanReport;

/// Bounds on the retries one explanation may make.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub per_backend: usize,
    pub total: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            per_backend: 8,
            total: 20,
        }
    }
}

/// Try one change: the same probe with the change applied.
pub fn try_change(
    prep: &Prepared,
    b: BackendId,
    change: &Suggestion,
    cancel: &Cancel,
) -> BackendReport {
    let mut p2 = prep.clone();
    p2.resume = false; // a try needs one handshake, not a resumed second one
    change.apply(&mut p2.profile);
    let addrs = crate::net::resolve(&p2.profile.host, p2.profile.port);
    probe_one(&p2, &addrs, b, cancel)
}

/// One planned try: which result, which finding, and the change.
struct Try {
    result: usize,
    finding: usize,
    backend: BackendId,
    change: Suggestion,
    cost: String,
}

/// Every candidate within the budget, in order: least weakening first per finding,
/// at most `per_backend` per backend and `total` in all.
fn plan(report: &Report, all: &mut [Vec<Finding>], budget: Budget) -> Vec<Try> {
    let mut tries = Vec::new();
    for (ri, (r, findings)) in report.results.iter().zip(all.iter_mut()).enumerate() {
        let mut mine = 0usize;
        for (fi, f) in findings.iter_mut().enumerate() {
            for c in std::mem::take(&mut f.candidates) {
                if r.ok || mine >= budget.per_backend || tries.len() >= budget.total {
                    continue;
                }
                mine += 1;
                tries.push(Try {
                    result: ri,
                    finding: fi,
                    backend: r.backend,
                    change: c.change,
                    cost: c.cost,
                });
            }
        }
    }
    tries
}

/// When the server refused every stack at its hello (handshake_failure) and none got
/// a ServerHello, nothing in the attempt says what it wants: scan it (bounded) so the
/// diagnosis can set what it accepts against what we offered.
fn scan_if_nothing_shared(prep: &Prepared, report: &Report, cancel: &Cancel) -> Option<ScanReport> {
    let refused = report.results.iter().any(|r| {
        r.error.as_ref().is_some_and(|e| {
            e.kind == ErrorKind::Alert
                && e.stage == Stage::ServerHello
                && e.alert.as_deref() == Some("handshake_failure")
        })
    });
    let someone_heard = report.results.iter().any(|r| r.server_hello.is_some());
    if !refused || someone_heard || cancel.is_cancelled() {
        return None;
    }
    let opts = crate::scan::Options {
        max_connections: 150,
        ..crate::scan::Options::default()
    };
    crate::scan::run(&prep.profile, &opts).ok()
}

/// Fill every result's `diagnosis`. With `search`, try the candidates (bounded) so each
/// suggestion shown is one that was seen to work; without it, only findings.
///
/// The tries run at once, each bounded by the profile's own timeouts, so a server that
/// never answers costs one timeout, not one per candidate; per finding the least
/// weakening change that worked is kept. Once `cancel` is set the tries under way end
/// at once and nothing is kept from them.
pub fn explain(
    prep: &Prepared,
    report: &mut Report,
    search: bool,
    budget: Budget,
    cancel: &Cancel,
) {
    let scan = if search {
        scan_if_nothing_shared(prep, report, cancel)
    } else {
        None
    };
    explain_knowing(prep, report, search, budget, cancel, scan.as_ref());
}

/// [`explain`], with what a scan already found the server accepts.
pub fn explain_knowing(
    prep: &Prepared,
    report: &mut Report,
    search: bool,
    budget: Budget,
    cancel: &Cancel,
    scan: Option<&ScanReport>,
) {
    let mut all = diagnose_with(report, &prep.profile, scan);
    let tries = plan(report, &mut all, budget);
    if search && !cancel.is_cancelled() {
        let worked: Vec<bool> = std::thread::scope(|s| {
            let handles: Vec<_> = tries
                .iter()
                .map(|t| s.spawn(|| try_change(prep, t.backend, &t.change, cancel).ok))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(false) && !cancel.is_cancelled())
                .collect()
        });
        for (t, ok) in tries.into_iter().zip(worked) {
            if let Some(f) = all.get_mut(t.result).and_then(|fs| fs.get_mut(t.finding))
                && ok
                && !f.verified
            {
                f.suggest = Some(t.change);
                f.cost = Some(t.cost);
                f.verified = true;
            }
        }
    }
    // Where no change helps one backend, point at a backend that works (as is, or with
    // its own verified change).
    let working: Vec<(BackendId, Suggestion)> = report
        .results
        .iter()
        .zip(all.iter())
        .filter_map(|(r, fs)| {
            if r.ok {
                Some((r.backend, Suggestion::new()))
            } else {
                fs.iter()
                    .find(|f| f.verified)
                    .and_then(|f| f.suggest.clone())
                    .map(|s| (r.backend, s))
            }
        })
        .collect();
    for (r, findings) in report.results.iter().zip(all.iter_mut()) {
        // An alternative is only shown when seen to work: the backend connects as is, or
        // with its own verified change.
        for f in findings.iter_mut() {
            if let Some(a) = &f.alternative {
                f.alternative = working
                    .iter()
                    .find(|(b, _)| *b == a.backend)
                    .or_else(|| working.iter().find(|(b, _)| *b != r.backend))
                    .map(|(b, s)| Alternative {
                        backend: *b,
                        suggest: s.clone(),
                    });
            }
        }
        if r.ok || findings.iter().any(|f| f.verified) {
            continue;
        }
        if let Some(f) = findings.iter_mut().find(|f| f.severity == Severity::Error) {
            if let Some((b, s)) = working.iter().find(|(b, _)| *b != r.backend) {
                f.alternative = Some(Alternative {
                    backend: *b,
                    suggest: s.clone(),
                });
            }
            if search {
                f.finding.push_str(&format!(
                    " No profile change tried made {} connect.",
                    r.backend
                ));
            }
        }
    }
    for (r, fs) in report.results.iter_mut().zip(all) {
        r.diagnosis = fs;
    }
}

/// Convenience for the CLI: explain with the default budget.
pub fn explain_default(prep: &Prepared, report: &mut Report, search: bool) {
    explain(prep, report, search, Budget::default(), &Cancel::new());
}
