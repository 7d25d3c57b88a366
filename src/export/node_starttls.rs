//! The profile's STARTTLS upgrade in the Node export: one async `starttls(socket)` that
//! speaks the chosen protocol's dialogue on the raw `net` socket (after `net.connect`
//! or the proxy's `openTunnel`, before `tls.connect({ socket, ... })`), the same
//! dialogue as the Python export's ([`super::python_starttls`]) and tlslens' own client
//! side ([`crate::net::starttls`]); its fixed binary messages are formatted from the
//! constants there. Core modules only; it reads the socket as `openTunnel` does.
//!
//! Every read is bounded (64 KiB before TLS in all) and TIMEOUT_MS bounds each wait. A
//! refusal rejects with `StarttlsRefused` quoting the server's answer, which the script's
//! `fail` prints (exit 1); an answer that is not the protocol's, with `StarttlsError`.

use super::python_starttls::{a_server, title};
use super::quote::c_like_str;
use super::starttls_consts::{Spelling, Value, hex_int, write_consts};
use crate::profile::{Profile, Starttls};
use std::fmt::Write as _;

/// A Node Buffer of a binary message: the bytes in hex, except runs of at least 8
/// printable characters (LDAP's OID), kept as text.
fn js_bytes(b: &[u8]) -> String {
    let printable = |c: &u8| (0x20..=0x7e).contains(c) && !matches!(c, b'\'' | b'\\');
    let mut parts = Vec::new();
    let mut hex = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let run = b
            .get(i..)
            .map_or(0, |r| r.iter().take_while(|c| printable(c)).count());
        if run >= 8 {
            if !hex.is_empty() {
                parts.push(format!("Buffer.from([{}])", hex.join(", ")));
                hex.clear();
            }
            let text = String::from_utf8_lossy(b.get(i..i + run).unwrap_or_default());
            parts.push(format!("Buffer.from('{text}')"));
            i += run;
        } else {
            hex.push(format!("0x{c:02x}"));
            i += 1;
        }
    }
    if !hex.is_empty() {
        parts.push(format!("Buffer.from([{}])", hex.join(", ")));
    }
    match parts.as_slice() {
        [one] => one.clone(),
        _ => format!("Buffer.concat([{}])", parts.join(", ")),
    }
}

/// The constants (after the proxy's, before starttls()).
pub(super) fn node_consts(o: &mut String, p: &Profile, proto: Starttls) {
    let spelling = Spelling {
        indent: "",
        marker: "//",
        end: ";",
        decl: |_| "const ",
        literal: |v| match v {
            Value::Str(s) => c_like_str(s),
            Value::Bytes(b) => js_bytes(b),
            Value::Int(n) => hex_int(*n),
        },
    };
    write_consts(o, p, proto, &spelling);
    o.push('\n');
}

const OPEN: &str = r#"function starttls(raw) {
  return new Promise((resolve, reject) => {
    const error = (name, message) => Object.assign(new Error(message), { name });
    const quoted = (s) => `'${JSON.stringify(s).slice(1, -1).replace(/'/g, "\\'")}'`;
    const refused = (answer) => error('StarttlsRefused', `the server refused STARTTLS: ${quoted(answer)}`);
    const fail = (e) => {
      raw.destroy();
      reject(e);
    };
    const closed = () => fail(error('StarttlsError', 'the server closed the connection'));
    raw.setTimeout(TIMEOUT_MS, () => fail(error('StarttlsError', 'the server timed out')));
    raw.on('error', fail);
    // Later than an answer already read: a refusing server may close right after it.
    const ended = () => setImmediate(closed);
    raw.on('end', ended);
    let left = 65536; // the most the server may send before TLS
    // Exactly n bytes, once they have arrived.
    const read = (n) => new Promise((done, no) => {
      if (n > left) {
        no(error('StarttlsError', 'the server sent more than 64 KiB before TLS'));
        return;
      }
      if (n === 0) {
        done(Buffer.alloc(0));
        return;
      }
      const attempt = () => {
        const b = raw.read(n);
        if (b === null) raw.once('readable', attempt);
        else if (b.length < n) closed();
        else {
          left -= n;
          done(b);
        }
      };
      attempt();
    });
"#;

const LINE: &str = r#"    const line = async () => {
      const got = [];
      while (got[got.length - 1] !== 10) got.push((await read(1))[0]);
      return Buffer.from(got).toString('utf8').replace(/[\r\n]+$/, '');
    };
"#;

const REPLY: &str = r#"    // A reply, lines 'CODE-text' up to 'CODE text': [code, its last line].
    const reply = async () => {
      for (let i = 0; i < 100; i++) {
        const text = await line();
        const code = text.slice(0, 3);
        if (!/^[0-9]{3}$/.test(code)) return ['', text];
        if (text[3] !== '-') return [code, text];
      }
      throw error('StarttlsError', "the server's reply never ended");
    };
"#;

const UNTIL: &str = r#"    const until = async (...ends) => {
      const got = [];
      let tail = '';
      while (!ends.some((e) => tail.endsWith(e))) {
        const b = await read(1);
        got.push(b[0]);
        tail = (tail + b.toString('latin1')).slice(-32);
      }
      return Buffer.from(got).toString('utf8');
    };
"#;

const CLOSE: &str = r#"    };
    dialogue().then(() => {
      // The server said go ahead: the socket is TLS's from here on.
      raw.setTimeout(0);
      raw.removeListener('error', fail);
      raw.removeListener('end', ended);
      raw.removeAllListeners('readable');
      resolve(raw);
    }, fail);
  });
}

"#;

/// `starttls(raw)` (after openTunnel, before options()).
pub(super) fn node_fn(o: &mut String, proto: Starttls) {
    let _ = writeln!(
        o,
        "// {}'s upgrade to TLS on the raw socket, as tlslens speaks it: resolves to the socket\n\
         // once the server has said go ahead, so the next bytes are the TLS handshake. Reads\n\
         // at most 64 KiB; TIMEOUT_MS bounds each wait. Rejects with a StarttlsRefused\n\
         // quoting the server's answer, or a StarttlsError when the answer is not {}'s.",
        title(proto),
        title(proto)
    );
    o.push_str(OPEN);
    let text = !matches!(
        proto,
        Starttls::Ldap | Starttls::Postgres | Starttls::Mysql | Starttls::Xmpp
    );
    if text {
        o.push_str(LINE);
    }
    if matches!(proto, Starttls::Smtp | Starttls::Ftp | Starttls::Nntp) {
        o.push_str(REPLY);
    }
    if proto == Starttls::Xmpp {
        o.push_str(UNTIL);
    }
    o.push_str("    const dialogue = async () => {\n");
    let server = a_server(proto);
    let not = |what: &str| format!("throw error('StarttlsError', `not {server}: {what}`);");
    match proto {
        Starttls::Smtp => coded(o, &not, &["220"], "STARTTLS", "220", true),
        Starttls::Ftp => coded(o, &not, &["220"], "AUTH TLS", "234", false),
        Starttls::Nntp => coded(o, &not, &["200", "201"], "STARTTLS", "382", false),
        Starttls::Imap => {
            let _ = write!(
                o,
                "      const greeting = await line();\n\
                 \x20     if (!greeting.startsWith('* OK') && !greeting.startsWith('* PREAUTH')) {{\n\
                 \x20       {}\n\
                 \x20     }}\n\
                 \x20     raw.write('a1 STARTTLS\\r\\n');\n\
                 \x20     for (let i = 0; i < 100; i++) {{ // untagged lines, then the tagged answer\n\
                 \x20       const text = await line();\n\
                 \x20       if (text.startsWith('a1 ')) {{\n\
                 \x20         if (!text.slice(3).toUpperCase().startsWith('OK')) throw refused(text);\n\
                 \x20         return;\n\
                 \x20       }}\n\
                 \x20     }}\n\
                 \x20     throw error('StarttlsError', 'no tagged answer to STARTTLS');\n",
                not("expected \"* OK\", got ${quoted(greeting)}")
            );
        }
        Starttls::Pop3 => {
            let _ = write!(
                o,
                "      const greeting = await line();\n\
                 \x20     if (!greeting.startsWith('+OK')) {{\n\
                 \x20       {}\n\
                 \x20     }}\n\
                 \x20     raw.write('STLS\\r\\n');\n\
                 \x20     const text = await line();\n\
                 \x20     if (!text.startsWith('+OK')) throw refused(text);\n",
                not("expected \"+OK\", got ${quoted(greeting)}")
            );
        }
        Starttls::Sieve => {
            let _ = write!(
                o,
                "      let offered = false;\n\
                 \x20     for (let i = 0; i < 100; i++) {{ // the capabilities, one per line, then OK\n\
                 \x20       const text = await line();\n\
                 \x20       const upper = text.toUpperCase();\n\
                 \x20       if (upper.startsWith('\"STARTTLS\"')) offered = true;\n\
                 \x20       if (upper.startsWith('OK')) break;\n\
                 \x20       if (upper.startsWith('NO') || upper.startsWith('BYE')) throw refused(text);\n\
                 \x20       if (!text.startsWith('\"')) {{\n\
                 \x20         {}\n\
                 \x20       }}\n\
                 \x20     }}\n\
                 \x20     if (!offered) {{\n\
                 \x20       throw error('StarttlsRefused', 'the server refused STARTTLS: its capabilities do not list \"STARTTLS\"');\n\
                 \x20     }}\n\
                 \x20     raw.write('STARTTLS\\r\\n');\n\
                 \x20     const text = await line();\n\
                 \x20     if (!text.toUpperCase().startsWith('OK')) throw refused(text);\n",
                not("expected capability lines, got ${quoted(text)}")
            );
        }
        Starttls::Irc => o.push_str(
            "      raw.write('STARTTLS\\r\\n');\n\
             \x20     for (let i = 0; i < 100; i++) { // notices, then 670 (go) or 691 (refused)\n\
             \x20       const text = await line();\n\
             \x20       const code = text.split(/\\s+/)[1] || '';\n\
             \x20       if (code === '670') return;\n\
             \x20       if (['691', '421', '451'].includes(code) || text.startsWith('ERROR')) throw refused(text);\n\
             \x20     }\n\
             \x20     throw error('StarttlsError', 'no 670 or 691 answer to STARTTLS');\n",
        ),
        Starttls::Xmpp => o.push_str(
            "      raw.write(\"<?xml version='1.0'?><stream:stream xmlns='jabber:client' \" +\n\
             \x20       \"xmlns:stream='http://etherx.jabber.org/streams' \" +\n\
             \x20       `to='${XMPP_TO}' version='1.0'>`);\n\
             \x20     const features = await until('</stream:features>', '<stream:features/>', '</stream:error>');\n\
             \x20     if (features.includes('<stream:error') || !features.includes('urn:ietf:params:xml:ns:xmpp-tls')) {\n\
             \x20       throw refused(features);\n\
             \x20     }\n\
             \x20     raw.write(\"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\");\n\
             \x20     const answer = await until('/>', '</failure>');\n\
             \x20     if (!answer.includes('<proceed')) throw refused(answer);\n",
        ),
        Starttls::Ldap => o.push_str(LDAP),
        Starttls::Postgres => o.push_str(POSTGRES),
        Starttls::Mysql => o.push_str(MYSQL),
    }
    o.push_str(CLOSE);
}

/// SMTP, FTP and NNTP: a coded greeting, (SMTP) EHLO, the command, its go code.
fn coded(
    o: &mut String,
    not: &dyn Fn(&str) -> String,
    greet: &[&str],
    cmd: &str,
    go: &str,
    ehlo: bool,
) {
    let greet_test = match greet {
        [one] => format!("code !== '{one}'"),
        many => format!(
            "![{}].includes(code)",
            many.iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let _ = write!(
        o,
        "      let [code, text] = await reply();\n\
         \x20     if ({greet_test}) {{\n\
         \x20       {}\n\
         \x20     }}\n",
        not(&format!(
            "expected a {} greeting, got ${{quoted(text)}}",
            greet.join("/")
        ))
    );
    if ehlo {
        o.push_str(
            "      raw.write('EHLO tlslens.invalid\\r\\n');\n\
             \x20     [code, text] = await reply();\n\
             \x20     if (code !== '250') throw refused(text);\n",
        );
    }
    let _ = write!(
        o,
        "      raw.write('{cmd}\\r\\n');\n\
         \x20     [code, text] = await reply();\n\
         \x20     if (code !== '{go}') throw refused(text);\n"
    );
}

const LDAP: &str = r#"      raw.write(LDAP_STARTTLS);
      const [tag] = await read(1);
      if (tag !== 0x30) {
        throw error('StarttlsError', `not an LDAP server: expected an LDAPMessage, got ${tag.toString(16)}`);
      }
      let [length] = await read(1);
      if (length >= 0x80) { // the long form: the length in the next 1-3 bytes
        const n = length & 0x7f;
        if (n === 0 || n > 3) throw error('StarttlsError', 'not an LDAP message (bad BER length)');
        length = (await read(n)).readUIntBE(0, n);
      }
      if (length > 8192) throw error('StarttlsError', 'an LDAP answer larger than 8 KiB');
      const body = await read(length);
      // messageID INTEGER, then [APPLICATION 24] ExtendedResponse { resultCode ENUMERATED,
      // matchedDN, diagnosticMessage, ... } in short forms, as tlslens reads it.
      const at = 2 + body[1];
      if (body[0] !== 0x02 || body[at] !== 0x78 || body[at + 2] !== 0x0a || body[at + 3] !== 0x01 ||
        body.length <= at + 4) {
        throw error('StarttlsError', 'not an LDAP server: expected an ExtendedResponse, got another LDAP message');
      }
      const code = body[at + 4];
      const diagAt = at + 7 + body[at + 6];
      const diag = body[diagAt] === 0x04 ? body.subarray(diagAt + 2, diagAt + 2 + body[diagAt + 1]) : Buffer.alloc(0);
      if (code !== 0) throw refused(`resultCode ${code} ${diag.toString('utf8')}`);
"#;

const POSTGRES: &str = r#"      raw.write(PG_SSLREQUEST);
      const answer = await read(1);
      if (answer[0] === 0x4e) throw refused('N: the server does not do TLS');
      if (answer[0] === 0x45) throw refused('E: an error instead of an answer');
      if (answer[0] !== 0x53) {
        throw error('StarttlsError', `not a PostgreSQL server: expected S or N, got ${answer.toString('hex')}`);
      }
"#;

const MYSQL: &str = r#"      const length = (await read(4)).readUIntLE(0, 3); // the greeting packet's header
      if (length > 8192) throw error('StarttlsError', 'a MySQL greeting larger than 8 KiB');
      const body = await read(length);
      if (body[0] === 0xff) throw refused(body.subarray(3).toString('utf8')); // an error packet
      if (body[0] !== 0x0a) {
        throw error('StarttlsError', 'not a MySQL server: expected a protocol 10 greeting, got another packet');
      }
      const end = body.indexOf(0, 1);
      const version = end > 0 ? body.subarray(1, end).toString('utf8') : '';
      // version NUL, connection id (4), auth data (8), filler (1), capabilities low (2)
      const caps = end > 0 && body.length >= end + 16 ? body.readUInt16LE(end + 14) : 0;
      if (!(caps & CLIENT_SSL)) throw refused(`server ${version} does not offer CLIENT_SSL`);
      raw.write(MYSQL_SSLREQUEST);
"#;
