//! The named profile library: `$XDG_CONFIG_HOME/tlslens/profiles/NAME.toml` (else
//! `~/.config/…`), listed by `tlslens profiles` and loaded by `--profile NAME`, plus the
//! name of the last profile used (`last-profile` beside it). Files are written 0600,
//! the directory 0700.

use super::Profile;
use std::io;
use std::path::{Path, PathBuf};

/// tlslens' configuration directory, from the environment as the XDG spec says.
pub fn config_dir() -> Option<PathBuf> {
    config_dir_from(&|k| std::env::var_os(k))
}

pub fn config_dir_from(env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let base = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("tlslens"))
}

/// Where named profiles live.
pub fn profiles_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("profiles"))
}

/// A bare name (no `/`, no `.toml`) means a profile of the library.
pub fn is_name(s: &str) -> bool {
    !s.is_empty() && !s.contains('/') && !s.ends_with(".toml") && !s.starts_with('.')
}

/// Check a name for saving: letters, digits, `.`, `_`, `-`.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = is_name(name)
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{}' is not a profile name (letters, digits, '.', '_', '-'; at most 64)",
            name.escape_debug()
        ))
    }
}

/// The file of a named profile.
pub fn path_of(name: &str) -> Result<PathBuf, String> {
    check_name(name)?;
    let dir =
        profiles_dir().ok_or("no profile library: neither XDG_CONFIG_HOME nor HOME is set")?;
    Ok(dir.join(format!("{name}.toml")))
}

/// One profile of the library.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub name: String,
    pub path: PathBuf,
    /// `host:port`, or why the file does not load.
    pub target: Result<String, String>,
}

/// Every profile of the library, by name (at most 1000).
pub fn list() -> Vec<Entry> {
    let Some(dir) = profiles_dir() else {
        return Vec::new();
    };
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<Entry> = rd
        .filter_map(Result::ok)
        .take(1000)
        .filter_map(|e| {
            let path = e.path();
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".toml")?
                .to_string();
            let target = load(&path).map(|p| super::host_port(&p.host, p.port));
            Some(Entry { name, path, target })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Read a profile file (bounded), errors in words.
pub fn load(path: &Path) -> Result<Profile, String> {
    let bytes = crate::files::read_bounded(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    Profile::from_toml(&text).map_err(|e| format!("bad profile: {e}"))
}

/// Save a profile under `name` (replacing one of that name).
pub fn save(name: &str, p: &Profile) -> io::Result<PathBuf> {
    let path = path_of(name).map_err(io::Error::other)?;
    if let Some(dir) = path.parent() {
        make_private_dir(dir)?;
    }
    crate::files::write_atomic_private(&path, p.to_toml().as_bytes())?;
    Ok(path)
}

fn make_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Remember the profile last used (a library name or a file path).
pub fn remember(used: &str) -> io::Result<()> {
    let dir = config_dir().ok_or_else(|| io::Error::other("no config directory"))?;
    make_private_dir(&dir)?;
    crate::files::write_atomic_private(&dir.join("last-profile"), format!("{used}\n").as_bytes())
}

/// The profile last used, if one was remembered.
pub fn last() -> Option<String> {
    let path = config_dir()?.join("last-profile");
    let bytes = crate::files::read_bounded(&path).ok()?;
    let s = String::from_utf8(bytes).ok()?;
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_directories() {
        assert!(is_name("legacy-api"));
        assert!(!is_name("./legacy.toml") && !is_name("legacy.toml") && !is_name(""));
        assert!(check_name("a b").is_err());
        let env = |k: &str| match k {
            "XDG_CONFIG_HOME" => Some("/x/cfg".into()),
            "HOME" => Some("/home/u".into()),
            _ => None,
        };
        assert_eq!(config_dir_from(&env), Some(PathBuf::from("/x/cfg/tlslens")));
        let relative = |k: &str| match k {
            "XDG_CONFIG_HOME" => Some("cfg".into()),
            "HOME" => Some("/home/u".into()),
            _ => None,
        };
        assert_eq!(
            config_dir_from(&relative),
            Some(PathBuf::from("/home/u/.config/tlslens")),
            "a relative XDG_CONFIG_HOME is ignored, as the spec says"
        );
    }
}
