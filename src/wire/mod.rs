//! Wire layer: the backend-independent truth about a handshake.
//!
//! The tap (see `crate::tap`) records every byte both ways as [`Chunk`]s; this module
//! turns them into TLS records and decoded handshake messages with IANA names, and
//! writes the ClientHellos a scanner sends. Everything here treats its input as
//! hostile: bounded, never panics.
//!
//! One framer, one cursor, one walk, two views:
//! - `framing`: the record framer and handshake reassembler, with the size limits
//!   (also used by `crate::decrypt`);
//! - `walk`: both directions of a capture in wire order, over the framer;
//! - [`dissect`]: the cursor and field recorder, and one function per message and per
//!   extension returning the typed value and, when recording, every field's span,
//!   meaning and RFC section. [`Transcript::decode`] walks with the recorder off,
//!   [`dissect::dissect`] with it on;
//! - `messages`: the typed values and their JSON shape (the `--json` contract);
//! - `show`: hex, escaped peer strings and value spellings;
//! - `write`: the ClientHello writer ([`write::ClientHelloSpec`]);
//! - [`names`]: the IANA registry (`crate::iana`) under its historical path.

// Peer bytes are hostile: no unwrap, no panic, no unchecked indexing outside tests
// (denied for the whole engine in lib.rs).

#[cfg(test)]
use crate::iana::ciphers;
pub mod dissect;
#[cfg(test)]
pub(crate) mod fixtures;
mod framing;
mod messages;
#[cfg(test)]
pub(crate) mod mutate;
pub mod names;
mod show;
#[cfg(test)]
mod tests;
mod walk;
pub mod write;

pub use dissect::{HRR_RANDOM, decode_handshake_message};
pub(crate) use framing::{Frame, HsFrame, HsStream, MAX_HANDSHAKE, RecordStream};
pub use messages::{
    AlertMessage, Body, CertEntry, Certificate, CertificateRequest, CertificateVerify, CipherSuite,
    ClientHello, ClientKeyExchange, EncryptedRecords, ExtensionEntry, Finished, Group,
    HelloExtensions, KeyShare, Message, NewSessionTicket, NotTls, ServerHello, ServerKeyExchange,
    SigScheme, Sslv2ClientHello, Unknown, Version,
};
pub(crate) use show::hex;

use serde::Serialize;
use std::time::Duration;

/// Who sent a chunk of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Client,
    Server,
}

/// Bytes read or written in one system call, with the time since the probe began.
#[derive(Clone, Debug)]
pub struct Chunk {
    pub dir: Direction,
    pub at: Duration,
    pub bytes: Vec<u8>,
}

/// A TLS alert as seen in the clear.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// 1 = warning, 2 = fatal
    pub level: u8,
    pub description: u8,
}

impl Alert {
    /// RFC 8446 snake_case name, e.g. `protocol_version`.
    pub fn name(&self) -> String {
        names::alert_name(self.description)
    }
}

/// Records and bytes one side sent encrypted (not decodable without keys).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EncryptedCounts {
    pub client_records: usize,
    pub client_bytes: usize,
    pub server_records: usize,
    pub server_bytes: usize,
}

/// The decoded conversation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Transcript {
    /// Everything seen, in wire order.
    pub messages: Vec<Message>,
    /// Totals of the records counted as encrypted.
    pub encrypted: EncryptedCounts,
    /// Oddities that are not messages: truncated records, oversize messages, ...
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The handshake message type a side began and never finished (too large, or cut
    /// off): where a handshake stopped.
    #[serde(skip)]
    pub unfinished: Option<(Direction, u8)>,
}

impl Transcript {
    /// Decode recorded chunks: the walk with the field recorder off. Never panics,
    /// bounded work and memory.
    pub fn decode(chunks: &[Chunk]) -> Transcript {
        let mut d = walk::Walk::new(false);
        for c in chunks {
            d.feed(c);
        }
        d.finish();
        let (client_records, client_bytes) = d.encrypted(Direction::Client);
        let (server_records, server_bytes) = d.encrypted(Direction::Server);
        Transcript {
            messages: d.messages,
            encrypted: EncryptedCounts {
                client_records,
                client_bytes,
                server_records,
                server_bytes,
            },
            notes: d.notes,
            unfinished: d.unfinished,
        }
    }

    fn bodies(&self, from: Direction) -> impl Iterator<Item = &Body> {
        self.messages
            .iter()
            .filter(move |m| m.from == from)
            .map(|m| &m.body)
    }

    /// The first ClientHello (after a HelloRetryRequest there is a second one; see
    /// [`Transcript::client_hellos`]).
    pub fn client_hello(&self) -> Option<&ClientHello> {
        self.client_hellos().next()
    }

    /// Every ClientHello, in order.
    pub fn client_hellos(&self) -> impl Iterator<Item = &ClientHello> {
        self.bodies(Direction::Client).filter_map(|b| match b {
            Body::ClientHello(c) => Some(c),
            _ => None,
        })
    }

    /// The server's ServerHello (not a HelloRetryRequest).
    pub fn server_hello(&self) -> Option<&ServerHello> {
        self.bodies(Direction::Server).find_map(|b| match b {
            Body::ServerHello(s) => Some(s),
            _ => None,
        })
    }

    /// Whether the server sent a HelloRetryRequest.
    pub fn hello_retry(&self) -> bool {
        self.bodies(Direction::Server)
            .any(|b| matches!(b, Body::HelloRetryRequest(_)))
    }

    /// Version chosen by the server (supported_versions in a TLS 1.3 ServerHello, else legacy_version).
    pub fn negotiated_version(&self) -> Option<u16> {
        self.server_hello().map(|s| s.version.0)
    }
    /// Cipher suite chosen in the ServerHello.
    pub fn negotiated_cipher(&self) -> Option<u16> {
        self.server_hello().map(|s| s.cipher_suite.0)
    }
    /// Key-exchange group: key_share of a TLS 1.3 ServerHello, or the named curve of
    /// an ECDHE ServerKeyExchange in TLS <= 1.2.
    pub fn negotiated_group(&self) -> Option<u16> {
        let sh = self.server_hello()?;
        if sh.version.0 == 0x0304 {
            return sh.ext.key_share.map(|k| k.group.0);
        }
        self.bodies(Direction::Server).find_map(|b| match b {
            Body::ServerKeyExchange(s) => s.group.map(|g| g.0),
            _ => None,
        })
    }
    /// The size in bits of a TLS ≤ 1.2 finite-field DHE prime, when the server's key
    /// exchange used one (it names no group: the prime itself is sent).
    pub fn dhe_bits(&self) -> Option<usize> {
        self.bodies(Direction::Server).find_map(|b| match b {
            Body::ServerKeyExchange(s) => s.dh_p_bits,
            _ => None,
        })
    }
    /// Whether a ServerHello (not an HRR) was seen.
    pub fn saw_server_hello(&self) -> bool {
        self.server_hello().is_some()
    }
    /// The first alert each side sent in the clear.
    pub fn first_alert(&self, from: Direction) -> Option<Alert> {
        self.bodies(from).find_map(|b| match b {
            Body::Alert(a) => Some(a.raw),
            _ => None,
        })
    }
    /// DER certificates from a clear (TLS <= 1.2) Certificate message of the server.
    pub fn server_certificates(&self) -> Vec<Vec<u8>> {
        self.bodies(Direction::Server)
            .find_map(|b| match b {
                Body::Certificate(c) => Some(c.der.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
    /// Name of the last handshake message the server sent in the clear (e.g. "ServerKeyExchange").
    pub fn last_server_message(&self) -> Option<&'static str> {
        self.bodies(Direction::Server)
            .filter(|b| b.is_handshake())
            .last()
            .map(Body::name)
    }
    /// Versions the ClientHello offered: its supported_versions (GREASE left out) if
    /// present, else every version from TLS 1.0 up to its legacy_version. Sorted.
    pub fn offered_versions(&self) -> Vec<u16> {
        if let Some(ch) = self.client_hello() {
            let mut v: Vec<u16> = match &ch.ext.supported_versions {
                Some(list) => list
                    .iter()
                    .map(|v| v.0)
                    .filter(|v| !names::is_grease(*v))
                    .collect(),
                None => (0x0301..=ch.legacy_version.0.min(0x0304)).collect(),
            };
            v.sort_unstable();
            v.dedup();
            return v;
        }
        self.bodies(Direction::Client)
            .find_map(|b| match b {
                Body::SSLv2ClientHello(h) => Some(vec![h.version.0]),
                _ => None,
            })
            .unwrap_or_default()
    }
    /// True when the first bytes from the server were not a TLS record at all.
    pub fn server_spoke_non_tls(&self) -> bool {
        matches!(self.bodies(Direction::Server).next(), Some(Body::NotTls(_)))
    }
    /// (records, bytes) that `from` sent encrypted.
    pub fn encrypted_from(&self, from: Direction) -> (usize, usize) {
        match from {
            Direction::Client => (self.encrypted.client_records, self.encrypted.client_bytes),
            Direction::Server => (self.encrypted.server_records, self.encrypted.server_bytes),
        }
    }
}
