//! TLS 1.0–1.2 record protection (RFC 5246 §6.2.3): CBC with MAC-then-encrypt or
//! encrypt-then-MAC (RFC 7366), AES-GCM (RFC 5288), AES-CCM (RFC 6655) and
//! ChaCha20-Poly1305 (RFC 7905), keyed from the key block.

use super::keys::{hmac, open_ccm};
use openssl::hash::MessageDigest;
use openssl::symm::{Cipher, Crypter, Mode, decrypt_aead};

/// How a TLS ≤ 1.2 suite protects records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Bulk {
    Cbc { block: usize },
    Gcm,
    Ccm { tag: usize },
    Chacha,
}

/// What a suite needs from the key block, read from its IANA name.
#[derive(Clone, Copy)]
pub(super) struct Suite12 {
    pub bulk: Bulk,
    pub key_len: usize,
    /// HMAC hash and length (CBC only).
    pub mac: Option<(MessageDigest, usize, &'static str)>,
    /// TLS 1.2 PRF hash is SHA-384 (the suite name ends in SHA384).
    pub sha384: bool,
    pub cipher_name: &'static str,
}

impl Suite12 {
    /// From a suite name such as `TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA`; `None` for
    /// protections this decryptor does not do (NULL, RC4, Camellia, ARIA, …).
    pub fn from_name(name: &str) -> Option<Suite12> {
        let (_, bulk_mac) = name.split_once("_WITH_")?;
        let sha384 = bulk_mac.ends_with("SHA384");
        let mac = |m: &str| match m {
            "SHA" => Some((MessageDigest::sha1(), 20, "HMAC-SHA1")),
            "SHA256" => Some((MessageDigest::sha256(), 32, "HMAC-SHA256")),
            "SHA384" => Some((MessageDigest::sha384(), 48, "HMAC-SHA384")),
            "MD5" => Some((MessageDigest::md5(), 16, "HMAC-MD5")),
            _ => None,
        };
        let cbc = |key_len, block, name, rest: &str| {
            Some(Suite12 {
                bulk: Bulk::Cbc { block },
                key_len,
                mac: Some(mac(rest)?),
                sha384,
                cipher_name: name,
            })
        };
        let aead = |bulk, key_len, name| {
            Some(Suite12 {
                bulk,
                key_len,
                mac: None,
                sha384,
                cipher_name: name,
            })
        };
        let (cipher, rest) = bulk_mac.rsplit_once('_')?;
        match (cipher, rest) {
            ("AES_128_CBC", m) => cbc(16, 16, "AES-128-CBC", m),
            ("AES_256_CBC", m) => cbc(32, 16, "AES-256-CBC", m),
            ("3DES_EDE_CBC", m) => cbc(24, 8, "3DES-EDE-CBC", m),
            ("AES_128_GCM", _) => aead(Bulk::Gcm, 16, "AES-128-GCM"),
            ("AES_256_GCM", _) => aead(Bulk::Gcm, 32, "AES-256-GCM"),
            ("CHACHA20_POLY1305", _) => aead(Bulk::Chacha, 32, "ChaCha20-Poly1305"),
            ("AES_128", "CCM") => aead(Bulk::Ccm { tag: 16 }, 16, "AES-128-CCM"),
            ("AES_256", "CCM") => aead(Bulk::Ccm { tag: 16 }, 32, "AES-256-CCM"),
            ("AES_128_CCM", "8") => aead(Bulk::Ccm { tag: 8 }, 16, "AES-128-CCM-8"),
            ("AES_256_CCM", "8") => aead(Bulk::Ccm { tag: 8 }, 32, "AES-256-CCM-8"),
            _ => None,
        }
    }

    /// Bytes of IV taken from the key block: the CBC IV in TLS 1.0 only, the implicit
    /// nonce part for AEADs (RFC 5288 §3: 4 for GCM/CCM, RFC 7905: 12 for ChaCha).
    pub fn fixed_iv_len(&self, version: u16) -> usize {
        match self.bulk {
            Bulk::Cbc { block } if version == 0x0301 => block,
            Bulk::Cbc { .. } => 0,
            Bulk::Gcm | Bulk::Ccm { .. } => 4,
            Bulk::Chacha => 12,
        }
    }

    pub fn mac_len(&self) -> usize {
        self.mac.map_or(0, |m| m.1)
    }

    fn cbc_cipher(&self) -> Option<Cipher> {
        match self.key_len {
            16 => Some(Cipher::aes_128_cbc()),
            32 => Some(Cipher::aes_256_cbc()),
            24 => Some(Cipher::des_ede3_cbc()),
            _ => None,
        }
    }

    fn gcm_cipher(&self) -> Cipher {
        if self.key_len == 32 {
            Cipher::aes_256_gcm()
        } else {
            Cipher::aes_128_gcm()
        }
    }
}

/// One direction's record keys and state.
pub(super) struct Conn12 {
    pub suite: Suite12,
    pub version: u16,
    pub etm: bool,
    pub mac_key: Vec<u8>,
    pub key: Vec<u8>,
    /// TLS 1.0 CBC: the IV of the next record (the previous record's last block);
    /// AEAD: the fixed part of the nonce.
    pub iv: Vec<u8>,
    pub seq: u64,
}

/// A record opened: its content, and what the record layer showed on the way.
pub(super) struct Opened12 {
    pub plain: Vec<u8>,
    pub nonce: Vec<u8>,
    pub nonce_from: &'static str,
    pub ciphertext_len: usize,
    pub tag: Vec<u8>,
}

impl Conn12 {
    /// seq ‖ type ‖ version ‖ length: the MAC header (RFC 5246 §6.2.3.1) and AEAD
    /// additional data (§6.2.3.3).
    fn pseudo_header(&self, header: &[u8; 5], len: usize) -> Vec<u8> {
        let mut a = self.seq.to_be_bytes().to_vec();
        a.extend_from_slice(header.get(..3).unwrap_or(&[]));
        a.extend_from_slice(&(len.min(usize::from(u16::MAX)) as u16).to_be_bytes());
        a
    }

    fn mac(&self, header: &[u8; 5], data: &[u8]) -> Result<Vec<u8>, String> {
        let (md, _, _) = self.suite.mac.ok_or("no MAC")?;
        let mut input = self.pseudo_header(header, data.len());
        input.extend_from_slice(data);
        hmac(md, &self.mac_key, &input).map_err(|e| format!("HMAC failed: {e}"))
    }

    /// Open one record. The sequence number advances whether or not it opened (a peer
    /// would have counted it), so one damaged record does not break the rest.
    pub fn open(
        &mut self,
        header: &[u8; 5],
        payload: &[u8],
    ) -> Result<Opened12, (String, Opened12)> {
        let r = match self.suite.bulk {
            Bulk::Cbc { block } => self.open_cbc(block, header, payload),
            _ => self.open_aead(header, payload),
        };
        self.seq = self.seq.wrapping_add(1);
        r
    }

    fn open_aead(
        &mut self,
        header: &[u8; 5],
        payload: &[u8],
    ) -> Result<Opened12, (String, Opened12)> {
        let (tag_len, explicit) = match self.suite.bulk {
            Bulk::Ccm { tag } => (tag, 8),
            Bulk::Chacha => (16, 0),
            _ => (16, 8),
        };
        let mut seen = Opened12 {
            plain: Vec::new(),
            nonce: Vec::new(),
            nonce_from: if explicit > 0 {
                "explicit"
            } else {
                "iv xor seq"
            },
            ciphertext_len: 0,
            tag: Vec::new(),
        };
        if payload.len() < explicit + tag_len {
            return Err(("record shorter than nonce and tag".into(), seen));
        }
        let (nonce_part, rest) = payload.split_at(explicit);
        let (data, tag) = rest.split_at(rest.len() - tag_len);
        seen.ciphertext_len = data.len();
        seen.tag = tag.to_vec();
        let nonce = if explicit > 0 {
            let mut n = self.iv.clone();
            n.extend_from_slice(nonce_part);
            n
        } else {
            let mut n = self.iv.clone();
            let seq = self.seq.to_be_bytes();
            let skip = n.len().saturating_sub(seq.len());
            for (d, s) in n.iter_mut().skip(skip).zip(seq.iter()) {
                *d ^= *s;
            }
            n
        };
        seen.nonce = nonce.clone();
        let aad = self.pseudo_header(header, data.len());
        let res = match self.suite.bulk {
            Bulk::Ccm { .. } => open_ccm(&self.key, &nonce, &aad, data, tag),
            Bulk::Chacha => decrypt_aead(
                Cipher::chacha20_poly1305(),
                &self.key,
                Some(&nonce),
                &aad,
                data,
                tag,
            ),
            _ => decrypt_aead(
                self.suite.gcm_cipher(),
                &self.key,
                Some(&nonce),
                &aad,
                data,
                tag,
            ),
        };
        match res {
            Ok(p) => {
                seen.plain = p;
                Ok(seen)
            }
            Err(_) => Err((
                "authentication tag does not verify (bad_record_mac)".into(),
                seen,
            )),
        }
    }

    fn open_cbc(
        &mut self,
        block: usize,
        header: &[u8; 5],
        payload: &[u8],
    ) -> Result<Opened12, (String, Opened12)> {
        let mac_len = self.suite.mac_len();
        let chained = self.version == 0x0301;
        let mut seen = Opened12 {
            plain: Vec::new(),
            nonce: Vec::new(),
            nonce_from: if chained { "chained" } else { "explicit" },
            ciphertext_len: 0,
            tag: Vec::new(),
        };
        // Encrypt-then-MAC: the MAC covers IV and ciphertext and comes last.
        let (enc, etm_mac) = if self.etm {
            if payload.len() < mac_len {
                return Err(("record shorter than its MAC".into(), seen));
            }
            let (e, m) = payload.split_at(payload.len() - mac_len);
            (e, Some(m))
        } else {
            (payload, None)
        };
        let (iv, data) = if chained {
            (self.iv.clone(), enc)
        } else {
            if enc.len() < block {
                return Err(("record shorter than its IV".into(), seen));
            }
            let (i, d) = enc.split_at(block);
            (i.to_vec(), d)
        };
        seen.nonce = iv.clone();
        seen.ciphertext_len = data.len();
        if chained && let Some(last) = data.len().checked_sub(block).and_then(|s| data.get(s..)) {
            self.iv = last.to_vec();
        }
        if let Some(m) = etm_mac {
            seen.tag = m.to_vec();
            let expected = self.mac(header, enc).map_err(|e| (e, seen_copy(&seen)))?;
            if !super::keys::same(&expected, m) {
                return Err((
                    "MAC does not verify (encrypt-then-MAC; bad_record_mac)".into(),
                    seen,
                ));
            }
        }
        if data.is_empty() || !data.len().is_multiple_of(block) {
            return Err((
                format!(
                    "ciphertext of {} bytes is not whole {block}-byte blocks",
                    data.len()
                ),
                seen,
            ));
        }
        let Some(cipher) = self.suite.cbc_cipher() else {
            return Err(("unsupported CBC cipher".into(), seen));
        };
        let plain = match cbc_decrypt(cipher, &self.key, &iv, data) {
            Ok(p) => p,
            Err(e) => return Err((e, seen)),
        };
        // Padding: the last byte says how many bytes before it carry the same value.
        let pad = usize::from(plain.last().copied().unwrap_or(0));
        let room = if self.etm { 0 } else { mac_len };
        let Some(content_end) = plain.len().checked_sub(pad + 1 + room) else {
            return Err((
                "padding longer than the record (bad_record_mac)".into(),
                seen,
            ));
        };
        let pad_ok = plain
            .get(plain.len() - pad - 1..)
            .is_some_and(|p| p.iter().all(|b| usize::from(*b) == pad));
        let content = plain.get(..content_end).unwrap_or(&[]).to_vec();
        if !self.etm {
            let mac = plain.get(content_end..content_end + mac_len).unwrap_or(&[]);
            seen.tag = mac.to_vec();
            let expected = self
                .mac(header, &content)
                .map_err(|e| (e, seen_copy(&seen)))?;
            if !pad_ok || !super::keys::same(&expected, mac) {
                return Err((
                    "MAC or padding does not verify (MAC-then-encrypt; bad_record_mac)".into(),
                    seen,
                ));
            }
        } else if !pad_ok {
            return Err(("padding bytes disagree (decrypt_error)".into(), seen));
        }
        seen.plain = content;
        Ok(seen)
    }
}

fn seen_copy(s: &Opened12) -> Opened12 {
    Opened12 {
        plain: Vec::new(),
        nonce: s.nonce.clone(),
        nonce_from: s.nonce_from,
        ciphertext_len: s.ciphertext_len,
        tag: s.tag.clone(),
    }
}

fn cbc_decrypt(cipher: Cipher, key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    if key.len() != cipher.key_len() || Some(iv.len()) != cipher.iv_len() {
        return Err("key or IV of the wrong size".into());
    }
    let mut c = Crypter::new(cipher, Mode::Decrypt, key, Some(iv)).map_err(|e| e.to_string())?;
    c.pad(false);
    let mut out = vec![0u8; data.len() + cipher.block_size()];
    let n = c.update(data, &mut out).map_err(|e| e.to_string())?;
    let m = c
        .finalize(out.get_mut(n..).unwrap_or(&mut []))
        .map_err(|e| e.to_string())?;
    out.truncate(n + m);
    Ok(out)
}
