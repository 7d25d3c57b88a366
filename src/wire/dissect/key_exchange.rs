//! ServerKeyExchange and ClientKeyExchange.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum KxShape {
    Ec,
    Dh,
    None,
}

pub(super) fn server_key_exchange(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    let kx = ctx.suite.and_then(names::cipher_kx);
    let shape = match kx {
        Some(k) if k.is_ec() => KxShape::Ec,
        Some(k) if k.is_ffdh() => KxShape::Dh,
        Some(_) => KxShape::None,
        None => {
            // Unknown suite: the shape that parses to the end wins.
            let mut first = None;
            for shape in [KxShape::Ec, KxShape::Dh] {
                let mut c1 = *c;
                let mut o1 = Out::default();
                let ok = ske(&mut c1, &mut o1, ctx, kx, shape).is_some() && c1.is_empty();
                if ok {
                    *c = c1;
                    o.extend(o1);
                    return Some(());
                }
                first.get_or_insert((c1, o1));
            }
            if let Some((c1, o1)) = first {
                *c = c1;
                o.extend(o1);
            }
            return Some(());
        }
    };
    ske(c, o, ctx, kx, shape)
}

pub(super) fn ske(
    c: &mut Cur<'_>,
    o: &mut Out,
    ctx: Ctx,
    kx: Option<Kx>,
    shape: KxShape,
) -> Option<()> {
    if kx.is_some_and(Kx::has_psk_hint) {
        o.read(
            c,
            0,
            "psk_identity_hint",
            |c| c.vec(2),
            |h| clean(h.bytes()),
            "A hint to help the client choose which pre-shared key to use.",
            "RFC 4279 §2",
        )?;
    }
    match shape {
        KxShape::Ec => {
            let rfc = "RFC 8422 §5.4";
            let ct = o.read(
                c,
                0,
                "curve_type",
                |c| c.u8(),
                |ct| match ct {
                    3 => "named_curve (3)".to_string(),
                    1 => "explicit_prime (1), deprecated".to_string(),
                    2 => "explicit_char2 (2), deprecated".to_string(),
                    _ => format!("{ct}"),
                },
                "How the curve is given: named_curve refers to a registered group.",
                rfc,
            )?;
            if ct != 3 {
                return None;
            }
            o.read(
                c,
                0,
                "named_curve",
                |c| c.u16(),
                group_value,
                "The group the server's ephemeral ECDH key is on (one from the client's \
                 supported_groups).",
                rfc,
            )?;
            let s = c.pos;
            let p = c.vec(1)?;
            let kind = match p.bytes().first() {
                Some(4) if p.rem() > 32 => "uncompressed point",
                _ if p.rem() == 32 || p.rem() == 56 => "Montgomery u-coordinate",
                _ => "point",
            };
            o.push(
                0,
                "public",
                c.span(s),
                format!("{} bytes ({kind})", p.rem()),
                "The server's ephemeral ECDH public key; with the client's, it yields the \
                 premaster secret (forward secrecy).",
                rfc,
            );
        }
        KxShape::Dh => {
            let rfc = "RFC 5246 §7.4.3";
            let p = o.read(
                c,
                0,
                "dh_p",
                |c| c.vec(2),
                |p| format!("{}-bit prime", bit_len(p.bytes())),
                "The Diffie-Hellman prime modulus chosen by the server; under 2048 bits is weak \
                 (Logjam).",
                rfc,
            )?;
            let g = o.read(
                c,
                0,
                "dh_g",
                |c| c.vec(2),
                |g| small_number(g.bytes()),
                "The Diffie-Hellman generator.",
                rfc,
            )?;
            let y = o.read(
                c,
                0,
                "dh_Ys",
                |c| c.vec(2),
                |y| format!("{} bytes", y.rem()),
                "The server's ephemeral Diffie-Hellman public value g^X mod p.",
                rfc,
            )?;
            if p.is_empty() || g.is_empty() || y.is_empty() {
                return None;
            }
        }
        KxShape::None => {}
    }
    let signed = kx.is_none_or(Kx::is_signed) && !c.is_empty();
    if !signed {
        return Some(());
    }
    let has_alg = match ctx.version {
        Some(v) => v >= 0x0303,
        None => {
            c.rem() >= 4 && {
                let mut p = *c;
                p.u16().is_some() && p.vec(2).is_some() && p.is_empty()
            }
        }
    };
    let sig_rfc = if shape == KxShape::Ec {
        "RFC 8422 §5.4"
    } else {
        "RFC 5246 §7.4.3"
    };
    if has_alg {
        scheme_and_signature(
            c,
            o,
            "signature_algorithm",
            "How the server signed the parameters (TLS 1.2: from the client's \
             signature_algorithms).",
            "The certificate key's signature over both randoms and the parameters: proves \
             the ephemeral key comes from the certificate holder.",
            sig_rfc,
        )?;
    } else {
        let suite = ctx.suite.map(names::cipher_name).unwrap_or_default();
        let how = if suite.contains("_ECDSA_") {
            "ECDSA signs SHA-1"
        } else if suite.contains("_DSS_") {
            "DSA signs SHA-1"
        } else {
            "RSA signs MD5+SHA-1"
        };
        legacy_signature(
            c,
            o,
            &format!(": {how}"),
            "The certificate key's signature over both randoms and the parameters; before \
             TLS 1.2 the hash is fixed by the key type, not negotiated.",
            if ctx.version.is_some_and(|v| v <= 0x0301) {
                "RFC 2246 §7.4.3"
            } else {
                "RFC 4346 §7.4.3"
            },
        )?;
    }
    Some(())
}

pub(super) fn client_key_exchange(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    let kx = ctx.suite.and_then(names::cipher_kx);
    if kx.is_some_and(Kx::has_psk_hint) {
        o.read(
            c,
            0,
            "psk_identity",
            |c| c.vec(2),
            |id| clean(id.bytes()),
            "Which pre-shared key the client uses.",
            "RFC 4279 §2",
        )?;
    }
    // Unknown suite: guess from the length prefixes.
    let ec = match kx {
        Some(k) => k.is_ec(),
        None => c
            .bytes()
            .first()
            .is_some_and(|n| usize::from(*n) + 1 == c.rem()),
    };
    let s = c.pos;
    if ec {
        let p = c.vec(1)?;
        o.push(
            0,
            "ecdh_Yc",
            c.span(s),
            format!("{} bytes", p.rem()),
            "The client's ephemeral ECDH public key; with the server's it yields the \
             premaster secret.",
            "RFC 8422 §5.7",
        );
        return Some(());
    }
    match kx {
        Some(k) if k.is_ffdh() => {
            let y = c.vec(2)?;
            o.push(
                0,
                "dh_Yc",
                c.span(s),
                format!("{} bytes", y.rem()),
                "The client's ephemeral Diffie-Hellman public value.",
                "RFC 5246 §7.4.7.2",
            );
        }
        Some(Kx::Rsa | Kx::RsaPsk) => {
            let e = c.vec(2)?;
            o.push(
                0,
                "encrypted_pre_master_secret",
                c.span(s),
                format!("{} bytes", e.rem()),
                "The premaster secret encrypted to the server's RSA key: no forward \
                 secrecy, whoever gets that key later can decrypt the session.",
                "RFC 5246 §7.4.7.1",
            );
        }
        Some(Kx::Psk) => {}
        _ => {
            if !c.is_empty() {
                o.push(
                    0,
                    "exchange_keys",
                    (c.pos, c.rem()),
                    bytes_n(c.rem()),
                    "The client's key exchange value (RSA-encrypted premaster secret or DH \
                     public value, depending on the suite).",
                    "RFC 5246 §7.4.7",
                );
                c.pos = c.end;
            }
        }
    }
    Some(())
}
