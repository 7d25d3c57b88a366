//! STARTTLS against real servers nobody here wrote, from Debian's packages: Dovecot
//! (IMAP). Each test starts its own daemon on a free loopback port, with its own
//! configuration and a throwaway certificate in a temporary directory, and stops it
//! (its whole process group) at the end, panic or not. Every backend upgrades through
//! it; then the daemon is started with TLS off, and the refusal is classified
//! `starttls-refused` at stage `starttls` with the server's own answer quoted. Needs
//! root (the daemons drop privileges or switch to their own users) and the packages
//! .ci/setup installs.

mod daemon;
mod tools;

use daemon::{
    Daemon, assert_refused, assert_upgraded, free_port, probe, root, self_signed, workdir,
};
use std::path::Path;
use std::process::Command;
use tlslens::profile::Starttls;

// --- Dovecot (IMAP) ---

fn start_dovecot(dir: &Path, tls: bool) -> (Daemon, u16) {
    let port = free_port();
    let d = dir.display();
    let ssl = if tls {
        self_signed(dir, "dovecot.tlslens.invalid");
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
    let mut cmd = Command::new("dovecot");
    cmd.arg("-F").arg("-c").arg(&path);
    let mut dovecot = Daemon::spawn("dovecot", cmd, &dir.join("stderr.log"));
    dovecot.wait_listening(port, Some(&dir.join("dovecot.log")));
    (dovecot, port)
}

#[test]
fn dovecot_imap_starttls_with_every_backend_and_its_refusal() {
    if !root("Dovecot needs root to drop privileges") || !tools::have("dovecot", "--version") {
        return;
    }
    let dir = workdir();
    let (dovecot, port) = start_dovecot(dir.path(), true);
    assert_upgraded(
        &probe(port, Starttls::Imap),
        "Dovecot",
        "dovecot.tlslens.invalid",
    );
    drop(dovecot);

    let dir = workdir();
    let (_dovecot, port) = start_dovecot(dir.path(), false);
    // Dovecot without TLS: `a1 BAD Unknown command.` (STARTTLS is not offered).
    assert_refused(&probe(port, Starttls::Imap), "\"a1 ");
}
