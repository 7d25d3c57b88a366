//! A bounded conversation on the plain TCP stream before TLS: the proxy's and the
//! STARTTLS protocol's dialogues. Every exchange is recorded (sanitised, secrets
//! redacted by the caller), every read has the stage's deadline, and no more than
//! [`MAX_BYTES`] are read: a server that talks forever is cut off, not buffered.

use serde::Serialize;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// At most this much is read from a peer before TLS starts.
pub const MAX_BYTES: usize = 64 * 1024;
/// At most this many bytes in one line.
const MAX_LINE: usize = 4096;

/// One line (or one binary message, described) of the dialogue before TLS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// `proxy` or `starttls`.
    pub via: &'static str,
    /// `client` or `server`.
    pub from: &'static str,
    /// What was said, sanitised; binary messages are described, passwords redacted.
    pub text: String,
}

/// Why a dialogue failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TalkFail {
    /// The peer said no (a proxy's 403 or SOCKS ruleset, a server's refusal).
    Refused,
    /// The proxy wants credentials, or refused ours.
    Auth,
    /// The proxy answered but could not make the tunnel.
    Failed,
    /// No complete answer before the deadline.
    Timeout,
    /// The peer closed the connection.
    Eof,
    /// The peer reset the connection.
    Reset,
    /// The answer is not what the protocol says.
    Protocol,
    Io,
}

/// A failed dialogue: what kind, what was expected, and the peer's own answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub kind: TalkFail,
    /// What happened, in words, quoting the peer's answer where there is one.
    pub message: String,
}

impl Failure {
    pub fn new(kind: TalkFail, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

pub struct Talk<'a> {
    stream: &'a mut TcpStream,
    via: &'static str,
    deadline: Instant,
    read: usize,
    pub log: &'a mut Vec<Exchange>,
}

impl<'a> Talk<'a> {
    pub fn new(
        stream: &'a mut TcpStream,
        via: &'static str,
        deadline: Instant,
        log: &'a mut Vec<Exchange>,
    ) -> Self {
        Talk {
            stream,
            via,
            deadline,
            read: 0,
            log,
        }
    }

    /// Record a line of the dialogue.
    pub fn note(&mut self, from: &'static str, text: &str) {
        if self.log.len() < 256 {
            self.log.push(Exchange {
                via: self.via,
                from,
                text: crate::text::sanitize(text.trim_end_matches(['\r', '\n']), 300),
            });
        }
    }

    fn remaining(&self) -> Result<Duration, Failure> {
        let now = Instant::now();
        if now >= self.deadline {
            return Err(Failure::new(
                TalkFail::Timeout,
                format!("no answer in time from the {}", self.peer()),
            ));
        }
        Ok(self.deadline - now)
    }

    fn peer(&self) -> &'static str {
        if self.via == "proxy" {
            "proxy"
        } else {
            "server"
        }
    }

    fn io_fail(&self, e: &io::Error) -> Failure {
        let kind = match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => TalkFail::Timeout,
            io::ErrorKind::UnexpectedEof => TalkFail::Eof,
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => TalkFail::Reset,
            _ => TalkFail::Io,
        };
        let what = match kind {
            TalkFail::Timeout => format!("no answer in time from the {}", self.peer()),
            TalkFail::Eof => format!("the {} closed the connection", self.peer()),
            TalkFail::Reset => format!("the {} reset the connection", self.peer()),
            _ => format!("talking to the {}: {e}", self.peer()),
        };
        Failure::new(kind, what)
    }

    /// Send bytes; `shown` is what the record says was sent (None: the bytes as text).
    pub fn send(&mut self, bytes: &[u8], shown: Option<&str>) -> Result<(), Failure> {
        let text = match shown {
            Some(s) => s.to_string(),
            None => String::from_utf8_lossy(bytes).into_owned(),
        };
        for line in text.split("\r\n").filter(|l| !l.is_empty()) {
            self.note("client", line);
        }
        let rem = self.remaining()?;
        let _ = self.stream.set_write_timeout(Some(rem));
        self.stream.write_all(bytes).map_err(|e| self.io_fail(&e))
    }

    fn read_byte(&mut self) -> Result<u8, Failure> {
        if self.read >= MAX_BYTES {
            return Err(Failure::new(
                TalkFail::Protocol,
                format!(
                    "the {} sent more than {} KiB before TLS started",
                    self.peer(),
                    MAX_BYTES >> 10
                ),
            ));
        }
        let rem = self.remaining()?;
        let _ = self.stream.set_read_timeout(Some(rem));
        let mut b = [0u8; 1];
        loop {
            match self.stream.read(&mut b) {
                Ok(0) => {
                    return Err(self.io_fail(&io::Error::from(io::ErrorKind::UnexpectedEof)));
                }
                Ok(_) => {
                    self.read += 1;
                    return Ok(b[0]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_fail(&e)),
            }
        }
    }

    /// Read exactly `n` bytes (binary protocols). Not recorded: the caller describes it.
    /// Byte by byte, so nothing meant for the TLS stack is taken from the socket.
    pub fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, Failure> {
        let mut out = Vec::with_capacity(n.min(MAX_BYTES));
        while out.len() < n {
            out.push(self.read_byte()?);
        }
        Ok(out)
    }

    /// Read one line (up to `\n`), recorded; the line without its ending.
    pub fn line(&mut self) -> Result<String, Failure> {
        let mut bytes = Vec::new();
        loop {
            let b = self.read_byte()?;
            if b == b'\n' {
                break;
            }
            if bytes.len() >= MAX_LINE {
                return Err(Failure::new(
                    TalkFail::Protocol,
                    format!(
                        "the {} sent a line longer than {MAX_LINE} bytes",
                        self.peer()
                    ),
                ));
            }
            bytes.push(b);
        }
        let line = String::from_utf8_lossy(&bytes)
            .trim_end_matches('\r')
            .to_string();
        self.note("server", &line);
        Ok(line)
    }

    /// Read until one of `ends` has been seen (XMPP's XML), recorded as one message.
    /// Each byte is checked against the markers' tails only: linear in what is read.
    pub fn until(&mut self, ends: &[&str]) -> Result<String, Failure> {
        let mut bytes = Vec::new();
        loop {
            bytes.push(self.read_byte()?);
            if ends.iter().any(|e| bytes.ends_with(e.as_bytes())) {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                self.note("server", &text);
                return Ok(text);
            }
        }
    }
}

/// Quote a peer's answer in an error message: sanitised, short.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", crate::text::sanitize(s.trim(), 160))
}
