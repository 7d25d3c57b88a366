//! Versions and the key-exchange signature: old servers, servers newer than the
//! profile allows, and MD5+SHA-1 signatures the security level refuses.

use super::{Ctx, cand, level_candidates_for, version_candidates};
use crate::backend::BackendId;
use crate::diagnose::{Alternative, Finding, Severity, Suggestion};
use crate::profile::{Change, TlsVersion};
use crate::report::{ErrorKind, Stage};

pub(super) fn rules(cx: &Ctx, out: &mut Vec<Finding>) {
    let Ctx {
        r,
        p,
        e,
        b,
        lo,
        offered,
        sh_version,
        other,
        msg,
        ..
    } = cx;
    let (b, lo, sh_version) = (*b, *lo, *sh_version);
    // --- the server speaks only old versions -------------------------------------
    // Only before any ServerHello: a server that chose a version and then hung up is
    // not refusing our versions.
    let refused_early = e.stage == Stage::ServerHello
        && r.server_hello.is_none()
        && (matches!(e.kind, ErrorKind::Reset | ErrorKind::Eof)
            || e.alert.as_deref() == Some("protocol_version"));
    let chose_old = sh_version.is_some_and(|v| v < TlsVersion::V1_2);
    let we_offered_modern_only = lo.is_some_and(|l| l >= 0x0303);
    if (refused_early && we_offered_modern_only) || (chose_old && b == BackendId::Rustls) {
        let sure = chose_old
            || other.as_ref().is_some_and(|(_, v, _)| {
                TlsVersion::parse(v).is_some_and(|v| v < TlsVersion::V1_2)
            });
        let mut f = Finding::new(
            "legacy-versions",
            Severity::Error,
            if sure {
                "The server speaks only TLS 1.0/1.1.".into()
            } else {
                "The server may speak only TLS 1.0/1.1: refusing a TLS 1.2+ ClientHello (reset, \
                 close, or protocol_version) is how many old servers answer."
                    .into()
            },
        );
        f.evidence.push(format!("we offered {offered}"));
        f.evidence.push(e.detail.clone());
        if let Some((ob, v, c)) = &other {
            f.evidence.push(format!(
                "{ob}'s attempt shows the server choosing {v}{}",
                c.as_deref().map(|c| format!(" {c}")).unwrap_or_default()
            ));
        }
        let lowest = match (&other, sh_version) {
            (_, Some(v)) => v,
            (Some((_, v, _)), _) => TlsVersion::parse(v).unwrap_or(TlsVersion::V1_0),
            _ => TlsVersion::V1_0,
        };
        match b {
            BackendId::Rustls => {
                f.finding.push_str(
                    " rustls will never connect: it does not implement TLS 1.0 or 1.1, by design.",
                );
                f.alternative = Some(Alternative {
                    backend: BackendId::Openssl,
                    suggest: Suggestion::new()
                        .with(Change::MinTls(Some(TlsVersion::V1_0)))
                        .with(Change::Seclevel(Some(0))),
                });
            }
            _ => {
                f.finding.push_str(
                    " Lower the minimum version. On OpenSSL 3 a TLS 1.0/1.1 handshake with ECDHE \
                     or DHE suites also needs security level 0: the server signs its key \
                     exchange with MD5+SHA-1, which level 1 and above refuse ('legacy sigalg \
                     disallowed'); static-RSA suites have no such signature and work at the \
                     default level.",
                );
                if b == BackendId::NativeTls {
                    f.finding.push_str(
                        " native-tls cannot set the security level: against ECDHE/DHE suites \
                         it cannot connect at all.",
                    );
                }
                f.candidates = version_candidates(b, p, lowest.min(TlsVersion::V1_1));
            }
        }
        out.push(f);
    }
    if matches!(e.kind, ErrorKind::Reset | ErrorKind::Eof)
        && e.stage == Stage::ServerHello
        && r.server_hello.is_none()
    {
        let mut f = Finding::new(
            "reset-after-hello",
            Severity::Error,
            format!(
                "The server {} the connection right after our ClientHello without a word (no \
                 ServerHello, no alert) — Python reports this as ConnectionResetError. A server \
                 or middlebox that dislikes something in the hello does this: the versions, the \
                 cipher suites, the SNI name, or the hello's size.",
                if e.kind == ErrorKind::Reset {
                    "reset"
                } else {
                    "closed"
                }
            ),
        );
        f.evidence.push(e.detail.clone());
        if b.sets_seclevel() && p.max_tls.is_none() {
            // Some old middleboxes choke on large TLS 1.3 hellos.
            f.candidates.push(cand(
                Suggestion::new().with(Change::MaxTls(Some(TlsVersion::V1_2))),
            ));
        }
        out.push(f);
    }

    // The server is newer than we allow.
    if e.alert.as_deref() == Some("protocol_version")
        && e.stage == Stage::ServerHello
        && p.max_tls.is_some_and(|m| m < TlsVersion::V1_3)
    {
        let mut f = Finding::new(
            "max-version-too-low",
            Severity::Error,
            format!(
                "The server refused our versions ({offered}); the profile caps the version at {}.",
                p.max_tls.map(|v| v.name()).unwrap_or("?")
            ),
        );
        f.evidence.push(e.detail.clone());
        f.candidates.push(cand(
            Suggestion::new().with(Change::MaxTls(Some(TlsVersion::V1_3))),
        ));
        out.push(f);
    }

    // --- MD5+SHA-1 key-exchange signature (TLS < 1.2) refused by the level --------
    if msg.contains("legacy sigalg") {
        let mut f = Finding::new(
            "legacy-signature",
            Severity::Error,
            format!(
                "The server signs its key exchange with MD5+SHA-1 (TLS < 1.2 with ECDHE/DHE), \
                 which OpenSSL 3 refuses at security level 1 and above. {}",
                match b {
                    BackendId::NativeTls =>
                        "native-tls cannot lower the security level: use the openssl backend (or a client that can).",
                    _ => "Level 0 is the only level that accepts it.",
                }
            ),
        );
        f.evidence.push(format!(
            "ServerHello chose {}",
            r.server_hello
                .as_ref()
                .map(|s| format!(
                    "{} {}",
                    s.version.as_deref().unwrap_or("?"),
                    s.cipher.as_deref().unwrap_or("?")
                ))
                .unwrap_or_else(|| "?".into())
        ));
        f.evidence.push(format!("{b} said: {}", e.message));
        match b {
            b if b.sets_seclevel() => f.candidates = level_candidates_for(b, p, sh_version),
            _ => {
                let mut s = Suggestion::new().with(Change::Seclevel(Some(0)));
                if let Some(v) = sh_version.filter(|v| *v < TlsVersion::V1_2) {
                    s = s.with(Change::MinTls(Some(v)));
                }
                f.alternative = Some(Alternative {
                    backend: BackendId::Openssl,
                    suggest: s,
                })
            }
        }
        out.push(f);
    }
}
