//! Text from peers is hostile: strip control characters (terminal escapes above all)
//! and bound its length before it reaches a terminal, a report or a log.

/// Peer text on one line: control characters, bidi overrides and zero-width marks are
/// shown escaped (`\x1b`, `\n`→`\x0a`, `\u{202e}`) — never interpreted by the terminal,
/// never hidden — and a backslash is doubled so an escape cannot be forged. At most
/// `max` characters of input are shown, then `…`.
pub fn sanitize(s: &str, max: usize) -> String {
    escape_text(s, max, false)
}

/// Like [`sanitize`], but newlines and tabs are kept: a program's output, as it was.
pub fn escape_controls(s: &str, max: usize) -> String {
    escape_text(s, max, true)
}

fn escape_text(s: &str, max: usize, keep_lines: bool) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    for (i, c) in s.chars().enumerate() {
        if i >= max {
            out.push('…');
            break;
        }
        if keep_lines && (c == '\n' || c == '\t') {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    out
}

/// Append `c`, escaped if a terminal would act on it or a reader would not see it.
pub fn push_escaped(out: &mut String, c: char) {
    let hidden = c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}');
    if c == '\\' {
        out.push_str("\\\\");
    } else if !hidden {
        out.push(c);
    } else if (c as u32) < 0x100 {
        out.push_str(&format!("\\x{:02x}", c as u32));
    } else {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    }
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
        assert_eq!(sanitize("ok\x1b[2Jx", 64), "ok\\x1b[2Jx");
        assert_eq!(sanitize("a\u{202e}b", 64), "a\\u{202e}b");
        assert_eq!(sanitize("a\nb", 64), "a\\x0ab");
        // A literal backslash cannot pass for an escape.
        assert_eq!(sanitize("a\\x1b", 64), "a\\\\x1b");
        assert_eq!(sanitize("abcdef", 3), "abc…");
        assert_eq!(
            escape_controls("a\x1b[2J\nb\u{202e}", 64),
            "a\\x1b[2J\nb\\u{202e}"
        );
        assert_eq!(escape_controls("abcdef", 3), "abc…");
    }
}
