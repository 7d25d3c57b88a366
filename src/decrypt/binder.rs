//! The PSK binder of a resuming TLS 1.3 ClientHello, recomputed (RFC 8446 §4.2.11.2):
//! early_secret = HKDF-Extract(0, PSK), binder_key = Derive-Secret(early_secret,
//! "res binder", ""), binder = HMAC(finished_key(binder_key), Hash(truncated
//! ClientHello)). The PSK comes from the library (OpenSSL keeps it with the session);
//! the key log never holds it.

use super::keys::{Suite, hkdf_expand_label, hmac};
use super::schedule::KeyStep;
use crate::wire::{Body, Chunk, Direction, decode_handshake_message};

/// The binder steps for the first ClientHello in `chunks`, or nothing when it offered
/// no PSK, the server chose no TLS 1.3 suite, or a HelloRetryRequest intervened.
pub fn binder_steps(chunks: &[Chunk], psk: &[u8]) -> Vec<KeyStep> {
    binder(chunks, psk).unwrap_or_default()
}

fn binder(chunks: &[Chunk], psk: &[u8]) -> Option<Vec<KeyStep>> {
    let items = crate::wire::dissect::dissect(chunks);
    let mut hellos = items.iter().filter(|d| d.name == "ClientHello");
    let ch = hellos.next()?;
    if hellos.next().is_some() {
        return None; // after a HelloRetryRequest the binder covers more than one hello
    }
    let sh = items
        .iter()
        .find(|d| d.name == "ServerHello" && d.from == Direction::Server)?;
    let Body::ServerHello(s) = decode_handshake_message(2, sh.raw.get(4..)?, None) else {
        return None;
    };
    let suite = Suite::from_id(s.cipher_suite.0)?;
    let Body::ClientHello(c) = decode_handshake_message(1, ch.raw.get(4..)?, None) else {
        return None;
    };
    let blen = c.ext.psk_binders_len?;
    let cut = ch.raw.len().checked_sub(2 + blen)?;
    let truncated = ch.raw.get(..cut)?;
    let binders = ch.raw.get(cut + 2..)?;
    let received = binders.get(1..1 + usize::from(*binders.first()?))?;
    let md = suite.md;
    let zeros = vec![0u8; suite.hash_len];
    let early = hmac(md, &zeros, psk).ok()?;
    let empty_hash = suite.hash(&[]).ok()?;
    let binder_key =
        hkdf_expand_label(md, &early, "res binder", &empty_hash, suite.hash_len).ok()?;
    let fk = hkdf_expand_label(md, &binder_key, "finished", &[], suite.hash_len).ok()?;
    let th = suite.hash(truncated).ok()?;
    let computed = hmac(md, &fk, &th).ok()?;
    let ok = super::keys::same(&computed, received);
    let rfc = "RFC 8446 §7.1";
    let mut check = KeyStep::new(
        "PSK binder",
        "HMAC(finished_key(binder_key), Hash(ClientHello up to the binders))".into(),
        "RFC 8446 §4.2.11.2",
    )
    .input(
        "truncated ClientHello",
        format!("{cut} of {} bytes", ch.raw.len()),
    )
    .input("transcript_hash", crate::wire::hex(&th))
    .input("received binder", crate::wire::hex(received))
    .output(&computed)
    .note(if ok {
        "computed = received: the client proves it holds the PSK, and the hello cannot be altered"
    } else {
        "computed ≠ received: the PSK is not the one this binder was made with"
    });
    check.ok = Some(ok);
    Some(vec![
        KeyStep::new("resumption PSK", "HKDF-Expand-Label(resumption_master_secret, \"resumption\", ticket_nonce, Hash.length)".into(), "RFC 8446 §4.6.1")
            .input("source", "the library's session (not in the key log)")
            .output(psk)
            .note("Derived from the earlier connection's resumption secret and the ticket's nonce; both sides hold it, it is never sent."),
        KeyStep::new("early_secret", "HKDF-Extract(salt = 0, IKM = PSK)".into(), rfc).output(&early),
        KeyStep::new("binder_key", "Derive-Secret(early_secret, \"res binder\", \"\")".into(), rfc).output(&binder_key),
        check,
    ])
}
