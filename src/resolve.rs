//! Where a profile comes from: a saved file (`--profile`), then the target, then the
//! flags. It reads files and starts the lab for `lab:NAME`, so it sits above both;
//! both front ends call it, so the TUI and the command line read a profile the same way.

use crate::lab::Lab;
use crate::materials::InputError;
use crate::profile::{Field, FieldError, Profile, Trust, apply_flags, parse_target};
use std::path::PathBuf;

/// Something the user typed or named is wrong: exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{0}")]
    Other(String),
}

impl From<FieldError> for UsageError {
    fn from(e: FieldError) -> Self {
        UsageError::Input(InputError::Field(e))
    }
}

/// What the user gave besides the target: a saved profile and flag values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sources {
    pub file: Option<PathBuf>,
    /// Flag values as (field, text form), in any order (see [`apply_flags`]).
    pub flags: Vec<(Field, String)>,
}

/// A profile ready to probe, and the lab a `lab:NAME` target started (kept alive by
/// the caller while it probes).
pub struct Resolved {
    pub profile: Profile,
    pub lab: Option<Lab>,
    /// One line for stderr when the target replaced the saved profile's host and port.
    pub notice: Option<String>,
}

impl Sources {
    /// The saved profile, or the defaults.
    fn base(&self) -> Result<Profile, UsageError> {
        let Some(path) = self.profile_path()? else {
            return Ok(Profile::default());
        };
        if !path.exists()
            && let Some(name) = self.file.as_deref().and_then(|f| f.to_str())
            && crate::profile::library::is_name(name)
        {
            return Err(UsageError::Other(format!(
                "profile: no profile '{name}' in {} (tlslens profiles lists them)",
                path.parent()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default()
            )));
        }
        let bytes = crate::materials::read(&path, "profile")?;
        let text = String::from_utf8(bytes).map_err(|_| InputError::File {
            path: path.clone(),
            problem: "the profile is not UTF-8 text".into(),
        })?;
        Ok(Profile::from_toml(&text).map_err(|e| InputError::File {
            path: path.clone(),
            problem: format!("bad profile: {e}"),
        })?)
    }

    /// The file `--profile` names: a path, or for a bare name (no `/`, no `.toml`) the
    /// library's `NAME.toml`.
    pub fn profile_path(&self) -> Result<Option<PathBuf>, UsageError> {
        let Some(file) = &self.file else {
            return Ok(None);
        };
        match file.to_str() {
            Some(name) if crate::profile::library::is_name(name) => {
                crate::profile::library::path_of(name)
                    .map(Some)
                    .map_err(|e| UsageError::Other(format!("profile: {e}")))
            }
            _ => Ok(Some(file.clone())),
        }
    }

    /// Build the profile: the saved profile (if any), then the target (`lab:NAME` asks
    /// `lab` for that server's profile), then each flag. Without a target the saved
    /// profile's host and port stand.
    pub fn resolve(
        &self,
        target: Option<&str>,
        lab: impl FnOnce(&str) -> Result<Profile, UsageError>,
    ) -> Result<(Profile, Option<String>), UsageError> {
        let mut p = self.base()?;
        let before = (!p.host.is_empty()).then(|| crate::profile::host_port(&p.host, p.port));
        if let Some(t) = target {
            if let Some(name) = t.strip_prefix("lab:") {
                let lp = lab(name)?;
                p.host = lp.host;
                p.port = lp.port;
                p.sni = lp.sni;
                p.handshake_timeout = lp.handshake_timeout;
                p.starttls = lp.starttls;
                if lp.proxy.is_some() {
                    p.proxy = lp.proxy;
                }
                let cacert_flag = self.flags.iter().any(|(f, _)| *f == Field::Cacert);
                if !cacert_flag && p.cacert.is_none() {
                    p.trust = Trust::File;
                    p.cacert = lp.cacert;
                }
            } else {
                (p.host, p.port) = parse_target(t)?;
            }
        }
        let notice = match (target, before) {
            (Some(t), Some(b)) if b != crate::profile::host_port(&p.host, p.port) => Some(format!(
                "tlslens: note: target {t} replaces the profile's {b}"
            )),
            _ => None,
        };
        apply_flags(&mut p, &self.flags)?;
        Ok((p, notice))
    }

    /// [`Sources::resolve`], starting the built-in lab for a `lab:NAME` target.
    pub fn resolve_with_lab(&self, target: Option<&str>) -> Result<Resolved, UsageError> {
        let mut started = None;
        let (profile, notice) = self.resolve(target, |name| {
            let l = Lab::start()
                .map_err(|e| UsageError::Other(format!("cannot start the lab: {e}")))?;
            let p = l.profile(name).ok_or_else(|| no_lab_server(name, &l))?;
            started = Some(l);
            Ok(p)
        })?;
        Ok(Resolved {
            profile,
            lab: started,
            notice,
        })
    }
}

fn no_lab_server(name: &str, lab: &Lab) -> UsageError {
    let names: Vec<&str> = lab
        .servers
        .iter()
        .chain(&lab.reach)
        .map(|s| s.spec.name)
        .collect();
    unknown_lab_server(name, &names)
}

/// The error for a `lab:NAME` that names no lab server.
pub fn unknown_lab_server(name: &str, have: &[&str]) -> UsageError {
    FieldError::new(
        Field::Host,
        format!("no lab server '{name}' (have: {})", have.join(", ")),
    )
    .into()
}
