//! tlslens: look inside TLS handshakes with several real TLS stacks side by side.
//!
//! The engine (profile, backends, wire, report, probe, lab) knows nothing of the
//! terminal; the CLI and the TUI are thin front ends over the same [`report::Report`].

pub mod backend;
pub mod cancel;
pub mod certinfo;
pub mod cli;
pub mod lab;
pub mod materials;
pub mod net;
pub mod ossl;
pub mod probe;
pub mod profile;
pub mod report;
pub mod tap;
pub mod text;
pub mod wire;

pub mod decrypt;
pub mod diagnose;
pub mod diff;
pub mod explain;
pub mod export;
pub mod tui;
