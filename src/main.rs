//! Picks the front end: a subcommand runs in `cli`, no subcommand opens the TUI.
//! Both read the profile through the engine (`resolve::Sources`), never each other.

use tlslens::cli::{self, Cli};

fn main() -> std::process::ExitCode {
    let args: Cli = cli::parse();
    cli::exit(match &args.command {
        Some(command) => cli::run(command),
        None => tlslens::tui::run(
            args.target.as_deref(),
            &args.opts.sources,
            args.theme.as_deref(),
            tlslens::keylog::target(
                args.opts.keylog.as_deref(),
                std::env::var_os("SSLKEYLOGFILE"),
            ),
        ),
    })
}
