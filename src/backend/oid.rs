//! Names for the signature algorithm identifiers rustls reports as raw DER (an
//! `AlgorithmIdentifier`'s contents: the OID, then any parameters), so a reason says
//! "sha1WithRSAEncryption" instead of a byte list.

/// The dotted form of the first OID in `der` (tag 6), if it is well formed.
pub fn dotted(der: &[u8]) -> Option<String> {
    let (&tag, rest) = der.split_first()?;
    let (&len, rest) = rest.split_first()?;
    if tag != 6 || len == 0 || len >= 0x80 {
        return None;
    }
    let body = rest.get(..usize::from(len))?;
    let mut arcs: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for &b in body {
        acc = acc.checked_mul(128)?.checked_add(u64::from(b & 0x7f))?;
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (acc / 40).min(2);
                arcs.push(first);
                arcs.push(acc - first * 40);
            } else {
                arcs.push(acc);
            }
            acc = 0;
        }
    }
    if body.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let parts: Vec<String> = arcs.iter().map(u64::to_string).collect();
    Some(parts.join("."))
}

/// The usual name of a signature algorithm OID (dotted form).
pub fn signature_name(dotted: &str) -> Option<&'static str> {
    Some(match dotted {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-SHA256",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        _ => return None,
    })
}

/// "sha1WithRSAEncryption (1.2.840.113549.1.1.5)", the dotted form alone when the
/// name is not known, or "an unreadable algorithm identifier".
pub fn describe_signature(der: &[u8]) -> String {
    match dotted(der) {
        Some(d) => match signature_name(&d) {
            Some(n) => format!("{n} ({d})"),
            None => d,
        },
        None => "an unreadable algorithm identifier".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_algorithms_rustls_reports_as_bytes() {
        let sha1_rsa = [6, 9, 42, 134, 72, 134, 247, 13, 1, 1, 5, 5, 0];
        assert_eq!(
            describe_signature(&sha1_rsa),
            "sha1WithRSAEncryption (1.2.840.113549.1.1.5)"
        );
        let ecdsa_sha1 = [6, 7, 42, 134, 72, 206, 61, 4, 1];
        assert_eq!(dotted(&ecdsa_sha1).as_deref(), Some("1.2.840.10045.4.1"));
        assert_eq!(
            describe_signature(&[6, 3, 43, 101, 112]),
            "Ed25519 (1.3.101.112)"
        );
        assert_eq!(describe_signature(&[6, 2, 42, 3]), "1.2.3");
        assert_eq!(
            describe_signature(&[6, 5, 42]),
            "an unreadable algorithm identifier"
        );
        assert_eq!(
            describe_signature(&[6, 1, 0x81]),
            "an unreadable algorithm identifier"
        );
        assert_eq!(
            describe_signature(&[]),
            "an unreadable algorithm identifier"
        );
    }
}
