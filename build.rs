//! Record the exact versions of the TLS crates Cargo resolved, so `--version` and the
//! report can name them (the linked OpenSSL is asked at run time).

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    for (krate, var) in [
        ("rustls", "TLSLENS_RUSTLS_VERSION"),
        ("native-tls", "TLSLENS_NATIVE_TLS_VERSION"),
        ("openssl", "TLSLENS_OPENSSL_CRATE_VERSION"),
    ] {
        let needle = format!("name = \"{krate}\"\nversion = \"");
        let version = lock
            .find(&needle)
            .and_then(|i| lock.get(i + needle.len()..))
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("unknown");
        println!("cargo:rustc-env={var}={version}");
    }
}
