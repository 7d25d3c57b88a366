//! STARTTLS in the Python export (tests.rs is near its size limit). Running the
//! script against the lab's servers is in tests/export.rs.

use super::*;
use crate::profile::{Sni, Starttls, Trust};

fn with(proto: Option<Starttls>) -> Profile {
    Profile {
        host: "127.0.0.1".into(),
        port: 4433,
        sni: Sni::Name("mail.example.com".into()),
        trust: Trust::File,
        cacert: Some("/tmp/ca.crt".into()),
        starttls: proto,
        ..Profile::default()
    }
}

/// What each protocol's dialogue must say, in the Python text.
fn dialogue(proto: Starttls) -> &'static [&'static str] {
    match proto {
        Starttls::Smtp => &[
            "sock.sendall(b'EHLO tlslens.invalid\\r\\n')",
            "sock.sendall(b'STARTTLS\\r\\n')",
            "if code != '220':",
        ],
        Starttls::Imap => &["sock.sendall(b'a1 STARTTLS\\r\\n')", "startswith('OK')"],
        Starttls::Pop3 => &["sock.sendall(b'STLS\\r\\n')", "startswith('+OK')"],
        Starttls::Ftp => &["sock.sendall(b'AUTH TLS\\r\\n')", "if code != '234':"],
        Starttls::Nntp => &["code not in ('200', '201')", "if code != '382':"],
        Starttls::Irc => &["sock.sendall(b'STARTTLS\\r\\n')", "if code == '670':"],
        Starttls::Sieve => &["'\"STARTTLS\"'", "sock.sendall(b'STARTTLS\\r\\n')"],
        Starttls::Xmpp => &[
            "XMPP_TO = 'mail.example.com'",
            "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
            "'<proceed' not in answer",
        ],
        Starttls::Ldap => &[
            "LDAP_STARTTLS = b\"\\x30\\x1d\\x02\\x01\\x01\\x77\\x18\\x80\\x16\" b\"1.3.6.1.4.1.1466.20037\"",
            "sock.sendall(LDAP_STARTTLS)",
            "if code != 0:",
        ],
        Starttls::Postgres => &[
            "PG_SSLREQUEST = b\"\\x00\\x00\\x00\\x08\\x04\\xd2\\x16\\x2f\"",
            "if answer != b'S':",
        ],
        Starttls::Mysql => &[
            "CLIENT_SSL = 0x0800",
            "MYSQL_SSLREQUEST = b\"\\x20\\x00\\x00\\x01",
            "if not caps & CLIENT_SSL:",
        ],
    }
}

#[test]
fn each_protocol_has_only_its_own_dialogue() {
    for proto in Starttls::ALL {
        let py = export(&with(Some(proto)), Lang::Python);
        assert!(!py.contains("NOT EXPRESSIBLE: STARTTLS"), "{py}");
        assert!(py.contains(&format!("STARTTLS = '{proto}'")), "{py}");
        assert!(py.contains("starttls() speaks the"), "{py}");
        assert!(py.contains("\n            starttls(sock)  # "), "{py}");
        assert_eq!(py.matches("def starttls(sock):").count(), 1, "{py}");
        assert!(py.contains("class StarttlsRefused(StarttlsError):"), "{py}");
        for want in dialogue(proto) {
            assert!(py.contains(want), "{proto}: {want}\n{py}");
        }
        // Nothing of another protocol's dialogue.
        for other in Starttls::ALL.into_iter().filter(|o| *o != proto) {
            for line in dialogue(other) {
                let distinctive = [
                    " = ",
                    "EHLO",
                    "a1 STARTTLS",
                    "STLS",
                    "AUTH TLS",
                    "<starttls",
                ]
                .iter()
                .any(|d| line.contains(d));
                if distinctive && !dialogue(proto).contains(line) {
                    assert!(!py.contains(line), "{proto} has {other}'s {line}");
                }
            }
        }
        // The targets that start TLS on the first byte still say so.
        let rs = export(&with(Some(proto)), Lang::RustRustls);
        assert!(rs.contains("NOT EXPRESSIBLE: STARTTLS"), "{rs}");
    }
}

#[test]
fn starttls_comes_after_the_tunnel_and_before_tls() {
    let p = Profile {
        proxy: Some("socks5h://127.0.0.1:1080".into()),
        ..with(Some(Starttls::Imap))
    };
    let py = export(&p, Lang::Python);
    let at = |s: &str| py.find(s).unwrap_or_else(|| panic!("{s}\n{py}"));
    assert!(at("with open_tunnel(HOST, PORT) as sock:") < at("            starttls(sock)"));
    assert!(at("            starttls(sock)") < at("ctx.wrap_socket("));
    assert!(at("def open_tunnel(") < at("def starttls(sock):"));
    // Without STARTTLS, none of it.
    let plain = export(&with(None), Lang::Python);
    assert!(
        !plain.contains("starttls") && !plain.contains("STARTTLS"),
        "{plain}"
    );
}

#[test]
fn every_starttls_script_parses() {
    let Ok(out) = std::process::Command::new("python3")
        .arg("--version")
        .output()
    else {
        return;
    };
    if !out.status.success() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tlslens-starttls-py-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for proto in Starttls::ALL {
        let f = dir.join(format!("{proto}.py"));
        std::fs::write(&f, export(&with(Some(proto)), Lang::Python)).unwrap();
        let out = std::process::Command::new("python3")
            .args(["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())"])
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{proto}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
