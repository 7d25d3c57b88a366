//! Rust: rustls 0.23 (aws-lc-rs provider).

use super::comments::*;
use super::emit::Style;
use super::quote::*;
use super::rust_common::*;
use super::rust_rustls_verifier::rustls_verifier;
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};

/// rustls (aws-lc-rs provider) key-exchange group constants.
pub(super) fn rustls_group(name: &str) -> Option<&'static str> {
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
pub(super) fn rustls_suite(name: &str) -> Option<&'static str> {
    Some(match name.trim().to_ascii_uppercase().as_str() {
        "TLS_AES_128_GCM_SHA256" => "TLS13_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384" => "TLS13_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256" => "TLS13_CHACHA20_POLY1305_SHA256",
        _ => return None,
    })
}

/// The rustls constants for the profile's `what` (suites or groups), in order. Names
/// `lib` lacks are noted as NOT EXPRESSIBLE; None (and a note) when the profile names
/// some but rustls has none of them, so its defaults are kept; None when it names none.
fn rustls_names(
    body: &mut String,
    names: &[String],
    what: &str,
    lib: &str,
    lookup: fn(&str) -> Option<&'static str>,
) -> Option<Vec<&'static str>> {
    if names.is_empty() {
        return None;
    }
    let w = Style::RUST;
    let known: Vec<&str> = names.iter().filter_map(|n| lookup(n)).collect();
    let unknown: Vec<&str> = names
        .iter()
        .filter(|n| lookup(n).is_none())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        w.note(
            body,
            format_args!(
                "NOT EXPRESSIBLE: {what} {lib} does not implement: {}",
                shown(&unknown.join(":"))
            ),
        );
    }
    if known.is_empty() {
        w.note(
            body,
            format_args!("(none of the profile's {what} exists in rustls: its defaults are kept)"),
        );
        return None;
    }
    Some(known)
}

/// `builder` with the custom verifier `verifier` (an expression) in place of webpki's.
fn custom_verifier(o: &mut String, verifier: &str) {
    let w = Style::RUST;
    w.lines(o, &["let builder = builder", "    .dangerous()"]);
    w.code(
        o,
        format_args!("    .with_custom_certificate_verifier(Arc::new({verifier}));"),
    );
}

pub(super) fn rust_rustls(p: &Profile) -> String {
    let mut o = String::new();
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
    rust_std_uses(&mut o, true);
    rust_consts(&mut o, p);
    server_name_const(
        &mut o,
        p,
        "The name the certificate is checked against; an IP address is never sent as SNI.",
    );

    if p.verify != VerifyMode::Full {
        o.push_str(&rustls_verifier(p.verify));
        o.push('\n');
    }
    run_start(&mut o);
    let w = Style::RUST;

    // Cipher suites and groups: a customised provider.
    let mut provider_mut = false;
    let mut body = String::new();
    if let Some(c) = &p.ciphers {
        w.note(
            &mut body,
            format_args!(
                "NOT EXPRESSIBLE: OpenSSL cipher string '{}': rustls takes no cipher strings;",
                shown(c)
            ),
        );
        w.note(
            &mut body,
            "its TLS 1.2 suites are all ECDHE + AEAD (no RSA key exchange, no CBC, no SHA-1 MAC).",
        );
    }
    if let Some(l) = effective_seclevel(p) {
        w.note(&mut body, format_args!("NOT EXPRESSIBLE: OpenSSL security level {l}: rustls has no levels; its fixed policy"));
        w.note(
            &mut body,
            "refuses MD5/SHA-1 signatures and RSA keys under 2048 bits.",
        );
    }
    let suites = p.ciphersuite_list();
    if let Some(known) = rustls_names(&mut body, &suites, "TLS 1.3 suites", "rustls", rustls_suite)
    {
        provider_mut = true;
        w.note(
            &mut body,
            "TLS 1.3 suites in the profile's order, then rustls' TLS 1.2 suites.",
        );
        for l in [
            "let tls12: Vec<_> = provider",
            "    .cipher_suites",
            "    .iter()",
            "    .filter(|s| s.tls13().is_none())",
            "    .cloned()",
            "    .collect();",
            "provider.cipher_suites = vec![",
        ] {
            w.code(&mut body, l);
        }
        for k in &known {
            w.code(&mut body, format_args!("    provider::cipher_suite::{k},"));
        }
        w.code(&mut body, "];");
        w.code(&mut body, "provider.cipher_suites.extend(tls12);");
    }
    let groups = p.group_list();
    if let Some(known) = rustls_names(
        &mut body,
        &groups,
        "groups",
        "rustls (aws-lc-rs)",
        rustls_group,
    ) {
        provider_mut = true;
        let gl: Vec<String> = known
            .iter()
            .map(|g| format!("provider::kx_group::{g}"))
            .collect();
        w.code(
            &mut body,
            format_args!("provider.kx_groups = vec![{}];", gl.join(", ")),
        );
    }
    w.code(
        &mut o,
        format_args!(
            "let {}provider = provider::default_provider();",
            if provider_mut { "mut " } else { "" }
        ),
    );
    o.push_str(&body);

    // Versions: rustls speaks TLS 1.2 and 1.3 only.
    let lo = p.min_tls.unwrap_or(TlsVersion::V1_2);
    let hi = p.max_tls.unwrap_or(TlsVersion::V1_3);
    if lo < TlsVersion::V1_2 {
        w.note(&mut o, format_args!("NOT EXPRESSIBLE: minimum {lo}: rustls has no TLS 1.0/1.1 at all; TLS 1.2 is its floor."));
    }
    let mut versions = Vec::new();
    if hi < TlsVersion::V1_2 {
        w.note(
            &mut o,
            format_args!(
                "NOT EXPRESSIBLE: maximum {hi}: rustls cannot speak it; TLS 1.2 is offered instead,"
            ),
        );
        w.note(
            &mut o,
            "so this handshake will not match the profile (a TLS 1.0/1.1-only server refuses it).",
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
    w.code(
        &mut o,
        "let builder = rustls::ClientConfig::builder_with_provider(Arc::new(provider))",
    );
    w.code(
        &mut o,
        format_args!("    .with_protocol_versions(&[{}])?;", versions.join(", ")),
    );

    // Trust anchors.
    let needs_roots = p.verify != VerifyMode::Off;
    if needs_roots {
        w.code(&mut o, "let mut roots = rustls::RootCertStore::empty();");
        match p.trust {
            Trust::File => {
                let ca = cacert_path(p);
                ca_cert_loop(
                    &mut o,
                    format!("CertificateDer::pem_file_iter({})?", rs_str(&ca)),
                    "roots.add(cert?)?;",
                );
            }
            Trust::System => {
                w.note(&mut o, "The system trust store.");
                w.code(&mut o, "roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);");
            }
            Trust::Webpki => {
                w.note(&mut o, "Mozilla's roots, compiled in.");
                w.code(
                    &mut o,
                    "roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());",
                );
            }
        }
    }
    w.notes(&mut o, cacert_ignored_note(p));

    match p.verify {
        VerifyMode::Full => {
            w.code(
                &mut o,
                "let builder = builder.with_root_certificates(roots);",
            );
        }
        VerifyMode::ChainOnly => {
            w.weakens(
                &mut o,
                NO_HOST_CHECK,
                &["let webpki = rustls::client::WebPkiServerVerifier::builder(Arc::new(roots)).build()?;"],
            );
            custom_verifier(&mut o, "ChainOnly(webpki)");
        }
        VerifyMode::Off => {
            w.note(&mut o, VERIFY_OFF);
            if p.trust == Trust::File && p.cacert.is_some() {
                w.note(&mut o, "(so the CA file is not loaded)");
            }
            custom_verifier(&mut o, "NoVerification(provider::default_provider())");
        }
    }

    let config_mut = if p.sni_name().is_none() || !p.alpn.is_empty() {
        "mut "
    } else {
        ""
    };
    match cert_and_key(p) {
        Some((c, k)) => {
            w.code(
                &mut o,
                format_args!(
                    "let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter({})?",
                    rs_str(&c)
                ),
            );
            w.code(&mut o, "    .collect::<Result<_, _>>()?;");
            w.code(
                &mut o,
                format_args!("let key = PrivateKeyDer::from_pem_file({})?;", rs_str(&k)),
            );
            w.code(
                &mut o,
                format_args!(
                    "let {config_mut}config = builder.with_client_auth_cert(chain, key)?;"
                ),
            );
        }
        None => {
            w.code(
                &mut o,
                format_args!("let {config_mut}config = builder.with_no_client_auth();"),
            );
        }
    }
    if p.sni_name().is_none() {
        let why = if is_ip(p.verify_name()) {
            "rustls never sends an IP address as SNI anyway"
        } else {
            "no SNI; the name is still checked"
        };
        w.code(&mut o, format_args!("config.enable_sni = false; // {why}"));
    }
    if p.alpn.is_empty() {
        w.note(
            &mut o,
            "No ALPN (rustls sends none unless alpn_protocols is set).",
        );
    } else {
        w.code(
            &mut o,
            format_args!(
                "config.alpn_protocols = [{}].iter().map(|p| p.as_bytes().to_vec()).collect();",
                literal_list(&p.alpn, rs_str)
            ),
        );
    }
    w.code(&mut o, "let name = ServerName::try_from(SERVER_NAME)?;");
    w.code(
        &mut o,
        "let mut conn = rustls::ClientConnection::new(Arc::new(config), name)?;",
    );
    w.code(&mut o, "let mut sock = connect()?;");
    w.code(&mut o, format_args!("while conn.is_handshaking() {{"));
    w.code(&mut o, "    conn.complete_io(&mut sock)?;");
    w.code(&mut o, "}");
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
    run_end(&mut o);
    o
}
