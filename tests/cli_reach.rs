//! The binary's new commands: import into the profile library, `--profile NAME`,
//! `tlslens profiles` with the last used marked, completions, the manual page,
//! `--version`, and snapshots of `--help` and the completions.

mod tools;

use std::path::Path;
use std::process::{Command, Output};

fn tlslens_in(config: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlslens"));
    c.args(args)
        .env("XDG_CONFIG_HOME", config)
        .env_remove("SSLKEYLOGFILE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("binary runs");
    if let Some(text) = stdin {
        // The binary may exit before reading (bad options): a broken pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn import_save_list_and_use_a_named_profile() {
    use std::os::unix::fs::PermissionsExt;
    let cfg = tempfile::tempdir().unwrap();
    let out = tlslens_in(
        cfg.path(),
        &["import", "--save", "old-api"],
        Some("curl -k --tlsv1 --ciphers 'DEFAULT@SECLEVEL=0' https://old.example.net:8443/\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let file = cfg.path().join("tlslens/profiles/old-api.toml");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Words after `import` are the command line itself.
    let out = tlslens_in(
        cfg.path(),
        &[
            "import",
            "openssl",
            "s_client",
            "-connect",
            "db.example.net:5432",
            "-starttls",
            "postgres",
            "-verify_return_error",
            "-verify_hostname",
            "db.example.net",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let toml = String::from_utf8_lossy(&out.stdout);
    assert!(toml.contains("starttls = \"postgres\""), "{toml}");

    let out = tlslens_in(
        cfg.path(),
        &["export", "--profile", "old-api", "--as", "curl"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("https://old.example.net:8443/"),
        "{}",
        text(&out)
    );
    let out = tlslens_in(cfg.path(), &["profiles"], None);
    assert!(
        text(&out).contains("* old-api                  old.example.net:8443"),
        "the last used is marked: {}",
        text(&out)
    );
    let out = tlslens_in(cfg.path(), &["probe", "--profile", "nosuch"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no profile 'nosuch'"), "{err}");
    let out = tlslens_in(cfg.path(), &["import", "--from", "perl"], Some("x"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn version_names_the_linked_libraries() {
    let cfg = tempfile::tempdir().unwrap();
    let v = text(&tlslens_in(cfg.path(), &["--version"], None));
    assert!(v.starts_with("tlslens 0."), "{v}");
    assert!(v.contains("OpenSSL 3."), "{v}");
    assert!(v.contains("rustls: 0.23."), "{v}");
    assert!(v.contains("native-tls: 0.2."), "{v}");
}

#[test]
fn man_page_and_completions() {
    let cfg = tempfile::tempdir().unwrap();
    let man = text(&tlslens_in(cfg.path(), &["man"], None));
    assert!(man.contains(".TH tlslens"), "{man}");
    assert!(man.contains("starttls"), "{man}");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = tlslens_in(cfg.path(), &["completions", shell], None);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("starttls"),
            "{shell}"
        );
    }
}

#[test]
fn help_snapshots() {
    let cfg = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("help", vec!["--help"]),
        ("help_probe", vec!["probe", "--help"]),
        ("help_import", vec!["import", "--help"]),
        ("completions_bash", vec!["completions", "bash"]),
    ] {
        let out = tlslens_in(cfg.path(), &args, None);
        assert_eq!(out.status.code(), Some(0), "{name}");
        insta::assert_snapshot!(name, String::from_utf8_lossy(&out.stdout));
    }
}

/// Every option of every command has help text.
#[test]
fn every_option_has_help() {
    use clap::CommandFactory;
    let cmd = tlslens::cli::Cli::command();
    let mut missing = Vec::new();
    let mut check = |c: &clap::Command| {
        for a in c.get_arguments() {
            if a.get_help().is_none() && !matches!(a.get_id().as_str(), "help" | "version") {
                missing.push(format!("{} {}", c.get_name(), a.get_id()));
            }
        }
    };
    check(&cmd);
    for sub in cmd.get_subcommands() {
        check(sub);
    }
    assert!(missing.is_empty(), "no help text: {missing:?}");
}

/// An IPv6 target prints as `[::1]:PORT`, the way it is typed.
#[test]
fn ipv6_targets_print_in_brackets() {
    let cfg = tempfile::tempdir().unwrap();
    let l = std::net::TcpListener::bind("[::1]:0");
    let Ok(l) = l else {
        println!("SKIPPED: no IPv6 loopback");
        return;
    };
    let port = l.local_addr().unwrap().port();
    drop(l);
    let target = format!("[::1]:{port}");
    let out = tlslens_in(
        cfg.path(),
        &["probe", &target, "--backend", "openssl"],
        None,
    );
    assert!(
        text(&out).starts_with(&format!("tlslens probe [::1]:{port}  ")),
        "{}",
        text(&out)
    );
}

/// The key log decrypts the recorded handshake in tshark: `--pcap` writes the capture
/// (no root, no interface), `--keylog` the secrets, and tshark shows the encrypted
/// flight — TLS 1.3's EncryptedExtensions … Finished, TLS 1.2's Finished — for the
/// stacks that hand their secrets over.
#[test]
fn tshark_decrypts_a_lab_handshake_with_the_key_log() {
    if !tools::have("tshark", "--version") {
        return;
    }
    let cfg = tempfile::tempdir().unwrap();
    for (server, want) in [("modern", "8,11,15,20"), ("tls12", "20")] {
        let keys = cfg.path().join(format!("{server}.keys"));
        let cap = cfg.path().join(format!("{server}.pcap"));
        let out = tlslens_in(
            cfg.path(),
            &[
                "probe",
                &format!("lab:{server}"),
                "--backend",
                "openssl,rustls",
                "--keylog",
                keys.to_str().unwrap(),
                "--pcap",
                cap.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let fields = |keylog: Option<&Path>| {
            let mut c = Command::new("tshark");
            c.arg("-r").arg(&cap).args([
                "-T",
                "fields",
                "-e",
                "tcp.stream",
                "-e",
                "tls.handshake.type",
            ]);
            if let Some(k) = keylog {
                c.arg("-o").arg(format!("tls.keylog_file:{}", k.display()));
            }
            let o = c.output().unwrap();
            assert!(o.status.success(), "{}", text(&o));
            String::from_utf8_lossy(&o.stdout).into_owned()
        };
        let decrypted = fields(Some(&keys));
        for stream in ["0", "1"] {
            assert!(
                decrypted
                    .lines()
                    .any(|l| l.starts_with(&format!("{stream}\t")) && l.contains(want)),
                "{server} stream {stream}: {want} not decrypted:\n{decrypted}"
            );
        }
        if server == "modern" {
            let sealed = fields(None);
            assert!(!sealed.contains("8,11,15,20"), "without keys: {sealed}");
        }
    }
}

/// The --help example: import's options come first, the pasted command last.
#[test]
fn import_options_before_the_command_line() {
    let cfg = tempfile::tempdir().unwrap();
    let out = tlslens_in(
        cfg.path(),
        &[
            "import",
            "--save",
            "api",
            "curl",
            "-k",
            "--tlsv1.2",
            "https://example.com/",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let saved = std::fs::read_to_string(cfg.path().join("tlslens/profiles/api.toml")).unwrap();
    assert!(
        saved.contains("min_tls = \"1.2\"") && saved.contains("verify = \"off\""),
        "{saved}"
    );
}
