//! The rules: read one attempt's report (every backend) and say what went wrong, on
//! what evidence, and which changes could fix it — least weakening first. No I/O.

use super::{Alternative, Candidate, Finding, Severity, Suggestion, cost_of};
use crate::backend::BackendId;
use crate::profile::{Change, Profile, Sni, TlsVersion, VerifyMode};
use crate::report::{BackendReport, ErrorKind, Report, Stage};
use crate::wire::names;

fn cand(change: Suggestion) -> Candidate {
    let cost = cost_of(&change);
    Candidate { change, cost }
}

/// Findings for every result of the report, in the same order.
pub fn diagnose(report: &Report, p: &Profile) -> Vec<Vec<Finding>> {
    report
        .results
        .iter()
        .map(|r| {
            let mut out = Vec::new();
            if !r.ok {
                failure_rules(r, report, p, &mut out);
            }
            disagreement(r, report, &mut out);
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

fn version_candidates(b: BackendId, p: &Profile, lowest_needed: TlsVersion) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mins: Vec<TlsVersion> = [TlsVersion::V1_1, TlsVersion::V1_0]
        .into_iter()
        .filter(|v| *v >= lowest_needed)
        .filter(|v| p.min_tls.is_none_or(|cur| *v < cur))
        .collect();
    let levels: Vec<Option<u8>> = match b {
        BackendId::Openssl => vec![None, Some(1), Some(0)],
        _ => vec![None],
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

fn level_candidates(p: &Profile) -> Vec<Candidate> {
    [1u8, 0]
        .into_iter()
        .filter(|l| p.seclevel.is_none_or(|cur| *l < cur))
        .map(|l| cand(Suggestion::new().with(Change::Seclevel(Some(l)))))
        .collect()
}

fn failure_rules(r: &BackendReport, report: &Report, p: &Profile, out: &mut Vec<Finding>) {
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

    // --- the server speaks only old versions -------------------------------------
    let refused_early = e.stage == Stage::ServerHello
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
    if matches!(e.kind, ErrorKind::Reset | ErrorKind::Eof) && e.stage == Stage::ServerHello {
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
        if b == BackendId::Openssl && p.max_tls.is_none() {
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
            BackendId::Openssl => f.candidates = level_candidates(p),
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

    // --- certificates -----------------------------------------------------------------
    if e.kind == ErrorKind::Certificate || r.verify.ok == Some(false) {
        // Over TLS 1.3 a failing stack may not expose the certificate; another stack on
        // the same attempt may have seen the same server's.
        let seen = if r.certificates.is_empty() {
            report
                .results
                .iter()
                .map(|o| o.certificates.as_slice())
                .find(|c| !c.is_empty())
                .unwrap_or(&[])
        } else {
            &r.certificates[..]
        };
        certificate_rules(r, seen, p, out);
    }

    // --- client certificate -----------------------------------------------------------
    let asked_for_cert = r
        .transcript
        .messages
        .iter()
        .any(|m| m.body.name() == "CertificateRequest");
    if e.alert.as_deref() == Some("certificate_required")
        || (asked_for_cert
            && matches!(
                e.alert.as_deref(),
                Some("handshake_failure" | "bad_certificate")
            )
            && p.cert.is_none())
    {
        let mut f = Finding::new(
            "client-certificate-required",
            Severity::Error,
            if e.stage == Stage::AfterHandshake {
                "The server requires a client certificate. Over TLS 1.3 it says so only after \
                 the handshake: our side saw the handshake succeed, then the server sent \
                 certificate_required (116) in place of an answer."
                    .into()
            } else {
                "The server requires a client certificate and we sent none.".into()
            },
        );
        f.evidence.push(e.detail.clone());
        f.finding
            .push_str(" Give one with --cert FILE --key FILE, issued by a CA the server trusts.");
        out.push(f);
    }

    // --- not TLS, silence --------------------------------------------------------------
    if r.transcript.server_spoke_non_tls() {
        let mut f = Finding::new(
            "not-tls",
            Severity::Error,
            "This port does not speak TLS: the server's first bytes are not a TLS record.".into(),
        );
        f.evidence.push(r.wire_notes.join("; "));
        out.push(f);
    }
    if e.kind == ErrorKind::HandshakeTimeout {
        let mut f = Finding::new(
            "no-answer",
            Severity::Error,
            "The server accepted the TCP connection and never answered our ClientHello: a \
             firewall or middlebox dropping TLS, a non-TLS service waiting for input, or an \
             overloaded server."
                .into(),
        );
        f.evidence.push(e.detail.clone());
        out.push(f);
    }

    // --- SNI ---------------------------------------------------------------------------
    let refused_name = e.stage == Stage::ServerHello
        && matches!(
            e.alert.as_deref(),
            Some("unrecognized_name" | "handshake_failure" | "internal_error" | "access_denied")
        );
    if refused_name && p.sni_name().is_none() {
        let mut f = Finding::new(
            "sni-missing",
            if e.alert.as_deref() == Some("unrecognized_name") {
                Severity::Error
            } else {
                Severity::Warning
            },
            "We sent no SNI (the target is an IP address or SNI is off); a server hosting \
             several names needs it to pick a certificate, and this one refused without it."
                .into(),
        );
        f.evidence.push(e.detail.clone());
        // The host name itself is the natural SNI, when there is one.
        if p.host.parse::<std::net::IpAddr>().is_err() {
            f.candidates.push(cand(
                Suggestion::new().with(Change::Sni(Sni::Name(p.host.clone()))),
            ));
        } else {
            f.finding.push_str(" Give the site's name with --sni NAME.");
        }
        out.push(f);
    } else if e.alert.as_deref() == Some("unrecognized_name") {
        let mut f = Finding::new(
            "sni-unknown",
            Severity::Error,
            format!(
                "The server does not serve the name we sent in SNI ('{}'): check the name, \
                 or the server's virtual-host configuration.",
                p.sni_name().unwrap_or("?")
            ),
        );
        f.evidence.push(e.detail.clone());
        out.push(f);
    }
}

fn certificate_rules(
    r: &BackendReport,
    certs: &[crate::certinfo::CertInfo],
    p: &Profile,
    out: &mut Vec<Finding>,
) {
    let b = r.backend;
    let reason = r
        .verify
        .reason
        .clone()
        .or_else(|| r.error.as_ref().map(|e| e.message.clone()))
        .unwrap_or_default();
    let lower = reason.to_ascii_lowercase();
    let leaf = certs.first();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    let evidence = format!("{b} said: {reason}");

    if has(&["expired"]) {
        let mut f = Finding::new(
            "cert-expired",
            Severity::Error,
            format!(
                "The server's certificate has expired{}. Renew it on the server; until then \
                 only turning verification off gets through.",
                leaf.map(|c| format!(" (notAfter {})", c.not_after))
                    .unwrap_or_default()
            ),
        );
        f.evidence.push(evidence.clone());
        f.candidates.push(cand(
            Suggestion::new().with(Change::Verify(VerifyMode::Off)),
        ));
        out.push(f);
    }
    if has(&["not yet valid", "notvalidyet"]) {
        let mut f = Finding::new(
            "cert-not-yet-valid",
            Severity::Error,
            format!(
                "The server's certificate is not valid yet{} — or this machine's clock is wrong.",
                leaf.map(|c| format!(" (notBefore {})", c.not_before))
                    .unwrap_or_default()
            ),
        );
        f.evidence.push(evidence.clone());
        f.candidates.push(cand(
            Suggestion::new().with(Change::Verify(VerifyMode::Off)),
        ));
        out.push(f);
    }
    let self_signed = has(&["self-signed", "self signed"])
        || (has(&["unknownissuer"]) && leaf.is_some_and(|c| c.self_signed));
    if self_signed {
        let mut f = Finding::new(
            "cert-self-signed",
            Severity::Error,
            "The server's certificate is self-signed: nothing vouches for it. Trust it \
             explicitly with --cacert (after checking its fingerprint out of band), or turn \
             verification off."
                .into(),
        );
        f.evidence.push(evidence.clone());
        if let Some(c) = leaf {
            f.evidence.push(format!("SHA-256 fingerprint {}", c.sha256));
        }
        f.candidates.push(cand(
            Suggestion::new().with(Change::Verify(VerifyMode::Off)),
        ));
        out.push(f);
    } else if has(&[
        "unable to get local issuer",
        "unknownissuer",
        "unable to get issuer",
        "unable to verify the first",
    ]) {
        let missing_intermediate = certs.len() == 1 && leaf.is_some_and(|c| !c.self_signed);
        let mut f = Finding::new(
            "cert-unknown-issuer",
            Severity::Error,
            if missing_intermediate {
                format!(
                    "The server sent only its own certificate, issued by '{}', which is not a \
                     trust anchor here: the server is probably missing its intermediate \
                     certificate (fix the server's chain), or the issuer is a private CA \
                     (trust it with --cacert).",
                    leaf.map(|c| c.issuer.as_str()).unwrap_or("?")
                )
            } else {
                format!(
                    "No trust anchor here vouches for the chain (issuer '{}'). Trust the issuing \
                     CA with --cacert, or use the right --trust store.",
                    certs.last().map(|c| c.issuer.as_str()).unwrap_or("?")
                )
            },
        );
        f.evidence.push(evidence.clone());
        f.evidence
            .push(format!("the server sent {} certificate(s)", certs.len()));
        f.candidates.push(cand(
            Suggestion::new().with(Change::Verify(VerifyMode::Off)),
        ));
        out.push(f);
    }
    if has(&[
        "hostname mismatch",
        "not valid for name",
        "ip address mismatch",
        "notvalidforname",
    ]) {
        let names: Vec<String> = leaf.map(|c| c.sans.clone()).unwrap_or_default();
        let mut f = Finding::new(
            "cert-host-mismatch",
            Severity::Error,
            format!(
                "The certificate is not for '{}'. It names: {}.",
                p.verify_name(),
                if names.is_empty() {
                    "no alternative names".into()
                } else {
                    names.join(", ")
                }
            ),
        );
        f.evidence.push(evidence.clone());
        // Asking for a name the certificate has costs nothing, if that is the service.
        if let Some(dns) = names
            .iter()
            .filter_map(|n| n.strip_prefix("DNS:"))
            .find(|n| !n.starts_with('*') && *n != p.verify_name())
            && !matches!(&p.sni, Sni::Name(cur) if cur == dns)
        {
            f.candidates.push(cand(
                Suggestion::new().with(Change::Sni(Sni::Name(dns.to_string()))),
            ));
        }
        f.candidates.push(cand(
            Suggestion::new().with(Change::Verify(VerifyMode::ChainOnly)),
        ));
        out.push(f);
    }
    if has(&[
        "too weak",
        "unsupportedsignaturealgorithm",
        "unsupported signature",
    ]) {
        let weak = leaf.and_then(|c| c.weakness()).unwrap_or_default();
        let mut f = Finding::new(
            "cert-weak",
            Severity::Error,
            format!(
                "The certificate is too weak for this client's policy{}: OpenSSL's level 2 \
                 needs 2048-bit RSA keys, level 1 refuses SHA-1 signatures; rustls refuses \
                 both outright.",
                if weak.is_empty() {
                    String::new()
                } else {
                    format!(" ({weak})")
                }
            ),
        );
        f.evidence.push(evidence.clone());
        match b {
            BackendId::Openssl => f.candidates = level_candidates(p),
            _ => {
                f.alternative = Some(Alternative {
                    backend: BackendId::Openssl,
                    suggest: Suggestion::new().with(Change::Seclevel(Some(0))),
                })
            }
        }
        out.push(f);
    }
    if out.iter().all(|f| !f.id.starts_with("cert-")) && p.verify != VerifyMode::Off {
        let mut f = Finding::new(
            "cert-other",
            Severity::Error,
            format!("The certificate did not verify: {reason}"),
        );
        f.evidence.push(evidence);
        f.candidates.push(cand(
            Suggestion::new().with(Change::Verify(VerifyMode::Off)),
        ));
        out.push(f);
    }
}

/// Two stacks, one attempt, different outcomes: say so, in either direction.
fn disagreement(r: &BackendReport, report: &Report, out: &mut Vec<Finding>) {
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
