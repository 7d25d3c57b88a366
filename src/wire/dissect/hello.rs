//! Handshake message dispatch, ClientHello, ServerHello and HelloRetryRequest.

use super::*;

pub(super) fn msg_name(t: u8, raw: &[u8]) -> &'static str {
    match t {
        0 => "HelloRequest",
        1 => "ClientHello",
        2 if raw.get(6..38) == Some(&HRR_RANDOM[..]) => "HelloRetryRequest",
        2 => "ServerHello",
        4 => "NewSessionTicket",
        5 => "EndOfEarlyData",
        8 => "EncryptedExtensions",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        24 => "KeyUpdate",
        _ => "Unknown",
    }
}

/// A message too large to dissect: one field over the first bytes.
pub(super) fn truncated(from: Direction, at_ms: f64, raw: &[u8], t: u8, len: usize) -> Dissected {
    let shown = raw
        .get(..DISPLAY_CAP.min(raw.len()))
        .unwrap_or(&[])
        .to_vec();
    let fields = vec![FieldSpan {
        name: "truncated".into(),
        start: 0,
        len: shown.len(),
        value: format!(
            "{} claims {len} bytes (limit {MAX_HANDSHAKE}); first {} bytes shown",
            names::handshake_type_name(t),
            shown.len()
        ),
        meaning: "A handshake message this large is pathological; it is not dissected.".into(),
        rfc: "RFC 8446 §4",
        depth: 0,
    }];
    Dissected {
        from,
        at_ms,
        name: msg_name(t, &shown).into(),
        raw: shown,
        fields,
    }
}

pub(super) fn dissect_message(from: Direction, at_ms: f64, raw: Vec<u8>, ctx: Ctx) -> Dissected {
    let t = raw.first().copied().unwrap_or(0);
    let claimed = u24_at(&raw, 1);
    if claimed.is_some_and(|n| n > MAX_HANDSHAKE) {
        return truncated(from, at_ms, &raw, t, claimed.unwrap_or(0));
    }
    let name = if raw.is_empty() {
        "Unknown"
    } else {
        msg_name(t, &raw)
    };
    let mut o = Out::default();
    if let Some(len) = claimed {
        o.push(
            0,
            "msg_type",
            (0, 1),
            format!("{} ({t})", names::handshake_type_name(t)),
            "Which handshake message follows.",
            "RFC 8446 §4",
        );
        let avail = raw.len().saturating_sub(4);
        o.push(
            0,
            "length",
            (1, 3),
            if len == avail {
                bytes_n(len)
            } else {
                format!("{len} bytes ({avail} present)")
            },
            "Length of the message body; a message may span several records.",
            "RFC 8446 §4",
        );
        let mut c = Cur::new(&raw, 4, 4 + len);
        body(t, name, &mut c, &mut o, ctx);
    }
    o.finish(from, at_ms, name, raw)
}

pub(super) fn body(t: u8, name: &str, c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) {
    let _ = match t {
        1 => client_hello(c, o),
        2 => server_hello(c, o, name == "HelloRetryRequest"),
        4 => new_session_ticket(c, o, ctx),
        8 => extensions(c, o, 0, ExtCtx::Encrypted),
        11 => certificate(c, o, ctx),
        12 => server_key_exchange(c, o, ctx),
        13 => certificate_request(c, o, ctx),
        15 => certificate_verify(c, o, ctx),
        16 => client_key_exchange(c, o, ctx),
        20 => finished(c, o, ctx),
        24 => key_update(c, o),
        0 | 5 | 14 => Some(()),
        _ => {
            if !c.is_empty() {
                o.push(
                    0,
                    "body",
                    (c.pos, c.rem()),
                    preview(c.bytes()),
                    format!(
                        "Body of a {} message, which this dissector does not break down.",
                        names::handshake_type_name(t)
                    ),
                    "",
                );
            }
            Some(())
        }
    };
}

pub(super) const RANDOM_CH: &str = "32 bytes of fresh randomness; both randoms feed the key derivation, so \
    recorded handshakes cannot be replayed.";
pub(super) const RANDOM_SH: &str = "32 bytes of fresh randomness; both randoms feed the key derivation and \
    defeat replay. A TLS 1.3 server that picks TLS 1.2 or below ends it with DOWNGRD (a \
    downgrade sentinel the client checks).";
pub(super) const RANDOM_HRR: &str = "Not random: the fixed value SHA-256(\"HelloRetryRequest\") marks this \
    ServerHello as a HelloRetryRequest.";

pub(super) fn client_hello(c: &mut Cur<'_>, o: &mut Out) -> Option<()> {
    o.read(
        c,
        0,
        "legacy_version",
        |c| c.u16(),
        version_value,
        "The highest version the client supports before TLS 1.3; TLS 1.3 clients send \
         TLSv1.2 here and list their versions in supported_versions.",
        "RFC 8446 §4.1.2",
    )?;
    let s = c.pos;
    let r = c.take(32)?;
    o.push(0, "random", c.span(s), hex(r), RANDOM_CH, "RFC 8446 §4.1.2");
    o.read(
        c,
        0,
        "legacy_session_id",
        |c| c.vec(1),
        |sid| preview(sid.bytes()),
        "Session to resume (TLS 1.2); TLS 1.3 clients send 32 random bytes here so \
         middleboxes see a familiar resumption.",
        "RFC 8446 §4.1.2",
    )?;
    cipher_suites(c, o)?;
    let (idx, comp) = o.list_field(
        c,
        1,
        "legacy_compression_methods",
        "Compression methods offered; only null (0) is safe (CRIME), and TLS 1.3 requires \
         exactly that.",
        "RFC 8446 §4.1.2",
    )?;
    let vals = entries(
        o,
        1,
        comp,
        "compression_methods",
        "RFC 5246 §7.4.1.2",
        |comp| {
            let v = match comp.u8()? {
                0 => "null (0)".to_string(),
                1 => "DEFLATE (1)".to_string(),
                m => format!("0x{m:02x}"),
            };
            Some((v.clone(), v, "A compression method the client accepts."))
        },
    )?;
    o.set_value(idx, summary(&vals));
    if c.is_empty() {
        // Before extensions existed (or a client that sends none).
        return Some(());
    }
    extensions(c, o, 0, ExtCtx::Client)
}

pub(super) fn cipher_suites(c: &mut Cur<'_>, o: &mut Out) -> Option<()> {
    let s = c.pos;
    let mut l = c.vec(2)?;
    let idx = o.push(
        0,
        "cipher_suites",
        c.span(s),
        "",
        "The cipher suites the client accepts, most preferred first; the server picks one.",
        "RFC 8446 §4.1.2",
    );
    o.push(
        1,
        "length",
        (s, 2),
        bytes_n(l.rem()),
        "Length of the suite list in bytes (two per suite).",
        "RFC 8446 §4.1.2",
    );
    let mut names_v = Vec::new();
    let mut grease = 0;
    while l.rem() >= 2 {
        let p = l.pos;
        let v = l.u16()?;
        let (meaning, rfc) = suite_doc(v);
        o.push(
            1,
            format!("cipher_suites[{}]", names_v.len()),
            (p, 2),
            suite_value(v),
            meaning,
            rfc,
        );
        if names::is_grease(v) {
            grease += 1;
        } else {
            names_v.push(names::cipher_name(v));
        }
    }
    o.trailing(1, &l);
    let mut v = format!("{} suites", names_v.len() + grease);
    if grease > 0 {
        v.push_str(&format!(" ({grease} GREASE)"));
    }
    if let Some(first) = names_v.first() {
        v.push_str(&format!(", first {first}"));
    }
    o.set_value(idx, v);
    Some(())
}

pub(super) fn suite_doc(v: u16) -> (&'static str, &'static str) {
    match v {
        _ if names::is_grease(v) => (
            "GREASE: a reserved value with no meaning, sent so servers stay tolerant of \
             unknown suites.",
            "RFC 8701",
        ),
        0x00ff => (
            "Not a suite: signals that the client supports secure renegotiation \
             (like an empty renegotiation_info).",
            "RFC 5746 §3.3",
        ),
        0x5600 => (
            "Not a suite: signals a fallback retry at a lower version; a server that \
             supports better rejects it with inappropriate_fallback.",
            "RFC 7507",
        ),
        0x1301..=0x1305 => (
            "A TLS 1.3 suite: names only the AEAD and the hash; key exchange and \
             authentication are negotiated separately.",
            "RFC 8446 Appendix B.4",
        ),
        _ => (
            "A TLS 1.2-style suite: key exchange, authentication, bulk cipher and MAC/PRF \
             hash in one code point.",
            "RFC 5246 §7.4.1.2",
        ),
    }
}

pub(super) fn server_hello(c: &mut Cur<'_>, o: &mut Out, hrr: bool) -> Option<()> {
    let rfc = if hrr {
        "RFC 8446 §4.1.4"
    } else {
        "RFC 8446 §4.1.3"
    };
    o.read(
        c,
        0,
        "legacy_version",
        |c| c.u16(),
        version_value,
        "The chosen version up to TLS 1.2; a TLS 1.3 server writes TLSv1.2 here and the \
         real version in supported_versions.",
        "RFC 8446 §4.1.3",
    )?;
    let s = c.pos;
    let r = c.take(32)?;
    let (value, meaning) = if hrr {
        (format!("HelloRetryRequest magic {}", hex(r)), RANDOM_HRR)
    } else {
        let note = match r.get(24..) {
            Some([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]) => {
                " (ends with DOWNGRD\\x01: a TLS 1.3 server chose TLS 1.2)"
            }
            Some([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]) => {
                " (ends with DOWNGRD\\x00: a TLS 1.3 server chose TLS 1.1 or below)"
            }
            _ => "",
        };
        (format!("{}{note}", hex(r)), RANDOM_SH)
    };
    o.push(0, "random", c.span(s), value, meaning, "RFC 8446 §4.1.3");
    o.read(
        c,
        0,
        "legacy_session_id_echo",
        |c| c.vec(1),
        |sid| preview(sid.bytes()),
        "The client's legacy_session_id echoed (TLS 1.3), or the session id the server \
         assigned or resumed (TLS 1.2).",
        rfc,
    )?;
    o.read(
        c,
        0,
        "cipher_suite",
        |c| c.u16(),
        suite_value,
        if hrr {
            "The suite the server will use; the second ClientHello must still offer it."
        } else {
            "The cipher suite the server picked from the client's list."
        },
        rfc,
    )?;
    o.read(
        c,
        0,
        "legacy_compression_method",
        |c| c.u8(),
        |m| {
            if m == 0 {
                "null (0)".to_string()
            } else {
                format!("0x{m:02x} (compression: CRIME-prone)")
            }
        },
        "The compression method chosen; always null (0) in TLS 1.3 and in any sane TLS 1.2.",
        rfc,
    )?;
    if c.is_empty() {
        return Some(());
    }
    extensions(
        c,
        o,
        0,
        if hrr {
            ExtCtx::HelloRetry
        } else {
            ExtCtx::Server
        },
    )
}
