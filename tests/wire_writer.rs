//! The wire layer's ClientHello writer against the lab: hellos no TLS library would
//! send, written byte by byte, sent over loopback, and the answer (ServerHello,
//! HelloRetryRequest or alert) decoded by the same wire layer. Every read is bounded
//! in time and size; nothing leaves 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tlslens::lab::Lab;
use tlslens::wire::write::{ClientHelloSpec, Ext, KeyShareEntry};
use tlslens::wire::{Body, Chunk, Direction, Transcript};

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

/// Whole-exchange deadline and answer size cap.
const DEADLINE: Duration = Duration::from_secs(5);
const MAX_ANSWER: usize = 64 * 1024;

/// Send `hello` to the lab server `name`; read until the server has said enough (a
/// ServerHelloDone, a HelloRetryRequest, a TLS 1.3 ServerHello, an alert), the
/// connection closes, the deadline passes or the size cap is reached.
fn exchange(name: &str, hello: &ClientHelloSpec) -> Transcript {
    let addr = lab().server(name).expect("lab server").addr;
    assert!(addr.ip().is_loopback());
    let bytes = hello.to_records();
    let mut s = TcpStream::connect_timeout(&addr, DEADLINE).expect("connect");
    s.set_write_timeout(Some(DEADLINE)).unwrap();
    s.write_all(&bytes).expect("send the hello");
    let start = Instant::now();
    let mut chunks = vec![Chunk {
        dir: Direction::Client,
        at: Duration::ZERO,
        bytes,
    }];
    let mut total = 0;
    let mut buf = [0u8; 16 * 1024];
    loop {
        let left = DEADLINE.saturating_sub(start.elapsed());
        if left.is_zero() || total >= MAX_ANSWER {
            break;
        }
        s.set_read_timeout(Some(left)).unwrap();
        let n = match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n.min(MAX_ANSWER - total),
        };
        total += n;
        chunks.push(Chunk {
            dir: Direction::Server,
            at: start.elapsed(),
            bytes: buf[..n].to_vec(),
        });
        let t = Transcript::decode(&chunks);
        let tls13_sh = t.server_hello().is_some_and(|sh| sh.version.0 == 0x0304);
        if t.hello_retry()
            || tls13_sh
            || t.first_alert(Direction::Server).is_some()
            || t.last_server_message() == Some("ServerHelloDone")
        {
            break;
        }
    }
    Transcript::decode(&chunks)
}

fn alert(t: &Transcript) -> Option<String> {
    t.first_alert(Direction::Server).map(|a| a.name())
}

#[test]
fn tls12_server_picks_its_one_suite_among_unusual_offers() {
    // SCSVs, a TLS 1.3 suite, a suite no library implements and the one it accepts.
    let suites = [0x00ff, 0x1301, 0x0016, 0xc0ad, 0xc030, 0xc02f, 0x009c];
    let hello = ClientHelloSpec::for_version(0x0303, Some("localhost"), &suites);
    let t = exchange("tls12", &hello);
    let sh = t
        .server_hello()
        .unwrap_or_else(|| panic!("{:?}", t.messages));
    assert_eq!(sh.version.0, 0x0303);
    assert_eq!(sh.cipher_suite.0, 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256");
    assert!(sh.ext.renegotiation_info && sh.ext.extended_master_secret);
    // The ServerKeyExchange names the group: the first we offered.
    assert_eq!(t.negotiated_group(), Some(0x001d));
    assert_eq!(t.last_server_message(), Some("ServerHelloDone"));
}

#[test]
fn tls12_server_without_a_common_suite_says_handshake_failure() {
    let hello = ClientHelloSpec::for_version(0x0303, Some("localhost"), &[0x009c, 0x0035]);
    let t = exchange("tls12", &hello);
    assert!(t.server_hello().is_none());
    assert_eq!(alert(&t).as_deref(), Some("handshake_failure"));
}

#[test]
fn modern_server_answers_a_secp256r1_only_key_share() {
    let mut hello = ClientHelloSpec::for_version(0x0304, Some("localhost"), &[0x1301, 0x1302]);
    hello
        .set(Ext::SupportedGroups(vec![0x0017]))
        .set(Ext::KeyShare(vec![KeyShareEntry::dummy(0x0017)]));
    let t = exchange("modern", &hello);
    assert!(!t.hello_retry(), "{:?}", t.messages);
    let sh = t
        .server_hello()
        .unwrap_or_else(|| panic!("{:?}", t.messages));
    assert_eq!(sh.version.0, 0x0304);
    assert_eq!(sh.ext.selected_version.map(|v| v.0), Some(0x0304));
    let ks = sh.ext.key_share.expect("the server's key share");
    assert_eq!((ks.group.0, ks.key_len), (0x0017, 65));
    assert!([0x1301, 0x1302].contains(&sh.cipher_suite.0));
}

/// The HelloRetryRequest of a transcript, if the server sent one.
fn hello_retry(t: &Transcript) -> Option<&tlslens::wire::ServerHello> {
    t.messages.iter().find_map(|m| match &m.body {
        Body::HelloRetryRequest(h) => Some(h),
        _ => None,
    })
}

#[test]
fn modern_server_asks_for_x25519_when_only_a_secp256r1_share_comes() {
    // Both groups offered, only a P-256 share sent: the rustls server prefers x25519
    // and says so with a HelloRetryRequest rather than using the share it got.
    let mut hello = ClientHelloSpec::for_version(0x0304, Some("localhost"), &[0x1301]);
    hello
        .set(Ext::SupportedGroups(vec![0x001d, 0x0017]))
        .set(Ext::KeyShare(vec![KeyShareEntry::dummy(0x0017)]));
    let t = exchange("modern", &hello);
    let hrr = hello_retry(&t).unwrap_or_else(|| panic!("{:?}", t.messages));
    assert_eq!(hrr.ext.selected_group.map(|g| g.0), Some(0x001d));
    assert_eq!(hrr.ext.selected_version.map(|v| v.0), Some(0x0304));
    assert!(t.server_hello().is_none());
}

#[test]
fn modern_server_asks_for_its_group_when_no_share_is_sent() {
    // No key share at all: the HelloRetryRequest reveals which offered group it wants.
    let mut hello = ClientHelloSpec::for_version(0x0304, Some("localhost"), &[0x1301]);
    hello
        .set(Ext::SupportedGroups(vec![0x0018, 0x0017]))
        .set(Ext::KeyShare(Vec::new()));
    let t = exchange("modern", &hello);
    let hrr = hello_retry(&t).unwrap_or_else(|| panic!("{:?}", t.messages));
    assert_eq!(hrr.cipher_suite.0, 0x1301);
    let g = hrr.ext.selected_group.expect("selected_group").0;
    assert!([0x0017, 0x0018].contains(&g), "{g:04x}");
    assert!(t.server_hello().is_none());
}

#[test]
fn modern_server_refuses_tls12_with_protocol_version() {
    let hello = ClientHelloSpec::for_version(0x0303, Some("localhost"), &[0xc02f, 0xc030]);
    let t = exchange("modern", &hello);
    assert!(t.server_hello().is_none());
    assert_eq!(alert(&t).as_deref(), Some("protocol_version"));
}

#[test]
fn sslv3_hello_is_refused() {
    // SSLv3 framing and version, no extensions: no lab server speaks it.
    let hello = ClientHelloSpec::for_version(0x0300, None, &[0x002f, 0x0035, 0x000a]);
    assert_eq!(hello.to_records()[..3], [22, 3, 0]);
    let t = exchange("tls12", &hello);
    assert!(t.server_hello().is_none());
    assert_eq!(alert(&t).as_deref(), Some("handshake_failure"));
}

#[test]
fn legacy_server_answers_tls11_to_a_tls12_hello() {
    // legacy_version TLS 1.2 without supported_versions: the server picks its highest.
    let hello = ClientHelloSpec::for_version(0x0303, Some("localhost"), &[0xc014, 0x0035]);
    let t = exchange("legacy", &hello);
    let sh = t
        .server_hello()
        .unwrap_or_else(|| panic!("{:?}", t.messages));
    assert_eq!(sh.version.0, 0x0302);
    assert_eq!(sh.cipher_suite.0, 0xc014, "ECDHE-RSA-AES256-SHA");
}

#[test]
fn fallback_scsv_below_the_servers_best_is_refused() {
    // A TLS 1.1 hello carrying TLS_FALLBACK_SCSV to a server that speaks TLS 1.2.
    let hello = ClientHelloSpec::for_version(0x0302, Some("localhost"), &[0xc014, 0x002f, 0x5600]);
    let t = exchange("expired", &hello);
    assert!(t.server_hello().is_none());
    assert_eq!(alert(&t).as_deref(), Some("inappropriate_fallback"));
}

#[test]
fn sni_required_server_needs_the_name() {
    let suites = [0xc02f, 0xc030];
    let named = ClientHelloSpec::for_version(0x0303, Some("localhost"), &suites);
    let t = exchange("sni-required", &named);
    assert_eq!(t.negotiated_cipher(), Some(0xc02f));
    let anonymous = ClientHelloSpec::for_version(0x0303, None, &suites);
    let t = exchange("sni-required", &anonymous);
    assert!(t.server_hello().is_none());
    assert_eq!(alert(&t).as_deref(), Some("unrecognized_name"));
}
