//! The TLS ≤ 1.2 key schedule written down: the key block and its split, each
//! Finished checked with the PRF, and the ServerKeyExchange signature rebuilt.

use super::*;

impl Session12<'_> {
    /// The key block and its split (RFC 5246 §6.3), with each step recorded.
    pub(super) fn key_block(&mut self, suite: Suite12, prf: Prf, etm: bool) -> Result<(), String> {
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
    pub(super) fn finished(&mut self, d: Direction, m: &HsMessage) {
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
                let ok = crate::decrypt::keys::same(&expected, m.body());
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

impl Session12<'_> {
    pub(super) fn server_key_exchange(&mut self, m: &HsMessage) {
        let Body::ServerKeyExchange(ske) =
            decode_handshake_message(m.msg_type, m.body(), Some(self.version))
        else {
            return;
        };
        let (Some(cr), Some(sr)) = (&self.client_random, &self.server_random) else {
            return;
        };
        if ske.signature.is_none() && self.version >= 0x0303 || ske.params_end == 0 {
            return;
        }
        let check = super::signed::server_key_exchange(
            self.version,
            cr,
            sr,
            m.body(),
            ske.params_end,
            self.leaf.as_deref(),
        );
        self.out.signatures.push(check);
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
