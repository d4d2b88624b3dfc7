//! The profiles the AWS config and credentials files define: when a named profile is not
//! among them, that is what the operator needs to hear (not "no credentials").

use std::path::{Path, PathBuf};

/// Where the AWS CLI and SDKs look for profiles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileFiles {
    pub config: Option<PathBuf>,
    pub credentials: Option<PathBuf>,
}

impl ProfileFiles {
    /// Every profile named in either file, in order, without repeats.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (path, prefixed) in [(&self.config, true), (&self.credentials, false)] {
            let Some(text) = path
                .as_deref()
                .and_then(|p| crate::files::read_user_file(p).ok())
            else {
                continue;
            };
            for name in sections(&text, prefixed) {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }

    pub fn describe(&self) -> String {
        let show = |p: &Option<PathBuf>| {
            p.as_deref()
                .map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or_else(|| "(none)".into())
        };
        format!("{} or {}", show(&self.config), show(&self.credentials))
    }
}

/// `[profile name]` (and `[default]`) in the config file, `[name]` in the credentials file.
fn sections(text: &str, config_file: bool) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']'))
        .map(str::trim)
        .filter_map(|s| match (config_file, s.strip_prefix("profile ")) {
            (true, Some(name)) => Some(name.trim().to_string()),
            (true, None) if s == "default" => Some(s.to_string()),
            (true, None) => None,
            (false, _) => Some(s.to_string()),
        })
        .map(|s| crate::sanitize::clean_with_limit(&s, 64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_read_from_both_files() {
        assert_eq!(
            sections("[default]\n[profile prod]\n[sso-session x]\n", true),
            ["default", "prod"]
        );
        assert_eq!(sections("[dev]\naws_access_key_id = x\n", false), ["dev"]);
    }
}
