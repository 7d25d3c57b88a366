//! Decrypt the encrypted part of a TLS 1.3 handshake with the session's own key log.
//!
//! In TLS 1.3 everything after the ServerHello is encrypted: the certificate, the
//! server's extensions, the Finished messages, and the alert a server sends after the
//! handshake when it wanted a client certificate. The backends hand us the NSS key-log
//! lines of the very connection we recorded, so we can open those records and show
//! what a passive observer cannot see.
//!
//! Flow: `records::Framer` (an adapter over the wire layer's one record framer)
//! splits each direction's byte stream into records in wire order; clear handshake
//! records (ClientHello, HelloRetryRequest, ServerHello, decoded by `crate::wire`) feed
//! the transcript; every later application_data record is opened with the direction's
//! current traffic keys (`keys::TrafficKeys`): handshake secret until that side's
//! Finished, then traffic secret 0 (with KeyUpdate honoured). Decrypted handshake bytes
//! are reassembled into messages and decoded by `crate::wire`.
//!
//! All input is hostile: nothing here panics, unwraps peer data or buffers without a bound.

// Peer bytes are hostile: no unwrap, no panic, no unchecked indexing outside tests
// (denied for the whole engine in lib.rs).

mod binder;
mod flight;
mod keys;
mod prf;
mod record12;
mod records;
mod schedule;
#[cfg(test)]
mod seeds;
mod signed;
mod steps13;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests12;
mod tls12;
mod view;

pub use binder::binder_steps;
pub use schedule::{KeyInput, KeyStep, RecordInfo};
pub use signed::SignatureCheck;
pub use tls12::decrypt_tls12;
pub use view::{KEY_SCHEDULE, PROTECTED_RECORD, ladder_items};

use crate::wire::{Body, Chunk, Direction, Message, decode_handshake_message, names};
use keys::{Secrets, Suite, TrafficKeys, find_secrets};
use records::{Framer, HsBuf, HsMessage, Record};
use serde::Serialize;
use std::time::Duration;

/// The encrypted part of a TLS 1.3 handshake, decrypted.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Decrypted {
    /// Decrypted handshake messages (EncryptedExtensions, CertificateRequest, Certificate,
    /// CertificateVerify, Finished from the server; Certificate, CertificateVerify, Finished
    /// from the client; NewSessionTicket after) in wire order, with from/at_ms of their record.
    pub messages: Vec<Message>,
    /// Server Finished verify_data checked against HMAC(finished_key, transcript hash).
    pub server_finished_ok: Option<bool>,
    pub client_finished_ok: Option<bool>,
    /// DER certificates from the decrypted server Certificate message, leaf first
    /// (base64 in JSON).
    #[serde(serialize_with = "crate::text::base64_list")]
    pub server_certificates: Vec<Vec<u8>>,
    /// Alerts found inside encrypted records (e.g. certificate_required after the handshake): (from, level, description).
    pub alerts: Vec<(Direction, u8, u8)>,
    /// Anything odd: records that did not decrypt, missing secrets, …
    pub notes: Vec<String>,
    /// "TLSv1.3", "TLSv1.2", … and the record protection in words
    /// ("AES-128-CBC + HMAC-SHA1, encrypt-then-MAC").
    pub version: String,
    pub protection: String,
    /// Every step from the key log's secret to record keys and Finished checks.
    pub key_schedule: Vec<KeyStep>,
    /// Every protected record: header, sequence number, nonce, tag, inner type.
    pub records: Vec<RecordInfo>,
    /// ServerKeyExchange / CertificateVerify signatures, rebuilt and checked.
    pub signatures: Vec<SignatureCheck>,
    /// Each decrypted handshake message's bytes (4-byte header + body), parallel to
    /// `messages`, for the ladder's hex view. Not serialised.
    #[serde(skip)]
    pub raw_messages: Vec<(Direction, f64, Vec<u8>)>,
    /// Decrypted alert records (level, description), with their time. Not serialised.
    #[serde(skip)]
    pub raw_alerts: Vec<(Direction, f64, Vec<u8>)>,
    /// The first application data each way (at most 4 KiB each). Not serialised.
    #[serde(skip)]
    pub app_data: Vec<(Direction, Vec<u8>)>,
    /// The negotiated version's code point (0x0301 … 0x0304).
    #[serde(skip)]
    pub version_code: u16,
}

/// Upper bounds whatever the input: messages kept, notes, alerts, transcript bytes.
const MAX_MESSAGES: usize = 2_000;
const MAX_NOTES: usize = 64;
const MAX_ALERTS: usize = 64;
/// Protected records described in `records` (the rest are counted, not listed).
const MAX_RECORDS: usize = 512;
const MAX_TRANSCRIPT: usize = 4 * 1024 * 1024;
/// 0-RTT bytes held until the ServerHello says which suite protects them.
const MAX_PENDING_EARLY: usize = 1024 * 1024;
/// RFC 8446 §5.2: TLSInnerPlaintext is at most 2^14 + 1 bytes (content + type).
const MAX_INNER: usize = (1 << 14) + 1;

const CT_CCS: u8 = 20;
const CT_ALERT: u8 = 21;
const CT_HANDSHAKE: u8 = 22;
const CT_APPDATA: u8 = 23;

const HS_CLIENT_HELLO: u8 = 1;
const HS_SERVER_HELLO: u8 = 2;
const HS_END_OF_EARLY_DATA: u8 = 5;
const HS_CERTIFICATE: u8 = 11;
const HS_SERVER_KEY_EXCHANGE: u8 = 12;
const HS_CERTIFICATE_VERIFY: u8 = 15;
const HS_CLIENT_KEY_EXCHANGE: u8 = 16;
const HS_FINISHED: u8 = 20;
const HS_KEY_UPDATE: u8 = 24;
const HS_COMPRESSED_CERTIFICATE: u8 = 25;

/// Decrypt what can be decrypted. Err only when nothing can be done (not TLS 1.3, no
/// ServerHello, no matching secrets for this ClientHello's random) — with a reason in words.
pub fn decrypt_tls13(chunks: &[Chunk], keylog: &[String]) -> Result<Decrypted, String> {
    let mut s = Session::new(keylog);
    let mut framer = Framer::default();
    for c in chunks {
        if s.fatal.is_some() {
            break;
        }
        let stopped = framer.feed(c, |r| s.record(r));
        if let Some(why) = stopped {
            s.note(format!("{}: {why}", dir_name(c.dir)));
        }
    }
    if let Some(why) = s.fatal {
        return Err(why);
    }
    if s.client_hellos == 0 {
        return Err(
            "no ClientHello in the capture, so there is no client random to look up secrets for"
                .into(),
        );
    }
    if !s.sh_seen {
        return Err(if s.hrr_seen {
            "the server sent a HelloRetryRequest but no ServerHello followed; nothing was encrypted"
                .into()
        } else {
            "no ServerHello in the capture; the handshake never reached encryption".into()
        });
    }
    for d in [Direction::Client, Direction::Server] {
        let left = framer.leftover(d);
        if left > 0 {
            s.note(format!(
                "{}: capture ends inside a record ({left} bytes)",
                dir_name(d)
            ));
        }
    }
    Ok(s.finish())
}

fn dir_name(d: Direction) -> &'static str {
    match d {
        Direction::Client => "client",
        Direction::Server => "server",
    }
}

fn at_ms(at: Duration) -> f64 {
    // Via nanoseconds, as crate::wire does, so the two line up exactly.
    at.as_nanos() as f64 / 1e6
}

/// Which traffic secret protects a direction's next record.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// Before keys: clear records only (a client may send 0-RTT data here).
    Clear,
    Handshake,
    Application,
}

/// Per-direction decryption state.
struct Side {
    dir: Direction,
    phase: Phase,
    /// Current keys; `None` when the secret for this phase is missing.
    keys: Option<TrafficKeys>,
    /// Handshake traffic secret, for the Finished key.
    hs_secret: Option<Vec<u8>>,
    app_secret: Option<Vec<u8>>,
    /// Clear handshake stream (ClientHello / HelloRetryRequest / ServerHello).
    clear: HsBuf,
    /// Decrypted handshake stream.
    hs: HsBuf,
    finished: bool,
    decrypted: usize,
    failed: usize,
    no_keys: usize,
    app_records: usize,
    app_bytes: usize,
    /// Client only: 0-RTT state (keys while the client may still be sending early data).
    early: Option<TrafficKeys>,
    early_records: usize,
    /// Application bytes inside those records.
    early_bytes: usize,
    early_skipped: usize,
}

impl Side {
    fn new(dir: Direction) -> Side {
        Side {
            dir,
            phase: Phase::Clear,
            keys: None,
            hs_secret: None,
            app_secret: None,
            clear: HsBuf::default(),
            hs: HsBuf::default(),
            finished: false,
            decrypted: 0,
            failed: 0,
            no_keys: 0,
            app_records: 0,
            app_bytes: 0,
            early: None,
            early_records: 0,
            early_bytes: 0,
            early_skipped: 0,
        }
    }
}

/// What a record's plaintext turned out to be, for the caller's bookkeeping.
enum Opened {
    Plain(Vec<u8>),
    /// Client 0-RTT data under the early secret.
    Early(Vec<u8>),
    Skipped,
}

struct Session<'k> {
    keylog: &'k [String],
    fatal: Option<String>,
    out: Decrypted,
    client: Side,
    server: Side,
    suite: Option<Suite>,
    client_random: Option<Vec<u8>>,
    client_hellos: usize,
    /// The ClientHello offered early_data (so undecryptable first records may be 0-RTT).
    early_offered: bool,
    hrr_seen: bool,
    sh_seen: bool,
    /// Raw handshake messages in transcript order (ClientHello1 already replaced by
    /// message_hash after a HelloRetryRequest).
    transcript: Vec<u8>,
    /// Why the transcript can no longer be trusted for Finished verification.
    transcript_bad: Option<String>,
    dropped_messages: bool,
    dropped_notes: usize,
    /// Client records sent before the ServerHello (0-RTT), held until keys exist.
    pending_early: Vec<(Duration, [u8; 5], Vec<u8>)>,
    pending_early_bytes: usize,
}

impl<'k> Session<'k> {
    fn new(keylog: &'k [String]) -> Session<'k> {
        Session {
            keylog,
            fatal: None,
            out: Decrypted::default(),
            client: Side::new(Direction::Client),
            server: Side::new(Direction::Server),
            suite: None,
            client_random: None,
            client_hellos: 0,
            early_offered: false,
            hrr_seen: false,
            sh_seen: false,
            transcript: Vec::new(),
            transcript_bad: None,
            dropped_messages: false,
            dropped_notes: 0,
            pending_early: Vec::new(),
            pending_early_bytes: 0,
        }
    }

    fn note(&mut self, n: String) {
        if self.out.notes.len() < MAX_NOTES {
            self.out.notes.push(n);
        } else {
            self.dropped_notes += 1;
        }
    }

    fn side(&mut self, d: Direction) -> &mut Side {
        match d {
            Direction::Client => &mut self.client,
            Direction::Server => &mut self.server,
        }
    }

    fn transcript_push(&mut self, raw: &[u8]) {
        if self.transcript_bad.is_some() {
            return;
        }
        if self.transcript.len() + raw.len() > MAX_TRANSCRIPT {
            self.transcript_bad = Some(format!(
                "handshake transcript exceeds {MAX_TRANSCRIPT} bytes"
            ));
            self.transcript = Vec::new();
            return;
        }
        self.transcript.extend_from_slice(raw);
    }

    fn push_message(&mut self, from: Direction, at: Duration, m: &HsMessage) {
        if self.out.messages.len() >= MAX_MESSAGES {
            if !self.dropped_messages {
                self.dropped_messages = true;
                self.note(format!(
                    "more than {MAX_MESSAGES} decrypted messages; the rest were dropped"
                ));
            }
            return;
        }
        self.out.messages.push(Message {
            from,
            at_ms: at_ms(at),
            body: decode_handshake_message(m.msg_type, m.body(), Some(0x0304)),
        });
        self.out.raw_messages.push((from, at_ms(at), m.raw.clone()));
    }

    /// One record, in wire order.
    fn record(&mut self, r: &Record<'_>) {
        if self.fatal.is_some() {
            return;
        }
        let d = r.dir;
        match r.content_type() {
            // TLS 1.3 middlebox-compatibility ChangeCipherSpec: always in the clear, ignored.
            CT_CCS => {}
            CT_HANDSHAKE => {
                if self.side(d).phase != Phase::Clear || (d == Direction::Server && self.sh_seen) {
                    self.note(format!(
                        "{}: handshake record in the clear after encryption started; ignored",
                        dir_name(d)
                    ));
                    return;
                }
                let (msgs, err) = self.side(d).clear.push(r.payload, r.at);
                if let Some(e) = err {
                    self.note(format!("{}: {e}", dir_name(d)));
                }
                for m in msgs {
                    self.clear_message(d, &m);
                    if self.fatal.is_some() {
                        return;
                    }
                }
            }
            CT_ALERT => {
                let what = match r.payload {
                    [level, desc, ..] => format!(
                        "a {} alert {}",
                        if *level == 1 { "warning" } else { "fatal" },
                        names::alert_name(*desc)
                    ),
                    _ => "a truncated alert".into(),
                };
                self.note(format!("{}: sent {what} in the clear", dir_name(d)));
            }
            CT_APPDATA => self.encrypted(r),
            t => self.note(format!(
                "{}: record of content type {t} ignored",
                dir_name(d)
            )),
        }
    }

    /// A handshake message from a clear record.
    fn clear_message(&mut self, d: Direction, m: &HsMessage) {
        match (d, m.msg_type) {
            (Direction::Client, HS_CLIENT_HELLO) => {
                self.client_hellos += 1;
                if self.client_hellos == 1 {
                    // legacy_version(2) then random(32).
                    self.client_random = m.body().get(2..34).map(<[u8]>::to_vec);
                    if let Body::ClientHello(ch) =
                        decode_handshake_message(m.msg_type, m.body(), None)
                    {
                        self.early_offered = ch.ext.early_data;
                    }
                } else if !self.hrr_seen {
                    self.note("client: a second ClientHello without a HelloRetryRequest".into());
                }
                self.transcript_push(&m.raw);
            }
            (Direction::Server, HS_SERVER_HELLO) => {
                match decode_handshake_message(m.msg_type, m.body(), None) {
                    Body::HelloRetryRequest(hrr) => self.hello_retry(m, hrr.cipher_suite.0),
                    body => self.server_hello(m, body),
                }
            }
            (_, t) => {
                self.note(format!(
                    "{}: unexpected clear handshake message {} before encryption",
                    dir_name(d),
                    names::handshake_type_name(t)
                ));
                self.transcript_push(&m.raw);
            }
        }
    }

    /// RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 in the transcript is
    /// replaced by message_hash (type 254) carrying Hash(ClientHello1).
    fn hello_retry(&mut self, m: &HsMessage, suite_id: u16) {
        if self.hrr_seen {
            self.note("server: a second HelloRetryRequest".into());
            self.transcript_bad = Some("two HelloRetryRequests".into());
        }
        self.hrr_seen = true;
        match Suite::from_id(suite_id) {
            Some(suite) if self.transcript_bad.is_none() => match suite.hash(&self.transcript) {
                Ok(h) => {
                    let mut t = vec![254, 0, 0, h.len() as u8];
                    t.extend_from_slice(&h);
                    self.schedule_message_hash(&t);
                    self.transcript = t;
                }
                Err(e) => self.transcript_bad = Some(format!("hash failed: {e}")),
            },
            Some(_) => {}
            None => {
                self.transcript_bad = Some("HelloRetryRequest with an unknown cipher suite".into());
            }
        }
        self.transcript_push(&m.raw);
    }

    fn server_hello(&mut self, m: &HsMessage, body: Body) {
        if self.sh_seen {
            self.note("server: a second ServerHello; ignored".into());
            return;
        }
        self.sh_seen = true;
        let sh = match body {
            Body::ServerHello(sh) => sh,
            _ => {
                self.fatal = Some("the ServerHello is malformed".into());
                return;
            }
        };
        let version = sh.version.0;
        if version != 0x0304 {
            self.fatal = Some(format!(
                "the server negotiated {}; only TLS 1.3 encrypts its handshake (decrypt_tls12 opens TLS 1.0–1.2)",
                names::version_name(version)
            ));
            return;
        }
        let suite_id = sh.cipher_suite.0;
        let Some(suite) = Suite::from_id(suite_id) else {
            self.fatal = Some(format!(
                "cipher suite {} (0x{suite_id:04x}) is not a TLS 1.3 suite this decryptor knows",
                names::cipher_name(suite_id)
            ));
            return;
        };
        let Some(random) = self.client_random.clone() else {
            self.fatal = Some("a ServerHello without a ClientHello before it; no client random to look up secrets for".into());
            return;
        };
        self.transcript_push(&m.raw);
        self.suite = Some(suite);
        let (secrets, total) = find_secrets(self.keylog, &random);
        if !secrets.any_tls13() {
            self.fatal = Some(no_secrets_reason(&secrets, total, &random));
            return;
        }
        if secrets.malformed > 0 {
            self.note(format!(
                "{} key-log line(s) for this connection had an unreadable secret",
                secrets.malformed
            ));
        }
        self.install(suite, secrets);
        for (at, header, payload) in std::mem::take(&mut self.pending_early) {
            self.encrypted(&Record {
                dir: Direction::Client,
                at,
                header,
                payload: &payload,
            });
        }
        let left = self.server.clear.pending();
        if left > 0 {
            self.note(format!(
                "server: {left} bytes of handshake data share the ServerHello's record (should end at a key change)"
            ));
        }
    }

    fn finish(mut self) -> Decrypted {
        for d in [Direction::Server, Direction::Client] {
            let side = self.side(d);
            let name = dir_name(d);
            let mut notes = Vec::new();
            if side.failed > 0 {
                notes.push(format!("{name}: {} record(s) did not decrypt", side.failed));
            }
            if side.no_keys > 0 {
                notes.push(format!(
                    "{name}: {} record(s) not decrypted for want of a secret",
                    side.no_keys
                ));
            }
            if side.early_records > 0 {
                notes.push(format!(
                    "{name}: {} 0-RTT record(s) under the early secret, {} bytes of early data (contents not kept)",
                    side.early_records, side.early_bytes
                ));
            }
            if side.early_skipped > 0 {
                notes.push(format!(
                    "{name}: {} record(s) skipped as 0-RTT early data (not decrypted)",
                    side.early_skipped
                ));
            }
            if side.app_records > 0 {
                notes.push(format!(
                    "{name}: {} application-data record(s), {} bytes of plaintext (contents not kept)",
                    side.app_records, side.app_bytes
                ));
            }
            if side.hs.pending() > 0 {
                notes.push(format!(
                    "{name}: capture ends inside a handshake message ({} bytes)",
                    side.hs.pending()
                ));
            }
            if side.phase == Phase::Handshake && side.decrypted > 0 && !side.finished {
                notes.push(format!("{name}: no Finished seen"));
            }
            if side.dir == Direction::Server
                && side.phase == Phase::Handshake
                && side.decrypted == 0
                && side.failed == 0
                && side.no_keys == 0
            {
                notes.push(format!(
                    "{name}: no encrypted records after the ServerHello"
                ));
            }
            for n in notes {
                self.note(n);
            }
        }
        if self.dropped_notes > 0 {
            let n = self.dropped_notes;
            if let Some(last) = self.out.notes.last_mut() {
                *last = format!("… and {n} more notes");
            }
        }
        self.out
    }
}

/// Why no secret matched, in words (for the `Err`).
fn no_secrets_reason(s: &Secrets, total: usize, random: &[u8]) -> String {
    let short = crate::wire::hex(random.get(..8).unwrap_or(random));
    if total == 0 {
        "no key-log lines were given (the backend did not log secrets)".into()
    } else if s.tls12_master {
        format!("the key log has only a TLS 1.2 CLIENT_RANDOM line for client random {short}…")
    } else if s.matched > 0 {
        format!("the key log has no TLS 1.3 traffic secrets for client random {short}…")
    } else {
        format!("none of the {total} key-log lines is for this ClientHello's random ({short}…)")
    }
}
