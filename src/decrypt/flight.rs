//! The encrypted flight: traffic keys installed once the ServerHello names the suite,
//! each application_data record opened with its direction's current keys, and the
//! decrypted handshake messages (Finished checks, KeyUpdate, certificates) handled.

use super::*;

impl Session<'_> {
    /// Set up both directions' keys once the suite is known.
    pub(super) fn install(&mut self, suite: Suite, s: Secrets) {
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
        self.schedule_start(&suite);
        for d in [Direction::Client, Direction::Server] {
            let secret = self.side(d).hs_secret.clone();
            let keys = secret.and_then(|sec| self.keys_for(suite, &sec));
            if let Some(k) = &keys {
                self.schedule_secret(d, false, &suite, k);
            }
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
        let (seq, nonce) = (k.seq, k.nonce());
        let opened = k.open(suite, &r.header, r.payload);
        let tag = r.payload.len().saturating_sub(suite.tag_len);
        let info = RecordInfo {
            from: d,
            at_ms: at_ms(r.at),
            header: crate::wire::hex(&r.header),
            seq,
            nonce: crate::wire::hex(&nonce),
            nonce_from: "iv xor seq",
            ciphertext_len: tag,
            tag: crate::wire::hex(r.payload.get(tag..).unwrap_or(&[])),
            inner_type: None,
            plaintext_len: 0,
            error: opened
                .is_none()
                .then(|| "authentication tag does not verify (bad_record_mac)".to_string()),
        };
        if self.out.records.len() < MAX_RECORDS {
            self.out.records.push(info);
        }
        let side = self.side(d);
        let Some(k) = side.keys.as_mut() else {
            return Opened::Skipped;
        };
        if let Some(p) = opened {
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

    pub(super) fn encrypted(&mut self, r: &Record<'_>) {
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
        if !early && let Some(last) = self.out.records.last_mut() {
            last.inner_type = Some(names::content_type_name(inner));
            last.plaintext_len = content.len();
        }
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
                    if let [level, desc] = *a
                        && self.out.alerts.len() < MAX_ALERTS
                    {
                        self.out.alerts.push((d, level, desc));
                        self.out.raw_alerts.push((d, at_ms(r.at), a.to_vec()));
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
                    self.out.keep_app_data(d, content);
                }
                let side = self.side(d);
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
                if let Some(k) = &keys {
                    self.schedule_secret(d, true, suite, k);
                }
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
                if t == HS_CERTIFICATE_VERIFY
                    && d == Direction::Server
                    && in_handshake
                    && self.transcript_bad.is_none()
                    && let Ok(h) = suite.hash(&self.transcript)
                {
                    let leaf = self.out.server_certificates.first().map(Vec::as_slice);
                    let check = super::signed::certificate_verify(d, m.body(), &h, leaf);
                    self.out.signatures.push(check);
                }
                if in_handshake {
                    self.transcript_push(&m.raw);
                }
                if d == Direction::Server && in_handshake {
                    if t == HS_CERTIFICATE && self.out.server_certificates.is_empty() {
                        if let Some(Message {
                            body: Body::Certificate(c),
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
            (None, Some(sec)) => self.finished_step(d, suite, &sec, m.body()),
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
}
