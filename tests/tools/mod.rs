//! Helpers shared by the integration tests.

use std::process::Command;

/// Whether `tool arg` runs. Under CI every tool the tests use is installed by
/// .ci/setup: a missing one is a broken setup, not a reason to pass.
pub fn have(tool: &str, arg: &str) -> bool {
    let found = Command::new(tool)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "`{tool}` is missing under CI: .ci/setup must install it"
    );
    if !found {
        println!("SKIPPED: `{tool}` is not installed");
    }
    found
}
