//! The one cursor over peer bytes (bounds-checked, absolute offsets) and the field
//! recorder that, when switched on, notes where every field read lies and what it means.
//! The typed decoder runs the walks with the recorder off; the dissector with it on.

use super::*;

/// What is known about the connection when a message is walked.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ctx {
    /// Negotiated version, once a ServerHello was seen (or the caller's hint).
    pub(crate) version: Option<u16>,
    /// Negotiated cipher suite, once a ServerHello was seen.
    pub(crate) suite: Option<u16>,
    /// Version field of the record header that carried the message.
    pub(crate) record_version: u16,
}

impl Ctx {
    pub(crate) fn tls13(&self) -> bool {
        self.version == Some(0x0304)
    }
}

/// Cursor over `raw[pos..end]`; positions are offsets into `raw` (so a recorded field
/// knows where its bytes are). Failed reads return `None` and consume nothing, so a
/// peer that lies about a length never makes us index out of bounds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cur<'a> {
    pub(crate) raw: &'a [u8],
    pub(crate) pos: usize,
    pub(crate) end: usize,
}

impl<'a> Cur<'a> {
    pub(crate) fn new(raw: &'a [u8], start: usize, end: usize) -> Self {
        let end = end.min(raw.len());
        Cur {
            raw,
            pos: start.min(end),
            end,
        }
    }
    pub(crate) fn rem(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.rem() == 0
    }
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.raw.get(self.pos..self.end).unwrap_or(&[])
    }
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let e = self.pos.checked_add(n)?;
        if e > self.end {
            return None;
        }
        let s = self.raw.get(self.pos..e)?;
        self.pos = e;
        Some(s)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
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
    /// A vector with a `w`-byte length prefix: the cursor over its contents.
    pub(crate) fn vec(&mut self, w: u8) -> Option<Cur<'a>> {
        let mut t = *self;
        let n = match w {
            1 => usize::from(t.u8()?),
            2 => usize::from(t.u16()?),
            _ => t.u24()?,
        };
        let start = t.pos;
        t.take(n)?;
        *self = t;
        Some(Cur {
            raw: self.raw,
            pos: start,
            end: start + n,
        })
    }
    /// (start, len) from `s` to the current position.
    pub(crate) fn span(&self, s: usize) -> (usize, usize) {
        (s, self.pos.saturating_sub(s))
    }
}

pub(crate) fn u24_at(b: &[u8], i: usize) -> Option<usize> {
    let mut c = Cur::new(b, i, b.len());
    c.u24()
}

/// The field recorder. Off, it records nothing and never formats a value shown
/// through `read`; on, it keeps at most `MAX_FIELDS` fields.
#[derive(Default)]
pub(crate) struct Out {
    pub(super) f: Vec<FieldSpan>,
    pub(super) on: bool,
}

impl Out {
    /// A recorder that records (`on`) or only lets the walk run.
    pub(crate) fn new(on: bool) -> Self {
        Out { f: Vec::new(), on }
    }
    /// Read one field with `read` and record it as `name`, valued by `show`. Most fields
    /// are exactly this: remember where the field starts, read it (a failed read records
    /// nothing and consumes nothing), then describe the bytes just consumed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn read<'a, T: Copy, S: Into<String>>(
        &mut self,
        c: &mut Cur<'a>,
        depth: u8,
        name: impl Into<String>,
        read: impl FnOnce(&mut Cur<'a>) -> Option<T>,
        show: impl FnOnce(T) -> S,
        meaning: impl Into<String>,
        rfc: &'static str,
    ) -> Option<T> {
        let s = c.pos;
        let v = read(c)?;
        if self.on {
            self.push(depth, name, c.span(s), show(v), meaning, rfc);
        }
        Some(v)
    }
    /// Add a field; `None` once the per-message cap is reached.
    pub(crate) fn push(
        &mut self,
        depth: u8,
        name: impl Into<String>,
        (start, len): (usize, usize),
        value: impl Into<String>,
        meaning: impl Into<String>,
        rfc: &'static str,
    ) -> Option<usize> {
        if !self.on || self.f.len() >= MAX_FIELDS {
            return None;
        }
        self.f.push(FieldSpan {
            name: name.into(),
            start,
            len,
            value: value.into(),
            meaning: meaning.into(),
            rfc,
            depth,
        });
        Some(self.f.len() - 1)
    }
    /// An opaque vector with a `w`-byte length prefix, valued by its size.
    pub(crate) fn opaque<'a>(
        &mut self,
        c: &mut Cur<'a>,
        depth: u8,
        w: u8,
        name: &str,
        meaning: &str,
        rfc: &'static str,
    ) -> Option<Cur<'a>> {
        self.read(
            c,
            depth,
            name,
            |c| c.vec(w),
            |v| bytes_n(v.rem()),
            meaning,
            rfc,
        )
    }
    /// A list as one depth-0 field whose value, a summary of its entries, is filled in
    /// with `set_value` once they have been walked: the field's index and the entries.
    pub(crate) fn list_field<'a>(
        &mut self,
        c: &mut Cur<'a>,
        w: u8,
        name: &str,
        meaning: &str,
        rfc: &'static str,
    ) -> Option<(Option<usize>, Cur<'a>)> {
        let s = c.pos;
        let l = c.vec(w)?;
        Some((self.push(0, name, c.span(s), "", meaning, rfc), l))
    }
    /// The finished item: depth-0 fields made to tile `raw`.
    pub(crate) fn finish(
        self,
        from: Direction,
        at_ms: f64,
        name: impl Into<String>,
        raw: Vec<u8>,
    ) -> Dissected {
        let fields = finalize(self.f, raw.len());
        Dissected {
            from,
            at_ms,
            name: name.into(),
            raw,
            fields,
        }
    }
    /// Fill in a field pushed before its contents were walked: value, meaning, RFC.
    pub(crate) fn describe(
        &mut self,
        i: Option<usize>,
        v: String,
        meaning: &str,
        rfc: &'static str,
    ) {
        if let Some(f) = i.and_then(|i| self.f.get_mut(i)) {
            f.value = v;
            f.meaning = meaning.into();
            f.rfc = rfc;
        }
    }
    /// A value computed only when recording (else empty): the one-line values the
    /// walk returns for the dissection cost nothing when only the typed view is wanted.
    pub(crate) fn val(&self, v: impl FnOnce() -> String) -> String {
        if self.on { v() } else { String::new() }
    }
    /// Set a field's value once known; `v` is only called when recording.
    pub(crate) fn set_value(&mut self, i: Option<usize>, v: impl FnOnce() -> String) {
        if !self.on {
            return;
        }
        let v = v();
        if let Some(f) = i.and_then(|i| self.f.get_mut(i)) {
            f.value = v;
        }
    }
    pub(crate) fn extend(&mut self, other: Out) {
        let room = MAX_FIELDS.saturating_sub(self.f.len());
        self.f.extend(other.f.into_iter().take(room));
    }
    /// A child field saying the rest of `c` could not be parsed.
    pub(crate) fn malformed(&mut self, depth: u8, c: &Cur<'_>) {
        self.rest(
            depth,
            c,
            "malformed",
            "These bytes do not parse as the structure the specification requires here.",
        );
    }
    /// A child field for bytes after the end of a structure.
    pub(crate) fn trailing(&mut self, depth: u8, c: &Cur<'_>) {
        self.rest(
            depth,
            c,
            "trailing bytes",
            "Bytes after the end of the structure; a strict peer rejects them with decode_error.",
        );
    }
    /// The rest of `c`, if any, as one field.
    fn rest(&mut self, depth: u8, c: &Cur<'_>, name: &str, meaning: &str) {
        if self.on && !c.is_empty() {
            let value = format!("{} bytes", c.rem());
            self.push(depth, name, (c.pos, c.rem()), value, meaning, "");
        }
    }
}

/// Make the depth-0 fields tile `0..total`: fill every gap with an `unparsed` field.
pub(crate) fn finalize(fields: Vec<FieldSpan>, total: usize) -> Vec<FieldSpan> {
    let gap = |start: usize, len: usize| FieldSpan {
        name: "unparsed".into(),
        start,
        len,
        value: format!("{len} bytes"),
        meaning: "Bytes not attributed to a field: the message is malformed or truncated \
                  here, or the per-message field limit was reached."
            .into(),
        rfc: "",
        depth: 0,
    };
    let mut out = Vec::with_capacity(fields.len() + 1);
    let mut pos = 0usize;
    for f in fields {
        if f.depth == 0 {
            if f.start > pos {
                out.push(gap(pos, f.start - pos));
            }
            pos = pos.max(f.start.saturating_add(f.len));
        }
        out.push(f);
    }
    if pos < total {
        out.push(gap(pos, total - pos));
    }
    out
}
