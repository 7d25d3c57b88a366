//! "Reproduce it anywhere": a connection profile as client code and commands for
//! other TLS stacks (Python `ssl`, rustls, native-tls, the openssl crate, `curl`,
//! `openssl s_client`).
//!
//! Every snippet is a pure function of the profile. Lines that weaken security are
//! kept (the point is to reproduce the handshake) but each one carries a
//! `WEAKENS SECURITY:` comment saying what it costs; profile settings a target cannot
//! express are named in a `NOT EXPRESSIBLE:` comment rather than silently dropped.

mod comments;
mod curl;
mod emit;
mod java;
mod java_starttls;
mod node;
mod node_starttls;
mod python;
mod python_starttls;
mod quote;
mod rust_common;
mod rust_native_tls;
mod rust_openssl;
mod rust_rustls;
mod rust_rustls_verifier;
mod s_client;
mod shell;
mod starttls_consts;
#[cfg(test)]
mod starttls_tests;
#[cfg(test)]
mod tests;
mod tunnel;
#[cfg(test)]
mod tunnel_tests;

pub use crate::text::base64;
pub use quote::{c_like_str, osc52, py_str, rs_str, sh_quote, sh_quote_always};

use crate::profile::Profile;
use std::net::SocketAddr;

/// A target the profile can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Python,
    RustRustls,
    RustNativeTls,
    RustOpenssl,
    Curl,
    SClient,
    Java,
    Node,
}

impl Lang {
    pub const ALL: [Lang; 8] = [
        Lang::Python,
        Lang::RustRustls,
        Lang::RustNativeTls,
        Lang::RustOpenssl,
        Lang::Curl,
        Lang::SClient,
        Lang::Java,
        Lang::Node,
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
            Lang::Java => "java",
            Lang::Node => "node",
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
            Lang::Java => "Java (JSSE)",
            Lang::Node => "Node.js tls",
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
            "java" | "jsse" => Lang::Java,
            "node" | "nodejs" | "js" => Lang::Node,
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
            Lang::Java => "TlslensRepro.java",
            Lang::Node => "tlslens_repro.js",
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The key-log file a client run through the relay writes, in its working directory
/// (s_client is told with `-keylogfile`; the others read `SSLKEYLOGFILE`).
pub const CLIENT_KEYLOG: &str = "keylog.txt";

/// The snippet for one target. Pure function of the profile: no I/O.
pub fn export(p: &Profile, lang: Lang) -> String {
    export_via(p, lang, None)
}

/// The same snippet, connecting its TCP socket to `via` (a tlslens recording relay on
/// loopback) instead of the target, with the SNI name and the name checked left those
/// of the target. This is what the client backends run: it differs from [`export`]
/// only in where the socket connects, and so it names no proxy (the relay goes through
/// the profile's proxy on its way to the target). The Rust targets are not run, so they
/// ignore it.
pub fn export_via(p: &Profile, lang: Lang, via: Option<SocketAddr>) -> String {
    let direct;
    let p = match via {
        Some(_) if p.proxy.is_some() => {
            direct = Profile {
                proxy: Some("direct".into()),
                ..p.clone()
            };
            &direct
        }
        _ => p,
    };
    match lang {
        Lang::Python => python::python(p, via),
        Lang::RustRustls => rust_rustls::rust_rustls(p),
        Lang::RustNativeTls => rust_native_tls::rust_native_tls(p),
        Lang::RustOpenssl => rust_openssl::rust_openssl(p),
        Lang::Curl => curl::curl(p, via),
        Lang::SClient => s_client::s_client(p, via),
        Lang::Java => java::java(p, via),
        Lang::Node => node::node(p, via),
    }
}

/// Where a snippet's socket connects, as (host, port, comment): the target, or the
/// relay that records the handshake on its way to the target.
pub(crate) fn connect_to(p: &Profile, via: Option<SocketAddr>) -> (String, u16, Option<String>) {
    match via {
        None => (p.host.clone(), p.port, None),
        Some(a) => (
            a.ip().to_string(),
            a.port(),
            Some(format!(
                "the tlslens relay, which records the handshake and forwards it to {}{}",
                quote::shown(&quote::host_port(&p.host, p.port)),
                match p.starttls {
                    Some(proto) => format!(" after its own {proto} upgrade there"),
                    None => String::new(),
                }
            )),
        ),
    }
}
