//! An `openssl s_client` command line → profile.

use super::{sni_for, split_seclevel, words};
use crate::profile::{
    Profile, ProxyUrl, Sni, Starttls, TlsVersion, Trust, VerifyMode, has_port, parse_target,
};
use std::path::PathBuf;

/// s_client options that take a value and say nothing a profile holds.
const SKIP_WITH_VALUE: &[&str] = &[
    "-verify",
    "-sess_out",
    "-sess_in",
    "-msgfile",
    "-keylogfile",
    "-CApath",
    "-pass",
    "-certform",
    "-keyform",
    "-nbio_test",
    "-psk",
    "-psk_identity",
    "-xmpphost",
    "-name",
    "-sigalgs",
    "-client_sigalgs",
    "-requestCAfile",
    "-chainCAfile",
    "-verifyCAfile",
];
const SKIP_SWITCHES: &[&str] = &[
    "-brief",
    "-showcerts",
    "-quiet",
    "-msg",
    "-debug",
    "-state",
    "-prexit",
    "-crlf",
    "-ign_eof",
    "-no_ign_eof",
    "-tlsextdebug",
    "-status",
    "-reconnect",
    "-trace",
    "-nbio",
    "-no_ticket",
    "-legacy_renegotiation",
];

fn version(v: &str) -> Result<TlsVersion, String> {
    TlsVersion::parse(v).ok_or_else(|| format!("'{v}' is not a TLS version"))
}

pub(super) fn import(text: &str, notes: &mut Vec<String>) -> Result<Profile, String> {
    let cmds = words::commands(text)?;
    let total = words::find(&cmds, &["timeout"]).and_then(|w| {
        w.get(1)
            .and_then(|t| t.trim_end_matches('s').parse::<f64>().ok())
    });
    let args = words::find(&cmds, &["s_client"]).ok_or("no openssl s_client command found")?;
    let mut p = Profile::default();
    let (mut connect, mut host_opt, mut port_opt) = (None, None, None);
    let (mut servername, mut no_sni) = (None, false);
    let (mut enforce, mut name_check) = (false, false);
    let (mut proxy, mut proxy_user, mut proxy_pass) = (None, None, None);
    let mut o = words::Opts::new(&args, "s_client");
    while let Some(a) = o.next_opt() {
        match a {
            "-connect" => connect = Some(o.value(a)?),
            "-host" => host_opt = Some(o.value(a)?),
            "-port" => port_opt = o.value(a)?.parse::<u16>().ok(),
            "-servername" => servername = Some(o.value(a)?),
            "-noservername" => no_sni = true,
            "-min_protocol" => p.min_tls = Some(version(&o.value(a)?)?),
            "-max_protocol" => p.max_tls = Some(version(&o.value(a)?)?),
            "-tls1" | "-tls1_1" | "-tls1_2" | "-tls1_3" => {
                let v = version(a.trim_start_matches('-'))?;
                (p.min_tls, p.max_tls) = (Some(v), Some(v));
            }
            "-cipher" => (p.ciphers, p.seclevel) = split_seclevel(&o.value(a)?),
            "-ciphersuites" => p.ciphersuites = Some(o.value(a)?),
            "-groups" | "-curves" => p.groups = Some(o.value(a)?),
            "-CAfile" => {
                p.cacert = Some(PathBuf::from(o.value(a)?));
                p.trust = Trust::File;
            }
            "-verify_return_error" => enforce = true,
            "-verify_hostname" | "-verify_ip" => {
                o.value(a)?;
                name_check = true;
            }
            "-cert" => p.cert = Some(PathBuf::from(o.value(a)?)),
            "-key" => p.key = Some(PathBuf::from(o.value(a)?)),
            "-alpn" => {
                p.alpn = o
                    .value(a)?
                    .split(',')
                    .filter(|x| !x.is_empty())
                    .map(String::from)
                    .collect();
            }
            "-starttls" => {
                let v = o.value(a)?;
                p.starttls =
                    Some(Starttls::parse(&v).ok_or_else(|| crate::profile::starttls_error(&v))?);
            }
            "-proxy" => proxy = Some(o.value(a)?),
            "-proxy_user" => proxy_user = Some(o.value(a)?),
            "-proxy_pass" => proxy_pass = Some(o.value(a)?),
            _ if SKIP_WITH_VALUE.contains(&a) => {
                let v = o.value(a)?;
                notes.push(format!("{a} {v}"));
            }
            _ if SKIP_SWITCHES.contains(&a) => {}
            _ => notes.push(a.to_string()),
        }
    }
    let (host, port) = match (connect, host_opt) {
        (Some(c), _) => {
            let (h, port) = parse_target(&c).map_err(|e| format!("-connect: {e}"))?;
            (h, if has_port(&c) { port } else { 4433 })
        }
        (None, Some(h)) => (h, port_opt.unwrap_or(4433)),
        (None, None) => return Err("the s_client command has no -connect HOST:PORT".into()),
    };
    p.host = host;
    p.port = port;
    p.sni = if no_sni {
        if p.host.parse::<std::net::IpAddr>().is_ok() {
            Sni::Auto
        } else {
            Sni::Off
        }
    } else {
        sni_for(&p.host, servername.as_deref())
    };
    p.verify = match (enforce, name_check) {
        (true, true) => VerifyMode::Full,
        (true, false) => VerifyMode::ChainOnly,
        (false, _) => {
            notes.push(
                "verification: without -verify_return_error s_client goes on after a failed check, \
                 so the profile's verification is off"
                    .into(),
            );
            VerifyMode::Off
        }
    };
    if let Some(t) = total
        && t > p.connect_timeout
    {
        p.handshake_timeout = t - p.connect_timeout;
    }
    if let Some(hp) = proxy {
        let mut u = ProxyUrl::parse(&format!("http://{hp}"))?;
        if let Some(user) = proxy_user {
            let pass = match proxy_pass.as_deref().map(|s| s.split_once(':')) {
                Some(Some(("pass", pw))) => pw.to_string(),
                Some(_) => {
                    notes.push("-proxy_pass other than pass:PASSWORD".into());
                    String::new()
                }
                None => String::new(),
            };
            u.auth = Some((user, pass));
        }
        p.proxy = Some(u.full());
    }
    Ok(p)
}
