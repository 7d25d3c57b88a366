//! The fixed messages of the STARTTLS protocols, in one place for everything that
//! speaks them: tlslens' own client side (`net::starttls`), the server side the lab and
//! the client relay speak (`net::starttls_server`), and the exported code (`export`),
//! which formats these bytes into the scripts it prints. Below both in the layers.

/// The LDAP StartTLS extended request (RFC 4511 §4.14), message id 1.
pub const LDAP_STARTTLS: &[u8] = b"\x30\x1d\x02\x01\x01\x77\x18\x80\x16\
1.3.6.1.4.1.1466.20037";

/// PostgreSQL's SSLRequest: length 8, code 80877103.
pub const PG_SSLREQUEST: &[u8] = &[0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/// MySQL capability flags.
pub const CLIENT_SSL: u32 = 0x0800;
pub const CLIENT_PROTOCOL_41: u32 = 0x0200;
pub const CLIENT_SECURE_CONNECTION: u32 = 0x8000;

/// MySQL's SSLRequest packet: header (length 32, sequence id 1), capability flags
/// with CLIENT_SSL, max packet 16 MiB, utf8_general_ci, 23 reserved zero bytes.
pub fn mysql_ssl_request() -> Vec<u8> {
    let flags = CLIENT_SSL | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;
    let mut req = vec![32u8, 0, 0, 1];
    req.extend_from_slice(&flags.to_le_bytes());
    req.extend_from_slice(&(16u32 << 20).to_le_bytes());
    req.push(33); // utf8_general_ci
    req.extend_from_slice(&[0u8; 23]);
    req
}
