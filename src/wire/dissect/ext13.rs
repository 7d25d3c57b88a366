//! The bodies of the extensions TLS 1.3 added (pre_shared_key, early_data,
//! supported_versions, cookie, psk_key_exchange_modes, certificate_authorities,
//! oid_filters, post_handshake_auth, key_share), in the same form as `ext_body`: each
//! arm documents, reads, types and records its extension.

use super::*;

pub(super) fn tls13_body(
    b: &mut Cur<'_>,
    o: &mut Out,
    d: u8,
    code: u16,
    ctx: ExtCtx,
    ext: &mut HelloExtensions,
    doc: &mut Doc,
) -> Option<String> {
    let client = ctx == ExtCtx::Client;
    match code {
        41 if client => {
            let rfc = doc.set((
                "Pre-shared keys (resumption tickets) offered, each with a binder proving \
                 the client knows the key; always the last extension.",
                "RFC 8446 §4.2.11",
            ));
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
            ext.psk_binders_len = Some(bs.rem());
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
            let rfc = doc.set((
                "Which offered PSK the server accepted (resumption).",
                "RFC 8446 §4.2.11",
            ));
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
            Some(o.val(|| format!("identity {i} selected")))
        }
        42 if ctx != ExtCtx::Ticket => {
            let rfc = doc.set((
                "0-RTT: the client sends (or the server accepts) application data before \
                 the handshake completes (replayable).",
                "RFC 8446 §4.2.10",
            ));
            ext.early_data = true;
            generic(b, o, d, rfc)
        }
        42 => {
            let rfc = doc.set((
                "This ticket may be used for 0-RTT early data, up to the given size.",
                "RFC 8446 §4.2.10",
            ));
            let m = o.read(
                b,
                d,
                "max_early_data_size",
                |b| b.u32(),
                |m| format!("{m} bytes"),
                "Most 0-RTT data the client may send with this ticket.",
                rfc,
            )?;
            Some(o.val(|| format!("max {m} bytes")))
        }
        43 if client => {
            let rfc = doc.set((
                "The versions the client supports, preferred first; this, not \
                 legacy_version, is how TLS 1.3 is offered.",
                "RFC 8446 §4.2.1",
            ));
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
            let rfc = doc.set((
                "The version the server chose (TLS 1.3 and later).",
                "RFC 8446 §4.2.1",
            ));
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
            Some(o.val(|| short_name(&version_value(v))))
        }
        44 => {
            let rfc = doc.set((
                "Cookie: state the server wants echoed in the second ClientHello (e.g. to \
                 check the client's address).",
                "RFC 8446 §4.2.2",
            ));
            ext.cookie = true;
            let k = o.opaque(
                b,
                d,
                2,
                "cookie",
                "Opaque server state, echoed back verbatim.",
                rfc,
            )?;
            Some(o.val(|| bytes_n(k.rem())))
        }
        45 => {
            let rfc = doc.set((
                "How pre-shared keys may be used: psk_dhe_ke adds a fresh (EC)DHE for \
                 forward secrecy; psk_ke does not.",
                "RFC 8446 §4.2.9",
            ));
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
            Some(o.val(|| summary(&v)))
        }
        47 => {
            let rfc = doc.set((
                "CAs the sender trusts, to help the peer choose a certificate.",
                "RFC 8446 §4.2.4",
            ));
            let n = distinguished_names(
                b,
                o,
                d,
                "authorities",
                "DER distinguished names of acceptable CAs.",
                rfc,
            )?;
            Some(o.val(|| format!("{n} CAs")))
        }
        51 if ctx == ExtCtx::HelloRetry => {
            let rfc = doc.set((
                "The group the server wants: the client must retry with a key share for it.",
                "RFC 8446 §4.2.8",
            ));
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
            Some(o.val(|| format!("selected group {}", names::group_name(g))))
        }
        51 if client => {
            let rfc = doc.set((
                "Ephemeral public keys for some groups, sent up front so TLS 1.3 needs one \
                 round trip.",
                "RFC 8446 §4.2.8",
            ));
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
            Some(o.val(|| summary(&v)))
        }
        51 => {
            let rfc = doc.set((
                "The server's ephemeral public key, on one of the client's groups; both \
                 shares give the (EC)DHE secret.",
                "RFC 8446 §4.2.8",
            ));
            let s = b.pos;
            let g = b.u16()?;
            let k = b.vec(2)?;
            ext.key_share = Some(KeyShare {
                group: Group(g),
                key_len: k.rem(),
            });
            key_share_children(o, d, s, g, &k, rfc);
            Some(o.val(|| format!("{}, {}-byte key", names::group_name(g), k.rem())))
        }
        49 => {
            ext.post_handshake_auth = true;
            generic(
                b,
                o,
                d,
                doc.set((
                    "The client is willing to authenticate after the handshake if asked.",
                    "RFC 8446 §4.2.6",
                )),
            )
        }
        48 => generic(
            b,
            o,
            d,
            doc.set((
                "Certificate extension OIDs and values the client certificate must match.",
                "RFC 8446 §4.2.5",
            )),
        ),
        _ => generic(b, o, d, doc.rfc),
    }
}

pub(super) fn key_share_children(
    o: &mut Out,
    d: u8,
    s: usize,
    g: u16,
    k: &Cur<'_>,
    rfc: &'static str,
) {
    if !o.on {
        return;
    }
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
    // A hybrid share is two shares concatenated; the lengths say which side sent it.
    let ek = "ML-KEM encapsulation key: the client's public key; the server encapsulates \
              a shared secret to it.";
    let ct = "ML-KEM ciphertext: the shared secret the server encapsulated to the client's \
              key; only the client's private key opens it.";
    let x = "The classical half: an X25519 public value (RFC 7748).";
    let p = "The classical half: an uncompressed EC point (0x04 ‖ x ‖ y).";
    let parts: &[(&str, usize, &str)] = match (g, k.rem()) {
        (0x11ec, 1216) => &[("mlkem768_encapsulation_key", 1184, ek), ("x25519", 32, x)],
        (0x11ec, 1120) => &[("mlkem768_ciphertext", 1088, ct), ("x25519", 32, x)],
        (0x11eb, 1249) => &[
            ("secp256r1", 65, p),
            ("mlkem768_encapsulation_key", 1184, ek),
        ],
        (0x11eb, 1153) => &[("secp256r1", 65, p), ("mlkem768_ciphertext", 1088, ct)],
        (0x11ed, 1665) => &[
            ("secp384r1", 97, p),
            ("mlkem1024_key_or_ciphertext", 1568, ek),
        ],
        _ => &[],
    };
    let mut at = s + 4;
    for (name, len, meaning) in parts {
        o.push(
            d + 1,
            *name,
            (at, *len),
            bytes_n(*len),
            *meaning,
            "draft-ietf-tls-ecdhe-mlkem §3",
        );
        at += len;
    }
}
