//! How the client reaches the server before TLS starts: a protocol's own STARTTLS
//! upgrade, and a proxy (HTTP CONNECT or SOCKS5). Plain data and parsing; the
//! dialogues themselves are in `net`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A protocol that upgrades a plain connection to TLS (the set testssl.sh and
/// `openssl s_client -starttls` cover).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Starttls {
    Smtp,
    Imap,
    Pop3,
    Ftp,
    Xmpp,
    Ldap,
    Postgres,
    Mysql,
    Irc,
    Nntp,
    Sieve,
}

impl Starttls {
    pub const ALL: [Starttls; 11] = [
        Self::Smtp,
        Self::Imap,
        Self::Pop3,
        Self::Ftp,
        Self::Xmpp,
        Self::Ldap,
        Self::Postgres,
        Self::Mysql,
        Self::Irc,
        Self::Nntp,
        Self::Sieve,
    ];

    /// The name on the command line, in TOML, and `openssl s_client -starttls`'s.
    pub fn name(self) -> &'static str {
        match self {
            Self::Smtp => "smtp",
            Self::Imap => "imap",
            Self::Pop3 => "pop3",
            Self::Ftp => "ftp",
            Self::Xmpp => "xmpp",
            Self::Ldap => "ldap",
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
            Self::Irc => "irc",
            Self::Nntp => "nntp",
            Self::Sieve => "sieve",
        }
    }

    /// The port the protocol upgrades on.
    pub fn default_port(self) -> u16 {
        match self {
            Self::Smtp => 587,
            Self::Imap => 143,
            Self::Pop3 => 110,
            Self::Ftp => 21,
            Self::Xmpp => 5222,
            Self::Ldap => 389,
            Self::Postgres => 5432,
            Self::Mysql => 3306,
            Self::Irc => 6667,
            Self::Nntp => 119,
            Self::Sieve => 4190,
        }
    }

    pub fn parse(s: &str) -> Option<Starttls> {
        let t = s.trim().to_ascii_lowercase();
        let t = match t.as_str() {
            "postgresql" | "pgsql" => "postgres",
            "pop" => "pop3",
            "managesieve" => "sieve",
            "mariadb" => "mysql",
            other => other,
        };
        Self::ALL.into_iter().find(|p| p.name() == t)
    }
}

impl fmt::Display for Starttls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Starttls {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Starttls {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Starttls::parse(&s).ok_or_else(|| serde::de::Error::custom(starttls_error(&s)))
    }
}

/// The error for a protocol name that is not one.
pub fn starttls_error(s: &str) -> String {
    let names: Vec<&str> = Starttls::ALL.iter().map(|p| p.name()).collect();
    format!(
        "'{}' is not a STARTTLS protocol ({})",
        s.escape_debug(),
        names.join(", ")
    )
}

/// The kind of proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyKind {
    /// HTTP CONNECT.
    Http,
    /// SOCKS5, the client resolves the target.
    Socks5,
    /// SOCKS5, the proxy resolves the target (what `ssh -D` users want).
    Socks5h,
}

impl ProxyKind {
    pub fn scheme(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Socks5 => "socks5",
            Self::Socks5h => "socks5h",
        }
    }
}

/// SOCKS5 reply codes (RFC 1928 §6), in words: the dialogue in `net::proxy` and the
/// exported code that speaks SOCKS5 itself (`export`) say the same.
pub fn socks_reply_text(code: u8) -> &'static str {
    match code {
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused by the target",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => "unassigned reply code",
    }
}

/// A parsed proxy URL: `http://[user:pass@]host:port`, `socks5h://…`, `socks5://…`.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    pub kind: ProxyKind,
    pub host: String,
    pub port: u16,
    /// User and password, percent-decoded.
    pub auth: Option<(String, String)>,
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl ProxyUrl {
    /// Parse as curl does: no scheme means `http://`; the port defaults to 1080 for
    /// SOCKS and 80 for HTTP (curl's 1080 for HTTP is a historical accident; 3128 and
    /// 8080 are as common, so a port is best given).
    pub fn parse(s: &str) -> Result<ProxyUrl, String> {
        let s = s.trim();
        let (scheme, rest) = match s.split_once("://") {
            Some((sc, r)) => (sc.to_ascii_lowercase(), r),
            None => ("http".to_string(), s),
        };
        let kind = match scheme.as_str() {
            "http" => ProxyKind::Http,
            "socks5" => ProxyKind::Socks5,
            "socks5h" => ProxyKind::Socks5h,
            other => {
                return Err(format!(
                    "'{}' proxies are not supported (use http://, socks5:// or socks5h://)",
                    other.escape_debug()
                ));
            }
        };
        let rest = rest.trim_end_matches('/');
        let (auth, hostport) = match rest.rsplit_once('@') {
            Some((a, hp)) => {
                let (u, p) = a.split_once(':').unwrap_or((a, ""));
                (Some((percent_decode(u)?, percent_decode(p)?)), hp)
            }
            None => (None, rest),
        };
        if hostport.contains(['/', '?', '#']) {
            return Err(format!(
                "'{}' is not a proxy address (no path allowed)",
                hostport.escape_debug()
            ));
        }
        let default_port = if kind == ProxyKind::Http { 80 } else { 1080 };
        let has_port = has_port(hostport);
        let (host, mut port) = super::parse_target(hostport).map_err(|e| e.problem)?;
        if !has_port {
            port = default_port;
        }
        Ok(ProxyUrl {
            kind,
            host,
            port,
            auth,
        })
    }

    /// The URL with the password replaced: safe for reports, logs and screens.
    pub fn redacted(&self) -> String {
        let auth = match &self.auth {
            Some((u, _)) => format!("{u}:***@"),
            None => String::new(),
        };
        format!(
            "{}://{auth}{}",
            self.kind.scheme(),
            host_port(&self.host, self.port)
        )
    }

    /// The URL as given, password included (for an exported command line).
    pub fn full(&self) -> String {
        let auth = match &self.auth {
            Some((u, p)) => format!("{}:{}@", percent_encode(u), percent_encode(p)),
            None => String::new(),
        };
        format!(
            "{}://{auth}{}",
            self.kind.scheme(),
            host_port(&self.host, self.port)
        )
    }
}

/// Whether `HOST:PORT` text names a port (`[::1]:443` does, `::1` and `[::1]` do not).
pub fn has_port(s: &str) -> bool {
    s.rsplit_once(':')
        .is_some_and(|(h, _)| !h.contains(':') || h.ends_with(']'))
}

/// `host:port`, with an IPv6 address in brackets: `[::1]:443`.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent escape in '{}'", s.escape_debug()))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "proxy credentials are not UTF-8".to_string())
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|c| {
            if c.is_ascii_alphanumeric() || b"-._~".contains(&c) {
                (c as char).to_string()
            } else {
                format!("%{c:02X}")
            }
        })
        .collect()
}

/// The proxy field's text with any password replaced by `***`, valid or not (the
/// editor shows what was typed, but not the password).
pub fn redact_proxy_text(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return text.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => text.to_string(),
    }
}

/// What the proxy field says: use the environment (None), go direct, or this proxy.
pub fn proxy_setting(text: Option<&str>) -> Result<Option<ProxyUrl>, String> {
    match text.map(str::trim) {
        None | Some("" | "direct" | "none") => Ok(None),
        Some(url) => ProxyUrl::parse(url).map(Some),
    }
}

/// The proxy a connection to `host` uses, curl style: the profile's own setting, else
/// `https_proxy`/`HTTPS_PROXY` (plain TLS targets only: a STARTTLS protocol is not
/// HTTPS), then `all_proxy`/`ALL_PROXY`, unless `no_proxy`/`NO_PROXY` names the host.
/// `env` looks a variable up (the process environment in use, a map in tests).
/// Returns the proxy and where it came from.
pub fn effective_proxy(
    setting: Option<&str>,
    host: &str,
    starttls: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(ProxyUrl, String)>, String> {
    if let Some(s) = setting {
        return Ok(proxy_setting(Some(s))?.map(|u| (u, "profile".to_string())));
    }
    let get = |name: &str| {
        env(&name.to_ascii_lowercase())
            .or_else(|| env(name))
            .filter(|v| !v.trim().is_empty())
            .map(|v| (v, name.to_string()))
    };
    let found = if starttls {
        get("ALL_PROXY")
    } else {
        get("HTTPS_PROXY").or_else(|| get("ALL_PROXY"))
    };
    let Some((value, from)) = found else {
        return Ok(None);
    };
    if let Some((list, _)) = get("NO_PROXY")
        && no_proxy_matches(&list, host)
    {
        return Ok(None);
    }
    ProxyUrl::parse(&value)
        .map(|u| Some((u, from.clone())))
        .map_err(|e| format!("{from}: {e}"))
}

/// curl's NO_PROXY: `*` matches everything; each other entry matches the host itself
/// or, for a name, any name under it (`example.com` and `.example.com` both match
/// `www.example.com`). Ports and case are ignored.
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    list.split([',', ' '])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|e| {
            if e == "*" {
                return true;
            }
            let e = e.to_ascii_lowercase();
            let e = e.trim_start_matches('[');
            let e = match e.split_once(']') {
                Some((h, _)) => h,
                None if e.matches(':').count() == 1 => e.split(':').next().unwrap_or(e),
                None => e,
            };
            let e = e.trim_start_matches('.').trim_end_matches('.');
            host == e || host.ends_with(&format!(".{e}"))
        })
}

/// The port a URL scheme implies when the URL names none (curl's defaults, for the
/// schemes that speak TLS from the first byte).
pub fn scheme_port(scheme: &str) -> Option<u16> {
    Some(match scheme.to_ascii_lowercase().as_str() {
        "https" | "wss" => 443,
        "imaps" => 993,
        "pop3s" => 995,
        "smtps" => 465,
        "ldaps" => 636,
        "ftps" => 990,
        "ircs" => 6697,
        "nntps" | "snews" => 563,
        "xmpps" => 5223,
        "mqtts" => 8883,
        "sips" => 5061,
        _ => return None,
    })
}

/// A pasted URL as a target, as curl takes it: `https://host:port/path?q` →
/// (`host:port`, the scheme's default port). Path, query, fragment and user info are
/// dropped. None when `s` is not a URL; an error for a scheme without a TLS port.
pub fn url_target(s: &str) -> Option<Result<(&str, u16), String>> {
    let (scheme, rest) = s.split_once("://")?;
    let Some(port) = scheme_port(scheme) else {
        return Some(Err(format!(
            "'{scheme}://' has no TLS port: give HOST:PORT, or a URL such as https://HOST"
        )));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(Ok((authority, port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_password_is_never_shown() {
        assert_eq!(
            redact_proxy_text("http://lab:tlslens@127.0.0.1:3128"),
            "http://lab:***@127.0.0.1:3128"
        );
        // Invalid (no port) and a password holding '@': still hidden.
        assert_eq!(redact_proxy_text("socks5h://u:p@ss@h"), "socks5h://u:***@h");
        assert_eq!(redact_proxy_text("http://h:1"), "http://h:1");
        assert_eq!(redact_proxy_text("direct"), "direct");
        let p = crate::profile::Profile {
            proxy: Some("http://lab:s3cret@127.0.0.1:3128".into()),
            ..Default::default()
        };
        let debug = format!("{p:?}");
        assert!(
            !debug.contains("s3cret") && debug.contains("lab:***@"),
            "{debug}"
        );
    }

    #[test]
    fn proxy_urls_parse_as_curl_does() {
        let u = ProxyUrl::parse("http://al%40x:p%3Ass@127.0.0.1:3128").unwrap();
        assert_eq!(u.kind, ProxyKind::Http);
        assert_eq!((u.host.as_str(), u.port), ("127.0.0.1", 3128));
        assert_eq!(u.auth, Some(("al@x".into(), "p:ss".into())));
        assert_eq!(u.redacted(), "http://al@x:***@127.0.0.1:3128");
        assert_eq!(ProxyUrl::parse(&u.full()).unwrap(), u);
        let s = ProxyUrl::parse("socks5h://[::1]:1080").unwrap();
        assert_eq!((s.kind, s.host.as_str()), (ProxyKind::Socks5h, "::1"));
        assert_eq!(s.redacted(), "socks5h://[::1]:1080");
        assert_eq!(ProxyUrl::parse("proxy.corp").unwrap().port, 80);
        assert_eq!(ProxyUrl::parse("socks5://proxy.corp").unwrap().port, 1080);
        assert!(
            ProxyUrl::parse("https://p:1")
                .unwrap_err()
                .contains("'https'")
        );
        assert!(ProxyUrl::parse("http://p:99999").is_err());
        assert!(ProxyUrl::parse("http://p:80/path").is_err());
    }

    #[test]
    fn the_environment_is_read_like_curl() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let e = env(&[
            ("HTTPS_PROXY", "http://h:1"),
            ("ALL_PROXY", "socks5h://a:2"),
        ]);
        let got = effective_proxy(None, "example.com", false, &e)
            .unwrap()
            .unwrap();
        assert_eq!((got.0.port, got.1.as_str()), (1, "HTTPS_PROXY"));
        let got = effective_proxy(None, "mail.example", true, &e)
            .unwrap()
            .unwrap();
        assert_eq!((got.0.port, got.1.as_str()), (2, "ALL_PROXY"));
        assert!(
            effective_proxy(Some("direct"), "x", false, &e)
                .unwrap()
                .is_none()
        );
        let lower = env(&[("https_proxy", "http://l:3"), ("HTTPS_PROXY", "http://u:4")]);
        assert_eq!(
            effective_proxy(None, "x", false, &lower)
                .unwrap()
                .unwrap()
                .0
                .port,
            3
        );
        let np = env(&[
            ("HTTPS_PROXY", "http://h:1"),
            ("NO_PROXY", "localhost,.corp"),
        ]);
        assert!(
            effective_proxy(None, "a.corp", false, &np)
                .unwrap()
                .is_none()
        );
        assert!(
            effective_proxy(None, "corp.evil", false, &np)
                .unwrap()
                .is_some()
        );
        let bad = env(&[("HTTPS_PROXY", "ftp://h")]);
        assert!(
            effective_proxy(None, "x", false, &bad)
                .unwrap_err()
                .starts_with("HTTPS_PROXY: ")
        );
    }

    #[test]
    fn no_proxy_entries() {
        assert!(no_proxy_matches("*", "anything"));
        assert!(no_proxy_matches("example.com", "www.example.com"));
        assert!(no_proxy_matches(".example.com", "example.com"));
        assert!(no_proxy_matches("127.0.0.1:8080, ::1", "127.0.0.1"));
        assert!(no_proxy_matches("[::1]:443", "::1"));
        assert!(!no_proxy_matches("example.com", "notexample.com"));
    }

    #[test]
    fn starttls_names() {
        for p in Starttls::ALL {
            assert_eq!(Starttls::parse(p.name()), Some(p));
        }
        assert_eq!(Starttls::parse("PostgreSQL"), Some(Starttls::Postgres));
        assert!(starttls_error("smtps").contains("smtp, imap"));
    }
}
