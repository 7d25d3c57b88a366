//! Files tlslens reads from users and writes for them. Reads are bounded (a device or
//! a huge file is refused, not read); what we write is private to the user (0600):
//! key logs, lab keys and profiles can hold or point at secrets.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// No input file a person names here (CA bundle, certificate, key, profile) is larger.
pub const MAX_INPUT: u64 = 8 << 20;

/// Read at most [`MAX_INPUT`] bytes; more is an error. The size on disk is not trusted
/// (`/dev/zero` reports 0).
pub fn read_bounded(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {} MiB", MAX_INPUT >> 20),
        ));
    }
    Ok(bytes)
}

/// Create a new file, mode 0600, that must not exist yet: a link planted at `path` is
/// never followed (O_EXCL).
pub fn write_new_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Open for appending (NSS key logs accumulate), creating it 0600. An existing file
/// keeps its mode; a key log found readable by others is made private.
pub fn append_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::PermissionsExt;
    let f = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)?;
    let meta = f.metadata()?;
    if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(f)
}

/// Replace `path` atomically, mode 0600: write a temporary file beside it, fsync,
/// rename. A failure at any step leaves the old file as it was.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tlslens-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_files_are_0600_and_never_follow_a_link() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("target");
        std::fs::write(&target, b"mine").unwrap();
        let link = d.path().join("planted");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(write_new_private(&link, b"secret").is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"mine");

        let p = d.path().join("new.key");
        write_new_private(&p, b"k").unwrap();
        assert_eq!(mode(&p), 0o600);

        let log = d.path().join("keys.log");
        std::fs::write(&log, b"").unwrap();
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
        append_private(&log).unwrap();
        assert_eq!(mode(&log), 0o600);

        let prof = d.path().join("p.toml");
        write_atomic_private(&prof, b"a = 1").unwrap();
        write_atomic_private(&prof, b"a = 2").unwrap();
        assert_eq!(std::fs::read(&prof).unwrap(), b"a = 2");
        assert_eq!(mode(&prof), 0o600);
        // A failed replacement (no such directory) leaves nothing half-written.
        assert!(write_atomic_private(&d.path().join("no/such/p.toml"), b"x").is_err());
    }

    #[test]
    fn endless_input_is_refused() {
        let e = read_bounded(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("larger than 8 MiB"));
    }
}
