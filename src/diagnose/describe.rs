//! A finding in words, for the text output and the TUI.

use super::Finding;

/// Finding text lines, for text output and the TUI.
pub fn describe(f: &Finding) -> Vec<String> {
    let mut out = vec![f.finding.clone()];
    for e in &f.evidence {
        out.push(format!("  evidence: {e}"));
    }
    if let Some(s) = &f.suggest {
        out.push(format!(
            "  fix{}: {}",
            if f.verified { " (tried, works)" } else { "" },
            s.as_flags()
        ));
        if let Some(c) = &f.cost {
            out.push(format!("  cost: {c}"));
        }
    }
    if let Some(a) = &f.alternative {
        let flags = a.suggest.as_flags();
        out.push(format!(
            "  instead: --backend {}{}",
            a.backend,
            if flags.is_empty() {
                String::new()
            } else {
                format!(" {flags}")
            }
        ));
    }
    out
}
