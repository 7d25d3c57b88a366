//! Conversions from the profile's types to the openssl crate's, shared by the openssl
//! backend and the lab's servers (both link OpenSSL; neither should own the other's).

use crate::profile::TlsVersion;
use openssl::ssl::SslVersion;

pub fn ssl_version(v: TlsVersion) -> SslVersion {
    match v {
        TlsVersion::V1_0 => SslVersion::TLS1,
        TlsVersion::V1_1 => SslVersion::TLS1_1,
        TlsVersion::V1_2 => SslVersion::TLS1_2,
        TlsVersion::V1_3 => SslVersion::TLS1_3,
    }
}
