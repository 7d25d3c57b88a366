//! Carrying out the app's [`Command`]s: probes and diagnosis searches on worker
//! threads, small file I/O, the clipboard, cancellation. Every result goes back to the
//! UI as an [`Action`] through the event channel, and a worker that panics still
//! sends one (its backend's column then says what broke instead of "connecting" for
//! good).

use super::app::{Action, App, Command, Contents, FileWrite, WriteOutcome};
use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::probe::Prepared;
use crate::report::BackendReport;
use crate::scan::ScanReport;
use std::cell::RefCell;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::Sender;

/// Worker threads are named with this prefix: the panic hook leaves the terminal alone
/// for them (the UI is still running) and keeps the message for the result.
const WORKER: &str = "tlslens-worker";

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Chain a hook in front of the one installed by `ratatui::init` (which restores the
/// terminal): a worker's panic is recorded for its result, any other panic goes on to
/// the terminal-restoring hook.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let worker = std::thread::current()
            .name()
            .is_some_and(|n| n.starts_with(WORKER));
        if worker {
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
        } else {
            previous(info);
        }
    }));
}

/// Run `f`; a panic becomes an error with its message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into())
    })
}

/// Run `work` on a named worker thread; if no thread can be started, run `failed`
/// here so a result is still delivered.
fn spawn(what: &str, work: impl FnOnce() + Send + 'static, failed: impl FnOnce(String)) {
    let started = std::thread::Builder::new()
        .name(format!("{WORKER}-{what}"))
        .spawn(work);
    if let Err(e) = started {
        failed(format!("cannot start a thread: {e}"));
    }
}

/// One backend's probe on a worker thread; the result (or, if `probe` panics, a report
/// saying so) is sent as [`Action::ProbeDone`].
pub fn spawn_probe<E, F>(
    attempt: usize,
    prepared: Box<Prepared>,
    backend: BackendId,
    cancel: Cancel,
    tx: Sender<E>,
    probe: F,
) where
    E: From<Action> + Send + 'static,
    F: FnOnce(&Prepared, BackendId, &Cancel) -> BackendReport + Send + 'static,
{
    let done = move |report: BackendReport| -> E {
        Action::ProbeDone {
            attempt,
            report: Box::new(report),
        }
        .into()
    };
    let on_fail = {
        let (tx, prepared) = (tx.clone(), prepared.clone());
        move |why: String| {
            let _ = tx.send(done(crate::probe::internal_failure(
                &prepared, backend, why,
            )));
        }
    };
    spawn(
        backend.name(),
        move || {
            let report = guarded(|| probe(&prepared, backend, &cancel)).unwrap_or_else(|why| {
                crate::probe::internal_failure(&prepared, backend, format!("panicked: {why}"))
            });
            let _ = tx.send(done(report));
        },
        on_fail,
    );
}

/// An attempt's diagnosis search on a worker thread; sends [`Action::Explained`], or
/// [`Action::ExplainFailed`] if it panicked.
pub fn spawn_explain<E: From<Action> + Send + 'static>(
    attempt: usize,
    prepared: Box<Prepared>,
    reports: Vec<BackendReport>,
    scan: Option<Box<ScanReport>>,
    cancel: Cancel,
    tx: Sender<E>,
) {
    let on_fail = {
        let tx = tx.clone();
        move |why: String| {
            let _ = tx.send(Action::ExplainFailed { attempt, why }.into());
        }
    };
    spawn(
        "explain",
        move || {
            let explained = guarded(|| {
                crate::explain::explain_attempt_knowing(
                    &prepared,
                    reports,
                    scan.as_deref(),
                    &cancel,
                )
            });
            let action = match explained {
                Ok(e) => Action::Explained {
                    attempt,
                    explained: Box::new(e),
                },
                Err(why) => Action::ExplainFailed { attempt, why },
            };
            let _ = tx.send(action.into());
        },
        on_fail,
    );
}

/// A scan on a worker thread (on its own tokio runtime), then each of our stacks
/// against what it found; sends [`Action::Scanned`], or [`Action::ScanFailed`] if it
/// was stopped, could not run or panicked. Once `cancel` is set the scan returns at
/// once and the stacks are not probed.
pub fn spawn_scan<E: From<Action> + Send + 'static>(
    scan: usize,
    prepared: Box<Prepared>,
    opts: crate::scan::Options,
    cancel: Cancel,
    tx: Sender<E>,
) {
    let on_fail = {
        let tx = tx.clone();
        move |why: String| {
            let _ = tx.send(Action::ScanFailed { scan, why }.into());
        }
    };
    spawn(
        "scan",
        move || {
            let work = || -> Result<Action, String> {
                let report =
                    crate::scan::run(&prepared.profile, &opts).map_err(|e| e.to_string())?;
                if cancel.is_cancelled() {
                    return Err("the scan was stopped".into());
                }
                let stacks = if report.error.is_none() {
                    crate::explain::stacks::stacks(&prepared, &report, &cancel)
                } else {
                    Vec::new()
                };
                Ok(Action::Scanned {
                    scan,
                    report: Box::new(report),
                    stacks,
                })
            };
            let action = match guarded(work).and_then(|r| r) {
                Ok(a) => a,
                Err(why) => Action::ScanFailed { scan, why },
            };
            let _ = tx.send(action.into());
        },
        on_fail,
    );
}

/// Write a file atomically and 0600 (a failure leaves the old one as it was);
/// without `overwrite`, never over an existing one.
pub fn write_file(file: &FileWrite) -> WriteOutcome {
    if !file.overwrite && std::fs::symlink_metadata(&file.path).is_ok() {
        return WriteOutcome::Exists;
    }
    match crate::files::write_atomic_private(&file.path, file.text.as_bytes()) {
        Ok(()) => WriteOutcome::Written,
        Err(e) => WriteOutcome::Failed(e.to_string()),
    }
}

/// Write the recovery file (0600, its directory 0700), or remove it (`None`).
pub fn write_recovery(path: &std::path::Path, text: Option<&str>) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    let Some(text) = text else {
        return std::fs::remove_file(path);
    };
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    crate::files::write_atomic_private(path, text.as_bytes())
}

/// Carry out one command. Results come back through `tx` as actions.
pub fn execute<E: From<Action> + Send + 'static>(cmd: Command, tx: &Sender<E>, app: &App) {
    match cmd {
        Command::Probe {
            attempt,
            prepared,
            backend,
        } => {
            let cancel = app
                .attempt(attempt)
                .map(|a| a.cancel.clone())
                .unwrap_or_default();
            spawn_probe(
                attempt,
                prepared,
                backend,
                cancel,
                tx.clone(),
                |prep, b, cancel| {
                    let addrs = crate::net::resolve(&prep.profile.host, prep.profile.port);
                    crate::probe::probe_one(prep, &addrs, b, cancel)
                },
            );
        }
        Command::Explain {
            attempt,
            prepared,
            reports,
            scan,
        } => {
            let cancel = app
                .attempt(attempt)
                .map(|a| a.cancel.clone())
                .unwrap_or_default();
            spawn_explain(attempt, prepared, reports, scan, cancel, tx.clone());
        }
        Command::Scan { scan, prepared } => {
            let Some(s) = app.scan.as_ref().filter(|s| s.id == scan) else {
                return;
            };
            let opts = crate::scan::Options {
                progress: Some(s.progress.clone()),
                cancel: Some(s.cancel.clone()),
                ..crate::scan::Options::default()
            };
            spawn_scan(scan, prepared, opts, s.cancel.clone(), tx.clone());
        }
        Command::Cancel(c) => c.cancel(),
        Command::Clipboard(text) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(crate::export::osc52(&text).as_bytes());
            let _ = out.flush();
        }
        Command::Save(path, text) => {
            let file = FileWrite {
                path,
                text,
                contents: Contents::Profile,
                overwrite: false,
            };
            execute(Command::Write(Box::new(file)), tx, app);
        }
        Command::Write(file) => {
            let outcome = write_file(&file);
            let _ = tx.send(Action::WriteDone { file, outcome }.into());
        }
        Command::Recovery(path, text) => {
            let _ = write_recovery(&path, text.as_deref());
        }
        Command::KeyLog(target, lines) => {
            if let Err(e) = crate::keylog::append(&target, &lines) {
                let why = format!("cannot write the key log {}: {e}", target.path.display());
                let _ = tx.send(Action::KeyLogFailed(why).into());
            }
        }
        Command::Load(path) => {
            let result = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|t| {
                    crate::profile::Profile::from_toml(&t).map_err(|e| format!("bad profile: {e}"))
                });
            let _ = tx.send(Action::Loaded { path, result }.into());
        }
    }
}
