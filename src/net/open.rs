//! The one way the engine opens a connection for a TLS stack: TCP (to the target or
//! to its proxy), the proxy's tunnel, then the protocol's STARTTLS upgrade. The probe,
//! the explainer and the coming scanner all call [`open`], so none of them has its
//! own idea of how a server is reached.

use super::talk::{Exchange, Failure, Talk, TalkFail};
use super::{AddrAttempt, NetError, NetErrorKind, connect, resolve, timeout};
use crate::cancel::{Cancel, Watch};
use crate::profile::{Profile, effective_proxy};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A connection ready for the TLS stack's ClientHello.
pub struct Opened {
    pub stream: TcpStream,
    /// Where the TCP connection goes: the target, or the proxy.
    pub addr: SocketAddr,
    pub attempts: Vec<AddrAttempt>,
    /// The proxy in use (password redacted) and where it came from (`profile`,
    /// `HTTPS_PROXY`, `ALL_PROXY`).
    pub proxy: Option<String>,
    /// The proxy's and the STARTTLS protocol's dialogue, in order.
    pub dialogue: Vec<Exchange>,
    /// TCP connect plus the proxy's tunnel.
    pub connect_time: Duration,
    /// The STARTTLS dialogue, when there was one.
    pub starttls_time: Option<Duration>,
    /// Cancelling shuts this connection (held as long as the stream).
    pub watch: Watch,
}

/// Where opening failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenStage {
    /// The TCP connection to the target (or to the proxy, see `Failed::proxy`).
    Connect,
    Proxy,
    Starttls,
}

/// What went wrong before TLS.
#[derive(Clone, Debug)]
pub enum OpenFail {
    /// No TCP connection (to the target, or to the proxy when `OpenError::proxy` is set).
    Net(NetErrorKind),
    /// A dialogue failed.
    Talk(TalkFail),
}

#[derive(Clone, Debug)]
pub struct OpenError {
    pub stage: OpenStage,
    /// The address connected to (the target or the proxy), when TCP got that far.
    pub addr: Option<SocketAddr>,
    pub fail: OpenFail,
    pub message: String,
    pub attempts: Vec<AddrAttempt>,
    pub proxy: Option<String>,
    pub dialogue: Vec<Exchange>,
    pub connect_time: Option<Duration>,
}

fn net_err(e: NetError, stage: OpenStage, proxy: &Option<String>) -> OpenError {
    OpenError {
        stage,
        addr: None,
        fail: OpenFail::Net(e.kind),
        message: match proxy {
            Some(p) => format!("proxy {p}: {}", e.message),
            None => e.message,
        },
        attempts: e.attempts,
        proxy: proxy.clone(),
        dialogue: Vec::new(),
        connect_time: None,
    }
}

/// The proxy for this profile, reading the process environment as curl does.
pub fn proxy_for(p: &Profile) -> Result<Option<(crate::profile::ProxyUrl, String)>, String> {
    effective_proxy(p.proxy.as_deref(), &p.host, p.starttls.is_some(), &|k| {
        std::env::var(k).ok()
    })
}

/// The proxy as reports show it: password redacted, and where it came from unless
/// the profile named it (`… (from HTTPS_PROXY)`).
pub fn proxy_shown(u: &crate::profile::ProxyUrl, from: &str) -> String {
    match from {
        "profile" => u.redacted(),
        env => format!("{} (from {env})", u.redacted()),
    }
}

/// Resolve the target and open: what the scanner calls.
pub fn open(p: &Profile, cancel: &Cancel) -> Result<Opened, Box<OpenError>> {
    open_with(p, &resolve(&p.host, p.port), cancel)
}

/// Open with the target's addresses already resolved (the probe resolves once for all
/// its backends). With a proxy the proxy's name is resolved here; the target's
/// addresses are used only by `socks5://`, where the client resolves.
pub fn open_with(
    p: &Profile,
    target: &Result<Vec<SocketAddr>, NetError>,
    cancel: &Cancel,
) -> Result<Opened, Box<OpenError>> {
    let started = Instant::now();
    let proxy = proxy_for(p).map_err(|e| {
        Box::new(OpenError {
            stage: OpenStage::Proxy,
            addr: None,
            fail: OpenFail::Talk(TalkFail::Protocol),
            message: format!("proxy: {e}"),
            attempts: Vec::new(),
            proxy: None,
            dialogue: Vec::new(),
            connect_time: None,
        })
    })?;
    let shown = proxy.as_ref().map(|(u, from)| proxy_shown(u, from));
    let ctimeout = timeout(p.connect_timeout);
    let conn = match &proxy {
        None => match target {
            Ok(a) => connect(a, ctimeout),
            Err(e) => Err(e.clone()),
        },
        Some((u, _)) => resolve(&u.host, u.port).and_then(|a| connect(&a, ctimeout)),
    };
    let stage = if proxy.is_some() {
        OpenStage::Proxy
    } else {
        OpenStage::Connect
    };
    let conn = conn.map_err(|e| Box::new(net_err(e, stage, &shown)))?;
    let watch = cancel.watch(&conn.stream);
    let mut stream = conn.stream;
    let mut dialogue = Vec::new();
    let deadline = Instant::now() + timeout(p.handshake_timeout);
    let fail = |f: Failure, stage, dialogue: Vec<Exchange>, at: Option<Duration>| {
        Box::new(OpenError {
            stage,
            addr: Some(conn.addr),
            fail: OpenFail::Talk(f.kind),
            message: f.message,
            attempts: conn.attempts.clone(),
            proxy: shown.clone(),
            dialogue,
            connect_time: at,
        })
    };
    if let Some((u, _)) = &proxy {
        let first = target.as_ref().ok().and_then(|a| a.first().copied());
        let mut t = Talk::new(&mut stream, "proxy", deadline, &mut dialogue);
        if let Err(f) = super::proxy::tunnel(&mut t, u, &p.host, p.port, first) {
            return Err(fail(f, OpenStage::Proxy, dialogue, None));
        }
    }
    let connect_time = started.elapsed();
    let mut starttls_time = None;
    if let Some(proto) = p.starttls {
        let name = p.sni_name().unwrap_or(&p.host).to_string();
        let mut t = Talk::new(&mut stream, "starttls", deadline, &mut dialogue);
        let s = Instant::now();
        if let Err(f) = super::starttls::upgrade(&mut t, proto, &name) {
            return Err(fail(f, OpenStage::Starttls, dialogue, Some(connect_time)));
        }
        starttls_time = Some(s.elapsed());
    }
    let _ = stream.set_read_timeout(None);
    let _ = stream.set_write_timeout(None);
    Ok(Opened {
        stream,
        addr: conn.addr,
        attempts: conn.attempts,
        proxy: shown,
        dialogue,
        connect_time,
        starttls_time,
        watch,
    })
}
