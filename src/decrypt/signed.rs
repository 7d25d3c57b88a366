//! Signatures rebuilt and checked: the exact bytes a ServerKeyExchange (TLS ≤ 1.2:
//! client random ‖ server random ‖ params, RFC 5246 §7.4.3, RFC 8422 §5.4) and a
//! TLS 1.3 CertificateVerify (64 spaces ‖ context string ‖ 0x00 ‖ transcript hash,
//! RFC 8446 §4.4.3) sign, verified against the certificate's public key.

use crate::wire::Direction;
use openssl::hash::{MessageDigest, hash};
use openssl::pkey::{PKey, Public};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::x509::X509;
use serde::Serialize;

/// Signed content kept for display (a DHE ServerKeyExchange can be large).
const MAX_SIGNED: usize = 4096;

/// One signature, rebuilt and checked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignatureCheck {
    pub from: Direction,
    /// "ServerKeyExchange" or "CertificateVerify".
    pub message: &'static str,
    /// The scheme, e.g. "rsa_pss_rsae_sha256", or the implicit TLS < 1.2 one.
    pub scheme: String,
    /// What the signed bytes are made of, in words.
    pub layout: String,
    /// The signed bytes themselves (hex in JSON; at most 4 KiB kept).
    #[serde(serialize_with = "hex_bytes")]
    pub signed_content: Vec<u8>,
    /// Verified with the leaf certificate's public key (None: could not check).
    pub ok: Option<bool>,
    pub note: String,
    pub rfc: &'static str,
}

fn hex_bytes<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::wire::hex(v))
}

fn u16_at(b: &[u8]) -> Option<u16> {
    match b.get(..2)? {
        [x, y] => Some(u16::from_be_bytes([*x, *y])),
        _ => None,
    }
}

fn leaf_key(der: &[u8]) -> Result<PKey<Public>, String> {
    X509::from_der(der)
        .and_then(|c| c.public_key())
        .map_err(|e| format!("certificate key unreadable: {e}"))
}

fn scheme_md(scheme: u16) -> Option<MessageDigest> {
    match scheme & 0x00ff {
        _ if (0x0804..=0x0806).contains(&scheme) || (0x0809..=0x080b).contains(&scheme) => {
            match scheme {
                0x0804 | 0x0809 => Some(MessageDigest::sha256()),
                0x0805 | 0x080a => Some(MessageDigest::sha384()),
                _ => Some(MessageDigest::sha512()),
            }
        }
        0x01 | 0x03 if scheme >> 8 == 2 => Some(MessageDigest::sha1()),
        0x01 | 0x03 if scheme >> 8 == 4 => Some(MessageDigest::sha256()),
        0x01 | 0x03 if scheme >> 8 == 5 => Some(MessageDigest::sha384()),
        0x01 | 0x03 if scheme >> 8 == 6 => Some(MessageDigest::sha512()),
        _ => None,
    }
}

/// Verify `sig` over `content` with a TLS SignatureScheme.
fn verify_scheme(
    key: &PKey<Public>,
    scheme: u16,
    content: &[u8],
    sig: &[u8],
) -> Result<bool, String> {
    let e = |e: openssl::error::ErrorStack| e.to_string();
    if scheme == 0x0807 || scheme == 0x0808 {
        let mut v = Verifier::new_without_digest(key).map_err(e)?;
        return v.verify_oneshot(sig, content).map_err(e);
    }
    let md = scheme_md(scheme)
        .ok_or_else(|| format!("signature scheme 0x{scheme:04x} is not checked here"))?;
    let mut v = Verifier::new(md, key).map_err(e)?;
    if (0x0804..=0x080b).contains(&scheme) {
        v.set_rsa_padding(Padding::PKCS1_PSS).map_err(e)?;
        v.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
            .map_err(e)?;
        v.set_rsa_mgf1_md(md).map_err(e)?;
    }
    v.update(content).map_err(e)?;
    // A malformed signature is a failed check, not an error.
    Ok(v.verify(sig).unwrap_or(false))
}

/// TLS 1.0/1.1: RSA signs MD5 ‖ SHA-1 of the content with PKCS#1 type 1 and no
/// DigestInfo; ECDSA signs SHA-1.
fn verify_legacy(
    key: &PKey<Public>,
    content: &[u8],
    sig: &[u8],
) -> Result<(bool, &'static str), String> {
    let e = |e: openssl::error::ErrorStack| e.to_string();
    if let Ok(rsa) = key.rsa() {
        let mut want = hash(MessageDigest::md5(), content).map_err(e)?.to_vec();
        want.extend_from_slice(&hash(MessageDigest::sha1(), content).map_err(e)?);
        let mut out = vec![0u8; rsa.size() as usize];
        let ok = match rsa.public_decrypt(sig, &mut out, Padding::PKCS1) {
            Ok(n) => out.get(..n).is_some_and(|d| super::keys::same(d, &want)),
            Err(_) => false,
        };
        return Ok((ok, "RSA over MD5 ‖ SHA-1 (implicit, TLS < 1.2)"));
    }
    let mut v = Verifier::new(MessageDigest::sha1(), key).map_err(e)?;
    v.update(content).map_err(e)?;
    Ok((
        v.verify(sig).unwrap_or(false),
        "ECDSA over SHA-1 (implicit, TLS < 1.2)",
    ))
}

/// Rebuild and check a ServerKeyExchange's signature. `body` is the message body,
/// `params_end` where its parameters end (from the wire walk).
pub(super) fn server_key_exchange(
    version: u16,
    client_random: &[u8],
    server_random: &[u8],
    body: &[u8],
    params_end: usize,
    leaf: Option<&[u8]>,
) -> SignatureCheck {
    let params = body.get(..params_end).unwrap_or(&[]);
    let rest = body.get(params_end..).unwrap_or(&[]);
    let mut content = client_random.to_vec();
    content.extend_from_slice(server_random);
    content.extend_from_slice(params);
    let (scheme, sig) = if version >= 0x0303 {
        let scheme = u16_at(rest);
        (scheme, rest.get(4..).unwrap_or(&[]))
    } else {
        (None, rest.get(2..).unwrap_or(&[]))
    };
    let mut check = SignatureCheck {
        from: Direction::Server,
        message: "ServerKeyExchange",
        scheme: scheme.map_or_else(String::new, crate::wire::names::sigscheme_name),
        layout: format!(
            "client_random (32) ‖ server_random (32) ‖ params ({} bytes: curve or group and the server's ephemeral public key)",
            params.len()
        ),
        signed_content: content.get(..MAX_SIGNED).unwrap_or(&content).to_vec(),
        ok: None,
        note: String::new(),
        rfc: if version >= 0x0303 {
            "RFC 5246 §7.4.3"
        } else {
            "RFC 4346 §7.4.3"
        },
    };
    let Some(leaf) = leaf else {
        check.note = "no certificate to check against".into();
        return check;
    };
    let res = leaf_key(leaf).and_then(|k| match scheme {
        Some(s) => verify_scheme(&k, s, &content, sig),
        None => verify_legacy(&k, &content, sig).map(|(ok, how)| {
            check.scheme = how.into();
            ok
        }),
    });
    finish(&mut check, res);
    check
}

/// Rebuild and check a TLS 1.3 CertificateVerify. `body` is the message body
/// (scheme, length, signature); `transcript_hash` covers ClientHello…Certificate.
pub(super) fn certificate_verify(
    from: Direction,
    body: &[u8],
    transcript_hash: &[u8],
    leaf: Option<&[u8]>,
) -> SignatureCheck {
    let context: &[u8] = match from {
        Direction::Server => b"TLS 1.3, server CertificateVerify",
        Direction::Client => b"TLS 1.3, client CertificateVerify",
    };
    let mut content = vec![0x20u8; 64];
    content.extend_from_slice(context);
    content.push(0);
    content.extend_from_slice(transcript_hash);
    let scheme = u16_at(body);
    let sig = body.get(4..).unwrap_or(&[]);
    let mut check = SignatureCheck {
        from,
        message: "CertificateVerify",
        scheme: scheme.map_or_else(String::new, crate::wire::names::sigscheme_name),
        layout: format!(
            "64 × 0x20 ‖ \"{}\" ‖ 0x00 ‖ transcript hash ({} bytes, ClientHello…Certificate)",
            String::from_utf8_lossy(context),
            transcript_hash.len()
        ),
        signed_content: content.clone(),
        ok: None,
        note: String::new(),
        rfc: "RFC 8446 §4.4.3",
    };
    let res = match (leaf, scheme) {
        (Some(l), Some(s)) => leaf_key(l).and_then(|k| verify_scheme(&k, s, &content, sig)),
        (None, _) => Err("no certificate to check against".into()),
        (_, None) => Err("CertificateVerify truncated".into()),
    };
    finish(&mut check, res);
    check
}

fn finish(check: &mut SignatureCheck, res: Result<bool, String>) {
    match res {
        Ok(ok) => {
            check.ok = Some(ok);
            check.note = if ok {
                "the certificate's key signed exactly these bytes".into()
            } else {
                "the signature does not verify over these bytes with the certificate's key".into()
            };
        }
        Err(e) => check.note = format!("not checked: {e}"),
    }
}
