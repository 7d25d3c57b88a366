//! The TLS 1.3 key schedule as this session ran it (RFC 8446 §7.1): where the (EC)DHE
//! secret enters, the transcript hashes, each logged traffic secret, the key and IV
//! expanded from it, and the Finished MACs computed against what was received.

use super::keys::{hkdf_expand_label, hmac};
use super::*;

/// Steps kept (a KeyUpdate storm must not grow the list without bound).
const MAX_STEPS: usize = 64;
/// Application data kept per direction for display and tests.
const MAX_APP_KEPT: usize = 4096;

impl Decrypted {
    pub(super) fn step(&mut self, s: KeyStep) {
        if self.key_schedule.len() < MAX_STEPS {
            self.key_schedule.push(s);
        }
    }

    /// Keep the first application bytes each way (bounded).
    pub(super) fn keep_app_data(&mut self, d: Direction, data: &[u8]) {
        let i = match self.app_data.iter().position(|(x, _)| *x == d) {
            Some(i) => i,
            None => {
                self.app_data.push((d, Vec::new()));
                self.app_data.len() - 1
            }
        };
        if let Some((_, kept)) = self.app_data.get_mut(i) {
            let room = MAX_APP_KEPT.saturating_sub(kept.len());
            kept.extend_from_slice(data.get(..room.min(data.len())).unwrap_or(&[]));
        }
    }
}

fn side_name(d: Direction) -> &'static str {
    match d {
        Direction::Client => "client",
        Direction::Server => "server",
    }
}

impl Session<'_> {
    /// At the ServerHello: what a client cannot see, and the hash the handshake
    /// secrets are bound to.
    pub(super) fn schedule_start(&mut self, suite: &Suite) {
        self.out.version = "TLSv1.3".into();
        self.out.version_code = 0x0304;
        self.out.protection = format!("{} (AEAD)", suite_name(suite));
        self.out.step(
            KeyStep::new(
                "(EC)DHE shared secret",
                "ECDH(client private key, server key_share)".into(),
                "RFC 8446 §7.4",
            )
            .note(
                "Computed by the client from its private key and the server's key_share; it \
                 enters as the input keying material of handshake_secret = HKDF-Extract(\
                 Derive-Secret(early_secret, \"derived\", \"\"), shared secret). The key log \
                 holds only the traffic secrets derived from it, so it is not shown.",
            ),
        );
        if let Ok(h) = suite.hash(&self.transcript) {
            self.out.step(
                KeyStep::new(
                    "transcript_hash(ClientHello…ServerHello)",
                    "Hash(ClientHello ‖ ServerHello)".into(),
                    "RFC 8446 §4.4.1",
                )
                .output(&h)
                .note(if self.hrr_seen {
                    "The context of the handshake traffic secrets. After a HelloRetryRequest the \
                     first ClientHello is replaced by message_hash (type 254) carrying its hash."
                } else {
                    "The context of the handshake traffic secrets."
                }),
            );
        }
    }

    /// After a HelloRetryRequest: the synthetic message that replaces ClientHello1.
    pub(super) fn schedule_message_hash(&mut self, synthetic: &[u8]) {
        self.out.step(
            KeyStep::new(
                "message_hash (replaces ClientHello1)",
                "254 ‖ 00 00 ‖ Hash.length ‖ Hash(ClientHello1)".into(),
                "RFC 8446 §4.4.1",
            )
            .output(synthetic)
            .note(
                "After a HelloRetryRequest the transcript starts with this synthetic message \
                 instead of the first ClientHello, so a stateless server can carry the hash \
                 in its cookie.",
            ),
        );
    }

    /// A traffic secret from the key log and the key and IV expanded from it.
    pub(super) fn schedule_secret(
        &mut self,
        d: Direction,
        app: bool,
        suite: &Suite,
        k: &TrafficKeys,
    ) {
        let who = side_name(d);
        let (label, derive, context, source) = match (d, app) {
            (Direction::Client, false) => (
                "client_handshake_traffic_secret",
                "c hs traffic",
                "ClientHello…ServerHello",
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            ),
            (Direction::Server, false) => (
                "server_handshake_traffic_secret",
                "s hs traffic",
                "ClientHello…ServerHello",
                "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            ),
            (Direction::Client, true) => (
                "client_application_traffic_secret_0",
                "c ap traffic",
                "ClientHello…server Finished",
                "CLIENT_TRAFFIC_SECRET_0",
            ),
            (Direction::Server, true) => (
                "server_application_traffic_secret_0",
                "s ap traffic",
                "ClientHello…server Finished",
                "SERVER_TRAFFIC_SECRET_0",
            ),
        };
        let parent = if app {
            "master_secret"
        } else {
            "handshake_secret"
        };
        if app && let Ok(h) = suite.hash(&self.transcript) {
            self.out.step(
                KeyStep::new(
                    &format!("transcript_hash({context}) for {who}"),
                    format!("Hash({context})"),
                    "RFC 8446 §7.1",
                )
                .output(&h)
                .note("The context of the application traffic secrets."),
            );
        }
        self.out.step(
            KeyStep::new(
                label,
                format!("Derive-Secret({parent}, \"{derive}\", {context})"),
                "RFC 8446 §7.1",
            )
            .input("source", format!("the key log's {source} line"))
            .output(&k.secret),
        );
        let (key, iv) = k.key_iv();
        let phase = if app { "application" } else { "handshake" };
        self.out.step(
            KeyStep::new(
                &format!("{who} {phase} write key"),
                format!("HKDF-Expand-Label({label}, \"key\", \"\", {})", key.len()),
                "RFC 8446 §7.3",
            )
            .output(key),
        );
        self.out.step(
            KeyStep::new(&format!("{who} {phase} write iv"), format!("HKDF-Expand-Label({label}, \"iv\", \"\", 12)"), "RFC 8446 §7.3")
                .output(iv)
                .note("Each record's nonce is this IV xor the 64-bit record sequence number (RFC 8446 §5.3)."),
        );
    }

    /// Finished: finished_key, the transcript hash, computed vs received verify_data.
    pub(super) fn finished_step(
        &mut self,
        d: Direction,
        suite: &Suite,
        secret: &[u8],
        received: &[u8],
    ) -> Result<bool, String> {
        let who = side_name(d);
        let err = |e: openssl::error::ErrorStack| format!("crypto error: {e}");
        let h = suite.hash(&self.transcript).map_err(err)?;
        let fk =
            hkdf_expand_label(suite.md, secret, "finished", &[], suite.hash_len).map_err(err)?;
        let expected = hmac(suite.md, &fk, &h).map_err(err)?;
        let ok = super::keys::same(&expected, received);
        self.out.step(
            KeyStep::new(
                &format!("{who} finished_key"),
                format!(
                    "HKDF-Expand-Label({who}_handshake_traffic_secret, \"finished\", \"\", {})",
                    suite.hash_len
                ),
                "RFC 8446 §4.4.4",
            )
            .output(&fk),
        );
        let mut step = KeyStep::new(
            &format!("{who} Finished"),
            "HMAC(finished_key, transcript_hash)".into(),
            "RFC 8446 §4.4.4",
        )
        .input("transcript_hash", crate::wire::hex(&h))
        .input("received verify_data", crate::wire::hex(received))
        .output(&expected)
        .note(if ok {
            "computed = received: the peer saw the same handshake and holds the same secret"
        } else {
            "computed ≠ received: the handshake was altered or the secret is wrong"
        });
        step.ok = Some(ok);
        self.out.step(step);
        Ok(ok)
    }
}

fn suite_name(s: &Suite) -> &'static str {
    match (s.key_len, s.ccm, s.tag_len) {
        (16, false, _) => "AES-128-GCM",
        (32, false, _) if s.hash_len == 48 => "AES-256-GCM",
        (32, false, _) => "ChaCha20-Poly1305",
        (_, true, 8) => "AES-128-CCM-8",
        _ => "AES-128-CCM",
    }
}
