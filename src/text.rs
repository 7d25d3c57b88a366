//! Text from peers is hostile: strip control characters (terminal escapes above all)
//! and bound its length before it reaches a terminal, a report or a log.

/// Replace control and bidi-override characters with '?', cap at `max` characters.
pub fn sanitize(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    for (i, c) in s.chars().enumerate() {
        if i >= max {
            out.push('…');
            break;
        }
        let bad = c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}');
        out.push(if bad { '?' } else { c });
    }
    out
}

/// Like [`sanitize`], but control characters are shown escaped (`\x1b`, `\u{202e}`)
/// rather than replaced, so a program's output reads as it was; newlines and tabs are
/// kept. At most `max` characters of input are shown.
pub fn escape_controls(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    for (i, c) in s.chars().enumerate() {
        if i >= max {
            out.push('…');
            break;
        }
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}');
        if !bad {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out
}

/// Standard base64 (RFC 4648, with padding): DER in JSON, OSC 52 clipboard text.
pub fn base64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Serde helper: a list of byte strings (DER certificates) as base64 strings rather
/// than arrays of numbers.
pub fn base64_list<S: serde::Serializer>(v: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|b| base64(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_neutralised() {
        assert_eq!(sanitize("ok\x1b[2Jx", 64), "ok?[2Jx");
        assert_eq!(sanitize("a\u{202e}b", 64), "a?b");
        assert_eq!(sanitize("abcdef", 3), "abc…");
        assert_eq!(
            escape_controls("a\x1b[2J\nb\u{202e}", 64),
            "a\\x1b[2J\nb\\u{202e}"
        );
        assert_eq!(escape_controls("abcdef", 3), "abc…");
    }
}
