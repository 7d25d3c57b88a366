//! ServerKeyExchange and ClientKeyExchange, typed and recorded.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum KxShape {
    Ec,
    Dh,
    /// No parameters of its own (PSK hint only).
    Psk,
}

impl KxShape {
    fn label(self) -> &'static str {
        match self {
            KxShape::Ec => "ecdhe",
            KxShape::Dh => "dhe",
            KxShape::Psk => "psk",
        }
    }
}

fn kex_label(kx: Kx) -> &'static str {
    match kx {
        k if k.is_ec() => "ecdhe",
        k if k.is_ffdh() => "dhe",
        Kx::Psk | Kx::RsaPsk => "psk",
        Kx::Rsa => "rsa",
        _ => "unknown",
    }
}

/// The ECDH or DH parameters and the signature of a ServerKeyExchange. The suite says
/// which shape; without one (or for a suite whose shape is not ECDH/DH/PSK) the shape
/// that parses to the end wins, else the first.
pub(super) fn server_key_exchange(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> ServerKeyExchange {
    let kx = ctx.suite.and_then(names::cipher_kx);
    let shapes: &[KxShape] = match kx {
        Some(k) if k.is_ec() => &[KxShape::Ec],
        Some(k) if k.is_ffdh() => &[KxShape::Dh],
        Some(Kx::Psk | Kx::RsaPsk) => &[KxShape::Psk],
        _ => &[KxShape::Ec, KxShape::Dh],
    };
    let mut first = None;
    for &shape in shapes {
        let mut c1 = *c;
        let mut o1 = Out::new(o.on);
        let s = ske(&mut c1, &mut o1, ctx, kx, shape);
        if s.malformed.is_empty() || shapes.len() == 1 {
            *c = c1;
            o.extend(o1);
            return s;
        }
        first.get_or_insert((c1, o1, s));
    }
    match first {
        Some((c1, o1, s)) => {
            *c = c1;
            o.extend(o1);
            s
        }
        None => ServerKeyExchange::default(),
    }
}

fn ske(
    c: &mut Cur<'_>,
    o: &mut Out,
    ctx: Ctx,
    kx: Option<Kx>,
    shape: KxShape,
) -> ServerKeyExchange {
    let body_start = c.pos;
    let mut s = ServerKeyExchange {
        kex: kx.map_or(shape.label(), kex_label),
        length: Some(c.rem()),
        ..Default::default()
    };
    if kx.is_some_and(Kx::has_psk_hint) {
        let hint = o.read(
            c,
            0,
            "psk_identity_hint",
            |c| c.vec(2),
            |h| escape(h.bytes(), MAX_STR),
            "A hint to help the client choose which pre-shared key to use.",
            "RFC 4279 §2",
        );
        match hint {
            Some(h) => s.psk_identity_hint_len = Some(h.rem()),
            None => {
                s.malformed.push("psk identity hint truncated".into());
                return s;
            }
        }
    }
    let params = match shape {
        KxShape::Ec => ske_ecdh(c, o, &mut s),
        KxShape::Dh => ske_dh(c, o, &mut s),
        KxShape::Psk => Some(()),
    };
    if params.is_none() {
        s.malformed
            .push(format!("{} parameters truncated", shape.label()));
        return s;
    }
    s.params_end = c.pos.saturating_sub(body_start);
    // Anonymous and PSK suites are unsigned; everything else carries a signature.
    let signed = kx.is_none_or(Kx::is_signed) && !c.is_empty();
    if signed {
        ske_signature(c, o, ctx, shape, &mut s);
    }
    if !c.is_empty() {
        s.malformed.push(format!("{} trailing bytes", c.rem()));
    }
    s
}

fn ske_ecdh(c: &mut Cur<'_>, o: &mut Out, s: &mut ServerKeyExchange) -> Option<()> {
    let rfc = "RFC 8422 §5.4";
    let ct = o.read(
        c,
        0,
        "curve_type",
        |c| c.u8(),
        |ct| match (ct, names::ec_curve_type_name(ct)) {
            (3, Some(n)) => format!("{n} (3)"),
            (_, Some(n)) => format!("{n} ({ct}), deprecated"),
            (_, None) => format!("{ct}"),
        },
        "How the curve is given: named_curve refers to a registered group.",
        rfc,
    )?;
    if ct != 3 {
        // Explicit curves (deprecated) are named but not decoded.
        s.curve_type = names::ec_curve_type_name(ct).map(String::from);
        return None;
    }
    let g = o.read(
        c,
        0,
        "named_curve",
        |c| c.u16(),
        group_value,
        "The group the server's ephemeral ECDH key is on (one from the client's \
         supported_groups).",
        rfc,
    )?;
    s.group = Some(Group(g));
    let st = c.pos;
    let p = c.vec(1)?;
    s.public_key_len = Some(p.rem());
    let kind = match p.bytes().first() {
        Some(4) if p.rem() > 32 => "uncompressed point",
        _ if p.rem() == 32 || p.rem() == 56 => "Montgomery u-coordinate",
        _ => "point",
    };
    o.push(
        0,
        "public",
        c.span(st),
        format!("{} bytes ({kind})", p.rem()),
        "The server's ephemeral ECDH public key; with the client's, it yields the \
         premaster secret (forward secrecy).",
        rfc,
    );
    Some(())
}

fn ske_dh(c: &mut Cur<'_>, o: &mut Out, s: &mut ServerKeyExchange) -> Option<()> {
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
        |g| match small_uint(g.bytes()) {
            Ok(n) => n.to_string(),
            Err(t) => format!("{}-bit value", bit_len(t)),
        },
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
    s.dh_p_bits = Some(bit_len(p.bytes()));
    // Decimal for small numbers (a DH generator is usually 2), hex otherwise.
    s.dh_g = Some(match small_uint(g.bytes()) {
        Ok(n) => n.to_string(),
        Err(t) => format!("0x{}", hex(t.get(..16).unwrap_or(t))),
    });
    s.dh_ys_len = Some(y.rem());
    Some(())
}

/// The signature over the parameters: with an algorithm field from TLS 1.2 on (or, with
/// no version known, when the bytes fit that layout exactly), implicit before.
fn ske_signature(
    c: &mut Cur<'_>,
    o: &mut Out,
    ctx: Ctx,
    shape: KxShape,
    s: &mut ServerKeyExchange,
) {
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
    let suite = ctx.suite.map(names::cipher_name).unwrap_or_default();
    if has_alg {
        let start = *c;
        let signed = scheme_and_signature(
            c,
            o,
            "signature_algorithm",
            "How the server signed the parameters (TLS 1.2: from the client's \
             signature_algorithms).",
            "The certificate key's signature over both randoms and the parameters: proves \
             the ephemeral key comes from the certificate holder.",
            sig_rfc,
        );
        match signed {
            Some((a, len)) => {
                s.signature = Some(names::sigscheme_name(a));
                s.signature_len = Some(len);
            }
            None => {
                let mut p = start;
                match p.u16() {
                    Some(a) => s.signature = Some(names::sigscheme_name(a)),
                    None => s.malformed.push("signature algorithm truncated".into()),
                }
                s.malformed.push("signature truncated".into());
            }
        }
        return;
    }
    let (how, implicit) = if suite.contains("_ECDSA_") {
        ("ECDSA signs SHA-1", "sha1 (implicit ecdsa, TLS < 1.2)")
    } else if suite.contains("_DSS_") {
        ("DSA signs SHA-1", "sha1 (implicit dsa, TLS < 1.2)")
    } else {
        ("RSA signs MD5+SHA-1", "md5_sha1 (implicit, TLS < 1.2)")
    };
    s.signature = Some(implicit.into());
    let len = legacy_signature(
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
    );
    match len {
        Some(n) => s.signature_len = Some(n),
        None => s.malformed.push("signature truncated".into()),
    }
}

/// The typed view names the shape the suite implies and the length of the key (the
/// PSK identity for plain PSK; the whole body when the suite is unknown).
pub(super) fn client_key_exchange(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> ClientKeyExchange {
    let kx = ctx.suite.and_then(names::cipher_kx);
    let length = c.rem();
    let key = cke_walk(c, o, kx);
    let kex = match kx {
        Some(k) if k.is_ec() => "ecdhe",
        Some(k) if k.is_ffdh() => "dhe",
        Some(Kx::Rsa) => "rsa",
        Some(Kx::Psk) => "psk",
        _ => "unknown",
    };
    let key_len = match (kex, key) {
        ("unknown", _) | (_, None) => length,
        (_, Some(n)) => n,
    };
    ClientKeyExchange {
        kex,
        key_len,
        length,
    }
}

/// Records the fields; returns the length of the key value it found.
fn cke_walk(c: &mut Cur<'_>, o: &mut Out, kx: Option<Kx>) -> Option<usize> {
    let mut identity = None;
    if kx.is_some_and(Kx::has_psk_hint) {
        identity = o.read(
            c,
            0,
            "psk_identity",
            |c| c.vec(2),
            |id| escape(id.bytes(), MAX_STR),
            "Which pre-shared key the client uses.",
            "RFC 4279 §2",
        );
        identity?;
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
        return Some(p.rem());
    }
    let mut key = None;
    match kx {
        Some(k) if k.is_ffdh() => {
            let y = c.vec(2)?;
            key = Some(y.rem());
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
            key = Some(e.rem());
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
        Some(Kx::Psk) => key = identity.map(|i| i.rem()),
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
    key
}
