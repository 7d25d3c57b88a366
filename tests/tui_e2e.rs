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

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// Start `tlslens ARGS` at 80×24 in tmux, in `dir`, with its exit status printed after.
fn start(t: &Tmux, args: &str, dir: &std::path::Path) {
    let bin = env!("CARGO_BIN_EXE_tlslens");
    let cmd = format!("{bin} {args}; echo TLSLENS-EXIT=$?; sleep 30");
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
    let cmd = format!("{bin} lab:legacy; echo TLSLENS-EXIT=$?; sleep 30");
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
}
