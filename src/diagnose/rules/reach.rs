//! Failures before TLS: a STARTTLS upgrade refused or not spoken, a proxy that wants
//! credentials, forbids the tunnel or cannot make it. The proxy's own failures suggest
//! going direct (tried, like every suggestion); a port that is not the protocol
//! suggests TLS from the first byte.

use super::{Ctx, cand};
use crate::diagnose::{Finding, Severity, Suggestion};
use crate::profile::{Change, Starttls};
use crate::report::{ErrorKind, Stage};

/// The port where a STARTTLS protocol speaks TLS from the first byte, if it has one.
fn implicit_port(p: Starttls) -> Option<u16> {
    match p {
        Starttls::Smtp => Some(465),
        Starttls::Imap => Some(993),
        Starttls::Pop3 => Some(995),
        Starttls::Ftp => Some(990),
        Starttls::Xmpp => Some(5223),
        Starttls::Ldap => Some(636),
        Starttls::Irc => Some(6697),
        Starttls::Nntp => Some(563),
        Starttls::Postgres | Starttls::Mysql | Starttls::Sieve => None,
    }
}

pub(super) fn rules(cx: &Ctx, out: &mut Vec<Finding>) {
    let Ctx { p, e, .. } = cx;
    match (e.stage, e.kind) {
        (Stage::Starttls, ErrorKind::StarttlsRefused) => {
            let proto = p
                .starttls
                .map(|s| s.name().to_ascii_uppercase())
                .unwrap_or_default();
            let mut text = format!(
                "The server refused the {proto} upgrade to TLS, so no TLS was attempted: it does \
                 not offer STARTTLS on this port (or only after login)."
            );
            if let Some(port) = p.starttls.and_then(implicit_port) {
                text.push_str(&format!(
                    " Its TLS-from-the-first-byte port is usually {port}: try \
                     `tlslens probe {}` without --starttls.",
                    crate::profile::host_port(&p.host, port)
                ));
            }
            let mut f = Finding::new("starttls-refused", Severity::Error, text);
            f.evidence.push(e.message.clone());
            out.push(f);
        }
        (Stage::Starttls, _) => {
            let proto = p.starttls.map(|s| s.name()).unwrap_or_default();
            let mut f = Finding::new(
                "starttls-not-spoken",
                Severity::Error,
                format!(
                    "The server did not speak {proto} as --starttls {proto} expects: the port \
                     may speak TLS from the first byte, or another protocol."
                ),
            );
            f.evidence.push(e.message.clone());
            f.candidates
                .push(cand(Suggestion::new().with(Change::Starttls(None))));
            out.push(f);
        }
        (Stage::Proxy, kind) => {
            let (id, text) = match kind {
                ErrorKind::ProxyAuth => (
                    "proxy-auth",
                    "The proxy turned us away before any TLS: it wants a user name and password, \
                     or refused ours. Give them in the proxy URL (http://user:pass@host:port); an \
                     http:// proxy receives them unencrypted.",
                ),
                ErrorKind::ProxyDenied => (
                    "proxy-denied",
                    "The proxy's policy forbids a tunnel to this target (HTTP 403 or SOCKS5 \
                     ruleset): the server was never asked. Its administrators decide; a direct \
                     connection may or may not be allowed here.",
                ),
                ErrorKind::ProxyError => (
                    "proxy-error",
                    "The proxy could not open the tunnel (it could not reach the target, or it \
                     does not speak the protocol the URL names): the server was never asked.",
                ),
                _ => (
                    "proxy-unreachable",
                    "The proxy itself could not be reached: check the proxy URL or the \
                     HTTPS_PROXY / ALL_PROXY variables.",
                ),
            };
            let mut f = Finding::new(id, Severity::Error, text.into());
            f.evidence.push(e.message.clone());
            if kind != ErrorKind::ProxyAuth {
                f.candidates.push(cand(
                    Suggestion::new().with(Change::Proxy(Some("direct".into()))),
                ));
            }
            out.push(f);
        }
        _ => {}
    }
}
