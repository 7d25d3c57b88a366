//! Real handshakes over loopback (OpenSSL server; OpenSSL and rustls clients), recorded
//! on the client side exactly as the tap records them, then decrypted with the key
//! log the client produced. No mocks: every byte came from a real TLS stack.

use super::keys::{Suite, find_secrets, hkdf_expand_label};
use super::*;
use crate::wire::mutate::{apply, apply_lines, edits, line_edits};
use crate::wire::{Body, Transcript};
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslAcceptor, SslConnector, SslMethod, SslVerifyMode, SslVersion};
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509, X509NameBuilder};
use proptest::prelude::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

pub(super) const IO_TIMEOUT: Duration = Duration::from_secs(5);
const ACCEPT_DEADLINE: Duration = Duration::from_secs(10);

pub(super) type ChunkLog = Arc<Mutex<Vec<Chunk>>>;
pub(super) type LineLog = Arc<Mutex<Vec<String>>>;

/// The tap, in miniature: every read is a server chunk, every write a client chunk.
#[derive(Debug)]
pub(super) struct Recorder {
    inner: TcpStream,
    log: ChunkLog,
    t0: Instant,
}

impl Recorder {
    fn push(&self, dir: Direction, bytes: &[u8]) {
        if let Ok(mut l) = self.log.lock() {
            l.push(Chunk {
                dir,
                at: self.t0.elapsed(),
                bytes: bytes.to_vec(),
            });
        }
    }
}

impl Read for Recorder {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.push(Direction::Server, &buf[..n]);
        }
        Ok(n)
    }
}

impl Write for Recorder {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if n > 0 {
            self.push(Direction::Client, &buf[..n]);
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// EC P-256 self-signed certificate for "localhost".
pub(super) fn self_signed() -> (PKey<Private>, X509) {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, "localhost")
        .unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    let serial = BigNum::from_u32(7).unwrap().to_asn1_integer().unwrap();
    b.set_serial_number(&serial).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    let san = SubjectAlternativeName::new()
        .dns("localhost")
        .build(&b.x509v3_context(None, None))
        .unwrap();
    b.append_extension(san).unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    (key, b.build())
}

#[derive(Clone, Copy)]
pub(super) struct ServerOpts {
    pub(super) suites: &'static str,
    pub(super) groups: Option<&'static str>,
    pub(super) require_client_cert: bool,
}

impl Default for ServerOpts {
    fn default() -> Self {
        ServerOpts {
            suites: "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
            groups: None,
            require_client_cert: false,
        }
    }
}

/// An OpenSSL TLS 1.3 server for one connection: reads "ping", answers "pong".
/// Bounded in time: accept gives up after a deadline, socket I/O has timeouts.
fn spawn_server(opts: ServerOpts) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let (key, cert) = self_signed();
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    b.set_min_proto_version(Some(SslVersion::TLS1_3)).unwrap();
    b.set_ciphersuites(opts.suites).unwrap();
    if let Some(g) = opts.groups {
        b.set_groups_list(g).unwrap();
    }
    if opts.require_client_cert {
        b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    }
    b.set_private_key(&key).unwrap();
    b.set_certificate(&cert).unwrap();
    let acceptor = b.build();
    let h = std::thread::spawn(move || {
        let start = Instant::now();
        let stream = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(_) if start.elapsed() < ACCEPT_DEADLINE => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Err(_) => return,
            }
        };
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        if let Ok(mut s) = acceptor.accept(stream) {
            let mut buf = [0u8; 64];
            if matches!(s.read(&mut buf), Ok(n) if n > 0) {
                let _ = s.write_all(b"pong");
            }
            let _ = s.shutdown();
        }
    });
    (port, h)
}

pub(super) struct Capture {
    pub(super) chunks: Vec<Chunk>,
    pub(super) keylog: Vec<String>,
    peer_der: Option<Vec<u8>>,
    /// What the client read after sending "ping".
    reply: Result<Vec<u8>, String>,
}

pub(super) fn connect(port: u16) -> (Recorder, ChunkLog) {
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    tcp.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    let log = ChunkLog::default();
    let rec = Recorder {
        inner: tcp,
        log: log.clone(),
        t0: Instant::now(),
    };
    (rec, log)
}

pub(super) fn take<T: Default>(m: &Arc<Mutex<T>>) -> T {
    std::mem::take(&mut *m.lock().unwrap())
}

/// OpenSSL client, verification off, key log collected. Sends "ping" and reads the
/// answer; with `ping` false it only reads (a server that rejects the client after
/// the handshake would otherwise reset the connection over the unread "ping", and the
/// kernel would drop its alert before the client reads it).
fn openssl_client(port: u16, suites: &str, groups: Option<&str>, ping: bool) -> Capture {
    let lines = LineLog::default();
    let mut b = SslConnector::builder(SslMethod::tls()).unwrap();
    b.set_verify(SslVerifyMode::NONE);
    b.set_min_proto_version(Some(SslVersion::TLS1_3)).unwrap();
    b.set_ciphersuites(suites).unwrap();
    if let Some(g) = groups {
        b.set_groups_list(g).unwrap();
    }
    let sink = lines.clone();
    b.set_keylog_callback(move |_, line| sink.lock().unwrap().push(line.to_string()));
    let connector = b.build();
    let (rec, log) = connect(port);
    let mut ssl = connector
        .configure()
        .unwrap()
        .verify_hostname(false)
        .connect("localhost", rec)
        .unwrap();
    let peer_der = ssl.ssl().peer_certificate().map(|c| c.to_der().unwrap());
    let sent = if ping { ssl.write_all(b"ping") } else { Ok(()) };
    let reply = sent.map_err(|e| e.to_string()).and_then(|_| {
        let mut buf = [0u8; 64];
        ssl.read(&mut buf)
            .map(|n| buf[..n].to_vec())
            .map_err(|e| e.to_string())
    });
    let _ = ssl.shutdown();
    drop(ssl);
    Capture {
        chunks: take(&log),
        keylog: take(&lines),
        peer_der,
        reply,
    }
}

pub(super) fn run_openssl(opts: ServerOpts, client_suites: &str, groups: Option<&str>) -> Capture {
    let (port, h) = spawn_server(opts);
    let cap = openssl_client(port, client_suites, groups, !opts.require_client_cert);
    h.join().unwrap();
    cap
}

fn names_from(d: &Decrypted, from: Direction) -> Vec<&'static str> {
    d.messages
        .iter()
        .filter(|m| m.from == from)
        .map(|m| m.body.name())
        .collect()
}

/// The full-handshake checks shared by the per-suite tests.
fn assert_full_handshake(cap: &Capture, suite: u16) -> Decrypted {
    assert_eq!(cap.reply.as_deref(), Ok(&b"pong"[..]));
    assert_eq!(
        Transcript::decode(&cap.chunks).negotiated_cipher(),
        Some(suite)
    );
    let d = decrypt_tls13(&cap.chunks, &cap.keylog).unwrap();
    let server = names_from(&d, Direction::Server);
    assert_eq!(
        server.get(..4),
        Some(
            &[
                "EncryptedExtensions",
                "Certificate",
                "CertificateVerify",
                "Finished"
            ][..]
        ),
        "{d:#?}"
    );
    assert!(
        server[4..].iter().all(|n| *n == "NewSessionTicket"),
        "{server:?}"
    );
    assert_eq!(names_from(&d, Direction::Client), ["Finished"]);
    assert_eq!(d.server_certificates.len(), 1);
    assert_eq!(Some(&d.server_certificates[0]), cap.peer_der.as_ref());
    assert_eq!(d.server_finished_ok, Some(true), "{:?}", d.notes);
    assert_eq!(d.client_finished_ok, Some(true), "{:?}", d.notes);
    // Only close_notify (warning 1, description 0) from the orderly shutdown.
    assert!(
        d.alerts.iter().all(|a| a.1 == 1 && a.2 == 0),
        "{:?}",
        d.alerts
    );
    assert!(d.alerts.contains(&(Direction::Client, 1, 0)));
    assert!(
        d.notes.iter().all(|n| !n.contains("did not decrypt")),
        "{:?}",
        d.notes
    );
    // Wire order: the server's Finished precedes the client's; times never go back.
    let pos = |from, name| {
        d.messages
            .iter()
            .position(|m| m.from == from && m.body.name() == name)
    };
    assert!(pos(Direction::Server, "Finished") < pos(Direction::Client, "Finished"));
    assert!(d.messages.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    // The JSON shape works (the report serialises this).
    assert!(
        serde_json::to_string(&d)
            .unwrap()
            .contains("EncryptedExtensions")
    );
    d
}

fn suite_test(name: &'static str, id: u16) {
    let opts = ServerOpts {
        suites: name,
        ..Default::default()
    };
    let cap = run_openssl(opts, name, None);
    assert_full_handshake(&cap, id);
}

#[test]
fn openssl_aes_128_gcm() {
    suite_test("TLS_AES_128_GCM_SHA256", 0x1301);
}

#[test]
fn openssl_aes_256_gcm() {
    suite_test("TLS_AES_256_GCM_SHA384", 0x1302);
}

#[test]
fn openssl_chacha20_poly1305() {
    suite_test("TLS_CHACHA20_POLY1305_SHA256", 0x1303);
}

#[test]
fn openssl_aes_128_ccm() {
    suite_test("TLS_AES_128_CCM_SHA256", 0x1304);
}

#[test]
fn openssl_aes_128_ccm_8() {
    suite_test("TLS_AES_128_CCM_8_SHA256", 0x1305);
}

/// The message split across records and records split across chunks must not matter:
/// the same capture fed one byte per chunk decrypts to the same thing.
#[test]
fn one_byte_chunks_same_result() {
    let cap = run_openssl(ServerOpts::default(), "TLS_AES_128_GCM_SHA256", None);
    let whole = decrypt_tls13(&cap.chunks, &cap.keylog).unwrap();
    let bytes: Vec<Chunk> = cap
        .chunks
        .iter()
        .flat_map(|c| {
            c.bytes.iter().map(|b| Chunk {
                dir: c.dir,
                at: c.at,
                bytes: vec![*b],
            })
        })
        .collect();
    let split = decrypt_tls13(&bytes, &cap.keylog).unwrap();
    assert_eq!(
        serde_json::to_string(&whole).unwrap(),
        serde_json::to_string(&split).unwrap()
    );
    assert_eq!(split.server_finished_ok, Some(true));
}

// ---- rustls client ----

#[derive(Debug)]
struct Lines(LineLog);

impl rustls::KeyLog for Lines {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        self.0
            .lock()
            .unwrap()
            .push(format!("{label} {} {}", hex(client_random), hex(secret)));
    }
}

/// Accepts any certificate: the test is about the bytes, not the trust.
#[derive(Debug)]
struct AcceptAny(Vec<rustls::SignatureScheme>);

impl rustls::client::danger::ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.clone()
    }
}

#[test]
fn rustls_client_aes_256_gcm_x25519() {
    use rustls::crypto::aws_lc_rs::{cipher_suite, default_provider, kx_group};
    let (port, h) = spawn_server(ServerOpts::default());
    let mut provider = default_provider();
    provider.cipher_suites = vec![cipher_suite::TLS13_AES_256_GCM_SHA384];
    provider.kx_groups = vec![kx_group::X25519];
    let schemes = provider
        .signature_verification_algorithms
        .supported_schemes();
    let lines = LineLog::default();
    let mut cfg = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAny(schemes)))
        .with_no_client_auth();
    cfg.key_log = Arc::new(Lines(lines.clone()));
    let conn =
        rustls::ClientConnection::new(Arc::new(cfg), "localhost".try_into().unwrap()).unwrap();
    let (rec, log) = connect(port);
    let mut tls = rustls::StreamOwned::new(conn, rec);
    tls.write_all(b"ping").unwrap();
    let mut buf = [0u8; 64];
    let n = tls.read(&mut buf).unwrap();
    let peer_der = tls
        .conn
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec());
    tls.conn.send_close_notify();
    let _ = tls.flush();
    drop(tls);
    h.join().unwrap();
    let cap = Capture {
        chunks: take(&log),
        keylog: take(&lines),
        peer_der,
        reply: Ok(buf[..n].to_vec()),
    };
    assert_eq!(
        Transcript::decode(&cap.chunks).negotiated_group(),
        Some(0x001d)
    );
    let d = assert_full_handshake(&cap, 0x1302);
    assert!(!d.messages.is_empty());
}

// ---- post-handshake rejection and HelloRetryRequest ----

#[test]
fn certificate_required_alert_after_handshake() {
    let opts = ServerOpts {
        require_client_cert: true,
        ..Default::default()
    };
    let cap = run_openssl(opts, "TLS_AES_128_GCM_SHA256", None);
    // The client's handshake completes; the rejection arrives as an alert afterwards.
    assert!(cap.reply.is_err(), "{:?}", cap.reply);
    let d = decrypt_tls13(&cap.chunks, &cap.keylog).unwrap();
    assert!(
        d.alerts.contains(&(Direction::Server, 2, 116)),
        "{:?} {:?}",
        d.alerts,
        d.notes
    );
    assert_eq!(
        names_from(&d, Direction::Server).get(..5),
        Some(
            &[
                "EncryptedExtensions",
                "CertificateRequest",
                "Certificate",
                "CertificateVerify",
                "Finished"
            ][..]
        )
    );
    // An empty client Certificate, no CertificateVerify, then Finished.
    assert_eq!(
        names_from(&d, Direction::Client),
        ["Certificate", "Finished"]
    );
    assert_eq!(d.server_finished_ok, Some(true));
    assert_eq!(d.client_finished_ok, Some(true));
}

#[test]
fn hello_retry_request_finished_verifies() {
    let opts = ServerOpts {
        groups: Some("X25519"),
        ..Default::default()
    };
    let cap = run_openssl(opts, "TLS_AES_256_GCM_SHA384", Some("P-256:X25519"));
    assert!(
        Transcript::decode(&cap.chunks).hello_retry(),
        "no HRR happened"
    );
    let d = assert_full_handshake(&cap, 0x1302);
    assert!(
        d.notes.iter().all(|n| !n.contains("Finished")),
        "{:?}",
        d.notes
    );
    // The key schedule shows the synthetic message_hash: type 254, 48-byte SHA-384.
    let mh = d
        .key_schedule
        .iter()
        .find(|s| s.step.starts_with("message_hash"))
        .unwrap();
    assert_eq!(mh.output[..4], [254, 0, 0, 48]);
    assert_eq!(mh.output.len(), 52);
}

// ---- hostile input ----

fn sample() -> Capture {
    run_openssl(ServerOpts::default(), "TLS_AES_128_GCM_SHA256", None)
}

#[test]
fn wrong_secret_gives_notes() {
    let cap = sample();
    for label in [
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_TRAFFIC_SECRET_0",
    ] {
        let keylog: Vec<String> = cap
            .keylog
            .iter()
            .map(|l| {
                if !l.starts_with(&format!("{label} ")) {
                    return l.clone();
                }
                // Flip the last hex digit of the secret.
                let mut s = l.clone();
                let last = if s.ends_with('0') { '1' } else { '0' };
                s.pop();
                s.push(last);
                s
            })
            .collect();
        let d = decrypt_tls13(&cap.chunks, &keylog).unwrap();
        assert!(
            d.notes.iter().any(|n| n.contains("did not decrypt")),
            "{label}: {:?}",
            d.notes
        );
        match label {
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => {
                assert_eq!(d.server_finished_ok, None);
                assert!(d.server_certificates.is_empty());
            }
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => {
                assert_eq!(d.server_finished_ok, Some(true));
                assert_eq!(d.client_finished_ok, None);
            }
            _ => {
                assert_eq!(d.server_finished_ok, Some(true));
                assert_eq!(d.client_finished_ok, Some(true));
                assert!(!names_from(&d, Direction::Server).contains(&"NewSessionTicket"));
            }
        }
    }
}

#[test]
fn missing_secrets_are_errors_in_words() {
    let cap = sample();
    let e = decrypt_tls13(&cap.chunks, &[]).unwrap_err();
    assert!(e.contains("no key-log lines"), "{e}");
    let other = vec![format!(
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET {} {}",
        "ab".repeat(32),
        "cd".repeat(32)
    )];
    let e = decrypt_tls13(&cap.chunks, &other).unwrap_err();
    assert!(e.contains("random"), "{e}");
    let only_exporter: Vec<String> = cap
        .keylog
        .iter()
        .filter(|l| l.starts_with("EXPORTER_SECRET"))
        .cloned()
        .collect();
    let e = decrypt_tls13(&cap.chunks, &only_exporter).unwrap_err();
    assert!(e.contains("no TLS 1.3 traffic secrets"), "{e}");
    // Only the client's side: server records stay encrypted, with a note.
    let client_only: Vec<String> = cap
        .keylog
        .iter()
        .filter(|l| l.starts_with("CLIENT_"))
        .cloned()
        .collect();
    let d = decrypt_tls13(&cap.chunks, &client_only).unwrap();
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("SERVER_HANDSHAKE_TRAFFIC_SECRET"))
    );
    assert_eq!(names_from(&d, Direction::Client), ["Finished"]);
    assert_eq!(d.client_finished_ok, None);
    // The whole key log as one string (a file) works too.
    let joined = vec![format!("# a comment\n{}\n", cap.keylog.join("\n"))];
    assert_eq!(
        decrypt_tls13(&cap.chunks, &joined)
            .unwrap()
            .server_finished_ok,
        Some(true)
    );
}

#[test]
fn no_handshake_is_an_error() {
    assert!(decrypt_tls13(&[], &[]).unwrap_err().contains("ClientHello"));
    let cap = sample();
    let client_only: Vec<Chunk> = cap
        .chunks
        .iter()
        .filter(|c| c.dir == Direction::Client)
        .cloned()
        .collect();
    let e = decrypt_tls13(&client_only, &cap.keylog).unwrap_err();
    assert!(e.contains("ServerHello"), "{e}");
    let garbage = vec![Chunk {
        dir: Direction::Server,
        at: Duration::ZERO,
        bytes: b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec(),
    }];
    assert!(decrypt_tls13(&garbage, &cap.keylog).is_err());
}

#[test]
fn tls12_is_an_error() {
    let (key, cert) = self_signed();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    b.set_max_proto_version(Some(SslVersion::TLS1_2)).unwrap();
    b.set_private_key(&key).unwrap();
    b.set_certificate(&cert).unwrap();
    let acceptor = b.build();
    let h = std::thread::spawn(move || {
        // connect() below happens right away, so a blocking accept is bounded.
        if let Ok((s, _)) = listener.accept() {
            let _ = s.set_read_timeout(Some(IO_TIMEOUT));
            let _ = s.set_write_timeout(Some(IO_TIMEOUT));
            if let Ok(mut s) = acceptor.accept(s) {
                let _ = s.shutdown();
            }
        }
    });
    let lines = LineLog::default();
    let mut c = SslConnector::builder(SslMethod::tls()).unwrap();
    c.set_verify(SslVerifyMode::NONE);
    let sink = lines.clone();
    c.set_keylog_callback(move |_, line| sink.lock().unwrap().push(line.to_string()));
    let (rec, log) = connect(port);
    let s = c
        .build()
        .configure()
        .unwrap()
        .verify_hostname(false)
        .connect("localhost", rec)
        .unwrap();
    drop(s);
    h.join().unwrap();
    let e = decrypt_tls13(&take(&log), &take(&lines)).unwrap_err();
    assert!(e.contains("TLSv1.2") || e.contains("TLS 1.2"), "{e}");
}

#[test]
fn truncated_captures_never_panic() {
    let cap = sample();
    let total: usize = cap.chunks.iter().map(|c| c.bytes.len()).sum();
    let mut cut = 0;
    while cut < total {
        let mut left = cut;
        let mut chunks = Vec::new();
        for c in &cap.chunks {
            if left == 0 {
                break;
            }
            let n = c.bytes.len().min(left);
            chunks.push(Chunk {
                bytes: c.bytes[..n].to_vec(),
                ..c.clone()
            });
            left -= n;
        }
        if let Ok(d) = decrypt_tls13(&chunks, &cap.keylog) {
            assert_ne!(d.server_finished_ok, Some(false));
        }
        cut += 3;
    }
}

/// A real TLS 1.3 capture with a client certificate request, made once for all cases.
fn mutation_sample() -> &'static Capture {
    static CAP: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    CAP.get_or_init(|| {
        run_openssl(
            ServerOpts {
                require_client_cert: true,
                ..Default::default()
            },
            "TLS_CHACHA20_POLY1305_SHA256",
            None,
        )
    })
}

/// What any decryption of `chunks` must respect: bounded notes, no more records,
/// messages or application bytes than the input could hold, serialisable.
pub(super) fn check_bounded(chunks: &[Chunk], d: &Decrypted) {
    let input: usize = chunks.iter().map(|c| c.bytes.len()).sum();
    assert!(d.notes.len() <= MAX_NOTES);
    assert!(
        d.records.len() <= input / 5 + 1,
        "{} records",
        d.records.len()
    );
    assert!(d.messages.len() <= input, "{} messages", d.messages.len());
    assert_eq!(d.messages.len(), d.raw_messages.len());
    let app: usize = d.app_data.iter().map(|(_, b)| b.len()).sum();
    assert!(app <= input, "{app} application bytes from {input}");
    serde_json::to_string(d).unwrap();
}

proptest! {
    #![proptest_config(crate::wire::mutate::cases(512))]

    /// A real capture mutated (flips, truncations, splices, length edits, chunks
    /// dropped, duplicated, re-split, turned), with its key log intact or damaged.
    #[test]
    fn mutated_captures_never_panic(es in edits(), ls in line_edits()) {
        let cap = mutation_sample();
        let chunks = apply(&cap.chunks, &es);
        let keylog = apply_lines(&cap.keylog, &ls);
        if let Ok(d) = decrypt_tls13(&chunks, &keylog) {
            check_bounded(&chunks, &d);
        }
    }
}

#[test]
fn hostile_lengths_are_bounded() {
    let cap = sample();
    let mut chunks = cap.chunks.clone();
    // A server "record" claiming 65535 bytes, and a ClientHello claiming 16 MiB.
    chunks.insert(
        1,
        Chunk {
            dir: Direction::Server,
            at: Duration::ZERO,
            bytes: vec![23, 3, 3, 0xff, 0xff],
        },
    );
    let _ = decrypt_tls13(&chunks, &cap.keylog);
    let huge_ch = vec![Chunk {
        dir: Direction::Client,
        at: Duration::ZERO,
        bytes: vec![22, 3, 1, 0, 4, 1, 0xff, 0xff, 0xff],
    }];
    let e = decrypt_tls13(&huge_ch, &cap.keylog).unwrap_err();
    assert!(e.contains("ClientHello"), "{e}");
}

// ---- key schedule against RFC 8448 §3 (Simple 1-RTT Handshake) ----

pub(super) fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn rfc8448_server_handshake_keys() {
    let secret = unhex(
        "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38",
    );
    let md = MessageDigest::sha256();
    assert_eq!(
        hkdf_expand_label(md, &secret, "key", &[], 16).unwrap(),
        unhex("3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc")
    );
    assert_eq!(
        hkdf_expand_label(md, &secret, "iv", &[], 12).unwrap(),
        unhex("5d 31 3e b2 67 12 76 ee 13 00 0b 30")
    );
    assert!(Suite::from_id(0x1301).is_some() && Suite::from_id(0xc02f).is_none());
}

#[test]
fn keylog_parsing() {
    let random = [0x11u8; 32];
    let r = "11".repeat(32);
    let lines = vec![
        format!(
            "# comment\nSERVER_HANDSHAKE_TRAFFIC_SECRET {r} {}",
            "22".repeat(32)
        ),
        format!("SERVER_HANDSHAKE_TRAFFIC_SECRET {r} {}", "33".repeat(32)),
        format!(
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET {} {}",
            r.to_uppercase(),
            "zz"
        ),
        format!("CLIENT_RANDOM {r} {}", "44".repeat(48)),
        "garbage".into(),
        format!(
            "SERVER_TRAFFIC_SECRET_0 {} {}",
            "55".repeat(32),
            "66".repeat(32)
        ),
    ];
    let (s, total) = find_secrets(&lines, &random);
    assert_eq!(total, 5);
    assert_eq!(s.matched, 4);
    assert_eq!(s.server_handshake, Some(vec![0x22; 32]));
    assert_eq!(s.client_handshake, None);
    assert_eq!(s.malformed, 1);
    assert!(s.tls12_master);
    assert!(s.server_app.is_none());
}

#[test]
fn decrypted_messages_decode_like_the_wire_decoder() {
    let cap = sample();
    let d = decrypt_tls13(&cap.chunks, &cap.keylog).unwrap();
    let Some(Body::Certificate(c)) = d
        .messages
        .iter()
        .map(|m| &m.body)
        .find(|b| matches!(b, Body::Certificate(_)))
    else {
        panic!("no certificate");
    };
    assert!(c.tls13);
    assert_eq!(c.count, 1);
    assert!(d.messages.iter().all(|m| m.at_ms >= 0.0));
}

// ---- 0-RTT: early data held until the ServerHello, then EndOfEarlyData in the transcript ----

/// An OpenSSL server for two connections on one context (so the second can resume
/// with the first one's ticket) that accepts up to 1 KiB of early data. Returns the
/// early data it read on the second connection.
fn spawn_early_data_server() -> (u16, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let (key, cert) = self_signed();
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    b.set_min_proto_version(Some(SslVersion::TLS1_3)).unwrap();
    b.set_ciphersuites("TLS_AES_128_GCM_SHA256").unwrap();
    b.set_max_early_data(1024).unwrap();
    b.set_private_key(&key).unwrap();
    b.set_certificate(&cert).unwrap();
    let ctx = b.build().into_context();
    let h = std::thread::spawn(move || {
        let start = Instant::now();
        let mut early = Vec::new();
        for _ in 0..2 {
            let tcp = loop {
                match listener.accept() {
                    Ok((s, _)) => break s,
                    Err(_) if start.elapsed() < ACCEPT_DEADLINE => {
                        std::thread::sleep(Duration::from_millis(5))
                    }
                    Err(_) => return early,
                }
            };
            let _ = tcp.set_nonblocking(false);
            let _ = tcp.set_read_timeout(Some(IO_TIMEOUT));
            let _ = tcp.set_write_timeout(Some(IO_TIMEOUT));
            let Ok(mut ssl) = openssl::ssl::Ssl::new(&ctx) else {
                return early;
            };
            // SSL_read_early_data needs the role set before the handshake starts.
            ssl.set_accept_state();
            let Ok(mut s) = openssl::ssl::SslStream::new(ssl, tcp) else {
                return early;
            };
            early.clear();
            let mut buf = [0u8; 64];
            while let Ok(n @ 1..) = s.read_early_data(&mut buf) {
                early.extend_from_slice(&buf[..n]);
            }
            if s.accept().is_ok() && matches!(s.read(&mut buf), Ok(n) if n > 0) {
                let _ = s.write_all(b"pong");
            }
            let _ = s.shutdown();
        }
        early
    });
    (port, h)
}

#[test]
fn zero_rtt_early_data() {
    let (port, h) = spawn_early_data_server();
    let lines = LineLog::default();
    let mut b = SslConnector::builder(SslMethod::tls()).unwrap();
    b.set_verify(SslVerifyMode::NONE);
    b.set_min_proto_version(Some(SslVersion::TLS1_3)).unwrap();
    let sink = lines.clone();
    b.set_keylog_callback(move |_, line| sink.lock().unwrap().push(line.to_string()));
    let connector = b.build();
    // First connection: full handshake, keep the ticket.
    let (rec, _) = connect(port);
    let mut first = connector
        .configure()
        .unwrap()
        .verify_hostname(false)
        .connect("localhost", rec)
        .unwrap();
    first.write_all(b"ping").unwrap();
    let mut buf = [0u8; 64];
    assert_eq!(first.read(&mut buf).unwrap(), 4);
    let session = first.ssl().session().unwrap().to_owned();
    assert!(session.max_early_data() > 0);
    let _ = first.shutdown();
    drop(first);
    // Second connection: resume and send 0-RTT data.
    let (rec, log) = connect(port);
    let mut ssl = connector
        .configure()
        .unwrap()
        .verify_hostname(false)
        .into_ssl("localhost")
        .unwrap();
    // SAFETY: the session came from a connection of this same connector's context.
    unsafe { ssl.set_session(&session).unwrap() };
    ssl.set_connect_state();
    let mut s = openssl::ssl::SslStream::new(ssl, rec).unwrap();
    s.write_early_data(b"early!").unwrap();
    s.connect().unwrap();
    s.write_all(b"ping").unwrap();
    assert_eq!(s.read(&mut buf).unwrap(), 4);
    assert!(s.ssl().session_reused());
    let _ = s.shutdown();
    drop(s);
    let early = h.join().unwrap();
    assert_eq!(early, b"early!");
    let chunks = take(&log);
    // The key log holds both connections' lines: the random picks the right ones.
    let keylog = take(&lines);
    assert!(
        keylog
            .iter()
            .any(|l| l.starts_with("CLIENT_EARLY_TRAFFIC_SECRET"))
    );
    let d = decrypt_tls13(&chunks, &keylog).unwrap();
    assert_eq!(
        names_from(&d, Direction::Server).get(..2),
        Some(&["EncryptedExtensions", "Finished"][..])
    );
    assert_eq!(
        names_from(&d, Direction::Client).len(),
        2,
        "{:?}",
        d.messages
    );
    assert!(
        matches!(&d.messages.iter().find(|m| m.from == Direction::Client).unwrap().body,
            Body::Unknown(u) if u.msg_type == 5),
        "EndOfEarlyData first"
    );
    assert_eq!(d.server_finished_ok, Some(true), "{:?}", d.notes);
    assert_eq!(d.client_finished_ok, Some(true), "{:?}", d.notes);
    assert!(d.server_certificates.is_empty());
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("2 0-RTT record(s)") && n.contains("6 bytes")),
        "{:?}",
        d.notes
    );
}
