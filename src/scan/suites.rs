//! Which versions the server speaks and which suites it accepts in each, in its order.
//!
//! Many suites are offered at once and the one the server picks is removed before the
//! next hello, so the number of connections grows with what the server accepts, not
//! with the size of the registry. The registry is offered in chunks (see
//! [`hellos::CHUNK`]); chunks and versions run at once, within the scan's limits.

use super::Scanner;
use super::conn::{Answer, Need, ask};
use super::hellos::{self, TLS12, TLS13};
use futures_util::future::join_all;

/// What one version's enumeration found.
#[derive(Clone, Debug, Default)]
pub struct VersionFound {
    pub version: u16,
    pub supported: bool,
    /// What the answer to the first hello of this version was.
    pub evidence: String,
    /// Accepted suites: in the server's order when `server_order`, else in ours.
    pub suites: Vec<u16>,
    pub server_order: bool,
    /// The server chose something it was not offered, or similar.
    pub anomalies: Vec<String>,
}

/// One chunk offered until the server refuses the rest: the suites it chose, in the
/// order it chose them.
async fn drain(
    sc: &Scanner,
    version: u16,
    mut offer: Vec<u16>,
    first: Option<Answer>,
) -> (Vec<u16>, Vec<String>, Option<Answer>) {
    let mut picks = Vec::new();
    let mut notes = Vec::new();
    let mut next = first;
    let mut last = None;
    while !offer.is_empty() {
        let a = match next.take() {
            Some(a) => a,
            None => {
                ask(
                    &sc.limits,
                    &sc.addr,
                    &sc.hello(version, &offer),
                    Need::Hello,
                )
                .await
            }
        };
        match a.hello() {
            Some(h) if h.version == version && offer.contains(&h.suite) => {
                picks.push(h.suite);
                offer.retain(|s| *s != h.suite);
            }
            Some(h) if h.version == version => {
                notes.push(format!(
                    "the server chose {}, which was not offered",
                    crate::iana::cipher_name(h.suite)
                ));
                last = Some(a);
                break;
            }
            _ => {
                last = Some(a);
                break;
            }
        }
    }
    (picks, notes, last)
}

/// Does this answer say the version itself is unsupported (not just the suites)?
fn refuses_version(a: &Answer, version: u16) -> bool {
    match a {
        Answer::Hello(h) => h.version != version,
        // protocol_version (70); some servers say handshake_failure to anything.
        Answer::Alert { description, .. } => *description == 70,
        Answer::NotTls(_) | Answer::NoConnection(_) => true,
        _ => false,
    }
}

/// Enumerate one version.
pub async fn version(sc: &Scanner, version: u16) -> VersionFound {
    let all = if version == TLS13 {
        hellos::tls13_suites()
    } else {
        hellos::legacy_suites()
    };
    let chunks: Vec<Vec<u16>> = all.chunks(hellos::CHUNK).map(<[u16]>::to_vec).collect();
    let mut found = VersionFound {
        version,
        ..VersionFound::default()
    };
    let Some(first_chunk) = chunks.first() else {
        return found;
    };
    // The first hello (the common suites) says whether the version exists at all.
    let first = ask(
        &sc.limits,
        &sc.addr,
        &sc.hello(version, first_chunk),
        Need::Hello,
    )
    .await;
    found.evidence = first.describe();
    if refuses_version(&first, version) {
        return found;
    }
    let rest = chunks
        .iter()
        .skip(1)
        .map(|c| drain(sc, version, c.clone(), None));
    let (head, tail) = tokio::join!(
        drain(sc, version, first_chunk.clone(), Some(first)),
        join_all(rest)
    );
    let mut per_chunk = vec![head];
    per_chunk.extend(tail);
    for (picks, notes, _) in &per_chunk {
        found.suites.extend(picks);
        found.anomalies.extend(notes.iter().cloned());
    }
    found.supported = !found.suites.is_empty();
    if !found.supported {
        return found;
    }
    if found.suites.len() >= 2 {
        let chunks_with_picks = per_chunk.iter().filter(|(p, _, _)| !p.is_empty()).count();
        order(sc, &mut found, chunks_with_picks > 1).await;
    }
    found
}

/// Does the server impose its own order? When every accepted suite came from one
/// chunk, the first pick answered a hello listing them in our order; offer them
/// reversed: a server that follows the client now picks the last of them, one that
/// imposes its own picks the same again. (From several chunks, ask both ways.)
async fn order(sc: &Scanner, found: &mut VersionFound, several_chunks: bool) {
    let v = found.version;
    let ours = found.suites.clone();
    let mut rev = ours.clone();
    rev.reverse();
    let first_pick = if several_chunks {
        ask(&sc.limits, &sc.addr, &sc.hello(v, &ours), Need::Hello)
            .await
            .hello()
            .map(|h| h.suite)
    } else {
        ours.first().copied()
    };
    let b = ask(&sc.limits, &sc.addr, &sc.hello(v, &rev), Need::Hello).await;
    let (Some(a), Some(b)) = (first_pick, b.hello().map(|h| h.suite)) else {
        return;
    };
    found.server_order = a == b;
    if !found.server_order {
        // The client's order: show ours (the registry order the chunks were in).
        let registry = if v == TLS13 {
            hellos::tls13_suites()
        } else {
            hellos::legacy_suites()
        };
        found
            .suites
            .sort_by_key(|s| registry.iter().position(|r| r == s));
    } else if several_chunks {
        // Each chunk came out in the server's order, but not the chunks together:
        // ask again with everything it accepts.
        let (picks, _, _) = drain(sc, v, ours, None).await;
        if picks.len() == found.suites.len() {
            found.suites = picks;
        }
    }
}

/// Every version at once.
pub async fn versions(sc: &Scanner) -> Vec<VersionFound> {
    join_all(hellos::VERSIONS.iter().map(|v| version(sc, *v))).await
}

/// The newest TLS ≤ 1.2 version found, with its suites.
pub fn best_legacy(found: &[VersionFound]) -> Option<&VersionFound> {
    found
        .iter()
        .filter(|f| f.supported && f.version <= TLS12)
        .max_by_key(|f| f.version)
}
