//! Comparisons: two backends on one attempt (rows of field, left, right, same?), and
//! one attempt against the one before it ("seclevel default → 0: openssl now succeeds").

use crate::backend::BackendId;
use crate::profile::Profile;
use crate::report::BackendReport;

/// One row of a side-by-side comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffRow {
    pub field: &'static str,
    pub left: String,
    pub right: String,
    pub same: bool,
}

fn or_dash(s: Option<&str>) -> String {
    s.unwrap_or("-").to_string()
}

/// What a report says about one field, in words.
fn field_values(r: &BackendReport) -> Vec<(&'static str, String)> {
    let e = r.error.as_ref();
    let leaf = r.certificates.first();
    vec![
        ("result", if r.ok { "ok".into() } else { "FAILED".into() }),
        ("version", or_dash(r.version.as_deref())),
        ("cipher", or_dash(r.cipher.as_deref())),
        ("openssl name", or_dash(r.cipher_openssl.as_deref())),
        ("group", or_dash(r.group.as_deref())),
        ("alpn", or_dash(r.alpn.as_deref())),
        (
            "verify",
            match r.verify.ok {
                Some(true) => "ok".into(),
                Some(false) => "failed".into(),
                None => "-".into(),
            },
        ),
        ("verify reason", or_dash(r.verify.reason.as_deref())),
        ("error", or_dash(e.map(|e| e.kind.as_str()))),
        ("stage", or_dash(e.map(|e| e.stage.as_str()))),
        ("alert", or_dash(e.and_then(|e| e.alert.as_deref()))),
        ("what happened", or_dash(e.map(|e| e.detail.as_str()))),
        (
            "server chose",
            r.server_hello
                .as_ref()
                .map(|s| {
                    format!(
                        "{} {}",
                        or_dash(s.version.as_deref()),
                        or_dash(s.cipher.as_deref())
                    )
                })
                .unwrap_or_else(|| "-".into()),
        ),
        (
            "client said",
            or_dash(
                r.client
                    .as_ref()
                    .and_then(|c| c.said.as_deref().or(c.error_line.as_deref())),
            ),
        ),
        (
            "ja4",
            or_dash(r.fingerprint.as_ref().map(|f| f.ja4.as_str())),
        ),
        (
            "ja3",
            or_dash(r.fingerprint.as_ref().map(|f| f.ja3_hash.as_str())),
        ),
        ("certificate", or_dash(leaf.map(|c| c.subject.as_str()))),
        (
            "cert key",
            leaf.map(|c| format!("{}-{} {}", c.key_type, c.key_bits, c.signature_algorithm))
                .unwrap_or_else(|| "-".into()),
        ),
        (
            CHAIN_LENGTH,
            if r.chain_leaf_only {
                format!("leaf only ({} hides the rest)", r.backend)
            } else {
                r.certificates.len().to_string()
            },
        ),
        (
            "not settable",
            if r.unsupported.is_empty() {
                "-".into()
            } else {
                r.unsupported.join(", ")
            },
        ),
    ]
}

const CHAIN_LENGTH: &str = "chain length";

/// Rows comparing two backends' results.
pub fn rows(a: &BackendReport, b: &BackendReport) -> Vec<DiffRow> {
    field_values(a)
        .into_iter()
        .zip(field_values(b))
        .map(|((field, left), (_, right))| DiffRow {
            field,
            // A stack that shows only the leaf is no evidence that the server sent a
            // different chain: compare what both can see.
            same: if field == CHAIN_LENGTH && (a.chain_leaf_only || b.chain_leaf_only) {
                a.certificates.first() == b.certificates.first()
            } else {
                left == right
            },
            left,
            right,
        })
        .collect()
}

fn opt_str<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "default".into())
}

/// The profile fields that changed, as "seclevel default → 0".
pub fn profile_changes(old: &Profile, new: &Profile) -> Vec<String> {
    let mut out = Vec::new();
    let mut cmp = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name} {a} → {b}"));
        }
    };
    cmp("host", old.host.clone(), new.host.clone());
    cmp("port", old.port.to_string(), new.port.to_string());
    cmp("sni", format!("{:?}", old.sni), format!("{:?}", new.sni));
    cmp(
        "min_tls",
        opt_str(&old.min_tls.map(|v| v.short())),
        opt_str(&new.min_tls.map(|v| v.short())),
    );
    cmp(
        "max_tls",
        opt_str(&old.max_tls.map(|v| v.short())),
        opt_str(&new.max_tls.map(|v| v.short())),
    );
    cmp("seclevel", opt_str(&old.seclevel), opt_str(&new.seclevel));
    cmp("ciphers", opt_str(&old.ciphers), opt_str(&new.ciphers));
    cmp(
        "ciphersuites",
        opt_str(&old.ciphersuites),
        opt_str(&new.ciphersuites),
    );
    cmp("groups", opt_str(&old.groups), opt_str(&new.groups));
    cmp("verify", old.verify.name().into(), new.verify.name().into());
    cmp("trust", old.trust.name().into(), new.trust.name().into());
    let path = |p: &Option<std::path::PathBuf>| p.as_ref().map(|x| x.display().to_string());
    cmp(
        "cacert",
        opt_str(&path(&old.cacert)),
        opt_str(&path(&new.cacert)),
    );
    cmp("cert", opt_str(&path(&old.cert)), opt_str(&path(&new.cert)));
    cmp("alpn", old.alpn.join(","), new.alpn.join(","));
    out
}

fn short_outcome(r: &BackendReport) -> String {
    if r.ok {
        format!(
            "{} {}",
            or_dash(r.version.as_deref()),
            or_dash(r.cipher.as_deref())
        )
    } else {
        match &r.error {
            Some(e) => match &e.alert {
                Some(a) => format!("{} {a}", e.kind.as_str()),
                None => e.kind.as_str().to_string(),
            },
            None => "failed verification".into(),
        }
    }
}

/// One sentence per backend whose outcome changed between two attempts.
pub fn compare_attempts(
    old: &Profile,
    old_results: &[BackendReport],
    new: &Profile,
    new_results: &[BackendReport],
) -> String {
    let changes = profile_changes(old, new);
    let head = if changes.is_empty() {
        "same profile".to_string()
    } else {
        changes.join(", ")
    };
    let mut parts = Vec::new();
    for n in new_results {
        let Some(o) = old_results.iter().find(|o| o.backend == n.backend) else {
            continue;
        };
        let b: BackendId = n.backend;
        let part = match (o.ok, n.ok) {
            (false, true) => format!("{b} now succeeds with {}", short_outcome(n)),
            (true, false) => format!("{b} now fails ({})", short_outcome(n)),
            (true, true) if short_outcome(o) != short_outcome(n) => {
                format!("{b} now negotiates {}", short_outcome(n))
            }
            (false, false) if short_outcome(o) != short_outcome(n) => {
                format!("{b} still fails, now {}", short_outcome(n))
            }
            _ => continue,
        };
        parts.push(part);
    }
    if parts.is_empty() {
        format!("{head}: no backend's outcome changed")
    } else {
        format!("{head}: {}", parts.join("; "))
    }
}
