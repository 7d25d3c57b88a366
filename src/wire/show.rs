//! How peer bytes become text: hex, escaped peer strings, previews and the "name
//! (0xNNNN)" value spellings. One place, so the typed decoder, the dissector and
//! decryption print the same bytes the same way, and a hostile string is escaped once.

use super::names;

/// Lower-case hex of a byte slice.
pub(crate) fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len().saturating_mul(2));
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// A peer-supplied string (SNI, ALPN, PSK hint) made safe to print: at most `max`
/// bytes, printable ASCII kept, everything else (and `\`) escaped as `\xNN` / `\\`,
/// `…` when cut. Terminal escapes never survive it.
pub(crate) fn escape(b: &[u8], max: usize) -> String {
    let mut s = String::new();
    for &c in b.iter().take(max) {
        if c.is_ascii() {
            crate::text::push_escaped(&mut s, char::from(c));
        } else {
            s.push_str(&format!("\\x{c:02x}"));
        }
    }
    if b.len() > max {
        s.push('…');
    }
    s
}

/// First bytes of something that is not TLS, as printable ASCII only (whitespace as a
/// space, anything else as `.`), at most 64 characters.
pub(crate) fn ascii(b: &[u8]) -> String {
    b.iter()
        .take(64)
        .map(|&c| match c {
            0x20..=0x7e => char::from(c),
            b'\r' | b'\n' | b'\t' => ' ',
            _ => '.',
        })
        .collect()
}

/// "N bytes: 0a1b2c…" (first 16 bytes), or "empty".
pub(crate) fn preview(b: &[u8]) -> String {
    match b.len() {
        0 => "empty".into(),
        n if n <= 16 => format!("{n} bytes: {}", hex(b)),
        n => format!("{n} bytes: {}…", hex(b.get(..16).unwrap_or(b))),
    }
}

pub(crate) fn bytes_n(n: usize) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

pub(crate) fn version_value(v: u16) -> String {
    if names::is_grease(v) {
        format!("GREASE (0x{v:04x})")
    } else {
        format!("{} (0x{v:04x})", names::version_name(v))
    }
}

pub(crate) fn suite_value(v: u16) -> String {
    if names::is_grease(v) {
        format!("GREASE (0x{v:04x}), ignored")
    } else {
        format!("{} (0x{v:04x})", names::cipher_name(v))
    }
}

pub(crate) fn group_value(v: u16) -> String {
    format!("{} (0x{v:04x})", names::group_name(v))
}

pub(crate) fn scheme_value(v: u16) -> String {
    format!("{} (0x{v:04x})", names::sigscheme_name(v))
}

/// How many names a list summary spells out.
const SUMMARY_ITEMS: usize = 6;

/// Join the first few names, then "… (N in all)".
pub(crate) fn summary(items: &[String]) -> String {
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

/// "x25519 (0x001d)" → "x25519".
pub(crate) fn short_name(full: &str) -> String {
    full.split(" (").next().unwrap_or(full).to_string()
}

/// Bit length of a big-endian unsigned integer.
pub(crate) fn bit_len(b: &[u8]) -> usize {
    match b.iter().position(|x| *x != 0) {
        Some(i) => {
            let lead = b.get(i).copied().unwrap_or(0);
            (b.len() - i - 1) * 8 + (8 - lead.leading_zeros() as usize)
        }
        None => 0,
    }
}

/// A big-endian integer without its leading zeros: the value when it fits in a u64,
/// else the significant bytes.
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
