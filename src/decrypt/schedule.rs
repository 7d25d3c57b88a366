//! The key schedule of one session, step by step, and the record layer as decryption
//! saw it: what `--json` carries under `decrypted.key_schedule` and
//! `decrypted.records`, and what the ladder shows as its "KeySchedule" item.

use crate::wire::Direction;
use serde::Serialize;

/// One input of a step: a name and its value in words or hex.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyInput {
    pub name: String,
    pub value: String,
}

/// One calculation of the key schedule: what went in, what came out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct KeyStep {
    /// e.g. "master_secret", "key_block", "client_write_key", "server Finished".
    pub step: String,
    /// The calculation, e.g. `PRF(master_secret, "key expansion", server_random ‖ client_random)`.
    pub formula: String,
    pub inputs: Vec<KeyInput>,
    /// The result (hex in JSON); empty when a client cannot see it (the (EC)DH secret).
    #[serde(serialize_with = "hex_bytes")]
    pub output: Vec<u8>,
    /// What it is for, or why it is not shown.
    pub note: String,
    pub rfc: &'static str,
    /// For a Finished check: whether the computed value equals the received one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
}

impl KeyStep {
    pub(super) fn new(step: &str, formula: String, rfc: &'static str) -> KeyStep {
        KeyStep {
            step: step.into(),
            formula,
            rfc,
            ..KeyStep::default()
        }
    }

    pub(super) fn input(mut self, name: &str, value: impl Into<String>) -> KeyStep {
        self.inputs.push(KeyInput {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    pub(super) fn output(mut self, out: &[u8]) -> KeyStep {
        self.output = out.to_vec();
        self
    }

    pub(super) fn note(mut self, note: impl Into<String>) -> KeyStep {
        self.note = note.into();
        self
    }
}

fn hex_bytes<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::wire::hex(v))
}

/// One protected record as decryption saw it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordInfo {
    pub from: Direction,
    pub at_ms: f64,
    /// The 5-byte header (hex): outer content type, version, length.
    pub header: String,
    /// Sequence number of this record in its direction (implicit: never sent).
    pub seq: u64,
    /// The nonce or CBC IV used: explicit (sent in the record) or computed
    /// (IV xor sequence number; the previous record's last block in TLS 1.0).
    pub nonce: String,
    /// "explicit" (sent at the start of the record), "iv xor seq", "chained".
    pub nonce_from: &'static str,
    /// Ciphertext length, the authentication tag or MAC (hex).
    pub ciphertext_len: usize,
    pub tag: String,
    /// The content type found inside (TLS 1.3) or authenticated (≤ 1.2), by name.
    pub inner_type: Option<String>,
    pub plaintext_len: usize,
    /// Why it did not open (MAC failure, bad padding), absent when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
