//! Which TLS stack a profile asks for, by name. The stacks themselves live in
//! `crate::backend`, which adds `BackendId::backend()`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackendId {
    NativeTls,
    Openssl,
    Rustls,
}

impl BackendId {
    pub const ALL: [BackendId; 3] = [Self::NativeTls, Self::Openssl, Self::Rustls];

    pub fn name(self) -> &'static str {
        match self {
            Self::NativeTls => "native-tls",
            Self::Openssl => "openssl",
            Self::Rustls => "rustls",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "native-tls" | "native" | "nativetls" => Some(Self::NativeTls),
            "openssl" => Some(Self::Openssl),
            "rustls" => Some(Self::Rustls),
            _ => None,
        }
    }
}

impl fmt::Display for BackendId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
