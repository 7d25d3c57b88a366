//! Decoders for individual handshake messages (the body after the 4-byte header).
//!
//! Several layouts depend on what was negotiated earlier (the ServerKeyExchange on the
//! suite's key exchange, CertificateVerify and Certificate on the version), so each
//! decoder gets an [`HsCtx`]. Malformed bodies never fail the transcript: what parsed
//! is kept and the rest is noted in a `malformed` field.

use super::extensions::{ExtCtx, decode_extensions, extension_names};
use super::messages::{
    Body, CertEntry, Certificate, CertificateRequest, CertificateVerify, CipherSuite, ClientHello,
    ClientKeyExchange, Finished, NewSessionTicket, ServerHello, ServerKeyExchange, SigScheme,
    Unknown, Version,
};
use super::names::{self, Kx};
use super::reader::{Reader, hex, u16_list};

/// RFC 8446 4.1.3: the ServerHello.random of a HelloRetryRequest,
/// SHA-256("HelloRetryRequest").
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// What the decoder knows about the connection so far.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HsCtx {
    /// Negotiated version, once a ServerHello was seen (or the caller's hint).
    pub version: Option<u16>,
    /// Negotiated cipher suite, once a ServerHello was seen.
    pub suite: Option<u16>,
    /// Version field of the record header that carried the message.
    pub record_version: u16,
}

/// Decode one handshake message body, e.g. one decrypted later from a TLS 1.3 flight.
/// `version_hint` selects version-dependent layouts (0x0304: TLS 1.3 Certificate,
/// CertificateRequest, NewSessionTicket; < 0x0303: no signature algorithm fields).
/// Never panics; malformed input yields partial fields or [`Body::Unknown`].
pub fn decode_handshake_message(msg_type: u8, body: &[u8], version_hint: Option<u16>) -> Body {
    let ctx = HsCtx {
        version: version_hint,
        suite: None,
        record_version: version_hint.map_or(0x0303, |v| v.min(0x0303)),
    };
    decode_with(msg_type, body, &ctx)
}

pub(crate) fn decode_with(msg_type: u8, body: &[u8], ctx: &HsCtx) -> Body {
    let tls13 = ctx.version == Some(0x0304);
    let decoded = match msg_type {
        1 => client_hello(body, ctx).map(Body::ClientHello),
        2 => server_hello(body),
        4 => Some(Body::NewSessionTicket(new_session_ticket(body, tls13))),
        8 => Some(Body::EncryptedExtensions(encrypted_extensions(body))),
        11 => Some(Body::Certificate(certificate(body, tls13))),
        12 => Some(Body::ServerKeyExchange(server_key_exchange(body, ctx))),
        13 => Some(Body::CertificateRequest(certificate_request(body, ctx))),
        14 => Some(Body::ServerHelloDone),
        15 => certificate_verify(body, ctx).map(Body::CertificateVerify),
        16 => Some(Body::ClientKeyExchange(client_key_exchange(body, ctx))),
        20 => Some(Body::Finished(Finished {
            verify_data_len: body.len(),
        })),
        _ => None,
    };
    decoded.unwrap_or_else(|| {
        Body::Unknown(Unknown {
            kind: "handshake".into(),
            msg_type,
            type_name: names::handshake_type_name(msg_type),
            length: body.len(),
        })
    })
}

fn client_hello(body: &[u8], ctx: &HsCtx) -> Option<ClientHello> {
    let mut r = Reader::new(body);
    let legacy_version = r.u16()?;
    let random = r.take(32)?;
    let sid = r.vec8()?;
    let suites = r.vec16()?;
    let comp = r.vec8()?;
    let ext = if r.is_empty() {
        Default::default()
    } else {
        let mut e = decode_extensions(r.vec16().unwrap_or(&[]), ExtCtx::ClientHello);
        if !r.is_empty() {
            e.malformed.push("trailing bytes after extensions".into());
        }
        e
    };
    Some(ClientHello {
        record_version: Version(ctx.record_version),
        legacy_version: Version(legacy_version),
        random: hex(random),
        session_id_len: sid.len(),
        cipher_suites: u16_list(suites).into_iter().map(CipherSuite).collect(),
        compression_methods: comp.to_vec(),
        ext,
    })
}

/// ServerHello or HelloRetryRequest (same layout, told apart by the random).
fn server_hello(body: &[u8]) -> Option<Body> {
    let mut r = Reader::new(body);
    let legacy_version = r.u16()?;
    let random = r.take(32)?;
    let sid = r.vec8()?;
    let suite = r.u16()?;
    let compression_method = r.u8()?;
    let hrr = random == HRR_RANDOM;
    let ext = if r.is_empty() {
        Default::default()
    } else {
        let ctx = if hrr {
            ExtCtx::HelloRetry
        } else {
            ExtCtx::ServerHello
        };
        decode_extensions(r.vec16().unwrap_or(&[]), ctx)
    };
    let version = ext.selected_version.map_or(legacy_version, |v| v.0);
    let downgrade_sentinel = match random.get(24..) {
        Some([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]) => Some("TLSv1.2"),
        Some([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]) => Some("TLSv1.1-or-below"),
        _ => None,
    };
    let sh = ServerHello {
        version: Version(version),
        legacy_version: Version(legacy_version),
        random: hex(random),
        session_id_len: sid.len(),
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

fn encrypted_extensions(body: &[u8]) -> super::messages::HelloExtensions {
    let mut r = Reader::new(body);
    match r.vec16() {
        Some(b) => decode_extensions(b, ExtCtx::Other),
        None => {
            let mut e = super::messages::HelloExtensions::default();
            e.malformed.push("extensions block truncated".into());
            e
        }
    }
}

/// TLS <= 1.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>.
/// TLS 1.3: request context<0..255>, then entries of (cert, extensions<0..2^16-1>).
fn certificate(body: &[u8], tls13: bool) -> Certificate {
    let mut c = Certificate {
        tls13,
        count: 0,
        certs: Vec::new(),
        der: Vec::new(),
        malformed: Vec::new(),
    };
    let mut r = Reader::new(body);
    if tls13 && r.vec8().is_none() {
        c.malformed.push("missing request context".into());
        return c;
    }
    let Some(list) = r.vec24() else {
        c.malformed.push("certificate_list truncated".into());
        return c;
    };
    let mut l = Reader::new(list);
    while !l.is_empty() {
        let Some(der) = l.vec24() else {
            c.malformed.push("certificate entry truncated".into());
            break;
        };
        let mut extensions = Vec::new();
        if tls13 {
            match l.vec16() {
                Some(e) => extensions = extension_names(e),
                None => c.malformed.push("certificate extensions truncated".into()),
            }
        }
        c.certs.push(CertEntry {
            der_len: der.len(),
            extensions,
        });
        c.der.push(der.to_vec());
    }
    c.count = c.certs.len();
    c
}

fn kex_label(kx: Option<Kx>) -> &'static str {
    match kx {
        Some(k) if k.is_ec() => "ecdhe",
        Some(k) if k.is_ffdh() => "dhe",
        Some(Kx::Psk | Kx::RsaPsk) => "psk",
        Some(Kx::Rsa) => "rsa",
        _ => "unknown",
    }
}

/// A big-endian integer without its leading zeros: the value when it fits in a u64,
/// else the significant bytes. Shared by the decoder and the dissector.
pub(crate) fn small_uint(b: &[u8]) -> Result<u64, &[u8]> {
    let t: &[u8] = match b.iter().position(|x| *x != 0) {
        Some(i) => b.get(i..).unwrap_or(&[]),
        None => &[],
    };
    if t.len() <= 8 {
        Ok(t.iter().fold(0u64, |a, x| a << 8 | u64::from(*x)))
    } else {
        Err(t)
    }
}

/// Decimal for small numbers (a DH generator is usually 2), hex otherwise.
fn small_number(b: &[u8]) -> String {
    match small_uint(b) {
        Ok(n) => n.to_string(),
        Err(t) => format!("0x{}", hex(t.get(..16).unwrap_or(t))),
    }
}

fn bit_len(b: &[u8]) -> usize {
    match b.iter().position(|x| *x != 0) {
        Some(i) => {
            let lead = b.get(i).copied().unwrap_or(0);
            (b.len() - i - 1) * 8 + (8 - lead.leading_zeros() as usize)
        }
        None => 0,
    }
}

/// Which signature the suite's ServerKeyExchange implies before TLS 1.2.
fn implicit_signature(suite: Option<u16>) -> String {
    let name = suite.map(names::cipher_name).unwrap_or_default();
    if name.contains("_ECDSA_") {
        "sha1 (implicit ecdsa, TLS < 1.2)".into()
    } else if name.contains("_DSS_") {
        "sha1 (implicit dsa, TLS < 1.2)".into()
    } else {
        "md5_sha1 (implicit, TLS < 1.2)".into()
    }
}

/// The ECDH or DH parameters and the signature of a ServerKeyExchange.
fn server_key_exchange(body: &[u8], ctx: &HsCtx) -> ServerKeyExchange {
    let kx = ctx.suite.and_then(names::cipher_kx);
    let shapes: &[&'static str] = match kx {
        Some(k) if k.is_ec() => &["ecdhe"],
        Some(k) if k.is_ffdh() => &["dhe"],
        Some(Kx::Psk | Kx::RsaPsk) => &["psk"],
        // Unknown suite: the shape that parses to the end wins.
        _ => &["ecdhe", "dhe"],
    };
    let mut first = None;
    for shape in shapes {
        let s = ske_shape(body, ctx, kx, shape);
        if s.malformed.is_empty() {
            return s;
        }
        first.get_or_insert(s);
    }
    first.unwrap_or_default()
}

fn ske_shape(body: &[u8], ctx: &HsCtx, kx: Option<Kx>, shape: &'static str) -> ServerKeyExchange {
    let mut s = ServerKeyExchange {
        kex: if kx.is_some() { kex_label(kx) } else { shape },
        length: Some(body.len()),
        ..Default::default()
    };
    let mut r = Reader::new(body);
    if kx.is_some_and(Kx::has_psk_hint) {
        match r.vec16() {
            Some(h) => s.psk_identity_hint_len = Some(h.len()),
            None => {
                s.malformed.push("psk identity hint truncated".into());
                return s;
            }
        }
    }
    let params_ok = match shape {
        "ecdhe" => ske_ecdh(&mut r, &mut s),
        "dhe" => ske_dh(&mut r, &mut s),
        _ => Some(()),
    };
    if params_ok.is_none() {
        s.malformed.push(format!("{shape} parameters truncated"));
        return s;
    }
    // Anonymous and PSK suites are unsigned; everything else carries a signature.
    let signed = kx.is_none_or(Kx::is_signed) && !r.is_empty();
    if signed {
        let has_alg = match ctx.version {
            Some(v) => v >= 0x0303,
            // Unknown version: a TLS 1.2 signature is alg(2) + len(2) + sig.
            None => {
                r.remaining() >= 4 && {
                    let mut p = r;
                    p.u16();
                    p.vec16().is_some() && p.is_empty()
                }
            }
        };
        if has_alg {
            match r.u16() {
                Some(a) => s.signature = Some(names::sigscheme_name(a)),
                None => s.malformed.push("signature algorithm truncated".into()),
            }
        } else {
            s.signature = Some(implicit_signature(ctx.suite));
        }
        match r.vec16() {
            Some(sig) => s.signature_len = Some(sig.len()),
            None => s.malformed.push("signature truncated".into()),
        }
    }
    if !r.is_empty() {
        s.malformed
            .push(format!("{} trailing bytes", r.remaining()));
    }
    s
}

fn ske_ecdh(r: &mut Reader<'_>, s: &mut ServerKeyExchange) -> Option<()> {
    let curve_type = r.u8()?;
    match curve_type {
        3 => s.group = Some(super::messages::Group(r.u16()?)),
        1 => {
            s.curve_type = Some("explicit_prime".into());
            return None;
        }
        2 => {
            s.curve_type = Some("explicit_char2".into());
            return None;
        }
        _ => return None,
    }
    s.public_key_len = Some(r.vec8()?.len());
    Some(())
}

fn ske_dh(r: &mut Reader<'_>, s: &mut ServerKeyExchange) -> Option<()> {
    let p = r.vec16()?;
    let g = r.vec16()?;
    let ys = r.vec16()?;
    if p.is_empty() || g.is_empty() || ys.is_empty() {
        return None;
    }
    s.dh_p_bits = Some(bit_len(p));
    s.dh_g = Some(small_number(g));
    s.dh_ys_len = Some(ys.len());
    Some(())
}

fn certificate_request(body: &[u8], ctx: &HsCtx) -> CertificateRequest {
    let mut c = CertificateRequest::default();
    let mut r = Reader::new(body);
    if ctx.version == Some(0x0304) {
        let (Some(context), Some(ext)) = (r.vec8(), r.vec16()) else {
            c.malformed.push("truncated".into());
            return c;
        };
        c.context_len = Some(context.len());
        c.ext = Some(decode_extensions(ext, ExtCtx::Other));
        return c;
    }
    let Some(types) = r.vec8() else {
        c.malformed.push("certificate_types truncated".into());
        return c;
    };
    c.certificate_types = Some(types.iter().map(|t| cert_type_name(*t)).collect());
    if ctx.version.is_none_or(|v| v >= 0x0303) {
        match r.vec16() {
            Some(a) => {
                c.signature_algorithms = Some(u16_list(a).into_iter().map(SigScheme).collect())
            }
            None => {
                c.malformed.push("signature algorithms truncated".into());
                return c;
            }
        }
    }
    match r.vec16() {
        Some(cas) => {
            let mut l = Reader::new(cas);
            let mut n = 0;
            while l.vec16().is_some() {
                n += 1;
            }
            c.certificate_authorities = Some(n);
        }
        None => c.malformed.push("certificate_authorities truncated".into()),
    }
    c
}

fn cert_type_name(t: u8) -> String {
    match t {
        1 => "rsa_sign".into(),
        2 => "dss_sign".into(),
        3 => "rsa_fixed_dh".into(),
        4 => "dss_fixed_dh".into(),
        64 => "ecdsa_sign".into(),
        65 => "rsa_fixed_ecdh".into(),
        66 => "ecdsa_fixed_ecdh".into(),
        _ => format!("{t}"),
    }
}

fn certificate_verify(body: &[u8], ctx: &HsCtx) -> Option<CertificateVerify> {
    let mut r = Reader::new(body);
    let has_alg = ctx.version.is_none_or(|v| v >= 0x0303);
    let signature = if has_alg {
        names::sigscheme_name(r.u16()?)
    } else {
        "md5_sha1 (implicit, TLS < 1.2)".into()
    };
    let sig = r.vec16()?;
    Some(CertificateVerify {
        signature,
        signature_len: sig.len(),
    })
}

fn client_key_exchange(body: &[u8], ctx: &HsCtx) -> ClientKeyExchange {
    let kx = ctx.suite.and_then(names::cipher_kx);
    let mut r = Reader::new(body);
    let (kex, key) = match kx {
        Some(k) if k.is_ec() => ("ecdhe", r.vec8()),
        Some(k) if k.is_ffdh() => ("dhe", r.vec16()),
        Some(Kx::Rsa) => ("rsa", r.vec16()),
        Some(Kx::Psk) => ("psk", r.vec16()),
        _ => ("unknown", None),
    };
    ClientKeyExchange {
        kex,
        key_len: key.map_or(body.len(), <[u8]>::len),
        length: body.len(),
    }
}

fn new_session_ticket(body: &[u8], tls13: bool) -> NewSessionTicket {
    let mut t = NewSessionTicket::default();
    let mut r = Reader::new(body);
    t.lifetime_s = r.u32().unwrap_or(0);
    if tls13 {
        t.age_add = r.u32();
        t.nonce_len = r.vec8().map(<[u8]>::len);
    }
    t.ticket_len = r.vec16().map_or(0, <[u8]>::len);
    if tls13 {
        t.extensions = r.vec16().map(extension_names).unwrap_or_default();
    }
    t
}
