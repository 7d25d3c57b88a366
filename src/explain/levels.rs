//! At which OpenSSL security levels this server works: one handshake per level with the
//! openssl backend, the profile otherwise as is.

use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::diagnose::levels::LevelResult;
use crate::probe::{Prepared, probe_one};

/// Try levels 0..=5 (six bounded handshakes). The highest working level is the one to use.
pub fn scan(prep: &Prepared, cancel: &Cancel) -> Vec<LevelResult> {
    let addrs = crate::net::resolve(&prep.profile.host, prep.profile.port);
    (0u8..=5)
        .take_while(|_| !cancel.is_cancelled())
        .map(|level| {
            let mut p = prep.clone();
            p.profile.seclevel = Some(level);
            let r = probe_one(&p, &addrs, BackendId::Openssl, cancel);
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
        })
        .collect()
}
