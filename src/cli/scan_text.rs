//! The scan as a compact table: versions and suites first, then groups, signatures,
//! certificates and checks. Everything the server sent is sanitised first.

use crate::scan::ScanReport;
use crate::text::sanitize;
use std::fmt::Write as _;

pub fn render(r: &ScanReport) -> String {
    let mut o = String::new();
    let sni = r
        .target
        .sni
        .as_deref()
        .map(|s| format!("  sni {s}"))
        .unwrap_or_else(|| "  no sni".into());
    let reach: String = [
        r.starttls.as_deref().map(|s| format!("  starttls {s}")),
        r.proxy
            .as_deref()
            .map(|p| format!("  via proxy {}", sanitize(p, 200))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let _ = writeln!(
        o,
        "tlslens scan {}{sni}{reach}   ({} connections, {:.0} ms)\n",
        crate::profile::host_port(&r.target.host, r.target.port),
        r.connections,
        r.elapsed_ms
    );
    if let Some(e) = &r.error {
        let _ = writeln!(o, "  not scanned: {}", sanitize(e, 300));
        return o;
    }
    for v in &r.versions {
        if !v.supported {
            let _ = writeln!(o, "  {:<8} no    {}", v.version, v.evidence);
            continue;
        }
        let order = if v.ciphers.len() < 2 {
            ""
        } else if v.server_order {
            ", server's order"
        } else {
            ", client's order (the server follows ours)"
        };
        let _ = writeln!(
            o,
            "  {:<8} yes   {} suite{}{order}",
            v.version,
            v.ciphers.len(),
            if v.ciphers.len() == 1 { "" } else { "s" }
        );
        for c in &v.ciphers {
            let ossl = crate::iana::cipher_id_from_name(c)
                .and_then(crate::iana::cipher_openssl_name)
                .unwrap_or("");
            let _ = writeln!(o, "           {c:<48} {ossl}");
        }
    }
    let _ = writeln!(o);
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    if !r.groups_tls13.is_empty() {
        let order = match r.groups_server_order {
            Some(true) => " (server's order)",
            Some(false) => " (the server follows ours)",
            None => "",
        };
        let _ = writeln!(o, "  groups TLS 1.3     {}{order}", list(&r.groups_tls13));
    }
    if !r.curves_tls12.is_empty() {
        let _ = writeln!(o, "  curves TLS ≤ 1.2   {}", list(&r.curves_tls12));
    }
    if let Some(b) = r.dhe_bits {
        let _ = writeln!(o, "  DHE prime          {b} bits");
    }
    if !r.signature_algorithms.is_empty() {
        let _ = writeln!(o, "  signatures 1.2     {}", list(&r.signature_algorithms));
    }
    for (i, c) in r.certificates.iter().enumerate() {
        let _ = writeln!(
            o,
            "  {}  {}  {}-{} {}  until {}",
            if i == 0 {
                "certificate      "
            } else {
                "                 "
            },
            sanitize(&c.subject, 120),
            c.key_type,
            c.key_bits,
            c.signature_algorithm,
            c.not_after
        );
    }
    for (label, line) in r.checks.lines() {
        let _ = writeln!(o, "  {label:<18} {line}");
    }
    if let Some(s) = &r.sni {
        let _ = writeln!(
            o,
            "  SNI                without: {} · another name: {}",
            sanitize(&s.without_sni, 120),
            sanitize(&s.other_name, 120)
        );
    }
    for a in &r.anomalies {
        let _ = writeln!(o, "  anomaly            {}", sanitize(a, 200));
    }
    o
}

/// Each of our stacks against what the server accepts.
pub fn render_stacks(stacks: &[crate::explain::stacks::StackUse]) -> String {
    let mut o = String::from("\nour stacks, with this profile:\n");
    for s in stacks {
        let total = s.offers.len() + s.misses.len();
        let _ = writeln!(
            o,
            "  {:<11} {:<7} {}   offers {} of the {total} accepted",
            s.backend.name(),
            if s.ok { "ok" } else { "FAILED" },
            sanitize(&s.outcome, 80),
            s.offers.len()
        );
        if let Some(f) = &s.fix {
            let _ = writeln!(
                o,
                "              fix (tried, works): {}   cost: {}",
                f.as_flags(),
                s.cost.as_deref().unwrap_or("-")
            );
        } else if let Some(i) = &s.instead {
            let _ = writeln!(o, "              no profile change works; instead: {i}");
        } else if !s.ok {
            let _ = writeln!(o, "              no profile change tried made it connect");
        }
    }
    o
}
