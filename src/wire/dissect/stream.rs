//! The record layer, both directions, in wire order.

use super::*;

#[derive(Default)]
pub(super) struct Side {
    /// Unparsed stream bytes.
    pub(super) buf: Vec<u8>,
    /// (offset in `buf` where a chunk began, its time in ms).
    pub(super) starts: VecDeque<(usize, f64)>,
    pub(super) records: usize,
    pub(super) stopped: bool,
    /// TLS <= 1.2: a ChangeCipherSpec was sent, later records are encrypted.
    pub(super) encrypting: bool,
    /// Handshake reassembly: unconsumed bytes, with (offset, time) of each record.
    pub(super) hs: Vec<u8>,
    pub(super) hs_times: VecDeque<(usize, f64)>,
    pub(super) hs_stopped: bool,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) client: Side,
    pub(super) server: Side,
    pub(super) items: Vec<Dissected>,
    pub(super) sh_seen: bool,
    pub(super) tls13: bool,
    pub(super) ctx: Ctx,
}

impl State {
    pub(super) fn side(&mut self, d: Direction) -> &mut Side {
        match d {
            Direction::Client => &mut self.client,
            Direction::Server => &mut self.server,
        }
    }

    pub(super) fn push(&mut self, item: Dissected) {
        if self.items.len() < MAX_ITEMS {
            self.items.push(item);
        }
    }

    pub(super) fn feed(&mut self, c: &Chunk) {
        let at = c.at.as_nanos() as f64 / 1e6;
        let d = c.dir;
        let side = self.side(d);
        if side.stopped || c.bytes.is_empty() {
            return;
        }
        side.starts.push_back((side.buf.len(), at));
        side.buf.extend_from_slice(&c.bytes);
        let buf = std::mem::take(&mut side.buf);
        let consumed = self.parse(d, &buf).min(buf.len());
        let side = self.side(d);
        if side.stopped {
            side.starts.clear();
            return;
        }
        side.buf = buf;
        if consumed == 0 {
            // A record still trickling in: nothing to shift (keeps this linear).
            return;
        }
        side.buf.drain(..consumed);
        while side.starts.len() > 1 && side.starts.get(1).is_some_and(|s| s.0 <= consumed) {
            side.starts.pop_front();
        }
        for s in side.starts.iter_mut() {
            s.0 = s.0.saturating_sub(consumed);
        }
    }

    /// The time of the chunk in which buffer offset `off` arrived. Offsets asked for
    /// only grow within one `parse`, so entries before `off` can be dropped.
    pub(super) fn time_at(&mut self, d: Direction, off: usize) -> f64 {
        let side = self.side(d);
        while side.starts.len() > 1 && side.starts.get(1).is_some_and(|s| s.0 <= off) {
            side.starts.pop_front();
        }
        side.starts.front().map_or(0.0, |s| s.1)
    }

    pub(super) fn stop(&mut self, d: Direction, at: f64, bytes: &[u8], why: &str) {
        let side = self.side(d);
        side.stopped = true;
        side.hs = Vec::new();
        side.hs_times.clear();
        let why = if side.records == 0 {
            why.to_string()
        } else {
            format!("malformed record after {} good ones: {why}", side.records)
        };
        self.push(not_tls_item(d, at, bytes, &why));
    }

    /// Parse every complete record in `buf`; returns the bytes consumed.
    pub(super) fn parse(&mut self, d: Direction, buf: &[u8]) -> usize {
        let mut pos = 0usize;
        loop {
            if self.items.len() >= MAX_ITEMS {
                return buf.len();
            }
            let avail = buf.get(pos..).unwrap_or(&[]);
            let Some(&b0) = avail.first() else {
                return pos;
            };
            let at = self.time_at(d, pos);
            if d == Direction::Client && self.side(d).records == 0 && b0 & 0x80 != 0 {
                let (Some(&b1), Some(&b2)) = (avail.get(1), avail.get(2)) else {
                    return pos;
                };
                if b2 != 1 {
                    self.stop(d, at, avail, "high bit set but not an SSLv2 ClientHello");
                    return buf.len();
                }
                let len = usize::from(b0 & 0x7f) << 8 | usize::from(b1);
                let Some(rec) = avail.get(..2 + len) else {
                    return pos;
                };
                self.push(sslv2_item(d, at, rec));
                self.side(d).records += 1;
                pos += 2 + len;
                continue;
            }
            if !(20..=24).contains(&b0) {
                self.stop(d, at, avail, &format!("bad record content type {b0}"));
                return buf.len();
            }
            if let Some(&major) = avail.get(1)
                && major != 3
            {
                self.stop(d, at, avail, &format!("bad record version major {major}"));
                return buf.len();
            }
            let Some(hdr) = avail.get(..5) else {
                return pos;
            };
            let len = usize::from(u16::from_be_bytes([
                hdr.get(3).copied().unwrap_or(0),
                hdr.get(4).copied().unwrap_or(0),
            ]));
            if len > MAX_RECORD {
                self.stop(
                    d,
                    at,
                    avail,
                    &format!("record length {len} exceeds {MAX_RECORD}"),
                );
                return buf.len();
            }
            let Some(payload) = avail.get(5..5 + len) else {
                return pos;
            };
            self.side(d).records += 1;
            self.record(d, at, b0, hdr, payload);
            pos += 5 + len;
        }
    }

    pub(super) fn record(&mut self, d: Direction, at: f64, ctype: u8, hdr: &[u8], payload: &[u8]) {
        let encrypted_now = self.tls13 || self.side(d).encrypting;
        let tls13 = self.tls13;
        match ctype {
            20 => {
                self.push(record_item(d, at, hdr, payload, RecKind::Ccs, tls13));
                if self.sh_seen && !self.tls13 {
                    self.side(d).encrypting = true;
                }
            }
            21 if !encrypted_now || payload.len() == 2 => {
                let t13 = self.ctx.version.is_none_or(|v| v >= 0x0304);
                self.push(record_item(d, at, hdr, payload, RecKind::Alert, t13));
            }
            22 if !encrypted_now => self.handshake(d, at, payload),
            24 => self.push(record_item(d, at, hdr, payload, RecKind::Heartbeat, tls13)),
            _ => self.push(record_item(d, at, hdr, payload, RecKind::Encrypted, tls13)),
        }
    }

    pub(super) fn handshake(&mut self, d: Direction, at: f64, payload: &[u8]) {
        let side = self.side(d);
        if side.hs_stopped {
            return;
        }
        side.hs_times.push_back((side.hs.len(), at));
        side.hs.extend_from_slice(payload);
        let hs = std::mem::take(&mut side.hs);
        let mut consumed = 0usize;
        loop {
            if self.items.len() >= MAX_ITEMS {
                consumed = hs.len();
                break;
            }
            let rest = hs.get(consumed..).unwrap_or(&[]);
            let mut c = Cur::new(rest, 0, rest.len());
            let (Some(t), Some(len)) = (c.u8(), c.u24()) else {
                break;
            };
            let side = self.side(d);
            while side.hs_times.len() > 1 && side.hs_times.get(1).is_some_and(|x| x.0 <= consumed) {
                side.hs_times.pop_front();
            }
            let at = side.hs_times.front().map_or(at, |x| x.1);
            if len > MAX_HANDSHAKE {
                side.hs_stopped = true;
                side.hs_times.clear();
                self.push(truncated(d, at, rest, t, len));
                return;
            }
            let Some(msg) = rest.get(..4 + len) else {
                break;
            };
            consumed += 4 + len;
            let item = dissect_message(d, at, msg.to_vec(), self.ctx);
            if d == Direction::Server
                && !self.sh_seen
                && item.name == "ServerHello"
                && let Body::ServerHello(sh) =
                    decode_handshake_message(2, msg.get(4..).unwrap_or(&[]), None)
            {
                self.sh_seen = true;
                self.ctx.version = Some(sh.version.0);
                self.ctx.suite = Some(sh.cipher_suite.0);
                self.tls13 = sh.version.0 == 0x0304;
            }
            self.push(item);
            if self.tls13 {
                // Everything after a TLS 1.3 ServerHello is encrypted.
                let side = self.side(d);
                side.hs_times.clear();
                return;
            }
        }
        let side = self.side(d);
        side.hs = hs;
        if consumed > 0 {
            side.hs.drain(..consumed.min(side.hs.len()));
            for x in side.hs_times.iter_mut() {
                x.0 = x.0.saturating_sub(consumed);
            }
        }
    }
}
