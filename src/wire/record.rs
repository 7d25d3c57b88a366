//! The record layer: two byte streams in, records and messages out, in wire order.
//!
//! Chunks are fed in the order the tap saw them, so messages come out in the order
//! they crossed the wire, and whether a client record is encrypted can depend on the
//! ServerHello decoded just before it. Each direction keeps its own stream buffer
//! (records span chunks) and handshake buffer (messages span records).

use super::handshake::{HsCtx, decode_with};
use super::messages::{
    AlertMessage, Body, EncryptedRecords, Message, NotTls, Sslv2ClientHello, Unknown, Version,
};
use super::names;
use super::reader::{Reader, hex, sanitize_ascii};
use super::{Alert, Chunk, Direction};
use std::collections::VecDeque;
use std::time::Duration;

/// RFC 8446 5.2 allows ciphertext of 2^14 + 256; TLS 1.2 allowed 2^14 + 2048.
pub(crate) const MAX_RECORD: usize = (1 << 14) + 2048;
/// Handshake messages larger than this are not decoded (a certificate chain that big
/// is already pathological).
pub(crate) const MAX_HANDSHAKE: usize = 256 * 1024;
/// Upper bound on messages kept, whatever the input.
pub(crate) const MAX_MESSAGES: usize = 20_000;
/// Upper bound on notes kept.
const MAX_NOTES: usize = 64;

/// Per-direction state.
#[derive(Default)]
struct Side {
    /// Unparsed stream bytes; `base` is the stream offset of `buf[0]`.
    buf: Vec<u8>,
    pos: usize,
    base: u64,
    /// (stream offset where a chunk began, its time), for chunks not fully parsed.
    chunk_starts: VecDeque<(u64, Duration)>,
    /// Decoding of this direction stopped (not TLS / malformed).
    stopped: bool,
    /// Index of this side's NotTls message, to extend its first bytes as they arrive.
    not_tls_msg: Option<usize>,
    not_tls_raw: Vec<u8>,
    records: usize,
    /// TLS <= 1.2: a ChangeCipherSpec was sent, later records are encrypted.
    encrypting: bool,
    /// Handshake reassembly: bytes not yet consumed, with per-record start times.
    hs: Vec<u8>,
    hs_times: VecDeque<(usize, Duration, u16)>,
    hs_stopped: bool,
    pub enc_records: usize,
    pub enc_bytes: usize,
}

/// Record-layer decoder across both directions.
#[derive(Default)]
pub(crate) struct Decoder {
    pub messages: Vec<Message>,
    pub notes: Vec<String>,
    client: Side,
    server: Side,
    sh_seen: bool,
    tls13: bool,
    version: Option<u16>,
    suite: Option<u16>,
    dropped: bool,
}

fn dir_name(d: Direction) -> &'static str {
    match d {
        Direction::Client => "client",
        Direction::Server => "server",
    }
}

impl Decoder {
    fn side(&mut self, d: Direction) -> &mut Side {
        match d {
            Direction::Client => &mut self.client,
            Direction::Server => &mut self.server,
        }
    }

    /// (records, bytes) counted as encrypted from `d`.
    pub(crate) fn encrypted(&self, d: Direction) -> (usize, usize) {
        let s = match d {
            Direction::Client => &self.client,
            Direction::Server => &self.server,
        };
        (s.enc_records, s.enc_bytes)
    }

    fn note(&mut self, n: String) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(n);
        }
    }

    fn push(&mut self, from: Direction, at: Duration, body: Body) {
        if self.messages.len() >= MAX_MESSAGES {
            if !self.dropped {
                self.dropped = true;
                self.note(format!(
                    "more than {MAX_MESSAGES} messages; the rest were dropped"
                ));
            }
            return;
        }
        self.messages.push(Message {
            from,
            // Via nanoseconds so whole microseconds print exactly (5.658, not 5.657999...).
            at_ms: at.as_nanos() as f64 / 1e6,
            body,
        });
    }

    /// Feed one chunk and decode every record it completes.
    pub(crate) fn feed(&mut self, c: &Chunk) {
        let d = c.dir;
        let side = self.side(d);
        if side.stopped {
            // Keep collecting the first bytes of a non-TLS answer for the note.
            if let Some(i) = side.not_tls_msg {
                let room = 64usize.saturating_sub(side.not_tls_raw.len());
                let add = c.bytes.get(..room.min(c.bytes.len())).unwrap_or(&[]);
                side.not_tls_raw.extend_from_slice(add);
                let text = sanitize_ascii(&side.not_tls_raw);
                if let Some(Message {
                    body: Body::NotTls(n),
                    ..
                }) = self.messages.get_mut(i)
                {
                    n.first_bytes = text;
                }
            }
            return;
        }
        if c.bytes.is_empty() {
            return;
        }
        let start = side.base + side.buf.len() as u64;
        side.chunk_starts.push_back((start, c.at));
        side.buf.extend_from_slice(&c.bytes);
        self.parse(d);
        let side = self.side(d);
        // Compact: drop the parsed prefix once it is at least half the buffer, so a
        // record trickling in byte by byte costs linear, not quadratic, time.
        if side.pos > 0 && (side.pos == side.buf.len() || side.pos * 2 >= side.buf.len()) {
            side.buf.drain(..side.pos);
            side.base += side.pos as u64;
            side.pos = 0;
        }
    }

    /// The time of the chunk in which stream offset `off` arrived.
    fn time_at(side: &mut Side, off: u64) -> Duration {
        while side.chunk_starts.len() > 1 && side.chunk_starts.get(1).is_some_and(|n| n.0 <= off) {
            side.chunk_starts.pop_front();
        }
        side.chunk_starts.front().map_or(Duration::ZERO, |c| c.1)
    }

    fn parse(&mut self, d: Direction) {
        loop {
            let side = self.side(d);
            let avail = side.buf.get(side.pos..).unwrap_or(&[]);
            let Some(&b0) = avail.first() else { return };
            // SSLv2-compatible ClientHello: only as the very first client record.
            if d == Direction::Client && side.records == 0 && b0 & 0x80 != 0 {
                let (Some(&b1), Some(&b2)) = (avail.get(1), avail.get(2)) else {
                    return;
                };
                if b2 != 1 {
                    return self.stop(d, "high bit set but not an SSLv2 ClientHello");
                }
                let len = usize::from(b0 & 0x7f) << 8 | usize::from(b1);
                let Some(rec) = avail.get(2..2 + len) else {
                    return;
                };
                let body = sslv2_client_hello(rec);
                let off = side.base + side.pos as u64;
                let at = Self::time_at(side, off);
                side.pos += 2 + len;
                side.records += 1;
                match body {
                    Some(b) => self.push(d, at, Body::SSLv2ClientHello(b)),
                    None => return self.stop(d, "malformed SSLv2 ClientHello"),
                }
                continue;
            }
            if !(20..=24).contains(&b0) {
                return self.stop(d, &format!("bad record content type {b0}"));
            }
            if let Some(&major) = avail.get(1)
                && major != 3
            {
                return self.stop(d, &format!("bad record version major {major}"));
            }
            let Some(hdr) = avail.get(..5) else { return };
            let mut h = Reader::new(hdr);
            let (Some(ctype), Some(rver), Some(len)) = (h.u8(), h.u16(), h.u16()) else {
                return;
            };
            let len = usize::from(len);
            if len > MAX_RECORD {
                return self.stop(d, &format!("record length {len} exceeds {MAX_RECORD}"));
            }
            let Some(payload) = avail.get(5..5 + len) else {
                return;
            };
            let payload = payload.to_vec();
            let off = side.base + side.pos as u64;
            let at = Self::time_at(side, off);
            side.pos += 5 + len;
            side.records += 1;
            self.record(d, at, ctype, rver, &payload);
        }
    }

    /// Stop decoding `d`: the bytes are not (or no longer) TLS.
    fn stop(&mut self, d: Direction, why: &str) {
        let side = self.side(d);
        side.stopped = true;
        let first = side.records == 0;
        let raw: Vec<u8> = side
            .buf
            .get(side.pos..)
            .unwrap_or(&[])
            .iter()
            .take(64)
            .copied()
            .collect();
        let off = side.base + side.pos as u64;
        let at = Self::time_at(side, off);
        side.buf = Vec::new();
        side.pos = 0;
        side.hs = Vec::new();
        let note = if first {
            format!("{} did not speak TLS: {why}", dir_name(d))
        } else {
            format!("malformed {} record, decoding stopped: {why}", dir_name(d))
        };
        let body = Body::NotTls(NotTls {
            note,
            first_bytes: sanitize_ascii(&raw),
            first_hex: hex(raw.get(..16).unwrap_or(&raw)),
        });
        let idx = self.messages.len();
        self.push(d, at, body);
        let pushed = self.messages.len() > idx;
        let side = self.side(d);
        if pushed {
            side.not_tls_msg = Some(idx);
            side.not_tls_raw = raw;
        }
    }

    fn record(&mut self, d: Direction, at: Duration, ctype: u8, rver: u16, payload: &[u8]) {
        let encrypted_now = self.tls13 || self.side(d).encrypting;
        match ctype {
            20 => {
                self.push(d, at, Body::ChangeCipherSpec);
                // TLS 1.3 compatibility CCS records change nothing; in TLS <= 1.2 the
                // sender's next records are under the new keys.
                if self.sh_seen && !self.tls13 {
                    self.side(d).encrypting = true;
                }
            }
            21 if !encrypted_now || payload.len() == 2 => {
                // A 2-byte alert is in the clear even after CCS: no cipher suite
                // produces 2-byte ciphertext.
                let mut r = Reader::new(payload);
                while let (Some(level), Some(description)) = (r.u8(), r.u8()) {
                    let raw = Alert { level, description };
                    let body = Body::Alert(AlertMessage {
                        level: names::alert_level_name(level),
                        description: names::alert_name(description),
                        code: description,
                        raw,
                    });
                    self.push(d, at, body);
                }
                if !r.is_empty() {
                    self.note(format!("{}: odd trailing alert byte", dir_name(d)));
                }
            }
            22 if !encrypted_now => self.handshake(d, at, rver, payload),
            24 => {
                let t = payload.first().copied().unwrap_or(0);
                let body = Body::Unknown(Unknown {
                    kind: "heartbeat".into(),
                    msg_type: t,
                    type_name: match t {
                        1 => "heartbeat_request".into(),
                        2 => "heartbeat_response".into(),
                        _ => format!("heartbeat_{t}"),
                    },
                    length: payload.len(),
                });
                self.push(d, at, body);
            }
            _ => self.encrypted_record(d, at, ctype, payload.len()),
        }
    }

    /// Count an encrypted record and fold it into the current run of `d`, if the run
    /// is the last thing in the transcript.
    fn encrypted_record(&mut self, d: Direction, at: Duration, ctype: u8, len: usize) {
        let side = self.side(d);
        side.enc_records += 1;
        side.enc_bytes += len;
        let tname = names::content_type_name(ctype);
        if let Some(Message {
            from,
            body: Body::EncryptedRecords(e),
            ..
        }) = self.messages.last_mut()
            && *from == d
        {
            e.count += 1;
            e.bytes += len;
            if !e.types.contains(&tname) {
                e.types.push(tname);
            }
            return;
        }
        self.push(
            d,
            at,
            Body::EncryptedRecords(EncryptedRecords {
                count: 1,
                bytes: len,
                types: vec![tname],
            }),
        );
    }

    fn handshake(&mut self, d: Direction, at: Duration, rver: u16, payload: &[u8]) {
        let side = self.side(d);
        if side.hs_stopped {
            return;
        }
        side.hs_times.push_back((side.hs.len(), at, rver));
        side.hs.extend_from_slice(payload);
        let mut consumed = 0usize;
        loop {
            let side = self.side(d);
            let rest = side.hs.get(consumed..).unwrap_or(&[]);
            let mut r = Reader::new(rest);
            let (Some(t), Some(len)) = (r.u8(), r.u24()) else {
                break;
            };
            if len > MAX_HANDSHAKE {
                side.hs_stopped = true;
                side.hs = Vec::new();
                side.hs_times.clear();
                self.note(format!(
                    "{}: handshake message type {t} claims {len} bytes (cap {MAX_HANDSHAKE}); \
                     handshake decoding stopped",
                    dir_name(d)
                ));
                return;
            }
            let Some(body) = r.take(len) else { break };
            let body = body.to_vec();
            // Time and record version of the record in which this message began.
            while side.hs_times.len() > 1 && side.hs_times.get(1).is_some_and(|x| x.0 <= consumed) {
                side.hs_times.pop_front();
            }
            let (at, rver) = side.hs_times.front().map_or((at, rver), |x| (x.1, x.2));
            consumed += 4 + len;
            let ctx = HsCtx {
                version: self.version,
                suite: self.suite,
                record_version: rver,
            };
            let decoded = decode_with(t, &body, &ctx);
            if let Body::ServerHello(sh) = &decoded
                && d == Direction::Server
                && !self.sh_seen
            {
                self.sh_seen = true;
                self.version = Some(sh.version.0);
                self.suite = Some(sh.cipher_suite.0);
                self.tls13 = sh.version.0 == 0x0304;
            }
            self.push(d, at, decoded);
            if self.tls13 {
                // Everything after a TLS 1.3 ServerHello is encrypted; any handshake
                // bytes left in the clear are not decodable.
                let side = self.side(d);
                let left = side.hs.len().saturating_sub(consumed);
                if left > 0 {
                    self.note(format!(
                        "{}: {left} clear handshake bytes after a TLS 1.3 ServerHello ignored",
                        dir_name(d)
                    ));
                }
                let side = self.side(d);
                side.hs.clear();
                side.hs_times.clear();
                return;
            }
        }
        let side = self.side(d);
        side.hs.drain(..consumed.min(side.hs.len()));
        for x in side.hs_times.iter_mut() {
            x.0 = x.0.saturating_sub(consumed);
        }
    }

    /// End of input: say what was left half-done.
    pub(crate) fn finish(&mut self) {
        for d in [Direction::Client, Direction::Server] {
            let side = self.side(d);
            if side.stopped {
                continue;
            }
            let left = side.buf.len().saturating_sub(side.pos);
            let hs_left = side.hs.len();
            if left > 0 {
                self.note(format!(
                    "{}: {left} trailing bytes of an incomplete record",
                    dir_name(d)
                ));
            }
            if hs_left > 0 {
                self.note(format!(
                    "{}: {hs_left} bytes of an incomplete handshake message",
                    dir_name(d)
                ));
            }
        }
    }
}

/// SSLv2 CLIENT-HELLO (the record body after the 2-byte header): msg type 1, version,
/// cipher_specs_length, session_id_length, challenge_length, then the three fields.
fn sslv2_client_hello(rec: &[u8]) -> Option<Sslv2ClientHello> {
    let mut r = Reader::new(rec);
    if r.u8()? != 1 {
        return None;
    }
    let version = r.u16()?;
    let cs_len = usize::from(r.u16()?);
    let sid_len = usize::from(r.u16()?);
    let ch_len = usize::from(r.u16()?);
    let specs = r.take(cs_len)?;
    r.take(sid_len)?;
    r.take(ch_len)?;
    let cipher_specs = specs
        .chunks_exact(3)
        .map(|s| match s {
            [0, a, b] => {
                let id = u16::from_be_bytes([*a, *b]);
                if names::is_grease(id) {
                    "GREASE".into()
                } else {
                    names::cipher_name(id)
                }
            }
            [a, b, c] => sslv2_cipher_name(u32::from_be_bytes([0, *a, *b, *c])),
            _ => String::new(),
        })
        .collect();
    Some(Sslv2ClientHello {
        version: Version(version),
        cipher_specs,
        session_id_len: sid_len,
        challenge_len: ch_len,
    })
}

fn sslv2_cipher_name(k: u32) -> String {
    match k {
        0x010080 => "SSL_CK_RC4_128_WITH_MD5".into(),
        0x020080 => "SSL_CK_RC4_128_EXPORT40_WITH_MD5".into(),
        0x030080 => "SSL_CK_RC2_128_CBC_WITH_MD5".into(),
        0x040080 => "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5".into(),
        0x050080 => "SSL_CK_IDEA_128_CBC_WITH_MD5".into(),
        0x060040 => "SSL_CK_DES_64_CBC_WITH_MD5".into(),
        0x0700c0 => "SSL_CK_DES_192_EDE3_CBC_WITH_MD5".into(),
        _ => format!("0x{k:06x}"),
    }
}
