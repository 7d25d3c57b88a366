//! Every place the app reads or changes the profile form by field name, in one file,
//! so the form's API can change (typed fields) with one file to follow.

use super::{App, LabEntry};
use crate::backend::BackendId;
use crate::profile::{Field, Profile};
use crate::tui::form::Form;

/// One `field: problem` line for the status bar.
fn first_problem(errs: &[crate::tui::form::FieldProblem]) -> String {
    errs.first()
        .map(|(k, m)| format!("{k}: {m}"))
        .unwrap_or_default()
}

impl App {
    /// Backends of the form (or all, if the field is bad).
    pub fn backends(&self) -> Vec<BackendId> {
        self.form.backends()
    }

    /// The profile and backends, or the first field problem in words.
    pub fn form_profile(&self) -> Result<(Profile, Vec<BackendId>), String> {
        self.form.to_profile().map_err(|e| first_problem(&e))
    }

    /// Replace the form with `p`, keeping the chosen backends.
    pub(super) fn set_form(&mut self, p: &Profile) {
        let b = self.backends();
        self.form = Form::from_profile(p, &b);
    }

    pub(super) fn step_seclevel(&mut self) {
        self.step_choice(Field::Seclevel);
        self.status = Some(format!(
            "security level → {}",
            self.form.get(Field::Seclevel)
        ));
    }

    pub(super) fn step_min_tls(&mut self) {
        self.step_choice(Field::MinTls);
    }

    pub(super) fn toggle_verify(&mut self) {
        let next = if self.form.get(Field::Verify) == "full" {
            "off"
        } else {
            "full"
        };
        self.form.set(Field::Verify, next);
    }

    fn step_choice(&mut self, key: Field) {
        if let Some(idx) = self.form.fields.iter().position(|f| f.key == key) {
            self.form.cycle(idx, 1);
        }
    }

    /// Mark the field a preparation error is about.
    pub(super) fn mark_input_error(&mut self, e: &crate::materials::InputError) {
        let key = match e {
            crate::materials::InputError::Field(f) => f.field,
            crate::materials::InputError::File { path, .. } => {
                let shown = path.display().to_string();
                [Field::Cacert, Field::Cert, Field::Key]
                    .into_iter()
                    .find(|k| self.form.get(*k) == shown)
                    .unwrap_or(Field::Cacert)
            }
        };
        self.form.set_error(key, e.to_string());
    }

    /// `host:port` as the form has it.
    pub fn target_text(&self) -> String {
        format!(
            "{}:{}",
            self.form.get(Field::Host),
            self.form.get(Field::Port)
        )
    }

    /// The lab server the form targets, if it targets one.
    pub fn lab_target(&self) -> Option<&LabEntry> {
        let e = self.lab.get(self.server)?;
        (e.profile.host == self.form.get(Field::Host)
            && e.profile.port.to_string() == self.form.get(Field::Port))
        .then_some(e)
    }

    /// The header's words for each setting that weakens security (the policy says).
    pub fn weakened_words(&self) -> Vec<String> {
        let keylog = self
            .keylog
            .as_ref()
            .map(|t| format!("secrets → {} ({})", t.path.display(), t.source));
        self.form
            .weakenings()
            .into_iter()
            .map(|w| w.short)
            .chain(keylog)
            .collect()
    }

    /// The field under the cursor is free text (Enter edits it).
    pub(super) fn on_text_field(&self) -> bool {
        self.form
            .fields
            .get(self.form.selected)
            .is_some_and(|f| f.kind == crate::tui::form::Kind::Text)
    }
}
