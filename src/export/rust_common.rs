//! Parts shared by the three Rust targets.

use super::comments::{comment_block, header};
use super::emit::Style;
use super::quote::{millis, rs_str};
use crate::profile::Profile;
use std::fmt::Write as _;

pub(super) fn rust_consts(o: &mut String, p: &Profile) {
    let _ = writeln!(o, "const HOST: &str = {};", rs_str(&p.host));
    let _ = writeln!(o, "const PORT: u16 = {};", p.port);
    for (name, secs, what) in [
        ("CONNECT", p.connect_timeout, "TCP connect, per address"),
        ("HANDSHAKE", p.handshake_timeout, "per read/write"),
    ] {
        let ms = millis(secs);
        let _ = writeln!(
            o,
            "const {name}_TIMEOUT: Duration = Duration::from_millis({ms}); // {what}"
        );
    }
}

const RUST_CONNECT_FN: &str = "\
/// TCP connect to the first address that answers, with the profile's timeouts.
fn connect() -> Result<TcpStream, Box<dyn Error>> {
    let mut last: Option<std::io::Error> = None;
    for addr in (HOST, PORT).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
                s.set_write_timeout(Some(HANDSHAKE_TIMEOUT))?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.map_or_else(|| \"no address for HOST\".into(), Into::into))
}
";

const RUST_MAIN_FN: &str = "\
fn main() {
    if let Err(e) = run() {
        eprintln!(\"error: {e}\");
        std::process::exit(1);
    }
}
";

pub(super) fn rust_header(o: &mut String, p: &Profile, what: &str, deps: &[&str]) {
    comment_block(o, "//", "", &header(p, what));
    o.push_str("//\n// Cargo.toml:\n//   [dependencies]\n");
    for d in deps {
        let _ = writeln!(o, "//   {d}");
    }
    o.push_str("//\n");
}

/// The std imports every Rust snippet needs (`Arc` for rustls), then a blank line.
pub(super) fn rust_std_uses(o: &mut String, arc: bool) {
    o.push_str("use std::error::Error;\nuse std::net::{TcpStream, ToSocketAddrs};\n");
    if arc {
        o.push_str("use std::sync::Arc;\n");
    }
    o.push_str("use std::time::Duration;\n\n");
}

/// `const SERVER_NAME` (the verification name), after a doc line saying how the
/// target uses it.
pub(super) fn server_name_const(o: &mut String, p: &Profile, doc: &str) {
    let _ = writeln!(
        o,
        "/// {doc}\nconst SERVER_NAME: &str = {};\n",
        rs_str(p.verify_name())
    );
}

/// `connect()`, then the opening line of `run()`.
pub(super) fn run_start(o: &mut String) {
    o.push_str(RUST_CONNECT_FN);
    o.push_str("\nfn run() -> Result<(), Box<dyn Error>> {\n");
}

/// The end of `run()`, then `main()`.
pub(super) fn run_end(o: &mut String) {
    o.push_str("    Ok(())\n}\n\n");
    o.push_str(RUST_MAIN_FN);
}

/// `use path::{A, B};`: the names whose flag is set, sorted.
pub(super) fn use_list(o: &mut String, path: &str, names: &[(&str, bool)]) {
    let mut names: Vec<&str> = names.iter().filter(|n| n.1).map(|n| n.0).collect();
    names.sort();
    let _ = writeln!(o, "use {path}::{{{}}};", names.join(", "));
}

/// `for cert in {certs} { {add} }`, in `run()`: adds each CA certificate.
pub(super) fn ca_cert_loop(o: &mut String, certs: String, add: &str) {
    let w = Style::RUST;
    w.code(o, format_args!("for cert in {certs} {{"));
    w.code(o, format_args!("    {add}"));
    w.code(o, "}");
}
