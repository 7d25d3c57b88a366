//! The built binary: text and JSON output, exit codes, and one clear line for bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

fn tlslens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tlslens"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn tmp(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tlslens-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

/// Exit 2, exactly one line on stderr that names the problem, no panic.
#[track_caller]
fn input_error(args: &[&str], needle: &str) {
    let out = tlslens(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{args:?}: one line, got:\n{err}"
    );
    assert!(err.contains(needle), "{args:?}: '{needle}' not in: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn json_contract_fields() {
    let out = tlslens(&["probe", "lab:legacy", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the legacy server fails at defaults"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["target"]["host"], "127.0.0.1");
    assert_eq!(v["target"]["sni"], "localhost");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        for key in [
            "backend",
            "ok",
            "version",
            "cipher",
            "group",
            "alpn",
            "verify",
            "error",
            "unsupported",
            "timing_ms",
            "certificates",
            "transcript",
            "diagnosis",
        ] {
            assert!(r.get(key).is_some(), "missing {key} in {r}");
        }
        assert_eq!(r["ok"], false);
        assert!(r["error"]["kind"].is_string() && r["error"]["stage"].is_string());
        assert!(r["transcript"][0]["from"] == "client");
    }
    let rustls = results.iter().find(|r| r["backend"] == "rustls").unwrap();
    assert_eq!(rustls["error"]["alert"], "protocol_version");

    let out = tlslens(&[
        "probe",
        "lab:legacy",
        "--json",
        "--backend",
        "openssl",
        "--seclevel",
        "0",
        "--min-tls",
        "1.0",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["version"], "TLSv1.1");
    assert_eq!(r["cipher"], "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
    assert_eq!(r["cipher_openssl"], "ECDHE-RSA-AES256-SHA");
    assert_eq!(r["verify"]["ok"], true);
    assert!(v["weakened"].as_array().unwrap().len() >= 2);
}

#[test]
fn text_output_names_weakenings_and_unsupported_fields() {
    let out = tlslens(&["probe", "lab:expired", "-k", "--seclevel", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("WEAKENED: certificate verification is OFF"),
        "{text}"
    );
    assert!(
        text.contains("WEAKENED: OpenSSL security level 1"),
        "{text}"
    );
    assert!(
        text.contains("not settable in native-tls: seclevel"),
        "{text}"
    );
    assert!(text.contains("certificate has expired"), "{text}");
}

#[test]
fn exit_zero_when_everything_verifies() {
    let out = tlslens(&["probe", "lab:modern"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("3 of 3 backends connected and verified"),
        "{text}"
    );
}

#[test]
fn closed_port_is_a_network_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = tlslens(&[
        "probe",
        &format!("127.0.0.1:{port}"),
        "--backend",
        "openssl",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("refused"));
}

#[test]
fn bad_input_gets_one_clear_line() {
    input_error(&["probe", "host:99999"], "port");
    input_error(&["probe", "bad host"], "host");
    input_error(&["probe", "lab:nosuch"], "no lab server 'nosuch'");
    input_error(&["probe", "lab:modern", "--min-tls", "1.4"], "min_tls");
    input_error(&["probe", "lab:modern", "--backend", "gnutls"], "gnutls");
    input_error(&["probe", "lab:modern", "--seclevel", "7"], "seclevel");
    input_error(
        &["probe", "lab:modern", "--ciphers", "NOPE-NOTHING"],
        "ciphers",
    );
    input_error(
        &["probe", "lab:modern", "--cacert", "/nonexistent/ca.pem"],
        "/nonexistent/ca.pem",
    );
    let not_pem = tmp("notpem.crt", b"hello, I am not a certificate\n");
    input_error(
        &["probe", "lab:modern", "--cacert", not_pem.to_str().unwrap()],
        "no PEM certificate",
    );
    let typo = tmp("typo.toml", b"host = \"127.0.0.1\"\nseclvel = 0\n");
    input_error(
        &["probe", "lab:modern", "--profile", typo.to_str().unwrap()],
        "seclvel",
    );
    // A key that does not belong to the certificate.
    let other = openssl::pkey::PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let key = tmp("other.key", &other.private_key_to_pem_pkcs8().unwrap());
    let lab = tlslens::lab::Lab::start().unwrap();
    let cert = lab.client_cert();
    input_error(
        &[
            "probe",
            "lab:client-cert",
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
        "does not match",
    );
    input_error(
        &["probe", "lab:modern", "--cert", cert.to_str().unwrap()],
        "key",
    );
}

#[test]
fn saved_profile_loads_and_flags_override_it() {
    let lab = tlslens::lab::Lab::start().unwrap();
    let mut p = lab.profile("legacy").unwrap();
    p.seclevel = Some(0);
    p.min_tls = Some(tlslens::profile::TlsVersion::V1_0);
    p.ciphers = Some("DEFAULT".into());
    let file = tmp("legacy.toml", p.to_toml().as_bytes());
    let out = tlslens(&[
        "probe",
        "--profile",
        file.to_str().unwrap(),
        "--backend",
        "openssl",
        "127.0.0.1:1",
    ]);
    // The target on the command line overrides the profile's (nothing listens on port 1).
    assert_eq!(out.status.code(), Some(1));
    let addr = lab.server("legacy").unwrap().addr.to_string();
    let out = tlslens(&[
        "probe",
        "--profile",
        file.to_str().unwrap(),
        "--backend",
        "openssl",
        &addr,
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = tlslens(&[
        "probe",
        "--profile",
        file.to_str().unwrap(),
        "--backend",
        "openssl",
        &addr,
        "--seclevel",
        "2",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the flag overrides the saved level"
    );
}

#[test]
fn themes_from_the_user_directory_are_checked() {
    let base = std::env::temp_dir().join(format!("tlslens-theme-{}", std::process::id()));
    let dir = base.join("tlslens").join("themes");
    std::fs::create_dir_all(&dir).unwrap();
    let good =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/dark.toml")).unwrap();
    std::fs::write(
        dir.join("typo.toml"),
        format!("{good}\nsucess = {{ fg = \"red\" }}\n"),
    )
    .unwrap();
    let run = |theme: &str| {
        Command::new(env!("CARGO_BIN_EXE_tlslens"))
            .args(["--theme", theme])
            .env("XDG_CONFIG_HOME", &base)
            .env_remove("NO_COLOR")
            .output()
            .unwrap()
    };
    let out = run("typo");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("typo.toml") && err.contains("sucess"), "{err}");
    let out = run("nosuch");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("no theme 'nosuch'") && err.contains("high-contrast"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn endless_files_are_refused_not_read() {
    for flag in ["--cacert", "--cert"] {
        let mut args = vec!["probe", "127.0.0.1:9", flag, "/dev/zero"];
        if flag == "--cert" {
            args.extend(["--key", "/dev/zero"]);
        }
        input_error(&args, "larger than 8 MiB");
    }
}

#[test]
fn saved_profile_without_a_target_uses_its_host_and_port() {
    let lab = tlslens::lab::Lab::start().unwrap();
    let mut p = lab.profile("legacy").unwrap();
    p.seclevel = Some(0);
    p.min_tls = Some(tlslens::profile::TlsVersion::V1_0);
    let file = tmp("legacy-no-target.toml", p.to_toml().as_bytes());
    let file = file.to_str().unwrap();
    let out = tlslens(&["probe", "--profile", file, "--backend", "openssl", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "nothing to say: {err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["target"]["port"], p.port);
    let out = tlslens(&["export", "--profile", file, "--as", "curl"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&p.port.to_string()));
    // A target replaces the saved host and port, and says so in one line.
    let out = tlslens(&[
        "probe",
        "--profile",
        file,
        "--backend",
        "openssl",
        "127.0.0.1:1",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("replaces the profile's 127.0.0.1:{}", p.port)),
        "{err}"
    );
    // Neither a target nor a host in the file: one line naming the host.
    let hostless = tmp("hostless.toml", b"seclevel = 1\n");
    input_error(&["probe", "--profile", hostless.to_str().unwrap()], "host");
    input_error(&["export", "--as", "curl"], "host");
}

fn run_env(args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlslens"));
    c.args(args).env_remove("SSLKEYLOGFILE");
    c.envs(env.iter().copied());
    c.output().expect("binary runs")
}

#[test]
fn the_key_log_is_private_and_announced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("keys.log");
    let out = run_env(
        &["probe", "lab:modern", "--keylog", log.to_str().unwrap()],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("WEAKENED: session secrets are written to"),
        "{text}"
    );
    assert!(
        text.contains("native-tls cannot hand over its secrets"),
        "{text}"
    );
    let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let keys = std::fs::read_to_string(&log).unwrap();
    // TLS 1.3: five secrets per connection, openssl and rustls.
    assert_eq!(
        keys.matches("CLIENT_TRAFFIC_SECRET_0 ").count(),
        2,
        "{keys}"
    );
    assert!(keys.lines().all(|l| l.split(' ').count() == 3), "{keys}");

    // SSLKEYLOGFILE, appended to; JSON names it.
    let out = run_env(
        &[
            "probe",
            "lab:tls12",
            "--backend",
            "openssl,native-tls",
            "--json",
        ],
        &[("SSLKEYLOGFILE", log.as_os_str())],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["keylog"]["source"], "SSLKEYLOGFILE");
    assert_eq!(v["keylog"]["lines"], 1, "TLS 1.2: one CLIENT_RANDOM line");
    assert_eq!(v["keylog"]["cannot"], serde_json::json!(["native-tls"]));
    assert!(
        v["weakened"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with("session secrets are written to")),
        "{v}"
    );
    let keys = std::fs::read_to_string(&log).unwrap();
    assert!(
        keys.lines().last().unwrap().starts_with("CLIENT_RANDOM "),
        "{keys}"
    );
}

#[test]
fn an_unwritable_key_log_is_an_input_error_naming_the_file() {
    input_error(
        &[
            "probe",
            "lab:modern",
            "--backend",
            "rustls",
            "--keylog",
            "/dev/full",
        ],
        "/dev/full",
    );
    input_error(
        &[
            "probe",
            "lab:modern",
            "--backend",
            "rustls",
            "--keylog",
            "/nonexistent/dir/k.log",
        ],
        "cannot write the key log",
    );
}

/// What a peer sends is shown escaped in the text output: the escape sequence and the
/// bidi override are visible as text, and no control byte reaches the terminal.
#[test]
fn peer_escapes_are_shown_not_interpreted() {
    let out = tlslens(&["probe", "lab:evil-name", "--backend", "openssl"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(r"CN=evil\x1b[31mred\u{202e}txt.exe"),
        "{text}"
    );
    assert!(!text.contains('\x1b') && !text.contains('\u{202e}'));
}

/// `--resume`: the second connection is in `resumed`, and the key log file gets both
/// connections' lines; `-v` prints the key schedule.
#[test]
fn probe_resume_json_and_verbose() {
    let out = tlslens(&[
        "probe",
        "lab:tls12",
        "--backend",
        "openssl",
        "--resume",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &j["results"][0];
    assert_eq!(r["resumed"]["reused"], true, "{}", r["resumed"]);
    assert_eq!(r["decrypted"]["server_finished_ok"], true);
    assert_eq!(r["resumed"]["decrypted"]["client_finished_ok"], true);
    let out = tlslens(&[
        "probe",
        "lab:legacy",
        "--backend",
        "openssl",
        "--seclevel",
        "0",
        "--min-tls",
        "1.0",
        "-v",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("key key_block = "), "{text}");
    assert!(
        text.contains("key client Finished = ") && text.contains(" ✓"),
        "{text}"
    );
}

#[test]
fn timeouts_out_of_range_say_the_range() {
    for t in ["0", "601", "nan"] {
        input_error(
            &["probe", "lab:modern", "--timeout", t],
            "timeout: must be more than 0 and at most 600 seconds",
        );
    }
}

#[test]
fn a_pasted_url_is_taken_as_curl_takes_it() {
    // The scheme gives the port; the path and query are dropped.
    for (url, port) in [
        ("imaps://127.0.0.1/INBOX?x=1", 993),
        ("https://127.0.0.1:1/some/path", 1),
        ("ldaps://127.0.0.1", 636),
    ] {
        let out = tlslens(&["probe", url, "--json", "--connect-timeout", "2"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        assert_eq!(v["target"]["host"], "127.0.0.1", "{url}");
        assert_eq!(v["target"]["port"], port, "{url}");
    }
    input_error(&["probe", "gopher://example.com/"], "no TLS port");
}

/// Verification fails after the server's flight: the report still says what was
/// negotiated, and rustls' reason for a SHA-1 certificate names the algorithm.
#[test]
fn a_verification_failure_keeps_the_negotiated_version_and_names_the_algorithm() {
    let out = tlslens(&["probe", "lab:expired", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    for r in v["results"].as_array().unwrap() {
        assert_eq!(r["ok"], false, "{r}");
        assert_eq!(r["error"]["kind"], "certificate", "{r}");
        assert!(r["version"].is_string(), "version from the wire: {r}");
        assert!(r["cipher"].is_string(), "cipher from the wire: {r}");
    }
    let out = tlslens(&["probe", "lab:weak-cert", "--backend", "rustls", "--json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("sha1WithRSAEncryption"), "{text}");
    assert!(!text.contains("signature_algorithm_id"), "{text}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["results"][0]["version"], "TLSv1.2");
}
