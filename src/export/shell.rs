//! Shell commands built line by line (for curl and s_client).

use super::comments::{cipher_string_notes, comment_block, openssl_cipher_string};
use super::quote::path_str;
use super::quote::sh_quote_always;
use crate::profile::Profile;
use std::fmt::Write as _;

/// A command as (argument, optional comment lines) so the comments can go above
/// the command (a backslash-continued line cannot carry a comment).
pub(super) struct Cmd {
    words: Vec<Vec<String>>,
    notes: Vec<String>,
}

impl Cmd {
    pub(super) fn new(first: &[&str]) -> Self {
        Cmd {
            words: vec![first.iter().map(|s| s.to_string()).collect()],
            notes: Vec::new(),
        }
    }
    /// One line of the command: already-quoted words.
    pub(super) fn line(&mut self, words: Vec<String>) {
        self.words.push(words);
    }
    /// A flag and its value, the value always in single quotes.
    pub(super) fn opt(&mut self, flag: &str, value: &str) {
        self.line(vec![flag.to_string(), sh_quote_always(value)]);
    }
    /// A flag without a value.
    pub(super) fn flag(&mut self, flag: &str) {
        self.line(vec![flag.to_string()]);
    }
    /// A flag whose value is the list joined with ':' (nothing for an empty list).
    pub(super) fn list_opt(&mut self, flag: &str, items: &[String]) {
        if !items.is_empty() {
            self.opt(flag, &items.join(":"));
        }
    }
    pub(super) fn note(&mut self, n: impl Into<String>) {
        self.notes.push(n.into());
    }
    /// Notes, one each (none for `None`).
    pub(super) fn notes<T: Into<String>>(&mut self, ns: impl IntoIterator<Item = T>) {
        for n in ns {
            self.note(n);
        }
    }
    /// The OpenSSL cipher string as `flag`, after its notes (each prefixed by the flag)
    /// and `level_note` when the profile sets a security level.
    pub(super) fn cipher_string(&mut self, p: &Profile, flag: &str, level_note: Option<&str>) {
        if let Some(cs) = openssl_cipher_string(p) {
            for n in cipher_string_notes(p) {
                self.note(format!("{flag}: {n}"));
            }
            if p.seclevel.is_some() {
                self.notes(level_note);
            }
            self.opt(flag, &cs);
        }
    }
    /// The client certificate (its file name passed through `cert_value`) and,
    /// when the profile names one, the key file.
    pub(super) fn client_cert(
        &mut self,
        p: &Profile,
        [cert_flag, key_flag]: [&str; 2],
        cert_value: fn(String) -> String,
    ) {
        if let Some(cert) = &p.cert {
            self.opt(cert_flag, &cert_value(path_str(cert)));
            if let Some(k) = &p.key {
                self.opt(key_flag, &path_str(k));
            }
        }
    }
    pub(super) fn render(&self, header: &[String], tail: &str) -> String {
        let mut o = String::from("#!/bin/sh\n");
        comment_block(&mut o, "#", "", header);
        comment_block(&mut o, "#", "", &self.notes);
        let lines: Vec<String> = self.words.iter().map(|w| w.join(" ")).collect();
        let n = lines.len();
        for (k, l) in lines.iter().enumerate() {
            let indent = if k == 0 { "" } else { "  " };
            if k + 1 == n {
                let _ = writeln!(o, "{indent}{l}{tail}");
            } else {
                let _ = writeln!(o, "{indent}{l} \\");
            }
        }
        o
    }
}
