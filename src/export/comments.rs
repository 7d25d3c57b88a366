//! Wording shared by every target: the header, WEAKENS SECURITY / NOT EXPRESSIBLE
//! notes, and the OpenSSL cipher-string / security-level explanations.

use super::quote::{host_port, path_str, shown};
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};
use std::fmt::Write as _;

pub(super) use crate::profile::{
    NOTE_NO_HOST_CHECK as NO_HOST_CHECK, NOTE_OLD_TLS as OLD_TLS, NOTE_VERIFY_OFF as VERIFY_OFF,
    old_version,
};

/// What a security level costs, for levels that are not the default: the policy's
/// note where it weakens, else a word that it is stricter.
pub(super) fn seclevel_note(level: u8) -> Option<String> {
    if let Some(n) = crate::profile::seclevel_note(level) {
        return Some(n.into());
    }
    (level > 2).then(|| format!("security level {level} is stricter than OpenSSL's default 2"))
}

/// The level a cipher string sets itself ("...@SECLEVEL=0").
pub(super) fn embedded_seclevel(ciphers: &str) -> Option<u8> {
    let i = ciphers.rfind("@SECLEVEL=")?;
    ciphers[i + "@SECLEVEL=".len()..]
        .chars()
        .next()
        .and_then(|c| c.to_digit(10))
        .map(|d| d as u8)
}

/// The level in effect: the explicit one wins over the cipher string's.
pub(super) fn effective_seclevel(p: &Profile) -> Option<u8> {
    p.seclevel
        .or_else(|| p.ciphers.as_deref().and_then(embedded_seclevel))
}

/// The OpenSSL cipher string (TLS <= 1.2 suites plus the security level) for the
/// targets that take one: `DEFAULT:@SECLEVEL=N` when only the level is set,
/// `<ciphers>:@SECLEVEL=N` when both are (the last `@SECLEVEL` wins, as in tlslens,
/// where an explicit level overrides the cipher string's).
pub(super) fn openssl_cipher_string(p: &Profile) -> Option<String> {
    match (p.ciphers.as_deref().map(str::trim), p.seclevel) {
        (None, None) => None,
        (Some(c), None) => Some(c.to_string()),
        (None, Some(l)) => Some(format!("DEFAULT:@SECLEVEL={l}")),
        (Some(c), Some(l)) => Some(format!("{c}:@SECLEVEL={l}")),
    }
}

/// Comment lines explaining the cipher string (without the comment marker).
pub(super) fn cipher_string_notes(p: &Profile) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(c) = &p.ciphers {
        v.push(format!(
            "NOTE: cipher string '{}' replaces the library default for TLS <= 1.2",
            shown(c)
        ));
    } else if p.seclevel.is_some() {
        v.push(
            "\"DEFAULT\" keeps OpenSSL's default TLS <= 1.2 suites; only the level changes".into(),
        );
    }
    if let Some(n) = effective_seclevel(p).and_then(seclevel_note) {
        v.push(n);
    }
    v
}

/// What the certificate is checked against, in words.
pub(super) fn check_words(p: &Profile) -> String {
    match p.verify {
        VerifyMode::Full => format!("chain + name '{}'", shown(p.verify_name())),
        VerifyMode::ChainOnly => "chain only (no host-name check)".into(),
        VerifyMode::Off => "nothing (verification off)".into(),
    }
}

/// The header every snippet starts with, one comment line each.
pub(super) fn header(p: &Profile, what: &str) -> Vec<String> {
    header_reaching(p, what, &[], false)
}

/// The header, saying NOT EXPRESSIBLE for a proxy whose kind is not in `proxies` and for
/// a STARTTLS upgrade unless `starttls` (the target speaks the profile's protocol).
pub(super) fn header_reaching(
    p: &Profile,
    what: &str,
    proxies: &[crate::profile::ProxyKind],
    starttls: bool,
) -> Vec<String> {
    let sni = match p.sni_name() {
        Some(n) => format!("'{}'", shown(n)),
        None => "none".into(),
    };
    let mut v = vec![
        format!("tlslens: reproduce this profile's handshake with {what}."),
        format!(
            "Target {}, SNI {sni}, certificate checked: {}.",
            shown(&host_port(&p.host, p.port)),
            check_words(p)
        ),
        "Lines marked WEAKENS SECURITY lower protection on purpose, to match the profile;".into(),
        "NOT EXPRESSIBLE names profile settings this target cannot reproduce.".into(),
    ];
    let w = p.weakenings();
    if !w.is_empty() {
        v.push(format!("Profile weakenings: {}.", shown(&w.join("; "))));
    }
    if let Some(proto) = p.starttls
        && !starttls
    {
        v.push(format!(
            "NOT EXPRESSIBLE: STARTTLS {proto}: this code starts TLS on the first byte; the server \
             expects the {proto} upgrade dialogue first."
        ));
    }
    if let Ok(Some(u)) = crate::profile::proxy_setting(p.proxy.as_deref())
        && !proxies.contains(&u.kind)
    {
        v.push(format!(
            "NOT EXPRESSIBLE: proxy {}: this code connects directly.",
            shown(&u.redacted())
        ));
    }
    v
}

pub(super) fn comment_block(out: &mut String, marker: &str, indent: &str, lines: &[String]) {
    for l in lines {
        let _ = writeln!(out, "{indent}{marker} {l}");
    }
}

pub(super) fn cacert_ignored_note(p: &Profile) -> Option<String> {
    match (&p.cacert, p.trust) {
        (Some(c), t) if t != Trust::File => Some(format!(
            "(the profile's cacert '{}' is not used: trust is '{}', as in tlslens)",
            shown(&path_str(c)),
            t.name()
        )),
        _ => None,
    }
}

/// NOT EXPRESSIBLE wording for trust 'webpki' in a target without rustls' roots.
pub(super) fn webpki_not_expressible(instead: &str) -> String {
    format!("NOT EXPRESSIBLE: trust 'webpki' (rustls' compiled-in roots): {instead}.")
}

/// The profile's version bounds as (is the maximum, version, whether the OLD_TLS
/// note goes on this line).
pub(super) fn version_bounds(p: &Profile) -> Vec<(bool, TlsVersion, bool)> {
    let min = p.min_tls.map(|v| (false, v, old_version(v)));
    let max = p.max_tls.map(|v| (true, v, max_is_old(p, v)));
    min.into_iter().chain(max).collect()
}

/// Whether the maximum version `max` is what lets TLS 1.0/1.1 in, i.e. the minimum
/// does not already: the OLD_TLS note goes on one of the two lines only.
pub(super) fn max_is_old(p: &Profile, max: TlsVersion) -> bool {
    old_version(max) && p.min_tls.is_none_or(|m| !old_version(m))
}

/// The CA file as text (empty when the profile names none).
pub(super) fn cacert_path(p: &Profile) -> String {
    p.cacert.as_deref().map(path_str).unwrap_or_default()
}

/// The client certificate and key files as text; the key defaults to the
/// certificate file (key in the same file).
pub(super) fn cert_and_key(p: &Profile) -> Option<(String, String)> {
    let c = p.cert.as_deref()?;
    Some((path_str(c), path_str(p.key.as_deref().unwrap_or(c))))
}
