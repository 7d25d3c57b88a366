//! The server's side of a protocol's upgrade to TLS (SMTP, IMAP, POP3, FTP, XMPP,
//! LDAP, PostgreSQL, MySQL, IRC, NNTP, Sieve), spoken by the lab's servers before their
//! TLS acceptor (one SMTP server refuses) and by the client relay to a real client that
//! upgrades by itself (`curl smtp://`, `s_client -starttls`) while the relay upgrades the
//! connection to the target. Each reads at most a few KiB, line by line, with the
//! caller's socket timeouts. Client and server sides are [`super::starttls`] and this.

use super::talk::Exchange;
use crate::profile::Starttls;
use std::io::{Read, Write};
use std::net::TcpStream;

/// What a server says before TLS is bounded too.
const MAX_READ: usize = 16 * 1024;

struct Peer<'a> {
    s: &'a mut TcpStream,
    read: usize,
    /// What each side said, when the caller keeps a record (the relay does).
    log: Option<Vec<Exchange>>,
}

impl Peer<'_> {
    fn note(&mut self, from: &'static str, text: &str) {
        if let Some(log) = &mut self.log
            && log.len() < 256
        {
            for l in text.split('\n').map(|l| l.trim_end_matches('\r')) {
                if !l.is_empty() {
                    log.push(Exchange {
                        via: "relay",
                        from,
                        text: crate::text::sanitize(l, 300),
                    });
                }
            }
        }
    }
    fn byte(&mut self) -> Option<u8> {
        if self.read >= MAX_READ {
            return None;
        }
        let mut b = [0u8; 1];
        match self.s.read(&mut b) {
            Ok(1) => {
                self.read += 1;
                Some(b[0])
            }
            _ => None,
        }
    }
    fn line(&mut self) -> Option<String> {
        let mut out = Vec::new();
        loop {
            match self.byte()? {
                b'\n' => break,
                b => out.push(b),
            }
        }
        let line = String::from_utf8_lossy(&out).trim_end().to_string();
        self.note("client", &line);
        Some(line)
    }
    fn exact(&mut self, n: usize) -> Option<Vec<u8>> {
        (0..n).map(|_| self.byte()).collect()
    }
    fn until(&mut self, end: &str) -> Option<String> {
        let mut out = Vec::new();
        while !out.ends_with(end.as_bytes()) {
            out.push(self.byte()?);
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        self.note("client", &text);
        Some(text)
    }
    fn say(&mut self, text: &str) -> Option<()> {
        self.note("server", text);
        self.s.write_all(text.as_bytes()).ok()
    }
    /// A binary message, recorded as `what` it is.
    fn send(&mut self, bytes: &[u8], what: &str) -> Option<()> {
        self.note("server", what);
        self.s.write_all(bytes).ok()
    }
}

/// Who the server says it is: its host name and the words in its greetings.
#[derive(Clone, Copy)]
pub struct Persona {
    pub host: &'static str,
    pub who: &'static str,
}

pub const LAB: Persona = Persona {
    host: "lab.tlslens.invalid",
    who: "tlslens lab",
};

pub const RELAY: Persona = Persona {
    host: "relay.tlslens.invalid",
    who: "tlslens relay",
};

/// Speak the server's side of `proto`. `Some(())` when TLS should start now; a refusing
/// server answers no and returns None.
pub fn dialogue(proto: Starttls, refuse: bool, s: &mut TcpStream, me: Persona) -> Option<()> {
    let mut p = Peer {
        s,
        read: 0,
        log: None,
    };
    speak(proto, refuse, &mut p, me)
}

/// [`dialogue`], never refusing, with what each side said (`via` "relay").
pub fn dialogue_recorded(
    proto: Starttls,
    s: &mut TcpStream,
    me: Persona,
) -> (Option<()>, Vec<Exchange>) {
    let mut p = Peer {
        s,
        read: 0,
        log: Some(Vec::new()),
    };
    let done = speak(proto, false, &mut p, me);
    (done, p.log.unwrap_or_default())
}

fn speak(proto: Starttls, refuse: bool, p: &mut Peer, me: Persona) -> Option<()> {
    let Persona { host, who } = me;
    match proto {
        Starttls::Smtp => {
            p.say(&format!("220 {host} ESMTP {who}\r\n"))?;
            p.line()?; // EHLO
            if refuse {
                p.say(&format!("250-{host}\r\n250 SIZE 10240000\r\n"))?;
                p.line()?;
                p.say("454 4.7.0 TLS not available due to local problem\r\n")?;
                return None;
            }
            p.say(&format!("250-{host}\r\n250-PIPELINING\r\n250 STARTTLS\r\n"))?;
            p.line()?;
            p.say("220 2.0.0 Ready to start TLS\r\n")
        }
        Starttls::Imap => {
            p.say(&format!(
                "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] {who}\r\n"
            ))?;
            commands(p, |cmd| {
                let mut w = cmd.split_whitespace();
                let tag = w.next().unwrap_or("*");
                match w.next().map(str::to_ascii_uppercase).as_deref() {
                    Some("STARTTLS") => (format!("{tag} OK Begin TLS negotiation now\r\n"), true),
                    Some("CAPABILITY") => (
                        format!(
                            "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n{tag} OK done\r\n"
                        ),
                        false,
                    ),
                    _ => (format!("{tag} BAD only STARTTLS here\r\n"), false),
                }
            })
        }
        Starttls::Pop3 => {
            p.say(&format!("+OK {who} POP3 ready\r\n"))?;
            // curl asks for the capabilities first.
            commands(p, |cmd| match cmd.trim().to_ascii_uppercase().as_str() {
                "STLS" => ("+OK Begin TLS negotiation\r\n".into(), true),
                "CAPA" => ("+OK\r\nSTLS\r\n.\r\n".into(), false),
                _ => ("-ERR only STLS here\r\n".into(), false),
            })
        }
        Starttls::Ftp => {
            p.say(&format!("220-{who} FTP\r\n220 ready\r\n"))?;
            p.line()?;
            p.say("234 AUTH TLS successful\r\n")
        }
        Starttls::Nntp => {
            p.say(&format!("200 {who} NNTP ready\r\n"))?;
            commands(p, |cmd| match cmd.trim().to_ascii_uppercase().as_str() {
                "STARTTLS" => ("382 Continue with TLS negotiation\r\n".into(), true),
                "CAPABILITIES" => (
                    "101 Capability list:\r\nVERSION 2\r\nSTARTTLS\r\n.\r\n".into(),
                    false,
                ),
                _ => ("500 only STARTTLS here\r\n".into(), false),
            })
        }
        Starttls::Sieve => {
            p.say(&format!(
                "\"IMPLEMENTATION\" \"{who}\"\r\n\"SIEVE\" \"fileinto\"\r\n\
                 \"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"ready\"\r\n",
            ))?;
            p.line()?;
            p.say("OK \"Begin TLS negotiation now\"\r\n")
        }
        Starttls::Irc => {
            p.line()?;
            p.say(&format!(
                ":{host} 670 * :STARTTLS successful, proceed with TLS handshake\r\n"
            ))
        }
        Starttls::Xmpp => {
            let open = p.until("<stream:stream")?;
            let _ = open;
            p.until(">")?;
            p.say(
                "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
                 xmlns:stream='http://etherx.jabber.org/streams' id='lab' from='localhost' \
                 version='1.0'><stream:features><starttls \
                 xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>\
                 </stream:features>",
            )?;
            p.until("/>")?;
            p.say("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        }
        Starttls::Ldap => {
            let head = p.exact(2)?;
            let len = usize::from(*head.get(1)?);
            if head.first() != Some(&0x30) || len > 0x7f {
                return None;
            }
            p.exact(len)?;
            p.note(
                "client",
                &format!("LDAP extended request ({} bytes)", len + 2),
            );
            // ExtendedResponse, messageID 1, resultCode success, empty DN and message.
            p.send(
                b"\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00",
                "LDAP ExtendedResponse: resultCode 0 (success)",
            )
        }
        Starttls::Postgres => {
            if p.exact(8)? != crate::profile::upgrade::PG_SSLREQUEST {
                return None;
            }
            p.note("client", "SSLRequest");
            p.send(b"S", "S (TLS accepted)")
        }
        Starttls::Mysql => {
            p.send(&mysql_greeting(), "MySQL greeting offering CLIENT_SSL")?;
            let head = p.exact(4)?;
            let len = usize::from(*head.first()?);
            p.exact(len)?;
            p.note("client", &format!("SSLRequest ({len} bytes)"));
            Some(())
        }
    }
}

/// Answer up to 8 commands; `answer` gives the reply and whether TLS starts after it.
fn commands(p: &mut Peer, answer: impl Fn(&str) -> (String, bool)) -> Option<()> {
    for _ in 0..8 {
        let cmd = p.line()?;
        let (reply, go) = answer(&cmd);
        p.say(&reply)?;
        if go {
            return Some(());
        }
    }
    None
}

/// A MySQL protocol-10 greeting offering CLIENT_SSL.
fn mysql_greeting() -> Vec<u8> {
    use crate::profile::upgrade::{CLIENT_PROTOCOL_41, CLIENT_SECURE_CONNECTION, CLIENT_SSL};
    let caps = CLIENT_SSL | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;
    let mut body = vec![10u8];
    body.extend_from_slice(b"8.0.40-tlslens-lab\0");
    body.extend_from_slice(&7u32.to_le_bytes()); // connection id
    body.extend_from_slice(b"abcdefgh\0"); // auth data part 1 + filler
    body.extend_from_slice(&caps.to_le_bytes()[..2]);
    body.push(33); // utf8_general_ci
    body.extend_from_slice(&[2, 0]); // status
    body.extend_from_slice(&caps.to_le_bytes()[2..]);
    body.push(21);
    body.extend_from_slice(&[0u8; 10]);
    body.extend_from_slice(b"ijklmnopqrst\0");
    let mut out = (body.len() as u32).to_le_bytes()[..3].to_vec();
    out.push(0);
    out.extend_from_slice(&body);
    out
}
