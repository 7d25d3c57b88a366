//! The bridge from a scan to the rest of tlslens: for each of our stacks, which of the
//! combinations the server accepts its own ClientHello offers with the current
//! profile, what it got, and — where it failed — the least weakening profile change
//! seen to work (the same bounded search as `--explain`).

use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::diagnose::Suggestion;
use crate::iana;
use crate::probe::Prepared;
use crate::scan::ScanReport;
use serde::Serialize;

/// One stack against what the server accepts.
#[derive(Clone, Debug, Serialize)]
pub struct StackUse {
    pub backend: BackendId,
    pub ok: bool,
    /// What it negotiated, or how it failed.
    pub outcome: String,
    /// Accepted (version, suite) combinations its ClientHello offers: "TLSv1.2
    /// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".
    pub offers: Vec<String>,
    /// Accepted combinations it does not offer.
    pub misses: Vec<String>,
    /// When it failed: the change seen to work, and its cost.
    pub fix: Option<Suggestion>,
    pub cost: Option<String>,
    /// When no change helps it: another stack that can, and how.
    pub instead: Option<String>,
}

/// Probe every stack with the profile, explain the failures (bounded), and set what
/// each offers against what the scan found.
pub fn stacks(prep: &Prepared, scan: &ScanReport, cancel: &Cancel) -> Vec<StackUse> {
    let mut report = crate::probe::run(prep, &BackendId::ALL);
    super::search::explain_knowing(
        prep,
        &mut report,
        true,
        super::Budget::default(),
        cancel,
        Some(scan),
    );
    let accepted: Vec<(u16, u16, String)> = scan
        .versions
        .iter()
        .filter(|v| v.supported)
        .flat_map(|v| {
            let ver = crate::profile::TlsVersion::parse(&v.version).map_or(0x0300, |t| t.wire());
            v.ciphers.iter().filter_map(move |c| {
                iana::cipher_id_from_name(c).map(|id| (ver, id, format!("{} {c}", v.version)))
            })
        })
        .collect();
    report
        .results
        .iter()
        .map(|r| {
            let hello = r.transcript.client_hello();
            let versions = r.transcript.offered_versions();
            let offered = |v: u16, s: u16| {
                versions.contains(&v)
                    && hello.is_some_and(|h| h.cipher_suites.iter().any(|c| c.0 == s))
            };
            let (offers, misses): (Vec<_>, Vec<_>) =
                accepted.iter().partition(|(v, s, _)| offered(*v, *s));
            let verified = r.diagnosis.iter().find(|f| f.verified);
            let instead = r.diagnosis.iter().find_map(|f| {
                f.alternative.as_ref().map(|a| {
                    let flags = a.suggest.as_flags();
                    format!(
                        "--backend {}{}{flags}",
                        a.backend,
                        if flags.is_empty() { "" } else { " " }
                    )
                })
            });
            StackUse {
                backend: r.backend,
                ok: r.ok,
                outcome: match (&r.error, r.ok) {
                    (_, true) => format!(
                        "{} {}",
                        r.version.as_deref().unwrap_or("?"),
                        r.cipher.as_deref().unwrap_or("?")
                    ),
                    (Some(e), _) => format!(
                        "{}{}",
                        e.kind.as_str(),
                        e.alert
                            .as_deref()
                            .map(|a| format!(" {a}"))
                            .unwrap_or_default()
                    ),
                    (None, _) => "verification failed".into(),
                },
                offers: offers.into_iter().map(|(_, _, n)| n.clone()).collect(),
                misses: misses.into_iter().map(|(_, _, n)| n.clone()).collect(),
                fix: verified.and_then(|f| f.suggest.clone()),
                cost: verified.and_then(|f| f.cost.clone()),
                instead: if r.ok || verified.is_some() {
                    None
                } else {
                    instead
                },
            }
        })
        .collect()
}
