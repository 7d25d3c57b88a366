//! STARTTLS peers that say no or never stop: every protocol's refusal is classified
//! and quoted (scripted peers on loopback), and an endless greeting is cut off by the
//! dialogue's bounds.

use tlslens::backend::BackendId;
use tlslens::profile::{Profile, Starttls};
use tlslens::report::{BackendReport, ErrorKind, Stage};

fn run(p: Profile) -> Vec<BackendReport> {
    let prep = tlslens::probe::prepare(p).expect("profile is valid");
    tlslens::probe::run(&prep, &BackendId::ALL).results
}

/// A server that never stops talking before TLS is cut off (64 KiB, 100 reply lines),
/// not buffered, and well before the timeout.
#[test]
fn an_endless_greeting_is_cut_off() {
    use std::io::Write;
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        for _ in 0..3 {
            let Ok((mut s, _)) = l.accept() else { return };
            std::thread::spawn(move || {
                let line = b"220-endless greeting\r\n";
                for _ in 0..50_000 {
                    if s.write_all(line).is_err() {
                        return;
                    }
                }
            });
        }
    });
    let p = Profile {
        host: "127.0.0.1".into(),
        port,
        starttls: Some(Starttls::Smtp),
        proxy: Some("direct".into()),
        handshake_timeout: 10.0,
        ..Profile::default()
    };
    let started = std::time::Instant::now();
    for r in run(p) {
        let e = r.error.expect("fails");
        assert_eq!(
            (e.kind, e.stage),
            (ErrorKind::Protocol, Stage::Starttls),
            "{e:?}"
        );
        assert!(r.dialogue.len() <= 256, "the record is bounded too");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    server.join().unwrap();
}

/// What a scripted peer does, step by step.
enum Step {
    Send(Vec<u8>),
    /// Read up to and including `\n`.
    Line,
    /// Read exactly this many bytes.
    Bytes(usize),
    /// Read until this text has been seen.
    Until(&'static str),
}

/// A one-connection-at-a-time server that plays `script` to each client (three at
/// most: one per backend), bounded by a 5 s read timeout.
fn scripted(script: Vec<Step>) -> (u16, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        for _ in 0..3 {
            let Ok((mut s, _)) = l.accept() else { return };
            s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            let mut got = Vec::new();
            let mut byte = [0u8; 1];
            let mut read_until = |s: &mut std::net::TcpStream, done: &dyn Fn(&[u8]) -> bool| {
                got.clear();
                while !done(&got) && got.len() < 8192 {
                    match s.read(&mut byte) {
                        Ok(1) => got.push(byte[0]),
                        _ => return false,
                    }
                }
                true
            };
            for step in &script {
                let ok = match step {
                    Step::Send(b) => s.write_all(b).is_ok(),
                    Step::Line => read_until(&mut s, &|g| g.ends_with(b"\n")),
                    Step::Bytes(n) => read_until(&mut s, &|g| g.len() >= *n),
                    Step::Until(t) => {
                        read_until(&mut s, &|g| String::from_utf8_lossy(g).contains(t))
                    }
                };
                if !ok {
                    break;
                }
            }
        }
    });
    (port, t)
}

/// Every protocol's refusal is `starttls-refused`, quoting what the server said.
#[test]
fn every_protocol_refusal_is_classified() {
    use Step::*;
    let s = |t: &str| Send(t.as_bytes().to_vec());
    let mut mysql_no_ssl = vec![10u8];
    mysql_no_ssl.extend_from_slice(b"5.5.5-old\0");
    mysql_no_ssl.extend_from_slice(&[1, 0, 0, 0]);
    mysql_no_ssl.extend_from_slice(b"abcdefgh\0");
    mysql_no_ssl.extend_from_slice(&[0x00, 0x82]); // PROTOCOL_41 | SECURE_CONNECTION, no SSL
    mysql_no_ssl.extend_from_slice(&[33, 2, 0, 0, 0, 21]);
    mysql_no_ssl.extend_from_slice(&[0u8; 10]);
    let mut mysql = vec![mysql_no_ssl.len() as u8, 0, 0, 0];
    mysql.extend_from_slice(&mysql_no_ssl);
    let diag = b"unsupported extended operation";
    let mut ldap = vec![0x30, (12 + diag.len()) as u8, 0x02, 0x01, 0x01, 0x78];
    ldap.push((7 + diag.len()) as u8);
    ldap.extend_from_slice(&[0x0a, 0x01, 0x02, 0x04, 0x00, 0x04, diag.len() as u8]);
    ldap.extend_from_slice(diag);
    let cases: Vec<(Starttls, Vec<Step>, &str)> = vec![
        (
            Starttls::Imap,
            vec![s("* OK ready\r\n"), Line, s("a1 NO TLS unavailable\r\n")],
            "a1 NO TLS unavailable",
        ),
        (
            Starttls::Pop3,
            vec![s("+OK ready\r\n"), Line, s("-ERR TLS not available\r\n")],
            "-ERR TLS not available",
        ),
        (
            Starttls::Ftp,
            vec![s("220 ready\r\n"), Line, s("534 TLS refused\r\n")],
            "534 TLS refused",
        ),
        (
            Starttls::Nntp,
            vec![
                s("200 ready\r\n"),
                Line,
                s("580 Can not initiate TLS negotiation\r\n"),
            ],
            "580 Can not",
        ),
        (
            Starttls::Sieve,
            vec![s("\"IMPLEMENTATION\" \"old\"\r\nOK \"ready\"\r\n")],
            "do not list \"STARTTLS\"",
        ),
        (
            Starttls::Irc,
            vec![Line, s(":irc.example 691 * :STARTTLS failed\r\n")],
            "691",
        ),
        (
            Starttls::Xmpp,
            vec![
                Until(">"),
                s(
                    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
                ),
            ],
            "stream:features",
        ),
        (
            Starttls::Ldap,
            vec![Bytes(31), Send(ldap)],
            "resultCode 2 unsupported extended operation",
        ),
        (
            Starttls::Postgres,
            vec![Bytes(8), s("N")],
            "does not do TLS",
        ),
        (
            Starttls::Mysql,
            vec![Send(mysql)],
            "does not offer CLIENT_SSL",
        ),
    ];
    for (proto, script, needle) in cases {
        let (port, server) = scripted(script);
        let p = Profile {
            host: "127.0.0.1".into(),
            port,
            starttls: Some(proto),
            proxy: Some("direct".into()),
            handshake_timeout: 5.0,
            ..Profile::default()
        };
        for r in run(p) {
            let e = r
                .error
                .unwrap_or_else(|| panic!("{proto}: {} connected", r.backend));
            assert_eq!(
                (e.kind, e.stage),
                (ErrorKind::StarttlsRefused, Stage::Starttls),
                "{proto}: {e:?}"
            );
            assert!(
                e.message.contains(needle),
                "{proto}: {needle:?} not in {e:?}"
            );
        }
        server.join().unwrap();
    }
}
