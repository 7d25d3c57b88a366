//! Decryption's view of the framing: records with their exact 5-byte header (the AEAD
//! additional data) and handshake messages with their exact bytes (the transcript
//! hash). The framing itself, and its size limits, are `crate::wire`'s one framer and
//! reassembler; this only adapts them to the borrow pattern the session needs.

use crate::wire::{Chunk, Direction, Frame, HsFrame, HsStream, RecordStream};
use std::time::Duration;

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
        let [t, ..] = self.header;
        t
    }
}

/// Splits both directions' byte streams into records.
#[derive(Default)]
pub(super) struct Framer {
    client: RecordStream,
    server: RecordStream,
}

impl Framer {
    /// Feed one chunk and hand every record it completes to `on`. Returns a
    /// description of the problem when this direction stops framing (not TLS).
    pub fn feed(&mut self, c: &Chunk, mut on: impl FnMut(&Record<'_>)) -> Option<String> {
        let s = match c.dir {
            Direction::Client => &mut self.client,
            Direction::Server => &mut self.server,
        };
        s.push(c.at, &c.bytes);
        while let Some(f) = s.next() {
            match f {
                Frame::Record {
                    at,
                    header,
                    payload,
                } => on(&Record {
                    dir: c.dir,
                    at,
                    header,
                    payload,
                }),
                Frame::Sslv2 { .. } => {}
                Frame::Stop { why, .. } => {
                    return Some(format!("{why}; stopped reading this direction"));
                }
            }
        }
        None
    }

    /// Bytes left over in a direction (an incomplete record at the end of the capture).
    pub fn leftover(&self, d: Direction) -> usize {
        match d {
            Direction::Client => self.client.leftover(),
            Direction::Server => self.server.leftover(),
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

/// Handshake-stream reassembly for one direction.
#[derive(Default)]
pub(super) struct HsBuf {
    hs: HsStream,
}

impl HsBuf {
    /// Append a record's handshake bytes; returns the messages completed and, if the
    /// stream broke, why.
    pub fn push(&mut self, data: &[u8], at: Duration) -> (Vec<HsMessage>, Option<String>) {
        let mut out = Vec::new();
        self.hs.push(at, 0x0303, data);
        while let Some(f) = self.hs.next() {
            match f {
                HsFrame::Message { at, raw, .. } => out.push(HsMessage {
                    msg_type: raw.first().copied().unwrap_or(0),
                    raw: raw.to_vec(),
                    at,
                }),
                HsFrame::Oversize { msg_type, len, .. } => {
                    let why = format!(
                        "handshake message type {msg_type} claims {len} bytes (limit {}); \
                         stopped reassembling",
                        crate::wire::MAX_HANDSHAKE
                    );
                    return (out, Some(why));
                }
            }
        }
        (out, None)
    }

    /// Bytes of an incomplete message still buffered.
    pub fn pending(&self) -> usize {
        self.hs.pending()
    }
}
