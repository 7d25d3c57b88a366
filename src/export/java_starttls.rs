//! The profile's STARTTLS upgrade in the Java export: one `starttls(Socket s)` that
//! speaks the chosen protocol's dialogue on the plain socket's streams (after the
//! connect or the proxy's `openTunnel`, before `createSocket(raw, ..., true)`), the same
//! dialogue as the Python export's ([`super::python_starttls`]) and tlslens' own client
//! side ([`crate::net::starttls`]); its fixed binary messages are formatted from the
//! constants there. JDK only.
//!
//! Every read is bounded (64 KiB before TLS in all) and HANDSHAKE_MS bounds each read
//! (the socket's timeout). A refusal throws `StarttlsRefused` quoting the server's
//! answer, which the script prints as its other errors (exit 1); an answer that is not
//! the protocol's throws `StarttlsError`. Both are top-level classes after the main
//! one, so the error line names them plainly.

use super::python_starttls::{a_server, title};
use super::quote::c_like_str;
use super::starttls_consts::{Spelling, Value, hex_int, write_consts};
use crate::profile::{Profile, Starttls};
use std::fmt::Write as _;

/// The imports starttls() needs when there is no proxy (openTunnel's cover them).
pub(super) const IMPORTS: &str = "import java.io.ByteArrayOutputStream;\n\
     import java.io.IOException;\n\
     import java.io.InputStream;\n\
     import java.io.OutputStream;\n\
     import java.nio.charset.StandardCharsets;\n";

/// A Java byte array initializer: every byte in hex, cast when above 0x7f.
fn java_bytes(b: &[u8]) -> String {
    let list: Vec<String> = b
        .iter()
        .map(|c| {
            if *c > 0x7f {
                format!("(byte) 0x{c:02x}")
            } else {
                format!("0x{c:02x}")
            }
        })
        .collect();
    format!("{{{}}}", list.join(", "))
}

/// The constants (after the timeouts and the proxy's).
pub(super) fn java_consts(o: &mut String, p: &Profile, proto: Starttls) {
    let spelling = Spelling {
        indent: "    ",
        marker: "//",
        end: ";",
        decl: |v| match v {
            Value::Str(_) => "static final String ",
            Value::Bytes(_) => "static final byte[] ",
            Value::Int(_) => "static final int ",
        },
        literal: |v| match v {
            Value::Str(s) => c_like_str(s),
            Value::Bytes(b) => java_bytes(b),
            Value::Int(n) => hex_int(*n),
        },
    };
    write_consts(o, p, proto, &spelling);
    o.push('\n');
}

const TALK: &str = r#"    static StarttlsRefused refused(String answer) {
        return new StarttlsRefused("the server refused STARTTLS: " + quoted(answer));
    }

    static String quoted(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    // What starttls() reads and writes: at most 64 KiB from the server before TLS.
    static final class Talk {
        final InputStream in;
        final OutputStream out;
        int left = 65536;  // the most the server may send before TLS

        Talk(Socket s) throws IOException {
            in = s.getInputStream();
            out = s.getOutputStream();
        }

        // Exactly n bytes.
        byte[] read(int n) throws IOException {
            if (n > left) throw new StarttlsError("the server sent more than 64 KiB before TLS");
            byte[] b = in.readNBytes(n);
            if (b.length < n) throw new StarttlsError("the server closed the connection");
            left -= n;
            return b;
        }

        void send(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }
"#;

const LINE: &str = r#"
        String line() throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int c = 0; c != '\n'; ) {
                c = read(1)[0];
                got.write(c);
            }
            return got.toString(StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
        }
"#;

const REPLY: &str = r#"
        // A reply, lines "CODE-text" up to "CODE text": {code, its last line}.
        String[] reply() throws IOException {
            for (int i = 0; i < 100; i++) {
                String text = line();
                String code = text.length() >= 3 ? text.substring(0, 3) : "";
                if (!code.matches("[0-9]{3}")) return new String[] {"", text};
                if (text.length() == 3 || text.charAt(3) != '-') return new String[] {code, text};
            }
            throw new StarttlsError("the server's reply never ended");
        }
"#;

const UNTIL: &str = r#"
        String until(String... ends) throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            StringBuilder tail = new StringBuilder();
            while (true) {
                for (String e : ends) {
                    if (tail.length() >= e.length() && tail.substring(tail.length() - e.length()).equals(e)) {
                        return got.toString(StandardCharsets.UTF_8);
                    }
                }
                byte b = read(1)[0];
                got.write(b);
                tail.append((char) (b & 0xff));
                if (tail.length() > 32) tail.deleteCharAt(0);
            }
        }
"#;

/// `starttls(Socket s)` and its helpers (before main).
pub(super) fn java_fn(o: &mut String, proto: Starttls) {
    let _ = writeln!(
        o,
        "    // {t}'s upgrade to TLS on the plain socket, as tlslens speaks it: returns once the\n\
         \x20   // server has said go ahead, so the next bytes are the TLS handshake. Reads at most\n\
         \x20   // 64 KiB; HANDSHAKE_MS bounds each read. Throws StarttlsRefused quoting the\n\
         \x20   // server's answer, or StarttlsError when the answer is not {t}'s.\n\
         \x20   static void starttls(Socket s) throws IOException {{\n\
         \x20       Talk t = new Talk(s);",
        t = title(proto)
    );
    let server = a_server(proto);
    let not = |what: &str, got: &str| {
        format!("throw new StarttlsError(\"not {server}: {what}, got \" + quoted({got}));")
    };
    match proto {
        Starttls::Smtp => coded(o, &not, &["220"], "STARTTLS", "220", true),
        Starttls::Ftp => coded(o, &not, &["220"], "AUTH TLS", "234", false),
        Starttls::Nntp => coded(o, &not, &["200", "201"], "STARTTLS", "382", false),
        Starttls::Imap => {
            let _ = write!(
                o,
                "        String greeting = t.line();\n\
                 \x20       if (!greeting.startsWith(\"* OK\") && !greeting.startsWith(\"* PREAUTH\")) {{\n\
                 \x20           {}\n\
                 \x20       }}\n\
                 \x20       t.send(\"a1 STARTTLS\\r\\n\");\n\
                 \x20       for (int i = 0; i < 100; i++) {{  // untagged lines, then the tagged answer\n\
                 \x20           String text = t.line();\n\
                 \x20           if (text.startsWith(\"a1 \")) {{\n\
                 \x20               if (!text.substring(3).toUpperCase().startsWith(\"OK\")) throw refused(text);\n\
                 \x20               return;\n\
                 \x20           }}\n\
                 \x20       }}\n\
                 \x20       throw new StarttlsError(\"no tagged answer to STARTTLS\");\n",
                not("expected \\\"* OK\\\"", "greeting")
            );
        }
        Starttls::Pop3 => {
            let _ = write!(
                o,
                "        String greeting = t.line();\n\
                 \x20       if (!greeting.startsWith(\"+OK\")) {{\n\
                 \x20           {}\n\
                 \x20       }}\n\
                 \x20       t.send(\"STLS\\r\\n\");\n\
                 \x20       String text = t.line();\n\
                 \x20       if (!text.startsWith(\"+OK\")) throw refused(text);\n",
                not("expected \\\"+OK\\\"", "greeting")
            );
        }
        Starttls::Sieve => {
            let _ = write!(
                o,
                "        boolean offered = false;\n\
                 \x20       for (int i = 0; i < 100; i++) {{  // the capabilities, one per line, then OK\n\
                 \x20           String text = t.line();\n\
                 \x20           String upper = text.toUpperCase();\n\
                 \x20           if (upper.startsWith(\"\\\"STARTTLS\\\"\")) offered = true;\n\
                 \x20           if (upper.startsWith(\"OK\")) break;\n\
                 \x20           if (upper.startsWith(\"NO\") || upper.startsWith(\"BYE\")) throw refused(text);\n\
                 \x20           if (!text.startsWith(\"\\\"\")) {{\n\
                 \x20               {}\n\
                 \x20           }}\n\
                 \x20       }}\n\
                 \x20       if (!offered) {{\n\
                 \x20           throw new StarttlsRefused(\n\
                 \x20               \"the server refused STARTTLS: its capabilities do not list \\\"STARTTLS\\\"\");\n\
                 \x20       }}\n\
                 \x20       t.send(\"STARTTLS\\r\\n\");\n\
                 \x20       String text = t.line();\n\
                 \x20       if (!text.toUpperCase().startsWith(\"OK\")) throw refused(text);\n",
                not("expected capability lines", "text")
            );
        }
        Starttls::Irc => o.push_str(
            "        t.send(\"STARTTLS\\r\\n\");\n\
             \x20       for (int i = 0; i < 100; i++) {  // notices, then 670 (go) or 691 (refused)\n\
             \x20           String text = t.line();\n\
             \x20           String[] words = text.trim().split(\"\\\\s+\");\n\
             \x20           String code = words.length > 1 ? words[1] : \"\";\n\
             \x20           if (code.equals(\"670\")) return;\n\
             \x20           if (code.equals(\"691\") || code.equals(\"421\") || code.equals(\"451\") || text.startsWith(\"ERROR\")) {\n\
             \x20               throw refused(text);\n\
             \x20           }\n\
             \x20       }\n\
             \x20       throw new StarttlsError(\"no 670 or 691 answer to STARTTLS\");\n",
        ),
        Starttls::Xmpp => o.push_str(
            "        t.send(\"<?xml version='1.0'?><stream:stream xmlns='jabber:client' \"\n\
             \x20           + \"xmlns:stream='http://etherx.jabber.org/streams' \"\n\
             \x20           + \"to='\" + XMPP_TO + \"' version='1.0'>\");\n\
             \x20       String features = t.until(\"</stream:features>\", \"<stream:features/>\", \"</stream:error>\");\n\
             \x20       if (features.contains(\"<stream:error\") || !features.contains(\"urn:ietf:params:xml:ns:xmpp-tls\")) {\n\
             \x20           throw refused(features);\n\
             \x20       }\n\
             \x20       t.send(\"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\");\n\
             \x20       String answer = t.until(\"/>\", \"</failure>\");\n\
             \x20       if (!answer.contains(\"<proceed\")) throw refused(answer);\n",
        ),
        Starttls::Ldap => o.push_str(LDAP),
        Starttls::Postgres => o.push_str(POSTGRES),
        Starttls::Mysql => o.push_str(MYSQL),
    }
    o.push_str("    }\n\n");
    o.push_str(TALK);
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
    o.push_str("    }\n\n");
}

/// The exception classes, after the main class (top-level, so named plainly).
pub(super) const CLASSES: &str = r#"
// The server's answer before TLS is not the protocol's: no TLS was attempted.
class StarttlsError extends IOException {
    StarttlsError(String message) {
        super(message);
    }
}

// The server refused to start TLS: its own answer, not a TLS error.
class StarttlsRefused extends StarttlsError {
    StarttlsRefused(String message) {
        super(message);
    }
}
"#;

/// SMTP, FTP and NNTP: a coded greeting, (SMTP) EHLO, the command, its go code.
fn coded(
    o: &mut String,
    not: &dyn Fn(&str, &str) -> String,
    greet: &[&str],
    cmd: &str,
    go: &str,
    ehlo: bool,
) {
    let greet_test = greet
        .iter()
        .map(|c| format!("!r[0].equals(\"{c}\")"))
        .collect::<Vec<_>>()
        .join(" && ");
    let _ = write!(
        o,
        "        String[] r = t.reply();\n\
         \x20       if ({greet_test}) {{\n\
         \x20           {}\n\
         \x20       }}\n",
        not(&format!("expected a {} greeting", greet.join("/")), "r[1]")
    );
    if ehlo {
        o.push_str(
            "        t.send(\"EHLO tlslens.invalid\\r\\n\");\n\
             \x20       r = t.reply();\n\
             \x20       if (!r[0].equals(\"250\")) throw refused(r[1]);\n",
        );
    }
    let _ = write!(
        o,
        "        t.send(\"{cmd}\\r\\n\");\n\
         \x20       r = t.reply();\n\
         \x20       if (!r[0].equals(\"{go}\")) throw refused(r[1]);\n"
    );
}

const LDAP: &str = r#"        t.send(LDAP_STARTTLS);
        int tag = t.read(1)[0] & 0xff;
        if (tag != 0x30) {
            throw new StarttlsError(String.format("not an LDAP server: expected an LDAPMessage, got %02x", tag));
        }
        int length = t.read(1)[0] & 0xff;
        if (length >= 0x80) {  // the long form: the length in the next 1-3 bytes
            int n = length & 0x7f;
            if (n == 0 || n > 3) throw new StarttlsError("not an LDAP message (bad BER length)");
            length = 0;
            for (byte b : t.read(n)) length = (length << 8) | (b & 0xff);
        }
        if (length > 8192) throw new StarttlsError("an LDAP answer larger than 8 KiB");
        byte[] body = t.read(length);
        // messageID INTEGER, then [APPLICATION 24] ExtendedResponse { resultCode ENUMERATED,
        // matchedDN, diagnosticMessage, ... } in short forms, as tlslens reads it.
        int code;
        String diag = "";
        try {
            int at = 2 + body[1];
            if (body[0] != 0x02 || body[at] != 0x78 || body[at + 2] != 0x0a || body[at + 3] != 0x01) {
                throw new IndexOutOfBoundsException();
            }
            code = body[at + 4] & 0xff;
            int diagAt = at + 7 + body[at + 6];
            if (diagAt < body.length && body[diagAt] == 0x04) {
                diag = new String(body, diagAt + 2, body[diagAt + 1], StandardCharsets.UTF_8);
            }
        } catch (IndexOutOfBoundsException e) {
            throw new StarttlsError("not an LDAP server: expected an ExtendedResponse, got another LDAP message");
        }
        if (code != 0) throw refused("resultCode " + code + " " + diag);
"#;

const POSTGRES: &str = r#"        t.send(PG_SSLREQUEST);
        int answer = t.read(1)[0] & 0xff;
        if (answer == 'N') throw refused("N: the server does not do TLS");
        if (answer == 'E') throw refused("E: an error instead of an answer");
        if (answer != 'S') {
            throw new StarttlsError(String.format("not a PostgreSQL server: expected S or N, got %02x", answer));
        }
"#;

const MYSQL: &str = r#"        byte[] head = t.read(4);  // the greeting packet's header
        int length = (head[0] & 0xff) | (head[1] & 0xff) << 8 | (head[2] & 0xff) << 16;
        if (length > 8192) throw new StarttlsError("a MySQL greeting larger than 8 KiB");
        byte[] body = t.read(length);
        if (body.length > 0 && body[0] == (byte) 0xff) {  // an error packet instead of the greeting
            throw refused(new String(body, Math.min(3, body.length), Math.max(0, body.length - 3), StandardCharsets.UTF_8));
        }
        if (body.length == 0 || body[0] != 0x0a) {
            throw new StarttlsError("not a MySQL server: expected a protocol 10 greeting, got another packet");
        }
        int end = 1;
        while (end < body.length && body[end] != 0) end++;
        String version = new String(body, 1, end - 1, StandardCharsets.UTF_8);
        // version NUL, connection id (4), auth data (8), filler (1), capabilities low (2)
        int caps = end + 15 < body.length ? (body[end + 14] & 0xff) | (body[end + 15] & 0xff) << 8 : 0;
        if ((caps & CLIENT_SSL) == 0) throw refused("server " + version + " does not offer CLIENT_SSL");
        t.send(MYSQL_SSLREQUEST);
"#;
