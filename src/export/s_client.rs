//! `openssl s_client`.

use super::comments::*;
use super::quote::*;
use super::shell::Cmd;
use crate::profile::{Profile, ProxyKind, TlsVersion, Trust, VerifyMode, proxy_setting};

pub(super) fn s_client_version(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "TLSv1",
        TlsVersion::V1_1 => "TLSv1.1",
        TlsVersion::V1_2 => "TLSv1.2",
        TlsVersion::V1_3 => "TLSv1.3",
    }
}

pub(super) fn s_client(p: &Profile, via: Option<std::net::SocketAddr>) -> String {
    let hdr = {
        let mut h = header_reaching(p, "openssl s_client", &[ProxyKind::Http], true);
        h.push("-brief prints \"Protocol version: ...\" and \"Ciphersuite: ...\" (on stderr); exit 0 on success.".into());
        h
    };
    let total = fmt_secs(p.connect_timeout + p.handshake_timeout);
    let mut c = Cmd::new(&["timeout", &total, "openssl", "s_client"]);
    c.note(format!(
        "timeout {total} (coreutils): s_client has no connect/handshake timeout, so the whole run is capped."
    ));
    let (host, port, relay) = super::connect_to(p, via);
    if let Some(r) = relay {
        c.note(format!("-connect: {r}."));
    }
    c.opt("-connect", &host_port(&host, port));
    if let Ok(Some(u)) = proxy_setting(p.proxy.as_deref())
        && u.kind == ProxyKind::Http
    {
        c.opt("-proxy", &host_port(&u.host, u.port));
        if let Some((user, pass)) = &u.auth {
            c.opt("-proxy_user", user);
            c.opt("-proxy_pass", &format!("pass:{pass}"));
        }
    }
    if let Some(proto) = p.starttls {
        c.opt("-starttls", proto.name());
    }
    match p.sni_name() {
        Some(n) => c.opt("-servername", n),
        None => c.flag("-noservername"),
    }
    for (max, v, old) in version_bounds(p) {
        let flag = if max {
            "-max_protocol"
        } else {
            "-min_protocol"
        };
        if old {
            c.note(format!("{flag} {}: {OLD_TLS}", s_client_version(v)));
        }
        c.opt(flag, s_client_version(v));
    }
    c.cipher_string(p, "-cipher", None);
    c.list_opt("-ciphersuites", &p.ciphersuite_list());
    c.list_opt("-groups", &p.group_list());
    match p.trust {
        Trust::File => {
            if let Some(ca) = &p.cacert {
                c.opt("-CAfile", &path_str(ca));
            }
        }
        Trust::System => {}
        Trust::Webpki => c.note(webpki_not_expressible("OpenSSL's default store is used")),
    }
    c.notes(cacert_ignored_note(p));
    match p.verify {
        VerifyMode::Full => {
            c.note("-verify_return_error makes a failed verification abort the handshake.");
            let n = p.verify_name();
            c.flag("-verify_return_error");
            c.opt(
                if is_ip(n) {
                    "-verify_ip"
                } else {
                    "-verify_hostname"
                },
                n,
            );
        }
        VerifyMode::ChainOnly => {
            c.note(format!("no -verify_hostname: {NO_HOST_CHECK}"));
            c.flag("-verify_return_error");
        }
        VerifyMode::Off => {
            c.note(format!(
                "no -verify_return_error: {VERIFY_OFF} (s_client still prints the verdict)"
            ));
        }
    }
    c.client_cert(p, ["-cert", "-key"], |c| c);
    if !p.alpn.is_empty() {
        if p.alpn.iter().any(|a| a.contains(',')) {
            c.note("NOT EXPRESSIBLE: an ALPN protocol containing ',' (s_client splits -alpn on commas).");
        }
        c.opt("-alpn", &p.alpn.join(","));
    }
    if via.is_some() {
        c.note("-keylogfile: the TLS secrets, for tlslens to decrypt what the relay recorded.");
        c.opt("-keylogfile", super::CLIENT_KEYLOG);
    }
    c.flag("-brief");
    c.render(&hdr, " </dev/null")
}
