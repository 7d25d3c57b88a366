//! A vertical scroll offset that cannot run past the end of what it scrolls.
//!
//! How far a wrapped paragraph can scroll depends on the width it is drawn at, which
//! only the render knows; so the render records the limit it drew with, and the next
//! key clamps against it (PgUp after too many PgDn moves at once).

use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;
use std::cell::Cell;

/// A move through a list or a text: by some lines, or to either end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    By(i32),
    Home,
    End,
}

impl Move {
    /// The index `cur` moved within `0..n` (0 when empty).
    pub fn step(self, cur: usize, n: usize) -> usize {
        let last = n.saturating_sub(1);
        match self {
            Move::By(d) => (cur as i64 + i64::from(d)).clamp(0, last as i64) as usize,
            Move::Home => 0,
            Move::End => last,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scroll {
    offset: u16,
    /// The largest useful offset, as last drawn; `u16::MAX` until drawn.
    max: Cell<u16>,
}

impl Default for Scroll {
    fn default() -> Self {
        Scroll {
            offset: 0,
            max: Cell::new(u16::MAX),
        }
    }
}

impl Scroll {
    pub fn offset(&self) -> u16 {
        self.offset.min(self.max.get())
    }

    /// Move by `delta` lines within what was last drawn; true when it moved.
    pub fn by(&mut self, delta: i32) -> bool {
        let before = self.offset();
        let max = i32::from(self.max.get().min(5000));
        self.offset = (i32::from(before) + delta).clamp(0, max) as u16;
        self.offset != before
    }

    pub fn home(&mut self) -> bool {
        let moved = self.offset() != 0;
        self.offset = 0;
        moved
    }

    pub fn end(&mut self) -> bool {
        let before = self.offset();
        self.offset = self.max.get().min(5000);
        self.offset != before
    }

    pub fn apply(&mut self, mv: Move) -> bool {
        match mv {
            Move::By(d) => self.by(d),
            Move::Home => self.home(),
            Move::End => self.end(),
        }
    }

    pub fn reset(&mut self) {
        self.offset = 0;
    }

    /// Record how far `p` (in a bordered block) can scroll in `area` and return the
    /// offset to draw it at.
    pub fn fit(&self, p: &Paragraph, area: Rect) -> u16 {
        // The count includes the block's top and bottom rows; wrapping is at the inner width.
        let lines = p.line_count(area.width.saturating_sub(2));
        self.max
            .set(u16::try_from(lines.saturating_sub(area.height as usize)).unwrap_or(u16::MAX));
        self.offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Line;

    #[test]
    fn never_runs_past_the_end() {
        let mut s = Scroll::default();
        let p = Paragraph::new(
            (0..30)
                .map(|i| Line::from(format!("{i}")))
                .collect::<Vec<_>>(),
        );
        // 30 lines in 10 rows: 20 is as far as it goes.
        assert_eq!(s.fit(&p, Rect::new(0, 0, 22, 10)), 0);
        for _ in 0..10 {
            s.by(10);
        }
        assert_eq!(s.offset(), 20);
        assert!(s.by(-10));
        assert_eq!(s.offset(), 10);
        assert!(s.home());
        assert!(!s.home());
        assert!(s.end());
        assert_eq!(s.offset(), 20);
    }
}
