//! Record-level items: ChangeCipherSpec, alerts, encrypted records, SSLv2, non-TLS.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecKind {
    Ccs,
    Alert,
    Encrypted,
    Heartbeat,
}

pub(super) fn alert_meaning(d: u8) -> &'static str {
    match d {
        0 => "The sender will send no more data on this connection (orderly close).",
        10 => "A message arrived that is not allowed at this point of the protocol.",
        20 => "A record failed to decrypt or authenticate.",
        22 => "A record was longer than allowed.",
        40 => {
            "No acceptable set of parameters: nothing in common (suites, groups, \
               signatures, ...)."
        }
        42 => "A certificate was corrupt or its signature did not verify.",
        43 => "A certificate was of an unsupported type.",
        44 => "A certificate was revoked by its signer.",
        45 => "A certificate has expired or is not yet valid.",
        46 => "Some other problem with a certificate made it unacceptable.",
        47 => "A field was out of range or inconsistent with other fields.",
        48 => "The certificate chain does not lead to a trusted CA.",
        49 => "Valid certificate, but access control refused the handshake.",
        50 => "A message could not be parsed (wrong length or out-of-range field).",
        51 => "A handshake cryptographic operation failed (signature, Finished, binder).",
        70 => {
            "The peer's version is recognised but not supported (e.g. a TLS 1.3-only \
               server and a TLS 1.2 client)."
        }
        71 => "The server requires stronger parameters than the client offered.",
        80 => "An error in the sender unrelated to the peer or the protocol.",
        86 => {
            "A fallback retry was detected while a better version is supported \
               (TLS_FALLBACK_SCSV)."
        }
        90 => "The user cancelled the handshake.",
        100 => "The peer refuses to renegotiate.",
        109 => "A required extension was missing.",
        110 => {
            "An extension arrived that was not requested or is not allowed in this \
                message."
        }
        112 => "The server does not know the requested server_name.",
        113 => "An invalid OCSP response was stapled.",
        115 => "None of the offered PSK identities is known.",
        116 => "The server requires a client certificate but none was sent.",
        120 => "None of the client's ALPN protocols is supported by the server.",
        _ => "An alert this dissector has no description for.",
    }
}

pub(crate) fn record_item(
    from: Direction,
    at_ms: f64,
    hdr: &[u8],
    payload: &[u8],
    kind: RecKind,
    tls13: bool,
) -> Dissected {
    let shown = payload.len().min(DISPLAY_CAP);
    let mut raw = hdr.to_vec();
    raw.extend_from_slice(payload.get(..shown).unwrap_or(&[]));
    let mut o = Out::new(true);
    let mut h = Cur::new(&raw, 0, raw.len());
    let ct = h.u8().unwrap_or(0);
    o.push(
        0,
        "content_type",
        (0, 1),
        format!("{} ({ct})", names::content_type_name(ct)),
        "Which protocol the record carries; encrypted TLS 1.3 records always say \
         application_data and hide the real type inside.",
        "RFC 8446 §5.1",
    );
    let v = h.u16().unwrap_or(0);
    let mut c = Cur::new(&raw, 5, raw.len());
    o.push(
        0,
        "legacy_record_version",
        (1, 2),
        version_value(v),
        "Record-layer version, kept for compatibility and otherwise ignored; TLS 1.3 \
         writes TLSv1.2 here.",
        "RFC 8446 §5.1",
    );
    o.push(
        0,
        "length",
        (3, 2),
        bytes_n(payload.len()),
        "Length of the record fragment (at most 2^14 bytes of plaintext, plus the cipher's \
         expansion).",
        "RFC 8446 §5.1",
    );
    let name = match kind {
        RecKind::Ccs => {
            let v = match payload {
                [1] => "1 (change_cipher_spec)".to_string(),
                p => preview(p),
            };
            let (m, rfc) = if tls13 {
                (
                    "Compatibility ChangeCipherSpec: meaningless in TLS 1.3, sent so \
                     middleboxes see a TLS 1.2-looking handshake.",
                    "RFC 8446 Appendix D.4",
                )
            } else {
                (
                    "The sender switches to the newly negotiated keys: its next record (the \
                     Finished) is encrypted.",
                    "RFC 5246 §7.1",
                )
            };
            o.push(0, "change_cipher_spec", (5, shown), v, m, rfc);
            "ChangeCipherSpec"
        }
        RecKind::Alert => {
            let rfc = if tls13 {
                "RFC 8446 §6"
            } else {
                "RFC 5246 §7.2"
            };
            let desc_rfc = |d: u8| match (tls13, d) {
                (false, 0 | 90) => "RFC 5246 §7.2.1",
                (false, _) => "RFC 5246 §7.2.2",
                (true, 0 | 90) => "RFC 8446 §6.1",
                (true, _) => "RFC 8446 §6.2",
            };
            let mut i = 0;
            while c.rem() >= 2 && o.f.len() < MAX_FIELDS {
                let (Some(level), Some(desc)) = (c.u8(), c.u8()) else {
                    break;
                };
                let sfx = if i == 0 {
                    String::new()
                } else {
                    format!("[{i}]")
                };
                o.push(
                    0,
                    format!("level{sfx}"),
                    (c.pos - 2, 1),
                    format!("{} ({level})", names::alert_level_name(level)),
                    "fatal ends the connection at once; warning may not (TLS 1.3 treats \
                     every error alert as fatal).",
                    rfc,
                );
                o.push(
                    0,
                    format!("description{sfx}"),
                    (c.pos - 1, 1),
                    format!("{} ({desc})", names::alert_name(desc)),
                    alert_meaning(desc),
                    desc_rfc(desc),
                );
                i += 1;
            }
            "Alert"
        }
        RecKind::Encrypted => {
            let v = if shown < payload.len() {
                format!("encrypted: {} ({shown} shown)", bytes_n(payload.len()))
            } else {
                format!("encrypted: {}", bytes_n(payload.len()))
            };
            let (m, rfc) = if tls13 {
                (
                    "AEAD-protected record: from here on only lengths are visible; the real \
                     content type (handshake, alert, data) is inside the ciphertext.",
                    "RFC 8446 §5.2",
                )
            } else {
                (
                    "Protected with the keys activated by ChangeCipherSpec: from here on the \
                     content (first the Finished) is unreadable without the keys.",
                    "RFC 5246 §6.2.3",
                )
            };
            o.push(0, "encrypted_record", (5, shown), v, m, rfc);
            "EncryptedRecord"
        }
        RecKind::Heartbeat => {
            let v = match payload.first().and_then(|t| names::heartbeat_type_name(*t)) {
                Some(n) => n.to_string(),
                None => preview(payload),
            };
            o.push(
                0,
                "heartbeat",
                (5, shown),
                v,
                "Heartbeat keep-alive (the message type behind Heartbleed).",
                "RFC 6520",
            );
            "Unknown"
        }
    };
    o.finish(from, at_ms, name, raw)
}

/// SSLv2-compatible ClientHello record (2-byte header with the high bit set): the typed
/// hello (`None` when malformed), its fields recorded into `o`.
pub(crate) fn sslv2_hello(raw: &[u8], o: &mut Out) -> Option<Sslv2ClientHello> {
    let rfc = "RFC 5246 Appendix E.2";
    let mut c = Cur::new(raw, 0, raw.len());
    let mut typed = None;
    let _ = (|| -> Option<()> {
        let s = c.pos;
        let len = c.u16()? & 0x7fff;
        o.push(
            0,
            "msg_length",
            c.span(s),
            format!(
                "{} (high bit set: SSLv2 framing)",
                bytes_n(usize::from(len))
            ),
            "SSLv2 record header: the high bit marks a 2-byte header with no padding.",
            rfc,
        );
        let msg_type = o.read(
            &mut c,
            0,
            "msg_type",
            |c| c.u8(),
            |t| format!("{t}"),
            "1: CLIENT-HELLO.",
            rfc,
        )?;
        let version = o.read(
            &mut c,
            0,
            "version",
            |c| c.u16(),
            version_value,
            "The highest version the client supports.",
            rfc,
        )?;
        let mut lens = [0usize; 3];
        for (i, n) in [
            "cipher_spec_length",
            "session_id_length",
            "challenge_length",
        ]
        .iter()
        .enumerate()
        {
            let s = c.pos;
            let l = usize::from(c.u16()?);
            o.push(
                0,
                *n,
                c.span(s),
                bytes_n(l),
                "Length of a field below.",
                rfc,
            );
            if let Some(x) = lens.get_mut(i) {
                *x = l;
            }
        }
        let [cs, sid, ch] = lens;
        let s = c.pos;
        let mut specs = Cur::new(raw, s, s + cs);
        c.take(cs)?;
        let mut cipher_specs = Vec::new();
        o.push(
            0,
            "cipher_specs",
            c.span(s),
            format!("{} specs", cs / 3),
            "Cipher kinds offered, 3 bytes each; TLS suites appear as 0x00XXXX.",
            rfc,
        );
        let mut i = 0;
        while specs.rem() >= 3 {
            let p = specs.pos;
            let k = specs.take(3)?;
            let (v, typed) = match k {
                [0, a, b] => {
                    let id = u16::from_be_bytes([*a, *b]);
                    let name = if names::is_grease(id) {
                        "GREASE".into()
                    } else {
                        names::cipher_name(id)
                    };
                    (suite_value(id), name)
                }
                [a, b, c] => (
                    format!("SSLv2 kind 0x{}", hex(k)),
                    names::sslv2_cipher_name(u32::from_be_bytes([0, *a, *b, *c])),
                ),
                _ => (String::new(), String::new()),
            };
            cipher_specs.push(typed);
            o.push(
                1,
                format!("cipher_specs[{i}]"),
                (p, 3),
                v,
                "An offered cipher.",
                rfc,
            );
            i += 1;
        }
        o.read(
            &mut c,
            0,
            "session_id",
            |c| c.take(sid),
            preview,
            "Session to resume.",
            rfc,
        )?;
        o.read(
            &mut c,
            0,
            "challenge",
            |c| c.take(ch),
            preview,
            "Client randomness; becomes the right end of the TLS client random.",
            rfc,
        )?;
        if msg_type == 1 {
            typed = Some(Sslv2ClientHello {
                version: Version(version),
                cipher_specs,
                session_id_len: sid,
                challenge_len: ch,
            });
        }
        Some(())
    })();
    typed
}

pub(crate) fn not_tls_item(from: Direction, at_ms: f64, bytes: &[u8], why: &str) -> Dissected {
    let raw = bytes.get(..64.min(bytes.len())).unwrap_or(&[]).to_vec();
    let text = ascii(&raw);
    let mut o = Out::new(true);
    o.push(
        0,
        "data",
        (0, raw.len()),
        text,
        format!("Not a TLS record ({why}); this direction is not decoded further."),
        "RFC 8446 §5.1",
    );
    o.finish(from, at_ms, "NotTls", raw)
}
