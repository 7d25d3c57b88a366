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

// Layers, lowest first; each module imports only from the ones above it in this list.
pub mod backend;
pub mod cancel;
pub mod certinfo;
// Being reworked onto the one wire layer, which brings it under the lints above.
#[allow(clippy::indexing_slicing)]
pub mod decrypt;
pub mod diagnose;
pub mod diff;
pub mod explain;
pub mod export;
pub mod files;
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
