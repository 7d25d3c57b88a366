//! "Reproduce it anywhere": a connection profile as client code and commands for
//! other TLS stacks (Python `ssl`, rustls, native-tls, the openssl crate, `curl`,
//! `openssl s_client`).
//!
//! Every snippet is a pure function of the profile. Lines that weaken security are
//! kept (the point is to reproduce the handshake) but each one carries a
//! `WEAKENS SECURITY:` comment saying what it costs; profile settings a target cannot
//! express are named in a `NOT EXPRESSIBLE:` comment rather than silently dropped.

use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};
use std::fmt::Write as _;
use std::net::IpAddr;

/// A target the profile can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Python,
    RustRustls,
    RustNativeTls,
    RustOpenssl,
    Curl,
    SClient,
}

impl Lang {
    pub const ALL: [Lang; 6] = [
        Lang::Python,
        Lang::RustRustls,
        Lang::RustNativeTls,
        Lang::RustOpenssl,
        Lang::Curl,
        Lang::SClient,
    ];

    /// "python", "rust-rustls", "rust-native-tls", "rust-openssl", "curl", "s_client"
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::RustRustls => "rust-rustls",
            Lang::RustNativeTls => "rust-native-tls",
            Lang::RustOpenssl => "rust-openssl",
            Lang::Curl => "curl",
            Lang::SClient => "s_client",
        }
    }

    /// A longer label for menus: "Python ssl", "Rust (rustls 0.23)", ...
    pub fn title(self) -> &'static str {
        match self {
            Lang::Python => "Python ssl",
            Lang::RustRustls => "Rust (rustls 0.23)",
            Lang::RustNativeTls => "Rust (native-tls 0.2)",
            Lang::RustOpenssl => "Rust (openssl 0.10)",
            Lang::Curl => "curl",
            Lang::SClient => "openssl s_client",
        }
    }

    /// Accepts the names above (case-insensitive, `_` and `-` alike) and a few
    /// aliases: "py", "python3", "rustls", "native-tls", "openssl-crate", "s-client",
    /// "sclient". Plain "openssl" is ambiguous and not accepted.
    pub fn parse(s: &str) -> Option<Lang> {
        let n = s.trim().to_ascii_lowercase().replace('_', "-");
        Some(match n.as_str() {
            "python" | "python3" | "py" => Lang::Python,
            "rust-rustls" | "rustls" => Lang::RustRustls,
            "rust-native-tls" | "native-tls" | "nativetls" | "native" => Lang::RustNativeTls,
            "rust-openssl" | "openssl-crate" => Lang::RustOpenssl,
            "curl" => Lang::Curl,
            "s-client" | "sclient" | "openssl-s-client" => Lang::SClient,
            _ => return None,
        })
    }

    /// Suggested file name, e.g. "tlslens_repro.py", "main.rs", "repro.sh".
    pub fn file_name(self) -> &'static str {
        match self {
            Lang::Python => "tlslens_repro.py",
            Lang::RustRustls | Lang::RustNativeTls | Lang::RustOpenssl => "main.rs",
            Lang::Curl => "tlslens_curl.sh",
            Lang::SClient => "tlslens_s_client.sh",
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The snippet for one target. Pure function of the profile: no I/O.
pub fn export(p: &Profile, lang: Lang) -> String {
    match lang {
        Lang::Python => python(p),
        Lang::RustRustls => rust_rustls(p),
        Lang::RustNativeTls => rust_native_tls(p),
        Lang::RustOpenssl => rust_openssl(p),
        Lang::Curl => curl(p),
        Lang::SClient => s_client(p),
    }
}

/// OSC 52 escape sequence putting `text` on the terminal's clipboard (works over
/// SSH): ESC ] 52 ; c ; <base64> BEL.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Shared wording and helpers
// ---------------------------------------------------------------------------

const OLD_TLS: &str = "WEAKENS SECURITY: TLS 1.0/1.1 are deprecated (RFC 8996): SHA-1/MD5-based handshake, no AEAD ciphers";
const VERIFY_OFF: &str = "WEAKENS SECURITY: verify off: anyone can impersonate the server (no chain check, no host-name check)";
const NO_HOST_CHECK: &str = "WEAKENS SECURITY: no host-name check: any certificate a trusted CA issued, for any name, is accepted";

/// What a security level costs, for levels that are not the default.
fn seclevel_note(level: u8) -> Option<String> {
    match level {
        0 => Some(
            "WEAKENS SECURITY: security level 0 allows MD5+SHA-1 signatures and tiny keys".into(),
        ),
        1 => Some(
            "WEAKENS SECURITY: security level 1 allows 1024-bit RSA/DH keys (80-bit security; the default is 2)"
                .into(),
        ),
        2 => None,
        l => Some(format!(
            "security level {l} is stricter than OpenSSL's default 2"
        )),
    }
}

/// The level a cipher string sets itself ("...@SECLEVEL=0").
fn embedded_seclevel(ciphers: &str) -> Option<u8> {
    let i = ciphers.rfind("@SECLEVEL=")?;
    ciphers[i + "@SECLEVEL=".len()..]
        .chars()
        .next()
        .and_then(|c| c.to_digit(10))
        .map(|d| d as u8)
}

/// The level in effect: the explicit one wins over the cipher string's.
fn effective_seclevel(p: &Profile) -> Option<u8> {
    p.seclevel
        .or_else(|| p.ciphers.as_deref().and_then(embedded_seclevel))
}

/// The OpenSSL cipher string (TLS <= 1.2 suites plus the security level) for the
/// targets that take one: `DEFAULT:@SECLEVEL=N` when only the level is set,
/// `<ciphers>:@SECLEVEL=N` when both are (the last `@SECLEVEL` wins, as in tlslens,
/// where an explicit level overrides the cipher string's).
fn openssl_cipher_string(p: &Profile) -> Option<String> {
    match (p.ciphers.as_deref().map(str::trim), p.seclevel) {
        (None, None) => None,
        (Some(c), None) => Some(c.to_string()),
        (None, Some(l)) => Some(format!("DEFAULT:@SECLEVEL={l}")),
        (Some(c), Some(l)) => Some(format!("{c}:@SECLEVEL={l}")),
    }
}

/// Comment lines explaining the cipher string (without the comment marker).
fn cipher_string_notes(p: &Profile) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(c) = &p.ciphers {
        v.push(format!(
            "NOTE: cipher string '{}' replaces the library default for TLS <= 1.2",
            shown(c)
        ));
    } else if p.seclevel.is_some() {
        v.push(
            "\"DEFAULT\" keeps OpenSSL's default TLS <= 1.2 suites; only the level changes".into(),
        );
    }
    if let Some(n) = effective_seclevel(p).and_then(seclevel_note) {
        v.push(n);
    }
    v
}

fn is_ip(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok()
}

/// `host:port`, with brackets around an IPv6 address.
fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// A value shown inside a comment: control characters escaped so it cannot end the
/// comment line.
fn shown(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn path_str(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

/// POSIX shell quoting: bare when every character is safe, else single quotes
/// (an embedded `'` becomes `'\''`).
pub fn sh_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Single quotes whatever the value (an embedded `'` becomes `'\''`).
pub fn sh_quote_always(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A Python string literal (single quotes).
pub fn py_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('\'');
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\'' => o.push_str("\\'"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let n = c as u32;
                if n <= 0xff {
                    let _ = write!(o, "\\x{n:02x}");
                } else {
                    let _ = write!(o, "\\u{n:04x}");
                }
            }
            c => o.push(c),
        }
    }
    o.push('\'');
    o
}

/// A Rust string literal.
pub fn rs_str(s: &str) -> String {
    format!("{s:?}")
}

/// Seconds as a float literal valid in Python and Rust ("5.0", "2.5").
fn secs(v: f64) -> String {
    let v = if v.is_finite() && v > 0.0 { v } else { 10.0 };
    let s = format!("{v:?}");
    if s.contains('.') || s.contains('e') {
        s
    } else {
        format!("{s}.0")
    }
}

fn millis(v: f64) -> u64 {
    let v = if v.is_finite() && v > 0.0 { v } else { 10.0 };
    (v * 1000.0).round().max(1.0) as u64
}

/// What the certificate is checked against, in words.
fn check_words(p: &Profile) -> String {
    match p.verify {
        VerifyMode::Full => format!("chain + name '{}'", shown(p.verify_name())),
        VerifyMode::ChainOnly => "chain only (no host-name check)".into(),
        VerifyMode::Off => "nothing (verification off)".into(),
    }
}

/// The header every snippet starts with, one comment line each.
fn header(p: &Profile, what: &str) -> Vec<String> {
    let sni = match p.sni_name() {
        Some(n) => format!("'{}'", shown(n)),
        None => "none".into(),
    };
    let mut v = vec![
        format!("tlslens: reproduce this profile's handshake with {what}."),
        format!(
            "Target {}, SNI {sni}, certificate checked: {}.",
            shown(&host_port(&p.host, p.port)),
            check_words(p)
        ),
        "Lines marked WEAKENS SECURITY lower protection on purpose, to match the profile;".into(),
        "NOT EXPRESSIBLE names profile settings this target cannot reproduce.".into(),
    ];
    let w = p.weakenings();
    if !w.is_empty() {
        v.push(format!("Profile weakenings: {}.", shown(&w.join("; "))));
    }
    v
}

fn comment_block(out: &mut String, marker: &str, indent: &str, lines: &[String]) {
    for l in lines {
        let _ = writeln!(out, "{indent}{marker} {l}");
    }
}

/// OpenSSL group short names as `SSL_CTX_set1_groups` takes them by NID (Python's
/// `set_ecdh_curve` goes through `OBJ_sn2nid`).
fn openssl_group_sn(name: &str) -> Option<&'static str> {
    Some(match crate::wire::names::group_id_from_name(name)? {
        21 => "secp224r1",
        23 => "prime256v1",
        24 => "secp384r1",
        25 => "secp521r1",
        29 => "X25519",
        30 => "X448",
        256 => "ffdhe2048",
        257 => "ffdhe3072",
        258 => "ffdhe4096",
        259 => "ffdhe6144",
        260 => "ffdhe8192",
        _ => return None,
    })
}

/// rustls (aws-lc-rs provider) key-exchange group constants.
fn rustls_group(name: &str) -> Option<&'static str> {
    Some(match crate::wire::names::group_id_from_name(name)? {
        23 => "SECP256R1",
        24 => "SECP384R1",
        29 => "X25519",
        0x11eb => "SECP256R1MLKEM768",
        0x11ec => "X25519MLKEM768",
        0x0201 => "MLKEM768",
        0x0202 => "MLKEM1024",
        _ => return None,
    })
}

/// rustls TLS 1.3 suite constants by IANA name.
fn rustls_suite(name: &str) -> Option<&'static str> {
    Some(match name.trim().to_ascii_uppercase().as_str() {
        "TLS_AES_128_GCM_SHA256" => "TLS13_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384" => "TLS13_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256" => "TLS13_CHACHA20_POLY1305_SHA256",
        _ => return None,
    })
}

fn cacert_ignored_note(p: &Profile) -> Option<String> {
    match (&p.cacert, p.trust) {
        (Some(c), t) if t != Trust::File => Some(format!(
            "(the profile's cacert '{}' is not used: trust is '{}', as in tlslens)",
            shown(&path_str(c)),
            t.name()
        )),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Python
// ---------------------------------------------------------------------------

fn py_version(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "ssl.TLSVersion.TLSv1",
        TlsVersion::V1_1 => "ssl.TLSVersion.TLSv1_1",
        TlsVersion::V1_2 => "ssl.TLSVersion.TLSv1_2",
        TlsVersion::V1_3 => "ssl.TLSVersion.TLSv1_3",
    }
}

fn python(p: &Profile) -> String {
    let mut o = String::new();
    o.push_str("#!/usr/bin/env python3\n");
    comment_block(
        &mut o,
        "#",
        "",
        &header(p, "Python's ssl module (standard library only)"),
    );
    o.push_str(
        "# Prints \"<version> <cipher>\" (e.g. \"TLSv1.3 TLS_AES_256_GCM_SHA384\") and exits 0,\n",
    );
    o.push_str("# or prints the exception and exits 1.\n");
    o.push_str("import socket\nimport ssl\nimport sys\n\n");

    // Which name goes to wrap_socket(server_hostname=...), and whether the host
    // name must be checked by hand (Python ties the check to server_hostname).
    let sni = p.sni_name();
    let vname = p.verify_name();
    let (server_hostname, manual_check): (Option<&str>, bool) = match (sni, p.verify) {
        (Some(n), _) => (Some(n), false),
        // An IP literal: Python sends no SNI for it and checks the IP address SANs.
        (None, VerifyMode::Full) if is_ip(vname) => (Some(vname), false),
        (None, VerifyMode::Full) => (None, true),
        (None, _) => (None, false),
    };

    let _ = writeln!(o, "HOST = {}", py_str(&p.host));
    let _ = writeln!(o, "PORT = {}", p.port);
    match server_hostname {
        Some(n) if sni.is_some() => {
            let _ = writeln!(
                o,
                "SERVER_NAME = {}  # sent as SNI and (when verifying) checked against the certificate",
                py_str(n)
            );
        }
        Some(n) => {
            let _ = writeln!(
                o,
                "SERVER_NAME = {}  # an IP address: Python sends no SNI for it and checks the certificate's IP entries",
                py_str(n)
            );
        }
        None => {
            let _ = writeln!(o, "SERVER_NAME = None  # no SNI is sent");
        }
    }
    if manual_check {
        let _ = writeln!(
            o,
            "CHECK_NAME = {}  # checked by hand below (see name_matches)",
            py_str(vname)
        );
    }
    let _ = writeln!(
        o,
        "CONNECT_TIMEOUT = {}  # seconds for the TCP connect",
        secs(p.connect_timeout)
    );
    let _ = writeln!(
        o,
        "HANDSHAKE_TIMEOUT = {}  # seconds per socket operation during the handshake",
        secs(p.handshake_timeout)
    );
    o.push_str("\n\n");

    if manual_check {
        o.push_str(
            "def name_matches(cert, name):\n\
             \x20   \"\"\"Host-name check by hand (DNS subjectAltNames, left-most '*' label).\n\
             \n\
             \x20   Python checks the host name only together with SNI (check_hostname needs\n\
             \x20   server_hostname); this profile sends no SNI but still checks the name.\n\
             \x20   \"\"\"\n\
             \x20   name = name.lower().rstrip('.')\n\
             \x20   first, _, rest = name.partition('.')\n\
             \x20   for kind, value in cert.get('subjectAltName', ()):\n\
             \x20       if kind != 'DNS':\n\
             \x20           continue\n\
             \x20       value = value.lower().rstrip('.')\n\
             \x20       if value == name:\n\
             \x20           return True\n\
             \x20       if value.startswith('*.') and first and '.' in value[2:] and rest == value[2:]:\n\
             \x20           return True\n\
             \x20   return False\n\n\n",
        );
    }

    o.push_str("def make_context():\n");
    let i = "    ";
    let _ = writeln!(o, "{i}ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)");

    // Versions.
    if let Some(v) = p.min_tls {
        if v < TlsVersion::V1_2 {
            let _ = writeln!(o, "{i}# {OLD_TLS}");
            let _ = writeln!(
                o,
                "{i}# (Python warns \"ssl.TLSVersion.{} is deprecated\"; OpenSSL 3 also needs security level 0 for it, see below)",
                if v == TlsVersion::V1_0 {
                    "TLSv1"
                } else {
                    "TLSv1_1"
                }
            );
        }
        let _ = writeln!(o, "{i}ctx.minimum_version = {}", py_version(v));
    }
    if let Some(v) = p.max_tls {
        if v < TlsVersion::V1_2 && p.min_tls.is_none_or(|m| m >= TlsVersion::V1_2) {
            let _ = writeln!(o, "{i}# {OLD_TLS}");
        }
        let _ = writeln!(o, "{i}ctx.maximum_version = {}", py_version(v));
    }

    // Cipher string and security level.
    if let Some(cs) = openssl_cipher_string(p) {
        comment_block(&mut o, "#", i, &cipher_string_notes(p));
        let _ = writeln!(o, "{i}ctx.set_ciphers({})", py_str(&cs));
    }
    if let Some(s) = &p.ciphersuites {
        let _ = writeln!(
            o,
            "{i}# NOT EXPRESSIBLE: TLS 1.3 suites '{}': Python's ssl module cannot set them",
            shown(s)
        );
        let _ = writeln!(
            o,
            "{i}# (no SSL_CTX_set_ciphersuites); OpenSSL's default TLS 1.3 suites are offered instead."
        );
    }

    // Groups: set_ecdh_curve takes one name (OpenSSL 3: SSL_CTX_set1_groups with it).
    let groups = p.group_list();
    if !groups.is_empty() {
        let sns: Vec<Option<&str>> = groups.iter().map(|g| openssl_group_sn(g)).collect();
        match (groups.len(), sns[0]) {
            (1, Some(sn)) => {
                let _ = writeln!(
                    o,
                    "{i}# Key-exchange group: with OpenSSL 3, set_ecdh_curve makes this the only group offered."
                );
                let _ = writeln!(o, "{i}ctx.set_ecdh_curve({})", py_str(sn));
            }
            (1, None) => {
                let _ = writeln!(
                    o,
                    "{i}# NOT EXPRESSIBLE: group '{}' has no OpenSSL short name Python's set_ecdh_curve accepts;",
                    shown(&groups[0])
                );
                let _ = writeln!(o, "{i}# OpenSSL's default groups are offered.");
            }
            (_, first) => {
                let _ = writeln!(
                    o,
                    "{i}# NOT EXPRESSIBLE: groups '{}': Python's ssl can offer only ONE group",
                    shown(&groups.join(":"))
                );
                let _ = writeln!(
                    o,
                    "{i}# (set_ecdh_curve); OpenSSL's default groups are offered instead."
                );
                if let Some(sn) = first {
                    let _ = writeln!(o, "{i}# To offer only the first one:");
                    let _ = writeln!(o, "{i}# ctx.set_ecdh_curve({})", py_str(sn));
                }
            }
        }
    }

    // Trust.
    match p.trust {
        Trust::File => {
            if let Some(ca) = &p.cacert {
                let _ = writeln!(
                    o,
                    "{i}ctx.load_verify_locations(cafile={})",
                    py_str(&path_str(ca))
                );
            }
        }
        Trust::System => {
            let _ = writeln!(o, "{i}ctx.load_default_certs()  # the system trust store");
        }
        Trust::Webpki => {
            let _ = writeln!(
                o,
                "{i}# NOT EXPRESSIBLE: trust 'webpki' (Mozilla's roots compiled into rustls); the system"
            );
            let _ = writeln!(
                o,
                "{i}# store is used instead (on most systems also derived from Mozilla's list)."
            );
            let _ = writeln!(o, "{i}ctx.load_default_certs()");
        }
    }
    if let Some(n) = cacert_ignored_note(p) {
        let _ = writeln!(o, "{i}# {n}");
    }

    // Verification.
    match p.verify {
        VerifyMode::Full => {
            if manual_check {
                let _ = writeln!(
                    o,
                    "{i}# check_hostname needs server_hostname, which would send SNI: the name is checked"
                );
                let _ = writeln!(
                    o,
                    "{i}# by hand after the handshake instead (the chain is still verified here)."
                );
                let _ = writeln!(o, "{i}ctx.check_hostname = False");
            }
            let _ = writeln!(
                o,
                "{i}ctx.verify_mode = ssl.CERT_REQUIRED  # the default for PROTOCOL_TLS_CLIENT"
            );
        }
        VerifyMode::ChainOnly => {
            let _ = writeln!(o, "{i}# {NO_HOST_CHECK}");
            let _ = writeln!(o, "{i}ctx.check_hostname = False");
            let _ = writeln!(o, "{i}ctx.verify_mode = ssl.CERT_REQUIRED");
        }
        VerifyMode::Off => {
            let _ = writeln!(o, "{i}# {VERIFY_OFF}");
            let _ = writeln!(o, "{i}ctx.check_hostname = False");
            let _ = writeln!(o, "{i}ctx.verify_mode = ssl.CERT_NONE");
        }
    }
    if sni.is_none() && p.verify != VerifyMode::Full {
        let _ = writeln!(
            o,
            "{i}# No SNI: server_hostname=None, which Python allows only with check_hostname = False."
        );
    }

    // Client certificate.
    match (&p.cert, &p.key) {
        (Some(c), Some(k)) => {
            let _ = writeln!(
                o,
                "{i}ctx.load_cert_chain(certfile={}, keyfile={})",
                py_str(&path_str(c)),
                py_str(&path_str(k))
            );
        }
        (Some(c), None) => {
            let _ = writeln!(
                o,
                "{i}ctx.load_cert_chain(certfile={})  # key in the same file",
                py_str(&path_str(c))
            );
        }
        _ => {}
    }

    if !p.alpn.is_empty() {
        let list: Vec<String> = p.alpn.iter().map(|a| py_str(a)).collect();
        let _ = writeln!(o, "{i}ctx.set_alpn_protocols([{}])", list.join(", "));
    }
    let _ = writeln!(o, "{i}return ctx\n\n");

    o.push_str("def main():\n");
    o.push_str("    try:\n");
    o.push_str("        ctx = make_context()\n");
    o.push_str(
        "        with socket.create_connection((HOST, PORT), timeout=CONNECT_TIMEOUT) as sock:\n",
    );
    o.push_str("            sock.settimeout(HANDSHAKE_TIMEOUT)\n");
    o.push_str("            with ctx.wrap_socket(sock, server_hostname=SERVER_NAME) as tls:\n");
    if manual_check {
        o.push_str("                if not name_matches(tls.getpeercert(), CHECK_NAME):\n");
        o.push_str("                    raise ssl.SSLCertVerificationError(\n");
        o.push_str(
            "                        f\"Hostname mismatch, certificate is not valid for {CHECK_NAME!r}\"\n",
        );
        o.push_str("                    )\n");
    }
    o.push_str("                print(tls.version(), tls.cipher()[0])\n");
    o.push_str("    except Exception as e:  # ssl.SSLError, OSError, ValueError, ...\n");
    o.push_str("        print(f\"{type(e).__name__}: {e}\", file=sys.stderr)\n");
    o.push_str("        return 1\n");
    o.push_str("    return 0\n\n\n");
    o.push_str("if __name__ == \"__main__\":\n    sys.exit(main())\n");
    o
}

// ---------------------------------------------------------------------------
// Rust: shared parts
// ---------------------------------------------------------------------------

fn rust_consts(o: &mut String, p: &Profile) {
    let _ = writeln!(o, "const HOST: &str = {};", rs_str(&p.host));
    let _ = writeln!(o, "const PORT: u16 = {};", p.port);
    let _ = writeln!(
        o,
        "const CONNECT_TIMEOUT: Duration = Duration::from_millis({}); // TCP connect, per address",
        millis(p.connect_timeout)
    );
    let _ = writeln!(
        o,
        "const HANDSHAKE_TIMEOUT: Duration = Duration::from_millis({}); // per read/write",
        millis(p.handshake_timeout)
    );
}

const RUST_CONNECT_FN: &str = "\
/// TCP connect to the first address that answers, with the profile's timeouts.
fn connect() -> Result<TcpStream, Box<dyn Error>> {
    let mut last: Option<std::io::Error> = None;
    for addr in (HOST, PORT).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
                s.set_write_timeout(Some(HANDSHAKE_TIMEOUT))?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.map_or_else(|| \"no address for HOST\".into(), Into::into))
}
";

const RUST_MAIN_FN: &str = "\
fn main() {
    if let Err(e) = run() {
        eprintln!(\"error: {e}\");
        std::process::exit(1);
    }
}
";

fn rust_header(o: &mut String, p: &Profile, what: &str, deps: &[&str]) {
    comment_block(o, "//", "", &header(p, what));
    o.push_str("//\n// Cargo.toml:\n//   [dependencies]\n");
    for d in deps {
        let _ = writeln!(o, "//   {d}");
    }
    o.push_str("//\n");
}

// ---------------------------------------------------------------------------
// Rust: rustls 0.23
// ---------------------------------------------------------------------------

fn rust_rustls(p: &Profile) -> String {
    let mut o = String::new();
    let verify_full = p.verify == VerifyMode::Full;
    let mut deps = vec!["rustls = \"0.23.27\"  # default provider: aws-lc-rs"];
    match p.trust {
        Trust::System => deps.push("rustls-native-certs = \"0.8\""),
        Trust::Webpki => deps.push("webpki-roots = \"1\""),
        Trust::File => {}
    }
    rust_header(&mut o, p, "rustls 0.23 (aws-lc-rs provider)", &deps);
    o.push_str("// Prints the negotiated version and cipher suite in IANA names, e.g.\n");
    o.push_str("// \"TLSv1.3 TLS_AES_256_GCM_SHA384\" or \"TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\".\n\n");

    o.push_str("use rustls::crypto::aws_lc_rs as provider;\n");
    o.push_str("use rustls::pki_types::ServerName;\n");
    let ca_file = p.trust == Trust::File && p.verify != VerifyMode::Off;
    if ca_file || p.cert.is_some() {
        o.push_str("use rustls::pki_types::pem::PemObject;\n");
    }
    match (ca_file, p.cert.is_some()) {
        (_, true) => o.push_str("use rustls::pki_types::{CertificateDer, PrivateKeyDer};\n"),
        (true, false) => o.push_str("use rustls::pki_types::CertificateDer;\n"),
        _ => {}
    }
    o.push_str("use std::error::Error;\nuse std::net::{TcpStream, ToSocketAddrs};\nuse std::sync::Arc;\nuse std::time::Duration;\n\n");
    rust_consts(&mut o, p);
    let _ = writeln!(
        o,
        "/// The name the certificate is checked against; an IP address is never sent as SNI.\nconst SERVER_NAME: &str = {};\n",
        rs_str(p.verify_name())
    );

    if p.verify != VerifyMode::Full {
        o.push_str(&rustls_verifier(p.verify));
        o.push('\n');
    }
    o.push_str(RUST_CONNECT_FN);
    o.push('\n');

    o.push_str("fn run() -> Result<(), Box<dyn Error>> {\n");
    let i = "    ";

    // Cipher suites and groups: a customised provider.
    let mut provider_mut = false;
    let mut body = String::new();
    if let Some(c) = &p.ciphers {
        let _ = writeln!(
            body,
            "{i}// NOT EXPRESSIBLE: OpenSSL cipher string '{}': rustls takes no cipher strings;",
            shown(c)
        );
        let _ = writeln!(
            body,
            "{i}// its TLS 1.2 suites are all ECDHE + AEAD (no RSA key exchange, no CBC, no SHA-1 MAC)."
        );
    }
    if let Some(l) = effective_seclevel(p) {
        let _ = writeln!(
            body,
            "{i}// NOT EXPRESSIBLE: OpenSSL security level {l}: rustls has no levels; its fixed policy"
        );
        let _ = writeln!(
            body,
            "{i}// refuses MD5/SHA-1 signatures and RSA keys under 2048 bits."
        );
    }
    let suites = p.ciphersuite_list();
    if !suites.is_empty() {
        let known: Vec<&str> = suites.iter().filter_map(|s| rustls_suite(s)).collect();
        let unknown: Vec<&str> = suites
            .iter()
            .filter(|s| rustls_suite(s).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let _ = writeln!(
                body,
                "{i}// NOT EXPRESSIBLE: TLS 1.3 suites rustls does not implement: {}",
                shown(&unknown.join(":"))
            );
        }
        if known.is_empty() {
            let _ = writeln!(
                body,
                "{i}// (none of the profile's TLS 1.3 suites exists in rustls: its defaults are kept)"
            );
        } else {
            provider_mut = true;
            let _ = writeln!(
                body,
                "{i}// TLS 1.3 suites in the profile's order, then rustls' TLS 1.2 suites."
            );
            let _ = writeln!(body, "{i}let tls12: Vec<_> = provider");
            let _ = writeln!(body, "{i}    .cipher_suites");
            let _ = writeln!(body, "{i}    .iter()");
            let _ = writeln!(body, "{i}    .filter(|s| s.tls13().is_none())");
            let _ = writeln!(body, "{i}    .cloned()");
            let _ = writeln!(body, "{i}    .collect();");
            let _ = writeln!(body, "{i}provider.cipher_suites = vec![");
            for k in &known {
                let _ = writeln!(body, "{i}    provider::cipher_suite::{k},");
            }
            let _ = writeln!(body, "{i}];");
            let _ = writeln!(body, "{i}provider.cipher_suites.extend(tls12);");
        }
    }
    let groups = p.group_list();
    if !groups.is_empty() {
        let known: Vec<&str> = groups.iter().filter_map(|g| rustls_group(g)).collect();
        let unknown: Vec<&str> = groups
            .iter()
            .filter(|g| rustls_group(g).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let _ = writeln!(
                body,
                "{i}// NOT EXPRESSIBLE: groups rustls (aws-lc-rs) does not implement: {}",
                shown(&unknown.join(":"))
            );
        }
        if known.is_empty() {
            let _ = writeln!(
                body,
                "{i}// (none of the profile's groups exists in rustls: its defaults are kept)"
            );
        } else {
            provider_mut = true;
            let gl: Vec<String> = known
                .iter()
                .map(|g| format!("provider::kx_group::{g}"))
                .collect();
            let _ = writeln!(body, "{i}provider.kx_groups = vec![{}];", gl.join(", "));
        }
    }
    let _ = writeln!(
        o,
        "{i}let {}provider = provider::default_provider();",
        if provider_mut { "mut " } else { "" }
    );
    o.push_str(&body);

    // Versions: rustls speaks TLS 1.2 and 1.3 only.
    let lo = p.min_tls.unwrap_or(TlsVersion::V1_2);
    let hi = p.max_tls.unwrap_or(TlsVersion::V1_3);
    if lo < TlsVersion::V1_2 {
        let _ = writeln!(
            o,
            "{i}// NOT EXPRESSIBLE: minimum {lo}: rustls has no TLS 1.0/1.1 at all; TLS 1.2 is its floor."
        );
    }
    let mut versions = Vec::new();
    if hi < TlsVersion::V1_2 {
        let _ = writeln!(
            o,
            "{i}// NOT EXPRESSIBLE: maximum {hi}: rustls cannot speak it; TLS 1.2 is offered instead,"
        );
        let _ = writeln!(
            o,
            "{i}// so this handshake will not match the profile (a TLS 1.0/1.1-only server refuses it)."
        );
        versions.push("&rustls::version::TLS12");
    } else {
        if lo.max(TlsVersion::V1_2) <= TlsVersion::V1_2 {
            versions.push("&rustls::version::TLS12");
        }
        if hi >= TlsVersion::V1_3 {
            versions.push("&rustls::version::TLS13");
        }
    }
    let _ = writeln!(
        o,
        "{i}let builder = rustls::ClientConfig::builder_with_provider(Arc::new(provider))"
    );
    let _ = writeln!(
        o,
        "{i}    .with_protocol_versions(&[{}])?;",
        versions.join(", ")
    );

    // Trust anchors.
    let needs_roots = p.verify != VerifyMode::Off;
    if needs_roots {
        let _ = writeln!(o, "{i}let mut roots = rustls::RootCertStore::empty();");
        match p.trust {
            Trust::File => {
                let ca = p.cacert.as_deref().map(path_str).unwrap_or_default();
                let _ = writeln!(
                    o,
                    "{i}for cert in CertificateDer::pem_file_iter({})? {{",
                    rs_str(&ca)
                );
                let _ = writeln!(o, "{i}    roots.add(cert?)?;");
                let _ = writeln!(o, "{i}}}");
            }
            Trust::System => {
                let _ = writeln!(o, "{i}// The system trust store.");
                let _ = writeln!(
                    o,
                    "{i}roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);"
                );
            }
            Trust::Webpki => {
                let _ = writeln!(o, "{i}// Mozilla's roots, compiled in.");
                let _ = writeln!(
                    o,
                    "{i}roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());"
                );
            }
        }
    }
    if let Some(n) = cacert_ignored_note(p) {
        let _ = writeln!(o, "{i}// {n}");
    }

    match p.verify {
        VerifyMode::Full => {
            let _ = writeln!(o, "{i}let builder = builder.with_root_certificates(roots);");
        }
        VerifyMode::ChainOnly => {
            let _ = writeln!(o, "{i}// {NO_HOST_CHECK}");
            let _ = writeln!(
                o,
                "{i}let webpki = rustls::client::WebPkiServerVerifier::builder(Arc::new(roots)).build()?;"
            );
            let _ = writeln!(o, "{i}let builder = builder");
            let _ = writeln!(o, "{i}    .dangerous()");
            let _ = writeln!(
                o,
                "{i}    .with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)));"
            );
        }
        VerifyMode::Off => {
            let _ = writeln!(o, "{i}// {VERIFY_OFF}");
            if p.trust == Trust::File && p.cacert.is_some() {
                let _ = writeln!(o, "{i}// (so the CA file is not loaded)");
            }
            let _ = writeln!(o, "{i}let builder = builder");
            let _ = writeln!(o, "{i}    .dangerous()");
            let _ = writeln!(
                o,
                "{i}    .with_custom_certificate_verifier(Arc::new(NoVerification(provider::default_provider())));"
            );
        }
    }
    let _ = verify_full;

    let config_mut = if p.sni_name().is_none() || !p.alpn.is_empty() {
        "mut "
    } else {
        ""
    };
    match (&p.cert, &p.key) {
        (Some(c), key) => {
            let k = key.as_deref().unwrap_or(c.as_path());
            let _ = writeln!(
                o,
                "{i}let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter({})?",
                rs_str(&path_str(c))
            );
            let _ = writeln!(o, "{i}    .collect::<Result<_, _>>()?;");
            let _ = writeln!(
                o,
                "{i}let key = PrivateKeyDer::from_pem_file({})?;",
                rs_str(&path_str(k))
            );
            let _ = writeln!(
                o,
                "{i}let {config_mut}config = builder.with_client_auth_cert(chain, key)?;"
            );
        }
        _ => {
            let _ = writeln!(
                o,
                "{i}let {config_mut}config = builder.with_no_client_auth();"
            );
        }
    }
    if p.sni_name().is_none() {
        if is_ip(p.verify_name()) {
            let _ = writeln!(
                o,
                "{i}config.enable_sni = false; // rustls never sends an IP address as SNI anyway"
            );
        } else {
            let _ = writeln!(
                o,
                "{i}config.enable_sni = false; // no SNI; the name is still checked"
            );
        }
    }
    if p.alpn.is_empty() {
        let _ = writeln!(
            o,
            "{i}// No ALPN (rustls sends none unless alpn_protocols is set)."
        );
    } else {
        let list: Vec<String> = p.alpn.iter().map(|a| rs_str(a)).collect();
        let _ = writeln!(
            o,
            "{i}config.alpn_protocols = [{}].iter().map(|p| p.as_bytes().to_vec()).collect();",
            list.join(", ")
        );
    }
    let _ = writeln!(o, "{i}let name = ServerName::try_from(SERVER_NAME)?;");
    let _ = writeln!(
        o,
        "{i}let mut conn = rustls::ClientConnection::new(Arc::new(config), name)?;"
    );
    let _ = writeln!(o, "{i}let mut sock = connect()?;");
    let _ = writeln!(o, "{i}while conn.is_handshaking() {{");
    let _ = writeln!(o, "{i}    conn.complete_io(&mut sock)?;");
    let _ = writeln!(o, "{i}}}");
    o.push_str(
        "    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => \"TLSv1.3\",
        Some(rustls::ProtocolVersion::TLSv1_2) => \"TLSv1.2\",
        _ => \"?\",
    };
    let suite = conn.negotiated_cipher_suite().ok_or(\"no cipher suite\")?;
    // IANA name: rustls calls the TLS 1.3 suites TLS13_*.
    let suite = format!(\"{:?}\", suite.suite()).replacen(\"TLS13_\", \"TLS_\", 1);
    println!(\"{version} {suite}\");
",
    );
    let _ = writeln!(o, "{i}Ok(())");
    o.push_str("}\n\n");
    o.push_str(RUST_MAIN_FN);
    o
}

fn rustls_verifier(mode: VerifyMode) -> String {
    let common = "\
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        INNER.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        INNER.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        INNER.supported_verify_schemes()
    }
}
";
    let imports = "\
use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer as Der, UnixTime};
";
    match mode {
        VerifyMode::ChainOnly => {
            let common = common
                .replace("INNER", "self.0")
                .replace("CertificateDer<", "Der<");
            format!(
                "{imports}
/// Chain checked, host name not. {NO_HOST_CHECK}
#[derive(Debug)]
struct ChainOnly(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {{
    fn verify_server_cert(
        &self,
        end_entity: &Der<'_>,
        intermediates: &[Der<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {{
        use rustls::{{CertificateError, Error}};
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {{
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext {{ .. }},
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }}
    }}

{common}"
            )
        }
        _ => {
            let common = common
                .replace(
                    "INNER.verify_tls12_signature(message, cert, dss)",
                    "rustls::crypto::verify_tls12_signature(\n            message,\n            cert,\n            dss,\n            &self.0.signature_verification_algorithms,\n        )",
                )
                .replace(
                    "INNER.verify_tls13_signature(message, cert, dss)",
                    "rustls::crypto::verify_tls13_signature(\n            message,\n            cert,\n            dss,\n            &self.0.signature_verification_algorithms,\n        )",
                )
                .replace(
                    "INNER.supported_verify_schemes()",
                    "self.0\n            .signature_verification_algorithms\n            .supported_schemes()",
                )
                .replace("CertificateDer<", "Der<");
            format!(
                "{imports}
/// Accepts any certificate (handshake signatures are still checked).
/// {VERIFY_OFF}
#[derive(Debug)]
struct NoVerification(rustls::crypto::CryptoProvider);

impl ServerCertVerifier for NoVerification {{
    fn verify_server_cert(
        &self,
        _end_entity: &Der<'_>,
        _intermediates: &[Der<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {{
        Ok(ServerCertVerified::assertion())
    }}

{common}"
            )
        }
    }
}

// ---------------------------------------------------------------------------
// Rust: native-tls 0.2
// ---------------------------------------------------------------------------

fn native_protocol(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "Protocol::Tlsv10",
        TlsVersion::V1_1 => "Protocol::Tlsv11",
        TlsVersion::V1_2 => "Protocol::Tlsv12",
        TlsVersion::V1_3 => "Protocol::Tlsv13",
    }
}

fn rust_native_tls(p: &Profile) -> String {
    let mut o = String::new();
    let dep = if p.alpn.is_empty() {
        "native-tls = \"0.2.14\""
    } else {
        "native-tls = { version = \"0.2.14\", features = [\"alpn\"] }"
    };
    rust_header(
        &mut o,
        p,
        "native-tls 0.2 (OpenSSL on Linux, Secure Transport on macOS, SChannel on Windows)",
        &[dep],
    );
    o.push_str("// native-tls does not report the negotiated version or cipher: this prints\n");
    o.push_str("// \"handshake OK\" (and the ALPN protocol when one was agreed).\n\n");
    let mut uses = vec!["TlsConnector"];
    if p.min_tls.is_some() || p.max_tls.is_some() {
        uses.push("Protocol");
    }
    if p.trust == Trust::File && p.verify != VerifyMode::Off {
        uses.push("Certificate");
    }
    if p.cert.is_some() {
        uses.push("Identity");
    }
    uses.sort();
    let _ = writeln!(o, "use native_tls::{{{}}};", uses.join(", "));
    o.push_str("use std::error::Error;\nuse std::net::{TcpStream, ToSocketAddrs};\nuse std::time::Duration;\n\n");
    rust_consts(&mut o, p);
    let _ = writeln!(
        o,
        "/// Sent as SNI (unless disabled below) and checked against the certificate.\nconst SERVER_NAME: &str = {};\n",
        rs_str(p.verify_name())
    );
    o.push_str(RUST_CONNECT_FN);
    o.push('\n');
    o.push_str("fn run() -> Result<(), Box<dyn Error>> {\n");
    let i = "    ";
    let _ = writeln!(o, "{i}let mut b = TlsConnector::builder();");
    match p.min_tls {
        Some(v) => {
            if v < TlsVersion::V1_2 {
                let _ = writeln!(o, "{i}// {OLD_TLS}");
            }
            let _ = writeln!(
                o,
                "{i}b.min_protocol_version(Some({}));",
                native_protocol(v)
            );
        }
        None => {
            let _ = writeln!(
                o,
                "{i}// (no minimum in the profile: native-tls keeps its own default minimum, TLS 1.2)"
            );
        }
    }
    if let Some(v) = p.max_tls {
        let _ = writeln!(
            o,
            "{i}b.max_protocol_version(Some({}));",
            native_protocol(v)
        );
    }
    if let Some(c) = &p.ciphers {
        let _ = writeln!(
            o,
            "{i}// NOT EXPRESSIBLE: cipher string '{}': native-tls has no cipher list setting.",
            shown(c)
        );
    }
    if let Some(s) = &p.ciphersuites {
        let _ = writeln!(
            o,
            "{i}// NOT EXPRESSIBLE: TLS 1.3 suites '{}': native-tls has no suite setting.",
            shown(s)
        );
    }
    if let Some(g) = &p.groups {
        let _ = writeln!(
            o,
            "{i}// NOT EXPRESSIBLE: groups '{}': native-tls has no key-exchange group setting.",
            shown(g)
        );
    }
    if let Some(l) = effective_seclevel(p) {
        let _ = writeln!(
            o,
            "{i}// NOT EXPRESSIBLE: OpenSSL security level {l}: native-tls cannot change it (the system"
        );
        let _ = writeln!(
            o,
            "{i}// default applies: level 2 on OpenSSL 3, so e.g. TLS 1.0/1.1 ECDHE handshakes, which are"
        );
        let _ = writeln!(
            o,
            "{i}// signed with MD5+SHA-1, fail with 'legacy sigalg disallowed')."
        );
    }
    match p.trust {
        Trust::File => {
            if p.verify == VerifyMode::Off {
                let _ = writeln!(o, "{i}// (the CA file is not loaded: nothing is verified)");
            } else {
                let ca = p.cacert.as_deref().map(path_str).unwrap_or_default();
                let _ = writeln!(o, "{i}// Trust only the CA file, not the system store.");
                let _ = writeln!(o, "{i}b.disable_built_in_roots(true);");
                let _ = writeln!(
                    o,
                    "{i}for cert in Certificate::stack_from_pem(&std::fs::read({})?)? {{",
                    rs_str(&ca)
                );
                let _ = writeln!(o, "{i}    b.add_root_certificate(cert);");
                let _ = writeln!(o, "{i}}}");
            }
        }
        Trust::System => {
            let _ = writeln!(o, "{i}// Trust: the system store (native-tls' default).");
        }
        Trust::Webpki => {
            let _ = writeln!(
                o,
                "{i}// NOT EXPRESSIBLE: trust 'webpki' (rustls' compiled-in roots): the system store is used."
            );
        }
    }
    if let Some(n) = cacert_ignored_note(p) {
        let _ = writeln!(o, "{i}// {n}");
    }
    match p.verify {
        VerifyMode::Full => {}
        VerifyMode::ChainOnly => {
            let _ = writeln!(o, "{i}// {NO_HOST_CHECK}");
            let _ = writeln!(o, "{i}b.danger_accept_invalid_hostnames(true);");
        }
        VerifyMode::Off => {
            let _ = writeln!(o, "{i}// {VERIFY_OFF}");
            let _ = writeln!(o, "{i}b.danger_accept_invalid_certs(true);");
            let _ = writeln!(o, "{i}b.danger_accept_invalid_hostnames(true);");
        }
    }
    if let Some(c) = &p.cert {
        let k = p.key.as_deref().unwrap_or(c.as_path());
        let _ = writeln!(
            o,
            "{i}// The key must be PKCS#8 PEM (\"BEGIN PRIVATE KEY\"); convert others with"
        );
        let _ = writeln!(
            o,
            "{i}// `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`."
        );
        let _ = writeln!(
            o,
            "{i}let identity = Identity::from_pkcs8(&std::fs::read({})?, &std::fs::read({})?)?;",
            rs_str(&path_str(c)),
            rs_str(&path_str(k))
        );
        let _ = writeln!(o, "{i}b.identity(identity);");
    }
    if p.sni_name().is_none() {
        let _ = writeln!(
            o,
            "{i}b.use_sni(false); // no SNI; the name is still checked"
        );
    }
    if !p.alpn.is_empty() {
        let list: Vec<String> = p.alpn.iter().map(|a| rs_str(a)).collect();
        let _ = writeln!(o, "{i}b.request_alpns(&[{}]);", list.join(", "));
    }
    let _ = writeln!(o, "{i}let connector = b.build()?;");
    let _ = writeln!(o, "{i}let tls = connector");
    let _ = writeln!(o, "{i}    .connect(SERVER_NAME, connect()?)");
    let _ = writeln!(o, "{i}    .map_err(|e| e.to_string())?;");
    if p.alpn.is_empty() {
        let _ = writeln!(o, "{i}let _ = tls;");
        let _ = writeln!(o, "{i}println!(\"handshake OK\");");
    } else {
        let _ = writeln!(
            o,
            "{i}let alpn = tls.negotiated_alpn()?.map(|a| String::from_utf8_lossy(&a).into_owned());"
        );
        let _ = writeln!(o, "{i}println!(\"handshake OK, ALPN {{alpn:?}}\");");
    }
    let _ = writeln!(o, "{i}Ok(())");
    o.push_str("}\n\n");
    o.push_str(RUST_MAIN_FN);
    o
}

// ---------------------------------------------------------------------------
// Rust: openssl 0.10
// ---------------------------------------------------------------------------

fn ssl_version(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "SslVersion::TLS1",
        TlsVersion::V1_1 => "SslVersion::TLS1_1",
        TlsVersion::V1_2 => "SslVersion::TLS1_2",
        TlsVersion::V1_3 => "SslVersion::TLS1_3",
    }
}

/// A Rust byte-string literal.
fn rs_bytes(b: &[u8]) -> String {
    let mut o = String::from("b\"");
    for &c in b {
        match c {
            b'"' => o.push_str("\\\""),
            b'\\' => o.push_str("\\\\"),
            0x20..=0x7e => o.push(char::from(c)),
            _ => {
                let _ = write!(o, "\\x{c:02x}");
            }
        }
    }
    o.push('"');
    o
}

fn rust_openssl(p: &Profile) -> String {
    let mut o = String::new();
    rust_header(
        &mut o,
        p,
        "the openssl crate 0.10 (the system's OpenSSL)",
        &["openssl = \"0.10\""],
    );
    o.push_str("// Prints \"<version> <cipher>\" in OpenSSL's names, e.g. \"TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256\".\n\n");
    let mut uses = vec!["Ssl", "SslContext", "SslMethod", "SslVerifyMode"];
    if p.min_tls.is_some() || p.max_tls.is_some() {
        uses.push("SslVersion");
    }
    if p.cert.is_some() {
        uses.push("SslFiletype");
    }
    uses.sort();
    let _ = writeln!(o, "use openssl::ssl::{{{}}};", uses.join(", "));
    o.push_str("use std::error::Error;\nuse std::net::{TcpStream, ToSocketAddrs};\nuse std::time::Duration;\n\n");
    rust_consts(&mut o, p);
    o.push('\n');
    o.push_str(RUST_CONNECT_FN);
    o.push('\n');
    o.push_str("fn run() -> Result<(), Box<dyn Error>> {\n");
    let i = "    ";
    let _ = writeln!(
        o,
        "{i}// SslContext, not SslConnector: the connector would add its own cipher list and"
    );
    let _ = writeln!(
        o,
        "{i}// the system roots; this keeps OpenSSL's defaults, as tlslens does."
    );
    let _ = writeln!(
        o,
        "{i}let mut b = SslContext::builder(SslMethod::tls_client())?;"
    );
    if let Some(v) = p.min_tls {
        if v < TlsVersion::V1_2 {
            let _ = writeln!(o, "{i}// {OLD_TLS}");
        }
        let _ = writeln!(o, "{i}b.set_min_proto_version(Some({}))?;", ssl_version(v));
    }
    if let Some(v) = p.max_tls {
        let _ = writeln!(o, "{i}b.set_max_proto_version(Some({}))?;", ssl_version(v));
    }
    if let Some(c) = &p.ciphers {
        let _ = writeln!(
            o,
            "{i}// NOTE: cipher string '{}' replaces OpenSSL's default for TLS <= 1.2",
            shown(c)
        );
        if p.seclevel.is_none()
            && let Some(n) = embedded_seclevel(c).and_then(seclevel_note)
        {
            let _ = writeln!(o, "{i}// {n}");
        }
        let _ = writeln!(o, "{i}b.set_cipher_list({})?;", rs_str(c.trim()));
    }
    if let Some(l) = p.seclevel {
        if let Some(n) = seclevel_note(l) {
            let _ = writeln!(o, "{i}// {n}");
        }
        let _ = writeln!(
            o,
            "{i}b.set_security_level({l}); // after the cipher string: it wins over any @SECLEVEL there"
        );
    }
    let suites = p.ciphersuite_list();
    if !suites.is_empty() {
        let _ = writeln!(
            o,
            "{i}b.set_ciphersuites({})?; // TLS 1.3",
            rs_str(&suites.join(":"))
        );
    }
    let groups = p.group_list();
    if !groups.is_empty() {
        let _ = writeln!(o, "{i}b.set_groups_list({})?;", rs_str(&groups.join(":")));
    }
    match p.trust {
        Trust::File => {
            let ca = p.cacert.as_deref().map(path_str).unwrap_or_default();
            let _ = writeln!(
                o,
                "{i}b.set_ca_file({})?; // only this CA file",
                rs_str(&ca)
            );
        }
        Trust::System => {
            let _ = writeln!(
                o,
                "{i}b.set_default_verify_paths()?; // the system trust store"
            );
        }
        Trust::Webpki => {
            let _ = writeln!(
                o,
                "{i}// NOT EXPRESSIBLE: trust 'webpki' (rustls' compiled-in roots): the system store is used."
            );
            let _ = writeln!(o, "{i}b.set_default_verify_paths()?;");
        }
    }
    if let Some(n) = cacert_ignored_note(p) {
        let _ = writeln!(o, "{i}// {n}");
    }
    match p.verify {
        VerifyMode::Full => {
            let _ = writeln!(o, "{i}b.set_verify(SslVerifyMode::PEER);");
        }
        VerifyMode::ChainOnly => {
            let _ = writeln!(
                o,
                "{i}b.set_verify(SslVerifyMode::PEER); // the chain; the name is not set below"
            );
        }
        VerifyMode::Off => {
            let _ = writeln!(o, "{i}// {VERIFY_OFF}");
            let _ = writeln!(o, "{i}b.set_verify(SslVerifyMode::NONE);");
        }
    }
    if let Some(c) = &p.cert {
        let k = p.key.as_deref().unwrap_or(c.as_path());
        let _ = writeln!(
            o,
            "{i}b.set_certificate_chain_file({})?;",
            rs_str(&path_str(c))
        );
        let _ = writeln!(
            o,
            "{i}b.set_private_key_file({}, SslFiletype::PEM)?;",
            rs_str(&path_str(k))
        );
        let _ = writeln!(o, "{i}b.check_private_key()?;");
    }
    if !p.alpn.is_empty() {
        let mut wire = Vec::new();
        for a in &p.alpn {
            let bytes = a.as_bytes();
            wire.push(bytes.len().min(255) as u8);
            wire.extend_from_slice(&bytes[..bytes.len().min(255)]);
        }
        let _ = writeln!(
            o,
            "{i}b.set_alpn_protos({})?; // length-prefixed: {}",
            rs_bytes(&wire),
            shown(&p.alpn.join(", "))
        );
    }
    let _ = writeln!(o, "{i}let ctx = b.build();");
    let ssl_mut = if p.sni_name().is_some() || p.verify == VerifyMode::Full {
        "mut "
    } else {
        ""
    };
    let _ = writeln!(o, "{i}let {ssl_mut}ssl = Ssl::new(&ctx)?;");
    match p.sni_name() {
        Some(n) => {
            let _ = writeln!(o, "{i}ssl.set_hostname({})?; // SNI", rs_str(n));
        }
        None => {
            let _ = writeln!(o, "{i}// No SNI (set_hostname is not called).");
        }
    }
    match p.verify {
        VerifyMode::Full => {
            let n = p.verify_name();
            if is_ip(n) {
                let _ = writeln!(
                    o,
                    "{i}ssl.param_mut().set_ip({}.parse()?)?; // the certificate must name this IP",
                    rs_str(n)
                );
            } else {
                let _ = writeln!(
                    o,
                    "{i}ssl.param_mut().set_host({})?; // the host-name check",
                    rs_str(n)
                );
            }
        }
        VerifyMode::ChainOnly => {
            let _ = writeln!(o, "{i}// {NO_HOST_CHECK}");
            let _ = writeln!(o, "{i}// (no ssl.param_mut().set_host(...))");
        }
        VerifyMode::Off => {}
    }
    let _ = writeln!(
        o,
        "{i}let tls = ssl.connect(connect()?).map_err(|e| e.to_string())?;"
    );
    let _ = writeln!(
        o,
        "{i}let cipher = tls.ssl().current_cipher().map_or(\"?\", |c| c.name());"
    );
    let _ = writeln!(
        o,
        "{i}println!(\"{{}} {{cipher}}\", tls.ssl().version_str());"
    );
    let _ = writeln!(o, "{i}Ok(())");
    o.push_str("}\n\n");
    o.push_str(RUST_MAIN_FN);
    o
}

// ---------------------------------------------------------------------------
// Shell commands
// ---------------------------------------------------------------------------

/// A command as (argument, optional comment lines) so the comments can go above
/// the command (a backslash-continued line cannot carry a comment).
struct Cmd {
    words: Vec<Vec<String>>,
    notes: Vec<String>,
}

impl Cmd {
    fn new(first: &[&str]) -> Self {
        Cmd {
            words: vec![first.iter().map(|s| s.to_string()).collect()],
            notes: Vec::new(),
        }
    }
    /// One line of the command: already-quoted words.
    fn line(&mut self, words: Vec<String>) {
        self.words.push(words);
    }
    /// A flag and its value, the value always in single quotes.
    fn opt(&mut self, flag: &str, value: &str) {
        self.line(vec![flag.to_string(), sh_quote_always(value)]);
    }
    fn note(&mut self, n: impl Into<String>) {
        self.notes.push(n.into());
    }
    fn render(&self, header: &[String], tail: &str) -> String {
        let mut o = String::from("#!/bin/sh\n");
        comment_block(&mut o, "#", "", header);
        comment_block(&mut o, "#", "", &self.notes);
        let lines: Vec<String> = self.words.iter().map(|w| w.join(" ")).collect();
        let n = lines.len();
        for (k, l) in lines.iter().enumerate() {
            let indent = if k == 0 { "" } else { "  " };
            if k + 1 == n {
                let _ = writeln!(o, "{indent}{l}{tail}");
            } else {
                let _ = writeln!(o, "{indent}{l} \\");
            }
        }
        o
    }
}

fn fmt_secs(v: f64) -> String {
    let v = if v.is_finite() && v > 0.0 { v } else { 10.0 };
    let r = (v * 1000.0).round() / 1000.0;
    if r.fract() == 0.0 {
        format!("{}", r as u64)
    } else {
        format!("{r}")
    }
}

/// curl's `--cert` value: `:` separates a pass phrase and `\` escapes, so both are
/// escaped in the file name.
fn curl_cert_value(path: &str) -> String {
    path.replace('\\', "\\\\").replace(':', "\\:")
}

fn curl(p: &Profile) -> String {
    let hdr = {
        let mut h = header(p, "curl (built with OpenSSL)");
        h.push("Succeeds (exit 0) when the handshake works and the server answers GET /;".into());
        h.push("prints the HTTP version and status. Add -v to see \"SSL connection using <version> / <cipher>\".".into());
        h
    };
    let mut c = Cmd::new(&["curl", "-sS", "-o", "/dev/null"]);
    c.line(vec![
        "-w".into(),
        sh_quote("HTTP/%{http_version} %{http_code}\\n"),
    ]);

    // URL and where to connect: the URL names the SNI / verification name.
    let sni = p.sni_name();
    let url_host = sni.unwrap_or(&p.host);
    if let Some(n) = sni
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
    if let Some(v) = p.min_tls {
        if v < TlsVersion::V1_2 {
            c.note(format!("--tlsv{}: {OLD_TLS}", v.short()));
        }
        c.line(vec![format!("--tlsv{}", v.short())]);
    }
    if let Some(v) = p.max_tls {
        if v < TlsVersion::V1_2 && p.min_tls.is_none_or(|m| m >= TlsVersion::V1_2) {
            c.note(format!("--tls-max {}: {OLD_TLS}", v.short()));
        }
        c.line(vec!["--tls-max".into(), v.short().into()]);
    }
    if let Some(cs) = openssl_cipher_string(p) {
        for n in cipher_string_notes(p) {
            c.note(format!("--ciphers: {n}"));
        }
        if p.seclevel.is_some() {
            c.note("(curl has no security-level option: the level travels in the cipher string)");
        }
        c.opt("--ciphers", &cs);
    }
    let suites = p.ciphersuite_list();
    if !suites.is_empty() {
        c.opt("--tls13-ciphers", &suites.join(":"));
    }
    let groups = p.group_list();
    if !groups.is_empty() {
        c.opt("--curves", &groups.join(":"));
    }

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
        Trust::Webpki => c.note(
            "NOT EXPRESSIBLE: trust 'webpki' (rustls' compiled-in roots): curl uses its CA bundle.",
        ),
    }
    if let Some(n) = cacert_ignored_note(p) {
        c.note(n);
    }
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
            c.line(vec!["-k".into()]);
        }
    }
    if let Some(cert) = &p.cert {
        c.opt("--cert", &curl_cert_value(&path_str(cert)));
        if let Some(k) = &p.key {
            c.opt("--key", &path_str(k));
        }
    }

    // ALPN: curl derives it from the HTTP version.
    let alpn: Vec<&str> = p.alpn.iter().map(String::as_str).collect();
    match alpn.as_slice() {
        [] => {
            c.note("--no-alpn: the profile sends no ALPN (curl would offer h2/http/1.1).");
            c.line(vec!["--no-alpn".into()]);
        }
        ["http/1.1"] => c.line(vec!["--http1.1".into()]),
        ["h2", "http/1.1"] => c.line(vec!["--http2".into()]),
        list if list.contains(&"h2") && list.iter().all(|a| *a == "h2" || *a == "http/1.1") => {
            c.note(format!(
                "NOT EXPRESSIBLE: ALPN '{}': curl offers only fixed lists; --http2 offers h2, http/1.1.",
                shown(&p.alpn.join(","))
            ));
            c.line(vec!["--http2".into()]);
        }
        _ => {
            c.note(format!(
                "NOT EXPRESSIBLE: ALPN '{}': curl offers only its HTTP protocols; sending no ALPN.",
                shown(&p.alpn.join(","))
            ));
            c.line(vec!["--no-alpn".into()]);
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

    let url = format!("https://{}/", host_port(url_host, p.port));
    c.line(vec![sh_quote_always(&url)]);
    c.render(&hdr, "")
}

fn s_client_version(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "TLSv1",
        TlsVersion::V1_1 => "TLSv1.1",
        TlsVersion::V1_2 => "TLSv1.2",
        TlsVersion::V1_3 => "TLSv1.3",
    }
}

fn s_client(p: &Profile) -> String {
    let hdr = {
        let mut h = header(p, "openssl s_client");
        h.push("-brief prints \"Protocol version: ...\" and \"Ciphersuite: ...\" (on stderr); exit 0 on success.".into());
        h
    };
    let total = fmt_secs(p.connect_timeout + p.handshake_timeout);
    let mut c = Cmd::new(&["timeout", &total, "openssl", "s_client"]);
    c.note(format!(
        "timeout {total} (coreutils): s_client has no connect/handshake timeout, so the whole run is capped."
    ));
    c.opt("-connect", &host_port(&p.host, p.port));
    match p.sni_name() {
        Some(n) => c.opt("-servername", n),
        None => c.line(vec!["-noservername".into()]),
    }
    if let Some(v) = p.min_tls {
        if v < TlsVersion::V1_2 {
            c.note(format!("-min_protocol {}: {OLD_TLS}", s_client_version(v)));
        }
        c.opt("-min_protocol", s_client_version(v));
    }
    if let Some(v) = p.max_tls {
        if v < TlsVersion::V1_2 && p.min_tls.is_none_or(|m| m >= TlsVersion::V1_2) {
            c.note(format!("-max_protocol {}: {OLD_TLS}", s_client_version(v)));
        }
        c.opt("-max_protocol", s_client_version(v));
    }
    if let Some(cs) = openssl_cipher_string(p) {
        for n in cipher_string_notes(p) {
            c.note(format!("-cipher: {n}"));
        }
        c.opt("-cipher", &cs);
    }
    let suites = p.ciphersuite_list();
    if !suites.is_empty() {
        c.opt("-ciphersuites", &suites.join(":"));
    }
    let groups = p.group_list();
    if !groups.is_empty() {
        c.opt("-groups", &groups.join(":"));
    }
    match p.trust {
        Trust::File => {
            if let Some(ca) = &p.cacert {
                c.opt("-CAfile", &path_str(ca));
            }
        }
        Trust::System => {}
        Trust::Webpki => c.note(
            "NOT EXPRESSIBLE: trust 'webpki' (rustls' compiled-in roots): OpenSSL's default store is used.",
        ),
    }
    if let Some(n) = cacert_ignored_note(p) {
        c.note(n);
    }
    match p.verify {
        VerifyMode::Full => {
            c.note("-verify_return_error makes a failed verification abort the handshake.");
            let n = p.verify_name();
            if is_ip(n) {
                c.line(vec!["-verify_return_error".into()]);
                c.opt("-verify_ip", n);
            } else {
                c.line(vec!["-verify_return_error".into()]);
                c.opt("-verify_hostname", n);
            }
        }
        VerifyMode::ChainOnly => {
            c.note(format!("no -verify_hostname: {NO_HOST_CHECK}"));
            c.line(vec!["-verify_return_error".into()]);
        }
        VerifyMode::Off => {
            c.note(format!(
                "no -verify_return_error: {VERIFY_OFF} (s_client still prints the verdict)"
            ));
        }
    }
    if let Some(cert) = &p.cert {
        c.opt("-cert", &path_str(cert));
        if let Some(k) = &p.key {
            c.opt("-key", &path_str(k));
        }
    }
    if !p.alpn.is_empty() {
        if p.alpn.iter().any(|a| a.contains(',')) {
            c.note("NOT EXPRESSIBLE: an ALPN protocol containing ',' (s_client splits -alpn on commas).");
        }
        c.opt("-alpn", &p.alpn.join(","));
    }
    c.line(vec!["-brief".into()]);
    c.render(&hdr, " </dev/null")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Sni;
    use std::path::PathBuf;

    fn legacy() -> Profile {
        Profile {
            host: "127.0.0.1".into(),
            port: 44303,
            sni: Sni::Name("localhost".into()),
            min_tls: Some(TlsVersion::V1_0),
            seclevel: Some(0),
            verify: VerifyMode::Off,
            trust: Trust::File,
            cacert: Some("/tmp/peers/certs/ca.crt".into()),
            ..Profile::default()
        }
    }

    fn client_cert() -> Profile {
        Profile {
            host: "127.0.0.1".into(),
            port: 44309,
            sni: Sni::Name("localhost".into()),
            trust: Trust::File,
            cacert: Some("/tmp/peers/certs/ca.crt".into()),
            cert: Some("/tmp/peers/certs/client.crt".into()),
            key: Some("/tmp/peers/certs/client.key".into()),
            alpn: vec!["h2".into(), "http/1.1".into()],
            ciphersuites: Some("TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256".into()),
            groups: Some("x25519:secp256r1".into()),
            ..Profile::default()
        }
    }

    fn sni_off() -> Profile {
        Profile {
            host: "example.test".into(),
            port: 8443,
            sni: Sni::Off,
            verify: VerifyMode::Full,
            trust: Trust::System,
            ..Profile::default()
        }
    }

    fn nasty() -> Profile {
        let dir = r#"/tmp/it's a "dir"\with:odd$chars`x`"#;
        Profile {
            host: "localhost".into(),
            port: 4433,
            trust: Trust::File,
            cacert: Some(PathBuf::from(format!("{dir}/ca.crt"))),
            cert: Some(PathBuf::from(format!("{dir}/c.crt"))),
            key: Some(PathBuf::from(format!("{dir}/c\nnewline.key"))),
            ciphers: Some("ECDHE-RSA-AES128-SHA:AES128-SHA".into()),
            seclevel: Some(1),
            verify: VerifyMode::ChainOnly,
            alpn: vec!["it's".into()],
            ..Profile::default()
        }
    }

    fn all_profiles() -> Vec<(&'static str, Profile)> {
        vec![
            ("legacy", legacy()),
            ("client-cert", client_cert()),
            ("sni-off", sni_off()),
            ("nasty", nasty()),
            ("default", {
                Profile {
                    host: "::1".into(),
                    ..Profile::default()
                }
            }),
        ]
    }

    /// Split a POSIX shell word list (the subset sh_quote produces): bare words,
    /// single-quoted runs, `\` line continuations, `#` comments at line start.
    fn sh_words(script: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut cur = String::new();
        let mut have = false;
        let mut chars = script.chars().peekable();
        let mut at_line_start = true;
        while let Some(ch) = chars.next() {
            match ch {
                '#' if at_line_start => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                    continue;
                }
                '\'' => {
                    have = true;
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                        cur.push(c);
                    }
                }
                '\\' => match chars.next() {
                    Some('\n') => {}
                    Some(c) => {
                        cur.push(c);
                        have = true;
                    }
                    None => {}
                },
                c if c.is_whitespace() => {
                    if have {
                        words.push(std::mem::take(&mut cur));
                        have = false;
                    }
                    at_line_start = c == '\n';
                    continue;
                }
                c => {
                    cur.push(c);
                    have = true;
                }
            }
            at_line_start = false;
        }
        if have {
            words.push(cur);
        }
        words
    }

    fn value_after(words: &[String], flag: &str) -> Option<String> {
        let i = words.iter().position(|w| w == flag)?;
        words.get(i + 1).cloned()
    }

    fn python3() -> Option<&'static str> {
        std::process::Command::new("python3")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| "python3")
    }

    fn run_python(code: &str, args: &[&str]) -> Option<std::process::Output> {
        let py = python3()?;
        std::process::Command::new(py)
            .arg("-c")
            .arg(code)
            .args(args)
            .output()
            .ok()
    }

    fn tmp_file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tlslens-export-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join(name);
        std::fs::write(&f, text).unwrap();
        f
    }

    #[test]
    fn names_parse_back() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.name()), Some(l));
            assert_eq!(Lang::parse(&l.name().to_uppercase()), Some(l));
            assert!(!l.file_name().is_empty());
            assert!(!l.title().is_empty());
        }
        assert_eq!(Lang::parse("s-client"), Some(Lang::SClient));
        assert_eq!(Lang::parse("rustls"), Some(Lang::RustRustls));
        assert_eq!(Lang::parse("py"), Some(Lang::Python));
        assert_eq!(Lang::parse("openssl"), None);
        assert_eq!(Lang::parse("java"), None);
        assert_eq!(Lang::Python.file_name(), "tlslens_repro.py");
        assert_eq!(Lang::RustOpenssl.file_name(), "main.rs");
    }

    #[test]
    fn base64_and_osc52() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn quoting_helpers() {
        assert_eq!(sh_quote("localhost"), "localhost");
        assert_eq!(sh_quote("127.0.0.1:443"), "127.0.0.1:443");
        assert_eq!(sh_quote(""), "''");
        assert_eq!(sh_quote_always("a:b"), "'a:b'");
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
        assert_eq!(sh_quote("$HOME"), "'$HOME'");
        assert_eq!(py_str(r#"a'b\c"d"#), r#"'a\'b\\c"d'"#);
        assert_eq!(py_str("x\ny\u{7}"), r"'x\ny\x07'");
        assert_eq!(rs_str("a\"b\\"), r#""a\"b\\""#);
        assert_eq!(rs_bytes(b"\x02h2"), r#"b"\x02h2""#);
        assert_eq!(curl_cert_value(r"C:\x"), r"C\:\\x");
        assert_eq!(shown("a\nb"), r"a\nb");
        assert_eq!(embedded_seclevel("DEFAULT@SECLEVEL=0"), Some(0));
        assert_eq!(embedded_seclevel("DEFAULT"), None);
        assert_eq!(secs(5.0), "5.0");
        assert_eq!(secs(2.5), "2.5");
        assert_eq!(fmt_secs(15.0), "15");
        assert_eq!(fmt_secs(2.5), "2.5");
    }

    #[test]
    fn cipher_string_combines_level() {
        let mut p = legacy();
        assert_eq!(openssl_cipher_string(&p).unwrap(), "DEFAULT:@SECLEVEL=0");
        p.ciphers = Some("AES128-SHA".into());
        assert_eq!(openssl_cipher_string(&p).unwrap(), "AES128-SHA:@SECLEVEL=0");
        p.seclevel = None;
        assert_eq!(openssl_cipher_string(&p).unwrap(), "AES128-SHA");
        p.ciphers = None;
        assert_eq!(openssl_cipher_string(&p), None);
    }

    #[test]
    fn legacy_weakenings_everywhere() {
        let p = legacy();
        for l in Lang::ALL {
            let s = export(&p, l);
            assert!(s.contains("WEAKENS SECURITY"), "{l}: {s}");
            assert!(s.contains("127.0.0.1"), "{l}");
            assert!(s.contains("44303"), "{l}");
            assert!(
                s.contains("verify off: anyone can impersonate the server"),
                "{l}: {s}"
            );
            match l {
                Lang::Python | Lang::Curl | Lang::SClient | Lang::RustOpenssl => {
                    assert!(s.contains("security level 0 allows MD5+SHA-1"), "{l}: {s}");
                    assert!(s.contains("RFC 8996"), "{l}: {s}");
                }
                Lang::RustRustls => {
                    assert!(s.contains("NOT EXPRESSIBLE: minimum TLSv1.0"), "{s}");
                    assert!(
                        s.contains("NOT EXPRESSIBLE: OpenSSL security level 0"),
                        "{s}"
                    );
                }
                Lang::RustNativeTls => {
                    assert!(s.contains("Protocol::Tlsv10"), "{s}");
                    assert!(
                        s.contains("NOT EXPRESSIBLE: OpenSSL security level 0"),
                        "{s}"
                    );
                    assert!(s.contains("danger_accept_invalid_certs(true)"), "{s}");
                }
            }
        }
        let py = export(&p, Lang::Python);
        assert!(py.contains("ctx.minimum_version = ssl.TLSVersion.TLSv1\n"));
        assert!(py.contains("ctx.set_ciphers('DEFAULT:@SECLEVEL=0')"));
        assert!(py.contains("ctx.verify_mode = ssl.CERT_NONE"));
        assert!(py.contains("ctx.check_hostname = False"));
        assert!(py.contains("SERVER_NAME = 'localhost'"));
        assert!(py.contains("print(tls.version(), tls.cipher()[0])"));
        // The weakening comment sits right above the line it explains.
        let lines: Vec<&str> = py.lines().collect();
        let k = lines
            .iter()
            .position(|l| l.contains("set_ciphers"))
            .unwrap();
        assert!(lines[k - 1].contains("WEAKENS SECURITY: security level 0"));

        let words = sh_words(&export(&p, Lang::SClient));
        assert_eq!(value_after(&words, "-connect").unwrap(), "127.0.0.1:44303");
        assert_eq!(value_after(&words, "-servername").unwrap(), "localhost");
        assert_eq!(value_after(&words, "-min_protocol").unwrap(), "TLSv1");
        assert_eq!(
            value_after(&words, "-cipher").unwrap(),
            "DEFAULT:@SECLEVEL=0"
        );
        assert!(!words.contains(&"-verify_return_error".to_string()));
        assert!(words.contains(&"-brief".to_string()));
        assert_eq!(words.last().unwrap(), "</dev/null");

        let words = sh_words(&export(&p, Lang::Curl));
        assert_eq!(words[0], "curl");
        assert!(words.contains(&"--tlsv1.0".to_string()));
        assert!(words.contains(&"-k".to_string()));
        assert!(words.contains(&"--no-alpn".to_string()));
        assert_eq!(
            value_after(&words, "--connect-to").unwrap(),
            "localhost:44303:127.0.0.1:44303"
        );
        assert_eq!(words.last().unwrap(), "https://localhost:44303/");
        assert_eq!(
            value_after(&words, "--ciphers").unwrap(),
            "DEFAULT:@SECLEVEL=0"
        );
    }

    #[test]
    fn client_cert_everywhere() {
        let p = client_cert();
        let py = export(&p, Lang::Python);
        assert!(py.contains(
            "ctx.load_cert_chain(certfile='/tmp/peers/certs/client.crt', keyfile='/tmp/peers/certs/client.key')"
        ));
        assert!(py.contains("ctx.set_alpn_protocols(['h2', 'http/1.1'])"));
        assert!(py.contains("NOT EXPRESSIBLE: TLS 1.3 suites"));
        assert!(py.contains("NOT EXPRESSIBLE: groups 'x25519:secp256r1'"));
        assert!(py.contains("load_verify_locations(cafile='/tmp/peers/certs/ca.crt')"));
        assert!(!py.contains("WEAKENS SECURITY:"), "{py}");

        let w = sh_words(&export(&p, Lang::SClient));
        assert_eq!(
            value_after(&w, "-cert").unwrap(),
            "/tmp/peers/certs/client.crt"
        );
        assert_eq!(
            value_after(&w, "-key").unwrap(),
            "/tmp/peers/certs/client.key"
        );
        assert_eq!(value_after(&w, "-alpn").unwrap(), "h2,http/1.1");
        assert_eq!(value_after(&w, "-groups").unwrap(), "x25519:secp256r1");
        assert_eq!(
            value_after(&w, "-ciphersuites").unwrap(),
            "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
        );
        assert_eq!(value_after(&w, "-verify_hostname").unwrap(), "localhost");
        assert!(w.contains(&"-verify_return_error".to_string()));

        let w = sh_words(&export(&p, Lang::Curl));
        assert_eq!(
            value_after(&w, "--cert").unwrap(),
            "/tmp/peers/certs/client.crt"
        );
        assert_eq!(
            value_after(&w, "--key").unwrap(),
            "/tmp/peers/certs/client.key"
        );
        assert!(w.contains(&"--http2".to_string()));
        assert_eq!(value_after(&w, "--curves").unwrap(), "x25519:secp256r1");
        assert!(w.contains(&"--tls13-ciphers".to_string()));
        assert!(!w.contains(&"-k".to_string()));

        let rs = export(&p, Lang::RustRustls);
        assert!(rs.contains("with_client_auth_cert(chain, key)"));
        assert!(rs.contains("provider::cipher_suite::TLS13_AES_128_GCM_SHA256,"));
        assert!(rs.contains("provider::kx_group::X25519, provider::kx_group::SECP256R1"));
        assert!(rs.contains("\"h2\", \"http/1.1\""));
        let nt = export(&p, Lang::RustNativeTls);
        assert!(nt.contains("Identity::from_pkcs8"));
        assert!(nt.contains("features = [\"alpn\"]"));
        assert!(nt.contains("NOT EXPRESSIBLE: groups"));
        let os = export(&p, Lang::RustOpenssl);
        assert!(os.contains("set_certificate_chain_file(\"/tmp/peers/certs/client.crt\")"));
        assert!(
            os.contains(r#"b.set_alpn_protos(b"\x02h2\x08http/1.1")?;"#),
            "{os}"
        );
        assert!(os.contains("set_host(\"localhost\")"));
    }

    #[test]
    fn sni_off_everywhere() {
        let p = sni_off();
        let py = export(&p, Lang::Python);
        assert!(py.contains("SERVER_NAME = None"));
        assert!(py.contains("ctx.check_hostname = False"));
        assert!(py.contains("CHECK_NAME = 'example.test'"));
        assert!(py.contains("name_matches(tls.getpeercert(), CHECK_NAME)"));
        assert!(py.contains("ctx.load_default_certs()"));
        let w = sh_words(&export(&p, Lang::SClient));
        assert!(w.contains(&"-noservername".to_string()));
        assert!(!w.contains(&"-servername".to_string()));
        assert_eq!(value_after(&w, "-verify_hostname").unwrap(), "example.test");
        let curl = export(&p, Lang::Curl);
        assert!(curl.contains("NOT EXPRESSIBLE: SNI off"));
        assert!(sh_words(&curl).last().unwrap() == "https://example.test:8443/");
        assert!(export(&p, Lang::RustRustls).contains("config.enable_sni = false;"));
        assert!(export(&p, Lang::RustNativeTls).contains("b.use_sni(false);"));
        let os = export(&p, Lang::RustOpenssl);
        assert!(!os.contains("ssl.set_hostname("));
        assert!(os.contains("set_host(\"example.test\")"));

        // An IP host with SNI off: Python checks the IP itself, no manual check.
        let ip = Profile {
            host: "127.0.0.1".into(),
            sni: Sni::Off,
            ..sni_off()
        };
        let py = export(&ip, Lang::Python);
        assert!(py.contains("SERVER_NAME = '127.0.0.1'"));
        assert!(!py.contains("name_matches"));
        let os = export(&ip, Lang::RustOpenssl);
        assert!(os.contains("set_ip(\"127.0.0.1\".parse()?)"));
        let w = sh_words(&export(&ip, Lang::SClient));
        assert_eq!(value_after(&w, "-verify_ip").unwrap(), "127.0.0.1");
    }

    #[test]
    fn nasty_paths_are_quoted() {
        let p = nasty();
        let ca = path_str(p.cacert.as_ref().unwrap());
        let cert = path_str(p.cert.as_ref().unwrap());
        let key = path_str(p.key.as_ref().unwrap());
        let w = sh_words(&export(&p, Lang::SClient));
        assert_eq!(value_after(&w, "-CAfile").unwrap(), ca);
        assert_eq!(value_after(&w, "-cert").unwrap(), cert);
        assert_eq!(value_after(&w, "-key").unwrap(), key);
        assert_eq!(value_after(&w, "-alpn").unwrap(), "it's");
        assert_eq!(
            value_after(&w, "-cipher").unwrap(),
            "ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=1"
        );
        let w = sh_words(&export(&p, Lang::Curl));
        assert_eq!(value_after(&w, "--cacert").unwrap(), ca);
        assert_eq!(value_after(&w, "--cert").unwrap(), curl_cert_value(&cert));
        assert_eq!(value_after(&w, "--key").unwrap(), key);

        let py = export(&p, Lang::Python);
        assert!(py.contains(&py_str(&ca)));
        assert!(py.contains(r#"'/tmp/it\'s a "dir"\\with:odd$chars`x`/c\nnewline.key'"#));
        assert!(py.contains("WEAKENS SECURITY: no host-name check"));
        assert!(py.contains("WEAKENS SECURITY: security level 1"));
        for l in [Lang::RustRustls, Lang::RustNativeTls, Lang::RustOpenssl] {
            let s = export(&p, l);
            assert!(s.contains(&rs_str(&ca)), "{l}: {s}");
            assert!(!s.contains(&ca), "{l}: raw path leaked");
        }
        // No line was broken by the newline in the key path (in the shell
        // commands it sits, legitimately, inside single quotes).
        for l in [
            Lang::Python,
            Lang::RustRustls,
            Lang::RustNativeTls,
            Lang::RustOpenssl,
        ] {
            let s = export(&p, l);
            for line in s.lines() {
                assert!(!line.starts_with("newline.key"), "{l}: {line}");
            }
        }
    }

    /// The snippets stay valid when run through real tools: sh -n, bash word
    /// splitting via python3's shlex, and python3's parser.
    #[test]
    fn snippets_parse_with_real_tools() {
        let Some(_) = python3() else {
            eprintln!("python3 not found: skipping the parser checks");
            return;
        };
        for (name, p) in all_profiles() {
            let py = export(&p, Lang::Python);
            let f = tmp_file(&format!("{name}.py"), &py);
            let out = run_python(
                "import ast,sys; ast.parse(open(sys.argv[1]).read())",
                &[f.to_str().unwrap()],
            )
            .unwrap();
            assert!(
                out.status.success(),
                "{name}: {}\n{py}",
                String::from_utf8_lossy(&out.stderr)
            );
            for l in [Lang::Curl, Lang::SClient] {
                let sh = export(&p, l);
                let f = tmp_file(&format!("{name}-{}.sh", l.name()), &sh);
                let st = std::process::Command::new("sh")
                    .arg("-n")
                    .arg(&f)
                    .status()
                    .unwrap();
                assert!(st.success(), "{name} {l}: sh -n failed\n{sh}");
                // shlex (POSIX rules, comments on) agrees with our own splitter.
                let out = run_python(
                    "import json,shlex,sys\n\
                     t=open(sys.argv[1]).read().replace('\\\\\\n','')\n\
                     print(json.dumps(shlex.split(t, comments=True)))",
                    &[f.to_str().unwrap()],
                )
                .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let theirs: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(theirs, sh_words(&sh), "{name} {l}");
            }
        }
    }

    #[test]
    fn rust_snippets_have_dependencies_and_main() {
        for (name, p) in all_profiles() {
            for (l, dep) in [
                (Lang::RustRustls, "rustls = "),
                (Lang::RustNativeTls, "native-tls = "),
                (Lang::RustOpenssl, "openssl = "),
            ] {
                let s = export(&p, l);
                assert!(s.starts_with("// tlslens:"), "{name} {l}");
                assert!(s.contains(&format!("//   {dep}")), "{name} {l}");
                assert!(s.contains("fn main() {"), "{name} {l}");
                assert!(
                    s.contains("fn run() -> Result<(), Box<dyn Error>>"),
                    "{name} {l}"
                );
                assert_eq!(
                    s.matches('{').count(),
                    s.matches('}').count(),
                    "{name} {l}: unbalanced braces\n{s}"
                );
            }
        }
        // Verification modes pick the matching verifier.
        let mut p = legacy();
        assert!(export(&p, Lang::RustRustls).contains("struct NoVerification"));
        p.verify = VerifyMode::ChainOnly;
        assert!(export(&p, Lang::RustRustls).contains("struct ChainOnly"));
        p.verify = VerifyMode::Full;
        let s = export(&p, Lang::RustRustls);
        assert!(!s.contains("ServerCertVerifier"));
        assert!(s.contains("with_root_certificates(roots)"));
    }

    #[test]
    fn webpki_and_unexpressible_settings_are_named() {
        let p = Profile {
            host: "example.test".into(),
            trust: Trust::Webpki,
            max_tls: Some(TlsVersion::V1_1),
            ..Profile::default()
        };
        for l in [
            Lang::Python,
            Lang::RustNativeTls,
            Lang::RustOpenssl,
            Lang::Curl,
            Lang::SClient,
        ] {
            assert!(
                export(&p, l).contains("NOT EXPRESSIBLE: trust 'webpki'"),
                "{l}"
            );
        }
        let rs = export(&p, Lang::RustRustls);
        assert!(rs.contains("webpki_roots::TLS_SERVER_ROOTS"));
        assert!(rs.contains("NOT EXPRESSIBLE: maximum TLSv1.1"));
        // Max 1.1 alone is flagged as a weakening too.
        assert!(export(&p, Lang::Python).contains("RFC 8996"));
        assert!(export(&p, Lang::Curl).contains("--tls-max 1.1: WEAKENS"));
    }
}
