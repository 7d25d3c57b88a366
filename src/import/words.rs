//! Split a pasted shell command into words as `sh` would: quotes, backslash escapes,
//! line continuations and `#` comments. No expansion: `$VAR` stays as typed.

/// The words of every command in `text`, commands split on `;`, `&&`, `||`, `|` and
/// newlines (so `timeout 15 openssl s_client … </dev/null` and a preceding comment
/// block are handled). Redirections are dropped.
pub fn commands(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut cmds = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    let end_word = |word: &mut String, in_word: &mut bool, words: &mut Vec<String>| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(n) => {
                    word.push(n);
                    in_word = true;
                }
                None => {}
            },
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => word.push(x),
                        None => return Err("unterminated ' quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => word.push(x),
                            Some('\n') => {}
                            Some(x) => {
                                word.push('\\');
                                word.push(x);
                            }
                            None => return Err("unterminated \" quote".into()),
                        },
                        Some(x) => word.push(x),
                        None => return Err("unterminated \" quote".into()),
                    }
                }
            }
            '#' if !in_word => {
                for x in chars.by_ref() {
                    if x == '\n' {
                        break;
                    }
                }
                end_word(&mut word, &mut in_word, &mut words);
                if !words.is_empty() {
                    cmds.push(std::mem::take(&mut words));
                }
            }
            ' ' | '\t' | '\r' => end_word(&mut word, &mut in_word, &mut words),
            '\n' | ';' | '|' | '&' => {
                end_word(&mut word, &mut in_word, &mut words);
                if !words.is_empty() {
                    cmds.push(std::mem::take(&mut words));
                }
            }
            '<' | '>' if !in_word => {
                // A redirection: drop it and its target.
                while chars.peek().is_some_and(|x| matches!(x, '<' | '>' | '&')) {
                    chars.next();
                }
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                while chars
                    .peek()
                    .is_some_and(|x| !x.is_whitespace() && !matches!(x, ';' | '|' | '&'))
                {
                    chars.next();
                }
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut words);
    if !words.is_empty() {
        cmds.push(words);
    }
    Ok(cmds)
}

/// The command whose program (after `timeout N`, `sudo`, `env`, `exec`) is `prog`,
/// with its arguments.
pub fn find(cmds: &[Vec<String>], prog: &[&str]) -> Option<Vec<String>> {
    cmds.iter().find_map(|c| {
        let i = c.iter().position(|w| {
            let base = w.rsplit('/').next().unwrap_or(w);
            prog.contains(&base)
        })?;
        Some(c.get(i..)?.to_vec())
    })
}

/// The options of a command, one at a time; `value` takes the next word as the
/// current option's value.
pub struct Opts<'a> {
    words: std::slice::Iter<'a, String>,
    prog: &'static str,
}

impl<'a> Opts<'a> {
    /// `args` starts with the program, which is skipped.
    pub fn new(args: &'a [String], prog: &'static str) -> Self {
        let mut words = args.iter();
        words.next();
        Opts { words, prog }
    }

    pub fn next_opt(&mut self) -> Option<&'a str> {
        self.words.next().map(String::as_str)
    }

    pub fn value(&mut self, name: &str) -> Result<String, String> {
        self.words
            .next()
            .cloned()
            .ok_or_else(|| format!("{} option {name} needs a value", self.prog))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_as_sh_splits_them() {
        let c = commands(
            "# comment\ntimeout 15 openssl s_client \\\n  -connect 'h:1' -cipher \"A:B\\\"\" </dev/null\n",
        )
        .unwrap();
        assert_eq!(
            c,
            vec![vec![
                "timeout", "15", "openssl", "s_client", "-connect", "h:1", "-cipher", "A:B\""
            ]]
        );
        assert_eq!(
            find(&c, &["openssl"]).unwrap().get(1).map(String::as_str),
            Some("s_client")
        );
        assert_eq!(
            commands("a 'it''s' b").unwrap(),
            vec![vec!["a", "its", "b"]]
        );
        assert!(commands("curl 'x").is_err());
        assert_eq!(
            commands("curl -w 'a#b' x # c").unwrap(),
            vec![vec!["curl", "-w", "a#b", "x"]]
        );
    }
}
