//! Rust: the custom rustls certificate verifiers a snippet includes when the profile
//! does not verify fully (chain only, or nothing).

use super::comments::{NO_HOST_CHECK, VERIFY_OFF};
use crate::profile::VerifyMode;
use std::fmt::Write as _;

/// The `ServerCertVerifier` methods both custom verifiers share: handshake signatures
/// are checked by the expression `check(version)`, the schemes come from `schemes`.
fn shared_verifier_methods(check: impl Fn(&str) -> String, schemes: &str) -> String {
    let mut o = String::new();
    // The first method starts unindented: the snippets have always had it so (a
    // `"\` string continuation ate the indent) and the output must not change.
    for (indent, v) in [("", "12"), ("    ", "13")] {
        let _ = write!(
            o,
            "{indent}fn verify_tls{v}_signature(
        &self,
        message: &[u8],
        cert: &Der<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {{
        {}
    }}

",
            check(v)
        );
    }
    let _ = write!(
        o,
        "    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {{
        {schemes}
    }}
}}
"
    );
    o
}

/// A verifier type `decl` (its name first) implementing `ServerCertVerifier`:
/// `verify_server_cert` runs `body` (its parameters prefixed by `unused`, "_" when
/// the body ignores them), the signature methods come from `shared_verifier_methods`.
fn verifier(doc: &str, decl: &str, unused: &str, body: &str, methods: String) -> String {
    let name = decl.split('(').next().unwrap_or(decl);
    format!(
        "use rustls::DigitallySignedStruct;
use rustls::client::danger::{{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier}};
use rustls::pki_types::{{CertificateDer as Der, UnixTime}};

/// {doc}
#[derive(Debug)]
struct {decl};

impl ServerCertVerifier for {name} {{
    fn verify_server_cert(
        &self,
        {unused}end_entity: &Der<'_>,
        {unused}intermediates: &[Der<'_>],
        {unused}server_name: &ServerName<'_>,
        {unused}ocsp: &[u8],
        {unused}now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {{
{body}    }}

{methods}"
    )
}

/// The verifier type for `mode` (ChainOnly or Off), with its imports.
pub(super) fn rustls_verifier(mode: VerifyMode) -> String {
    match mode {
        VerifyMode::ChainOnly => verifier(
            &format!("Chain checked, host name not. {NO_HOST_CHECK}"),
            "ChainOnly(Arc<rustls::client::WebPkiServerVerifier>)",
            "",
            "        use rustls::{CertificateError, Error};
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
",
            shared_verifier_methods(
                |v| format!("self.0.verify_tls{v}_signature(message, cert, dss)"),
                "self.0.supported_verify_schemes()",
            ),
        ),
        _ => verifier(
            &format!(
                "Accepts any certificate (handshake signatures are still checked).\n/// {VERIFY_OFF}"
            ),
            "NoVerification(rustls::crypto::CryptoProvider)",
            "_",
            "        Ok(ServerCertVerified::assertion())\n",
            shared_verifier_methods(
                |v| {
                    format!(
                        "rustls::crypto::verify_tls{v}_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )"
                    )
                },
                "self.0\n            .signature_verification_algorithms\n            .supported_schemes()",
            ),
        ),
    }
}
