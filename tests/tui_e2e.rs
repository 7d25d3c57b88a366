//! End to end: the real binary inside tmux at 80×24, driven by keys like a person
//! over SSH. Opens on the lab's legacy server, fails, steps the security level and
//! the minimum version, succeeds with TLS 1.1, diffs, quits with the terminal restored.

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }
    fn keys(&self, k: &str) {
        self.run(&["send-keys", "-t", "e2e", k]);
    }
    /// Wait (bounded) until every needle is on screen; return the screen.
    #[track_caller]
    fn wait_for(&self, needles: &[&str]) -> String {
        self.wait_until(&format!("{needles:?}"), |s| {
            needles.iter().all(|n| s.contains(n))
        })
    }
    /// Wait (bounded: 20 s) until the screen satisfies `pred`.
    #[track_caller]
    fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Tmux {
    /// The tlslens process in the pane (a child of the pane's shell).
    fn tlslens_pid(&self) -> i32 {
        let shell = self.run(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
        let shell = shell.trim().to_string();
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            // pid (comm) state ppid …
            let Some((head, rest)) = stat.rsplit_once(") ") else {
                continue;
            };
            let ppid = rest.split_whitespace().nth(1);
            if head.ends_with("(tlslens") && ppid == Some(shell.as_str()) {
                return head.split_whitespace().next().unwrap().parse().unwrap();
            }
        }
        panic!("no tlslens process under the pane's shell {shell}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let state = std::env::temp_dir().join(format!("tlslens-e2e-state-{}", self.socket));
        let _ = std::fs::remove_dir_all(state);
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// Start `tlslens ARGS` at 80×24 in tmux, in `dir`, with its exit status and the
/// terminal's mode (`stty -a`) printed after.
fn start(t: &Tmux, args: &str, dir: &std::path::Path) {
    let bin = env!("CARGO_BIN_EXE_tlslens");
    // Its own state directory: a recovery file from another test is not offered here.
    let state = std::env::temp_dir().join(format!("tlslens-e2e-state-{}", t.socket));
    let cmd = format!(
        "XDG_STATE_HOME={} {bin} {args}; echo TLSLENS-EXIT=$?; stty -a; sleep 30",
        state.display()
    );
    let dir = dir.display().to_string();
    t.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "80",
        "-y",
        "24",
        "-c",
        &dir,
        &cmd,
    ]);
}

fn tmux(name: &str) -> Tmux {
    if Command::new("tmux").arg("-V").output().is_err() {
        panic!("tmux is required for this test (.ci/run installs it)");
    }
    Tmux {
        socket: format!("tlslens-e2e-{name}-{}", std::process::id()),
    }
}

/// The diagnosis arrives while the save prompt is open and while help is open: both
/// stay open and the result is kept (`f` then offers the fix). Saving over an existing
/// file asks first.
#[test]
fn background_results_under_prompt_and_help() {
    let t = tmux("modes");
    let dir = std::env::temp_dir().join(format!("tlslens-e2e-modes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let existing = dir.join("tlslens-profile.toml");
    std::fs::write(&existing, "# mine\n").unwrap();
    start(&t, "lab:legacy", &dir);
    t.wait_for(&["lab:legacy", "Enter to connect"]);
    t.keys("Right"); // the openssl column: it has a fix
    t.run(&["send-keys", "-t", "e2e", "Enter", "C-s"]);
    // Prompt still open, and the diagnosis arrived under it.
    t.wait_for(&["save profile to", "f applies --seclevel 0"]);
    t.keys("Enter"); // the suggested name exists
    t.wait_for(&["overwrite?", "tlslens-profile.toml exists"]);
    t.keys("n");
    t.wait_for(&["not written"]);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "# mine\n");

    // Retry with help open at once: the new diagnosis arrives, help stays.
    t.run(&["send-keys", "-t", "e2e", "Enter", "?"]);
    t.wait_until("help open after the diagnosis", |s| {
        s.contains("keys (any key closes)") && s.contains("f applies --seclevel 0")
    });
    t.keys("f"); // closes help and offers the fix (not "still looking")
    t.wait_for(&["apply this fix?", "--seclevel 0"]);
    t.keys("Escape");
    t.wait_for(&["fix not applied"]);
    t.keys("q");
    t.wait_for(&["TLSLENS-EXIT=0"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Esc on a handshake that would wait for its timeout: the columns say cancelled at
/// once, and a new attempt can start.
#[test]
fn escape_cancels_a_silent_server() {
    let t = tmux("cancel");
    start(&t, "lab:silent --timeout 60", &std::env::temp_dir());
    t.wait_for(&["lab:silent", "Enter to connect"]);
    t.keys("Enter");
    t.wait_for(&["connecting"]);
    t.keys("Escape");
    let s = t.wait_for(&["attempt cancelled"]);
    assert_eq!(
        s.matches("cancelled").count(),
        4,
        "three columns and the status:\n{s}"
    );
    t.keys("Enter");
    let s = t.wait_for(&["connecting"]);
    assert!(!s.contains("an attempt is running"), "{s}");
    t.keys("Escape");
    t.keys("q");
    t.wait_for(&["TLSLENS-EXIT=0"]);
}

/// `S` scans the legacy server: the matrix with openssl's marks, then Esc on a scan of
/// a silent server stops it at once and `q` still exits cleanly.
#[test]
fn scan_view_and_stopping_a_scan() {
    let t = tmux("scan");
    start(&t, "lab:legacy --timeout 60", &std::env::temp_dir());
    t.wait_for(&["lab:legacy", "Enter to connect"]);
    t.keys("S");
    t.wait_for(&[
        "N O R:",
        "TLSv1.0  yes",
        "· O ·  TLS_RSA_WITH_AES_128_CBC_SHA",
    ]);
    t.keys("q");
    t.wait_for(&["TLSLENS-EXIT=0"]);

    // A silent server: every hello would wait for its 60 s deadline.
    let t = tmux("scan-stop");
    start(&t, "lab:silent --timeout 60", &std::env::temp_dir());
    t.wait_for(&["lab:silent", "Enter to connect"]);
    t.keys("S");
    t.wait_for(&["scanning what the server accepts"]);
    t.keys("Escape");
    t.wait_for(&["scan stopped", "the scan was stopped: r scans again"]);
    t.keys("q");
    t.wait_for(&["TLSLENS-EXIT=0"]);
}

#[test]
fn legacy_server_walkthrough_in_tmux() {
    if Command::new("tmux").arg("-V").output().is_err() {
        panic!("tmux is required for this test (.ci/run installs it)");
    }
    let bin = env!("CARGO_BIN_EXE_tlslens");
    let t = Tmux {
        socket: format!("tlslens-e2e-{}", std::process::id()),
    };
    // A shell wraps the program so we can see its exit status and the screen after.
    // Its own state directory: the edits left at quit go to a recovery file there.
    let state = std::env::temp_dir().join(format!("tlslens-e2e-state-{}", t.socket));
    let cmd = format!(
        "XDG_STATE_HOME={} {bin} lab:legacy; echo TLSLENS-EXIT=$?; sleep 30",
        state.display()
    );
    t.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "80",
        "-y",
        "24",
        &cmd,
    ]);
    t.wait_for(&["lab:legacy", "Enter to connect"]);

    t.keys("Enter");
    // All three fail at first (each column says FAILED; openssl says why).
    let s = t.wait_until("all three columns fail", |s| {
        s.contains("legacy sigalg") && s.matches("FAILED").count() >= 3
    });
    assert!(!s.contains("connecting"), "{s}");

    t.keys("s"); // seclevel default → 0, retries
    // The status line compares each finished attempt with the one before.
    t.wait_for(&[
        "WEAKENED: seclevel 0",
        "Δ seclevel default → 0: openssl now succeeds",
    ]);
    t.keys("m"); // min TLS default → 1.0, retries
    let s = t.wait_for(&[
        "min TLS 1.0",
        "Δ min_tls default → 1.0",
        "TLSv1.1",
        "TLS_ECDHE_RSA_WITH_",
        "AES_256_CBC_SHA",
    ]);
    assert!(s.contains("OK"), "openssl succeeds:\n{s}");

    t.keys("d");
    let s = t.wait_for(&["diff: native-tls | rustls", "result", "alert"]);
    assert!(s.contains("FAILED"), "rustls still fails:\n{s}");

    t.keys("q");
    let s = t.wait_for(&["TLSLENS-EXIT=0"]);
    assert!(
        !s.contains("diff: native-tls"),
        "the alternate screen is gone:\n{s}"
    );
    let alt = t.run(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
    assert_eq!(alt.trim(), "0", "terminal left the alternate screen");
    // The unsaved edits (level 0, TLS 1.0) were kept for the next start, privately.
    let recovery = state.join("tlslens/recovery.toml");
    let text = std::fs::read_to_string(&recovery).expect("a recovery file");
    assert!(
        text.contains("seclevel = 0") && text.contains("1.0"),
        "{text}"
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&recovery).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}

/// SIGHUP (the SSH session dropping) and SIGTERM: the terminal is restored (canonical
/// mode and echo back, the alternate screen left) and the status is 128 + the signal.
#[test]
fn signals_restore_the_terminal_and_say_so_in_the_status() {
    for (sig, name) in [(libc::SIGHUP, "hup"), (libc::SIGTERM, "term")] {
        let t = tmux(name);
        start(&t, "lab:legacy", &std::env::temp_dir());
        t.wait_for(&["lab:legacy", "Enter to connect"]);
        let alt = |t: &Tmux| t.run(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
        assert_eq!(alt(&t).trim(), "1", "the TUI is on the alternate screen");
        // SAFETY: kill(2) on the process the test started.
        assert_eq!(unsafe { libc::kill(t.tlslens_pid(), sig) }, 0);
        let s = t.wait_for(&[&format!("TLSLENS-EXIT={}", 128 + sig), "speed"]);
        let words: Vec<&str> = s.split_whitespace().collect();
        for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(words.contains(&mode), "{mode} restored after {name}:\n{s}");
        }
        assert_eq!(alt(&t).trim(), "0", "alternate screen left after {name}");
    }
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A server that floods: each attempt's recording is capped, and attempts beyond the
/// newest few keep only a summary, so five attempts do not grow the process past a
/// fixed bound.
#[test]
fn a_flooding_server_keeps_memory_bounded_over_attempts() {
    let t = tmux("flood");
    start(&t, "lab:flood --timeout 5", &std::env::temp_dir());
    t.wait_for(&["lab:flood", "Enter to connect"]);
    let pid = t.tlslens_pid();
    let mut rss = Vec::new();
    for i in 1..=5 {
        t.keys("Enter");
        t.keys("h");
        let id = format!("#{i} ");
        t.wait_until(&format!("attempt {i} done"), |s| {
            s.lines()
                .find(|l| l.contains(&id))
                .is_some_and(|l| !l.contains('…'))
        });
        rss.push(rss_kib(pid));
    }
    eprintln!("VmRSS after each attempt (KiB): {rss:?}");
    let (second, last) = (rss[1], rss[4]);
    assert!(
        last < FLOOD_RSS_BOUND_KIB,
        "VmRSS {last} KiB after 5 attempts: {rss:?}"
    );
    assert!(
        last < second + FLOOD_GROWTH_KIB,
        "VmRSS grew from {second} to {last} KiB over three attempts: {rss:?}"
    );
    t.keys("q");
    t.wait_for(&["TLSLENS-EXIT=0"]);
}

/// The bound: the lab, three stacks, and the newest attempts' capped recordings.
const FLOOD_RSS_BOUND_KIB: u64 = 384 * 1024;
/// Attempts 3–5 replace older ones' details instead of adding to them.
const FLOOD_GROWTH_KIB: u64 = 160 * 1024;
