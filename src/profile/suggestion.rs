//! A set of typed profile changes: what a diagnosis suggests, an alternative backend
//! needs, or a person applies with one key.

use super::{Change, Profile};
use serde::{Serialize, Serializer};

/// A precise profile change: typed changes of one field each, kept in the order of
/// their JSON keys (the CLI option names, `min_tls`, `seclevel`, …) so the JSON, the
/// flags and the cost all read the same way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Suggestion(Vec<Change>);

impl Serialize for Suggestion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|c| (c.json_key(), c.json_value())))
    }
}

impl Suggestion {
    pub fn new() -> Self {
        Suggestion::default()
    }

    /// Add a change; a later change of the same field replaces the earlier one.
    pub fn with(mut self, change: Change) -> Self {
        self.0.retain(|c| c.field() != change.field());
        self.0.push(change);
        self.0.sort_by_cached_key(Change::json_key);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn changes(&self) -> &[Change] {
        &self.0
    }

    pub fn apply(&self, p: &mut Profile) {
        for c in &self.0 {
            c.apply(p);
        }
    }

    /// The same change as command-line flags: `--min-tls 1.0 --seclevel 0`.
    pub fn as_flags(&self) -> String {
        let flags: Vec<String> = self
            .0
            .iter()
            .map(Change::as_flag)
            .filter(|f| !f.is_empty())
            .collect();
        flags.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{TlsVersion, VerifyMode, cost_of};

    #[test]
    fn suggestions_apply_and_print_as_flags() {
        let s = Suggestion::new()
            .with(Change::Seclevel(Some(0)))
            .with(Change::MinTls(Some(TlsVersion::V1_0)));
        let mut p = Profile::default();
        s.apply(&mut p);
        assert_eq!(p.min_tls, Some(TlsVersion::V1_0));
        assert_eq!(p.seclevel, Some(0));
        assert_eq!(s.as_flags(), "--min-tls 1.0 --seclevel 0");
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"min_tls":"1.0","seclevel":0}"#
        );
        let s = Suggestion::new().with(Change::Verify(VerifyMode::Off));
        assert_eq!(s.as_flags(), "--insecure");
        s.apply(&mut p);
        assert_eq!(p.verify, VerifyMode::Off);
        assert!(cost_of(s.changes()).contains("impersonate"));
    }
}
