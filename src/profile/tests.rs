//! Validation, parsing and TOML round trips of the profile itself.
use super::*;

#[test]
fn targets_parse() {
    assert_eq!(
        parse_target("example.com").unwrap(),
        ("example.com".into(), 443)
    );
    assert_eq!(
        parse_target("127.0.0.1:44303").unwrap(),
        ("127.0.0.1".into(), 44303)
    );
    assert_eq!(parse_target("[::1]:8443").unwrap(), ("::1".into(), 8443));
    assert_eq!(parse_target("::1").unwrap(), ("::1".into(), 443));
    assert_eq!(parse_target("host:99999").unwrap_err().field, Field::Port);
    assert_eq!(parse_target("host:").unwrap_err().field, Field::Port);
    assert_eq!(parse_target("bad host:1").unwrap_err().field, Field::Host);
    assert_eq!(parse_target("").unwrap_err().field, Field::Host);
}

#[test]
fn versions_parse() {
    assert_eq!(TlsVersion::parse("1.0"), Some(TlsVersion::V1_0));
    assert_eq!(TlsVersion::parse("TLSv1.3"), Some(TlsVersion::V1_3));
    assert_eq!(TlsVersion::parse("tls1_1"), Some(TlsVersion::V1_1));
    assert_eq!(TlsVersion::parse("1.4"), None);
}

#[test]
fn validation_names_fields() {
    let p = Profile {
        host: "h".into(),
        min_tls: Some(TlsVersion::V1_3),
        max_tls: Some(TlsVersion::V1_2),
        seclevel: Some(9),
        trust: Trust::File,
        cert: Some("c.pem".into()),
        ..Profile::default()
    };
    let fields: Vec<_> = p.validate().unwrap_err().iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [Field::MinTls, Field::Seclevel, Field::Cacert, Field::Key]
    );
}

#[test]
fn toml_roundtrip_and_typos() {
    let p = Profile {
        host: "example.com".into(),
        sni: Sni::Name("other.example".into()),
        min_tls: Some(TlsVersion::V1_0),
        seclevel: Some(0),
        alpn: vec!["h2".into()],
        ..Profile::default()
    };
    let back = Profile::from_toml(&p.to_toml()).unwrap();
    assert_eq!(back, p);
    let err = Profile::from_toml("host = \"x\"\nseclvel = 0\n").unwrap_err();
    assert!(err.contains("seclvel"), "{err}");
    assert!(err.starts_with("line 2, column 1: "), "{err}");
    let err = Profile::from_toml("host = \"x\"\nport = [\n").unwrap_err();
    assert!(err.starts_with("line 2, column 9: "), "{err}");
    let err = Profile::from_toml("min_tls = \"1.4\"\n").unwrap_err();
    assert!(err.contains("1.4"), "{err}");
}

#[test]
fn weakenings_are_named() {
    let p = Profile {
        host: "h".into(),
        verify: VerifyMode::Off,
        seclevel: Some(0),
        min_tls: Some(TlsVersion::V1_0),
        ..Profile::default()
    };
    assert_eq!(p.weakenings().len(), 3);
    assert!(Profile::default().weakenings().is_empty());
}

#[test]
fn sni_defaults_to_host_but_never_an_ip() {
    let mut p = Profile {
        host: "127.0.0.1".into(),
        ..Profile::default()
    };
    assert_eq!(p.sni_name(), None);
    p.sni = Sni::Name("localhost".into());
    assert_eq!(p.sni_name(), Some("localhost"));
    assert_eq!(p.verify_name(), "localhost");
    p.host = "example.com".into();
    p.sni = Sni::Auto;
    assert_eq!(p.sni_name(), Some("example.com"));
}

#[test]
fn pasted_urls_are_targets_as_curl_reads_them() {
    for (url, host, port) in [
        ("https://example.com/path?q=1#f", "example.com", 443),
        ("https://example.com:8443/x", "example.com", 8443),
        ("HTTPS://example.com", "example.com", 443),
        ("imaps://mail.example.com/INBOX", "mail.example.com", 993),
        ("smtps://user@mail.example.com", "mail.example.com", 465),
        ("ldaps://dir.example.com", "dir.example.com", 636),
        ("https://[::1]:8443/", "::1", 8443),
        ("example.com:993", "example.com", 993),
    ] {
        assert_eq!(
            super::parse_target(url).map_err(|e| e.to_string()),
            Ok((host.to_string(), port)),
            "{url}"
        );
    }
    assert!(super::parse_target("gopher://example.com").is_err());
    assert!(super::parse_target("https://example.com:0/").is_err());
}
