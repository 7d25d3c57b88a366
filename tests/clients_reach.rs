//! Real clients through STARTTLS and proxies, on the lab. The relay does the upgrade
//! and the proxy's tunnel with the target; a client whose code speaks the upgrade
//! itself (`s_client -starttls`, `curl smtp://`, the Python, Node and Java exports'
//! `starttls`) speaks it to the relay, which answers as the server would; the others
//! (curl without a URL scheme for the protocol) start TLS on their first byte. Either way each client's own TLS stack makes the handshake,
//! recorded and checked against its words.
//! Under CI every client must be installed (.ci/setup).

mod tools;

use std::sync::OnceLock;
use tlslens::backend::BackendId::{self, Curl, Java, Node, Python, SClient};
use tlslens::lab::Lab;
use tlslens::probe::{prepare, run};
use tlslens::profile::{Profile, Starttls};
use tlslens::report::{BackendReport, ErrorKind, Stage};

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

/// Those of `wanted` installed here; under CI every one must be.
fn present(wanted: &[BackendId]) -> Vec<BackendId> {
    tools::clients_present(wanted)
}

fn probe(p: Profile, backends: &[BackendId]) -> Vec<BackendReport> {
    run(&prepare(p).unwrap(), backends).results
}

fn lab_profile(name: &str) -> Profile {
    let mut p = lab().profile(name).expect("lab server");
    p.proxy = Some("direct".into());
    p
}

/// Connected and verified, and what the client printed is what the wire shows.
#[track_caller]
fn connected(r: &BackendReport, what: &str) {
    let c = r.client.as_ref().expect("a client run");
    assert!(r.ok, "{what} with {}: {:?}\n{c:#?}", r.backend, r.error);
    let wire = r.server_hello.as_ref().expect("a ServerHello");
    let wire = format!(
        "{} {}",
        wire.version.as_deref().unwrap(),
        wire.cipher.as_deref().unwrap()
    );
    assert_eq!(
        c.said.as_deref(),
        Some(wire.as_str()),
        "{what}: {}",
        r.backend
    );
}

/// Which clients speak which protocol's upgrade in their own code.
fn speaks_itself(b: BackendId, proto: Starttls) -> bool {
    match b {
        SClient | Python | Node | Java => true,
        Curl => matches!(
            proto,
            Starttls::Smtp | Starttls::Imap | Starttls::Pop3 | Starttls::Ftp
        ),
        _ => false,
    }
}

#[test]
fn every_starttls_protocol_with_the_clients() {
    for proto in Starttls::ALL {
        // Java and Node speak every upgrade themselves too (tests/export.rs runs them on
        // each): two protocols (one text, one binary) show it here, to keep time down;
        // the others run on every one.
        let mut wanted = vec![Python, SClient];
        if speaks_itself(Curl, proto) || proto == Starttls::Xmpp {
            wanted.push(Curl);
        }
        if matches!(proto, Starttls::Smtp | Starttls::Postgres) {
            wanted.extend([Java, Node]);
        }
        let name = proto.name();
        for r in probe(lab_profile(name), &present(&wanted)) {
            connected(&r, name);
            // The real upgrade with the server is in the report, before TLS.
            assert!(
                r.dialogue.iter().any(|e| e.via == "starttls"),
                "{name} {}: {:?}",
                r.backend,
                r.dialogue
            );
            assert!(r.timing_ms.starttls.is_some(), "{name} {}", r.backend);
            let own = r.library.contains("answered the client's own");
            // The client's own upgrade is recorded after the real one, as the relay
            // answered it.
            let relay_lines = r.dialogue.iter().filter(|e| e.via == "relay").count();
            assert_eq!(
                relay_lines > 0,
                own,
                "{name} {}: {:?}",
                r.backend,
                r.dialogue
            );
            if own {
                let first_relay = r.dialogue.iter().position(|e| e.via == "relay");
                let last_real = r.dialogue.iter().rposition(|e| e.via == "starttls");
                assert!(first_relay > last_real, "{name}: {:?}", r.dialogue);
                assert!(
                    r.dialogue
                        .iter()
                        .any(|e| e.via == "relay" && e.from == "client"),
                    "{name}: the client's words: {:?}",
                    r.dialogue
                );
            }
            assert_eq!(
                own,
                speaks_itself(r.backend, proto),
                "{name} {}: {}",
                r.backend,
                r.library
            );
            assert!(
                r.unsupported.iter().all(|u| !u.contains("starttls")),
                "the relay carries the upgrade: {:?}",
                r.unsupported
            );
        }
    }
}

#[test]
fn a_refused_upgrade_is_the_servers_refusal_for_every_client() {
    let clients = present(&BackendId::CLIENTS);
    let results = probe(lab_profile("smtp-refuse"), &clients);
    tools::failed_before_tls(&results, ErrorKind::StarttlsRefused, Stage::Starttls, "454");
}

#[test]
fn every_client_through_each_proxy_kind() {
    let clients = present(&BackendId::CLIENTS);
    for (proxy, target) in [("http-proxy-auth", "tls12"), ("socks5-proxy", "smtp")] {
        let mut p = lab_profile(target);
        p.proxy = lab().proxy_url(proxy);
        let proxy_addr = lab().server(proxy).unwrap().addr.to_string();
        for r in probe(p, &clients) {
            connected(&r, proxy);
            assert_eq!(r.address.as_deref(), Some(proxy_addr.as_str()), "{proxy}");
            let shown = r.proxy.as_deref().expect("the proxy is named");
            assert!(!shown.contains("tlslens@"), "redacted: {shown}");
            assert_eq!(
                r.dialogue.first().map(|e| e.via),
                Some("proxy"),
                "{proxy} {}",
                r.backend
            );
        }
    }
}

#[test]
fn a_proxy_refusing_credentials_is_not_a_tls_failure() {
    let http = lab().server("http-proxy-auth").unwrap().addr;
    let mut p = lab_profile("tls12");
    p.proxy = Some(format!("http://lab:wrong@{http}"));
    let results = probe(p, &present(&[Python, Curl]));
    tools::failed_before_tls(&results, ErrorKind::ProxyAuth, Stage::Proxy, "407");
}
