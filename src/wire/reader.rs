//! A bounds-checked cursor over peer bytes.
//!
//! Every read returns `None` instead of panicking when the peer lied about a length,
//! so decoders can use `?` and never index a slice directly.

/// Cursor over a byte slice; reads past the end yield `None` and consume nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The next `n` bytes, or `None` if fewer remain.
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).and_then(|s| s.first().copied())
    }

    pub(crate) fn u16(&mut self) -> Option<u16> {
        match self.take(2)? {
            [a, b] => Some(u16::from_be_bytes([*a, *b])),
            _ => None,
        }
    }

    pub(crate) fn u24(&mut self) -> Option<usize> {
        match self.take(3)? {
            [a, b, c] => Some(usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c)),
            _ => None,
        }
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        match self.take(4)? {
            [a, b, c, d] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => None,
        }
    }

    /// A vector with a 1-byte length prefix.
    pub(crate) fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = self.u8()?;
        self.take(usize::from(n))
    }

    /// A vector with a 2-byte length prefix.
    pub(crate) fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }

    /// A vector with a 3-byte length prefix.
    pub(crate) fn vec24(&mut self) -> Option<&'a [u8]> {
        let n = self.u24()?;
        self.take(n)
    }
}

/// Big-endian u16s of a list body (odd trailing byte ignored).
pub(crate) fn u16_list(b: &[u8]) -> Vec<u16> {
    b.chunks_exact(2)
        .map(|p| match p {
            [x, y] => u16::from_be_bytes([*x, *y]),
            _ => 0,
        })
        .collect()
}

/// Lower-case hex of a byte slice.
pub(crate) fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// A peer-supplied string (SNI, ALPN) made safe to print: at most 255 bytes, printable
/// ASCII kept, everything else (and `\`) escaped as `\xNN` / `\\`.
pub(crate) fn sanitize_peer(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b.iter().take(255) {
        match c {
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(char::from(c)),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    if b.len() > 255 {
        s.push('…');
    }
    s
}

/// First bytes of something that is not TLS, as printable ASCII only (whitespace as a
/// space, anything else as `.`), at most 64 characters.
pub(crate) fn sanitize_ascii(b: &[u8]) -> String {
    b.iter()
        .take(64)
        .map(|&c| match c {
            0x20..=0x7e => char::from(c),
            b'\r' | b'\n' | b'\t' => ' ',
            _ => '.',
        })
        .collect()
}
