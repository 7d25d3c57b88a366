//! The one table of profile fields. A field is declared here once — its TOML key,
//! command-line flags, editor widget, text form and weakening policy — and the
//! editor, the flags, the suggestions, the weakening marks and the exporters read it.
//!
//! Every field has one text form (what the editor shows and what a flag takes), and
//! parsing that text gives a typed [`Change`]; applying changes is the only way text
//! reaches a profile, so the editor and the command line cannot disagree.

use super::BackendId;
use super::change::Change;
use super::policy::{self, Weakens};
use super::{FieldError, Profile, Sni, Starttls, TlsVersion, Trust, VerifyMode, host_from_text};
use std::fmt;
use std::path::{Path, PathBuf};

/// A profile field, named by the compiler instead of by a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Host,
    Port,
    Sni,
    MinTls,
    MaxTls,
    Seclevel,
    Ciphers,
    Ciphersuites,
    Groups,
    Verify,
    Trust,
    Cacert,
    Cert,
    Key,
    Alpn,
    Starttls,
    Proxy,
    ConnectTimeout,
    HandshakeTimeout,
    Backends,
}

/// How the editor lets the user change a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Widget {
    Text,
    /// Cycled with ←/→ through fixed options (each a valid text form).
    Choice(&'static [&'static str]),
}

/// What a flag takes on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Takes {
    /// `--flag VALUE`: the value is the field's text form; the name is clap's VALUE.
    Text(&'static str),
    /// `--flag` alone: sets the field to this text form (`-k` is verify `off`).
    Fixed(&'static str),
}

/// One command-line spelling of a field. The flags of one field exclude each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes: Takes,
    /// Another field this flag also sets, unless that field's own flag is given
    /// (`--cacert FILE` means trust that file).
    pub also: Option<(Field, &'static str)>,
    pub help: &'static str,
}

/// How a suggestion carries the value in JSON (`"seclevel": 0`, `"min_tls": "1.0"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Json {
    Text,
    Int,
    Number,
}

/// Everything about one field.
pub struct FieldSpec {
    pub field: Field,
    /// The TOML key, the name errors use, and the editor's key.
    pub key: &'static str,
    pub label: &'static str,
    /// Saved in a TOML profile (backends are a per-session choice).
    pub in_toml: bool,
    pub flags: &'static [Flag],
    pub widget: Widget,
    pub json: Json,
    /// The field's text form.
    pub get: fn(&Profile) -> String,
    /// Text form → typed change; the error names no field (the caller does).
    pub parse: fn(&str) -> Result<Change, String>,
    pub weakens: Weakens,
    /// What changing it costs when it does not weaken security (a suggestion's cost).
    pub harmless: Option<&'static str>,
}

pub const VERSIONS: &[&str] = &["default", "1.0", "1.1", "1.2", "1.3"];
pub const LEVELS: &[&str] = &["default", "0", "1", "2", "3", "4", "5"];
pub const VERIFY: &[&str] = &["full", "chain-only", "off"];
pub const TRUST: &[&str] = &["system", "webpki", "file"];
pub const STARTTLS: &[&str] = &[
    "none", "smtp", "imap", "pop3", "ftp", "xmpp", "ldap", "postgres", "mysql", "irc", "nntp",
    "sieve",
];
pub const BACKENDS: &[&str] = &[
    "native-tls,openssl,rustls",
    "openssl",
    "rustls",
    "native-tls",
    "native-tls,openssl",
    "native-tls,rustls",
    "openssl,rustls",
    "python",
    "native-tls,openssl,rustls,python",
    "python,curl,s_client,java,node",
    "native-tls,openssl,rustls,python,curl,s_client,java,node",
];

const fn flag(long: &'static str, value: &'static str, help: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        takes: Takes::Text(value),
        also: None,
        help,
    }
}

const fn switch(long: &'static str, sets: &'static str, help: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        takes: Takes::Fixed(sets),
        also: None,
        help,
    }
}

/// A field with no special weakening or cost; the table rows override what differs.
const fn spec(
    field: Field,
    key: &'static str,
    label: &'static str,
    flags: &'static [Flag],
    get: fn(&Profile) -> String,
    parse: fn(&str) -> Result<Change, String>,
) -> FieldSpec {
    FieldSpec {
        field,
        key,
        label,
        in_toml: true,
        flags,
        widget: Widget::Text,
        json: Json::Text,
        get,
        parse,
        weakens: Weakens::Never,
        harmless: None,
    }
}

/// The table, in the editor's order.
pub static FIELDS: &[FieldSpec] = &[
    spec(
        Field::Host,
        "host",
        "host",
        &[],
        |p| p.host.clone(),
        |s| Ok(Change::Host(host_from_text(s))),
    ),
    spec(
        Field::Port,
        "port",
        "port",
        &[],
        |p| p.port.to_string(),
        |s| match s.trim().parse::<u16>() {
            Ok(n) if n > 0 => Ok(Change::Port(n)),
            _ => Err(format!("'{s}' is not a port (1-65535)")),
        },
    ),
    FieldSpec {
        harmless: Some("none, if the server really serves that name"),
        ..spec(
            Field::Sni,
            "sni",
            "SNI (auto/off/name)",
            &[
                flag(
                    "sni",
                    "NAME",
                    "Send this SNI name (and check the certificate against it)",
                ),
                switch("no-sni", "off", "Send no SNI"),
            ],
            |p| match &p.sni {
                Sni::Auto => "auto".into(),
                Sni::Off => "off".into(),
                Sni::Name(n) => n.clone(),
            },
            |s| {
                Ok(Change::Sni(match s.trim() {
                    "" | "auto" => Sni::Auto,
                    "off" => Sni::Off,
                    n => Sni::Name(n.to_string()),
                }))
            },
        )
    },
    FieldSpec {
        widget: Widget::Choice(VERSIONS),
        weakens: Weakens::When(policy::MIN_TLS),
        ..spec(
            Field::MinTls,
            "min_tls",
            "min TLS",
            &[flag(
                "min-tls",
                "VER",
                "Lowest TLS version to offer: 1.0, 1.1, 1.2, 1.3",
            )],
            |p| version_text(p.min_tls),
            |s| version(s).map(Change::MinTls),
        )
    },
    FieldSpec {
        widget: Widget::Choice(VERSIONS),
        harmless: Some("none: it allows a newer version"),
        ..spec(
            Field::MaxTls,
            "max_tls",
            "max TLS",
            &[flag("max-tls", "VER", "Highest TLS version to offer")],
            |p| version_text(p.max_tls),
            |s| version(s).map(Change::MaxTls),
        )
    },
    FieldSpec {
        widget: Widget::Choice(LEVELS),
        json: Json::Int,
        weakens: Weakens::When(policy::SECLEVEL),
        ..spec(
            Field::Seclevel,
            "seclevel",
            "security level",
            &[flag("seclevel", "N", "OpenSSL security level 0-5")],
            |p| p.seclevel.map_or("default".into(), |l| l.to_string()),
            |s| match s.trim() {
                "" | "default" => Ok(Change::Seclevel(None)),
                t => t
                    .parse::<u8>()
                    .map(|l| Change::Seclevel(Some(l)))
                    .map_err(|_| format!("'{s}' is not an OpenSSL security level (0-5)")),
            },
        )
    },
    FieldSpec {
        weakens: Weakens::When(policy::CIPHERS),
        ..spec(
            Field::Ciphers,
            "ciphers",
            "ciphers (≤1.2)",
            &[flag("ciphers", "STR", "OpenSSL cipher string (TLS <= 1.2)")],
            |p| p.ciphers.clone().unwrap_or_default(),
            |s| Ok(Change::Ciphers(text(s))),
        )
    },
    spec(
        Field::Ciphersuites,
        "ciphersuites",
        "TLS 1.3 suites",
        &[flag("ciphersuites", "STR", "TLS 1.3 cipher suites")],
        |p| p.ciphersuites.clone().unwrap_or_default(),
        |s| Ok(Change::Ciphersuites(text(s))),
    ),
    spec(
        Field::Groups,
        "groups",
        "groups",
        &[flag(
            "groups",
            "LIST",
            "Key-exchange groups, e.g. x25519:secp256r1",
        )],
        |p| p.groups.clone().unwrap_or_default(),
        |s| Ok(Change::Groups(text(s))),
    ),
    FieldSpec {
        widget: Widget::Choice(VERIFY),
        weakens: Weakens::When(policy::VERIFY),
        ..spec(
            Field::Verify,
            "verify",
            "verification",
            &[
                Flag {
                    short: Some('k'),
                    ..switch(
                        "insecure",
                        "off",
                        "Do not enforce certificate verification (the verdict is still reported)",
                    )
                },
                switch(
                    "no-verify-host",
                    "chain-only",
                    "Check the chain but not the host name",
                ),
            ],
            |p| p.verify.name().into(),
            |s| match s.trim() {
                "full" => Ok(Change::Verify(VerifyMode::Full)),
                "chain-only" => Ok(Change::Verify(VerifyMode::ChainOnly)),
                "off" => Ok(Change::Verify(VerifyMode::Off)),
                other => Err(format!("'{other}' is not a mode (full, chain-only, off)")),
            },
        )
    },
    FieldSpec {
        widget: Widget::Choice(TRUST),
        ..spec(
            Field::Trust,
            "trust",
            "trust store",
            &[flag(
                "trust",
                "STORE",
                "Trust store: system, webpki (rustls) or file",
            )],
            |p| p.trust.name().into(),
            |s| match s.trim() {
                "system" => Ok(Change::Trust(Trust::System)),
                "webpki" => Ok(Change::Trust(Trust::Webpki)),
                "file" => Ok(Change::Trust(Trust::File)),
                other => Err(format!("'{other}' is not a store (system, webpki, file)")),
            },
        )
    },
    spec(
        Field::Cacert,
        "cacert",
        "CA file",
        &[Flag {
            also: Some((Field::Trust, "file")),
            ..flag(
                "cacert",
                "FILE",
                "Trust anchors from this PEM file (instead of the system store)",
            )
        }],
        |p| path_text(p.cacert.as_deref()),
        |s| Ok(Change::Cacert(text(s).map(PathBuf::from))),
    ),
    spec(
        Field::Cert,
        "cert",
        "client cert",
        &[flag("cert", "FILE", "Client certificate (PEM)")],
        |p| path_text(p.cert.as_deref()),
        |s| Ok(Change::Cert(text(s).map(PathBuf::from))),
    ),
    spec(
        Field::Key,
        "key",
        "client key",
        &[flag("key", "FILE", "Client key (PEM)")],
        |p| path_text(p.key.as_deref()),
        |s| Ok(Change::Key(text(s).map(PathBuf::from))),
    ),
    spec(
        Field::Alpn,
        "alpn",
        "ALPN",
        &[flag("alpn", "LIST", "ALPN protocols, comma separated")],
        |p| p.alpn.join(","),
        |s| {
            Ok(Change::Alpn(
                s.split(',')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect(),
            ))
        },
    ),
    FieldSpec {
        widget: Widget::Choice(STARTTLS),
        harmless: Some("none: only how the connection reaches TLS changes"),
        ..spec(
            Field::Starttls,
            "starttls",
            "STARTTLS",
            &[flag(
                "starttls",
                "PROTO",
                "Upgrade to TLS inside this protocol first: smtp, imap, pop3, ftp, xmpp, ldap, \
                 postgres, mysql, irc, nntp, sieve (none: TLS from the first byte)",
            )],
            |p| p.starttls.map_or("none".into(), |s| s.name().to_string()),
            |s| match s.trim() {
                "" | "none" => Ok(Change::Starttls(None)),
                t => Starttls::parse(t)
                    .map(|p| Change::Starttls(Some(p)))
                    .ok_or_else(|| super::starttls_error(t)),
            },
        )
    },
    FieldSpec {
        harmless: Some("none for TLS: a proxy relays only encrypted bytes"),
        ..spec(
            Field::Proxy,
            "proxy",
            "proxy",
            &[flag(
                "proxy",
                "URL",
                "Connect through http://[user:pass@]host:port (CONNECT) or socks5h://host:port; \
             direct: none (default: HTTPS_PROXY / ALL_PROXY unless NO_PROXY, as curl)",
            )],
            |p| p.proxy.clone().unwrap_or_default(),
            |s| {
                let t = text(s);
                super::proxy_setting(t.as_deref())?;
                Ok(Change::Proxy(t))
            },
        )
    },
    FieldSpec {
        json: Json::Number,
        ..spec(
            Field::ConnectTimeout,
            "connect_timeout",
            "connect timeout s",
            &[flag(
                "connect-timeout",
                "SECS",
                "TCP connect timeout in seconds",
            )],
            |p| p.connect_timeout.to_string(),
            |s| seconds(s).map(Change::ConnectTimeout),
        )
    },
    FieldSpec {
        json: Json::Number,
        harmless: Some("none"),
        ..spec(
            Field::HandshakeTimeout,
            "handshake_timeout",
            "handshake timeout s",
            &[flag("timeout", "SECS", "Handshake timeout in seconds")],
            |p| p.handshake_timeout.to_string(),
            |s| seconds(s).map(Change::HandshakeTimeout),
        )
    },
    FieldSpec {
        in_toml: false,
        widget: Widget::Choice(BACKENDS),
        ..spec(
            Field::Backends,
            "backend",
            "backends",
            &[flag(
                "backend",
                "LIST",
                "Backends: native-tls,openssl,rustls (all), python,curl,s_client,java,node (clients) [default: all]",
            )],
            |p| {
                let names: Vec<&str> = p.backends.iter().map(|b| b.name()).collect();
                names.join(",")
            },
            |s| backends(s).map(Change::Backends),
        )
    },
];

fn text(s: &str) -> Option<String> {
    Some(s.trim()).filter(|t| !t.is_empty()).map(String::from)
}

fn path_text(p: Option<&Path>) -> String {
    p.map(|x| x.display().to_string()).unwrap_or_default()
}

fn version_text(v: Option<TlsVersion>) -> String {
    v.map_or("default".into(), |v| v.short().to_string())
}

fn version(s: &str) -> Result<Option<TlsVersion>, String> {
    match s.trim() {
        "" | "default" => Ok(None),
        t => TlsVersion::parse(t)
            .map(Some)
            .ok_or_else(|| format!("'{s}' is not a TLS version (use 1.0, 1.1, 1.2 or 1.3)")),
    }
}

fn seconds(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("'{s}' is not a number of seconds"))
}

fn backends(s: &str) -> Result<Vec<BackendId>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let named: Vec<BackendId> = match part {
            "all" => BackendId::ALL.to_vec(),
            "clients" => BackendId::CLIENTS.to_vec(),
            _ => vec![BackendId::parse(part).ok_or_else(|| {
                format!(
                    "'{part}' is not a backend (native-tls, openssl, rustls, python, curl, \
                     s_client, java, node, all or clients)"
                )
            })?],
        };
        for b in named {
            if !out.contains(&b) {
                out.push(b);
            }
        }
    }
    if out.is_empty() {
        return Err("no backend named".into());
    }
    Ok(out)
}

/// Parse a backend list (`native-tls,openssl`, `all`, `clients`, `all,clients`).
pub fn parse_backends(s: &str) -> Result<Vec<BackendId>, FieldError> {
    backends(s).map_err(|e| FieldError::new(Field::Backends, e))
}

impl Field {
    /// Every field, in the table's order.
    pub fn all() -> impl Iterator<Item = Field> {
        FIELDS.iter().map(|s| s.field)
    }

    /// This field's row of the table.
    pub fn spec(self) -> &'static FieldSpec {
        // The table is in declaration order; `table_is_in_declaration_order` checks it.
        #[allow(clippy::indexing_slicing)] // one row per variant, in order (tested)
        &FIELDS[self as usize]
    }

    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// The field a key names (TOML key or error name).
    pub fn from_key(key: &str) -> Option<Field> {
        FIELDS.iter().find(|s| s.key == key).map(|s| s.field)
    }

    /// Parse the field's text form into a typed change, naming the field on error.
    pub fn parse(self, text: &str) -> Result<Change, FieldError> {
        (self.spec().parse)(text).map_err(|e| FieldError::new(self, e))
    }

    /// The field's text form in a profile.
    pub fn text(self, p: &Profile) -> String {
        (self.spec().get)(p)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Apply flag values, given as (field, text) pairs, on top of a profile. What a flag
/// also implies (`--cacert` → trust `file`) goes first, so the implied field's own flag
/// wins whatever the order on the command line.
pub fn apply_flags(p: &mut Profile, flags: &[(Field, String)]) -> Result<(), FieldError> {
    for (field, text) in flags {
        let implied = field.spec().flags.iter().find_map(|f| match f.takes {
            Takes::Fixed(t) if t == text => f.also,
            Takes::Text(_) => f.also,
            Takes::Fixed(_) => None,
        });
        if let Some((other, t)) = implied
            && !flags.iter().any(|(f, _)| *f == other)
        {
            other.parse(t)?.apply(p);
        }
    }
    for (field, text) in flags {
        field.parse(text)?.apply(p);
    }
    Ok(())
}
