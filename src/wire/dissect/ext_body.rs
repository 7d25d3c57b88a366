//! Extension bodies, one layout per extension type: each arm reads the body once,
//! fills the typed [`HelloExtensions`] and records the fields.

use super::*;

/// Peer strings in the typed view (the JSON) are cut after this many bytes.
const TYPED_STR: usize = 255;

/// One extension body: typed fields into `ext`, recorded fields into `o`; returns the
/// one-line value of the extension, or `None` when the body does not parse.
pub(super) fn ext_body(
    b: &mut Cur<'_>,
    o: &mut Out,
    d: u8,
    code: u16,
    ctx: ExtCtx,
    ext: &mut HelloExtensions,
) -> Option<String> {
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
            let mut l = list(b, o, d, 2, "server_name_list", rfc)?;
            let mut first = None;
            while !l.is_empty() {
                let es = l.pos;
                let kind = l.u8()?;
                let n = l.vec(2)?;
                if kind == 0 && ext.server_name.is_none() {
                    ext.server_name = Some(escape(n.bytes(), TYPED_STR));
                }
                let v = escape(n.bytes(), MAX_STR);
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
            ext.max_fragment_length = Some(m);
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
            ext.status_request = true;
            if b.is_empty() {
                return Some("empty (a status will be stapled)".into());
            }
            o.read(
                b,
                d,
                "status_type",
                |b| b.u8(),
                |t| {
                    if t == 1 {
                        "ocsp (1)".to_string()
                    } else {
                        format!("{t}")
                    }
                },
                "Kind of status: OCSP.",
                rfc,
            )?;
            if ctx == ExtCtx::CertEntry {
                let r = o.opaque(
                    b,
                    d,
                    3,
                    "ocsp_response",
                    "DER OCSP response signed by the CA: the certificate is not revoked.",
                    rfc,
                )?;
                return Some(format!("OCSP response, {}", bytes_n(r.rem())));
            }
            o.read(
                b,
                d,
                "responder_id_list",
                |b| b.vec(2),
                |r| preview(r.bytes()),
                "OCSP responders the client trusts (empty: any).",
                rfc,
            )?;
            o.read(
                b,
                d,
                "request_extensions",
                |b| b.vec(2),
                |e| preview(e.bytes()),
                "OCSP request extensions (e.g. a nonce).",
                rfc,
            )?;
            Some("OCSP stapling requested".into())
        }
        10 => {
            let l = list(b, o, d, 2, "named_group_list", rfc)?;
            let (v, sum) = u16_children(o, d, l, "named_group_list", group_value, group_doc);
            ext.supported_groups = Some(v.into_iter().map(Group).collect());
            Some(sum)
        }
        11 => {
            let l = list(b, o, d, 1, "ec_point_format_list", rfc)?;
            let v = entries(o, d, l, "ec_point_format_list", rfc, |l| {
                let f = l.u8()?;
                let n = names::ec_point_format_name(f);
                Some((
                    format!("{n} ({f})"),
                    n,
                    "A point encoding the sender can parse.",
                ))
            })?;
            ext.ec_point_formats = Some(v.clone());
            Some(summary(&v))
        }
        13 | 50 => {
            let l = list(b, o, d, 2, "supported_signature_algorithms", rfc)?;
            let (v, sum) = u16_children(
                o,
                d,
                l,
                "supported_signature_algorithms",
                scheme_value,
                or_grease(
                    "GREASE: a meaningless scheme.",
                    "A signature scheme (algorithm + hash) the sender accepts.",
                    rfc,
                ),
            );
            let v = Some(v.into_iter().map(SigScheme).collect());
            if code == 13 {
                ext.signature_algorithms = v;
            } else {
                ext.signature_algorithms_cert = v;
            }
            Some(sum)
        }
        16 => {
            let l = list(b, o, d, 2, "protocol_name_list", rfc)?;
            let meaning = if client {
                "An application protocol the client offers (IANA ALPN id)."
            } else {
                "The application protocol the server selected."
            };
            let mut typed = Vec::new();
            let v = entries(o, d, l, "protocol_name_list", rfc, |l| {
                let raw = l.vec(1)?.bytes();
                typed.push(escape(raw, TYPED_STR));
                let name = escape(raw, MAX_STR);
                Some((name.clone(), name, meaning))
            })?;
            ext.alpn = Some(typed);
            Some(summary(&v))
        }
        18 => {
            ext.signed_certificate_timestamp = true;
            generic(b, o, d, rfc)
        }
        21 => {
            ext.padding_len = Some(b.rem());
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
            let l = list(b, o, d, 1, "algorithms", rfc)?;
            let (v, sum) = u16_children(
                o,
                d,
                l,
                "algorithms",
                |x| format!("{} ({x})", names::cert_compression_name(x)),
                |_| ("A certificate compression algorithm.", rfc),
            );
            ext.compress_certificate =
                Some(v.into_iter().map(names::cert_compression_name).collect());
            Some(sum)
        }
        28 => {
            let l = o.read(
                b,
                d,
                "record_size_limit",
                |b| b.u16(),
                |l| bytes_n(usize::from(l)),
                "Largest record plaintext the sender accepts.",
                rfc,
            )?;
            ext.record_size_limit = Some(l);
            Some(bytes_n(usize::from(l)))
        }
        35 => {
            ext.session_ticket = true;
            ext.session_ticket_len = Some(b.rem());
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
            let ids = list(b, o, d, 2, "identities", rfc)?;
            let n = entries(o, d, ids, "identities", rfc, |ids| {
                let id = ids.vec(2)?;
                let age = ids.u32()?;
                let v = format!(
                    "{} identity, obfuscated_ticket_age 0x{age:08x}",
                    bytes_n(id.rem())
                );
                let m = "A PSK label (usually a ticket) and its age plus ticket_age_add.";
                Some((v, String::new(), m))
            })?
            .len();
            ext.psk_identities = Some(n);
            let bs = list(b, o, d, 2, "binders", rfc)?;
            entries(o, d, bs, "binders", rfc, |bs| {
                let x = bs.vec(1)?;
                let m = "HMAC over the ClientHello so far with a key from the PSK: proves the \
                         client holds the PSK.";
                Some((bytes_n(x.rem()), String::new(), m))
            })?;
            Some(if n == 1 {
                "1 identity".into()
            } else {
                format!("{n} identities")
            })
        }
        41 => {
            let i = o.read(
                b,
                d,
                "selected_identity",
                |b| b.u16(),
                |i| format!("{i}"),
                "Index of the client's PSK identity the server accepted.",
                rfc,
            )?;
            ext.psk_selected_identity = Some(i);
            Some(format!("identity {i} selected"))
        }
        42 if ctx != ExtCtx::Ticket => {
            ext.early_data = true;
            generic(b, o, d, rfc)
        }
        42 => {
            let m = o.read(
                b,
                d,
                "max_early_data_size",
                |b| b.u32(),
                |m| format!("{m} bytes"),
                "Most 0-RTT data the client may send with this ticket.",
                rfc,
            )?;
            Some(format!("max {m} bytes"))
        }
        43 if client => {
            let l = list(b, o, d, 1, "versions", rfc)?;
            let (v, sum) = u16_children(
                o,
                d,
                l,
                "versions",
                version_value,
                or_grease(
                    "GREASE: a meaningless version.",
                    "A version the client supports.",
                    rfc,
                ),
            );
            ext.supported_versions = Some(v.into_iter().map(Version).collect());
            Some(sum)
        }
        43 => {
            let v = o.read(
                b,
                d,
                "selected_version",
                |b| b.u16(),
                version_value,
                "The negotiated version; overrides legacy_version.",
                rfc,
            )?;
            ext.selected_version = Some(Version(v));
            Some(short_name(&version_value(v)))
        }
        44 => {
            ext.cookie = true;
            let k = o.opaque(
                b,
                d,
                2,
                "cookie",
                "Opaque server state, echoed back verbatim.",
                rfc,
            )?;
            Some(bytes_n(k.rem()))
        }
        45 => {
            let l = list(b, o, d, 1, "ke_modes", rfc)?;
            let v = entries(o, d, l, "ke_modes", rfc, |l| {
                let m = l.u8()?;
                let n = names::psk_mode_name(m);
                let meaning = if m == 1 {
                    "PSK with (EC)DHE: resumption keeps forward secrecy."
                } else {
                    "A PSK key exchange mode."
                };
                Some((format!("{n} ({m})"), n, meaning))
            })?;
            ext.psk_key_exchange_modes = Some(v.clone());
            Some(summary(&v))
        }
        47 => {
            let n = distinguished_names(
                b,
                o,
                d,
                "authorities",
                "DER distinguished names of acceptable CAs.",
                rfc,
            )?;
            Some(format!("{n} CAs"))
        }
        51 if ctx == ExtCtx::HelloRetry => {
            let g = o.read(
                b,
                d,
                "selected_group",
                |b| b.u16(),
                group_value,
                "The group the client must send a key share for in its second ClientHello.",
                rfc,
            )?;
            ext.selected_group = Some(Group(g));
            Some(format!("selected group {}", names::group_name(g)))
        }
        51 if client => {
            let mut l = list(b, o, d, 2, "client_shares", rfc)?;
            let mut v = Vec::new();
            let mut shares = Vec::new();
            while !l.is_empty() {
                let p = l.pos;
                let mut t = l;
                let g = t.u16()?;
                let k = t.vec(2)?;
                if o.on {
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
                    v.push(gn);
                }
                l = t;
                shares.push(KeyShare {
                    group: Group(g),
                    key_len: k.rem(),
                });
            }
            ext.key_shares = Some(shares);
            Some(summary(&v))
        }
        51 => {
            let s = b.pos;
            let g = b.u16()?;
            let k = b.vec(2)?;
            ext.key_share = Some(KeyShare {
                group: Group(g),
                key_len: k.rem(),
            });
            key_share_children(o, d, s, g, &k, rfc);
            Some(format!("{}, {}-byte key", names::group_name(g), k.rem()))
        }
        22 | 23 | 49 | 0xfe0d => {
            match code {
                22 => ext.encrypt_then_mac = true,
                23 => ext.extended_master_secret = true,
                49 => ext.post_handshake_auth = true,
                _ => ext.encrypted_client_hello = true,
            }
            generic(b, o, d, rfc)
        }
        0xff01 => {
            ext.renegotiation_info = true;
            let r = o.read(
                b,
                d,
                "renegotiated_connection",
                |b| b.vec(1),
                |r| {
                    if r.is_empty() {
                        "empty (initial handshake)".to_string()
                    } else {
                        bytes_n(r.rem())
                    }
                },
                "Finished verify_data of the previous handshake on this connection; empty \
                 on the first.",
                rfc,
            )?;
            Some(if r.is_empty() {
                "empty (initial handshake)".into()
            } else {
                bytes_n(r.rem())
            })
        }
        _ => generic(b, o, d, rfc),
    }
}

/// A body this walk does not break down: one `data` field.
fn generic(b: &mut Cur<'_>, o: &mut Out, d: u8, rfc: &'static str) -> Option<String> {
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

pub(super) fn key_share_children(
    o: &mut Out,
    d: u8,
    s: usize,
    g: u16,
    k: &Cur<'_>,
    rfc: &'static str,
) {
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
