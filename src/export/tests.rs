use super::comments::*;
use super::curl::curl_cert_value;
use super::quote::*;
use super::*;
use crate::profile::Sni;
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};
use std::path::PathBuf;

fn legacy() -> Profile {
    Profile {
        host: "127.0.0.1".into(),
        port: 44303,
        sni: Sni::Name("localhost".into()),
        min_tls: Some(TlsVersion::V1_0),
        seclevel: Some(0),
        verify: VerifyMode::Off,
        trust: Trust::File,
        cacert: Some("/tmp/peers/certs/ca.crt".into()),
        ..Profile::default()
    }
}

fn client_cert() -> Profile {
    Profile {
        host: "127.0.0.1".into(),
        port: 44309,
        sni: Sni::Name("localhost".into()),
        trust: Trust::File,
        cacert: Some("/tmp/peers/certs/ca.crt".into()),
        cert: Some("/tmp/peers/certs/client.crt".into()),
        key: Some("/tmp/peers/certs/client.key".into()),
        alpn: vec!["h2".into(), "http/1.1".into()],
        ciphersuites: Some("TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256".into()),
        groups: Some("x25519:secp256r1".into()),
        ..Profile::default()
    }
}

fn sni_off() -> Profile {
    Profile {
        host: "example.test".into(),
        port: 8443,
        sni: Sni::Off,
        verify: VerifyMode::Full,
        trust: Trust::System,
        ..Profile::default()
    }
}

fn nasty() -> Profile {
    let dir = r#"/tmp/it's a "dir"\with:odd$chars`x`"#;
    Profile {
        host: "localhost".into(),
        port: 4433,
        trust: Trust::File,
        cacert: Some(PathBuf::from(format!("{dir}/ca.crt"))),
        cert: Some(PathBuf::from(format!("{dir}/c.crt"))),
        key: Some(PathBuf::from(format!("{dir}/c\nnewline.key"))),
        ciphers: Some("ECDHE-RSA-AES128-SHA:AES128-SHA".into()),
        seclevel: Some(1),
        verify: VerifyMode::ChainOnly,
        alpn: vec!["it's".into()],
        ..Profile::default()
    }
}

fn all_profiles() -> Vec<(&'static str, Profile)> {
    vec![
        ("legacy", legacy()),
        ("client-cert", client_cert()),
        ("sni-off", sni_off()),
        ("nasty", nasty()),
        ("default", {
            Profile {
                host: "::1".into(),
                ..Profile::default()
            }
        }),
    ]
}

/// Split a POSIX shell word list (the subset sh_quote produces): bare words,
/// single-quoted runs, `\` line continuations, `#` comments at line start.
fn sh_words(script: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut chars = script.chars().peekable();
    let mut at_line_start = true;
    while let Some(ch) = chars.next() {
        match ch {
            '#' if at_line_start => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                continue;
            }
            '\'' => {
                have = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    cur.push(c);
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(c) => {
                    cur.push(c);
                    have = true;
                }
                None => {}
            },
            c if c.is_whitespace() => {
                if have {
                    words.push(std::mem::take(&mut cur));
                    have = false;
                }
                at_line_start = c == '\n';
                continue;
            }
            c => {
                cur.push(c);
                have = true;
            }
        }
        at_line_start = false;
    }
    if have {
        words.push(cur);
    }
    words
}

fn value_after(words: &[String], flag: &str) -> Option<String> {
    let i = words.iter().position(|w| w == flag)?;
    words.get(i + 1).cloned()
}

fn python3() -> Option<&'static str> {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| "python3")
}

fn run_python(code: &str, args: &[&str]) -> Option<std::process::Output> {
    let py = python3()?;
    std::process::Command::new(py)
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .ok()
}

fn tmp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tlslens-export-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join(name);
    std::fs::write(&f, text).unwrap();
    f
}

#[test]
fn names_parse_back() {
    for l in Lang::ALL {
        assert_eq!(Lang::parse(l.name()), Some(l));
        assert_eq!(Lang::parse(&l.name().to_uppercase()), Some(l));
        assert!(!l.file_name().is_empty());
        assert!(!l.title().is_empty());
    }
    assert_eq!(Lang::parse("s-client"), Some(Lang::SClient));
    assert_eq!(Lang::parse("rustls"), Some(Lang::RustRustls));
    assert_eq!(Lang::parse("py"), Some(Lang::Python));
    assert_eq!(Lang::parse("openssl"), None);
    assert_eq!(Lang::parse("java"), Some(Lang::Java));
    assert_eq!(Lang::parse("nodejs"), Some(Lang::Node));
    assert_eq!(Lang::parse("gnutls"), None);
    assert_eq!(Lang::Python.file_name(), "tlslens_repro.py");
    assert_eq!(Lang::RustOpenssl.file_name(), "main.rs");
}

#[test]
fn base64_and_osc52() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foob"), "Zm9vYg==");
    assert_eq!(base64(b"fooba"), "Zm9vYmE=");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
}

#[test]
fn quoting_helpers() {
    assert_eq!(sh_quote("localhost"), "localhost");
    assert_eq!(sh_quote("127.0.0.1:443"), "127.0.0.1:443");
    assert_eq!(sh_quote(""), "''");
    assert_eq!(sh_quote_always("a:b"), "'a:b'");
    assert_eq!(sh_quote("a b"), "'a b'");
    assert_eq!(sh_quote("it's"), r"'it'\''s'");
    assert_eq!(sh_quote("$HOME"), "'$HOME'");
    assert_eq!(py_str(r#"a'b\c"d"#), r#"'a\'b\\c"d'"#);
    assert_eq!(py_str("x\ny\u{7}"), r"'x\ny\x07'");
    assert_eq!(rs_str("a\"b\\"), r#""a\"b\\""#);
    assert_eq!(rs_bytes(b"\x02h2"), r#"b"\x02h2""#);
    assert_eq!(curl_cert_value(r"C:\x"), r"C\:\\x");
    assert_eq!(shown("a\nb"), r"a\nb");
    assert_eq!(embedded_seclevel("DEFAULT@SECLEVEL=0"), Some(0));
    assert_eq!(embedded_seclevel("DEFAULT"), None);
    assert_eq!(secs(5.0), "5.0");
    assert_eq!(secs(2.5), "2.5");
    assert_eq!(fmt_secs(15.0), "15");
    assert_eq!(fmt_secs(2.5), "2.5");
}

#[test]
fn cipher_string_combines_level() {
    let mut p = legacy();
    assert_eq!(openssl_cipher_string(&p).unwrap(), "DEFAULT:@SECLEVEL=0");
    p.ciphers = Some("AES128-SHA".into());
    assert_eq!(openssl_cipher_string(&p).unwrap(), "AES128-SHA:@SECLEVEL=0");
    p.seclevel = None;
    assert_eq!(openssl_cipher_string(&p).unwrap(), "AES128-SHA");
    p.ciphers = None;
    assert_eq!(openssl_cipher_string(&p), None);
}

#[test]
fn legacy_weakenings_everywhere() {
    let p = legacy();
    for l in Lang::ALL {
        let s = export(&p, l);
        assert!(s.contains("WEAKENS SECURITY"), "{l}: {s}");
        assert!(s.contains("127.0.0.1"), "{l}");
        assert!(s.contains("44303"), "{l}");
        assert!(
            s.contains("verify off: anyone can impersonate the server"),
            "{l}: {s}"
        );
        match l {
            Lang::Python | Lang::Curl | Lang::SClient | Lang::RustOpenssl | Lang::Node => {
                assert!(s.contains("security level 0 allows MD5+SHA-1"), "{l}: {s}");
                assert!(s.contains("RFC 8996"), "{l}: {s}");
            }
            Lang::RustRustls => {
                assert!(s.contains("NOT EXPRESSIBLE: minimum TLSv1.0"), "{s}");
                assert!(
                    s.contains("NOT EXPRESSIBLE: OpenSSL security level 0"),
                    "{s}"
                );
            }
            Lang::Java => {
                assert!(s.contains("jdk.tls.disabledAlgorithms"), "{s}");
                assert!(
                    s.contains("NOT EXPRESSIBLE: OpenSSL security level 0"),
                    "{s}"
                );
            }
            Lang::RustNativeTls => {
                assert!(s.contains("Protocol::Tlsv10"), "{s}");
                assert!(
                    s.contains("NOT EXPRESSIBLE: OpenSSL security level 0"),
                    "{s}"
                );
                assert!(s.contains("danger_accept_invalid_certs(true)"), "{s}");
            }
        }
    }
    let py = export(&p, Lang::Python);
    assert!(py.contains("ctx.minimum_version = ssl.TLSVersion.TLSv1\n"));
    assert!(py.contains("ctx.set_ciphers('DEFAULT:@SECLEVEL=0')"));
    assert!(py.contains("ctx.verify_mode = ssl.CERT_NONE"));
    assert!(py.contains("ctx.check_hostname = False"));
    assert!(py.contains("SERVER_NAME = 'localhost'"));
    assert!(py.contains("print(tls.version(), tls.cipher()[0])"));
    // The weakening comment sits right above the line it explains.
    let lines: Vec<&str> = py.lines().collect();
    let k = lines
        .iter()
        .position(|l| l.contains("set_ciphers"))
        .unwrap();
    assert!(lines[k - 1].contains("WEAKENS SECURITY: security level 0"));

    let words = sh_words(&export(&p, Lang::SClient));
    assert_eq!(value_after(&words, "-connect").unwrap(), "127.0.0.1:44303");
    assert_eq!(value_after(&words, "-servername").unwrap(), "localhost");
    assert_eq!(value_after(&words, "-min_protocol").unwrap(), "TLSv1");
    assert_eq!(
        value_after(&words, "-cipher").unwrap(),
        "DEFAULT:@SECLEVEL=0"
    );
    assert!(!words.contains(&"-verify_return_error".to_string()));
    assert!(words.contains(&"-brief".to_string()));
    assert_eq!(words.last().unwrap(), "</dev/null");

    let words = sh_words(&export(&p, Lang::Curl));
    assert_eq!(words[0], "curl");
    assert!(words.contains(&"--tlsv1.0".to_string()));
    assert!(words.contains(&"-k".to_string()));
    assert!(words.contains(&"--no-alpn".to_string()));
    assert_eq!(
        value_after(&words, "--connect-to").unwrap(),
        "localhost:44303:127.0.0.1:44303"
    );
    assert_eq!(words.last().unwrap(), "https://localhost:44303/");
    assert_eq!(
        value_after(&words, "--ciphers").unwrap(),
        "DEFAULT:@SECLEVEL=0"
    );
}

#[test]
fn client_cert_everywhere() {
    let p = client_cert();
    let py = export(&p, Lang::Python);
    assert!(py.contains(
        "ctx.load_cert_chain(certfile='/tmp/peers/certs/client.crt', keyfile='/tmp/peers/certs/client.key')"
    ));
    assert!(py.contains("ctx.set_alpn_protocols(['h2', 'http/1.1'])"));
    assert!(py.contains("NOT EXPRESSIBLE: TLS 1.3 suites"));
    assert!(py.contains("NOT EXPRESSIBLE: groups 'x25519:secp256r1'"));
    assert!(py.contains("load_verify_locations(cafile='/tmp/peers/certs/ca.crt')"));
    assert!(!py.contains("WEAKENS SECURITY:"), "{py}");

    let w = sh_words(&export(&p, Lang::SClient));
    assert_eq!(
        value_after(&w, "-cert").unwrap(),
        "/tmp/peers/certs/client.crt"
    );
    assert_eq!(
        value_after(&w, "-key").unwrap(),
        "/tmp/peers/certs/client.key"
    );
    assert_eq!(value_after(&w, "-alpn").unwrap(), "h2,http/1.1");
    assert_eq!(value_after(&w, "-groups").unwrap(), "x25519:secp256r1");
    assert_eq!(
        value_after(&w, "-ciphersuites").unwrap(),
        "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
    );
    assert_eq!(value_after(&w, "-verify_hostname").unwrap(), "localhost");
    assert!(w.contains(&"-verify_return_error".to_string()));

    let w = sh_words(&export(&p, Lang::Curl));
    assert_eq!(
        value_after(&w, "--cert").unwrap(),
        "/tmp/peers/certs/client.crt"
    );
    assert_eq!(
        value_after(&w, "--key").unwrap(),
        "/tmp/peers/certs/client.key"
    );
    assert!(w.contains(&"--http2".to_string()));
    assert_eq!(value_after(&w, "--curves").unwrap(), "x25519:secp256r1");
    assert!(w.contains(&"--tls13-ciphers".to_string()));
    assert!(!w.contains(&"-k".to_string()));

    let rs = export(&p, Lang::RustRustls);
    assert!(rs.contains("with_client_auth_cert(chain, key)"));
    assert!(rs.contains("provider::cipher_suite::TLS13_AES_128_GCM_SHA256,"));
    assert!(rs.contains("provider::kx_group::X25519, provider::kx_group::SECP256R1"));
    assert!(rs.contains("\"h2\", \"http/1.1\""));
    let nt = export(&p, Lang::RustNativeTls);
    assert!(nt.contains("Identity::from_pkcs8"));
    assert!(nt.contains("features = [\"alpn\"]"));
    assert!(nt.contains("NOT EXPRESSIBLE: groups"));
    let os = export(&p, Lang::RustOpenssl);
    assert!(os.contains("set_certificate_chain_file(\"/tmp/peers/certs/client.crt\")"));
    assert!(
        os.contains(r#"b.set_alpn_protos(b"\x02h2\x08http/1.1")?;"#),
        "{os}"
    );
    assert!(os.contains("set_host(\"localhost\")"));
}

#[test]
fn sni_off_everywhere() {
    let p = sni_off();
    let py = export(&p, Lang::Python);
    assert!(py.contains("SERVER_NAME = None"));
    assert!(py.contains("ctx.check_hostname = False"));
    assert!(py.contains("CHECK_NAME = 'example.test'"));
    assert!(py.contains("name_matches(tls.getpeercert(), CHECK_NAME)"));
    assert!(py.contains("ctx.load_default_certs()"));
    let w = sh_words(&export(&p, Lang::SClient));
    assert!(w.contains(&"-noservername".to_string()));
    assert!(!w.contains(&"-servername".to_string()));
    assert_eq!(value_after(&w, "-verify_hostname").unwrap(), "example.test");
    let curl = export(&p, Lang::Curl);
    assert!(curl.contains("NOT EXPRESSIBLE: SNI off"));
    assert!(sh_words(&curl).last().unwrap() == "https://example.test:8443/");
    assert!(export(&p, Lang::RustRustls).contains("config.enable_sni = false;"));
    assert!(export(&p, Lang::RustNativeTls).contains("b.use_sni(false);"));
    let os = export(&p, Lang::RustOpenssl);
    assert!(!os.contains("ssl.set_hostname("));
    assert!(os.contains("set_host(\"example.test\")"));

    // An IP host with SNI off: Python checks the IP itself, no manual check.
    let ip = Profile {
        host: "127.0.0.1".into(),
        sni: Sni::Off,
        ..sni_off()
    };
    let py = export(&ip, Lang::Python);
    assert!(py.contains("SERVER_NAME = '127.0.0.1'"));
    assert!(!py.contains("name_matches"));
    let os = export(&ip, Lang::RustOpenssl);
    assert!(os.contains("set_ip(\"127.0.0.1\".parse()?)"));
    let w = sh_words(&export(&ip, Lang::SClient));
    assert_eq!(value_after(&w, "-verify_ip").unwrap(), "127.0.0.1");
}

#[test]
fn nasty_paths_are_quoted() {
    let p = nasty();
    let ca = path_str(p.cacert.as_ref().unwrap());
    let cert = path_str(p.cert.as_ref().unwrap());
    let key = path_str(p.key.as_ref().unwrap());
    let w = sh_words(&export(&p, Lang::SClient));
    assert_eq!(value_after(&w, "-CAfile").unwrap(), ca);
    assert_eq!(value_after(&w, "-cert").unwrap(), cert);
    assert_eq!(value_after(&w, "-key").unwrap(), key);
    assert_eq!(value_after(&w, "-alpn").unwrap(), "it's");
    assert_eq!(
        value_after(&w, "-cipher").unwrap(),
        "ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=1"
    );
    let w = sh_words(&export(&p, Lang::Curl));
    assert_eq!(value_after(&w, "--cacert").unwrap(), ca);
    assert_eq!(value_after(&w, "--cert").unwrap(), curl_cert_value(&cert));
    assert_eq!(value_after(&w, "--key").unwrap(), key);

    let py = export(&p, Lang::Python);
    assert!(py.contains(&py_str(&ca)));
    assert!(py.contains(r#"'/tmp/it\'s a "dir"\\with:odd$chars`x`/c\nnewline.key'"#));
    assert!(py.contains("WEAKENS SECURITY: no host-name check"));
    assert!(py.contains("WEAKENS SECURITY: security level 1"));
    for l in [Lang::RustRustls, Lang::RustNativeTls, Lang::RustOpenssl] {
        let s = export(&p, l);
        assert!(s.contains(&rs_str(&ca)), "{l}: {s}");
        assert!(!s.contains(&ca), "{l}: raw path leaked");
    }
    // No line was broken by the newline in the key path (in the shell
    // commands it sits, legitimately, inside single quotes).
    for l in [
        Lang::Python,
        Lang::RustRustls,
        Lang::RustNativeTls,
        Lang::RustOpenssl,
    ] {
        let s = export(&p, l);
        for line in s.lines() {
            assert!(!line.starts_with("newline.key"), "{l}: {line}");
        }
    }
}

/// The snippets stay valid when run through real tools: sh -n, bash word
/// splitting via python3's shlex, and python3's parser.
#[test]
fn snippets_parse_with_real_tools() {
    let Some(_) = python3() else {
        eprintln!("python3 not found: skipping the parser checks");
        return;
    };
    for (name, p) in all_profiles() {
        let py = export(&p, Lang::Python);
        let f = tmp_file(&format!("{name}.py"), &py);
        let out = run_python(
            "import ast,sys; ast.parse(open(sys.argv[1]).read())",
            &[f.to_str().unwrap()],
        )
        .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}\n{py}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Node parses its script without running it (when installed).
        let js = export(&p, Lang::Node);
        let f = tmp_file(&format!("{name}.js"), &js);
        if let Ok(out) = std::process::Command::new("node")
            .arg("--check")
            .arg(&f)
            .output()
        {
            assert!(
                out.status.success(),
                "{name}: {}\n{js}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for l in [Lang::Curl, Lang::SClient] {
            let sh = export(&p, l);
            let f = tmp_file(&format!("{name}-{}.sh", l.name()), &sh);
            let st = std::process::Command::new("sh")
                .arg("-n")
                .arg(&f)
                .status()
                .unwrap();
            assert!(st.success(), "{name} {l}: sh -n failed\n{sh}");
            // shlex (POSIX rules, comments on) agrees with our own splitter.
            let out = run_python(
                "import json,shlex,sys\n\
                 t=open(sys.argv[1]).read().replace('\\\\\\n','')\n\
                 print(json.dumps(shlex.split(t, comments=True)))",
                &[f.to_str().unwrap()],
            )
            .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let theirs: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(theirs, sh_words(&sh), "{name} {l}");
        }
    }
}

#[test]
fn rust_snippets_have_dependencies_and_main() {
    for (name, p) in all_profiles() {
        for (l, dep) in [
            (Lang::RustRustls, "rustls = "),
            (Lang::RustNativeTls, "native-tls = "),
            (Lang::RustOpenssl, "openssl = "),
        ] {
            let s = export(&p, l);
            assert!(s.starts_with("// tlslens:"), "{name} {l}");
            assert!(s.contains(&format!("//   {dep}")), "{name} {l}");
            assert!(s.contains("fn main() {"), "{name} {l}");
            assert!(
                s.contains("fn run() -> Result<(), Box<dyn Error>>"),
                "{name} {l}"
            );
            assert_eq!(
                s.matches('{').count(),
                s.matches('}').count(),
                "{name} {l}: unbalanced braces\n{s}"
            );
        }
    }
    // Verification modes pick the matching verifier.
    let mut p = legacy();
    assert!(export(&p, Lang::RustRustls).contains("struct NoVerification"));
    p.verify = VerifyMode::ChainOnly;
    assert!(export(&p, Lang::RustRustls).contains("struct ChainOnly"));
    p.verify = VerifyMode::Full;
    let s = export(&p, Lang::RustRustls);
    assert!(!s.contains("ServerCertVerifier"));
    assert!(s.contains("with_root_certificates(roots)"));
}

#[test]
fn webpki_and_unexpressible_settings_are_named() {
    let p = Profile {
        host: "example.test".into(),
        trust: Trust::Webpki,
        max_tls: Some(TlsVersion::V1_1),
        ..Profile::default()
    };
    for l in [
        Lang::Python,
        Lang::RustNativeTls,
        Lang::RustOpenssl,
        Lang::Curl,
        Lang::SClient,
    ] {
        assert!(
            export(&p, l).contains("NOT EXPRESSIBLE: trust 'webpki'"),
            "{l}"
        );
    }
    let rs = export(&p, Lang::RustRustls);
    assert!(rs.contains("webpki_roots::TLS_SERVER_ROOTS"));
    assert!(rs.contains("NOT EXPRESSIBLE: maximum TLSv1.1"));
    // Max 1.1 alone is flagged as a weakening too.
    assert!(export(&p, Lang::Python).contains("RFC 8996"));
    assert!(export(&p, Lang::Curl).contains("--tls-max 1.1: WEAKENS"));
}
