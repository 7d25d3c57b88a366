//! The recording relay: a loopback listener that takes the client's one connection
//! and forwards bytes both ways to the target through the wire tap, so the client's
//! handshake is recorded exactly like an in-process stack's. A reset from the server
//! is passed on as a reset (the client sees `ECONNRESET`, as it would directly).

use super::child::Running;
use crate::tap::Tap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often a waiting side looks at its stop flag.
const POLL: Duration = Duration::from_millis(20);

pub struct Relay {
    listener: TcpListener,
    pub addr: SocketAddr,
}

/// Why no client connection came.
pub enum NoClient {
    /// The client exited first (it failed before connecting).
    Exited,
    /// The attempt was cancelled.
    Cancelled,
    Deadline,
    Io,
}

impl Relay {
    /// Listen on 127.0.0.1, on a port the kernel picks. Loopback only.
    pub fn bind() -> io::Result<Relay> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        Ok(Relay { listener, addr })
    }

    /// The client's connection, or why there is none.
    pub fn accept(
        &self,
        child: &mut Running,
        cancelled: &dyn Fn() -> bool,
        deadline: Instant,
    ) -> Result<TcpStream, NoClient> {
        loop {
            match self.listener.accept() {
                Ok((s, _)) => {
                    s.set_nonblocking(false).map_err(|_| NoClient::Io)?;
                    return Ok(s);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => return Err(NoClient::Io),
            }
            if child.exited() {
                return Err(NoClient::Exited);
            }
            if Instant::now() >= deadline {
                return Err(NoClient::Deadline);
            }
            if cancelled() {
                return Err(NoClient::Cancelled);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Answer the client's own STARTTLS dialogue as the server would (the relay has done
/// the real one with the target), within `deadline`; the connection, ready for TLS, or
/// None when the client did not get through it; and what each side said.
pub fn upgrade(
    mut down: TcpStream,
    proto: crate::profile::Starttls,
    deadline: Instant,
    said: &mut Vec<crate::net::talk::Exchange>,
) -> Option<TcpStream> {
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    down.set_read_timeout(Some(left)).ok()?;
    down.set_write_timeout(Some(left)).ok()?;
    let me = crate::net::starttls_server::RELAY;
    let (done, log) = crate::net::starttls_server::dialogue_recorded(proto, &mut down, me);
    *said = log;
    done?;
    down.set_read_timeout(None).ok()?;
    down.set_write_timeout(None).ok()?;
    Some(down)
}

/// Both directions being forwarded.
pub struct Pump {
    stop: Arc<AtomicBool>,
    up: Tap,
    threads: Vec<JoinHandle<()>>,
    /// The server ended its side (closed or reset) before we stopped.
    server_done: Arc<AtomicBool>,
}

/// Start forwarding between the client (`down`) and the target (`up`).
pub fn pump(down: TcpStream, up: Tap) -> io::Result<Pump> {
    let stop = Arc::new(AtomicBool::new(false));
    let reset = Arc::new(AtomicBool::new(false));
    let server_done = Arc::new(AtomicBool::new(false));
    // When the server last sent something.
    let heard = Arc::new(std::sync::Mutex::new(Instant::now()));
    let mut threads = Vec::new();

    // Client → server.
    {
        let (mut from, mut to) = (down.try_clone()?, up.try_clone()?);
        from.set_read_timeout(Some(POLL))?;
        let (stop, reset, heard) = (stop.clone(), reset.clone(), heard.clone());
        threads.push(std::thread::spawn(move || {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                match from.read(&mut buf) {
                    Ok(0) => {
                        // The client closed. Pass that on once the server has answered
                        // what it sent last (a TLS 1.3 server's certificate_required
                        // comes only after our Finished), so that the report can tell
                        // that answer from the server's reaction to the close.
                        wait_quiet(&heard, &stop);
                        let _ = to.shutdown(Shutdown::Write);
                        break;
                    }
                    Ok(n) => {
                        if to.write_all(buf.get(..n).unwrap_or(&[])).is_err() {
                            break;
                        }
                    }
                    Err(e)
                        if matches!(
                            e.kind(),
                            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                        ) =>
                    {
                        if stop.load(Ordering::SeqCst) || reset.load(Ordering::SeqCst) {
                            break;
                        }
                    }
                    Err(_) => {
                        let _ = to.shutdown(Shutdown::Write);
                        break;
                    }
                }
            }
            // Dropping `from` here may be the last handle: with linger 0 set by the
            // other direction, the close sends the reset.
        }));
    }
    // Server → client.
    {
        let (mut from, mut to) = (up.try_clone()?, down.try_clone()?);
        let (reset, done) = (reset.clone(), server_done.clone());
        threads.push(std::thread::spawn(move || {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                match from.read(&mut buf) {
                    Ok(0) => {
                        done.store(true, Ordering::SeqCst);
                        let _ = to.shutdown(Shutdown::Write);
                        break;
                    }
                    Ok(n) => {
                        *heard.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
                        if to.write_all(buf.get(..n).unwrap_or(&[])).is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        done.store(true, Ordering::SeqCst);
                        if matches!(
                            e.kind(),
                            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
                        ) {
                            // Pass the reset on: close with linger 0 once both
                            // directions let go of the socket.
                            let _ = socket2::SockRef::from(&to).set_linger(Some(Duration::ZERO));
                            reset.store(true, Ordering::SeqCst);
                        } else {
                            let _ = to.shutdown(Shutdown::Both);
                        }
                        break;
                    }
                }
            }
        }));
    }
    // Only the threads hold the client's socket: the last of them to let go closes it.
    drop(down);
    Ok(Pump {
        stop,
        up,
        threads,
        server_done,
    })
}

/// How long the server must have been silent before a client's close is passed on.
const QUIET: Duration = Duration::from_millis(100);

/// Wait until the server has said nothing for [`QUIET`] (at most 400 ms, or until the
/// relay stops).
fn wait_quiet(heard: &std::sync::Mutex<Instant>, stop: &AtomicBool) {
    let until = Instant::now() + Duration::from_millis(400);
    let since = Instant::now();
    loop {
        let last = (*heard.lock().unwrap_or_else(|e| e.into_inner())).max(since);
        if last.elapsed() >= QUIET || Instant::now() >= until || stop.load(Ordering::SeqCst) {
            return;
        }
        std::thread::sleep(POLL / 4);
    }
}

impl Pump {
    /// Stop forwarding, shut both connections and wait for the threads. Returns
    /// whether the server had ended its side by itself, and the target's tap.
    pub fn close(self) -> (bool, Tap) {
        // The client has exited: what it sent last (its Finished, a close_notify) is
        // still on its way, and so is the server's answer to it (a TLS 1.3 server's
        // certificate_required comes only then). Let the client-to-server side reach
        // the client's EOF (passed on as a FIN), then the server side the server's
        // close, before the connection is shut; bounded, 700 ms in all.
        let drained = Instant::now() + Duration::from_millis(700);
        for t in &self.threads {
            while !t.is_finished() && Instant::now() < drained {
                std::thread::sleep(POLL / 4);
            }
        }
        let server_done = self.server_done.load(Ordering::SeqCst);
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.up.shutdown(Shutdown::Both);
        for t in self.threads {
            let _ = t.join();
        }
        (server_done, self.up)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_relay_listens_on_loopback_only() {
        let r = super::Relay::bind().unwrap();
        assert!(r.addr.ip().is_loopback());
    }
}
