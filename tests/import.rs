//! `tlslens import`, the inverse of `export`: real curl, s_client and Python lines
//! become profiles, and every exported snippet imports back to a profile that exports
//! to the same text (nothing the target expresses is lost on the way back).

use std::path::PathBuf;
use tlslens::export::{Lang, export};
use tlslens::import::{Source, import};
use tlslens::profile::{Profile, Sni, Starttls, TlsVersion, Trust, VerifyMode};

fn base() -> Profile {
    Profile {
        host: "127.0.0.1".into(),
        port: 44302,
        sni: Sni::Name("localhost".into()),
        trust: Trust::File,
        cacert: Some(PathBuf::from("/tmp/lab ca.crt")),
        ..Profile::default()
    }
}

fn variants() -> Vec<(&'static str, Profile)> {
    vec![
        ("defaults", base()),
        (
            "legacy fix",
            Profile {
                min_tls: Some(TlsVersion::V1_0),
                seclevel: Some(0),
                ..base()
            },
        ),
        (
            "pinned cipher, max 1.2, level 1",
            Profile {
                max_tls: Some(TlsVersion::V1_2),
                ciphers: Some("ECDHE-RSA-AES128-GCM-SHA256".into()),
                seclevel: Some(1),
                ..base()
            },
        ),
        (
            "verification off, by name, ALPN",
            Profile {
                host: "api.example.com".into(),
                port: 8443,
                sni: Sni::Auto,
                verify: VerifyMode::Off,
                trust: Trust::System,
                cacert: None,
                alpn: vec!["http/1.1".into()],
                ..base()
            },
        ),
        (
            "client certificate, chain only",
            Profile {
                verify: VerifyMode::ChainOnly,
                cert: Some("/tmp/client.crt".into()),
                key: Some("/tmp/client.key".into()),
                ..base()
            },
        ),
        (
            "timeouts",
            Profile {
                connect_timeout: 3.0,
                handshake_timeout: 7.0,
                ..base()
            },
        ),
    ]
}

/// export → import → export gives the same text.
#[track_caller]
fn round_trips(lang: Lang, source: Source, name: &str, p: &Profile) {
    let first = export(p, lang);
    let back = import(&first, None).unwrap_or_else(|e| panic!("{lang} {name}: {e}\n{first}"));
    assert_eq!(back.source, source);
    let second = export(&back.profile, lang);
    assert_eq!(first, second, "{lang} {name}: {:#?}", back.profile);
}

#[test]
fn curl_exports_import_back() {
    // Chain-only checking is NOT EXPRESSIBLE in curl: its command checks the name too.
    for (name, p) in variants()
        .into_iter()
        .filter(|(_, p)| p.verify != VerifyMode::ChainOnly)
    {
        round_trips(Lang::Curl, Source::Curl, name, &p);
    }
    let p = Profile {
        proxy: Some("socks5h://u:p%40ss@127.0.0.1:1080".into()),
        starttls: Some(Starttls::Imap),
        port: 143,
        ..base()
    };
    round_trips(Lang::Curl, Source::Curl, "proxy + imap", &p);
}

#[test]
fn s_client_exports_import_back() {
    let mut all = variants();
    all.push((
        "TLS 1.3 suites, groups, STARTTLS, HTTP proxy with credentials",
        Profile {
            ciphersuites: Some("TLS_AES_128_GCM_SHA256".into()),
            groups: Some("x25519:secp256r1".into()),
            starttls: Some(Starttls::Postgres),
            proxy: Some("http://lab:tlslens@127.0.0.1:3128".into()),
            ..base()
        },
    ));
    for (name, p) in all {
        round_trips(Lang::SClient, Source::SClient, name, &p);
    }
}

#[test]
fn python_exports_import_back() {
    for (name, p) in variants() {
        round_trips(Lang::Python, Source::Python, name, &p);
    }
    // Through a proxy: the target is open_tunnel's, not create_connection's.
    for url in [
        "http://lab:tlslens@127.0.0.1:3128",
        "socks5://127.0.0.1:1080",
        "socks5h://u:p%40ss@[::1]:1080",
    ] {
        let p = Profile {
            proxy: Some(url.into()),
            ..base()
        };
        round_trips(Lang::Python, Source::Python, url, &p);
        let back = import(&export(&p, Lang::Python), None).unwrap().profile;
        assert_eq!((back.host.as_str(), back.port), ("127.0.0.1", 44302));
        assert_eq!(back.proxy.as_deref(), Some(url));
    }
    // With STARTTLS: starttls(sock) speaks the protocol the STARTTLS constant names.
    for proto in Starttls::ALL {
        let p = Profile {
            starttls: Some(proto),
            ..base()
        };
        round_trips(Lang::Python, Source::Python, proto.name(), &p);
        let back = import(&export(&p, Lang::Python), None).unwrap().profile;
        assert_eq!(back.starttls, Some(proto));
        assert_eq!((back.host.as_str(), back.port), ("127.0.0.1", 44302));
    }
    let p = Profile {
        starttls: Some(Starttls::Xmpp),
        proxy: Some("socks5h://127.0.0.1:1080".into()),
        ..base()
    };
    round_trips(Lang::Python, Source::Python, "proxy + xmpp", &p);
}

#[test]
fn a_real_curl_line() {
    let got = import(
        "curl -v --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 \
         --cacert ca.pem -H 'Accept: application/json' https://api.example.com/v1/health",
        None,
    )
    .unwrap();
    let p = got.profile;
    assert_eq!((p.host.as_str(), p.port), ("api.example.com", 443));
    assert_eq!(
        (p.min_tls, p.max_tls),
        (Some(TlsVersion::V1_2), Some(TlsVersion::V1_2))
    );
    assert_eq!(p.ciphers.as_deref(), Some("ECDHE-RSA-AES128-GCM-SHA256"));
    assert_eq!(
        (p.trust, p.cacert),
        (Trust::File, Some(PathBuf::from("ca.pem")))
    );
    assert_eq!(p.alpn, ["h2", "http/1.1"], "curl's default ALPN");
}

#[test]
fn a_real_s_client_line() {
    let got = import(
        "openssl s_client -connect legacy.example.com:443 -servername legacy.example.com \
         -tls1 -cipher 'DEFAULT@SECLEVEL=0' -showcerts",
        None,
    )
    .unwrap();
    let p = &got.profile;
    assert_eq!(
        (p.min_tls, p.max_tls),
        (Some(TlsVersion::V1_0), Some(TlsVersion::V1_0))
    );
    assert_eq!((p.ciphers.as_deref(), p.seclevel), (None, Some(0)));
    assert_eq!(p.sni, Sni::Auto);
    assert_eq!(
        p.verify,
        VerifyMode::Off,
        "s_client goes on after a failed check"
    );
    assert!(got.notes.iter().any(|n| n.contains("-verify_return_error")));
}

/// The snippet from the case tlslens was born from (DESIGN.md).
#[test]
fn a_real_python_snippet() {
    let got = import(
        r#"
import socket, ssl

HOST = "legacy.example.com"
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.set_ciphers('DEFAULT@SECLEVEL=1')  # the fix people post
with socket.create_connection((HOST, 8443), timeout=4) as sock:
    with ctx.wrap_socket(sock, server_hostname=HOST) as s:
        print(s.version())
"#,
        None,
    )
    .unwrap();
    let p = got.profile;
    assert_eq!((p.host.as_str(), p.port), ("legacy.example.com", 8443));
    assert_eq!(
        (p.verify, p.seclevel, p.ciphers),
        (VerifyMode::Off, Some(1), None)
    );
    assert_eq!(p.connect_timeout, 4.0);
    assert_eq!(p.sni, Sni::Auto);
}

#[test]
fn what_cannot_be_imported_says_so() {
    assert!(
        import("curl http://example.com/", None)
            .unwrap_err()
            .contains("scheme 'http'")
    );
    assert!(
        import("openssl s_client -servername x", None)
            .unwrap_err()
            .contains("-connect")
    );
    assert!(
        import("import ssl\nctx = ssl.create_default_context()", None)
            .unwrap_err()
            .contains("create_connection")
    );
    assert!(
        import("curl --ciphers", Some(Source::Curl))
            .unwrap_err()
            .contains("needs a value")
    );
}
