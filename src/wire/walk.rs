//! The walk over a whole capture: both directions in wire order, records framed by
//! `framing`, handshake messages walked by `dissect`'s one function per message.
//!
//! Chunks are fed in the order the tap saw them, so items come out in the order they
//! crossed the wire, and whether a client record is encrypted can depend on the
//! ServerHello decoded just before it. The same walk makes the typed transcript
//! (`messages`, `notes`, encrypted counts) and, when recording, the dissection
//! (`items`); `Transcript::decode` and `dissect` are its two callers.

use super::dissect::{
    Ctx, Dissected, MAX_ITEMS, Out, RecKind, not_tls_item, record_item, sslv2_hello, truncated,
    walk_message,
};
use super::framing::{Frame, HsFrame, HsStream, MAX_HANDSHAKE, RecordStream};
use super::messages::{AlertMessage, Body, EncryptedRecords, Message, NotTls, Unknown};
use super::show::{ascii, hex};
use super::{Alert, Chunk, Direction, names};
use std::time::Duration;

/// Upper bound on messages kept, whatever the input.
/// A real handshake has tens of messages; past this a peer is flooding.
pub(crate) const MAX_MESSAGES: usize = 2_000;
/// Upper bound on notes kept.
const MAX_NOTES: usize = 64;

/// Per-direction state.
#[derive(Default)]
struct Side {
    records: RecordStream,
    hs: HsStream,
    /// TLS <= 1.2: a ChangeCipherSpec was sent, later records are encrypted.
    encrypting: bool,
    /// Index of this side's NotTls message, to extend its first bytes as they arrive.
    not_tls_msg: Option<usize>,
    not_tls_raw: Vec<u8>,
    enc_records: usize,
    enc_bytes: usize,
}

/// Both directions' state, and what the walk produced so far.
pub(crate) struct Walk {
    /// Record every field (the dissection) as well as the typed view.
    rec: bool,
    pub(crate) messages: Vec<Message>,
    pub(crate) notes: Vec<String>,
    /// A handshake message a side began and never finished (oversize or cut off).
    pub(crate) unfinished: Option<(Direction, u8)>,
    pub(crate) items: Vec<Dissected>,
    client: Side,
    server: Side,
    sh_seen: bool,
    tls13: bool,
    ctx: Ctx,
    dropped: bool,
}

fn dir_name(d: Direction) -> &'static str {
    match d {
        Direction::Client => "client",
        Direction::Server => "server",
    }
}

/// Milliseconds, via nanoseconds so whole microseconds print exactly (5.658, not
/// 5.657999...).
pub(crate) fn ms(at: Duration) -> f64 {
    at.as_nanos() as f64 / 1e6
}

impl Walk {
    pub(crate) fn new(rec: bool) -> Walk {
        Walk {
            rec,
            messages: Vec::new(),
            notes: Vec::new(),
            unfinished: None,
            items: Vec::new(),
            client: Side {
                records: RecordStream::client(),
                ..Default::default()
            },
            server: Side::default(),
            sh_seen: false,
            tls13: false,
            ctx: Ctx::default(),
            dropped: false,
        }
    }

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
            at_ms: ms(at),
            body,
        });
    }

    fn item(&mut self, item: impl FnOnce() -> Dissected) {
        if self.rec && self.items.len() < MAX_ITEMS {
            self.items.push(item());
        }
    }

    fn full(&self) -> bool {
        self.rec && self.items.len() >= MAX_ITEMS
    }

    /// Feed one chunk and walk every record it completes.
    pub(crate) fn feed(&mut self, c: &Chunk) {
        let d = c.dir;
        let side = self.side(d);
        if side.records.stopped() {
            // Keep collecting the first bytes of a non-TLS answer for the note.
            self.extend_not_tls(d, &c.bytes);
            return;
        }
        side.records.push(c.at, &c.bytes);
        // The stream is taken out while its frames (which borrow it) are handled.
        let mut records = std::mem::take(&mut side.records);
        while !self.full() {
            let Some(frame) = records.next() else { break };
            match frame {
                Frame::Record {
                    at,
                    header,
                    payload,
                } => self.record(d, at, header, payload),
                Frame::Sslv2 { at, record } => {
                    let mut o = Out::new(self.rec);
                    let hello = sslv2_hello(record, &mut o);
                    self.item(|| o.finish(d, ms(at), "SSLv2ClientHello", record.to_vec()));
                    match hello {
                        Some(h) => self.push(d, at, Body::SSLv2ClientHello(h)),
                        None => {
                            let (at, rest) = records.halt();
                            let why = "malformed SSLv2 ClientHello".to_string();
                            self.stop(d, at, &why, rest, 1);
                        }
                    }
                }
                Frame::Stop {
                    at,
                    why,
                    rest,
                    records: n,
                } => self.stop(d, at, &why, rest, n),
            }
        }
        self.side(d).records = records;
    }

    fn extend_not_tls(&mut self, d: Direction, bytes: &[u8]) {
        let side = self.side(d);
        let Some(i) = side.not_tls_msg else { return };
        let room = 64usize.saturating_sub(side.not_tls_raw.len());
        let add = bytes.get(..room.min(bytes.len())).unwrap_or(&[]);
        side.not_tls_raw.extend_from_slice(add);
        let text = ascii(&side.not_tls_raw);
        if let Some(Message {
            body: Body::NotTls(n),
            ..
        }) = self.messages.get_mut(i)
        {
            n.first_bytes = text;
        }
    }

    /// This direction is not (or no longer) TLS.
    fn stop(&mut self, d: Direction, at: Duration, why: &str, rest: &[u8], records: usize) {
        self.side(d).hs.clear();
        let raw: Vec<u8> = rest.iter().take(64).copied().collect();
        let first = records == 0;
        self.item(|| {
            let why = if first {
                why.to_string()
            } else {
                format!("malformed record after {records} good ones: {why}")
            };
            not_tls_item(d, ms(at), rest, &why)
        });
        let note = if first {
            format!("{} did not speak TLS: {why}", dir_name(d))
        } else {
            format!("malformed {} record, decoding stopped: {why}", dir_name(d))
        };
        let body = Body::NotTls(NotTls {
            note,
            first_bytes: ascii(&raw),
            first_hex: hex(raw.get(..16).unwrap_or(&raw)),
        });
        let idx = self.messages.len();
        self.push(d, at, body);
        if self.messages.len() > idx {
            let side = self.side(d);
            side.not_tls_msg = Some(idx);
            side.not_tls_raw = raw;
        }
    }

    fn record(&mut self, d: Direction, at: Duration, header: [u8; 5], payload: &[u8]) {
        let [ctype, v0, v1, ..] = header;
        let encrypted_now = self.tls13 || self.side(d).encrypting;
        let tls13 = self.tls13;
        let rec = |kind, t13| move || record_item(d, ms(at), &header, payload, kind, t13);
        match ctype {
            20 => {
                self.push(d, at, Body::ChangeCipherSpec);
                self.item(rec(RecKind::Ccs, tls13));
                // TLS 1.3 compatibility CCS records change nothing; in TLS <= 1.2 the
                // sender's next records are under the new keys.
                if self.sh_seen && !self.tls13 {
                    self.side(d).encrypting = true;
                }
            }
            21 if !encrypted_now || payload.len() == 2 => {
                // A 2-byte alert is in the clear even after CCS: no cipher suite
                // produces 2-byte ciphertext.
                for pair in payload.chunks_exact(2) {
                    if let [level, description] = *pair {
                        let body = Body::Alert(AlertMessage {
                            level: names::alert_level_name(level),
                            description: names::alert_name(description),
                            code: description,
                            raw: Alert { level, description },
                        });
                        self.push(d, at, body);
                    }
                }
                if !payload.len().is_multiple_of(2) {
                    self.note(format!("{}: odd trailing alert byte", dir_name(d)));
                }
                let t13 = self.ctx.version.is_none_or(|v| v >= 0x0304);
                self.item(rec(RecKind::Alert, t13));
            }
            22 if !encrypted_now => self.handshake(d, at, u16::from_be_bytes([v0, v1]), payload),
            24 => {
                let t = payload.first().copied().unwrap_or(0);
                let body = Body::Unknown(Unknown {
                    kind: "heartbeat".into(),
                    msg_type: t,
                    type_name: names::heartbeat_type_name(t)
                        .map_or_else(|| format!("heartbeat_{t}"), String::from),
                    length: payload.len(),
                });
                self.push(d, at, body);
                self.item(rec(RecKind::Heartbeat, tls13));
            }
            _ => {
                self.encrypted_record(d, at, ctype, payload.len());
                self.item(rec(RecKind::Encrypted, tls13));
            }
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
        let body = Body::EncryptedRecords(EncryptedRecords {
            count: 1,
            bytes: len,
            types: vec![tname],
        });
        self.push(d, at, body);
    }

    fn handshake(&mut self, d: Direction, at: Duration, rver: u16, payload: &[u8]) {
        let side = self.side(d);
        if side.hs.stopped() {
            return;
        }
        side.hs.push(at, rver, payload);
        let mut hs = std::mem::take(&mut side.hs);
        while !self.full() {
            let Some(frame) = hs.next() else { break };
            match frame {
                HsFrame::Oversize {
                    at,
                    msg_type,
                    len,
                    rest,
                } => {
                    self.note(format!(
                        "{}: handshake message type {msg_type} claims {len} bytes (cap \
                         {MAX_HANDSHAKE}); handshake decoding stopped",
                        dir_name(d)
                    ));
                    self.unfinished.get_or_insert((d, msg_type));
                    self.item(|| truncated(d, ms(at), rest, msg_type, len));
                    break;
                }
                HsFrame::Message {
                    at,
                    record_version,
                    raw,
                } => {
                    let ctx = Ctx {
                        record_version,
                        ..self.ctx
                    };
                    let mut o = Out::new(self.rec);
                    let body = walk_message(raw, ctx, &mut o);
                    if let Body::ServerHello(sh) = &body
                        && d == Direction::Server
                        && !self.sh_seen
                    {
                        self.sh_seen = true;
                        self.ctx.version = Some(sh.version.0);
                        self.ctx.suite = Some(sh.cipher_suite.0);
                        self.tls13 = sh.version.0 == 0x0304;
                    }
                    let name =
                        crate::wire::dissect::msg_name(raw.first().copied().unwrap_or(0), raw);
                    self.item(|| o.finish(d, ms(at), name, raw.to_vec()));
                    self.push(d, at, body);
                    if self.tls13 {
                        // Everything after a TLS 1.3 ServerHello is encrypted; any
                        // handshake bytes left in the clear are not decodable.
                        let left = hs.pending();
                        if left > 0 {
                            self.note(format!(
                                "{}: {left} clear handshake bytes after a TLS 1.3 \
                                 ServerHello ignored",
                                dir_name(d)
                            ));
                        }
                        hs.clear();
                        break;
                    }
                }
            }
        }
        self.side(d).hs = hs;
    }

    /// End of input: say what was left half-done.
    pub(crate) fn finish(&mut self) {
        for d in [Direction::Client, Direction::Server] {
            let side = self.side(d);
            if side.records.stopped() {
                continue;
            }
            let left = side.records.leftover();
            let hs_left = side.hs.pending();
            let begun = side
                .hs
                .pending_type()
                .or(side.records.leftover_handshake_type());
            if let Some(t) = begun {
                self.unfinished.get_or_insert((d, t));
            }
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
