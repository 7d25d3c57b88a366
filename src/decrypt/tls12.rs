//! TLS 1.0, 1.1 and 1.2 decrypted with the key log's `CLIENT_RANDOM` line, which holds
//! the session's master secret: the key block is derived from it with the version's
//! PRF, both directions' records are opened after their ChangeCipherSpec, and both
//! Finished messages are checked against the handshake hash (RFC 5246 §7.4.9).
//!
//! Like the TLS 1.3 path this reads the one framer's records and reassembles with the
//! one reassembler; everything from the peer is hostile and bounded.

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

impl Session12<'_> {
    /// The key block and its split (RFC 5246 §6.3), with each step recorded.
    fn key_block(&mut self, suite: Suite12, prf: Prf, etm: bool) -> Result<(), String> {
        let (Some(cr), Some(sr)) = (self.client_random.clone(), self.server_random.clone()) else {
            return Err("randoms missing".into());
        };
        let v = self.version;
        let rfc_ks = match v {
            0x0301 => "RFC 2246 §6.3",
            0x0302 => "RFC 4346 §6.3",
            _ => "RFC 5246 §6.3",
        };
        let kx = names::cipher_kx(self.suite_id);
        let pms_note = match kx {
            Some(names::Kx::Rsa) => {
                "48 bytes the client chose and sent encrypted to the server's RSA key in \
                 ClientKeyExchange. Not in the key log: only its product, the master secret."
            }
            _ => {
                "The (EC)DH shared secret: the client's private key with the server's public \
                 key from ServerKeyExchange. It enters here and nowhere else; the key log \
                 holds only the master secret made from it, so a client-side view cannot show it."
            }
        };
        let mut steps = vec![
            KeyStep::new(
                "pre_master_secret",
                "(EC)DH(client private key, server public key) or RSA-encrypted random".into(),
                "RFC 5246 §8.1",
            )
            .note(pms_note),
        ];
        let ms = if self.ems {
            KeyStep::new(
                "master_secret",
                format!(
                    "{}(pre_master_secret, \"extended master secret\", session_hash)[0..48]",
                    prf.name()
                ),
                "RFC 7627 §4",
            )
            .input(
                "session_hash",
                self.session_hash
                    .as_deref()
                    .map_or("(ClientKeyExchange not seen)".into(), crate::wire::hex),
            )
            .input(
                "covers",
                "every handshake message from ClientHello to ClientKeyExchange",
            )
            .note(
                "Extended master secret: bound to this handshake's transcript, so a session \
                 cannot be replayed into another connection (the triple-handshake attack).",
            )
        } else {
            KeyStep::new(
                "master_secret",
                format!(
                    "{}(pre_master_secret, \"master secret\", client_random ‖ server_random)[0..48]",
                    prf.name()
                ),
                "RFC 5246 §8.1",
            )
            .input("client_random", crate::wire::hex(&cr))
            .input("server_random", crate::wire::hex(&sr))
        };
        steps.push(
            ms.output(&self.master)
                .input("source", "the key log's CLIENT_RANDOM line"),
        );
        let mac_len = suite.mac_len();
        let iv_len = suite.fixed_iv_len(v);
        let total = 2 * (mac_len + suite.key_len + iv_len);
        let mut seed = sr.clone();
        seed.extend_from_slice(&cr);
        let kb = prf
            .prf(&self.master, "key expansion", &seed, total)
            .map_err(|e| e.to_string())?;
        steps.push(
            KeyStep::new(
                "key_block",
                format!(
                    "{}(master_secret, \"key expansion\", server_random ‖ client_random)[0..{total}]",
                    prf.name()
                ),
                rfc_ks,
            )
            .input("prf", prf.name())
            .output(&kb)
            .note(format!(
                "Cut in order into MAC keys ({mac_len} bytes each), write keys ({}), IVs ({iv_len}).",
                suite.key_len
            )),
        );
        let mut at = 0usize;
        let mut take = |n: usize| {
            let s = kb.get(at..at + n).unwrap_or(&[]).to_vec();
            at += n;
            s
        };
        let (cm, sm) = (take(mac_len), take(mac_len));
        let (ck, sk) = (take(suite.key_len), take(suite.key_len));
        let (ci, si) = (take(iv_len), take(iv_len));
        for (name, val, what) in [
            (
                "client_write_MAC_key",
                &cm,
                "HMAC key for the client's records",
            ),
            (
                "server_write_MAC_key",
                &sm,
                "HMAC key for the server's records",
            ),
            (
                "client_write_key",
                &ck,
                "cipher key for the client's records",
            ),
            (
                "server_write_key",
                &sk,
                "cipher key for the server's records",
            ),
            ("client_write_IV", &ci, iv_meaning(suite, v)),
            ("server_write_IV", &si, iv_meaning(suite, v)),
        ] {
            if !val.is_empty() {
                steps.push(
                    KeyStep::new(name, "the next bytes of key_block".into(), rfc_ks)
                        .output(val)
                        .note(what),
                );
            }
        }
        let conn = |mac_key: Vec<u8>, key: Vec<u8>, iv: Vec<u8>| Conn12 {
            suite,
            version: v,
            etm,
            mac_key,
            key,
            iv,
            seq: 0,
        };
        self.client = Some(conn(cm, ck, ci));
        self.server = Some(conn(sm, sk, si));
        self.out.key_schedule = steps;
        Ok(())
    }

    /// Check a Finished: PRF(master_secret, label, Hash(handshake messages before it))[0..12].
    fn finished(&mut self, d: Direction, m: &HsMessage) {
        let Some(prf) = self.prf else { return };
        if self.dir(d).finished {
            return;
        }
        self.dir(d).finished = true;
        let label = match d {
            Direction::Client => "client finished",
            Direction::Server => "server finished",
        };
        let rfc = match self.version {
            0x0301 => "RFC 2246 §7.4.9",
            0x0302 => "RFC 4346 §7.4.9",
            _ => "RFC 5246 §7.4.9",
        };
        let hash_name = match prf {
            Prf::Md5Sha1 => "MD5(handshake) ‖ SHA1(handshake)",
            Prf::Sha256 => "SHA-256(handshake)",
            Prf::Sha384 => "SHA-384(handshake)",
        };
        let mut step = KeyStep::new(
            &format!("{} Finished", dir_name(d)),
            format!(
                "{}(master_secret, \"{label}\", {hash_name})[0..12]",
                prf.name()
            ),
            rfc,
        );
        let verdict = if self.transcript_bad {
            Err("the handshake transcript was too large to keep".to_string())
        } else {
            prf.handshake_hash(&self.transcript)
                .and_then(|h| {
                    step = step.clone().input("handshake_hash", crate::wire::hex(&h));
                    prf.verify_data(&self.master, label, &h)
                })
                .map_err(|e| e.to_string())
        };
        step = step.input("received verify_data", crate::wire::hex(m.body()));
        let ok = match verdict {
            Ok(expected) => {
                let ok = openssl::memcmp::eq(&expected, m.body().get(..12).unwrap_or(&[]))
                    && m.body().len() == 12;
                step = step.output(&expected).note(if ok {
                    "computed = received: the peer saw the same handshake and holds the same master secret"
                } else {
                    "computed ≠ received: the handshake was altered or the secret is wrong"
                });
                step.ok = Some(ok);
                Some(ok)
            }
            Err(e) => {
                step = step.note(format!("not verified: {e}"));
                None
            }
        };
        match d {
            Direction::Client => self.out.client_finished_ok = ok,
            Direction::Server => self.out.server_finished_ok = ok,
        }
        if ok == Some(false) {
            self.note(format!(
                "{}: Finished verify_data does not match the transcript",
                dir_name(d)
            ));
        }
        self.out.key_schedule.push(step);
    }
}

fn iv_meaning(suite: Suite12, v: u16) -> &'static str {
    match suite.bulk {
        Bulk::Cbc { .. } if v == 0x0301 => {
            "TLS 1.0 CBC: the first record's IV; each later record uses the previous record's last ciphertext block"
        }
        Bulk::Chacha => "XORed with the sequence number to make each record's 12-byte nonce",
        _ => "the implicit salt: nonce = salt ‖ the record's 8-byte explicit nonce",
    }
}
