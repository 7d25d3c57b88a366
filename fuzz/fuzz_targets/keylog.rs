//! The NSS key-log parser: any text as the key log of two real captures (TLS 1.3 and
//! TLS 1.2, from `fuzz/seeds/`), whose own key logs are the seeds. The parser is
//! reached through the decryptors, its only callers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tlslens::wire::Chunk;

static CAPTURES: OnceLock<[Vec<Chunk>; 2]> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let [c13, c12] = CAPTURES.get_or_init(|| {
        [
            tlslens_fuzz::keylog_and_chunks(include_bytes!("../seeds/decrypt13/chacha20")).1,
            tlslens_fuzz::keylog_and_chunks(include_bytes!("../seeds/decrypt12/gcm")).1,
        ]
    });
    let keylog = vec![String::from_utf8_lossy(data).into_owned()];
    if let Ok(d) = tlslens::decrypt::decrypt_tls13(c13, &keylog) {
        tlslens_fuzz::check_decrypted(c13, &d);
    }
    if let Ok(d) = tlslens::decrypt::decrypt_tls12(c12, &keylog) {
        tlslens_fuzz::check_decrypted(c12, &d);
    }
});
