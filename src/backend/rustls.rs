//! rustls with the aws-lc-rs provider (X25519MLKEM768 first). A recording verifier
//! wraps webpki so the verdict is known even when the profile does not enforce it.

use super::{Backend, BackendId, LibError, LibView, SETTLE, Unsupported, Verify};
use crate::materials::Materials;
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};
use crate::tap::Tap;
use crate::wire::names;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, aws_lc_rs};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore,
    SignatureScheme,
};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

pub struct Rustls;

pub const LIBRARY: &str = "rustls 0.23 (aws-lc-rs)";

/// Cap on handshake I/O rounds: a handshake is a handful; a peer that dribbles bytes
/// forever is stopped by the deadline or by this.
const MAX_ROUNDS: usize = 10_000;

fn versions(p: &Profile) -> Vec<&'static rustls::SupportedProtocolVersion> {
    let lo = p.min_tls.unwrap_or(TlsVersion::V1_2);
    let hi = p.max_tls.unwrap_or(TlsVersion::V1_3);
    let mut v = Vec::new();
    if lo <= TlsVersion::V1_3 && hi >= TlsVersion::V1_3 {
        v.push(&rustls::version::TLS13);
    }
    if lo <= TlsVersion::V1_2 && hi >= TlsVersion::V1_2 {
        v.push(&rustls::version::TLS12);
    }
    v
}

/// The profile's TLS <= 1.2 cipher list as IANA ids, if it is a plain list of suite
/// names (an OpenSSL cipher *string* with keywords cannot be honoured).
fn tls12_suite_ids(p: &Profile) -> Option<Vec<u16>> {
    let c = p.ciphers.as_deref()?;
    c.split(':')
        .filter(|s| !s.is_empty())
        .map(names::cipher_id_from_name)
        .collect()
}

impl Backend for Rustls {
    fn id(&self) -> BackendId {
        BackendId::Rustls
    }

    fn unsupported(&self, p: &Profile) -> Vec<Unsupported> {
        let mut u = Vec::new();
        if p.seclevel.is_some() {
            u.push(Unsupported {
                field: "seclevel",
                why: "security levels are an OpenSSL notion; rustls has fixed, modern limits"
                    .into(),
            });
        }
        if p.min_tls.is_some_and(|v| v < TlsVersion::V1_2) {
            u.push(Unsupported {
                field: "min_tls",
                why: "rustls never implements TLS 1.0 or 1.1".into(),
            });
        }
        if p.ciphers.is_some() && tls12_suite_ids(p).is_none() {
            u.push(Unsupported {
                field: "ciphers",
                why: "rustls takes a list of suite names, not an OpenSSL cipher string".into(),
            });
        }
        let unknown: Vec<String> = p
            .group_list()
            .into_iter()
            .filter(|g| {
                names::group_id_from_name(g).is_none_or(|id| !provider_groups().contains(&id))
            })
            .collect();
        if !unknown.is_empty() {
            u.push(Unsupported {
                field: "groups",
                why: format!("not offered by rustls/aws-lc-rs: {}", unknown.join(", ")),
            });
        }
        u
    }

    fn handshake(
        &self,
        p: &Profile,
        m: &Materials,
        mut tap: Tap,
        resume: Option<&super::Resume>,
    ) -> LibView {
        let mut view = LibView {
            library: LIBRARY.into(),
            ..LibView::default()
        };
        // Resuming reuses the earlier connection's config: its session store holds
        // what that connection received.
        let earlier = match resume {
            Some(super::Resume::Rustls(r)) => Some(r.clone()),
            _ => None,
        };
        let r = match earlier {
            Some(r) => r,
            None => {
                let verifier = Arc::new(RecordingVerifier::new(p, m));
                let keylog = Arc::new(CollectKeyLog::default());
                match build(p, m, verifier.clone(), keylog.clone()) {
                    Ok((config, name)) => RustlsResume {
                        config: Arc::new(config),
                        verifier,
                        keylog,
                        name,
                    },
                    Err(e) => {
                        view.error = Some(LibError {
                            message: e,
                            not_attempted: true,
                            ..LibError::default()
                        });
                        return view;
                    }
                }
            }
        };
        let _ = r.keylog.take();
        let (verifier, keylog) = (r.verifier.clone(), r.keylog.clone());
        let mut conn = match ClientConnection::new(r.config.clone(), r.name.clone()) {
            Ok(c) => c,
            Err(e) => {
                view.error = Some(LibError::setup("rustls", e));
                return view;
            }
        };
        let (started, deadline) = tap.start_handshake(crate::net::timeout(p.handshake_timeout));
        let mut result = Ok(());
        for _ in 0..MAX_ROUNDS {
            if !conn.is_handshaking() {
                break;
            }
            if let Err(e) = conn.complete_io(&mut tap) {
                result = Err(e);
                break;
            }
        }
        view.handshake_time = started.elapsed();
        view.verify = verifier.verdict();
        match result {
            Ok(()) if !conn.is_handshaking() => {
                view.handshake_done = true;
                fill_negotiated(&mut view, &conn);
                settle(&mut conn, &mut tap, &mut view, deadline);
                view.reused = conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
                view.resume = Some(super::Resume::Rustls(r));
            }
            Ok(()) => {
                view.error = Some(LibError {
                    message: "handshake did not finish".into(),
                    ..LibError::default()
                });
            }
            Err(e) => view.error = Some(lib_error(&e)),
        }
        view.keylog = keylog.take();
        view
    }
}

fn provider() -> CryptoProvider {
    aws_lc_rs::default_provider()
}

fn provider_groups() -> Vec<u16> {
    provider()
        .kx_groups
        .iter()
        .map(|g| u16::from(g.name()))
        .collect()
}

type Built = (ClientConfig, ServerName<'static>);

/// What `--resume` needs from a finished connection: its config (whose session store
/// holds the session or ticket it received), verifier and key log.
#[derive(Clone)]
pub struct RustlsResume {
    config: Arc<ClientConfig>,
    verifier: Arc<RecordingVerifier>,
    keylog: Arc<CollectKeyLog>,
    name: ServerName<'static>,
}

fn build(
    p: &Profile,
    m: &Materials,
    verifier: Arc<RecordingVerifier>,
    keylog: Arc<CollectKeyLog>,
) -> Result<Built, String> {
    let vers = versions(p);
    if vers.is_empty() {
        return Err(format!(
            "rustls implements only TLS 1.2 and 1.3, and the profile allows only {}",
            allowed(p)
        ));
    }
    let mut prov = provider();
    let tls13: Vec<u16> = p
        .ciphersuite_list()
        .iter()
        .filter_map(|s| names::cipher_id_from_name(s))
        .collect();
    let tls12 = tls12_suite_ids(p);
    prov.cipher_suites.retain(|s| {
        let id = u16::from(s.suite());
        match s.version().version {
            rustls::ProtocolVersion::TLSv1_3 => tls13.is_empty() || tls13.contains(&id),
            _ => tls12.as_ref().is_none_or(|l| l.contains(&id)),
        }
    });
    let groups: Vec<u16> = p
        .group_list()
        .iter()
        .filter_map(|g| names::group_id_from_name(g))
        .collect();
    if !groups.is_empty() {
        // Keep the profile's order: it decides which key share goes first.
        let all = std::mem::take(&mut prov.kx_groups);
        prov.kx_groups = groups
            .iter()
            .filter_map(|id| all.iter().find(|g| u16::from(g.name()) == *id).copied())
            .collect();
        if prov.kx_groups.is_empty() {
            return Err("none of the profile's groups is offered by rustls".into());
        }
    }
    if prov.cipher_suites.is_empty() {
        return Err("none of the profile's cipher suites is offered by rustls".into());
    }
    let builder = ClientConfig::builder_with_provider(Arc::new(prov))
        .with_protocol_versions(&vers)
        .map_err(|e| format!("rustls cannot use this profile: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match &m.client {
        Some(id) => {
            let chain: Vec<CertificateDer<'static>> = id
                .chain_der()
                .into_iter()
                .map(CertificateDer::from)
                .collect();
            let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key_pkcs8_der()));
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("rustls rejects the client certificate: {e}"))?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = p.alpn.iter().map(|a| a.as_bytes().to_vec()).collect();
    config.enable_sni = p.sni_name().is_some();
    config.key_log = keylog;
    let name_str = p.sni_name().unwrap_or(p.verify_name()).to_string();
    let name = ServerName::try_from(name_str.clone())
        .map_err(|_| format!("rustls cannot use '{name_str}' as a server name"))?;
    Ok((config, name))
}

fn allowed(p: &Profile) -> String {
    let lo = p.min_tls.unwrap_or(TlsVersion::V1_0);
    let hi = p.max_tls.unwrap_or(TlsVersion::V1_3);
    if lo == hi {
        lo.name().to_string()
    } else {
        format!("{lo}–{hi}")
    }
}

fn fill_negotiated(view: &mut LibView, conn: &ClientConnection) {
    view.version = conn.protocol_version().map(|v| match v {
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_string(),
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_string(),
        other => names::version_name(u16::from(other)),
    });
    if let Some(s) = conn.negotiated_cipher_suite() {
        let id = u16::from(s.suite());
        view.cipher = Some(names::cipher_name(id));
        view.cipher_openssl = names::cipher_openssl_name(id).map(String::from);
    }
    view.group = conn
        .negotiated_key_exchange_group()
        .map(|g| names::group_name(u16::from(g.name())));
    view.alpn = conn
        .alpn_protocol()
        .map(|a| crate::text::sanitize(&String::from_utf8_lossy(a), 64));
    view.chain = conn
        .peer_certificates()
        .map(|c| c.iter().map(|d| d.to_vec()).collect())
        .unwrap_or_default();
}

/// rustls' own words, except where they are a Rust debug structure: a signature
/// algorithm it does not support is named (`super::oid`), not listed as DER bytes.
fn describe(e: &rustls::Error) -> String {
    use super::oid::describe_signature as name;
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::UnsupportedSignatureAlgorithmContext {
            signature_algorithm_id: id,
            ..
        }) => format!(
            "invalid peer certificate: unsupported signature algorithm {}",
            name(id)
        ),
        rustls::Error::InvalidCertificate(
            C::UnsupportedSignatureAlgorithmForPublicKeyContext {
                signature_algorithm_id: sig,
                public_key_algorithm_id: key,
            },
        ) => format!(
            "invalid peer certificate: signature algorithm {} does not match the key ({})",
            name(sig),
            super::oid::dotted(key).unwrap_or_else(|| "unreadable".into())
        ),
        other => other.to_string(),
    }
}

fn lib_error(e: &std::io::Error) -> LibError {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    let mut out = LibError {
        message: e.to_string(),
        ..LibError::default()
    };
    match inner {
        Some(rustls::Error::AlertReceived(a)) => out.alert_received = Some(u8::from(*a)),
        Some(e @ rustls::Error::InvalidCertificate(_)) => {
            out.certificate = true;
            out.message = describe(e);
        }
        Some(other) => out.message = other.to_string(),
        None => {}
    }
    out
}

fn settle(conn: &mut ClientConnection, tap: &mut Tap, view: &mut LibView, deadline: Instant) {
    tap.set_deadline(Some(deadline));
    conn.send_close_notify();
    for _ in 0..64 {
        if !conn.wants_write() {
            break;
        }
        if conn.write_tls(tap).is_err() {
            return;
        }
    }
    if conn.protocol_version() != Some(rustls::ProtocolVersion::TLSv1_3) {
        return;
    }
    tap.begin_settle(SETTLE);
    for _ in 0..64 {
        match conn.read_tls(tap) {
            Ok(0) | Err(_) => break,
            Ok(_) => match conn.process_new_packets() {
                Ok(state) if state.peer_has_closed() => break,
                Ok(_) => {}
                Err(e) => {
                    if let rustls::Error::AlertReceived(a) = &e {
                        view.post_handshake = Some(LibError {
                            message: e.to_string(),
                            alert_received: Some(u8::from(*a)),
                            ..LibError::default()
                        });
                    }
                    break;
                }
            },
        }
    }
}

/// NSS key-log lines, kept in memory for this attempt.
#[derive(Debug, Default)]
struct CollectKeyLog(Mutex<Vec<String>>);

impl CollectKeyLog {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl rustls::KeyLog for CollectKeyLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let line = format!("{label} {} {}", hex(client_random), hex(secret));
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }
    fn will_log(&self, _label: &str) -> bool {
        true
    }
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn system_roots() -> &'static Vec<CertificateDer<'static>> {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// Runs webpki, keeps its verdict, and enforces it only as far as the profile says.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Result<Arc<WebPkiServerVerifier>, String>,
    mode: VerifyMode,
    verdict: Mutex<Option<Verify>>,
    schemes: Vec<SignatureScheme>,
    provider: Arc<CryptoProvider>,
}

impl RecordingVerifier {
    fn new(p: &Profile, m: &Materials) -> Self {
        let provider = Arc::new(provider());
        let mut roots = RootCertStore::empty();
        match p.trust {
            Trust::System => {
                roots.add_parsable_certificates(system_roots().iter().cloned());
            }
            Trust::Webpki => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            Trust::File => {
                let ders =
                    m.ca.iter()
                        .filter_map(|c| c.to_der().ok())
                        .map(CertificateDer::from);
                roots.add_parsable_certificates(ders);
            }
        }
        let inner = if roots.is_empty() {
            Err(format!(
                "no usable trust anchors ({} store)",
                p.trust.name()
            ))
        } else {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| e.to_string())
        };
        let schemes = provider
            .signature_verification_algorithms
            .supported_schemes();
        RecordingVerifier {
            inner,
            mode: p.verify,
            verdict: Mutex::new(None),
            schemes,
            provider,
        }
    }

    fn verdict(&self) -> Verify {
        self.verdict
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_default()
    }
}

fn is_name_error(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
        )
    )
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result = match &self.inner {
            Ok(v) => {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            Err(why) => Err(rustls::Error::General(why.clone())),
        };
        let name_err = result.as_ref().err().is_some_and(is_name_error);
        let verdict = match &result {
            Ok(_) => Verify {
                ok: Some(true),
                reason: None,
                host_ok: Some(true),
            },
            Err(e) if name_err && self.mode == VerifyMode::ChainOnly => Verify {
                // webpki checks the chain before the name, so the chain is good.
                ok: Some(true),
                reason: Some(describe(e)),
                host_ok: Some(false),
            },
            Err(e) => Verify {
                ok: Some(false),
                reason: Some(describe(e)),
                host_ok: if name_err { Some(false) } else { None },
            },
        };
        *self.verdict.lock().unwrap_or_else(|p| p.into_inner()) = Some(verdict);
        match (self.mode, result) {
            (_, Ok(v)) => Ok(v),
            (VerifyMode::Off, Err(_)) => Ok(ServerCertVerified::assertion()),
            (VerifyMode::ChainOnly, Err(e)) if is_name_error(&e) => {
                Ok(ServerCertVerified::assertion())
            }
            (_, Err(e)) => Err(e),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}
