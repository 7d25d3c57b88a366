//! The dissector on any capture: never panics, bounded, every item's fields tile it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslens::wire::dissect::dissect;

fuzz_target!(|data: &[u8]| {
    let cs = tlslens_fuzz::chunks(data);
    let input: usize = cs.iter().map(|c| c.bytes.len()).sum();
    let ds = dissect(&cs);
    assert!(ds.len() <= input.max(1));
    for d in &ds {
        tlslens_fuzz::check_tiling(d);
    }
});
