//! Decrypt the encrypted part of a TLS 1.3 handshake with the session's own key log.
//!
//! In TLS 1.3 everything after the ServerHello is encrypted: the certificate, the
//! server's extensions, the Finished messages, and the alert a server sends after the
//! handshake when it wanted a client certificate. The backends hand us the NSS key-log
//! lines of the very connection we recorded, so we can open those records and show
//! what a passive observer cannot see.
//!
//! Flow: [`records::Framer`] splits each direction's byte stream into records in wire
//! order; clear handshake records (ClientHello, HelloRetryRequest, ServerHello) feed the
//! transcript; every later application_data record is opened with the direction's
//! current traffic keys ([`keys::TrafficKeys`]): handshake secret until that side's
//! Finished, then traffic secret 0 (with KeyUpdate honoured). Decrypted handshake bytes
//! are reassembled into messages and decoded by `crate::wire`.
//!
//! All input is hostile: nothing here panics, unwraps peer data or buffers without a bound.

mod keys;
mod records;
#[cfg(test)]
mod tests;

use crate::wire::{Chunk, Direction, HRR_RANDOM, Message, decode_handshake_message, names};
use keys::{Secrets, Suite, TrafficKeys, find_secrets, finished_verify_data};
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
    /// Each decrypted handshake message's bytes (4-byte header + body), parallel to
    /// `messages`, for the ladder's hex view. Not serialised.
    #[serde(skip)]
    pub raw_messages: Vec<(Direction, f64, Vec<u8>)>,
}

/// Upper bounds whatever the input: messages kept, notes, alerts, transcript bytes.
const MAX_MESSAGES: usize = 20_000;
const MAX_NOTES: usize = 64;
const MAX_ALERTS: usize = 64;
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
                    if let crate::wire::Body::ClientHello(ch) =
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
                let is_hrr = m.body().get(2..34) == Some(&HRR_RANDOM[..]);
                if is_hrr {
                    self.hello_retry(m);
                } else {
                    self.server_hello(m);
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
    fn hello_retry(&mut self, m: &HsMessage) {
        if self.hrr_seen {
            self.note("server: a second HelloRetryRequest".into());
            self.transcript_bad = Some("two HelloRetryRequests".into());
        }
        self.hrr_seen = true;
        let suite_id = m.body().get(34..).and_then(|rest| {
            // session id (vec8), then the suite.
            let sid = usize::from(*rest.first()?);
            let s = rest.get(1 + sid..3 + sid)?;
            Some(u16::from_be_bytes([s[0], s[1]]))
        });
        match suite_id.and_then(Suite::from_id) {
            Some(suite) if self.transcript_bad.is_none() => match suite.hash(&self.transcript) {
                Ok(h) => {
                    let mut t = vec![254, 0, 0, h.len() as u8];
                    t.extend_from_slice(&h);
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

    fn server_hello(&mut self, m: &HsMessage) {
        if self.sh_seen {
            self.note("server: a second ServerHello; ignored".into());
            return;
        }
        self.sh_seen = true;
        let sh = match decode_handshake_message(m.msg_type, m.body(), None) {
            crate::wire::Body::ServerHello(sh) => sh,
            _ => {
                self.fatal = Some("the ServerHello is malformed".into());
                return;
            }
        };
        let version = sh.version.0;
        if version != 0x0304 {
            self.fatal = Some(format!(
                "the server negotiated {}; only TLS 1.3 encrypts its handshake (TLS 1.2 decryption is not supported)",
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

    /// Set up both directions' keys once the suite is known.
    fn install(&mut self, suite: Suite, s: Secrets) {
        let check = |name: &str, v: Option<Vec<u8>>, notes: &mut Vec<String>| match v {
            Some(v) if v.len() == suite.hash_len => Some(v),
            Some(v) => {
                notes.push(format!(
                    "{name} is {} bytes but the suite's hash is {}; ignored",
                    v.len(),
                    suite.hash_len
                ));
                None
            }
            None => None,
        };
        let mut notes = Vec::new();
        let client_early = check("CLIENT_EARLY_TRAFFIC_SECRET", s.client_early, &mut notes);
        self.client.hs_secret = check(
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            s.client_handshake,
            &mut notes,
        );
        self.server.hs_secret = check(
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            s.server_handshake,
            &mut notes,
        );
        self.client.app_secret = check("CLIENT_TRAFFIC_SECRET_0", s.client_app, &mut notes);
        self.server.app_secret = check("SERVER_TRAFFIC_SECRET_0", s.server_app, &mut notes);
        for n in notes {
            self.note(n);
        }
        for (label, d) in [
            ("SERVER_HANDSHAKE_TRAFFIC_SECRET", Direction::Server),
            ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", Direction::Client),
        ] {
            if self.side(d).hs_secret.is_none() {
                self.note(format!(
                    "no {label} in the key log; the {}'s handshake records stay encrypted",
                    dir_name(d)
                ));
            }
        }
        if self.early_offered
            && let Some(e) = client_early
        {
            self.client.early = self.keys_for(suite, &e);
        }
        for d in [Direction::Client, Direction::Server] {
            let secret = self.side(d).hs_secret.clone();
            let keys = secret.and_then(|sec| self.keys_for(suite, &sec));
            let side = self.side(d);
            side.keys = keys;
            side.phase = Phase::Handshake;
        }
    }

    fn keys_for(&mut self, suite: Suite, secret: &[u8]) -> Option<TrafficKeys> {
        match TrafficKeys::new(&suite, secret) {
            Ok(k) => Some(k),
            Err(e) => {
                self.note(format!("key derivation failed: {e}"));
                None
            }
        }
    }

    /// Try to open an encrypted record for its sender.
    fn open(&mut self, r: &Record<'_>, suite: &Suite) -> Opened {
        let d = r.dir;
        let early_offered = self.early_offered;
        let sh_seen = self.sh_seen;
        let server_finished = self.server.finished;
        let side = self.side(d);
        // 0-RTT: while early keys are live, try them first; the first record they do
        // not open marks the switch to handshake keys (or a rejected early-data run).
        if let Some(k) = side.early.as_mut() {
            if let Some(p) = k.open(suite, &r.header, r.payload) {
                side.early_records += 1;
                return Opened::Early(p);
            }
            side.early = None;
        }
        if !sh_seen {
            side.early_skipped += 1;
            return Opened::Skipped;
        }
        let Some(k) = side.keys.as_mut() else {
            side.no_keys += 1;
            return Opened::Skipped;
        };
        if let Some(p) = k.open(suite, &r.header, r.payload) {
            side.decrypted += 1;
            return Opened::Plain(p);
        }
        // RFC 8446 §4.2.10: a server that rejects 0-RTT skips records it cannot open
        // until the first one that does. Mirror that for the client's first records,
        // but only before the server's Finished: a client stops sending early data
        // once it has that, so later failures are real failures.
        if d == Direction::Client
            && early_offered
            && !server_finished
            && side.phase == Phase::Handshake
            && side.decrypted == 0
        {
            side.early_skipped += 1;
            return Opened::Skipped;
        }
        // Assume the record used a sequence number, so one damaged record does not
        // make every later one fail.
        k.seq = k.seq.wrapping_add(1);
        side.failed += 1;
        let (phase, failed) = (side.phase, side.failed);
        if failed == 1 {
            self.note(format!(
                "{}: a record did not decrypt with the {} traffic keys (wrong secret or damaged record)",
                dir_name(d),
                match phase {
                    Phase::Application => "application",
                    _ => "handshake",
                }
            ));
        }
        Opened::Skipped
    }

    fn encrypted(&mut self, r: &Record<'_>) {
        let d = r.dir;
        if d == Direction::Server && !self.sh_seen {
            self.note("server: encrypted record before the ServerHello; skipped".into());
            return;
        }
        let Some(suite) = self.suite else {
            // Client data before any ServerHello: 0-RTT early data. Its suite is only
            // known from the ServerHello, so keep it (bounded) until then.
            if self.pending_early_bytes + r.payload.len() <= MAX_PENDING_EARLY {
                self.pending_early_bytes += r.payload.len();
                self.pending_early
                    .push((r.at, r.header, r.payload.to_vec()));
            } else {
                self.client.early_skipped += 1;
            }
            return;
        };
        let (plain, early) = match self.open(r, &suite) {
            Opened::Plain(p) => (p, false),
            Opened::Early(p) => (p, true),
            Opened::Skipped => return,
        };
        // TLSInnerPlaintext: content || type || zeros.
        let Some(type_pos) = plain.iter().rposition(|b| *b != 0) else {
            self.note(format!(
                "{}: decrypted record has no content type (all padding)",
                dir_name(d)
            ));
            return;
        };
        if plain.len() > MAX_INNER {
            self.note(format!(
                "{}: decrypted record of {} bytes exceeds the TLS 1.3 limit",
                dir_name(d),
                plain.len()
            ));
        }
        let inner = plain.get(type_pos).copied().unwrap_or(0);
        let content = plain.get(..type_pos).unwrap_or(&[]);
        match inner {
            CT_HANDSHAKE => {
                let (msgs, err) = self.side(d).hs.push(content, r.at);
                if let Some(e) = err {
                    self.note(format!("{}: {e}", dir_name(d)));
                }
                for m in msgs {
                    self.handshake_message(d, &m, early, &suite);
                }
            }
            CT_ALERT => {
                if content.len() != 2 {
                    self.note(format!(
                        "{}: encrypted alert of {} bytes (expected 2)",
                        dir_name(d),
                        content.len()
                    ));
                }
                for a in content.chunks_exact(2) {
                    if self.out.alerts.len() < MAX_ALERTS {
                        self.out.alerts.push((d, a[0], a[1]));
                    }
                }
            }
            CT_APPDATA => {
                let side = self.side(d);
                if early {
                    side.early_bytes += content.len();
                } else {
                    side.app_records += 1;
                    side.app_bytes += content.len();
                }
                if side.phase == Phase::Handshake && !early {
                    self.note(format!(
                        "{}: application data under handshake keys",
                        dir_name(d)
                    ));
                }
            }
            t => self.note(format!(
                "{}: encrypted record with inner content type {t}; ignored",
                dir_name(d)
            )),
        }
    }

    fn handshake_message(&mut self, d: Direction, m: &HsMessage, early: bool, suite: &Suite) {
        self.push_message(d, m.at, m);
        let side = self.side(d);
        let in_handshake = side.phase == Phase::Handshake && !side.finished;
        match m.msg_type {
            HS_END_OF_EARLY_DATA if early => {
                // RFC 8446 §4.5: part of the transcript; handshake keys follow.
                self.client.early = None;
                self.transcript_push(&m.raw);
            }
            HS_FINISHED if in_handshake => {
                self.finished(d, m, suite);
                self.transcript_push(&m.raw);
                let secret = self.side(d).app_secret.clone();
                let keys = secret.and_then(|s| self.keys_for(*suite, &s));
                if keys.is_none() {
                    self.note(format!(
                        "no usable {}_TRAFFIC_SECRET_0 in the key log; the {}'s records after its Finished stay encrypted",
                        if d == Direction::Client { "CLIENT" } else { "SERVER" },
                        dir_name(d)
                    ));
                }
                let side = self.side(d);
                side.finished = true;
                side.phase = Phase::Application;
                side.keys = keys;
                if side.hs.pending() > 0 {
                    self.note(format!(
                        "{}: handshake data after Finished in the same record",
                        dir_name(d)
                    ));
                }
            }
            HS_KEY_UPDATE if self.side(d).phase == Phase::Application => {
                let side = self.side(d);
                let next = side.keys.as_ref().map(|k| k.updated(suite));
                match next {
                    Some(Ok(k)) => side.keys = Some(k),
                    Some(Err(e)) => {
                        side.keys = None;
                        self.note(format!("{}: KeyUpdate derivation failed: {e}", dir_name(d)));
                    }
                    None => {}
                }
            }
            t => {
                if in_handshake {
                    self.transcript_push(&m.raw);
                }
                if d == Direction::Server && in_handshake {
                    if t == HS_CERTIFICATE && self.out.server_certificates.is_empty() {
                        if let Some(Message {
                            body: crate::wire::Body::Certificate(c),
                            ..
                        }) = self.out.messages.last()
                        {
                            self.out.server_certificates = c.der.clone();
                        }
                    } else if t == HS_COMPRESSED_CERTIFICATE {
                        self.note("server: certificate chain is compressed (RFC 8879); certificates not extracted".into());
                    }
                }
            }
        }
    }

    /// Check a Finished against HMAC(finished_key, Transcript-Hash(… up to it)).
    fn finished(&mut self, d: Direction, m: &HsMessage, suite: &Suite) {
        let secret = self.side(d).hs_secret.clone();
        let verdict = match (&self.transcript_bad, secret) {
            (Some(why), _) => Err(format!("transcript unusable ({why})")),
            (None, None) => Err("no handshake traffic secret".to_string()),
            (None, Some(_)) if d == Direction::Client && self.client.early_skipped > 0 => {
                Err("early data could not be decrypted, so EndOfEarlyData is missing from the transcript".into())
            }
            (None, Some(_)) if d == Direction::Client && !self.server.finished => {
                Err("the server's Finished was not decrypted".into())
            }
            (None, Some(sec)) => suite
                .hash(&self.transcript)
                .and_then(|h| finished_verify_data(suite, &sec, &h))
                .map(|expected| {
                    expected.len() == m.body().len() && openssl::memcmp::eq(&expected, m.body())
                })
                .map_err(|e| format!("crypto error: {e}")),
        };
        let slot = match d {
            Direction::Client => &mut self.out.client_finished_ok,
            Direction::Server => &mut self.out.server_finished_ok,
        };
        match verdict {
            Ok(ok) => {
                *slot = Some(ok);
                if !ok {
                    self.note(format!(
                        "{}: Finished verify_data does not match the transcript",
                        dir_name(d)
                    ));
                }
            }
            Err(why) => self.note(format!("{}: Finished not verified: {why}", dir_name(d))),
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
    let short: String = random.iter().take(8).map(|b| format!("{b:02x}")).collect();
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
