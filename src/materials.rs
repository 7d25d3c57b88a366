//! Files a profile names (CA bundle, client certificate and key), loaded and checked
//! once before any backend runs, so a bad file is one clear input error naming it.

use crate::profile::{Profile, Trust};
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;
use std::path::{Path, PathBuf};

/// An input problem: the file or field, and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}: {problem}", path.display())]
    File { path: PathBuf, problem: String },
    #[error("{0}")]
    Field(#[from] crate::profile::FieldError),
}

/// A client identity in the forms each stack wants.
#[derive(Clone, Debug)]
pub struct ClientIdentity {
    pub chain: Vec<X509>,
    pub key: PKey<Private>,
}

impl ClientIdentity {
    pub fn chain_pem(&self) -> Vec<u8> {
        self.chain
            .iter()
            .flat_map(|c| c.to_pem().unwrap_or_default())
            .collect()
    }
    pub fn chain_der(&self) -> Vec<Vec<u8>> {
        self.chain.iter().filter_map(|c| c.to_der().ok()).collect()
    }
    pub fn key_pkcs8_pem(&self) -> Vec<u8> {
        self.key.private_key_to_pem_pkcs8().unwrap_or_default()
    }
    pub fn key_pkcs8_der(&self) -> Vec<u8> {
        self.key.private_key_to_pkcs8().unwrap_or_default()
    }
}

/// Everything loaded from disk for one profile.
#[derive(Clone, Debug, Default)]
pub struct Materials {
    /// Trust anchors from `cacert` (empty unless trust is `file`).
    pub ca: Vec<X509>,
    pub client: Option<ClientIdentity>,
}

/// Read a file the user named, bounded (see [`crate::files::read_bounded`]).
pub fn read(path: &Path, what: &str) -> Result<Vec<u8>, InputError> {
    crate::files::read_bounded(path).map_err(|e| InputError::File {
        path: path.to_path_buf(),
        problem: format!("cannot read {what}: {e}"),
    })
}

fn certs_from(path: &Path, what: &str) -> Result<Vec<X509>, InputError> {
    let bytes = read(path, what)?;
    let certs = X509::stack_from_pem(&bytes).unwrap_or_default();
    if certs.is_empty() {
        // A DER file is accepted too (one certificate).
        if let Ok(c) = X509::from_der(&bytes) {
            return Ok(vec![c]);
        }
        return Err(InputError::File {
            path: path.to_path_buf(),
            problem: format!("{what} holds no PEM certificate"),
        });
    }
    Ok(certs)
}

impl Materials {
    pub fn load(p: &Profile) -> Result<Materials, InputError> {
        let mut m = Materials::default();
        if let Some(ca) = &p.cacert
            && p.trust == Trust::File
        {
            m.ca = certs_from(ca, "CA file")?;
        }
        if let (Some(cert), Some(key)) = (&p.cert, &p.key) {
            let chain = certs_from(cert, "client certificate")?;
            let key_bytes = read(key, "client key")?;
            let pkey = PKey::private_key_from_pem(&key_bytes)
                .or_else(|_| PKey::private_key_from_der(&key_bytes))
                .map_err(|_| InputError::File {
                    path: key.clone(),
                    problem: "holds no PEM private key (encrypted keys are not supported)".into(),
                })?;
            let matches = chain
                .first()
                .and_then(|leaf| leaf.public_key().ok())
                .is_some_and(|pk| pk.public_eq(&pkey));
            if !matches {
                return Err(InputError::File {
                    path: key.clone(),
                    problem: format!(
                        "this key does not match the certificate in {}",
                        cert.display()
                    ),
                });
            }
            m.client = Some(ClientIdentity { chain, key: pkey });
        }
        Ok(m)
    }
}

/// Check the OpenSSL-syntax fields against the linked OpenSSL, so a typo is an input
/// error before anything connects (not a confusing handshake failure).
pub fn check_openssl_strings(p: &Profile) -> Result<(), crate::profile::FieldError> {
    use crate::profile::FieldError;
    use openssl::ssl::{SslContext, SslMethod};
    if p.ciphers.is_none() {
        return Ok(()); // an OpenSSL 3 context costs ~0.5 ms: only build one to check
    }
    let Ok(mut b) = SslContext::builder(SslMethod::tls_client()) else {
        return Ok(());
    };
    if let Some(c) = &p.ciphers {
        b.set_cipher_list(c).map_err(|_| {
            FieldError::new(
                crate::profile::Field::Ciphers,
                format!("OpenSSL matches no cipher in '{c}'"),
            )
        })?;
    }
    Ok(())
}
