//! Hostile and broken peers: raw TCP servers that read the ClientHello and answer with
//! what no well-behaved TLS server sends. People practise on them with `tlslens lab`;
//! the tests use them to check that every backend ends each one with a classified
//! error, within the timeout, in bounded memory.
//!
//! Each one is bounded too: it stops writing after [`MAX_SENT`] bytes or the lab's
//! connection lifetime, whichever comes first, and as soon as the client goes away.

use crate::wire::{Chunk, Direction, Transcript};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// What a hostile peer does after reading the ClientHello.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hostile {
    /// Random-looking bytes instead of a ServerHello.
    Garbage,
    /// A record header announcing 65,535 bytes (more than 2^14 + 2048 allows).
    HugeRecord,
    /// A ServerHello and half a Certificate, then silence.
    Truncated,
    /// A ServerHello, one byte a second.
    Drip,
    /// An endless stream of HelloRequest records.
    Flood,
    /// A ServerHello, then a Certificate message announcing 16 MB.
    HugeCertificate,
    /// A ServerHello, then a Certificate with 500 certificates.
    ManyCertificates,
    /// An endless stream of warning alerts (unrecognized_name).
    AlertFlood,
    /// A TLS 1.2 ServerHello without renegotiation_info (RFC 5746).
    NoRenegotiationInfo,
    /// Closes (FIN) at a stage of the handshake.
    Close(At),
    /// Resets (RST) at a stage of the handshake.
    Reset(At),
}

/// Where in the handshake a peer hangs up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// Right after accepting, before reading anything.
    Accept,
    /// After the ServerHello.
    ServerHello,
    /// After the Certificate.
    Certificate,
}

/// No hostile peer writes more than this to one connection.
const MAX_SENT: usize = 64 << 20;
const LIFETIME: Duration = Duration::from_secs(20);

const HANDSHAKE: u8 = 22;
const ALERT: u8 = 21;
const SERVER_HELLO: u8 = 2;
const CERTIFICATE: u8 = 11;
const HELLO_REQUEST: u8 = 0;
const RENEGOTIATION_INFO: u16 = 0xff01;
/// Suites a ServerHello may pick, best first: ECDHE-RSA-AES128-GCM-SHA256 (every stack
/// offers it), then RSA-AES128-GCM-SHA256.
const PREFERRED: [u16; 2] = [0xc02f, 0x009c];

/// Serve one connection as `how`; `leaf` is the DER certificate to present.
pub(crate) fn serve(how: Hostile, leaf: &[u8], mut s: TcpStream) {
    let started = Instant::now();
    if how == Hostile::Close(At::Accept) {
        return;
    }
    if how == Hostile::Reset(At::Accept) {
        return reset(s);
    }
    let Some(suite) = read_client_hello(&mut s) else {
        return;
    };
    let hello = server_hello(suite, how != Hostile::NoRenegotiationInfo);
    let mut out = Sender {
        s: &mut s,
        sent: 0,
        started,
    };
    match how {
        Hostile::Garbage => {
            let junk: Vec<u8> = (0u32..4096)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect();
            out.send(&junk);
        }
        Hostile::HugeRecord => {
            out.send(&[HANDSHAKE, 3, 3, 0xff, 0xff]);
            out.send(&[0u8; 1024]);
        }
        Hostile::Truncated => {
            let cert = certificate(&[leaf]);
            out.send(&record(HANDSHAKE, &hello));
            out.send(record(HANDSHAKE, &cert).get(..60).unwrap_or_default());
            hold(&mut s, started);
        }
        Hostile::Drip => {
            for b in record(HANDSHAKE, &hello) {
                if !out.send(&[b]) {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        Hostile::Flood => {
            let one = record(HANDSHAKE, &[HELLO_REQUEST, 0, 0, 0]);
            let burst: Vec<u8> = one.iter().copied().cycle().take(one.len() * 512).collect();
            while out.send(&burst) {}
        }
        Hostile::AlertFlood => {
            let one = record(ALERT, &[1, 112]);
            let burst: Vec<u8> = one.iter().copied().cycle().take(one.len() * 512).collect();
            while out.send(&burst) {}
        }
        Hostile::HugeCertificate => {
            out.send(&record(HANDSHAKE, &hello));
            // The largest length a handshake header can state: 16 MB.
            let len = (1u32 << 24) - 1;
            let mut body = vec![CERTIFICATE];
            body.extend_from_slice(&u24(len as usize));
            body.extend_from_slice(&u24(len as usize - 3));
            let mut sent = body.len();
            out.send(&record(HANDSHAKE, &body));
            let filler = record(HANDSHAKE, &[0x30; 16_000]);
            while sent < len as usize && out.send(&filler) {
                sent += 16_000;
            }
        }
        Hostile::ManyCertificates => {
            out.send(&record(HANDSHAKE, &hello));
            let many: Vec<&[u8]> = std::iter::repeat_n(leaf, 500).collect();
            for chunk in certificate(&many).chunks(16_000) {
                if !out.send(&record(HANDSHAKE, chunk)) {
                    return;
                }
            }
            hold(&mut s, started);
        }
        Hostile::NoRenegotiationInfo => {
            out.send(&record(HANDSHAKE, &hello));
            out.send(&record(HANDSHAKE, &certificate(&[leaf])));
            hold(&mut s, started);
        }
        Hostile::Close(at) | Hostile::Reset(at) => {
            out.send(&record(HANDSHAKE, &hello));
            if at == At::Certificate {
                out.send(&record(HANDSHAKE, &certificate(&[leaf])));
            }
            if matches!(how, Hostile::Reset(_)) {
                reset(s);
            }
        }
    }
}

/// Writes, bounded in bytes and time; false once the client is gone or a bound is hit.
struct Sender<'a> {
    s: &'a mut TcpStream,
    sent: usize,
    started: Instant,
}

impl Sender<'_> {
    fn send(&mut self, bytes: &[u8]) -> bool {
        if self.sent >= MAX_SENT || self.started.elapsed() > LIFETIME {
            return false;
        }
        self.sent += bytes.len();
        self.s.write_all(bytes).is_ok()
    }
}

/// Keep the connection open (reading and dropping) until the client hangs up.
fn hold(s: &mut TcpStream, started: Instant) {
    let mut buf = [0u8; 4096];
    while started.elapsed() < LIFETIME {
        match s.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return,
        }
    }
}

fn reset(s: TcpStream) {
    let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
}

/// Read until a whole ClientHello is decoded (bounded) and choose the suite to answer
/// with: the first of [`PREFERRED`] that was offered, else the first offered.
fn read_client_hello(s: &mut TcpStream) -> Option<u16> {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    while bytes.len() < 64 * 1024 {
        let n = s.read(&mut buf).ok().filter(|n| *n > 0)?;
        bytes.extend_from_slice(buf.get(..n)?);
        let t = Transcript::decode(&[Chunk {
            dir: Direction::Client,
            at: Duration::ZERO,
            bytes: bytes.clone(),
        }]);
        if let Some(ch) = t.client_hello() {
            let offered: Vec<u16> = ch.cipher_suites.iter().map(|c| c.0).collect();
            return PREFERRED
                .into_iter()
                .find(|p| offered.contains(p))
                .or_else(|| offered.first().copied());
        }
    }
    None
}

fn u24(n: usize) -> [u8; 3] {
    let [_, a, b, c] = (n as u32).to_be_bytes();
    [a, b, c]
}

/// A handshake message: type, 24-bit length, body.
fn handshake(t: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![t];
    m.extend_from_slice(&u24(body.len()));
    m.extend_from_slice(body);
    m
}

/// TLS 1.2 records (split at 2^14) carrying `payload`.
fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 5);
    for chunk in payload.chunks(1 << 14) {
        out.extend_from_slice(&[content_type, 3, 3]);
        out.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

/// A TLS 1.2 ServerHello choosing `suite`, with or without renegotiation_info.
fn server_hello(suite: u16, reneg: bool) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend((0u8..32).map(|i| i.wrapping_mul(37).wrapping_add(11)));
    b.push(0); // no session id
    b.extend_from_slice(&suite.to_be_bytes());
    b.push(0); // no compression
    let mut ext = Vec::new();
    if reneg {
        ext.extend_from_slice(&RENEGOTIATION_INFO.to_be_bytes());
        ext.extend_from_slice(&[0, 1, 0]);
    }
    b.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    b.extend_from_slice(&ext);
    handshake(SERVER_HELLO, &b)
}

/// A TLS 1.2 Certificate message carrying `chain`.
fn certificate(chain: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for c in chain {
        list.extend_from_slice(&u24(c.len()));
        list.extend_from_slice(c);
    }
    let mut body = u24(list.len()).to_vec();
    body.extend_from_slice(&list);
    handshake(CERTIFICATE, &body)
}
