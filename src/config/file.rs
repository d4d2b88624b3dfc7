//! The config file as written: TOML, every key optional, unknown keys refused. A file the user
//! names must load; a missing default file just means defaults.

use super::ConfigError;
use crate::files::FileError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub theme: Option<String>,
    pub window: Option<String>,
    pub regions: Option<Vec<String>>,
    pub profile: Option<String>,
    pub read_only: Option<bool>,
    pub fail_on: Option<String>,
    /// The incident actions are journalled under (default: one per day, `adhoc-YYYYMMDD`).
    pub incident: Option<String>,
    pub refresh: Option<RefreshFile>,
    pub thresholds: Option<ThresholdsFile>,
    pub keys: Option<BTreeMap<String, Vec<String>>>,
    /// Failing checklist items the team accepts until a date.
    pub accept: Option<Vec<AcceptFile>>,
    /// How many days an attestation of a manual item holds (default 90).
    pub attestation_days: Option<u32>,
    /// Clicks select rows and panes, the wheel scrolls (default true). Off, the terminal's
    /// own selection works as usual.
    pub mouse: Option<bool>,
    /// The platform's accounts, shown in one view (none: the credentials' own account).
    pub accounts: Option<Vec<super::accounts::AccountFile>>,
    /// How many account × region reads run at once (default 8).
    pub account_concurrency: Option<usize>,
    /// An organization's accounts, discovered and read through a role of the same name.
    pub organization: Option<super::accounts::OrganizationFile>,
    /// Where AWS already aggregates the accounts (GuardDuty's delegated administrator).
    pub aggregation: Option<super::aggregation::AggregationFile>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptFile {
    pub item: String,
    pub reason: String,
    pub owner: String,
    /// YYYY-MM-DD; the item fails again after this day.
    pub expires: String,
    /// Mute only these resources (ids, names or ARNs; `*` wildcards): the item is judged
    /// without them.
    pub resources: Option<Vec<String>>,
    /// Mute the resources carrying all these tags (security groups, VPCs, buckets).
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshFile {
    pub endpoints: Option<String>,
    pub security_groups: Option<String>,
    pub findings: Option<String>,
    pub checklist: Option<String>,
    pub sagemaker: Option<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsFile {
    pub errors_5xx: Option<f64>,
    pub alarm_period_minutes: Option<u32>,
    pub latency_ms: Option<f64>,
}

/// Reads the config file. `explicit` is a path the user named (it must exist); otherwise the
/// default path is tried and a missing file yields defaults.
pub fn load_file(
    explicit: Option<&Path>,
    default: Option<&Path>,
) -> Result<(FileConfig, Option<PathBuf>), ConfigError> {
    let (path, must_exist) = match (explicit, default) {
        (Some(p), _) => (p.to_path_buf(), true),
        (None, Some(p)) => (p.to_path_buf(), false),
        (None, None) => return Ok((FileConfig::default(), None)),
    };
    let text = match crate::files::read_user_file(&path) {
        Ok(t) => t,
        Err(FileError::Io { error, .. })
            if error.kind() == std::io::ErrorKind::NotFound && !must_exist =>
        {
            return Ok((FileConfig::default(), None));
        }
        Err(problem) => return Err(ConfigError::Read { path, problem }),
    };
    let file = parse_file(&text).map_err(|message| ConfigError::Parse {
        path: path.clone(),
        message,
    })?;
    Ok((file, Some(path)))
}

pub fn parse_file(text: &str) -> Result<FileConfig, String> {
    toml::from_str(text).map_err(|e| toml_error(&e))
}

/// A TOML error as words for a terminal: its quote of the offending line is the file's own
/// text, which may hold escape sequences or bells.
pub fn toml_error(e: &toml::de::Error) -> String {
    crate::sanitize::clean_multiline(e.to_string().trim_end())
}

#[cfg(test)]
mod tests {
    /// Issue #26: the quote of the offending line reached the terminal raw.
    #[test]
    fn a_toml_error_quotes_the_line_cleaned() {
        let e = super::parse_file("theme = \"dark\"\nwindow = \u{1b}]0;owned\u{7}\u{1b}[2J 3\n")
            .unwrap_err();
        assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
        assert!(e.contains("window"), "{e}");
    }
}
