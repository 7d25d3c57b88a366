//! TLS client fingerprints of a ClientHello: JA3 (Salesforce; MD5 over the decimal
//! fields in the order sent) and JA4 (FoxIO; counts, then SHA-256 over the *sorted*
//! suites and extensions, truncated to 12 hex digits). GREASE values (RFC 8701) are
//! left out of both, so two stacks' hellos compare cleanly.
//!
//! Computed from what the wire decoder parsed (`wire::ClientHello`), never from a
//! backend's own account; hashes come from the openssl crate (already linked: MD5 for
//! JA3, SHA-256 for JA4).

use crate::wire::ClientHello;
use crate::wire::names::{ec_point_format_name, is_grease};
use openssl::hash::{MessageDigest, hash};
use serde::Serialize;

/// The fingerprints of one ClientHello.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    /// "771,4865-4866-…,0-23-…,29-23-24,0"
    pub ja3: String,
    /// MD5 of `ja3`, 32 hex digits.
    pub ja3_hash: String,
    /// "t13d1516h2_8daaf6152771_e5627efa2ab1"
    pub ja4: String,
    /// JA4 before hashing (sorted hex lists): what the hashes stand for.
    pub ja4_r: String,
}

/// Both fingerprints of a decoded ClientHello.
pub fn of(ch: &ClientHello) -> Fingerprint {
    let ciphers: Vec<u16> = ch
        .cipher_suites
        .iter()
        .map(|c| c.0)
        .filter(|c| !is_grease(*c))
        .collect();
    let exts: Vec<u16> = ch
        .ext
        .extensions
        .iter()
        .map(|e| e.code)
        .filter(|c| !is_grease(*c))
        .collect();
    let groups: Vec<u16> = ch
        .ext
        .supported_groups
        .iter()
        .flatten()
        .map(|g| g.0)
        .filter(|g| !is_grease(*g))
        .collect();
    let formats: Vec<u16> = ch
        .ext
        .ec_point_formats
        .iter()
        .flatten()
        .filter_map(|name| (0u8..=255).find(|f| ec_point_format_name(*f) == *name))
        .map(u16::from)
        .collect();
    let sigalgs: Vec<u16> = ch
        .ext
        .signature_algorithms
        .iter()
        .flatten()
        .map(|s| s.0)
        .filter(|s| !is_grease(*s))
        .collect();
    let version = ch
        .ext
        .supported_versions
        .iter()
        .flatten()
        .map(|v| v.0)
        .filter(|v| !is_grease(*v))
        .max()
        .unwrap_or(ch.legacy_version.0);
    let alpn = ch
        .ext
        .alpn
        .as_ref()
        .and_then(|l| l.first())
        .map(String::as_str);
    let ja3 = ja3_text(ch.legacy_version.0, &ciphers, &exts, &groups, &formats);
    let ja4_prefix = ja4_prefix(
        version,
        exts.contains(&0),
        ciphers.len(),
        exts.len(),
        alpn.map(str::as_bytes),
    );
    let (ja4, ja4_r) = ja4_parts(&ja4_prefix, &ciphers, &exts, &sigalgs);
    Fingerprint {
        ja3_hash: hex_digest(MessageDigest::md5(), &ja3, 32),
        ja3,
        ja4,
        ja4_r,
    }
}

fn decimal_list(v: &[u16]) -> String {
    v.iter().map(u16::to_string).collect::<Vec<_>>().join("-")
}

fn hex_list(v: &[u16]) -> String {
    v.iter()
        .map(|x| format!("{x:04x}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`.
pub fn ja3_text(
    legacy: u16,
    ciphers: &[u16],
    exts: &[u16],
    groups: &[u16],
    fmts: &[u16],
) -> String {
    format!(
        "{legacy},{},{},{},{}",
        decimal_list(ciphers),
        decimal_list(exts),
        decimal_list(groups),
        decimal_list(fmts)
    )
}

/// JA4's first part: `t13d1516h2`.
fn ja4_prefix(
    version: u16,
    sni: bool,
    n_ciphers: usize,
    n_exts: usize,
    alpn: Option<&[u8]>,
) -> String {
    let v = match version {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    };
    let alpn = match alpn {
        Some([first, .., last]) | Some([first @ last]) => {
            if first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric() {
                format!("{}{}", char::from(*first), char::from(*last))
            } else {
                // Not printable: the first hex digit of the first byte and the last
                // hex digit of the last byte.
                let hi = format!("{first:02x}").chars().next().unwrap_or('0');
                let lo = format!("{last:02x}").chars().last().unwrap_or('0');
                format!("{hi}{lo}")
            }
        }
        _ => "00".into(),
    };
    format!(
        "t{v}{}{:02}{:02}{alpn}",
        if sni { 'd' } else { 'i' },
        n_ciphers.min(99),
        n_exts.min(99)
    )
}

/// JA4 (hashed) and JA4_r (raw) from the prefix and the lists, GREASE already removed.
/// The extension hash leaves out SNI (0x0000) and ALPN (0x0010), which the prefix
/// already says, and appends the signature algorithms in the order sent.
pub fn ja4_parts(prefix: &str, ciphers: &[u16], exts: &[u16], sigalgs: &[u16]) -> (String, String) {
    let mut c = ciphers.to_vec();
    c.sort_unstable();
    let mut e: Vec<u16> = exts
        .iter()
        .copied()
        .filter(|x| *x != 0 && *x != 0x10)
        .collect();
    e.sort_unstable();
    let c_raw = hex_list(&c);
    let mut e_raw = hex_list(&e);
    if !sigalgs.is_empty() {
        e_raw = format!("{e_raw}_{}", hex_list(sigalgs));
    }
    let h = |raw: &str, empty: bool| {
        if empty {
            "000000000000".to_string()
        } else {
            hex_digest(MessageDigest::sha256(), raw, 12)
        }
    };
    (
        format!(
            "{prefix}_{}_{}",
            h(&c_raw, c.is_empty()),
            h(&e_raw, e.is_empty())
        ),
        format!("{prefix}_{c_raw}_{e_raw}"),
    )
}

/// Lower-case hex of the digest of `text`, cut to `len` digits ("" if the digest fails,
/// which only a broken OpenSSL build would do).
fn hex_digest(md: MessageDigest, text: &str, len: usize) -> String {
    let Ok(d) = hash(md, text.as_bytes()) else {
        return String::new();
    };
    d.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .chars()
        .take(len)
        .collect()
}

#[cfg(test)]
mod tests;
