//! The proxy in the Python, Node and Java exports (tests.rs is near its size limit).
//! Running the code through real proxies is in tests/export.rs.

use super::*;
use crate::profile::{Sni, Trust};

const URLS: [&str; 4] = [
    "http://lab:tlslens@127.0.0.1:3128",
    "http://127.0.0.1:8080",
    "socks5://127.0.0.1:1080",
    "socks5h://u:p%40ss@[::1]:1080",
];

const TUNNELLED: [Lang; 3] = [Lang::Python, Lang::Node, Lang::Java];

fn through(url: &str) -> Profile {
    Profile {
        host: "127.0.0.1".into(),
        port: 4433,
        sni: Sni::Name("localhost".into()),
        trust: Trust::File,
        cacert: Some("/tmp/ca.crt".into()),
        proxy: Some(url.into()),
        ..Profile::default()
    }
}

fn tunnel_fn(l: Lang) -> &'static str {
    if l == Lang::Python {
        "def open_tunnel(host, port):"
    } else if l == Lang::Java {
        "static Socket openTunnel(String host, int port)"
    } else {
        "function openTunnel(host, port)"
    }
}

#[test]
fn every_kind_is_carried() {
    for url in URLS {
        let u = crate::profile::ProxyUrl::parse(url).unwrap();
        for l in TUNNELLED {
            let s = export(&through(url), l);
            let ctx = format!("{l} {url}:\n{s}");
            assert!(!s.contains("NOT EXPRESSIBLE: proxy"), "{ctx}");
            assert!(s.contains(tunnel_fn(l)), "{ctx}");
            assert_eq!(s.matches(tunnel_fn(l)).count(), 1, "{ctx}");
            // The constants name this proxy; the kind decides which dialogue runs.
            assert!(
                s.contains(&format!("PROXY_KIND = {}", kind_literal(l, url))),
                "{ctx}"
            );
            assert!(
                s.contains(&format!("Through the proxy {}", u.redacted())),
                "{ctx}"
            );
            // HTTP CONNECT with Basic credentials, a bounded head, the status line.
            for piece in [
                "CONNECT ",
                " HTTP/1.1\\r\\nHost: ",
                "Proxy-Authorization: Basic ",
                "65536",
                "proxy refused the tunnel: ",
            ] {
                assert!(s.contains(piece), "{piece}: {ctx}");
            }
            // SOCKS5: hello, RFC 1929 user/password, name or address, tlslens' words.
            for piece in [
                "[5, 1, 0]",
                "the SOCKS5 proxy refused our user name and password (SOCKS auth status ",
                "'socks5'",
                "connection not allowed by ruleset",
                "address type not supported",
                "unassigned reply code",
            ] {
                let piece = match l {
                    Lang::Java => piece.replace('\'', "\"").replace("[5, 1, 0]", "{5, 1, 0}"),
                    _ => piece.to_string(),
                };
                assert!(s.contains(&piece), "{piece}: {ctx}");
            }
            // The password is in the file, as curl's --proxy has it, and the file says so.
            let note = "NOTE: this file holds the proxy password";
            match &u.auth {
                Some((_, pass)) => {
                    assert!(s.contains(&format!("\"{pass}\"")) || s.contains(&format!("'{pass}'")));
                    assert!(s.contains(note), "{ctx}");
                }
                None => {
                    assert!(!s.contains(note), "{ctx}");
                    assert!(s.contains("no credentials"), "{ctx}");
                }
            }
        }
    }
}

fn kind_literal(l: Lang, url: &str) -> String {
    let scheme = url.split("://").next().unwrap_or("");
    if l == Lang::Python {
        format!("'{scheme}'")
    } else {
        format!("\"{scheme}\"")
    }
}

/// Without a proxy (or with `direct`, or for the client backends' relay) no tunnel
/// code is emitted: the plain output stays what it was.
#[test]
fn no_proxy_no_tunnel() {
    let relay: std::net::SocketAddr = "127.0.0.1:9".parse().unwrap();
    for l in TUNNELLED {
        let plain = export(&through("direct"), l);
        let none = Profile {
            proxy: None,
            ..through("direct")
        };
        assert_eq!(plain, export(&none, l), "{l}");
        for s in [plain, export_via(&through(URLS[0]), l, Some(relay))] {
            for piece in [
                "openTunnel",
                "open_tunnel",
                "PROXY_",
                "SOCKS",
                "base64",
                "require('net')",
            ] {
                assert!(!s.contains(piece), "{l} {piece}:\n{s}");
            }
            assert!(!s.contains("tlslens@"), "{l}");
        }
    }
}

/// The other targets are unchanged: curl and s_client carry the proxy their way, the
/// Rust targets still say they cannot.
#[test]
fn other_targets_unchanged() {
    let p = through(URLS[0]);
    assert!(export(&p, Lang::Curl).contains("--proxytunnel"));
    assert!(export(&p, Lang::SClient).contains("-proxy_user"));
    for l in [Lang::RustRustls, Lang::RustNativeTls, Lang::RustOpenssl] {
        assert!(
            export(&p, l).contains("NOT EXPRESSIBLE: proxy http://lab:***@"),
            "{l}"
        );
    }
}

/// The generated code parses: Python's ast, `node --check` (when installed).
#[test]
fn tunnel_code_parses() {
    let dir = tempfile::tempdir().unwrap();
    for (i, url) in URLS.iter().enumerate() {
        let p = through(url);
        let py = dir.path().join(format!("t{i}.py"));
        std::fs::write(&py, export(&p, Lang::Python)).unwrap();
        if let Ok(out) = std::process::Command::new("python3")
            .args(["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())"])
            .arg(&py)
            .output()
        {
            assert!(
                out.status.success(),
                "{url}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let js = dir.path().join(format!("t{i}.js"));
        std::fs::write(&js, export(&p, Lang::Node)).unwrap();
        if let Ok(out) = std::process::Command::new("node")
            .arg("--check")
            .arg(&js)
            .output()
        {
            assert!(
                out.status.success(),
                "{url}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let java = export(&p, Lang::Java);
        assert_eq!(
            java.matches('{').count(),
            java.matches('}').count(),
            "{url}: unbalanced braces\n{java}"
        );
    }
}
