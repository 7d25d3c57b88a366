//! Find the least weakening change that works, by trying: each candidate is one more
//! real handshake with the same backend against the same target, bounded in count,
//! time, and by the caller's [`Cancel`].

use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::diagnose::{Alternative, Severity, Suggestion, diagnose};
use crate::probe::{Prepared, probe_one};
use crate::report::{BackendReport, Report};
use std::time::{Duration, Instant};

/// Bounds on the retries one explanation may make.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub per_backend: usize,
    pub total: usize,
    pub deadline: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            per_backend: 8,
            total: 20,
            deadline: Duration::from_secs(30),
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
    change.apply(&mut p2.profile);
    let addrs = crate::net::resolve(&p2.profile.host, p2.profile.port);
    probe_one(&p2, &addrs, b, cancel)
}

/// Fill every result's `diagnosis`. With `search`, try the candidates (bounded) so each
/// suggestion shown is one that was seen to work; without it, only findings. Once
/// `cancel` is set no further change is tried (and the one under way is cut short).
pub fn explain(
    prep: &Prepared,
    report: &mut Report,
    search: bool,
    budget: Budget,
    cancel: &Cancel,
) {
    let mut all = diagnose(report, &prep.profile);
    let started = Instant::now();
    let mut total = 0usize;
    for (r, findings) in report.results.iter().zip(all.iter_mut()) {
        let mut tries = 0usize;
        for f in findings.iter_mut() {
            let candidates = std::mem::take(&mut f.candidates);
            if !search || r.ok {
                continue;
            }
            for c in candidates {
                if tries >= budget.per_backend
                    || total >= budget.total
                    || started.elapsed() > budget.deadline
                    || cancel.is_cancelled()
                {
                    break;
                }
                tries += 1;
                total += 1;
                let attempt = try_change(prep, r.backend, &c.change, cancel);
                if cancel.is_cancelled() {
                    break;
                }
                if attempt.ok {
                    f.suggest = Some(c.change);
                    f.cost = Some(c.cost);
                    f.verified = true;
                    break;
                }
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
