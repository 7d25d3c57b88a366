//! Human-readable `probe` output: a compact block per backend, failures in words.

use crate::report::{BackendReport, Report};
use std::fmt::Write;

const IND: &str = "               ";

pub fn render(r: &Report, verbose: bool, explain: bool) -> String {
    let mut o = String::new();
    let t = &r.target;
    let _ = writeln!(
        o,
        "tlslens probe {}  sni {}  verify name {}",
        crate::profile::host_port(&t.host, t.port),
        t.sni.as_deref().unwrap_or("(none)"),
        t.verify_name
    );
    for w in &r.weakened {
        let _ = writeln!(o, "WEAKENED: {w}");
    }
    if let Some(k) = &r.keylog {
        let cannot: Vec<&str> = k.cannot.iter().map(|b| b.name()).collect();
        let _ = writeln!(
            o,
            "KEY LOG: {} NSS line(s) appended to {}{}",
            k.lines,
            k.file,
            if cannot.is_empty() {
                String::new()
            } else {
                format!(" ({} cannot hand over its secrets)", cannot.join(", "))
            }
        );
    }
    let _ = writeln!(o);
    for b in &r.results {
        if b.not_installed() {
            let why = b.error.as_ref().map(|e| e.message.as_str()).unwrap_or("");
            let _ = writeln!(o, "{:<15}NOT INSTALLED  {why}\n", b.backend.name());
            continue;
        }
        backend(&mut o, b, verbose);
        if let Some(again) = &b.resumed {
            let _ = writeln!(
                o,
                "{IND}--resume: {} ({} {})",
                if again.reused {
                    "the second connection resumed the session"
                } else {
                    "the server did NOT resume: a full handshake again"
                },
                again.version.as_deref().unwrap_or("?"),
                again.cipher.as_deref().unwrap_or("?"),
            );
            if verbose {
                backend(&mut o, again, verbose);
            }
        }
        if explain || !b.ok {
            diagnosis(&mut o, b, explain);
        }
        let _ = writeln!(o);
    }
    if let Some(levels) = &r.levels {
        security_levels(&mut o, levels);
    }
    let ok = r.results.iter().filter(|b| b.ok).count();
    let missing = r.results.iter().filter(|b| b.not_installed()).count();
    let _ = writeln!(
        o,
        "{ok} of {} backends connected and verified{}",
        r.results.len() - missing,
        if missing > 0 {
            format!(" ({missing} not installed)")
        } else {
            String::new()
        }
    );
    o
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("-")
}

fn backend(o: &mut String, b: &BackendReport, verbose: bool) {
    let status = if b.ok { "OK" } else { "FAILED" };
    let _ = write!(o, "{:<11}{:<4}", b.backend.name(), "");
    if b.version.is_some() {
        let _ = writeln!(
            o,
            "{status:<7} {}  {}{}  group {}",
            opt(&b.version),
            opt(&b.cipher),
            b.cipher_openssl
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default(),
            opt(&b.group)
        );
    } else {
        let _ = writeln!(o, "{status}");
    }
    if let Some(e) = &b.error {
        let alert = e
            .alert
            .as_deref()
            .map(|a| format!(" {a} (from {})", e.alert_from.unwrap_or("?")))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "{IND}error   {}{alert} at {}",
            e.kind.as_str(),
            e.stage.as_str()
        );
        let _ = writeln!(o, "{IND}        {}", e.detail);
        if !e.message.is_empty() && !e.detail.contains(&e.message) {
            let _ = writeln!(o, "{IND}library {}", e.message);
        }
        if let Some(sh) = &b.server_hello
            && b.version.is_none()
        {
            let _ = writeln!(
                o,
                "{IND}server chose {} {} group {}",
                opt(&sh.version),
                opt(&sh.cipher),
                opt(&sh.group)
            );
        }
    }
    let verify = match b.verify.ok {
        Some(true) => "ok".to_string(),
        Some(false) => format!("FAILED: {}", b.verify.reason.as_deref().unwrap_or("?")),
        None => b
            .verify
            .reason
            .clone()
            .unwrap_or_else(|| "not reached".into()),
    };
    let _ = writeln!(o, "{IND}verify  {verify}");
    let ms = |v: Option<f64>| {
        v.map(|x| format!("{x:.1} ms"))
            .unwrap_or_else(|| "-".into())
    };
    let _ = writeln!(
        o,
        "{IND}alpn {}  connect {}  handshake {}  via {}",
        opt(&b.alpn),
        ms(b.timing_ms.connect),
        ms(b.timing_ms.handshake),
        opt(&b.address)
    );
    if let Some(c) = &b.client {
        let exit = c.exit_words();
        if c.installed {
            let said = c.said.as_deref().or(c.error_line.as_deref()).unwrap_or("");
            let _ = writeln!(o, "{IND}client  `{}` {exit}: {said}", c.command);
            if let (Some(_), Some(after), None) = (&c.said, &c.error_line, &b.error) {
                let _ = writeln!(o, "{IND}        after the handshake: {after}");
            }
        }
    }
    if let Some(f) = &b.fingerprint {
        let _ = writeln!(o, "{IND}hello   ja4 {}  ja3 {}", f.ja4, f.ja3_hash);
    }
    if let Some(p) = &b.proxy {
        let _ = writeln!(o, "{IND}proxy   {p}");
    }
    if !verbose
        && b.error.as_ref().is_some_and(|e| {
            matches!(
                e.stage,
                crate::report::Stage::Proxy | crate::report::Stage::Starttls
            )
        })
    {
        for line in b.transcript_lines().iter().take(b.dialogue.len()) {
            let _ = writeln!(o, "{IND}  {line}");
        }
    }
    for (i, c) in b.certificates.iter().enumerate() {
        let flags = [
            c.expired.then_some("EXPIRED"),
            c.not_yet_valid.then_some("NOT YET VALID"),
            c.self_signed.then_some("self-signed"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let _ = writeln!(
            o,
            "{IND}cert {i} {}  {}-{} {}  until {}{}",
            c.subject,
            c.key_type,
            c.key_bits,
            c.signature_algorithm,
            c.not_after,
            if flags.is_empty() {
                String::new()
            } else {
                format!("  [{flags}]")
            }
        );
        if i == 0 && !c.sans.is_empty() {
            let _ = writeln!(o, "{IND}       names {}", c.sans.join(", "));
        }
    }
    for u in &b.unsupported_why {
        let _ = writeln!(
            o,
            "{IND}not settable in {}: {} ({})",
            b.backend.name(),
            u.field,
            u.why
        );
    }
    for m in &b.mismatches {
        let _ = writeln!(o, "{IND}MISMATCH {m}");
    }
    if verbose {
        let _ = writeln!(o, "{IND}library {}", b.library);
        for line in b.transcript_lines() {
            let _ = writeln!(o, "{IND}  {line}");
        }
        if let Some(d) = &b.decrypted {
            let fin = |v: Option<bool>| match v {
                Some(true) => "verifies",
                Some(false) => "DOES NOT VERIFY",
                None => "not checked",
            };
            let _ = writeln!(
                o,
                "{IND}decrypted with the session's key log (server Finished {}, client Finished {}):",
                fin(d.server_finished_ok),
                fin(d.client_finished_ok)
            );
            let _ = writeln!(o, "{IND}  {} {}", d.version, d.protection);
            for k in &d.key_schedule {
                let out = crate::wire::hex(&k.output);
                let out = match out.get(..32) {
                    _ if out.is_empty() => "(not in the key log)".to_string(),
                    Some(short) if out.len() > 32 => format!("{short}…"),
                    _ => out,
                };
                let mark = match k.ok {
                    Some(true) => " ✓",
                    Some(false) => " ✗",
                    None => "",
                };
                let _ = writeln!(o, "{IND}  key {} = {out}{mark}  [{}]", k.step, k.formula);
            }
            for m in &d.messages {
                let arrow = if m.from == crate::wire::Direction::Client {
                    "C →"
                } else {
                    "S ←"
                };
                let _ = writeln!(o, "{IND}  {arrow} {}", m.body.name());
            }
            for (from, _, desc) in &d.alerts {
                let _ = writeln!(
                    o,
                    "{IND}  {} encrypted Alert {}",
                    if *from == crate::wire::Direction::Client {
                        "C →"
                    } else {
                        "S ←"
                    },
                    crate::wire::names::alert_name(*desc)
                );
            }
        }
    }
}

fn diagnosis(o: &mut String, b: &BackendReport, explain: bool) {
    for f in &b.diagnosis {
        if !explain && f.severity == crate::diagnose::Severity::Info {
            continue;
        }
        for (i, line) in crate::diagnose::describe(f).into_iter().enumerate() {
            let head = if i == 0 { "why" } else { "" };
            let _ = writeln!(o, "{IND}{head:<7} {line}");
        }
    }
    if !explain && !b.ok && !b.diagnosis.is_empty() {
        let _ = writeln!(
            o,
            "{IND}        (--explain finds the smallest change that works)"
        );
    }
}

fn security_levels(o: &mut String, levels: &[crate::diagnose::levels::LevelResult]) {
    use crate::diagnose::levels::{LEVELS, highest_working};
    if levels.is_empty() {
        let _ = writeln!(
            o,
            "OpenSSL security levels: not tried; the server never answered in TLS, so no level can change that\n"
        );
        return;
    }
    let best = highest_working(levels);
    let _ = writeln!(
        o,
        "OpenSSL security levels on this server (openssl backend, profile otherwise unchanged):"
    );
    let _ = writeln!(
        o,
        "  lvl  bits  RSA/DH  ECC  SHA-1                   works  outcome"
    );
    for (info, r) in LEVELS.iter().zip(levels) {
        let mark = if Some(r.level) == best {
            "  <- highest that works"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "  {:<4} {:<5} {:<7} {:<4} {:<23} {:<6} {}{mark}",
            info.level,
            info.bits,
            info.rsa_dh_min,
            info.ecc_min,
            info.sha1,
            if r.ok { "yes" } else { "no" },
            crate::text::sanitize(&r.outcome, 70)
        );
    }
    if best.is_none() {
        let _ = writeln!(
            o,
            "  no level works with this profile: the failure is not about the level"
        );
    }
    let _ = writeln!(o);
}
