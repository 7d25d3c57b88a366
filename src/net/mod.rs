//! Reaching the server: TCP connect curl style (resolve once, try every address in
//! turn with a timeout each), through a proxy, then a protocol's STARTTLS upgrade —
//! all behind [`open`].

mod open;
pub mod proxy;
pub mod starttls;
pub mod starttls_server;
pub mod talk;

pub use open::{OpenError, OpenFail, OpenStage, Opened, open, open_with, proxy_for, proxy_shown};
pub use talk::{Exchange, TalkFail};

use serde::Serialize;
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// One address tried and what became of it.
#[derive(Clone, Debug, Serialize)]
pub struct AddrAttempt {
    pub addr: String,
    pub error: Option<String>,
}

/// Why no TCP connection could be made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetErrorKind {
    Dns,
    Refused,
    ConnectTimeout,
    Io,
}

impl NetErrorKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Dns => "dns",
            Self::Refused => "refused",
            Self::ConnectTimeout => "connect-timeout",
            Self::Io => "io",
        }
    }
}

#[derive(Clone, Debug)]
pub struct NetError {
    pub kind: NetErrorKind,
    pub message: String,
    pub attempts: Vec<AddrAttempt>,
}

/// A timeout the user gave in seconds, clamped to what a socket accepts and a person
/// would mean (1 ms to 10 minutes).
pub fn timeout(secs: f64) -> Duration {
    Duration::from_secs_f64(secs.clamp(0.001, 600.0))
}

/// Resolve `host:port`. Bounded: at most 16 addresses are kept.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, NetError> {
    let addrs: Vec<SocketAddr> = match (host, port).to_socket_addrs() {
        Ok(it) => it.take(16).collect(),
        Err(e) => {
            return Err(NetError {
                kind: NetErrorKind::Dns,
                message: format!("cannot resolve '{host}': {e}"),
                attempts: Vec::new(),
            });
        }
    };
    if addrs.is_empty() {
        return Err(NetError {
            kind: NetErrorKind::Dns,
            message: format!("'{host}' resolves to no address"),
            attempts: Vec::new(),
        });
    }
    Ok(addrs)
}

pub struct Connected {
    pub stream: TcpStream,
    pub addr: SocketAddr,
    pub attempts: Vec<AddrAttempt>,
}

/// Try each address in order; the first that accepts wins.
pub fn connect(addrs: &[SocketAddr], timeout: Duration) -> Result<Connected, NetError> {
    let mut attempts = Vec::new();
    let mut last: Option<io::Error> = None;
    for addr in addrs {
        let started = Instant::now();
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                attempts.push(AddrAttempt {
                    addr: addr.to_string(),
                    error: None,
                });
                return Ok(Connected {
                    stream,
                    addr: *addr,
                    attempts,
                });
            }
            Err(e) => {
                let msg = if e.kind() == io::ErrorKind::TimedOut {
                    format!("no answer in {:.1}s", started.elapsed().as_secs_f64())
                } else {
                    e.to_string()
                };
                attempts.push(AddrAttempt {
                    addr: addr.to_string(),
                    error: Some(msg),
                });
                last = Some(e);
            }
        }
    }
    let (kind, what) = match last.as_ref().map(io::Error::kind) {
        Some(io::ErrorKind::ConnectionRefused) => (NetErrorKind::Refused, "connection refused"),
        Some(io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => {
            (NetErrorKind::ConnectTimeout, "connect timed out")
        }
        _ => (NetErrorKind::Io, "cannot connect"),
    };
    let tried: Vec<String> = attempts
        .iter()
        .map(|a| format!("{} ({})", a.addr, a.error.as_deref().unwrap_or("?")))
        .collect();
    Err(NetError {
        kind,
        message: format!("{what}: tried {}", tried.join(", ")),
        attempts,
    })
}
