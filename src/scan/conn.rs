//! One scanner connection: connect, send a ClientHello the wire layer wrote, read the
//! server's answer as far as it is needed, close. Never finishes a handshake.
//!
//! Every connection is bounded: by the shared concurrency limit, a cap on the number
//! of connections, a connect timeout, a deadline for the answer and a byte limit.

use crate::wire::write::ClientHelloSpec;
use crate::wire::{Body, Chunk, Direction, Message, Transcript};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// No answer we read is larger: a certificate chain and a key exchange fit easily.
const MAX_ANSWER: usize = 256 * 1024;

/// How far to read the server's flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The ServerHello (or HelloRetryRequest, or an alert) is enough.
    Hello,
    /// Up to ServerHelloDone: the Certificate and ServerKeyExchange of TLS ≤ 1.2.
    Flight,
}

/// What the server did with one ClientHello.
#[derive(Clone, Debug)]
pub enum Answer {
    /// A ServerHello or HelloRetryRequest, with what followed it in the clear.
    Hello(Box<Hello>),
    /// An alert instead of a ServerHello.
    Alert { level: u8, description: u8 },
    /// The server closed the connection without a word.
    Closed,
    /// The server reset the connection.
    Reset,
    /// Nothing (or not enough) within the deadline.
    Timeout,
    /// The answer is not TLS.
    NotTls(String),
    /// No TCP connection (refused, unreachable, connect timeout), or the cap was hit.
    NoConnection(String),
}

/// A ServerHello and the clear messages after it.
#[derive(Clone, Debug)]
pub struct Hello {
    pub retry: bool,
    /// The negotiated version (supported_versions when present).
    pub version: u16,
    pub suite: u16,
    pub compression: u8,
    pub hello: crate::wire::ServerHello,
    /// Certificates (DER) of a TLS ≤ 1.2 Certificate message, leaf first.
    pub certificates: Vec<Vec<u8>>,
    pub key_exchange: Option<crate::wire::ServerKeyExchange>,
}

impl Answer {
    pub fn hello(&self) -> Option<&Hello> {
        match self {
            Answer::Hello(h) => Some(h),
            _ => None,
        }
    }

    /// Words for the evidence column: "ServerHello TLSv1.2", "alert protocol_version".
    pub fn describe(&self) -> String {
        match self {
            Answer::Hello(h) => format!(
                "{} {} {}",
                if h.retry {
                    "HelloRetryRequest"
                } else {
                    "ServerHello"
                },
                crate::iana::version_name(h.version),
                crate::iana::cipher_name(h.suite)
            ),
            Answer::Alert { level, description } => format!(
                "{} alert {}",
                if *level == 1 { "warning" } else { "fatal" },
                crate::iana::alert_name(*description)
            ),
            Answer::Closed => "connection closed without an answer".into(),
            Answer::Reset => "connection reset".into(),
            Answer::Timeout => "no answer in time".into(),
            Answer::NotTls(why) => format!("not TLS: {why}"),
            Answer::NoConnection(why) => format!("no connection: {why}"),
        }
    }
}

/// Limits shared by every connection of a scan (or of many scans).
#[derive(Debug)]
pub struct Limits {
    /// The concurrency bound: shared by every target of a fleet.
    slots: Arc<Semaphore>,
    pub opened: AtomicUsize,
    pub max: usize,
    pub delay: Duration,
    pub connect_timeout: Duration,
    pub answer_timeout: Duration,
    progress: Option<Arc<AtomicUsize>>,
    cancel: Option<crate::cancel::Cancel>,
}

impl Limits {
    pub fn new(opts: &super::Options, connect: Duration, answer: Duration) -> Arc<Limits> {
        Arc::new(Limits {
            slots: Arc::new(Semaphore::new(opts.concurrency.max(1))),
            opened: AtomicUsize::new(0),
            max: opts.max_connections,
            delay: opts.delay,
            connect_timeout: connect,
            answer_timeout: answer,
            progress: opts.progress.clone(),
            cancel: opts.cancel.clone(),
        })
    }
}

impl Limits {
    /// One target's limits inside a fleet: the same concurrency bound, pacing,
    /// timeouts and cancel flag, and its own connection count and cap.
    pub fn for_target(&self) -> Arc<Limits> {
        Arc::new(Limits {
            slots: Arc::clone(&self.slots),
            opened: AtomicUsize::new(0),
            max: self.max,
            delay: self.delay,
            connect_timeout: self.connect_timeout,
            answer_timeout: self.answer_timeout,
            progress: self.progress.clone(),
            cancel: self.cancel.clone(),
        })
    }

    /// The scan was cancelled.
    pub fn stopped(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(crate::cancel::Cancel::is_cancelled)
    }
}

/// Where a scan's connections go: an address, or — through a proxy, or after a STARTTLS
/// upgrade — the profile that says how, opened with `net::open` like every other
/// connection tlslens makes.
#[derive(Clone, Debug)]
pub struct Dest {
    pub addr: SocketAddr,
    pub route: Option<Arc<crate::profile::Profile>>,
}

/// Open a connection the way the profile reaches its server (proxy, STARTTLS), on a
/// blocking thread: the dialogues are short and bounded by the profile's timeouts.
pub async fn open_routed(
    p: Arc<crate::profile::Profile>,
) -> Result<(TcpStream, SocketAddr), String> {
    let opened = tokio::task::spawn_blocking(move || {
        crate::net::open(&p, &crate::cancel::Cancel::new())
            .map(|o| (o.stream, o.addr))
            .map_err(|e| e.message)
    })
    .await
    .map_err(|e| format!("the connection thread failed: {e}"))??;
    let (std, addr) = opened;
    std.set_nonblocking(true).map_err(|e| e.to_string())?;
    Ok((TcpStream::from_std(std).map_err(|e| e.to_string())?, addr))
}

/// Send `spec` to `dest` and read the answer.
pub async fn ask(limits: &Limits, dest: &Dest, spec: &ClientHelloSpec, need: Need) -> Answer {
    let Ok(_slot) = limits.slots.acquire().await else {
        return Answer::NoConnection("the scan was stopped".into());
    };
    // Checked after the wait for a slot: a stopped scan opens nothing more.
    if limits.stopped() {
        return Answer::NoConnection("the scan was stopped".into());
    }
    if limits.opened.fetch_add(1, Ordering::SeqCst) >= limits.max {
        limits.opened.fetch_sub(1, Ordering::SeqCst);
        return Answer::NoConnection(format!("the cap of {} connections was reached", limits.max));
    }
    if let Some(p) = &limits.progress {
        p.fetch_add(1, Ordering::Relaxed);
    }
    if !limits.delay.is_zero() {
        tokio::time::sleep(limits.delay).await;
    }
    let stream = match &dest.route {
        Some(p) => match open_routed(p.clone()).await {
            Ok((s, _)) => s,
            Err(e) => return Answer::NoConnection(e),
        },
        None => match tokio::time::timeout(limits.connect_timeout, TcpStream::connect(dest.addr))
            .await
        {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Answer::NoConnection(e.to_string()),
            Err(_) => return Answer::NoConnection("connect timed out".into()),
        },
    };
    let _ = stream.set_nodelay(true);
    exchange(stream, spec, need, limits.answer_timeout).await
}

async fn exchange(
    mut s: TcpStream,
    spec: &ClientHelloSpec,
    need: Need,
    timeout: Duration,
) -> Answer {
    if let Err(e) = s.write_all(&spec.to_records()).await {
        return io_answer(&e);
    }
    let deadline = Instant::now() + timeout;
    let mut got: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        // A peer that never stops sending is cut off by size and by the deadline (a
        // read that is always ready would never let a timeout fire by itself).
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || got.len() >= MAX_ANSWER {
            return judge(&got, need, true).unwrap_or_else(|| flooded(&got));
        }
        let n = match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return judge(&got, need, true).unwrap_or(Answer::Timeout),
            Ok(Err(e)) => return judge(&got, need, true).unwrap_or_else(|| io_answer(&e)),
            Ok(Ok(0)) => return judge(&got, need, true).unwrap_or(Answer::Closed),
            Ok(Ok(n)) => n,
        };
        got.extend_from_slice(buf.get(..n).unwrap_or_default());
        if let Some(a) = judge(&got, need, false) {
            return a;
        }
    }
}

/// Bytes that never became an answer: too many, or too slow.
fn flooded(got: &[u8]) -> Answer {
    if got.len() >= MAX_ANSWER {
        Answer::NotTls(format!(
            "{} bytes without a ServerHello (the reading stopped there)",
            got.len()
        ))
    } else {
        Answer::Timeout
    }
}

fn io_answer(e: &std::io::Error) -> Answer {
    match e.kind() {
        std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::BrokenPipe => Answer::Reset,
        _ => Answer::NoConnection(e.to_string()),
    }
}

/// Whether the bytes so far answer the question; `last` when no more will come.
fn judge(bytes: &[u8], need: Need, last: bool) -> Option<Answer> {
    if bytes.is_empty() {
        return None;
    }
    let t = Transcript::decode(&[Chunk {
        dir: Direction::Server,
        at: Duration::ZERO,
        bytes: bytes.to_vec(),
    }]);
    let mut hello: Option<Hello> = None;
    for m in &t.messages {
        match &m.body {
            Body::NotTls(n) => return Some(Answer::NotTls(n.note.clone())),
            Body::Alert(a) if hello.is_none() => {
                return Some(Answer::Alert {
                    level: a.raw.level,
                    description: a.raw.description,
                });
            }
            Body::ServerHello(sh) | Body::HelloRetryRequest(sh) => {
                let retry = matches!(m.body, Body::HelloRetryRequest(_));
                let h = Hello {
                    retry,
                    version: sh.version.0,
                    suite: sh.cipher_suite.0,
                    compression: sh.compression_method,
                    hello: sh.clone(),
                    certificates: Vec::new(),
                    key_exchange: None,
                };
                // TLS 1.3 and retries: nothing more is in the clear.
                if retry || h.version >= 0x0304 || need == Need::Hello {
                    return Some(Answer::Hello(Box::new(h)));
                }
                hello = Some(h);
            }
            _ => {}
        }
        if let Some(h) = hello.as_mut() {
            absorb(h, m);
            if matches!(m.body, Body::ServerHelloDone | Body::Alert(_)) {
                return hello.take().map(|h| Answer::Hello(Box::new(h)));
            }
        }
    }
    if last {
        hello.map(|h| Answer::Hello(Box::new(h)))
    } else {
        None
    }
}

fn absorb(h: &mut Hello, m: &Message) {
    match &m.body {
        Body::Certificate(c) if h.certificates.is_empty() => h.certificates = c.der.clone(),
        Body::ServerKeyExchange(k) => h.key_exchange = Some(k.clone()),
        _ => {}
    }
}
