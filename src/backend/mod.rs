//! The TLS stacks behind one small trait. Each drives a real handshake over the wire
//! tap and reports what its own API exposes; the probe fills the rest from the wire.

pub mod clients;
pub mod native;
mod oid;
pub mod openssl;
pub mod rustls;

use crate::materials::Materials;
use crate::profile::Profile;
use crate::tap::Tap;
use serde::Serialize;
use std::time::Duration;

pub use crate::profile::BackendId;

impl BackendId {
    /// The stack behind this name.
    pub fn backend(self) -> &'static dyn Backend {
        match self {
            Self::NativeTls => &native::NativeTls,
            Self::Openssl => &openssl::OpenSsl,
            Self::Rustls => &rustls::Rustls,
            Self::Python => &clients::PYTHON,
            Self::Curl => &clients::CURL,
            Self::SClient => &clients::S_CLIENT,
            Self::Java => &clients::JAVA,
            Self::Node => &clients::NODE,
        }
    }
}

/// A profile field a backend cannot honour, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    pub field: &'static str,
    pub why: String,
}

/// The verification verdict as the stack computed it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verify {
    /// true: verified; false: did not; None: not known (no certificate seen, or the
    /// stack does not say).
    pub ok: Option<bool>,
    /// The library's own reason.
    pub reason: Option<String>,
    /// Whether the certificate matched the host name, where checked separately.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_ok: Option<bool>,
}

/// A failure as the stack described it, plus whatever it told us structurally.
#[derive(Clone, Debug, Default)]
pub struct LibError {
    pub message: String,
    /// An alert the stack says it received from the peer.
    pub alert_received: Option<u8>,
    /// The stack refused the peer's certificate.
    pub certificate: bool,
    /// The stack could not even try (the profile asks for what it cannot do).
    pub not_attempted: bool,
}

impl LibError {
    /// The stack could not be set up for this profile: nothing was sent.
    pub fn setup(stack: &str, e: impl std::fmt::Display) -> LibError {
        LibError {
            message: format!("{stack} setup failed: {e}"),
            not_attempted: true,
            ..LibError::default()
        }
    }
}

/// What one backend's own API reported for one attempt.
#[derive(Clone, Debug, Default)]
pub struct LibView {
    pub handshake_done: bool,
    pub handshake_time: Duration,
    pub version: Option<String>,
    /// IANA name.
    pub cipher: Option<String>,
    pub cipher_openssl: Option<String>,
    pub group: Option<String>,
    pub alpn: Option<String>,
    /// DER chain as the stack exposes it (leaf first).
    pub chain: Vec<Vec<u8>>,
    /// The stack exposes only the leaf of whatever chain the server sent.
    pub leaf_only: bool,
    pub verify: Verify,
    pub error: Option<LibError>,
    /// A failure after the handshake completed (TLS 1.3 client-certificate rejection).
    pub post_handshake: Option<LibError>,
    /// NSS key-log lines.
    pub keylog: Vec<String>,
    /// The library and version that did the work.
    pub library: String,
    /// A real client program: what it did and said.
    pub client: Option<clients::ClientRun>,
    /// A client's own upgrade dialogue, answered by its relay (`via` "relay"), which
    /// follows the real one with the server in the report.
    pub relay_dialogue: Vec<crate::net::talk::Exchange>,
    /// What this stack keeps to resume the session in another connection.
    pub resume: Option<Resume>,
    /// The library says this handshake resumed an earlier session.
    pub reused: bool,
    /// The TLS 1.3 resumption PSK the library derived from the ticket (OpenSSL hands
    /// it over), for checking the binder of the connection that uses it.
    pub resumption_psk: Option<Vec<u8>>,
}

/// A session one connection received, for the next connection to offer
/// (session ID or ticket in TLS 1.2, a PSK ticket in TLS 1.3).
#[derive(Clone)]
pub enum Resume {
    Openssl(openssl::OsslResume),
    Rustls(rustls::RustlsResume),
}

impl std::fmt::Debug for Resume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Resume::Openssl(_) => "Resume(openssl)",
            Resume::Rustls(_) => "Resume(rustls)",
        })
    }
}

/// One TLS stack.
pub trait Backend: Sync {
    fn id(&self) -> BackendId;
    /// Profile fields this stack cannot honour for this profile.
    fn unsupported(&self, p: &Profile) -> Vec<Unsupported>;
    /// Handshake over the tap, then close politely and listen briefly for a
    /// post-handshake alert. With `resume`, offer the session an earlier connection
    /// received. Never panics on anything the peer sends.
    fn handshake(&self, p: &Profile, m: &Materials, tap: Tap, resume: Option<&Resume>) -> LibView;

    /// The same, with the target connection made by `connect` when the backend is
    /// ready for it (None: it could not be made; the caller reports why). A client
    /// program first starts and connects to the relay, which may take seconds (a JVM):
    /// connecting earlier would let the server's idle timeout run meanwhile.
    /// `cancelled` says whether the attempt was cancelled while waiting.
    fn handshake_late(
        &self,
        p: &Profile,
        m: &Materials,
        connect: &mut dyn FnMut() -> Option<Tap>,
        cancelled: &dyn Fn() -> bool,
        resume: Option<&Resume>,
    ) -> LibView {
        let _ = cancelled;
        match connect() {
            Some(tap) => self.handshake(p, m, tap, resume),
            None => LibView::default(),
        }
    }
}

/// How long to wait after the handshake for the server's reaction to our Finished
/// (a TLS 1.3 server rejecting the client certificate alerts only then).
pub const SETTLE: Duration = Duration::from_millis(400);

/// ALPN protocols in wire format.
pub fn alpn_wire(list: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in list {
        if let Ok(n) = u8::try_from(a.len()) {
            out.push(n);
            out.extend_from_slice(a.as_bytes());
        }
    }
    out
}

/// OpenSSL spells received alerts in its error text ("tlsv1 alert protocol version",
/// "sslv3 alert handshake failure", "tlsv13 alert certificate required"): recover the code.
pub fn alert_from_openssl_text(text: &str) -> Option<u8> {
    let lower = text.to_ascii_lowercase();
    let idx = lower.find(" alert ")?;
    let rest = &lower[idx + " alert ".len()..];
    let mut best: Option<(usize, u8)> = None;
    for code in 0u8..=255 {
        let name = crate::wire::names::alert_name(code);
        if name.starts_with("alert_") || name.starts_with("0x") {
            continue;
        }
        let spaced = name.replace('_', " ");
        if rest.starts_with(&spaced) && best.is_none_or(|(len, _)| spaced.len() > len) {
            best = Some((spaced.len(), code));
        }
    }
    // OpenSSL's own spellings that differ from RFC names.
    if best.is_none() {
        for (spelling, code) in [
            ("bad record mac", 20u8),
            ("unknown ca", 48),
            ("decrypt error", 51),
            ("no renegotiation", 100),
            ("unsupported extension", 110),
        ] {
            if rest.starts_with(spelling) {
                return Some(code);
            }
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_names_roundtrip() {
        for b in BackendId::ALL.into_iter().chain(BackendId::CLIENTS) {
            assert_eq!(BackendId::parse(b.name()), Some(b));
            assert_eq!(b.backend().id(), b);
        }
        assert_eq!(BackendId::parse("gnutls"), None);
    }

    #[test]
    fn alpn_wire_format() {
        assert_eq!(
            alpn_wire(&["h2".into(), "http/1.1".into()]),
            b"\x02h2\x08http/1.1"
        );
    }
}
