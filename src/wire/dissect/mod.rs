//! The one walk over handshake bytes, and its byte-exact view for the ladder and its
//! hex pane.
//!
//! Each message and each extension has one function here, written against the one
//! cursor (`Cur`) and field recorder (`Out`). It returns the typed value (the
//! `--json` contract, `crate::wire::messages`) and, when the recorder is on, says for
//! every field where its bytes are, what they say, what the field is for and where it
//! is specified. `Transcript::decode` runs the walk with the recorder off; [`dissect`]
//! with it on. Top-level fields of a [`Dissected`] always tile its `raw` bytes exactly:
//! whatever could not be attributed (malformed or truncated input, the field cap) is
//! covered by an `unparsed` field.
//!
//! Like the rest of the wire layer this treats its input as hostile: no indexing or
//! unwrapping of peer data, bounded sizes and counts, peer strings escaped.

use crate::wire::framing::MAX_HANDSHAKE;
use crate::wire::messages::{
    Body, CertEntry, Certificate, CertificateRequest, CertificateVerify, CipherSuite, ClientHello,
    ClientKeyExchange, ExtensionEntry, Finished, Group, HelloExtensions, KeyShare,
    NewSessionTicket, ServerHello, ServerKeyExchange, SigScheme, Sslv2ClientHello, Unknown,
    Version,
};
use crate::wire::names::{self, Kx};
use crate::wire::show::*;
use crate::wire::{Chunk, Direction};
use serde::Serialize;

mod certificate;
mod cursor;
mod ext13;
mod ext_body;
mod extensions;
mod hello;
mod key_exchange;
mod other;
mod record;
#[cfg(test)]
pub(crate) mod tests;
mod values;
mod x509;

use certificate::*;
pub(crate) use cursor::{Ctx, Cur, Out, u24_at};
use ext_body::*;
use ext13::*;
use extensions::*;
use hello::dissect_message;
pub use hello::{HRR_RANDOM, decode_handshake_message};
pub(crate) use hello::{msg_name, truncated, walk_message};
use key_exchange::*;
use other::*;
pub(crate) use record::{RecKind, not_tls_item, record_item, sslv2_hello};
use values::*;

/// One field of a message: where its bytes are, what they say, what they mean.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldSpan {
    /// e.g. "legacy_version", "cipher_suites[3]", "extension server_name", "host_name"
    pub name: String,
    /// Byte range within `Dissected::raw`.
    pub start: usize,
    pub len: usize,
    /// Decoded value in words, e.g. "TLSv1.2 (0x0303)", "localhost".
    pub value: String,
    /// One line: what this field is for.
    pub meaning: String,
    /// Where it is specified, e.g. "RFC 8446 §4.1.2" (empty when nothing applies).
    pub rfc: &'static str,
    /// Nesting depth for indentation (0 = top level, 1 = inside an extension, ...).
    pub depth: u8,
}

/// One record or handshake message, with its bytes and their fields.
#[derive(Clone, Debug, Serialize)]
pub struct Dissected {
    pub from: Direction,
    pub at_ms: f64,
    /// "ClientHello", "ServerHello", "HelloRetryRequest", "Certificate", ...,
    /// "ChangeCipherSpec", "Alert", "EncryptedRecord", "NotTls", "Unknown".
    pub name: String,
    /// Handshake message: 4-byte header + body. Record-level items: the record
    /// (5-byte header + fragment, fragment capped at 4 KiB).
    pub raw: Vec<u8>,
    /// Depth-0 fields tile `raw`; deeper fields refine them.
    pub fields: Vec<FieldSpan>,
}

impl Dissected {
    /// The dissector's promise, checked: depth-0 fields tile `raw` in order, every
    /// field lies inside it, and the field count is bounded. The first broken one, in
    /// words. For tests and the fuzz targets.
    pub fn check_tiling(&self) -> Result<(), String> {
        let mut pos = 0usize;
        for f in &self.fields {
            if f.start
                .checked_add(f.len)
                .is_none_or(|end| end > self.raw.len())
            {
                return Err(format!("{}: field {} out of range", self.name, f.name));
            }
            if f.depth == 0 {
                if f.start != pos {
                    return Err(format!("{}: gap/overlap at {}", self.name, f.name));
                }
                pos += f.len;
            }
        }
        if pos != self.raw.len() {
            return Err(format!("{}: raw not covered", self.name));
        }
        if self.fields.len() > 2 * MAX_FIELDS + 1 {
            return Err(format!("{}: {} fields", self.name, self.fields.len()));
        }
        Ok(())
    }
}

/// Fields kept per message (gap fillers may add a few more).
const MAX_FIELDS: usize = 2_000;
/// Items kept per dissection.
pub(crate) const MAX_ITEMS: usize = 5_000;
/// Record fragments (and oversize messages) shown up to this many bytes.
const DISPLAY_CAP: usize = 4096;
/// Peer strings in recorded values are cut after this many bytes.
const MAX_STR: usize = 128;

/// Dissect every record/handshake message in the recorded chunks, in wire order
/// (interleaving the two directions by chunk order, like the decoder's transcript).
/// Never panics; at most 5,000 items.
pub fn dissect(chunks: &[Chunk]) -> Vec<Dissected> {
    let mut w = crate::wire::walk::Walk::new(true);
    for c in chunks {
        if w.items.len() >= MAX_ITEMS {
            break;
        }
        w.feed(c);
    }
    w.items
}

/// Dissect one handshake message given its raw bytes (4-byte header + body), e.g. one
/// decrypted from a TLS 1.3 record. `version_hint` Some(0x0304) selects TLS 1.3 layouts
/// (Certificate with request context and per-entry extensions, NewSessionTicket, ...);
/// Some(v < 0x0303) the layouts without signature algorithm fields.
pub fn dissect_handshake(
    from: Direction,
    at_ms: f64,
    raw: &[u8],
    version_hint: Option<u16>,
) -> Dissected {
    // record_version 0: the message came out of a decrypted record, whose header
    // the ladder shows as its own item.
    let ctx = Ctx {
        version: version_hint,
        suite: None,
        record_version: 0,
    };
    if raw.len() > 4 + MAX_HANDSHAKE {
        let t = raw.first().copied().unwrap_or(0);
        let len = u24_at(raw, 1).unwrap_or(raw.len());
        return truncated(from, at_ms, raw, t, len);
    }
    dissect_message(from, at_ms, raw.to_vec(), ctx)
}
