//! TLS 1.3 key schedule pieces (RFC 8446 §7.1, §7.3) and the NSS key-log format.
//!
//! Only what is needed to go from a logged traffic secret to record keys: the
//! handshake and master secrets themselves are never derived (we have no ECDHE
//! private key), which is why the key log is the input.

use openssl::cipher_ctx::CipherCtx;
use openssl::error::ErrorStack;
use openssl::hash::{MessageDigest, hash};
use openssl::pkey::PKey;
use openssl::sign::Signer;
use openssl::symm::{Cipher, decrypt_aead};

/// AEAD nonce length of every TLS 1.3 suite (RFC 8446 §5.3: iv_length = max(8, N_MIN) = 12).
const IV_LEN: usize = 12;
/// Longest secret accepted from a key log (SHA-512 sized; TLS 1.3 uses at most SHA-384).
const MAX_SECRET: usize = 64;

/// What a TLS 1.3 cipher suite means for the record layer.
#[derive(Clone, Copy)]
pub(super) struct Suite {
    pub cipher: Cipher,
    pub key_len: usize,
    pub tag_len: usize,
    /// AES-CCM needs its tag before the key (see [`open_ccm`]).
    pub ccm: bool,
    pub md: MessageDigest,
    pub hash_len: usize,
}

impl Suite {
    /// The suites RFC 8446 defines; `None` for anything else (including TLS 1.2 suites).
    pub fn from_id(id: u16) -> Option<Suite> {
        let sha256 = (MessageDigest::sha256(), 32);
        let sha384 = (MessageDigest::sha384(), 48);
        let (cipher, key_len, tag_len, (md, hash_len)) = match id {
            0x1301 => (Cipher::aes_128_gcm(), 16, 16, sha256),
            0x1302 => (Cipher::aes_256_gcm(), 32, 16, sha384),
            0x1303 => (Cipher::chacha20_poly1305(), 32, 16, sha256),
            0x1304 => (Cipher::aes_128_ccm(), 16, 16, sha256),
            // TLS_AES_128_CCM_8_SHA256: same cipher, 8-byte tag.
            0x1305 => (Cipher::aes_128_ccm(), 16, 8, sha256),
            _ => return None,
        };
        Some(Suite {
            ccm: id >= 0x1304,
            cipher,
            key_len,
            tag_len,
            md,
            hash_len,
        })
    }

    /// Transcript-Hash over the concatenated handshake messages.
    pub fn hash(&self, data: &[u8]) -> Result<Vec<u8>, ErrorStack> {
        Ok(hash(self.md, data)?.to_vec())
    }
}

/// HMAC with the suite's hash.
pub(super) fn hmac(md: MessageDigest, key: &[u8], data: &[u8]) -> Result<Vec<u8>, ErrorStack> {
    let pkey = PKey::hmac(key)?;
    let mut s = Signer::new(md, &pkey)?;
    s.update(data)?;
    s.sign_to_vec()
}

/// RFC 5869 HKDF-Expand. `len` is at most 255 hash lengths (we ask for at most 48 bytes).
fn hkdf_expand(
    md: MessageDigest,
    prk: &[u8],
    info: &[u8],
    len: usize,
) -> Result<Vec<u8>, ErrorStack> {
    let mut out = Vec::with_capacity(len);
    let mut t: Vec<u8> = Vec::new();
    let mut counter: u8 = 1;
    while out.len() < len {
        let mut input = Vec::with_capacity(t.len() + info.len() + 1);
        input.extend_from_slice(&t);
        input.extend_from_slice(info);
        input.push(counter);
        t = hmac(md, prk, &input)?;
        let want = (len - out.len()).min(t.len());
        out.extend_from_slice(t.get(..want).unwrap_or(&[]));
        if t.is_empty() || counter == 255 {
            break;
        }
        counter += 1;
    }
    Ok(out)
}

/// RFC 8446 §7.1 HKDF-Expand-Label(Secret, Label, Context, Length), with the
/// "tls13 " prefix. Labels and contexts here are ours and short, so the u8 length
/// fields cannot overflow; they are clamped anyway.
pub(super) fn hkdf_expand_label(
    md: MessageDigest,
    secret: &[u8],
    label: &str,
    context: &[u8],
    len: usize,
) -> Result<Vec<u8>, ErrorStack> {
    let full_label = format!("tls13 {label}");
    let label_bytes = full_label.as_bytes();
    let label_bytes = label_bytes.get(..255).unwrap_or(label_bytes);
    let context = context.get(..255).unwrap_or(context);
    let mut info = Vec::with_capacity(4 + label_bytes.len() + context.len());
    info.extend_from_slice(&(len.min(u16::MAX as usize) as u16).to_be_bytes());
    info.push(label_bytes.len() as u8);
    info.extend_from_slice(label_bytes);
    info.push(context.len() as u8);
    info.extend_from_slice(context);
    hkdf_expand(md, secret, &info, len)
}

/// Record protection state of one direction for one traffic secret.
pub(super) struct TrafficKeys {
    /// Kept for KeyUpdate (RFC 8446 §7.2) and the Finished key.
    pub secret: Vec<u8>,
    key: Vec<u8>,
    iv: [u8; IV_LEN],
    /// Sequence number of the next record (reset to 0 with every new secret).
    pub seq: u64,
}

impl TrafficKeys {
    /// RFC 8446 §7.3: key and iv from a traffic secret.
    pub fn new(suite: &Suite, secret: &[u8]) -> Result<TrafficKeys, ErrorStack> {
        let key = hkdf_expand_label(suite.md, secret, "key", &[], suite.key_len)?;
        let iv_vec = hkdf_expand_label(suite.md, secret, "iv", &[], IV_LEN)?;
        let mut iv = [0u8; IV_LEN];
        for (d, s) in iv.iter_mut().zip(iv_vec.iter()) {
            *d = *s;
        }
        Ok(TrafficKeys {
            secret: secret.to_vec(),
            key,
            iv,
            seq: 0,
        })
    }

    /// The write key and IV (for the key-schedule view).
    pub fn key_iv(&self) -> (&[u8], &[u8]) {
        (&self.key, &self.iv)
    }

    /// RFC 8446 §7.2: the next generation after a KeyUpdate.
    pub fn updated(&self, suite: &Suite) -> Result<TrafficKeys, ErrorStack> {
        let next = hkdf_expand_label(suite.md, &self.secret, "traffic upd", &[], suite.hash_len)?;
        TrafficKeys::new(suite, &next)
    }

    /// RFC 8446 §5.3: the 64-bit sequence number, big-endian, left-padded, XOR the iv.
    pub fn nonce(&self) -> [u8; IV_LEN] {
        let mut n = self.iv;
        let seq = self.seq.to_be_bytes();
        for (d, s) in n.iter_mut().skip(IV_LEN - seq.len()).zip(seq.iter()) {
            *d ^= *s;
        }
        n
    }

    /// Decrypt one TLSCiphertext (`header` is the 5-byte record header, the AAD).
    /// On success the sequence number advances; on failure it does not, so the
    /// caller decides (a trial decryption of skipped early data must not consume one).
    pub fn open(&mut self, suite: &Suite, header: &[u8], payload: &[u8]) -> Option<Vec<u8>> {
        if payload.len() < suite.tag_len {
            return None;
        }
        let (data, tag) = payload.split_at(payload.len() - suite.tag_len);
        let nonce = self.nonce();
        let plain = if suite.ccm {
            open_ccm(&self.key, &nonce, header, data, tag)
        } else {
            decrypt_aead(suite.cipher, &self.key, Some(&nonce), header, data, tag)
        }
        .ok()?;
        self.seq = self.seq.wrapping_add(1);
        Some(plain)
    }
}

/// AES-CCM open (128- or 256-bit key, by its length). `symm::decrypt_aead` hands
/// OpenSSL the tag after the key, which CCM rejects (its tag length is fixed at key
/// setup), so use the EVP sequence OpenSSL documents: cipher, iv length, tag, key+iv,
/// total length, AAD, data.
pub(super) fn open_ccm(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    data: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, ErrorStack> {
    let mut c = CipherCtx::new()?;
    let cipher = if key.len() == 32 {
        openssl::cipher::Cipher::aes_256_ccm()
    } else {
        openssl::cipher::Cipher::aes_128_ccm()
    };
    c.decrypt_init(Some(cipher), None, None)?;
    c.set_iv_length(nonce.len())?;
    c.set_tag(tag)?;
    if key.len() != c.key_length() {
        // decrypt_init would assert on a short key; ours are derived to size.
        return Err(ErrorStack::get());
    }
    c.decrypt_init(None, Some(key), Some(nonce))?;
    c.set_data_len(data.len())?;
    c.cipher_update(aad, None)?;
    let mut out = Vec::with_capacity(data.len() + 16);
    c.cipher_update_vec(data, &mut out)?;
    Ok(out)
}

/// The secrets the key log holds for one ClientHello random.
#[derive(Default)]
pub(super) struct Secrets {
    pub client_early: Option<Vec<u8>>,
    pub client_handshake: Option<Vec<u8>>,
    pub server_handshake: Option<Vec<u8>>,
    pub client_app: Option<Vec<u8>>,
    pub server_app: Option<Vec<u8>>,
    /// Lines for this random, any label (including EXPORTER_SECRET, CLIENT_RANDOM).
    pub matched: usize,
    /// A TLS 1.2 `CLIENT_RANDOM` line for this random was seen.
    pub tls12_master: bool,
    /// Its secret: the TLS ≤ 1.2 master secret.
    pub master: Option<Vec<u8>>,
    /// Lines for this random whose secret was not hex or too long.
    pub malformed: usize,
}

impl Secrets {
    /// Whether any secret usable for a TLS 1.3 record was found.
    pub fn any_tls13(&self) -> bool {
        self.client_early.is_some()
            || self.client_handshake.is_some()
            || self.server_handshake.is_some()
            || self.client_app.is_some()
            || self.server_app.is_some()
    }
}

/// Constant-time equality that is false, not a panic, when the lengths differ
/// (`openssl::memcmp::eq` asserts equal lengths; a peer's field can be any length).
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && openssl::memcmp::eq(a, b)
}

fn unhex(s: &str, max_bytes: usize) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) || b.len() / 2 > max_bytes {
        return None;
    }
    fn nib(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    b.chunks_exact(2)
        .map(|p| match p {
            [h, l] => Some(nib(*h)? << 4 | nib(*l)?),
            _ => None,
        })
        .collect()
}

/// Collect the secrets for `client_random` from NSS key-log lines. Each string may
/// hold one line or several (a whole file); comments and other connections' lines
/// are skipped. When a label repeats for the same random, the first one wins.
/// Returns the secrets and how many well-formed lines were seen in total.
pub(super) fn find_secrets(keylog: &[String], client_random: &[u8]) -> (Secrets, usize) {
    let mut s = Secrets::default();
    let mut total = 0;
    for line in keylog.iter().flat_map(|l| l.lines()) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut f = line.split_whitespace();
        let (Some(label), Some(random), Some(secret)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let Some(random) = unhex(random, 32) else {
            continue;
        };
        total += 1;
        if random != client_random {
            continue;
        }
        s.matched += 1;
        let Some(secret) = unhex(secret, MAX_SECRET).filter(|v| !v.is_empty()) else {
            s.malformed += 1;
            continue;
        };
        let slot = match label {
            "CLIENT_EARLY_TRAFFIC_SECRET" => &mut s.client_early,
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => &mut s.client_handshake,
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => &mut s.server_handshake,
            "CLIENT_TRAFFIC_SECRET_0" => &mut s.client_app,
            "SERVER_TRAFFIC_SECRET_0" => &mut s.server_app,
            "CLIENT_RANDOM" => {
                s.tls12_master = true;
                &mut s.master
            }
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(secret);
        }
    }
    (s, total)
}
