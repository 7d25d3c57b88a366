//! Handshake message dispatch, ClientHello, ServerHello and HelloRetryRequest.

use super::*;

pub(crate) fn msg_name(t: u8, raw: &[u8]) -> &'static str {
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
pub(crate) fn truncated(from: Direction, at_ms: f64, raw: &[u8], t: u8, len: usize) -> Dissected {
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

/// RFC 8446 4.1.3: the ServerHello.random of a HelloRetryRequest,
/// SHA-256("HelloRetryRequest").
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Decode one handshake message body, e.g. one decrypted later from a TLS 1.3 flight.
/// `version_hint` selects version-dependent layouts (0x0304: TLS 1.3 Certificate,
/// CertificateRequest, NewSessionTicket; < 0x0303: no signature algorithm fields).
/// Never panics; malformed input yields partial fields or [`Body::Unknown`].
pub fn decode_handshake_message(msg_type: u8, body: &[u8], version_hint: Option<u16>) -> Body {
    let ctx = Ctx {
        version: version_hint,
        suite: None,
        record_version: version_hint.map_or(0x0303, |v| v.min(0x0303)),
    };
    walk_body(
        msg_type,
        &mut Cur::new(body, 0, body.len()),
        &mut Out::new(false),
        ctx,
    )
}

/// One handshake message (4-byte header + body), both views at once: returns the typed
/// body, and records every field into `o` when it is on. The one walk behind
/// `Transcript::decode` (recorder off) and `dissect` (recorder on).
pub(crate) fn walk_message(raw: &[u8], ctx: Ctx, o: &mut Out) -> Body {
    let t = raw.first().copied().unwrap_or(0);
    let Some(len) = u24_at(raw, 1) else {
        return unknown(t, raw.len().saturating_sub(4));
    };
    if o.on {
        // The header is the same in every version; cite the version in use (the
        // TLS ≤ 1.2-only messages always cite their own RFC).
        let rfc = match (ctx.version, t) {
            (Some(0x0301), _) => "RFC 2246 §7.4",
            (Some(0x0302), _) => "RFC 4346 §7.4",
            (Some(0x0303), _) | (_, 12 | 14 | 16) => "RFC 5246 §7.4",
            _ => "RFC 8446 §4",
        };
        if ctx.record_version != 0 {
            o.push(
                0,
                "record",
                (0, 0),
                format!("handshake (22), {}", version_value(ctx.record_version)),
                "The record that carried this message: a 5-byte header (content type, \
                 legacy record version, length) before it on the wire, not part of the \
                 message or the transcript hash. A first ClientHello often says TLSv1.0 \
                 here for old middleboxes.",
                "RFC 5246 §6.2.1",
            );
        }
        o.push(
            0,
            "msg_type",
            (0, 1),
            format!("{} ({t})", names::handshake_type_name(t)),
            "Which handshake message follows.",
            rfc,
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
            rfc,
        );
    }
    walk_body(t, &mut Cur::new(raw, 4, 4 + len), o, ctx)
}

/// The dissection of one whole message: its fields made to tile its bytes.
pub(crate) fn dissect_message(from: Direction, at_ms: f64, raw: Vec<u8>, ctx: Ctx) -> Dissected {
    let t = raw.first().copied().unwrap_or(0);
    let claimed = u24_at(&raw, 1);
    if claimed.is_some_and(|n| n > MAX_HANDSHAKE) {
        return truncated(from, at_ms, &raw, t, claimed.unwrap_or(0));
    }
    let mut o = Out::new(true);
    walk_message(&raw, ctx, &mut o);
    o.finish(from, at_ms, msg_name(t, &raw), raw)
}

fn unknown(msg_type: u8, length: usize) -> Body {
    Body::Unknown(Unknown {
        kind: "handshake".into(),
        msg_type,
        type_name: names::handshake_type_name(msg_type),
        length,
    })
}

/// Dispatch on the message type. Types without a typed view (HelloRequest, KeyUpdate,
/// unknown ones) come out as [`Body::Unknown`], with their fields still recorded.
fn walk_body(t: u8, c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Body {
    let length = c.rem();
    let decoded = match t {
        1 => client_hello(c, o, ctx).map(Body::ClientHello),
        2 => server_hello(c, o),
        4 => Some(Body::NewSessionTicket(new_session_ticket(c, o, ctx))),
        8 => Some(Body::EncryptedExtensions(encrypted_extensions(c, o))),
        11 => Some(Body::Certificate(certificate(c, o, ctx))),
        12 => Some(Body::ServerKeyExchange(server_key_exchange(c, o, ctx))),
        13 => Some(Body::CertificateRequest(certificate_request(c, o, ctx))),
        14 => Some(Body::ServerHelloDone),
        15 => certificate_verify(c, o, ctx).map(Body::CertificateVerify),
        16 => Some(Body::ClientKeyExchange(client_key_exchange(c, o, ctx))),
        20 => Some(Body::Finished(finished(c, o, ctx))),
        24 => {
            key_update(c, o);
            None
        }
        0 | 5 => None,
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
            None
        }
    };
    decoded.unwrap_or_else(|| unknown(t, length))
}

pub(super) const RANDOM_CH: &str = "32 bytes of fresh randomness; both randoms feed the key derivation, so \
    recorded handshakes cannot be replayed.";
pub(super) const RANDOM_SH: &str = "32 bytes of fresh randomness; both randoms feed the key derivation and \
    defeat replay. A TLS 1.3 server that picks TLS 1.2 or below ends it with DOWNGRD (a \
    downgrade sentinel the client checks).";
pub(super) const RANDOM_HRR: &str = "Not random: the fixed value SHA-256(\"HelloRetryRequest\") marks this \
    ServerHello as a HelloRetryRequest. The transcript is then rewritten: the first \
    ClientHello is replaced by a synthetic message_hash message (type 254, length = hash \
    length, body = Hash(ClientHello1)), so the server can stay stateless and put that hash \
    in a cookie (RFC 8446 §4.4.1).";

pub(super) fn client_hello(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<ClientHello> {
    let legacy_version = o.read(
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
    let random = hex(c.take(32)?);
    if o.on {
        o.push(
            0,
            "random",
            c.span(s),
            random.clone(),
            RANDOM_CH,
            "RFC 8446 §4.1.2",
        );
    }
    let sid = o.read(
        c,
        0,
        "legacy_session_id",
        |c| c.vec(1),
        |sid| preview(sid.bytes()),
        "Session to resume (TLS 1.2); TLS 1.3 clients send 32 random bytes here so \
         middleboxes see a familiar resumption.",
        "RFC 8446 §4.1.2",
    )?;
    let cipher_suites = cipher_suites(c, o)?;
    let (idx, comp) = o.list_field(
        c,
        1,
        "legacy_compression_methods",
        "Compression methods offered; only null (0) is safe (CRIME), and TLS 1.3 requires \
         exactly that.",
        "RFC 8446 §4.1.2",
    )?;
    let compression_methods = comp.bytes().to_vec();
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
    o.set_value(idx, || summary(&vals));
    let mut hello = ClientHello {
        record_version: Version(ctx.record_version),
        legacy_version: Version(legacy_version),
        random,
        session_id_len: sid.rem(),
        cipher_suites,
        compression_methods,
        ext: HelloExtensions::default(),
    };
    if c.is_empty() {
        // Before extensions existed (or a client that sends none).
        return Some(hello);
    }
    match ext_block(c, o, 0, ExtCtx::Client) {
        Some(b) if b.fits => {
            hello.ext = b.ext;
            if b.after > 0 {
                hello
                    .ext
                    .malformed
                    .push("trailing bytes after extensions".into());
            }
        }
        // A block longer than the message: unusable, and only worth a word when some
        // of it is there.
        Some(b) if b.present == 0 => {}
        _ => hello
            .ext
            .malformed
            .push("trailing bytes after extensions".into()),
    }
    Some(hello)
}

pub(super) fn cipher_suites(c: &mut Cur<'_>, o: &mut Out) -> Option<Vec<CipherSuite>> {
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
    let mut suites = Vec::new();
    while l.rem() >= 2 {
        let p = l.pos;
        let v = l.u16()?;
        if o.on {
            let (meaning, rfc) = suite_doc(v);
            let name = format!("cipher_suites[{}]", suites.len());
            o.push(1, name, (p, 2), suite_value(v), meaning, rfc);
        }
        suites.push(CipherSuite(v));
    }
    o.trailing(1, &l);
    if o.on {
        let grease = suites.iter().filter(|v| names::is_grease(v.0)).count();
        let mut v = format!("{} suites", suites.len());
        if grease > 0 {
            v.push_str(&format!(" ({grease} GREASE)"));
        }
        if let Some(first) = suites.iter().find(|v| !names::is_grease(v.0)) {
            v.push_str(&format!(", first {}", names::cipher_name(first.0)));
        }
        o.set_value(idx, || v);
    }
    Some(suites)
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

/// ServerHello or HelloRetryRequest (same layout, told apart by the random).
pub(super) fn server_hello(c: &mut Cur<'_>, o: &mut Out) -> Option<Body> {
    let first = o.f.len();
    let body = server_hello_fields(c, o)?;
    // The fields were read before supported_versions said which version this is: a
    // TLS ≤ 1.2 ServerHello cites its own RFC, not RFC 8446.
    let own = match &body {
        Body::ServerHello(sh) => match sh.version.0 {
            0x0301 => Some("RFC 2246 §7.4.1.3"),
            0x0302 => Some("RFC 4346 §7.4.1.3"),
            0x0303 => Some("RFC 5246 §7.4.1.3"),
            _ => None,
        },
        _ => None,
    };
    if let Some(rfc) = own {
        // From the message header (msg_type, length) on.
        for f in o.f.iter_mut().skip(first.saturating_sub(2)) {
            if f.rfc == "RFC 8446 §4.1.3" {
                f.rfc = rfc;
            } else if f.rfc == "RFC 8446 §4" {
                f.rfc = rfc.strip_suffix(".1.3").unwrap_or(rfc);
            }
        }
    }
    Some(body)
}

fn server_hello_fields(c: &mut Cur<'_>, o: &mut Out) -> Option<Body> {
    let hrr = c.bytes().get(2..34) == Some(&HRR_RANDOM[..]);
    let rfc = if hrr {
        "RFC 8446 §4.1.4"
    } else {
        "RFC 8446 §4.1.3"
    };
    let legacy_version = o.read(
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
    let downgrade_sentinel = match r.get(24..) {
        Some([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]) => Some("TLSv1.2"),
        Some([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]) => Some("TLSv1.1-or-below"),
        _ => None,
    };
    if o.on {
        let (value, meaning) = if hrr {
            (format!("HelloRetryRequest magic {}", hex(r)), RANDOM_HRR)
        } else {
            let note = match downgrade_sentinel {
                Some("TLSv1.2") => " (ends with DOWNGRD\\x01: a TLS 1.3 server chose TLS 1.2)",
                Some(_) => " (ends with DOWNGRD\\x00: a TLS 1.3 server chose TLS 1.1 or below)",
                None => "",
            };
            (format!("{}{note}", hex(r)), RANDOM_SH)
        };
        o.push(0, "random", c.span(s), value, meaning, "RFC 8446 §4.1.3");
    }
    let sid = o.read(
        c,
        0,
        "legacy_session_id_echo",
        |c| c.vec(1),
        |sid| preview(sid.bytes()),
        "The client's legacy_session_id echoed (TLS 1.3), or the session id the server \
         assigned or resumed (TLS 1.2).",
        rfc,
    )?;
    let suite = o.read(
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
    let compression_method = o.read(
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
    let ext = if c.is_empty() {
        HelloExtensions::default()
    } else {
        let ctx = if hrr {
            ExtCtx::HelloRetry
        } else {
            ExtCtx::Server
        };
        match ext_block(c, o, 0, ctx) {
            Some(b) if b.fits => b.ext,
            _ => HelloExtensions::default(),
        }
    };
    let version = ext.selected_version.map_or(legacy_version, |v| v.0);
    let sh = ServerHello {
        version: Version(version),
        legacy_version: Version(legacy_version),
        random: hex(r),
        session_id_len: sid.rem(),
        cipher_suite: CipherSuite(suite),
        cipher_suite_code: format!("0x{suite:04x}"),
        compression_method,
        downgrade_sentinel,
        ext,
    };
    Some(if hrr {
        Body::HelloRetryRequest(sh)
    } else {
        Body::ServerHello(sh)
    })
}
