//! IANA names for TLS code points: the one registry the decoder, the dissector and the
//! ClientHello writer share.
//!
//! Everything the wire layer prints or writes goes through here so that one spelling is
//! used program-wide: IANA names for suites, lower-case names for groups (as OpenSSL and
//! rustls print them, modulo case), RFC 8446 snake_case for alerts and extensions.
//! A leaf: it depends on nothing else in the crate.
//!
//! Why not the `tls-parser` crate's registry: it lacks the hybrid ML-KEM groups
//! (0x11eb-0x11ed), the ML-DSA signature schemes and other recent code points, it has
//! no OpenSSL names or CBC flag per suite (the diagnosis and the export need both), and
//! it would pull in `nom` for tables this file already holds.

pub(crate) mod ciphers;

use serde::Serialize;

/// "TLSv1.2" spelling, as OpenSSL and Python print it; unknown as "0xXXXX".
pub fn version_name(v: u16) -> String {
    match v {
        0x0002 => "SSLv2".into(),
        0x0300 => "SSLv3".into(),
        0x0301 => "TLSv1.0".into(),
        0x0302 => "TLSv1.1".into(),
        0x0303 => "TLSv1.2".into(),
        0x0304 => "TLSv1.3".into(),
        _ => format!("0x{v:04x}"),
    }
}

/// RFC 8701 GREASE values (0x0a0a, 0x1a1a, ... 0xfafa), which clients sprinkle into
/// lists to keep servers tolerant of unknown values; they never mean anything.
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

/// Key-exchange family of a cipher suite. Decides how a ServerKeyExchange is shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kx {
    /// TLS 1.3 suite: key exchange is negotiated separately (key_share).
    Tls13,
    Ecdhe,
    Dhe,
    Rsa,
    /// Static ECDH from the certificate (no ServerKeyExchange).
    Ecdh,
    /// Static DH from the certificate (no ServerKeyExchange).
    Dh,
    EcdhAnon,
    DhAnon,
    Psk,
    DhePsk,
    EcdhePsk,
    RsaPsk,
    Srp,
    Krb5,
    EccPwd,
    Gost,
    Null,
    /// Signalling value, not a real suite.
    Scsv,
}

impl Kx {
    /// Whether a ServerKeyExchange carries ECDH parameters (ECParameters + point).
    pub fn is_ec(self) -> bool {
        matches!(self, Kx::Ecdhe | Kx::EcdhAnon | Kx::EcdhePsk)
    }
    /// Whether a ServerKeyExchange carries finite-field DH parameters (p, g, Ys).
    pub fn is_ffdh(self) -> bool {
        matches!(self, Kx::Dhe | Kx::DhAnon | Kx::DhePsk)
    }
    /// Whether a ServerKeyExchange starts with a PSK identity hint.
    pub fn has_psk_hint(self) -> bool {
        matches!(self, Kx::Psk | Kx::DhePsk | Kx::EcdhePsk | Kx::RsaPsk)
    }
    /// Whether the ServerKeyExchange parameters are signed.
    pub fn is_signed(self) -> bool {
        matches!(self, Kx::Ecdhe | Kx::Dhe | Kx::Srp)
    }
}

/// One row of the cipher suite table (see `ciphers.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CipherInfo {
    pub id: u16,
    /// IANA registry name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    pub iana: &'static str,
    /// OpenSSL's name, e.g. `ECDHE-RSA-AES128-GCM-SHA256`, where OpenSSL has one.
    pub openssl: Option<&'static str>,
    pub kx: Kx,
    /// CBC-mode bulk cipher (MAC-then-encrypt; padding oracles).
    pub cbc: bool,
}

/// The table row for a suite, if the suite is registered.
pub fn cipher_info(id: u16) -> Option<&'static CipherInfo> {
    let t = ciphers::CIPHERS;
    t.binary_search_by_key(&id, |c| c.id)
        .ok()
        .and_then(|i| t.get(i))
}

/// IANA cipher suite name, e.g. TLS_AES_128_GCM_SHA256.
pub fn cipher_name(id: u16) -> String {
    match cipher_info(id) {
        Some(c) => c.iana.into(),
        None => format!("0x{id:04x}"),
    }
}

/// Key-exchange family of a suite, if known.
pub fn cipher_kx(id: u16) -> Option<Kx> {
    cipher_info(id).map(|c| c.kx)
}

/// Whether a suite uses a CBC-mode cipher.
pub fn cipher_is_cbc(id: u16) -> bool {
    cipher_info(id).is_some_and(|c| c.cbc)
}

/// OpenSSL's name for a suite (TLS 1.3 suites keep their IANA name in OpenSSL).
pub fn cipher_openssl_name(id: u16) -> Option<&'static str> {
    cipher_info(id).and_then(|c| c.openssl)
}

/// Suite id from an IANA name (`TLS_...`, case-insensitive), an OpenSSL name
/// (`ECDHE-RSA-AES128-GCM-SHA256`, with the `DHE-`/`EDH-` alias), or a hex code `0xc02f`.
pub fn cipher_id_from_name(name: &str) -> Option<u16> {
    let n = name.trim();
    if let Some(hex) = n.strip_prefix("0x").or_else(|| n.strip_prefix("0X")) {
        return u16::from_str_radix(hex, 16).ok();
    }
    let t = ciphers::CIPHERS;
    if let Some(c) = t.iter().find(|c| {
        c.iana.eq_ignore_ascii_case(n) || c.openssl.is_some_and(|o| o.eq_ignore_ascii_case(n))
    }) {
        return Some(c.id);
    }
    // OpenSSL 1.1 renamed EDH-* to DHE-* (and ADH-* kept); accept both spellings.
    let alias = if let Some(rest) = n.strip_prefix("DHE-") {
        format!("EDH-{rest}")
    } else if let Some(rest) = n.strip_prefix("EDH-") {
        format!("DHE-{rest}")
    } else {
        return None;
    };
    t.iter()
        .find(|c| c.openssl.is_some_and(|o| o.eq_ignore_ascii_case(&alias)))
        .map(|c| c.id)
}

/// (id, lower-case name) of the IANA TLS Supported Groups registry.
const GROUPS: &[(u16, &str)] = &[
    (1, "sect163k1"),
    (2, "sect163r1"),
    (3, "sect163r2"),
    (4, "sect193r1"),
    (5, "sect193r2"),
    (6, "sect233k1"),
    (7, "sect233r1"),
    (8, "sect239k1"),
    (9, "sect283k1"),
    (10, "sect283r1"),
    (11, "sect409k1"),
    (12, "sect409r1"),
    (13, "sect571k1"),
    (14, "sect571r1"),
    (15, "secp160k1"),
    (16, "secp160r1"),
    (17, "secp160r2"),
    (18, "secp192k1"),
    (19, "secp192r1"),
    (20, "secp224k1"),
    (21, "secp224r1"),
    (22, "secp256k1"),
    (23, "secp256r1"),
    (24, "secp384r1"),
    (25, "secp521r1"),
    (26, "brainpoolp256r1"),
    (27, "brainpoolp384r1"),
    (28, "brainpoolp512r1"),
    (29, "x25519"),
    (30, "x448"),
    (31, "brainpoolp256r1tls13"),
    (32, "brainpoolp384r1tls13"),
    (33, "brainpoolp512r1tls13"),
    (34, "gc256a"),
    (35, "gc256b"),
    (36, "gc256c"),
    (37, "gc256d"),
    (38, "gc512a"),
    (39, "gc512b"),
    (40, "gc512c"),
    (41, "curvesm2"),
    (0x0100, "ffdhe2048"),
    (0x0101, "ffdhe3072"),
    (0x0102, "ffdhe4096"),
    (0x0103, "ffdhe6144"),
    (0x0104, "ffdhe8192"),
    (0x0200, "mlkem512"),
    (0x0201, "mlkem768"),
    (0x0202, "mlkem1024"),
    (0x11eb, "secp256r1mlkem768"),
    (0x11ec, "x25519mlkem768"),
    (0x11ed, "secp384r1mlkem1024"),
    (0x6399, "x25519kyber768draft00"),
    (0x639a, "secp256r1kyber768draft00"),
    (0xff01, "arbitrary_explicit_prime_curves"),
    (0xff02, "arbitrary_explicit_char2_curves"),
];

/// Every registered cipher suite, sorted by code point: what a scanner offers.
pub fn cipher_suites() -> &'static [CipherInfo] {
    ciphers::CIPHERS
}

/// Every named group the registry names, in its order: what a scanner offers.
pub fn groups() -> impl Iterator<Item = u16> {
    GROUPS.iter().map(|(g, _)| *g)
}

/// Lower-case group name: x25519, secp256r1, x25519mlkem768.
pub fn group_name(id: u16) -> String {
    match GROUPS.iter().find(|(g, _)| *g == id) {
        Some((_, n)) => (*n).into(),
        None if is_grease(id) => "GREASE".into(),
        None => format!("0x{id:04x}"),
    }
}

/// Group id from a name in any common spelling: IANA (`secp256r1`, `x25519`),
/// OpenSSL (`P-256`, `prime256v1`, `X25519MLKEM768`, `brainpoolP256r1`) or hex.
/// Case, `-` and `_` are ignored.
pub fn group_id_from_name(name: &str) -> Option<u16> {
    let n = name.trim();
    if let Some(hex) = n.strip_prefix("0x").or_else(|| n.strip_prefix("0X")) {
        return u16::from_str_radix(hex, 16).ok();
    }
    let norm: String = n
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let alias = match norm.as_str() {
        "p192" | "prime192v1" => Some(19),
        "p224" => Some(21),
        "p256" | "prime256v1" => Some(23),
        "p384" => Some(24),
        "p521" => Some(25),
        "x25519kyber768" => Some(0x6399),
        "p256mlkem768" => Some(0x11eb),
        "p384mlkem1024" => Some(0x11ed),
        _ => None,
    };
    alias.or_else(|| {
        GROUPS
            .iter()
            .find(|(_, g)| g.replace('_', "") == norm)
            .map(|(id, _)| *id)
    })
}

/// IANA TLS SignatureScheme name (RFC 8446 spelling); TLS 1.2 (hash, signature)
/// pairs that have no scheme name are shown as e.g. `dsa_sha256`.
pub fn sigscheme_name(id: u16) -> String {
    let n = match id {
        0x0201 => "rsa_pkcs1_sha1",
        0x0203 => "ecdsa_sha1",
        0x0401 => "rsa_pkcs1_sha256",
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0420 => "rsa_pkcs1_sha256_legacy",
        0x0501 => "rsa_pkcs1_sha384",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0520 => "rsa_pkcs1_sha384_legacy",
        0x0601 => "rsa_pkcs1_sha512",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0620 => "rsa_pkcs1_sha512_legacy",
        0x0704 => "eccsi_sha256",
        0x0705 => "iso_ibs1",
        0x0706 => "iso_ibs2",
        0x0707 => "iso_chinese_ibs",
        0x0708 => "sm2sig_sm3",
        0x0709 => "gostr34102012_256a",
        0x070a => "gostr34102012_256b",
        0x070b => "gostr34102012_256c",
        0x070c => "gostr34102012_256d",
        0x070d => "gostr34102012_512a",
        0x070e => "gostr34102012_512b",
        0x070f => "gostr34102012_512c",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0807 => "ed25519",
        0x0808 => "ed448",
        0x0809 => "rsa_pss_pss_sha256",
        0x080a => "rsa_pss_pss_sha384",
        0x080b => "rsa_pss_pss_sha512",
        0x081a => "ecdsa_brainpoolP256r1tls13_sha256",
        0x081b => "ecdsa_brainpoolP384r1tls13_sha384",
        0x081c => "ecdsa_brainpoolP512r1tls13_sha512",
        0x0904 => "mldsa44",
        0x0905 => "mldsa65",
        0x0906 => "mldsa87",
        _ => "",
    };
    if !n.is_empty() {
        return n.into();
    }
    if is_grease(id) {
        return "GREASE".into();
    }
    let hash = match id >> 8 {
        1 => "md5",
        2 => "sha1",
        3 => "sha224",
        4 => "sha256",
        5 => "sha384",
        6 => "sha512",
        _ => "",
    };
    let sig = match id & 0xff {
        1 => "rsa",
        2 => "dsa",
        3 => "ecdsa",
        _ => "",
    };
    if hash.is_empty() || sig.is_empty() {
        format!("0x{id:04x}")
    } else {
        format!("{sig}_{hash}")
    }
}

/// IANA ExtensionType name; GREASE as "GREASE"; unknown as "0xXXXX".
pub fn extension_name(id: u16) -> String {
    let n = match id {
        0 => "server_name",
        1 => "max_fragment_length",
        2 => "client_certificate_url",
        3 => "trusted_ca_keys",
        4 => "truncated_hmac",
        5 => "status_request",
        6 => "user_mapping",
        7 => "client_authz",
        8 => "server_authz",
        9 => "cert_type",
        10 => "supported_groups",
        11 => "ec_point_formats",
        12 => "srp",
        13 => "signature_algorithms",
        14 => "use_srtp",
        15 => "heartbeat",
        16 => "application_layer_protocol_negotiation",
        17 => "status_request_v2",
        18 => "signed_certificate_timestamp",
        19 => "client_certificate_type",
        20 => "server_certificate_type",
        21 => "padding",
        22 => "encrypt_then_mac",
        23 => "extended_master_secret",
        24 => "token_binding",
        25 => "cached_info",
        26 => "tls_lts",
        27 => "compress_certificate",
        28 => "record_size_limit",
        29 => "pwd_protect",
        30 => "pwd_clear",
        31 => "password_salt",
        32 => "ticket_pinning",
        33 => "tls_cert_with_extern_psk",
        34 => "delegated_credential",
        35 => "session_ticket",
        36 => "TLMSP",
        37 => "TLMSP_proxying",
        38 => "TLMSP_delegate",
        39 => "supported_ekt_ciphers",
        41 => "pre_shared_key",
        42 => "early_data",
        43 => "supported_versions",
        44 => "cookie",
        45 => "psk_key_exchange_modes",
        47 => "certificate_authorities",
        48 => "oid_filters",
        49 => "post_handshake_auth",
        50 => "signature_algorithms_cert",
        51 => "key_share",
        52 => "transparency_info",
        53 => "connection_id_deprecated",
        54 => "connection_id",
        55 => "external_id_hash",
        56 => "external_session_id",
        57 => "quic_transport_parameters",
        58 => "ticket_request",
        59 => "dnssec_chain",
        60 => "sequence_number_encryption_algorithms",
        61 => "rrc",
        62 => "tls_flags",
        // Not IANA-registered but common enough on the wire to deserve a name.
        0x3374 => "next_protocol_negotiation",
        0x4469 => "application_settings_old",
        0x44cd => "application_settings",
        0xfd00 => "ech_outer_extensions",
        0xfe0d => "encrypted_client_hello",
        0xff01 => "renegotiation_info",
        _ => "",
    };
    if !n.is_empty() {
        n.into()
    } else if is_grease(id) {
        "GREASE".into()
    } else {
        format!("0x{id:04x}")
    }
}

/// RFC 8446 alert name in snake_case.
pub fn alert_name(d: u8) -> String {
    let n = match d {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        52 => "too_many_cids_requested",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        117 => "general_error",
        120 => "no_application_protocol",
        121 => "ech_required",
        _ => return format!("alert_{d}"),
    };
    n.into()
}

/// Alert level name: 1 warning, 2 fatal.
pub fn alert_level_name(l: u8) -> String {
    match l {
        1 => "warning".into(),
        2 => "fatal".into(),
        _ => format!("level_{l}"),
    }
}

/// RFC 8446 HandshakeType name in snake_case (used for messages without a decoder).
pub fn handshake_type_name(t: u8) -> String {
    let n = match t {
        0 => "hello_request",
        1 => "client_hello",
        2 => "server_hello",
        3 => "hello_verify_request",
        4 => "new_session_ticket",
        5 => "end_of_early_data",
        6 => "hello_retry_request",
        8 => "encrypted_extensions",
        9 => "request_connection_id",
        10 => "new_connection_id",
        11 => "certificate",
        12 => "server_key_exchange",
        13 => "certificate_request",
        14 => "server_hello_done",
        15 => "certificate_verify",
        16 => "client_key_exchange",
        17 => "client_certificate_request",
        20 => "finished",
        21 => "certificate_url",
        22 => "certificate_status",
        23 => "supplemental_data",
        24 => "key_update",
        25 => "compressed_certificate",
        26 => "ekt_key",
        254 => "message_hash",
        _ => return format!("handshake_{t}"),
    };
    n.into()
}

/// TLS record content type name.
pub fn content_type_name(t: u8) -> String {
    match t {
        20 => "change_cipher_spec".into(),
        21 => "alert".into(),
        22 => "handshake".into(),
        23 => "application_data".into(),
        24 => "heartbeat".into(),
        _ => format!("content_{t}"),
    }
}

/// ECCurveType names (RFC 8422 §5.4); only named_curve is still in use.
pub fn ec_curve_type_name(t: u8) -> Option<&'static str> {
    match t {
        1 => Some("explicit_prime"),
        2 => Some("explicit_char2"),
        3 => Some("named_curve"),
        _ => None,
    }
}

/// HeartbeatMessageType names (RFC 6520 §3).
pub fn heartbeat_type_name(t: u8) -> Option<&'static str> {
    match t {
        1 => Some("heartbeat_request"),
        2 => Some("heartbeat_response"),
        _ => None,
    }
}

/// psk_key_exchange_modes values (RFC 8446 4.2.9).
pub fn psk_mode_name(m: u8) -> String {
    match m {
        0 => "psk_ke".into(),
        1 => "psk_dhe_ke".into(),
        _ => format!("0x{m:02x}"),
    }
}

/// ec_point_formats values (RFC 8422).
pub fn ec_point_format_name(f: u8) -> String {
    match f {
        0 => "uncompressed".into(),
        1 => "ansiX962_compressed_prime".into(),
        2 => "ansiX962_compressed_char2".into(),
        _ => format!("0x{f:02x}"),
    }
}

/// Certificate compression algorithms (RFC 8879).
pub fn cert_compression_name(a: u16) -> String {
    match a {
        1 => "zlib".into(),
        2 => "brotli".into(),
        3 => "zstd".into(),
        _ => format!("0x{a:04x}"),
    }
}

/// ClientCertificateType names (RFC 5246 §7.4.4, RFC 8422 §5.5).
pub fn cert_type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "rsa_sign",
        2 => "dss_sign",
        3 => "rsa_fixed_dh",
        4 => "dss_fixed_dh",
        64 => "ecdsa_sign",
        65 => "rsa_fixed_ecdh",
        66 => "ecdsa_fixed_ecdh",
        _ => return None,
    })
}

/// SSLv2 CIPHER-KIND names (3-byte codes of an SSLv2-compatible ClientHello).
pub fn sslv2_cipher_name(k: u32) -> String {
    match k {
        0x010080 => "SSL_CK_RC4_128_WITH_MD5".into(),
        0x020080 => "SSL_CK_RC4_128_EXPORT40_WITH_MD5".into(),
        0x030080 => "SSL_CK_RC2_128_CBC_WITH_MD5".into(),
        0x040080 => "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5".into(),
        0x050080 => "SSL_CK_IDEA_128_CBC_WITH_MD5".into(),
        0x060040 => "SSL_CK_DES_64_CBC_WITH_MD5".into(),
        0x0700c0 => "SSL_CK_DES_192_EDE3_CBC_WITH_MD5".into(),
        _ => format!("0x{k:06x}"),
    }
}
