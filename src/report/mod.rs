//! What happened: the contract the CLI (`--json`), the tests and the TUI share.

use crate::backend::{BackendId, Verify};
use crate::certinfo::CertInfo;
use crate::net::AddrAttempt;
use crate::wire::Transcript;
use serde::Serialize;

mod finding;
pub use finding::{Alternative, Candidate, Finding, LevelResult, Severity};

#[derive(Clone, Debug, Serialize)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub sni: Option<String>,
    /// The name the certificate is checked against.
    pub verify_name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub target: Target,
    /// Settings in effect that weaken security, in words.
    pub weakened: Vec<String>,
    pub results: Vec<BackendReport>,
    /// With `--explain`: whether the openssl backend connects at each security level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<LevelResult>>,
    pub tool: ToolInfo,
    /// The key log this run appended to (`--keylog` or `SSLKEYLOGFILE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keylog: Option<KeylogWritten>,
}

/// What a run wrote to its key log (`keylog` in JSON).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct KeylogWritten {
    pub file: String,
    /// `--keylog` or `SSLKEYLOGFILE`.
    pub source: &'static str,
    /// NSS lines appended by this run.
    pub lines: usize,
    /// Backends that ran and cannot hand over their secrets (native-tls).
    pub cannot: Vec<BackendId>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ToolInfo {
    pub version: &'static str,
    pub openssl: String,
    pub rustls: &'static str,
}

impl ToolInfo {
    pub fn current() -> Self {
        ToolInfo {
            version: env!("CARGO_PKG_VERSION"),
            openssl: crate::backend::openssl::library_version(),
            rustls: crate::backend::rustls::LIBRARY,
        }
    }
}

impl Report {
    /// Every selected backend completed the handshake and verification.
    /// Every selected backend connected and verified; a client whose runtime is not
    /// installed is not a failure.
    pub fn all_ok(&self) -> bool {
        self.results.iter().all(|r| r.ok || r.not_installed())
    }
    pub fn result(&self, b: BackendId) -> Option<&BackendReport> {
        self.results.iter().find(|r| r.backend == b)
    }
}

/// The classified kinds of failure (DESIGN.md `error.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    Refused,
    Dns,
    ConnectTimeout,
    Reset,
    Eof,
    Alert,
    Certificate,
    HandshakeTimeout,
    Protocol,
    Unsupported,
    Io,
    /// The proxy wants credentials, or refused ours (HTTP 407, SOCKS5 auth).
    ProxyAuth,
    /// The proxy does not allow the tunnel (HTTP 403, SOCKS5 ruleset).
    ProxyDenied,
    /// The proxy could not make the tunnel (HTTP 5xx, SOCKS5 unreachable/refused).
    ProxyError,
    /// The server refused the protocol's upgrade to TLS (its answer is quoted).
    StarttlsRefused,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::Dns => "dns",
            Self::ConnectTimeout => "connect-timeout",
            Self::Reset => "reset",
            Self::Eof => "eof",
            Self::Alert => "alert",
            Self::Certificate => "certificate",
            Self::HandshakeTimeout => "handshake-timeout",
            Self::Protocol => "protocol",
            Self::Unsupported => "unsupported",
            Self::Io => "io",
            Self::ProxyAuth => "proxy-auth",
            Self::ProxyDenied => "proxy-denied",
            Self::ProxyError => "proxy-error",
            Self::StarttlsRefused => "starttls-refused",
        }
    }
}

/// Where in the handshake it went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Before any byte: the profile asks for what this stack cannot do.
    Setup,
    Connect,
    /// Connecting to the proxy, or its tunnel to the target.
    Proxy,
    /// The protocol's own dialogue before TLS (SMTP STARTTLS, PostgreSQL SSLRequest, …).
    Starttls,
    /// Waiting for, or processing, the ServerHello.
    ServerHello,
    Certificate,
    KeyExchange,
    /// Encrypted TLS 1.3 flight (EncryptedExtensions .. Finished).
    EncryptedHandshake,
    Finished,
    AfterHandshake,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Setup => "setup",
            Self::Connect => "connect",
            Self::Proxy => "proxy",
            Self::Starttls => "starttls",
            Self::ServerHello => "server-hello",
            Self::Certificate => "certificate",
            Self::KeyExchange => "key-exchange",
            Self::EncryptedHandshake => "encrypted-handshake",
            Self::Finished => "finished",
            Self::AfterHandshake => "after-handshake",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub stage: Stage,
    /// RFC 8446 snake_case name of the alert that ended it, if one did.
    pub alert: Option<String>,
    /// Who sent that alert: "server" or "client".
    pub alert_from: Option<&'static str>,
    /// The library's own text.
    pub message: String,
    /// What happened, in words.
    pub detail: String,
}

/// What the server chose, from its ServerHello, even if the handshake then failed.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ServerChoice {
    pub version: Option<String>,
    pub cipher: Option<String>,
    pub group: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Timing {
    /// TCP connect, plus the proxy's tunnel when there is one.
    pub connect: Option<f64>,
    /// The STARTTLS dialogue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starttls: Option<f64>,
    pub handshake: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Unsupported {
    pub field: &'static str,
    pub why: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct BackendReport {
    pub backend: BackendId,
    pub library: String,
    pub ok: bool,
    pub version: Option<String>,
    pub cipher: Option<String>,
    pub cipher_openssl: Option<String>,
    pub group: Option<String>,
    pub alpn: Option<String>,
    pub verify: Verify,
    pub error: Option<ErrorReport>,
    /// Profile fields this backend could not honour.
    pub unsupported: Vec<&'static str>,
    pub unsupported_why: Vec<Unsupported>,
    pub server_hello: Option<ServerChoice>,
    /// A real client (python, curl, s_client, java, node): its exit status and its own
    /// words, beside tlslens' classification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<crate::backend::clients::ClientRun>,
    /// JA3/JA4 of the (first) ClientHello this backend sent, from the wire.
    pub fingerprint: Option<crate::fingerprint::Fingerprint>,
    pub timing_ms: Timing,
    pub address: Option<String>,
    /// The proxy connected through (password redacted; `(from HTTPS_PROXY)` when the
    /// environment chose it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// What was said before TLS: the proxy's and the STARTTLS protocol's dialogue,
    /// sanitised, passwords redacted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dialogue: Vec<crate::net::Exchange>,
    pub addresses_tried: Vec<AddrAttempt>,
    pub certificates: Vec<CertInfo>,
    /// `certificates` holds only the leaf: the stack hides the rest of the chain and the
    /// wire could not show it (native-tls over TLS 1.3, whose keys it keeps).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub chain_leaf_only: bool,
    /// The decoded messages in wire order (DESIGN.md: an array).
    #[serde(serialize_with = "messages_only")]
    pub transcript: Transcript,
    /// The TLS 1.3 encrypted flight, decrypted with the session's own key-log secrets
    /// (every backend hands them over but native-tls and java).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decrypted: Option<crate::decrypt::Decrypted>,
    /// Records counted as encrypted, per direction.
    pub encrypted: crate::wire::EncryptedCounts,
    /// Decoder remarks: truncated records, non-TLS bytes, oversize messages.
    pub wire_notes: Vec<String>,
    /// Where the wire and the library's own API disagree: a bug to surface.
    pub mismatches: Vec<String>,
    pub diagnosis: Vec<Finding>,
    /// The library says this handshake resumed an earlier session.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reused: bool,
    /// `--resume`: the second connection, offering what this one received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed: Option<Box<BackendReport>>,
    #[serde(skip)]
    pub keylog: Vec<String>,
    /// Every byte both ways, as recorded (for the ladder's hex view and decryption).
    #[serde(skip)]
    pub wire: Vec<crate::wire::Chunk>,
}

fn messages_only<S: serde::Serializer>(t: &Transcript, s: S) -> Result<S::Ok, S::Error> {
    t.messages.serialize(s)
}

impl BackendReport {
    /// Drop what only the detail views use (the recording, transcript, decryption,
    /// certificates, dialogue, key log, the resumed connection), keeping the outcome:
    /// version, cipher, error, verification, findings.
    pub fn release_detail(&mut self) {
        self.wire = Vec::new();
        self.transcript = Transcript::default();
        self.decrypted = None;
        self.keylog = Vec::new();
        self.dialogue = Vec::new();
        self.certificates = Vec::new();
        self.wire_notes = Vec::new();
        self.resumed = None;
    }

    /// A client backend whose program is not on this machine.
    pub fn not_installed(&self) -> bool {
        self.client.as_ref().is_some_and(|c| !c.installed)
    }

    /// One line per transcript message ("C → ClientHello …"), sanitised, for text
    /// output and the TUI's transcript pane; the dialogue before TLS (proxy, STARTTLS)
    /// comes first, each line tagged with its `[via]`.
    pub fn transcript_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .dialogue
            .iter()
            .map(|e| {
                let arrow = if e.from == "client" { "C →" } else { "S ←" };
                crate::text::sanitize(&format!("{arrow} [{}] {}", e.via, e.text), 200)
            })
            .collect();
        let Ok(serde_json::Value::Array(msgs)) = serde_json::to_value(&self.transcript.messages)
        else {
            return lines;
        };
        lines.extend(msgs.iter().take(500).map(|m| {
            let from = m.get("from").and_then(|v| v.as_str()).unwrap_or("?");
            let name = m.get("message").and_then(|v| v.as_str()).unwrap_or("?");
            let arrow = if from == "client" { "C →" } else { "S ←" };
            let mut extra = Vec::new();
            for key in [
                "legacy_version",
                "supported_versions",
                "version",
                "cipher_suites",
                "cipher_suite",
                "server_name",
                "key_shares",
                "key_share",
                "kex",
                "group",
                "signature",
                "alpn",
                "certificates",
                "level",
                "description",
                "count",
            ] {
                let Some(v) = m.get(key) else { continue };
                let shown = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Array(a) if key == "key_shares" => a
                        .iter()
                        .filter_map(|x| x.get("group").and_then(|g| g.as_str()))
                        .collect::<Vec<_>>()
                        .join(","),
                    serde_json::Value::Array(a)
                        if a.len() <= 4 && a.iter().all(|x| x.is_string()) =>
                    {
                        a.iter()
                            .filter_map(|x| x.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    }
                    serde_json::Value::Array(a) => format!("{} items", a.len()),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Object(o) => match o.get("group").and_then(|g| g.as_str()) {
                        Some(g) => g.to_string(),
                        None => continue,
                    },
                    _ => continue,
                };
                extra.push(format!("{key}={shown}"));
            }
            crate::text::sanitize(&format!("{arrow} {name} {}", extra.join(" ")), 200)
        }));
        lines
    }
}
