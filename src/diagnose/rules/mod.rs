//! The rules: read one attempt's report (every backend) and say what went wrong, on
//! what evidence, and which changes could fix it — least weakening first. No I/O.
//!
//! One file per family of failure: versions and signatures, cipher suites,
//! certificates, peers that misbehave or do not speak TLS, and stacks that disagree.

mod certificates;
mod ciphers;
mod disagree;
mod peer;
mod reach;
mod versions;

use super::{Candidate, Finding, Suggestion, cost_of};
use crate::backend::BackendId;
use crate::profile::{Change, Profile, TlsVersion};
use crate::report::{BackendReport, ErrorReport, Report};
use crate::scan::ScanReport;
use crate::wire::names;

/// What every failure rule reads: the result, its error, and what the rest of the
/// attempt says.
pub(super) struct Ctx<'a> {
    pub r: &'a BackendReport,
    pub report: &'a Report,
    pub p: &'a Profile,
    pub e: &'a ErrorReport,
    pub b: BackendId,
    pub lo: Option<u16>,
    /// The versions we offered, e.g. "TLSv1.2–TLSv1.3".
    pub offered: String,
    pub sh_version: Option<TlsVersion>,
    pub other: Option<(BackendId, String, Option<String>)>,
    /// The library's message, lower case.
    pub msg: String,
    /// What a scan of the server found it accepts, when one was made.
    pub scan: Option<&'a ScanReport>,
}

pub(super) fn cand(change: Suggestion) -> Candidate {
    let cost = cost_of(&change);
    Candidate { change, cost }
}

/// Findings for every result of the report, in the same order.
pub fn diagnose(report: &Report, p: &Profile) -> Vec<Vec<Finding>> {
    diagnose_with(report, p, None)
}

/// The same, knowing what a scan found the server accepts: a refusal can then be set
/// against what the server wants, and the candidates aim at it.
pub fn diagnose_with(report: &Report, p: &Profile, scan: Option<&ScanReport>) -> Vec<Vec<Finding>> {
    report
        .results
        .iter()
        .map(|r| {
            let mut out = Vec::new();
            if !r.ok {
                failure_rules(r, report, p, scan, &mut out);
            }
            disagree::disagreement(r, report, &mut out);
            out
        })
        .collect()
}

/// Did any other backend get a ServerHello on this attempt? Its choice is evidence.
fn other_server_hello(
    report: &Report,
    me: BackendId,
) -> Option<(BackendId, String, Option<String>)> {
    report
        .results
        .iter()
        .filter(|o| o.backend != me)
        .find_map(|o| {
            let sh = o.server_hello.as_ref()?;
            Some((o.backend, sh.version.clone()?, sh.cipher.clone()))
        })
}

fn offered_range(r: &BackendReport) -> (Option<u16>, Option<u16>) {
    let v = r.transcript.offered_versions();
    (v.iter().copied().min(), v.iter().copied().max())
}

pub(super) fn version_candidates(
    b: BackendId,
    p: &Profile,
    lowest_needed: TlsVersion,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mins: Vec<TlsVersion> = [TlsVersion::V1_1, TlsVersion::V1_0]
        .into_iter()
        .filter(|v| *v >= lowest_needed)
        .filter(|v| p.min_tls.is_none_or(|cur| *v < cur))
        .collect();
    let levels: Vec<Option<u8>> = if b.sets_seclevel() {
        vec![None, Some(1), Some(0)]
    } else {
        vec![None]
    };
    // Least weakening first: keep the level as high as possible, then the version.
    for level in &levels {
        for min in &mins {
            let mut s = Suggestion::new().with(Change::MinTls(Some(*min)));
            if let Some(l) = level
                && p.seclevel.is_none_or(|cur| *l < cur)
            {
                s = s.with(Change::Seclevel(Some(*l)));
            }
            out.push(cand(s));
        }
    }
    out
}

pub(super) fn level_candidates(p: &Profile) -> Vec<Candidate> {
    [1u8, 0]
        .into_iter()
        .filter(|l| p.seclevel.is_none_or(|cur| *l < cur))
        .map(|l| cand(Suggestion::new().with(Change::Seclevel(Some(l)))))
        .collect()
}

/// Level candidates for `b`, which can set a level. A real client's own minimum
/// version depends on its build (an upstream Python 3.10+ or Node refuses TLS < 1.2
/// by default, Debian's Python does not): when the server chose an old version, each
/// candidate also states it, so the exported code works on any build of the client.
pub(super) fn level_candidates_for(
    b: BackendId,
    p: &Profile,
    server_version: Option<TlsVersion>,
) -> Vec<Candidate> {
    let pin = server_version
        .filter(|v| b.is_client() && *v < TlsVersion::V1_2)
        .filter(|v| p.min_tls.is_none_or(|cur| *v < cur));
    level_candidates(p)
        .into_iter()
        .map(|c| match pin {
            Some(v) => cand(c.change.with(Change::MinTls(Some(v)))),
            None => c,
        })
        .collect()
}

fn failure_rules(
    r: &BackendReport,
    report: &Report,
    p: &Profile,
    scan: Option<&ScanReport>,
    out: &mut Vec<Finding>,
) {
    let Some(e) = &r.error else {
        // Handshake done, verification failed but not enforced? Then ok would be true.
        return;
    };
    let b = r.backend;
    let (lo, hi) = offered_range(r);
    let offered = match (lo, hi) {
        (Some(l), Some(h)) if l != h => {
            format!("{}–{}", names::version_name(l), names::version_name(h))
        }
        (Some(l), _) => names::version_name(l),
        _ => "?".into(),
    };
    let sh_version = r
        .server_hello
        .as_ref()
        .and_then(|s| s.version.as_deref())
        .and_then(TlsVersion::parse);
    let other = other_server_hello(report, b);
    let msg = e.message.to_ascii_lowercase();

    let cx = Ctx {
        r,
        report,
        p,
        e,
        b,
        lo,
        offered,
        sh_version,
        other,
        msg,
        scan,
    };
    versions::rules(&cx, out);
    ciphers::rules(&cx, out);
    certificates::rules(&cx, out);
    peer::rules(&cx, out);
    reach::rules(&cx, out);
}
