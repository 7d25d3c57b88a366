//! tlslens: look inside TLS handshakes with several real TLS stacks side by side.
//!
//! The engine (profile, backends, wire, report, probe, lab) knows nothing of the
//! terminal; the CLI and the TUI are thin front ends over the same [`report::Report`].
//!
//! The engine reads bytes from peers and files from users: no unwrap, expect, panic or
//! unchecked indexing outside tests (a proven bound is allowed at its site, with why).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

// Layers, lowest first (rustfmt keeps the declarations alphabetical; tests/layers.rs
// checks that every import points down):
//   text, files, iana, cancel → wire → profile, fingerprint → net, ossl, tap, certinfo,
//   materials, pcap, export (pure code generation, so the client backends run what it
//   prints) → backend (with backend/clients), decrypt → report → probe, scan, keylog →
//   diagnose → explain, diff, import → lab → resolve → the front ends, cli and tui
//   (which never import each other).
pub mod backend;
pub mod cancel;
pub mod certinfo;
pub mod decrypt;
pub mod diagnose;
pub mod diff;
pub mod explain;
pub mod export;
pub mod files;
pub mod fingerprint;
pub mod iana;
pub mod import;
pub mod keylog;
pub mod lab;
pub mod materials;
pub mod net;
pub mod ossl;
pub mod pcap;
pub mod probe;
pub mod profile;
pub mod report;
pub mod resolve;
pub mod scan;
pub mod tap;
pub mod text;
pub mod wire;

// Front ends.
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
pub mod cli;
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
pub mod tui;
