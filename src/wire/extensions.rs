//! Hello extensions: the list in order, plus the ones that matter decoded.
//!
//! The same extension code has a different body in a ClientHello, a ServerHello and a
//! HelloRetryRequest (key_share, supported_versions, pre_shared_key), so the caller
//! says which message the block came from.

use super::messages::{ExtensionEntry, Group, HelloExtensions, KeyShare, SigScheme, Version};
use super::names;
use super::reader::{Reader, sanitize_peer, u16_list};

/// Which message an extension block belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExtCtx {
    ClientHello,
    ServerHello,
    HelloRetry,
    /// EncryptedExtensions, TLS 1.3 CertificateRequest, NewSessionTicket, ...
    Other,
}

/// Decode an extensions block (the bytes inside the outer 2-byte length).
pub(crate) fn decode_extensions(block: &[u8], ctx: ExtCtx) -> HelloExtensions {
    let mut out = HelloExtensions::default();
    let mut r = Reader::new(block);
    while !r.is_empty() {
        let (Some(code), Some(body)) = (r.u16(), r.vec16()) else {
            out.malformed.push("extensions block truncated".into());
            break;
        };
        out.extensions.push(ExtensionEntry {
            name: names::extension_name(code),
            code,
            len: body.len(),
        });
        if decode_one(&mut out, code, body, ctx).is_none() {
            out.malformed.push(names::extension_name(code));
        }
    }
    out
}

/// Names of the extensions in a block (for per-certificate / ticket extensions).
pub(crate) fn extension_names(block: &[u8]) -> Vec<String> {
    let mut r = Reader::new(block);
    let mut v = Vec::new();
    while let (Some(code), Some(_)) = (r.u16(), r.vec16()) {
        v.push(names::extension_name(code));
    }
    v
}

/// Decode one extension body into `out`; `None` if it is malformed.
fn decode_one(out: &mut HelloExtensions, code: u16, body: &[u8], ctx: ExtCtx) -> Option<()> {
    let mut r = Reader::new(body);
    match code {
        0 => {
            // server_name: a ServerHello echoes it empty.
            if body.is_empty() {
                return Some(());
            }
            let mut list = Reader::new(r.vec16()?);
            while !list.is_empty() {
                let kind = list.u8()?;
                let name = list.vec16()?;
                if kind == 0 && out.server_name.is_none() {
                    out.server_name = Some(sanitize_peer(name));
                }
            }
        }
        1 => out.max_fragment_length = Some(r.u8()?),
        5 => out.status_request = true,
        10 => out.supported_groups = Some(u16_list(r.vec16()?).into_iter().map(Group).collect()),
        11 => {
            out.ec_point_formats = Some(
                r.vec8()?
                    .iter()
                    .map(|f| names::ec_point_format_name(*f))
                    .collect(),
            )
        }
        13 => out.signature_algorithms = Some(sigschemes(r.vec16()?)),
        50 => out.signature_algorithms_cert = Some(sigschemes(r.vec16()?)),
        16 => {
            let mut list = Reader::new(r.vec16()?);
            let mut v = Vec::new();
            while !list.is_empty() {
                v.push(sanitize_peer(list.vec8()?));
            }
            out.alpn = Some(v);
        }
        18 => out.signed_certificate_timestamp = true,
        21 => out.padding_len = Some(body.len()),
        22 => out.encrypt_then_mac = true,
        23 => out.extended_master_secret = true,
        27 => {
            out.compress_certificate = Some(
                u16_list(r.vec8()?)
                    .into_iter()
                    .map(names::cert_compression_name)
                    .collect(),
            )
        }
        28 => out.record_size_limit = Some(r.u16()?),
        35 => {
            out.session_ticket = true;
            out.session_ticket_len = Some(body.len());
        }
        41 => match ctx {
            ExtCtx::ClientHello => {
                let mut ids = Reader::new(r.vec16()?);
                let mut n = 0;
                while !ids.is_empty() {
                    ids.vec16()?;
                    ids.u32()?;
                    n += 1;
                }
                out.psk_identities = Some(n);
            }
            _ => out.psk_selected_identity = Some(r.u16()?),
        },
        42 => out.early_data = true,
        43 => match ctx {
            ExtCtx::ClientHello => {
                out.supported_versions =
                    Some(u16_list(r.vec8()?).into_iter().map(Version).collect())
            }
            _ => out.selected_version = Some(Version(r.u16()?)),
        },
        44 => out.cookie = true,
        45 => {
            out.psk_key_exchange_modes =
                Some(r.vec8()?.iter().map(|m| names::psk_mode_name(*m)).collect())
        }
        49 => out.post_handshake_auth = true,
        51 => match ctx {
            ExtCtx::ClientHello => {
                let mut list = Reader::new(r.vec16()?);
                let mut v = Vec::new();
                while !list.is_empty() {
                    let group = Group(list.u16()?);
                    let key = list.vec16()?;
                    v.push(KeyShare {
                        group,
                        key_len: key.len(),
                    });
                }
                out.key_shares = Some(v);
            }
            ExtCtx::HelloRetry => out.selected_group = Some(Group(r.u16()?)),
            _ => {
                let group = Group(r.u16()?);
                let key = r.vec16()?;
                out.key_share = Some(KeyShare {
                    group,
                    key_len: key.len(),
                });
            }
        },
        0xfe0d => out.encrypted_client_hello = true,
        0xff01 => out.renegotiation_info = true,
        _ => {}
    }
    Some(())
}

fn sigschemes(b: &[u8]) -> Vec<SigScheme> {
    u16_list(b).into_iter().map(SigScheme).collect()
}
