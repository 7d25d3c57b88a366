//! What the tests against real servers share (tests/real_daemons.rs,
//! tests/real_proxies.rs): a free loopback port, a throwaway certificate, a daemon
//! started in its own process group and stopped with it when dropped, a bounded wait
//! for its port, and the checks every real server gets.
#![allow(dead_code)] // each test file uses its own part

use std::fs::File;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tlslens::backend::BackendId;
use tlslens::profile::{Profile, Starttls, VerifyMode};
use tlslens::report::{BackendReport, ErrorKind, Stage};

/// A daemon we started, in a process group of its own (or a session: Postfix's
/// master makes one with the same id). Dropping it, even while a test panics, sends
/// the stop signal to the whole group, waits (bounded), then kills whatever is left.
pub struct Daemon {
    name: &'static str,
    child: Child,
    log: PathBuf,
    stop: &'static str,
}

impl Daemon {
    /// Start `cmd` in a new process group, with stdin closed and stdout/stderr
    /// appended to `log`.
    pub fn spawn(name: &'static str, mut cmd: Command, log: &Path) -> Daemon {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
        Self::start(name, cmd, log)
    }

    /// Start a program that makes itself a session leader (setsid, as Postfix's master
    /// does; it cannot if it already leads a process group). Its session's process
    /// group has its pid, as with [`Daemon::spawn`].
    pub fn spawn_setsid(name: &'static str, cmd: Command, log: &Path) -> Daemon {
        Self::start(name, cmd, log)
    }

    fn start(name: &'static str, mut cmd: Command, log: &Path) -> Daemon {
        let out = File::options().create(true).append(true).open(log).unwrap();
        let err = out.try_clone().unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("{name} does not start: {e}"));
        Daemon {
            name,
            child,
            log: log.to_path_buf(),
            stop: "TERM",
        }
    }

    /// The signal that stops it cleanly (PostgreSQL: INT, its fast shutdown).
    pub fn stop_with(mut self, signal: &'static str) -> Daemon {
        self.stop = signal;
        self
    }

    /// Wait until `port` accepts a connection: 150 tries, at most 15 s. Fails at once,
    /// with the daemon's log, if it exits first.
    pub fn wait_listening(&mut self, port: u16, extra_log: Option<&Path>) {
        let deadline = Instant::now() + Duration::from_secs(15);
        for _ in 0..150 {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before listening on {port}:\n{}",
                    self.name,
                    self.logs(extra_log)
                );
            }
            if TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1))
                .is_ok()
            {
                return;
            }
            if Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "{} did not listen on 127.0.0.1:{port}:\n{}",
            self.name,
            self.logs(extra_log)
        );
    }

    /// What it has written so far (and another log of its own, e.g. Postfix's maillog).
    pub fn logs(&self, extra: Option<&Path>) -> String {
        let mut s = std::fs::read_to_string(&self.log).unwrap_or_default();
        if let Some(p) = extra {
            s.push_str(&std::fs::read_to_string(p).unwrap_or_default());
        }
        s
    }

    /// Wait (30 tries, at most 3 s: daemons log after answering) until its log says
    /// `needle` at least `n` times; fails with the log otherwise.
    #[track_caller]
    pub fn assert_logged(&self, needle: &str, n: usize) {
        let mut log = String::new();
        for _ in 0..30 {
            log = self.logs(None);
            if log.matches(needle).count() >= n {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{} did not log {needle:?} {n} times:\n{log}", self.name);
    }

    /// Send `signal` to the process group (kill(1) from procps, which .ci/setup
    /// installs); without kill(1), at least the leader is killed.
    fn signal_group(&mut self, signal: &str) {
        let sent = Command::new("kill")
            .args(["-s", signal, "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if sent.is_err() {
            let _ = self.child.kill();
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.signal_group(self.stop);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The leader has gone (or would not): nothing of its group may outlive it.
        self.signal_group("KILL");
        let _ = self.child.wait();
        // Children the leader did not wait for are reaped by init: until then they are
        // still in the group. Wait (bounded: 40 tries, 2 s) until it is empty.
        for _ in 0..40 {
            let alive = Command::new("kill")
                .args(["-s", "0", "--", &format!("-{}", self.child.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !alive {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A directory for one daemon's configuration and data, under /tmp: short enough for
/// a Unix socket's path, reachable by the users daemons switch to.
pub fn workdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("tlslens-daemon-")
        .tempdir_in("/tmp")
        .unwrap()
}

/// A throwaway self-signed certificate for `cn` (cert.pem, key.pem in `dir`).
pub fn self_signed(dir: &Path, cn: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args([
            "-subj",
            &format!("/CN={cn}"),
            "-addext",
            &format!("subjectAltName=DNS:{cn}"),
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success(), "openssl req failed");
    (cert, key)
}

/// Run a setup command to completion; its output (and `log`, where it writes) is
/// shown if it fails.
pub fn setup(what: &str, cmd: &mut Command, log: Option<&Path>) {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        log.and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default()
    );
}

/// Whether we are root. Real daemons need it (to drop privileges, or to become their
/// own users); CI runs as root, so there a non-root run is a broken setup.
pub fn root(why: &str) -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    assert!(
        root || std::env::var_os("CI").is_none(),
        "not root under CI: {why}"
    );
    if !root {
        println!("SKIPPED: {why}");
    }
    root
}

/// Whether the program at `path` is installed; under CI a missing one fails, as in
/// tools::have (for programs without a harmless flag that exits 0, e.g. microsocks).
pub fn installed(path: &str) -> bool {
    let found = Path::new(path).is_file();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "`{path}` is missing under CI: .ci/setup must install it"
    );
    if !found {
        println!("SKIPPED: `{path}` is not installed");
    }
    found
}

/// Every in-process stack and every real client (all installed under CI).
pub fn backends() -> Vec<BackendId> {
    let mut all = BackendId::ALL.to_vec();
    all.extend(crate::tools::clients_present(&BackendId::CLIENTS));
    all
}

/// The profile for 127.0.0.1:`port` through `proto`'s STARTTLS.
fn profile(port: u16, proto: Starttls) -> Profile {
    Profile {
        host: "127.0.0.1".into(),
        port,
        starttls: Some(proto),
        proxy: Some("direct".into()),
        // A throwaway self-signed certificate: the dialogue is what is tested here.
        verify: VerifyMode::Off,
        handshake_timeout: 5.0,
        ..Profile::default()
    }
}

/// Probe 127.0.0.1:`port` through `proto`'s STARTTLS with every backend, the real
/// clients included (their relay does the upgrade, or answers theirs).
pub fn probe(port: u16, proto: Starttls) -> Vec<BackendReport> {
    let prep = tlslens::probe::prepare(profile(port, proto)).unwrap();
    tlslens::probe::run(&prep, &backends()).results
}

/// The exported Python and Node scripts speak the upgrade themselves, straight to the
/// real daemon (no relay): each prints what it negotiated and exits 0. (They bound
/// themselves: the profile's timeouts are in the code.)
#[track_caller]
pub fn assert_exports_upgrade(port: u16, proto: Starttls) {
    use tlslens::export::{Lang, export};
    let p = profile(port, proto);
    for (lang, prog) in [(Lang::Python, "python3"), (Lang::Node, "node")] {
        if !crate::tools::have(prog, "--version") {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(lang.file_name());
        std::fs::write(&file, export(&p, lang)).unwrap();
        let out = Command::new(prog).arg(&file).output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(
            out.status.success() && stdout.starts_with("TLSv1."),
            "the {lang} export against a real {proto} server: {stdout}\n{stderr}"
        );
    }
}

/// The first thing the server said in the dialogue.
pub fn first_server_line(r: &BackendReport) -> &str {
    r.dialogue
        .iter()
        .find(|e| e.from == "server")
        .map_or("", |e| e.text.as_str())
}

/// Every backend upgraded and finished the handshake with the certificate we gave the
/// daemon (`cn`); the server's first line contains `says`.
#[track_caller]
pub fn assert_upgraded(results: &[BackendReport], says: &str, cn: &str) {
    assert!(results.len() >= BackendId::ALL.len());
    for r in results {
        assert!(
            r.ok,
            "{}: {:?}\n{:?}\n{:?}",
            r.backend, r.error, r.dialogue, r.client
        );
        assert!(
            first_server_line(r).contains(says),
            "{}: {says:?} is not in the server's first line: {:?}",
            r.backend,
            r.dialogue
        );
        // The real upgrade, then (for a client that speaks it itself) the client's own,
        // answered by its relay.
        assert!(
            r.dialogue
                .iter()
                .all(|e| ["starttls", "relay"].contains(&e.via)),
            "{:?}",
            r.dialogue
        );
        assert_eq!(r.dialogue.first().map(|e| e.via), Some("starttls"));
        assert!(r.transcript.saw_server_hello(), "{}", r.backend);
        // Java hands over no TLS 1.3 secrets: its chain stays encrypted.
        let Some(subject) = r.certificates.first().map(|c| c.subject.as_str()) else {
            assert!(r.client.is_some(), "{}: no certificate", r.backend);
            continue;
        };
        assert!(
            subject.contains(cn),
            "{}: the daemon's own certificate ({cn}), not {subject:?}",
            r.backend
        );
    }
}

/// Every backend was refused at the STARTTLS stage, the server's answer (`quoted`)
/// in the message, and no TLS was attempted.
#[track_caller]
pub fn assert_refused(results: &[BackendReport], quoted: &str) {
    assert!(results.len() >= BackendId::ALL.len());
    crate::tools::failed_before_tls(results, ErrorKind::StarttlsRefused, Stage::Starttls, quoted);
}
