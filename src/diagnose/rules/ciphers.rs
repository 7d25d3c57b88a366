//! No shared cipher suite: what we offered against what the server wants.

use super::{Ctx, cand};
use crate::backend::BackendId;
use crate::diagnose::{Alternative, Finding, Severity, Suggestion};
use crate::profile::{Change, TlsVersion};
use crate::report::Stage;
use crate::scan::ScanReport;
use crate::wire::names;

pub(super) fn rules(cx: &Ctx, out: &mut Vec<Finding>) {
    let Ctx {
        r,
        p,
        e,
        b,
        other,
        scan,
        ..
    } = cx;
    let (b,) = (*b,);
    // --- no shared cipher ------------------------------------------------------------
    // The server's refusal: our own stack's handshake_failure (e.g. "unsafe legacy
    // renegotiation") is about something else.
    if e.alert.as_deref() == Some("handshake_failure")
        && e.alert_from == Some("server")
        && e.stage == Stage::ServerHello
    {
        let mut f = Finding::new(
            "no-shared-cipher",
            Severity::Error,
            "The server found nothing it accepts in our ClientHello (usually no shared cipher suite).".into(),
        );
        if let Some(ch) = r.transcript.client_hello() {
            f.evidence.push(format!(
                "we offered {} cipher suites: {}",
                ch.cipher_suites.len(),
                suite_families(ch.cipher_suites.iter().map(|c| c.0))
            ));
        }
        if let Some((ob, v, Some(c))) = &other {
            let info = names::cipher_id_from_name(c).and_then(names::cipher_info);
            let family = info
                .map(|i| {
                    let mut fam = vec![format!(
                        "{} key exchange",
                        format!("{:?}", i.kx).to_uppercase()
                    )];
                    if i.cbc {
                        fam.push("CBC".into());
                    }
                    fam.join(" + ")
                })
                .unwrap_or_default();
            f.evidence
                .push(format!("with {ob} the server chose {v} {c} ({family})"));
            match b {
                BackendId::Rustls => {
                    f.finding = format!(
                        "The server wants {c} ({family}); rustls never offers RSA key exchange, \
                         CBC, or finite-field DHE suites."
                    );
                    let mut s = Suggestion::new();
                    if let Some(vv) = TlsVersion::parse(v).filter(|vv| *vv < TlsVersion::V1_2) {
                        s = s.with(Change::MinTls(Some(vv)));
                    }
                    f.alternative = Some(Alternative {
                        backend: *ob,
                        suggest: s,
                    });
                }
                _ => {
                    f.finding = format!(
                        "The server wants {c} ({family}), which our cipher list does not offer."
                    );
                    let ciphers = info
                        .and_then(|i| i.openssl)
                        .map(|o| Change::Ciphers(Some(o.to_string())));
                    if let Some(c) = &ciphers {
                        f.candidates.push(cand(Suggestion::new().with(c.clone())));
                    }
                    // A raised security level can be what keeps the suite out: back to
                    // the library's default, with and without the suite named.
                    if p.seclevel.is_some_and(|l| l > 2) && b == BackendId::Openssl {
                        let level = Change::Seclevel(None);
                        f.candidates
                            .push(cand(Suggestion::new().with(level.clone())));
                        if let Some(c) = ciphers {
                            f.candidates
                                .push(cand(Suggestion::new().with(c).with(level)));
                        }
                    }
                }
            }
        } else if let Some(accepts) = scan.map(accepted).filter(|a| !a.is_empty()) {
            server_accepts(&mut f, b, p, &accepts);
        } else if p.ciphers.is_some() && b != BackendId::Rustls {
            f.finding
                .push_str(" The profile restricts the cipher list.");
            f.candidates.push(cand(
                Suggestion::new().with(Change::Ciphers(Some("DEFAULT".into()))),
            ));
        }
        out.push(f);
    }
}

/// Every (version, suite) a scan found the server accepting, newest version first.
fn accepted(scan: &ScanReport) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    for v in scan.versions.iter().rev().filter(|v| v.supported) {
        let Some(ver) = TlsVersion::parse(&v.version).map(TlsVersion::wire) else {
            continue;
        };
        out.extend(
            v.ciphers
                .iter()
                .filter_map(|c| names::cipher_id_from_name(c))
                .map(|s| (ver, s)),
        );
    }
    out
}

/// No stack of ours got a ServerHello: say what the scan found the server accepts,
/// and aim the candidates at it — its suites by OpenSSL name, then with the security
/// level lowered in case the level is what excludes them, and the version it needs.
fn server_accepts(
    f: &mut Finding,
    b: BackendId,
    p: &crate::profile::Profile,
    accepts: &[(u16, u16)],
) {
    let suites: Vec<u16> = accepts.iter().map(|(_, s)| *s).collect();
    let shown: Vec<String> = accepts
        .iter()
        .take(6)
        .map(|(v, s)| format!("{} {}", names::version_name(*v), names::cipher_name(*s)))
        .collect();
    f.evidence.push(format!(
        "a scan found the server accepting {} suite(s): {} ({})",
        suites.len(),
        shown.join(", "),
        suite_families(suites.iter().copied())
    ));
    let newest = accepts.iter().map(|(v, _)| *v).max().unwrap_or(0x0303);
    let needs_min = TlsVersion::ALL
        .into_iter()
        .find(|t| t.wire() == newest)
        .filter(|t| *t < TlsVersion::V1_2);
    f.finding = format!(
        "The server accepts only {}, none of which we offered.",
        suite_families(suites.iter().copied())
    );
    if b == BackendId::Rustls {
        f.finding
            .push_str(" rustls offers none of these, whatever the profile.");
        return;
    }
    if b == BackendId::NativeTls {
        f.finding
            .push_str(" native-tls cannot set a cipher list: use the openssl backend.");
    }
    let names_list: Vec<&str> = suites
        .iter()
        .filter_map(|s| names::cipher_openssl_name(*s))
        .collect();
    if names_list.is_empty() || b == BackendId::NativeTls {
        return;
    }
    let base = |s: Suggestion| match needs_min {
        Some(v) if p.min_tls.is_none_or(|cur| v < cur) => s.with(Change::MinTls(Some(v))),
        _ => s,
    };
    let ciphers = Change::Ciphers(Some(names_list.join(":")));
    f.candidates
        .push(cand(base(Suggestion::new().with(ciphers.clone()))));
    for level in [1u8, 0] {
        if p.seclevel.is_none_or(|cur| level < cur) {
            f.candidates.push(cand(base(
                Suggestion::new()
                    .with(ciphers.clone())
                    .with(Change::Seclevel(Some(level))),
            )));
        }
    }
}

/// "TLS 1.3 ×3, ECDHE AEAD ×6, RSA CBC ×2": what a list of suites offers, by family,
/// so "what we offered vs what the server wants" reads at a glance.
fn suite_families(ids: impl Iterator<Item = u16>) -> String {
    let mut fams: Vec<(String, usize)> = Vec::new();
    for id in ids {
        let Some(i) = names::cipher_info(id) else {
            continue;
        };
        let fam = match i.kx {
            names::Kx::Tls13 => "TLS 1.3".to_string(),
            names::Kx::Scsv => continue,
            kx => format!(
                "{} {}",
                format!("{kx:?}").to_uppercase(),
                if i.cbc { "CBC" } else { "AEAD" }
            ),
        };
        match fams.iter_mut().find(|(f, _)| *f == fam) {
            Some((_, n)) => *n += 1,
            None => fams.push((fam, 1)),
        }
    }
    fams.iter()
        .map(|(f, n)| format!("{f} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
