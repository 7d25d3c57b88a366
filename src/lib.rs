//! tlslens: look inside TLS handshakes with several real TLS stacks side by side.
//!
//! The engine (profile, backends, wire, report, probe, lab) knows nothing of the
//! terminal; the CLI and the TUI are thin front ends over the same [`report::Report`].

pub mod backend;
pub mod certinfo;
pub mod materials;
pub mod net;
pub mod probe;
pub mod profile;
pub mod report;
pub mod tap;
pub mod text;
pub mod wire;
pub mod lab;
pub mod cli;

/// The interactive front end (not built yet): say so plainly instead of pretending.
pub fn tui_entry(_target: Option<&str>, _opts: &cli::ProfileArgs) -> Result<std::process::ExitCode, cli::UsageError> {
    Err(cli::UsageError::Other(
        "the interactive TUI is not built yet; use `tlslens probe HOST[:PORT]` or `tlslens probe lab:NAME`".into(),
    ))
}
