//! The profile TOML loader: any text never panics; a profile that loads and validates
//! writes back to TOML that loads to the same profile.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslens::profile::Profile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(p) = Profile::from_toml(text) else {
        return;
    };
    if p.validate().is_ok() {
        let again = Profile::from_toml(&p.to_toml());
        assert_eq!(again.as_ref(), Ok(&p), "{}", p.to_toml());
    }
    let _ = (
        p.sni_name(),
        p.verify_name(),
        p.group_list(),
        p.ciphersuite_list(),
    );
});
