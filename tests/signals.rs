//! Clean exits on a signal: `tlslens lab` removes its private directory and exits
//! 128 + the signal's number on SIGINT, SIGTERM, SIGHUP and SIGQUIT.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn lab_removes_its_directory_and_exits_128_plus_the_signal() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tlslens"))
            .args(["lab", "--duration", "60"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let mut anchor = None;
        for line in out.lines() {
            let line = line.unwrap();
            if let Some(p) = line.strip_prefix("trust anchor: ") {
                anchor = Some(std::path::PathBuf::from(p));
            }
            if line.starts_with("try: ") {
                break;
            }
        }
        let anchor = anchor.expect("a trust anchor line");
        let dir = anchor.parent().unwrap().to_path_buf();
        assert!(dir.is_dir(), "{} exists while the lab runs", dir.display());
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("lab did not exit on signal {sig}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(status.signal(), None, "signal {sig} was caught, not fatal");
        assert_eq!(
            status.code(),
            Some(128 + sig),
            "exit status for signal {sig}"
        );
        assert!(
            !dir.exists(),
            "{} removed after signal {sig}",
            dir.display()
        );
    }
}
