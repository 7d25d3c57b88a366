//! A curl command line → profile. The TLS options curl shares with tlslens are read;
//! output and HTTP options are skipped (with their values), anything else is listed.

use super::{sni_for, split_seclevel, words};
use crate::profile::{
    Profile, ProxyUrl, Starttls, TlsVersion, Trust, VerifyMode, has_port, parse_target,
};
use std::path::PathBuf;

/// curl options that take a value and say nothing about TLS.
const SKIP_WITH_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-w",
    "--write-out",
    "-H",
    "--header",
    "-d",
    "--data",
    "--data-raw",
    "--data-binary",
    "-X",
    "--request",
    "-u",
    "--user",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-T",
    "--upload-file",
    "--retry",
    "-r",
    "--range",
    "--limit-rate",
    "--mail-from",
    "--mail-rcpt",
    "--interface",
    "--local-port",
    "-D",
    "--dump-header",
    "--trace",
    "--trace-ascii",
    "-F",
    "--form",
];
/// curl switches that say nothing about TLS.
const SKIP_SWITCHES: &[&str] = &[
    "-s",
    "--silent",
    "-S",
    "--show-error",
    "-v",
    "--verbose",
    "-i",
    "--include",
    "-I",
    "--head",
    "-L",
    "--location",
    "-f",
    "--fail",
    "--compressed",
    "-N",
    "--no-buffer",
    "--proxytunnel",
    "-p",
    "-#",
    "--progress-bar",
    "-4",
    "-6",
    "--ipv4",
    "--ipv6",
    "-G",
    "--get",
    "--no-progress-meter",
    "-q",
    "--disable",
];

fn version(flag: &str) -> Option<TlsVersion> {
    match flag {
        "--tlsv1" | "-1" | "--tlsv1.0" => Some(TlsVersion::V1_0),
        "--tlsv1.1" => Some(TlsVersion::V1_1),
        "--tlsv1.2" => Some(TlsVersion::V1_2),
        "--tlsv1.3" => Some(TlsVersion::V1_3),
        _ => None,
    }
}

/// Undo curl's escaping of `--cert` (`\:` and `\\`); a `:password` tail is dropped.
fn cert_path(v: &str, notes: &mut Vec<String>) -> PathBuf {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            ':' => {
                notes.push("--cert's pass phrase (tlslens reads unencrypted keys)".into());
                break;
            }
            c => out.push(c),
        }
    }
    PathBuf::from(out)
}

pub(super) fn import(text: &str, notes: &mut Vec<String>) -> Result<Profile, String> {
    let cmds = words::commands(text)?;
    let args = words::find(&cmds, &["curl"]).ok_or("no curl command found")?;
    let mut p = Profile {
        alpn: vec!["h2".into(), "http/1.1".into()],
        ..Profile::default()
    };
    let mut url: Option<String> = None;
    let (mut connect_to, mut resolve) = (None, None);
    let (mut ctimeout, mut max_time) = (None, None);
    let (mut ssl_reqd, mut proxy_user) = (false, None);
    let mut o = words::Opts::new(&args, "curl");
    while let Some(a) = o.next_opt() {
        match a {
            _ if version(a).is_some() => p.min_tls = version(a),
            "--tls-max" => {
                let v = o.value(a)?;
                p.max_tls = Some(
                    TlsVersion::parse(&v).ok_or(format!("--tls-max '{v}' is not a TLS version"))?,
                );
            }
            "--ciphers" => {
                let (c, l) = split_seclevel(&o.value(a)?);
                p.ciphers = c;
                p.seclevel = l;
            }
            "--tls13-ciphers" => p.ciphersuites = Some(o.value(a)?),
            "--curves" => p.groups = Some(o.value(a)?),
            "-k" | "--insecure" => p.verify = VerifyMode::Off,
            "--cacert" => {
                p.cacert = Some(PathBuf::from(o.value(a)?));
                p.trust = Trust::File;
            }
            "-E" | "--cert" => p.cert = Some(cert_path(&o.value(a)?, notes)),
            "--key" => p.key = Some(PathBuf::from(o.value(a)?)),
            "--no-alpn" => p.alpn.clear(),
            "--http1.1" | "--http1.0" => p.alpn = vec!["http/1.1".into()],
            "--http2" => p.alpn = vec!["h2".into(), "http/1.1".into()],
            "--connect-timeout" => ctimeout = o.value(a)?.parse::<f64>().ok(),
            "-m" | "--max-time" => max_time = o.value(a)?.parse::<f64>().ok(),
            "--connect-to" => connect_to = Some(o.value(a)?),
            "--resolve" => resolve = Some(o.value(a)?),
            "-x" | "--proxy" => p.proxy = Some(o.value(a)?),
            "--socks5-hostname" => p.proxy = Some(format!("socks5h://{}", o.value(a)?)),
            "--socks5" => p.proxy = Some(format!("socks5://{}", o.value(a)?)),
            "-U" | "--proxy-user" => proxy_user = Some(o.value(a)?),
            "--noproxy" => {
                let v = o.value(a)?;
                if v == "*" {
                    p.proxy = Some("direct".into());
                }
            }
            "--ssl-reqd" | "--ssl" => ssl_reqd = true,
            "--url" => url = Some(o.value(a)?),
            _ if SKIP_WITH_VALUE.contains(&a) => {
                o.value(a)?;
            }
            _ if SKIP_SWITCHES.contains(&a) => {}
            _ if a.starts_with('-') && !a.starts_with("--") && a.len() > 2 => {
                // Bundled short switches (-sSk).
                for c in a.chars().skip(1) {
                    match c {
                        'k' => p.verify = VerifyMode::Off,
                        's' | 'S' | 'v' | 'i' | 'L' | 'f' | 'q' | 'N' | 'I' => {}
                        other => notes.push(format!("-{other}")),
                    }
                }
            }
            _ if a.starts_with('-') => notes.push(a.to_string()),
            _ if url.is_none() => url = Some(a.to_string()),
            _ => notes.push(format!("a second URL '{a}'")),
        }
    }
    let url = url.ok_or("the curl command names no URL")?;
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", &url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = parse_target(authority).map_err(|e| format!("URL: {e}"))?;
    let port_given = has_port(authority);
    let upgrade = match scheme.to_ascii_lowercase().as_str() {
        "https" => None,
        "smtp" => Some(Starttls::Smtp),
        "imap" => Some(Starttls::Imap),
        "pop3" => Some(Starttls::Pop3),
        "ftp" => Some(Starttls::Ftp),
        other => {
            return Err(format!(
                "URL scheme '{other}': tlslens imports https, or smtp/imap/pop3/ftp with --ssl-reqd"
            ));
        }
    };
    if let Some(proto) = upgrade {
        if !ssl_reqd {
            return Err(format!(
                "{scheme}:// without --ssl-reqd is not TLS (add --ssl-reqd for STARTTLS)"
            ));
        }
        p.starttls = Some(proto);
    }
    p.port = match (port_given, upgrade) {
        (true, _) => port,
        // curl's smtp:// is port 25 (submission's 587 needs it named).
        (false, Some(Starttls::Smtp)) => 25,
        (false, Some(s)) => s.default_port(),
        (false, None) => 443,
    };
    p.host = host.clone();
    p.sni = sni_for(&host, None);
    let redirect = connect_to.as_deref().or(resolve.as_deref());
    if let Some(spec) = redirect {
        // name:port:host:port (--connect-to) or name:port:address (--resolve).
        let mut parts = spec.splitn(3, ':');
        let (_name, _port, to) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
        let (to_host, to_port) = match parse_target(to) {
            Ok((h, port)) if has_port(to) && connect_to.is_some() => (h, port),
            Ok((h, _)) => (h, p.port),
            Err(e) => return Err(format!("--connect-to/--resolve '{spec}': {e}")),
        };
        p.host = to_host;
        p.port = to_port;
        p.sni = sni_for(&p.host, Some(&host));
    }
    match (ctimeout, max_time) {
        (Some(c), Some(m)) if m > c && c > m - c => {
            p.handshake_timeout = m - c;
            p.connect_timeout = c - (m - c);
        }
        (Some(c), _) => p.connect_timeout = c,
        (None, Some(m)) => p.handshake_timeout = m,
        (None, None) => {}
    }
    if let (Some(up), Some(proxy)) = (proxy_user, &p.proxy) {
        let mut u = ProxyUrl::parse(proxy)?;
        let (user, pass) = up.split_once(':').unwrap_or((&up, ""));
        u.auth = Some((user.to_string(), pass.to_string()));
        p.proxy = Some(u.full());
    }
    Ok(p)
}
