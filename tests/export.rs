//! "Reproduce it anywhere", checked for real: the exported Python script, the
//! `openssl s_client` command and the `curl` command are run against the built-in lab
//! servers and must negotiate what tlslens' own OpenSSL backend negotiated (or fail
//! where it fails). A tool that is not installed is skipped with a message.

mod tools;

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tlslens::backend::BackendId;
use tlslens::export::{Lang, export};
use tlslens::lab::Lab;
use tlslens::profile::{Profile, TlsVersion};
use tlslens::report::BackendReport;
use tools::have;

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

fn openssl_probe(p: &Profile) -> BackendReport {
    let prep = tlslens::probe::prepare(p.clone()).expect("profile is valid");
    let mut r = tlslens::probe::run(&prep, &[BackendId::Openssl]);
    r.results.remove(0)
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tlslens-export-it-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join(name);
    std::fs::write(&f, text).unwrap();
    f
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Run the exported Python script; None when python3 is missing.
fn run_python(p: &Profile) -> Option<(Output, String)> {
    if !have("python3", "--version") {
        return None;
    }
    let code = export(p, Lang::Python);
    let f = write_temp(Lang::Python.file_name(), &code);
    let out = Command::new("python3").arg(&f).output().unwrap();
    Some((out, code))
}

/// Run an exported shell command with `bash -c`; None when the tool is missing.
fn run_shell(p: &Profile, lang: Lang) -> Option<(Output, String)> {
    let present = match lang {
        Lang::Curl => have("curl", "--version"),
        Lang::SClient => have("openssl", "version") && have("bash", "--version"),
        _ => unreachable!(),
    };
    if !present {
        return None;
    }
    let code = export(p, lang);
    let out = Command::new("bash").arg("-c").arg(&code).output().unwrap();
    Some((out, code))
}

/// The Python line and the s_client summary name the same version and cipher as
/// tlslens' OpenSSL backend; curl completes `GET /`.
fn reproduces(p: &Profile, r: &BackendReport) {
    assert!(r.ok, "tlslens (openssl) should connect: {:?}", r.error);
    let version = r.version.clone().expect("version");
    let cipher = r.cipher_openssl.clone().expect("OpenSSL cipher name");

    if let Some((out, code)) = run_python(p) {
        assert!(out.status.success(), "{}\n{code}", show(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            stdout.trim_end(),
            format!("{version} {cipher}"),
            "{}\n{code}",
            show(&out)
        );
    }
    if let Some((out, code)) = run_shell(p, Lang::SClient) {
        assert!(out.status.success(), "{}\n{code}", show(&out));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            all.contains(&format!("Protocol version: {version}")),
            "{}\n{code}",
            show(&out)
        );
        assert!(
            all.contains(&format!("Ciphersuite: {cipher}")),
            "{}\n{code}",
            show(&out)
        );
    }
    if let Some((out, code)) = run_shell(p, Lang::Curl) {
        assert!(out.status.success(), "{}\n{code}", show(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(" 200"),
            "{}\n{code}",
            show(&out)
        );
    }
}

#[test]
fn python_ssl_is_linked_against_openssl() {
    if !have("python3", "--version") {
        return;
    }
    let out = Command::new("python3")
        .args(["-c", "import ssl; print(ssl.OPENSSL_VERSION)"])
        .output()
        .unwrap();
    println!(
        "python3 ssl: {}",
        String::from_utf8_lossy(&out.stdout).trim()
    );
    assert!(out.status.success(), "{}", show(&out));
}

/// The case that started the project: the TLS 1.0/1.1 server whose ECDHE signature
/// is MD5+SHA-1. With min 1.0 and security level 0 every target reproduces it.
#[test]
fn legacy_with_level_0_reproduces_everywhere() {
    let mut p = lab().profile("legacy").unwrap();
    p.seclevel = Some(0);
    p.min_tls = Some(TlsVersion::V1_0);
    let r = openssl_probe(&p);
    assert_eq!(r.version.as_deref(), Some("TLSv1.1"));
    // Every target carries the weakening comments, except rustls, which can express
    // neither setting and says so.
    for l in Lang::ALL {
        let s = export(&p, l);
        if l == Lang::RustRustls {
            assert!(s.contains("NOT EXPRESSIBLE: minimum TLSv1.0"), "{s}");
            assert!(
                s.contains("NOT EXPRESSIBLE: OpenSSL security level 0"),
                "{s}"
            );
        } else {
            assert!(s.contains("WEAKENS SECURITY:"), "{l}: {s}");
        }
    }
    reproduces(&p, &r);
}

/// Without the weakenings tlslens fails, and so do the exported Python script and
/// s_client command (the snippet reproduces the failure too).
#[test]
fn legacy_without_weakening_fails_the_same_way() {
    let p = lab().profile("legacy").unwrap();
    let r = openssl_probe(&p);
    assert!(!r.ok, "tlslens (openssl) should fail at the default level");
    if let Some((out, code)) = run_python(&p) {
        assert_eq!(out.status.code(), Some(1), "{}\n{code}", show(&out));
        assert!(out.stdout.is_empty(), "{}", show(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("SSL"),
            "{}",
            show(&out)
        );
    }
    if let Some((out, code)) = run_shell(&p, Lang::SClient) {
        assert!(!out.status.success(), "{}\n{code}", show(&out));
    }
    if let Some((out, code)) = run_shell(&p, Lang::Curl) {
        assert!(!out.status.success(), "{}\n{code}", show(&out));
    }
}

/// TLS 1.3 with library defaults: no weakening anywhere.
#[test]
fn modern_tls13_with_defaults() {
    let p = lab().profile("modern").unwrap();
    let r = openssl_probe(&p);
    assert_eq!(r.version.as_deref(), Some("TLSv1.3"));
    for l in Lang::ALL {
        let s = export(&p, l);
        assert!(!s.contains("WEAKENS SECURITY:"), "{l}: {s}");
    }
    reproduces(&p, &r);
}

/// A client certificate from the lab CA, presented by every target.
#[test]
fn client_certificate_is_presented() {
    let mut p = lab().profile("client-cert").unwrap();
    p.cert = Some(lab().client_cert());
    p.key = Some(lab().client_key());
    let r = openssl_probe(&p);
    reproduces(&p, &r);
}

/// s_client speaks every STARTTLS protocol of the lab with `-starttls`, and goes
/// through the lab's HTTP proxy with `-proxy` (credentials included).
#[test]
fn s_client_reproduces_starttls_and_the_http_proxy() {
    for proto in tlslens::profile::Starttls::ALL {
        let p = lab().profile(proto.name()).unwrap();
        let r = openssl_probe(&p);
        let Some((out, code)) = run_shell(&p, Lang::SClient) else {
            return;
        };
        assert!(code.contains(&format!("-starttls '{proto}'")), "{code}");
        assert!(out.status.success(), "{proto}: {}\n{code}", show(&out));
        let text = String::from_utf8_lossy(&out.stderr);
        let version = r.version.clone().unwrap();
        assert!(
            text.contains(&format!("Protocol version: {version}")),
            "{proto}: {text}"
        );
    }
    let mut p = lab().profile("tls12").unwrap();
    p.proxy = lab().proxy_url("http-proxy-auth");
    let Some((out, code)) = run_shell(&p, Lang::SClient) else {
        return;
    };
    assert!(code.contains("-proxy_user 'lab'"), "{code}");
    assert!(out.status.success(), "{}\n{code}", show(&out));
}

/// The Python script speaks every STARTTLS protocol of the lab itself (its own
/// `starttls(sock)`, also through a SOCKS5 proxy) and negotiates what tlslens' OpenSSL
/// backend does; a refused upgrade exits 1 quoting the server's 454 answer.
#[test]
fn python_speaks_every_starttls_protocol() {
    let mut cases: Vec<(String, Profile)> = tlslens::profile::Starttls::ALL
        .iter()
        .map(|proto| {
            (
                proto.name().to_string(),
                lab().profile(proto.name()).unwrap(),
            )
        })
        .collect();
    let mut through = lab().profile("imap").unwrap();
    through.proxy = lab().proxy_url("socks5-proxy");
    cases.push(("imap through socks5".into(), through));
    for (what, p) in &cases {
        let r = openssl_probe(p);
        assert!(r.ok, "{what}: {:?}", r.error);
        let want = format!("{} {}", r.version.unwrap(), r.cipher_openssl.unwrap());
        let Some((out, code)) = run_python(p) else {
            return;
        };
        assert!(!code.contains("NOT EXPRESSIBLE: STARTTLS"), "{code}");
        assert!(code.contains("def starttls(sock):"), "{code}");
        assert!(out.status.success(), "{what}: {}\n{code}", show(&out));
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(said.trim_end(), want, "{what}: {}", show(&out));
    }
    let p = lab().profile("smtp-refuse").unwrap();
    let Some((out, code)) = run_python(&p) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1), "{}\n{code}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "StarttlsRefused: the server refused STARTTLS: \
             '454 4.7.0 TLS not available due to local problem'"
        ),
        "{}",
        show(&out)
    );
    assert!(out.stdout.is_empty(), "{}", show(&out));
}

/// curl goes through the lab's SOCKS5 and HTTP proxies.
#[test]
fn curl_carries_the_proxy() {
    for name in ["socks5-proxy-auth", "http-proxy"] {
        let mut p = lab().profile("tls12").unwrap();
        p.proxy = lab().proxy_url(name);
        let Some((out, code)) = run_shell(&p, Lang::Curl) else {
            return;
        };
        assert!(code.contains("--proxy"), "{code}");
        assert!(out.status.success(), "{name}: {}\n{code}", show(&out));
    }
    let p = lab().profile("smtp").unwrap();
    let curl = export(&p, Lang::Curl);
    assert!(
        curl.contains("--ssl-reqd") && curl.contains("'smtp://"),
        "{curl}"
    );
    let rust = export(&p, Lang::RustRustls);
    assert!(rust.contains("NOT EXPRESSIBLE: STARTTLS smtp"), "{rust}");
}

/// Start the exported Python, Node or Java code (each run as `python3 F`, `node F`,
/// `java F`, as the client backends run them); None when the runtime is missing.
fn start(p: &Profile, lang: Lang) -> Option<(Child, String)> {
    let (prog, present) = match lang {
        Lang::Python => ("python3", have("python3", "--version")),
        Lang::Node => ("node", have("node", "--version")),
        Lang::Java => ("java", have("java", "-version")),
        _ => unreachable!(),
    };
    if !present {
        return None;
    }
    let code = export(p, lang);
    let f = write_temp(lang.file_name(), &code);
    let child = Command::new(prog)
        .arg(&f)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Some((child, code))
}

/// Python, Node and Java open the proxy's tunnel themselves (HTTP CONNECT with
/// credentials, SOCKS5 with user/password sending the name, SOCKS5 resolving here and
/// sending the address) and negotiate what tlslens' OpenSSL backend does through it;
/// a wrong password fails with exit 1 and the proxy's refusal in the error line. The
/// runs go at once (a JVM takes a second or two to start).
#[test]
fn python_node_and_java_carry_the_proxy() {
    let p = lab().profile("tls12").unwrap();
    let r = openssl_probe(&p);
    assert!(r.ok, "{:?}", r.error);
    let version = r.version.clone().unwrap();
    let said = |l: Lang| {
        let cipher = match l {
            Lang::Java => r.cipher.clone(),
            _ => r.cipher_openssl.clone(),
        };
        format!("{version} {}", cipher.unwrap())
    };
    let http = lab().server("http-proxy-auth").unwrap().addr;
    let socks = lab().server("socks5-proxy-auth").unwrap().addr;
    let url = |name: &str| lab().proxy_url(name).unwrap();
    // (what, proxy URL, target host, the refusal expected)
    let cases = [
        ("HTTP CONNECT", url("http-proxy-auth"), "127.0.0.1", None),
        // By name: the proxy resolves "localhost" (SOCKS5 address type 3).
        ("socks5h", url("socks5-proxy-auth"), "localhost", None),
        // Resolved here: the address goes to the proxy (address type 1).
        (
            "socks5",
            url("socks5-proxy").replace("socks5h://", "socks5://"),
            "127.0.0.1",
            None,
        ),
        (
            "HTTP, wrong password",
            format!("http://lab:wrong@{http}"),
            "127.0.0.1",
            Some("proxy refused the tunnel: HTTP/1.1 407 Proxy Authentication Required"),
        ),
        (
            "SOCKS5, wrong password",
            format!("socks5h://lab:wrong@{socks}"),
            "127.0.0.1",
            Some("the SOCKS5 proxy refused our user name and password (SOCKS auth status 1)"),
        ),
    ];
    let started = std::time::Instant::now();
    let mut runs = Vec::new();
    for lang in [Lang::Python, Lang::Node, Lang::Java] {
        for (what, proxy, host, refusal) in &cases {
            let q = Profile {
                host: (*host).into(),
                proxy: Some(proxy.clone()),
                ..p.clone()
            };
            let Some((child, code)) = start(&q, lang) else {
                break;
            };
            assert!(
                !code.contains("NOT EXPRESSIBLE: proxy"),
                "{lang} {what}\n{code}"
            );
            runs.push((lang, *what, *refusal, child, code));
        }
    }
    let n = runs.len();
    for (lang, what, refusal, child, code) in runs {
        let out = child.wait_with_output().unwrap();
        let ctx = format!("{lang} {what}: {}\n{code}", show(&out));
        match refusal {
            None => {
                assert!(out.status.success(), "{ctx}");
                let stdout = String::from_utf8_lossy(&out.stdout);
                assert_eq!(stdout.trim_end(), said(lang), "{ctx}");
            }
            Some(words) => {
                assert_eq!(out.status.code(), Some(1), "{ctx}");
                assert!(out.stdout.is_empty(), "{ctx}");
                let stderr = String::from_utf8_lossy(&out.stderr);
                let line = stderr.lines().last().unwrap_or("");
                assert!(line.contains(words), "{ctx}");
            }
        }
    }
    println!(
        "{n} runs through the lab's proxies: {:?}",
        started.elapsed()
    );
}

/// Run `lang`'s export of each lab STARTTLS server in `protos` (and of `smtp-refuse`)
/// at once: each speaks the upgrade itself (its own `starttls`) and negotiates what
/// tlslens' OpenSSL backend does; the refused upgrade exits 1 with one error line
/// quoting the server's 454 answer.
fn speaks_starttls(lang: Lang, protos: &[&str], extra: Vec<(String, Profile)>) {
    let mut cases: Vec<(String, Profile)> = protos
        .iter()
        .map(|name| (name.to_string(), lab().profile(name).unwrap()))
        .collect();
    cases.extend(extra);
    let started = std::time::Instant::now();
    let mut runs = Vec::new();
    for (what, p) in &cases {
        let r = openssl_probe(p);
        assert!(r.ok, "{what}: {:?}", r.error);
        let cipher = match lang {
            Lang::Java => r.cipher,
            _ => r.cipher_openssl,
        };
        let want = format!("{} {}", r.version.unwrap(), cipher.unwrap());
        let Some((child, code)) = start(p, lang) else {
            return;
        };
        assert!(!code.contains("NOT EXPRESSIBLE: STARTTLS"), "{code}");
        runs.push((what.clone(), Some(want), child, code));
    }
    let refuse = lab().profile("smtp-refuse").unwrap();
    if let Some((child, code)) = start(&refuse, lang) {
        runs.push(("smtp-refuse".into(), None, child, code));
    }
    let n = runs.len();
    for (what, want, child, code) in runs {
        let out = child.wait_with_output().unwrap();
        let ctx = format!("{lang} {what}: {}\n{code}", show(&out));
        match want {
            Some(want) => {
                assert!(out.status.success(), "{ctx}");
                let said = String::from_utf8_lossy(&out.stdout);
                assert_eq!(said.trim_end(), want, "{ctx}");
            }
            None => {
                assert_eq!(out.status.code(), Some(1), "{ctx}");
                assert!(out.stdout.is_empty(), "{ctx}");
                let err = String::from_utf8_lossy(&out.stderr);
                assert_eq!(
                    err.lines().last().unwrap_or(""),
                    "StarttlsRefused: the server refused STARTTLS: \
                     '454 4.7.0 TLS not available due to local problem'",
                    "{ctx}"
                );
            }
        }
    }
    println!("{n} {lang} STARTTLS runs: {:?}", started.elapsed());
}

/// The Node script speaks every STARTTLS protocol of the lab itself (its own
/// `starttls(socket)`, also through a SOCKS5 proxy).
#[test]
fn node_speaks_every_starttls_protocol() {
    let names: Vec<&str> = tlslens::profile::Starttls::ALL
        .iter()
        .map(|p| p.name())
        .collect();
    let mut through = lab().profile("imap").unwrap();
    through.proxy = lab().proxy_url("socks5-proxy");
    speaks_starttls(
        Lang::Node,
        &names,
        vec![("imap through socks5".into(), through)],
    );
}

/// The Java program speaks the STARTTLS upgrade itself (`starttls(Socket)`): text
/// protocols, XMPP, and the three binary ones (six of the lab's, to keep time down).
#[test]
fn java_speaks_starttls() {
    speaks_starttls(
        Lang::Java,
        &["smtp", "imap", "ldap", "postgres", "mysql", "xmpp"],
        Vec::new(),
    );
}
