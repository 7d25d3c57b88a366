//! A small HTTP CONNECT proxy and a SOCKS5 proxy for the lab, each with or without
//! credentials ([`USER`] / [`PASSWORD`]). They tunnel only to loopback addresses (and
//! `localhost`): anything else is refused by policy (HTTP 403, SOCKS5 reply 2), which
//! is also how the tests see a proxy's denial. Tunnels live at most the lab's
//! connection lifetime.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

pub const USER: &str = "lab";
pub const PASSWORD: &str = "tlslens";

const LIFETIME: Duration = Duration::from_secs(20);
const MAX_HEAD: usize = 8 * 1024;

/// Which proxy protocol a lab proxy speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyProto {
    Http,
    Socks5,
}

/// Where a lab proxy may connect: loopback only.
fn allowed(host: &str, port: u16) -> Option<SocketAddr> {
    let ip = match host {
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        h => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .ok()?,
    };
    ip.is_loopback().then_some(SocketAddr::new(ip, port))
}

fn read_byte(s: &mut TcpStream) -> Option<u8> {
    let mut b = [0u8; 1];
    match s.read(&mut b) {
        Ok(1) => b.first().copied(),
        _ => None,
    }
}

fn exact(s: &mut TcpStream, n: usize) -> Option<Vec<u8>> {
    (0..n).map(|_| read_byte(s)).collect()
}

pub(crate) fn serve(proto: ProxyProto, auth: bool, s: TcpStream) {
    let _ = match proto {
        ProxyProto::Http => http(auth, s),
        ProxyProto::Socks5 => socks5(auth, s),
    };
}

fn http(auth: bool, mut s: TcpStream) -> Option<()> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD {
            return None;
        }
        head.push(read_byte(&mut s)?);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.lines();
    let request = lines.next().unwrap_or("");
    let mut words = request.split_whitespace();
    let (method, target) = (words.next()?, words.next()?);
    let say = |s: &mut TcpStream, status: &str, extra: &str| {
        let _ = s.write_all(
            format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
    };
    if method != "CONNECT" {
        say(&mut s, "405 Method Not Allowed", "");
        return None;
    }
    if auth {
        let want = format!(
            "basic {}",
            crate::text::base64(format!("{USER}:{PASSWORD}").as_bytes())
        );
        let given = lines.find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("proxy-authorization")
                .then(|| v.trim().to_string())
        });
        let ok = given.is_some_and(|g| {
            g.to_ascii_lowercase().starts_with("basic ") && g.get(6..) == want.get(6..)
        });
        if !ok {
            say(
                &mut s,
                "407 Proxy Authentication Required",
                "Proxy-Authenticate: Basic realm=\"tlslens lab\"\r\n",
            );
            return None;
        }
    }
    let (host, port) = crate::profile::parse_target(target).ok()?;
    let Some(addr) = allowed(&host, port) else {
        say(&mut s, "403 Forbidden", "");
        return None;
    };
    let Ok(up) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        say(&mut s, "502 Bad Gateway", "");
        return None;
    };
    s.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .ok()?;
    relay(s, up);
    Some(())
}

fn socks5(auth: bool, mut s: TcpStream) -> Option<()> {
    let hello = exact(&mut s, 2)?;
    if hello.first() != Some(&5) {
        return None;
    }
    let methods = exact(&mut s, usize::from(*hello.get(1)?))?;
    let want = if auth { 2 } else { 0 };
    if !methods.contains(&want) {
        s.write_all(&[5, 0xff]).ok()?;
        return None;
    }
    s.write_all(&[5, want]).ok()?;
    if auth {
        let v = exact(&mut s, 2)?;
        let user = exact(&mut s, usize::from(*v.get(1)?))?;
        let plen = exact(&mut s, 1)?;
        let pass = exact(&mut s, usize::from(*plen.first()?))?;
        let ok = user == USER.as_bytes() && pass == PASSWORD.as_bytes();
        s.write_all(&[1, if ok { 0 } else { 1 }]).ok()?;
        if !ok {
            return None;
        }
    }
    let req = exact(&mut s, 4)?;
    let host = match req.get(3)? {
        1 => {
            let a = exact(&mut s, 4)?;
            IpAddr::V4(Ipv4Addr::new(
                *a.first()?,
                *a.get(1)?,
                *a.get(2)?,
                *a.get(3)?,
            ))
            .to_string()
        }
        4 => {
            let a: [u8; 16] = exact(&mut s, 16)?.try_into().ok()?;
            IpAddr::V6(Ipv6Addr::from(a)).to_string()
        }
        3 => {
            let n = exact(&mut s, 1)?;
            String::from_utf8(exact(&mut s, usize::from(*n.first()?))?).ok()?
        }
        _ => {
            s.write_all(&[5, 8, 0, 1, 0, 0, 0, 0, 0, 0]).ok()?;
            return None;
        }
    };
    let p = exact(&mut s, 2)?;
    let port = u16::from_be_bytes([*p.first()?, *p.get(1)?]);
    let reply = |s: &mut TcpStream, code: u8| s.write_all(&[5, code, 0, 1, 0, 0, 0, 0, 0, 0]).ok();
    if req.get(1) != Some(&1) {
        reply(&mut s, 7)?;
        return None;
    }
    let Some(addr) = allowed(&host, port) else {
        reply(&mut s, 2)?;
        return None;
    };
    let Ok(up) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        reply(&mut s, 5)?;
        return None;
    };
    reply(&mut s, 0)?;
    relay(s, up);
    Some(())
}

/// Copy both ways until either side closes or the lifetime ends.
fn relay(client: TcpStream, upstream: TcpStream) {
    let started = Instant::now();
    let (Ok(c2), Ok(u2)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    let t = std::thread::spawn(move || pump(c2, u2, started));
    pump(upstream, client, started);
    let _ = t.join();
}

fn pump(mut from: TcpStream, mut to: TcpStream, started: Instant) {
    let _ = from.set_read_timeout(Some(Duration::from_millis(500)));
    let mut buf = [0u8; 16 * 1024];
    while started.elapsed() < LIFETIME {
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if to.write_all(buf.get(..n).unwrap_or(&[])).is_err() {
                    break;
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
