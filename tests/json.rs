//! `probe --json` as a script reads it: binary data as text, never arrays of numbers.

use std::process::Command;

/// Any array of more than a few small integers is binary data leaking into JSON.
fn number_arrays(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Array(a) => {
            if a.len() > 8 && a.iter().all(|x| x.is_u64()) {
                out.push(path.to_string());
            }
            for (i, x) in a.iter().enumerate() {
                number_arrays(x, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                number_arrays(x, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn certificates_are_base64_strings() {
    let out = Command::new(env!("CARGO_BIN_EXE_tlslens"))
        .args([
            "probe",
            "lab:modern",
            "--backend",
            "openssl,rustls",
            "--json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut arrays = Vec::new();
    number_arrays(&v, "", &mut arrays);
    assert!(arrays.is_empty(), "binary as number arrays at {arrays:?}");
    for r in v["results"].as_array().unwrap() {
        let certs = r["decrypted"]["server_certificates"].as_array().unwrap();
        assert!(!certs.is_empty());
        // DER starts with a SEQUENCE (0x30 0x82 …): "MII" in base64.
        assert!(certs.iter().all(|c| c.as_str().unwrap().starts_with("MII")));
    }
}
