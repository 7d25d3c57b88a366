//! A Python `ssl` snippet → profile. Not a Python parser: it reads the statements
//! people write to configure a context (`ctx.minimum_version = …`,
//! `ctx.set_ciphers('…')`, `socket.create_connection((host, port))`,
//! `wrap_socket(…, server_hostname=…)`), with literal values or module-level
//! constants (`HOST = 'example.com'`).

use super::{sni_for, split_seclevel};
use crate::profile::{Profile, Sni, TlsVersion, Trust, VerifyMode};
use std::collections::HashMap;
use std::path::PathBuf;

/// A Python value as written.
#[derive(Clone, Debug, PartialEq)]
enum Py {
    Str(String),
    Num(f64),
    None,
    Seq(Vec<Py>),
    Name(String),
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }
    fn value(&mut self, depth: usize) -> Option<Py> {
        self.ws();
        let c = self.peek()?;
        if depth > 8 {
            return None;
        }
        match c {
            b'\'' | b'"' => {
                self.i += 1;
                let mut out = Vec::new();
                loop {
                    let x = self.peek()?;
                    self.i += 1;
                    match x {
                        b'\\' => {
                            out.push(self.peek()?);
                            self.i += 1;
                        }
                        x if x == c => break,
                        x => out.push(x),
                    }
                }
                Some(Py::Str(String::from_utf8_lossy(&out).into_owned()))
            }
            b'[' | b'(' => {
                let close = if c == b'[' { b']' } else { b')' };
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.peek()? == close {
                        self.i += 1;
                        return Some(Py::Seq(items));
                    }
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.peek() == Some(b',') {
                        self.i += 1;
                    }
                }
            }
            _ => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|x| x.is_ascii_alphanumeric() || matches!(x, b'_' | b'.' | b'-'))
                {
                    self.i += 1;
                }
                let word = std::str::from_utf8(self.s.get(start..self.i)?).ok()?;
                if word.is_empty() {
                    return None;
                }
                Some(match word {
                    "None" => Py::None,
                    w => w
                        .parse::<f64>()
                        .map(Py::Num)
                        .unwrap_or_else(|_| Py::Name(w.to_string())),
                })
            }
        }
    }
}

/// The arguments of the first call `name(` in `code`: positional, then keyword.
fn call_args(code: &str, name: &str) -> Option<(Vec<Py>, HashMap<String, Py>)> {
    let at = code.find(&format!("{name}("))? + name.len() + 1;
    args_at(code, at)
}

/// The arguments of the first call of `name` that is not its definition (`def name(`).
fn call_not_def(code: &str, name: &str) -> Option<(Vec<Py>, HashMap<String, Py>)> {
    let call = format!("{name}(");
    let (i, _) = code
        .match_indices(&call)
        .find(|(i, _)| code.get(..*i).is_some_and(|b| !b.ends_with("def ")))?;
    args_at(code, i + call.len())
}

/// The arguments of a call whose `(` ends just before `at`.
fn args_at(code: &str, at: usize) -> Option<(Vec<Py>, HashMap<String, Py>)> {
    let mut c = Cursor {
        s: code.as_bytes(),
        i: at,
    };
    let (mut pos, mut kw) = (Vec::new(), HashMap::new());
    for _ in 0..16 {
        c.ws();
        if c.peek()? == b')' {
            return Some((pos, kw));
        }
        let v = c.value(0)?;
        c.ws();
        if c.peek() == Some(b'=')
            && let Py::Name(k) = &v
        {
            c.i += 1;
            kw.insert(k.clone(), c.value(0)?);
        } else {
            pos.push(v);
        }
        c.ws();
        if c.peek() == Some(b',') {
            c.i += 1;
        }
    }
    None
}

/// The value assigned by `lhs = …` (the last such statement).
fn assigned(lines: &[String], lhs: &str) -> Option<Py> {
    lines.iter().rev().find_map(|l| {
        let rest = l.trim().strip_prefix(lhs)?.trim_start().strip_prefix('=')?;
        Cursor {
            s: rest.as_bytes(),
            i: 0,
        }
        .value(0)
    })
}

fn version(v: &Py) -> Option<TlsVersion> {
    let Py::Name(n) = v else { return None };
    match n.rsplit('.').next()? {
        "TLSv1" => Some(TlsVersion::V1_0),
        "TLSv1_1" => Some(TlsVersion::V1_1),
        "TLSv1_2" => Some(TlsVersion::V1_2),
        "TLSv1_3" => Some(TlsVersion::V1_3),
        _ => None,
    }
}

/// Drop comments (a `#` outside a string) and blank lines.
fn code_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let mut quote = None;
            for (i, c) in l.char_indices() {
                match (c, quote) {
                    ('\'' | '"', None) => quote = Some(c),
                    (q, Some(open)) if q == open => quote = None,
                    ('#', None) => return l.get(..i).unwrap_or(l).trim_end().to_string(),
                    _ => {}
                }
            }
            l.trim_end().to_string()
        })
        .filter(|l| !l.trim().is_empty())
        .collect()
}

pub(super) fn import(text: &str, notes: &mut Vec<String>) -> Result<Profile, String> {
    let lines = code_lines(text);
    let code = lines.join("\n");
    let consts: HashMap<String, Py> = lines
        .iter()
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            let k = k.trim();
            (k.chars().all(|c| c.is_ascii_uppercase() || c == '_') && !k.is_empty()).then(|| {
                Some((
                    k.to_string(),
                    Cursor {
                        s: v.as_bytes(),
                        i: 0,
                    }
                    .value(0)?,
                ))
            })?
        })
        .collect();
    let resolve = |v: Py| match v {
        Py::Name(n) => consts.get(&n).cloned().unwrap_or(Py::Name(n)),
        v => v,
    };
    let text_of = |v: Py| match resolve(v) {
        Py::Str(s) => Some(s),
        _ => None,
    };
    let num_of = |v: Py| match resolve(v) {
        Py::Num(n) => Some(n),
        _ => None,
    };
    let mut p = Profile::default();
    let (pos, kw) = call_args(&code, "create_connection")
        .ok_or("no socket.create_connection((host, port)) in the snippet")?;
    let Some(Py::Seq(mut addr)) = pos.into_iter().next() else {
        return Err("create_connection's first argument is not (host, port)".into());
    };
    // tlslens' export through a proxy: create_connection goes to the proxy (named by
    // the PROXY_* constants), open_tunnel(host, port) names the target.
    if let Some((target, _)) = call_not_def(&code, "open_tunnel") {
        let get = |k: &str| consts.get(k).cloned();
        let kind = get("PROXY_KIND").and_then(text_of).ok_or("no PROXY_KIND")?;
        let host = get("PROXY_HOST").and_then(text_of).ok_or("no PROXY_HOST")?;
        let port = get("PROXY_PORT").and_then(num_of).ok_or("no PROXY_PORT")?;
        let mut u = crate::profile::ProxyUrl::parse(&format!(
            "{kind}://{}",
            crate::profile::host_port(&host, port as u16)
        ))?;
        u.auth = get("PROXY_USER").and_then(text_of).map(|user| {
            let pass = get("PROXY_PASS").and_then(text_of);
            (user, pass.unwrap_or_default())
        });
        p.proxy = Some(u.full());
        addr = target;
    }
    // tlslens' export with STARTTLS: starttls(sock) speaks the protocol STARTTLS names.
    if call_not_def(&code, "starttls").is_some() {
        p.starttls = consts
            .get("STARTTLS")
            .cloned()
            .and_then(text_of)
            .and_then(|s| crate::profile::Starttls::parse(&s));
    }
    let mut addr = addr.into_iter();
    p.host = addr
        .next()
        .and_then(text_of)
        .ok_or("the host is not a string")?;
    p.port = addr
        .next()
        .and_then(num_of)
        .map(|n| n as u16)
        .ok_or("the port is not a number")?;
    if let Some(t) = kw.get("timeout").cloned().and_then(num_of) {
        p.connect_timeout = t;
    }
    if let Some((args, _)) = call_args(&code, "settimeout")
        && let Some(t) = args.into_iter().next().and_then(num_of)
    {
        p.handshake_timeout = t;
    }
    if let Some((_, kw)) = call_args(&code, "wrap_socket") {
        p.sni = match kw.get("server_hostname").cloned().map(resolve) {
            Some(Py::None) => Sni::Off,
            Some(Py::Str(n)) => sni_for(&p.host, Some(&n)),
            _ => Sni::Auto,
        };
        if p.sni == Sni::Off && p.host.parse::<std::net::IpAddr>().is_ok() {
            p.sni = Sni::Auto;
        }
    }
    let ctx_var = |attr: &str| {
        lines.iter().rev().find_map(|l| {
            let (lhs, _) = l.split_once('=')?;
            lhs.trim()
                .ends_with(attr)
                .then(|| assigned(&lines, lhs.trim()))?
        })
    };
    p.min_tls = ctx_var(".minimum_version").as_ref().and_then(version);
    p.max_tls = ctx_var(".maximum_version").as_ref().and_then(version);
    for (proto, v) in [
        ("PROTOCOL_TLSv1_2", TlsVersion::V1_2),
        ("PROTOCOL_TLSv1_1", TlsVersion::V1_1),
        ("PROTOCOL_TLSv1)", TlsVersion::V1_0),
    ] {
        if code.contains(proto) {
            (p.min_tls, p.max_tls) = (Some(v), Some(v));
        }
    }
    if let Some((args, _)) = call_args(&code, "set_ciphers")
        && let Some(s) = args.into_iter().next().and_then(text_of)
    {
        (p.ciphers, p.seclevel) = split_seclevel(&s);
    }
    if let Some((args, _)) = call_args(&code, "set_ecdh_curve")
        && let Some(s) = args.into_iter().next().and_then(text_of)
    {
        p.groups = Some(match s.as_str() {
            "prime256v1" => "secp256r1".into(),
            "X25519" => "x25519".into(),
            "X448" => "x448".into(),
            other => other.to_string(),
        });
    }
    if let Some((args, kw)) = call_args(&code, "load_verify_locations") {
        let ca = kw.get("cafile").cloned().or(args.into_iter().next());
        p.cacert = ca.and_then(text_of).map(PathBuf::from);
        p.trust = Trust::File;
    }
    if let Some((args, kw)) = call_args(&code, "create_default_context")
        && let Some(ca) = kw
            .get("cafile")
            .cloned()
            .or(args.get(1).cloned())
            .and_then(text_of)
    {
        p.cacert = Some(PathBuf::from(ca));
        p.trust = Trust::File;
    }
    if let Some((args, kw)) = call_args(&code, "load_cert_chain") {
        let mut args = args.into_iter();
        p.cert = kw
            .get("certfile")
            .cloned()
            .or(args.next())
            .and_then(text_of)
            .map(PathBuf::from);
        p.key = kw
            .get("keyfile")
            .cloned()
            .or(args.next())
            .and_then(text_of)
            .map(PathBuf::from);
        if p.key.is_none() {
            p.key = p.cert.clone();
        }
    }
    if let Some((args, _)) = call_args(&code, "set_alpn_protocols")
        && let Some(Py::Seq(list)) = args.into_iter().next().map(resolve)
    {
        p.alpn = list.into_iter().filter_map(text_of).collect();
    }
    let no_host = matches!(ctx_var(".check_hostname"), Some(Py::Name(n)) if n == "False");
    let cert_none =
        matches!(ctx_var(".verify_mode"), Some(Py::Name(n)) if n.ends_with("CERT_NONE"));
    p.verify = if cert_none || code.contains("_create_unverified_context(") {
        VerifyMode::Off
    } else if no_host {
        VerifyMode::ChainOnly
    } else {
        VerifyMode::Full
    };
    if code.contains("match_hostname") || code.contains("getpeercert") {
        notes.push("a host-name check done by hand in Python".into());
    }
    Ok(p)
}
