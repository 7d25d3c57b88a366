//! The field table is the only declaration of a profile field: every field in it is
//! reachable from the command line, a TOML file and the editor, and a typed change
//! survives the trip through its own flags.

use clap::Parser;
use tlslens::backend::BackendId;
use tlslens::cli::{Cli, Command};
use tlslens::diagnose::Suggestion;
use tlslens::profile::{Change, FIELDS, Field, Profile, Takes, TlsVersion, VerifyMode};
use tlslens::resolve::Sources;
use tlslens::tui::form::Form;

/// A text form other than the default for every field. The match is exhaustive, so
/// a new field cannot join the table without joining this test.
fn sample(f: Field) -> &'static str {
    match f {
        Field::Host => "example.com",
        Field::Port => "8443",
        Field::Sni => "other.example",
        Field::MinTls => "1.1",
        Field::MaxTls => "1.2",
        Field::Seclevel => "0",
        Field::Ciphers => "AES128-SHA",
        Field::Ciphersuites => "TLS_AES_128_GCM_SHA256",
        Field::Groups => "x25519:secp256r1",
        Field::Verify => "chain-only",
        Field::Trust => "webpki",
        Field::Cacert => "/tmp/ca.pem",
        Field::Cert => "/tmp/client.pem",
        Field::Key => "/tmp/client.key",
        Field::Alpn => "h2,http/1.1",
        Field::Starttls => "smtp",
        Field::Proxy => "socks5h://127.0.0.1:1080",
        Field::ConnectTimeout => "2.5",
        Field::HandshakeTimeout => "7",
        Field::Backends => "openssl,rustls",
    }
}

/// The profile after one field is set from its text form.
fn with(f: Field, text: &str) -> Profile {
    let mut p = Profile::default();
    f.parse(text).unwrap().apply(&mut p);
    p
}

/// Parse command-line words after `probe` the way the binary does.
fn from_cli(words: &[String]) -> Profile {
    let mut argv = vec!["tlslens".to_string(), "probe".into()];
    argv.extend(words.iter().cloned());
    let cli = Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
    let Some(Command::Probe(a)) = cli.command else {
        panic!("not a probe");
    };
    a.opts
        .sources
        .resolve(a.target.as_deref(), |_| unreachable!())
        .unwrap()
        .0
}

#[test]
fn table_is_in_declaration_order_and_keys_are_unique() {
    for (i, s) in FIELDS.iter().enumerate() {
        assert_eq!(s.field as usize, i, "{}", s.key);
        assert_eq!(Field::from_key(s.key), Some(s.field));
    }
    let mut longs: Vec<&str> = FIELDS
        .iter()
        .flat_map(|s| s.flags.iter().map(|f| f.long))
        .collect();
    let n = longs.len();
    longs.sort();
    longs.dedup();
    assert_eq!(longs.len(), n, "a flag is declared twice");
}

#[test]
fn every_field_is_reachable_from_the_command_line() {
    for s in FIELDS {
        let text = sample(s.field);
        let want = with(s.field, text);
        assert_ne!(want, Profile::default(), "{}: sample is the default", s.key);
        let words: Vec<String> = match (s.field, s.flags.first()) {
            // Host and port are the target, not flags.
            (Field::Host, _) => vec![text.into()],
            (Field::Port, _) => vec![format!("localhost:{text}")],
            (_, Some(f)) if matches!(f.takes, Takes::Text(_)) => {
                vec![format!("--{}", f.long), text.into()]
            }
            (_, _) => {
                let f = s
                    .flags
                    .iter()
                    .find(|f| f.takes == Takes::Fixed(text))
                    .unwrap_or_else(|| panic!("{}: no flag sets '{text}'", s.key));
                vec![format!("--{}", f.long)]
            }
        };
        let got = from_cli(&words);
        assert_eq!(s.field.text(&got), text, "{}: {words:?}", s.key);
    }
}

#[test]
fn every_saved_field_is_reachable_from_toml() {
    for s in FIELDS.iter().filter(|s| s.in_toml) {
        let p = with(s.field, sample(s.field));
        let toml = p.to_toml();
        assert!(toml.contains(s.key), "{}: not in\n{toml}", s.key);
        let back = Profile::from_toml(&toml).unwrap();
        assert_eq!(s.field.text(&back), sample(s.field), "{}", s.key);
    }
    // The one field a file does not carry: which stacks to run is per session.
    let unsaved: Vec<Field> = FIELDS
        .iter()
        .filter(|s| !s.in_toml)
        .map(|s| s.field)
        .collect();
    assert_eq!(unsaved, [Field::Backends]);
}

#[test]
fn every_field_is_a_row_of_the_editor() {
    let form = Form::from_profile(&Profile::default(), &BackendId::ALL);
    let rows: Vec<Field> = form.fields.iter().map(|r| r.key).collect();
    assert_eq!(rows, Field::all().collect::<Vec<_>>());
    for s in FIELDS {
        let mut form = form.clone();
        form.set(s.field, sample(s.field));
        let p = match form.to_profile() {
            Ok((p, _)) => p,
            // Cross-field rules (trust file needs a CA file, a key needs a cert) may
            // object; the field's own value must still have reached the profile.
            Err(errs) => {
                assert!(
                    errs.iter().all(|(f, _)| *f != s.field),
                    "{}: {errs:?}",
                    s.key
                );
                continue;
            }
        };
        assert_eq!(s.field.text(&p), sample(s.field), "{}", s.key);
    }
}

/// apply → as_flags → parse the flags → the same profile.
#[test]
fn typed_changes_round_trip_through_their_flags() {
    let mut changes: Vec<Change> = FIELDS
        .iter()
        .filter(|s| !s.flags.is_empty())
        .map(|s| s.field.parse(sample(s.field)).unwrap())
        .collect();
    changes.extend([
        Change::Verify(VerifyMode::Off),
        Change::Sni(tlslens::profile::Sni::Off),
        Change::MinTls(Some(TlsVersion::V1_0)),
        Change::Seclevel(None),
    ]);
    for c in changes {
        let s = Suggestion::new().with(c.clone());
        let mut want = Profile::default();
        s.apply(&mut want);
        if c.field() == Field::Cacert {
            // `--cacert FILE` also means "trust that file" (the flag's declared implication).
            want.trust = tlslens::profile::Trust::File;
        }
        let words: Vec<String> = s
            .as_flags()
            .split_whitespace()
            .map(|w| w.trim_matches('\'').to_string())
            .collect();
        assert_eq!(from_cli(&words), want, "{c:?} as {}", s.as_flags());
    }
}

#[test]
fn suggestions_keep_their_json_and_flag_spellings() {
    let s = Suggestion::new()
        .with(Change::Verify(VerifyMode::ChainOnly))
        .with(Change::Sni(tlslens::profile::Sni::Name("localhost".into())))
        .with(Change::HandshakeTimeout(20.0))
        .with(Change::Ciphers(Some("DEFAULT".into())));
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        r#"{"ciphers":"DEFAULT","no_verify_host":true,"sni":"localhost","timeout":20.0}"#
    );
    assert_eq!(
        s.as_flags(),
        "--ciphers DEFAULT --no-verify-host --sni localhost --timeout 20"
    );
    let cost = tlslens::diagnose::cost_of(&s);
    assert!(
        cost.starts_with("a hand-picked cipher list (DEFAULT)"),
        "{cost}"
    );
    assert!(cost.contains("; host name not checked"), "{cost}");
    assert!(
        cost.ends_with("; none, if the server really serves that name; none"),
        "{cost}"
    );
}

#[test]
fn sources_without_a_target_keep_the_saved_host() {
    let dir = std::env::temp_dir().join(format!("tlslens-fields-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("p.toml");
    let saved = Profile {
        host: "example.com".into(),
        port: 8443,
        ..Profile::default()
    };
    std::fs::write(&file, saved.to_toml()).unwrap();
    let src = Sources {
        file: Some(file),
        flags: vec![(Field::Seclevel, "1".into())],
    };
    let (p, notice) = src.resolve(None, |_| unreachable!()).unwrap();
    assert_eq!(
        (p.host.as_str(), p.port, p.seclevel),
        ("example.com", 8443, Some(1))
    );
    assert_eq!(notice, None);
    let (p, notice) = src
        .resolve(Some("127.0.0.1:1"), |_| unreachable!())
        .unwrap();
    assert_eq!((p.host.as_str(), p.port), ("127.0.0.1", 1));
    assert!(notice.unwrap().contains("example.com:8443"));
    // The TUI loads that profile at once; the lab, when it is up, only fills its list.
    assert_eq!(
        tlslens::tui::initial_profile(&[], None, &src).unwrap(),
        (0, None)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
