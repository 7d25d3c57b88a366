//! Record framing and handshake-message reassembly, per direction.
//!
//! Written independently of `crate::wire`'s decoder because decryption needs what a
//! display decoder throws away: the exact 5-byte header of every record (the AEAD
//! additional data) and the raw bytes of every handshake message (the transcript hash).

use crate::wire::{Chunk, Direction};
use std::time::Duration;

/// RFC 8446 §5.2 allows 2^14 + 256 bytes of ciphertext; TLS 1.2 allowed 2^14 + 2048.
/// The larger bound keeps a slightly out-of-spec peer decodable.
pub(super) const MAX_RECORD: usize = (1 << 14) + 2048;
/// Handshake messages above this are not reassembled (a hostile length must not make
/// us buffer without bound; real certificate chains are far smaller).
pub(super) const MAX_HANDSHAKE: usize = 256 * 1024;

/// One complete record as it crossed the wire.
pub(super) struct Record<'a> {
    pub dir: Direction,
    /// Time of the chunk in which the record began.
    pub at: Duration,
    pub header: [u8; 5],
    pub payload: &'a [u8],
}

impl Record<'_> {
    pub fn content_type(&self) -> u8 {
        self.header[0]
    }
}

#[derive(Default)]
struct Stream {
    buf: Vec<u8>,
    /// Time of the chunk holding `buf[0]`.
    buf_at: Duration,
    stopped: bool,
}

/// Splits both directions' byte streams into records.
#[derive(Default)]
pub(super) struct Framer {
    client: Stream,
    server: Stream,
}

impl Framer {
    /// Feed one chunk and hand every record it completes to `on`. Returns a
    /// description of the problem when this direction stops framing (not TLS).
    pub fn feed(&mut self, c: &Chunk, mut on: impl FnMut(&Record<'_>)) -> Option<String> {
        let s = match c.dir {
            Direction::Client => &mut self.client,
            Direction::Server => &mut self.server,
        };
        if s.stopped || c.bytes.is_empty() {
            return None;
        }
        if s.buf.is_empty() {
            s.buf_at = c.at;
        }
        let old_len = s.buf.len();
        s.buf.extend_from_slice(&c.bytes);
        let mut pos = 0;
        let mut problem = None;
        while let Some(h) = s.buf.get(pos..pos + 5) {
            let header = [h[0], h[1], h[2], h[3], h[4]];
            let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
            if !(20..=24).contains(&header[0]) || header[1] != 3 {
                problem = Some(format!(
                    "not a TLS record header ({:02x} {:02x} {:02x}); stopped reading this direction",
                    header[0], header[1], header[2]
                ));
                break;
            }
            if len > MAX_RECORD {
                problem = Some(format!(
                    "record of {len} bytes exceeds the TLS limit; stopped reading this direction"
                ));
                break;
            }
            let Some(payload) = s.buf.get(pos + 5..pos + 5 + len) else {
                break;
            };
            let at = if pos < old_len { s.buf_at } else { c.at };
            on(&Record {
                dir: c.dir,
                at,
                header,
                payload,
            });
            pos += 5 + len;
        }
        if problem.is_some() {
            s.stopped = true;
            s.buf = Vec::new();
            return problem;
        }
        s.buf.drain(..pos.min(s.buf.len()));
        if pos >= old_len && !s.buf.is_empty() {
            s.buf_at = c.at;
        }
        None
    }

    /// Bytes left over in a direction (an incomplete record at the end of the capture).
    pub fn leftover(&self, d: Direction) -> usize {
        match d {
            Direction::Client => self.client.buf.len(),
            Direction::Server => self.server.buf.len(),
        }
    }
}

/// One reassembled handshake message.
pub(super) struct HsMessage {
    pub msg_type: u8,
    /// Header and body, exactly as on the wire (for the transcript hash).
    pub raw: Vec<u8>,
    /// Time of the record in which the message began.
    pub at: Duration,
}

impl HsMessage {
    pub fn body(&self) -> &[u8] {
        self.raw.get(4..).unwrap_or(&[])
    }
}

/// Handshake-stream reassembly for one direction: messages span records and several
/// share one record. After an oversize length the stream cannot be resynchronised,
/// so it stops.
#[derive(Default)]
pub(super) struct HsBuf {
    buf: Vec<u8>,
    at: Duration,
    pub broken: bool,
}

impl HsBuf {
    /// Append a record's handshake bytes; returns the messages completed and, if the
    /// stream broke, why.
    pub fn push(&mut self, data: &[u8], at: Duration) -> (Vec<HsMessage>, Option<String>) {
        let mut out = Vec::new();
        if self.broken {
            return (out, None);
        }
        if self.buf.is_empty() {
            self.at = at;
        }
        let old_len = self.buf.len();
        self.buf.extend_from_slice(data);
        let mut pos = 0;
        let mut err = None;
        while let Some(h) = self.buf.get(pos..pos + 4) {
            let len = (usize::from(h[1]) << 16) | (usize::from(h[2]) << 8) | usize::from(h[3]);
            if len > MAX_HANDSHAKE {
                err = Some(format!(
                    "handshake message type {} claims {len} bytes (limit {MAX_HANDSHAKE}); stopped reassembling",
                    h[0]
                ));
                break;
            }
            let Some(raw) = self.buf.get(pos..pos + 4 + len) else {
                break;
            };
            out.push(HsMessage {
                msg_type: h[0],
                raw: raw.to_vec(),
                at: if pos < old_len { self.at } else { at },
            });
            pos += 4 + len;
        }
        if err.is_some() {
            self.broken = true;
            self.buf = Vec::new();
            return (out, err);
        }
        self.buf.drain(..pos.min(self.buf.len()));
        if pos >= old_len && !self.buf.is_empty() {
            self.at = at;
        }
        (out, None)
    }

    /// Bytes of an incomplete message still buffered.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}
