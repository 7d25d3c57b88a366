//! The commands around a probe: `import` (a pasted curl / s_client / Python line →
//! profile), `profiles` (the named library), `completions` and `man`.

use super::{Cli, UsageError};
use crate::import::Source;
use crate::materials::InputError;
use crate::profile::library;
use clap::{Args, CommandFactory};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// What the text is: curl, s_client or python (default: guessed from the text).
    #[arg(long, value_name = "KIND")]
    pub from: Option<String>,
    /// Read the text from FILE ('-': standard input).
    #[arg(short, long, value_name = "FILE", conflicts_with = "text")]
    pub input: Option<PathBuf>,
    /// Write the profile (TOML, 0600) to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Save the profile in the library as NAME (use it with --profile NAME).
    #[arg(long, value_name = "NAME")]
    pub save: Option<String>,
    /// The command line itself, after import's own options, e.g. `tlslens import --save
    /// api curl -k https://example.com/` (default: read standard input).
    #[arg(
        value_name = "TEXT",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub text: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ProfilesArgs {
    /// Print only the library's directory.
    #[arg(long)]
    pub dir: bool,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// At most this much text is imported.
const MAX_TEXT: u64 = 1 << 20;

fn read_text(args: &ImportArgs) -> Result<String, UsageError> {
    if !args.text.is_empty() {
        // The shell split it already: quote each word back so quoting survives.
        let words: Vec<String> = args
            .text
            .iter()
            .map(|w| crate::export::sh_quote(w))
            .collect();
        return Ok(words.join(" "));
    }
    let (bytes, path) = match args.input.as_deref() {
        Some(p) if p != std::path::Path::new("-") => (
            crate::files::read_bounded(p).map_err(|e| InputError::File {
                path: p.to_path_buf(),
                problem: format!("cannot read: {e}"),
            })?,
            p.to_path_buf(),
        ),
        _ => {
            let mut b = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_TEXT)
                .read_to_end(&mut b)
                .map_err(|e| {
                    UsageError::Other(format!("import: cannot read standard input: {e}"))
                })?;
            (b, PathBuf::from("-"))
        }
    };
    String::from_utf8(bytes).map_err(|_| {
        InputError::File {
            path,
            problem: "not UTF-8 text".into(),
        }
        .into()
    })
}

/// `tlslens import`: print or write the profile; notes on stderr.
pub fn import(args: &ImportArgs) -> Result<ExitCode, UsageError> {
    let from = match &args.from {
        None => None,
        Some(f) => Some(Source::parse(f).ok_or_else(|| {
            UsageError::Other(format!("from: '{f}' is not curl, s_client or python"))
        })?),
    };
    let text = read_text(args)?;
    let imported = crate::import::import(&text, from)
        .map_err(|e| UsageError::Other(format!("import: {e}")))?;
    for n in &imported.notes {
        eprintln!("tlslens: import: note: {}", crate::text::sanitize(n, 200));
    }
    let toml = format!(
        "# imported by tlslens from a {} command\n{}",
        imported.source.name(),
        imported.profile.to_toml()
    );
    if let Some(name) = &args.save {
        library::check_name(name).map_err(|e| UsageError::Other(format!("save: {e}")))?;
        let path = library::save(name, &imported.profile)
            .map_err(|e| UsageError::Other(format!("save: cannot write profile '{name}': {e}")))?;
        eprintln!("tlslens: saved as '{name}' ({})", path.display());
    }
    match &args.output {
        Some(path) => crate::files::write_atomic_private(path, toml.as_bytes()).map_err(|e| {
            InputError::File {
                path: path.clone(),
                problem: format!("cannot write: {e}"),
            }
        })?,
        None if args.save.is_some() => {}
        None => print!("{toml}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `tlslens profiles`: the library, the last used marked `*`.
pub fn profiles(args: &ProfilesArgs) -> Result<ExitCode, UsageError> {
    let dir = library::profiles_dir().ok_or_else(|| {
        UsageError::Other("profiles: neither XDG_CONFIG_HOME nor HOME is set".into())
    })?;
    if args.dir {
        println!("{}", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let entries = library::list();
    let last = library::last();
    if entries.is_empty() {
        println!(
            "no profiles in {} yet: tlslens import … --save NAME, or save one from the TUI",
            dir.display()
        );
    }
    for e in entries {
        let mark = if last.as_deref() == Some(e.name.as_str()) {
            "*"
        } else {
            " "
        };
        let target = match &e.target {
            Ok(t) => t.clone(),
            Err(why) => format!("(unusable: {why})"),
        };
        println!(
            "{mark} {:<24} {}",
            e.name,
            crate::text::sanitize(&target, 200)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `tlslens completions SHELL`.
pub fn completions(args: &CompletionsArgs) -> Result<ExitCode, UsageError> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "tlslens", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// `tlslens man`: the manual page (roff) on standard output.
pub fn man() -> Result<ExitCode, UsageError> {
    let page = clap_mangen::Man::new(Cli::command());
    let mut out = Vec::new();
    page.render(&mut out)
        .map_err(|e| UsageError::Other(format!("man: {e}")))?;
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&out);
    Ok(ExitCode::SUCCESS)
}
