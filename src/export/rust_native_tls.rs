//! Rust: native-tls 0.2.

use super::comments::*;
use super::emit::Style;
use super::quote::*;
use super::rust_common::*;
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};

pub(super) fn native_protocol(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "Protocol::Tlsv10",
        TlsVersion::V1_1 => "Protocol::Tlsv11",
        TlsVersion::V1_2 => "Protocol::Tlsv12",
        TlsVersion::V1_3 => "Protocol::Tlsv13",
    }
}

pub(super) fn rust_native_tls(p: &Profile) -> String {
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
    use_list(
        &mut o,
        "native_tls",
        &[
            ("TlsConnector", true),
            ("Protocol", p.min_tls.is_some() || p.max_tls.is_some()),
            (
                "Certificate",
                p.trust == Trust::File && p.verify != VerifyMode::Off,
            ),
            ("Identity", p.cert.is_some()),
        ],
    );
    rust_std_uses(&mut o, false);
    rust_consts(&mut o, p);
    server_name_const(
        &mut o,
        p,
        "Sent as SNI (unless disabled below) and checked against the certificate.",
    );
    run_start(&mut o);
    let w = Style::RUST;
    w.code(&mut o, "let mut b = TlsConnector::builder();");
    match p.min_tls {
        Some(v) => {
            if old_version(v) {
                w.note(&mut o, OLD_TLS);
            }
            w.code(
                &mut o,
                format_args!("b.min_protocol_version(Some({}));", native_protocol(v)),
            );
        }
        None => {
            w.note(
                &mut o,
                "(no minimum in the profile: native-tls keeps its own default minimum, TLS 1.2)",
            );
        }
    }
    if let Some(v) = p.max_tls {
        w.code(
            &mut o,
            format_args!("b.max_protocol_version(Some({}));", native_protocol(v)),
        );
    }
    for (value, what, setting) in [
        (&p.ciphers, "cipher string", "cipher list"),
        (&p.ciphersuites, "TLS 1.3 suites", "suite"),
        (&p.groups, "groups", "key-exchange group"),
    ] {
        if let Some(v) = value {
            w.note(
                &mut o,
                format_args!(
                    "NOT EXPRESSIBLE: {what} '{}': native-tls has no {setting} setting.",
                    shown(v)
                ),
            );
        }
    }
    if let Some(l) = effective_seclevel(p) {
        w.note(&mut o, format_args!("NOT EXPRESSIBLE: OpenSSL security level {l}: native-tls cannot change it (the system"));
        w.note(&mut o, "default applies: level 2 on OpenSSL 3, so e.g. TLS 1.0/1.1 ECDHE handshakes, which are");
        w.note(
            &mut o,
            "signed with MD5+SHA-1, fail with 'legacy sigalg disallowed').",
        );
    }
    match p.trust {
        Trust::File => {
            if p.verify == VerifyMode::Off {
                w.note(&mut o, "(the CA file is not loaded: nothing is verified)");
            } else {
                let ca = cacert_path(p);
                w.note(&mut o, "Trust only the CA file, not the system store.");
                w.code(&mut o, "b.disable_built_in_roots(true);");
                ca_cert_loop(
                    &mut o,
                    format!(
                        "Certificate::stack_from_pem(&std::fs::read({})?)?",
                        rs_str(&ca)
                    ),
                    "b.add_root_certificate(cert);",
                );
            }
        }
        Trust::System => {
            w.note(&mut o, "Trust: the system store (native-tls' default).");
        }
        Trust::Webpki => {
            w.note(&mut o, webpki_not_expressible("the system store is used"));
        }
    }
    w.notes(&mut o, cacert_ignored_note(p));
    match p.verify {
        VerifyMode::Full => {}
        VerifyMode::ChainOnly => {
            w.weakens(
                &mut o,
                NO_HOST_CHECK,
                &["b.danger_accept_invalid_hostnames(true);"],
            );
        }
        VerifyMode::Off => {
            w.weakens(
                &mut o,
                VERIFY_OFF,
                &[
                    "b.danger_accept_invalid_certs(true);",
                    "b.danger_accept_invalid_hostnames(true);",
                ],
            );
        }
    }
    if let Some((c, k)) = cert_and_key(p) {
        w.note(
            &mut o,
            "The key must be PKCS#8 PEM (\"BEGIN PRIVATE KEY\"); convert others with",
        );
        w.note(
            &mut o,
            "`openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`.",
        );
        w.code(
            &mut o,
            format_args!(
                "let identity = Identity::from_pkcs8(&std::fs::read({})?, &std::fs::read({})?)?;",
                rs_str(&c),
                rs_str(&k)
            ),
        );
        w.code(&mut o, "b.identity(identity);");
    }
    if p.sni_name().is_none() {
        w.code(
            &mut o,
            "b.use_sni(false); // no SNI; the name is still checked",
        );
    }
    if !p.alpn.is_empty() {
        w.code(
            &mut o,
            format_args!("b.request_alpns(&[{}]);", literal_list(&p.alpn, rs_str)),
        );
    }
    w.code(&mut o, "let connector = b.build()?;");
    w.code(&mut o, "let tls = connector");
    w.code(&mut o, "    .connect(SERVER_NAME, connect()?)");
    w.code(&mut o, "    .map_err(|e| e.to_string())?;");
    if p.alpn.is_empty() {
        w.code(&mut o, "let _ = tls;");
        w.code(&mut o, "println!(\"handshake OK\");");
    } else {
        w.code(
            &mut o,
            "let alpn = tls.negotiated_alpn()?.map(|a| String::from_utf8_lossy(&a).into_owned());",
        );
        w.code(
            &mut o,
            format_args!("println!(\"handshake OK, ALPN {{alpn:?}}\");"),
        );
    }
    run_end(&mut o);
    o
}
