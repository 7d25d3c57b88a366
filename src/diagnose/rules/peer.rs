//! Peers that do not speak TLS, never answer, or refuse the name we sent.

use super::{Ctx, cand};
use crate::diagnose::{Finding, Severity, Suggestion};
use crate::profile::{Change, Sni};
use crate::report::{ErrorKind, Stage};

pub(super) fn rules(cx: &Ctx, out: &mut Vec<Finding>) {
    let Ctx { r, p, e, .. } = cx;
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
    // (A timeout before TLS is the STARTTLS or proxy rules' to explain.)
    if e.kind == ErrorKind::HandshakeTimeout && !matches!(e.stage, Stage::Starttls | Stage::Proxy) {
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
