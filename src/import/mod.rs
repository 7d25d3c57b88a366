//! Import a profile from what people paste: a `curl` command line, an `openssl
//! s_client` command line, or a Python `ssl` snippet — the inverse of `export`. What a
//! source says that a profile cannot hold is listed in `notes`, never dropped
//! silently. Pure text in, profile out: no I/O.

mod curl;
mod python;
mod s_client;
pub mod words;

use crate::profile::Profile;

/// Where a pasted text comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Curl,
    SClient,
    Python,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Curl, Source::SClient, Source::Python];

    pub fn name(self) -> &'static str {
        match self {
            Source::Curl => "curl",
            Source::SClient => "s_client",
            Source::Python => "python",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "curl" => Some(Source::Curl),
            "s_client" | "openssl" | "sclient" => Some(Source::SClient),
            "python" | "py" | "python3" => Some(Source::Python),
            _ => None,
        }
    }

    /// Guess from the text: Python mentions `ssl.` and `import`; a command line names
    /// its program.
    pub fn detect(text: &str) -> Option<Source> {
        if text.contains("import ssl")
            || text.contains("ssl.SSLContext")
            || text.contains("ssl.create_default_context")
        {
            return Some(Source::Python);
        }
        let cmds = words::commands(text).ok()?;
        if words::find(&cmds, &["s_client"]).is_some() {
            return Some(Source::SClient);
        }
        if words::find(&cmds, &["curl"]).is_some() {
            return Some(Source::Curl);
        }
        None
    }
}

/// An imported profile and what in the source it could not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub profile: Profile,
    pub source: Source,
    /// What the source says that the profile does not hold as such, in words.
    pub notes: Vec<String>,
}

/// Import `text` as `source` (None: detect it). Errors are one line naming the problem.
pub fn import(text: &str, source: Option<Source>) -> Result<Imported, String> {
    let source = match source {
        Some(s) => s,
        None => Source::detect(text).ok_or(
            "cannot tell what this is: expected a curl or openssl s_client command line, \
             or a Python ssl snippet (say which with --from)",
        )?,
    };
    let mut notes = Vec::new();
    let profile = match source {
        Source::Curl => curl::import(text, &mut notes)?,
        Source::SClient => s_client::import(text, &mut notes)?,
        Source::Python => python::import(text, &mut notes)?,
    };
    if let Err(errs) = profile.validate()
        && let Some(e) = errs.into_iter().next()
    {
        return Err(format!("the imported profile is not valid: {e}"));
    }
    Ok(Imported {
        profile,
        source,
        notes,
    })
}

/// Split an OpenSSL cipher string's trailing `@SECLEVEL=N` off: (the rest unless it is
/// just `DEFAULT`, the level). `DEFAULT@SECLEVEL=1` is a level, not a cipher list.
pub fn split_seclevel(s: &str) -> (Option<String>, Option<u8>) {
    let s = s.trim();
    let (rest, level) = match s.rfind("@SECLEVEL=") {
        Some(i) => {
            let level = s.get(i + "@SECLEVEL=".len()..).and_then(|l| l.parse().ok());
            (s.get(..i).unwrap_or(""), level)
        }
        None => (s, None),
    };
    let rest = rest.trim_end_matches(':');
    let ciphers = match rest {
        "" | "DEFAULT" if level.is_some() => None,
        "" => None,
        r => Some(r.to_string()),
    };
    (ciphers, level)
}

/// The SNI setting for a name the source connects with: the host itself is `auto`.
pub fn sni_for(host: &str, name: Option<&str>) -> crate::profile::Sni {
    use crate::profile::Sni;
    match name {
        None => Sni::Auto,
        Some(n) if n == host => Sni::Auto,
        Some(n) => Sni::Name(n.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cipher_strings_give_back_their_level() {
        assert_eq!(split_seclevel("DEFAULT@SECLEVEL=1"), (None, Some(1)));
        assert_eq!(split_seclevel("DEFAULT:@SECLEVEL=0"), (None, Some(0)));
        assert_eq!(
            split_seclevel("AES128-SHA:@SECLEVEL=0"),
            (Some("AES128-SHA".into()), Some(0))
        );
        assert_eq!(
            split_seclevel("HIGH:!aNULL"),
            (Some("HIGH:!aNULL".into()), None)
        );
    }

    #[test]
    fn sources_are_detected() {
        assert_eq!(Source::detect("curl -k https://x/"), Some(Source::Curl));
        assert_eq!(
            Source::detect("openssl s_client -connect x:443"),
            Some(Source::SClient)
        );
        assert_eq!(
            Source::detect("import ssl\nctx = ssl.create_default_context()"),
            Some(Source::Python)
        );
        assert_eq!(Source::detect("wget x"), None);
        assert!(import("wget x", None).unwrap_err().contains("--from"));
    }
}
