//! Peers that do not speak TLS, never answer, answer too slowly or endlessly, stop
//! mid-handshake, skip secure renegotiation, or refuse the name we sent. Each finding
//! rests on what the transcript shows; none contradicts its evidence.

use super::{Ctx, cand};
use crate::diagnose::{Finding, Severity, Suggestion};
use crate::profile::{Change, Sni};
use crate::report::{BackendReport, ErrorKind, Stage};
use crate::wire::{Body, Direction};

/// More server messages than this without a ServerHello is a flood, not an answer.
const FLOOD: usize = 64;

pub(super) fn rules(cx: &Ctx, out: &mut Vec<Finding>) {
    let Ctx { r, e, msg, .. } = cx;
    not_tls(r, out);
    renegotiation(r, msg, out);
    let server_msgs = r
        .transcript
        .messages
        .iter()
        .filter(|m| m.from == Direction::Server)
        .count();
    if server_msgs >= FLOOD && r.server_hello.is_none() {
        flood(r, server_msgs, out);
    } else if matches!(
        e.kind,
        ErrorKind::HandshakeTimeout | ErrorKind::Eof | ErrorKind::Reset
    ) && !matches!(e.stage, Stage::Starttls | Stage::Proxy)
    {
        // (Before TLS it is the STARTTLS and proxy rules' to explain.)
        silence(cx, out);
    }
    let warning_alerts = r
        .transcript
        .messages
        .iter()
        .filter(|m| {
            m.from == Direction::Server && matches!(&m.body, Body::Alert(a) if a.raw.level == 1)
        })
        .count();
    if warning_alerts > 1 && r.server_hello.is_none() {
        let mut f = Finding::new(
            "warning-alert-stream",
            Severity::Error,
            format!(
                "The server answered with {warning_alerts} warning alerts ({}) and no \
                 ServerHello. A warning is not a refusal; {} stopped listening after a few. \
                 A broken or hostile server.",
                e.alert.as_deref().unwrap_or("?"),
                r.backend
            ),
        );
        f.evidence.push(e.detail.clone());
        out.push(f);
        return;
    }
    sni(cx, out);
}

/// The answer is not TLS: say what it looks like (HTTP, SSH, a mail banner) and show
/// its first bytes, escaped; a TLS-looking record that is too large is its own case.
fn not_tls(r: &BackendReport, out: &mut Vec<Finding>) {
    let Some(n) = r.transcript.messages.iter().find_map(|m| match &m.body {
        Body::NotTls(n) if m.from == Direction::Server => Some(n),
        _ => None,
    }) else {
        return;
    };
    let evidence = format!(
        "{}; first bytes: \"{}\" ({})",
        n.note,
        crate::text::sanitize(&n.first_bytes, 64),
        n.first_hex
    );
    if n.note.contains("record length") && n.note.contains("exceeds") {
        let mut f = Finding::new(
            "record-overflow",
            Severity::Error,
            "The server's first record announces more bytes than TLS allows (2^14 + 2048): \
             a broken TLS implementation, or a protocol that only looks like TLS."
                .into(),
        );
        f.evidence.push(evidence);
        out.push(f);
        return;
    }
    let speaks = [
        ("HTTP/", "HTTP"),
        ("SSH-", "SSH"),
        ("220", "a mail or FTP greeting"),
        ("* OK", "IMAP"),
        ("+OK", "POP3"),
    ]
    .iter()
    .find(|(prefix, _)| n.first_bytes.starts_with(prefix))
    .map(|(_, what)| *what);
    let mut f = Finding::new(
        "not-tls",
        Severity::Error,
        match speaks {
            Some(what) => format!(
                "This port does not speak TLS: the server answered in {what}. Check the \
                 port, or whether the protocol needs STARTTLS first."
            ),
            None => "This port does not speak TLS: the server's first bytes are not a TLS \
                     record."
                .into(),
        },
    );
    f.evidence.push(evidence);
    out.push(f);
}

/// RFC 5746: a TLS ≤ 1.2 ServerHello without renegotiation_info; OpenSSL 3 refuses it.
fn renegotiation(r: &BackendReport, msg: &str, out: &mut Vec<Finding>) {
    let lacks = r.transcript.server_hello().is_some_and(|sh| {
        sh.version.0 <= 0x0303 && sh.version.0 >= 0x0301 && !sh.ext.renegotiation_info
    });
    // Only where the stack said so: rustls, which never renegotiates, does not care.
    if !msg.contains("unsafe legacy renegotiation") {
        return;
    }
    let mut f = Finding::new(
        "no-secure-renegotiation",
        Severity::Error,
        "The server does not support secure renegotiation (RFC 5746): its ServerHello \
         carries no renegotiation_info. OpenSSL 3 refuses such servers ('unsafe legacy \
         renegotiation disabled'); OpenSSL's SSL_OP_LEGACY_SERVER_CONNECT (Python: \
         ssl.OP_LEGACY_SERVER_CONNECT) lets a client connect anyway, at the risk of the \
         renegotiation attack (CVE-2009-3555). The real fix is on the server."
            .into(),
    );
    if lacks {
        f.evidence
            .push("the ServerHello has no renegotiation_info extension".into());
    }
    if let Some(e) = &r.error {
        f.evidence
            .push(format!("{} said: {}", r.backend, e.message));
    }
    out.push(f);
}

/// Message after message, and never a ServerHello.
fn flood(r: &BackendReport, server_msgs: usize, out: &mut Vec<Finding>) {
    let first = r
        .transcript
        .messages
        .iter()
        .find(|m| m.from == Direction::Server)
        .map_or("?", |m| m.body.name());
    let mut f = Finding::new(
        "server-flood",
        Severity::Error,
        format!(
            "The server sent {server_msgs}{} messages ({first} first) instead of a \
             ServerHello: a broken or hostile server. tlslens kept a bounded part.",
            if r.wire_notes.iter().any(|n| n.contains("dropped")) {
                "+"
            } else {
                ""
            }
        ),
    );
    if let Some(e) = &r.error {
        f.evidence.push(e.detail.clone());
    }
    f.evidence.extend(r.wire_notes.iter().take(3).cloned());
    out.push(f);
}

/// A timeout, a close or a reset: what did the server send before it, if anything?
fn silence(cx: &Ctx, out: &mut Vec<Finding>) {
    let Ctx { r, e, .. } = cx;
    if r.transcript.server_spoke_non_tls() {
        return;
    }
    let timeout = e.kind == ErrorKind::HandshakeTimeout;
    if let Some(sh) = r.transcript.server_hello() {
        // It answered, then stopped: never "did not answer".
        let last = r.transcript.last_server_message().unwrap_or("ServerHello");
        let mut f = Finding::new(
            "stopped-mid-handshake",
            Severity::Error,
            format!(
                "The server answered ({} {}) and then {} after its {last}{}: it stopped \
                 mid-handshake.",
                crate::iana::version_name(sh.version.0),
                crate::iana::cipher_name(sh.cipher_suite.0),
                match e.kind {
                    ErrorKind::Eof => "closed the connection",
                    ErrorKind::Reset => "reset the connection",
                    _ => "sent nothing more",
                },
                if e.stage == Stage::ServerHello {
                    String::new()
                } else {
                    format!(", at the {} stage", e.stage.as_str())
                }
            ),
        );
        f.evidence.push(e.detail.clone());
        f.evidence.extend(r.wire_notes.iter().take(2).cloned());
        out.push(f);
        return;
    }
    if !timeout {
        return; // a close or reset before any answer: reset-after-hello says it
    }
    let partial = r
        .wire_notes
        .iter()
        .find(|n| n.starts_with("server:") && n.contains("incomplete"));
    if let Some(partial) = partial {
        let mut f = Finding::new(
            "slow-answer",
            Severity::Error,
            "The server began to answer but too slowly: only part of its first message \
             arrived within the timeout (a slow link, an overloaded server, or one that \
             sends a byte at a time). --timeout gives it longer."
                .into(),
        );
        f.evidence.push(partial.clone());
        f.evidence.push(e.detail.clone());
        out.push(f);
        return;
    }
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

fn sni(cx: &Ctx, out: &mut Vec<Finding>) {
    let Ctx { p, e, .. } = cx;
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
