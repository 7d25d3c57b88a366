//! Certificate details for the report, parsed with OpenSSL from DER the peer sent.
//! Every string is peer data: sanitised and bounded.

use crate::text::sanitize;
use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::Id;
use openssl::x509::{X509, X509NameRef};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub sans: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    /// Past notAfter at the time of the probe.
    pub expired: bool,
    pub not_yet_valid: bool,
    pub self_signed: bool,
    /// "RSA", "EC", "Ed25519", ...
    pub key_type: String,
    pub key_bits: u32,
    /// e.g. "sha256WithRSAEncryption".
    pub signature_algorithm: String,
    /// Upper-case hex with colons, as `openssl x509 -fingerprint` prints it.
    pub sha256: String,
    pub der_len: usize,
}

fn name_line(n: &X509NameRef) -> String {
    let parts: Vec<String> = n
        .entries()
        .take(16)
        .map(|e| {
            let key = e.object().nid().short_name().unwrap_or("?");
            let val = e.data().to_string().unwrap_or_else(|_| "?".into());
            format!("{key}={val}")
        })
        .collect();
    sanitize(&parts.join(", "), 256)
}

fn key_kind(id: Id) -> &'static str {
    match id {
        Id::RSA => "RSA",
        Id::RSA_PSS => "RSA-PSS",
        Id::EC => "EC",
        Id::ED25519 => "Ed25519",
        Id::ED448 => "Ed448",
        Id::DSA => "DSA",
        _ => "other",
    }
}

impl CertInfo {
    /// None when the bytes are not a certificate OpenSSL can parse.
    pub fn from_der(der: &[u8]) -> Option<CertInfo> {
        let x = X509::from_der(der).ok()?;
        let (key_type, key_bits) = x
            .public_key()
            .map(|k| (key_kind(k.id()).to_string(), k.bits()))
            .unwrap_or_else(|_| ("unknown".into(), 0));
        let sans = x
            .subject_alt_names()
            .map(|s| {
                s.iter()
                    .take(64)
                    .filter_map(|g| {
                        g.dnsname()
                            .map(|d| format!("DNS:{}", sanitize(d, 253)))
                            .or_else(|| {
                                g.ipaddress().map(|ip| match ip.len() {
                                    4 => {
                                        let mut a = [0u8; 4];
                                        a.copy_from_slice(ip);
                                        format!("IP:{}", std::net::Ipv4Addr::from(a))
                                    }
                                    16 => {
                                        let mut a = [0u8; 16];
                                        a.copy_from_slice(ip);
                                        format!("IP:{}", std::net::Ipv6Addr::from(a))
                                    }
                                    _ => "IP:?".into(),
                                })
                            })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let now = Asn1Time::days_from_now(0).ok()?;
        let expired = x.not_after() < now;
        let not_yet_valid = x.not_before() > now;
        let sha256 = x
            .digest(MessageDigest::sha256())
            .map(|d| {
                d.iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .unwrap_or_default();
        let sig = x.signature_algorithm().object().nid();
        let signature_algorithm = if sig == Nid::UNDEF {
            x.signature_algorithm().object().to_string()
        } else {
            sig.long_name().unwrap_or("?").to_string()
        };
        let subject = name_line(x.subject_name());
        let issuer = name_line(x.issuer_name());
        Some(CertInfo {
            self_signed: subject == issuer,
            subject,
            issuer,
            sans,
            not_before: x.not_before().to_string(),
            not_after: x.not_after().to_string(),
            expired,
            not_yet_valid,
            key_type,
            key_bits,
            signature_algorithm,
            sha256,
            der_len: der.len(),
        })
    }

    /// A short judgement for weak parameters an OpenSSL security level would refuse.
    pub fn weakness(&self) -> Option<String> {
        let mut w = Vec::new();
        if self.key_type.starts_with("RSA") && self.key_bits < 2048 {
            w.push(format!("RSA-{} key (level 2 needs 2048)", self.key_bits));
        }
        let sig = self.signature_algorithm.to_ascii_lowercase();
        if (sig.contains("sha1") || sig.contains("md5")) && !self.self_signed {
            w.push(format!(
                "{} signature (level 1+ refuses)",
                self.signature_algorithm
            ));
        }
        if w.is_empty() {
            None
        } else {
            Some(w.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::x509::extension::SubjectAlternativeName;
    use openssl::x509::{X509, X509NameBuilder};

    /// A certificate whose names carry terminal escapes: nothing of it may reach a
    /// terminal raw.
    #[test]
    fn hostile_names_are_sanitised() {
        let key = PKey::from_rsa(Rsa::generate(1024).unwrap()).unwrap();
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "evil\u{1b}[2J\u{202e}name")
            .unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(1).unwrap())
            .unwrap();
        let san = SubjectAlternativeName::new()
            .dns("a\u{7}b.example")
            .build(&b.x509v3_context(None, None))
            .unwrap();
        b.append_extension(san).unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        let der = b.build().to_der().unwrap();
        let info = CertInfo::from_der(&der).unwrap();
        for s in std::iter::once(&info.subject).chain(&info.sans) {
            assert!(
                !s.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{s:?}"
            );
        }
        // Shown escaped (issue: hidden as `?` they looked like a literal `?`).
        assert!(
            info.subject.contains(r"evil\x1b[2J\u{202e}name"),
            "{}",
            info.subject
        );
        assert!(info.weakness().unwrap().contains("RSA-1024"));
        assert!(CertInfo::from_der(b"\x30\x03garbage").is_none());
    }
}
