//! One attempt per backend: connect, tap, handshake, decode, classify, report.

use crate::backend::{BackendId, LibView, Verify};
use crate::cancel::Cancel;
use crate::certinfo::CertInfo;
use crate::materials::{InputError, Materials};
use crate::net::{self, NetError};

mod before_tls;
mod classify;
use crate::profile::{Profile, VerifyMode};
use crate::report::{
    BackendReport, ErrorKind, ErrorReport, Report, ServerChoice, Stage, Target, Timing, ToolInfo,
    Unsupported,
};
use crate::tap::{Tap, TapLog};
use crate::wire::{Direction, Transcript, names};
use before_tls::open_error;
use classify::classify;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// A validated profile with its files loaded.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub profile: Profile,
    pub materials: Materials,
    /// Connect a second time offering the session the first connection received
    /// (`--resume`, the TUI's `r`); the second report is `resumed`.
    pub resume: bool,
}

/// Validate and load everything a probe needs; any error is the user's input.
pub fn prepare(profile: Profile) -> Result<Prepared, InputError> {
    if let Err(errs) = profile.validate()
        && let Some(first) = errs.into_iter().next()
    {
        return Err(first.into());
    }
    crate::materials::check_openssl_strings(&profile)?;
    let materials = Materials::load(&profile)?;
    Ok(Prepared {
        profile,
        materials,
        resume: false,
    })
}

impl Prepared {
    pub fn target(&self) -> Target {
        let p = &self.profile;
        Target {
            host: p.host.clone(),
            port: p.port,
            sni: p.sni_name().map(String::from),
            verify_name: p.verify_name().to_string(),
        }
    }
}

mod resume;

use resume::Kept;

/// Run every backend (in parallel, one connection each) and assemble the report.
pub fn run(prep: &Prepared, backends: &[BackendId]) -> Report {
    run_cancellable(prep, backends, &Cancel::new())
}

/// [`run`], stopped at once (its sockets shut) when `cancel` is set.
pub fn run_cancellable(prep: &Prepared, backends: &[BackendId], cancel: &Cancel) -> Report {
    let addrs = net::resolve(&prep.profile.host, prep.profile.port);
    let results = std::thread::scope(|s| {
        let handles: Vec<_> = backends
            .iter()
            .map(|b| {
                let addrs = &addrs;
                s.spawn(move || probe_one(prep, addrs, *b, cancel))
            })
            .collect();
        handles
            .into_iter()
            .zip(backends)
            .map(|(h, b)| {
                h.join().unwrap_or_else(|_| {
                    internal_failure(
                        prep,
                        *b,
                        "internal error: the backend thread panicked".into(),
                    )
                })
            })
            .collect()
    });
    Report {
        target: prep.target(),
        weakened: prep.profile.weakenings(),
        results,
        levels: None,
        tool: ToolInfo::current(),
        keylog: None,
    }
}

fn empty_report(prep: &Prepared, b: BackendId, library: String) -> BackendReport {
    let unsupported = b.backend().unsupported(&prep.profile);
    BackendReport {
        backend: b,
        library,
        ok: false,
        version: None,
        cipher: None,
        cipher_openssl: None,
        group: None,
        alpn: None,
        verify: Verify::default(),
        error: None,
        unsupported: unsupported.iter().map(|u| u.field).collect(),
        unsupported_why: unsupported
            .into_iter()
            .map(|u| Unsupported {
                field: u.field,
                why: u.why,
            })
            .collect(),
        server_hello: None,
        client: None,
        fingerprint: None,
        timing_ms: Timing::default(),
        address: None,
        proxy: None,
        dialogue: Vec::new(),
        addresses_tried: Vec::new(),
        certificates: Vec::new(),
        chain_leaf_only: false,
        transcript: Transcript::default(),
        decrypted: None,
        encrypted: Default::default(),
        wire_notes: Vec::new(),
        mismatches: Vec::new(),
        diagnosis: Vec::new(),
        keylog: Vec::new(),
        wire: Vec::new(),
        reused: false,
        resumed: None,
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// One backend, one connection. Cancelling shuts the socket, so the handshake ends at
/// once with an error instead of running to its timeout.
pub fn probe_one(
    prep: &Prepared,
    addrs: &Result<Vec<SocketAddr>, NetError>,
    b: BackendId,
    cancel: &Cancel,
) -> BackendReport {
    let (mut r, kept) = connection(prep, addrs, b, cancel, None);
    if prep.resume {
        resume::again(prep, addrs, b, cancel, &mut r, kept);
    }
    r
}

/// One connection, offering `resume` when given; the report and what the stack kept
/// to resume from it.
fn connection(
    prep: &Prepared,
    addrs: &Result<Vec<SocketAddr>, NetError>,
    b: BackendId,
    cancel: &Cancel,
    resume: Option<&crate::backend::Resume>,
) -> (BackendReport, Kept) {
    let backend = b.backend();
    let p = &prep.profile;
    let mut r = empty_report(prep, b, String::new());
    if cancel.is_cancelled() {
        r.error = Some(ErrorReport {
            kind: ErrorKind::Io,
            stage: Stage::Setup,
            alert: None,
            alert_from: None,
            message: "cancelled".into(),
            detail: "the attempt was cancelled before it connected".into(),
        });
        return (r, Kept::default());
    }
    // The connection is made when the backend is ready for it: at once for the
    // in-process stacks, once its program has connected to the relay for a client. It is
    // opened the one way the engine reaches a server (`net::open`): TCP, the proxy's
    // tunnel, the STARTTLS dialogue.
    let mut watch = None;
    let mut log = None;
    let mut failed = None;
    let mut connect = || {
        let start = Instant::now();
        match net::open_with(p, addrs, cancel) {
            Ok(conn) => {
                watch = Some(conn.watch);
                r.timing_ms.connect = Some(ms(conn.connect_time));
                r.timing_ms.starttls = conn.starttls_time.map(ms);
                r.address = Some(conn.addr.to_string());
                r.addresses_tried = conn.attempts;
                r.proxy = conn.proxy;
                r.dialogue = conn.dialogue;
                let (tap, l) = Tap::new(conn.stream, start);
                log = Some(l);
                Some(tap)
            }
            Err(e) => {
                failed = Some(e);
                None
            }
        }
    };
    let cancelled = || cancel.is_cancelled();
    let mut view = backend.handshake_late(p, &prep.materials, &mut connect, &cancelled, resume);
    drop(watch);
    r.dialogue.append(&mut view.relay_dialogue);
    if let Some(e) = failed {
        open_error(&mut r, *e);
        r.client = view.client;
        return (r, Kept::default());
    }
    let Some(log) = log else {
        // The backend never asked for the connection (a client that did not start).
        assemble(&mut r, p, view, &TapLog::default());
        return (r, Kept::default());
    };
    let taplog = std::mem::take(&mut *log.lock().unwrap_or_else(|e| e.into_inner()));
    let kept = Kept {
        resume: view.resume.take(),
        psk: view.resumption_psk.take(),
    };
    r.reused = view.reused;
    assemble(&mut r, p, view, &taplog);
    (r, kept)
}

fn assemble(r: &mut BackendReport, p: &Profile, mut view: LibView, tap: &TapLog) {
    // Library texts can quote the peer (rustls names the certificate's names): they
    // are peer data from here on.
    view.verify.reason = view.verify.reason.map(|s| crate::text::sanitize(&s, 512));
    if let Some(e) = &mut view.error {
        e.message = crate::text::sanitize(&e.message, 512);
    }
    let t = Transcript::decode(&tap.chunks);
    r.library = view.library.clone();
    if view.handshake_done || view.error.as_ref().is_some_and(|e| !e.not_attempted) {
        r.timing_ms.handshake = Some(ms(view.handshake_time));
    }
    let wire_version = t.negotiated_version().map(names::version_name);
    let wire_cipher = t.negotiated_cipher().map(names::cipher_name);
    // A finite-field DHE exchange names no group, only its prime: say its size.
    let wire_group = t
        .negotiated_group()
        .map(names::group_name)
        .or_else(|| t.dhe_bits().map(|bits| format!("dhe{bits}")));
    if t.saw_server_hello() {
        r.server_hello = Some(ServerChoice {
            version: wire_version.clone(),
            cipher: wire_cipher.clone(),
            group: wire_group.clone(),
        });
    }
    // Cross-check the wire with the library's own view.
    for (what, wire, lib) in [
        ("version", &wire_version, &view.version),
        ("cipher", &wire_cipher, &view.cipher),
        ("group", &wire_group, &view.group),
    ] {
        if let (Some(w), Some(l)) = (wire, lib)
            && !w.eq_ignore_ascii_case(l)
        {
            r.mismatches
                .push(format!("{what}: the wire says {w}, {} says {l}", r.backend));
        }
    }
    let wire_chain = t.server_certificates();
    let chain = if wire_chain.len() >= view.chain.len() && !wire_chain.is_empty() {
        wire_chain
    } else {
        r.chain_leaf_only = view.leaf_only;
        view.chain.clone()
    };
    r.certificates = chain
        .iter()
        .take(16)
        .filter_map(|d| CertInfo::from_der(d))
        .collect();
    r.verify = view.verify.clone();
    r.error = classify(r.backend, p, &view, tap, &t);
    // Verification failed after the server's flight: what was negotiated is on the
    // wire even though the library never finished the handshake.
    let cert_failed = matches!(&r.error, Some(e) if e.kind == ErrorKind::Certificate);
    if view.handshake_done || (cert_failed && t.saw_server_hello()) {
        r.version = wire_version.or(view.version.clone());
        r.cipher = wire_cipher.or(view.cipher.clone());
        r.cipher_openssl = r
            .cipher
            .as_deref()
            .and_then(names::cipher_id_from_name)
            .and_then(names::cipher_openssl_name)
            .map(String::from)
            .or(view.cipher_openssl.clone());
        r.group = wire_group.or(view.group.clone());
        r.alpn = view.alpn.clone();
    }
    r.ok = view.handshake_done
        && r.error.is_none()
        && (p.verify == VerifyMode::Off || r.verify.ok == Some(true));
    let decrypted = match t.negotiated_version() {
        _ if view.keylog.is_empty() => None,
        Some(0x0304) => Some(crate::decrypt::decrypt_tls13(&tap.chunks, &view.keylog)),
        Some(0x0301..=0x0303) => Some(crate::decrypt::decrypt_tls12(&tap.chunks, &view.keylog)),
        _ => None,
    };
    if let Some(decrypted) = decrypted {
        match decrypted {
            Ok(d) => {
                // The decrypted Certificate must be what the library says it verified.
                if let (Some(wire_leaf), Some(lib_leaf)) =
                    (d.server_certificates.first(), view.chain.first())
                    && wire_leaf != lib_leaf
                {
                    r.mismatches.push(format!(
                        "certificate: the decrypted Certificate differs from what {} reports",
                        r.backend
                    ));
                }
                if d.server_finished_ok == Some(false) {
                    r.mismatches
                        .push("the server Finished does not verify against the transcript".into());
                }
                if r.certificates.is_empty() {
                    r.certificates = d
                        .server_certificates
                        .iter()
                        .take(16)
                        .filter_map(|c| CertInfo::from_der(c))
                        .collect();
                }
                // A client program that stops after its handshake (the exported
                // scripts do) never reads the server's answer; the relay recorded it.
                // Only an alert sent before the client's close reached the server: a
                // server may answer an unannounced close with an alert of its own
                // (OpenSSL 3: decode_error).
                let closed = tap.closed_at.map(|c| c.as_nanos() as f64 / 1e6);
                let fatal = d
                    .raw_alerts
                    .iter()
                    .find_map(|(from, at, a)| match a.as_slice() {
                        [2, code]
                            if *from == Direction::Server && closed.is_none_or(|c| *at < c) =>
                        {
                            Some(*code)
                        }
                        _ => None,
                    });
                if let Some(code) = fatal
                    && view.client.is_some()
                    && r.error.is_none()
                {
                    let message = format!(
                        "{} stopped after its handshake without reading on; the server's \
                         next record, decrypted, is a fatal {} alert",
                        r.backend,
                        names::alert_name(code)
                    );
                    r.error = Some(classify::after_handshake_alert(Some(code), message));
                    r.ok = false;
                }
                r.decrypted = Some(d);
            }
            Err(e) => r.wire_notes.push(format!("not decrypted: {e}")),
        }
    }
    r.keylog = view.keylog;
    r.client = view.client;
    r.encrypted = t.encrypted;
    // After the decryption's own note ("not decrypted: …"), never instead of it.
    r.wire_notes.splice(0..0, t.notes.iter().cloned());
    if tap.truncated {
        r.wire_notes.push(format!(
            "recording stopped at {} bytes",
            crate::tap::MAX_RECORDED
        ));
    }
    r.fingerprint = t.client_hello().map(crate::fingerprint::of);
    r.transcript = t;
    r.wire = tap.chunks.clone();
}

/// A report for a backend whose attempt broke inside tlslens (a worker that panicked),
/// so the caller still has a result for that backend.
pub fn internal_failure(prep: &Prepared, b: BackendId, why: String) -> BackendReport {
    let mut r = empty_report(prep, b, String::new());
    r.error = Some(ErrorReport {
        kind: ErrorKind::Io,
        stage: Stage::Setup,
        alert: None,
        alert_from: None,
        message: why,
        detail: "tlslens failed inside this backend's attempt (a bug: please report it)".into(),
    });
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decryption failure is reported in `wire_notes` next to the transcript's notes.
    #[test]
    fn a_decryption_failure_is_kept_in_wire_notes() {
        let lab = crate::lab::Lab::start().unwrap();
        let prep = prepare(lab.profile("modern").unwrap()).unwrap();
        let addrs = net::resolve(&prep.profile.host, prep.profile.port);
        let good = probe_one(&prep, &addrs, BackendId::Openssl, &Cancel::new());
        assert!(good.ok, "{:?}", good.error);
        assert!(good.decrypted.is_some());
        // Without the ClientHello there is no client random to look the secrets up by.
        let mut chunks = good.wire.clone();
        let first_client = chunks
            .iter()
            .position(|c| c.dir == Direction::Client)
            .unwrap();
        chunks.remove(first_client);
        let tap = TapLog {
            chunks,
            recorded: 0,
            truncated: true,
            io_error: None,
            eof: false,
            timed_out: false,
            closed_at: None,
        };
        let view = LibView {
            handshake_done: true,
            keylog: good.keylog.clone(),
            ..LibView::default()
        };
        let mut r = empty_report(&prep, BackendId::Openssl, String::new());
        assemble(&mut r, &prep.profile, view, &tap);
        assert!(r.decrypted.is_none());
        assert!(
            r.wire_notes
                .iter()
                .any(|n| n.starts_with("not decrypted: ")),
            "{:?}",
            r.wire_notes
        );
        assert!(
            r.wire_notes
                .iter()
                .any(|n| n.starts_with("recording stopped"))
        );
    }
}
