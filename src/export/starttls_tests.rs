//! STARTTLS in the Python, Node and Java exports: each script holds its protocol's
//! dialogue and no other's, in the right place, and parses. Running them against the
//! lab's servers is in tests/export.rs.

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
fn python_dialogue(proto: Starttls) -> &'static [&'static str] {
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

/// What each protocol's dialogue must say, in the Node text.
fn node_dialogue(proto: Starttls) -> &'static [&'static str] {
    match proto {
        Starttls::Smtp => &[
            "raw.write('EHLO tlslens.invalid\\r\\n');",
            "raw.write('STARTTLS\\r\\n');",
            "if (code !== '220') throw refused(text);",
        ],
        Starttls::Imap => &["raw.write('a1 STARTTLS\\r\\n');", "startsWith('OK')"],
        Starttls::Pop3 => &["raw.write('STLS\\r\\n');", "startsWith('+OK')"],
        Starttls::Ftp => &[
            "raw.write('AUTH TLS\\r\\n');",
            "if (code !== '234') throw refused(text);",
        ],
        Starttls::Nntp => &[
            "!['200', '201'].includes(code)",
            "if (code !== '382') throw refused(text);",
        ],
        Starttls::Irc => &[
            "raw.write('STARTTLS\\r\\n');",
            "if (code === '670') return;",
        ],
        Starttls::Sieve => &["'\"STARTTLS\"'", "raw.write('STARTTLS\\r\\n');"],
        Starttls::Xmpp => &[
            "const XMPP_TO = \"mail.example.com\";",
            "raw.write(\"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\");",
            "if (!answer.includes('<proceed')) throw refused(answer);",
        ],
        Starttls::Ldap => &[
            "const LDAP_STARTTLS = Buffer.concat([Buffer.from([0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16]), Buffer.from('1.3.6.1.4.1.1466.20037')]);",
            "raw.write(LDAP_STARTTLS);",
            "if (code !== 0) throw refused(",
        ],
        Starttls::Postgres => &[
            "const PG_SSLREQUEST = Buffer.from([0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f]);",
            "if (answer[0] !== 0x53) {",
        ],
        Starttls::Mysql => &[
            "const CLIENT_SSL = 0x0800;",
            "const MYSQL_SSLREQUEST = Buffer.from([0x20, 0x00, 0x00, 0x01,",
            "if (!(caps & CLIENT_SSL))",
        ],
    }
}

/// What each protocol's dialogue must say, in the Java text.
fn java_dialogue(proto: Starttls) -> &'static [&'static str] {
    match proto {
        Starttls::Smtp => &[
            "t.send(\"EHLO tlslens.invalid\\r\\n\");",
            "t.send(\"STARTTLS\\r\\n\");",
            "if (!r[0].equals(\"220\")) throw refused(r[1]);",
        ],
        Starttls::Imap => &["t.send(\"a1 STARTTLS\\r\\n\");", "startsWith(\"OK\")"],
        Starttls::Pop3 => &["t.send(\"STLS\\r\\n\");", "startsWith(\"+OK\")"],
        Starttls::Ftp => &[
            "t.send(\"AUTH TLS\\r\\n\");",
            "if (!r[0].equals(\"234\")) throw refused(r[1]);",
        ],
        Starttls::Nntp => &[
            "!r[0].equals(\"200\") && !r[0].equals(\"201\")",
            "if (!r[0].equals(\"382\")) throw refused(r[1]);",
        ],
        Starttls::Irc => &[
            "t.send(\"STARTTLS\\r\\n\");",
            "if (code.equals(\"670\")) return;",
        ],
        Starttls::Sieve => &["\"\\\"STARTTLS\\\"\"", "t.send(\"STARTTLS\\r\\n\");"],
        Starttls::Xmpp => &[
            "static final String XMPP_TO = \"mail.example.com\";",
            "t.send(\"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\");",
            "if (!answer.contains(\"<proceed\")) throw refused(answer);",
        ],
        Starttls::Ldap => &[
            "static final byte[] LDAP_STARTTLS = {0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, (byte) 0x80, 0x16, 0x31, 0x2e,",
            "t.send(LDAP_STARTTLS);",
            "if (code != 0) throw refused(",
        ],
        Starttls::Postgres => &[
            "static final byte[] PG_SSLREQUEST = {0x00, 0x00, 0x00, 0x08, 0x04, (byte) 0xd2, 0x16, 0x2f};",
            "if (answer != 'S') {",
        ],
        Starttls::Mysql => &[
            "static final int CLIENT_SSL = 0x0800;",
            "static final byte[] MYSQL_SSLREQUEST = {0x20, 0x00, 0x00, 0x01,",
            "if ((caps & CLIENT_SSL) == 0)",
        ],
    }
}

/// Lines only one protocol's dialogue has (the others share `STARTTLS\r\n` and such).
fn distinctive(line: &str) -> bool {
    [
        " = ",
        "EHLO",
        "a1 STARTTLS",
        "STLS",
        "AUTH TLS",
        "<starttls",
    ]
    .iter()
    .any(|d| line.contains(d))
}

fn only_its_own(
    lang: Lang,
    dialogue: fn(Starttls) -> &'static [&'static str],
    constant: fn(Starttls) -> String,
    call: &str,
    decl: &str,
) {
    for proto in Starttls::ALL {
        let code = export(&with(Some(proto)), lang);
        assert!(!code.contains("NOT EXPRESSIBLE: STARTTLS"), "{code}");
        assert!(code.contains(&constant(proto)), "{lang} {proto}\n{code}");
        assert!(code.contains("starttls() speaks the"), "{code}");
        assert!(code.contains(call), "{lang} {proto}\n{code}");
        assert_eq!(code.matches(decl).count(), 1, "{code}");
        for want in dialogue(proto) {
            assert!(code.contains(want), "{lang} {proto}: {want}\n{code}");
        }
        for other in Starttls::ALL.into_iter().filter(|o| *o != proto) {
            for line in dialogue(other) {
                if distinctive(line) && !dialogue(proto).contains(line) {
                    assert!(!code.contains(line), "{lang} {proto} has {other}'s {line}");
                }
            }
        }
    }
}

#[test]
fn python_each_protocol_has_only_its_own_dialogue() {
    only_its_own(
        Lang::Python,
        python_dialogue,
        |proto| format!("STARTTLS = '{proto}'"),
        "\n            starttls(sock)  # ",
        "def starttls(sock):",
    );
    for proto in Starttls::ALL {
        let py = export(&with(Some(proto)), Lang::Python);
        assert!(py.contains("class StarttlsRefused(StarttlsError):"), "{py}");
        // The targets that start TLS on the first byte still say so.
        let rs = export(&with(Some(proto)), Lang::RustRustls);
        assert!(rs.contains("NOT EXPRESSIBLE: STARTTLS"), "{rs}");
    }
}

#[test]
fn node_each_protocol_has_only_its_own_dialogue() {
    only_its_own(
        Lang::Node,
        node_dialogue,
        |proto| format!("STARTTLS = \"{proto}\";  // "),
        "starttls(net.connect({ host: HOST, port: PORT })).then((socket) => {",
        "function starttls(raw) {",
    );
}

#[test]
fn java_each_protocol_has_only_its_own_dialogue() {
    only_its_own(
        Lang::Java,
        java_dialogue,
        |proto| format!("STARTTLS = \"{proto}\";  // "),
        "            starttls(raw);  // the ",
        "static void starttls(Socket s) throws IOException {",
    );
    for proto in Starttls::ALL {
        let code = export(&with(Some(proto)), Lang::Java);
        assert!(
            code.contains("\nclass StarttlsRefused extends StarttlsError {"),
            "{code}"
        );
        // Braces balance (javac itself runs in tests/export.rs).
        let depth = code.chars().try_fold(0i64, |d, c| match c {
            '{' => Some(d + 1),
            '}' => (d > 0).then(|| d - 1),
            _ => Some(d),
        });
        assert_eq!(depth, Some(0), "{proto}\n{code}");
    }
}

#[test]
fn starttls_comes_after_the_tunnel_and_before_tls() {
    let p = Profile {
        proxy: Some("socks5h://127.0.0.1:1080".into()),
        ..with(Some(Starttls::Imap))
    };
    let js = export(&p, Lang::Node);
    let at = |s: &str| js.find(s).unwrap_or_else(|| panic!("{s}\n{js}"));
    assert!(at("function openTunnel(") < at("function starttls(raw) {"));
    assert!(
        at("openTunnel(HOST, PORT).then(starttls).then((socket) => {")
            < at("sock = tls.connect({ ...options(), socket }")
    );
    assert!(js.contains("const net = require('net');"), "{js}");
    let java = export(&p, Lang::Java);
    let at = |s: &str| java.find(s).unwrap_or_else(|| panic!("{s}\n{java}"));
    assert!(at("Socket raw = openTunnel(HOST, PORT);") < at("starttls(raw);"));
    assert!(at("raw.setSoTimeout(HANDSHAKE_MS);") < at("starttls(raw);"));
    assert!(at("starttls(raw);") < at("createSocket(raw, CHECK_NAME, PORT, true)"));
    assert_eq!(
        java.matches("import java.io.IOException;").count(),
        1,
        "{java}"
    );
    // Without STARTTLS, none of it.
    for lang in [Lang::Node, Lang::Java] {
        let plain = export(&with(None), lang);
        assert!(
            !plain.contains("starttls") && !plain.contains("STARTTLS"),
            "{plain}"
        );
    }
}

#[test]
fn every_node_starttls_script_parses() {
    let Ok(out) = std::process::Command::new("node").arg("--version").output() else {
        return;
    };
    if !out.status.success() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tlslens-starttls-js-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for proto in Starttls::ALL {
        for proxy in [None, Some("http://u:p@127.0.0.1:3128".to_string())] {
            let p = Profile {
                proxy: proxy.clone(),
                ..with(Some(proto))
            };
            let f = dir.join(format!("{proto}-{}.js", proxy.is_some()));
            std::fs::write(&f, export(&p, Lang::Node)).unwrap();
            let out = std::process::Command::new("node")
                .arg("--check")
                .arg(&f)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{proto}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn python_starttls_comes_after_the_tunnel_and_before_tls() {
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
fn every_python_starttls_script_parses() {
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
