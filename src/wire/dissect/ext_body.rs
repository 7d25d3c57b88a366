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
    doc: &mut Doc,
) -> Option<String> {
    let client = ctx == ExtCtx::Client;
    if names::is_grease(code) {
        let rfc = doc.set(("GREASE: a reserved extension with no meaning, sent so servers stay tolerant of unknown extensions.", "RFC 8701"));
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
            let rfc = doc.set(if client {
                (
                    "Server Name Indication: the host name the client wants, so one address can \
                     serve many sites (sent in the clear).",
                    "RFC 6066 §3",
                )
            } else {
                (
                    "Empty: the server acknowledges it used the client's server_name.",
                    "RFC 6066 §3",
                )
            });
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
                if !o.on {
                    continue;
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
            let rfc = doc.set((
                "Asks for smaller records (512 to 4096 bytes) for constrained clients.",
                "RFC 6066 §4",
            ));
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
            let rfc = doc.set(if ctx == ExtCtx::CertEntry {
                (
                    "The stapled OCSP response for this certificate.",
                    "RFC 8446 §4.4.2.1",
                )
            } else {
                (
                    "OCSP stapling: the client asks the server to include a fresh revocation \
                     status for its certificate.",
                    "RFC 6066 §8",
                )
            });
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
                return Some(o.val(|| format!("OCSP response, {}", bytes_n(r.rem()))));
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
            let rfc = doc.set(if client {
                (
                    "Groups (curves / finite fields / hybrids) the client supports for key \
                     exchange, most preferred first.",
                    "RFC 8446 §4.2.7",
                )
            } else {
                (
                    "The server's supported groups, for the client to use next time.",
                    "RFC 8446 §4.2.7",
                )
            });
            let l = list(b, o, d, 2, "named_group_list", rfc)?;
            let (v, sum) = u16_children(o, d, l, "named_group_list", group_value, group_doc);
            ext.supported_groups = Some(v.into_iter().map(Group).collect());
            Some(sum)
        }
        11 => {
            let rfc = doc.set((
                "EC point encodings the sender can parse (TLS <= 1.2); only uncompressed \
                 remains in use.",
                "RFC 8422 §5.1.2",
            ));
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
            Some(o.val(|| summary(&v)))
        }
        13 | 50 => {
            let rfc = doc.set(if code == 13 {
                (
                    "Signature schemes the sender accepts in signatures of the handshake \
                     (CertificateVerify, ServerKeyExchange).",
                    "RFC 8446 §4.2.3",
                )
            } else {
                (
                    "Signature schemes the sender accepts in certificates, if different from \
                     signature_algorithms.",
                    "RFC 8446 §4.2.3",
                )
            });
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
            let rfc = doc.set(if client {
                (
                    "ALPN: the application protocols the client can speak (h2, http/1.1, ...), \
                     chosen inside the handshake.",
                    "RFC 7301 §3.1",
                )
            } else {
                (
                    "ALPN: the one application protocol the server chose.",
                    "RFC 7301 §3.1",
                )
            });
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
            Some(o.val(|| summary(&v)))
        }
        18 => {
            let rfc = doc.set((
                "Certificate Transparency: signed certificate timestamps (requested, or \
                 delivered).",
                "RFC 6962",
            ));
            ext.signed_certificate_timestamp = true;
            generic(b, o, d, rfc)
        }
        21 => {
            let rfc = doc.set((
                "Padding to move the ClientHello out of a size range some middleboxes \
                 mishandle.",
                "RFC 7685 §3",
            ));
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
            let rfc = doc.set((
                "Certificate compression algorithms the sender accepts.",
                "RFC 8879 §3",
            ));
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
            let rfc = doc.set((
                "Largest record the sender is willing to receive.",
                "RFC 8449 §4",
            ));
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
            Some(o.val(|| bytes_n(usize::from(l))))
        }
        35 => {
            let rfc = doc.set(if client {
                (
                    "Session ticket: empty asks for a ticket; non-empty presents one to resume \
                     (TLS <= 1.2).",
                    "RFC 5077 §3.2",
                )
            } else {
                (
                    "The server will send a NewSessionTicket (TLS <= 1.2).",
                    "RFC 5077 §3.2",
                )
            });
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
            Some(o.val(|| format!("ticket, {v}")))
        }
        41..=45 | 47..=49 | 51 => tls13_body(b, o, d, code, ctx, ext, doc),
        22 => {
            ext.encrypt_then_mac = true;
            generic(
                b,
                o,
                d,
                doc.set((
                    "Encrypt-then-MAC for CBC suites (TLS <= 1.2): MAC the ciphertext, closing \
                     padding oracles.",
                    "RFC 7366",
                )),
            )
        }
        23 => {
            ext.extended_master_secret = true;
            generic(
                b,
                o,
                d,
                doc.set((
                    "Extended master secret: binds the master secret to the whole handshake \
                     (fixes the triple-handshake attack).",
                    "RFC 7627 §5.1",
                )),
            )
        }
        0xfe0d => {
            ext.encrypted_client_hello = true;
            generic(
                b,
                o,
                d,
                doc.set((
                    "Encrypted Client Hello: the real ClientHello (with the true SNI) encrypted \
                     to the server's ECH key.",
                    "draft-ietf-tls-esni",
                )),
            )
        }
        0xff01 => {
            let rfc = doc.set((
                "Secure renegotiation: ties a renegotiation to the connection it happens on \
                 (empty in an initial handshake).",
                "RFC 5746 §3.2",
            ));
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
        _ => generic(b, o, d, doc.rfc),
    }
}

/// A body this walk does not break down: one `data` field.
pub(super) fn generic(b: &mut Cur<'_>, o: &mut Out, d: u8, rfc: &'static str) -> Option<String> {
    if b.is_empty() {
        return Some("empty".into());
    }
    let n = b.rem();
    if o.on {
        o.push(
            d,
            "data",
            (b.pos, n),
            preview(b.bytes()),
            "Extension data.",
            rfc,
        );
    }
    b.pos = b.end;
    Some(o.val(|| bytes_n(n)))
}
