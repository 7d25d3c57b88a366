//! The lab's files: a private directory with an unpredictable name, private keys, and
//! nothing left behind.

use std::os::unix::fs::PermissionsExt;
use tlslens::lab::Lab;

fn mode(p: &std::path::Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn lab_directory_is_private_unpredictable_and_removed() {
    // The old name was tlslens-lab-<pid>-<seq>: plant links there; they must stay unused.
    let tmp = std::env::temp_dir();
    let planted: Vec<_> = (0..4)
        .map(|i| tmp.join(format!("tlslens-lab-{}-{i}", std::process::id())))
        .collect();
    let victim = tempfile::tempdir().unwrap();
    for p in &planted {
        let _ = std::fs::remove_file(p);
        std::os::unix::fs::symlink(victim.path(), p).unwrap();
    }
    let lab = Lab::start().unwrap();
    let dir = lab.dir.clone();
    assert!(!planted.contains(&dir), "{dir:?}");
    assert!(std::fs::read_dir(victim.path()).unwrap().next().is_none());
    assert!(std::fs::symlink_metadata(&dir).unwrap().is_dir());
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&lab.client_key()), 0o600);
    assert_eq!(mode(&lab.ca_file()), 0o600);
    drop(lab);
    assert!(!dir.exists(), "{dir:?} left behind");
    for p in &planted {
        std::fs::remove_file(p).unwrap();
    }
}
