//! Node.js `tls.connect` (Node's bundled OpenSSL).

use super::comments::*;
use super::node_starttls;
use super::python_starttls::header_line;
use super::quote::*;
use super::tunnel;
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};
use std::fmt::Write as _;
use std::net::SocketAddr;

fn node_version(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "TLSv1",
        TlsVersion::V1_1 => "TLSv1.1",
        TlsVersion::V1_2 => "TLSv1.2",
        TlsVersion::V1_3 => "TLSv1.3",
    }
}

/// One `key: value,` line of the options object, with its comments first.
fn opt(o: &mut String, notes: &[String], line: &str) {
    for n in notes {
        let _ = writeln!(o, "    // {n}");
    }
    let _ = writeln!(o, "    {line},");
}

pub(super) fn node(p: &Profile, via: Option<SocketAddr>) -> String {
    let mut o = String::from("#!/usr/bin/env node\n");
    let mut hdr = header_reaching(
        p,
        "Node.js tls.connect (Node's bundled OpenSSL)",
        &tunnel::KINDS,
        true,
    );
    hdr.extend(p.starttls.map(header_line));
    hdr.push("Prints \"<version> <cipher>\" (OpenSSL's name) and exits 0, or prints the error and exits 1.".into());
    comment_block(&mut o, "//", "", &hdr);
    let proxy = tunnel::proxy_of(p);
    o.push_str("'use strict';\n");
    if proxy.is_some() {
        o.push_str("const dns = require('dns');\n");
    }
    o.push_str("const fs = require('fs');\n");
    if proxy.is_some() || p.starttls.is_some() {
        o.push_str("const net = require('net');\n");
    }
    o.push_str("const tls = require('tls');\n\n");
    let (host, port, relay) = super::connect_to(p, via);
    let _ = write!(o, "const HOST = {};", c_like_str(&host));
    let _ = writeln!(
        o,
        "{}",
        relay.map(|r| format!("  // {r}")).unwrap_or_default()
    );
    let _ = writeln!(o, "const PORT = {port};");
    let _ = writeln!(
        o,
        "const CHECK_NAME = {};  // the name the certificate is checked against",
        c_like_str(p.verify_name())
    );
    let _ = writeln!(
        o,
        "const TIMEOUT_MS = {};  // connect + handshake\n",
        millis(p.connect_timeout + p.handshake_timeout)
    );
    if let Some(u) = &proxy {
        tunnel::node_consts(&mut o, u);
        tunnel::node_fn(&mut o);
    }
    if let Some(proto) = p.starttls {
        node_starttls::node_consts(&mut o, p, proto);
        node_starttls::node_fn(&mut o, proto);
    }
    o.push_str(
        "// Options are made inside the try below, so that a missing file is reported like\n\
         // any other error.\n\
         function options() {\n  return {\n    host: HOST,\n    port: PORT,\n",
    );
    match p.sni_name() {
        Some(n) => opt(&mut o, &[], &format!("servername: {}", c_like_str(n))),
        None => opt(&mut o, &["'' sends no SNI".into()], "servername: ''"),
    }
    for (max, v, old) in version_bounds(p) {
        let notes = if old {
            vec![OLD_TLS.to_string()]
        } else {
            Vec::new()
        };
        let key = if max { "maxVersion" } else { "minVersion" };
        opt(&mut o, &notes, &format!("{key}: '{}'", node_version(v)));
    }
    // Node takes TLS 1.3 suites and the TLS <= 1.2 cipher string in one option.
    let suites = p.ciphersuite_list();
    let cs = openssl_cipher_string(p);
    if cs.is_some() || !suites.is_empty() {
        let mut parts: Vec<String> = suites.iter().map(|s| c_like_str(s)).collect();
        parts.push(
            cs.as_deref()
                .map(c_like_str)
                .unwrap_or_else(|| "tls.DEFAULT_CIPHERS".into()),
        );
        opt(
            &mut o,
            &cipher_string_notes(p),
            &format!("ciphers: [{}].join(':')", parts.join(", ")),
        );
    }
    let groups = p.group_list();
    if !groups.is_empty() {
        opt(
            &mut o,
            &[],
            &format!("ecdhCurve: {}", c_like_str(&groups.join(":"))),
        );
    }
    match p.trust {
        Trust::File => {
            if p.cacert.is_some() {
                opt(
                    &mut o,
                    &["the CA file replaces Node's bundled Mozilla roots".into()],
                    &format!("ca: [fs.readFileSync({})]", c_like_str(&cacert_path(p))),
                );
            }
        }
        Trust::System => {
            let _ = writeln!(
                o,
                "    // trust: Node's bundled Mozilla roots (node --use-openssl-ca for the system store)"
            );
        }
        Trust::Webpki => {
            let _ = writeln!(
                o,
                "    // trust: Node's bundled Mozilla roots, the same list as webpki-roots"
            );
        }
    }
    if let Some(n) = cacert_ignored_note(p) {
        let _ = writeln!(o, "    // {n}");
    }
    match p.verify {
        VerifyMode::Full => opt(
            &mut o,
            &[],
            "checkServerIdentity: (_, cert) => tls.checkServerIdentity(CHECK_NAME, cert)",
        ),
        VerifyMode::ChainOnly => opt(
            &mut o,
            &[NO_HOST_CHECK.to_string()],
            "checkServerIdentity: () => undefined",
        ),
        VerifyMode::Off => opt(
            &mut o,
            &[VERIFY_OFF.to_string()],
            "rejectUnauthorized: false",
        ),
    }
    if let Some((c, k)) = cert_and_key(p) {
        opt(
            &mut o,
            &[],
            &format!("cert: fs.readFileSync({})", c_like_str(&c)),
        );
        opt(
            &mut o,
            &[],
            &format!("key: fs.readFileSync({})", c_like_str(&k)),
        );
    }
    if !p.alpn.is_empty() {
        opt(
            &mut o,
            &[],
            &format!("ALPNProtocols: [{}]", literal_list(&p.alpn, c_like_str)),
        );
    }
    o.push_str(
        "  };\n}\n\n\
         // Exit codes are set rather than exit() called, so that output (and a key log,\n\
         // with node --tls-keylog) is flushed first.\n\
         let sock;\n\
         const fail = (e) => {\n\
         \x20 console.error(`${e.name}${e.code ? ` [${e.code}]` : ''}: ${e.message}`);\n\
         \x20 process.exitCode = 1;\n\
         \x20 if (sock) sock.destroy();\n\
         };\n",
    );
    // The handshake: on a direct connection, or on the proxy's tunnel once it is open.
    // With STARTTLS, starttls() speaks the upgrade on the raw socket first.
    let (indent, options) = match (proxy.is_some(), p.starttls) {
        (true, None) => {
            o.push_str(
                "// Through the proxy first (see openTunnel); TLS then runs on the tunnel.\n\
                 openTunnel(HOST, PORT).then((socket) => {\n",
            );
            ("  ", "{ ...options(), socket }")
        }
        (true, Some(proto)) => {
            let _ = writeln!(
                o,
                "// Through the proxy first (see openTunnel), then the {proto} upgrade (see starttls);\n\
                 // TLS then runs on the tunnel.\n\
                 openTunnel(HOST, PORT).then(starttls).then((socket) => {{"
            );
            ("  ", "{ ...options(), socket }")
        }
        (false, Some(proto)) => {
            let _ = writeln!(
                o,
                "// The {proto} upgrade on the TCP connection first (see starttls); TLS then runs on it.\n\
                 starttls(net.connect({{ host: HOST, port: PORT }})).then((socket) => {{"
            );
            ("  ", "{ ...options(), socket }")
        }
        (false, None) => ("", "options()"),
    };
    for l in [
        "try {".to_string(),
        format!("  sock = tls.connect({options}, () => {{"),
        "    console.log(`${sock.getProtocol()} ${sock.getCipher().name}`);".into(),
        "    process.exitCode = 0;".into(),
        "    // end(), not destroy(): TLS 1.3's client Finished may still be queued.".into(),
        "    // What the server does after the handshake (a reset) is not a failure.".into(),
        "    sock.setTimeout(0);".into(),
        "    sock.removeAllListeners('error');".into(),
        "    sock.on('error', () => {});".into(),
        "    sock.end();".into(),
        "    setTimeout(() => sock.destroy(), 1000).unref();".into(),
        "  });".into(),
        "  sock.setTimeout(TIMEOUT_MS, () => fail(new Error('handshake timed out')));".into(),
        "  sock.on('error', fail);".into(),
        "} catch (e) {".into(),
        "  fail(e);".into(),
        "}".into(),
    ] {
        let _ = writeln!(o, "{indent}{l}");
    }
    if proxy.is_some() || p.starttls.is_some() {
        o.push_str("}, fail);\n");
    }
    o
}
