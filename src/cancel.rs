//! Stopping work that is under way: a flag that loops check, plus the sockets in use,
//! which are shut so a blocked handshake returns at once instead of at its timeout.

use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default, Debug)]
struct Inner {
    cancelled: AtomicBool,
    next: AtomicU64,
    sockets: Mutex<Vec<(u64, TcpStream)>>,
}

/// Shared by everything one attempt starts (its probes and its diagnosis search).
/// Cloning shares the flag; [`Cancel::cancel`] stops them all.
#[derive(Clone, Default, Debug)]
pub struct Cancel(Arc<Inner>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stop: set the flag and shut every socket being watched.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        for (_, s) in self.lock().iter() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Shut `stream` when this is cancelled (at once if it already is), until the
    /// returned guard is dropped.
    pub fn watch(&self, stream: &TcpStream) -> Watch {
        let id = self.0.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(clone) = stream.try_clone() {
            self.lock().push((id, clone));
        }
        if self.is_cancelled() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        Watch {
            cancel: self.clone(),
            id,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, TcpStream)>> {
        self.0.sockets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Keeps a socket watched; dropping it forgets the socket (and closes our clone).
pub struct Watch {
    cancel: Cancel,
    id: u64,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.cancel.lock().retain(|(id, _)| *id != self.id);
    }
}

/// The signals that end the whole process cleanly: SIGINT, SIGTERM, SIGHUP (an SSH
/// session dropping) and SIGQUIT.
pub const EXIT_SIGNALS: [i32; 4] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
];

/// Call `f` (on a thread of its own) with the first of [`EXIT_SIGNALS`] to arrive, so
/// the front end can restore what it changed and exit with [`signal_exit_code`]. The
/// signals' default action is replaced from now on; false if they cannot be caught.
pub fn on_exit_signal(f: impl FnOnce(i32) + Send + 'static) -> bool {
    let Ok(mut signals) = signal_hook::iterator::Signals::new(EXIT_SIGNALS) else {
        return false;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            f(sig);
        }
    });
    true
}

/// The shell's convention for a process a signal ended: 128 + the signal's number.
pub fn signal_exit_code(sig: i32) -> std::process::ExitCode {
    std::process::ExitCode::from(u8::try_from(128 + sig).unwrap_or(255))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    #[test]
    fn cancel_unblocks_a_read() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let _server = l.accept().unwrap();
        let cancel = Cancel::new();
        let w = cancel.watch(&c);
        let t = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(50));
                cancel.cancel();
            })
        };
        let mut buf = [0u8; 8];
        // Without the shutdown this read would block for good.
        assert_eq!(c.read(&mut buf).unwrap_or(0), 0);
        t.join().unwrap();
        assert!(cancel.is_cancelled());
        drop(w);
        assert!(cancel.lock().is_empty());
    }

    #[test]
    fn watching_after_cancel_shuts_at_once() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let _server = l.accept().unwrap();
        let cancel = Cancel::new();
        cancel.cancel();
        let _w = cancel.watch(&c);
        let mut buf = [0u8; 8];
        assert_eq!(c.read(&mut buf).unwrap_or(0), 0);
    }
}
