//! Real handshakes captured over 127.0.0.1 (see fixtures/README.md), shared by the
//! decoder's and the dissector's tests.

use super::{Chunk, Direction};
use std::time::Duration;

pub const TLS13: &str = include_str!("fixtures/tls13.hex");
pub const HRR: &str = include_str!("fixtures/hrr.hex");
pub const TLS12: &str = include_str!("fixtures/tls12.hex");
pub const TLS11: &str = include_str!("fixtures/tls11.hex");
pub const ALERT: &str = include_str!("fixtures/alert.hex");
pub const DHE: &str = include_str!("fixtures/dhe.hex");
pub const TLS12_CBC: &str = include_str!("fixtures/tls12cbc.hex");
pub const ALL: [&str; 7] = [TLS13, HRR, TLS12, TLS11, ALERT, DHE, TLS12_CBC];

/// Parse a fixture: one chunk per line, `c|s <ms> <hex>`.
pub fn chunks(text: &str) -> Vec<Chunk> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut f = l.split_whitespace();
            let dir = match f.next() {
                Some("c") => Direction::Client,
                _ => Direction::Server,
            };
            let ms: f64 = f.next().and_then(|t| t.parse().ok()).unwrap_or(0.0);
            let hex = f.next().unwrap_or("");
            let bytes = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            Chunk {
                dir,
                at: Duration::from_secs_f64(ms / 1000.0),
                bytes,
            }
        })
        .collect()
}
