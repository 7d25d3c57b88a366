//! OpenSSL security levels explained: what each allows. Which levels a server actually
//! works at is found by trying (`crate::explain::levels`).

pub use crate::report::LevelResult;
use serde::Serialize;

/// What one level allows (OpenSSL 3 documentation, SSL_CTX_set_security_level, and
/// what this machine's OpenSSL 3.0 does).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LevelInfo {
    pub level: u8,
    pub bits: u16,
    pub rsa_dh_min: &'static str,
    pub ecc_min: &'static str,
    pub sha1: &'static str,
    pub versions: &'static str,
    pub notes: &'static str,
}

pub const LEVELS: [LevelInfo; 6] = [
    LevelInfo {
        level: 0,
        bits: 0,
        rsa_dh_min: "any",
        ecc_min: "any",
        sha1: "allowed",
        versions: "all (TLS 1.0/1.1 signatures use MD5+SHA-1)",
        notes: "everything permitted",
    },
    LevelInfo {
        level: 1,
        bits: 80,
        rsa_dh_min: "1024",
        ecc_min: "160",
        sha1: "refused in signatures",
        versions: "all, but TLS < 1.2 ECDHE/DHE fail (MD5+SHA-1)",
        notes: "no export/RC4/MD5 suites",
    },
    LevelInfo {
        level: 2,
        bits: 112,
        rsa_dh_min: "2048",
        ecc_min: "224",
        sha1: "refused",
        versions: "all, as level 1",
        notes: "OpenSSL 3 default; no RC4",
    },
    LevelInfo {
        level: 3,
        bits: 128,
        rsa_dh_min: "3072",
        ecc_min: "256",
        sha1: "refused",
        versions: "TLS 1.2+ (no TLS 1.0/1.1)",
        notes: "forward secrecy required: no static RSA; no session tickets",
    },
    LevelInfo {
        level: 4,
        bits: 192,
        rsa_dh_min: "7680",
        ecc_min: "384",
        sha1: "refused",
        versions: "TLS 1.2+",
        notes: "as 3",
    },
    LevelInfo {
        level: 5,
        bits: 256,
        rsa_dh_min: "15360",
        ecc_min: "512",
        sha1: "refused",
        versions: "TLS 1.2+",
        notes: "as 3",
    },
];

pub fn highest_working(results: &[LevelResult]) -> Option<u8> {
    results.iter().filter(|r| r.ok).map(|r| r.level).max()
}
