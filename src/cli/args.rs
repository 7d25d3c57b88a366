//! The profile options, generated from the field table: every field's flags become
//! clap arguments, and what the user gave comes back as (field, text) pairs for the
//! engine to apply. A new field needs no code here.

use crate::profile::{FIELDS, Field, Flag, Takes};
use crate::resolve::Sources;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches};
use std::path::PathBuf;

/// Options shared by `probe`, `export` and the TUI; names follow curl and `openssl s_client`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ProfileArgs {
    /// The saved profile and the flag values, for the engine.
    pub sources: Sources,
    /// Append NSS key-log lines (for Wireshark) to FILE: an output, not a profile field.
    pub keylog: Option<PathBuf>,
}

/// Every field's flags, with the field they set.
fn table_flags() -> impl Iterator<Item = (Field, &'static Flag)> {
    FIELDS
        .iter()
        .flat_map(|s| s.flags.iter().map(move |f| (s.field, f)))
}

fn arg_for(field: Field, flag: &'static Flag) -> Arg {
    let mut arg = Arg::new(flag.long).long(flag.long).help(flag.help);
    if let Some(c) = flag.short {
        arg = arg.short(c);
    }
    arg = match flag.takes {
        Takes::Text(value) => arg.value_name(value).action(ArgAction::Set),
        Takes::Fixed(_) => arg.action(ArgAction::SetTrue),
    };
    // The flags of one field exclude each other (`--sni` / `--no-sni`).
    let rivals: Vec<&str> = field
        .spec()
        .flags
        .iter()
        .filter(|f| f.long != flag.long)
        .map(|f| f.long)
        .collect();
    if rivals.is_empty() {
        arg
    } else {
        arg.conflicts_with_all(rivals)
    }
}

impl Args for ProfileArgs {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for (field, flag) in table_flags() {
            cmd = cmd.arg(arg_for(field, flag));
        }
        cmd.arg(
            Arg::new("profile")
                .long("profile")
                .value_name("FILE|NAME")
                .value_parser(clap::value_parser!(PathBuf))
                .help(
                    "Load a saved profile: a TOML file, or a NAME from the library \
                     ($XDG_CONFIG_HOME/tlslens/profiles, see tlslens profiles); flags override it",
                ),
        )
        .arg(
            Arg::new("keylog")
                .long("keylog")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help(
                    "Append the session secrets in NSS key-log format (for Wireshark) to FILE, \
                     created 0600 [env: SSLKEYLOGFILE]; native-tls and java cannot hand them \
                     over, the other backends do",
                ),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for ProfileArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = Vec::new();
        for (field, flag) in table_flags() {
            let text = match flag.takes {
                Takes::Text(_) => m.get_one::<String>(flag.long).cloned(),
                Takes::Fixed(t) => m.get_flag(flag.long).then(|| t.to_string()),
            };
            flags.extend(text.map(|t| (field, t)));
        }
        Ok(ProfileArgs {
            sources: Sources {
                file: m.get_one::<PathBuf>("profile").cloned(),
                flags,
            },
            keylog: m.get_one::<PathBuf>("keylog").cloned(),
        })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}
