//! STARTTLS against real servers nobody here wrote, from Debian's packages: Dovecot
//! (IMAP), PostgreSQL, OpenLDAP's slapd, MariaDB and Postfix (SMTP). Each test starts
//! its own daemon on a free loopback port, with its own configuration and a throwaway
//! certificate in a temporary directory, and stops it (its whole process group) at the
//! end, panic or not. Every backend upgrades through it; then the daemon is started
//! with TLS off, and the refusal is classified `starttls-refused` at stage `starttls`
//! with the server's own answer quoted. Needs root (the daemons drop privileges or
//! switch to their own users) and the packages .ci/setup installs.

mod daemon;
mod tools;

use daemon::{
    Daemon, assert_exports_upgrade, assert_refused, assert_upgraded, free_port, installed, probe,
    root, self_signed, setup, workdir,
};
use std::path::Path;
use std::process::Command;
use tlslens::backend::BackendId;
use tlslens::profile::{Profile, Starttls, VerifyMode};

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
    assert_exports_upgrade(port, Starttls::Imap);
    drop(dovecot);

    let dir = workdir();
    let (_dovecot, port) = start_dovecot(dir.path(), false);
    // Dovecot without TLS: `a1 BAD Unknown command.` (STARTTLS is not offered).
    assert_refused(&probe(port, Starttls::Imap), "\"a1 ");
}

// --- PostgreSQL ---

/// Debian 12's PostgreSQL (package `postgresql`, version 15).
const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// initdb and postgres refuse to run as root: they run as `postgres`.
fn as_postgres(program: &str) -> Command {
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=postgres", "--regid=postgres", "--clear-groups"])
        .arg(format!("{PG_BIN}/{program}"));
    cmd
}

fn start_postgres(dir: &Path, tls: bool) -> (Daemon, u16) {
    let port = free_port();
    let d = dir.display();
    let mut cmd = as_postgres("postgres");
    cmd.current_dir(dir)
        .arg("-D")
        .arg(dir.join("data"))
        .arg("-k")
        .arg(dir)
        .args(["-p", &port.to_string()])
        .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]);
    if tls {
        cmd.args(["-c", "ssl=on"])
            .args(["-c", &format!("ssl_cert_file={d}/cert.pem")])
            .args(["-c", &format!("ssl_key_file={d}/key.pem")]);
    } else {
        cmd.args(["-c", "ssl=off"]);
    }
    // SIGINT is PostgreSQL's fast shutdown; its backends are in sessions of their own
    // and stop with the postmaster.
    let mut pg = Daemon::spawn("postgres", cmd, &dir.join("postgres.log")).stop_with("INT");
    pg.wait_listening(port, None);
    (pg, port)
}

#[test]
fn postgresql_sslrequest_with_every_backend_and_its_refusal() {
    if !root("PostgreSQL runs as the postgres user, which needs root")
        || !installed(&format!("{PG_BIN}/postgres"))
        || !installed(&format!("{PG_BIN}/initdb"))
        || !tools::have("setpriv", "--version")
    {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    self_signed(d, "postgres.tlslens.invalid");
    setup(
        "chown",
        Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(d),
        None,
    );
    setup(
        "initdb",
        as_postgres("initdb")
            .current_dir(d)
            .arg("-D")
            .arg(d.join("data"))
            .args(["-U", "postgres", "--auth=trust", "--no-sync"]),
        None,
    );
    let (pg, port) = start_postgres(d, true);
    // PostgreSQL answers the SSLRequest with one byte: `S`.
    assert_upgraded(
        &probe(port, Starttls::Postgres),
        "S (TLS accepted)",
        "postgres.tlslens.invalid",
    );
    assert_exports_upgrade(port, Starttls::Postgres);
    drop(pg);

    // The same cluster with ssl=off answers `N`.
    let (_pg, port) = start_postgres(d, false);
    assert_refused(&probe(port, Starttls::Postgres), "\"N: ");
}

// --- OpenLDAP (slapd) ---

fn start_slapd(dir: &Path, tls: bool) -> (Daemon, u16) {
    let port = free_port();
    let d = dir.display();
    let mut conf = format!("pidfile {d}/slapd.pid\nargsfile {d}/slapd.args\n");
    if tls {
        self_signed(dir, "slapd.tlslens.invalid");
        conf.push_str(&format!(
            "TLSCertificateFile {d}/cert.pem\nTLSCertificateKeyFile {d}/key.pem\n"
        ));
    }
    // No database: the root DSE and the StartTLS extended operation are enough.
    std::fs::write(dir.join("slapd.conf"), conf).unwrap();
    let mut cmd = Command::new("slapd");
    cmd.arg("-f")
        .arg(dir.join("slapd.conf"))
        .args(["-h", &format!("ldap://127.0.0.1:{port}/")])
        // Any -d keeps it in the foreground; `stats` logs each operation to stderr.
        .args(["-d", "stats"]);
    let mut slapd = Daemon::spawn("slapd", cmd, &dir.join("slapd.log"));
    slapd.wait_listening(port, None);
    (slapd, port)
}

#[test]
fn openldap_starttls_with_every_backend_and_its_refusal() {
    if !root("slapd binds and reads its files as root here") || !installed("/usr/sbin/slapd") {
        return;
    }
    let dir = workdir();
    let (slapd, port) = start_slapd(dir.path(), true);
    let results = probe(port, Starttls::Ldap);
    assert_upgraded(&results, "resultCode 0", "slapd.tlslens.invalid");
    // slapd's own account: the extended operation, then TLS, once per backend.
    slapd.assert_logged("EXT oid=1.3.6.1.4.1.1466.20037", results.len());
    slapd.assert_logged("TLS established", results.len());
    assert_exports_upgrade(port, Starttls::Ldap);
    drop(slapd);

    // Without a certificate slapd does not know the operation: resultCode 2
    // (protocolError) with its diagnostic message.
    let dir = workdir();
    let (_slapd, port) = start_slapd(dir.path(), false);
    assert_refused(
        &probe(port, Starttls::Ldap),
        "\"resultCode 2 unsupported extended operation\"",
    );
}

// --- MariaDB ---

fn start_mariadb(dir: &Path, tls: bool) -> (Daemon, u16) {
    let port = free_port();
    let d = dir.display();
    let mut cmd = Command::new("mariadbd");
    cmd.arg("--no-defaults")
        .arg(format!("--datadir={d}/data"))
        .arg(format!("--socket={d}/mariadbd.sock"))
        .arg(format!("--pid-file={d}/mariadbd.pid"))
        .arg(format!("--port={port}"))
        .args([
            "--bind-address=127.0.0.1",
            "--user=root",
            "--skip-name-resolve",
        ])
        .arg("--innodb-buffer-pool-size=16M");
    if tls {
        cmd.arg(format!("--ssl-cert={d}/cert.pem"))
            .arg(format!("--ssl-key={d}/key.pem"));
    } else {
        cmd.arg("--skip-ssl");
    }
    let mut db = Daemon::spawn("mariadbd", cmd, &dir.join("mariadbd.log"));
    db.wait_listening(port, None);
    (db, port)
}

#[test]
fn mariadb_sslrequest_with_every_backend_and_its_refusal() {
    if !root("mariadbd runs as root here (--user=root)")
        || !installed("/usr/sbin/mariadbd")
        || !installed("/usr/bin/mariadb-install-db")
    {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    self_signed(d, "mariadb.tlslens.invalid");
    setup(
        "mariadb-install-db",
        Command::new("mariadb-install-db")
            .arg("--no-defaults")
            .arg(format!("--datadir={}", d.join("data").display()))
            .args(["--user=root", "--skip-test-db"])
            .arg("--auth-root-authentication-method=normal"),
        None,
    );
    let (db, port) = start_mariadb(d, true);
    // The greeting names the server: `5.5.5-10.11.…-MariaDB-…`.
    assert_upgraded(
        &probe(port, Starttls::Mysql),
        "MariaDB",
        "mariadb.tlslens.invalid",
    );
    assert_exports_upgrade(port, Starttls::Mysql);
    drop(db);

    // With --skip-ssl the greeting lacks CLIENT_SSL.
    let (_db, port) = start_mariadb(d, false);
    let results = probe(port, Starttls::Mysql);
    assert_refused(&results, "MariaDB");
    assert_refused(&results, "does not offer CLIENT_SSL\"");
}

// --- Postfix (SMTP) ---

fn start_postfix(dir: &Path, tls: bool) -> (Daemon, u16) {
    let port = free_port();
    let d = dir.display();
    // Postfix's unprivileged processes reach the queue through the temporary directory.
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let conf = dir.join("conf");
    for sub in [&conf, &dir.join("queue"), &dir.join("data")] {
        std::fs::create_dir_all(sub).unwrap();
    }
    // Postfix's own state (master.lock, caches), written as the `postfix` user.
    setup(
        "chown",
        Command::new("chown").arg("postfix").arg(dir.join("data")),
        None,
    );
    let tls_conf = if tls {
        self_signed(dir, "postfix.tlslens.invalid");
        format!(
            "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = {d}/cert.pem\n\
             smtpd_tls_key_file = {d}/key.pem\n"
        )
    } else {
        "smtpd_tls_security_level = none\n".to_string()
    };
    let maillog = dir.join("maillog");
    std::fs::write(
        conf.join("main.cf"),
        format!(
            "compatibility_level = 3.6\nmyhostname = postfix.tlslens.invalid\n\
             mydestination =\nalias_maps =\nalias_database =\n\
             queue_directory = {d}/queue\ndata_directory = {d}/data\n\
             inet_interfaces = 127.0.0.1\ninet_protocols = ipv4\n\
             maillog_file = {d}/maillog\nmaillog_file_prefixes = {d}\n{tls_conf}"
        ),
    )
    .unwrap();
    // smtpd on our port, and what it talks to; nothing chrooted.
    std::fs::write(
        conf.join("master.cf"),
        format!(
            "127.0.0.1:{port} inet n - n - - smtpd\n\
             anvil unix - - n - 1 anvil\n\
             tlsmgr unix - - n 1000? 1 tlsmgr\n\
             postlog unix-dgram n - n - 1 postlogd\n\
             proxymap unix - - n - - proxymap\n\
             rewrite unix - - n - - trivial-rewrite\n\
             cleanup unix n - n - 0 cleanup\n\
             qmgr unix n - n 300 1 qmgr\n\
             bounce unix - - n - 0 bounce\n\
             defer unix - - n - 0 bounce\n\
             trace unix - - n - 0 bounce\n\
             verify unix - - n - 1 verify\n\
             scache unix - - n - 1 scache\n"
        ),
    )
    .unwrap();
    // Postfix rereads a configuration file changed in the last seconds until it
    // settles (300 ms at a time, about 2 s): these were written whole, age them.
    let settled = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for f in ["main.cf", "master.cf"] {
        let file = std::fs::File::options().write(true).open(conf.join(f));
        file.and_then(|f| f.set_modified(settled)).unwrap();
    }
    // `postfix check` fills the queue directory and sets owners (slow: once per
    // directory; a restart with another main.cf reuses the queue).
    if !dir.join("queue/pid").is_dir() {
        setup(
            "postfix check",
            Command::new("postfix").arg("-c").arg(&conf).arg("check"),
            Some(&maillog),
        );
    }
    let daemons = Command::new("postconf")
        .args(["-h", "daemon_directory"])
        .output()
        .unwrap();
    let master = format!("{}/master", String::from_utf8_lossy(&daemons.stdout).trim());
    // What `postfix start-fg` runs, without its shell around it: master stays in the
    // foreground and makes itself a session (so process group) leader; on SIGTERM it
    // stops its children.
    let mut cmd = Command::new(master);
    cmd.arg("-c").arg(&conf).arg("-s");
    let mut master = Daemon::spawn_setsid("postfix master", cmd, &dir.join("master.log"));
    master.wait_listening(port, Some(&maillog));
    (master, port)
}

#[test]
fn postfix_smtp_starttls_with_every_backend_and_its_refusal() {
    if !root("Postfix needs root to start its master") || !installed("/usr/sbin/postfix") {
        return;
    }
    let dir = workdir();
    let (master, port) = start_postfix(dir.path(), true);
    assert_upgraded(
        &probe(port, Starttls::Smtp),
        "220 postfix.tlslens.invalid ESMTP Postfix",
        "postfix.tlslens.invalid",
    );
    assert_exports_upgrade(port, Starttls::Smtp);
    drop(master);

    // The same queue, TLS off: Postfix neither offers nor knows STARTTLS.
    let (_master, port) = start_postfix(dir.path(), false);
    let results = probe(port, Starttls::Smtp);
    assert_refused(&results, "\"502 5.5.1 Error: command not implemented\"");
    for r in &results {
        let ehlo: Vec<&str> = r.dialogue.iter().map(|e| e.text.as_str()).collect();
        assert!(ehlo.contains(&"250-PIPELINING"), "{ehlo:?}");
        assert!(
            !ehlo.iter().any(|l| l.starts_with("250-STARTTLS")),
            "{ehlo:?}"
        );
    }
}

/// `openssl s_server` over TLS 1.3, a server nobody here wrote. The exported scripts
/// stop after their handshake and close without close_notify; OpenSSL 3 answers that
/// close with a decode_error alert, which is its reaction to the close and not a
/// rejection: python, s_client and node connect. Asking for a client certificate, the
/// server rejects them after the handshake with certificate_required, which the relay
/// recorded and the key log decrypts.
#[test]
fn openssl_s_server_after_the_handshake_with_the_clients() {
    let clients: Vec<_> = daemon::backends()
        .into_iter()
        .filter(|b| matches!(b, BackendId::Python | BackendId::SClient | BackendId::Node))
        .collect();
    let dir = workdir();
    let (cert, key) = self_signed(dir.path(), "localhost");
    for require_cert in [false, true] {
        let port = free_port();
        let mut cmd = Command::new("openssl");
        cmd.args(["s_server", "-quiet", "-tls1_3", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key);
        if require_cert {
            cmd.args(["-Verify", "1", "-verify_return_error", "-CAfile"])
                .arg(&cert);
        }
        let mut server = Daemon::spawn("s_server", cmd, &dir.path().join("s_server.log"));
        server.wait_listening(port, None);
        let p = Profile {
            host: "127.0.0.1".into(),
            port,
            proxy: Some("direct".into()),
            verify: VerifyMode::Off,
            ..Profile::default()
        };
        let prep = tlslens::probe::prepare(p).unwrap();
        // s_server serves one connection at a time: one client after another.
        for b in &clients {
            let r = tlslens::probe::run(&prep, &[*b]).results.remove(0);
            if require_cert {
                let e = r.error.as_ref().expect("rejected");
                assert_eq!(
                    e.alert.as_deref(),
                    Some("certificate_required"),
                    "{b}: {e:?}"
                );
            } else {
                assert!(r.ok, "{b}: {:?}", r.error);
            }
        }
    }
}
