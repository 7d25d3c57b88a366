//! The one record framer and the one handshake reassembler, with the one pair of size
//! limits. The decoder, the dissector (both through `walk`) and TLS 1.3 decryption all
//! cut the byte streams here, so they agree on where every record and message begins
//! and on when a stream stops being TLS.
//!
//! Both are pull-based: push bytes in, then take frames out with `next` until `None`.
//! A frame borrows the buffer, so nothing is copied on the way through.

use super::dissect::u24_at;
use std::collections::VecDeque;
use std::time::Duration;

/// RFC 8446 §5.2 allows ciphertext of 2^14 + 256; TLS 1.2 allowed 2^14 + 2048. The
/// larger bound keeps a slightly out-of-spec peer decodable.
pub(crate) const MAX_RECORD: usize = (1 << 14) + 2048;
/// Handshake messages larger than this are not reassembled: a hostile length must not
/// make us buffer without bound, and a certificate chain that big is pathological.
pub(crate) const MAX_HANDSHAKE: usize = 256 * 1024;

/// What the framer found next in one direction.
pub(crate) enum Frame<'a> {
    /// A TLS record: header and fragment exactly as on the wire (the header is the AEAD
    /// additional data, so decryption needs it verbatim).
    Record {
        /// Time of the chunk in which the record began.
        at: Duration,
        header: [u8; 5],
        payload: &'a [u8],
    },
    /// An SSLv2-compatible ClientHello, its 2-byte header included.
    Sslv2 { at: Duration, record: &'a [u8] },
    /// The stream is not (or no longer) TLS; nothing more comes from this direction.
    Stop {
        at: Duration,
        why: String,
        /// The bytes from the bad header on, as buffered so far.
        rest: &'a [u8],
        /// Good records before it (0: the peer never spoke TLS).
        records: usize,
    },
}

/// One direction's byte stream, cut into records.
#[derive(Default)]
pub(crate) struct RecordStream {
    /// Unparsed stream bytes from `pos`; `base` is the stream offset of `buf[0]`.
    buf: Vec<u8>,
    pos: usize,
    base: u64,
    /// (stream offset where a chunk began, its time), for chunks not fully parsed.
    starts: VecDeque<(u64, Duration)>,
    records: usize,
    stopped: bool,
    /// Whether the first record may be an SSLv2-compatible ClientHello (client side).
    sslv2_first: bool,
}

impl RecordStream {
    /// A stream whose first record may use SSLv2 framing (the client's, in a capture).
    pub(crate) fn client() -> Self {
        RecordStream {
            sslv2_first: true,
            ..Default::default()
        }
    }

    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }

    /// The handshake message type an incomplete trailing handshake record begins with
    /// (a record header, then the message's first byte), if that much arrived.
    pub(crate) fn leftover_handshake_type(&self) -> Option<u8> {
        let rest = self.buf.get(self.pos..)?;
        (self.leftover() > 5 && rest.first() == Some(&22))
            .then(|| rest.get(5).copied())
            .flatten()
    }

    /// Bytes of an incomplete record at the end of what was pushed.
    pub(crate) fn leftover(&self) -> usize {
        if self.stopped {
            0
        } else {
            self.buf.len().saturating_sub(self.pos)
        }
    }

    /// Append a chunk read at `at`. Ignored once the stream stopped.
    pub(crate) fn push(&mut self, at: Duration, bytes: &[u8]) {
        if self.stopped || bytes.is_empty() {
            return;
        }
        // Drop the parsed prefix once it is at least half the buffer, so a record
        // trickling in byte by byte costs linear, not quadratic, time.
        if self.pos > 0 && self.pos.saturating_mul(2) >= self.buf.len() {
            self.buf.drain(..self.pos.min(self.buf.len()));
            self.base += self.pos as u64;
            self.pos = 0;
        }
        self.starts
            .push_back((self.base + self.buf.len() as u64, at));
        self.buf.extend_from_slice(bytes);
    }

    /// The time of the chunk in which stream offset `off` arrived. Offsets asked for
    /// only grow, so entries before `off` can be dropped.
    fn time_at(&mut self, off: u64) -> Duration {
        while self.starts.len() > 1 && self.starts.get(1).is_some_and(|n| n.0 <= off) {
            self.starts.pop_front();
        }
        self.starts.front().map_or(Duration::ZERO, |c| c.1)
    }

    /// The next complete record, or `None` until more bytes arrive.
    pub(crate) fn next(&mut self) -> Option<Frame<'_>> {
        if self.stopped {
            return None;
        }
        let pos = self.pos;
        let avail = self.buf.get(pos..).unwrap_or(&[]);
        let b0 = *avail.first()?;
        let at = self.time_at(self.base + pos as u64);
        let avail = self.buf.get(pos..).unwrap_or(&[]);
        if self.sslv2_first && self.records == 0 && b0 & 0x80 != 0 {
            let b2 = *avail.get(2)?;
            if b2 != 1 {
                return Some(self.stop(at, "high bit set but not an SSLv2 ClientHello".into()));
            }
            let len = usize::from(b0 & 0x7f) << 8 | usize::from(*avail.get(1)?);
            let end = pos.checked_add(2 + len)?;
            self.buf.get(pos..end)?;
            self.pos = end;
            self.records += 1;
            let record = self.buf.get(pos..end).unwrap_or(&[]);
            return Some(Frame::Sslv2 { at, record });
        }
        if !(20..=24).contains(&b0) {
            return Some(self.stop(at, format!("bad record content type {b0}")));
        }
        if let Some(&major) = avail.get(1)
            && major != 3
        {
            return Some(self.stop(at, format!("bad record version major {major}")));
        }
        let header: [u8; 5] = avail.get(..5)?.try_into().ok()?;
        let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if len > MAX_RECORD {
            return Some(self.stop(at, format!("record length {len} exceeds {MAX_RECORD}")));
        }
        let end = pos + 5 + len;
        avail.get(..5 + len)?;
        self.pos = end;
        self.records += 1;
        let payload = self.buf.get(pos + 5..end).unwrap_or(&[]);
        Some(Frame::Record {
            at,
            header,
            payload,
        })
    }

    /// Stop this direction at the current position (the caller found the record it
    /// just got unusable): the time and the bytes from there on.
    pub(crate) fn halt(&mut self) -> (Duration, &[u8]) {
        let at = self.time_at(self.base + self.pos as u64);
        self.stopped = true;
        self.starts.clear();
        (at, self.buf.get(self.pos..).unwrap_or(&[]))
    }

    fn stop(&mut self, at: Duration, why: String) -> Frame<'_> {
        self.stopped = true;
        self.starts.clear();
        Frame::Stop {
            at,
            why,
            rest: self.buf.get(self.pos..).unwrap_or(&[]),
            records: self.records,
        }
    }
}

/// What the reassembler found next.
pub(crate) enum HsFrame<'a> {
    /// One whole handshake message: 4-byte header and body, exactly as sent.
    Message {
        /// Time and record version of the record in which the message began.
        at: Duration,
        record_version: u16,
        raw: &'a [u8],
    },
    /// A message claiming more than [`MAX_HANDSHAKE`] bytes: the stream cannot be
    /// resynchronised, so it stops here.
    Oversize {
        at: Duration,
        msg_type: u8,
        len: usize,
        /// The bytes of that message buffered so far.
        rest: &'a [u8],
    },
}

/// Handshake-stream reassembly for one direction: messages span records and several
/// share one record.
#[derive(Default)]
pub(crate) struct HsStream {
    buf: Vec<u8>,
    /// Bytes of `buf` already handed out.
    used: usize,
    /// (offset in `buf` where a record's bytes begin, its time, its record version).
    starts: VecDeque<(usize, Duration, u16)>,
    stopped: bool,
}

impl HsStream {
    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }

    /// Bytes of an incomplete message still buffered.
    pub(crate) fn pending(&self) -> usize {
        if self.stopped {
            return 0;
        }
        self.buf.len().saturating_sub(self.used)
    }

    /// The type of the incomplete message still buffered, if any.
    pub(crate) fn pending_type(&self) -> Option<u8> {
        (self.pending() > 0)
            .then(|| self.buf.get(self.used).copied())
            .flatten()
    }

    /// Forget what is buffered (e.g. clear bytes after a TLS 1.3 ServerHello).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.used = 0;
        self.starts.clear();
    }

    /// Append one record's handshake bytes.
    pub(crate) fn push(&mut self, at: Duration, record_version: u16, data: &[u8]) {
        if self.stopped {
            return;
        }
        if self.used > 0 {
            self.buf.drain(..self.used.min(self.buf.len()));
            for s in self.starts.iter_mut() {
                s.0 = s.0.saturating_sub(self.used);
            }
            self.used = 0;
        }
        self.starts.push_back((self.buf.len(), at, record_version));
        self.buf.extend_from_slice(data);
    }

    /// The next complete message, or `None` until more bytes arrive.
    pub(crate) fn next(&mut self) -> Option<HsFrame<'_>> {
        if self.stopped {
            return None;
        }
        let start = self.used;
        let rest = self.buf.get(start..).unwrap_or(&[]);
        let msg_type = *rest.first()?;
        let len = u24_at(rest, 1)?;
        while self.starts.len() > 1 && self.starts.get(1).is_some_and(|s| s.0 <= start) {
            self.starts.pop_front();
        }
        let (at, record_version) = self
            .starts
            .front()
            .map_or((Duration::ZERO, 0), |s| (s.1, s.2));
        if len > MAX_HANDSHAKE {
            self.stopped = true;
            self.starts.clear();
            let rest = std::mem::take(&mut self.buf);
            self.used = 0;
            // Keep the bytes shown bounded: the claimed length is a lie we do not buffer for.
            self.buf = rest.get(start..).unwrap_or(&[]).to_vec();
            return Some(HsFrame::Oversize {
                at,
                msg_type,
                len,
                rest: &self.buf,
            });
        }
        let end = start + 4 + len;
        rest.get(..4 + len)?;
        self.used = end;
        Some(HsFrame::Message {
            at,
            record_version,
            raw: self.buf.get(start..end).unwrap_or(&[]),
        })
    }
}
