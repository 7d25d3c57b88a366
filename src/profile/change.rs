//! A typed change of one profile field: what a suggestion, a flag or an edit in the
//! editor does to a profile. `apply` is exhaustive, so a new field cannot be silently
//! ignored; the flag and JSON spellings come from the field table.

use super::BackendId;
use super::fields::{Field, Json, Takes};
use super::{Profile, Sni, Starttls, TlsVersion, Trust, VerifyMode};
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Host(String),
    Port(u16),
    Sni(Sni),
    MinTls(Option<TlsVersion>),
    MaxTls(Option<TlsVersion>),
    Seclevel(Option<u8>),
    Ciphers(Option<String>),
    Ciphersuites(Option<String>),
    Groups(Option<String>),
    Verify(VerifyMode),
    Trust(Trust),
    Cacert(Option<PathBuf>),
    Cert(Option<PathBuf>),
    Key(Option<PathBuf>),
    Alpn(Vec<String>),
    Starttls(Option<Starttls>),
    Proxy(Option<String>),
    ConnectTimeout(f64),
    HandshakeTimeout(f64),
    Backends(Vec<BackendId>),
}

impl Change {
    pub fn field(&self) -> Field {
        match self {
            Change::Host(_) => Field::Host,
            Change::Port(_) => Field::Port,
            Change::Sni(_) => Field::Sni,
            Change::MinTls(_) => Field::MinTls,
            Change::MaxTls(_) => Field::MaxTls,
            Change::Seclevel(_) => Field::Seclevel,
            Change::Ciphers(_) => Field::Ciphers,
            Change::Ciphersuites(_) => Field::Ciphersuites,
            Change::Groups(_) => Field::Groups,
            Change::Verify(_) => Field::Verify,
            Change::Trust(_) => Field::Trust,
            Change::Cacert(_) => Field::Cacert,
            Change::Cert(_) => Field::Cert,
            Change::Key(_) => Field::Key,
            Change::Alpn(_) => Field::Alpn,
            Change::Starttls(_) => Field::Starttls,
            Change::Proxy(_) => Field::Proxy,
            Change::ConnectTimeout(_) => Field::ConnectTimeout,
            Change::HandshakeTimeout(_) => Field::HandshakeTimeout,
            Change::Backends(_) => Field::Backends,
        }
    }

    pub fn apply(&self, p: &mut Profile) {
        match self.clone() {
            Change::Host(v) => p.host = v,
            Change::Port(v) => p.port = v,
            Change::Sni(v) => p.sni = v,
            Change::MinTls(v) => p.min_tls = v,
            Change::MaxTls(v) => p.max_tls = v,
            Change::Seclevel(v) => p.seclevel = v,
            Change::Ciphers(v) => p.ciphers = v,
            Change::Ciphersuites(v) => p.ciphersuites = v,
            Change::Groups(v) => p.groups = v,
            Change::Verify(v) => p.verify = v,
            Change::Trust(v) => p.trust = v,
            Change::Cacert(v) => p.cacert = v,
            Change::Cert(v) => p.cert = v,
            Change::Key(v) => p.key = v,
            Change::Alpn(v) => p.alpn = v,
            Change::Starttls(v) => p.starttls = v,
            Change::Proxy(v) => p.proxy = v,
            Change::ConnectTimeout(v) => p.connect_timeout = v,
            Change::HandshakeTimeout(v) => p.handshake_timeout = v,
            Change::Backends(v) => p.backends = v,
        }
    }

    /// The field's text form after this change (what the editor would show).
    pub fn text(&self) -> String {
        let mut p = Profile::default();
        self.apply(&mut p);
        self.field().text(&p)
    }

    /// The flag that says this on the command line, and its value (None for a switch).
    /// None when no flag can (verification back to `full`; host and port are the target).
    pub fn flag(&self) -> Option<(&'static str, Option<String>)> {
        let text = self.text();
        let flags = self.field().spec().flags;
        if let Some(f) = flags
            .iter()
            .find(|f| matches!(f.takes, Takes::Fixed(t) if t == text))
        {
            return Some((f.long, None));
        }
        flags
            .iter()
            .find(|f| matches!(f.takes, Takes::Text(_)))
            .map(|f| (f.long, Some(text)))
    }

    /// The key of a JSON `suggest` map: the flag's name without dashes, `-` → `_`
    /// (the field's key when no flag says it).
    pub fn json_key(&self) -> String {
        match self.flag() {
            Some((long, _)) => long.replace('-', "_"),
            None => self.field().key().to_string(),
        }
    }

    /// The JSON value of a `suggest` entry: `true` for a switch, a number where the
    /// field is numeric, else the text form.
    pub fn json_value(&self) -> serde_json::Value {
        let text = match self.flag() {
            Some((_, None)) => return serde_json::Value::Bool(true),
            _ => self.text(),
        };
        let number = match self.field().spec().json {
            Json::Text => None,
            Json::Int => text.parse::<u64>().ok().map(serde_json::Value::from),
            Json::Number => text.parse::<f64>().ok().map(serde_json::Value::from),
        };
        number.unwrap_or(serde_json::Value::String(text))
    }

    /// The change as command-line flags: `--seclevel 0`, `--insecure`.
    pub fn as_flag(&self) -> String {
        match self.flag() {
            None => String::new(),
            Some((long, None)) => format!("--{long}"),
            Some((long, Some(v))) if v.is_empty() => format!("--{long} ''"),
            Some((long, Some(v))) => format!("--{long} {v}"),
        }
    }
}
