//! The STARTTLS dialogue reader: the first byte picks the protocol, the rest is what
//! the server says (over a loopback socket, then it stops sending). Never panics,
//! never hangs past its deadline, and the record of the dialogue stays bounded. The
//! LDAP ExtendedResponse parser gets the same bytes directly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tlslens::net::starttls::{parse_ldap_result, upgrade};
use tlslens::net::talk::Talk;
use tlslens::profile::Starttls;

static LISTENER: OnceLock<TcpListener> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((sel, reply)) = data.split_first() else {
        return;
    };
    let _ = parse_ldap_result(reply);
    let proto = Starttls::ALL[usize::from(*sel) % Starttls::ALL.len()];
    let listener =
        LISTENER.get_or_init(|| TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1"));
    let addr = listener.local_addr().expect("local address");
    let mut client = TcpStream::connect(addr).expect("connect over loopback");
    let (mut server, _) = listener.accept().expect("accept over loopback");
    // Fuzz inputs are small: the kernel's buffers hold the whole answer.
    server.write_all(reply).expect("write the answer");
    server.shutdown(Shutdown::Write).expect("shut down");
    let mut log = Vec::new();
    let start = Instant::now();
    let mut t = Talk::new(
        &mut client,
        "starttls",
        start + Duration::from_secs(5),
        &mut log,
    );
    let _ = upgrade(&mut t, proto, "example.test");
    assert!(start.elapsed() < Duration::from_secs(6));
    assert!(log.len() <= 256);
    drop(server);
});
