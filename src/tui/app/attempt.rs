//! One attempt: the profile it ran with, one slot per backend (connecting → done or
//! cancelled), its diagnosis, the [`Cancel`] that stops all of its work, and what the
//! views derive from its reports (computed once when a report arrives, not per frame).

use crate::backend::BackendId;
use crate::cancel::Cancel;
use crate::explain::Explained;
use crate::probe::Prepared;
use crate::profile::Profile;
use crate::report::BackendReport;
use crate::wire::dissect::Dissected;

/// How many of the newest attempts keep their full reports; older ones keep a summary
/// (see [`Attempt::release`]), so memory stays bounded however many attempts are made.
pub const FULL_ATTEMPTS: usize = 2;

/// Give memory freed by released attempts and finished probes back to the system:
/// glibc keeps it per thread arena otherwise, and the process would stay at its
/// high-water mark, attempt after attempt.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// One backend's state within an attempt.
#[derive(Clone, Debug)]
pub enum Slot {
    Connecting,
    Done(Box<BackendReport>),
    Cancelled,
}

/// The diagnosis of an attempt: absent, being searched for, found, or stopped.
#[derive(Clone, Debug, Default)]
pub enum Explanation {
    #[default]
    None,
    Searching,
    Done(Box<Explained>),
    /// The search was cancelled (Esc) or replaced by a newer attempt.
    Stopped,
    /// The search itself failed (a bug: its worker panicked).
    Failed(String),
}

/// What the views show of one report, derived once.
#[derive(Clone, Debug)]
pub struct Derived {
    /// The ladder's messages: dissected from the wire, the TLS 1.3 flight decrypted.
    pub ladder: Vec<Dissected>,
    /// The transcript pane's lines.
    pub transcript: Vec<String>,
}

impl Derived {
    pub fn of(r: &BackendReport) -> Derived {
        Derived {
            ladder: ladder_items(r),
            transcript: r.transcript_lines(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Attempt {
    pub id: usize,
    pub profile: Profile,
    pub slots: Vec<(BackendId, Slot)>,
    /// Filled when every slot is done: this attempt against the one before.
    pub comparison: Option<String>,
    /// What the probes ran with (kept to explain the attempt afterwards).
    pub prepared: Option<Box<Prepared>>,
    pub explanation: Explanation,
    /// Shared by this attempt's probes and its diagnosis search.
    pub cancel: Cancel,
    /// The attempt whose results stay on screen while this one connects (same target).
    pub follows: Option<usize>,
    pub derived: Vec<(BackendId, Derived)>,
    /// The scan its diagnosis knew, if any.
    pub scan_used: Option<usize>,
}

impl Attempt {
    pub fn new(id: usize, profile: Profile, backends: &[BackendId], prepared: Prepared) -> Self {
        Attempt {
            id,
            profile,
            slots: backends.iter().map(|b| (*b, Slot::Connecting)).collect(),
            comparison: None,
            prepared: Some(Box::new(prepared)),
            explanation: Explanation::None,
            cancel: Cancel::new(),
            follows: None,
            derived: Vec::new(),
            scan_used: None,
        }
    }

    pub fn running(&self) -> bool {
        self.slots
            .iter()
            .any(|(_, s)| matches!(s, Slot::Connecting))
    }

    /// Probes or the diagnosis search still at work.
    pub fn busy(&self) -> bool {
        self.running() || self.searching()
    }

    pub fn searching(&self) -> bool {
        matches!(self.explanation, Explanation::Searching)
    }

    pub fn cancelled(&self) -> bool {
        self.slots.iter().any(|(_, s)| matches!(s, Slot::Cancelled))
    }

    pub fn reports(&self) -> Vec<BackendReport> {
        self.slots
            .iter()
            .filter_map(|(_, s)| match s {
                Slot::Done(r) => Some((**r).clone()),
                _ => None,
            })
            .collect()
    }

    pub fn report(&self, b: BackendId) -> Option<&BackendReport> {
        self.slots.iter().find_map(|(id, s)| match s {
            Slot::Done(r) if *id == b => Some(&**r),
            _ => None,
        })
    }

    pub fn slot(&self, b: BackendId) -> Option<&Slot> {
        self.slots.iter().find(|(id, _)| *id == b).map(|(_, s)| s)
    }

    pub fn derived(&self, b: BackendId) -> Option<&Derived> {
        self.derived.iter().find(|(id, _)| *id == b).map(|(_, d)| d)
    }

    /// Put a report in its slot; false when the slot was not waiting for one (a late
    /// result for a cancelled attempt, or a duplicate).
    pub fn accept(&mut self, report: Box<BackendReport>) -> bool {
        let b = report.backend;
        let Some((_, slot)) = self
            .slots
            .iter_mut()
            .find(|(id, s)| *id == b && matches!(s, Slot::Connecting))
        else {
            return false;
        };
        self.derived.push((b, Derived::of(&report)));
        *slot = Slot::Done(report);
        true
    }

    /// Stop whatever is still at work: connecting slots become cancelled, a search
    /// becomes stopped. Returns the handle to cancel when something was at work.
    pub fn stop(&mut self) -> Option<Cancel> {
        let mut any = false;
        for (_, s) in &mut self.slots {
            if matches!(s, Slot::Connecting) {
                *s = Slot::Cancelled;
                any = true;
            }
        }
        if self.searching() {
            self.explanation = Explanation::Stopped;
            any = true;
        }
        any.then(|| self.cancel.clone())
    }

    /// Keep only what the history shows (each backend's outcome, the comparison): the
    /// recordings, transcripts, derived views, diagnosis and prepared materials go.
    pub fn release(&mut self) {
        self.derived = Vec::new();
        self.prepared = None;
        if !self.searching() {
            self.explanation = Explanation::None;
        }
        for (_, s) in &mut self.slots {
            if let Slot::Done(r) = s {
                r.release_detail();
            }
        }
    }
}

/// What was said before TLS (a proxy's CONNECT or SOCKS5 exchange, the protocol's
/// STARTTLS dialogue), one ladder item per line, as sanitised text.
fn dialogue_items(r: &BackendReport) -> Vec<Dissected> {
    r.dialogue
        .iter()
        .map(|x| {
            let raw: Vec<u8> = x.text.as_bytes().iter().copied().take(4096).collect();
            let (name, meaning, rfc) = if x.via == "proxy" {
                (
                    "proxy",
                    "The proxy's own dialogue before the tunnel opens: HTTP CONNECT or SOCKS5.",
                    "RFC 9110 §9.3.6, RFC 1928",
                )
            } else if x.via == "relay" {
                (
                    "client's STARTTLS",
                    "The client program's own upgrade dialogue, answered by tlslens' relay as \
                     the server would; the relay had done the real one with the server (the \
                     STARTTLS lines above). Then the client's TLS goes to the server.",
                    "RFC 3207, RFC 2595, RFC 4217, RFC 4511 §4.14",
                )
            } else {
                (
                    "STARTTLS",
                    "The protocol's own dialogue before TLS: it asks the server to switch \
                     this connection to TLS (SMTP, IMAP, POP3, FTP, XMPP, LDAP, PostgreSQL, …).",
                    "RFC 3207, RFC 2595, RFC 4217, RFC 4511 §4.14",
                )
            };
            Dissected {
                from: if x.from == "server" {
                    crate::wire::Direction::Server
                } else {
                    crate::wire::Direction::Client
                },
                at_ms: 0.0,
                name: format!("{name}: {}", crate::text::sanitize(&x.text, 40)),
                fields: vec![crate::wire::dissect::FieldSpan {
                    name: "line".into(),
                    start: 0,
                    len: raw.len(),
                    value: crate::text::sanitize(&x.text, 200),
                    meaning: meaning.into(),
                    rfc,
                    depth: 0,
                }],
                raw,
            }
        })
        .collect()
}

/// A report's messages for the ladder: the clear ones dissected from the wire, and
/// where the session was decrypted, its records, messages, alerts and key schedule.
pub fn ladder_items(r: &BackendReport) -> Vec<Dissected> {
    let mut items = dialogue_items(r);
    items.extend(crate::wire::dissect::dissect(&r.wire));
    let mut items = match &r.decrypted {
        Some(d) => crate::decrypt::ladder_items(items, d),
        None => items,
    };
    // `r`: the resuming connection follows, after a divider.
    if let Some(again) = &r.resumed {
        items.push(Dissected {
            from: crate::wire::Direction::Client,
            at_ms: items.last().map_or(0.0, |x| x.at_ms),
            name: if again.reused {
                RESUMED.into()
            } else {
                NOT_RESUMED.into()
            },
            raw: Vec::new(),
            fields: vec![crate::wire::dissect::FieldSpan {
                name: "resumption".into(),
                start: 0,
                len: 0,
                value: if again.reused {
                    "the server accepted the offered session".into()
                } else {
                    "the server ignored the offered session".into()
                },
                meaning: "The second connection offers what the first received: a TLS 1.2 \
                          session ID or ticket, or a TLS 1.3 PSK identity (ticket) with its \
                          binder. Resumed, it skips the certificate and signature."
                    .into(),
                rfc: if again.version.as_deref() == Some("TLSv1.3") {
                    "RFC 8446 §2.2"
                } else {
                    "RFC 5246 §7.3"
                },
                depth: 0,
            }],
        });
        items.extend(ladder_items(again));
    }
    items
}

/// Ladder dividers before the second connection of a resuming attempt.
pub const RESUMED: &str = "2nd connection: resumed";
pub const NOT_RESUMED: &str = "2nd connection: full";
