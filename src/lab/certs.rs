//! The lab's throw-away PKI, generated at start-up with OpenSSL (which can also make
//! the RSA-1024/SHA-1 certificate no modern generator will).

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName, SubjectKeyIdentifier,
};
use openssl::x509::{X509, X509NameBuilder};

/// A certificate and its key.
#[derive(Clone)]
pub struct Issued {
    pub cert: X509,
    pub key: PKey<Private>,
}

/// Every certificate the lab servers and clients use.
#[derive(Clone)]
pub struct LabPki {
    pub ca: Issued,
    pub leaf: Issued,
    /// An ECDSA P-256 leaf for localhost, beside the RSA one (dual-certificate server).
    pub leaf_ecdsa: Issued,
    /// A leaf whose subject carries a terminal escape and a bidi override.
    pub hostile_name: Issued,
    pub expired: Issued,
    pub wrong_host: Issued,
    pub self_signed: Issued,
    pub weak: Issued,
    pub client: Issued,
}

fn rsa(bits: u32) -> Result<PKey<Private>, ErrorStack> {
    PKey::from_rsa(Rsa::generate(bits)?)
}

fn p256() -> Result<PKey<Private>, ErrorStack> {
    let group = openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1)?;
    PKey::from_ec_key(openssl::ec::EcKey::generate(&group)?)
}

enum Use {
    Ca,
    Server(&'static [&'static str]),
    Client,
}

struct Spec<'a> {
    cn: &'a str,
    serial: u32,
    key: &'a PKey<Private>,
    issuer: Option<&'a Issued>,
    not_before: Asn1Time,
    not_after: Asn1Time,
    digest: MessageDigest,
    usage: Use,
}

fn make(s: Spec<'_>) -> Result<Issued, ErrorStack> {
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_text("CN", s.cn)?;
    name.append_entry_by_text("O", "tlslens lab")?;
    let name = name.build();
    let mut b = X509::builder()?;
    b.set_version(2)?;
    let bn = BigNum::from_u32(s.serial)?;
    let serial = Asn1Integer::from_bn(&bn)?;
    b.set_serial_number(&serial)?;
    b.set_subject_name(&name)?;
    match s.issuer {
        Some(i) => b.set_issuer_name(i.cert.subject_name())?,
        None => b.set_issuer_name(&name)?,
    }
    b.set_pubkey(s.key)?;
    b.set_not_before(&s.not_before)?;
    b.set_not_after(&s.not_after)?;
    match s.usage {
        Use::Ca => {
            b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .build()?,
            )?;
        }
        Use::Server(names) => {
            b.append_extension(BasicConstraints::new().build()?)?;
            b.append_extension(ExtendedKeyUsage::new().server_auth().build()?)?;
            let mut san = SubjectAlternativeName::new();
            for n in names {
                if n.parse::<std::net::IpAddr>().is_ok() {
                    san.ip(n);
                } else {
                    san.dns(n);
                }
            }
            b.append_extension(san.build(&b.x509v3_context(s.issuer.map(|i| &*i.cert), None))?)?;
        }
        Use::Client => {
            b.append_extension(BasicConstraints::new().build()?)?;
            b.append_extension(ExtendedKeyUsage::new().client_auth().build()?)?;
        }
    }
    let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None))?;
    b.append_extension(ski)?;
    let signer = s.issuer.map(|i| &i.key).unwrap_or(s.key);
    b.sign(signer, s.digest)?;
    Ok(Issued {
        cert: b.build(),
        key: s.key.clone(),
    })
}

const LOCAL: &[&str] = &["localhost", "127.0.0.1", "::1"];

impl LabPki {
    pub fn generate() -> Result<LabPki, ErrorStack> {
        let now = || Asn1Time::days_from_now(0);
        let days = Asn1Time::days_from_now;
        // RSA key generation is the slow part of start-up: make the four keys at once.
        let (ca_key, server_key, weak_key, client_key) = std::thread::scope(|s| {
            let ca = s.spawn(|| rsa(2048));
            let server = s.spawn(|| rsa(2048));
            let weak = s.spawn(|| rsa(1024));
            let client = rsa(2048);
            let join = |h: std::thread::ScopedJoinHandle<'_, Result<PKey<Private>, ErrorStack>>| {
                h.join().unwrap_or_else(|_| Err(ErrorStack::get()))
            };
            (join(ca), join(server), join(weak), client)
        });
        let (ca_key, server_key, weak_key, client_key) =
            (ca_key?, server_key?, weak_key?, client_key?);
        let ca = make(Spec {
            cn: "tlslens lab CA",
            serial: 1,
            key: &ca_key,
            issuer: None,
            not_before: now()?,
            not_after: days(3650)?,
            digest: MessageDigest::sha256(),
            usage: Use::Ca,
        })?;
        // One server key serves every good-key leaf.
        let leaf_spec = |cn, serial, names, nb, na| Spec {
            cn,
            serial,
            key: &server_key,
            issuer: Some(&ca),
            not_before: nb,
            not_after: na,
            digest: MessageDigest::sha256(),
            usage: Use::Server(names),
        };
        let leaf = make(leaf_spec("localhost", 10, LOCAL, now()?, days(825)?))?;
        let ecdsa_key = p256()?;
        let leaf_ecdsa = make(Spec {
            key: &ecdsa_key,
            ..leaf_spec("localhost", 16, LOCAL, now()?, days(825)?)
        })?;
        let hostile_name = make(leaf_spec(
            "evil\u{1b}[31mred\u{202e}txt.exe",
            17,
            LOCAL,
            now()?,
            days(825)?,
        ))?;
        let expired = make(leaf_spec(
            "localhost",
            11,
            LOCAL,
            Asn1Time::from_str("20200101000000Z")?,
            Asn1Time::from_str("20210101000000Z")?,
        ))?;
        let wrong_host = make(leaf_spec(
            "wrong.example",
            12,
            &["wrong.example"],
            now()?,
            days(825)?,
        ))?;
        let self_signed = make(Spec {
            cn: "localhost",
            serial: 13,
            key: &server_key,
            issuer: None,
            not_before: now()?,
            not_after: days(825)?,
            digest: MessageDigest::sha256(),
            usage: Use::Server(LOCAL),
        })?;
        let weak = make(Spec {
            cn: "localhost",
            serial: 14,
            key: &weak_key,
            issuer: Some(&ca),
            not_before: now()?,
            not_after: days(825)?,
            digest: MessageDigest::sha1(),
            usage: Use::Server(LOCAL),
        })?;
        let client = make(Spec {
            cn: "tlslens lab client",
            serial: 15,
            key: &client_key,
            issuer: Some(&ca),
            not_before: now()?,
            not_after: days(825)?,
            digest: MessageDigest::sha256(),
            usage: Use::Client,
        })?;
        Ok(LabPki {
            ca,
            leaf,
            leaf_ecdsa,
            hostile_name,
            expired,
            wrong_host,
            self_signed,
            weak,
            client,
        })
    }
}
