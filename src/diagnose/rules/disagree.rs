//! Two stacks, one attempt: where their outcomes differ, say so.

use crate::diagnose::{Finding, Severity};
use crate::report::{BackendReport, Report};

/// Two stacks, one attempt, different outcomes: say so, in either direction.
pub(super) fn disagreement(r: &BackendReport, report: &Report, out: &mut Vec<Finding>) {
    for o in report.results.iter().filter(|o| o.backend != r.backend) {
        if r.ok == o.ok {
            if r.ok && (r.version != o.version || r.cipher != o.cipher || r.group != o.group) {
                let mut f = Finding::new(
                    "stacks-negotiate-differently",
                    Severity::Info,
                    format!(
                        "{} and {} both connect but negotiate differently: {} {} {} vs {} {} {}.",
                        r.backend,
                        o.backend,
                        r.version.as_deref().unwrap_or("-"),
                        r.cipher.as_deref().unwrap_or("-"),
                        r.group.as_deref().unwrap_or("-"),
                        o.version.as_deref().unwrap_or("-"),
                        o.cipher.as_deref().unwrap_or("-"),
                        o.group.as_deref().unwrap_or("-"),
                    ),
                );
                if r.group.as_deref() == Some("x25519mlkem768")
                    || o.group.as_deref() == Some("x25519mlkem768")
                {
                    f.evidence.push("rustls offers the post-quantum hybrid X25519MLKEM768 first; OpenSSL 3.0 does not have it".into());
                }
                out.push(f);
            }
            continue;
        }
        let (good, bad) = if r.ok { (r, o) } else { (o, r) };
        let why = bad
            .error
            .as_ref()
            .map(|e| e.detail.clone())
            .unwrap_or_else(|| "verification failed".into());
        let mut f = Finding::new(
            "stacks-disagree",
            Severity::Info,
            format!(
                "{} connects ({} {}) but {} does not: {why}",
                good.backend,
                good.version.as_deref().unwrap_or("-"),
                good.cipher.as_deref().unwrap_or("-"),
                bad.backend
            ),
        );
        if !bad.unsupported.is_empty() {
            f.evidence.push(format!(
                "{} cannot honour: {}",
                bad.backend,
                bad.unsupported.join(", ")
            ));
        }
        out.push(f);
    }
}
