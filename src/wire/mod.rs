//! Wire layer: the backend-independent truth about a handshake.
//!
//! The tap (see `crate::tap`) records every byte both ways as [`Chunk`]s; this module
//! turns them into TLS records and decoded handshake messages with IANA names.
//! Everything here treats its input as hostile: bounded, never panics.

pub mod names;

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

/// The decoded conversation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Transcript {
    pub messages: Vec<serde_json::Value>,
}

impl Transcript {
    /// Decode recorded chunks. Never panics, bounded work and memory.
    pub fn decode(_chunks: &[Chunk]) -> Transcript {
        Transcript::default()
    }
    /// Version chosen by the server (supported_versions in a TLS 1.3 ServerHello, else legacy_version).
    pub fn negotiated_version(&self) -> Option<u16> {
        None
    }
    /// Cipher suite chosen in the ServerHello.
    pub fn negotiated_cipher(&self) -> Option<u16> {
        None
    }
    /// Key-exchange group: key_share of a TLS 1.3 ServerHello, or the named curve of
    /// an ECDHE ServerKeyExchange in TLS <= 1.2.
    pub fn negotiated_group(&self) -> Option<u16> {
        None
    }
    /// Whether a ServerHello (not an HRR) was seen.
    pub fn saw_server_hello(&self) -> bool {
        false
    }
    /// The first alert each side sent in the clear.
    pub fn first_alert(&self, _from: Direction) -> Option<Alert> {
        None
    }
    /// DER certificates from a clear (TLS <= 1.2) Certificate message of the server.
    pub fn server_certificates(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }
    /// Name of the last handshake message the server sent in the clear (e.g. "ServerKeyExchange").
    pub fn last_server_message(&self) -> Option<&'static str> {
        None
    }
    /// (lead's temporary stub) Versions the ClientHello offered.
    pub fn offered_versions(&self) -> Vec<u16> {
        Vec::new()
    }
    /// True when the first bytes from the server were not a TLS record at all.
    pub fn server_spoke_non_tls(&self) -> bool {
        false
    }
}
