//! The wire decoder on any capture: never panics, output bounded by the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslens::wire::{Direction, Transcript};

fuzz_target!(|data: &[u8]| {
    let cs = tlslens_fuzz::chunks(data);
    let t = Transcript::decode(&cs);
    let input: usize = cs.iter().map(|c| c.bytes.len()).sum();
    assert!(t.messages.len() <= input);
    assert!(t.notes.len() <= 64);
    assert!(serde_json::to_string(&t).is_ok());
    let _ = (
        t.negotiated_version(),
        t.negotiated_cipher(),
        t.negotiated_group(),
        t.last_server_message(),
        t.offered_versions(),
        t.server_certificates(),
        t.first_alert(Direction::Server),
        t.server_spoke_non_tls(),
        t.encrypted_from(Direction::Client),
    );
});
