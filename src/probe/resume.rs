//! `--resume` (the TUI's `r`): a second connection offering the session or ticket the
//! first one received, so the abbreviated handshake — session ID, ticket, PSK identity,
//! binder, `psk_dhe_ke` — can be seen next to the full one.

use super::*;
use crate::backend::Resume;

/// What a connection kept for the next one.
#[derive(Default)]
pub(super) struct Kept {
    pub resume: Option<Resume>,
    /// TLS 1.3: the resumption PSK the library derived (OpenSSL hands it over).
    pub psk: Option<Vec<u8>>,
}

/// Connect again offering what the first connection kept; the result goes into
/// `first.resumed`.
pub(super) fn again(
    prep: &Prepared,
    addrs: &Result<Vec<SocketAddr>, NetError>,
    b: BackendId,
    cancel: &Cancel,
    first: &mut BackendReport,
    kept: Kept,
) {
    let Some(resume) = kept.resume else {
        first
            .wire_notes
            .push("not resumed: the first connection kept no session to offer".into());
        return;
    };
    let (mut second, _) = connection(prep, addrs, b, cancel, Some(&resume));
    if let (Some(psk), Some(d)) = (kept.psk, second.decrypted.as_mut()) {
        let steps = crate::decrypt::binder_steps(&second.wire, &psk);
        // After the (EC)DHE step: the binder is computed before any of the rest.
        let at = d.key_schedule.len().min(1);
        for (i, s) in steps.into_iter().enumerate() {
            d.key_schedule.insert(at + i, s);
        }
    }
    // A resumed handshake carries no certificate: the verdict is the first one's.
    if second.reused && second.verify.ok.is_none() {
        second.verify = first.verify.clone();
        second.ok = second.version.is_some()
            && second.error.is_none()
            && (prep.profile.verify == crate::profile::VerifyMode::Off
                || second.verify.ok == Some(true));
        second
            .wire_notes
            .push("resumed: no certificate was sent; the verdict is the first connection's".into());
    }
    if !second.reused {
        second
            .wire_notes
            .push("the server did not resume the session: this is a full handshake again".into());
    }
    first.resumed = Some(Box::new(second));
}
