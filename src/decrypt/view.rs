//! The ladder's view of a decrypted session: each protected record with its header,
//! nonce, ciphertext and tag; the decrypted handshake messages and alerts in place;
//! each Finished with its check; and one "KeySchedule" item whose bytes are the
//! schedule's outputs and whose fields are its steps.

use super::{Decrypted, KeyStep, RecordInfo, SignatureCheck};
use crate::wire::dissect::{Dissected, Out, RecKind, dissect_handshake, record_item};
use crate::wire::{Direction, names};

/// Name of the ladder item that holds the key schedule.
pub const KEY_SCHEDULE: &str = "KeySchedule";
/// Name of a protected record's ladder item.
pub const PROTECTED_RECORD: &str = "ProtectedRecord";

/// The ladder: the clear items dissected from the wire with `d` woven in.
pub fn ladder_items(mut items: Vec<Dissected>, d: &Decrypted) -> Vec<Dissected> {
    let hint = Some(d.version_code).filter(|v| *v != 0).or(Some(0x0304));
    let tls13 = d.version_code == 0x0304 || d.version_code == 0;
    let mte = d.protection.contains("MAC-then-encrypt");
    // Protected records: described from what decryption saw, matched in order per
    // direction by their header.
    let mut next = [0usize; 2];
    for it in items.iter_mut().filter(|x| x.name == "EncryptedRecord") {
        let k = usize::from(it.from == Direction::Server);
        let infos: Vec<&RecordInfo> = d.records.iter().filter(|r| r.from == it.from).collect();
        let head = crate::wire::hex(it.raw.get(..5).unwrap_or(&[]));
        let start = next.get(k).copied().unwrap_or(0);
        if let Some(off) = infos.iter().skip(start).position(|r| r.header == head)
            && let Some(info) = infos.get(start + off)
        {
            *it = protected(it, info, tls13, mte);
            if let Some(n) = next.get_mut(k) {
                *n = start + off + 1;
            }
        }
    }
    let mut plain: Vec<Dissected> = d
        .raw_messages
        .iter()
        .map(|(from, at_ms, raw)| dissect_handshake(*from, *at_ms, raw, hint))
        .collect();
    for f in plain.iter_mut().filter(|x| x.name == "Finished") {
        finished_check(f, &d.key_schedule);
    }
    items.extend(plain);
    for c in &d.signatures {
        if let Some(it) = items
            .iter_mut()
            .find(|x| x.name == c.message && x.from == c.from)
        {
            signature_check(it, c);
        }
    }
    for (from, at_ms, a) in &d.raw_alerts {
        let v = d.version_code.clamp(0x0301, 0x0303).to_be_bytes();
        let hdr = [21, v[0], v[1], 0, a.len() as u8];
        let mut item = record_item(*from, *at_ms, &hdr, a, RecKind::Alert, tls13);
        item.name = "Alert".into();
        items.push(item);
    }
    items.sort_by(|a, b| {
        a.at_ms
            .partial_cmp(&b.at_ms)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if !d.key_schedule.is_empty() {
        // TLS 1.3: keys exist from the ServerHello on. TLS ≤ 1.2: they take effect
        // at the first ChangeCipherSpec (after ClientKeyExchange).
        let sh = items
            .iter()
            .rposition(|x| x.name == "ServerHello")
            .map_or(0, |i| i + 1);
        let at = if tls13 {
            sh
        } else {
            items
                .iter()
                .position(|x| x.name == "ChangeCipherSpec")
                .unwrap_or(sh)
        };
        let at_ms = items
            .get(at)
            .or(items.get(at.saturating_sub(1)))
            .map_or(0.0, |x| x.at_ms);
        items.insert(at.min(items.len()), schedule_item(&d.key_schedule, at_ms));
    }
    items
}

/// A protected record: header fields, then nonce/IV, ciphertext, tag or MAC.
fn protected(it: &Dissected, r: &RecordInfo, tls13: bool, mte: bool) -> Dissected {
    let raw = it.raw.clone();
    let n = raw.len();
    let mut o = Out::new(true);
    let ct = raw.first().copied().unwrap_or(0);
    let rfc = if tls13 {
        "RFC 8446 §5.2"
    } else {
        "RFC 5246 §6.2.3"
    };
    o.push(
        0,
        "content_type",
        (0, 1),
        format!("{} ({ct})", names::content_type_name(ct)),
        if tls13 {
            "Always application_data on an encrypted TLS 1.3 record: the real type is inside."
        } else {
            "The real content type: TLS ≤ 1.2 does not hide it."
        },
        rfc,
    );
    let v = u16::from_be_bytes([
        raw.get(1).copied().unwrap_or(0),
        raw.get(2).copied().unwrap_or(0),
    ]);
    o.push(
        0,
        "legacy_record_version",
        (1, 2),
        names::version_name(v),
        "Record-layer version; part of the additional data the tag covers.",
        rfc,
    );
    o.push(
        0,
        "length",
        (3, 2),
        format!("{} bytes", n.saturating_sub(5)),
        "Fragment length: nonce, ciphertext and tag.",
        rfc,
    );
    let mut pos = 5;
    let explicit = r.nonce_from == "explicit";
    if explicit {
        let len = r.nonce.len() / 2 - if tls13 { 0 } else { explicit_salt(r) };
        o.push(0, "explicit_nonce", (pos, len.min(n.saturating_sub(pos))), r.nonce.clone(),
            "Sent in the clear at the start of the record: the CBC IV (TLS 1.1+), or the explicit part of an AEAD nonce (full nonce shown: salt ‖ explicit).",
            "RFC 5246 §6.2.3.2");
        pos = (pos + len).min(n);
    }
    let aead = tls13 || r.nonce_from == "iv xor seq" || (explicit && r.nonce.len() == 24);
    let tag_len = if mte { 0 } else { r.tag.len() / 2 };
    let ct_len = n.saturating_sub(pos).saturating_sub(tag_len);
    let inner = r
        .inner_type
        .clone()
        .unwrap_or_else(|| "not decrypted".into());
    let mut value = format!(
        "{} bytes → {} of {inner}",
        r.ciphertext_len,
        bytes(r.plaintext_len)
    );
    if let Some(e) = &r.error {
        value = format!("{} bytes: {e}", r.ciphertext_len);
    }
    o.push(
        0,
        "encrypted_record",
        (pos, ct_len),
        value,
        if tls13 {
            "Ciphertext of content ‖ inner content type ‖ zero padding."
        } else {
            "Ciphertext of the content (with MAC and padding inside when MAC-then-encrypt)."
        },
        rfc,
    );
    o.push(1, "sequence_number", (pos, 0), r.seq.to_string(), "Counted by both sides, never sent: the MAC and the nonce depend on it, so a dropped or replayed record fails.", rfc);
    if !explicit {
        let m = match r.nonce_from {
            "chained" => {
                "TLS 1.0 CBC: the previous record's last ciphertext block (or client/server_write_IV) — predictable, the BEAST attack."
            }
            _ => "write_iv xor the sequence number (left-padded to 12 bytes).",
        };
        o.push(
            1,
            "nonce",
            (pos, 0),
            r.nonce.clone(),
            m,
            if tls13 {
                "RFC 8446 §5.3"
            } else {
                "RFC 7905 §2"
            },
        );
    }
    o.push(
        1,
        "inner_content_type",
        (pos, 0),
        inner,
        "What the record carries once opened.",
        rfc,
    );
    if mte && !r.tag.is_empty() {
        o.push(1, "mac (inside the ciphertext)", (pos, 0), r.tag.clone(),
            "MAC-then-encrypt: HMAC(seq ‖ header ‖ content) is encrypted with the content and checked after decryption, together with the padding (the Lucky13 and POODLE family).",
            rfc);
    } else if tag_len > 0 && pos + ct_len < n {
        let (name, m) = if aead {
            (
                "tag",
                "AEAD tag over the ciphertext and the additional data (sequence number, type, version, length): one flipped bit and the record is rejected (bad_record_mac).",
            )
        } else {
            (
                "mac",
                "Encrypt-then-MAC: HMAC over seq ‖ header ‖ IV ‖ ciphertext, checked before decrypting (RFC 7366).",
            )
        };
        o.push(
            0,
            name,
            (pos + ct_len, n - pos - ct_len),
            r.tag.clone(),
            m,
            rfc,
        );
    }
    let mut d = o.finish(it.from, it.at_ms, PROTECTED_RECORD, raw);
    d.at_ms = it.at_ms;
    d
}

/// AEAD nonce shown as salt ‖ explicit: the salt is 4 bytes of the 12.
fn explicit_salt(r: &RecordInfo) -> usize {
    if r.nonce.len() == 24 { 4 } else { 0 }
}

fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

/// A depth-1 field under verify_data: computed vs received.
fn finished_check(f: &mut Dissected, steps: &[KeyStep]) {
    let who = match f.from {
        Direction::Client => "client Finished",
        Direction::Server => "server Finished",
    };
    let Some(s) = steps.iter().find(|s| s.step == who) else {
        return;
    };
    let value = match s.ok {
        Some(true) => format!("✓ computed {} = received", crate::wire::hex(&s.output)),
        Some(false) => format!("✗ computed {} ≠ received", crate::wire::hex(&s.output)),
        None => s.note.clone(),
    };
    let len = f.raw.len().saturating_sub(4);
    let at = f
        .fields
        .iter()
        .position(|x| x.start == 4 && x.depth == 0)
        .map_or(f.fields.len(), |i| i + 1);
    f.fields.insert(
        at.min(f.fields.len()),
        crate::wire::dissect::FieldSpan {
            name: "check".into(),
            start: 4,
            len,
            value,
            meaning: format!("{} — {}", s.formula, s.note),
            rfc: s.rfc,
            depth: 1,
        },
    );
}

/// The key schedule as one ladder item: bytes = every step's output in order.
fn schedule_item(steps: &[KeyStep], at_ms: f64) -> Dissected {
    let mut raw = Vec::new();
    let mut o = Out::new(true);
    for s in steps {
        let start = raw.len();
        raw.extend_from_slice(&s.output);
        let value = match (s.ok, s.output.is_empty()) {
            (Some(true), _) => format!("✓ {}", crate::wire::hex(&s.output)),
            (Some(false), _) => format!("✗ {}", crate::wire::hex(&s.output)),
            (None, true) => "not visible to a client-side key log".into(),
            (None, false) => crate::wire::hex(&s.output),
        };
        let mut meaning = s.formula.clone();
        if !s.note.is_empty() {
            meaning = format!("{meaning} — {}", s.note);
        }
        o.push(
            0,
            s.step.clone(),
            (start, s.output.len()),
            value,
            meaning,
            s.rfc,
        );
        for i in &s.inputs {
            o.push(
                1,
                i.name.clone(),
                (start, 0),
                i.value.clone(),
                "An input of this step.",
                s.rfc,
            );
        }
    }
    o.finish(Direction::Client, at_ms, KEY_SCHEDULE, raw)
}

/// A depth-1 field under the signature: the signed bytes rebuilt, and the verdict.
fn signature_check(it: &mut Dissected, c: &SignatureCheck) {
    let value = match c.ok {
        Some(true) => format!(
            "✓ {} verifies over {} signed bytes",
            c.scheme,
            c.signed_content.len()
        ),
        Some(false) => format!("✗ {} does not verify", c.scheme),
        None => c.note.clone(),
    };
    let (start, len) = it
        .fields
        .iter()
        .rfind(|f| f.depth == 0 && f.name.contains("signature"))
        .map_or((4, it.raw.len().saturating_sub(4)), |f| (f.start, f.len));
    let at = it
        .fields
        .iter()
        .rposition(|f| f.start == start && f.depth == 0)
        .map_or(it.fields.len(), |i| i + 1);
    it.fields.insert(
        at.min(it.fields.len()),
        crate::wire::dissect::FieldSpan {
            name: "check".into(),
            start,
            len,
            value,
            meaning: format!(
                "signed: {} = {} — {}",
                c.layout,
                crate::wire::hex(&c.signed_content),
                c.note
            ),
            rfc: c.rfc,
            depth: 1,
        },
    );
}
