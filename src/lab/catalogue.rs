//! The lab's servers: the well-behaved ones the TUI lists (in its order), the hostile
//! peers after them, and the STARTTLS and proxy servers the reach tests use.

use super::{CertChoice, OpensslServer, Peer, ServerSpec, hostile};

/// The catalogue, in the order the TUI lists it.
pub fn catalogue() -> Vec<ServerSpec> {
    use crate::profile::TlsVersion::*;
    let ossl = |min, max, ciphers, cert| {
        Peer::Openssl(OpensslServer {
            min,
            max,
            ciphers,
            cert,
            ..OpensslServer::default()
        })
    };
    vec![
        ServerSpec {
            name: "modern",
            summary: "TLS 1.3 only (rustls server)",
            teaches: "every stack connects; rustls agrees on post-quantum X25519MLKEM768, OpenSSL 3.0 on x25519",
            peer: Peer::Rustls,
        },
        ServerSpec {
            name: "tls12",
            summary: "TLS 1.2 only, one suite: ECDHE-RSA-AES128-GCM-SHA256",
            teaches: "a TLS 1.3 client falls back to 1.2; the ServerKeyExchange names the group",
            peer: ossl(
                Some(V1_2),
                Some(V1_2),
                Some("ECDHE-RSA-AES128-GCM-SHA256"),
                CertChoice::Leaf,
            ),
        },
        ServerSpec {
            name: "legacy",
            summary: "TLS 1.0/1.1 only, ECDHE and RSA CBC suites (the old API server)",
            teaches: "native-tls refuses (min 1.2); OpenSSL 3 needs min 1.0 AND seclevel 0 (the ECDHE signature is MD5+SHA-1); rustls can never connect",
            peer: ossl(
                Some(V1_0),
                Some(V1_1),
                Some("ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA@SECLEVEL=0"),
                CertChoice::Leaf,
            ),
        },
        ServerSpec {
            name: "legacy-rsa",
            summary: "TLS 1.0/1.1 only, static-RSA CBC suites only",
            teaches: "no ServerKeyExchange signature, so OpenSSL 3 connects at levels 1 and 2 once min is 1.0",
            peer: ossl(
                Some(V1_0),
                Some(V1_1),
                Some("AES256-SHA:AES128-SHA@SECLEVEL=0"),
                CertChoice::Leaf,
            ),
        },
        ServerSpec {
            name: "rsa-cbc",
            summary: "TLS 1.2, static RSA key exchange + CBC only (AES128-SHA)",
            teaches: "OpenSSL still offers it; rustls has no RSA key exchange or CBC and fails with handshake_failure",
            peer: ossl(Some(V1_2), Some(V1_2), Some("AES128-SHA"), CertChoice::Leaf),
        },
        ServerSpec {
            name: "camellia",
            summary: "TLS 1.2, only a Camellia suite, which no default client offers",
            teaches: "every stack is refused with handshake_failure and none sees a ServerHello; a scan finds what the server wants",
            peer: ossl(
                Some(V1_2),
                Some(V1_2),
                Some("ECDHE-RSA-CAMELLIA128-SHA256"),
                CertChoice::Leaf,
            ),
        },
        ServerSpec {
            name: "server-order",
            summary: "TLS 1.2, three suites chosen in the server's own order",
            teaches: "a server that imposes its order picks the same suite however the client orders its list",
            peer: Peer::Openssl(OpensslServer {
                min: Some(V1_2),
                max: Some(V1_2),
                ciphers: Some("ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256"),
                server_order: true,
                ..OpensslServer::default()
            }),
        },
        ServerSpec {
            name: "one-group",
            summary: "TLS 1.3 only, key exchange on secp384r1 alone",
            teaches: "a client whose key share is x25519 gets a HelloRetryRequest naming secp384r1",
            peer: Peer::Openssl(OpensslServer {
                min: Some(V1_3),
                groups: Some("secp384r1"),
                ..OpensslServer::default()
            }),
        },
        ServerSpec {
            name: "dual-cert",
            summary: "RSA and ECDSA certificates for the same name",
            teaches: "which certificate a client sees depends on the suites and signature schemes it offers",
            peer: Peer::Openssl(OpensslServer {
                min: Some(V1_2),
                ciphers: Some("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"),
                also_ecdsa: true,
                ..OpensslServer::default()
            }),
        },
        ServerSpec {
            name: "evil-name",
            summary: "a certificate whose name carries a terminal escape and a bidi override",
            teaches: "what a peer sends is shown escaped (\\x1b, \\u{202e}), never interpreted by your terminal",
            peer: ossl(None, None, None, CertChoice::HostileName),
        },
        ServerSpec {
            name: "expired",
            summary: "certificate expired on 2021-01-01",
            teaches: "the handshake itself works; verification fails with 'certificate has expired'",
            peer: ossl(None, None, None, CertChoice::Expired),
        },
        ServerSpec {
            name: "wrong-host",
            summary: "certificate for wrong.example, from the lab CA",
            teaches: "the chain verifies, the host name does not",
            peer: ossl(None, None, None, CertChoice::WrongHost),
        },
        ServerSpec {
            name: "self-signed",
            summary: "self-signed certificate for localhost",
            teaches: "no trust anchor vouches for it: 'self-signed certificate' / UnknownIssuer",
            peer: ossl(None, None, None, CertChoice::SelfSigned),
        },
        ServerSpec {
            name: "weak-cert",
            summary: "RSA-1024 key, SHA-1 signature, 1024-bit DHE, TLS 1.2",
            teaches: "level 2 refuses the key size, level 1 the SHA-1 signature, level 0 accepts; rustls refuses SHA-1",
            peer: Peer::Openssl(OpensslServer {
                min: Some(V1_2),
                max: Some(V1_2),
                ciphers: Some("DEFAULT@SECLEVEL=0"),
                cert: CertChoice::Weak,
                weak_dh: true,
                ..OpensslServer::default()
            }),
        },
        ServerSpec {
            name: "client-cert",
            summary: "requires a client certificate from the lab CA",
            teaches: "over TLS 1.3 the handshake 'succeeds' and the rejection (certificate_required) comes after",
            peer: Peer::Openssl(OpensslServer {
                require_client_cert: true,
                ..OpensslServer::default()
            }),
        },
        ServerSpec {
            name: "sni-required",
            summary: "answers only hellos whose SNI names localhost",
            teaches: "virtual hosting: without SNI (or with another name) the server refuses with unrecognized_name",
            peer: Peer::Openssl(OpensslServer {
                require_sni: true,
                ..OpensslServer::default()
            }),
        },
        ServerSpec {
            name: "chacha20",
            summary: "TLS 1.2, ECDHE-RSA-CHACHA20-POLY1305 only",
            teaches: "the AEAD without an explicit nonce: each record's nonce is the key block's IV xor the sequence number (RFC 7905)",
            peer: ossl(
                Some(V1_2),
                Some(V1_2),
                Some("ECDHE-RSA-CHACHA20-POLY1305"),
                CertChoice::Leaf,
            ),
        },
        ServerSpec {
            name: "ccm",
            summary: "TLS 1.2, AES128-CCM only (static RSA)",
            teaches: "OpenSSL clients offer CCM only when asked (--ciphers AES128-CCM), rustls never; its records: a 4-byte salt from the key block ‖ an 8-byte explicit nonce",
            peer: ossl(Some(V1_2), Some(V1_2), Some("AES128-CCM"), CertChoice::Leaf),
        },
        ServerSpec {
            name: "cbc-mte",
            summary: "TLS 1.2 CBC, encrypt-then-MAC refused",
            teaches: "MAC-then-encrypt: the MAC and padding hide inside the ciphertext (the Lucky13 and POODLE family)",
            peer: Peer::Openssl(OpensslServer {
                min: Some(V1_2),
                max: Some(V1_2),
                ciphers: Some("ECDHE-RSA-AES128-SHA256"),
                no_etm: true,
                ..OpensslServer::default()
            }),
        },
        ServerSpec {
            name: "reset",
            summary: "plain TCP: reads the ClientHello, then resets the connection",
            teaches: "what Python's ConnectionResetError looks like on the wire: no ServerHello, no alert",
            peer: Peer::Reset,
        },
        ServerSpec {
            name: "plain-http",
            summary: "speaks plain HTTP, not TLS",
            teaches: "a port that is not TLS at all: the answer is not a TLS record",
            peer: Peer::PlainHttp,
        },
        ServerSpec {
            name: "silent",
            summary: "accepts the connection and never answers",
            teaches: "a handshake timeout (firewalls and overloaded servers look like this)",
            peer: Peer::Silent,
        },
    ]
    .into_iter()
    .chain(hostile_catalogue())
    .collect()
}

/// The hostile and broken peers, after the well-behaved ones.
fn hostile_catalogue() -> Vec<ServerSpec> {
    use hostile::{At, Hostile::*};
    let spec = |name, summary, teaches, h| ServerSpec {
        name,
        summary,
        teaches,
        peer: Peer::Hostile(h),
    };
    vec![
        spec(
            "garbage",
            "hostile: random bytes instead of a ServerHello",
            "the answer is not a TLS record, and tlslens says so without printing it raw",
            Garbage,
        ),
        spec(
            "huge-record",
            "hostile: a record header announcing 65,535 bytes",
            "a record larger than TLS allows (2^14 + 2048) is refused, not buffered",
            HugeRecord,
        ),
        spec(
            "truncated",
            "hostile: a ServerHello, half a Certificate, then silence",
            "a handshake cut off mid-message ends at the timeout, at the certificate stage",
            Truncated,
        ),
        spec(
            "drip",
            "hostile: the ServerHello one byte a second",
            "a slow peer is bounded by the handshake timeout, not by its patience",
            Drip,
        ),
        spec(
            "flood",
            "hostile: an endless stream of HelloRequest records",
            "the recording is capped and says so; memory stays bounded",
            Flood,
        ),
        spec(
            "alert-flood",
            "hostile: an endless stream of warning alerts",
            "warning alerts are not fatal ones; the libraries give up after a few",
            AlertFlood,
        ),
        spec(
            "huge-cert",
            "hostile: a Certificate message announcing 16 MB",
            "the libraries refuse an oversized message at the certificate stage",
            HugeCertificate,
        ),
        spec(
            "many-certs",
            "hostile: a Certificate with 500 certificates",
            "a chain longer than any library accepts",
            ManyCertificates,
        ),
        spec(
            "no-reneg",
            "hostile: a TLS 1.2 ServerHello without renegotiation_info",
            "RFC 5746: the libraries refuse a server that does not do secure renegotiation",
            NoRenegotiationInfo,
        ),
        spec(
            "accept-close",
            "hostile: accepts and closes at once",
            "an EOF before the server said anything",
            Close(At::Accept),
        ),
        spec(
            "close-hello",
            "hostile: closes after its ServerHello",
            "an EOF in the middle of the server's flight",
            Close(At::ServerHello),
        ),
        spec(
            "reset-cert",
            "hostile: resets after its Certificate",
            "a reset in the middle of the server's flight",
            Reset(At::Certificate),
        ),
    ]
}

/// The servers that are reached another way — a STARTTLS upgrade or a proxy — after
/// the TLS servers; `tlslens lab` lists them, `lab:NAME` probes the STARTTLS ones.
pub fn reach_catalogue() -> Vec<ServerSpec> {
    use super::proxy::ProxyProto;
    use crate::profile::Starttls;
    let mut out: Vec<ServerSpec> = Starttls::ALL
        .into_iter()
        .map(|proto| ServerSpec {
            name: proto.name(),
            summary: starttls_summary(proto),
            teaches: "the protocol's own dialogue comes first (see the report's dialogue), then TLS",
            peer: Peer::Starttls {
                proto,
                refuse: false,
            },
        })
        .collect();
    out.push(ServerSpec {
        name: "smtp-refuse",
        summary: "SMTP that does not offer STARTTLS and answers it with 454",
        teaches: "a refused upgrade is a starttls-refused error quoting the server, not a TLS failure",
        peer: Peer::Starttls {
            proto: Starttls::Smtp,
            refuse: true,
        },
    });
    let proxy = |name, summary, proto, auth| ServerSpec {
        name,
        summary,
        teaches: "lab:NAME probes lab:tls12 through it; the proxy's own failures (407, 403, SOCKS replies) are told apart from TLS ones",
        peer: Peer::Proxy { proto, auth },
    };
    out.extend([
        proxy(
            "http-proxy",
            "HTTP CONNECT proxy (loopback targets only)",
            ProxyProto::Http,
            false,
        ),
        proxy(
            "http-proxy-auth",
            "HTTP CONNECT proxy, user lab password tlslens",
            ProxyProto::Http,
            true,
        ),
        proxy(
            "socks5-proxy",
            "SOCKS5 proxy (loopback targets only)",
            ProxyProto::Socks5,
            false,
        ),
        proxy(
            "socks5-proxy-auth",
            "SOCKS5 proxy, user lab password tlslens",
            ProxyProto::Socks5,
            true,
        ),
    ]);
    out
}

fn starttls_summary(p: crate::profile::Starttls) -> &'static str {
    use crate::profile::Starttls::*;
    match p {
        Smtp => "SMTP: EHLO, STARTTLS, 220, then TLS",
        Imap => "IMAP: a1 STARTTLS, OK, then TLS",
        Pop3 => "POP3: STLS, +OK, then TLS",
        Ftp => "FTP: AUTH TLS, 234, then TLS",
        Xmpp => "XMPP: stream features, <starttls/>, <proceed/>, then TLS",
        Ldap => "LDAP: StartTLS extended operation, success, then TLS",
        Postgres => "PostgreSQL: SSLRequest, S, then TLS",
        Mysql => "MySQL: greeting with CLIENT_SSL, SSLRequest, then TLS",
        Irc => "IRC: STARTTLS, 670, then TLS",
        Nntp => "NNTP: STARTTLS, 382, then TLS",
        Sieve => "ManageSieve: capabilities, STARTTLS, OK, then TLS",
    }
}
