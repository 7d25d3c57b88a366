//! Key-exchange groups: for TLS 1.3 the HelloRetryRequest names the group the server
//! wants (no key share is computed); for TLS ≤ 1.2 the ServerKeyExchange names the
//! curve, and a DHE one carries the size of its prime. Each group found is removed
//! before the next hello, so the list comes out in the server's order.

use super::Scanner;
use super::conn::{Need, ask};
use super::hellos::{self, TLS13};
use super::suites::VersionFound;

/// Upper bound on hellos per list, whatever the server does.
const MAX_ROUNDS: usize = 64;

/// The group a TLS 1.3 server asks for when offered `groups` and no key share.
async fn chosen(sc: &Scanner, suites: &[u16], groups: &[u16]) -> Option<u16> {
    let spec = hellos::tls13(sc.sni.as_deref(), suites, groups);
    let a = ask(&sc.limits, &sc.addr, &spec, Need::Hello).await;
    a.hello().and_then(|h| {
        let e = &h.hello.ext;
        e.selected_group
            .or(e.key_share.as_ref().map(|k| k.group))
            .map(|g| g.0)
    })
}

/// TLS 1.3 groups in the order the server picks them, and whether that order is its
/// own (offered reversed, it picks the same first group) or follows ours.
pub async fn tls13(sc: &Scanner, suites: &[u16]) -> (Vec<u16>, Option<bool>) {
    let mut offer = hellos::all_groups();
    let mut found = Vec::new();
    for _ in 0..MAX_ROUNDS {
        match chosen(sc, suites, &offer).await {
            Some(g) if offer.contains(&g) => {
                found.push(g);
                offer.retain(|x| *x != g);
            }
            _ => break,
        }
    }
    if found.len() < 2 {
        return (found, None);
    }
    let mut rev = found.clone();
    rev.reverse();
    let server_order = chosen(sc, suites, &rev)
        .await
        .map(|g| Some(&g) == found.first());
    (found, server_order)
}

/// TLS ≤ 1.2 curves from the ServerKeyExchange, in the server's order, and the DHE
/// prime size, for the newest legacy version with such suites.
pub async fn legacy(sc: &Scanner, v: &VersionFound) -> (Vec<u16>, Option<usize>) {
    let ecdhe: Vec<u16> = v
        .suites
        .iter()
        .copied()
        .filter(|s| hellos::kx(*s).is_some_and(|k| k.is_ec()))
        .collect();
    let dhe: Vec<u16> = v
        .suites
        .iter()
        .copied()
        .filter(|s| hellos::kx(*s).is_some_and(|k| k.is_ffdh()))
        .collect();
    let curves = async {
        let mut offer = hellos::ec_curves();
        let mut found = Vec::new();
        if ecdhe.is_empty() {
            return found;
        }
        for _ in 0..MAX_ROUNDS {
            let mut spec = hellos::legacy(v.version, sc.sni.as_deref(), &ecdhe);
            spec.set(crate::wire::write::Ext::SupportedGroups(offer.clone()));
            let a = ask(&sc.limits, &sc.addr, &spec, Need::Flight).await;
            let g = a
                .hello()
                .and_then(|h| h.key_exchange.as_ref())
                .and_then(|k| k.group)
                .map(|g| g.0);
            match g {
                Some(g) if offer.contains(&g) => {
                    found.push(g);
                    offer.retain(|x| *x != g);
                }
                _ => break,
            }
        }
        found
    };
    let dh_bits = async {
        if dhe.is_empty() {
            return None;
        }
        let spec = hellos::legacy(v.version, sc.sni.as_deref(), &dhe);
        let a = ask(&sc.limits, &sc.addr, &spec, Need::Flight).await;
        a.hello()
            .and_then(|h| h.key_exchange.as_ref())
            .and_then(|k| k.dh_p_bits)
    };
    tokio::join!(curves, dh_bits)
}

/// Whether a version list has TLS 1.3.
pub fn has_tls13(found: &[VersionFound]) -> Option<&VersionFound> {
    found.iter().find(|f| f.version == TLS13 && f.supported)
}
