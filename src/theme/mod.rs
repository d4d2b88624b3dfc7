//! Themes: TOML files of named styles. The built-ins in `themes/` are embedded in the binary;
//! a user's theme file patches one of them (`extends`, default "dark") key by key.

mod palette;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub const BUILT_IN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// The nearest colour of xterm's 256: the 6×6×6 cube or the 24 greys.
pub fn to_256(color: Color) -> Color {
    let Color::Rgb(r, g, b) = color else {
        return color;
    };
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let level = |c: u8| {
        (0..6)
            .min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(c)).abs())
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let grey_i = ((i32::from(r) + i32::from(g) + i32::from(b)) / 3 - 8).clamp(0, 230) / 10;
    let grey = (8 + grey_i * 10) as u8;
    let dist = |(x, y, z): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    if dist((grey, grey, grey)) < dist(cube) {
        Color::Indexed(232 + grey_i as u8)
    } else {
        Color::Indexed((16 + 36 * ri + 6 * gi + bi) as u8)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleSpec {
    pub fg: Option<String>,
    pub bg: Option<String>,
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub dim: Option<bool>,
    pub reversed: Option<bool>,
    pub underlined: Option<bool>,
    /// The index (0-255) `fg` falls back to on a terminal of 256 colours, chosen by the
    /// theme's author; without it, the nearest index that keeps the contrast.
    pub fg_256: Option<u8>,
    /// The index `bg` falls back to on a terminal of 256 colours.
    pub bg_256: Option<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("unknown theme {name:?}: use one of {known}, or a path to a .toml theme file")]
    Unknown { name: String, known: String },
    #[error("cannot read the theme file: {problem}")]
    Read {
        path: PathBuf,
        problem: crate::files::FileError,
    },
    #[error("theme file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("theme {origin}: styles.{key}.{field}: {reason}")]
    Invalid {
        origin: String,
        key: &'static str,
        field: &'static str,
        reason: String,
    },
}

macro_rules! theme_keys {
    ($($key:ident),* $(,)?) => {
        /// Resolved styles, one per themable element.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Theme {
            pub name: String,
            $(pub $key: Style,)*
            /// The theme's own 256-colour indices, by style: (fg, bg).
            pub indices_256: std::collections::BTreeMap<&'static str, (Option<u8>, Option<u8>)>,
        }

        #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct StylesFile {
            $(pub $key: Option<StyleSpec>,)*
        }

        impl StylesFile {
            #[cfg(test)]
            fn missing(&self) -> Vec<&'static str> {
                let mut out = Vec::new();
                $(if self.$key.is_none() { out.push(stringify!($key)); })*
                out
            }

            fn apply_to(&self, theme: &mut Theme, origin: &str) -> Result<(), ThemeError> {
                $(if let Some(spec) = &self.$key {
                    theme.$key = to_style(spec, origin, stringify!($key))?;
                    // A colour set anew takes its own index, or none: never the index of
                    // the colour it replaces (a theme file over a built-in).
                    let (mut fg, mut bg) = theme
                        .indices_256
                        .remove(stringify!($key))
                        .unwrap_or_default();
                    if spec.fg.is_some() || spec.fg_256.is_some() {
                        fg = spec.fg_256;
                    }
                    if spec.bg.is_some() || spec.bg_256.is_some() {
                        bg = spec.bg_256;
                    }
                    if fg.is_some() || bg.is_some() {
                        theme.indices_256.insert(stringify!($key), (fg, bg));
                    }
                })*
                Ok(())
            }
        }

        impl Theme {
            fn blank(name: &str) -> Theme {
                Theme {
                    name: name.to_string(),
                    $($key: Style::default(),)*
                    indices_256: Default::default(),
                }
            }

            /// Keeps bold, reverse and friends but drops every colour (NO_COLOR). The
            /// selection becomes reverse video: without its background the cursor would be
            /// invisible on bold rows.
            pub fn without_colors(mut self) -> Theme {
                $(self.$key = Style { fg: None, bg: None, ..self.$key };)*
                self.selection = self.selection.add_modifier(Modifier::REVERSED);
                self
            }

            /// Every 24-bit colour as the nearest of the 256 that every terminal has, for a
            /// terminal that does not say it takes 24-bit colour (`COLORTERM`).
            /// A text colour keeps the contrast it had against its background (up to WCAG's
            /// 4.5:1): the nearest of the 256 that does, not merely the nearest.
            pub fn in_256_colours(mut self) -> Theme {
                let screen: Vec<Color> = [self.base.bg, self.dialog.bg].into_iter().flatten().collect();
                $(let backgrounds = match self.$key.bg {
                    Some(own) => vec![own],
                    None => screen.clone(),
                };
                // The theme's own indices first; then the nearest that keeps the contrast.
                let (fg_256, bg_256) = self
                    .indices_256
                    .get(stringify!($key))
                    .copied()
                    .unwrap_or_default();
                self.$key = Style {
                    fg: fg_256
                        .map(Color::Indexed)
                        .or_else(|| self.$key.fg.map(|fg| palette::readable_256(fg, &backgrounds))),
                    bg: bg_256.map(Color::Indexed).or_else(|| self.$key.bg.map(to_256)),
                    ..self.$key
                };)*
                self
            }

            /// Each style that carries text, by name (borders are decoration).
            #[cfg(test)]
            fn text_styles(&self) -> Vec<(&'static str, Style)> {
                vec![$((stringify!($key), self.$key),)*]
                    .into_iter()
                    .filter(|(k, _)| !k.starts_with("border"))
                    .collect()
            }
        }
    };
}

theme_keys!(
    base,
    muted,
    border,
    border_focused,
    title,
    title_focused,
    header,
    header_key,
    badge_read_only,
    badge_demo,
    table_header,
    selection,
    status_ok,
    status_loading,
    status_error,
    dialog,
    filter,
    risk_none,
    risk_low,
    risk_medium,
    risk_high,
    risk_critical,
    check_pass,
    check_fail,
    check_warn,
    check_unknown,
    check_manual,
    check_accepted,
    endpoints_alert,
    endpoints_sparkline,
);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    extends: Option<String>,
    #[serde(default)]
    styles: StylesFile,
}

fn to_style(spec: &StyleSpec, origin: &str, key: &'static str) -> Result<Style, ThemeError> {
    let color = |field: &'static str, v: &Option<String>| -> Result<Option<Color>, ThemeError> {
        v.as_deref()
            .map(|c| {
                Color::from_str(c).map_err(|_| ThemeError::Invalid {
                    origin: origin.to_string(),
                    key,
                    field,
                    reason: format!(
                        "{c:?} is not a colour (use a name like red, #rrggbb, or 0-255)"
                    ),
                })
            })
            .transpose()
    };
    let mut style = Style::default();
    if let Some(fg) = color("fg", &spec.fg)? {
        style = style.fg(fg);
    }
    if let Some(bg) = color("bg", &spec.bg)? {
        style = style.bg(bg);
    }
    for (flag, modifier) in [
        (spec.bold, Modifier::BOLD),
        (spec.italic, Modifier::ITALIC),
        (spec.dim, Modifier::DIM),
        (spec.reversed, Modifier::REVERSED),
        (spec.underlined, Modifier::UNDERLINED),
    ] {
        if flag == Some(true) {
            style = style.add_modifier(modifier);
        }
    }
    Ok(style)
}

fn built_in_text(name: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

fn parse(text: &str, path: &Path) -> Result<ThemeFile, ThemeError> {
    toml::from_str(text).map_err(|e| ThemeError::Parse {
        path: path.to_path_buf(),
        message: crate::config::toml_error(&e),
    })
}

fn built_in(name: &str) -> Result<Theme, ThemeError> {
    let text = built_in_text(name).ok_or_else(|| unknown(name))?;
    let file = parse(text, Path::new(&format!("themes/{name}.toml")))?;
    let mut theme = Theme::blank(name);
    file.styles.apply_to(&mut theme, name)?;
    Ok(theme)
}

fn unknown(name: &str) -> ThemeError {
    ThemeError::Unknown {
        name: name.to_string(),
        known: BUILT_IN
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Loads a theme by built-in name or by path.
pub fn load(name_or_path: &str) -> Result<Theme, ThemeError> {
    if built_in_text(name_or_path).is_some() {
        return built_in(name_or_path);
    }
    let looks_like_path = name_or_path.contains('/') || name_or_path.ends_with(".toml");
    if !looks_like_path && !Path::new(name_or_path).exists() {
        return Err(unknown(name_or_path));
    }
    let path = PathBuf::from(name_or_path);
    let text = crate::files::read_user_file(&path).map_err(|problem| ThemeError::Read {
        path: path.clone(),
        problem,
    })?;
    from_user_file(&text, &path)
}

/// A user theme: the styles it names over the theme it extends.
pub fn from_user_file(text: &str, path: &Path) -> Result<Theme, ThemeError> {
    let file = parse(text, path)?;
    let base = file.extends.as_deref().unwrap_or("dark");
    let mut theme = built_in(base)?;
    theme.name = file.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    file.styles
        .apply_to(&mut theme, &path.display().to_string())?;
    Ok(theme)
}

impl Default for Theme {
    fn default() -> Self {
        built_in("dark").unwrap_or_else(|_| Theme::blank("dark"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_defines_every_style() {
        for (name, text) in BUILT_IN {
            let file: ThemeFile = toml::from_str(text).unwrap();
            assert_eq!(file.name.as_deref(), Some(*name));
            assert!(
                file.styles.missing().is_empty(),
                "{name} misses {:?}",
                file.styles.missing()
            );
            load(name).unwrap();
        }
    }

    #[test]
    fn user_theme_patches_its_base() {
        let t = from_user_file(
            "extends = \"light\"\n[styles]\nselection = { bg = \"#ff0000\" }\n",
            Path::new("mine.toml"),
        )
        .unwrap();
        assert_eq!(t.name, "mine");
        assert_eq!(t.selection, Style::default().bg(Color::Rgb(255, 0, 0)));
        assert_eq!(t.base, load("light").unwrap().base);
    }

    #[test]
    fn bad_theme_files_name_the_key_and_reason() {
        let err = from_user_file(
            "[styles]\nselection = { bg = \"blurple\" }\n",
            Path::new("x.toml"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "theme x.toml: styles.selection.bg: \"blurple\" is not a colour (use a name like red, #rrggbb, or 0-255)"
        );
        let err = from_user_file(
            "[styles]\nsparkles = { fg = \"red\" }\n",
            Path::new("x.toml"),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("unknown field `sparkles`"),
            "{err}"
        );
        let err = from_user_file("extends = \"neon\"\n", Path::new("x.toml")).unwrap_err();
        assert!(err.to_string().contains("unknown theme \"neon\""), "{err}");
    }

    #[test]
    fn unknown_names_list_the_built_ins() {
        let err = load("solarized").unwrap_err();
        assert!(
            err.to_string().contains("dark, light, high-contrast"),
            "{err}"
        );
    }

    fn contrast(a: Color, b: Color) -> f64 {
        palette::contrast(a, b).unwrap_or_else(|| panic!("a terminal's own colour: {a:?} {b:?}"))
    }

    /// WCAG AA for text: 4.5:1, on the screen's background and on the dialogs'.
    fn assert_readable(t: &Theme) {
        let screen = t.base.bg.unwrap();
        let dialog = t.dialog.bg.unwrap();
        for (key, style) in t.text_styles() {
            let Some(fg) = style.fg else { continue };
            let backgrounds = match style.bg {
                Some(own) => vec![own],
                None => vec![screen, dialog],
            };
            for bg in backgrounds {
                let ratio = contrast(fg, bg);
                assert!(
                    ratio >= 4.5,
                    "{}: {key}: {ratio:.2}:1 ({fg:?} on {bg:?})",
                    t.name
                );
            }
        }
    }

    #[test]
    fn the_light_themes_labels_are_readable() {
        assert_readable(&load("light").unwrap());
    }

    /// #32: over ssh without `COLORTERM` the light theme falls back to 256 colours; its text
    /// stays readable there too (the nearest colour alone gave `critical` 3.25:1).
    #[test]
    fn the_light_themes_256_colour_fallback_is_readable_too() {
        assert_readable(&load("light").unwrap().in_256_colours());
    }

    /// #32: every built-in theme, in 24-bit colour and in its 256-colour fallback.
    #[test]
    fn every_built_in_theme_is_readable_in_both_palettes() {
        for (name, _) in BUILT_IN {
            let t = load(name).unwrap();
            // high-contrast is made of the 16 basic colours, which the terminal defines: there
            // is no ratio to compute, and nothing to fall back from.
            let (Some(fg), Some(bg)) = (t.base.fg, t.base.bg) else {
                continue;
            };
            if palette::contrast(fg, bg).is_none() {
                continue;
            }
            assert_readable(&t);
            assert_readable(&t.in_256_colours());
        }
    }

    /// #32: the built-in themes' 256-colour fallback is their own, chosen index by index
    /// (`fg_256`, `bg_256` in the theme file), not left to the nearest colour; a user's theme
    /// without them falls back to the nearest index that keeps the contrast.
    #[test]
    fn every_built_in_colour_has_its_own_256_colour_index() {
        for name in ["dark", "light"] {
            let t = load(name).unwrap();
            let fallen = t.clone().in_256_colours();
            let styles = t
                .text_styles()
                .into_iter()
                .chain([("border", t.border), ("border_focused", t.border_focused)]);
            for (key, style) in styles {
                let (fg, bg) = t.indices_256.get(key).copied().unwrap_or_default();
                assert_eq!(style.fg.is_some(), fg.is_some(), "{name}: {key}: fg_256");
                assert_eq!(style.bg.is_some(), bg.is_some(), "{name}: {key}: bg_256");
            }
            assert_eq!(
                fallen.risk_critical.fg,
                Some(Color::Indexed(if name == "light" { 124 } else { 210 }))
            );
        }
        // A theme of one's own without indices: the nearest readable ones.
        let own = from_user_file(
            "name = \"own\"\n[styles]\nbase = { fg = \"#ff0000\", bg = \"#e1e2e7\" }\n",
            Path::new("own.toml"),
        );
        let own = own.unwrap();
        assert_eq!(
            own.indices_256.get("base"),
            None,
            "not the built-in's index"
        );
        assert!(matches!(
            own.in_256_colours().base.fg,
            Some(Color::Indexed(n)) if n != 238
        ));
    }

    #[test]
    fn without_24_bit_colour_every_colour_is_one_of_256() {
        let t = load("dark").unwrap().in_256_colours();
        for (key, style) in t.text_styles() {
            for c in [style.fg, style.bg].into_iter().flatten() {
                assert!(!matches!(c, Color::Rgb(..)), "{key}: {c:?}");
            }
        }
        assert_eq!(to_256(Color::Rgb(0, 0, 0)), Color::Indexed(16));
        assert_eq!(to_256(Color::Rgb(255, 0, 0)), Color::Indexed(196));
        assert_eq!(to_256(Color::Rgb(128, 128, 128)), Color::Indexed(244));
    }

    #[test]
    fn no_color_keeps_modifiers() {
        let t = load("dark").unwrap().without_colors();
        assert_eq!(t.risk_critical.fg, None);
        assert!(t.risk_critical.add_modifier.contains(Modifier::BOLD));
        assert!(
            t.selection.add_modifier.contains(Modifier::REVERSED),
            "the cursor stays visible without colours"
        );
    }
}
