//! The profile editor's state: one raw string per field, so nothing the user typed is
//! lost while it is invalid; each field validated as it changes.

use crate::backend::BackendId;
use crate::profile::{Profile, Sni, TlsVersion, Trust, VerifyMode};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Cycled with ←/→ through fixed options.
    Choice(&'static [&'static str]),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub raw: String,
    pub error: Option<String>,
}

pub const VERSIONS: &[&str] = &["default", "1.0", "1.1", "1.2", "1.3"];
pub const LEVELS: &[&str] = &["default", "0", "1", "2", "3", "4", "5"];
pub const VERIFY: &[&str] = &["full", "chain-only", "off"];
pub const TRUST: &[&str] = &["system", "webpki", "file"];
pub const BACKENDS: &[&str] = &[
    "native-tls,openssl,rustls",
    "openssl",
    "rustls",
    "native-tls",
    "native-tls,openssl",
    "native-tls,rustls",
    "openssl,rustls",
];

/// A field key and what is wrong with its value.
pub type FieldProblem = (&'static str, String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<Field>,
    pub selected: usize,
    /// Some(buffer before editing) while a text field is being edited.
    pub editing: Option<String>,
    /// Cursor position (in chars) inside the edited field.
    pub cursor: usize,
}

fn f(key: &'static str, label: &'static str, kind: Kind, raw: String) -> Field {
    Field {
        key,
        label,
        kind,
        raw,
        error: None,
    }
}

fn opt_path(p: &Option<PathBuf>) -> String {
    p.as_ref()
        .map(|x| x.display().to_string())
        .unwrap_or_default()
}

fn secs(v: f64) -> String {
    format!("{v}")
}

impl Form {
    pub fn from_profile(p: &Profile, backends: &[BackendId]) -> Form {
        let sni = match &p.sni {
            Sni::Auto => "auto".to_string(),
            Sni::Off => "off".to_string(),
            Sni::Name(n) => n.clone(),
        };
        let ver =
            |v: Option<TlsVersion>| v.map(|v| v.short().to_string()).unwrap_or("default".into());
        let b: Vec<&str> = backends.iter().map(|b| b.name()).collect();
        let fields = vec![
            f("host", "host", Kind::Text, p.host.clone()),
            f("port", "port", Kind::Text, p.port.to_string()),
            f("sni", "SNI (auto/off/name)", Kind::Text, sni),
            f("min_tls", "min TLS", Kind::Choice(VERSIONS), ver(p.min_tls)),
            f("max_tls", "max TLS", Kind::Choice(VERSIONS), ver(p.max_tls)),
            f(
                "seclevel",
                "security level",
                Kind::Choice(LEVELS),
                p.seclevel
                    .map(|l| l.to_string())
                    .unwrap_or("default".into()),
            ),
            f(
                "ciphers",
                "ciphers (≤1.2)",
                Kind::Text,
                p.ciphers.clone().unwrap_or_default(),
            ),
            f(
                "ciphersuites",
                "TLS 1.3 suites",
                Kind::Text,
                p.ciphersuites.clone().unwrap_or_default(),
            ),
            f(
                "groups",
                "groups",
                Kind::Text,
                p.groups.clone().unwrap_or_default(),
            ),
            f(
                "verify",
                "verification",
                Kind::Choice(VERIFY),
                p.verify.name().into(),
            ),
            f(
                "trust",
                "trust store",
                Kind::Choice(TRUST),
                p.trust.name().into(),
            ),
            f("cacert", "CA file", Kind::Text, opt_path(&p.cacert)),
            f("cert", "client cert", Kind::Text, opt_path(&p.cert)),
            f("key", "client key", Kind::Text, opt_path(&p.key)),
            f("alpn", "ALPN", Kind::Text, p.alpn.join(",")),
            f(
                "connect_timeout",
                "connect timeout s",
                Kind::Text,
                secs(p.connect_timeout),
            ),
            f(
                "handshake_timeout",
                "handshake timeout s",
                Kind::Text,
                secs(p.handshake_timeout),
            ),
            f("backends", "backends", Kind::Choice(BACKENDS), b.join(",")),
        ];
        let mut form = Form {
            fields,
            selected: 0,
            editing: None,
            cursor: 0,
        };
        form.validate();
        form
    }

    pub fn get(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.raw.as_str())
            .unwrap_or("")
    }

    pub fn set(&mut self, key: &str, value: &str) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.key == key) {
            f.raw = value.to_string();
        }
        self.validate();
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    /// Step a choice field by `delta` (wrapping).
    pub fn cycle(&mut self, idx: usize, delta: isize) {
        let Some(field) = self.fields.get_mut(idx) else {
            return;
        };
        if let Kind::Choice(opts) = field.kind {
            let cur = opts.iter().position(|o| *o == field.raw).unwrap_or(0) as isize;
            let n = opts.len() as isize;
            field.raw = opts[((cur + delta).rem_euclid(n)) as usize].to_string();
            self.validate();
        }
    }

    /// Whether a field's current value weakens security (shown in the insecure role).
    pub fn is_insecure(&self, key: &str) -> bool {
        let v = self.get(key);
        match key {
            "verify" => v != "full",
            "seclevel" => v == "0" || v == "1",
            "min_tls" => v == "1.0" || v == "1.1",
            "ciphers" => !v.trim().is_empty(),
            _ => false,
        }
    }

    /// Build the profile, or every field's error.
    pub fn to_profile(&self) -> Result<(Profile, Vec<BackendId>), Vec<FieldProblem>> {
        let mut errs = Vec::new();
        let mut p = Profile::default();
        let text = |k: &str| {
            let v = self.get(k).trim();
            if v.is_empty() {
                None
            } else {
                Some(v.to_string())
            }
        };
        p.host = self.get("host").trim().to_string();
        match self.get("port").trim().parse::<u16>() {
            Ok(n) if n > 0 => p.port = n,
            _ => errs.push((
                "port",
                format!("'{}' is not a port (1-65535)", self.get("port")),
            )),
        }
        p.sni = match self.get("sni").trim() {
            "" | "auto" => Sni::Auto,
            "off" => Sni::Off,
            n => Sni::Name(n.to_string()),
        };
        let ver = |k: &str| match self.get(k) {
            "default" => None,
            v => TlsVersion::parse(v),
        };
        p.min_tls = ver("min_tls");
        p.max_tls = ver("max_tls");
        p.seclevel = self.get("seclevel").parse().ok();
        p.ciphers = text("ciphers");
        p.ciphersuites = text("ciphersuites");
        p.groups = text("groups");
        p.verify = match self.get("verify") {
            "off" => VerifyMode::Off,
            "chain-only" => VerifyMode::ChainOnly,
            _ => VerifyMode::Full,
        };
        p.trust = match self.get("trust") {
            "webpki" => Trust::Webpki,
            "file" => Trust::File,
            _ => Trust::System,
        };
        p.cacert = text("cacert").map(PathBuf::from);
        p.cert = text("cert").map(PathBuf::from);
        p.key = text("key").map(PathBuf::from);
        p.alpn = self
            .get("alpn")
            .split(',')
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        for (k, slot) in [
            ("connect_timeout", &mut p.connect_timeout),
            ("handshake_timeout", &mut p.handshake_timeout),
        ] {
            match self.get(k).trim().parse::<f64>() {
                Ok(v) => *slot = v,
                Err(_) => errs.push((k, format!("'{}' is not a number of seconds", self.get(k)))),
            }
        }
        let backends = match crate::cli::parse_backends(self.get("backends")) {
            Ok(b) => b,
            Err(e) => {
                errs.push(("backends", e.to_string()));
                Vec::new()
            }
        };
        if let Err(list) = p.validate() {
            for e in list {
                if !errs.iter().any(|(k, _)| *k == e.field) {
                    errs.push((e.field, e.problem));
                }
            }
        }
        if errs.is_empty() {
            Ok((p, backends))
        } else {
            Err(errs)
        }
    }

    /// Recompute every field's error.
    pub fn validate(&mut self) {
        let errs = match self.to_profile() {
            Ok(_) => Vec::new(),
            Err(e) => e,
        };
        for f in &mut self.fields {
            f.error = errs
                .iter()
                .find(|(k, _)| *k == f.key)
                .map(|(_, m)| m.clone());
        }
    }

    /// Put an error on a field from outside (a file that cannot be loaded).
    pub fn set_error(&mut self, key: &str, msg: String) {
        if let Some(f) = self.field_mut(key) {
            f.error = Some(msg);
        }
    }

    pub fn first_error(&self) -> Option<(&'static str, &str)> {
        self.fields
            .iter()
            .find_map(|f| f.error.as_deref().map(|e| (f.key, e)))
    }

    // ---- text editing ----

    pub fn begin_edit(&mut self) -> bool {
        match self.fields.get(self.selected) {
            Some(field) if field.kind == Kind::Text => {
                self.editing = Some(field.raw.clone());
                self.cursor = field.raw.chars().count();
                true
            }
            _ => false,
        }
    }

    pub fn commit_edit(&mut self) {
        self.editing = None;
        self.validate();
    }

    /// Esc: put back what was there before editing began.
    pub fn cancel_edit(&mut self) {
        if let Some(before) = self.editing.take()
            && let Some(f) = self.fields.get_mut(self.selected)
        {
            f.raw = before;
        }
        self.validate();
    }

    fn byte_at(s: &str, char_idx: usize) -> usize {
        s.char_indices()
            .nth(char_idx)
            .map(|(i, _)| i)
            .unwrap_or(s.len())
    }

    pub fn insert(&mut self, c: char) {
        let cur = self.cursor;
        if let Some(f) = self.fields.get_mut(self.selected) {
            if f.raw.chars().count() >= 1024 || c.is_control() {
                return;
            }
            let at = Self::byte_at(&f.raw, cur);
            f.raw.insert(at, c);
            self.cursor += 1;
        }
        self.validate();
    }

    pub fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        let cur = self.cursor;
        if let Some(f) = self.fields.get_mut(self.selected) {
            let at = Self::byte_at(&f.raw, cur - 1);
            f.raw.remove(at);
            self.cursor -= 1;
        }
        self.validate();
    }

    pub fn move_cursor(&mut self, delta: isize) {
        let len = self
            .fields
            .get(self.selected)
            .map(|f| f.raw.chars().count())
            .unwrap_or(0);
        self.cursor = (self.cursor as isize + delta).clamp(0, len as isize) as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        let p = Profile {
            host: "127.0.0.1".into(),
            port: 4433,
            ..Profile::default()
        };
        Form::from_profile(&p, &BackendId::ALL)
    }

    #[test]
    fn roundtrips_a_profile() {
        let f = form();
        let (p, b) = f.to_profile().unwrap();
        assert_eq!(p.port, 4433);
        assert_eq!(b, BackendId::ALL.to_vec());
    }

    #[test]
    fn bad_input_is_kept_and_named() {
        let mut f = form();
        f.selected = 1;
        assert!(f.begin_edit());
        f.insert('x');
        assert_eq!(f.get("port"), "4433x");
        assert!(f.fields[1].error.as_deref().unwrap().contains("4433x"));
        f.commit_edit();
        assert_eq!(f.get("port"), "4433x", "nothing typed is lost");
        assert_eq!(f.first_error().map(|e| e.0), Some("port"));
    }

    #[test]
    fn cross_field_errors_land_on_the_field() {
        let mut f = form();
        f.set("min_tls", "1.3");
        f.set("max_tls", "1.2");
        assert!(f.first_error().is_some_and(|(k, _)| k == "min_tls"));
    }

    #[test]
    fn choices_cycle_and_mark_insecurity() {
        let mut f = form();
        let idx = f.fields.iter().position(|x| x.key == "seclevel").unwrap();
        f.cycle(idx, 1);
        assert_eq!(f.get("seclevel"), "0");
        assert!(f.is_insecure("seclevel"));
        f.cycle(idx, -2);
        assert_eq!(f.get("seclevel"), "5");
    }

    #[test]
    fn escape_restores_the_old_value() {
        let mut f = form();
        f.selected = 0;
        f.begin_edit();
        f.backspace();
        f.insert('é');
        f.cancel_edit();
        assert_eq!(f.get("host"), "127.0.0.1");
    }
}
