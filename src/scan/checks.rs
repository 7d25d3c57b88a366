//! What sslscan also reports, so nobody needs it beside tlslens: TLS_FALLBACK_SCSV,
//! secure renegotiation, compression, heartbeat, the signature algorithms a TLS 1.2
//! server signs with, the extensions its ServerHello echoes, the certificates it
//! presents (RSA and ECDSA), and whether the answer depends on SNI.

use super::conn::{Answer, Need, ask};
use super::hellos::{self, FALLBACK_SCSV, TLS12};
use super::suites::VersionFound;
use super::{Checks, Scanner, SniCheck};
use crate::wire::write::Ext;

const MAX_ROUNDS: usize = 32;

/// Every check that needs a TLS ≤ 1.2 answer runs at the newest such version.
pub async fn run(
    sc: &Scanner,
    versions: &[VersionFound],
    best: Option<&VersionFound>,
) -> (Checks, Vec<Vec<u8>>, Vec<u16>) {
    let Some(v) = best else {
        let fallback = fallback(sc, versions).await;
        return (
            Checks {
                fallback_scsv: fallback,
                ..Checks::default()
            },
            Vec::new(),
            Vec::new(),
        );
    };
    let (fallback, ext, compression, certs, sigalgs) = tokio::join!(
        fallback(sc, versions),
        extensions(sc, v),
        compression(sc, v),
        certificates(sc, v),
        sigalgs(sc, v)
    );
    let mut checks = ext;
    checks.fallback_scsv = fallback;
    checks.compression = compression;
    (checks, certs, sigalgs)
}

/// TLS_FALLBACK_SCSV (RFC 7507): offer the second-newest version with the SCSV; a
/// server that supports it refuses with inappropriate_fallback (86).
async fn fallback(sc: &Scanner, versions: &[VersionFound]) -> Option<bool> {
    let mut supported: Vec<&VersionFound> = versions.iter().filter(|v| v.supported).collect();
    supported.sort_by_key(|v| v.version);
    let lower = supported.iter().rev().nth(1)?;
    if lower.version > TLS12 {
        return None;
    }
    let mut suites = lower.suites.clone();
    suites.push(FALLBACK_SCSV);
    let a = ask(
        &sc.limits,
        &sc.addr,
        &sc.hello(lower.version, &suites),
        Need::Hello,
    )
    .await;
    match a {
        Answer::Alert {
            description: 86, ..
        } => Some(true),
        Answer::Hello(_) => Some(false),
        _ => None,
    }
}

/// One hello asking for every optional extension; what the ServerHello echoes.
async fn extensions(sc: &Scanner, v: &VersionFound) -> Checks {
    let mut spec = sc.hello(v.version, &v.suites);
    if v.version > hellos::SSL3 {
        spec.set(Ext::ExtendedMasterSecret);
        spec.set(Ext::EncryptThenMac);
        spec.set(Ext::SessionTicket(Vec::new()));
        spec.set(Ext::StatusRequest);
        spec.set(Ext::Heartbeat(1));
    }
    let a = ask(&sc.limits, &sc.addr, &spec, Need::Hello).await;
    let Some(h) = a.hello() else {
        return Checks::default();
    };
    let e = &h.hello.ext;
    let echoed = |code: u16| e.extensions.iter().any(|x| x.code == code);
    Checks {
        secure_renegotiation: Some(e.renegotiation_info),
        extended_master_secret: Some(e.extended_master_secret),
        encrypt_then_mac: Some(e.encrypt_then_mac),
        session_ticket: Some(e.session_ticket),
        ocsp_stapling: Some(e.status_request),
        heartbeat: Some(echoed(15)),
        heartbleed: (!echoed(15)).then_some(false),
        alpn: e.alpn.as_ref().and_then(|a| a.first().cloned()),
        ..Checks::default()
    }
}

/// Offer DEFLATE before null compression: a server that picks it compresses (CRIME).
async fn compression(sc: &Scanner, v: &VersionFound) -> Option<bool> {
    let mut spec = sc.hello(v.version, &v.suites);
    spec.compression_methods = vec![1, 0];
    let a = ask(&sc.limits, &sc.addr, &spec, Need::Hello).await;
    a.hello().map(|h| h.compression != 0)
}

/// The certificate chain for each kind of key the accepted suites authenticate with
/// (a server with RSA and ECDSA certificates shows both).
async fn certificates(sc: &Scanner, v: &VersionFound) -> Vec<Vec<u8>> {
    let (ecdsa, other): (Vec<u16>, Vec<u16>) =
        v.suites.iter().partition(|s| hellos::ecdsa_auth(**s));
    let ask_chain = |suites: Vec<u16>| async move {
        if suites.is_empty() {
            return Vec::new();
        }
        let a = ask(
            &sc.limits,
            &sc.addr,
            &sc.hello(v.version, &suites),
            Need::Flight,
        )
        .await;
        a.hello()
            .map(|h| h.certificates.clone())
            .unwrap_or_default()
    };
    let (a, b) = tokio::join!(ask_chain(other), ask_chain(ecdsa));
    let mut out = a;
    for c in b {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// TLS 1.2 signature algorithms, in the server's order: offer them all, note the one
/// its ServerKeyExchange is signed with, remove it, repeat.
async fn sigalgs(sc: &Scanner, v: &VersionFound) -> Vec<u16> {
    let signed: Vec<u16> = v
        .suites
        .iter()
        .copied()
        .filter(|s| hellos::kx(*s).is_some_and(|k| k.is_signed()))
        .collect();
    let mut found = Vec::new();
    if v.version != TLS12 || signed.is_empty() {
        return found;
    }
    let mut offer = hellos::SIGALGS.to_vec();
    for _ in 0..MAX_ROUNDS {
        let mut spec = hellos::legacy(TLS12, sc.sni.as_deref(), &signed);
        spec.set(Ext::SignatureAlgorithms(offer.clone()));
        let a = ask(&sc.limits, &sc.addr, &spec, Need::Flight).await;
        let used = a
            .hello()
            .and_then(|h| h.key_exchange.as_ref())
            .and_then(|k| k.signature.as_deref())
            .and_then(|name| {
                offer
                    .iter()
                    .copied()
                    .find(|s| crate::iana::sigscheme_name(*s) == name)
            });
        match used {
            Some(s) => {
                found.push(s);
                offer.retain(|x| *x != s);
            }
            None => break,
        }
    }
    found
}

/// The same hello without SNI and with a name the server cannot know: does the answer
/// (the outcome, and for TLS ≤ 1.2 the certificate) change?
pub async fn sni(sc: &Scanner, v: &VersionFound) -> Option<SniCheck> {
    let name = sc.sni.clone()?;
    let need = if v.version <= TLS12 {
        Need::Flight
    } else {
        Need::Hello
    };
    let variant = |name: Option<String>| async move {
        let mut spec = sc.hello(v.version, &v.suites);
        match name {
            Some(n) => {
                spec.set(Ext::ServerName(n));
            }
            None => {
                spec.remove(0);
            }
        }
        ask(&sc.limits, &sc.addr, &spec, need).await
    };
    let (with, none, other) = tokio::join!(
        variant(Some(name)),
        variant(None),
        variant(Some("tlslens-scan.invalid".into()))
    );
    Some(SniCheck {
        without_sni: differs(&with, &none),
        other_name: differs(&with, &other),
    })
}

/// "same", or what differs.
fn differs(a: &Answer, b: &Answer) -> String {
    match (a.hello(), b.hello()) {
        (Some(x), Some(y)) if x.certificates.first() != y.certificates.first() => {
            "another certificate".into()
        }
        (Some(x), Some(y)) if x.suite != y.suite || x.version != y.version => {
            format!("another choice: {}", b.describe())
        }
        (Some(_), Some(_)) => "same".into(),
        (None, None) if a.describe() == b.describe() => "same".into(),
        _ => b.describe(),
    }
}
