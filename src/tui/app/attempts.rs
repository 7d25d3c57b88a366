//! Attempts through their life: started (one probe per backend), finished (compared
//! with the one before, then diagnosed in the background), cancelled or superseded
//! (their work stopped, their late results ignored).

use super::{App, Attempt, Command, Explanation, LabEntry, View};
use crate::profile::Profile;
use crate::report::BackendReport;

impl App {
    /// Start an attempt with the form's profile.
    pub(super) fn connect(&mut self) -> Vec<Command> {
        self.connect_with(false)
    }

    /// Connect; with `resume`, each backend connects a second time offering the
    /// session or ticket its first connection received.
    pub(super) fn connect_with(&mut self, resume: bool) -> Vec<Command> {
        if self.running() {
            self.status = Some("an attempt is running: Esc cancels it".into());
            return Vec::new();
        }
        let (profile, backends) = match self.form_profile() {
            Ok(x) => x,
            Err(e) => {
                self.status = Some(format!("fix the profile first: {e}"));
                self.view = View::Editor;
                return Vec::new();
            }
        };
        let prepared = match crate::probe::prepare(profile.clone()) {
            Ok(p) => crate::probe::Prepared { resume, ..p },
            Err(e) => {
                self.mark_input_error(&e);
                self.status = Some(format!("cannot connect: {e}"));
                self.view = View::Editor;
                return Vec::new();
            }
        };
        let mut cmds = Vec::new();
        // The attempt before is replaced: a search still running for it stops.
        if let Some(c) = self.attempts.last_mut().and_then(Attempt::stop) {
            cmds.push(Command::Cancel(c));
        }
        let id = self.next_id;
        self.next_id += 1;
        let mut attempt = Attempt::new(id, profile, &backends, prepared.clone());
        attempt.follows = self.shown;
        self.attempts.push(attempt);
        self.shown = Some(id);
        // Bounded history: the oldest attempts go first, and all but the newest few
        // keep only a summary of their reports.
        if self.attempts.len() > 200 {
            self.attempts.remove(0);
        }
        let older = self
            .attempts
            .len()
            .saturating_sub(super::attempt::FULL_ATTEMPTS);
        for a in self.attempts.iter_mut().take(older) {
            a.release();
        }
        super::attempt::return_freed_memory();
        self.status = None;
        if self.view == View::Editor || self.view == View::History {
            self.view = View::Session;
        }
        cmds.extend(backends.into_iter().map(|backend| Command::Probe {
            attempt: id,
            prepared: Box::new(prepared.clone()),
            backend,
        }));
        cmds
    }

    /// Esc: stop the attempt on screen (probes and search), and go back to the session.
    /// In the scan view, Esc stops a running scan and stays; elsewhere it stops the
    /// scan too.
    pub(super) fn cancel_current(&mut self) -> Vec<Command> {
        let mut cmds = Vec::new();
        if let Some(c) = self.attempts.last_mut().and_then(Attempt::stop) {
            self.status = Some("attempt cancelled".into());
            cmds.push(Command::Cancel(c));
        }
        let scan = self.stop_scan();
        if let Some(c) = scan.clone() {
            self.status = Some(if cmds.is_empty() {
                "scan stopped (r in the scan view scans again)".into()
            } else {
                "attempt cancelled, scan stopped".into()
            });
            cmds.push(c);
        }
        if !(self.view == View::Scan && scan.is_some()) {
            self.view = View::Session;
        }
        cmds
    }

    /// The target changed (another lab server, a loaded profile): the results on
    /// screen were for the old one, and its work is no longer wanted.
    pub(super) fn new_target(&mut self) {
        if let Some(c) = self.attempts.last_mut().and_then(Attempt::stop) {
            self.pending.push(Command::Cancel(c));
        }
        if let Some(c) = self.stop_scan() {
            self.pending.push(c);
        }
        self.scan_view = Default::default();
        self.shown = None;
        self.session = Default::default();
        self.ladder = Default::default();
        self.explain = Default::default();
    }

    pub(super) fn finish(&mut self, attempt: usize, report: Box<BackendReport>) -> Vec<Command> {
        let Some(pos) = self.attempts.iter().position(|a| a.id == attempt) else {
            return Vec::new();
        };
        let secrets: Vec<String> = report
            .keylog
            .iter()
            .chain(report.resumed.iter().flat_map(|r| r.keylog.iter()))
            .cloned()
            .collect();
        // A result for a cancelled attempt (or a duplicate) changes nothing.
        if !self.attempts[pos].accept(report) {
            return Vec::new();
        }
        if let Some(t) = &self.keylog
            && !secrets.is_empty()
        {
            self.pending.push(Command::KeyLog(t.clone(), secrets));
        }
        self.dirty = true;
        if self.attempts[pos].running() {
            return Vec::new();
        }
        if pos > 0 {
            let (prev, a) = (&self.attempts[pos - 1], &self.attempts[pos]);
            let cmp = crate::diff::compare_attempts(
                &prev.profile,
                &prev.reports(),
                &a.profile,
                &a.reports(),
            );
            self.attempts[pos].comparison = Some(cmp);
        }
        // Every backend is done: explain the attempt in the background, unless a
        // newer attempt or another target has replaced it.
        let on_screen = pos + 1 == self.attempts.len() && self.shown == Some(attempt);
        // A scan of the same target tells the diagnosis what the server accepts.
        let scan = self
            .scan_for(&self.attempts[pos].profile)
            .map(|(id, r)| (id, Box::new(r.clone())));
        let a = &mut self.attempts[pos];
        if on_screen
            && !a.cancelled()
            && matches!(a.explanation, Explanation::None)
            && let Some(prepared) = a.prepared.clone()
        {
            a.explanation = Explanation::Searching;
            a.scan_used = scan.as_ref().map(|(id, _)| *id);
            return vec![Command::Explain {
                attempt: a.id,
                prepared,
                reports: a.reports(),
                scan: scan.map(|(_, r)| r),
            }];
        }
        Vec::new()
    }

    /// The search's answer, taken only while the attempt is still waiting for it.
    pub(super) fn explained(&mut self, attempt: usize, e: Explanation) {
        if let Some(a) = self.attempts.iter_mut().find(|a| a.id == attempt)
            && a.searching()
        {
            a.explanation = e;
            self.dirty = true;
            // The search's own probes are done: what they allocated goes back.
            super::attempt::return_freed_memory();
            // A scan that finished while this search ran: diagnose again knowing it.
            if let Some(c) = self.diagnose_with_scan() {
                self.pending.push(c);
            }
        }
    }

    pub(super) fn load_server(&mut self, idx: usize) {
        if let Some(e) = self.lab.get(idx) {
            let (profile, teaches, name) = (e.profile.clone(), e.teaches.clone(), e.name.clone());
            self.server = idx;
            self.set_form(&profile);
            self.mark_saved();
            self.status = Some(format!("lab server '{name}' loaded: {teaches}"));
            self.new_target();
        }
    }

    /// The lab is up: list it, and load the chosen server unless a real target is loaded.
    pub fn lab_ready(&mut self, entries: Vec<LabEntry>, idx: usize, profile: Option<Profile>) {
        self.lab = entries;
        self.server = idx.min(self.lab.len().saturating_sub(1));
        self.status = self.saved.offer();
        if let Some(p) = profile {
            self.set_form(&p);
            self.mark_saved();
        }
        self.dirty = true;
    }
}
