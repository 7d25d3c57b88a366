//! Writing the lines of a snippet's body: code at one indent, comments with the
//! target's comment marker.

use std::fmt::{Display, Write as _};

/// Indent and comment marker of a snippet body.
#[derive(Clone, Copy)]
pub(super) struct Style {
    indent: &'static str,
    marker: &'static str,
}

impl Style {
    /// Python, inside a function.
    pub(super) const PYTHON: Style = Style {
        indent: "    ",
        marker: "#",
    };
    /// Rust, inside a function.
    pub(super) const RUST: Style = Style {
        indent: "    ",
        marker: "//",
    };

    /// One line of code.
    pub(super) fn code(self, o: &mut String, line: impl Display) {
        let _ = writeln!(o, "{}{line}", self.indent);
    }

    /// One comment line.
    pub(super) fn note(self, o: &mut String, line: impl Display) {
        let _ = writeln!(o, "{}{} {line}", self.indent, self.marker);
    }

    /// Comment lines, one each (none for an empty list or `None`).
    pub(super) fn notes<T: Display>(self, o: &mut String, lines: impl IntoIterator<Item = T>) {
        for l in lines {
            self.note(o, l);
        }
    }

    /// A `WEAKENS SECURITY` (or other) comment, then the code lines it explains.
    pub(super) fn weakens(self, o: &mut String, why: impl Display, code: &[&str]) {
        self.note(o, why);
        self.lines(o, code);
    }

    /// Lines of code, one each.
    pub(super) fn lines(self, o: &mut String, code: &[&str]) {
        for c in code {
            self.code(o, c);
        }
    }
}
