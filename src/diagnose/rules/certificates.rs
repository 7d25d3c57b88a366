//! The server's certificate, and the client certificate a server requires.

use super::{Ctx, cand, level_candidates};
use crate::backend::BackendId;
use crate::diagnose::{Alternative, Finding, Severity, Suggestion};
use crate::profile::{Change, Profile, Sni, VerifyMode};
use crate::report::{BackendReport, ErrorKind, Stage};

pub(super) fn rules(cx: &Ctx, out: &mut Vec<Finding>) {
    let Ctx {
        r, report, p, e, ..
    } = cx;
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
            b if b.sets_seclevel() => f.candidates = level_candidates(p),
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
