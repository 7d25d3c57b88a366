//! native-tls exactly as reqwest/hyper-tls users get it. It hides the negotiated
//! version, cipher, group, chain and verdict (the probe takes them from the wire) and
//! cannot set a cipher list or a security level: that is part of the lesson.

use super::{Backend, BackendId, LibError, LibView, SETTLE, Unsupported, Verify};
use crate::materials::Materials;
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};
use crate::tap::Tap;
use native_tls::{Certificate, HandshakeError, Identity, Protocol, TlsConnector, TlsStream};
use std::io::Read;
use std::time::Instant;

pub struct NativeTls;

fn protocol(v: TlsVersion) -> Protocol {
    match v {
        TlsVersion::V1_0 => Protocol::Tlsv10,
        TlsVersion::V1_1 => Protocol::Tlsv11,
        TlsVersion::V1_2 => Protocol::Tlsv12,
        TlsVersion::V1_3 => Protocol::Tlsv13,
    }
}

impl Backend for NativeTls {
    fn id(&self) -> BackendId {
        BackendId::NativeTls
    }

    fn unsupported(&self, p: &Profile) -> Vec<Unsupported> {
        let mut u = Vec::new();
        let mut no = |field: &'static str, why: &str| {
            u.push(Unsupported {
                field,
                why: why.to_string(),
            })
        };
        if p.ciphers.is_some() {
            no("ciphers", "native-tls has no cipher list setting");
        }
        if p.ciphersuites.is_some() {
            no("ciphersuites", "native-tls has no TLS 1.3 suite setting");
        }
        if p.groups.is_some() {
            no("groups", "native-tls has no key-exchange group setting");
        }
        if p.seclevel.is_some() {
            no(
                "seclevel",
                "native-tls cannot set the OpenSSL security level (it stays at the library default)",
            );
        }
        if p.trust == Trust::Webpki {
            no(
                "trust",
                "webpki roots are a rustls store; native-tls uses the system store",
            );
        }
        u
    }

    fn handshake(
        &self,
        p: &Profile,
        m: &Materials,
        mut tap: Tap,
        _resume: Option<&super::Resume>,
    ) -> LibView {
        let mut view = LibView {
            library: format!("native-tls 0.2 on {}", super::openssl::library_version()),
            ..LibView::default()
        };
        let connector = match build(p, m) {
            Ok(c) => c,
            Err(e) => {
                view.error = Some(LibError::setup("native-tls", e));
                return view;
            }
        };
        let (started, deadline) = tap.start_handshake(crate::net::timeout(p.handshake_timeout));
        let result = connector.connect(p.verify_name(), tap);
        view.handshake_time = started.elapsed();
        match result {
            Ok(mut stream) => {
                view.handshake_done = true;
                if let Ok(Some(leaf)) = stream.peer_certificate()
                    && let Ok(der) = leaf.to_der()
                {
                    view.chain = vec![der];
                    view.leaf_only = true;
                }
                view.alpn = stream
                    .negotiated_alpn()
                    .ok()
                    .flatten()
                    .map(|a| crate::text::sanitize(&String::from_utf8_lossy(&a), 64));
                view.verify = match p.verify {
                    VerifyMode::Full => Verify {
                        ok: Some(true),
                        reason: None,
                        host_ok: Some(true),
                    },
                    VerifyMode::ChainOnly => Verify {
                        ok: Some(true),
                        reason: Some(
                            "chain verified; native-tls does not say whether the host name matched"
                                .into(),
                        ),
                        host_ok: None,
                    },
                    VerifyMode::Off => Verify {
                        ok: None,
                        reason: Some(
                            "native-tls does not report the verdict when verification is off"
                                .into(),
                        ),
                        host_ok: None,
                    },
                };
                settle(&mut stream, &mut view, deadline);
            }
            Err(HandshakeError::Failure(e)) => {
                view.error = Some(lib_error(&e.to_string()));
                if let Some(err) = &view.error
                    && err.certificate
                {
                    view.verify = Verify {
                        ok: Some(false),
                        reason: Some(verify_reason(&err.message)),
                        host_ok: None,
                    };
                }
            }
            Err(HandshakeError::WouldBlock(_)) => {
                view.error = Some(LibError {
                    message: "handshake timed out".into(),
                    ..LibError::default()
                });
            }
        }
        view
    }
}

fn build(p: &Profile, m: &Materials) -> Result<TlsConnector, native_tls::Error> {
    let mut b = TlsConnector::builder();
    // Left alone, native-tls sets a minimum of TLS 1.2 itself: keep that default
    // unless the profile says otherwise.
    if let Some(v) = p.min_tls {
        b.min_protocol_version(Some(protocol(v)));
    }
    b.max_protocol_version(p.max_tls.map(protocol));
    if p.trust == Trust::File {
        b.disable_built_in_roots(true);
        for c in &m.ca {
            if let Ok(der) = c.to_der() {
                b.add_root_certificate(Certificate::from_der(&der)?);
            }
        }
    }
    if let Some(id) = &m.client {
        b.identity(Identity::from_pkcs8(&id.chain_pem(), &id.key_pkcs8_pem())?);
    }
    if !p.alpn.is_empty() {
        let list: Vec<&str> = p.alpn.iter().map(String::as_str).collect();
        b.request_alpns(&list);
    }
    b.danger_accept_invalid_certs(p.verify == VerifyMode::Off);
    b.danger_accept_invalid_hostnames(p.verify != VerifyMode::Full);
    b.use_sni(p.sni_name().is_some());
    b.build()
}

/// "error:0A00014D:SSL routines:tls_process_key_exchange:legacy sigalg disallowed
/// or unsupported:../ssl/statem/statem_clnt.c:2256: (extra)" → the reason and the extra.
fn openssl_reason(text: &str) -> String {
    let Some(rest) = text.strip_prefix("error:") else {
        return text.to_string();
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    match parts.get(3) {
        Some(reason) => {
            let extra = text
                .rfind(" (")
                .filter(|_| text.ends_with(')'))
                .map(|i| &text[i..])
                .unwrap_or("");
            format!("{reason}{extra}")
        }
        None => text.to_string(),
    }
}

/// native-tls errors are text only: recover what the text tells.
fn lib_error(text: &str) -> LibError {
    let certificate = text.contains("certificate verify failed");
    LibError {
        message: openssl_reason(text),
        alert_received: super::alert_from_openssl_text(text),
        certificate,
        not_attempted: false,
    }
}

/// "... certificate verify failed ... (certificate has expired)" → the parenthesis.
fn verify_reason(text: &str) -> String {
    match (text.rfind('('), text.rfind(')')) {
        (Some(a), Some(b)) if b > a => text[a + 1..b].to_string(),
        _ => text.to_string(),
    }
}

fn settle(stream: &mut TlsStream<Tap>, view: &mut LibView, deadline: Instant) {
    stream.get_mut().set_deadline(Some(deadline));
    let _ = stream.shutdown();
    // native-tls hides the version: the wire tells whether TLS 1.3 was chosen.
    if !stream.get_ref().negotiated_tls13() {
        return;
    }
    stream.get_mut().begin_settle(SETTLE);
    let mut buf = [0u8; 4096];
    for _ in 0..64 {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => continue,
            Err(e) => {
                let le = lib_error(&e.to_string());
                if le.alert_received.is_some_and(|a| a != 0) {
                    view.post_handshake = Some(le);
                }
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reason_is_extracted_from_openssl_text() {
        let t = "error:0A00014D:SSL routines:tls_process_key_exchange:legacy sigalg disallowed or unsupported:../ssl/statem/statem_clnt.c:2256:";
        assert_eq!(
            super::openssl_reason(t),
            "legacy sigalg disallowed or unsupported"
        );
        let t = "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889: (certificate has expired)";
        assert_eq!(
            super::openssl_reason(t),
            "certificate verify failed (certificate has expired)"
        );
        assert_eq!(
            super::openssl_reason("Connection reset by peer"),
            "Connection reset by peer"
        );
    }
}
