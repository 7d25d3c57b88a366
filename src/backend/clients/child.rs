//! A bounded child process: its own process group (so `timeout`, a JVM's helpers and
//! a shell's children go with it), stdin closed, stdout and stderr captured up to a
//! limit (the rest drained and counted), killed at its deadline or when asked.

use std::io::Read;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// At most this much of each stream is kept.
pub const MAX_CAPTURED: usize = 64 * 1024;

/// One stream's capture: the kept bytes and whether more were dropped.
type Captured = (Vec<u8>, bool);

pub struct Running {
    child: Child,
    out: Option<JoinHandle<Captured>>,
    err: Option<JoinHandle<Captured>>,
}

/// What a finished (or killed) child left.
pub struct Finished {
    pub status: Option<ExitStatus>,
    pub killed: bool,
    pub stdout: Captured,
    pub stderr: Captured,
}

fn capture(mut r: impl Read + Send + 'static) -> JoinHandle<Captured> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut dropped = false;
        let mut buf = [0u8; 8192];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let chunk = buf.get(..n).unwrap_or(&[]);
                    let room = MAX_CAPTURED.saturating_sub(kept.len());
                    if chunk.len() > room {
                        dropped = true;
                    }
                    kept.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or(&[]));
                }
            }
        }
        (kept, dropped)
    })
}

/// Start `argv` in `dir`, with `env` added to the environment.
pub fn spawn(argv: &[String], dir: &Path, env: &[(&str, String)]) -> std::io::Result<Running> {
    let (prog, args) = argv
        .split_first()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no program"))?;
    let mut child = Command::new(prog)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let out = child.stdout.take().map(capture);
    let err = child.stderr.take().map(capture);
    Ok(Running { child, out, err })
}

impl Running {
    /// Whether it has exited (without waiting).
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Wait until it exits, `deadline` passes or `stop` says so (the attempt was
    /// cancelled); then kill what is left of its process group and collect its output.
    /// Never outlives the call.
    pub fn finish(mut self, deadline: Instant, stop: &dyn Fn() -> bool) -> Finished {
        let mut status = None;
        while status.is_none() {
            match self.child.try_wait() {
                Ok(Some(s)) => status = Some(s),
                Ok(None) if Instant::now() < deadline && !stop() => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                _ => break,
            }
        }
        let killed = status.is_none();
        // The whole group: a shell's or a JVM's children too, even after the leader
        // exited (they would keep the pipes open).
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) on our own child's process group; no memory is involved.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        if killed {
            status = self.child.wait().ok();
        }
        let join =
            |h: Option<JoinHandle<Captured>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
        Finished {
            status,
            killed,
            stdout: join(self.out.take()),
            stderr: join(self.err.take()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // A Running dropped without finish() (an early return): no orphan.
        if let Ok(None) = self.child.try_wait()
            && let Ok(pid) = i32::try_from(self.child.id())
        {
            // SAFETY: as above.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Running {
        let argv = ["sh".to_string(), "-c".into(), script.into()];
        spawn(&argv, Path::new("/"), &[]).unwrap()
    }

    /// A client that hangs is killed at its deadline, with whatever it started.
    #[test]
    fn a_hanging_child_and_its_group_are_killed() {
        let r = sh("sleep 30 & echo $!; wait");
        let t = Instant::now();
        let f = r.finish(Instant::now() + Duration::from_secs(30), &|| {
            t.elapsed() > Duration::from_millis(300)
        });
        assert!(f.killed);
        assert!(t.elapsed() < Duration::from_secs(5));
        let pid = String::from_utf8_lossy(&f.stdout.0).trim().to_string();
        assert!(!pid.is_empty());
        // The background sleep went with the group (dead: gone, or a zombie waiting
        // for a reaper).
        std::thread::sleep(Duration::from_millis(100));
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat.rsplit(')').next().unwrap_or("").trim_start();
        assert!(
            stat.is_empty() || state.starts_with('Z') || state.starts_with('X'),
            "sleep {pid} outlived the attempt: {stat}"
        );
    }

    #[test]
    fn output_is_bounded() {
        let f = sh("head -c 1000000 /dev/zero; echo done >&2")
            .finish(Instant::now() + Duration::from_secs(20), &|| false);
        assert!(!f.killed);
        assert_eq!(f.stdout.0.len(), MAX_CAPTURED);
        assert!(f.stdout.1);
        assert_eq!(f.stderr.0, b"done\n");
        assert!(f.status.is_some_and(|s| s.success()));
    }
}
