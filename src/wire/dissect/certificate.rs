//! Certificate, CertificateRequest and CertificateVerify.

use super::*;

pub(super) fn certificate(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    // Without a hint, pick the layout that fits: TLS <= 1.2 starts with a 3-byte list
    // length covering the whole body.
    let tls13 = ctx.tls13()
        || (ctx.version.is_none() && {
            let mut t = *c;
            !(t.vec(3).is_some() && t.is_empty())
        });
    let rfc = if tls13 {
        "RFC 8446 §4.4.2"
    } else {
        "RFC 5246 §7.4.2"
    };
    if tls13 {
        o.read(
            c,
            0,
            "certificate_request_context",
            |c| c.vec(1),
            |rc| preview(rc.bytes()),
            "Empty in the server's Certificate; echoes the CertificateRequest's context \
             when the client authenticates.",
            rfc,
        )?;
    }
    let s = c.pos;
    let mut l = c.vec(3)?;
    o.push(
        0,
        "certificate_list length",
        (s, 3),
        bytes_n(l.rem()),
        "Length of the certificate chain that follows (end-entity first, then the \
         certificates that certify it).",
        rfc,
    );
    let mut i = 0usize;
    while !l.is_empty() {
        let es = l.pos;
        let mut t = l;
        let der = t.vec(3)?;
        if tls13 {
            t.vec(2)?;
        }
        let end = t.pos;
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
        if tls13 {
            let mut u = Cur::new(c.raw, der.end, end);
            extensions(&mut u, o, 1, ExtCtx::CertEntry);
        }
        l.pos = end;
        i += 1;
    }
    Some(())
}

pub(super) fn cert_type_name(t: u8) -> String {
    match t {
        1 => "rsa_sign (1)".into(),
        2 => "dss_sign (2)".into(),
        3 => "rsa_fixed_dh (3)".into(),
        4 => "dss_fixed_dh (4)".into(),
        64 => "ecdsa_sign (64)".into(),
        65 => "rsa_fixed_ecdh (65)".into(),
        66 => "ecdsa_fixed_ecdh (66)".into(),
        _ => format!("{t}"),
    }
}

pub(super) fn certificate_request(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    if ctx.tls13() {
        o.read(
            c,
            0,
            "certificate_request_context",
            |c| c.vec(1),
            |rc| preview(rc.bytes()),
            "An id the client echoes in its Certificate (matters for post-handshake \
             authentication).",
            "RFC 8446 §4.3.2",
        )?;
        return extensions(c, o, 0, ExtCtx::CertRequest);
    }
    let rfc = "RFC 5246 §7.4.4";
    let (idx, types) = o.list_field(
        c,
        1,
        "certificate_types",
        "Kinds of client certificate keys the server accepts.",
        rfc,
    )?;
    let v = entries(o, 1, types, "certificate_types", rfc, |types| {
        let t = cert_type_name(types.u8()?);
        Some((t.clone(), t, "An acceptable client certificate type."))
    })?;
    o.set_value(idx, summary(&v));
    if ctx.version.is_none_or(|v| v >= 0x0303) {
        let (idx, l) = o.list_field(
            c,
            2,
            "supported_signature_algorithms",
            "Signature schemes the server accepts in the client's CertificateVerify.",
            rfc,
        )?;
        let v = u16_children(
            o,
            1,
            l,
            "supported_signature_algorithms",
            scheme_value,
            |_| ("A signature scheme the server accepts.", rfc),
        );
        o.set_value(idx, summary(&v));
    }
    distinguished_names(
        c,
        o,
        0,
        "certificate_authorities",
        "CAs whose certificates the server would accept (empty: any).",
        rfc,
    )?;
    Some(())
}

pub(super) fn certificate_verify(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    let rfc = if ctx.tls13() {
        "RFC 8446 §4.4.3"
    } else {
        "RFC 5246 §7.4.8"
    };
    if ctx.version.is_none_or(|v| v >= 0x0303) {
        scheme_and_signature(
            c,
            o,
            "algorithm",
            "The signature scheme used, one the peer offered in signature_algorithms.",
            "Signature over the handshake transcript with the certificate's private key: \
             proves possession of that key.",
            rfc,
        )?;
    } else {
        legacy_signature(
            c,
            o,
            " (RSA signs MD5+SHA-1)",
            "Signature over the handshake messages with the client certificate's key.",
            "RFC 4346 §7.4.8",
        )?;
    }
    Some(())
}

/// A signature scheme (TLS 1.2 and later) and the signature made with it; shared by
/// CertificateVerify and ServerKeyExchange.
pub(super) fn scheme_and_signature(
    c: &mut Cur<'_>,
    o: &mut Out,
    alg: &str,
    alg_meaning: &str,
    sig_meaning: &str,
    rfc: &'static str,
) -> Option<()> {
    o.read(c, 0, alg, |c| c.u16(), scheme_value, alg_meaning, rfc)?;
    o.opaque(c, 0, 2, "signature", sig_meaning, rfc)?;
    Some(())
}

/// A signature before TLS 1.2: no algorithm field, the hash is fixed by the key type
/// (`how` says which, appended to the value).
pub(super) fn legacy_signature(
    c: &mut Cur<'_>,
    o: &mut Out,
    how: &str,
    meaning: &str,
    rfc: &'static str,
) -> Option<()> {
    let note = |sig: Cur<'_>| {
        format!(
            "{}; no algorithm field before TLS 1.2{how}",
            bytes_n(sig.rem())
        )
    };
    o.read(c, 0, "signature", |c| c.vec(2), note, meaning, rfc)?;
    Some(())
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
