//! The profile's STARTTLS upgrade in the Python export: one function `starttls(sock)`
//! that speaks the chosen protocol's dialogue on the raw socket (after the connect or
//! the proxy's tunnel, before `wrap_socket`), modelled on tlslens' own client side
//! ([`crate::net::starttls`]); its fixed binary messages are formatted from the
//! constants there, so the bytes are defined once. Standard library only.
//!
//! Every read is bounded (64 KiB before TLS in all) and each socket operation by
//! HANDSHAKE_TIMEOUT. A refusal raises `StarttlsRefused` quoting the server's answer,
//! which the script's usual error line prints (exit 1); an answer that is not the
//! protocol's raises `StarttlsError`. Emitted only when the profile has STARTTLS.

use super::quote::py_str;
use super::starttls_consts::{Spelling, Value, hex_int, write_consts};
use crate::profile::{Profile, Starttls};
use std::fmt::Write as _;

/// The protocol in the messages: "SMTP", "PostgreSQL", ...
pub(super) fn title(proto: Starttls) -> &'static str {
    match proto {
        Starttls::Smtp => "SMTP",
        Starttls::Imap => "IMAP",
        Starttls::Pop3 => "POP3",
        Starttls::Ftp => "FTP",
        Starttls::Xmpp => "XMPP",
        Starttls::Ldap => "LDAP",
        Starttls::Postgres => "PostgreSQL",
        Starttls::Mysql => "MySQL",
        Starttls::Irc => "IRC",
        Starttls::Nntp => "NNTP",
        Starttls::Sieve => "Sieve",
    }
}

/// "an SMTP server", "a MySQL server".
pub(super) fn a_server(proto: Starttls) -> String {
    let t = title(proto);
    let article = match proto {
        Starttls::Pop3 | Starttls::Postgres | Starttls::Mysql | Starttls::Sieve => "a",
        _ => "an",
    };
    format!("{article} {t} server")
}

/// A Python bytes literal of a binary message: every byte as `\xNN`, except runs of
/// at least 8 printable characters (LDAP's OID), kept as text.
fn py_bytes(b: &[u8]) -> String {
    let printable = |c: &u8| (0x20..=0x7e).contains(c) && !matches!(c, b'"' | b'\\');
    let mut o = String::from("b\"");
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let run = b
            .get(i..)
            .map_or(0, |r| r.iter().take_while(|c| printable(c)).count());
        if run >= 8 {
            // Its own literal, so that no hex escape runs into the text.
            if i > 0 {
                o.push_str("\" b\"");
            }
            o.push_str(&String::from_utf8_lossy(
                b.get(i..i + run).unwrap_or_default(),
            ));
            i += run;
            if i < b.len() {
                o.push_str("\" b\"");
            }
        } else {
            let _ = write!(o, "\\x{c:02x}");
            i += 1;
        }
    }
    o.push('"');
    o
}

/// The header line saying the script upgrades first.
pub(super) fn header_line(proto: Starttls) -> String {
    format!(
        "STARTTLS {proto}: starttls() speaks the {} upgrade first; TLS then starts on the \
         same socket.",
        title(proto)
    )
}

/// The name XMPP's stream header goes `to`: the SNI name, else the host, as tlslens.
pub(super) fn xmpp_to(p: &Profile) -> String {
    p.sni_name()
        .unwrap_or(&p.host)
        .replace(['\'', '<', '>', '&'], "")
}

/// The module-level constants (after the timeouts).
pub(super) fn python_consts(o: &mut String, p: &Profile, proto: Starttls) {
    let spelling = Spelling {
        indent: "",
        marker: "#",
        end: "",
        decl: |_| "",
        literal: |v| match v {
            Value::Str(s) => py_str(s),
            Value::Bytes(b) => py_bytes(b),
            Value::Int(n) => hex_int(*n),
        },
    };
    write_consts(o, p, proto, &spelling);
}

const PREAMBLE: &str = r#"class StarttlsError(Exception):
    """The server's answer before TLS is not the protocol's: no TLS was attempted."""


class StarttlsRefused(StarttlsError):
    """The server refused to start TLS: its own answer, not a TLS error."""


"#;

const READ: &str = r#"    left = 65536  # the most the server may send before TLS

    def read(n):
        nonlocal left
        data = b''
        while len(data) < n:
            if left <= 0:
                raise StarttlsError('the server sent more than 64 KiB before TLS')
            more = sock.recv(min(n - len(data), left))
            if not more:
                raise StarttlsError('the server closed the connection')
            left -= len(more)
            data += more
        return data

    def refused(answer):
        return StarttlsRefused(f'the server refused STARTTLS: {answer!r}')

"#;

const LINE: &str = r#"    def line():
        data = b''
        while not data.endswith(b'\n'):
            data += read(1)
        return data.decode('utf-8', 'replace').rstrip('\r\n')

"#;

const REPLY: &str = r#"    def reply():
        """A reply, lines 'CODE-text' up to 'CODE text': (code, its last line)."""
        for _ in range(100):
            text = line()
            code = text[:3]
            if len(code) != 3 or not all(c in '0123456789' for c in code):
                return '', text
            if text[3:4] != '-':
                return code, text
        raise StarttlsError("the server's reply never ended")

"#;

const UNTIL: &str = r#"    def until(*ends):
        data = b''
        while not data.endswith(ends):
            data += read(1)
        return data.decode('utf-8', 'replace')

"#;

/// The exception classes and `starttls(sock)` (before make_context).
pub(super) fn python_fn(o: &mut String, proto: Starttls) {
    o.push_str(PREAMBLE);
    o.push_str("def starttls(sock):\n");
    let _ = writeln!(
        o,
        "    \"\"\"{}'s upgrade to TLS on the raw socket, as tlslens speaks it: returns once the\n\
         \x20   server has said go ahead, so the next bytes are the TLS handshake. Reads at most\n\
         \x20   64 KiB; HANDSHAKE_TIMEOUT bounds each socket operation.\"\"\"",
        title(proto)
    );
    o.push_str(READ);
    let text = !matches!(
        proto,
        Starttls::Ldap | Starttls::Postgres | Starttls::Mysql | Starttls::Xmpp
    );
    if text {
        o.push_str(LINE);
    }
    let server = a_server(proto);
    match proto {
        Starttls::Smtp => coded(o, &server, &["220"], "STARTTLS", "220", true),
        Starttls::Ftp => coded(o, &server, &["220"], "AUTH TLS", "234", false),
        Starttls::Nntp => coded(o, &server, &["200", "201"], "STARTTLS", "382", false),
        Starttls::Imap => {
            let _ = write!(
                o,
                "    greeting = line()\n\
                 \x20   if not greeting.startswith(('* OK', '* PREAUTH')):\n\
                 \x20       raise StarttlsError(f'not {server}: expected \"* OK\", got {{greeting!r}}')\n\
                 \x20   sock.sendall(b'a1 STARTTLS\\r\\n')\n\
                 \x20   for _ in range(100):  # untagged lines, then the tagged answer\n\
                 \x20       text = line()\n\
                 \x20       if text.startswith('a1 '):\n\
                 \x20           if not text[3:].upper().startswith('OK'):\n\
                 \x20               raise refused(text)\n\
                 \x20           return\n\
                 \x20   raise StarttlsError('no tagged answer to STARTTLS')\n"
            );
        }
        Starttls::Pop3 => {
            let _ = write!(
                o,
                "    greeting = line()\n\
                 \x20   if not greeting.startswith('+OK'):\n\
                 \x20       raise StarttlsError(f'not {server}: expected \"+OK\", got {{greeting!r}}')\n\
                 \x20   sock.sendall(b'STLS\\r\\n')\n\
                 \x20   text = line()\n\
                 \x20   if not text.startswith('+OK'):\n\
                 \x20       raise refused(text)\n"
            );
        }
        Starttls::Sieve => {
            let _ = write!(
                o,
                "    offered = False\n\
                 \x20   for _ in range(100):  # the capabilities, one per line, then OK\n\
                 \x20       text = line()\n\
                 \x20       upper = text.upper()\n\
                 \x20       if upper.startswith('\"STARTTLS\"'):\n\
                 \x20           offered = True\n\
                 \x20       if upper.startswith('OK'):\n\
                 \x20           break\n\
                 \x20       if upper.startswith(('NO', 'BYE')):\n\
                 \x20           raise refused(text)\n\
                 \x20       if not text.startswith('\"'):\n\
                 \x20           raise StarttlsError(f'not {server}: expected capability lines, got {{text!r}}')\n\
                 \x20   if not offered:\n\
                 \x20       raise StarttlsRefused(\n\
                 \x20           'the server refused STARTTLS: its capabilities do not list \"STARTTLS\"'\n\
                 \x20       )\n\
                 \x20   sock.sendall(b'STARTTLS\\r\\n')\n\
                 \x20   text = line()\n\
                 \x20   if not text.upper().startswith('OK'):\n\
                 \x20       raise refused(text)\n"
            );
        }
        Starttls::Irc => o.push_str(
            "    sock.sendall(b'STARTTLS\\r\\n')\n\
             \x20   for _ in range(100):  # notices, then 670 (go) or 691 (refused)\n\
             \x20       text = line()\n\
             \x20       words = text.split()\n\
             \x20       code = words[1] if len(words) > 1 else ''\n\
             \x20       if code == '670':\n\
             \x20           return\n\
             \x20       if code in ('691', '421', '451') or text.startswith('ERROR'):\n\
             \x20           raise refused(text)\n\
             \x20   raise StarttlsError('no 670 or 691 answer to STARTTLS')\n",
        ),
        Starttls::Xmpp => {
            o.push_str(UNTIL);
            o.push_str(
                "    sock.sendall(\n\
                 \x20       \"<?xml version='1.0'?><stream:stream xmlns='jabber:client' \"\n\
                 \x20       \"xmlns:stream='http://etherx.jabber.org/streams' \"\n\
                 \x20       f\"to='{XMPP_TO}' version='1.0'>\".encode()\n\
                 \x20   )\n\
                 \x20   features = until(b'</stream:features>', b'<stream:features/>', b'</stream:error>')\n\
                 \x20   if '<stream:error' in features or 'urn:ietf:params:xml:ns:xmpp-tls' not in features:\n\
                 \x20       raise refused(features)\n\
                 \x20   sock.sendall(b\"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\")\n\
                 \x20   answer = until(b'/>', b'</failure>')\n\
                 \x20   if '<proceed' not in answer:\n\
                 \x20       raise refused(answer)\n",
            );
        }
        Starttls::Ldap => o.push_str(LDAP),
        Starttls::Postgres => o.push_str(POSTGRES),
        Starttls::Mysql => o.push_str(MYSQL),
    }
    o.push_str("\n\n");
}

/// SMTP, FTP and NNTP: a coded greeting, (SMTP) EHLO, the command, its go code.
fn coded(o: &mut String, server: &str, greet: &[&str], cmd: &str, go: &str, ehlo: bool) {
    let greet_test = match greet {
        [one] => format!("code != '{one}'"),
        many => format!(
            "code not in ({})",
            many.iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let _ = write!(
        o,
        "{REPLY}    code, text = reply()\n\
         \x20   if {greet_test}:\n\
         \x20       raise StarttlsError(f'not {server}: expected a {} greeting, got {{text!r}}')\n",
        greet.join("/")
    );
    if ehlo {
        o.push_str(
            "    sock.sendall(b'EHLO tlslens.invalid\\r\\n')\n\
             \x20   code, text = reply()\n\
             \x20   if code != '250':\n\
             \x20       raise refused(text)\n",
        );
    }
    let _ = write!(
        o,
        "    sock.sendall(b'{cmd}\\r\\n')\n\
         \x20   code, text = reply()\n\
         \x20   if code != '{go}':\n\
         \x20       raise refused(text)\n"
    );
}

const LDAP: &str = r#"    sock.sendall(LDAP_STARTTLS)
    tag = read(1)
    if tag != b'\x30':
        raise StarttlsError(f'not an LDAP server: expected an LDAPMessage, got {tag.hex()}')
    length = read(1)[0]
    if length >= 0x80:  # the long form: the length in the next 1-3 bytes
        n = length & 0x7f
        if n == 0 or n > 3:
            raise StarttlsError('not an LDAP message (bad BER length)')
        length = int.from_bytes(read(n), 'big')
    if length > 8192:
        raise StarttlsError('an LDAP answer larger than 8 KiB')
    body = read(length)
    # messageID INTEGER, then [APPLICATION 24] ExtendedResponse { resultCode ENUMERATED,
    # matchedDN, diagnosticMessage, ... } in short forms, as tlslens reads it.
    try:
        at = 2 + body[1]
        if body[0] != 0x02 or body[at] != 0x78 or body[at + 2:at + 4] != b'\x0a\x01':
            raise IndexError
        code = body[at + 4]
        diag_at = at + 7 + body[at + 6]
        diag = b''
        if body[diag_at:diag_at + 1] == b'\x04':
            diag = body[diag_at + 2:diag_at + 2 + body[diag_at + 1]]
    except IndexError:
        raise StarttlsError(
            'not an LDAP server: expected an ExtendedResponse, got another LDAP message'
        ) from None
    if code != 0:
        raise refused(f"resultCode {code} {diag.decode('utf-8', 'replace')}")
"#;

const POSTGRES: &str = r#"    sock.sendall(PG_SSLREQUEST)
    answer = read(1)
    if answer == b'N':
        raise refused('N: the server does not do TLS')
    if answer == b'E':
        raise refused('E: an error instead of an answer')
    if answer != b'S':
        raise StarttlsError(f'not a PostgreSQL server: expected S or N, got {answer.hex()}')
"#;

const MYSQL: &str = r#"    length = int.from_bytes(read(4)[:3], 'little')  # the greeting packet's header
    if length > 8192:
        raise StarttlsError('a MySQL greeting larger than 8 KiB')
    body = read(length)
    if body[:1] == b'\xff':  # an error packet instead of the greeting
        raise refused(body[3:].decode('utf-8', 'replace'))
    if body[:1] != b'\x0a':
        raise StarttlsError('not a MySQL server: expected a protocol 10 greeting, got another packet')
    end = body.find(b'\x00', 1)
    version = body[1:end].decode('utf-8', 'replace') if end > 0 else ''
    # version NUL, connection id (4), auth data (8), filler (1), capabilities low (2)
    low = body[end + 14:end + 16] if end > 0 else b''
    caps = int.from_bytes(low, 'little') if len(low) == 2 else 0
    if not caps & CLIENT_SSL:
        raise refused(f'server {version} does not offer CLIENT_SSL')
    sock.sendall(MYSQL_SSLREQUEST)
"#;
