//! `tlslens scan`: what a server accepts, as a compact table or JSON; `--targets FILE`
//! scans many and writes JSON Lines as each finishes.

use super::ProfileArgs;
use crate::resolve::UsageError;
use crate::scan::{Options, ScanReport, Shard};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// HOST[:PORT] (PORT defaults to 443), or lab:NAME for a built-in lab server.
    pub target: Option<String>,
    #[command(flatten)]
    pub opts: ProfileArgs,
    /// Print the report as JSON (JSON Lines with --targets).
    #[arg(long)]
    pub json: bool,
    /// Connections open at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    /// Pause before each connection, in milliseconds (for fragile servers).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub delay: u64,
    /// Open at most this many connections per target.
    #[arg(long, value_name = "N", default_value_t = 400)]
    pub max_connections: usize,
    /// Scan every HOST[:PORT] line of FILE (`-` for standard input); JSON Lines out.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// With --targets: take every N-th line starting at the K-th (K/N, e.g. 2/8), so
    /// a batch runner can spread a fleet over machines.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Also run our stacks with the profile: which accepted combinations each one
    /// offers, and the least weakening change that reaches the others (tried).
    #[arg(long)]
    pub explain: bool,
}

/// The scan, and with --explain what each of our stacks makes of it.
#[derive(serde::Serialize)]
struct Out<'a> {
    #[serde(flatten)]
    scan: &'a ScanReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    stacks: Option<Vec<crate::explain::stacks::StackUse>>,
}

fn field_error(name: &str, problem: String) -> UsageError {
    UsageError::Other(format!("{name}: {problem}"))
}

/// `tlslens scan`: 0 scanned, 1 the target could not be scanned, 2 bad input.
pub fn scan(args: &ScanArgs) -> Result<ExitCode, UsageError> {
    if args.concurrency == 0 || args.concurrency > 256 {
        return Err(field_error(
            "concurrency",
            format!("{} is not between 1 and 256", args.concurrency),
        ));
    }
    let shard = match &args.shard {
        Some(s) => Shard::parse(s).map_err(|e| field_error("shard", e))?,
        None => Shard { index: 0, of: 1 },
    };
    let progress = Arc::new(AtomicUsize::new(0));
    let opts = Options {
        concurrency: args.concurrency,
        delay: Duration::from_millis(args.delay),
        max_connections: args.max_connections.max(1),
        progress: Some(progress.clone()),
    };
    if let Some(file) = &args.targets {
        return fleet(args, file, shard, opts);
    }
    let resolved = super::resolve(args.target.as_deref(), &args.opts)?;
    let show = !args.json && std::io::stderr().is_terminal();
    let report = with_progress(show, progress, || {
        crate::scan::run(&resolved.profile, &opts)
    })
    .map_err(|e| UsageError::Other(format!("cannot start the scanner: {e}")))?;
    let stacks = if args.explain && report.error.is_none() {
        let prep = crate::probe::prepare(resolved.profile.clone())?;
        Some(crate::explain::stacks::stacks(
            &prep,
            &report,
            &crate::cancel::Cancel::new(),
        ))
    } else {
        None
    };
    let out = if args.json {
        let out = Out {
            scan: &report,
            stacks,
        };
        serde_json::to_string_pretty(&out).map_err(|e| UsageError::Other(e.to_string()))? + "\n"
    } else {
        let mut text = super::scan_text::render(&report);
        if let Some(s) = &stacks {
            text.push_str(&super::scan_text::render_stacks(s));
        }
        text
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    drop(resolved.lab);
    Ok(if report.error.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A spinner on stderr once the work takes over a second, if `show`.
fn with_progress<T>(show: bool, count: Arc<AtomicUsize>, work: impl FnOnce() -> T) -> T {
    let done = Arc::new(AtomicBool::new(false));
    let ticker = show.then(|| {
        let done = done.clone();
        std::thread::spawn(move || {
            for _ in 0..10 {
                std::thread::sleep(Duration::from_millis(100));
                if done.load(Ordering::SeqCst) {
                    return;
                }
            }
            let bar = indicatif::ProgressBar::new_spinner();
            while !done.load(Ordering::SeqCst) {
                bar.set_message(format!(
                    "scanning: {} connections",
                    count.load(Ordering::Relaxed)
                ));
                bar.tick();
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        })
    });
    let out = work();
    done.store(true, Ordering::SeqCst);
    if let Some(t) = ticker {
        let _ = t.join();
    }
    out
}

fn fleet(
    args: &ScanArgs,
    file: &PathBuf,
    shard: Shard,
    opts: Options,
) -> Result<ExitCode, UsageError> {
    let input: Box<dyn std::io::BufRead> = if file.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let f = std::fs::File::open(file).map_err(|e| crate::materials::InputError::File {
            path: file.clone(),
            problem: format!("cannot read targets: {e}"),
        })?;
        Box::new(std::io::BufReader::new(f))
    };
    let base = args
        .opts
        .sources
        .resolve(None, |_| {
            Err(field_error(
                "targets",
                "lab:NAME is not allowed in a targets file".into(),
            ))
        })?
        .0;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError::Other(format!("cannot start the scanner: {e}")))?;
    let mut failed = 0usize;
    let mut stdout = std::io::stdout().lock();
    rt.block_on(crate::scan::fleet(
        input,
        shard,
        &base,
        &opts,
        |r: Result<ScanReport, String>| {
            let line = match r {
                Ok(report) => {
                    failed += usize::from(report.error.is_some());
                    serde_json::to_string(&report).unwrap_or_default()
                }
                Err(e) => {
                    failed += 1;
                    serde_json::json!({ "error": crate::text::sanitize(&e, 300) }).to_string()
                }
            };
            let _ = writeln!(stdout, "{line}");
            let _ = stdout.flush();
        },
    ));
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
