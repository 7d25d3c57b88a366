//! The scan of the current target (`S`): started on a worker, its progress counted as
//! connections open, stopped by Esc, its late result ignored once stopped or once the
//! target changed. A finished scan is shown only while the form targets the same
//! host, port and SNI, and the diagnosis of a failed attempt on that target uses it.

use super::{App, Command, Explanation, View};
use crate::cancel::Cancel;
use crate::explain::stacks::StackUse;
use crate::profile::Profile;
use crate::scan::ScanReport;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scan and where it is in its life.
#[derive(Clone, Debug)]
pub struct Scan {
    pub id: usize,
    /// The target it is of ([`scan_target`]): shown only while the form has the same.
    pub target: String,
    pub status: ScanStatus,
    /// Stops its connections (and the stack probes after them).
    pub cancel: Cancel,
    /// Connections opened so far (the scanner counts them).
    pub progress: Arc<AtomicUsize>,
}

#[derive(Clone, Debug)]
pub enum ScanStatus {
    Running,
    Done(Box<ScanDone>),
    /// Esc, or a newer scan.
    Stopped,
    /// It could not run (no runtime, or its worker panicked).
    Failed(String),
}

/// What a finished scan found, and each of our stacks against it.
#[derive(Clone, Debug)]
pub struct ScanDone {
    pub report: ScanReport,
    pub stacks: Vec<StackUse>,
}

/// Host, port and SNI: what a scan is of (the rest of the profile does not change
/// what the server accepts).
pub fn scan_target(p: &Profile) -> String {
    format!("{}:{} sni={}", p.host, p.port, p.sni_name().unwrap_or("-"))
}

impl Scan {
    pub fn running(&self) -> bool {
        matches!(self.status, ScanStatus::Running)
    }

    pub fn done(&self) -> Option<&ScanDone> {
        match &self.status {
            ScanStatus::Done(d) => Some(d),
            _ => None,
        }
    }

    pub fn connections(&self) -> usize {
        self.progress.load(Ordering::Relaxed)
    }
}

impl App {
    /// The scan of the target the form has now, if there is one.
    pub fn current_scan(&self) -> Option<&Scan> {
        let s = self.scan.as_ref()?;
        let (p, _) = self.form_profile().ok()?;
        (s.target == scan_target(&p)).then_some(s)
    }

    /// `S`: open the scan view (from the diagnosis, stay there) and scan the target
    /// unless it has a scan already running or done; `S` in the scan view closes it.
    pub(super) fn open_scan(&mut self) -> Vec<Command> {
        match self.view {
            View::Scan => {
                self.view = View::Session;
                return Vec::new();
            }
            View::Explain => {}
            _ => self.view = View::Scan,
        }
        let have = self
            .current_scan()
            .is_some_and(|s| s.running() || s.done().is_some());
        if have { Vec::new() } else { self.start_scan() }
    }

    /// Scan the form's target now (`r` in the scan view rescans).
    pub(super) fn start_scan(&mut self) -> Vec<Command> {
        let profile = match self.form_profile() {
            Ok((p, _)) => p,
            Err(e) => {
                self.status = Some(format!("fix the profile first: {e}"));
                return Vec::new();
            }
        };
        let prepared = match crate::probe::prepare(profile) {
            Ok(p) => p,
            Err(e) => {
                self.mark_input_error(&e);
                self.status = Some(format!("cannot scan: {e}"));
                return Vec::new();
            }
        };
        let mut cmds: Vec<Command> = self.stop_scan().into_iter().collect();
        let id = self.next_id;
        self.next_id += 1;
        self.scan = Some(Scan {
            id,
            target: scan_target(&prepared.profile),
            status: ScanStatus::Running,
            cancel: Cancel::new(),
            progress: Arc::new(AtomicUsize::new(0)),
        });
        self.scan_view = Default::default();
        self.status = None;
        cmds.push(Command::Scan {
            scan: id,
            prepared: Box::new(prepared),
        });
        cmds
    }

    /// Stop the running scan, if any: its late result will be ignored.
    pub(super) fn stop_scan(&mut self) -> Option<Command> {
        let s = self.scan.as_mut().filter(|s| s.running())?;
        s.status = ScanStatus::Stopped;
        Some(Command::Cancel(s.cancel.clone()))
    }

    /// A scan's result (or failure), taken only while that scan is still running.
    pub(super) fn scanned(&mut self, id: usize, status: ScanStatus) -> Vec<Command> {
        let Some(s) = self.scan.as_mut().filter(|s| s.id == id && s.running()) else {
            return Vec::new();
        };
        s.status = status;
        self.dirty = true;
        self.diagnose_with_scan().into_iter().collect()
    }

    /// The finished scan of this attempt's target, to give its diagnosis.
    pub(super) fn scan_for(&self, p: &Profile) -> Option<(usize, &ScanReport)> {
        let s = self.scan.as_ref()?;
        let d = s.done()?;
        (s.target == scan_target(p) && d.report.error.is_none()).then_some((s.id, &d.report))
    }

    /// Diagnose the attempt on screen again, knowing what the scan found, when it
    /// failed, is not at work, and was not already diagnosed with this scan.
    pub(super) fn diagnose_with_scan(&mut self) -> Option<Command> {
        let a = self.current()?;
        let (scan_id, report) = self.scan_for(&a.profile)?;
        let failed = a.reports().iter().any(|r| !r.ok);
        if a.busy() || a.cancelled() || !failed || a.scan_used == Some(scan_id) {
            return None;
        }
        let (report, id) = (Box::new(report.clone()), a.id);
        let a = self.attempts.iter_mut().find(|a| a.id == id)?;
        let prepared = a.prepared.clone()?;
        a.explanation = Explanation::Searching;
        a.scan_used = Some(scan_id);
        self.dirty = true;
        Some(Command::Explain {
            attempt: id,
            prepared,
            reports: a.reports(),
            scan: Some(report),
        })
    }
}
