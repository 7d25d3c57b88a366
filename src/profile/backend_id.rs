//! Which TLS stack a profile asks for, by name. The stacks themselves live in
//! `crate::backend`, which adds `BackendId::backend()`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which stack: one of the three in-process TLS stacks, or a real client program run
/// through the recording relay (`crate::backend::clients`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackendId {
    NativeTls,
    Openssl,
    Rustls,
    /// Python's `ssl` module (`python3`).
    Python,
    /// `curl` (with whatever TLS library it was built with; OpenSSL on Debian).
    Curl,
    /// `openssl s_client`.
    #[serde(rename = "s_client")]
    SClient,
    /// Java's JSSE (`java File.java`).
    Java,
    /// Node.js `tls.connect` (`node`).
    Node,
}

impl BackendId {
    /// The three in-process stacks (`--backend all`).
    pub const ALL: [BackendId; 3] = [Self::NativeTls, Self::Openssl, Self::Rustls];
    /// The real clients (`--backend clients`).
    pub const CLIENTS: [BackendId; 5] = [
        Self::Python,
        Self::Curl,
        Self::SClient,
        Self::Java,
        Self::Node,
    ];

    /// A real client program rather than an in-process stack.
    pub fn is_client(self) -> bool {
        Self::CLIENTS.contains(&self)
    }

    /// Whether this stack takes an OpenSSL security level (directly or in its cipher
    /// string): the OpenSSL library and the clients built on it. Not native-tls (no
    /// knob), rustls (not OpenSSL) or Java (JSSE has its own policy).
    pub fn sets_seclevel(self) -> bool {
        matches!(
            self,
            Self::Openssl | Self::Python | Self::Curl | Self::SClient | Self::Node
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::NativeTls => "native-tls",
            Self::Openssl => "openssl",
            Self::Rustls => "rustls",
            Self::Python => "python",
            Self::Curl => "curl",
            Self::SClient => "s_client",
            Self::Java => "java",
            Self::Node => "node",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "native-tls" | "native" | "nativetls" => Some(Self::NativeTls),
            "openssl" => Some(Self::Openssl),
            "rustls" => Some(Self::Rustls),
            "python" | "python3" | "py" => Some(Self::Python),
            "curl" => Some(Self::Curl),
            "s_client" | "s-client" | "sclient" => Some(Self::SClient),
            "java" | "jsse" => Some(Self::Java),
            "node" | "nodejs" => Some(Self::Node),
            _ => None,
        }
    }
}

impl fmt::Display for BackendId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
