//! The ClientHello writer, beside the reader: exact record bytes for any hello a
//! scanner wants to send, SSLv3 through TLS 1.3, including cipher-suite code points no
//! local library implements, SCSVs and raw extensions. Every extension is built by its
//! IANA code point, the same registry (`crate::iana`) that names it when the walk reads
//! it back, so what is written is exactly what the decoder and the dissector report.
//!
//! Nothing here does I/O: it returns bytes. The scanner sends them and decodes the
//! answer with `Transcript::decode`.

mod groups;
#[cfg(test)]
mod tests;

pub use groups::{dummy_key_share, key_share_len};

/// Largest record fragment a TLS record may carry (RFC 8446 §5.1); longer hellos are
/// split across records.
const MAX_FRAGMENT: usize = 1 << 14;

/// The key bytes of one key_share entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyBytes {
    /// Exactly these bytes (a real public key, or deliberately wrong ones).
    Given(Vec<u8>),
    /// A well-formed public value of the group's length that no one holds the secret
    /// for (the curve's generator, u = 9, an all-zero ML-KEM key, ...): enough for the
    /// server to pick the group and answer with a ServerHello or HelloRetryRequest.
    /// Groups whose length is not known get an empty key.
    Dummy,
}

/// One key_share entry (RFC 8446 §4.2.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyShareEntry {
    pub group: u16,
    pub key: KeyBytes,
}

impl KeyShareEntry {
    /// A dummy share for `group` (see [`KeyBytes::Dummy`]).
    pub fn dummy(group: u16) -> Self {
        KeyShareEntry {
            group,
            key: KeyBytes::Dummy,
        }
    }

    fn key_bytes(&self) -> Vec<u8> {
        match &self.key {
            KeyBytes::Given(b) => b.clone(),
            KeyBytes::Dummy => dummy_key_share(self.group).unwrap_or_default(),
        }
    }
}

/// One ClientHello extension, by what it carries. `code()` is its IANA ExtensionType.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ext {
    /// server_name (0) with one host_name.
    ServerName(String),
    /// status_request (5): OCSP, no responder ids, no request extensions.
    StatusRequest,
    /// supported_groups (10).
    SupportedGroups(Vec<u16>),
    /// ec_point_formats (11).
    EcPointFormats(Vec<u8>),
    /// signature_algorithms (13).
    SignatureAlgorithms(Vec<u16>),
    /// heartbeat (15) with its mode (1 peer_allowed_to_send, 2 peer_not_allowed_to_send).
    Heartbeat(u8),
    /// application_layer_protocol_negotiation (16).
    Alpn(Vec<String>),
    /// padding (21): this many zero bytes.
    Padding(usize),
    /// encrypt_then_mac (22), empty.
    EncryptThenMac,
    /// extended_master_secret (23), empty.
    ExtendedMasterSecret,
    /// session_ticket (35): empty asks for a ticket, bytes present one.
    SessionTicket(Vec<u8>),
    /// supported_versions (43), client form: the versions offered.
    SupportedVersions(Vec<u16>),
    /// psk_key_exchange_modes (45).
    PskKeyExchangeModes(Vec<u8>),
    /// key_share (51), client form. An empty list offers no share, so a TLS 1.3 server
    /// that accepts one of the supported_groups must answer with a HelloRetryRequest
    /// naming the group it wants.
    KeyShare(Vec<KeyShareEntry>),
    /// renegotiation_info (0xff01): empty renegotiated_connection for a first handshake.
    RenegotiationInfo(Vec<u8>),
    /// Anything else: (type, body) written as given.
    Raw(u16, Vec<u8>),
}

impl Ext {
    /// The IANA ExtensionType code point (named by `crate::iana::extension_name`).
    pub fn code(&self) -> u16 {
        match self {
            Ext::ServerName(_) => 0,
            Ext::StatusRequest => 5,
            Ext::SupportedGroups(_) => 10,
            Ext::EcPointFormats(_) => 11,
            Ext::SignatureAlgorithms(_) => 13,
            Ext::Heartbeat(_) => 15,
            Ext::Alpn(_) => 16,
            Ext::Padding(_) => 21,
            Ext::EncryptThenMac => 22,
            Ext::ExtendedMasterSecret => 23,
            Ext::SessionTicket(_) => 35,
            Ext::SupportedVersions(_) => 43,
            Ext::PskKeyExchangeModes(_) => 45,
            Ext::KeyShare(_) => 51,
            Ext::RenegotiationInfo(_) => 0xff01,
            Ext::Raw(code, _) => *code,
        }
    }

    /// Its IANA name, spelled as the decoder and the dissector report it.
    pub fn name(&self) -> String {
        crate::iana::extension_name(self.code())
    }

    /// The extension_data bytes.
    pub fn body(&self) -> Vec<u8> {
        let mut w = Vec::new();
        match self {
            Ext::ServerName(host) => {
                let mut entry = vec![0u8];
                put_vec(&mut entry, 2, host.as_bytes());
                put_vec(&mut w, 2, &entry);
            }
            Ext::StatusRequest => w.extend([1, 0, 0, 0, 0]),
            Ext::SupportedGroups(g) | Ext::SignatureAlgorithms(g) => {
                put_vec(&mut w, 2, &u16s(g));
            }
            Ext::EcPointFormats(f) | Ext::PskKeyExchangeModes(f) => put_vec(&mut w, 1, f),
            Ext::Heartbeat(mode) => w.push(*mode),
            Ext::Alpn(protocols) => {
                let mut list = Vec::new();
                for p in protocols {
                    put_vec(&mut list, 1, p.as_bytes());
                }
                put_vec(&mut w, 2, &list);
            }
            Ext::Padding(n) => w.resize(*n, 0),
            Ext::EncryptThenMac | Ext::ExtendedMasterSecret => {}
            Ext::SessionTicket(t) => w.extend_from_slice(t),
            Ext::SupportedVersions(v) => put_vec(&mut w, 1, &u16s(v)),
            Ext::KeyShare(entries) => {
                let mut list = Vec::new();
                for e in entries {
                    list.extend(e.group.to_be_bytes());
                    put_vec(&mut list, 2, &e.key_bytes());
                }
                put_vec(&mut w, 2, &list);
            }
            Ext::RenegotiationInfo(r) => put_vec(&mut w, 1, r),
            Ext::Raw(_, body) => w.extend_from_slice(body),
        }
        w
    }
}

/// Append `b` with a `width`-byte big-endian length prefix. Lengths that do not fit
/// the prefix are cut to what it can say (a hello that large is malformed anyway, and
/// the writer must be able to write malformed hellos without panicking).
fn put_vec(w: &mut Vec<u8>, width: u32, b: &[u8]) {
    let max = 1usize.checked_shl(8 * width).map_or(usize::MAX, |m| m - 1);
    let b = b.get(..b.len().min(max)).unwrap_or(b);
    let len = b.len().to_be_bytes();
    let skip = len.len().saturating_sub(width as usize);
    w.extend(len.get(skip..).unwrap_or(&[]));
    w.extend_from_slice(b);
}

fn u16s(v: &[u16]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_be_bytes()).collect()
}

/// A ClientHello, field by field, and the record(s) carrying it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHelloSpec {
    /// Version in the record header (0x0301 is what most clients send for any hello).
    pub record_version: u16,
    pub legacy_version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    /// Cipher suite code points, in preference order, written as given.
    pub cipher_suites: Vec<u16>,
    pub compression_methods: Vec<u8>,
    /// `None`: no extensions block at all (SSLv3, or a bare TLS 1.0 hello);
    /// `Some(vec![])`: an empty block.
    pub extensions: Option<Vec<Ext>>,
}

/// Signature schemes a TLS 1.2/1.3 hello offers by default (RSA, ECDSA, EdDSA, PSS).
pub const DEFAULT_SIGALGS: [u16; 9] = [
    0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
];
/// Groups offered by default, most preferred first: x25519, secp256r1, secp384r1.
pub const DEFAULT_GROUPS: [u16; 3] = [0x001d, 0x0017, 0x0018];

impl ClientHelloSpec {
    /// A typical hello for `version` (0x0300 SSLv3 … 0x0304 TLS 1.3) to `sni`, offering
    /// `cipher_suites`: SSLv3 without extensions; TLS 1.0/1.1 with server_name,
    /// supported_groups, ec_point_formats and renegotiation_info; TLS 1.2 adding
    /// signature_algorithms and extended_master_secret; TLS 1.3 adding
    /// supported_versions, psk_key_exchange_modes and a dummy x25519 key share.
    pub fn for_version(version: u16, sni: Option<&str>, cipher_suites: &[u16]) -> Self {
        let mut spec = ClientHelloSpec {
            record_version: version.min(0x0301),
            legacy_version: version.min(0x0303),
            random: fresh_random(),
            session_id: Vec::new(),
            cipher_suites: cipher_suites.to_vec(),
            compression_methods: vec![0],
            extensions: None,
        };
        if version <= 0x0300 {
            return spec;
        }
        let mut ext = Vec::new();
        if let Some(name) = sni {
            ext.push(Ext::ServerName(name.into()));
        }
        ext.push(Ext::SupportedGroups(DEFAULT_GROUPS.to_vec()));
        ext.push(Ext::EcPointFormats(vec![0]));
        ext.push(Ext::RenegotiationInfo(Vec::new()));
        if version >= 0x0303 {
            ext.push(Ext::SignatureAlgorithms(DEFAULT_SIGALGS.to_vec()));
            ext.push(Ext::ExtendedMasterSecret);
        }
        if version >= 0x0304 {
            // A TLS 1.3 client sends a 32-byte session id (middlebox compatibility).
            spec.session_id = fresh_random().to_vec();
            ext.push(Ext::SupportedVersions(vec![0x0304]));
            ext.push(Ext::PskKeyExchangeModes(vec![1]));
            ext.push(Ext::KeyShare(vec![KeyShareEntry::dummy(0x001d)]));
        }
        spec.extensions = Some(ext);
        spec
    }

    /// Replace the extension with the same code point, or append it.
    pub fn set(&mut self, e: Ext) -> &mut Self {
        let list = self.extensions.get_or_insert_with(Vec::new);
        match list.iter_mut().find(|x| x.code() == e.code()) {
            Some(x) => *x = e,
            None => list.push(e),
        }
        self
    }

    /// Remove the extension with this code point, if present.
    pub fn remove(&mut self, code: u16) -> &mut Self {
        if let Some(list) = &mut self.extensions {
            list.retain(|x| x.code() != code);
        }
        self
    }

    /// The ClientHello body (without the 4-byte handshake header).
    pub fn body(&self) -> Vec<u8> {
        let mut w = Vec::with_capacity(512);
        w.extend(self.legacy_version.to_be_bytes());
        w.extend_from_slice(&self.random);
        put_vec(&mut w, 1, &self.session_id);
        put_vec(&mut w, 2, &u16s(&self.cipher_suites));
        put_vec(&mut w, 1, &self.compression_methods);
        if let Some(list) = &self.extensions {
            let mut block = Vec::new();
            for e in list {
                block.extend(e.code().to_be_bytes());
                put_vec(&mut block, 2, &e.body());
            }
            put_vec(&mut w, 2, &block);
        }
        w
    }

    /// The handshake message: type 1, 3-byte length, body.
    pub fn handshake(&self) -> Vec<u8> {
        let body = self.body();
        let mut m = vec![1u8];
        put_vec(&mut m, 3, &body);
        m
    }

    /// The bytes to send: the handshake message in one record, or split across
    /// records of at most 2^14 bytes when it is longer.
    pub fn to_records(&self) -> Vec<u8> {
        let msg = self.handshake();
        let mut out = Vec::with_capacity(msg.len() + 5);
        for frag in msg.chunks(MAX_FRAGMENT) {
            out.push(22);
            out.extend(self.record_version.to_be_bytes());
            put_vec(&mut out, 2, frag);
        }
        out
    }
}

/// 32 bytes that differ from hello to hello. Not secret: a hello that is never
/// completed needs uniqueness, not unpredictability, so std's per-process random hash
/// keys mixed with the clock and a counter are enough.
fn fresh_random() -> [u8; 32] {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let state = RandomState::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut out = [0u8; 32];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut h = state.build_hasher();
        h.write_u128(now);
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_usize(i);
        chunk.copy_from_slice(&h.finish().to_be_bytes());
    }
    out
}
