//! The TLS 1.0–1.2 pseudo-random function and what it makes: the key block and the
//! Finished verify_data (RFC 2246 §5, RFC 4346 §5, RFC 5246 §5, §6.3, §7.4.9).
//!
//! TLS 1.0 and 1.1 split the secret in halves and XOR P_MD5 of the first with P_SHA-1
//! of the second; TLS 1.2 uses one P_hash with the suite's PRF hash (SHA-256 unless the
//! suite names SHA-384).

use super::keys::hmac;
use openssl::error::ErrorStack;
use openssl::hash::{MessageDigest, hash};

/// Which PRF a session uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Prf {
    /// TLS 1.0/1.1: P_MD5(S1) ⊕ P_SHA1(S2); handshake hash MD5 ‖ SHA-1.
    Md5Sha1,
    Sha256,
    Sha384,
}

impl Prf {
    pub fn name(self) -> &'static str {
        match self {
            Prf::Md5Sha1 => "P_MD5 ⊕ P_SHA1",
            Prf::Sha256 => "P_SHA256",
            Prf::Sha384 => "P_SHA384",
        }
    }

    /// The handshake hash the Finished message (and the extended master secret) covers:
    /// MD5 ‖ SHA-1 before TLS 1.2, the PRF hash in TLS 1.2.
    pub fn handshake_hash(self, messages: &[u8]) -> Result<Vec<u8>, ErrorStack> {
        match self {
            Prf::Md5Sha1 => {
                let mut h = hash(MessageDigest::md5(), messages)?.to_vec();
                h.extend_from_slice(&hash(MessageDigest::sha1(), messages)?);
                Ok(h)
            }
            Prf::Sha256 => Ok(hash(MessageDigest::sha256(), messages)?.to_vec()),
            Prf::Sha384 => Ok(hash(MessageDigest::sha384(), messages)?.to_vec()),
        }
    }

    /// PRF(secret, label, seed) cut to `len` bytes.
    pub fn prf(
        self,
        secret: &[u8],
        label: &str,
        seed: &[u8],
        len: usize,
    ) -> Result<Vec<u8>, ErrorStack> {
        let mut ls = label.as_bytes().to_vec();
        ls.extend_from_slice(seed);
        match self {
            Prf::Sha256 => p_hash(MessageDigest::sha256(), secret, &ls, len),
            Prf::Sha384 => p_hash(MessageDigest::sha384(), secret, &ls, len),
            Prf::Md5Sha1 => {
                // S1 is the first half, S2 the second; with an odd length they share
                // the middle byte (RFC 2246 §5).
                let half = secret.len().div_ceil(2);
                let s1 = secret.get(..half).unwrap_or(secret);
                let s2 = secret.get(secret.len() - half..).unwrap_or(secret);
                let a = p_hash(MessageDigest::md5(), s1, &ls, len)?;
                let b = p_hash(MessageDigest::sha1(), s2, &ls, len)?;
                Ok(a.iter().zip(b.iter()).map(|(x, y)| x ^ y).collect())
            }
        }
    }

    /// Finished verify_data: PRF(master_secret, finished_label, handshake hash)[0..12].
    pub fn verify_data(
        self,
        master: &[u8],
        label: &str,
        handshake_hash: &[u8],
    ) -> Result<Vec<u8>, ErrorStack> {
        self.prf(master, label, handshake_hash, 12)
    }
}

/// P_hash(secret, seed) = HMAC(secret, A(1) ‖ seed) ‖ HMAC(secret, A(2) ‖ seed) ‖ …,
/// A(0) = seed, A(i) = HMAC(secret, A(i-1)). `len` is ours (at most a key block).
fn p_hash(
    md: MessageDigest,
    secret: &[u8],
    seed: &[u8],
    len: usize,
) -> Result<Vec<u8>, ErrorStack> {
    let mut out = Vec::with_capacity(len + 64);
    let mut a = hmac(md, secret, seed)?;
    while out.len() < len {
        let mut input = a.clone();
        input.extend_from_slice(seed);
        out.extend_from_slice(&hmac(md, secret, &input)?);
        a = hmac(md, secret, &a)?;
        if a.is_empty() {
            break;
        }
    }
    out.truncate(len);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decrypt::tests::unhex;

    /// The TLS 1.2 P_SHA256 vector from the IETF TLS WG list (msg03416), the one
    /// BearSSL, Jessie and others test against.
    #[test]
    fn tls12_sha256_vector() {
        let out = Prf::Sha256
            .prf(
                &unhex("9bbe436ba940f017b17652849a71db35"),
                "test label",
                &unhex("a0ba9f936cda311827a6f796ffd5198c"),
                100,
            )
            .unwrap();
        assert_eq!(
            crate::wire::hex(&out),
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a\
             6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab\
             4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701\
             87347b66"
        );
    }

    /// The P_SHA384 vector from the same thread (as in BearSSL's test_crypto.c).
    #[test]
    fn tls12_sha384_vector() {
        let out = Prf::Sha384
            .prf(
                &unhex("b80b733d6ceefcdc71566ea48e5567df"),
                "test label",
                &unhex("cd665cf6a8447dd6ff8b27555edb7465"),
                148,
            )
            .unwrap();
        assert_eq!(
            crate::wire::hex(&out),
            "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd\
             e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd\
             8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425\
             9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6\
             91c8f3a26854308d5eaa3be85e0990703d73e56f"
        );
    }

    /// The TLS 1.0 PRF (MD5 ⊕ SHA-1) vector from the ietf-tls archive (msg01589),
    /// also in BearSSL's tests.
    #[test]
    fn tls10_md5_sha1_vector() {
        let out = Prf::Md5Sha1
            .prf(&[0xab; 48], "PRF Testvector", &[0xcd; 64], 104)
            .unwrap();
        assert_eq!(
            crate::wire::hex(&out),
            "d3d4d1e349b5d515044666d51de32bab258cb521b6b053463e354832fd976754\
             443bcf9a296519bc289abcbc1187e4ebd31e602353776c408aafb74cbc85eff6\
             9255f9788faa184cbb957a9819d84a5d7eb006eb459d3ae8de9810454b8b2d8f\
             1afbc655a8c9a013"
        );
    }
}
