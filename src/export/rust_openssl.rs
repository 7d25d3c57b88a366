//! Rust: the openssl crate 0.10.

use super::comments::*;
use super::emit::Style;
use super::quote::*;
use super::rust_common::*;
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};

pub(super) fn ssl_version(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "SslVersion::TLS1",
        TlsVersion::V1_1 => "SslVersion::TLS1_1",
        TlsVersion::V1_2 => "SslVersion::TLS1_2",
        TlsVersion::V1_3 => "SslVersion::TLS1_3",
    }
}

pub(super) fn rust_openssl(p: &Profile) -> String {
    let mut o = String::new();
    rust_header(
        &mut o,
        p,
        "the openssl crate 0.10 (the system's OpenSSL)",
        &["openssl = \"0.10\""],
    );
    o.push_str("// Prints \"<version> <cipher>\" in OpenSSL's names, e.g. \"TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256\".\n\n");
    use_list(
        &mut o,
        "openssl::ssl",
        &[
            ("Ssl", true),
            ("SslContext", true),
            ("SslMethod", true),
            ("SslVerifyMode", true),
            ("SslVersion", p.min_tls.is_some() || p.max_tls.is_some()),
            ("SslFiletype", p.cert.is_some()),
        ],
    );
    rust_std_uses(&mut o, false);
    rust_consts(&mut o, p);
    o.push('\n');
    run_start(&mut o);
    let w = Style::RUST;
    w.note(
        &mut o,
        "SslContext, not SslConnector: the connector would add its own cipher list and",
    );
    w.note(
        &mut o,
        "the system roots; this keeps OpenSSL's defaults, as tlslens does.",
    );
    w.code(
        &mut o,
        "let mut b = SslContext::builder(SslMethod::tls_client())?;",
    );
    if let Some(v) = p.min_tls {
        if old_version(v) {
            w.note(&mut o, OLD_TLS);
        }
        w.code(
            &mut o,
            format_args!("b.set_min_proto_version(Some({}))?;", ssl_version(v)),
        );
    }
    if let Some(v) = p.max_tls {
        w.code(
            &mut o,
            format_args!("b.set_max_proto_version(Some({}))?;", ssl_version(v)),
        );
    }
    if let Some(c) = &p.ciphers {
        w.note(
            &mut o,
            format_args!(
                "NOTE: cipher string '{}' replaces OpenSSL's default for TLS <= 1.2",
                shown(c)
            ),
        );
        if p.seclevel.is_none()
            && let Some(n) = embedded_seclevel(c).and_then(seclevel_note)
        {
            w.note(&mut o, n);
        }
        w.code(
            &mut o,
            format_args!("b.set_cipher_list({})?;", rs_str(c.trim())),
        );
    }
    if let Some(l) = p.seclevel {
        if let Some(n) = seclevel_note(l) {
            w.note(&mut o, n);
        }
        w.code(&mut o, format_args!("b.set_security_level({l}); // after the cipher string: it wins over any @SECLEVEL there"));
    }
    let suites = p.ciphersuite_list();
    if !suites.is_empty() {
        w.code(
            &mut o,
            format_args!(
                "b.set_ciphersuites({})?; // TLS 1.3",
                rs_str(&suites.join(":"))
            ),
        );
    }
    let groups = p.group_list();
    if !groups.is_empty() {
        w.code(
            &mut o,
            format_args!("b.set_groups_list({})?;", rs_str(&groups.join(":"))),
        );
    }
    match p.trust {
        Trust::File => {
            let ca = cacert_path(p);
            w.code(
                &mut o,
                format_args!("b.set_ca_file({})?; // only this CA file", rs_str(&ca)),
            );
        }
        Trust::System => {
            w.code(
                &mut o,
                "b.set_default_verify_paths()?; // the system trust store",
            );
        }
        Trust::Webpki => {
            w.note(&mut o, webpki_not_expressible("the system store is used"));
            w.code(&mut o, "b.set_default_verify_paths()?;");
        }
    }
    w.notes(&mut o, cacert_ignored_note(p));
    match p.verify {
        VerifyMode::Full => {
            w.code(&mut o, "b.set_verify(SslVerifyMode::PEER);");
        }
        VerifyMode::ChainOnly => {
            w.code(
                &mut o,
                "b.set_verify(SslVerifyMode::PEER); // the chain; the name is not set below",
            );
        }
        VerifyMode::Off => {
            w.note(&mut o, VERIFY_OFF);
            w.code(&mut o, "b.set_verify(SslVerifyMode::NONE);");
        }
    }
    if let Some((c, k)) = cert_and_key(p) {
        w.code(
            &mut o,
            format_args!("b.set_certificate_chain_file({})?;", rs_str(&c)),
        );
        w.code(
            &mut o,
            format_args!("b.set_private_key_file({}, SslFiletype::PEM)?;", rs_str(&k)),
        );
        w.code(&mut o, "b.check_private_key()?;");
    }
    if !p.alpn.is_empty() {
        let mut wire = Vec::new();
        for a in &p.alpn {
            let bytes = a.as_bytes();
            let bytes = bytes.get(..255).unwrap_or(bytes);
            wire.push(bytes.len() as u8);
            wire.extend_from_slice(bytes);
        }
        w.code(
            &mut o,
            format_args!(
                "b.set_alpn_protos({})?; // length-prefixed: {}",
                rs_bytes(&wire),
                shown(&p.alpn.join(", "))
            ),
        );
    }
    w.code(&mut o, "let ctx = b.build();");
    let ssl_mut = if p.sni_name().is_some() || p.verify == VerifyMode::Full {
        "mut "
    } else {
        ""
    };
    w.code(&mut o, format_args!("let {ssl_mut}ssl = Ssl::new(&ctx)?;"));
    match p.sni_name() {
        Some(n) => {
            w.code(
                &mut o,
                format_args!("ssl.set_hostname({})?; // SNI", rs_str(n)),
            );
        }
        None => {
            w.note(&mut o, "No SNI (set_hostname is not called).");
        }
    }
    match p.verify {
        VerifyMode::Full => {
            let n = p.verify_name();
            if is_ip(n) {
                w.code(&mut o, format_args!("ssl.param_mut().set_ip({}.parse()?)?; // the certificate must name this IP", rs_str(n)));
            } else {
                w.code(
                    &mut o,
                    format_args!(
                        "ssl.param_mut().set_host({})?; // the host-name check",
                        rs_str(n)
                    ),
                );
            }
        }
        VerifyMode::ChainOnly => {
            w.note(&mut o, NO_HOST_CHECK);
            w.note(&mut o, "(no ssl.param_mut().set_host(...))");
        }
        VerifyMode::Off => {}
    }
    w.code(
        &mut o,
        "let tls = ssl.connect(connect()?).map_err(|e| e.to_string())?;",
    );
    w.code(
        &mut o,
        "let cipher = tls.ssl().current_cipher().map_or(\"?\", |c| c.name());",
    );
    w.code(
        &mut o,
        format_args!("println!(\"{{}} {{cipher}}\", tls.ssl().version_str());"),
    );
    run_end(&mut o);
    o
}
