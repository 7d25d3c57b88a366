//! The command line: clap definitions and the `probe`, `export` and `lab` commands.
//! Flags become (field, text) pairs for the engine (`resolve::Sources`), which turns
//! them into a profile the same way for the TUI; `cli` and `tui` never import each
//! other — `main.rs` picks one.

mod args;
mod scan;
mod scan_text;
mod text;
mod tools;

pub use crate::resolve::UsageError;
pub use args::ProfileArgs;

use crate::lab::Lab;
use crate::materials::InputError;
use crate::profile::{Field, FieldError};
use crate::resolve::Resolved;
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Shown at the end of `--help`.
const EXAMPLES: &str = "\
Examples:
  tlslens                                        the TUI on the built-in lab (no network)
  tlslens probe lab:legacy --explain             why three TLS stacks fail, and the smallest fix
  tlslens probe example.com --backend openssl -v one stack, with the decoded handshake
  tlslens probe mail.example.com:587 --starttls smtp
  tlslens probe example.com --proxy socks5h://127.0.0.1:1080
  tlslens probe example.com --keylog keys.log    session secrets for Wireshark (file 0600)
  tlslens export lab:legacy --seclevel 0 --min-tls 1.0 --as python
  tlslens import --save api curl -k --tlsv1.2 https://example.com/
  tlslens probe --profile api                    a profile saved in the library
  tlslens completions bash > ~/.local/share/bash-completion/completions/tlslens";

#[derive(Parser, Debug)]
#[command(
    name = "tlslens",
    version,
    about = "Look inside TLS handshakes: one profile, three real TLS stacks, side by side",
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Target for the TUI: HOST[:PORT] or lab:NAME (default: the built-in lab).
    pub target: Option<String>,
    /// TUI theme: dark, light, high-contrast, mono, or a file in the user theme directory.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    #[command(flatten)]
    pub opts: ProfileArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// One handshake per backend; text, or --json.
    #[command(after_help = EXAMPLES)]
    Probe(Box<ProbeArgs>),
    /// Start the built-in practice servers on 127.0.0.1 and print their addresses.
    Lab(LabArgs),
    /// Print the profile as client code or a command that reproduces the handshake.
    Export(Box<ExportArgs>),
    /// What the server accepts: versions, suites in its order, groups, the usual checks.
    Scan(Box<scan::ScanArgs>),
    /// Make a profile from a pasted curl or openssl s_client command line, or a Python
    /// ssl snippet (the inverse of export).
    Import(tools::ImportArgs),
    /// List the named profiles (--profile NAME) in $XDG_CONFIG_HOME/tlslens/profiles.
    Profiles(tools::ProfilesArgs),
    /// Print a shell completion script.
    Completions(tools::CompletionsArgs),
    /// Print the manual page (roff): tlslens man | man -l -
    Man,
}

/// The versions of tlslens and of the TLS libraries it links.
pub fn versions() -> String {
    format!(
        "{}\n{} (openssl crate {})\nrustls: {} (aws-lc-rs provider)\nnative-tls: {} (on the same OpenSSL)",
        env!("CARGO_PKG_VERSION"),
        crate::backend::openssl::library_version(),
        env!("TLSLENS_OPENSSL_CRATE_VERSION"),
        env!("TLSLENS_RUSTLS_VERSION"),
        env!("TLSLENS_NATIVE_TLS_VERSION"),
    )
}

/// Parse the command line; `--version` names the linked libraries.
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let long: &'static str = Box::leak(versions().into_boxed_str());
    let matches = Cli::command().long_version(long).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// HOST[:PORT], or lab:NAME (default: the --profile's host and port).
    pub target: Option<String>,
    /// python, rust-rustls, rust-native-tls, rust-openssl, curl, s_client, java or node.
    #[arg(long = "as", value_name = "LANG", default_value = "python")]
    pub lang: String,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also put it on the terminal's clipboard (OSC 52; works over SSH).
    #[arg(long)]
    pub clipboard: bool,
    #[command(flatten)]
    pub opts: ProfileArgs,
}

#[derive(Args, Debug)]
pub struct ProbeArgs {
    /// HOST[:PORT] (PORT defaults to 443), or lab:NAME for a built-in lab server
    /// (default: the --profile's host and port).
    pub target: Option<String>,
    #[command(flatten)]
    pub opts: ProfileArgs,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also print the decoded handshake transcript.
    #[arg(short, long)]
    pub verbose: bool,
    /// Explain failures: find the least weakening change that works (a few bounded
    /// retries against the same target) and map the OpenSSL security levels.
    #[arg(long)]
    pub explain: bool,
    /// Write what was recorded as a capture file (pcap, 0600) for Wireshark or tshark:
    /// one TCP stream per backend, no root needed; decrypt it with --keylog.
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<PathBuf>,
    /// Connect a second time, offering the session (TLS 1.2 session ID or ticket) or
    /// the TLS 1.3 ticket the first connection received; the abbreviated handshake is
    /// reported as `resumed`.
    #[arg(long)]
    pub resume: bool,
}

#[derive(Args, Debug)]
pub struct LabArgs {
    /// Print the catalogue and exit without starting anything.
    #[arg(long)]
    pub list: bool,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long, value_name = "SECS")]
    pub duration: Option<u64>,
}

/// Append the key log; a failure is the user's input error naming the file (exit 2).
fn write_keylog(
    t: &crate::keylog::Target,
    report: &mut crate::report::Report,
) -> Result<(), UsageError> {
    let written = crate::keylog::write(t, report).map_err(|e| InputError::File {
        path: t.path.clone(),
        problem: format!("cannot write the key log ({}): {e}", t.source),
    })?;
    report.weakened.push(crate::keylog::warning(t));
    report.keylog = Some(written);
    Ok(())
}

/// The profile for `probe` and `export`: the target, or the saved profile's host.
fn resolve(target: Option<&str>, opts: &ProfileArgs) -> Result<Resolved, UsageError> {
    let resolved = opts.sources.resolve_with_lab(target)?;
    if let Some(n) = &resolved.notice {
        eprintln!("{n}");
    }
    if let Some(used) = opts.sources.file.as_deref().and_then(|f| f.to_str()) {
        // Best effort: a read-only home must not stop a probe.
        let _ = crate::profile::library::remember(used);
    }
    if resolved.profile.host.is_empty() {
        return Err(FieldError::new(
            Field::Host,
            "no target: give HOST[:PORT], lab:NAME, or a --profile that has a host",
        )
        .into());
    }
    Ok(resolved)
}

/// `tlslens probe`: exit 0 all ok, 1 some backend failed, 2 bad input.
pub fn probe(args: &ProbeArgs) -> Result<ExitCode, UsageError> {
    let resolved = resolve(args.target.as_deref(), &args.opts)?;
    let backends = crate::backend::clients::found_only(&resolved.profile.backends);
    let mut prep = crate::probe::prepare(resolved.profile)?;
    prep.resume = args.resume;
    let mut report = crate::probe::run(&prep, &backends);
    if args.explain {
        crate::explain::explain_with_levels(
            &prep,
            &mut report,
            true,
            &crate::cancel::Cancel::new(),
        );
    } else {
        crate::explain::explain_default(&prep, &mut report, false);
    }
    let keylog = crate::keylog::target(
        args.opts.keylog.as_deref(),
        std::env::var_os("SSLKEYLOGFILE"),
    );
    if let Some(t) = &keylog {
        write_keylog(t, &mut report)?;
    }
    if let Some(path) = &args.pcap {
        let conns: Vec<crate::pcap::Conn> = report
            .results
            .iter()
            .map(|r| crate::pcap::Conn {
                chunks: &r.wire,
                server: r.address.as_deref().and_then(|a| a.parse().ok()),
            })
            .collect();
        crate::files::write_atomic_private(path, &crate::pcap::capture(&conns)).map_err(|e| {
            InputError::File {
                path: path.clone(),
                problem: format!("cannot write the capture: {e}"),
            }
        })?;
    }
    let out = if args.json {
        serde_json::to_string_pretty(&report).map_err(|e| UsageError::Other(e.to_string()))? + "\n"
    } else {
        text::render(&report, args.verbose, args.explain)
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    drop(resolved.lab);
    Ok(if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `tlslens export`: the profile as code. Exit 0, or 2 on bad input.
pub fn export(args: &ExportArgs) -> Result<ExitCode, UsageError> {
    let lang = crate::export::Lang::parse(&args.lang).ok_or_else(|| {
        let names: Vec<&str> = crate::export::Lang::ALL.iter().map(|l| l.name()).collect();
        UsageError::Other(format!(
            "as: '{}' is not one of {}",
            args.lang,
            names.join(", ")
        ))
    })?;
    let resolved = resolve(args.target.as_deref(), &args.opts)?;
    if let Err(errs) = resolved.profile.validate()
        && let Some(e) = errs.into_iter().next()
    {
        return Err(e.into());
    }
    let text = crate::export::export(&resolved.profile, lang);
    match &args.output {
        Some(path) => std::fs::write(path, &text).map_err(|e| InputError::File {
            path: path.clone(),
            problem: format!("cannot write: {e}"),
        })?,
        None => print!("{text}"),
    }
    if args.clipboard {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(crate::export::osc52(&text).as_bytes());
        let _ = out.flush();
    }
    Ok(ExitCode::SUCCESS)
}

/// `tlslens lab`: start the servers, print them, wait.
pub fn lab(args: &LabArgs) -> Result<ExitCode, UsageError> {
    if args.list {
        for s in crate::lab::catalogue()
            .into_iter()
            .chain(crate::lab::reach_catalogue())
        {
            println!(
                "{:<12} {}\n{:<12} teaches: {}",
                s.name, s.summary, "", s.teaches
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Caught from before the lab starts: a signal ends the wait below, the lab is
    // dropped (its private directory removed) and the status says which (128 + n).
    let (tx, rx) = std::sync::mpsc::channel();
    let waiting = tx.clone(); // the wait lasts even if signals cannot be caught
    crate::cancel::on_exit_signal(move |sig| {
        let _ = tx.send(sig);
    });
    let lab = Lab::start().map_err(|e| UsageError::Other(format!("cannot start the lab: {e}")))?;
    println!(
        "tlslens lab: {} practice servers on 127.0.0.1",
        lab.servers.len()
    );
    println!("trust anchor: {}", lab.ca_file().display());
    println!(
        "client certificate: {} + {}\n",
        lab.client_cert().display(),
        lab.client_key().display()
    );
    for s in &lab.servers {
        println!(
            "{:<22} {:<12} {}",
            s.addr.to_string(),
            s.spec.name,
            s.spec.summary
        );
        println!("{:<35} {}", "", s.spec.teaches);
    }
    println!(
        "\nreached another way (tlslens probe lab:smtp; lab:http-proxy is lab:tls12 through it, or --proxy URL):"
    );
    for s in &lab.reach {
        let shown = lab
            .proxy_url(s.spec.name)
            .unwrap_or_else(|| s.addr.to_string());
        println!("{:<22} {:<12} {}", shown, s.spec.name, s.spec.summary);
    }
    println!(
        "\ntry: tlslens probe {} --cacert {} --sni localhost",
        lab.servers[2].addr,
        lab.ca_file().display()
    );
    let _ = std::io::stdout().flush();
    let signalled = match args.duration {
        Some(secs) => rx.recv_timeout(std::time::Duration::from_secs(secs)).ok(),
        None => rx.recv().ok(),
    };
    drop((waiting, lab));
    Ok(signalled.map_or(ExitCode::SUCCESS, crate::cancel::signal_exit_code))
}

/// Run a subcommand (`main.rs` starts the TUI when there is none).
pub fn run(command: &Command) -> Result<ExitCode, UsageError> {
    match command {
        Command::Probe(a) => probe(a),
        Command::Lab(a) => lab(a),
        Command::Export(a) => export(a),
        Command::Scan(a) => scan::scan(a),
        Command::Import(a) => tools::import(a),
        Command::Profiles(a) => tools::profiles(a),
        Command::Completions(a) => tools::completions(a),
        Command::Man => tools::man(),
    }
}

/// The exit status for a front end's result: bad input is one line and status 2.
pub fn exit(result: Result<ExitCode, UsageError>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tlslens: error: {e}");
            ExitCode::from(2)
        }
    }
}
