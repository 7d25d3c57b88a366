//! The decoded messages and their JSON shape.
//!
//! Code points are kept as numbers (so the rest of the program can compare them)
//! inside small wrappers whose `Serialize` prints the IANA name, so the JSON reads
//! `"cipher_suite": "TLS_AES_128_GCM_SHA256"` without losing the typed value.

use super::Direction;
use super::names;
use serde::{Serialize, Serializer};

macro_rules! named {
    ($(#[$m:meta])* $t:ident, $f:expr) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $t(pub u16);
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let f: fn(u16) -> String = $f;
                s.serialize_str(&f(self.0))
            }
        }
    };
}

named!(
    /// A cipher suite, serialised as its IANA name ("GREASE" for RFC 8701 values).
    CipherSuite,
    |v| if names::is_grease(v) { "GREASE".into() } else { names::cipher_name(v) }
);
named!(
    /// A protocol version, serialised as e.g. "TLSv1.3".
    Version,
    |v| if names::is_grease(v) { "GREASE".into() } else { names::version_name(v) }
);
named!(
    /// A key-exchange group, serialised lower-case, e.g. "x25519".
    Group,
    names::group_name
);
named!(
    /// A signature scheme, serialised by its IANA name, e.g. "rsa_pss_rsae_sha256".
    SigScheme,
    names::sigscheme_name
);

fn is_false(b: &bool) -> bool {
    !*b
}

/// One decoded item of the conversation, in the order it was seen on the wire.
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub from: Direction,
    /// Milliseconds since the probe began, of the chunk in which the record started.
    pub at_ms: f64,
    #[serde(flatten)]
    pub body: Body,
}

/// What a message is. Serialised as `"message": "<Name>"` plus the variant's fields.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "message")]
pub enum Body {
    ClientHello(ClientHello),
    ServerHello(ServerHello),
    /// A ServerHello whose random is the RFC 8446 HelloRetryRequest magic.
    HelloRetryRequest(ServerHello),
    Certificate(Certificate),
    ServerKeyExchange(ServerKeyExchange),
    CertificateRequest(CertificateRequest),
    ServerHelloDone,
    ClientKeyExchange(ClientKeyExchange),
    CertificateVerify(CertificateVerify),
    NewSessionTicket(NewSessionTicket),
    Finished(Finished),
    EncryptedExtensions(HelloExtensions),
    ChangeCipherSpec,
    Alert(AlertMessage),
    EncryptedRecords(EncryptedRecords),
    SSLv2ClientHello(Sslv2ClientHello),
    Unknown(Unknown),
    NotTls(NotTls),
}

impl Body {
    /// The `"message"` name of this body.
    pub fn name(&self) -> &'static str {
        match self {
            Body::ClientHello(_) => "ClientHello",
            Body::ServerHello(_) => "ServerHello",
            Body::HelloRetryRequest(_) => "HelloRetryRequest",
            Body::Certificate(_) => "Certificate",
            Body::ServerKeyExchange(_) => "ServerKeyExchange",
            Body::CertificateRequest(_) => "CertificateRequest",
            Body::ServerHelloDone => "ServerHelloDone",
            Body::ClientKeyExchange(_) => "ClientKeyExchange",
            Body::CertificateVerify(_) => "CertificateVerify",
            Body::NewSessionTicket(_) => "NewSessionTicket",
            Body::Finished(_) => "Finished",
            Body::EncryptedExtensions(_) => "EncryptedExtensions",
            Body::ChangeCipherSpec => "ChangeCipherSpec",
            Body::Alert(_) => "Alert",
            Body::EncryptedRecords(_) => "EncryptedRecords",
            Body::SSLv2ClientHello(_) => "SSLv2ClientHello",
            Body::Unknown(_) => "Unknown",
            Body::NotTls(_) => "NotTls",
        }
    }

    /// Whether this is a handshake message decoded from the clear (not a record-level
    /// item such as an alert, a CCS or a run of encrypted records).
    pub fn is_handshake(&self) -> bool {
        match self {
            Body::ChangeCipherSpec
            | Body::Alert(_)
            | Body::EncryptedRecords(_)
            | Body::NotTls(_) => false,
            Body::Unknown(u) => u.kind == "handshake",
            _ => true,
        }
    }
}

/// One extension as it appeared, in order.
#[derive(Clone, Debug, Serialize)]
pub struct ExtensionEntry {
    pub name: String,
    pub code: u16,
    pub len: usize,
}

/// One key_share entry: the group and the length of its public key.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct KeyShare {
    pub group: Group,
    pub key_len: usize,
}

/// Extensions of a hello (or of EncryptedExtensions / a TLS 1.3 CertificateRequest),
/// with the ones that matter decoded. Absent extensions are left out of the JSON.
#[derive(Clone, Debug, Default, Serialize)]
pub struct HelloExtensions {
    pub extensions: Vec<ExtensionEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// ClientHello: the versions offered, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported_versions: Option<Vec<Version>>,
    /// ServerHello / HRR: the version chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_version: Option<Version>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported_groups: Option<Vec<Group>>,
    /// ClientHello: every key share offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_shares: Option<Vec<KeyShare>>,
    /// ServerHello: the server's key share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_share: Option<KeyShare>,
    /// HelloRetryRequest: the group the server asks the client to retry with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_group: Option<Group>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_algorithms: Option<Vec<SigScheme>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_algorithms_cert: Option<Vec<SigScheme>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpn: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ec_point_formats: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psk_key_exchange_modes: Option<Vec<String>>,
    /// ClientHello: number of PSK identities offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psk_identities: Option<usize>,
    /// ClientHello: length of the binders list (without its 2-byte length): what is cut
    /// off the hello before the binder HMAC. Not serialised.
    #[serde(skip)]
    pub psk_binders_len: Option<usize>,
    /// ServerHello: the PSK identity the server accepted (resumption).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psk_selected_identity: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compress_certificate: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_size_limit: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_fragment_length: Option<u8>,
    /// Length of the session_ticket extension (non-zero: resuming with a ticket).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_ticket_len: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub padding_len: Option<usize>,
    #[serde(skip_serializing_if = "is_false")]
    pub session_ticket: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub renegotiation_info: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub extended_master_secret: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub encrypt_then_mac: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub status_request: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub signed_certificate_timestamp: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub post_handshake_auth: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub early_data: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub cookie: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub encrypted_client_hello: bool,
    /// Extensions whose body did not parse.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub malformed: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClientHello {
    /// Version in the record header that carried the hello.
    pub record_version: Version,
    pub legacy_version: Version,
    pub random: String,
    pub session_id_len: usize,
    pub cipher_suites: Vec<CipherSuite>,
    pub compression_methods: Vec<u8>,
    #[serde(flatten)]
    pub ext: HelloExtensions,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServerHello {
    /// The negotiated version: supported_versions if present, else legacy_version.
    pub version: Version,
    pub legacy_version: Version,
    pub random: String,
    pub session_id_len: usize,
    pub cipher_suite: CipherSuite,
    /// The suite as "0xXXXX".
    pub cipher_suite_code: String,
    pub compression_method: u8,
    /// RFC 8446 4.1.3 downgrade marker in the random ("TLSv1.2" or "TLSv1.1-or-below").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downgrade_sentinel: Option<&'static str>,
    #[serde(flatten)]
    pub ext: HelloExtensions,
}

#[derive(Clone, Debug, Serialize)]
pub struct CertEntry {
    pub der_len: usize,
    /// TLS 1.3 per-certificate extensions (e.g. status_request).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Certificate {
    /// TLS 1.3 layout (request context + per-certificate extensions).
    #[serde(skip_serializing_if = "is_false")]
    pub tls13: bool,
    pub count: usize,
    pub certs: Vec<CertEntry>,
    /// The DER of each certificate, leaf first (not serialised).
    #[serde(skip)]
    pub der: Vec<Vec<u8>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub malformed: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ServerKeyExchange {
    /// "ecdhe", "dhe", "psk", "rsa" or "unknown" (shape used to decode).
    pub kex: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psk_identity_hint_len: Option<usize>,
    /// ECDHE: the named curve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<Group>,
    /// ECDHE: a curve_type other than named_curve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key_len: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dh_p_bits: Option<usize>,
    /// DHE generator: decimal if small, else hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dh_g: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dh_ys_len: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_len: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub malformed: Vec<String>,
    /// Where the signed parameters end in the body (the signature follows): what
    /// decryption needs to rebuild the signed content. Not serialised.
    #[serde(skip)]
    pub params_end: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct CertificateRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_algorithms: Option<Vec<SigScheme>>,
    /// Number of acceptable CA names (TLS <= 1.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_authorities: Option<usize>,
    /// TLS 1.3 layout: request context length and extensions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_len: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<HelloExtensions>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub malformed: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClientKeyExchange {
    /// Shape used to decode: "ecdhe", "dhe", "rsa", "psk" or "unknown".
    pub kex: &'static str,
    /// Length of the public value / encrypted premaster secret.
    pub key_len: usize,
    pub length: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct CertificateVerify {
    pub signature: String,
    pub signature_len: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct NewSessionTicket {
    pub lifetime_s: u32,
    pub ticket_len: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_add: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce_len: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finished {
    pub verify_data_len: usize,
}

/// An alert seen in the clear.
#[derive(Clone, Debug, Serialize)]
pub struct AlertMessage {
    /// "warning" or "fatal".
    pub level: String,
    /// snake_case name, e.g. "protocol_version".
    pub description: String,
    pub code: u8,
    #[serde(skip)]
    pub raw: super::Alert,
}

/// A run of consecutive encrypted records from one side.
#[derive(Clone, Debug, Serialize)]
pub struct EncryptedRecords {
    pub count: usize,
    /// Sum of the record payload lengths.
    pub bytes: usize,
    /// Outer content types seen in the run ("application_data", "handshake", ...).
    pub types: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sslv2ClientHello {
    pub version: Version,
    pub cipher_specs: Vec<String>,
    pub session_id_len: usize,
    pub challenge_len: usize,
}

/// A message or record type without a decoder.
#[derive(Clone, Debug, Serialize)]
pub struct Unknown {
    /// "handshake" (msg_type is the HandshakeType) or a record content type name.
    pub kind: String,
    pub msg_type: u8,
    pub type_name: String,
    pub length: usize,
}

/// Bytes that are not TLS (or a record too malformed to continue).
#[derive(Clone, Debug, Serialize)]
pub struct NotTls {
    pub note: String,
    /// Printable-ASCII rendering of the first bytes (at most 64).
    pub first_bytes: String,
    /// Hex of the first bytes (at most 16).
    pub first_hex: String,
}
