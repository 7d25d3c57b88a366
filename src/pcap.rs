//! A capture file (classic pcap, raw IPv4) built from what the tap recorded, so the
//! handshake can be opened in Wireshark or tshark — and decrypted there with the key
//! log — without capturing packets (no root, no interface). Each connection gets a
//! synthetic TCP handshake, then its recorded bytes in order, 1400 bytes a segment;
//! checksums are zero (Wireshark does not check them by default).

use crate::wire::{Chunk, Direction};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One recorded connection.
pub struct Conn<'a> {
    pub chunks: &'a [Chunk],
    /// The server's address (its IPv4 address and port go into the capture; an IPv6
    /// server is shown as 127.0.0.1 with its port).
    pub server: Option<SocketAddr>,
}

const SEGMENT: usize = 1400;
const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH_ACK: u8 = 0x18;

struct Flow {
    client: (Ipv4Addr, u16),
    server: (Ipv4Addr, u16),
    seq: [u32; 2],
}

fn packet(out: &mut Vec<u8>, at: Duration, f: &Flow, from: Direction, flags: u8, payload: &[u8]) {
    let [client_seq, server_seq] = f.seq;
    let (src, dst, seq, ack) = match from {
        Direction::Client => (f.client, f.server, client_seq, server_seq),
        Direction::Server => (f.server, f.client, server_seq, client_seq),
    };
    let total = 20 + 20 + payload.len();
    let mut p = Vec::with_capacity(total);
    // IPv4 header: version 4, IHL 5, total length, DF, TTL 64, protocol TCP.
    p.extend_from_slice(&[0x45, 0]);
    p.extend_from_slice(&(total as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
    p.extend_from_slice(&src.0.octets());
    p.extend_from_slice(&dst.0.octets());
    // TCP header: ports, seq, ack, offset 5, flags, window, checksum 0, urgent 0.
    p.extend_from_slice(&src.1.to_be_bytes());
    p.extend_from_slice(&dst.1.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&(if flags == SYN { 0 } else { ack }).to_be_bytes());
    p.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    p.extend_from_slice(payload);
    let secs = at.as_secs() as u32;
    out.extend_from_slice(&secs.to_le_bytes());
    out.extend_from_slice(&at.subsec_micros().to_le_bytes());
    out.extend_from_slice(&(p.len() as u32).to_le_bytes());
    out.extend_from_slice(&(p.len() as u32).to_le_bytes());
    out.extend_from_slice(&p);
}

/// The capture of `conns`, one TCP stream each (client ports 40001, 40002, …).
pub fn capture(conns: &[Conn]) -> Vec<u8> {
    let mut out = Vec::new();
    // Global header: magic, version 2.4, zone 0, sigfigs 0, snaplen, LINKTYPE_RAW (101).
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 4, 0]);
    out.extend_from_slice(&[0u8; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&101u32.to_le_bytes());
    let base = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    for (n, c) in conns.iter().enumerate() {
        let server = match c.server {
            Some(SocketAddr::V4(a)) => (*a.ip(), a.port()),
            Some(SocketAddr::V6(a)) => (Ipv4Addr::LOCALHOST, a.port()),
            None => (Ipv4Addr::LOCALHOST, 443),
        };
        let mut f = Flow {
            client: (Ipv4Addr::new(127, 0, 0, 2), 40001u16.wrapping_add(n as u16)),
            server,
            seq: [1000, 5000],
        };
        let start = base;
        packet(&mut out, start, &f, Direction::Client, SYN, &[]);
        f.seq[0] += 1;
        packet(&mut out, start, &f, Direction::Server, SYN | ACK, &[]);
        f.seq[1] += 1;
        packet(&mut out, start, &f, Direction::Client, ACK, &[]);
        for chunk in c.chunks {
            let at = start + chunk.at;
            let i = usize::from(chunk.dir == Direction::Server);
            for seg in chunk.bytes.chunks(SEGMENT) {
                packet(&mut out, at, &f, chunk.dir, PSH_ACK, seg);
                if let Some(s) = f.seq.get_mut(i) {
                    *s = s.wrapping_add(seg.len() as u32);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_has_its_header_and_a_packet_per_segment() {
        let chunks = vec![
            Chunk {
                dir: Direction::Client,
                at: Duration::from_millis(1),
                bytes: vec![0x16; 3000],
            },
            Chunk {
                dir: Direction::Server,
                at: Duration::from_millis(2),
                bytes: vec![0x16; 10],
            },
        ];
        let cap = capture(&[Conn {
            chunks: &chunks,
            server: "127.0.0.1:443".parse().ok(),
        }]);
        assert_eq!(cap.get(..4), Some(&[0xd4, 0xc3, 0xb2, 0xa1][..]));
        // 3 handshake packets + 3 client segments + 1 server segment.
        let headers = 24 + 7 * 16;
        let ip_tcp = 7 * 40;
        assert_eq!(cap.len(), headers + ip_tcp + 3000 + 10);
    }
}
