//! TLS 1.0–1.2 decryption of any capture with any key log: never panics, bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (keylog, cs) = tlslens_fuzz::keylog_and_chunks(data);
    if let Ok(d) = tlslens::decrypt::decrypt_tls12(&cs, &keylog) {
        tlslens_fuzz::check_decrypted(&cs, &d);
    }
});
