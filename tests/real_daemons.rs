//! STARTTLS against a real server nobody here wrote: Dovecot (IMAP), started by the test
//! on a free loopback port with its own configuration and stopped at the end. Every
//! backend upgrades through it; with TLS switched off it refuses, and the refusal is
//! classified with Dovecot's own answer. Needs root (Dovecot drops privileges to its
//! users) and `dovecot-imapd`, which .ci/setup installs.

mod tools;

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tlslens::backend::BackendId;
use tlslens::profile::{Profile, Starttls, VerifyMode};
use tlslens::report::{ErrorKind, Stage};

/// The Dovecot master we started; stopped (SIGTERM to its pid) when dropped.
struct Dovecot(Child);

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn start(dir: &Path, tls: bool) -> (Dovecot, u16) {
    let port = free_port();
    let d = dir.display();
    if tls {
        let ok = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
            ])
            .arg("-keyout")
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("cert.pem"))
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let ssl = if tls {
        format!("ssl = yes\nssl_cert = <{d}/cert.pem\nssl_key = <{d}/key.pem\n")
    } else {
        "ssl = no\n".to_string()
    };
    let conf = format!(
        "base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
         protocols = imap\nlisten = 127.0.0.1\n{ssl}mail_location = maildir:{d}/mail\n\
         default_internal_user = dovecot\ndefault_login_user = dovenull\n\
         passdb {{\n  driver = static\n  args = password=unused\n}}\n\
         userdb {{\n  driver = static\n  args = uid=dovecot gid=dovecot home={d}/home\n}}\n\
         service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    \
         port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
         service anvil {{\n  chroot =\n}}\n"
    );
    let path = dir.join("dovecot.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new("dovecot")
        .arg("-F")
        .arg("-c")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("dovecot starts");
    let guard = Dovecot(child);
    // Bounded: 100 tries, 10 s.
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (guard, port);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(dir.join("dovecot.log")).unwrap_or_default();
    panic!("dovecot did not listen on {port}:\n{log}");
}

fn runnable() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !root {
        println!("SKIPPED: Dovecot needs root to drop privileges");
        return false;
    }
    tools::have("dovecot", "--version")
}

fn probe(port: u16) -> Vec<tlslens::report::BackendReport> {
    let p = Profile {
        host: "127.0.0.1".into(),
        port,
        starttls: Some(Starttls::Imap),
        proxy: Some("direct".into()),
        // A throwaway self-signed certificate: the dialogue is what is tested here.
        verify: VerifyMode::Off,
        handshake_timeout: 5.0,
        ..Profile::default()
    };
    let prep = tlslens::probe::prepare(p).unwrap();
    tlslens::probe::run(&prep, &BackendId::ALL).results
}

#[test]
fn dovecot_imap_starttls_with_every_backend_and_its_refusal() {
    if !runnable() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (dovecot, port) = start(dir.path(), true);
    for r in probe(port) {
        assert!(r.ok, "{}: {:?}\n{:?}", r.backend, r.error, r.dialogue);
        assert!(
            r.dialogue
                .first()
                .is_some_and(|e| e.text.contains("Dovecot")),
            "{:?}",
            r.dialogue
        );
    }
    drop(dovecot);

    let dir = tempfile::tempdir().unwrap();
    let (_dovecot, port) = start(dir.path(), false);
    for r in probe(port) {
        let e = r.error.expect("refused");
        assert_eq!(
            (e.kind, e.stage),
            (ErrorKind::StarttlsRefused, Stage::Starttls),
            "{e:?}"
        );
        assert!(
            e.message.contains("\"a1 "),
            "Dovecot's answer is quoted: {e:?}"
        );
    }
}
