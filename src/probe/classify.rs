//! How an attempt failed: the error kind from what the library said and what the tap
//! saw, the stage from the last (or the unfinished) server message, and the words.

use super::*;

fn alert_text(a: u8) -> String {
    names::alert_name(a)
}

/// The server's fatal alert after a handshake the client finished: it rejected us
/// after reading our Finished.
pub(super) fn after_handshake_alert(alert: Option<u8>, message: String) -> ErrorReport {
    let alert = alert.map(alert_text);
    ErrorReport {
        kind: ErrorKind::Alert,
        stage: Stage::AfterHandshake,
        detail: format!(
            "the handshake completed, then the server sent {}: it rejected us after \
             reading our Finished (a TLS 1.3 server checks the client certificate only then)",
            alert.as_deref().unwrap_or("an alert")
        ),
        alert,
        alert_from: Some("server"),
        message,
    }
}

/// Turn what the stack said, what the kernel said and what the wire shows into one
/// classified error with the stage it happened at.
pub(super) fn classify(
    b: BackendId,
    p: &Profile,
    view: &LibView,
    tap: &TapLog,
    t: &Transcript,
) -> Option<ErrorReport> {
    if let Some(post) = &view.post_handshake {
        return Some(after_handshake_alert(
            post.alert_received,
            post.message.clone(),
        ));
    }
    let e = view.error.as_ref()?;
    // A client program that said what it negotiated, then read the server's fatal
    // alert (curl's request, s_client waiting on its input): after the handshake, as
    // for the stacks.
    if view.client.is_some()
        && view.handshake_done
        && !e.not_attempted
        && !e.certificate
        && let Some(a) = e.alert_received.filter(|a| *a != 0)
    {
        return Some(after_handshake_alert(Some(a), e.message.clone()));
    }
    if e.not_attempted {
        return Some(ErrorReport {
            kind: ErrorKind::Unsupported,
            stage: Stage::Setup,
            alert: None,
            alert_from: None,
            message: e.message.clone(),
            detail: if view.client.as_ref().is_some_and(|c| !c.installed) {
                format!("{b} is not installed on this machine (not counted as a failure)")
            } else {
                format!("{b} did not connect: the profile asks for what it cannot do")
            },
        });
    }
    let server_alert = t
        .first_alert(Direction::Server)
        .map(|a| a.description)
        .or(e.alert_received)
        .filter(|a| *a != 0);
    let client_alert = t.first_alert(Direction::Client).map(|a| a.description);
    let io_kind = tap.io_error.as_ref().map(|(_, k, _)| *k);
    let server_bytes = tap.server_bytes();
    let enforced = p.verify != VerifyMode::Off;
    let kind = if e.certificate || (enforced && view.verify.ok == Some(false)) {
        ErrorKind::Certificate
    } else if server_alert.is_some() {
        ErrorKind::Alert
    } else if tap.timed_out {
        ErrorKind::HandshakeTimeout
    } else if matches!(
        io_kind,
        Some(
            std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
        )
    ) {
        ErrorKind::Reset
    } else if tap.eof && client_alert.is_none() {
        ErrorKind::Eof
    } else if io_kind.is_some() {
        ErrorKind::Io
    } else {
        ErrorKind::Protocol
    };
    let version = t.negotiated_version();
    let stage = if !t.saw_server_hello() {
        Stage::ServerHello
    } else if kind == ErrorKind::Certificate {
        Stage::Certificate
    } else if version == Some(0x0304) {
        Stage::EncryptedHandshake
    } else if let Some(stage) = unfinished_stage(t) {
        stage
    } else {
        match t.last_server_message() {
            Some("ServerHello") => Stage::ServerHello,
            Some("Certificate") => Stage::Certificate,
            Some("ServerKeyExchange") => Stage::KeyExchange,
            Some("CertificateRequest" | "ServerHelloDone") => Stage::Finished,
            _ => Stage::Finished,
        }
    };
    let (alert, alert_from) = match (server_alert, client_alert) {
        (Some(a), _) => (Some(alert_text(a)), Some("server")),
        (None, Some(a)) => (Some(alert_text(a)), Some("client")),
        _ => (None, None),
    };
    let offered = offered_text(t);
    let detail = match kind {
        ErrorKind::Reset if server_bytes == 0 => format!(
            "the server reset the TCP connection right after our ClientHello ({offered}), \
             without a ServerHello"
        ),
        ErrorKind::Reset => "the server reset the TCP connection mid-handshake".into(),
        ErrorKind::Eof if server_bytes == 0 => format!(
            "the server closed the connection right after our ClientHello ({offered}), \
             without a ServerHello"
        ),
        ErrorKind::Eof => "the server closed the connection mid-handshake".into(),
        ErrorKind::HandshakeTimeout => format!(
            "no complete answer within {}s of our ClientHello",
            p.handshake_timeout
        ),
        ErrorKind::Alert
            if stage == Stage::ServerHello && alert.as_deref() == Some("protocol_version") =>
        {
            format!(
                "the server refused every version we offered ({offered}) with alert protocol_version"
            )
        }
        ErrorKind::Alert
            if t.first_alert(Direction::Server)
                .is_some_and(|a| a.level == 1) =>
        {
            let warnings = t
                .messages
                .iter()
                .filter(|m| {
                    m.from == Direction::Server
                        && matches!(&m.body, crate::wire::Body::Alert(a) if a.raw.level == 1)
                })
                .count();
            format!(
                "the server sent {warnings} warning {} alert(s) at the {} stage and no fatal \
                 one; {b} gave up on the stream ({})",
                alert.as_deref().unwrap_or("?"),
                stage.as_str(),
                crate::text::sanitize(&e.message, 80)
            )
        }
        ErrorKind::Alert => format!(
            "the server sent a fatal {} alert at the {} stage",
            alert.as_deref().unwrap_or("?"),
            stage.as_str()
        ),
        ErrorKind::Certificate => format!(
            "the server's certificate did not verify: {}",
            view.verify
                .reason
                .clone()
                .unwrap_or_else(|| e.message.clone())
        ),
        _ if t.server_spoke_non_tls() => "the server did not answer in TLS".into(),
        _ if b == BackendId::Rustls && version.is_some_and(|v| v < 0x0303) => format!(
            "the server chose {} — it only offers TLS 1.0/1.1, which rustls never implements",
            names::version_name(version.unwrap_or(0))
        ),
        _ => format!(
            "{b} refused the server's {}: {}",
            t.last_server_message().unwrap_or("answer"),
            e.message
        ),
    };
    Some(ErrorReport {
        kind,
        stage,
        alert,
        alert_from,
        message: crate::text::sanitize(&e.message, 512),
        detail,
    })
}

/// The server began a message it never finished (too large, or cut off): that message
/// is where the handshake stopped.
fn unfinished_stage(t: &Transcript) -> Option<Stage> {
    match t.unfinished {
        Some((Direction::Server, 11)) => Some(Stage::Certificate),
        Some((Direction::Server, 12)) => Some(Stage::KeyExchange),
        Some((Direction::Server, 13 | 14)) => Some(Stage::Finished),
        _ => None,
    }
}

fn offered_text(t: &Transcript) -> String {
    let v = t.offered_versions();
    match (v.iter().min(), v.iter().max()) {
        (Some(lo), Some(hi)) if lo == hi => format!("offering {}", names::version_name(*lo)),
        (Some(lo), Some(hi)) => format!(
            "offering {}–{}",
            names::version_name(*lo),
            names::version_name(*hi)
        ),
        _ => "no ClientHello decoded".into(),
    }
}
