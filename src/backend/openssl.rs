//! The `openssl` crate with every knob: security level, cipher string, TLS 1.3 suites,
//! groups, min/max version. Verification runs through a callback that records the
//! library's first complaint even when the profile says not to enforce it.

use super::{Backend, BackendId, LibError, LibView, SETTLE, Unsupported, Verify};
use crate::materials::Materials;
use crate::ossl::ssl_version;
use crate::profile::{Profile, Trust, VerifyMode};
use crate::tap::Tap;
use openssl::error::ErrorStack;
use openssl::ssl::{
    ErrorCode, HandshakeError, Ssl, SslContext, SslContextBuilder, SslMethod, SslSession,
    SslStream, SslVerifyMode, SslVersion,
};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub struct OpenSsl;

/// X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_EMAIL_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH.
const HOST_ERRORS: [i32; 3] = [62, 63, 64];
/// OpenSSL error reasons for received alerts are 1000 + the alert code.
const ALERT_REASON_OFFSET: i32 = 1000;

/// The OpenSSL the process is linked against, e.g. "OpenSSL 3.0.19 27 Jan 2026".
pub fn library_version() -> String {
    openssl::version::version().to_string()
}

#[derive(Default)]
struct VerifyLog {
    /// (depth, code, text) of every complaint, in the order OpenSSL raised them.
    errors: Vec<(u32, i32, String)>,
    saw_cert: bool,
}

impl Backend for OpenSsl {
    fn id(&self) -> BackendId {
        BackendId::Openssl
    }

    fn unsupported(&self, p: &Profile) -> Vec<Unsupported> {
        let mut u = Vec::new();
        if p.trust == Trust::Webpki {
            u.push(Unsupported {
                field: "trust",
                why: "webpki roots are a rustls store; openssl uses the system store".into(),
            });
        }
        let unknown: Vec<String> = p
            .group_list()
            .into_iter()
            .filter(|g| !group_known(g))
            .collect();
        if !unknown.is_empty() {
            u.push(Unsupported {
                field: "groups",
                why: format!("{} unknown to {}", unknown.join(", "), library_version()),
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
            library: library_version(),
            ..LibView::default()
        };
        let earlier = match resume {
            Some(super::Resume::Openssl(r)) => Some(r),
            _ => None,
        };
        // Resuming reuses the earlier connection's context (a session belongs to one
        // context), with its logs emptied for this connection.
        let (vlog, keylog) = match earlier {
            Some(r) => {
                *lock(&r.vlog) = VerifyLog::default();
                lock(&r.keylog).clear();
                (r.vlog.clone(), r.keylog.clone())
            }
            None => (
                Arc::new(Mutex::new(VerifyLog::default())),
                Arc::new(Mutex::new(Vec::<String>::new())),
            ),
        };
        let built = match earlier {
            Some(r) => ssl_for(&r.ctx, p).map(|ssl| (r.ctx.clone(), ssl)),
            None => build(p, m, vlog.clone(), keylog.clone()),
        };
        let built = built.and_then(|(ctx, mut ssl)| {
            if let Some(r) = earlier {
                // SAFETY: the session was received on a connection of this very context.
                unsafe { ssl.set_session(&r.session)? };
            }
            Ok((ctx, ssl))
        });
        let (ctx, ssl) = match built {
            Ok(s) => s,
            Err(e) => {
                view.error = Some(LibError::setup("openssl", e));
                return view;
            }
        };
        let (started, deadline) = tap.start_handshake(crate::net::timeout(p.handshake_timeout));
        let result = ssl.connect(tap);
        view.handshake_time = started.elapsed();
        match result {
            Ok(mut stream) => {
                view.handshake_done = true;
                fill_negotiated(&mut view, stream.ssl());
                settle(&mut stream, &mut view, deadline);
                view.reused = stream.ssl().session_reused();
                if let Some(session) = stream.ssl().session() {
                    if stream.ssl().version2() == Some(SslVersion::TLS1_3) {
                        // In TLS 1.3 OpenSSL keeps the ticket's resumption PSK here.
                        let mut psk = vec![0u8; session.master_key_len()];
                        let n = session.master_key(&mut psk);
                        psk.truncate(n);
                        view.resumption_psk = Some(psk);
                    }
                    view.resume = Some(super::Resume::Openssl(OsslResume {
                        ctx,
                        session: session.to_owned(),
                        vlog: vlog.clone(),
                        keylog: keylog.clone(),
                    }));
                }
            }
            Err(HandshakeError::Failure(mid)) => {
                view.error = Some(lib_error(mid.error(), mid.ssl().verify_result().as_raw()));
                view.chain = chain_der(mid.ssl());
            }
            Err(HandshakeError::SetupFailure(e)) => {
                view.error = Some(LibError::setup("openssl", e));
            }
            Err(HandshakeError::WouldBlock(mid)) => {
                view.error = Some(LibError {
                    message: format!("handshake timed out: {}", mid.error()),
                    ..LibError::default()
                });
            }
        }
        view.verify = verdict(&vlog, p.verify);
        if let Some(e) = &mut view.error {
            e.certificate =
                e.certificate || (view.verify.ok == Some(false) && p.verify != VerifyMode::Off);
        }
        view.keylog = std::mem::take(&mut *lock(&keylog));
        view
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

fn group_known(name: &str) -> bool {
    SslContextBuilder::new(SslMethod::tls_client())
        .and_then(|mut b| b.set_groups_list(name))
        .is_ok()
}

/// What `--resume` needs from a finished connection: its context, the session it
/// received, and the context's logs (its callbacks write there).
#[derive(Clone)]
pub struct OsslResume {
    ctx: SslContext,
    session: SslSession,
    vlog: Arc<Mutex<VerifyLog>>,
    keylog: Arc<Mutex<Vec<String>>>,
}

fn build(
    p: &Profile,
    m: &Materials,
    vlog: Arc<Mutex<VerifyLog>>,
    keylog: Arc<Mutex<Vec<String>>>,
) -> Result<(SslContext, Ssl), ErrorStack> {
    let mut b = SslContextBuilder::new(SslMethod::tls_client())?;
    b.set_min_proto_version(p.min_tls.map(ssl_version))?;
    b.set_max_proto_version(p.max_tls.map(ssl_version))?;
    if let Some(c) = &p.ciphers {
        b.set_cipher_list(c)?;
    }
    // After the cipher string, so an explicit level wins over "@SECLEVEL=n".
    if let Some(l) = p.seclevel {
        b.set_security_level(u32::from(l));
    }
    let suites = p.ciphersuite_list();
    if !suites.is_empty() {
        b.set_ciphersuites(&suites.join(":"))?;
    }
    let groups: Vec<String> = p
        .group_list()
        .into_iter()
        .filter(|g| group_known(g))
        .collect();
    if !groups.is_empty() {
        b.set_groups_list(&groups.join(":"))?;
    }
    if !p.alpn.is_empty() {
        b.set_alpn_protos(&super::alpn_wire(&p.alpn))?;
    }
    match p.trust {
        Trust::File => {
            let store = b.cert_store_mut();
            for c in &m.ca {
                store.add_cert(c.clone())?;
            }
        }
        Trust::System | Trust::Webpki => b.set_default_verify_paths()?,
    }
    if let Some(id) = &m.client {
        let mut chain = id.chain.iter();
        if let Some(leaf) = chain.next() {
            b.set_certificate(leaf)?;
        }
        for extra in chain {
            b.add_extra_chain_cert(extra.clone())?;
        }
        b.set_private_key(&id.key)?;
        b.check_private_key()?;
    }
    b.set_keylog_callback(move |_, line| lock(&keylog).push(line.to_string()));
    let mode = p.verify;
    b.set_verify_callback(SslVerifyMode::PEER, move |preverify, ctx| {
        let mut log = lock(&vlog);
        log.saw_cert = true;
        if !preverify {
            let err = ctx.error();
            log.errors.push((
                ctx.error_depth(),
                err.as_raw(),
                err.error_string().to_string(),
            ));
            return match mode {
                VerifyMode::Off => true,
                VerifyMode::ChainOnly => HOST_ERRORS.contains(&err.as_raw()),
                VerifyMode::Full => false,
            };
        }
        true
    });
    let ctx = b.build();
    let ssl = ssl_for(&ctx, p)?;
    Ok((ctx, ssl))
}

/// One connection's SSL on a context: SNI, and the name OpenSSL checks.
fn ssl_for(ctx: &SslContext, p: &Profile) -> Result<Ssl, ErrorStack> {
    let mut ssl = Ssl::new(ctx)?;
    if let Some(sni) = p.sni_name() {
        ssl.set_hostname(sni)?;
    }
    // Always ask OpenSSL to check the name, so the verdict is known; the callback
    // decides whether it is enforced.
    let name = p.verify_name();
    let param = ssl.param_mut();
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => param.set_ip(ip)?,
        Err(_) => param.set_host(name)?,
    }
    Ok(ssl)
}

fn verdict(vlog: &Mutex<VerifyLog>, mode: VerifyMode) -> Verify {
    let log = lock(vlog);
    if !log.saw_cert {
        return Verify::default();
    }
    let host_bad = log.errors.iter().any(|(_, c, _)| HOST_ERRORS.contains(c));
    let chain_errors: Vec<_> = log
        .errors
        .iter()
        .filter(|(_, c, _)| !HOST_ERRORS.contains(c))
        .collect();
    let describe = |(depth, code, text): &(u32, i32, String)| {
        format!("X509 error {code} at depth {depth}: {text}")
    };
    let reason = if log.errors.is_empty() {
        None
    } else {
        Some(
            log.errors
                .iter()
                .map(describe)
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    let ok = match mode {
        VerifyMode::ChainOnly => chain_errors.is_empty(),
        _ => log.errors.is_empty(),
    };
    Verify {
        ok: Some(ok),
        reason,
        host_ok: Some(!host_bad),
    }
}

fn lib_error(e: &openssl::ssl::Error, verify_raw: i32) -> LibError {
    let mut out = LibError {
        message: e.to_string(),
        ..LibError::default()
    };
    if let Some(stack) = e.ssl_error() {
        for err in stack.errors() {
            let r = err.reason_code();
            if (ALERT_REASON_OFFSET..ALERT_REASON_OFFSET + 256).contains(&r) {
                out.alert_received = u8::try_from(r - ALERT_REASON_OFFSET).ok();
            }
            // SSL_R_CERTIFICATE_VERIFY_FAILED
            if r == 134 {
                out.certificate = true;
            }
        }
        if let Some(first) = stack.errors().first() {
            out.message = first
                .reason()
                .map(String::from)
                .unwrap_or_else(|| stack.to_string());
        }
    } else if let Some(io) = e.io_error() {
        out.message = io.to_string();
    } else if e.code() == ErrorCode::SYSCALL {
        out.message = "the peer closed the connection (unexpected EOF)".into();
    }
    if out.certificate && verify_raw != 0 {
        out.message = format!("{} (X509 error {verify_raw})", out.message);
    }
    out
}

fn chain_der(ssl: &openssl::ssl::SslRef) -> Vec<Vec<u8>> {
    ssl.peer_cert_chain()
        .map(|s| s.iter().filter_map(|c| c.to_der().ok()).collect())
        .unwrap_or_default()
}

fn fill_negotiated(view: &mut LibView, ssl: &openssl::ssl::SslRef) {
    view.version = Some(match ssl.version_str() {
        "TLSv1" => "TLSv1.0".to_string(),
        v => v.to_string(),
    });
    if let Some(c) = ssl.current_cipher() {
        view.cipher = c.standard_name().map(String::from);
        view.cipher_openssl = Some(c.name().to_string());
    }
    view.group = negotiated_group(ssl);
    view.alpn = ssl
        .selected_alpn_protocol()
        .map(|a| crate::text::sanitize(&String::from_utf8_lossy(a), 64));
    view.chain = chain_der(ssl);
}

unsafe extern "C" {
    fn SSL_group_to_name(s: *mut openssl_sys::SSL, id: std::ffi::c_int) -> *const std::ffi::c_char;
}

/// SSL_get_negotiated_group is a macro over SSL_ctrl; the crate does not wrap it.
fn negotiated_group(ssl: &openssl::ssl::SslRef) -> Option<String> {
    use foreign_types_shared::ForeignTypeRef;
    const SSL_CTRL_GET_NEGOTIATED_GROUP: std::ffi::c_int = 134;
    // SAFETY: `ssl` is a live SSL*; SSL_ctrl with this command only reads state, and
    // SSL_group_to_name returns a static string or NULL.
    unsafe {
        let ptr = ssl.as_ptr();
        let id = openssl_sys::SSL_ctrl(ptr, SSL_CTRL_GET_NEGOTIATED_GROUP, 0, std::ptr::null_mut());
        if id <= 0 {
            return None;
        }
        let name = SSL_group_to_name(ptr, std::ffi::c_int::try_from(id).ok()?);
        if name.is_null() {
            return None;
        }
        let s = std::ffi::CStr::from_ptr(name)
            .to_string_lossy()
            .to_ascii_lowercase();
        Some(match s.as_str() {
            "prime256v1" => "secp256r1".into(),
            _ => s,
        })
    }
}

/// Send close_notify and read until the server closes, alerts, or SETTLE passes.
fn settle(stream: &mut SslStream<Tap>, view: &mut LibView, deadline: Instant) {
    let tls13 = stream.ssl().version2() == Some(SslVersion::TLS1_3);
    stream.get_mut().set_deadline(Some(deadline));
    let _ = stream.shutdown();
    if !tls13 {
        // Before TLS 1.3 the server's Finished already said yes: nothing can follow.
        return;
    }
    stream.get_mut().begin_settle(SETTLE);
    let mut buf = [0u8; 4096];
    for _ in 0..64 {
        match stream.ssl_read(&mut buf) {
            Ok(_) => continue,
            Err(e) => {
                if e.code() == ErrorCode::SSL {
                    let le = lib_error(&e, 0);
                    if le.alert_received.is_some_and(|a| a != 0) {
                        view.post_handshake = Some(le);
                    }
                }
                break;
            }
        }
    }
}
