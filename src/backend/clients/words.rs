//! Reading a client's own words: the line it prints on success ("TLSv1.3
//! TLS_AES_256_GCM_SHA384", s_client's "Protocol version:", curl's "SSL connection
//! using") and the line that says why it failed.

use super::BackendId;
use crate::wire::names;

/// Version and cipher (IANA name when known) as the client itself stated them.
pub fn success(b: BackendId, stdout: &str, stderr: &str) -> Option<(String, String)> {
    let (v, c) = match b {
        BackendId::SClient => {
            let field = |key: &str| {
                stderr
                    .lines()
                    .chain(stdout.lines())
                    .find_map(|l| l.trim().strip_prefix(key).map(|r| r.trim().to_string()))
            };
            (field("Protocol version:")?, field("Ciphersuite:")?)
        }
        BackendId::Curl => {
            let rest = stderr
                .lines()
                .find_map(|l| l.split("SSL connection using ").nth(1))?;
            let (v, c) = rest.split_once(" / ")?;
            (v.trim().to_string(), c.trim().to_string())
        }
        _ => {
            let line = stdout
                .lines()
                .rev()
                .find(|l| l.starts_with("TLSv") || l.starts_with("SSLv"))?;
            let (v, c) = line.trim().split_once(' ')?;
            (v.to_string(), c.trim().to_string())
        }
    };
    // Python and Java spell TLS 1.0 "TLSv1"; the report says "TLSv1.0".
    let v = if v == "TLSv1" {
        "TLSv1.0".to_string()
    } else {
        v
    };
    let c = names::cipher_id_from_name(&c)
        .map(names::cipher_name)
        .unwrap_or(c);
    Some((v, c))
}

/// The line that says why the client failed.
pub fn error_line(b: BackendId, stdout: &str, stderr: &str) -> Option<String> {
    let lines = || {
        stderr
            .lines()
            .chain(stdout.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty())
    };
    let pick = match b {
        BackendId::SClient => lines()
            .find(|l| l.contains(":error:"))
            .or_else(|| lines().find(|l| l.contains("errno="))),
        BackendId::Curl => lines().find(|l| l.starts_with("curl: (")),
        _ => None,
    };
    pick.or_else(|| stderr.lines().map(str::trim).rfind(|l| !l.is_empty()))
        .map(String::from)
}

/// Whether the client's failure came after a handshake it completed and is about the
/// protocol it spoke inside TLS, not about TLS: curl's request failed with an error
/// that names no TLS or certificate problem (`curl: (56) response reading failed`,
/// `(52) Empty reply from server`, `(8) Weird server reply`). Only curl sends a request;
/// the other clients stop after the handshake.
pub fn after_handshake(b: BackendId, stderr: &str) -> bool {
    let Some(line) = error_line(b, "", stderr).filter(|_| b == BackendId::Curl) else {
        return false;
    };
    let l = line.to_ascii_lowercase();
    let tls = [
        "ssl",
        "tls",
        "alert",
        "certificate",
        "handshake",
        "timed out",
    ];
    !tls.iter().any(|k| l.contains(k)) && !certificate(&line)
}

/// An alert the client says it received: OpenSSL's "tlsv1 alert protocol version",
/// Node's "SSL alert number 70", Java's "Received fatal alert: protocol_version".
pub fn alert(line: &str) -> Option<u8> {
    if let Some(a) = crate::backend::alert_from_openssl_text(line) {
        return Some(a);
    }
    if let Some(rest) = line.split("SSL alert number ").nth(1) {
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return n.parse().ok();
    }
    let name = line.split("Received fatal alert: ").nth(1)?.trim();
    (0u8..=255).find(|c| names::alert_name(*c) == name)
}

/// Whether the line says the certificate was refused.
pub fn certificate(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    [
        "certificate verify failed",
        "certificate_verify_failed",
        "ssl certificate problem",
        "pkix path",
        "certification path",
        "subject alternative",
        "no name matching",
        "hostname mismatch",
        "certificate has expired",
        "cert_has_expired",
        "self-signed certificate",
        "self signed certificate",
        "self_signed_cert",
        "local issuer",
        "unable_to_verify_leaf",
        "unable_to_get_issuer",
        "altname",
        "verify error",
        "certificateexpired",
    ]
    .iter()
    .any(|k| l.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_clients_words() {
        assert_eq!(
            success(BackendId::Python, "TLSv1.1 ECDHE-RSA-AES256-SHA\n", ""),
            Some((
                "TLSv1.1".into(),
                "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA".into()
            ))
        );
        assert_eq!(
            success(
                BackendId::Java,
                "TLSv1 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA\n",
                ""
            ),
            Some((
                "TLSv1.0".into(),
                "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA".into()
            ))
        );
        let s = "CONNECTION ESTABLISHED\nProtocol version: TLSv1.3\nCiphersuite: TLS_AES_256_GCM_SHA384\n";
        assert_eq!(
            success(BackendId::SClient, "", s).map(|x| x.0),
            Some("TLSv1.3".into())
        );
        let c = "* SSL connection using TLSv1.2 / ECDHE-RSA-AES128-GCM-SHA256\n";
        assert_eq!(
            success(BackendId::Curl, "", c),
            Some((
                "TLSv1.2".into(),
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".into()
            ))
        );
        assert_eq!(success(BackendId::Python, "", "boom"), None);
        let py = "x.py:3: DeprecationWarning: ...\nConnectionResetError: [Errno 104] Connection reset by peer\n";
        assert_eq!(
            error_line(BackendId::Python, "", py).as_deref(),
            Some("ConnectionResetError: [Errno 104] Connection reset by peer")
        );
        let cu = "* Trying\ncurl: (35) OpenSSL SSL_connect: Connection reset by peer\n";
        assert!(
            error_line(BackendId::Curl, "", cu)
                .unwrap()
                .starts_with("curl: (35)")
        );
        let app = "* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384\ncurl: (56) response reading failed (errno: 0)\n";
        assert!(after_handshake(BackendId::Curl, app));
        let tls = "curl: (56) OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required\n";
        assert!(!after_handshake(BackendId::Curl, tls));
        assert!(!after_handshake(BackendId::Python, app));
        assert_eq!(alert("Received fatal alert: protocol_version"), Some(70));
        assert_eq!(alert("...:SSL alert number 40"), Some(40));
        assert_eq!(
            alert("[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version"),
            Some(70)
        );
        assert!(certificate(
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
        ));
        assert!(certificate("PKIX path building failed"));
        assert!(!certificate("Connection reset by peer"));
    }
}
