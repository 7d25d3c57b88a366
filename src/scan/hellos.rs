//! What the scanner offers: every registered suite and group, in an order that puts
//! the common ones first, and hellos shaped so intolerant servers still answer.

use crate::iana::{self, Kx};
use crate::wire::write::{ClientHelloSpec, Ext};

pub const SSL3: u16 = 0x0300;
pub const TLS10: u16 = 0x0301;
pub const TLS11: u16 = 0x0302;
pub const TLS12: u16 = 0x0303;
pub const TLS13: u16 = 0x0304;
/// Every version the scan asks about, oldest first.
pub const VERSIONS: [u16; 5] = [SSL3, TLS10, TLS11, TLS12, TLS13];

/// TLS_FALLBACK_SCSV (RFC 7507).
pub const FALLBACK_SCSV: u16 = 0x5600;
/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746).
const RENEGOTIATION_SCSV: u16 = 0x00ff;

/// At most this many suites in one hello: nmap and testssl.sh chunk their lists too,
/// because some servers reject (or hang on) hellos with hundreds of suites.
pub const CHUNK: usize = 128;

/// Signature schemes offered to a TLS 1.2 server: every (hash, signature) pair of RFC
/// 5246 and the RFC 8446 schemes, so the server's choice is its own.
pub const SIGALGS: [u16; 27] = [
    0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0807, 0x0808, 0x0403, 0x0503, 0x0603, 0x0401,
    0x0501, 0x0601, 0x0402, 0x0502, 0x0602, 0x0303, 0x0301, 0x0302, 0x0203, 0x0201, 0x0202, 0x0101,
    0x081a, 0x081b, 0x081c,
];

/// Suites a TLS ≤ 1.2 hello may offer: every registered non-TLS 1.3 suite, those
/// OpenSSL knows first (they are what servers run), signalling values left out.
pub fn legacy_suites() -> Vec<u16> {
    let all = iana::cipher_suites()
        .iter()
        .filter(|c| !matches!(c.kx, Kx::Tls13 | Kx::Scsv));
    let (known, rest): (Vec<&iana::CipherInfo>, Vec<&iana::CipherInfo>) =
        all.partition(|c| c.openssl.is_some());
    known.iter().chain(rest.iter()).map(|c| c.id).collect()
}

/// The TLS 1.3 suites of the registry.
pub fn tls13_suites() -> Vec<u16> {
    iana::cipher_suites()
        .iter()
        .filter(|c| c.kx == Kx::Tls13)
        .map(|c| c.id)
        .collect()
}

/// Named groups worth offering (not the "arbitrary explicit" pseudo-curves).
pub fn all_groups() -> Vec<u16> {
    iana::groups().filter(|g| *g < 0xff00).collect()
}

/// Elliptic curves a TLS ≤ 1.2 ServerKeyExchange can name.
pub fn ec_curves() -> Vec<u16> {
    iana::groups().filter(|g| (1..=41).contains(g)).collect()
}

/// A TLS ≤ 1.2 (or SSLv3) hello offering `suites`.
pub fn legacy(version: u16, sni: Option<&str>, suites: &[u16]) -> ClientHelloSpec {
    let mut suites = suites.to_vec();
    if version == SSL3 {
        // No extensions in SSLv3: secure renegotiation is asked for with the SCSV.
        suites.push(RENEGOTIATION_SCSV);
    }
    let mut spec = ClientHelloSpec::for_version(version, sni, &suites);
    if version > SSL3 {
        let mut groups = ec_curves();
        groups.extend(
            all_groups()
                .into_iter()
                .filter(|g| (0x100..0x200).contains(g)),
        );
        spec.set(Ext::SupportedGroups(groups));
        spec.set(Ext::EcPointFormats(vec![0, 1, 2]));
    }
    if version >= TLS12 {
        spec.set(Ext::SignatureAlgorithms(SIGALGS.to_vec()));
    }
    pad(&mut spec);
    spec
}

/// A TLS 1.3-only hello with no key share: a server that accepts one of `groups` must
/// answer with a HelloRetryRequest naming the group and suite it chose, so nothing is
/// computed and nothing encrypted.
pub fn tls13(sni: Option<&str>, suites: &[u16], groups: &[u16]) -> ClientHelloSpec {
    let mut spec = ClientHelloSpec::for_version(TLS13, sni, suites);
    spec.set(Ext::SupportedGroups(groups.to_vec()));
    spec.set(Ext::SignatureAlgorithms(SIGALGS.to_vec()));
    spec.set(Ext::KeyShare(Vec::new()));
    pad(&mut spec);
    spec
}

/// RFC 7685: hellos of 256–511 bytes hang some old load balancers; pad them to 512.
fn pad(spec: &mut ClientHelloSpec) {
    if spec.extensions.is_none() {
        return;
    }
    let len = spec.handshake().len();
    if (256..512).contains(&len) {
        // The padding extension's own 4-byte header counts too.
        spec.set(Ext::Padding(512usize.saturating_sub(len + 4)));
    }
}

/// Whether a suite authenticates with an ECDSA certificate (else RSA/DSS/none).
pub fn ecdsa_auth(suite: u16) -> bool {
    iana::cipher_info(suite).is_some_and(|c| c.iana.contains("_ECDSA_"))
}

/// The key-exchange family of a suite.
pub fn kx(suite: u16) -> Option<Kx> {
    iana::cipher_kx(suite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hellos_are_never_in_the_intolerant_size_range() {
        let suites = legacy_suites();
        for v in VERSIONS {
            for n in [1, 10, 60, 100, CHUNK] {
                let s = &suites[..n];
                let len = if v == TLS13 {
                    tls13(Some("localhost"), &tls13_suites(), &all_groups())
                        .handshake()
                        .len()
                } else {
                    legacy(v, Some("localhost"), s).handshake().len()
                };
                assert!(!(256..512).contains(&len) || v == SSL3, "{v:#x} {n}: {len}");
            }
        }
    }

    #[test]
    fn the_registry_is_offered_in_full() {
        let l = legacy_suites();
        assert!(l.len() > 300, "{}", l.len());
        assert!(l.contains(&0xc02f) && l.contains(&0x002f) && !l.contains(&0x1301));
        assert!(
            [0x1301, 0x1302, 0x1303]
                .iter()
                .all(|s| tls13_suites().contains(s))
        );
        assert!(all_groups().contains(&0x11ec), "X25519MLKEM768 is offered");
    }
}
