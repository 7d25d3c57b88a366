//! Proxies nobody here wrote, from Debian's packages: tinyproxy (HTTP CONNECT, Basic
//! credentials) and microsocks (SOCKS5, user/password). Each test starts its own proxy
//! on a free loopback port with its own configuration, probes a lab TLS server through
//! it with every backend, and checks that the proxy's refusals (no credentials, wrong
//! ones, a port it does not allow) are classified as the proxy's, never as TLS
//! failures. The proxy (its process group) is stopped at the end, panic or not.
//! Installed by .ci/setup; root is not needed.

mod daemon;
mod tools;

use daemon::{Daemon, free_port, installed, workdir};
use std::process::Command;
use std::sync::OnceLock;
use tlslens::backend::BackendId;
use tlslens::lab::Lab;
use tlslens::report::{BackendReport, ErrorKind, Stage};

const USER: &str = "tlslens";
const PASSWORD: &str = "s3cret-proxy";

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| Lab::start().expect("lab starts"))
}

/// The lab's `target` server through `proxy` (a URL), with every backend: the stacks
/// and the real clients (whose relay goes through the proxy).
fn through(proxy: &str, target: &str) -> Vec<BackendReport> {
    let mut p = lab().profile(target).expect("lab server");
    p.proxy = Some(proxy.to_string());
    let prep = tlslens::probe::prepare(p).expect("profile is valid");
    tlslens::probe::run(&prep, &daemon::backends()).results
}

fn lab_port(name: &str) -> u16 {
    lab().server(name).unwrap().addr.port()
}

/// Every backend reached the lab server through the proxy at `port`: the report
/// names the proxy (password redacted), the connection went to it, and the TLS
/// handshake completed with the lab's certificate.
#[track_caller]
fn all_ok_through(results: &[BackendReport], port: u16) {
    let proxy_addr = format!("127.0.0.1:{port}");
    assert!(results.len() >= BackendId::ALL.len());
    for r in results {
        assert!(r.ok, "{}: {:?}\n{:?}", r.backend, r.error, r.dialogue);
        assert!(r.transcript.saw_server_hello(), "{}", r.backend);
        assert_eq!(r.address.as_deref(), Some(proxy_addr.as_str()));
        let shown = r.proxy.as_deref().unwrap_or("");
        assert!(shown.contains(&proxy_addr), "{}: {shown:?}", r.backend);
        assert!(
            !shown.contains(PASSWORD),
            "the password is redacted: {shown}"
        );
        assert!(r.dialogue.iter().all(|e| e.via == "proxy"));
        assert!(
            r.dialogue.iter().all(|e| !e.text.contains(PASSWORD)),
            "no password in the record: {:?}",
            r.dialogue
        );
    }
}

/// Every backend failed at the proxy, as `kind`, with `needle` in the message, and
/// no TLS was attempted.
#[track_caller]
fn all_failed_at_proxy(results: &[BackendReport], kind: ErrorKind, needle: &str) {
    assert!(results.len() >= BackendId::ALL.len());
    tools::failed_before_tls(results, kind, Stage::Proxy, needle);
}

// --- tinyproxy (HTTP CONNECT) ---

/// tinyproxy on a free port, tunnelling only to `allowed` (ConnectPort), asking for
/// Basic credentials when `auth`.
fn tinyproxy(dir: &std::path::Path, allowed: u16, auth: bool) -> (Daemon, u16) {
    let port = free_port();
    let mut conf = format!(
        "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 16\nAllow 127.0.0.1\n\
         ConnectPort {allowed}\nLogLevel Info\nDisableViaHeader Yes\n"
    );
    if auth {
        conf.push_str(&format!("BasicAuth {USER} {PASSWORD}\n"));
    }
    // As root it would keep root's rights: tinyproxy switches to `User`.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        conf.push_str("User nobody\nGroup nogroup\n");
    }
    let path = dir.join("tinyproxy.conf");
    std::fs::write(&path, conf).unwrap();
    let mut cmd = Command::new("tinyproxy");
    cmd.arg("-d").arg("-c").arg(&path);
    let mut proxy = Daemon::spawn("tinyproxy", cmd, &dir.join("tinyproxy.log"));
    proxy.wait_listening(port, None);
    (proxy, port)
}

#[test]
fn tinyproxy_carries_every_backend_and_its_refusals_are_the_proxys() {
    if !tools::have("tinyproxy", "-v") {
        return;
    }
    let target = lab_port("modern");
    let dir = workdir();
    let (_open, open) = tinyproxy(dir.path(), target, false);
    let results = through(&format!("http://127.0.0.1:{open}"), "modern");
    all_ok_through(&results, open);
    for r in &results {
        // tinyproxy's answer: `HTTP/1.0 200 Connection established` and its name.
        assert!(
            r.dialogue.iter().any(|e| e.from == "server"
                && e.text.starts_with("HTTP/1.")
                && e.text.contains(" 200 ")),
            "{:?}",
            r.dialogue
        );
        assert!(
            r.dialogue.iter().any(|e| e
                .text
                .to_ascii_lowercase()
                .contains("proxy-agent: tinyproxy")),
            "{:?}",
            r.dialogue
        );
    }
    // A port not in ConnectPort: tinyproxy's policy, 403.
    all_failed_at_proxy(
        &through(&format!("http://127.0.0.1:{open}"), "tls12"),
        ErrorKind::ProxyDenied,
        "403",
    );

    let dir = workdir();
    let (_auth, auth) = tinyproxy(dir.path(), target, true);
    all_ok_through(
        &through(
            &format!("http://{USER}:{PASSWORD}@127.0.0.1:{auth}"),
            "modern",
        ),
        auth,
    );
    all_failed_at_proxy(
        &through(&format!("http://127.0.0.1:{auth}"), "modern"),
        ErrorKind::ProxyAuth,
        "407",
    );
    // Wrong credentials: tinyproxy 1.11 answers `401 Unauthorized` (with
    // WWW-Authenticate), not 407; with credentials sent that is `proxy-auth` too.
    let results = through(&format!("http://{USER}:wrong@127.0.0.1:{auth}"), "modern");
    for r in &results {
        let e = r.error.as_ref().expect("refused");
        assert_eq!(e.stage, Stage::Proxy, "{}: {e:?}", r.backend);
        assert_eq!(e.kind, ErrorKind::ProxyAuth, "{}: {e:?}", r.backend);
        assert!(e.message.contains("refused our credentials"), "{e:?}");
        assert!(e.message.contains("\"HTTP/1.0 401 Unauthorized\""), "{e:?}");
        assert!(r.transcript.messages.is_empty(), "{}: no TLS", r.backend);
    }
}

// --- microsocks (SOCKS5) ---

fn microsocks(dir: &std::path::Path, auth: bool) -> (Daemon, u16) {
    let port = free_port();
    let mut cmd = Command::new("microsocks");
    cmd.args(["-i", "127.0.0.1", "-p", &port.to_string()]);
    if auth {
        cmd.args(["-u", USER, "-P", PASSWORD]);
    }
    let mut proxy = Daemon::spawn("microsocks", cmd, &dir.join("microsocks.log"));
    proxy.wait_listening(port, None);
    (proxy, port)
}

#[test]
fn microsocks_carries_every_backend_and_its_refusals_are_the_proxys() {
    if !installed("/usr/bin/microsocks") {
        return;
    }
    let dir = workdir();
    let (_open, open) = microsocks(dir.path(), false);
    // socks5h: the proxy resolves the name; socks5: we send the address.
    for scheme in ["socks5h", "socks5"] {
        all_ok_through(
            &through(&format!("{scheme}://127.0.0.1:{open}"), "modern"),
            open,
        );
    }
    // A closed port behind the proxy: its reply 5, the proxy's error, not ours.
    let closed = free_port();
    let mut p = lab().profile("modern").unwrap();
    p.port = closed;
    p.proxy = Some(format!("socks5h://127.0.0.1:{open}"));
    let prep = tlslens::probe::prepare(p).unwrap();
    all_failed_at_proxy(
        &tlslens::probe::run(&prep, &BackendId::ALL).results,
        ErrorKind::ProxyError,
        "reply 5",
    );

    let (_auth, auth) = microsocks(dir.path(), true);
    let results = through(
        &format!("socks5h://{USER}:{PASSWORD}@127.0.0.1:{auth}"),
        "modern",
    );
    all_ok_through(&results, auth);
    for r in &results {
        assert!(
            r.dialogue
                .iter()
                .any(|e| e.text == "SOCKS5 authentication status 0"),
            "microsocks chose user/password: {:?}",
            r.dialogue
        );
    }
    all_failed_at_proxy(
        &through(&format!("socks5h://127.0.0.1:{auth}"), "modern"),
        ErrorKind::ProxyAuth,
        "user name and password",
    );
    all_failed_at_proxy(
        &through(
            &format!("socks5h://{USER}:wrong@127.0.0.1:{auth}"),
            "modern",
        ),
        ErrorKind::ProxyAuth,
        "refused our user name",
    );
}
