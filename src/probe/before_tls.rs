//! Failures before TLS: the TCP connection, the proxy's tunnel and the STARTTLS
//! dialogue, classified apart from TLS failures (stages `connect`, `proxy`,
//! `starttls`; kinds `proxy-auth`, `proxy-denied`, `proxy-error`, `starttls-refused`).

use super::ms;
use crate::net::{self, NetError, NetErrorKind};
use crate::report::{BackendReport, ErrorKind, ErrorReport, Stage};

fn net_error(r: &mut BackendReport, e: &NetError) {
    r.addresses_tried = e.attempts.clone();
    let kind = match e.kind {
        NetErrorKind::Dns => ErrorKind::Dns,
        NetErrorKind::Refused => ErrorKind::Refused,
        NetErrorKind::ConnectTimeout => ErrorKind::ConnectTimeout,
        NetErrorKind::Io => ErrorKind::Io,
    };
    r.error = Some(ErrorReport {
        kind,
        stage: Stage::Connect,
        alert: None,
        alert_from: None,
        message: e.message.clone(),
        detail: match kind {
            ErrorKind::Dns => "the host name does not resolve".into(),
            ErrorKind::Refused => "nothing listens on that port (TCP connection refused)".into(),
            ErrorKind::ConnectTimeout => "no TCP answer: a firewall may drop the packets".into(),
            _ => "the TCP connection could not be made".into(),
        },
    });
}

/// A failure before TLS: the TCP connection, the proxy's tunnel or the STARTTLS dialogue.
pub(super) fn open_error(r: &mut BackendReport, e: net::OpenError) {
    use net::{OpenFail, OpenStage, TalkFail};
    r.proxy = e.proxy.clone();
    r.address = e.addr.map(|a| a.to_string());
    r.dialogue = e.dialogue.clone();
    r.timing_ms.connect = e.connect_time.map(ms);
    if let (OpenStage::Connect, OpenFail::Net(kind)) = (e.stage, &e.fail) {
        return net_error(
            r,
            &NetError {
                kind: kind.clone(),
                message: e.message,
                attempts: e.attempts,
            },
        );
    }
    r.addresses_tried = e.attempts;
    let stage = match e.stage {
        OpenStage::Starttls => Stage::Starttls,
        _ => Stage::Proxy,
    };
    let proxy = e.stage == OpenStage::Proxy;
    let (kind, detail) = match &e.fail {
        OpenFail::Net(k) => {
            let kind = match k {
                NetErrorKind::Dns => ErrorKind::Dns,
                NetErrorKind::Refused => ErrorKind::Refused,
                NetErrorKind::ConnectTimeout => ErrorKind::ConnectTimeout,
                NetErrorKind::Io => ErrorKind::Io,
            };
            (
                kind,
                "the proxy itself could not be reached (the target was never tried)",
            )
        }
        OpenFail::Talk(TalkFail::Auth) => (
            ErrorKind::ProxyAuth,
            "the proxy turned us away before any TLS: credentials missing or wrong",
        ),
        OpenFail::Talk(TalkFail::Refused) if proxy => (
            ErrorKind::ProxyDenied,
            "the proxy's policy forbids a tunnel to this target; TLS was never tried",
        ),
        OpenFail::Talk(TalkFail::Failed) => (
            ErrorKind::ProxyError,
            "the proxy answered but could not reach the target; TLS was never tried",
        ),
        OpenFail::Talk(TalkFail::Refused) => (
            ErrorKind::StarttlsRefused,
            "the server refused to upgrade the connection to TLS; no ClientHello was sent",
        ),
        OpenFail::Talk(TalkFail::Timeout) => (
            ErrorKind::HandshakeTimeout,
            "no complete answer before TLS within the handshake timeout",
        ),
        OpenFail::Talk(TalkFail::Eof) => {
            (ErrorKind::Eof, "the peer closed the connection before TLS")
        }
        OpenFail::Talk(TalkFail::Reset) => {
            (ErrorKind::Reset, "the peer reset the connection before TLS")
        }
        OpenFail::Talk(TalkFail::Protocol) if proxy => (
            ErrorKind::ProxyError,
            "the proxy did not speak its protocol (or the proxy setting is wrong)",
        ),
        OpenFail::Talk(TalkFail::Protocol) => (
            ErrorKind::Protocol,
            "the server did not speak the STARTTLS protocol asked for",
        ),
        OpenFail::Talk(TalkFail::Io) => (ErrorKind::Io, "an I/O error before TLS"),
    };
    r.error = Some(ErrorReport {
        kind,
        stage,
        alert: None,
        alert_from: None,
        message: crate::text::sanitize(&e.message, 512),
        detail: format!("{}: {detail}", crate::text::sanitize(&e.message, 300)),
    });
}
