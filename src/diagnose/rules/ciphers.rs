//! No shared cipher suite: what we offered against what the server wants.

use super::{Ctx, cand};
use crate::backend::BackendId;
use crate::diagnose::{Alternative, Finding, Severity, Suggestion};
use crate::profile::{Change, TlsVersion};
use crate::report::Stage;
use crate::wire::names;

pub(super) fn rules(cx: &Ctx, out: &mut Vec<Finding>) {
    let Ctx {
        r, p, e, b, other, ..
    } = cx;
    let (b,) = (*b,);
    // --- no shared cipher ------------------------------------------------------------
    if e.alert.as_deref() == Some("handshake_failure") && e.stage == Stage::ServerHello {
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
                    if let Some(o) = info.and_then(|i| i.openssl) {
                        f.candidates.push(cand(
                            Suggestion::new().with(Change::Ciphers(Some(o.to_string()))),
                        ));
                    }
                }
            }
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
