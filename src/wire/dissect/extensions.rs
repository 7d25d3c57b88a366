//! Extension blocks: the walk over a block, the documentation of each extension type
//! (the registry's meanings and RFC sections), and list helpers shared by the bodies.
//! The names themselves are in `crate::iana`; a new extension is one arm in
//! `ext_body` plus its name there (and a line in `ext_doc` for its meaning).

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
        let (meaning, rfc) = ext_doc(code, ctx);
        idx = o.push(
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
    }
    let mut b = body;
    let value = match ext_body(&mut b, o, d, code, ctx, ext) {
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
    o.set_value(idx, value);
}

pub(super) fn ext_doc(code: u16, ctx: ExtCtx) -> (&'static str, &'static str) {
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
