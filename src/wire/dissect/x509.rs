//! A certificate's fields in the ladder (RFC 5280 §4.1): tbsCertificate with version,
//! serial, signature algorithm, issuer, validity, subject, public key and extensions,
//! then the CA's signature — each with its byte range, read with the one DER TLV
//! reader. Bounded and hostile-safe like the rest of the walk: what does not parse is
//! simply not broken down further.

use super::*;

const RFC: &str = "RFC 5280 §4.1";
/// Extensions broken down per certificate.
const MAX_EXTENSIONS: usize = 32;

/// (tag, start of contents, end) of the TLV at `at` within `b`.
fn tlv(b: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let rest = b.get(at..)?;
    let (tag, body, after) = der_tlv(rest)?;
    let end = at + rest.len() - after.len();
    Some((tag, end - body.len(), end))
}

fn oid_name(oid: &[u8]) -> String {
    let n = match hex(oid).as_str() {
        "2a864886f70d010101" => "rsaEncryption",
        "2a864886f70d010105" => "sha1WithRSAEncryption",
        "2a864886f70d01010a" => "RSASSA-PSS",
        "2a864886f70d01010b" => "sha256WithRSAEncryption",
        "2a864886f70d01010c" => "sha384WithRSAEncryption",
        "2a864886f70d01010d" => "sha512WithRSAEncryption",
        "2a8648ce3d0401" => "ecdsa-with-SHA1",
        "2a8648ce3d040302" => "ecdsa-with-SHA256",
        "2a8648ce3d040303" => "ecdsa-with-SHA384",
        "2a8648ce3d040304" => "ecdsa-with-SHA512",
        "2a8648ce3d0201" => "id-ecPublicKey",
        "2a8648ce3d030107" => "secp256r1",
        "2b81040022" => "secp384r1",
        "2b81040023" => "secp521r1",
        "2b6570" => "Ed25519",
        "2b6571" => "Ed448",
        "551d11" => "subjectAltName",
        "551d13" => "basicConstraints",
        "551d0f" => "keyUsage",
        "551d25" => "extKeyUsage",
        "551d0e" => "subjectKeyIdentifier",
        "551d23" => "authorityKeyIdentifier",
        "551d1f" => "cRLDistributionPoints",
        "551d20" => "certificatePolicies",
        "2b06010505070101" => "authorityInfoAccess",
        "2b06010401d679020402" => "signedCertificateTimestampList",
        _ => return format!("OID {}", hex(oid)),
    };
    n.into()
}

/// The first OID inside an AlgorithmIdentifier (or any SEQUENCE), by name.
fn first_oid(b: &[u8], start: usize, end: usize) -> Option<String> {
    let (tag, s, e) = tlv(b, start)?;
    (tag == 6 && e <= end).then(|| oid_name(b.get(s..e).unwrap_or(&[])))
}

fn name_value(b: &[u8], s: usize, e: usize) -> String {
    let name = b.get(s..e).unwrap_or(&[]);
    const CN_OID: [u8; 5] = [0x06, 0x03, 0x55, 0x04, 0x03];
    match name.windows(5).position(|w| w == CN_OID) {
        Some(i) => match name.get(i + 5..).and_then(der_tlv) {
            Some((_, v, _)) => format!("CN={}", escape(v, MAX_STR)),
            None => bytes_n(name.len()),
        },
        None => format!("{} (no CN)", bytes_n(name.len())),
    }
}

fn time_value(b: &[u8], at: usize) -> Option<(String, usize)> {
    let (tag, s, e) = tlv(b, at)?;
    let t = ascii(b.get(s..e)?);
    let full = match tag {
        // UTCTime YYMMDDHHMMSSZ: years 50–99 are 19xx (RFC 5280 §4.1.2.5.1).
        0x17 if t.len() >= 12 => {
            let century = if t.get(..2).is_some_and(|y| y >= "50") {
                "19"
            } else {
                "20"
            };
            format!("{century}{t}")
        }
        _ => t,
    };
    let pretty = match (
        full.get(..4),
        full.get(4..6),
        full.get(6..8),
        full.get(8..10),
        full.get(10..12),
    ) {
        (Some(y), Some(mo), Some(d), Some(h), Some(mi)) => format!("{y}-{mo}-{d} {h}:{mi} UTC"),
        _ => full,
    };
    Some((pretty, e))
}

/// Record the fields of the DER certificate at `base..base + der.len()` of the message.
pub(super) fn fields(o: &mut Out, d: u8, base: usize, der: &[u8]) {
    if !o.on {
        return;
    }
    let _ = walk(o, d, base, der);
}

fn walk(o: &mut Out, d: u8, base: usize, b: &[u8]) -> Option<()> {
    let (0x30, cs, ce) = tlv(b, 0)? else {
        return None;
    };
    let (0x30, ts, te) = tlv(b, cs)? else {
        return None;
    };
    o.push(
        d,
        "tbsCertificate",
        (base + cs, te - cs),
        bytes_n(te - cs),
        "The part the issuing CA signs: everything below down to the extensions.",
        RFC,
    );
    let mut at = ts;
    let mut next = || -> Option<(u8, usize, usize, usize)> {
        let (tag, s, e) = tlv(b, at)?;
        let start = at;
        at = e;
        (e <= te).then_some((tag, start, s, e))
    };
    let (mut tag, mut st, mut s, mut e) = next()?;
    if tag == 0xa0 {
        let v = b.get(s..e).and_then(|x| x.last()).copied().unwrap_or(0);
        o.push(
            d + 1,
            "version",
            (base + st, e - st),
            format!("v{}", u16::from(v) + 1),
            "X.509 version; v3 is the one with extensions.",
            "RFC 5280 §4.1.2.1",
        );
        (tag, st, s, e) = next()?;
    }
    let _ = tag;
    o.push(
        d + 1,
        "serialNumber",
        (base + st, e - st),
        preview(b.get(s..e).unwrap_or(&[])),
        "Unique per issuing CA; what a revocation list names.",
        "RFC 5280 §4.1.2.2",
    );
    let (_, st, s, e) = next()?;
    o.push(
        d + 1,
        "signature",
        (base + st, e - st),
        first_oid(b, s, e).unwrap_or_default(),
        "The algorithm the CA signed with (repeated outside as signatureAlgorithm).",
        "RFC 5280 §4.1.2.3",
    );
    let (_, st, s, e) = next()?;
    o.push(
        d + 1,
        "issuer",
        (base + st, e - st),
        name_value(b, s, e),
        "Who signed this certificate: must be the subject of the next one in the chain.",
        "RFC 5280 §4.1.2.4",
    );
    let (_, st, s, e) = next()?;
    let nb = time_value(b, s);
    let na = nb.as_ref().and_then(|(_, after)| time_value(b, *after));
    let v = match (nb, na) {
        (Some((f, _)), Some((t, _))) => format!("{f} – {t}"),
        _ => bytes_n(e - s),
    };
    o.push(
        d + 1,
        "validity",
        (base + st, e - st),
        v,
        "notBefore – notAfter: outside this window the certificate is expired or not yet valid.",
        "RFC 5280 §4.1.2.5",
    );
    let (_, st, s, e) = next()?;
    o.push(
        d + 1,
        "subject",
        (base + st, e - st),
        name_value(b, s, e),
        "Whom the key belongs to (for servers the names are in subjectAltName).",
        "RFC 5280 §4.1.2.6",
    );
    let (_, st, s, e) = next()?;
    o.push(d + 1, "subjectPublicKeyInfo", (base + st, e - st), spki_value(b, s, e),
        "The server's public key: what the CertificateVerify or ServerKeyExchange signature is checked with.",
        "RFC 5280 §4.1.2.7");
    while let Some((tag, st, s, e)) = next() {
        if tag == 0xa3 {
            extensions(o, d + 1, base, b, st, s, e);
        }
    }
    let (_, st, s, e) = tlv(b, te).map(|(t, s, e)| (t, te, s, e))?;
    o.push(
        d,
        "signatureAlgorithm",
        (base + st, e - st),
        first_oid(b, s, e).unwrap_or_default(),
        "How the issuer signed tbsCertificate.",
        "RFC 5280 §4.1.1.2",
    );
    let (_, st, s, e) = tlv(b, e).map(|(t, s2, e2)| (t, e, s2, e2))?;
    o.push(
        d,
        "signatureValue",
        (base + st, e - st),
        bytes_n(e - s),
        "The issuer's signature over tbsCertificate, checked with the issuer's public key.",
        "RFC 5280 §4.1.1.3",
    );
    let _ = ce;
    Some(())
}

fn spki_value(b: &[u8], s: usize, e: usize) -> String {
    let Some((_, as_, ae)) = tlv(b, s) else {
        return bytes_n(e - s);
    };
    let alg = first_oid(b, as_, ae).unwrap_or_default();
    let param = tlv(b, as_).and_then(|(_, _, oe)| first_oid(b, oe, ae));
    let key = tlv(b, ae).map(|(_, ks, ke)| ke - ks).unwrap_or(0);
    match (alg.as_str(), param) {
        ("rsaEncryption", _) => {
            // BIT STRING (unused-bits byte) → SEQUENCE → INTEGER modulus.
            let bits = tlv(b, ae)
                .and_then(|(_, ks, _)| tlv(b, ks + 1))
                .and_then(|(_, ss, _)| tlv(b, ss))
                .map(|(_, ms, me)| {
                    let lead = usize::from(b.get(ms).copied() == Some(0));
                    (me - ms - lead) * 8
                });
            match bits {
                Some(n) => format!("RSA {n}-bit"),
                None => "RSA".into(),
            }
        }
        ("id-ecPublicKey", Some(curve)) => {
            format!("EC {curve}, {} point", bytes_n(key.saturating_sub(1)))
        }
        (a, _) => format!("{a}, {}", bytes_n(key)),
    }
}

fn extensions(o: &mut Out, d: u8, base: usize, b: &[u8], st: usize, s: usize, e: usize) {
    let Some((_, ls, le)) = tlv(b, s) else { return };
    let mut at = ls;
    let mut n = 0;
    let mut items = Vec::new();
    while at < le.min(e) && n < MAX_EXTENSIONS {
        let Some((_, xs, xe)) = tlv(b, at) else { break };
        let name = first_oid(b, xs, xe).unwrap_or_default();
        items.push((at, xe, name));
        at = xe;
        n += 1;
    }
    o.push(
        d,
        "extensions",
        (base + st, e - st),
        format!("{n} extensions"),
        "v3 extensions: names (subjectAltName), constraints, key usages, issuer links.",
        "RFC 5280 §4.2",
    );
    for (x, xe, name) in items {
        let value = if name == "subjectAltName" {
            san_value(b, x, xe)
        } else {
            bytes_n(xe - x)
        };
        o.push(
            d + 1,
            name,
            (base + x, xe - x),
            value,
            "One extension (its OID, critical flag, value).",
            "RFC 5280 §4.2",
        );
    }
}

/// The DNS names of a subjectAltName extension.
fn san_value(b: &[u8], x: usize, xe: usize) -> String {
    let mut names = Vec::new();
    let _ = (|| -> Option<()> {
        let (_, xs, _) = tlv(b, x)?;
        let (_, _, oid_end) = tlv(b, xs)?;
        let mut at = oid_end;
        // Optional critical BOOLEAN, then the OCTET STRING holding GeneralNames.
        let (mut tag, mut os, mut oe) = tlv(b, at)?;
        if tag == 1 {
            at = oe;
            (tag, os, oe) = tlv(b, at)?;
        }
        let _ = tag;
        let (_, gs, ge) = tlv(b, os)?;
        let mut g = gs;
        while g < ge.min(oe).min(xe) && names.len() < 8 {
            let (t, vs, ve) = tlv(b, g)?;
            if t == 0x82 {
                names.push(escape(b.get(vs..ve)?, MAX_STR));
            }
            g = ve;
        }
        Some(())
    })();
    if names.is_empty() {
        bytes_n(xe - x)
    } else {
        names.join(", ")
    }
}
