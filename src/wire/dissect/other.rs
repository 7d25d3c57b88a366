//! NewSessionTicket, EncryptedExtensions, Finished, KeyUpdate, typed and recorded.

use super::*;

pub(super) fn new_session_ticket(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> NewSessionTicket {
    let mut t = NewSessionTicket::default();
    nst(c, o, ctx, &mut t);
    t
}

fn nst(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx, out: &mut NewSessionTicket) -> Option<()> {
    let tls13 = ctx.tls13()
        || (ctx.version.is_none() && {
            let mut t = *c;
            !(t.u32().is_some() && t.vec(2).is_some() && t.is_empty())
        });
    let (rfc, lifetime, lifetime_meaning) = if tls13 {
        (
            "RFC 8446 §4.6.1",
            "ticket_lifetime",
            "Seconds the ticket may be used for resumption (at most 7 days).",
        )
    } else {
        (
            "RFC 5077 §3.3",
            "ticket_lifetime_hint",
            "How long the client may keep the ticket (0: unspecified).",
        )
    };
    let secs = |l: u32| format!("{l} s");
    out.lifetime_s = o.read(c, 0, lifetime, |c| c.u32(), secs, lifetime_meaning, rfc)?;
    if !tls13 {
        let t = o.opaque(
            c,
            0,
            2,
            "ticket",
            "Session state encrypted under a key only the server knows; the client returns \
             it in session_ticket to resume.",
            rfc,
        )?;
        out.ticket_len = t.rem();
        return Some(());
    }
    out.age_add = o.read(
        c,
        0,
        "ticket_age_add",
        |c| c.u32(),
        |a| format!("0x{a:08x}"),
        "Random value added to the ticket age the client reports, so ages do not link \
         connections.",
        rfc,
    );
    out.age_add?;
    let nonce = o.read(
        c,
        0,
        "ticket_nonce",
        |c| c.vec(1),
        |n| preview(n.bytes()),
        "Makes each ticket's PSK unique: PSK = HKDF-Expand-Label(resumption secret, \
         \"resumption\", nonce).",
        rfc,
    )?;
    out.nonce_len = Some(nonce.rem());
    let t = o.opaque(
        c,
        0,
        2,
        "ticket",
        "Opaque label for the PSK (often the encrypted session state); the client sends it \
         back in pre_shared_key.",
        rfc,
    )?;
    out.ticket_len = t.rem();
    let b = ext_block(c, o, 0, ExtCtx::Ticket)?;
    if b.fits {
        out.extensions = b.ext.extensions.into_iter().map(|e| e.name).collect();
    }
    Some(())
}

/// EncryptedExtensions: just an extension block.
pub(super) fn encrypted_extensions(c: &mut Cur<'_>, o: &mut Out) -> HelloExtensions {
    match ext_block(c, o, 0, ExtCtx::Encrypted) {
        Some(b) if b.fits => b.ext,
        _ => {
            let mut e = HelloExtensions::default();
            e.malformed.push("extensions block truncated".into());
            e
        }
    }
}

pub(super) fn finished(c: &mut Cur<'_>, o: &mut Out, ctx: Ctx) -> Finished {
    let verify_data_len = c.rem();
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
    Finished { verify_data_len }
}

pub(super) fn key_update(c: &mut Cur<'_>, o: &mut Out) -> Option<()> {
    o.read(
        c,
        0,
        "request_update",
        |c| c.u8(),
        |r| match r {
            0 => "update_not_requested (0)".to_string(),
            1 => "update_requested (1)".to_string(),
            _ => format!("{r}"),
        },
        "The sender now uses new traffic keys; update_requested asks the peer to update its \
         own too.",
        "RFC 8446 §4.6.3",
    )?;
    Some(())
}
