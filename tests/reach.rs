//! Reaching servers another way: every STARTTLS dialogue against its lab server with
//! every backend, a refusal, and the lab's HTTP CONNECT and SOCKS5 proxies (with and
//! without credentials, denied targets, wrong credentials). Loopback only.

mod tools;

use std::sync::OnceLock;
use tlslens::backend::BackendId;
use tlslens::lab::Lab;
use tlslens::profile::{Profile, Starttls};
use tlslens::report::{BackendReport, ErrorKind, Stage};

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

fn run(p: Profile) -> Vec<BackendReport> {
    let prep = tlslens::probe::prepare(p).expect("profile is valid");
    tlslens::probe::run(&prep, &BackendId::ALL).results
}

fn lab_profile(name: &str) -> Profile {
    let mut p = lab().profile(name).expect("lab server exists");
    p.proxy = Some("direct".into());
    p
}

#[track_caller]
fn all_ok(results: &[BackendReport], what: &str) {
    assert_eq!(results.len(), 3);
    for r in results {
        assert!(r.ok, "{what} with {}: {:?}", r.backend, r.error);
        assert!(r.version.is_some(), "{what} with {}", r.backend);
        assert!(
            r.transcript.saw_server_hello(),
            "{what}: the TLS records are decoded after the dialogue"
        );
    }
}

#[track_caller]
fn all_failed(results: &[BackendReport], kind: ErrorKind, stage: Stage, needle: &str) {
    tools::failed_before_tls(results, kind, stage, needle);
}

#[test]
fn every_starttls_dialogue_works_with_every_backend() {
    for proto in Starttls::ALL {
        let p = lab_profile(proto.name());
        assert_eq!(p.starttls, Some(proto));
        let results = run(p);
        all_ok(&results, proto.name());
        for r in &results {
            assert!(
                r.dialogue
                    .iter()
                    .any(|e| e.from == "client" && e.via == "starttls"),
                "{proto}: the client's side is recorded: {:?}",
                r.dialogue
            );
            assert!(
                r.dialogue.iter().any(|e| e.from == "server"),
                "{proto}: the server's side is recorded: {:?}",
                r.dialogue
            );
            assert!(r.timing_ms.starttls.is_some());
            assert_eq!(
                r.transcript_lines().len(),
                r.dialogue.len() + r.transcript.messages.len().min(500),
                "the dialogue leads the transcript lines"
            );
        }
    }
}

#[test]
fn the_smtp_dialogue_is_recorded_in_order() {
    let r = run(lab_profile("smtp")).remove(1);
    let said: Vec<String> = r
        .dialogue
        .iter()
        .map(|e| format!("{} {}", e.from, e.text))
        .collect();
    assert_eq!(
        said.first().map(String::as_str),
        Some("server 220 lab.tlslens.invalid ESMTP tlslens lab")
    );
    assert!(said.contains(&"client EHLO tlslens.invalid".to_string()));
    assert_eq!(
        said.last().map(String::as_str),
        Some("server 220 2.0.0 Ready to start TLS")
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["dialogue"][0]["via"], "starttls");
    assert_eq!(json["error"], serde_json::Value::Null);
    // The ladder shows the dialogue before the TLS records, one item per line.
    let ladder = tlslens::tui::app::ladder_items(&r);
    let names: Vec<&str> = ladder.iter().map(|d| d.name.as_str()).collect();
    assert!(
        names[0].starts_with("STARTTLS: 220 lab.tlslens.invalid"),
        "{names:?}"
    );
    let hello = names.iter().position(|n| *n == "ClientHello").unwrap();
    assert_eq!(hello, r.dialogue.len(), "{names:?}");
}

#[test]
fn a_refused_starttls_is_classified_and_quotes_the_server() {
    let results = run(lab_profile("smtp-refuse"));
    all_failed(
        &results,
        ErrorKind::StarttlsRefused,
        Stage::Starttls,
        "\"454 4.7.0 TLS not available due to local problem\"",
    );
    let addr = lab().server("smtp-refuse").unwrap().addr.to_string();
    assert!(
        results
            .iter()
            .all(|r| r.address.as_deref() == Some(addr.as_str()))
    );
    let json = serde_json::to_value(&results[0]).unwrap();
    assert_eq!(json["error"]["kind"], "starttls-refused");
    assert_eq!(json["error"]["stage"], "starttls");
}

#[test]
fn a_plain_tls_server_is_not_an_smtp_server() {
    let mut p = lab_profile("tls12");
    p.starttls = Some(Starttls::Smtp);
    p.handshake_timeout = 2.0;
    for r in run(p) {
        let e = r.error.expect("fails");
        assert_eq!(e.stage, Stage::Starttls, "{e:?}");
        assert!(
            matches!(e.kind, ErrorKind::HandshakeTimeout | ErrorKind::Protocol),
            "{e:?}"
        );
    }
}

fn through(proxy: &str, target: &str) -> Vec<BackendReport> {
    let mut p = lab().profile(target).expect("lab server");
    p.proxy = Some(proxy.to_string());
    run(p)
}

#[test]
fn http_connect_and_socks5_proxies_carry_every_backend() {
    for name in [
        "http-proxy",
        "http-proxy-auth",
        "socks5-proxy",
        "socks5-proxy-auth",
    ] {
        let url = lab().proxy_url(name).unwrap();
        let results = through(&url, "tls12");
        all_ok(&results, name);
        let proxy_addr = lab().server(name).unwrap().addr.to_string();
        for r in &results {
            assert_eq!(r.address.as_deref(), Some(proxy_addr.as_str()), "{name}");
            let shown = r.proxy.as_deref().unwrap();
            assert!(
                !shown.contains("tlslens@"),
                "the password is redacted: {shown}"
            );
            assert!(r.dialogue.iter().all(|e| e.via == "proxy"));
            assert!(
                r.dialogue
                    .iter()
                    .all(|e| !e.text.contains("bGFiOnRsc2xlbnM")),
                "no credentials in the record: {:?}",
                r.dialogue
            );
        }
    }
    // socks5:// resolves locally and sends the address.
    let url = lab()
        .proxy_url("socks5-proxy")
        .unwrap()
        .replace("socks5h", "socks5");
    all_ok(&through(&url, "modern"), "socks5 local resolution");
}

#[test]
fn proxy_then_starttls() {
    let url = lab().proxy_url("socks5-proxy").unwrap();
    let results = through(&url, "imap");
    all_ok(&results, "imap through socks5");
    let vias: Vec<&str> = results[0].dialogue.iter().map(|e| e.via).collect();
    assert_eq!(vias.first(), Some(&"proxy"));
    assert_eq!(vias.last(), Some(&"starttls"));
}

#[test]
fn proxy_failures_are_not_tls_failures() {
    let http = lab().server("http-proxy-auth").unwrap().addr;
    let socks = lab().server("socks5-proxy-auth").unwrap().addr;
    all_failed(
        &through(&format!("http://{http}"), "tls12"),
        ErrorKind::ProxyAuth,
        Stage::Proxy,
        "407",
    );
    all_failed(
        &through(&format!("http://lab:wrong@{http}"), "tls12"),
        ErrorKind::ProxyAuth,
        Stage::Proxy,
        "refused our credentials",
    );
    all_failed(
        &through(&format!("socks5h://{socks}"), "tls12"),
        ErrorKind::ProxyAuth,
        Stage::Proxy,
        "user name and password",
    );
    all_failed(
        &through(&format!("socks5h://lab:wrong@{socks}"), "tls12"),
        ErrorKind::ProxyAuth,
        Stage::Proxy,
        "refused our user name",
    );
    // The lab proxies only tunnel to loopback: any other name is denied by policy.
    let mut p = lab().profile("tls12").unwrap();
    p.host = "denied.example".into();
    p.proxy = lab().proxy_url("http-proxy");
    all_failed(&run(p.clone()), ErrorKind::ProxyDenied, Stage::Proxy, "403");
    p.proxy = lab().proxy_url("socks5-proxy");
    all_failed(&run(p), ErrorKind::ProxyDenied, Stage::Proxy, "ruleset");
    // A closed port: the proxy's target refuses.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut p = lab().profile("tls12").unwrap();
    p.port = port;
    p.proxy = lab().proxy_url("socks5-proxy");
    all_failed(
        &run(p.clone()),
        ErrorKind::ProxyError,
        Stage::Proxy,
        "reply 5",
    );
    p.proxy = lab().proxy_url("http-proxy");
    all_failed(&run(p), ErrorKind::ProxyError, Stage::Proxy, "502");
    // Nothing listens where the proxy should be.
    let mut p = lab().profile("tls12").unwrap();
    p.proxy = Some(format!("http://127.0.0.1:{port}"));
    for r in run(p) {
        let e = r.error.unwrap();
        assert_eq!(
            (e.kind, e.stage),
            (ErrorKind::Refused, Stage::Proxy),
            "{e:?}"
        );
    }
}

fn cli_json(args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_tlslens"));
    c.args(args);
    for k in [
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        c.env_remove(k);
    }
    c.envs(env.iter().copied());
    let out = c.output().expect("binary runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn the_environment_picks_the_proxy_as_curl_does() {
    let url = lab().proxy_url("http-proxy").unwrap();
    let args = ["probe", "lab:tls12", "--backend", "openssl", "--json"];
    let v = cli_json(&args, &[("HTTPS_PROXY", &url)]);
    let r = &v["results"][0];
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["proxy"], format!("{url} (from HTTPS_PROXY)"));
    assert_eq!(r["dialogue"][0]["via"], "proxy");
    let v = cli_json(
        &args,
        &[("HTTPS_PROXY", &url), ("NO_PROXY", "localhost,127.0.0.1")],
    );
    assert_eq!(v["results"][0]["proxy"], serde_json::Value::Null);
    // STARTTLS is not HTTPS: only ALL_PROXY applies.
    let smtp = ["probe", "lab:smtp", "--backend", "rustls", "--json"];
    let v = cli_json(&smtp, &[("HTTPS_PROXY", &url)]);
    assert_eq!(v["results"][0]["proxy"], serde_json::Value::Null);
    let v = cli_json(&smtp, &[("ALL_PROXY", &url)]);
    assert_eq!(v["results"][0]["ok"], true);
    assert_eq!(v["results"][0]["proxy"], format!("{url} (from ALL_PROXY)"));
    // --proxy direct overrides the environment.
    let mut direct = args.to_vec();
    direct.extend(["--proxy", "direct"]);
    let v = cli_json(&direct, &[("HTTPS_PROXY", "http://127.0.0.1:9")]);
    assert_eq!(v["results"][0]["ok"], true);
}

fn scan_versions(
    args: &[&str],
    env: &[(&str, &str)],
) -> (serde_json::Value, Vec<(String, bool, usize)>) {
    let v = cli_json(args, env);
    let versions = v["versions"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|x| {
            (
                x["version"].as_str().unwrap().to_string(),
                x["supported"].as_bool().unwrap(),
                x["ciphers"].as_array().unwrap().len(),
            )
        })
        .collect();
    (v, versions)
}

/// The scanner reaches servers the same way: after the SMTP upgrade it finds what the
/// same OpenSSL server finds directly, and through the SOCKS5 proxy what it finds
/// without one.
#[test]
fn scan_goes_through_starttls_and_proxies() {
    let (v, smtp) = scan_versions(&["scan", "lab:smtp", "--json"], &[]);
    assert_eq!(v["error"], serde_json::Value::Null, "{v}");
    assert_eq!(v["starttls"], "smtp", "{v}");
    let (_, direct) = scan_versions(&["scan", "lab:expired", "--json"], &[]);
    assert_eq!(smtp, direct);
    assert!(
        smtp.iter()
            .any(|(name, ok, n)| name == "TLSv1.2" && *ok && *n > 0)
    );

    let url = lab().proxy_url("socks5-proxy-auth").unwrap();
    let (v, proxied) = scan_versions(&["scan", "lab:tls12", "--json", "--proxy", &url], &[]);
    assert_eq!(v["error"], serde_json::Value::Null, "{v}");
    let proxy_addr = lab().server("socks5-proxy-auth").unwrap().addr.to_string();
    assert_eq!(v["address"], proxy_addr.as_str());
    assert_eq!(v["proxy"], format!("socks5h://lab:***@{proxy_addr}"), "{v}");
    let (v, direct) = scan_versions(&["scan", "lab:tls12", "--json"], &[]);
    assert_eq!(proxied, direct);
    assert_eq!(v["proxy"], serde_json::Value::Null, "{v}");
    assert_eq!(v["starttls"], serde_json::Value::Null, "{v}");
    // A lab proxy is a target: lab:tls12 through it.
    let (v, through_lab) = scan_versions(&["scan", "lab:http-proxy", "--json"], &[]);
    assert!(v["proxy"].as_str().unwrap().starts_with("http://"), "{v}");
    assert_eq!(through_lab, direct);
}

/// --explain says what to do about a failure before TLS, and tries it: a port that does
/// not speak the protocol gets `--starttls none`, a proxy that cannot help gets
/// `--proxy direct`, a refused upgrade names the implicit-TLS port.
#[test]
fn explain_suggests_and_tries_fixes_before_tls() {
    let finding = |args: &[&str]| {
        let v = cli_json(args, &[]);
        v["results"][0]["diagnosis"][0].clone()
    };
    let f = finding(&[
        "probe",
        "lab:tls12",
        "--starttls",
        "smtp",
        "--timeout",
        "2",
        "--explain",
        "--backend",
        "openssl",
        "--json",
    ]);
    assert_eq!(f["id"], "starttls-not-spoken", "{f}");
    assert_eq!(f["suggest"], serde_json::json!({"starttls": "none"}));
    assert_eq!(f["verified"], true);

    // Through a working proxy nothing fails: no finding.
    let url = lab().proxy_url("http-proxy").unwrap();
    let f = finding(&[
        "probe",
        "lab:tls12",
        "--proxy",
        &url,
        "--explain",
        "--backend",
        "rustls",
        "--json",
    ]);
    assert_eq!(f, serde_json::Value::Null, "{f}");
    let f = finding(&[
        "probe",
        "lab:tls12",
        "--proxy",
        "http://127.0.0.1:9",
        "--explain",
        "--backend",
        "rustls",
        "--json",
    ]);
    assert_eq!(f["id"], "proxy-unreachable", "{f}");
    assert_eq!(f["suggest"], serde_json::json!({"proxy": "direct"}));
    assert_eq!(f["verified"], true);

    let f = finding(&[
        "probe",
        "lab:smtp-refuse",
        "--explain",
        "--backend",
        "openssl",
        "--json",
    ]);
    assert_eq!(f["id"], "starttls-refused", "{f}");
    assert!(f["finding"].as_str().unwrap().contains(":465`"), "{f}");
}

/// A real client through STARTTLS from the command line: s_client speaks its own
/// `-starttls smtp` to the relay, which did the real upgrade with the server.
#[test]
fn a_client_backend_upgrades_through_the_relay() {
    let v = cli_json(
        &["probe", "lab:smtp", "--backend", "s_client", "--json"],
        &[],
    );
    let r = &v["results"][0];
    assert_eq!(r["ok"], true, "{v}");
    assert_eq!(r["dialogue"][0]["via"], "starttls", "{v}");
    let lib = r["library"].as_str().unwrap();
    assert!(lib.contains("answered the client's own"), "{lib}");
}
