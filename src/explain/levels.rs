//! At which OpenSSL security levels this server works: one handshake per level with the
//! openssl backend, the profile otherwise as is. The six run at once (each bounded by the
//! profile's timeouts), and not at all when no level could change the outcome.

use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::diagnose::levels::LevelResult;
use crate::probe::{Prepared, probe_one};
use crate::report::{ErrorKind, Report, Stage};

/// Whether the level can matter: not when the server never answered in TLS (nothing
/// listens, no TCP answer, silence, another protocol, a proxy or a STARTTLS upgrade that
/// failed) — the level only changes what we offer and accept once a TLS conversation
/// has begun.
pub fn can_matter(report: &Report) -> bool {
    report.results.iter().any(|r| {
        let Some(e) = &r.error else {
            return true;
        };
        let silent = e.kind == ErrorKind::HandshakeTimeout
            && r.transcript
                .messages
                .iter()
                .all(|m| m.from == crate::wire::Direction::Client);
        !(matches!(
            e.kind,
            ErrorKind::Dns | ErrorKind::Refused | ErrorKind::ConnectTimeout
        ) || silent
            || matches!(e.stage, Stage::Proxy | Stage::Starttls)
            || r.transcript.server_spoke_non_tls())
    })
}

/// Try levels 0..=5 at once (six bounded handshakes). The highest working level is the
/// one to use.
pub fn scan(prep: &Prepared, cancel: &Cancel) -> Vec<LevelResult> {
    let addrs = crate::net::resolve(&prep.profile.host, prep.profile.port);
    let results: Vec<Option<LevelResult>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0u8..=5)
            .map(|level| {
                let addrs = &addrs;
                s.spawn(move || one(prep, addrs, level, cancel))
            })
            .collect();
        handles.into_iter().map(|h| h.join().ok()).collect()
    });
    if cancel.is_cancelled() {
        return Vec::new();
    }
    results.into_iter().flatten().collect()
}

fn one(
    prep: &Prepared,
    addrs: &Result<Vec<std::net::SocketAddr>, crate::net::NetError>,
    level: u8,
    cancel: &Cancel,
) -> LevelResult {
    let mut p = prep.clone();
    p.resume = false;
    p.profile.seclevel = Some(level);
    let r = probe_one(&p, addrs, BackendId::Openssl, cancel);
    let outcome = if r.ok {
        format!(
            "{} {}",
            r.version.clone().unwrap_or_default(),
            r.cipher.clone().unwrap_or_default()
        )
    } else {
        r.error
            .as_ref()
            .map(|e| format!("{}: {}", e.kind.as_str(), e.message))
            .unwrap_or_else(|| "verification failed".into())
    };
    LevelResult {
        level,
        ok: r.ok,
        outcome,
    }
}
