//! TLS 1.0, 1.1 and 1.2 decrypted with the key log's `CLIENT_RANDOM` line, which holds
//! the session's master secret: the key block is derived from it with the version's
//! PRF, both directions' records are opened after their ChangeCipherSpec, and both
//! Finished messages are checked against the handshake hash (RFC 5246 §7.4.9).
//!
//! Like the TLS 1.3 path this reads the one framer's records and reassembles with the
//! one reassembler; everything from the peer is hostile and bounded.

mod keyblock;

use super::prf::Prf;
use super::record12::{Bulk, Conn12, Opened12, Suite12};
use super::schedule::{KeyStep, RecordInfo};
use super::*;

/// Decrypt a TLS 1.0–1.2 session. Err only when nothing can be done (no hellos, not
/// TLS ≤ 1.2, no master secret for this client random, a protection not supported).
pub fn decrypt_tls12(chunks: &[Chunk], keylog: &[String]) -> Result<Decrypted, String> {
    let mut s = Session12 {
        keylog,
        ..Session12::default()
    };
    let mut framer = Framer::default();
    for c in chunks {
        if s.fatal.is_some() {
            break;
        }
        if let Some(why) = framer.feed(c, |r| s.record(r)) {
            s.note(format!("{}: {why}", dir_name(c.dir)));
        }
    }
    if let Some(why) = s.fatal {
        return Err(why);
    }
    if s.client_random.is_none() {
        return Err("no ClientHello in the capture".into());
    }
    if s.server_random.is_none() {
        return Err("no ServerHello in the capture; the handshake never reached encryption".into());
    }
    if s.client.is_none() {
        return Err("no keys were derived".into());
    }
    let [c, sv] = &s.dirs;
    let apps = [(Direction::Client, c.app), (Direction::Server, sv.app)];
    for (d, n) in apps {
        if n.0 > 0 {
            s.note(format!(
                "{}: {} application-data record(s), {} bytes of plaintext",
                dir_name(d),
                n.0,
                n.1
            ));
        }
    }
    Ok(s.out)
}

#[derive(Default)]
struct Session12<'k> {
    keylog: &'k [String],
    fatal: Option<String>,
    out: Decrypted,
    client_random: Option<Vec<u8>>,
    server_random: Option<Vec<u8>>,
    version: u16,
    suite_id: u16,
    prf: Option<Prf>,
    master: Vec<u8>,
    ems: bool,
    /// Hash of the handshake up to ClientKeyExchange (the EMS session hash).
    session_hash: Option<Vec<u8>>,
    /// Keys installed at ServerHello, active after each side's ChangeCipherSpec.
    client: Option<Conn12>,
    server: Option<Conn12>,
    /// Per direction: client, server.
    dirs: [Dir12; 2],
    transcript: Vec<u8>,
    transcript_bad: bool,
    dropped_records: usize,
    /// The server's leaf certificate (DER), for the ServerKeyExchange signature.
    leaf: Option<Vec<u8>>,
}

/// One direction's reading state.
#[derive(Default)]
struct Dir12 {
    /// After its ChangeCipherSpec: records are protected.
    active: bool,
    hs: HsBuf,
    /// (records, bytes) of application data.
    app: (usize, usize),
    finished: bool,
}

impl Session12<'_> {
    fn dir(&mut self, d: Direction) -> &mut Dir12 {
        let [c, s] = &mut self.dirs;
        match d {
            Direction::Client => c,
            Direction::Server => s,
        }
    }

    fn note(&mut self, n: String) {
        if self.out.notes.len() < MAX_NOTES {
            self.out.notes.push(n);
        }
    }

    fn record(&mut self, r: &Record<'_>) {
        if self.fatal.is_some() {
            return;
        }
        let d = r.dir;
        let ct = r.content_type();
        if ct == CT_CCS {
            if self.prf.is_some() {
                self.dir(d).active = true;
            }
            return;
        }
        let plain: Vec<u8> = if self.dir(d).active {
            match self.open(r) {
                Some(p) => p,
                None => return,
            }
        } else {
            r.payload.to_vec()
        };
        match ct {
            CT_HANDSHAKE => {
                let (msgs, err) = self.dir(d).hs.push(&plain, r.at);
                if let Some(e) = err {
                    self.note(format!("{}: {e}", dir_name(d)));
                }
                let encrypted = self.dir(d).active;
                for m in msgs {
                    self.message(d, &m, encrypted);
                }
            }
            CT_ALERT if self.dir(d).active => {
                for a in plain.chunks_exact(2) {
                    if let [level, desc] = *a
                        && self.out.alerts.len() < MAX_ALERTS
                    {
                        self.out.alerts.push((d, level, desc));
                        self.out.raw_alerts.push((d, at_ms(r.at), a.to_vec()));
                    }
                }
            }
            CT_APPDATA if self.dir(d).active => {
                let a = &mut self.dir(d).app;
                a.0 += 1;
                a.1 += plain.len();
                self.out.keep_app_data(d, &plain);
            }
            _ => {}
        }
    }

    /// Open a protected record and describe it in `records`.
    fn open(&mut self, r: &Record<'_>) -> Option<Vec<u8>> {
        let conn = match r.dir {
            Direction::Client => self.client.as_mut(),
            Direction::Server => self.server.as_mut(),
        }?;
        let seq = conn.seq;
        let (res, seen) = match conn.open(&r.header, r.payload) {
            Ok(o) => (Ok(()), o),
            Err((e, o)) => (Err(e), o),
        };
        let Opened12 {
            plain,
            nonce,
            nonce_from,
            ciphertext_len,
            tag,
        } = seen;
        let info = RecordInfo {
            from: r.dir,
            at_ms: at_ms(r.at),
            header: crate::wire::hex(&r.header),
            seq,
            nonce: crate::wire::hex(&nonce),
            nonce_from,
            ciphertext_len,
            tag: crate::wire::hex(&tag),
            inner_type: res
                .is_ok()
                .then(|| names::content_type_name(r.content_type())),
            plaintext_len: plain.len(),
            error: res.as_ref().err().cloned(),
        };
        if self.out.records.len() < MAX_RECORDS {
            self.out.records.push(info);
        } else {
            self.dropped_records += 1;
        }
        match res {
            Ok(()) => Some(plain),
            Err(e) => {
                self.note(format!(
                    "{}: record {seq} did not decrypt: {e}",
                    dir_name(r.dir)
                ));
                None
            }
        }
    }

    fn push_transcript(&mut self, raw: &[u8]) {
        if self.transcript.len() + raw.len() > MAX_TRANSCRIPT {
            self.transcript_bad = true;
            self.transcript = Vec::new();
        }
        if !self.transcript_bad {
            self.transcript.extend_from_slice(raw);
        }
    }

    fn message(&mut self, d: Direction, m: &HsMessage, encrypted: bool) {
        if encrypted && self.out.messages.len() < MAX_MESSAGES {
            self.out.messages.push(Message {
                from: d,
                at_ms: at_ms(m.at),
                body: decode_handshake_message(m.msg_type, m.body(), Some(self.version)),
            });
            self.out.raw_messages.push((d, at_ms(m.at), m.raw.clone()));
        }
        match (d, m.msg_type) {
            (Direction::Client, HS_CLIENT_HELLO) if self.client_random.is_none() => {
                self.client_random = m.body().get(2..34).map(<[u8]>::to_vec);
            }
            (Direction::Server, HS_SERVER_HELLO) => {
                self.push_transcript(&m.raw);
                self.server_hello(m);
                return;
            }
            (_, HS_FINISHED) => {
                self.finished(d, m);
            }
            (Direction::Server, HS_CERTIFICATE) if self.leaf.is_none() => {
                if let Body::Certificate(c) =
                    decode_handshake_message(m.msg_type, m.body(), Some(self.version))
                {
                    self.leaf = c.der.first().cloned();
                }
            }
            (Direction::Server, HS_SERVER_KEY_EXCHANGE) => self.server_key_exchange(m),
            (Direction::Client, HS_CLIENT_KEY_EXCHANGE) => {
                self.push_transcript(&m.raw);
                if !self.transcript_bad {
                    self.session_hash = self
                        .prf
                        .and_then(|p| p.handshake_hash(&self.transcript).ok());
                }
                // The master secret step was written at the ServerHello; its EMS
                // session hash is known only now.
                if let (true, Some(h)) = (self.ems, self.session_hash.as_deref()) {
                    let inp = self
                        .out
                        .key_schedule
                        .iter_mut()
                        .find(|s| s.step == "master_secret")
                        .and_then(|s| s.inputs.iter_mut().find(|i| i.name == "session_hash"));
                    if let Some(i) = inp {
                        i.value = crate::wire::hex(h);
                    }
                }
                return;
            }
            _ => {}
        }
        // HelloRequest is never part of the handshake hash.
        if m.msg_type != 0 {
            self.push_transcript(&m.raw);
        }
    }

    fn server_hello(&mut self, m: &HsMessage) {
        if self.server_random.is_some() {
            self.note("server: a second ServerHello (renegotiation is not followed)".into());
            return;
        }
        let Body::ServerHello(sh) = decode_handshake_message(m.msg_type, m.body(), None) else {
            self.fatal = Some("the ServerHello is malformed".into());
            return;
        };
        self.server_random = m.body().get(2..34).map(<[u8]>::to_vec);
        self.version = sh.version.0;
        self.suite_id = sh.cipher_suite.0;
        self.ems = sh.ext.extended_master_secret;
        let name = names::cipher_name(self.suite_id);
        if !(0x0301..=0x0303).contains(&self.version) {
            self.fatal = Some(format!(
                "the server negotiated {}; this path decrypts TLS 1.0–1.2",
                names::version_name(self.version)
            ));
            return;
        }
        let Some(suite) = Suite12::from_name(&name) else {
            self.fatal = Some(format!(
                "cipher suite {name} uses a record protection this decryptor does not do"
            ));
            return;
        };
        let prf = match (self.version, suite.sha384) {
            (0x0303, true) => Prf::Sha384,
            (0x0303, false) => Prf::Sha256,
            _ => Prf::Md5Sha1,
        };
        let etm = sh.ext.encrypt_then_mac && matches!(suite.bulk, Bulk::Cbc { .. });
        let Some(random) = self.client_random.clone() else {
            self.fatal = Some("a ServerHello without a ClientHello before it".into());
            return;
        };
        let (secrets, total) = keys::find_secrets(self.keylog, &random);
        let Some(master) = secrets.master.clone().filter(|m| m.len() == 48) else {
            self.fatal = Some(if secrets.any_tls13() {
                "the key log has TLS 1.3 secrets but no CLIENT_RANDOM line for this session".into()
            } else if total == 0 {
                "no key-log lines were given (the backend did not log secrets)".into()
            } else {
                format!(
                    "no CLIENT_RANDOM line with a 48-byte master secret for client random {}…",
                    crate::wire::hex(random.get(..8).unwrap_or(&random))
                )
            });
            return;
        };
        self.prf = Some(prf);
        self.master = master;
        self.out.version = names::version_name(self.version);
        self.out.version_code = self.version;
        self.out.protection = match suite.mac {
            Some((_, _, mac)) => format!(
                "{} + {mac}, {}",
                suite.cipher_name,
                if etm {
                    "encrypt-then-MAC (RFC 7366)"
                } else {
                    "MAC-then-encrypt"
                }
            ),
            None => format!("{} (AEAD)", suite.cipher_name),
        };
        if let Err(e) = self.key_block(suite, prf, etm) {
            self.fatal = Some(format!("key derivation failed: {e}"));
        }
    }
}
