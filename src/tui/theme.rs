//! Themes by meaning. The file side (serde, TOML, unknown keys rejected) is separate
//! from the render side (ratatui `Style`), so views ask for a role, never a colour.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::path::PathBuf;
use std::str::FromStr;

/// What a piece of text means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Text,
    Muted,
    Title,
    Border,
    Focus,
    Selected,
    Ok,
    Failed,
    Insecure,
    Changed,
    Warning,
    Key,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct RoleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    underlined: bool,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ThemeFile {
    text: RoleSpec,
    muted: RoleSpec,
    title: RoleSpec,
    border: RoleSpec,
    focus: RoleSpec,
    selected: RoleSpec,
    ok: RoleSpec,
    failed: RoleSpec,
    insecure: RoleSpec,
    changed: RoleSpec,
    warning: RoleSpec,
    key: RoleSpec,
}

/// Render-side theme.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: [Style; 12],
}

pub const BUILT_IN: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

fn color(field: &str, v: &Option<String>) -> Result<Option<Color>, String> {
    match v {
        None => Ok(None),
        Some(s) => Color::from_str(s)
            .map(Some)
            .map_err(|_| format!("{field}: '{s}' is not a colour (a name, #rrggbb or 0-255)")),
    }
}

fn style(role: &str, r: &RoleSpec) -> Result<Style, String> {
    let mut s = Style::default();
    if let Some(c) = color(&format!("{role}.fg"), &r.fg)? {
        s = s.fg(c);
    }
    if let Some(c) = color(&format!("{role}.bg"), &r.bg)? {
        s = s.bg(c);
    }
    for (on, m) in [
        (r.bold, Modifier::BOLD),
        (r.dim, Modifier::DIM),
        (r.reversed, Modifier::REVERSED),
        (r.underlined, Modifier::UNDERLINED),
    ] {
        if on {
            s = s.add_modifier(m);
        }
    }
    Ok(s)
}

impl Theme {
    /// Parse a theme file's text; errors name the key.
    pub fn parse(name: &str, text: &str) -> Result<Theme, String> {
        let f: ThemeFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let styles = [
            style("text", &f.text)?,
            style("muted", &f.muted)?,
            style("title", &f.title)?,
            style("border", &f.border)?,
            style("focus", &f.focus)?,
            style("selected", &f.selected)?,
            style("ok", &f.ok)?,
            style("failed", &f.failed)?,
            style("insecure", &f.insecure)?,
            style("changed", &f.changed)?,
            style("warning", &f.warning)?,
            style("key", &f.key)?,
        ];
        Ok(Theme {
            name: name.to_string(),
            styles,
        })
    }

    pub fn built_in(name: &str) -> Option<Theme> {
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(n, t)| Theme::parse(n, t).ok())
    }

    /// The default dark theme (always parses: it is compiled in and tested).
    pub fn dark() -> Theme {
        Theme::built_in("dark").unwrap_or(Theme {
            name: "plain".into(),
            styles: [Style::default(); 12],
        })
    }

    /// `--theme NAME`: the user's directory first, then the built-ins. `NO_COLOR`
    /// (any non-empty value) forces the monochrome theme.
    pub fn load(name: Option<&str>) -> Result<Theme, String> {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if no_color {
            return Theme::built_in("mono").ok_or_else(|| "mono theme missing".into());
        }
        let name = name.unwrap_or("dark");
        if let Some(dir) = user_dir() {
            let path = dir.join(format!("{name}.toml"));
            if let Ok(text) = std::fs::read_to_string(&path) {
                return Theme::parse(name, &text).map_err(|e| format!("{}: {e}", path.display()));
            }
        }
        Theme::built_in(name).ok_or_else(|| {
            let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
            format!(
                "theme: no theme '{name}' (built-in: {}; or put {name}.toml in {})",
                names.join(", "),
                user_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|| "$XDG_CONFIG_HOME/tlslens/themes".into())
            )
        })
    }

    pub fn get(&self, r: Role) -> Style {
        self.styles[r as usize]
    }
}

/// `$XDG_CONFIG_HOME/tlslens/themes`, else `~/.config/tlslens/themes`.
pub fn user_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("tlslens").join("themes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_parse() {
        for (name, text) in BUILT_IN {
            Theme::parse(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn unknown_keys_and_bad_colours_are_named() {
        let base = BUILT_IN[0].1;
        let err = Theme::parse("x", &format!("{base}\nsucess = {{ fg = \"red\" }}\n")).unwrap_err();
        assert!(err.contains("sucess"), "{err}");
        let err = Theme::parse("x", &base.replace("fg = \"green\"", "fg = \"grean\"")).unwrap_err();
        assert!(err.contains("ok.fg") && err.contains("grean"), "{err}");
        let err = Theme::parse("x", &base.replace("bold = true }", "blod = true }")).unwrap_err();
        assert!(err.contains("blod"), "{err}");
    }

    #[test]
    fn roles_differ_in_the_default_theme() {
        let t = Theme::dark();
        assert_ne!(t.get(Role::Ok), t.get(Role::Failed));
        assert_ne!(t.get(Role::Insecure), t.get(Role::Text));
    }
}
