//! Helpers shared by the integration tests.

use std::process::Command;

/// Whether `tool arg` runs. Under CI every tool the tests use is installed by
/// .ci/setup: a missing one is a broken setup, not a reason to pass.
#[allow(dead_code)] // not every test binary runs tools
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

/// Those of the client backends `wanted` installed here; under CI every one must be.
#[allow(dead_code)] // not every test binary runs clients
pub fn clients_present(wanted: &[tlslens::backend::BackendId]) -> Vec<tlslens::backend::BackendId> {
    wanted
        .iter()
        .copied()
        .filter(|b| {
            let found = tlslens::backend::clients::installed(*b);
            assert!(
                found || std::env::var_os("CI").is_none(),
                "client {b} is missing under CI: .ci/setup must install it"
            );
            if !found {
                println!("SKIPPED: {b} is not installed");
            }
            found
        })
        .collect()
}

/// Every result failed as `kind` at `stage`, with `needle` in the message, before any
/// TLS (a proxy's or a server's refusal of the upgrade).
#[allow(dead_code)] // not every test binary checks refusals
#[track_caller]
pub fn failed_before_tls(
    results: &[tlslens::report::BackendReport],
    kind: tlslens::report::ErrorKind,
    stage: tlslens::report::Stage,
    needle: &str,
) {
    for r in results {
        let e = r.error.as_ref().expect("an error");
        assert_eq!((e.kind, e.stage), (kind, stage), "{}: {e:?}", r.backend);
        assert!(
            e.message.contains(needle),
            "{}: {needle:?} not in {e:?}",
            r.backend
        );
        assert!(!r.ok, "{}", r.backend);
        assert!(
            r.transcript.messages.is_empty(),
            "{}: no TLS was attempted: {:?}",
            r.backend,
            r.transcript.messages
        );
    }
}
