//! Python `ssl` (standard library only).

use super::comments::*;
use super::emit::Style;
use super::python_starttls;
use super::quote::*;
use super::tunnel;
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};
use std::fmt::Write as _;

/// OpenSSL group short names as `SSL_CTX_set1_groups` takes them by NID (Python's
/// `set_ecdh_curve` goes through `OBJ_sn2nid`).
pub(super) fn openssl_group_sn(name: &str) -> Option<&'static str> {
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

pub(super) fn py_version(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "ssl.TLSVersion.TLSv1",
        TlsVersion::V1_1 => "ssl.TLSVersion.TLSv1_1",
        TlsVersion::V1_2 => "ssl.TLSVersion.TLSv1_2",
        TlsVersion::V1_3 => "ssl.TLSVersion.TLSv1_3",
    }
}

pub(super) fn python(p: &Profile, via: Option<std::net::SocketAddr>) -> String {
    let mut o = String::new();
    o.push_str("#!/usr/bin/env python3\n");
    let mut header = header_reaching(
        p,
        "Python's ssl module (standard library only)",
        &tunnel::KINDS,
        true,
    );
    header.extend(p.starttls.map(python_starttls::header_line));
    comment_block(&mut o, "#", "", &header);
    o.push_str(
        "# Prints \"<version> <cipher>\" (e.g. \"TLSv1.3 TLS_AES_256_GCM_SHA384\") and exits 0,\n",
    );
    o.push_str("# or prints the exception and exits 1.\n");
    let proxy = tunnel::proxy_of(p);
    if proxy.is_some() {
        o.push_str("import base64\n");
    }
    o.push_str("import os\nimport socket\nimport ssl\nimport sys\n\n");

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

    let (host, port, relay) = super::connect_to(p, via);
    let _ = write!(o, "HOST = {}", py_str(&host));
    let _ = writeln!(
        o,
        "{}",
        relay.map(|r| format!("  # {r}")).unwrap_or_default()
    );
    let _ = writeln!(o, "PORT = {port}");
    let (name, why) = match server_hostname {
        Some(n) if sni.is_some() => (
            py_str(n),
            "sent as SNI and (when verifying) checked against the certificate",
        ),
        Some(n) => (
            py_str(n),
            "an IP address: Python sends no SNI for it and checks the certificate's IP entries",
        ),
        None => ("None".into(), "no SNI is sent"),
    };
    let _ = writeln!(o, "SERVER_NAME = {name}  # {why}");
    if manual_check {
        let _ = writeln!(
            o,
            "CHECK_NAME = {}  # checked by hand below (see name_matches)",
            py_str(vname)
        );
    }
    for (name, v, what) in [
        ("CONNECT", p.connect_timeout, "for the TCP connect"),
        (
            "HANDSHAKE",
            p.handshake_timeout,
            "per socket operation during the handshake",
        ),
    ] {
        let _ = writeln!(o, "{name}_TIMEOUT = {}  # seconds {what}", secs(v));
    }
    if let Some(u) = &proxy {
        tunnel::python_consts(&mut o, u);
    }
    if let Some(proto) = p.starttls {
        python_starttls::python_consts(&mut o, p, proto);
    }
    o.push_str("\n\n");
    if proxy.is_some() {
        tunnel::python_fn(&mut o);
    }
    if let Some(proto) = p.starttls {
        python_starttls::python_fn(&mut o, proto);
    }

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
    let w = Style::PYTHON;
    w.code(&mut o, "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)");

    // Versions.
    if let Some(v) = p.min_tls {
        if old_version(v) {
            w.note(&mut o, OLD_TLS);
            w.note(&mut o, format_args!("(Python warns \"ssl.TLSVersion.{} is deprecated\"; OpenSSL 3 also needs security level 0 for it, see below)", if v == TlsVersion::V1_0 {
                    "TLSv1"
                } else {
                    "TLSv1_1"
                }));
        }
        w.code(
            &mut o,
            format_args!("ctx.minimum_version = {}", py_version(v)),
        );
    }
    if let Some(v) = p.max_tls {
        if max_is_old(p, v) {
            w.note(&mut o, OLD_TLS);
        }
        w.code(
            &mut o,
            format_args!("ctx.maximum_version = {}", py_version(v)),
        );
    }

    // Cipher string and security level.
    if let Some(cs) = openssl_cipher_string(p) {
        w.notes(&mut o, cipher_string_notes(p));
        w.code(&mut o, format_args!("ctx.set_ciphers({})", py_str(&cs)));
    }
    if let Some(s) = &p.ciphersuites {
        w.note(
            &mut o,
            format_args!(
                "NOT EXPRESSIBLE: TLS 1.3 suites '{}': Python's ssl module cannot set them",
                shown(s)
            ),
        );
        w.note(
            &mut o,
            "(no SSL_CTX_set_ciphersuites); OpenSSL's default TLS 1.3 suites are offered instead.",
        );
    }

    // Groups: set_ecdh_curve takes one name (OpenSSL 3: SSL_CTX_set1_groups with it).
    let groups = p.group_list();
    if !groups.is_empty() {
        let sns: Vec<Option<&str>> = groups.iter().map(|g| openssl_group_sn(g)).collect();
        match (groups.len(), sns.first().copied().flatten()) {
            (1, Some(sn)) => {
                w.note(&mut o, "Key-exchange group: with OpenSSL 3, set_ecdh_curve makes this the only group offered.");
                w.code(&mut o, format_args!("ctx.set_ecdh_curve({})", py_str(sn)));
            }
            (1, None) => {
                w.note(&mut o, format_args!("NOT EXPRESSIBLE: group '{}' has no OpenSSL short name Python's set_ecdh_curve accepts;", shown(groups.first().map_or("", String::as_str))));
                w.note(&mut o, "OpenSSL's default groups are offered.");
            }
            (_, first) => {
                w.note(
                    &mut o,
                    format_args!(
                        "NOT EXPRESSIBLE: groups '{}': Python's ssl can offer only ONE group",
                        shown(&groups.join(":"))
                    ),
                );
                w.note(
                    &mut o,
                    "(set_ecdh_curve); OpenSSL's default groups are offered instead.",
                );
                if let Some(sn) = first {
                    w.note(&mut o, "To offer only the first one:");
                    w.note(&mut o, format_args!("ctx.set_ecdh_curve({})", py_str(sn)));
                }
            }
        }
    }

    // Trust.
    match p.trust {
        Trust::File => {
            if let Some(ca) = &p.cacert {
                w.code(
                    &mut o,
                    format_args!(
                        "ctx.load_verify_locations(cafile={})",
                        py_str(&path_str(ca))
                    ),
                );
            }
        }
        Trust::System => {
            w.code(&mut o, "ctx.load_default_certs()  # the system trust store");
        }
        Trust::Webpki => {
            w.note(&mut o, "NOT EXPRESSIBLE: trust 'webpki' (Mozilla's roots compiled into rustls); the system");
            w.note(
                &mut o,
                "store is used instead (on most systems also derived from Mozilla's list).",
            );
            w.code(&mut o, "ctx.load_default_certs()");
        }
    }
    w.notes(&mut o, cacert_ignored_note(p));

    // Verification.
    match p.verify {
        VerifyMode::Full => {
            if manual_check {
                w.note(&mut o, "check_hostname needs server_hostname, which would send SNI: the name is checked");
                w.note(
                    &mut o,
                    "by hand after the handshake instead (the chain is still verified here).",
                );
                w.code(&mut o, "ctx.check_hostname = False");
            }
            w.code(
                &mut o,
                "ctx.verify_mode = ssl.CERT_REQUIRED  # the default for PROTOCOL_TLS_CLIENT",
            );
        }
        VerifyMode::ChainOnly => w.weakens(
            &mut o,
            NO_HOST_CHECK,
            &[
                "ctx.check_hostname = False",
                "ctx.verify_mode = ssl.CERT_REQUIRED",
            ],
        ),
        VerifyMode::Off => w.weakens(
            &mut o,
            VERIFY_OFF,
            &[
                "ctx.check_hostname = False",
                "ctx.verify_mode = ssl.CERT_NONE",
            ],
        ),
    }
    if sni.is_none() && p.verify != VerifyMode::Full {
        w.note(
            &mut o,
            "No SNI: server_hostname=None, which Python allows only with check_hostname = False.",
        );
    }

    // Client certificate.
    match (&p.cert, &p.key) {
        (Some(c), Some(k)) => {
            w.code(
                &mut o,
                format_args!(
                    "ctx.load_cert_chain(certfile={}, keyfile={})",
                    py_str(&path_str(c)),
                    py_str(&path_str(k))
                ),
            );
        }
        (Some(c), None) => {
            w.code(
                &mut o,
                format_args!(
                    "ctx.load_cert_chain(certfile={})  # key in the same file",
                    py_str(&path_str(c))
                ),
            );
        }
        _ => {}
    }

    if !p.alpn.is_empty() {
        w.code(
            &mut o,
            format_args!(
                "ctx.set_alpn_protocols([{}])",
                literal_list(&p.alpn, py_str)
            ),
        );
    }
    w.note(
        &mut o,
        "As create_default_context does: the session secrets for Wireshark when SSLKEYLOGFILE is set.",
    );
    w.code(&mut o, "if os.environ.get('SSLKEYLOGFILE'):");
    w.code(
        &mut o,
        "    ctx.keylog_filename = os.environ['SSLKEYLOGFILE']",
    );
    w.code(&mut o, "return ctx\n\n");

    o.push_str("def main():\n");
    o.push_str("    try:\n");
    o.push_str("        ctx = make_context()\n");
    if proxy.is_some() {
        o.push_str("        with open_tunnel(HOST, PORT) as sock:  # through the proxy\n");
    } else {
        o.push_str(
            "        with socket.create_connection((HOST, PORT), timeout=CONNECT_TIMEOUT) as sock:\n",
        );
    }
    o.push_str("            sock.settimeout(HANDSHAKE_TIMEOUT)\n");
    if let Some(proto) = p.starttls {
        let _ = writeln!(
            o,
            "            starttls(sock)  # the {proto} upgrade: TLS starts after the server's go-ahead"
        );
    }
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
