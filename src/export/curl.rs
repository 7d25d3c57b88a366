//! curl (built with OpenSSL).

use super::comments::*;
use super::quote::*;
use super::shell::Cmd;
use crate::profile::{Profile, ProxyKind, Starttls, Trust, VerifyMode, proxy_setting};

/// curl's `--cert` value: `:` separates a pass phrase and `\` escapes, so both are
/// escaped in the file name.
pub(super) fn curl_cert_value(path: &str) -> String {
    path.replace('\\', "\\\\").replace(':', "\\:")
}

/// The URL scheme that makes curl speak the profile's STARTTLS protocol (with
/// `--ssl-reqd`); None for plain TLS and for protocols curl cannot upgrade.
fn curl_scheme(p: &Profile) -> Option<&'static str> {
    match p.starttls? {
        Starttls::Smtp => Some("smtp"),
        Starttls::Imap => Some("imap"),
        Starttls::Pop3 => Some("pop3"),
        Starttls::Ftp => Some("ftp"),
        _ => None,
    }
}

pub(super) fn curl(p: &Profile, via: Option<std::net::SocketAddr>) -> String {
    let hdr = {
        let mut h = header_reaching(
            p,
            "curl (built with OpenSSL)",
            &[ProxyKind::Http, ProxyKind::Socks5, ProxyKind::Socks5h],
            curl_scheme(p).is_some(),
        );
        h.push("Succeeds (exit 0) when the handshake works and the server answers GET /;".into());
        h.push("prints the HTTP version and status; -v prints \"SSL connection using <version> / <cipher>\" on stderr.".into());
        h
    };
    let mut c = Cmd::new(&["curl", "-sS", "-v", "-o", "/dev/null"]);
    c.line(vec![
        "-w".into(),
        sh_quote("HTTP/%{http_version} %{http_code}\\n"),
    ]);

    // URL and where to connect: the URL names the SNI / verification name.
    let sni = p.sni_name();
    let url_host = sni.unwrap_or(&p.host);
    let (host, port, relay) = super::connect_to(p, via);
    if let Some(r) = relay {
        c.note(format!(
            "--connect-to: the URL's name ('{}') is used for SNI and the certificate check; the",
            shown(url_host)
        ));
        c.note(format!("connection goes to {r}."));
        c.opt(
            "--connect-to",
            &format!("{}:{}:{}", url_host, p.port, host_port(&host, port)),
        );
    } else if let Some(n) = sni
        && n != p.host
    {
        c.note(format!(
            "--connect-to: the URL's name ('{}') is used for SNI and the certificate check, while the",
            shown(n)
        ));
        c.note(format!(
            "connection goes to {}.",
            shown(&host_port(&p.host, p.port))
        ));
        c.opt(
            "--connect-to",
            &format!("{}:{}:{}", n, p.port, host_port(&p.host, p.port)),
        );
    }
    if sni.is_none() && !is_ip(&p.host) {
        c.note(format!(
            "NOT EXPRESSIBLE: SNI off: curl always sends the URL's host name ('{}') as SNI.",
            shown(&p.host)
        ));
    }

    // Versions.
    for (max, v, old) in version_bounds(p) {
        let words = if max {
            vec!["--tls-max".into(), v.short().into()]
        } else {
            vec![format!("--tlsv{}", v.short())]
        };
        if old {
            c.note(format!("{}: {OLD_TLS}", words.join(" ")));
        }
        c.line(words);
    }
    c.cipher_string(
        p,
        "--ciphers",
        Some("(curl has no security-level option: the level travels in the cipher string)"),
    );
    c.list_opt("--tls13-ciphers", &p.ciphersuite_list());
    c.list_opt("--curves", &p.group_list());

    // Trust.
    match p.trust {
        Trust::File => {
            if let Some(ca) = &p.cacert {
                c.note("NOTE: besides --cacert, curl may still trust its built-in CA directory (CApath,");
                c.note("e.g. /etc/ssl/certs); tlslens trusts only the file.");
                c.opt("--cacert", &path_str(ca));
            }
        }
        Trust::System => {}
        Trust::Webpki => c.note(webpki_not_expressible("curl uses its CA bundle")),
    }
    c.notes(cacert_ignored_note(p));
    match p.verify {
        VerifyMode::Full => {}
        VerifyMode::ChainOnly => {
            c.note("NOT EXPRESSIBLE: chain-only verification: curl cannot skip just the host-name check;");
            c.note(
                "this command checks the name too (stricter than the profile). -k would skip both:",
            );
            c.note(format!("-k {VERIFY_OFF}"));
        }
        VerifyMode::Off => {
            c.note(format!("-k: {VERIFY_OFF}"));
            c.flag("-k");
        }
    }
    c.client_cert(p, ["--cert", "--key"], |c| curl_cert_value(&c));

    // ALPN: curl derives it from the HTTP version.
    let alpn: Vec<&str> = p.alpn.iter().map(String::as_str).collect();
    match alpn.as_slice() {
        [] => {
            c.note("--no-alpn: the profile sends no ALPN (curl would offer h2/http/1.1).");
            c.flag("--no-alpn");
        }
        ["http/1.1"] => c.flag("--http1.1"),
        ["h2", "http/1.1"] => c.flag("--http2"),
        list if list.contains(&"h2") && list.iter().all(|a| *a == "h2" || *a == "http/1.1") => {
            c.note(format!(
                "NOT EXPRESSIBLE: ALPN '{}': curl offers only fixed lists; --http2 offers h2, http/1.1.",
                shown(&p.alpn.join(","))
            ));
            c.flag("--http2");
        }
        _ => {
            c.note(format!(
                "NOT EXPRESSIBLE: ALPN '{}': curl offers only its HTTP protocols; sending no ALPN.",
                shown(&p.alpn.join(","))
            ));
            c.flag("--no-alpn");
        }
    }

    // Timeouts.
    let conn = p.connect_timeout + p.handshake_timeout;
    c.note(
        "--connect-timeout covers TCP connect + TLS handshake (curl has no separate TCP timeout);",
    );
    c.note("--max-time adds one more handshake timeout for GET /.");
    c.opt("--connect-timeout", &fmt_secs(conn));
    c.opt("--max-time", &fmt_secs(conn + p.handshake_timeout));

    if let Ok(Some(u)) = proxy_setting(p.proxy.as_deref()) {
        if u.kind == ProxyKind::Http {
            c.note("--proxytunnel: CONNECT through the HTTP proxy, as tlslens does.");
            c.flag("--proxytunnel");
        }
        c.opt("--proxy", &u.full());
    }
    let scheme = match curl_scheme(p) {
        Some(s) => {
            c.note(format!(
                "{s}:// with --ssl-reqd: curl speaks the {s} STARTTLS upgrade and fails if it is refused."
            ));
            c.flag("--ssl-reqd");
            s
        }
        None => "https",
    };
    let url = format!("{scheme}://{}/", host_port(url_host, p.port));
    c.line(vec![sh_quote_always(&url)]);
    c.render(&hdr, "")
}
