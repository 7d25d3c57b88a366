//! Quoting and encoding: shell, Python and Rust literals, values shown in comments,
//! OSC 52, numbers as literals.

use std::fmt::Write as _;
use std::net::IpAddr;

/// OSC 52 escape sequence putting `text` on the terminal's clipboard (works over
/// SSH): ESC ] 52 ; c ; <base64> BEL.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", crate::text::base64(text.as_bytes()))
}

pub(super) fn is_ip(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok()
}

pub(super) use crate::profile::host_port;

/// A value shown inside a comment: control characters escaped so it cannot end the
/// comment line.
pub(super) fn shown(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

pub(super) fn path_str(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

/// POSIX shell quoting: bare when every character is safe, else single quotes
/// (an embedded `'` becomes `'\''`).
pub fn sh_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Single quotes whatever the value (an embedded `'` becomes `'\''`).
pub fn sh_quote_always(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A Python string literal (single quotes).
pub fn py_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('\'');
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\'' => o.push_str("\\'"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let n = c as u32;
                if n <= 0xff {
                    let _ = write!(o, "\\x{n:02x}");
                } else {
                    let _ = write!(o, "\\u{n:04x}");
                }
            }
            c => o.push(c),
        }
    }
    o.push('\'');
    o
}

/// A Rust string literal.
pub fn rs_str(s: &str) -> String {
    format!("{s:?}")
}

/// Seconds as a float literal valid in Python and Rust ("5.0", "2.5").
pub(super) fn secs(v: f64) -> String {
    let v = if v.is_finite() && v > 0.0 { v } else { 10.0 };
    let s = format!("{v:?}");
    if s.contains('.') || s.contains('e') {
        s
    } else {
        format!("{s}.0")
    }
}

pub(super) fn millis(v: f64) -> u64 {
    let v = if v.is_finite() && v > 0.0 { v } else { 10.0 };
    (v * 1000.0).round().max(1.0) as u64
}

/// A Rust byte-string literal.
pub(super) fn rs_bytes(b: &[u8]) -> String {
    let mut o = String::from("b\"");
    for &c in b {
        match c {
            b'"' => o.push_str("\\\""),
            b'\\' => o.push_str("\\\\"),
            0x20..=0x7e => o.push(char::from(c)),
            _ => {
                let _ = write!(o, "\\x{c:02x}");
            }
        }
    }
    o.push('"');
    o
}

pub(super) fn fmt_secs(v: f64) -> String {
    let v = if v.is_finite() && v > 0.0 { v } else { 10.0 };
    let r = (v * 1000.0).round() / 1000.0;
    if r.fract() == 0.0 {
        format!("{}", r as u64)
    } else {
        format!("{r}")
    }
}

/// Literals joined with ", " (an array or list body), each quoted by `quote`.
pub(super) fn literal_list(items: &[String], quote: fn(&str) -> String) -> String {
    items
        .iter()
        .map(|a| quote(a))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A Java or JavaScript string literal (double quotes): everything outside printable
/// ASCII as `\uXXXX` UTF-16 units, which both languages read the same way whatever
/// the source file's encoding.
pub fn c_like_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '"' => o.push_str("\\\""),
            ' '..='~' => o.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(o, "\\u{u:04x}");
                }
            }
        }
    }
    o.push('"');
    o
}
