//! Accept loops and per-connection handlers of the lab servers.

use super::certs::{Issued, LabPki};
use super::{CertChoice, MAX_ACTIVE, OpensslServer, Peer, Shared};
use openssl::ssl::{Ssl, SslContext, SslContextBuilder, SslMethod, SslVerifyMode};
use openssl::x509::store::X509StoreBuilder;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How long any lab connection may live.
const CONN_LIFETIME: Duration = Duration::from_secs(20);
const IO_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) type Handler = Arc<dyn Fn(TcpStream) + Send + Sync>;

pub(crate) fn accept_loop(listener: TcpListener, handler: Handler, shared: Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        if shared.active.load(Ordering::SeqCst) >= MAX_ACTIVE {
            continue; // dropped: the lab is bounded
        }
        shared.active.fetch_add(1, Ordering::SeqCst);
        let h = handler.clone();
        let sh = shared.clone();
        std::thread::spawn(move || {
            let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
            let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
            h(stream);
            sh.active.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

fn pick(pki: &LabPki, c: CertChoice) -> &Issued {
    match c {
        CertChoice::Leaf => &pki.leaf,
        CertChoice::Expired => &pki.expired,
        CertChoice::WrongHost => &pki.wrong_host,
        CertChoice::SelfSigned => &pki.self_signed,
        CertChoice::Weak => &pki.weak,
        CertChoice::HostileName => &pki.hostile_name,
    }
}

pub(crate) fn handler(peer: &Peer, pki: &LabPki, name: &'static str) -> io::Result<Handler> {
    Ok(match peer {
        Peer::Openssl(cfg) => {
            let ctx = openssl_context(cfg, pki).map_err(io::Error::other)?;
            Arc::new(move |s| serve_openssl(&ctx, s, name, b"\r\n\r\n"))
        }
        Peer::Rustls => {
            let cfg = Arc::new(rustls_config(pki).map_err(io::Error::other)?);
            Arc::new(move |s| serve_rustls(cfg.clone(), s, name))
        }
        Peer::Reset => Arc::new(serve_reset),
        Peer::PlainHttp => Arc::new(serve_http),
        Peer::Silent => Arc::new(serve_silent),
        Peer::Starttls { proto, refuse } => {
            let (proto, refuse) = (*proto, *refuse);
            let ctx = openssl_context(&OpensslServer::default(), pki).map_err(io::Error::other)?;
            Arc::new(move |mut s| {
                if crate::net::starttls_server::dialogue(
                    proto,
                    refuse,
                    &mut s,
                    crate::net::starttls_server::LAB,
                )
                .is_some()
                {
                    // Inside TLS a mail client's first command is one line.
                    serve_openssl(&ctx, s, name, b"\n");
                }
            })
        }
        Peer::Proxy { proto, auth } => {
            let (proto, auth) = (*proto, *auth);
            Arc::new(move |s| super::proxy::serve(proto, auth, s))
        }
        Peer::Hostile(h) => {
            let (h, leaf) = (*h, pki.leaf.cert.to_der().map_err(io::Error::other)?);
            Arc::new(move |s| super::hostile::serve(h, &leaf, s))
        }
    })
}

fn openssl_context(
    cfg: &OpensslServer,
    pki: &LabPki,
) -> Result<SslContext, openssl::error::ErrorStack> {
    let mut b = SslContextBuilder::new(SslMethod::tls_server())?;
    b.set_min_proto_version(cfg.min.map(crate::ossl::ssl_version))?;
    b.set_max_proto_version(cfg.max.map(crate::ossl::ssl_version))?;
    if let Some(c) = cfg.ciphers {
        b.set_cipher_list(c)?;
    }
    if let Some(g) = cfg.groups {
        b.set_groups_list(g)?;
    }
    if cfg.weak_dh {
        let dh = openssl::dh::Dh::get_1024_160()?;
        b.set_tmp_dh(&dh)?;
    }
    if cfg.server_order {
        b.set_options(openssl::ssl::SslOptions::CIPHER_SERVER_PREFERENCE);
    }
    // An OpenSSL 3 server cannot sign a TLS < 1.2 handshake, nor load a weak
    // certificate, above level 0; the lab's old servers need it.
    if cfg
        .min
        .is_some_and(|v| v < crate::profile::TlsVersion::V1_2)
        || matches!(cfg.cert, CertChoice::Weak)
    {
        b.set_security_level(0);
    }
    if cfg.no_etm {
        // SSL_OP_NO_ENCRYPT_THEN_MAC (not named by the openssl crate).
        b.set_options(openssl::ssl::SslOptions::from_bits_retain(1 << 19));
    }
    let chosen = pick(pki, cfg.cert);
    b.set_certificate(&chosen.cert)?;
    if !matches!(cfg.cert, CertChoice::SelfSigned) {
        b.add_extra_chain_cert(pki.ca.cert.clone())?;
    }
    b.set_private_key(&chosen.key)?;
    b.check_private_key()?;
    if cfg.also_ecdsa {
        // A second key type gets a certificate slot of its own.
        b.set_certificate(&pki.leaf_ecdsa.cert)?;
        b.set_private_key(&pki.leaf_ecdsa.key)?;
        b.check_private_key()?;
    }
    if cfg.require_sni {
        b.set_servername_callback(|ssl, alert| {
            if ssl.servername(openssl::ssl::NameType::HOST_NAME) == Some("localhost") {
                Ok(())
            } else {
                *alert = openssl::ssl::SslAlert::UNRECOGNIZED_NAME;
                Err(openssl::ssl::SniError::ALERT_FATAL)
            }
        });
    }
    if cfg.require_client_cert {
        let mut store = X509StoreBuilder::new()?;
        store.add_cert(pki.ca.cert.clone())?;
        b.set_verify_cert_store(store.build())?;
        let mut names = openssl::stack::Stack::new()?;
        names.push(pki.ca.cert.subject_name().to_owned()?)?;
        b.set_client_ca_list(names);
        b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    }
    Ok(b.build())
}

fn answer(name: &str) -> Vec<u8> {
    format!("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\ntlslens lab: {name}\n").into_bytes()
}

/// Read whatever the client sends until it closes or a request ends (`end` seen),
/// bounded.
fn drain_request<S: Read>(s: &mut S, end: &[u8]) {
    let mut buf = [0u8; 4096];
    let mut seen = 0usize;
    let started = Instant::now();
    while seen < 64 * 1024 && started.elapsed() < CONN_LIFETIME {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                seen += n;
                if buf
                    .get(..n)
                    .is_some_and(|b| b.windows(end.len()).any(|w| w == end))
                {
                    return;
                }
            }
        }
    }
}

fn serve_openssl(ctx: &SslContext, stream: TcpStream, name: &str, end: &[u8]) {
    let Ok(ssl) = Ssl::new(ctx) else { return };
    let Ok(mut tls) = ssl.accept(stream) else {
        return;
    };
    drain_request(&mut tls, end);
    let _ = tls.write_all(&answer(name));
    let _ = tls.shutdown();
}

fn rustls_config(
    pki: &LabPki,
) -> Result<rustls::ServerConfig, Box<dyn std::error::Error + Send + Sync>> {
    let chain = vec![
        CertificateDer::from(pki.leaf.cert.to_der()?),
        CertificateDer::from(pki.ca.cert.to_der()?),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        pki.leaf.key.private_key_to_pkcs8()?,
    ));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_no_client_auth()
        .with_single_cert(chain, key)?)
}

fn serve_rustls(cfg: Arc<rustls::ServerConfig>, mut stream: TcpStream, name: &str) {
    let Ok(conn) = rustls::ServerConnection::new(cfg) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(conn, &mut stream);
    drain_request(&mut tls, b"\r\n\r\n");
    let _ = tls.write_all(&answer(name));
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

fn serve_reset(mut stream: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.read(&mut buf);
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}

fn serve_http(mut stream: TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = stream.read(&mut buf);
    let _ = stream.write_all(
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nThis port speaks plain HTTP.\n",
    );
}

fn serve_silent(mut stream: TcpStream) {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    while started.elapsed() < CONN_LIFETIME {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}
