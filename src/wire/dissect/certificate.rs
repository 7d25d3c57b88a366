//! Certificate, CertificateRequest and CertificateVerify, typed and recorded.

use super::*;

/// TLS <= 1.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>.
/// TLS 1.3: request context<0..255>, then entries of (cert, extensions<0..2^16-1>).
pub(super) fn certificate(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Certificate {
    // Without a hint, pick the layout that fits: TLS <= 1.2 starts with a 3-byte list
    // length covering the whole body.
    let tls13 = ctx.tls13()
        || (ctx.version.is_none() && {
            let mut t = *c;
            !(t.vec(3).is_some() && t.is_empty())
        });
    let mut out = Certificate {
        tls13,
        count: 0,
        certs: Vec::new(),
        der: Vec::new(),
        malformed: Vec::new(),
    };
    let rfc = if tls13 {
        "RFC 8446 §4.4.2"
    } else {
        "RFC 5246 §7.4.2"
    };
    if tls13
        && o.read(
            c,
            0,
            "certificate_request_context",
            |c| c.vec(1),
            |rc| preview(rc.bytes()),
            "Empty in the server's Certificate; echoes the CertificateRequest's context \
             when the client authenticates.",
            rfc,
        )
        .is_none()
    {
        out.malformed.push("missing request context".into());
        return out;
    }
    let s = c.pos;
    let Some(mut l) = c.vec(3) else {
        out.malformed.push("certificate_list truncated".into());
        return out;
    };
    o.push(
        0,
        "certificate_list length",
        (s, 3),
        bytes_n(l.rem()),
        "Length of the certificate chain that follows (end-entity first, then the \
         certificates that certify it).",
        rfc,
    );
    while !l.is_empty() {
        let es = l.pos;
        let mut t = l;
        let Some(der) = t.vec(3) else {
            out.malformed.push("certificate entry truncated".into());
            break;
        };
        if tls13 && t.vec(2).is_none() {
            out.malformed
                .push("certificate extensions truncated".into());
            out.certs.push(CertEntry {
                der_len: der.rem(),
                extensions: Vec::new(),
            });
            out.der.push(der.bytes().to_vec());
            break;
        }
        let end = t.pos;
        let i = out.certs.len();
        if o.on {
            o.push(
                0,
                format!("certificate[{i}]"),
                (es, end - es),
                cert_value(der.bytes()),
                if i == 0 {
                    "The end-entity certificate: binds the server's public key to its name."
                } else {
                    "An intermediate (or root) certificate in the chain."
                },
                rfc,
            );
            o.push(
                1,
                "length",
                (es, 3),
                bytes_n(der.rem()),
                "Length of this DER-encoded certificate.",
                rfc,
            );
            o.push(
                1,
                "cert_data",
                (der.pos, der.rem()),
                format!("DER, {} bytes", der.rem()),
                "The X.509 certificate in DER.",
                rfc,
            );
            super::x509::fields(o, 2, der.pos, der.bytes());
        }
        let mut extensions = Vec::new();
        if tls13 {
            let mut u = Cur::new(c.raw, der.end, end);
            if let Some(b) = ext_block(&mut u, o, 1, ExtCtx::CertEntry) {
                extensions = b.ext.extensions.into_iter().map(|e| e.name).collect();
            }
        }
        out.certs.push(CertEntry {
            der_len: der.rem(),
            extensions,
        });
        out.der.push(der.bytes().to_vec());
        l.pos = end;
    }
    out.count = out.certs.len();
    out
}

pub(super) fn certificate_request(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> CertificateRequest {
    let mut out = CertificateRequest::default();
    if ctx.tls13() {
        let context = o.read(
            c,
            0,
            "certificate_request_context",
            |c| c.vec(1),
            |rc| preview(rc.bytes()),
            "An id the client echoes in its Certificate (matters for post-handshake \
             authentication).",
            "RFC 8446 §4.3.2",
        );
        match (
            context,
            context.and_then(|_| ext_block(c, o, 0, ExtCtx::CertRequest)),
        ) {
            (Some(rc), Some(b)) if b.fits => {
                out.context_len = Some(rc.rem());
                out.ext = Some(b.ext);
            }
            _ => out.malformed.push("truncated".into()),
        }
        return out;
    }
    let rfc = "RFC 5246 §7.4.4";
    let Some((idx, types)) = o.list_field(
        c,
        1,
        "certificate_types",
        "Kinds of client certificate keys the server accepts.",
        rfc,
    ) else {
        out.malformed.push("certificate_types truncated".into());
        return out;
    };
    out.certificate_types = Some(
        types
            .bytes()
            .iter()
            .map(|t| names::cert_type_name(*t).map_or_else(|| format!("{t}"), String::from))
            .collect(),
    );
    let v = entries(o, 1, types, "certificate_types", rfc, |types| {
        let t = types.u8()?;
        let t = match names::cert_type_name(t) {
            Some(n) => format!("{n} ({t})"),
            None => format!("{t}"),
        };
        Some((t.clone(), t, "An acceptable client certificate type."))
    });
    o.set_value(idx, || summary(&v.unwrap_or_default()));
    if ctx.version.is_none_or(|v| v >= 0x0303) {
        let Some((idx, l)) = o.list_field(
            c,
            2,
            "supported_signature_algorithms",
            "Signature schemes the server accepts in the client's CertificateVerify.",
            rfc,
        ) else {
            out.malformed.push("signature algorithms truncated".into());
            return out;
        };
        let (v, sum) = u16_children(
            o,
            1,
            l,
            "supported_signature_algorithms",
            scheme_value,
            |_| ("A signature scheme the server accepts.", rfc),
        );
        out.signature_algorithms = Some(v.into_iter().map(SigScheme).collect());
        o.set_value(idx, || sum);
    }
    out.certificate_authorities = distinguished_names(
        c,
        o,
        0,
        "certificate_authorities",
        "CAs whose certificates the server would accept (empty: any).",
        rfc,
    );
    if out.certificate_authorities.is_none() {
        out.malformed
            .push("certificate_authorities truncated".into());
    }
    out
}

pub(super) fn certificate_verify(
    c: &mut Cur<'_>,
    o: &mut Out,
    ctx: Ctx,
) -> Option<CertificateVerify> {
    let rfc = if ctx.tls13() {
        "RFC 8446 §4.4.3"
    } else {
        "RFC 5246 §7.4.8"
    };
    if ctx.version.is_none_or(|v| v >= 0x0303) {
        let (alg, sig) = scheme_and_signature(
            c,
            o,
            "algorithm",
            "The signature scheme used, one the peer offered in signature_algorithms.",
            "Signature over the handshake transcript with the certificate's private key: \
             proves possession of that key.",
            rfc,
        )?;
        Some(CertificateVerify {
            signature: names::sigscheme_name(alg),
            signature_len: sig,
        })
    } else {
        let sig = legacy_signature(
            c,
            o,
            " (RSA signs MD5+SHA-1)",
            "Signature over the handshake messages with the client certificate's key.",
            "RFC 4346 §7.4.8",
        )?;
        Some(CertificateVerify {
            signature: "md5_sha1 (implicit, TLS < 1.2)".into(),
            signature_len: sig,
        })
    }
}

/// A signature scheme (TLS 1.2 and later) and the signature made with it; shared by
/// CertificateVerify and ServerKeyExchange: (scheme, signature length).
pub(super) fn scheme_and_signature(
    c: &mut Cur<'_>,
    o: &mut Out,
    alg: &str,
    alg_meaning: &str,
    sig_meaning: &str,
    rfc: &'static str,
) -> Option<(u16, usize)> {
    let a = o.read(c, 0, alg, |c| c.u16(), scheme_value, alg_meaning, rfc)?;
    let sig = o.opaque(c, 0, 2, "signature", sig_meaning, rfc)?;
    Some((a, sig.rem()))
}

/// A signature before TLS 1.2: no algorithm field, the hash is fixed by the key type
/// (`how` says which, appended to the value).
pub(super) fn legacy_signature(
    c: &mut Cur<'_>,
    o: &mut Out,
    how: &str,
    meaning: &str,
    rfc: &'static str,
) -> Option<usize> {
    let note = |sig: Cur<'_>| {
        format!(
            "{}; no algorithm field before TLS 1.2{how}",
            bytes_n(sig.rem())
        )
    };
    o.read(c, 0, "signature", |c| c.vec(2), note, meaning, rfc)
        .map(|s| s.rem())
}

/// A list of DER distinguished names (CertificateRequest and the certificate_authorities
/// extension), valued by how many there are: `None` if the list itself is cut short.
pub(super) fn distinguished_names(
    c: &mut Cur<'_>,
    o: &mut Out,
    d: u8,
    name: &str,
    meaning: &str,
    rfc: &'static str,
) -> Option<usize> {
    let count = |c: &mut Cur<'_>| {
        let mut l = c.vec(2)?;
        let mut n = 0usize;
        while l.vec(2).is_some() {
            n += 1;
        }
        Some(n)
    };
    let value = |n| format!("{n} distinguished names");
    o.read(c, d, name, count, value, meaning, rfc)
}
