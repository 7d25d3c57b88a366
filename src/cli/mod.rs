//! The command line: clap definitions, turning flags into a profile, and the
//! `probe` and `lab` commands. `main.rs` only calls [`main`].

mod text;

use crate::backend::BackendId;
use crate::lab::Lab;
use crate::materials::InputError;
use crate::profile::{self, FieldError, Profile, Sni, TlsVersion, Trust, VerifyMode};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "tlslens",
    version,
    about = "Look inside TLS handshakes: one profile, three real TLS stacks, side by side",
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
    Probe(Box<ProbeArgs>),
    /// Start the built-in practice servers on 127.0.0.1 and print their addresses.
    Lab(LabArgs),
    /// Print the profile as client code or a command that reproduces the handshake.
    Export(Box<ExportArgs>),
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// HOST[:PORT], or lab:NAME.
    pub target: String,
    /// python, rust-rustls, rust-native-tls, rust-openssl, curl or s_client.
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
    /// HOST[:PORT] (PORT defaults to 443), or lab:NAME for a built-in lab server.
    pub target: String,
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

/// Options shared by `probe` and the TUI; names follow curl and `openssl s_client`.
#[derive(Args, Debug, Default, Clone)]
pub struct ProfileArgs {
    /// Backends: native-tls,openssl,rustls or all.
    #[arg(long, value_name = "LIST", default_value = "all")]
    pub backend: String,
    #[arg(long, value_name = "VER")]
    pub min_tls: Option<String>,
    #[arg(long, value_name = "VER")]
    pub max_tls: Option<String>,
    /// OpenSSL security level 0-5.
    #[arg(long, value_name = "N")]
    pub seclevel: Option<u8>,
    /// OpenSSL cipher string (TLS <= 1.2).
    #[arg(long, value_name = "STR")]
    pub ciphers: Option<String>,
    /// TLS 1.3 cipher suites.
    #[arg(long, value_name = "STR")]
    pub ciphersuites: Option<String>,
    /// Key-exchange groups, e.g. x25519:secp256r1.
    #[arg(long, value_name = "LIST")]
    pub groups: Option<String>,
    /// Send this SNI name (and check the certificate against it).
    #[arg(long, value_name = "NAME", conflicts_with = "no_sni")]
    pub sni: Option<String>,
    /// Send no SNI.
    #[arg(long)]
    pub no_sni: bool,
    /// ALPN protocols, comma separated.
    #[arg(long, value_name = "LIST")]
    pub alpn: Option<String>,
    /// Trust anchors from this PEM file (instead of the system store).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Trust store: system, webpki (rustls) or file.
    #[arg(long, value_name = "STORE")]
    pub trust: Option<String>,
    /// Client certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Client key (PEM).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Do not enforce certificate verification (the verdict is still reported).
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Check the chain but not the host name.
    #[arg(long, conflicts_with = "insecure")]
    pub no_verify_host: bool,
    /// Handshake timeout in seconds.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// TCP connect timeout in seconds.
    #[arg(long, value_name = "SECS")]
    pub connect_timeout: Option<f64>,
    /// Load a saved profile (TOML); flags override it.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Append NSS key-log lines (for Wireshark) to FILE.
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<PathBuf>,
}

/// Something the user typed or named is wrong: exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{0}")]
    Other(String),
}

impl From<FieldError> for UsageError {
    fn from(e: FieldError) -> Self {
        UsageError::Input(InputError::Field(e))
    }
}

fn field(name: &'static str, problem: String) -> UsageError {
    FieldError::new(name, problem).into()
}

/// Parse a `--backend` list.
pub fn parse_backends(s: &str) -> Result<Vec<BackendId>, UsageError> {
    if s.trim() == "all" {
        return Ok(BackendId::ALL.to_vec());
    }
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let b = BackendId::parse(part).ok_or_else(|| {
            field(
                "backend",
                format!("'{part}' is not a backend (native-tls, openssl, rustls or all)"),
            )
        })?;
        if !out.contains(&b) {
            out.push(b);
        }
    }
    if out.is_empty() {
        return Err(field("backend", "no backend named".into()));
    }
    Ok(out)
}

fn version(name: &'static str, v: &Option<String>) -> Result<Option<TlsVersion>, UsageError> {
    match v {
        None => Ok(None),
        Some(s) => TlsVersion::parse(s).map(Some).ok_or_else(|| {
            field(
                name,
                format!("'{s}' is not a TLS version (use 1.0, 1.1, 1.2 or 1.3)"),
            )
        }),
    }
}

/// What a `lab:NAME` target needs: the lab itself, kept alive by the caller.
pub struct Resolved {
    pub profile: Profile,
    pub lab: Option<Lab>,
}

/// Build the profile: the saved profile (if any), then the target, then each flag.
pub fn build_profile(target: Option<&str>, a: &ProfileArgs) -> Result<Resolved, UsageError> {
    let mut lab = None;
    let mut p = match &a.profile {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| InputError::File {
                path: path.clone(),
                problem: format!("cannot read profile: {e}"),
            })?;
            Profile::from_toml(&text).map_err(|e| InputError::File {
                path: path.clone(),
                problem: format!("bad profile: {e}"),
            })?
        }
        None => Profile::default(),
    };
    if let Some(t) = target {
        if let Some(name) = t.strip_prefix("lab:") {
            let l = Lab::start()
                .map_err(|e| UsageError::Other(format!("cannot start the lab: {e}")))?;
            let lp = l.profile(name).ok_or_else(|| {
                let names: Vec<_> = l.servers.iter().map(|s| s.spec.name).collect();
                field(
                    "host",
                    format!("no lab server '{name}' (have: {})", names.join(", ")),
                )
            })?;
            p.host = lp.host;
            p.port = lp.port;
            p.sni = lp.sni;
            p.handshake_timeout = lp.handshake_timeout;
            if a.cacert.is_none() && p.cacert.is_none() {
                p.trust = Trust::File;
                p.cacert = lp.cacert;
            }
            lab = Some(l);
        } else {
            let (host, port) = profile::parse_target(t)?;
            p.host = host;
            p.port = port;
        }
    }
    apply_flags(&mut p, a)?;
    Ok(Resolved { profile: p, lab })
}

/// Apply every flag the user gave on top of a profile.
pub fn apply_flags(p: &mut Profile, a: &ProfileArgs) -> Result<(), UsageError> {
    if let Some(v) = version("min_tls", &a.min_tls)? {
        p.min_tls = Some(v);
    }
    if let Some(v) = version("max_tls", &a.max_tls)? {
        p.max_tls = Some(v);
    }
    if a.seclevel.is_some() {
        p.seclevel = a.seclevel;
    }
    if a.ciphers.is_some() {
        p.ciphers = a.ciphers.clone();
    }
    if a.ciphersuites.is_some() {
        p.ciphersuites = a.ciphersuites.clone();
    }
    if a.groups.is_some() {
        p.groups = a.groups.clone();
    }
    if let Some(s) = &a.sni {
        p.sni = Sni::Name(s.clone());
    }
    if a.no_sni {
        p.sni = Sni::Off;
    }
    if let Some(l) = &a.alpn {
        p.alpn = l
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect();
    }
    if let Some(c) = &a.cacert {
        p.cacert = Some(c.clone());
        p.trust = Trust::File;
    }
    if let Some(t) = &a.trust {
        p.trust = match t.as_str() {
            "system" => Trust::System,
            "webpki" => Trust::Webpki,
            "file" => Trust::File,
            other => {
                return Err(field(
                    "trust",
                    format!("'{other}' is not a store (system, webpki, file)"),
                ));
            }
        };
    }
    if a.cert.is_some() {
        p.cert = a.cert.clone();
    }
    if a.key.is_some() {
        p.key = a.key.clone();
    }
    if a.insecure {
        p.verify = VerifyMode::Off;
    }
    if a.no_verify_host {
        p.verify = VerifyMode::ChainOnly;
    }
    if let Some(t) = a.timeout {
        p.handshake_timeout = t;
    }
    if let Some(t) = a.connect_timeout {
        p.connect_timeout = t;
    }
    Ok(())
}

fn write_keylog(path: &PathBuf, report: &crate::report::Report) -> Result<(), UsageError> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| InputError::File {
            path: path.clone(),
            problem: format!("cannot write key log: {e}"),
        })?;
    for r in &report.results {
        for line in &r.keylog {
            let _ = writeln!(f, "{line}");
        }
    }
    Ok(())
}

/// `tlslens probe`: exit 0 all ok, 1 some backend failed, 2 bad input.
pub fn probe(args: &ProbeArgs) -> Result<ExitCode, UsageError> {
    let backends = parse_backends(&args.opts.backend)?;
    let resolved = build_profile(Some(&args.target), &args.opts)?;
    let prep = crate::probe::prepare(resolved.profile)?;
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
    if let Some(path) = &args.opts.keylog {
        write_keylog(path, &report)?;
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
        field(
            "as",
            format!("'{}' is not one of {}", args.lang, names.join(", ")),
        )
    })?;
    let resolved = build_profile(Some(&args.target), &args.opts)?;
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
        for s in crate::lab::catalogue() {
            println!(
                "{:<12} {}\n{:<12} teaches: {}",
                s.name, s.summary, "", s.teaches
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
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
        "\ntry: tlslens probe {} --cacert {} --sni localhost",
        lab.servers[2].addr,
        lab.ca_file().display()
    );
    let _ = std::io::stdout().flush();
    match args.duration {
        Some(secs) => std::thread::sleep(std::time::Duration::from_secs(secs)),
        None => loop {
            std::thread::park();
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// Entry point for the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Probe(a)) => probe(a),
        Some(Command::Lab(a)) => lab(a),
        Some(Command::Export(a)) => export(a),
        None => crate::tui::run(cli.target.as_deref(), &cli.opts, cli.theme.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tlslens: error: {e}");
            ExitCode::from(2)
        }
    }
}
