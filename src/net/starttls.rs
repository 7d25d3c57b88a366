//! The client's side of each protocol's upgrade to TLS, as `openssl s_client
//! -starttls` speaks it. Each returns once the server has said "go ahead" and nothing
//! more: the next byte on the stream is the TLS stack's ClientHello. A refusal quotes
//! the server's own answer.

use super::talk::{Failure, Talk, TalkFail, quote};
use crate::profile::Starttls;
use crate::profile::upgrade::{CLIENT_SSL, LDAP_STARTTLS, PG_SSLREQUEST, mysql_ssl_request};

/// Speak `proto`'s upgrade. `name` is the server's name (XMPP's `to`).
pub fn upgrade(t: &mut Talk, proto: Starttls, name: &str) -> Result<(), Failure> {
    match proto {
        Starttls::Smtp => smtp(t),
        Starttls::Imap => imap(t),
        Starttls::Pop3 => pop3(t),
        Starttls::Ftp => ftp(t),
        Starttls::Xmpp => xmpp(t, name),
        Starttls::Ldap => ldap(t),
        Starttls::Postgres => postgres(t),
        Starttls::Mysql => mysql(t),
        Starttls::Irc => irc(t),
        Starttls::Nntp => nntp(t),
        Starttls::Sieve => sieve(t),
    }
}

fn refused(proto: Starttls, answer: &str) -> Failure {
    Failure::new(
        TalkFail::Refused,
        format!(
            "the server refused {} STARTTLS: {}",
            proto.name().to_ascii_uppercase(),
            quote(answer)
        ),
    )
}

fn unexpected(proto: Starttls, what: &str, answer: &str) -> Failure {
    Failure::new(
        TalkFail::Protocol,
        format!(
            "not a {} server: expected {what}, got {}",
            proto.name().to_ascii_uppercase(),
            quote(answer)
        ),
    )
}

/// An SMTP/FTP-style reply: lines `CODE-text` until `CODE text`. Bounded.
fn reply(t: &mut Talk) -> Result<(String, String), Failure> {
    for _ in 0..100 {
        let line = t.line()?;
        let code = line.get(..3).unwrap_or("").to_string();
        if !code.bytes().all(|b| b.is_ascii_digit()) || code.len() != 3 {
            return Ok((String::new(), line));
        }
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok((code, line));
        }
    }
    Err(Failure::new(
        TalkFail::Protocol,
        "the server's reply never ended",
    ))
}

fn coded(
    t: &mut Talk,
    proto: Starttls,
    cmd: &str,
    greet: &[&str],
    go: &str,
) -> Result<(), Failure> {
    let (code, line) = reply(t)?;
    if !greet.contains(&code.as_str()) {
        return Err(unexpected(
            proto,
            &format!("a {} greeting", greet.join("/")),
            &line,
        ));
    }
    if proto == Starttls::Smtp {
        t.send(b"EHLO tlslens.invalid\r\n", None)?;
        let (code, line) = reply(t)?;
        if code != "250" {
            return Err(refused(proto, &line));
        }
    }
    t.send(format!("{cmd}\r\n").as_bytes(), None)?;
    let (code, line) = reply(t)?;
    if code == go {
        Ok(())
    } else {
        Err(refused(proto, &line))
    }
}

fn smtp(t: &mut Talk) -> Result<(), Failure> {
    coded(t, Starttls::Smtp, "STARTTLS", &["220"], "220")
}

fn ftp(t: &mut Talk) -> Result<(), Failure> {
    coded(t, Starttls::Ftp, "AUTH TLS", &["220"], "234")
}

fn nntp(t: &mut Talk) -> Result<(), Failure> {
    coded(t, Starttls::Nntp, "STARTTLS", &["200", "201"], "382")
}

fn imap(t: &mut Talk) -> Result<(), Failure> {
    let greet = t.line()?;
    if !greet.starts_with("* OK") && !greet.starts_with("* PREAUTH") {
        return Err(unexpected(Starttls::Imap, "\"* OK\"", &greet));
    }
    t.send(b"a1 STARTTLS\r\n", None)?;
    for _ in 0..100 {
        let line = t.line()?;
        if let Some(rest) = line.strip_prefix("a1 ") {
            return if rest.to_ascii_uppercase().starts_with("OK") {
                Ok(())
            } else {
                Err(refused(Starttls::Imap, &line))
            };
        }
    }
    Err(Failure::new(
        TalkFail::Protocol,
        "no tagged answer to STARTTLS",
    ))
}

fn pop3(t: &mut Talk) -> Result<(), Failure> {
    let greet = t.line()?;
    if !greet.starts_with("+OK") {
        return Err(unexpected(Starttls::Pop3, "\"+OK\"", &greet));
    }
    t.send(b"STLS\r\n", None)?;
    let line = t.line()?;
    if line.starts_with("+OK") {
        Ok(())
    } else {
        Err(refused(Starttls::Pop3, &line))
    }
}

fn sieve(t: &mut Talk) -> Result<(), Failure> {
    // Capabilities, one per line, then OK.
    let mut offered = false;
    for _ in 0..100 {
        let line = t.line()?;
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("\"STARTTLS\"") {
            offered = true;
        }
        if upper.starts_with("OK") {
            break;
        }
        if upper.starts_with("NO") || upper.starts_with("BYE") {
            return Err(refused(Starttls::Sieve, &line));
        }
        if !line.starts_with('"') {
            return Err(unexpected(Starttls::Sieve, "capability lines", &line));
        }
    }
    if !offered {
        return Err(Failure::new(
            TalkFail::Refused,
            "the server refused SIEVE STARTTLS: its capabilities do not list \"STARTTLS\"",
        ));
    }
    t.send(b"STARTTLS\r\n", None)?;
    let line = t.line()?;
    if line.to_ascii_uppercase().starts_with("OK") {
        Ok(())
    } else {
        Err(refused(Starttls::Sieve, &line))
    }
}

fn irc(t: &mut Talk) -> Result<(), Failure> {
    t.send(b"STARTTLS\r\n", None)?;
    for _ in 0..100 {
        let line = t.line()?;
        let code = line.split_whitespace().nth(1).unwrap_or("");
        match code {
            "670" => return Ok(()),
            "691" | "421" | "451" => return Err(refused(Starttls::Irc, &line)),
            _ if line.starts_with("ERROR") => return Err(refused(Starttls::Irc, &line)),
            _ => {}
        }
    }
    Err(Failure::new(
        TalkFail::Protocol,
        "no 670 or 691 answer to STARTTLS",
    ))
}

fn xmpp(t: &mut Talk, name: &str) -> Result<(), Failure> {
    let open = format!(
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
         xmlns:stream='http://etherx.jabber.org/streams' to='{}' version='1.0'>",
        name.replace(['\'', '<', '>', '&'], "")
    );
    t.send(open.as_bytes(), None)?;
    let features = t.until(&[
        "</stream:features>",
        "<stream:features/>",
        "</stream:error>",
    ])?;
    if features.contains("<stream:error") || !features.contains("urn:ietf:params:xml:ns:xmpp-tls") {
        return Err(refused(Starttls::Xmpp, &features));
    }
    t.send(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", None)?;
    let answer = t.until(&["/>", "</failure>"])?;
    if answer.contains("<proceed") {
        Ok(())
    } else {
        Err(refused(Starttls::Xmpp, &answer))
    }
}

/// A BER length at `at`; returns (length, bytes it took).
fn ber_len(t: &mut Talk) -> Result<usize, Failure> {
    let first = t.read_exact(1)?.first().copied().unwrap_or(0);
    if first < 0x80 {
        return Ok(usize::from(first));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 3 {
        return Err(Failure::new(
            TalkFail::Protocol,
            "not an LDAP message (bad BER length)",
        ));
    }
    Ok(t.read_exact(n)?
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b)))
}

fn ldap(t: &mut Talk) -> Result<(), Failure> {
    t.send(
        LDAP_STARTTLS,
        Some("LDAP ExtendedRequest StartTLS (1.3.6.1.4.1.1466.20037)"),
    )?;
    let tag = t.read_exact(1)?;
    if tag.first() != Some(&0x30) {
        return Err(unexpected(
            Starttls::Ldap,
            "an LDAPMessage",
            &format!("{tag:02x?}"),
        ));
    }
    let len = ber_len(t)?;
    if len > 8192 {
        return Err(Failure::new(
            TalkFail::Protocol,
            "an LDAP answer larger than 8 KiB",
        ));
    }
    let body = t.read_exact(len)?;
    // messageID INTEGER, then [APPLICATION 24] ExtendedResponse { resultCode ENUMERATED,
    // matchedDN, diagnosticMessage, ... }.
    let parsed = parse_ldap_result(&body);
    let Some((code, diag)) = parsed else {
        t.note("server", "LDAP answer (not an ExtendedResponse)");
        return Err(unexpected(
            Starttls::Ldap,
            "an ExtendedResponse",
            "another LDAP message",
        ));
    };
    t.note(
        "server",
        &format!("LDAP ExtendedResponse resultCode {code} {}", quote(&diag)),
    );
    if code == 0 {
        Ok(())
    } else {
        Err(refused(
            Starttls::Ldap,
            &format!("resultCode {code} {}", diag),
        ))
    }
}

/// (resultCode, diagnosticMessage) of an ExtendedResponse body; short forms only.
pub fn parse_ldap_result(body: &[u8]) -> Option<(u8, String)> {
    let (tag, rest) = body.split_first()?;
    if *tag != 0x02 {
        return None;
    }
    let (idlen, rest) = rest.split_first()?;
    let rest = rest.get(usize::from(*idlen)..)?;
    let (app, rest) = rest.split_first()?;
    if *app != 0x78 {
        return None;
    }
    let (_, rest) = rest.split_first()?;
    let (enum_tag, rest) = rest.split_first()?;
    let (one, rest) = rest.split_first()?;
    if *enum_tag != 0x0a || *one != 1 {
        return None;
    }
    let (code, rest) = rest.split_first()?;
    // matchedDN OCTET STRING, diagnosticMessage OCTET STRING
    let dn_len = usize::from(*rest.get(1)?);
    let rest = rest.get(2 + dn_len..)?;
    let diag = match rest {
        [0x04, n, tail @ ..] => String::from_utf8_lossy(tail.get(..usize::from(*n))?).into_owned(),
        _ => String::new(),
    };
    Some((*code, diag))
}

fn postgres(t: &mut Talk) -> Result<(), Failure> {
    t.send(
        PG_SSLREQUEST,
        Some("PostgreSQL SSLRequest (00 00 00 08 04 d2 16 2f)"),
    )?;
    let answer = t.read_exact(1)?;
    match answer.first() {
        Some(b'S') => {
            t.note("server", "S (TLS accepted)");
            Ok(())
        }
        Some(b'N') => {
            t.note("server", "N (no TLS)");
            Err(refused(Starttls::Postgres, "N: the server does not do TLS"))
        }
        Some(b'E') => {
            t.note("server", "E (error message)");
            Err(refused(
                Starttls::Postgres,
                "E: an error instead of an answer",
            ))
        }
        other => Err(unexpected(
            Starttls::Postgres,
            "S or N",
            &format!("{:02x?}", other.copied().unwrap_or(0)),
        )),
    }
}

fn mysql(t: &mut Talk) -> Result<(), Failure> {
    let head = t.read_exact(4)?;
    let len = match head.as_slice() {
        [a, b, c, _] => usize::from(*a) | usize::from(*b) << 8 | usize::from(*c) << 16,
        _ => 0,
    };
    if len > 8192 {
        return Err(Failure::new(
            TalkFail::Protocol,
            "a MySQL greeting larger than 8 KiB",
        ));
    }
    let body = t.read_exact(len)?;
    if body.first() == Some(&0xff) {
        let msg = String::from_utf8_lossy(body.get(3..).unwrap_or(&[])).into_owned();
        t.note("server", &format!("MySQL error packet {}", quote(&msg)));
        return Err(refused(Starttls::Mysql, &msg));
    }
    if body.first() != Some(&10) {
        return Err(unexpected(
            Starttls::Mysql,
            "a protocol 10 greeting",
            "another packet",
        ));
    }
    let version_end = body.iter().skip(1).position(|b| *b == 0).map(|p| p + 1);
    let version = version_end
        .and_then(|e| body.get(1..e))
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default();
    // version NUL, connection id (4), auth data (8), filler (1), capabilities low (2)
    let caps = version_end
        .and_then(|e| body.get(e + 14..e + 16))
        .map(|c| {
            c.iter()
                .rev()
                .fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
        })
        .unwrap_or(0);
    t.note(
        "server",
        &format!("MySQL greeting: server {version}, capabilities {caps:#06x}"),
    );
    if caps & CLIENT_SSL == 0 {
        return Err(refused(
            Starttls::Mysql,
            &format!("server {version} does not offer CLIENT_SSL"),
        ));
    }
    t.send(&mysql_ssl_request(), Some("MySQL SSLRequest (CLIENT_SSL)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldap_results_are_read_with_their_message() {
        assert_eq!(
            parse_ldap_result(b"\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00"),
            Some((0, String::new()))
        );
        // protocolError (2), diagnosticMessage "unsupported extended operation"
        let mut refusal = b"\x02\x01\x01\x78\x25\x0a\x01\x02\x04\x00\x04\x1e".to_vec();
        refusal.extend_from_slice(b"unsupported extended operation");
        assert_eq!(
            parse_ldap_result(&refusal),
            Some((2, "unsupported extended operation".into()))
        );
        assert_eq!(parse_ldap_result(b"\x02\x01"), None);
        assert_eq!(parse_ldap_result(b""), None);
    }
}
