//! The connection profile: what the client asks for. Plain data (TOML on disk), no I/O.
//!
//! Validation names the field and the bad value, so a front end can show the error
//! beside the field without losing what the user typed.
//!
//! Every field is declared once, in [`FIELDS`]: its TOML key, command-line
//! flags, editor widget, text form and whether it weakens security. The editor, the
//! flags, the suggestions, the weakening marks and the exporters all read that table,
//! so adding a field does not mean finding seven places held together by strings.
//! `policy` says what weakens security and what it costs; `change` is a typed edit of
//! one field; `load` is the one place a profile is read from a file or a target.

mod backend_id;
mod change;
mod fields;
pub mod library;
mod policy;
mod reach;
mod suggestion;
pub mod upgrade;

pub use backend_id::BackendId;
pub use change::Change;
pub use fields::{FIELDS, Field, FieldSpec, Flag, Takes, Widget, apply_flags, parse_backends};
pub use policy::{
    NOTE_NO_HOST_CHECK, NOTE_OLD_TLS, NOTE_VERIFY_OFF, Weakening, cost_of, old_version,
    seclevel_note,
};
pub use reach::{
    ProxyKind, ProxyUrl, Starttls, effective_proxy, has_port, host_port, no_proxy_matches,
    proxy_setting, redact_proxy_text, socks_reply_text, starttls_error,
};
pub use suggestion::Suggestion;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::path::PathBuf;

/// A TLS protocol version a profile can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    V1_0,
    V1_1,
    V1_2,
    V1_3,
}

impl TlsVersion {
    pub const ALL: [TlsVersion; 4] = [Self::V1_0, Self::V1_1, Self::V1_2, Self::V1_3];

    /// The short spelling used on the command line and in TOML: "1.2".
    pub fn short(self) -> &'static str {
        match self {
            Self::V1_0 => "1.0",
            Self::V1_1 => "1.1",
            Self::V1_2 => "1.2",
            Self::V1_3 => "1.3",
        }
    }
    /// The spelling OpenSSL and Python print: "TLSv1.2".
    pub fn name(self) -> &'static str {
        match self {
            Self::V1_0 => "TLSv1.0",
            Self::V1_1 => "TLSv1.1",
            Self::V1_2 => "TLSv1.2",
            Self::V1_3 => "TLSv1.3",
        }
    }
    /// The wire code point.
    pub fn wire(self) -> u16 {
        match self {
            Self::V1_0 => 0x0301,
            Self::V1_1 => 0x0302,
            Self::V1_2 => 0x0303,
            Self::V1_3 => 0x0304,
        }
    }
    /// Accepts "1.2", "TLSv1.2", "tls1.2", "tls1_2".
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.trim_start_matches("tlsv").trim_start_matches("tls");
        match t.replace('_', ".").as_str() {
            "1.0" | "1" => Some(Self::V1_0),
            "1.1" => Some(Self::V1_1),
            "1.2" => Some(Self::V1_2),
            "1.3" => Some(Self::V1_3),
            _ => None,
        }
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for TlsVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.short())
    }
}

impl<'de> Deserialize<'de> for TlsVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TlsVersion::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "'{s}' is not a TLS version (use 1.0, 1.1, 1.2 or 1.3)"
            ))
        })
    }
}

/// Server Name Indication: the host name by default, off, or another name.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Sni {
    #[default]
    Auto,
    Off,
    Name(String),
}

impl Serialize for Sni {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Sni::Auto => s.serialize_str("auto"),
            Sni::Off => s.serialize_str("off"),
            Sni::Name(n) => s.serialize_str(n),
        }
    }
}

impl<'de> Deserialize<'de> for Sni {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "auto" | "" => Sni::Auto,
            "off" | "none" => Sni::Off,
            _ => Sni::Name(s),
        })
    }
}

/// How much of the peer's certificate is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyMode {
    /// Chain to a trust anchor and host name.
    #[default]
    Full,
    /// Chain only; the host name is not checked.
    ChainOnly,
    /// Nothing is enforced (the verdict is still computed and reported where the stack allows).
    Off,
}

impl VerifyMode {
    pub fn name(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::ChainOnly => "chain-only",
            Self::Off => "off",
        }
    }
}

/// Where trust anchors come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trust {
    /// The operating system's store (/etc/ssl/certs).
    #[default]
    System,
    /// Mozilla's roots compiled into webpki-roots (rustls only).
    Webpki,
    /// The PEM file named by `cacert`.
    File,
}

impl Trust {
    pub fn name(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Webpki => "webpki",
            Self::File => "file",
        }
    }
}

/// Everything the client asks for.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Profile {
    pub host: String,
    pub port: u16,
    pub sni: Sni,
    pub min_tls: Option<TlsVersion>,
    pub max_tls: Option<TlsVersion>,
    /// OpenSSL cipher string for TLS <= 1.2 (e.g. `DEFAULT@SECLEVEL=0`).
    pub ciphers: Option<String>,
    /// TLS 1.3 suites, colon separated IANA names.
    pub ciphersuites: Option<String>,
    /// Key-exchange groups, colon or comma separated (`x25519:secp256r1`).
    pub groups: Option<String>,
    /// OpenSSL security level 0-5; None is the library default.
    pub seclevel: Option<u8>,
    pub verify: VerifyMode,
    pub trust: Trust,
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub alpn: Vec<String>,
    /// Upgrade a plain connection to TLS with this protocol's own dialogue first.
    pub starttls: Option<Starttls>,
    /// `http://[user:pass@]host:port`, `socks5h://…`, `socks5://…`; `direct` for none;
    /// unset: the environment's (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`), as curl.
    pub proxy: Option<String>,
    /// Seconds allowed for the TCP connect (per address).
    pub connect_timeout: f64,
    /// Seconds allowed for the TLS handshake.
    pub handshake_timeout: f64,
    /// The TLS stacks to try. Chosen per session (flag or editor), not saved in TOML.
    #[serde(skip)]
    pub backends: Vec<BackendId>,
}

/// Every field, with a proxy password replaced by `***`: Debug output ends up in
/// panics, logs and test failures. (Through the serialised form, so a new field shows
/// without being listed here.)
impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = Profile {
            proxy: self.proxy.as_deref().map(redact_proxy_text),
            ..self.clone()
        };
        let fields = serde_json::to_string(&shown).map_err(|_| std::fmt::Error)?;
        write!(f, "Profile {fields} backends {:?}", self.backends)
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            host: String::new(),
            port: 443,
            sni: Sni::Auto,
            min_tls: None,
            max_tls: None,
            ciphers: None,
            ciphersuites: None,
            groups: None,
            seclevel: None,
            verify: VerifyMode::Full,
            trust: Trust::System,
            cacert: None,
            cert: None,
            key: None,
            alpn: Vec::new(),
            starttls: None,
            proxy: None,
            connect_timeout: 5.0,
            handshake_timeout: 10.0,
            backends: BackendId::ALL.to_vec(),
        }
    }
}

/// A validation error: which field, what value, what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldError {
    pub field: Field,
    pub problem: String,
}

impl FieldError {
    pub fn new(field: Field, problem: impl Into<String>) -> Self {
        FieldError {
            field,
            problem: problem.into(),
        }
    }
}

impl Profile {
    /// Parse a TOML profile; errors name the file's bad key or value.
    /// A profile from TOML; an error names the line and column (1-based) it is at.
    pub fn from_toml(text: &str) -> Result<Profile, String> {
        toml::from_str::<Profile>(text).map_err(|e| {
            let msg = e.message().trim_end();
            match e.span() {
                Some(span) => {
                    let before = text.get(..span.start).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                    format!("line {line}, column {col}: {msg}")
                }
                None => msg.to_string(),
            }
        })
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// The name sent as SNI, if any. Never an IP address (RFC 6066 forbids it).
    pub fn sni_name(&self) -> Option<&str> {
        match &self.sni {
            Sni::Off => None,
            Sni::Name(n) => Some(n),
            Sni::Auto => {
                if self.host.parse::<std::net::IpAddr>().is_ok() {
                    None
                } else {
                    Some(&self.host)
                }
            }
        }
    }

    /// The name the certificate is checked against: the SNI name when one is set, else the host.
    pub fn verify_name(&self) -> &str {
        match &self.sni {
            Sni::Name(n) => n,
            _ => &self.host,
        }
    }

    /// Every group name, split on ':' or ','.
    pub fn group_list(&self) -> Vec<String> {
        split_list(self.groups.as_deref())
    }

    /// Every TLS 1.3 suite name.
    pub fn ciphersuite_list(&self) -> Vec<String> {
        split_list(self.ciphersuites.as_deref())
    }

    /// Check every field; the first error for each bad field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        if let Err(e) = validate_host(&self.host) {
            errs.push(e);
        }
        if self.port == 0 {
            errs.push(FieldError::new(
                Field::Port,
                "0 is not a usable port (1-65535)",
            ));
        }
        if let Sni::Name(n) = &self.sni
            && let Err(e) = validate_dns_name(n)
        {
            errs.push(FieldError::new(Field::Sni, e));
        }
        if let (Some(lo), Some(hi)) = (self.min_tls, self.max_tls)
            && lo > hi
        {
            errs.push(FieldError::new(
                Field::MinTls,
                format!("minimum {lo} is above the maximum {hi}"),
            ));
        }
        if let Some(c) = &self.ciphers
            && (c.trim().is_empty() || !c.chars().all(|ch| ch.is_ascii_graphic()))
        {
            errs.push(FieldError::new(
                Field::Ciphers,
                format!("'{}' is not an OpenSSL cipher string", c.escape_debug()),
            ));
        }
        for s in self.ciphersuite_list() {
            if crate::wire::names::cipher_id_from_name(&s).is_none() {
                errs.push(FieldError::new(
                    Field::Ciphersuites,
                    format!("'{}' is not a TLS 1.3 cipher suite", s.escape_debug()),
                ));
                break;
            }
        }
        for g in self.group_list() {
            if crate::wire::names::group_id_from_name(&g).is_none() {
                errs.push(FieldError::new(
                    Field::Groups,
                    format!("'{}' is not a known group", g.escape_debug()),
                ));
                break;
            }
        }
        if let Some(l) = self.seclevel
            && l > 5
        {
            errs.push(FieldError::new(
                Field::Seclevel,
                format!("{l} is not an OpenSSL security level (0-5)"),
            ));
        }
        if self.trust == Trust::File && self.cacert.is_none() {
            errs.push(FieldError::new(
                Field::Cacert,
                "trust is 'file' but no CA file is named",
            ));
        }
        match (&self.cert, &self.key) {
            (Some(_), None) => errs.push(FieldError::new(
                Field::Key,
                "a client certificate needs its key",
            )),
            (None, Some(_)) => errs.push(FieldError::new(
                Field::Cert,
                "a client key needs its certificate",
            )),
            _ => {}
        }
        for a in &self.alpn {
            if a.is_empty() || a.len() > 255 {
                errs.push(FieldError::new(
                    Field::Alpn,
                    format!("'{}' must be 1-255 bytes", a.escape_debug()),
                ));
                break;
            }
        }
        if let Err(e) = proxy_setting(self.proxy.as_deref()) {
            errs.push(FieldError::new(Field::Proxy, e));
        }
        for (field, v) in [
            (Field::ConnectTimeout, self.connect_timeout),
            (Field::HandshakeTimeout, self.handshake_timeout),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= 600.0) {
                errs.push(FieldError::new(
                    field,
                    "must be more than 0 and at most 600 seconds",
                ));
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

fn split_list(s: Option<&str>) -> Vec<String> {
    s.map(|s| {
        s.split([':', ','])
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    })
    .unwrap_or_default()
}

fn validate_host(host: &str) -> Result<(), FieldError> {
    if host.is_empty() {
        return Err(FieldError::new(Field::Host, "no host given"));
    }
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    validate_dns_name(host).map_err(|e| FieldError::new(Field::Host, e))
}

fn validate_dns_name(n: &str) -> Result<(), String> {
    let ok_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let trimmed = n.strip_suffix('.').unwrap_or(n);
    if n.len() > 253 || !trimmed.split('.').all(ok_label) {
        return Err(format!("'{}' is not a valid host name", n.escape_debug()));
    }
    Ok(())
}

/// A host as typed: `[::1]` (the way a target spells an IPv6 address) means `::1`,
/// so the editor and the command line accept the same spellings.
pub fn host_from_text(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner) => inner.to_string(),
        None => s.to_string(),
    }
}

/// Split `HOST[:PORT]`, `[V6]:PORT` or a bare IPv6 address. PORT defaults to 443.
pub fn parse_target(s: &str) -> Result<(String, u16), FieldError> {
    let s = s.trim();
    // A pasted URL: the authority, its port or the scheme's (path and query dropped).
    let (s, default_port) = match reach::url_target(s) {
        None => (s, 443),
        Some(Ok(t)) => t,
        Some(Err(e)) => return Err(FieldError::new(Field::Host, e)),
    };
    let bad_port = |p: &str| {
        FieldError::new(
            Field::Port,
            format!(
                "'{}' in '{}' is not a port (1-65535)",
                p.escape_debug(),
                s.escape_debug()
            ),
        )
    };
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or_else(|| FieldError::new(Field::Host, format!("'{s}': missing ']'")))?;
        match after.strip_prefix(':') {
            Some(p) => (h.to_string(), Some(p)),
            None if after.is_empty() => (h.to_string(), None),
            None => {
                return Err(FieldError::new(
                    Field::Host,
                    format!("'{s}' is not HOST[:PORT]"),
                ));
            }
        }
    } else if s.matches(':').count() > 1 {
        (s.to_string(), None) // bare IPv6
    } else if let Some((h, p)) = s.split_once(':') {
        (h.to_string(), Some(p))
    } else {
        (s.to_string(), None)
    };
    let port = match port {
        None => default_port,
        Some(p) => match p.parse::<u16>() {
            Ok(0) | Err(_) => return Err(bad_port(p)),
            Ok(n) => n,
        },
    };
    validate_host(&host)?;
    Ok((host, port))
}

#[cfg(test)]
mod tests;
