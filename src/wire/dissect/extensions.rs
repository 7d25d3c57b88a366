//! Extension blocks: the walk over a block, each extension's header, and list helpers
//! shared by the bodies. Adding an extension is one arm in `ext_body` (or `ext13` for
//! the TLS 1.3 ones), which documents, reads, types and records it, plus its name in
//! `crate::iana::extension_name`; the writer can send any extension as `Ext::Raw`
//! before it gets a variant of its own.

use super::*;

/// Which message an extension block belongs to (some bodies depend on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ExtCtx {
    Client,
    Server,
    HelloRetry,
    Encrypted,
    CertEntry,
    CertRequest,
    Ticket,
}

/// An extension block walked: the typed view, and whether the block's length fit.
pub(super) struct Block {
    pub(super) ext: HelloExtensions,
    /// The declared length fit in what is present (else the typed view is unusable,
    /// while the recorder still got what could be read).
    pub(super) fits: bool,
    /// Bytes left in the enclosing structure after the block.
    pub(super) after: usize,
    /// Bytes present after the 2-byte length (less than declared when it does not fit).
    pub(super) present: usize,
}

/// The 2-byte extensions length (at `depth`) and each extension (at `depth`, children
/// one deeper). A block that claims more than is present is walked as far as it goes.
/// `None` when not even the length is there.
pub(super) fn ext_block(c: &mut Cur<'_>, o: &mut Out, depth: u8, ctx: ExtCtx) -> Option<Block> {
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
    let mut ext = HelloExtensions::default();
    while !blk.is_empty() {
        let es = blk.pos;
        let mut t = blk;
        let (Some(code), Some(body)) = (t.u16(), t.vec(2)) else {
            ext.malformed.push("extensions block truncated".into());
            // A truncated last extension is left to the caller's gap filler.
            c.pos = blk.pos;
            break;
        };
        blk = t;
        ext_one(o, depth, es, code, body, ctx, &mut ext);
    }
    Some(Block {
        ext,
        fits: n <= avail,
        after: avail.saturating_sub(n),
        present: avail,
    })
}

/// One extension: its entry in the typed list, its typed fields, and its recorded
/// header and body.
pub(super) fn ext_one(
    o: &mut Out,
    depth: u8,
    start: usize,
    code: u16,
    body: Cur<'_>,
    ctx: ExtCtx,
    ext: &mut HelloExtensions,
) {
    let name = names::extension_name(code);
    ext.extensions.push(ExtensionEntry {
        name: name.clone(),
        code,
        len: body.rem(),
    });
    let d = depth.saturating_add(1);
    let mut idx = None;
    if o.on {
        idx = o.push(
            depth,
            format!("extension {name}"),
            (start, 4 + body.rem()),
            "",
            "",
            "",
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
    }
    let mut b = body;
    let mut doc = Doc::default();
    let value = match ext_body(&mut b, o, d, code, ctx, ext, &mut doc) {
        Some(v) => {
            o.trailing(d, &b);
            v
        }
        None => {
            // The typed view only flags what it reads; flags such as status_request
            // or cookie are set whatever their body holds.
            if !matches!(code, 5 | 42 | 44 | 47 | 0xff01) {
                ext.malformed.push(name);
            }
            o.malformed(d, &b);
            "malformed".into()
        }
    };
    o.describe(idx, value, doc.meaning, doc.rfc);
}

/// What an extension is for and where it is specified. Each arm of `ext_body` sets it
/// (so the documentation of an extension sits beside the code that reads it); the
/// default is the word for extensions nothing here breaks down.
pub(super) struct Doc {
    pub(super) meaning: &'static str,
    pub(super) rfc: &'static str,
}

impl Default for Doc {
    fn default() -> Self {
        let (meaning, rfc) = (
            "An extension this dissector does not break down.",
            "RFC 8446 §4.2",
        );
        Doc { meaning, rfc }
    }
}

impl Doc {
    /// Set the documentation; returns the RFC section for the body's fields.
    pub(super) fn set(&mut self, (meaning, rfc): (&'static str, &'static str)) -> &'static str {
        self.meaning = meaning;
        self.rfc = rfc;
        rfc
    }
}

/// Children for each u16 of a list: the values, and (recording) their summary.
pub(super) fn u16_children(
    o: &mut Out,
    d: u8,
    mut l: Cur<'_>,
    name: &str,
    value: fn(u16) -> String,
    doc: impl Fn(u16) -> (&'static str, &'static str),
) -> (Vec<u16>, String) {
    let mut v = Vec::new();
    let mut short = Vec::new();
    while l.rem() >= 2 {
        let p = l.pos;
        let Some(x) = l.u16() else { break };
        if o.on {
            let (m, rfc) = doc(x);
            let full = value(x);
            short.push(short_name(&full));
            o.push(d, format!("{name}[{}]", v.len()), (p, 2), full, m, rfc);
        }
        v.push(x);
    }
    o.trailing(d, &l);
    let sum = if o.on { summary(&short) } else { String::new() };
    (v, sum)
}

/// Open a list with a `w`-byte length prefix: the prefix becomes a `length` child, and
/// the cursor over the entries is returned for the caller to walk.
pub(super) fn list<'a>(
    b: &mut Cur<'a>,
    o: &mut Out,
    d: u8,
    w: u8,
    name: &str,
    rfc: &'static str,
) -> Option<Cur<'a>> {
    let s = b.pos;
    let l = b.vec(w)?;
    len_child(o, d, name, s, usize::from(w), l.rem(), rfc);
    Some(l)
}

/// Walk a list's entries to its end: `item` reads one entry and says (value, short name,
/// meaning); each entry becomes the child `name[i]` over its bytes. Returns the short
/// names; `None` if an entry does not parse.
pub(super) fn entries<'a>(
    o: &mut Out,
    d: u8,
    mut l: Cur<'a>,
    name: &str,
    rfc: &'static str,
    mut item: impl FnMut(&mut Cur<'a>) -> Option<(String, String, &'static str)>,
) -> Option<Vec<String>> {
    let mut v = Vec::new();
    while !l.is_empty() {
        let p = l.pos;
        let (value, short, meaning) = item(&mut l)?;
        o.push(
            d,
            format!("{name}[{}]", v.len()),
            l.span(p),
            value,
            meaning,
            rfc,
        );
        v.push(short);
    }
    Some(v)
}

/// Documentation for the entries of a list that GREASE may salt: `grease` for the
/// reserved values, `meaning` under `rfc` for the rest.
pub(super) fn or_grease(
    grease: &'static str,
    meaning: &'static str,
    rfc: &'static str,
) -> impl Fn(u16) -> (&'static str, &'static str) {
    move |x| {
        if names::is_grease(x) {
            (grease, "RFC 8701")
        } else {
            (meaning, rfc)
        }
    }
}

/// A length prefix as its own child field.
pub(super) fn len_child(
    o: &mut Out,
    d: u8,
    name: &str,
    s: usize,
    w: usize,
    n: usize,
    rfc: &'static str,
) {
    if !o.on {
        return;
    }
    o.push(
        d,
        format!("{name} length"),
        (s, w),
        bytes_n(n),
        "Length of the list that follows.",
        rfc,
    );
}

pub(super) fn group_doc(g: u16) -> (&'static str, &'static str) {
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
