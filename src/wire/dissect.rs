//! Byte-exact dissection of records and handshake messages, for the handshake ladder
//! and its hex pane.
//!
//! The decoder (`Transcript::decode`) answers "what was negotiated"; this module walks
//! the same bytes again and says, for every field, where its bytes are, what they say,
//! what the field is for and where it is specified. Top-level fields of a [`Dissected`]
//! always tile its `raw` bytes exactly: whatever could not be attributed (malformed or
//! truncated input, the field cap) is covered by an `unparsed` field.
//!
//! Like the rest of the wire layer this treats its input as hostile: no indexing or
//! unwrapping of peer data, bounded sizes and counts, peer strings sanitized.

use crate::wire::names::{self, Kx};
use crate::wire::{Body, Chunk, Direction, HRR_RANDOM, decode_handshake_message};
use serde::Serialize;
use std::collections::VecDeque;

/// One field of a message: where its bytes are, what they say, what they mean.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldSpan {
    /// e.g. "legacy_version", "cipher_suites[3]", "extension server_name", "host_name"
    pub name: String,
    /// Byte range within `Dissected::raw`.
    pub start: usize,
    pub len: usize,
    /// Decoded value in words, e.g. "TLSv1.2 (0x0303)", "localhost".
    pub value: String,
    /// One line: what this field is for.
    pub meaning: String,
    /// Where it is specified, e.g. "RFC 8446 §4.1.2" (empty when nothing applies).
    pub rfc: &'static str,
    /// Nesting depth for indentation (0 = top level, 1 = inside an extension, ...).
    pub depth: u8,
}

/// One record or handshake message, with its bytes and their fields.
#[derive(Clone, Debug, Serialize)]
pub struct Dissected {
    pub from: Direction,
    pub at_ms: f64,
    /// "ClientHello", "ServerHello", "HelloRetryRequest", "Certificate", ...,
    /// "ChangeCipherSpec", "Alert", "EncryptedRecord", "NotTls", "Unknown".
    pub name: String,
    /// Handshake message: 4-byte header + body. Record-level items: the record
    /// (5-byte header + fragment, fragment capped at 4 KiB).
    pub raw: Vec<u8>,
    /// Depth-0 fields tile `raw`; deeper fields refine them.
    pub fields: Vec<FieldSpan>,
}

/// RFC 8446 §5.2 allows 2^14 + 256 of ciphertext; TLS 1.2 allowed 2^14 + 2048.
const MAX_RECORD: usize = (1 << 14) + 2048;
/// Handshake messages larger than this get a single `truncated` field.
const MAX_HANDSHAKE: usize = 256 * 1024;
/// Fields kept per message (gap fillers may add a few more).
const MAX_FIELDS: usize = 2_000;
/// Items kept per dissection.
const MAX_ITEMS: usize = 5_000;
/// Record fragments (and oversize messages) shown up to this many bytes.
const DISPLAY_CAP: usize = 4096;
/// Peer strings are cut after this many bytes.
const MAX_STR: usize = 128;
/// How many names a list summary spells out.
const SUMMARY_ITEMS: usize = 6;

/// Dissect every record/handshake message in the recorded chunks, in wire order
/// (interleaving the two directions by chunk order, like the decoder's transcript).
/// Never panics; at most 5,000 items.
pub fn dissect(chunks: &[Chunk]) -> Vec<Dissected> {
    let mut st = State::default();
    for c in chunks {
        if st.items.len() >= MAX_ITEMS {
            break;
        }
        st.feed(c);
    }
    st.items
}

/// Dissect one handshake message given its raw bytes (4-byte header + body), e.g. one
/// decrypted from a TLS 1.3 record. `version_hint` Some(0x0304) selects TLS 1.3 layouts
/// (Certificate with request context and per-entry extensions, NewSessionTicket, ...);
/// Some(v < 0x0303) the layouts without signature algorithm fields.
pub fn dissect_handshake(
    from: Direction,
    at_ms: f64,
    raw: &[u8],
    version_hint: Option<u16>,
) -> Dissected {
    let ctx = Ctx {
        version: version_hint,
        suite: None,
    };
    if raw.len() > 4 + MAX_HANDSHAKE {
        let t = raw.first().copied().unwrap_or(0);
        let len = u24_at(raw, 1).unwrap_or(raw.len());
        return truncated(from, at_ms, raw, t, len);
    }
    dissect_message(from, at_ms, raw.to_vec(), ctx)
}

// ---------------------------------------------------------------------------------
// Plumbing: a bounds-checked cursor with absolute offsets, and the field collector.

/// What is known about the connection when a message is dissected.
#[derive(Clone, Copy, Debug, Default)]
struct Ctx {
    version: Option<u16>,
    suite: Option<u16>,
}

impl Ctx {
    fn tls13(&self) -> bool {
        self.version == Some(0x0304)
    }
}

/// Cursor over `raw[pos..end]`; positions are offsets into `raw`. Failed reads
/// consume nothing.
#[derive(Clone, Copy, Debug)]
struct Cur<'a> {
    raw: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Cur<'a> {
    fn new(raw: &'a [u8], start: usize, end: usize) -> Self {
        let end = end.min(raw.len());
        Cur {
            raw,
            pos: start.min(end),
            end,
        }
    }
    fn rem(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }
    fn is_empty(&self) -> bool {
        self.rem() == 0
    }
    fn bytes(&self) -> &'a [u8] {
        self.raw.get(self.pos..self.end).unwrap_or(&[])
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let e = self.pos.checked_add(n)?;
        if e > self.end {
            return None;
        }
        let s = self.raw.get(self.pos..e)?;
        self.pos = e;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    fn u16(&mut self) -> Option<u16> {
        match self.take(2)? {
            [a, b] => Some(u16::from_be_bytes([*a, *b])),
            _ => None,
        }
    }
    fn u24(&mut self) -> Option<usize> {
        match self.take(3)? {
            [a, b, c] => Some(usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c)),
            _ => None,
        }
    }
    fn u32(&mut self) -> Option<u32> {
        match self.take(4)? {
            [a, b, c, d] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => None,
        }
    }
    /// A vector with a `w`-byte length prefix: the cursor over its contents.
    fn vec(&mut self, w: u8) -> Option<Cur<'a>> {
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
    fn span(&self, s: usize) -> (usize, usize) {
        (s, self.pos.saturating_sub(s))
    }
}

fn u24_at(b: &[u8], i: usize) -> Option<usize> {
    let mut c = Cur::new(b, i, b.len());
    c.u24()
}

#[derive(Default)]
struct Out {
    f: Vec<FieldSpan>,
}

impl Out {
    /// Add a field; `None` once the per-message cap is reached.
    fn push(
        &mut self,
        depth: u8,
        name: impl Into<String>,
        (start, len): (usize, usize),
        value: impl Into<String>,
        meaning: impl Into<String>,
        rfc: &'static str,
    ) -> Option<usize> {
        if self.f.len() >= MAX_FIELDS {
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
    fn set_value(&mut self, i: Option<usize>, v: String) {
        if let Some(f) = i.and_then(|i| self.f.get_mut(i)) {
            f.value = v;
        }
    }
    fn extend(&mut self, other: Out) {
        let room = MAX_FIELDS.saturating_sub(self.f.len());
        self.f.extend(other.f.into_iter().take(room));
    }
    /// A child field saying the rest of `c` could not be parsed.
    fn malformed(&mut self, depth: u8, c: &Cur<'_>) {
        if !c.is_empty() {
            self.push(
                depth,
                "malformed",
                (c.pos, c.rem()),
                format!("{} bytes", c.rem()),
                "These bytes do not parse as the structure the specification requires here.",
                "",
            );
        }
    }
    fn trailing(&mut self, depth: u8, c: &Cur<'_>) {
        if !c.is_empty() {
            self.push(
                depth,
                "trailing bytes",
                (c.pos, c.rem()),
                format!("{} bytes", c.rem()),
                "Bytes after the end of the structure; a strict peer rejects them with decode_error.",
                "",
            );
        }
    }
}

/// Make the depth-0 fields tile `0..total`: fill every gap with an `unparsed` field.
fn finalize(fields: Vec<FieldSpan>, total: usize) -> Vec<FieldSpan> {
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

// ---------------------------------------------------------------------------------
// Value formatting.

/// Peer bytes as printable ASCII (others as `\xNN`), at most `MAX_STR` input bytes.
fn clean(b: &[u8]) -> String {
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

fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// "N bytes: 0a1b2c…" (first 16 bytes), or "empty".
fn preview(b: &[u8]) -> String {
    match b.len() {
        0 => "empty".into(),
        n if n <= 16 => format!("{n} bytes: {}", hex(b)),
        n => format!("{n} bytes: {}…", hex(b.get(..16).unwrap_or(b))),
    }
}

fn bytes_n(n: usize) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

fn version_value(v: u16) -> String {
    if names::is_grease(v) {
        format!("GREASE (0x{v:04x})")
    } else {
        format!("{} (0x{v:04x})", names::version_name(v))
    }
}

fn suite_value(v: u16) -> String {
    if names::is_grease(v) {
        format!("GREASE (0x{v:04x}), ignored")
    } else {
        format!("{} (0x{v:04x})", names::cipher_name(v))
    }
}

fn group_value(v: u16) -> String {
    format!("{} (0x{v:04x})", names::group_name(v))
}

fn scheme_value(v: u16) -> String {
    format!("{} (0x{v:04x})", names::sigscheme_name(v))
}

/// Join the first few names, then "… (N in all)".
fn summary(items: &[String]) -> String {
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

fn short_name(full: &str) -> String {
    full.split(" (").next().unwrap_or(full).to_string()
}

/// Bit length of a big-endian unsigned integer.
fn bit_len(b: &[u8]) -> usize {
    match b.iter().position(|x| *x != 0) {
        Some(i) => {
            let lead = b.get(i).copied().unwrap_or(0);
            (b.len() - i - 1) * 8 + (8 - lead.leading_zeros() as usize)
        }
        None => 0,
    }
}

/// Decimal for small numbers (a DH generator is usually 2), hex otherwise.
fn small_number(b: &[u8]) -> String {
    let t: &[u8] = match b.iter().position(|x| *x != 0) {
        Some(i) => b.get(i..).unwrap_or(&[]),
        None => &[],
    };
    if t.len() <= 8 {
        t.iter()
            .fold(0u64, |a, x| a << 8 | u64::from(*x))
            .to_string()
    } else {
        format!("{}-bit value", bit_len(t))
    }
}

// ---------------------------------------------------------------------------------
// A cheap look at a certificate: the subject's common name.

/// (tag, contents, rest) of one DER TLV.
fn der_tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
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
fn subject_cn(der: &[u8]) -> Option<String> {
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

fn cert_value(der: &[u8]) -> String {
    match subject_cn(der) {
        Some(cn) => format!("CN={cn} (DER, {} bytes)", der.len()),
        None => format!("DER, {} bytes", der.len()),
    }
}

// ---------------------------------------------------------------------------------
// Handshake messages.

fn msg_name(t: u8, raw: &[u8]) -> &'static str {
    match t {
        0 => "HelloRequest",
        1 => "ClientHello",
        2 if raw.get(6..38) == Some(&HRR_RANDOM[..]) => "HelloRetryRequest",
        2 => "ServerHello",
        4 => "NewSessionTicket",
        5 => "EndOfEarlyData",
        8 => "EncryptedExtensions",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        24 => "KeyUpdate",
        _ => "Unknown",
    }
}

/// A message too large to dissect: one field over the first bytes.
fn truncated(from: Direction, at_ms: f64, raw: &[u8], t: u8, len: usize) -> Dissected {
    let shown = raw
        .get(..DISPLAY_CAP.min(raw.len()))
        .unwrap_or(&[])
        .to_vec();
    let fields = vec![FieldSpan {
        name: "truncated".into(),
        start: 0,
        len: shown.len(),
        value: format!(
            "{} claims {len} bytes (limit {MAX_HANDSHAKE}); first {} bytes shown",
            names::handshake_type_name(t),
            shown.len()
        ),
        meaning: "A handshake message this large is pathological; it is not dissected.".into(),
        rfc: "RFC 8446 §4",
        depth: 0,
    }];
    Dissected {
        from,
        at_ms,
        name: msg_name(t, &shown).into(),
        raw: shown,
        fields,
    }
}

fn dissect_message(from: Direction, at_ms: f64, raw: Vec<u8>, ctx: Ctx) -> Dissected {
    let t = raw.first().copied().unwrap_or(0);
    let claimed = u24_at(&raw, 1);
    if claimed.is_some_and(|n| n > MAX_HANDSHAKE) {
        return truncated(from, at_ms, &raw, t, claimed.unwrap_or(0));
    }
    let name = if raw.is_empty() {
        "Unknown"
    } else {
        msg_name(t, &raw)
    };
    let mut o = Out::default();
    if let Some(len) = claimed {
        o.push(
            0,
            "msg_type",
            (0, 1),
            format!("{} ({t})", names::handshake_type_name(t)),
            "Which handshake message follows.",
            "RFC 8446 §4",
        );
        let avail = raw.len().saturating_sub(4);
        o.push(
            0,
            "length",
            (1, 3),
            if len == avail {
                bytes_n(len)
            } else {
                format!("{len} bytes ({avail} present)")
            },
            "Length of the message body; a message may span several records.",
            "RFC 8446 §4",
        );
        let mut c = Cur::new(&raw, 4, 4 + len);
        body(t, name, &mut c, &mut o, ctx);
    }
    let fields = finalize(o.f, raw.len());
    Dissected {
        from,
        at_ms,
        name: name.into(),
        raw,
        fields,
    }
}

fn body(t: u8, name: &str, c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) {
    let _ = match t {
        1 => client_hello(c, o),
        2 => server_hello(c, o, name == "HelloRetryRequest"),
        4 => new_session_ticket(c, o, ctx),
        8 => extensions(c, o, 0, ExtCtx::Encrypted),
        11 => certificate(c, o, ctx),
        12 => server_key_exchange(c, o, ctx),
        13 => certificate_request(c, o, ctx),
        15 => certificate_verify(c, o, ctx),
        16 => client_key_exchange(c, o, ctx),
        20 => finished(c, o, ctx),
        24 => key_update(c, o),
        0 | 5 | 14 => Some(()),
        _ => {
            if !c.is_empty() {
                o.push(
                    0,
                    "body",
                    (c.pos, c.rem()),
                    preview(c.bytes()),
                    format!(
                        "Body of a {} message, which this dissector does not break down.",
                        names::handshake_type_name(t)
                    ),
                    "",
                );
            }
            Some(())
        }
    };
}

const RANDOM_CH: &str = "32 bytes of fresh randomness; both randoms feed the key derivation, so \
    recorded handshakes cannot be replayed.";
const RANDOM_SH: &str = "32 bytes of fresh randomness; both randoms feed the key derivation and \
    defeat replay. A TLS 1.3 server that picks TLS 1.2 or below ends it with DOWNGRD (a \
    downgrade sentinel the client checks).";
const RANDOM_HRR: &str = "Not random: the fixed value SHA-256(\"HelloRetryRequest\") marks this \
    ServerHello as a HelloRetryRequest.";

fn client_hello(c: &mut Cur<'_>, o: &mut Out) -> Option<()> {
    let s = c.pos;
    let v = c.u16()?;
    o.push(
        0,
        "legacy_version",
        c.span(s),
        version_value(v),
        "The highest version the client supports before TLS 1.3; TLS 1.3 clients send \
         TLSv1.2 here and list their versions in supported_versions.",
        "RFC 8446 §4.1.2",
    );
    let s = c.pos;
    let r = c.take(32)?;
    o.push(0, "random", c.span(s), hex(r), RANDOM_CH, "RFC 8446 §4.1.2");
    let s = c.pos;
    let sid = c.vec(1)?;
    o.push(
        0,
        "legacy_session_id",
        c.span(s),
        preview(sid.bytes()),
        "Session to resume (TLS 1.2); TLS 1.3 clients send 32 random bytes here so \
         middleboxes see a familiar resumption.",
        "RFC 8446 §4.1.2",
    );
    cipher_suites(c, o)?;
    let s = c.pos;
    let mut comp = c.vec(1)?;
    let idx = o.push(
        0,
        "legacy_compression_methods",
        c.span(s),
        "",
        "Compression methods offered; only null (0) is safe (CRIME), and TLS 1.3 requires \
         exactly that.",
        "RFC 8446 §4.1.2",
    );
    let mut vals = Vec::new();
    while !comp.is_empty() {
        let p = comp.pos;
        let m = comp.u8()?;
        let v = match m {
            0 => "null (0)".to_string(),
            1 => "DEFLATE (1)".to_string(),
            _ => format!("0x{m:02x}"),
        };
        o.push(
            1,
            format!("compression_methods[{}]", vals.len()),
            (p, 1),
            v.clone(),
            "A compression method the client accepts.",
            "RFC 5246 §7.4.1.2",
        );
        vals.push(v);
    }
    o.set_value(idx, summary(&vals));
    if c.is_empty() {
        // Before extensions existed (or a client that sends none).
        return Some(());
    }
    extensions(c, o, 0, ExtCtx::Client)
}

fn cipher_suites(c: &mut Cur<'_>, o: &mut Out) -> Option<()> {
    let s = c.pos;
    let mut l = c.vec(2)?;
    let idx = o.push(
        0,
        "cipher_suites",
        c.span(s),
        "",
        "The cipher suites the client accepts, most preferred first; the server picks one.",
        "RFC 8446 §4.1.2",
    );
    o.push(
        1,
        "length",
        (s, 2),
        bytes_n(l.rem()),
        "Length of the suite list in bytes (two per suite).",
        "RFC 8446 §4.1.2",
    );
    let mut names_v = Vec::new();
    let mut grease = 0;
    while l.rem() >= 2 {
        let p = l.pos;
        let v = l.u16()?;
        let (meaning, rfc) = suite_doc(v);
        o.push(
            1,
            format!("cipher_suites[{}]", names_v.len()),
            (p, 2),
            suite_value(v),
            meaning,
            rfc,
        );
        if names::is_grease(v) {
            grease += 1;
        } else {
            names_v.push(names::cipher_name(v));
        }
    }
    o.trailing(1, &l);
    let mut v = format!("{} suites", names_v.len() + grease);
    if grease > 0 {
        v.push_str(&format!(" ({grease} GREASE)"));
    }
    if let Some(first) = names_v.first() {
        v.push_str(&format!(", first {first}"));
    }
    o.set_value(idx, v);
    Some(())
}

fn suite_doc(v: u16) -> (&'static str, &'static str) {
    match v {
        _ if names::is_grease(v) => (
            "GREASE: a reserved value with no meaning, sent so servers stay tolerant of \
             unknown suites.",
            "RFC 8701",
        ),
        0x00ff => (
            "Not a suite: signals that the client supports secure renegotiation \
             (like an empty renegotiation_info).",
            "RFC 5746 §3.3",
        ),
        0x5600 => (
            "Not a suite: signals a fallback retry at a lower version; a server that \
             supports better rejects it with inappropriate_fallback.",
            "RFC 7507",
        ),
        0x1301..=0x1305 => (
            "A TLS 1.3 suite: names only the AEAD and the hash; key exchange and \
             authentication are negotiated separately.",
            "RFC 8446 Appendix B.4",
        ),
        _ => (
            "A TLS 1.2-style suite: key exchange, authentication, bulk cipher and MAC/PRF \
             hash in one code point.",
            "RFC 5246 §7.4.1.2",
        ),
    }
}

fn server_hello(c: &mut Cur<'_>, o: &mut Out, hrr: bool) -> Option<()> {
    let rfc = if hrr {
        "RFC 8446 §4.1.4"
    } else {
        "RFC 8446 §4.1.3"
    };
    let s = c.pos;
    let v = c.u16()?;
    o.push(
        0,
        "legacy_version",
        c.span(s),
        version_value(v),
        "The chosen version up to TLS 1.2; a TLS 1.3 server writes TLSv1.2 here and the \
         real version in supported_versions.",
        "RFC 8446 §4.1.3",
    );
    let s = c.pos;
    let r = c.take(32)?;
    let (value, meaning) = if hrr {
        (format!("HelloRetryRequest magic {}", hex(r)), RANDOM_HRR)
    } else {
        let note = match r.get(24..) {
            Some([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]) => {
                " (ends with DOWNGRD\\x01: a TLS 1.3 server chose TLS 1.2)"
            }
            Some([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]) => {
                " (ends with DOWNGRD\\x00: a TLS 1.3 server chose TLS 1.1 or below)"
            }
            _ => "",
        };
        (format!("{}{note}", hex(r)), RANDOM_SH)
    };
    o.push(0, "random", c.span(s), value, meaning, "RFC 8446 §4.1.3");
    let s = c.pos;
    let sid = c.vec(1)?;
    o.push(
        0,
        "legacy_session_id_echo",
        c.span(s),
        preview(sid.bytes()),
        "The client's legacy_session_id echoed (TLS 1.3), or the session id the server \
         assigned or resumed (TLS 1.2).",
        rfc,
    );
    let s = c.pos;
    let suite = c.u16()?;
    o.push(
        0,
        "cipher_suite",
        c.span(s),
        suite_value(suite),
        if hrr {
            "The suite the server will use; the second ClientHello must still offer it."
        } else {
            "The cipher suite the server picked from the client's list."
        },
        rfc,
    );
    let s = c.pos;
    let m = c.u8()?;
    o.push(
        0,
        "legacy_compression_method",
        c.span(s),
        if m == 0 {
            "null (0)".to_string()
        } else {
            format!("0x{m:02x} (compression: CRIME-prone)")
        },
        "The compression method chosen; always null (0) in TLS 1.3 and in any sane TLS 1.2.",
        rfc,
    );
    if c.is_empty() {
        return Some(());
    }
    extensions(
        c,
        o,
        0,
        if hrr {
            ExtCtx::HelloRetry
        } else {
            ExtCtx::Server
        },
    )
}

fn certificate(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    // Without a hint, pick the layout that fits: TLS <= 1.2 starts with a 3-byte list
    // length covering the whole body.
    let tls13 = ctx.tls13()
        || (ctx.version.is_none() && {
            let mut t = *c;
            !(t.vec(3).is_some() && t.is_empty())
        });
    let rfc = if tls13 {
        "RFC 8446 §4.4.2"
    } else {
        "RFC 5246 §7.4.2"
    };
    if tls13 {
        let s = c.pos;
        let rc = c.vec(1)?;
        o.push(
            0,
            "certificate_request_context",
            c.span(s),
            preview(rc.bytes()),
            "Empty in the server's Certificate; echoes the CertificateRequest's context \
             when the client authenticates.",
            rfc,
        );
    }
    let s = c.pos;
    let mut l = c.vec(3)?;
    o.push(
        0,
        "certificate_list length",
        (s, 3),
        bytes_n(l.rem()),
        "Length of the certificate chain that follows (end-entity first, then the \
         certificates that certify it).",
        rfc,
    );
    let mut i = 0usize;
    while !l.is_empty() {
        let es = l.pos;
        let mut t = l;
        let der = t.vec(3)?;
        if tls13 {
            t.vec(2)?;
        }
        let end = t.pos;
        o.push(
            0,
            format!("certificate[{i}]"),
            (es, end - es),
            cert_value(der.bytes()),
            if i == 0 {
                "The end-entity certificate: binds the server's public key to its name."
            } else {
                "An intermediate (or root) certificate in the chain."
            },
            rfc,
        );
        o.push(
            1,
            "length",
            (es, 3),
            bytes_n(der.rem()),
            "Length of this DER-encoded certificate.",
            rfc,
        );
        o.push(
            1,
            "cert_data",
            (der.pos, der.rem()),
            format!("DER, {} bytes", der.rem()),
            "The X.509 certificate in DER.",
            rfc,
        );
        if tls13 {
            let mut u = Cur::new(c.raw, der.end, end);
            extensions(&mut u, o, 1, ExtCtx::CertEntry);
        }
        l.pos = end;
        i += 1;
    }
    Some(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KxShape {
    Ec,
    Dh,
    None,
}

fn server_key_exchange(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    let kx = ctx.suite.and_then(names::cipher_kx);
    let shape = match kx {
        Some(k) if k.is_ec() => KxShape::Ec,
        Some(k) if k.is_ffdh() => KxShape::Dh,
        Some(_) => KxShape::None,
        None => {
            // Unknown suite: the shape that parses to the end wins.
            let mut first = None;
            for shape in [KxShape::Ec, KxShape::Dh] {
                let mut c1 = *c;
                let mut o1 = Out::default();
                let ok = ske(&mut c1, &mut o1, ctx, kx, shape).is_some() && c1.is_empty();
                if ok {
                    *c = c1;
                    o.extend(o1);
                    return Some(());
                }
                first.get_or_insert((c1, o1));
            }
            if let Some((c1, o1)) = first {
                *c = c1;
                o.extend(o1);
            }
            return Some(());
        }
    };
    ske(c, o, ctx, kx, shape)
}

fn ske(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx, kx: Option<Kx>, shape: KxShape) -> Option<()> {
    if kx.is_some_and(Kx::has_psk_hint) {
        let s = c.pos;
        let h = c.vec(2)?;
        o.push(
            0,
            "psk_identity_hint",
            c.span(s),
            clean(h.bytes()),
            "A hint to help the client choose which pre-shared key to use.",
            "RFC 4279 §2",
        );
    }
    match shape {
        KxShape::Ec => {
            let rfc = "RFC 8422 §5.4";
            let s = c.pos;
            let ct = c.u8()?;
            o.push(
                0,
                "curve_type",
                c.span(s),
                match ct {
                    3 => "named_curve (3)".to_string(),
                    1 => "explicit_prime (1), deprecated".to_string(),
                    2 => "explicit_char2 (2), deprecated".to_string(),
                    _ => format!("{ct}"),
                },
                "How the curve is given: named_curve refers to a registered group.",
                rfc,
            );
            if ct != 3 {
                return None;
            }
            let s = c.pos;
            let g = c.u16()?;
            o.push(
                0,
                "named_curve",
                c.span(s),
                group_value(g),
                "The group the server's ephemeral ECDH key is on (one from the client's \
                 supported_groups).",
                rfc,
            );
            let s = c.pos;
            let p = c.vec(1)?;
            let kind = match p.bytes().first() {
                Some(4) if p.rem() > 32 => "uncompressed point",
                _ if p.rem() == 32 || p.rem() == 56 => "Montgomery u-coordinate",
                _ => "point",
            };
            o.push(
                0,
                "public",
                c.span(s),
                format!("{} bytes ({kind})", p.rem()),
                "The server's ephemeral ECDH public key; with the client's, it yields the \
                 premaster secret (forward secrecy).",
                rfc,
            );
        }
        KxShape::Dh => {
            let rfc = "RFC 5246 §7.4.3";
            let s = c.pos;
            let p = c.vec(2)?;
            o.push(
                0,
                "dh_p",
                c.span(s),
                format!("{}-bit prime", bit_len(p.bytes())),
                "The Diffie-Hellman prime modulus chosen by the server; under 2048 bits is weak \
                 (Logjam).",
                rfc,
            );
            let s = c.pos;
            let g = c.vec(2)?;
            o.push(
                0,
                "dh_g",
                c.span(s),
                small_number(g.bytes()),
                "The Diffie-Hellman generator.",
                rfc,
            );
            let s = c.pos;
            let y = c.vec(2)?;
            o.push(
                0,
                "dh_Ys",
                c.span(s),
                format!("{} bytes", y.rem()),
                "The server's ephemeral Diffie-Hellman public value g^X mod p.",
                rfc,
            );
            if p.is_empty() || g.is_empty() || y.is_empty() {
                return None;
            }
        }
        KxShape::None => {}
    }
    let signed = kx.is_none_or(Kx::is_signed) && !c.is_empty();
    if !signed {
        return Some(());
    }
    let has_alg = match ctx.version {
        Some(v) => v >= 0x0303,
        None => {
            c.rem() >= 4 && {
                let mut p = *c;
                p.u16().is_some() && p.vec(2).is_some() && p.is_empty()
            }
        }
    };
    let sig_rfc = if shape == KxShape::Ec {
        "RFC 8422 §5.4"
    } else {
        "RFC 5246 §7.4.3"
    };
    if has_alg {
        let s = c.pos;
        let a = c.u16()?;
        o.push(
            0,
            "signature_algorithm",
            c.span(s),
            scheme_value(a),
            "How the server signed the parameters (TLS 1.2: from the client's \
             signature_algorithms).",
            sig_rfc,
        );
        let s = c.pos;
        let sig = c.vec(2)?;
        o.push(
            0,
            "signature",
            c.span(s),
            bytes_n(sig.rem()),
            "The certificate key's signature over both randoms and the parameters: proves \
             the ephemeral key comes from the certificate holder.",
            sig_rfc,
        );
    } else {
        let suite = ctx.suite.map(names::cipher_name).unwrap_or_default();
        let how = if suite.contains("_ECDSA_") {
            "ECDSA signs SHA-1"
        } else if suite.contains("_DSS_") {
            "DSA signs SHA-1"
        } else {
            "RSA signs MD5+SHA-1"
        };
        let s = c.pos;
        let sig = c.vec(2)?;
        o.push(
            0,
            "signature",
            c.span(s),
            format!(
                "{}; no algorithm field before TLS 1.2: {how}",
                bytes_n(sig.rem())
            ),
            "The certificate key's signature over both randoms and the parameters; before \
             TLS 1.2 the hash is fixed by the key type, not negotiated.",
            if ctx.version.is_some_and(|v| v <= 0x0301) {
                "RFC 2246 §7.4.3"
            } else {
                "RFC 4346 §7.4.3"
            },
        );
    }
    Some(())
}

fn cert_type_name(t: u8) -> String {
    match t {
        1 => "rsa_sign (1)".into(),
        2 => "dss_sign (2)".into(),
        3 => "rsa_fixed_dh (3)".into(),
        4 => "dss_fixed_dh (4)".into(),
        64 => "ecdsa_sign (64)".into(),
        65 => "rsa_fixed_ecdh (65)".into(),
        66 => "ecdsa_fixed_ecdh (66)".into(),
        _ => format!("{t}"),
    }
}

fn certificate_request(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    if ctx.tls13() {
        let s = c.pos;
        let rc = c.vec(1)?;
        o.push(
            0,
            "certificate_request_context",
            c.span(s),
            preview(rc.bytes()),
            "An id the client echoes in its Certificate (matters for post-handshake \
             authentication).",
            "RFC 8446 §4.3.2",
        );
        return extensions(c, o, 0, ExtCtx::CertRequest);
    }
    let rfc = "RFC 5246 §7.4.4";
    let s = c.pos;
    let mut types = c.vec(1)?;
    let idx = o.push(
        0,
        "certificate_types",
        c.span(s),
        "",
        "Kinds of client certificate keys the server accepts.",
        rfc,
    );
    let mut v = Vec::new();
    while !types.is_empty() {
        let p = types.pos;
        let t = types.u8()?;
        o.push(
            1,
            format!("certificate_types[{}]", v.len()),
            (p, 1),
            cert_type_name(t),
            "An acceptable client certificate type.",
            rfc,
        );
        v.push(cert_type_name(t));
    }
    o.set_value(idx, summary(&v));
    if ctx.version.is_none_or(|v| v >= 0x0303) {
        let s = c.pos;
        let l = c.vec(2)?;
        let idx = o.push(
            0,
            "supported_signature_algorithms",
            c.span(s),
            "",
            "Signature schemes the server accepts in the client's CertificateVerify.",
            rfc,
        );
        let v = u16_children(
            o,
            1,
            l,
            "supported_signature_algorithms",
            scheme_value,
            |_| ("A signature scheme the server accepts.", rfc),
        );
        o.set_value(idx, summary(&v));
    }
    let s = c.pos;
    let mut cas = c.vec(2)?;
    let mut n = 0;
    while cas.vec(2).is_some() {
        n += 1;
    }
    o.push(
        0,
        "certificate_authorities",
        c.span(s),
        format!("{n} distinguished names"),
        "CAs whose certificates the server would accept (empty: any).",
        rfc,
    );
    Some(())
}

fn certificate_verify(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    let rfc = if ctx.tls13() {
        "RFC 8446 §4.4.3"
    } else {
        "RFC 5246 §7.4.8"
    };
    if ctx.version.is_none_or(|v| v >= 0x0303) {
        let s = c.pos;
        let a = c.u16()?;
        o.push(
            0,
            "algorithm",
            c.span(s),
            scheme_value(a),
            "The signature scheme used, one the peer offered in signature_algorithms.",
            rfc,
        );
        let s = c.pos;
        let sig = c.vec(2)?;
        o.push(
            0,
            "signature",
            c.span(s),
            bytes_n(sig.rem()),
            "Signature over the handshake transcript with the certificate's private key: \
             proves possession of that key.",
            rfc,
        );
    } else {
        let s = c.pos;
        let sig = c.vec(2)?;
        o.push(
            0,
            "signature",
            c.span(s),
            format!(
                "{}; no algorithm field before TLS 1.2 (RSA signs MD5+SHA-1)",
                bytes_n(sig.rem())
            ),
            "Signature over the handshake messages with the client certificate's key.",
            "RFC 4346 §7.4.8",
        );
    }
    Some(())
}

fn client_key_exchange(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    let kx = ctx.suite.and_then(names::cipher_kx);
    if kx.is_some_and(Kx::has_psk_hint) {
        let s = c.pos;
        let id = c.vec(2)?;
        o.push(
            0,
            "psk_identity",
            c.span(s),
            clean(id.bytes()),
            "Which pre-shared key the client uses.",
            "RFC 4279 §2",
        );
    }
    // Unknown suite: guess from the length prefixes.
    let ec = match kx {
        Some(k) => k.is_ec(),
        None => c
            .bytes()
            .first()
            .is_some_and(|n| usize::from(*n) + 1 == c.rem()),
    };
    let s = c.pos;
    if ec {
        let p = c.vec(1)?;
        o.push(
            0,
            "ecdh_Yc",
            c.span(s),
            format!("{} bytes", p.rem()),
            "The client's ephemeral ECDH public key; with the server's it yields the \
             premaster secret.",
            "RFC 8422 §5.7",
        );
        return Some(());
    }
    match kx {
        Some(k) if k.is_ffdh() => {
            let y = c.vec(2)?;
            o.push(
                0,
                "dh_Yc",
                c.span(s),
                format!("{} bytes", y.rem()),
                "The client's ephemeral Diffie-Hellman public value.",
                "RFC 5246 §7.4.7.2",
            );
        }
        Some(Kx::Rsa | Kx::RsaPsk) => {
            let e = c.vec(2)?;
            o.push(
                0,
                "encrypted_pre_master_secret",
                c.span(s),
                format!("{} bytes", e.rem()),
                "The premaster secret encrypted to the server's RSA key: no forward \
                 secrecy, whoever gets that key later can decrypt the session.",
                "RFC 5246 §7.4.7.1",
            );
        }
        Some(Kx::Psk) => {}
        _ => {
            if !c.is_empty() {
                o.push(
                    0,
                    "exchange_keys",
                    (c.pos, c.rem()),
                    bytes_n(c.rem()),
                    "The client's key exchange value (RSA-encrypted premaster secret or DH \
                     public value, depending on the suite).",
                    "RFC 5246 §7.4.7",
                );
                c.pos = c.end;
            }
        }
    }
    Some(())
}

fn new_session_ticket(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    let tls13 = ctx.tls13()
        || (ctx.version.is_none() && {
            let mut t = *c;
            !(t.u32().is_some() && t.vec(2).is_some() && t.is_empty())
        });
    if !tls13 {
        let rfc = "RFC 5077 §3.3";
        let s = c.pos;
        let l = c.u32()?;
        o.push(
            0,
            "ticket_lifetime_hint",
            c.span(s),
            format!("{l} s"),
            "How long the client may keep the ticket (0: unspecified).",
            rfc,
        );
        let s = c.pos;
        let t = c.vec(2)?;
        o.push(
            0,
            "ticket",
            c.span(s),
            bytes_n(t.rem()),
            "Session state encrypted under a key only the server knows; the client returns \
             it in session_ticket to resume.",
            rfc,
        );
        return Some(());
    }
    let rfc = "RFC 8446 §4.6.1";
    let s = c.pos;
    let l = c.u32()?;
    o.push(
        0,
        "ticket_lifetime",
        c.span(s),
        format!("{l} s"),
        "Seconds the ticket may be used for resumption (at most 7 days).",
        rfc,
    );
    let s = c.pos;
    let a = c.u32()?;
    o.push(
        0,
        "ticket_age_add",
        c.span(s),
        format!("0x{a:08x}"),
        "Random value added to the ticket age the client reports, so ages do not link \
         connections.",
        rfc,
    );
    let s = c.pos;
    let n = c.vec(1)?;
    o.push(
        0,
        "ticket_nonce",
        c.span(s),
        preview(n.bytes()),
        "Makes each ticket's PSK unique: PSK = HKDF-Expand-Label(resumption secret, \
         \"resumption\", nonce).",
        rfc,
    );
    let s = c.pos;
    let t = c.vec(2)?;
    o.push(
        0,
        "ticket",
        c.span(s),
        bytes_n(t.rem()),
        "Opaque label for the PSK (often the encrypted session state); the client sends it \
         back in pre_shared_key.",
        rfc,
    );
    extensions(c, o, 0, ExtCtx::Ticket)
}

fn finished(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Option<()> {
    let tls12 = ctx.version.is_some_and(|v| v < 0x0304) || (ctx.version.is_none() && c.rem() == 12);
    o.push(
        0,
        "verify_data",
        (c.pos, c.rem()),
        bytes_n(c.rem()),
        "MAC over the whole handshake transcript: proves both sides saw the same messages \
         (no tampering) and hold the same keys.",
        if tls12 {
            "RFC 5246 §7.4.9"
        } else {
            "RFC 8446 §4.4.4"
        },
    );
    c.pos = c.end;
    Some(())
}

fn key_update(c: &mut Cur<'_>, o: &mut Out) -> Option<()> {
    let s = c.pos;
    let r = c.u8()?;
    o.push(
        0,
        "request_update",
        c.span(s),
        match r {
            0 => "update_not_requested (0)".to_string(),
            1 => "update_requested (1)".to_string(),
            _ => format!("{r}"),
        },
        "The sender now uses new traffic keys; update_requested asks the peer to update its \
         own too.",
        "RFC 8446 §4.6.3",
    );
    Some(())
}

// ---------------------------------------------------------------------------------
// Extensions.

/// Which message an extension block belongs to (some bodies depend on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExtCtx {
    Client,
    Server,
    HelloRetry,
    Encrypted,
    CertEntry,
    CertRequest,
    Ticket,
}

/// The 2-byte extensions length (at `depth`) and each extension (at `depth`, children
/// one deeper). A block that claims more than is present is dissected as far as it goes.
fn extensions(c: &mut Cur<'_>, o: &mut Out, depth: u8, ctx: ExtCtx) -> Option<()> {
    let s = c.pos;
    let n = usize::from(c.u16()?);
    let avail = c.rem();
    o.push(
        depth,
        "extensions length",
        (s, 2),
        if n <= avail {
            bytes_n(n)
        } else {
            format!("{n} bytes ({avail} present)")
        },
        "Length of the extension block; extensions carry nearly everything modern TLS \
         negotiates.",
        "RFC 8446 §4.2",
    );
    let mut blk = Cur::new(c.raw, c.pos, c.pos + n.min(avail));
    c.pos = blk.end;
    let mut ok = true;
    while !blk.is_empty() {
        let es = blk.pos;
        let mut t = blk;
        let (Some(code), Some(body)) = (t.u16(), t.vec(2)) else {
            ok = false;
            break;
        };
        blk = t;
        ext_one(o, depth, es, code, body, ctx);
    }
    // A truncated last extension is left to the caller's gap filler.
    c.pos = if ok { c.pos } else { blk.pos };
    ok.then_some(())
}

fn ext_one(o: &mut Out, depth: u8, start: usize, code: u16, body: Cur<'_>, ctx: ExtCtx) {
    let name = names::extension_name(code);
    let (meaning, rfc) = ext_doc(code, ctx);
    let d = depth.saturating_add(1);
    let idx = o.push(
        depth,
        format!("extension {name}"),
        (start, 4 + body.rem()),
        "",
        meaning,
        rfc,
    );
    o.push(
        d,
        "type",
        (start, 2),
        format!("{name} ({code})"),
        "Extension type, from the IANA TLS ExtensionType registry.",
        "RFC 8446 §4.2",
    );
    o.push(
        d,
        "length",
        (start + 2, 2),
        bytes_n(body.rem()),
        "Length of the extension data.",
        "RFC 8446 §4.2",
    );
    let mut b = body;
    let value = match ext_body(&mut b, o, d, code, ctx) {
        Some(v) => {
            o.trailing(d, &b);
            v
        }
        None => {
            o.malformed(d, &b);
            "malformed".into()
        }
    };
    o.set_value(idx, value);
}

fn ext_doc(code: u16, ctx: ExtCtx) -> (&'static str, &'static str) {
    let client = ctx == ExtCtx::Client;
    if names::is_grease(code) {
        return (
            "GREASE: a reserved extension with no meaning, sent so servers stay tolerant \
             of unknown extensions.",
            "RFC 8701",
        );
    }
    match code {
        0 if client => (
            "Server Name Indication: the host name the client wants, so one address can \
             serve many sites (sent in the clear).",
            "RFC 6066 §3",
        ),
        0 => (
            "Empty: the server acknowledges it used the client's server_name.",
            "RFC 6066 §3",
        ),
        1 => (
            "Asks for smaller records (512 to 4096 bytes) for constrained clients.",
            "RFC 6066 §4",
        ),
        5 if ctx == ExtCtx::CertEntry => (
            "The stapled OCSP response for this certificate.",
            "RFC 8446 §4.4.2.1",
        ),
        5 => (
            "OCSP stapling: the client asks the server to include a fresh revocation \
             status for its certificate.",
            "RFC 6066 §8",
        ),
        10 if client => (
            "Groups (curves / finite fields / hybrids) the client supports for key \
             exchange, most preferred first.",
            "RFC 8446 §4.2.7",
        ),
        10 => (
            "The server's supported groups, for the client to use next time.",
            "RFC 8446 §4.2.7",
        ),
        11 => (
            "EC point encodings the sender can parse (TLS <= 1.2); only uncompressed \
             remains in use.",
            "RFC 8422 §5.1.2",
        ),
        13 => (
            "Signature schemes the sender accepts in signatures of the handshake \
             (CertificateVerify, ServerKeyExchange).",
            "RFC 8446 §4.2.3",
        ),
        50 => (
            "Signature schemes the sender accepts in certificates, if different from \
             signature_algorithms.",
            "RFC 8446 §4.2.3",
        ),
        16 if client => (
            "ALPN: the application protocols the client can speak (h2, http/1.1, ...), \
             chosen inside the handshake.",
            "RFC 7301 §3.1",
        ),
        16 => (
            "ALPN: the one application protocol the server chose.",
            "RFC 7301 §3.1",
        ),
        18 => (
            "Certificate Transparency: signed certificate timestamps (requested, or \
             delivered).",
            "RFC 6962",
        ),
        21 => (
            "Padding to move the ClientHello out of a size range some middleboxes \
             mishandle.",
            "RFC 7685 §3",
        ),
        22 => (
            "Encrypt-then-MAC for CBC suites (TLS <= 1.2): MAC the ciphertext, closing \
             padding oracles.",
            "RFC 7366",
        ),
        23 => (
            "Extended master secret: binds the master secret to the whole handshake \
             (fixes the triple-handshake attack).",
            "RFC 7627 §5.1",
        ),
        27 => (
            "Certificate compression algorithms the sender accepts.",
            "RFC 8879 §3",
        ),
        28 => (
            "Largest record the sender is willing to receive.",
            "RFC 8449 §4",
        ),
        35 if client => (
            "Session ticket: empty asks for a ticket; non-empty presents one to resume \
             (TLS <= 1.2).",
            "RFC 5077 §3.2",
        ),
        35 => (
            "The server will send a NewSessionTicket (TLS <= 1.2).",
            "RFC 5077 §3.2",
        ),
        41 if client => (
            "Pre-shared keys (resumption tickets) offered, each with a binder proving \
             the client knows the key; always the last extension.",
            "RFC 8446 §4.2.11",
        ),
        41 => (
            "Which offered PSK the server accepted (resumption).",
            "RFC 8446 §4.2.11",
        ),
        42 if ctx == ExtCtx::Ticket => (
            "This ticket may be used for 0-RTT early data, up to the given size.",
            "RFC 8446 §4.2.10",
        ),
        42 => (
            "0-RTT: the client sends (or the server accepts) application data before \
             the handshake completes (replayable).",
            "RFC 8446 §4.2.10",
        ),
        43 if client => (
            "The versions the client supports, preferred first; this, not \
             legacy_version, is how TLS 1.3 is offered.",
            "RFC 8446 §4.2.1",
        ),
        43 => (
            "The version the server chose (TLS 1.3 and later).",
            "RFC 8446 §4.2.1",
        ),
        44 => (
            "Cookie: state the server wants echoed in the second ClientHello (e.g. to \
             check the client's address).",
            "RFC 8446 §4.2.2",
        ),
        45 => (
            "How pre-shared keys may be used: psk_dhe_ke adds a fresh (EC)DHE for \
             forward secrecy; psk_ke does not.",
            "RFC 8446 §4.2.9",
        ),
        47 => (
            "CAs the sender trusts, to help the peer choose a certificate.",
            "RFC 8446 §4.2.4",
        ),
        48 => (
            "Certificate extension OIDs and values the client certificate must match.",
            "RFC 8446 §4.2.5",
        ),
        49 => (
            "The client is willing to authenticate after the handshake if asked.",
            "RFC 8446 §4.2.6",
        ),
        51 if ctx == ExtCtx::HelloRetry => (
            "The group the server wants: the client must retry with a key share for it.",
            "RFC 8446 §4.2.8",
        ),
        51 if client => (
            "Ephemeral public keys for some groups, sent up front so TLS 1.3 needs one \
             round trip.",
            "RFC 8446 §4.2.8",
        ),
        51 => (
            "The server's ephemeral public key, on one of the client's groups; both \
             shares give the (EC)DHE secret.",
            "RFC 8446 §4.2.8",
        ),
        0xfe0d => (
            "Encrypted Client Hello: the real ClientHello (with the true SNI) encrypted \
             to the server's ECH key.",
            "draft-ietf-tls-esni",
        ),
        0xff01 => (
            "Secure renegotiation: ties a renegotiation to the connection it happens on \
             (empty in an initial handshake).",
            "RFC 5746 §3.2",
        ),
        _ => (
            "An extension this dissector does not break down.",
            "RFC 8446 §4.2",
        ),
    }
}

/// Children for each u16 of a list; returns their short names.
fn u16_children(
    o: &mut Out,
    d: u8,
    mut l: Cur<'_>,
    name: &str,
    value: fn(u16) -> String,
    doc: impl Fn(u16) -> (&'static str, &'static str),
) -> Vec<String> {
    let mut v = Vec::new();
    while l.rem() >= 2 {
        let p = l.pos;
        let Some(x) = l.u16() else { break };
        let (m, rfc) = doc(x);
        let full = value(x);
        o.push(
            d,
            format!("{name}[{}]", v.len()),
            (p, 2),
            full.clone(),
            m,
            rfc,
        );
        v.push(short_name(&full));
    }
    o.trailing(d, &l);
    v
}

/// A length prefix as its own child field.
fn len_child(o: &mut Out, d: u8, name: &str, s: usize, w: usize, n: usize, rfc: &'static str) {
    o.push(
        d,
        format!("{name} length"),
        (s, w),
        bytes_n(n),
        "Length of the list that follows.",
        rfc,
    );
}

fn group_doc(g: u16) -> (&'static str, &'static str) {
    if names::is_grease(g) {
        (
            "GREASE: a meaningless group that keeps servers tolerant.",
            "RFC 8701",
        )
    } else if (0x0100..=0x01ff).contains(&g) {
        (
            "A finite-field Diffie-Hellman group (RFC 7919).",
            "RFC 8446 §4.2.7",
        )
    } else if g >= 0x0200 && g != 0xff01 && g != 0xff02 {
        (
            "A post-quantum or hybrid key-exchange group.",
            "RFC 8446 §4.2.7",
        )
    } else {
        ("An elliptic-curve group.", "RFC 8446 §4.2.7")
    }
}

fn ext_body(b: &mut Cur<'_>, o: &mut Out, d: u8, code: u16, ctx: ExtCtx) -> Option<String> {
    let client = ctx == ExtCtx::Client;
    let (_, rfc) = ext_doc(code, ctx);
    if names::is_grease(code) {
        if !b.is_empty() {
            o.push(
                d,
                "data",
                (b.pos, b.rem()),
                preview(b.bytes()),
                "Arbitrary GREASE content.",
                rfc,
            );
            b.pos = b.end;
        }
        return Some("GREASE, ignored".into());
    }
    match code {
        0 => {
            if b.is_empty() {
                return Some("empty (acknowledged)".into());
            }
            let s = b.pos;
            let mut l = b.vec(2)?;
            len_child(o, d, "server_name_list", s, 2, l.rem(), rfc);
            let mut first = None;
            while !l.is_empty() {
                let es = l.pos;
                let kind = l.u8()?;
                let n = l.vec(2)?;
                let v = clean(n.bytes());
                o.push(
                    d,
                    if kind == 0 { "host_name" } else { "name" },
                    l.span(es),
                    v.clone(),
                    if kind == 0 {
                        "A DNS host name (type 0, the only type defined), without a trailing dot."
                    } else {
                        "A server name of an unknown type."
                    },
                    rfc,
                );
                first.get_or_insert(v);
            }
            Some(first.unwrap_or_default())
        }
        1 => {
            let s = b.pos;
            let m = b.u8()?;
            let v = match m {
                1..=4 => format!("2^{} ({} bytes)", 8 + m, 1u32 << (8 + m)),
                _ => format!("{m}"),
            };
            o.push(
                d,
                "max_fragment_length",
                b.span(s),
                v.clone(),
                "Requested maximum plaintext size of a record.",
                rfc,
            );
            Some(v)
        }
        5 => {
            if b.is_empty() {
                return Some("empty (a status will be stapled)".into());
            }
            let s = b.pos;
            let t = b.u8()?;
            o.push(
                d,
                "status_type",
                b.span(s),
                if t == 1 {
                    "ocsp (1)".to_string()
                } else {
                    format!("{t}")
                },
                "Kind of status: OCSP.",
                rfc,
            );
            if ctx == ExtCtx::CertEntry {
                let s = b.pos;
                let r = b.vec(3)?;
                o.push(
                    d,
                    "ocsp_response",
                    b.span(s),
                    bytes_n(r.rem()),
                    "DER OCSP response signed by the CA: the certificate is not revoked.",
                    rfc,
                );
                return Some(format!("OCSP response, {}", bytes_n(r.rem())));
            }
            let s = b.pos;
            let r = b.vec(2)?;
            o.push(
                d,
                "responder_id_list",
                b.span(s),
                preview(r.bytes()),
                "OCSP responders the client trusts (empty: any).",
                rfc,
            );
            let s = b.pos;
            let e = b.vec(2)?;
            o.push(
                d,
                "request_extensions",
                b.span(s),
                preview(e.bytes()),
                "OCSP request extensions (e.g. a nonce).",
                rfc,
            );
            Some("OCSP stapling requested".into())
        }
        10 => {
            let s = b.pos;
            let l = b.vec(2)?;
            len_child(o, d, "named_group_list", s, 2, l.rem(), rfc);
            Some(summary(&u16_children(
                o,
                d,
                l,
                "named_group_list",
                group_value,
                group_doc,
            )))
        }
        11 => {
            let s = b.pos;
            let mut l = b.vec(1)?;
            len_child(o, d, "ec_point_format_list", s, 1, l.rem(), rfc);
            let mut v = Vec::new();
            while !l.is_empty() {
                let p = l.pos;
                let f = l.u8()?;
                let n = names::ec_point_format_name(f);
                o.push(
                    d,
                    format!("ec_point_format_list[{}]", v.len()),
                    (p, 1),
                    format!("{n} ({f})"),
                    "A point encoding the sender can parse.",
                    rfc,
                );
                v.push(n);
            }
            Some(summary(&v))
        }
        13 | 50 => {
            let s = b.pos;
            let l = b.vec(2)?;
            len_child(o, d, "supported_signature_algorithms", s, 2, l.rem(), rfc);
            Some(summary(&u16_children(
                o,
                d,
                l,
                "supported_signature_algorithms",
                scheme_value,
                |x| {
                    if names::is_grease(x) {
                        ("GREASE: a meaningless scheme.", "RFC 8701")
                    } else {
                        (
                            "A signature scheme (algorithm + hash) the sender accepts.",
                            rfc,
                        )
                    }
                },
            )))
        }
        16 => {
            let s = b.pos;
            let mut l = b.vec(2)?;
            len_child(o, d, "protocol_name_list", s, 2, l.rem(), rfc);
            let mut v = Vec::new();
            while !l.is_empty() {
                let p = l.pos;
                let n = l.vec(1)?;
                let name = clean(n.bytes());
                o.push(
                    d,
                    format!("protocol_name_list[{}]", v.len()),
                    l.span(p),
                    name.clone(),
                    if client {
                        "An application protocol the client offers (IANA ALPN id)."
                    } else {
                        "The application protocol the server selected."
                    },
                    rfc,
                );
                v.push(name);
            }
            Some(summary(&v))
        }
        21 => {
            let zero = b.bytes().iter().all(|x| *x == 0);
            let v = format!(
                "{}{}",
                bytes_n(b.rem()),
                if zero {
                    " of zeros"
                } else {
                    " (not all zero!)"
                }
            );
            if !b.is_empty() {
                o.push(
                    d,
                    "padding",
                    (b.pos, b.rem()),
                    v.clone(),
                    "Filler; must be zeros.",
                    rfc,
                );
                b.pos = b.end;
            }
            Some(v)
        }
        27 => {
            let s = b.pos;
            let l = b.vec(1)?;
            len_child(o, d, "algorithms", s, 1, l.rem(), rfc);
            Some(summary(&u16_children(
                o,
                d,
                l,
                "algorithms",
                |x| format!("{} ({x})", names::cert_compression_name(x)),
                |_| ("A certificate compression algorithm.", rfc),
            )))
        }
        28 => {
            let s = b.pos;
            let l = b.u16()?;
            o.push(
                d,
                "record_size_limit",
                b.span(s),
                bytes_n(usize::from(l)),
                "Largest record plaintext the sender accepts.",
                rfc,
            );
            Some(bytes_n(usize::from(l)))
        }
        35 => {
            if b.is_empty() {
                return Some(if client {
                    "empty (asks for a ticket)".into()
                } else {
                    "empty (a ticket will follow)".into()
                });
            }
            let v = bytes_n(b.rem());
            o.push(
                d,
                "ticket",
                (b.pos, b.rem()),
                v.clone(),
                "A ticket from an earlier session, presented to resume it.",
                rfc,
            );
            b.pos = b.end;
            Some(format!("ticket, {v}"))
        }
        41 if client => {
            let s = b.pos;
            let mut ids = b.vec(2)?;
            len_child(o, d, "identities", s, 2, ids.rem(), rfc);
            let mut n = 0;
            while !ids.is_empty() {
                let p = ids.pos;
                let id = ids.vec(2)?;
                let age = ids.u32()?;
                o.push(
                    d,
                    format!("identities[{n}]"),
                    ids.span(p),
                    format!(
                        "{} identity, obfuscated_ticket_age 0x{age:08x}",
                        bytes_n(id.rem())
                    ),
                    "A PSK label (usually a ticket) and its age plus ticket_age_add.",
                    rfc,
                );
                n += 1;
            }
            let s = b.pos;
            let mut bs = b.vec(2)?;
            len_child(o, d, "binders", s, 2, bs.rem(), rfc);
            let mut k = 0;
            while !bs.is_empty() {
                let p = bs.pos;
                let x = bs.vec(1)?;
                o.push(
                    d,
                    format!("binders[{k}]"),
                    bs.span(p),
                    bytes_n(x.rem()),
                    "HMAC over the ClientHello so far with a key from the PSK: proves the \
                     client holds the PSK.",
                    rfc,
                );
                k += 1;
            }
            Some(if n == 1 {
                "1 identity".into()
            } else {
                format!("{n} identities")
            })
        }
        41 => {
            let s = b.pos;
            let i = b.u16()?;
            o.push(
                d,
                "selected_identity",
                b.span(s),
                format!("{i}"),
                "Index of the client's PSK identity the server accepted.",
                rfc,
            );
            Some(format!("identity {i} selected"))
        }
        42 if ctx == ExtCtx::Ticket => {
            let s = b.pos;
            let m = b.u32()?;
            o.push(
                d,
                "max_early_data_size",
                b.span(s),
                format!("{m} bytes"),
                "Most 0-RTT data the client may send with this ticket.",
                rfc,
            );
            Some(format!("max {m} bytes"))
        }
        43 if client => {
            let s = b.pos;
            let l = b.vec(1)?;
            len_child(o, d, "versions", s, 1, l.rem(), rfc);
            Some(summary(&u16_children(
                o,
                d,
                l,
                "versions",
                version_value,
                |x| {
                    if names::is_grease(x) {
                        ("GREASE: a meaningless version.", "RFC 8701")
                    } else {
                        ("A version the client supports.", rfc)
                    }
                },
            )))
        }
        43 => {
            let s = b.pos;
            let v = b.u16()?;
            o.push(
                d,
                "selected_version",
                b.span(s),
                version_value(v),
                "The negotiated version; overrides legacy_version.",
                rfc,
            );
            Some(short_name(&version_value(v)))
        }
        44 => {
            let s = b.pos;
            let k = b.vec(2)?;
            o.push(
                d,
                "cookie",
                b.span(s),
                bytes_n(k.rem()),
                "Opaque server state, echoed back verbatim.",
                rfc,
            );
            Some(bytes_n(k.rem()))
        }
        45 => {
            let s = b.pos;
            let mut l = b.vec(1)?;
            len_child(o, d, "ke_modes", s, 1, l.rem(), rfc);
            let mut v = Vec::new();
            while !l.is_empty() {
                let p = l.pos;
                let m = l.u8()?;
                let n = names::psk_mode_name(m);
                o.push(
                    d,
                    format!("ke_modes[{}]", v.len()),
                    (p, 1),
                    format!("{n} ({m})"),
                    if m == 1 {
                        "PSK with (EC)DHE: resumption keeps forward secrecy."
                    } else {
                        "A PSK key exchange mode."
                    },
                    rfc,
                );
                v.push(n);
            }
            Some(summary(&v))
        }
        47 => {
            let s = b.pos;
            let mut l = b.vec(2)?;
            let mut n = 0;
            while l.vec(2).is_some() {
                n += 1;
            }
            o.push(
                d,
                "authorities",
                b.span(s),
                format!("{n} distinguished names"),
                "DER distinguished names of acceptable CAs.",
                rfc,
            );
            Some(format!("{n} CAs"))
        }
        51 if ctx == ExtCtx::HelloRetry => {
            let s = b.pos;
            let g = b.u16()?;
            o.push(
                d,
                "selected_group",
                b.span(s),
                group_value(g),
                "The group the client must send a key share for in its second ClientHello.",
                rfc,
            );
            Some(format!("selected group {}", names::group_name(g)))
        }
        51 if client => {
            let s = b.pos;
            let mut l = b.vec(2)?;
            len_child(o, d, "client_shares", s, 2, l.rem(), rfc);
            let mut v = Vec::new();
            while !l.is_empty() {
                let p = l.pos;
                let mut t = l;
                let g = t.u16()?;
                let k = t.vec(2)?;
                let gn = names::group_name(g);
                o.push(
                    d,
                    format!("client_shares[{}]", v.len()),
                    t.span(p),
                    format!("{gn}, {}-byte key", k.rem()),
                    "One ephemeral public key (KeyShareEntry).",
                    rfc,
                );
                key_share_children(o, d.saturating_add(1), p, g, &k, rfc);
                l = t;
                v.push(gn);
            }
            Some(summary(&v))
        }
        51 => {
            let s = b.pos;
            let g = b.u16()?;
            let k = b.vec(2)?;
            key_share_children(o, d, s, g, &k, rfc);
            Some(format!("{}, {}-byte key", names::group_name(g), k.rem()))
        }
        0xff01 => {
            let s = b.pos;
            let r = b.vec(1)?;
            o.push(
                d,
                "renegotiated_connection",
                b.span(s),
                if r.is_empty() {
                    "empty (initial handshake)".to_string()
                } else {
                    bytes_n(r.rem())
                },
                "Finished verify_data of the previous handshake on this connection; empty \
                 on the first.",
                rfc,
            );
            Some(if r.is_empty() {
                "empty (initial handshake)".into()
            } else {
                bytes_n(r.rem())
            })
        }
        _ => {
            if b.is_empty() {
                return Some("empty".into());
            }
            let n = b.rem();
            o.push(
                d,
                "data",
                (b.pos, n),
                preview(b.bytes()),
                "Extension data.",
                rfc,
            );
            b.pos = b.end;
            Some(bytes_n(n))
        }
    }
}

fn key_share_children(o: &mut Out, d: u8, s: usize, g: u16, k: &Cur<'_>, rfc: &'static str) {
    o.push(
        d,
        "group",
        (s, 2),
        group_value(g),
        "The group this key is on.",
        rfc,
    );
    o.push(
        d,
        "key_exchange",
        (s + 2, 2 + k.rem()),
        bytes_n(k.rem()),
        "The ephemeral public key (an EC point, an X25519 value, or an ML-KEM key / \
         ciphertext).",
        rfc,
    );
}

// ---------------------------------------------------------------------------------
// Records.

#[derive(Clone, Copy, PartialEq, Eq)]
enum RecKind {
    Ccs,
    Alert,
    Encrypted,
    Heartbeat,
}

fn alert_meaning(d: u8) -> &'static str {
    match d {
        0 => "The sender will send no more data on this connection (orderly close).",
        10 => "A message arrived that is not allowed at this point of the protocol.",
        20 => "A record failed to decrypt or authenticate.",
        22 => "A record was longer than allowed.",
        40 => {
            "No acceptable set of parameters: nothing in common (suites, groups, \
               signatures, ...)."
        }
        42 => "A certificate was corrupt or its signature did not verify.",
        43 => "A certificate was of an unsupported type.",
        44 => "A certificate was revoked by its signer.",
        45 => "A certificate has expired or is not yet valid.",
        46 => "Some other problem with a certificate made it unacceptable.",
        47 => "A field was out of range or inconsistent with other fields.",
        48 => "The certificate chain does not lead to a trusted CA.",
        49 => "Valid certificate, but access control refused the handshake.",
        50 => "A message could not be parsed (wrong length or out-of-range field).",
        51 => "A handshake cryptographic operation failed (signature, Finished, binder).",
        70 => {
            "The peer's version is recognised but not supported (e.g. a TLS 1.3-only \
               server and a TLS 1.2 client)."
        }
        71 => "The server requires stronger parameters than the client offered.",
        80 => "An error in the sender unrelated to the peer or the protocol.",
        86 => {
            "A fallback retry was detected while a better version is supported \
               (TLS_FALLBACK_SCSV)."
        }
        90 => "The user cancelled the handshake.",
        100 => "The peer refuses to renegotiate.",
        109 => "A required extension was missing.",
        110 => {
            "An extension arrived that was not requested or is not allowed in this \
                message."
        }
        112 => "The server does not know the requested server_name.",
        113 => "An invalid OCSP response was stapled.",
        115 => "None of the offered PSK identities is known.",
        116 => "The server requires a client certificate but none was sent.",
        120 => "None of the client's ALPN protocols is supported by the server.",
        _ => "An alert this dissector has no description for.",
    }
}

fn record_item(
    from: Direction,
    at_ms: f64,
    hdr: &[u8],
    payload: &[u8],
    kind: RecKind,
    tls13: bool,
) -> Dissected {
    let shown = payload.len().min(DISPLAY_CAP);
    let mut raw = hdr.to_vec();
    raw.extend_from_slice(payload.get(..shown).unwrap_or(&[]));
    let mut o = Out::default();
    let mut h = Cur::new(&raw, 0, raw.len());
    let ct = h.u8().unwrap_or(0);
    o.push(
        0,
        "content_type",
        (0, 1),
        format!("{} ({ct})", names::content_type_name(ct)),
        "Which protocol the record carries; encrypted TLS 1.3 records always say \
         application_data and hide the real type inside.",
        "RFC 8446 §5.1",
    );
    let v = h.u16().unwrap_or(0);
    let mut c = Cur::new(&raw, 5, raw.len());
    o.push(
        0,
        "legacy_record_version",
        (1, 2),
        version_value(v),
        "Record-layer version, kept for compatibility and otherwise ignored; TLS 1.3 \
         writes TLSv1.2 here.",
        "RFC 8446 §5.1",
    );
    o.push(
        0,
        "length",
        (3, 2),
        bytes_n(payload.len()),
        "Length of the record fragment (at most 2^14 bytes of plaintext, plus the cipher's \
         expansion).",
        "RFC 8446 §5.1",
    );
    let name = match kind {
        RecKind::Ccs => {
            let v = match payload {
                [1] => "1 (change_cipher_spec)".to_string(),
                p => preview(p),
            };
            let (m, rfc) = if tls13 {
                (
                    "Compatibility ChangeCipherSpec: meaningless in TLS 1.3, sent so \
                     middleboxes see a TLS 1.2-looking handshake.",
                    "RFC 8446 Appendix D.4",
                )
            } else {
                (
                    "The sender switches to the newly negotiated keys: its next record (the \
                     Finished) is encrypted.",
                    "RFC 5246 §7.1",
                )
            };
            o.push(0, "change_cipher_spec", (5, shown), v, m, rfc);
            "ChangeCipherSpec"
        }
        RecKind::Alert => {
            let rfc = if tls13 {
                "RFC 8446 §6"
            } else {
                "RFC 5246 §7.2"
            };
            let desc_rfc = |d: u8| match (tls13, d) {
                (false, 0 | 90) => "RFC 5246 §7.2.1",
                (false, _) => "RFC 5246 §7.2.2",
                (true, 0 | 90) => "RFC 8446 §6.1",
                (true, _) => "RFC 8446 §6.2",
            };
            let mut i = 0;
            while c.rem() >= 2 && o.f.len() < MAX_FIELDS {
                let (Some(level), Some(desc)) = (c.u8(), c.u8()) else {
                    break;
                };
                let sfx = if i == 0 {
                    String::new()
                } else {
                    format!("[{i}]")
                };
                o.push(
                    0,
                    format!("level{sfx}"),
                    (c.pos - 2, 1),
                    format!("{} ({level})", names::alert_level_name(level)),
                    "fatal ends the connection at once; warning may not (TLS 1.3 treats \
                     every error alert as fatal).",
                    rfc,
                );
                o.push(
                    0,
                    format!("description{sfx}"),
                    (c.pos - 1, 1),
                    format!("{} ({desc})", names::alert_name(desc)),
                    alert_meaning(desc),
                    desc_rfc(desc),
                );
                i += 1;
            }
            "Alert"
        }
        RecKind::Encrypted => {
            let v = if shown < payload.len() {
                format!("encrypted: {} ({shown} shown)", bytes_n(payload.len()))
            } else {
                format!("encrypted: {}", bytes_n(payload.len()))
            };
            let (m, rfc) = if tls13 {
                (
                    "AEAD-protected record: from here on only lengths are visible; the real \
                     content type (handshake, alert, data) is inside the ciphertext.",
                    "RFC 8446 §5.2",
                )
            } else {
                (
                    "Protected with the keys activated by ChangeCipherSpec: from here on the \
                     content (first the Finished) is unreadable without the keys.",
                    "RFC 5246 §6.2.3",
                )
            };
            o.push(0, "encrypted_record", (5, shown), v, m, rfc);
            "EncryptedRecord"
        }
        RecKind::Heartbeat => {
            let v = match payload.first() {
                Some(1) => "heartbeat_request".to_string(),
                Some(2) => "heartbeat_response".to_string(),
                _ => preview(payload),
            };
            o.push(
                0,
                "heartbeat",
                (5, shown),
                v,
                "Heartbeat keep-alive (the message type behind Heartbleed).",
                "RFC 6520",
            );
            "Unknown"
        }
    };
    let fields = finalize(o.f, raw.len());
    Dissected {
        from,
        at_ms,
        name: name.into(),
        raw,
        fields,
    }
}

/// SSLv2-compatible ClientHello record (2-byte header with the high bit set).
fn sslv2_item(from: Direction, at_ms: f64, rec: &[u8]) -> Dissected {
    let raw = rec.to_vec();
    let rfc = "RFC 5246 Appendix E.2";
    let mut o = Out::default();
    let mut c = Cur::new(&raw, 0, raw.len());
    let _ = (|| -> Option<()> {
        let s = c.pos;
        let len = c.u16()? & 0x7fff;
        o.push(
            0,
            "msg_length",
            c.span(s),
            format!(
                "{} (high bit set: SSLv2 framing)",
                bytes_n(usize::from(len))
            ),
            "SSLv2 record header: the high bit marks a 2-byte header with no padding.",
            rfc,
        );
        let s = c.pos;
        let t = c.u8()?;
        o.push(
            0,
            "msg_type",
            c.span(s),
            format!("{t}"),
            "1: CLIENT-HELLO.",
            rfc,
        );
        let s = c.pos;
        let v = c.u16()?;
        o.push(
            0,
            "version",
            c.span(s),
            version_value(v),
            "The highest version the client supports.",
            rfc,
        );
        let mut lens = [0usize; 3];
        for (i, n) in [
            "cipher_spec_length",
            "session_id_length",
            "challenge_length",
        ]
        .iter()
        .enumerate()
        {
            let s = c.pos;
            let l = usize::from(c.u16()?);
            o.push(
                0,
                *n,
                c.span(s),
                bytes_n(l),
                "Length of a field below.",
                rfc,
            );
            if let Some(x) = lens.get_mut(i) {
                *x = l;
            }
        }
        let [cs, sid, ch] = lens;
        let s = c.pos;
        let mut specs = Cur::new(&raw, s, s + cs);
        c.take(cs)?;
        o.push(
            0,
            "cipher_specs",
            c.span(s),
            format!("{} specs", cs / 3),
            "Cipher kinds offered, 3 bytes each; TLS suites appear as 0x00XXXX.",
            rfc,
        );
        let mut i = 0;
        while specs.rem() >= 3 {
            let p = specs.pos;
            let k = specs.take(3)?;
            let v = match k {
                [0, a, b] => suite_value(u16::from_be_bytes([*a, *b])),
                _ => format!("SSLv2 kind 0x{}", hex(k)),
            };
            o.push(
                1,
                format!("cipher_specs[{i}]"),
                (p, 3),
                v,
                "An offered cipher.",
                rfc,
            );
            i += 1;
        }
        let s = c.pos;
        let x = c.take(sid)?;
        o.push(
            0,
            "session_id",
            c.span(s),
            preview(x),
            "Session to resume.",
            rfc,
        );
        let s = c.pos;
        let x = c.take(ch)?;
        o.push(
            0,
            "challenge",
            c.span(s),
            preview(x),
            "Client randomness; becomes the right end of the TLS client random.",
            rfc,
        );
        Some(())
    })();
    let fields = finalize(o.f, raw.len());
    Dissected {
        from,
        at_ms,
        name: "SSLv2ClientHello".into(),
        raw,
        fields,
    }
}

fn not_tls_item(from: Direction, at_ms: f64, bytes: &[u8], why: &str) -> Dissected {
    let raw = bytes.get(..64.min(bytes.len())).unwrap_or(&[]).to_vec();
    let text: String = raw
        .iter()
        .map(|&c| match c {
            0x20..=0x7e => char::from(c),
            b'\r' | b'\n' | b'\t' => ' ',
            _ => '.',
        })
        .collect();
    let fields = finalize(
        vec![FieldSpan {
            name: "data".into(),
            start: 0,
            len: raw.len(),
            value: text,
            meaning: format!("Not a TLS record ({why}); this direction is not decoded further."),
            rfc: "RFC 8446 §5.1",
            depth: 0,
        }],
        raw.len(),
    );
    Dissected {
        from,
        at_ms,
        name: "NotTls".into(),
        raw,
        fields,
    }
}

// ---------------------------------------------------------------------------------
// The record layer, both directions, in wire order.

#[derive(Default)]
struct Side {
    /// Unparsed stream bytes.
    buf: Vec<u8>,
    /// (offset in `buf` where a chunk began, its time in ms).
    starts: VecDeque<(usize, f64)>,
    records: usize,
    stopped: bool,
    /// TLS <= 1.2: a ChangeCipherSpec was sent, later records are encrypted.
    encrypting: bool,
    /// Handshake reassembly: unconsumed bytes, with (offset, time) of each record.
    hs: Vec<u8>,
    hs_times: VecDeque<(usize, f64)>,
    hs_stopped: bool,
}

#[derive(Default)]
struct State {
    client: Side,
    server: Side,
    items: Vec<Dissected>,
    sh_seen: bool,
    tls13: bool,
    ctx: Ctx,
}

impl State {
    fn side(&mut self, d: Direction) -> &mut Side {
        match d {
            Direction::Client => &mut self.client,
            Direction::Server => &mut self.server,
        }
    }

    fn push(&mut self, item: Dissected) {
        if self.items.len() < MAX_ITEMS {
            self.items.push(item);
        }
    }

    fn feed(&mut self, c: &Chunk) {
        let at = c.at.as_nanos() as f64 / 1e6;
        let d = c.dir;
        let side = self.side(d);
        if side.stopped || c.bytes.is_empty() {
            return;
        }
        side.starts.push_back((side.buf.len(), at));
        side.buf.extend_from_slice(&c.bytes);
        let buf = std::mem::take(&mut side.buf);
        let consumed = self.parse(d, &buf).min(buf.len());
        let side = self.side(d);
        if side.stopped {
            side.starts.clear();
            return;
        }
        side.buf = buf;
        if consumed == 0 {
            // A record still trickling in: nothing to shift (keeps this linear).
            return;
        }
        side.buf.drain(..consumed);
        while side.starts.len() > 1 && side.starts.get(1).is_some_and(|s| s.0 <= consumed) {
            side.starts.pop_front();
        }
        for s in side.starts.iter_mut() {
            s.0 = s.0.saturating_sub(consumed);
        }
    }

    /// The time of the chunk in which buffer offset `off` arrived. Offsets asked for
    /// only grow within one `parse`, so entries before `off` can be dropped.
    fn time_at(&mut self, d: Direction, off: usize) -> f64 {
        let side = self.side(d);
        while side.starts.len() > 1 && side.starts.get(1).is_some_and(|s| s.0 <= off) {
            side.starts.pop_front();
        }
        side.starts.front().map_or(0.0, |s| s.1)
    }

    fn stop(&mut self, d: Direction, at: f64, bytes: &[u8], why: &str) {
        let side = self.side(d);
        side.stopped = true;
        side.hs = Vec::new();
        side.hs_times.clear();
        let why = if side.records == 0 {
            why.to_string()
        } else {
            format!("malformed record after {} good ones: {why}", side.records)
        };
        self.push(not_tls_item(d, at, bytes, &why));
    }

    /// Parse every complete record in `buf`; returns the bytes consumed.
    fn parse(&mut self, d: Direction, buf: &[u8]) -> usize {
        let mut pos = 0usize;
        loop {
            if self.items.len() >= MAX_ITEMS {
                return buf.len();
            }
            let avail = buf.get(pos..).unwrap_or(&[]);
            let Some(&b0) = avail.first() else {
                return pos;
            };
            let at = self.time_at(d, pos);
            if d == Direction::Client && self.side(d).records == 0 && b0 & 0x80 != 0 {
                let (Some(&b1), Some(&b2)) = (avail.get(1), avail.get(2)) else {
                    return pos;
                };
                if b2 != 1 {
                    self.stop(d, at, avail, "high bit set but not an SSLv2 ClientHello");
                    return buf.len();
                }
                let len = usize::from(b0 & 0x7f) << 8 | usize::from(b1);
                let Some(rec) = avail.get(..2 + len) else {
                    return pos;
                };
                self.push(sslv2_item(d, at, rec));
                self.side(d).records += 1;
                pos += 2 + len;
                continue;
            }
            if !(20..=24).contains(&b0) {
                self.stop(d, at, avail, &format!("bad record content type {b0}"));
                return buf.len();
            }
            if let Some(&major) = avail.get(1)
                && major != 3
            {
                self.stop(d, at, avail, &format!("bad record version major {major}"));
                return buf.len();
            }
            let Some(hdr) = avail.get(..5) else {
                return pos;
            };
            let len = usize::from(u16::from_be_bytes([
                hdr.get(3).copied().unwrap_or(0),
                hdr.get(4).copied().unwrap_or(0),
            ]));
            if len > MAX_RECORD {
                self.stop(
                    d,
                    at,
                    avail,
                    &format!("record length {len} exceeds {MAX_RECORD}"),
                );
                return buf.len();
            }
            let Some(payload) = avail.get(5..5 + len) else {
                return pos;
            };
            self.side(d).records += 1;
            self.record(d, at, b0, hdr, payload);
            pos += 5 + len;
        }
    }

    fn record(&mut self, d: Direction, at: f64, ctype: u8, hdr: &[u8], payload: &[u8]) {
        let encrypted_now = self.tls13 || self.side(d).encrypting;
        let tls13 = self.tls13;
        match ctype {
            20 => {
                self.push(record_item(d, at, hdr, payload, RecKind::Ccs, tls13));
                if self.sh_seen && !self.tls13 {
                    self.side(d).encrypting = true;
                }
            }
            21 if !encrypted_now || payload.len() == 2 => {
                let t13 = self.ctx.version.is_none_or(|v| v >= 0x0304);
                self.push(record_item(d, at, hdr, payload, RecKind::Alert, t13));
            }
            22 if !encrypted_now => self.handshake(d, at, payload),
            24 => self.push(record_item(d, at, hdr, payload, RecKind::Heartbeat, tls13)),
            _ => self.push(record_item(d, at, hdr, payload, RecKind::Encrypted, tls13)),
        }
    }

    fn handshake(&mut self, d: Direction, at: f64, payload: &[u8]) {
        let side = self.side(d);
        if side.hs_stopped {
            return;
        }
        side.hs_times.push_back((side.hs.len(), at));
        side.hs.extend_from_slice(payload);
        let hs = std::mem::take(&mut side.hs);
        let mut consumed = 0usize;
        loop {
            if self.items.len() >= MAX_ITEMS {
                consumed = hs.len();
                break;
            }
            let rest = hs.get(consumed..).unwrap_or(&[]);
            let mut c = Cur::new(rest, 0, rest.len());
            let (Some(t), Some(len)) = (c.u8(), c.u24()) else {
                break;
            };
            let side = self.side(d);
            while side.hs_times.len() > 1 && side.hs_times.get(1).is_some_and(|x| x.0 <= consumed) {
                side.hs_times.pop_front();
            }
            let at = side.hs_times.front().map_or(at, |x| x.1);
            if len > MAX_HANDSHAKE {
                side.hs_stopped = true;
                side.hs_times.clear();
                self.push(truncated(d, at, rest, t, len));
                return;
            }
            let Some(msg) = rest.get(..4 + len) else {
                break;
            };
            consumed += 4 + len;
            let item = dissect_message(d, at, msg.to_vec(), self.ctx);
            if d == Direction::Server
                && !self.sh_seen
                && item.name == "ServerHello"
                && let Body::ServerHello(sh) =
                    decode_handshake_message(2, msg.get(4..).unwrap_or(&[]), None)
            {
                self.sh_seen = true;
                self.ctx.version = Some(sh.version.0);
                self.ctx.suite = Some(sh.cipher_suite.0);
                self.tls13 = sh.version.0 == 0x0304;
            }
            self.push(item);
            if self.tls13 {
                // Everything after a TLS 1.3 ServerHello is encrypted.
                let side = self.side(d);
                side.hs_times.clear();
                return;
            }
        }
        let side = self.side(d);
        side.hs = hs;
        if consumed > 0 {
            side.hs.drain(..consumed.min(side.hs.len()));
            for x in side.hs_times.iter_mut() {
                x.0 = x.0.saturating_sub(consumed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const TLS13: &str = include_str!("fixtures/tls13.hex");
    const HRR: &str = include_str!("fixtures/hrr.hex");
    const TLS12: &str = include_str!("fixtures/tls12.hex");
    const TLS11: &str = include_str!("fixtures/tls11.hex");
    const ALERT: &str = include_str!("fixtures/alert.hex");
    const DHE: &str = include_str!("fixtures/dhe.hex");
    const TLS12_CBC: &str = include_str!("fixtures/tls12cbc.hex");
    const ALL: [&str; 7] = [TLS13, HRR, TLS12, TLS11, ALERT, DHE, TLS12_CBC];

    /// Parse a fixture: one chunk per line, `c|s <ms> <hex>`.
    fn chunks(text: &str) -> Vec<Chunk> {
        text.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut f = l.split_whitespace();
                let dir = match f.next() {
                    Some("c") => Direction::Client,
                    _ => Direction::Server,
                };
                let ms: f64 = f.next().and_then(|t| t.parse().ok()).unwrap_or(0.0);
                let hex = f.next().unwrap_or("");
                let bytes = (0..hex.len() / 2)
                    .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                    .collect();
                Chunk {
                    dir,
                    at: Duration::from_secs_f64(ms / 1000.0),
                    bytes,
                }
            })
            .collect()
    }

    /// Depth-0 fields tile `raw`; every field lies inside `raw`.
    fn check_tiling(d: &Dissected) {
        let mut pos = 0;
        for f in &d.fields {
            assert!(
                f.start + f.len <= d.raw.len(),
                "{}: field {} out of range",
                d.name,
                f.name
            );
            if f.depth == 0 {
                assert_eq!(f.start, pos, "{}: gap/overlap at {}", d.name, f.name);
                pos += f.len;
            }
        }
        assert_eq!(pos, d.raw.len(), "{}: raw not covered", d.name);
        assert!(d.fields.len() <= 2 * MAX_FIELDS + 1);
    }

    fn field<'a>(d: &'a Dissected, name: &str) -> &'a FieldSpan {
        d.fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{}: no field {name}: {:#?}", d.name, d.fields))
    }

    fn item<'a>(ds: &'a [Dissected], name: &str) -> &'a Dissected {
        ds.iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn fixtures_tile_exactly_and_parse_cleanly() {
        for f in ALL {
            let ds = dissect(&chunks(f));
            assert!(!ds.is_empty());
            for d in &ds {
                check_tiling(d);
                for x in &d.fields {
                    assert!(
                        !["unparsed", "malformed", "trailing bytes", "truncated"]
                            .contains(&x.name.as_str()),
                        "{}: {x:?}",
                        d.name
                    );
                    assert!(
                        !x.meaning.is_empty(),
                        "{}: {} has no meaning",
                        d.name,
                        x.name
                    );
                }
                if d.raw.first().is_some_and(|t| (1..=24).contains(t))
                    && !d.fields.iter().any(|x| x.name == "content_type")
                {
                    // Handshake message: header length matches raw.
                    assert_eq!(u24_at(&d.raw, 1), Some(d.raw.len() - 4), "{}", d.name);
                }
            }
        }
    }

    #[test]
    fn order_matches_the_decoder() {
        use crate::wire::Transcript;
        for f in ALL {
            let cs = chunks(f);
            let ds = dissect(&cs);
            let t = Transcript::decode(&cs);
            // Same handshake messages in the same order, from the same side.
            let hs_d: Vec<_> = ds
                .iter()
                .filter(|d| {
                    !["ChangeCipherSpec", "Alert", "EncryptedRecord"].contains(&d.name.as_str())
                })
                .map(|d| (d.from, d.name.as_str()))
                .collect();
            let hs_t: Vec<_> = t
                .messages
                .iter()
                .filter(|m| m.body.is_handshake())
                .map(|m| (m.from, m.body.name()))
                .collect();
            assert_eq!(hs_d, hs_t);
        }
    }

    #[test]
    fn tls13_client_and_server_hello() {
        let ds = dissect(&chunks(TLS13));
        let names: Vec<_> = ds.iter().take(4).map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "ClientHello",
                "ServerHello",
                "ChangeCipherSpec",
                "EncryptedRecord"
            ]
        );
        let sh = item(&ds, "ServerHello");
        assert!(
            field(sh, "cipher_suite")
                .value
                .contains("TLS_AES_256_GCM_SHA384")
        );
        assert_eq!(field(sh, "selected_version").value, "TLSv1.3 (0x0304)");
        let ks = field(sh, "extension key_share");
        assert!(ks.value.starts_with("x25519, 32-byte key"), "{}", ks.value);
        assert_eq!(ks.depth, 0);
        let ch = item(&ds, "ClientHello");
        assert_eq!(field(ch, "host_name").value, "localhost");
        assert_eq!(field(ch, "host_name").depth, 1);
        assert_eq!(field(ch, "legacy_version").value, "TLSv1.2 (0x0303)");
        assert!(
            field(ch, "cipher_suites[0]")
                .value
                .contains("TLS_AES_256_GCM_SHA384")
        );
        assert!(
            field(ch, "extension supported_versions")
                .value
                .contains("TLSv1.3")
        );
        assert!(field(ch, "client_shares[0]").value.starts_with("x25519"));
        // The hex pane: the cipher_suite field's bytes are the suite code.
        let cs = field(sh, "cipher_suite");
        assert_eq!(&sh.raw[cs.start..cs.start + cs.len], &[0x13, 0x02]);
        let enc = item(&ds, "EncryptedRecord");
        assert!(
            field(enc, "encrypted_record")
                .value
                .starts_with("encrypted: ")
        );
        assert_eq!(field(enc, "encrypted_record").rfc, "RFC 8446 §5.2");
        // JSON works.
        let j = serde_json::to_string(&ds).unwrap();
        assert!(j.contains("\"from\":\"client\""));
    }

    #[test]
    fn hello_retry_request() {
        let ds = dissect(&chunks(HRR));
        let hrr = item(&ds, "HelloRetryRequest");
        assert_eq!(hrr.from, Direction::Server);
        assert!(field(hrr, "selected_group").value.contains("secp384r1"));
        assert!(
            field(hrr, "random")
                .value
                .contains("HelloRetryRequest magic")
        );
        assert_eq!(field(hrr, "random").rfc, "RFC 8446 §4.1.3");
        // Two ClientHellos; the second shares secp384r1.
        let chs: Vec<_> = ds.iter().filter(|d| d.name == "ClientHello").collect();
        assert_eq!(chs.len(), 2);
        assert!(
            field(chs[1], "client_shares[0]")
                .value
                .starts_with("secp384r1")
        );
        assert!(ds.iter().any(|d| d.name == "ServerHello"));
    }

    #[test]
    fn tls12_server_key_exchange_and_flight() {
        let ds = dissect(&chunks(TLS12));
        let ske = item(&ds, "ServerKeyExchange");
        assert_eq!(field(ske, "named_curve").value, "x25519 (0x001d)");
        assert_eq!(
            field(ske, "public").value,
            "32 bytes (Montgomery u-coordinate)"
        );
        assert_eq!(
            field(ske, "signature_algorithm").value,
            "rsa_pss_rsae_sha256 (0x0804)"
        );
        assert_eq!(field(ske, "signature").value, "256 bytes");
        let cert = item(&ds, "Certificate");
        assert!(field(cert, "certificate[0]").value.contains("781 bytes"));
        assert_eq!(field(cert, "certificate[0]").len, 3 + 781);
        let ch = item(&ds, "ClientHello");
        assert_eq!(field(ch, "host_name").value, "example.test");
        assert_eq!(field(ch, "protocol_name_list[1]").value, "http/1.1");
        let sh = item(&ds, "ServerHello");
        assert_eq!(
            field(sh, "extension application_layer_protocol_negotiation").value,
            "h2"
        );
        assert_eq!(
            field(sh, "extension renegotiation_info").value,
            "empty (initial handshake)"
        );
        assert!(
            sh.fields
                .iter()
                .any(|f| f.name == "extension extended_master_secret")
        );
        let cke = item(&ds, "ClientKeyExchange");
        assert_eq!(field(cke, "ecdh_Yc").value, "32 bytes");
        assert!(item(&ds, "ServerHelloDone").fields.len() == 2);
        let nst = item(&ds, "NewSessionTicket");
        assert_eq!(field(nst, "ticket_lifetime_hint").rfc, "RFC 5077 §3.3");
        // Client Finished is encrypted after the client's CCS.
        let ccs = ds
            .iter()
            .position(|d| d.name == "ChangeCipherSpec")
            .unwrap();
        assert_eq!(ds[ccs + 1].name, "EncryptedRecord");
        assert_eq!(
            field(&ds[ccs + 1], "encrypted_record").rfc,
            "RFC 5246 §6.2.3"
        );
    }

    #[test]
    fn tls11_signature_has_no_algorithm() {
        let ds = dissect(&chunks(TLS11));
        let ske = item(&ds, "ServerKeyExchange");
        assert!(ske.fields.iter().all(|f| f.name != "signature_algorithm"));
        let sig = field(ske, "signature");
        assert!(sig.value.contains("MD5+SHA-1"), "{}", sig.value);
        assert_eq!(sig.rfc, "RFC 4346 §7.4.3");
    }

    #[test]
    fn dhe_and_cbc_and_alert() {
        let ds = dissect(&chunks(DHE));
        let ske = item(&ds, "ServerKeyExchange");
        assert_eq!(field(ske, "dh_p").value, "2048-bit prime");
        assert_eq!(field(ske, "dh_g").value, "2");
        assert_eq!(field(ske, "dh_Ys").value, "256 bytes");
        assert!(
            field(item(&ds, "ClientKeyExchange"), "dh_Yc")
                .value
                .ends_with("bytes")
        );

        let ds = dissect(&chunks(TLS12_CBC));
        let ske = item(&ds, "ServerKeyExchange");
        assert_eq!(field(ske, "named_curve").value, "secp256r1 (0x0017)");
        assert_eq!(field(ske, "public").value, "65 bytes (uncompressed point)");

        let ds = dissect(&chunks(ALERT));
        let a = item(&ds, "Alert");
        assert_eq!(a.from, Direction::Server);
        assert_eq!(field(a, "level").value, "fatal (2)");
        assert_eq!(field(a, "description").value, "protocol_version (70)");
        assert!(field(a, "description").meaning.contains("version"));
        assert_eq!(field(a, "description").rfc, "RFC 8446 §6.2");
    }

    #[test]
    fn standalone_server_key_exchange_guesses_shape() {
        for (f, want) in [
            (DHE, "dh_p"),
            (TLS12_CBC, "named_curve"),
            (TLS12, "named_curve"),
        ] {
            let ds = dissect(&chunks(f));
            let ske = item(&ds, "ServerKeyExchange");
            let d = dissect_handshake(Direction::Server, 1.0, &ske.raw, None);
            check_tiling(&d);
            field(&d, want);
            field(&d, "signature_algorithm");
            assert!(d.fields.iter().all(|x| x.name != "unparsed"));
        }
    }

    fn hs_msg(t: u8, body: &[u8]) -> Vec<u8> {
        let n = body.len() as u32;
        let mut v = vec![t, (n >> 16) as u8, (n >> 8) as u8, n as u8];
        v.extend_from_slice(body);
        v
    }

    fn vec_n(w: usize, b: &[u8]) -> Vec<u8> {
        let n = b.len() as u32;
        let mut v = n.to_be_bytes()[4 - w..].to_vec();
        v.extend_from_slice(b);
        v
    }

    /// A minimal DER certificate whose subject CN is `cn`.
    fn fake_cert(cn: &str) -> Vec<u8> {
        let tlv = |tag: u8, body: &[u8]| {
            let mut v = vec![tag, body.len() as u8];
            v.extend_from_slice(body);
            v
        };
        let name = tlv(
            0x30,
            &tlv(
                0x31,
                &tlv(
                    0x30,
                    &[&[6, 3, 0x55, 4, 3][..], &tlv(0x0c, cn.as_bytes())].concat(),
                ),
            ),
        );
        let tbs = [
            tlv(0xa0, &tlv(2, &[2])),
            tlv(2, &[1]),
            tlv(0x30, &[]),
            tlv(0x30, &[]),
            tlv(0x30, &[]),
            name,
        ]
        .concat();
        tlv(
            0x30,
            &[tlv(0x30, &tbs), tlv(0x30, &[]), tlv(3, &[0])].concat(),
        )
    }

    #[test]
    fn tls13_certificate_by_hand() {
        let der = fake_cert("leaf.test");
        let ocsp = [&[0u8, 5][..], &vec_n(2, &[1, 0, 0, 2, 0xaa, 0xbb])].concat();
        let entry0 = [vec_n(3, &der), vec_n(2, &ocsp)].concat();
        let entry1 = [vec_n(3, &[0x30, 0]), vec_n(2, &[])].concat();
        let body = [vec_n(1, &[]), vec_n(3, &[entry0, entry1].concat())].concat();
        let raw = hs_msg(11, &body);
        let d = dissect_handshake(Direction::Server, 3.5, &raw, Some(0x0304));
        check_tiling(&d);
        assert_eq!(d.name, "Certificate");
        assert_eq!(d.at_ms, 3.5);
        assert_eq!(field(&d, "certificate_request_context").value, "empty");
        let c0 = field(&d, "certificate[0]");
        assert!(c0.value.starts_with("CN=leaf.test"), "{}", c0.value);
        assert_eq!(c0.rfc, "RFC 8446 §4.4.2");
        assert_eq!(field(&d, "certificate[1]").value, "DER, 2 bytes");
        let sr = field(&d, "extension status_request");
        assert_eq!(sr.depth, 1);
        assert_eq!(field(&d, "status_type").depth, 2);
        assert!(d.fields.iter().all(|x| x.name != "unparsed"));
        // Without a hint the TLS 1.3 layout is recognised too.
        let d = dissect_handshake(Direction::Server, 0.0, &raw, None);
        check_tiling(&d);
        field(&d, "certificate_request_context");
        // TLS 1.2 layout.
        let body = vec_n(3, &vec_n(3, &der));
        let d = dissect_handshake(Direction::Server, 0.0, &hs_msg(11, &body), Some(0x0303));
        check_tiling(&d);
        assert!(
            field(&d, "certificate[0]")
                .value
                .starts_with("CN=leaf.test")
        );
        assert_eq!(field(&d, "certificate[0]").rfc, "RFC 5246 §7.4.2");
    }

    #[test]
    fn other_tls13_messages_by_hand() {
        let h = Some(0x0304);
        let s = Direction::Server;
        // EncryptedExtensions with ALPN and server_name.
        let alpn = [&[0u8, 16][..], &vec_n(2, &vec_n(2, &vec_n(1, b"h2")))].concat();
        let ee = hs_msg(8, &vec_n(2, &[&alpn[..], &[0, 0, 0, 0]].concat()));
        let d = dissect_handshake(s, 0.0, &ee, h);
        check_tiling(&d);
        assert_eq!(d.name, "EncryptedExtensions");
        assert_eq!(
            field(&d, "extension application_layer_protocol_negotiation").value,
            "h2"
        );
        assert_eq!(
            field(&d, "extension server_name").value,
            "empty (acknowledged)"
        );
        // CertificateVerify, Finished, NewSessionTicket, KeyUpdate.
        let cv = hs_msg(15, &[&[8u8, 4][..], &vec_n(2, &[7; 256])].concat());
        let d = dissect_handshake(s, 0.0, &cv, h);
        check_tiling(&d);
        assert_eq!(field(&d, "algorithm").value, "rsa_pss_rsae_sha256 (0x0804)");
        let d = dissect_handshake(s, 0.0, &hs_msg(20, &[9; 48]), h);
        check_tiling(&d);
        assert_eq!(field(&d, "verify_data").rfc, "RFC 8446 §4.4.4");
        let nst = [
            &7200u32.to_be_bytes()[..],
            &[1, 2, 3, 4],
            &vec_n(1, &[0]),
            &vec_n(2, &[5; 100]),
            &vec_n(2, &[0, 42, 0, 4, 0, 0, 0x40, 0]),
        ]
        .concat();
        let d = dissect_handshake(s, 0.0, &hs_msg(4, &nst), h);
        check_tiling(&d);
        assert_eq!(field(&d, "ticket").value, "100 bytes");
        assert_eq!(field(&d, "max_early_data_size").value, "16384 bytes");
        // Without a hint the TLS 1.3 layout is recognised.
        let d = dissect_handshake(s, 0.0, &hs_msg(4, &nst), None);
        field(&d, "ticket_age_add");
        let d = dissect_handshake(Direction::Client, 0.0, &hs_msg(24, &[1]), h);
        check_tiling(&d);
        assert_eq!(d.name, "KeyUpdate");
        assert_eq!(field(&d, "request_update").value, "update_requested (1)");
        // TLS 1.3 CertificateRequest.
        let sa = [&[0u8, 13][..], &vec_n(2, &vec_n(2, &[8, 4, 4, 3]))].concat();
        let cr = hs_msg(13, &[vec_n(1, &[]), vec_n(2, &sa)].concat());
        let d = dissect_handshake(s, 0.0, &cr, h);
        check_tiling(&d);
        assert_eq!(
            field(&d, "extension signature_algorithms").value,
            "rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256"
        );
    }

    #[test]
    fn hostile_strings_and_sizes() {
        // SNI with control characters and a huge length: sanitized and capped.
        let mut host = b"evil\x1b[31m\n".to_vec();
        host.extend(std::iter::repeat_n(b'a', 500));
        let sni = [
            &[0u8, 0][..],
            &vec_n(2, &vec_n(2, &[&[0u8][..], &vec_n(2, &host)].concat())),
        ]
        .concat();
        let suites: Vec<u8> = (0..30_000u32)
            .flat_map(|i| (i as u16).to_be_bytes())
            .collect();
        let ch = [
            &[3u8, 3][..],
            &[0; 32],
            &vec_n(1, &[]),
            &vec_n(2, &suites),
            &vec_n(1, &[0]),
            &vec_n(2, &sni),
        ]
        .concat();
        let d = dissect_handshake(Direction::Client, 0.0, &hs_msg(1, &ch), None);
        check_tiling(&d);
        assert!(d.fields.len() <= MAX_FIELDS + 2);
        // The suite list is capped; the SNI then lies in an `unparsed` gap.
        assert!(d.fields.iter().any(|f| f.name == "unparsed"));
        // A smaller one shows the sanitized name.
        let ch = [
            &[3u8, 3][..],
            &[0; 32],
            &vec_n(1, &[]),
            &vec_n(2, &[0x13, 1]),
            &vec_n(1, &[0]),
            &vec_n(2, &sni),
        ]
        .concat();
        let d = dissect_handshake(Direction::Client, 0.0, &hs_msg(1, &ch), None);
        check_tiling(&d);
        let v = &field(&d, "host_name").value;
        assert!(v.starts_with("evil\\x1b[31m\\x0a"), "{v}");
        assert!(v.chars().all(|c| c == '…' || (' '..='~').contains(&c)));
        assert!(v.len() < 200);
        // Oversize message.
        let big = hs_msg(11, &vec![0; MAX_HANDSHAKE + 1]);
        let d = dissect_handshake(Direction::Server, 0.0, &big, None);
        check_tiling(&d);
        assert_eq!(d.fields.len(), 1);
        assert_eq!(d.fields[0].name, "truncated");
        assert!(d.raw.len() <= DISPLAY_CAP);
        // The same through the record layer.
        let mut rec = vec![22, 3, 3, 0, 4, 11, 0x10, 0, 0];
        rec.extend_from_slice(&[23, 3, 3, 0, 1, 0]);
        let ds = dissect(&[Chunk {
            dir: Direction::Server,
            at: Duration::ZERO,
            bytes: rec,
        }]);
        assert_eq!(ds[0].fields[0].name, "truncated");
        // Item cap: many tiny records.
        let rec = [23u8, 3, 3, 0, 1, 0];
        let bytes: Vec<u8> = rec.iter().copied().cycle().take(6 * 6000).collect();
        let ds = dissect(&[Chunk {
            dir: Direction::Client,
            at: Duration::ZERO,
            bytes,
        }]);
        assert_eq!(ds.len(), MAX_ITEMS);
        // Not TLS.
        let ds = dissect(&[Chunk {
            dir: Direction::Server,
            at: Duration::from_millis(2),
            bytes: b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec(),
        }]);
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].name, "NotTls");
        assert_eq!(ds[0].at_ms, 2.0);
        check_tiling(&ds[0]);
        // Tiny inputs.
        for raw in [&[][..], &[1], &[1, 0, 0], &[1, 0, 0, 5, 3]] {
            check_tiling(&dissect_handshake(Direction::Client, 0.0, raw, None));
        }
    }

    #[test]
    fn sslv2_client_hello() {
        // SSLv2 CLIENT-HELLO offering one TLS suite and one SSLv2 kind.
        let mut body = vec![1, 3, 1, 0, 6, 0, 0, 0, 16];
        body.extend_from_slice(&[0, 0x00, 0x2f, 0x01, 0x00, 0x80]);
        body.extend_from_slice(&[7; 16]);
        let mut rec = vec![0x80 | (body.len() >> 8) as u8, body.len() as u8];
        rec.extend_from_slice(&body);
        let ds = dissect(&[Chunk {
            dir: Direction::Client,
            at: Duration::ZERO,
            bytes: rec,
        }]);
        assert_eq!(ds[0].name, "SSLv2ClientHello");
        check_tiling(&ds[0]);
        assert!(
            field(&ds[0], "cipher_specs[0]")
                .value
                .contains("TLS_RSA_WITH_AES_128_CBC_SHA")
        );
        assert!(ds[0].fields.iter().all(|f| f.name != "unparsed"));
    }

    #[test]
    fn byte_by_byte_feeding_gives_the_same_result() {
        for f in [TLS12, HRR] {
            let cs = chunks(f);
            let whole = dissect(&cs);
            let split: Vec<Chunk> = cs
                .iter()
                .flat_map(|c| {
                    c.bytes.iter().map(move |b| Chunk {
                        dir: c.dir,
                        at: c.at,
                        bytes: vec![*b],
                    })
                })
                .collect();
            let pieces = dissect(&split);
            assert_eq!(whole.len(), pieces.len());
            for (a, b) in whole.iter().zip(&pieces) {
                assert_eq!(
                    (a.from, &a.name, &a.raw, &a.fields),
                    (b.from, &b.name, &b.raw, &b.fields)
                );
                assert_eq!(a.at_ms, b.at_ms);
            }
        }
    }

    #[test]
    fn client_hello_extensions_by_hand() {
        let ext = |code: u16, data: &[u8]| [&code.to_be_bytes()[..], &vec_n(2, data)].concat();
        let psk = [
            vec_n(
                2,
                &[vec_n(2, &[1; 40]), 5u32.to_be_bytes().to_vec()].concat(),
            ),
            vec_n(2, &vec_n(1, &[2; 32])),
        ]
        .concat();
        let exts = [
            ext(0x1a1a, &[]),
            ext(5, &[1, 0, 0, 0, 0]),
            ext(0xff01, &[0]),
            ext(21, &[0; 7]),
            ext(0x4444, &[1, 2, 3]),
            ext(41, &psk),
        ]
        .concat();
        let ch = [
            &[3u8, 3][..],
            &[0; 32],
            &vec_n(1, &[]),
            &vec_n(2, &[0x2a, 0x2a, 0x13, 1, 0, 0xff]),
            &vec_n(1, &[0]),
            &vec_n(2, &exts),
        ]
        .concat();
        let d = dissect_handshake(Direction::Client, 0.0, &hs_msg(1, &ch), None);
        check_tiling(&d);
        assert!(d.fields.iter().all(|f| f.name != "unparsed"));
        assert_eq!(
            field(&d, "cipher_suites").value,
            "3 suites (1 GREASE), first TLS_AES_128_GCM_SHA256"
        );
        assert_eq!(field(&d, "cipher_suites[0]").rfc, "RFC 8701");
        assert_eq!(field(&d, "extension GREASE").value, "GREASE, ignored");
        assert_eq!(
            field(&d, "extension status_request").value,
            "OCSP stapling requested"
        );
        assert_eq!(field(&d, "extension status_request").rfc, "RFC 6066 §8");
        assert_eq!(
            field(&d, "extension renegotiation_info").rfc,
            "RFC 5746 §3.2"
        );
        assert_eq!(field(&d, "extension padding").value, "7 bytes of zeros");
        assert_eq!(field(&d, "extension 0x4444").value, "3 bytes");
        let p = field(&d, "extension pre_shared_key");
        assert_eq!(p.value, "1 identity");
        assert_eq!(p.rfc, "RFC 8446 §4.2.11");
        assert!(
            field(&d, "identities[0]")
                .value
                .starts_with("40 bytes identity")
        );
        assert_eq!(field(&d, "binders[0]").value, "32 bytes");
    }

    #[test]
    fn trickled_input_stays_linear() {
        // A 60,000-byte handshake message in 1-byte records, the stream in 1-byte chunks.
        let msg = hs_msg(99, &vec![7; 60_000]);
        let stream: Vec<u8> = msg.iter().flat_map(|b| [22, 3, 3, 0, 1, *b]).collect();
        let cs: Vec<Chunk> = stream
            .iter()
            .enumerate()
            .map(|(i, b)| Chunk {
                dir: Direction::Server,
                at: Duration::from_micros(i as u64),
                bytes: vec![*b],
            })
            .collect();
        let t = std::time::Instant::now();
        let ds = dissect(&cs);
        assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].name, "Unknown");
        assert_eq!(ds[0].raw, msg);
        assert_eq!(ds[0].at_ms, 0.0);
        check_tiling(&ds[0]);
        field(&ds[0], "body");
    }

    /// xorshift64*: enough randomness for a bounded mutation loop.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            if n == 0 {
                0
            } else {
                (self.next() % n as u64) as usize
            }
        }
    }

    #[test]
    fn mutated_fixtures_never_panic() {
        let fixtures: Vec<Vec<Chunk>> = ALL.iter().map(|f| chunks(f)).collect();
        // Handshake messages to mutate directly through dissect_handshake.
        let msgs: Vec<Vec<u8>> = fixtures
            .iter()
            .flat_map(|cs| dissect(cs))
            .filter(|d| !d.fields.iter().any(|f| f.name == "content_type"))
            .map(|d| d.raw)
            .collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for i in 0..1000 {
            let mut cs = fixtures[i % fixtures.len()].clone();
            for _ in 0..1 + rng.below(4) {
                let k = rng.below(cs.len());
                let c = &mut cs[k];
                if c.bytes.is_empty() {
                    continue;
                }
                match rng.below(4) {
                    0 | 1 => {
                        let p = rng.below(c.bytes.len());
                        c.bytes[p] ^= 1 << rng.below(8);
                    }
                    2 => {
                        let p = rng.below(c.bytes.len());
                        c.bytes[p] = rng.next() as u8;
                    }
                    _ => {
                        let n = rng.below(c.bytes.len());
                        c.bytes.truncate(n);
                    }
                }
            }
            for d in dissect(&cs) {
                check_tiling(&d);
            }
            let mut m = msgs[rng.below(msgs.len())].clone();
            for _ in 0..1 + rng.below(6) {
                let p = rng.below(m.len());
                if let Some(b) = m.get_mut(p) {
                    *b = rng.next() as u8;
                }
            }
            if rng.below(3) == 0 {
                let n = rng.below(m.len());
                m.truncate(n);
            }
            let hint = [None, Some(0x0301), Some(0x0303), Some(0x0304)][rng.below(4)];
            check_tiling(&dissect_handshake(Direction::Server, 0.0, &m, hint));
        }
    }
}
