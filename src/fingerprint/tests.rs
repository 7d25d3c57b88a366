use super::*;
use crate::wire::{Chunk, Direction, Transcript};
use std::time::Duration;

fn u16s(v: &[u16]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_be_bytes()).collect()
}

fn with_len16(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

fn ext(code: u16, body: &[u8]) -> Vec<u8> {
    let mut out = code.to_be_bytes().to_vec();
    out.extend(with_len16(body));
    out
}

/// A ClientHello as bytes on the wire (one record), from its parts.
fn hello(ciphers: &[u16], extensions: &[Vec<u8>]) -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend([7u8; 32]); // random
    body.push(32);
    body.extend([9u8; 32]); // session id
    body.extend(with_len16(&u16s(ciphers)));
    body.extend([1, 0]); // compression: null
    body.extend(with_len16(&extensions.concat()));
    let mut hs = vec![1, 0];
    hs.extend((body.len() as u16).to_be_bytes());
    hs.extend(body);
    let mut rec = vec![0x16, 0x03, 0x01];
    rec.extend(with_len16(&hs));
    rec
}

fn decoded(bytes: Vec<u8>) -> Fingerprint {
    let t = Transcript::decode(&[Chunk {
        dir: Direction::Client,
        at: Duration::ZERO,
        bytes,
    }]);
    of(t.client_hello().expect("a ClientHello"))
}

const SIGALGS: [u16; 8] = [
    0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
];

/// A Chrome hello as published with its fingerprints (browserleaks' TLS page: ja3_text,
/// ja3_hash, ja4, ja4_r), rebuilt here with GREASE added in every list.
fn chrome_hello() -> Vec<u8> {
    let ciphers = [
        0x2a2a, 4865, 4866, 4867, 49195, 49199, 49196, 49200, 52393, 52392, 49171, 49172, 156, 157,
        47, 53,
    ];
    let mut sni = vec![0];
    sni.extend(with_len16(b"tls.browserleaks.com"));
    let mut key_share = u16s(&[0x4a4a, 1]);
    key_share.push(0);
    key_share.extend(u16s(&[29, 32]));
    key_share.extend([5u8; 32]);
    let mut alpn = vec![2];
    alpn.extend(b"h2");
    alpn.push(8);
    alpn.extend(b"http/1.1");
    let exts = vec![
        ext(0x0a0a, &[]),
        ext(45, &[1, 1]),
        ext(51, &with_len16(&key_share)),
        ext(16, &with_len16(&alpn)),
        ext(65037, &[0, 0, 1, 0, 1, 0x20, 0, 0]),
        ext(23, &[]),
        ext(17613, &with_len16(&[2, b'h', b'2'])),
        ext(0, &with_len16(&sni)),
        ext(11, &[1, 0]),
        ext(10, &with_len16(&u16s(&[0x8a8a, 4588, 29, 23, 24]))),
        ext(43, &[6, 0x1a, 0x1a, 3, 4, 3, 3]),
        ext(65281, &[0]),
        ext(35, &[]),
        ext(18, &[]),
        ext(5, &[1, 0, 0, 0, 0]),
        ext(13, &with_len16(&u16s(&SIGALGS))),
        ext(27, &[2, 0, 2]),
        ext(0xfafa, &[0]),
    ];
    hello(&ciphers, &exts)
}

#[test]
fn published_chrome_hello() {
    let f = decoded(chrome_hello());
    assert_eq!(
        f.ja3,
        "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,\
         45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0"
    );
    assert_eq!(f.ja3_hash, "98487aa16281980e7d1120d399efb6a4");
    assert_eq!(f.ja4, "t13d1516h2_8daaf6152771_d8a2da3f94cd");
    assert_eq!(
        f.ja4_r,
        "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_\
         0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,44cd,fe0d,ff01_\
         0403,0804,0401,0503,0805,0501,0806,0601"
    );
}

/// The example of FoxIO's JA4 README (JA4_r → JA4).
#[test]
fn foxio_readme_example() {
    let ciphers = [
        0x002f, 0x0035, 0x009c, 0x009d, 0x1301, 0x1302, 0x1303, 0xc013, 0xc014, 0xc02b, 0xc02c,
        0xc02f, 0xc030, 0xcca8, 0xcca9,
    ];
    let exts = [
        0x0000, 0x0010, 0x0005, 0x000a, 0x000b, 0x000d, 0x0012, 0x0015, 0x0017, 0x001b, 0x0023,
        0x002b, 0x002d, 0x0033, 0x4469, 0xff01,
    ];
    let prefix = ja4_prefix(0x0304, true, ciphers.len(), exts.len(), Some(b"h2"));
    let (ja4, _) = ja4_parts(&prefix, &ciphers, &exts, &SIGALGS);
    assert_eq!(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
}

#[test]
fn prefix_rules() {
    // No SNI, no ALPN, TLS 1.2 from legacy_version, counts capped at 99.
    assert_eq!(ja4_prefix(0x0303, false, 120, 3, None), "t12i990300");
    // ALPN whose ends are not alphanumeric: hex digits instead.
    assert_eq!(
        ja4_prefix(0x0301, true, 1, 1, Some(&[0xab, 0x01, 0xcd])),
        "t10d0101ad"
    );
    assert_eq!(ja4_prefix(0x0304, true, 1, 1, Some(b"x")), "t13d0101xx");
    // Empty lists hash to zeros.
    let (ja4, _) = ja4_parts("t13i000000", &[], &[0, 0x10], &[]);
    assert_eq!(ja4, "t13i000000_000000000000_000000000000");
}

#[test]
fn same_hello_same_fingerprint() {
    assert_eq!(decoded(chrome_hello()), decoded(chrome_hello()));
}
