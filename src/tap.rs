//! The wire tap: a `Read + Write` wrapper around the TCP stream that records every byte
//! both ways (bounded), the I/O errors the kernel reported, and enforces the handshake
//! deadline for stacks that only know per-call timeouts.

use crate::wire::{Chunk, Direction};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// At most this many bytes are recorded per connection; a handshake is far smaller.
pub const MAX_RECORDED: usize = 1 << 20;

/// What the tap saw, shared with whoever owns the tap.
#[derive(Debug, Default)]
pub struct TapLog {
    pub chunks: Vec<Chunk>,
    pub recorded: usize,
    pub truncated: bool,
    /// The first I/O error on a read or write, as the OS reported it.
    pub io_error: Option<(Direction, io::ErrorKind, String)>,
    /// The peer closed its side (read returned 0).
    pub eof: bool,
    /// The deadline passed while waiting for the peer.
    pub timed_out: bool,
    /// When our side first shut its sending half (the client relay passing a client's
    /// close on), since the tap started: what the server sends after it may be its
    /// reaction to our close, not to the handshake.
    pub closed_at: Option<Duration>,
}

impl TapLog {
    pub fn server_bytes(&self) -> usize {
        self.chunks
            .iter()
            .filter(|c| c.dir == Direction::Server)
            .map(|c| c.bytes.len())
            .sum()
    }
}

/// Append a chunk, bounded by [`MAX_RECORDED`].
fn push(l: &mut TapLog, dir: Direction, at: Duration, bytes: &[u8]) {
    let room = MAX_RECORDED.saturating_sub(l.recorded);
    let take = bytes.len().min(room);
    if take < bytes.len() {
        l.truncated = true;
    }
    if take == 0 {
        return;
    }
    l.recorded += take;
    let bytes = bytes.get(..take).unwrap_or(bytes);
    // A peer that floods in tiny reads would cost a chunk (and an allocation) per
    // read: past the first [`MANY_CHUNKS`], reads in the same direction join the last
    // chunk (up to [`JOINED_CHUNK`] bytes), which keeps its first read's time.
    if l.chunks.len() >= MANY_CHUNKS
        && let Some(last) = l.chunks.last_mut()
        && last.dir == dir
        && last.bytes.len() + take <= JOINED_CHUNK
    {
        last.bytes.extend_from_slice(bytes);
        return;
    }
    l.chunks.push(Chunk {
        dir,
        at,
        bytes: bytes.to_vec(),
    });
}

/// Chunks recorded one per read before reads start joining (a handshake takes tens).
const MANY_CHUNKS: usize = 1024;
/// The size a joined chunk grows to.
const JOINED_CHUNK: usize = 16 * 1024;

/// `Read + Write` over a TCP stream, recording everything.
#[derive(Debug)]
pub struct Tap {
    inner: TcpStream,
    start: Instant,
    deadline: Option<Instant>,
    /// After the handshake: once the server's first record arrives, stop waiting soon.
    settling: bool,
    log: Arc<Mutex<TapLog>>,
}

/// How long to keep listening, while settling, after the server's first record.
const SETTLE_TAIL: Duration = Duration::from_millis(15);

impl Tap {
    pub fn new(inner: TcpStream, start: Instant) -> (Tap, Arc<Mutex<TapLog>>) {
        let log = Arc::new(Mutex::new(TapLog::default()));
        (
            Tap {
                inner,
                start,
                deadline: None,
                settling: false,
                log: log.clone(),
            },
            log,
        )
    }

    /// A second handle on the same connection, recording into the same log: one
    /// thread can read while another writes (the client relay).
    pub fn try_clone(&self) -> io::Result<Tap> {
        Ok(Tap {
            inner: self.inner.try_clone()?,
            start: self.start,
            deadline: self.deadline,
            settling: false,
            log: self.log.clone(),
        })
    }

    /// Shut the connection (one way or both), as `TcpStream::shutdown`; the first
    /// time is recorded (`TapLog::closed_at`).
    pub fn shutdown(&self, how: std::net::Shutdown) -> io::Result<()> {
        let at = self.start.elapsed();
        self.with_log(|l| {
            l.closed_at.get_or_insert(at);
        });
        self.inner.shutdown(how)
    }

    /// Record that the peer never finished answering (a client relayed through the tap
    /// gave up waiting, or was killed at its deadline).
    pub fn mark_timed_out(&self) {
        self.with_log(|l| l.timed_out = true);
    }

    /// Every read and write after this must finish before `deadline`.
    /// The handshake starts now and may take `limit`: every read and write after the
    /// deadline fails. Returns the start (for the timing) and the deadline (for what
    /// follows the handshake).
    pub fn start_handshake(&mut self, limit: Duration) -> (Instant, Instant) {
        let now = Instant::now();
        let deadline = now + limit;
        self.set_deadline(Some(deadline));
        (now, deadline)
    }

    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// Listen after the handshake for at most `max`, and only briefly once the server
    /// has said anything: a TLS 1.3 server answers our Finished either with session
    /// tickets (accepted) or an alert (rejected, e.g. no client certificate).
    pub fn begin_settle(&mut self, max: Duration) {
        let until = Instant::now() + max;
        self.deadline = Some(self.deadline.map_or(until, |d| d.min(until)));
        self.settling = true;
    }

    /// Whether the recorded ServerHello chose TLS 1.3 (decided from the wire).
    pub fn negotiated_tls13(&self) -> bool {
        self.with_log(|l| crate::wire::Transcript::decode(&l.chunks).negotiated_version())
            == Some(0x0304)
    }

    fn remaining(&self) -> io::Result<Option<Duration>> {
        match self.deadline {
            None => Ok(None),
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    self.with_log(|l| l.timed_out = true);
                    Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "handshake timed out",
                    ))
                } else {
                    Ok(Some(d - now))
                }
            }
        }
    }

    fn with_log<R>(&self, f: impl FnOnce(&mut TapLog) -> R) -> R {
        let mut guard = match self.log.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    fn record(&self, dir: Direction, bytes: &[u8]) {
        let at = self.start.elapsed();
        self.with_log(|l| push(l, dir, at, bytes));
    }

    fn note_error(&self, dir: Direction, e: &io::Error) {
        let timeout = matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        );
        self.with_log(|l| {
            if timeout {
                l.timed_out = true;
            }
            if l.io_error.is_none() {
                l.io_error = Some((dir, e.kind(), e.to_string()));
            }
        });
    }
}

impl Read for Tap {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rem = self.remaining()?;
        self.inner.set_read_timeout(rem)?;
        match self.inner.read(buf) {
            Ok(0) => {
                if !buf.is_empty() {
                    self.with_log(|l| l.eof = true);
                }
                Ok(0)
            }
            Ok(n) => {
                self.record(Direction::Server, buf.get(..n).unwrap_or(buf));
                if self.settling {
                    let tail = Instant::now() + SETTLE_TAIL;
                    self.deadline = Some(self.deadline.map_or(tail, |d| d.min(tail)));
                }
                Ok(n)
            }
            Err(e) => {
                self.note_error(Direction::Server, &e);
                // Stacks treat WouldBlock as "try again"; make a timeout final.
                if e.kind() == io::ErrorKind::WouldBlock {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "handshake timed out",
                    ));
                }
                Err(e)
            }
        }
    }
}

impl Write for Tap {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let rem = self.remaining()?;
        self.inner.set_write_timeout(rem)?;
        // The log stays locked across the write, so a reply read on a clone of this tap
        // (the client relay reads and writes on two threads) is recorded after the
        // bytes that caused it.
        let at = self.start.elapsed();
        let inner = &self.inner;
        let sent = self.with_log(|l| {
            let r = (&*inner).write(buf);
            if let Ok(n) = r {
                push(l, Direction::Client, at, buf.get(..n).unwrap_or(buf));
            }
            r
        });
        match sent {
            Ok(n) => Ok(n),
            Err(e) => {
                self.note_error(Direction::Client, &e);
                if e.kind() == io::ErrorKind::WouldBlock {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "handshake timed out",
                    ));
                }
                Err(e)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_tiny_reads_joins_chunks_and_keeps_every_byte() {
        let mut l = TapLog::default();
        push(&mut l, Direction::Client, Duration::ZERO, b"hello");
        let mut sent = Vec::new();
        for i in 0..250_000u32 {
            let b = [(i % 251) as u8; 5];
            push(
                &mut l,
                Direction::Server,
                Duration::from_micros(i.into()),
                &b,
            );
            sent.extend_from_slice(&b);
        }
        assert!(
            l.chunks.len() < MANY_CHUNKS + 100,
            "{} chunks",
            l.chunks.len()
        );
        assert!(l.chunks.iter().all(|c| c.bytes.len() <= JOINED_CHUNK));
        let got: Vec<u8> = l
            .chunks
            .iter()
            .filter(|c| c.dir == Direction::Server)
            .flat_map(|c| c.bytes.iter().copied())
            .collect();
        assert_eq!(got, sent.get(..got.len()).unwrap());
        assert_eq!(l.recorded, MAX_RECORDED);
        assert!(l.truncated);
        // A handshake's few reads stay one chunk each.
        let mut small = TapLog::default();
        for _ in 0..10 {
            push(&mut small, Direction::Server, Duration::ZERO, b"abc");
        }
        assert_eq!(small.chunks.len(), 10);
    }
}
