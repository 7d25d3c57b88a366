//! The profile editor's state: one raw string per field, so nothing the user typed is
//! lost while it is invalid; each field validated as it changes.

use crate::backend::BackendId;
use crate::profile::{FIELDS, Field, Profile, Weakening};

/// How a row is edited: the field table's widget.
pub use crate::profile::Widget as Kind;

/// One row of the editor: a field of the table and the text the user typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub key: Field,
    pub label: &'static str,
    pub kind: Kind,
    pub raw: String,
    pub error: Option<String>,
}

/// A field and what is wrong with its value.
pub type FieldProblem = (Field, String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<Row>,
    pub selected: usize,
    /// Some(buffer before editing) while a text field is being edited.
    pub editing: Option<String>,
    /// Cursor position (in chars) inside the edited field.
    pub cursor: usize,
}

impl Form {
    /// One row per field of the table, in its order; `backends` are the session's.
    pub fn from_profile(p: &Profile, backends: &[BackendId]) -> Form {
        let p = Profile {
            backends: backends.to_vec(),
            ..p.clone()
        };
        let fields = FIELDS
            .iter()
            .map(|s| Row {
                key: s.field,
                label: s.label,
                kind: s.widget,
                raw: (s.get)(&p),
                error: None,
            })
            .collect();
        let mut form = Form {
            fields,
            selected: 0,
            editing: None,
            cursor: 0,
        };
        form.validate();
        form
    }

    pub fn get(&self, key: Field) -> &str {
        self.row(key).map(|f| f.raw.as_str()).unwrap_or("")
    }

    pub fn set(&mut self, key: Field, value: &str) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.key == key) {
            f.raw = value.to_string();
        }
        self.validate();
    }

    fn row(&self, key: Field) -> Option<&Row> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The backends the form names (all of them while the row is bad).
    pub fn backends(&self) -> Vec<BackendId> {
        crate::profile::parse_backends(self.get(Field::Backends))
            .unwrap_or_else(|_| BackendId::ALL.to_vec())
    }

    /// Step a choice field by `delta` (wrapping).
    pub fn cycle(&mut self, idx: usize, delta: isize) {
        let Some(field) = self.fields.get_mut(idx) else {
            return;
        };
        if let Kind::Choice(opts) = field.kind {
            let cur = opts.iter().position(|o| *o == field.raw).unwrap_or(0) as isize;
            let n = opts.len() as isize;
            field.raw = opts[((cur + delta).rem_euclid(n)) as usize].to_string();
            self.validate();
        }
    }

    /// How a field's current text weakens security, judged on that field alone so a
    /// mark shows even while another field is invalid.
    pub fn weakening(&self, key: Field) -> Option<Weakening> {
        let change = key.parse(self.get(key)).ok()?;
        let mut p = Profile::default();
        change.apply(&mut p);
        key.weakening(&p)
    }

    /// Whether a field's current value weakens security (shown in the insecure role).
    pub fn is_insecure(&self, key: Field) -> bool {
        self.weakening(key).is_some()
    }

    /// Every row's text applied to a default profile; rows that do not parse are
    /// left at the default and reported.
    fn parsed(&self) -> (Profile, Vec<FieldProblem>) {
        let mut errs = Vec::new();
        let mut p = Profile::default();
        for row in &self.fields {
            match (row.key.spec().parse)(&row.raw) {
                Ok(c) => c.apply(&mut p),
                Err(e) => errs.push((row.key, e)),
            }
        }
        (p, errs)
    }

    /// Every weakening the form's text asks for, gravest first (the header's marks),
    /// even while some other row is invalid.
    pub fn weakenings(&self) -> Vec<Weakening> {
        self.parsed().0.weakened()
    }

    /// Build the profile, or every field's error.
    pub fn to_profile(&self) -> Result<(Profile, Vec<BackendId>), Vec<FieldProblem>> {
        let (p, mut errs) = self.parsed();
        if let Err(list) = p.validate() {
            for e in list {
                if !errs.iter().any(|(k, _)| *k == e.field) {
                    errs.push((e.field, e.problem));
                }
            }
        }
        if errs.is_empty() {
            let backends = p.backends.clone();
            Ok((p, backends))
        } else {
            Err(errs)
        }
    }

    /// Recompute every field's error.
    pub fn validate(&mut self) {
        let errs = match self.to_profile() {
            Ok(_) => Vec::new(),
            Err(e) => e,
        };
        for f in &mut self.fields {
            f.error = errs
                .iter()
                .find(|(k, _)| *k == f.key)
                .map(|(_, m)| m.clone());
        }
    }

    /// Put an error on a field from outside (a file that cannot be loaded).
    pub fn set_error(&mut self, key: Field, msg: String) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.key == key) {
            f.error = Some(msg);
        }
    }

    pub fn first_error(&self) -> Option<(Field, &str)> {
        self.fields
            .iter()
            .find_map(|f| f.error.as_deref().map(|e| (f.key, e)))
    }

    // ---- text editing ----

    pub fn begin_edit(&mut self) -> bool {
        match self.fields.get(self.selected) {
            Some(field) if field.kind == Kind::Text => {
                self.editing = Some(field.raw.clone());
                self.cursor = field.raw.chars().count();
                true
            }
            _ => false,
        }
    }

    pub fn commit_edit(&mut self) {
        self.editing = None;
        self.validate();
    }

    /// Esc: put back what was there before editing began.
    pub fn cancel_edit(&mut self) {
        if let Some(before) = self.editing.take()
            && let Some(f) = self.fields.get_mut(self.selected)
        {
            f.raw = before;
        }
        self.validate();
    }

    fn byte_at(s: &str, char_idx: usize) -> usize {
        s.char_indices()
            .nth(char_idx)
            .map(|(i, _)| i)
            .unwrap_or(s.len())
    }

    pub fn insert(&mut self, c: char) {
        let cur = self.cursor;
        if let Some(f) = self.fields.get_mut(self.selected) {
            if f.raw.chars().count() >= 1024 || c.is_control() {
                return;
            }
            let at = Self::byte_at(&f.raw, cur);
            f.raw.insert(at, c);
            self.cursor += 1;
        }
        self.validate();
    }

    pub fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        let cur = self.cursor;
        if let Some(f) = self.fields.get_mut(self.selected) {
            let at = Self::byte_at(&f.raw, cur - 1);
            f.raw.remove(at);
            self.cursor -= 1;
        }
        self.validate();
    }

    pub fn move_cursor(&mut self, delta: isize) {
        let len = self
            .fields
            .get(self.selected)
            .map(|f| f.raw.chars().count())
            .unwrap_or(0);
        self.cursor = (self.cursor as isize + delta).clamp(0, len as isize) as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        let p = Profile {
            host: "127.0.0.1".into(),
            port: 4433,
            ..Profile::default()
        };
        Form::from_profile(&p, &BackendId::ALL)
    }

    #[test]
    fn roundtrips_a_profile() {
        let f = form();
        let (p, b) = f.to_profile().unwrap();
        assert_eq!(p.port, 4433);
        assert_eq!(b, BackendId::ALL.to_vec());
    }

    #[test]
    fn bad_input_is_kept_and_named() {
        let mut f = form();
        f.selected = 1;
        assert!(f.begin_edit());
        f.insert('x');
        assert_eq!(f.get(Field::Port), "4433x");
        assert!(f.fields[1].error.as_deref().unwrap().contains("4433x"));
        f.commit_edit();
        assert_eq!(f.get(Field::Port), "4433x", "nothing typed is lost");
        assert_eq!(f.first_error().map(|e| e.0), Some(Field::Port));
    }

    #[test]
    fn cross_field_errors_land_on_the_field() {
        let mut f = form();
        f.set(Field::MinTls, "1.3");
        f.set(Field::MaxTls, "1.2");
        assert!(f.first_error().is_some_and(|(k, _)| k == Field::MinTls));
    }

    #[test]
    fn choices_cycle_and_mark_insecurity() {
        let mut f = form();
        let idx = f
            .fields
            .iter()
            .position(|x| x.key == Field::Seclevel)
            .unwrap();
        f.cycle(idx, 1);
        assert_eq!(f.get(Field::Seclevel), "0");
        assert!(f.is_insecure(Field::Seclevel));
        f.cycle(idx, -2);
        assert_eq!(f.get(Field::Seclevel), "5");
    }

    #[test]
    fn escape_restores_the_old_value() {
        let mut f = form();
        f.selected = 0;
        f.begin_edit();
        f.backspace();
        f.insert('é');
        f.cancel_edit();
        assert_eq!(f.get(Field::Host), "127.0.0.1");
    }

    #[test]
    fn bracketed_ipv6_host_is_accepted_as_on_the_command_line() {
        let mut f = form();
        f.set(Field::Host, "[::1]");
        assert_eq!(f.first_error(), None);
        let (p, _) = f.to_profile().unwrap();
        assert_eq!(p.host, "::1");
        assert_eq!(f.get(Field::Host), "[::1]", "what was typed is kept");
        f.set(Field::Host, "[::1");
        assert_eq!(f.first_error().map(|e| e.0), Some(Field::Host));
    }

    #[test]
    fn every_weakening_is_marked_beside_its_field_and_in_the_header() {
        let mut f = form();
        assert!(f.weakenings().is_empty());
        f.set(Field::Verify, "off");
        f.set(Field::Ciphers, "DEFAULT");
        f.set(Field::Port, "bad");
        let marked: Vec<Field> = Field::all().filter(|k| f.is_insecure(*k)).collect();
        assert_eq!(marked, [Field::Ciphers, Field::Verify]);
        let short: Vec<String> = f.weakenings().into_iter().map(|w| w.short).collect();
        assert_eq!(short, ["verify off", "custom ciphers"]);
    }
}
