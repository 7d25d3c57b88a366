//! The constants the STARTTLS code of the Python, Node and Java exports needs — which
//! ones each protocol has, their values and what they mean — in one table; each
//! language only spells them ([`Spelling`]).

use super::python_starttls::xmpp_to;
use crate::profile::upgrade::{CLIENT_SSL, LDAP_STARTTLS, PG_SSLREQUEST, mysql_ssl_request};
use crate::profile::{Profile, Starttls};
use std::fmt::Write as _;

pub(super) enum Value {
    Str(String),
    Bytes(Vec<u8>),
    Int(u32),
}

/// One constant: its comment goes after it on the line, or (`above`) on lines of its
/// own before it.
struct Const {
    name: &'static str,
    value: Value,
    comment: &'static str,
    above: bool,
}

/// How one language writes a constant: `{indent}{decl}{name} = {literal}{end}`, and
/// its comments after `marker`.
pub(super) struct Spelling {
    pub indent: &'static str,
    pub marker: &'static str,
    pub end: &'static str,
    pub decl: fn(&Value) -> &'static str,
    pub literal: fn(&Value) -> String,
}

fn constants(p: &Profile, proto: Starttls) -> Vec<Const> {
    let c = |name, value, comment, above| Const {
        name,
        value,
        comment,
        above,
    };
    let mut v = vec![c(
        "STARTTLS",
        Value::Str(proto.name().into()),
        "the protocol starttls() speaks before TLS",
        false,
    )];
    match proto {
        Starttls::Xmpp => v.push(c(
            "XMPP_TO",
            Value::Str(xmpp_to(p)),
            "the stream header's to=",
            false,
        )),
        Starttls::Ldap => v.push(c(
            "LDAP_STARTTLS",
            Value::Bytes(LDAP_STARTTLS.to_vec()),
            "ExtendedRequest StartTLS (1.3.6.1.4.1.1466.20037), message id 1",
            true,
        )),
        Starttls::Postgres => v.push(c(
            "PG_SSLREQUEST",
            Value::Bytes(PG_SSLREQUEST.to_vec()),
            "SSLRequest: length 8, code 80877103",
            false,
        )),
        Starttls::Mysql => {
            v.push(c(
                "CLIENT_SSL",
                Value::Int(CLIENT_SSL),
                "the greeting's capability flag",
                false,
            ));
            v.push(c(
                "MYSQL_SSLREQUEST",
                Value::Bytes(mysql_ssl_request()),
                "SSLRequest, sequence id 1: CLIENT_SSL | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION,\n\
                 max packet 16 MiB, utf8_general_ci",
                true,
            ));
        }
        _ => {}
    }
    v
}

/// An integer constant as every target writes it.
pub(super) fn hex_int(n: u32) -> String {
    format!("{n:#06x}")
}

/// The profile's STARTTLS constants, spelled by `s`.
pub(super) fn write_consts(o: &mut String, p: &Profile, proto: Starttls, s: &Spelling) {
    for k in constants(p, proto) {
        let Spelling {
            indent,
            marker,
            end,
            ..
        } = *s;
        if k.above {
            for line in k.comment.lines() {
                let _ = writeln!(o, "{indent}{marker} {line}");
            }
        }
        let _ = write!(
            o,
            "{indent}{}{} = {}{end}",
            (s.decl)(&k.value),
            k.name,
            (s.literal)(&k.value)
        );
        if k.above {
            o.push('\n');
        } else {
            let _ = writeln!(o, "  {marker} {}", k.comment);
        }
    }
}
