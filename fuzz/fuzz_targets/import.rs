//! `tlslens import`: any text, detected or read as each source (curl, openssl
//! s_client, Python ssl), never panics; an imported profile is valid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslens::import::{Source, import};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = import(text, None);
    for s in Source::ALL {
        if let Ok(i) = import(text, Some(s)) {
            assert!(i.profile.validate().is_ok());
        }
    }
});
