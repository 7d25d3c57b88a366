//! The NSS key log (`--keylog FILE` or `SSLKEYLOGFILE`): the session secrets each
//! stack handed over, appended for Wireshark. The file is created 0600 (an existing
//! one readable by others is made private), a write error is the user's to know, and
//! the report says a key log is being written — it is a weakening like any other.

use crate::backend::BackendId;
use crate::report::{KeylogWritten as Written, Report};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the key log goes and who asked for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    /// `--keylog` or `SSLKEYLOGFILE`.
    pub source: &'static str,
}

/// The flag wins; else `SSLKEYLOGFILE` when it names a file (as curl, Firefox and
/// Python read it).
pub fn target(flag: Option<&Path>, env: Option<std::ffi::OsString>) -> Option<Target> {
    match (flag, env) {
        (Some(p), _) => Some(Target {
            path: p.to_path_buf(),
            source: "--keylog",
        }),
        (None, Some(v)) if !v.is_empty() => Some(Target {
            path: PathBuf::from(v),
            source: "SSLKEYLOGFILE",
        }),
        _ => None,
    }
}

/// Backends whose secrets are out of reach.
pub fn cannot_export(b: BackendId) -> bool {
    // native-tls exposes no callback; Java's JSSE has no key-log option at all.
    matches!(b, BackendId::NativeTls | BackendId::Java)
}

/// The weakening line the report carries while a key log is written.
pub fn warning(t: &Target) -> String {
    format!(
        "session secrets are written to {} ({}): anyone who can read it decrypts these sessions",
        t.path.display(),
        t.source
    )
}

/// Append `lines` (NSS key-log lines) to the target (created 0600), in one write.
pub fn append(t: &Target, lines: &[String]) -> std::io::Result<()> {
    let mut text = String::new();
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    append_text(t, &text)
}

fn append_text(t: &Target, text: &str) -> std::io::Result<()> {
    let mut f = crate::files::append_private(&t.path)?;
    f.write_all(text.as_bytes())?;
    f.flush()
}

/// Append every result's key-log lines to the target (created 0600), in one write.
pub fn write(t: &Target, report: &Report) -> std::io::Result<Written> {
    let mut text = String::new();
    let mut lines = 0;
    for r in &report.results {
        // A resumed second connection (--resume) has secrets of its own.
        let again = r.resumed.iter().flat_map(|x| x.keylog.iter());
        for line in r.keylog.iter().chain(again) {
            text.push_str(line);
            text.push('\n');
            lines += 1;
        }
    }
    append_text(t, &text)?;
    Ok(Written {
        file: t.path.display().to_string(),
        source: t.source,
        lines,
        cannot: report
            .results
            .iter()
            .map(|r| r.backend)
            .filter(|b| cannot_export(*b))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_over_the_environment() {
        let t = target(Some(Path::new("a.log")), Some("b.log".into())).unwrap();
        assert_eq!((t.path, t.source), (PathBuf::from("a.log"), "--keylog"));
        let t = target(None, Some("b.log".into())).unwrap();
        assert_eq!(t.source, "SSLKEYLOGFILE");
        assert_eq!(target(None, Some("".into())), None);
        assert_eq!(target(None, None), None);
    }
}
