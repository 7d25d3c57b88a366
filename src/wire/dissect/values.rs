//! Value formatting and peer-string sanitisers, and a cheap look at certificates.

use super::*;

/// Peer bytes as printable ASCII (others as `\xNN`), at most `MAX_STR` input bytes.
pub(super) fn clean(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b.iter().take(MAX_STR) {
        match c {
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(char::from(c)),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    if b.len() > MAX_STR {
        s.push('…');
    }
    s
}

pub(super) fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// "N bytes: 0a1b2c…" (first 16 bytes), or "empty".
pub(super) fn preview(b: &[u8]) -> String {
    match b.len() {
        0 => "empty".into(),
        n if n <= 16 => format!("{n} bytes: {}", hex(b)),
        n => format!("{n} bytes: {}…", hex(b.get(..16).unwrap_or(b))),
    }
}

pub(super) fn bytes_n(n: usize) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

pub(super) fn version_value(v: u16) -> String {
    if names::is_grease(v) {
        format!("GREASE (0x{v:04x})")
    } else {
        format!("{} (0x{v:04x})", names::version_name(v))
    }
}

pub(super) fn suite_value(v: u16) -> String {
    if names::is_grease(v) {
        format!("GREASE (0x{v:04x}), ignored")
    } else {
        format!("{} (0x{v:04x})", names::cipher_name(v))
    }
}

pub(super) fn group_value(v: u16) -> String {
    format!("{} (0x{v:04x})", names::group_name(v))
}

pub(super) fn scheme_value(v: u16) -> String {
    format!("{} (0x{v:04x})", names::sigscheme_name(v))
}

/// Join the first few names, then "… (N in all)".
pub(super) fn summary(items: &[String]) -> String {
    let mut s = items
        .iter()
        .take(SUMMARY_ITEMS)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SUMMARY_ITEMS {
        s.push_str(&format!(", … ({} in all)", items.len()));
    }
    if s.is_empty() { "empty".into() } else { s }
}

pub(super) fn short_name(full: &str) -> String {
    full.split(" (").next().unwrap_or(full).to_string()
}

/// Bit length of a big-endian unsigned integer.
pub(super) fn bit_len(b: &[u8]) -> usize {
    match b.iter().position(|x| *x != 0) {
        Some(i) => {
            let lead = b.get(i).copied().unwrap_or(0);
            (b.len() - i - 1) * 8 + (8 - lead.leading_zeros() as usize)
        }
        None => 0,
    }
}

/// Decimal for small numbers (a DH generator is usually 2), hex otherwise.
pub(super) fn small_number(b: &[u8]) -> String {
    match crate::wire::handshake::small_uint(b) {
        Ok(n) => n.to_string(),
        Err(t) => format!("{}-bit value", bit_len(t)),
    }
}

// ---------------------------------------------------------------------------------
// A cheap look at a certificate: the subject's common name.

/// (tag, contents, rest) of one DER TLV.
pub(super) fn der_tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let mut c = Cur::new(b, 0, b.len());
    let tag = c.u8()?;
    let l = c.u8()?;
    let len = if l < 0x80 {
        usize::from(l)
    } else {
        let n = usize::from(l & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        c.take(n)?
            .iter()
            .fold(0usize, |a, x| a << 8 | usize::from(*x))
    };
    let body = c.take(len)?;
    Some((tag, body, c.bytes()))
}

/// The subject CN of a DER certificate, if it is where X.509 puts it.
pub(super) fn subject_cn(der: &[u8]) -> Option<String> {
    let (0x30, cert, _) = der_tlv(der)? else {
        return None;
    };
    let (0x30, tbs, _) = der_tlv(cert)? else {
        return None;
    };
    let mut rest = tbs;
    let (tag, _, r) = der_tlv(rest)?;
    if tag == 0xa0 {
        rest = r; // explicit version
    }
    // serialNumber, signature, issuer, validity, then subject.
    for _ in 0..4 {
        rest = der_tlv(rest)?.2;
    }
    let (0x30, subject, _) = der_tlv(rest)? else {
        return None;
    };
    const CN_OID: [u8; 5] = [0x06, 0x03, 0x55, 0x04, 0x03];
    let i = subject.windows(5).position(|w| w == CN_OID)?;
    let (_, value, _) = der_tlv(subject.get(i + 5..)?)?;
    Some(clean(value))
}

pub(super) fn cert_value(der: &[u8]) -> String {
    match subject_cn(der) {
        Some(cn) => format!("CN={cn} (DER, {} bytes)", der.len()),
        None => format!("DER, {} bytes", der.len()),
    }
}
