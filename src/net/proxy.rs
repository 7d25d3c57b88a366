//! Through a proxy: HTTP CONNECT (RFC 9110 §9.3.6, Basic credentials) and SOCKS5
//! (RFC 1928, user/password RFC 1929). The proxy's own failures are told apart from
//! the target's: a 407 is not a TLS alert.

use super::talk::{Failure, Talk, TalkFail, quote};
use crate::profile::{ProxyKind, ProxyUrl, host_port};
use std::net::{IpAddr, SocketAddr};

/// SOCKS5 reply codes in words (kept in `profile`, where `export` reads them too).
pub use crate::profile::socks_reply_text;

/// Ask the proxy for a tunnel to `host:port`. `resolved` is the target's first address,
/// for `socks5://` (the client resolves); `socks5h://` and HTTP send the name.
pub fn tunnel(
    t: &mut Talk,
    proxy: &ProxyUrl,
    host: &str,
    port: u16,
    resolved: Option<SocketAddr>,
) -> Result<(), Failure> {
    match proxy.kind {
        ProxyKind::Http => connect(t, proxy, host, port),
        ProxyKind::Socks5 | ProxyKind::Socks5h => {
            let ip = match proxy.kind {
                ProxyKind::Socks5 => host.parse::<IpAddr>().ok().or(resolved.map(|a| a.ip())),
                _ => host.parse::<IpAddr>().ok(),
            };
            socks5(t, proxy, host, ip, port)
        }
    }
}

fn connect(t: &mut Talk, proxy: &ProxyUrl, host: &str, port: u16) -> Result<(), Failure> {
    let target = host_port(host, port);
    let mut req = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    let mut shown = req.clone();
    if let Some((u, p)) = &proxy.auth {
        let token = crate::text::base64(format!("{u}:{p}").as_bytes());
        req.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
        shown.push_str(&format!("Proxy-Authorization: Basic <{u}:***>\r\n"));
    }
    req.push_str("User-Agent: tlslens\r\n\r\n");
    shown.push_str("User-Agent: tlslens\r\n");
    t.send(req.as_bytes(), Some(&shown))?;
    let status = t.line()?;
    let mut headers = Vec::new();
    for _ in 0..100 {
        let h = t.line()?;
        if h.is_empty() {
            break;
        }
        headers.push(h);
    }
    let code = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|_| status.starts_with("HTTP/"))
        .ok_or_else(|| {
            Failure::new(
                TalkFail::Protocol,
                format!("the proxy did not answer in HTTP: {}", quote(&status)),
            )
        })?;
    let challenge = headers
        .iter()
        .find(|h| h.to_ascii_lowercase().starts_with("proxy-authenticate:"))
        .map(|h| format!(" ({})", crate::text::sanitize(h.trim(), 120)))
        .unwrap_or_default();
    match code {
        200..=299 => Ok(()),
        407 if proxy.auth.is_none() => Err(Failure::new(
            TalkFail::Auth,
            format!(
                "the proxy wants credentials{challenge}: {} — give them in the URL, \
                 http://user:pass@host:port",
                quote(&status)
            ),
        )),
        // tinyproxy answers wrong Basic credentials with 401 rather than 407.
        407 | 401 if proxy.auth.is_some() => Err(Failure::new(
            TalkFail::Auth,
            format!("the proxy refused our credentials: {}", quote(&status)),
        )),
        403 => Err(Failure::new(
            TalkFail::Refused,
            format!(
                "the proxy does not allow a tunnel to {target}: {}",
                quote(&status)
            ),
        )),
        _ => Err(Failure::new(
            TalkFail::Failed,
            format!(
                "the proxy could not open a tunnel to {target}: {}",
                quote(&status)
            ),
        )),
    }
}

fn socks5(
    t: &mut Talk,
    proxy: &ProxyUrl,
    host: &str,
    ip: Option<IpAddr>,
    port: u16,
) -> Result<(), Failure> {
    let bad = |what: &str| Failure::new(TalkFail::Protocol, format!("the proxy {what}"));
    let methods: &[u8] = if proxy.auth.is_some() { &[0, 2] } else { &[0] };
    let mut hello = vec![5u8, methods.len() as u8];
    hello.extend_from_slice(methods);
    let offered = if proxy.auth.is_some() {
        "SOCKS5 hello: methods no-auth, user/password"
    } else {
        "SOCKS5 hello: method no-auth"
    };
    t.send(&hello, Some(offered))?;
    let reply = t.read_exact(2)?;
    let (ver, method) = (reply.first().copied(), reply.get(1).copied());
    t.note("server", &format!("SOCKS5 method {}", method.unwrap_or(0)));
    if ver != Some(5) {
        return Err(bad("is not a SOCKS5 server (its answer is not version 5)"));
    }
    match method {
        Some(0) => {}
        Some(2) => {
            let (u, p) = proxy.auth.clone().unwrap_or_default();
            let (ub, pb) = (u.as_bytes(), p.as_bytes());
            if ub.len() > 255 || pb.len() > 255 {
                return Err(Failure::new(
                    TalkFail::Auth,
                    "SOCKS5 user names and passwords are at most 255 bytes",
                ));
            }
            let mut auth = vec![1u8, ub.len() as u8];
            auth.extend_from_slice(ub);
            auth.push(pb.len() as u8);
            auth.extend_from_slice(pb);
            t.send(&auth, Some(&format!("SOCKS5 user/password: {u}:***")))?;
            let r = t.read_exact(2)?;
            let status = r.get(1).copied().unwrap_or(0xff);
            t.note("server", &format!("SOCKS5 authentication status {status}"));
            if status != 0 {
                return Err(Failure::new(
                    TalkFail::Auth,
                    format!(
                        "the SOCKS5 proxy refused our user name and password (status {status})"
                    ),
                ));
            }
        }
        Some(0xff) if proxy.auth.is_none() => {
            return Err(Failure::new(
                TalkFail::Auth,
                "the SOCKS5 proxy accepts none of our methods (0xFF): it wants a user name and \
                 password — give them in the URL, socks5h://user:pass@host:port",
            ));
        }
        Some(m) => {
            return Err(Failure::new(
                TalkFail::Auth,
                format!("the SOCKS5 proxy accepts none of our authentication methods ({m:#04x})"),
            ));
        }
        None => return Err(bad("sent a short answer")),
    }
    let mut req = vec![5u8, 1, 0];
    let shown = match ip {
        Some(IpAddr::V4(a)) => {
            req.push(1);
            req.extend_from_slice(&a.octets());
            format!("SOCKS5 CONNECT {a}:{port}")
        }
        Some(IpAddr::V6(a)) => {
            req.push(4);
            req.extend_from_slice(&a.octets());
            format!("SOCKS5 CONNECT [{a}]:{port}")
        }
        None => {
            let name = host.as_bytes();
            if name.len() > 255 {
                return Err(bad("cannot be asked for a name longer than 255 bytes"));
            }
            req.push(3);
            req.push(name.len() as u8);
            req.extend_from_slice(name);
            format!(
                "SOCKS5 CONNECT {} (the proxy resolves the name)",
                host_port(host, port)
            )
        }
    };
    req.extend_from_slice(&port.to_be_bytes());
    t.send(&req, Some(&shown))?;
    let head = t.read_exact(4)?;
    let rep = head.get(1).copied().unwrap_or(0xff);
    t.note(
        "server",
        &format!(
            "SOCKS5 reply {rep}: {}",
            if rep == 0 {
                "succeeded"
            } else {
                socks_reply_text(rep)
            }
        ),
    );
    if head.first() != Some(&5) {
        return Err(bad("sent a reply that is not SOCKS5"));
    }
    if rep != 0 {
        let kind = if rep == 2 {
            TalkFail::Refused
        } else {
            TalkFail::Failed
        };
        return Err(Failure::new(
            kind,
            format!(
                "the SOCKS5 proxy could not connect to {}: reply {rep}, {}",
                host_port(host, port),
                socks_reply_text(rep)
            ),
        ));
    }
    let rest = match head.get(3) {
        Some(1) => 4 + 2,
        Some(4) => 16 + 2,
        Some(3) => {
            let n = t.read_exact(1)?;
            usize::from(n.first().copied().unwrap_or(0)) + 2
        }
        _ => return Err(bad("sent an unknown address type")),
    };
    t.read_exact(rest)?;
    Ok(())
}
