//! Configuration: a TOML file (every field optional), environment, and command line, merged
//! in one pure function. A file the user names must load or fail loudly; a missing default
//! file just means defaults.

pub mod accounts;
pub mod aggregation;
mod env;
mod file;
pub mod keymap;
pub mod paths;
pub mod regions;

pub use env::Env;
pub use file::{
    AcceptFile, FileConfig, RefreshFile, ThresholdsFile, load_file, parse_file, toml_error,
};

use crate::metrics::Thresholds;
use crate::model::{PaneId, Risk};
use keymap::{Keymap, KeymapError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the command line sets; `None` leaves the lower layers in force.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Overrides {
    pub theme: Option<String>,
    pub window: Option<String>,
    pub regions: Vec<String>,
    pub profile: Option<String>,
    pub read_only: bool,
    pub fail_on: Option<String>,
    pub incident: Option<String>,
    /// `--account`: only these of the configured accounts.
    pub accounts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshIntervals {
    pub endpoints: Duration,
    pub security_groups: Duration,
    pub findings: Duration,
    pub checklist: Duration,
    pub sagemaker: Duration,
}

impl RefreshIntervals {
    pub fn for_pane(&self, pane: PaneId) -> Duration {
        match pane {
            PaneId::Endpoints => self.endpoints,
            PaneId::SecurityGroups => self.security_groups,
            PaneId::Findings => self.findings,
            PaneId::Checklist => self.checklist,
            PaneId::Sagemaker => self.sagemaker,
        }
    }
}

impl Default for RefreshIntervals {
    fn default() -> Self {
        RefreshIntervals {
            endpoints: Duration::from_secs(30),
            security_groups: Duration::from_secs(60),
            findings: Duration::from_secs(60),
            checklist: Duration::from_secs(300),
            // Notebooks and jobs change by the minute; model versions by the day.
            sagemaker: Duration::from_secs(60),
        }
    }
}

/// The resolved configuration the program runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub theme: String,
    pub window: chrono::Duration,
    pub regions: Vec<String>,
    pub profile: Option<String>,
    /// The profile was named on the command line or in the config file (not `AWS_PROFILE`):
    /// its credentials come from it alone (see `aws::Options::profile_only`).
    pub profile_only: bool,
    pub read_only: bool,
    /// `None` means `--fail-on never`.
    pub fail_on: Option<Risk>,
    pub refresh: RefreshIntervals,
    pub thresholds: Thresholds,
    pub keymap: Keymap,
    pub endpoint_url: Option<String>,
    pub no_color: bool,
    /// The terminal takes 24-bit colour; else themes use the nearest of 256.
    pub truecolor: bool,
    /// Mouse clicks and the wheel are the dashboard's (`mouse = false` gives them back).
    pub mouse: bool,
    pub accepted: Vec<crate::checklist::policy::Acceptance>,
    pub attestation_period: chrono::Duration,
    /// Where the journal, runbooks, attestations and logs live.
    pub state_dir: Option<PathBuf>,
    /// The incident actions are journalled under; `None` means `adhoc-YYYYMMDD`.
    pub incident: Option<String>,
    pub log_filter: Option<String>,
    /// Test builds only: where an action aborts (see `action::executor`).
    pub failpoint: Option<String>,
    pub profile_files: crate::aws::profiles::ProfileFiles,
    /// The platform's accounts (empty: the credentials' own account only).
    pub accounts: Vec<accounts::AccountConfig>,
    /// How many account × region reads run at once.
    pub account_concurrency: usize,
    /// Where AWS already aggregates the accounts.
    pub aggregation: aggregation::Aggregation,
    /// An organization whose accounts are discovered at start.
    pub organization: Option<accounts::Organization>,
    /// `--account`, applied once an organization's accounts are known.
    pub chosen_accounts: Vec<String>,
}

impl Config {
    /// The demo's configuration: its own region and no AWS profile or endpoint, whatever the
    /// file says (the demo's account is in one region and reads no AWS).
    pub fn for_demo(self, region: &str) -> Config {
        Config {
            regions: vec![region.to_string()],
            profile: None,
            profile_only: false,
            endpoint_url: None,
            ..self
        }
    }

    /// The incident actions belong to: the one named, else one for today.
    pub fn incident_or_adhoc(&self, now: chrono::DateTime<chrono::Utc>) -> String {
        self.incident
            .clone()
            .unwrap_or_else(|| format!("adhoc-{}", now.format("%Y%m%d")))
    }
}

pub const DEFAULT_REGION: &str = "ap-southeast-1";

/// CloudWatch keeps hourly data points for 455 days: a longer window has nothing to show.
const MAX_WINDOW: Duration = Duration::from_secs(455 * 24 * 3600);
const MIN_WINDOW: Duration = Duration::from_secs(60);
const MIN_REFRESH: Duration = Duration::from_secs(10);
const MIN_METRICS_REFRESH: Duration = Duration::from_secs(60);
const MAX_ATTESTATION_DAYS: u32 = 3650;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file: {problem}")]
    Read {
        path: PathBuf,
        problem: crate::files::FileError,
    },
    #[error("config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{origin}: `{key}` {reason}")]
    Invalid {
        origin: String,
        key: String,
        reason: String,
    },
    #[error("{origin}: {source}")]
    Keys { origin: String, source: KeymapError },
}

fn duration(origin: &str, key: &str, text: &str) -> Result<Duration, ConfigError> {
    let d = humantime::parse_duration(text.trim()).map_err(|e| ConfigError::Invalid {
        origin: origin.into(),
        key: key.into(),
        reason: format!("is not a duration like 30s, 5m or 1h ({e}): {text:?}"),
    })?;
    if d.is_zero() {
        return Err(ConfigError::Invalid {
            origin: origin.into(),
            key: key.into(),
            reason: "must be longer than zero".into(),
        });
    }
    Ok(d)
}

pub fn parse_fail_on(origin: &str, text: &str) -> Result<Option<Risk>, ConfigError> {
    Ok(match text {
        "never" => None,
        "low" => Some(Risk::Low),
        "medium" => Some(Risk::Medium),
        "high" => Some(Risk::High),
        "critical" => Some(Risk::Critical),
        _ => {
            return Err(ConfigError::Invalid {
                origin: origin.into(),
                key: "fail_on".into(),
                reason: format!("must be one of never, low, medium, high, critical (got {text:?})"),
            });
        }
    })
}

fn split_regions(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        for r in v.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            if !out.iter().any(|x| x == r) {
                out.push(r.to_string());
            }
        }
    }
    out
}

fn check_regions(origin: &str, regions: &[String]) -> Result<(), ConfigError> {
    let bad = |reason: String| ConfigError::Invalid {
        origin: origin.into(),
        key: "regions".into(),
        reason,
    };
    if regions.is_empty() {
        return Err(bad("names no region (an empty --region?)".into()));
    }
    for r in regions {
        if regions::is_known(r) {
            continue;
        }
        let shown = crate::sanitize::clean_with_limit(r, 40);
        return Err(bad(match regions::nearest(r) {
            Some(near) => format!("{shown:?} is not an AWS region: did you mean {near}?"),
            None => format!("{shown:?} is not an AWS region name like ap-southeast-1"),
        }));
    }
    Ok(())
}

mod resolve;
pub use resolve::resolve;

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_text(text: &str, env: Env, cli: Overrides) -> Result<Config, ConfigError> {
        let file = parse_file(text).map_err(|message| ConfigError::Parse {
            path: "t.toml".into(),
            message,
        })?;
        resolve(&file, Some(Path::new("t.toml")), &env, &cli)
    }

    #[test]
    fn defaults_without_any_file() {
        let c = resolve(
            &FileConfig::default(),
            None,
            &Env::default(),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.theme, "dark");
        assert_eq!(c.window, chrono::Duration::hours(1));
        assert_eq!(c.regions, vec!["ap-southeast-1"]);
        assert_eq!(c.fail_on, Some(Risk::High));
        assert!(!c.read_only);
        assert_eq!(c.thresholds, Thresholds::default());
        assert!(
            c.mouse,
            "the mouse is the dashboard's unless the config says no"
        );
    }

    #[test]
    fn mouse_false_gives_the_mouse_back_and_a_wrong_value_says_so() {
        let c = resolve_text("mouse = false\n", Env::default(), Overrides::default()).unwrap();
        assert!(!c.mouse);
        let e = resolve_text("mouse = \"no\"\n", Env::default(), Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("t.toml") && e.contains("mouse"), "{e}");
    }

    #[test]
    fn layers_merge_in_order() {
        let text =
            "theme = \"light\"\nwindow = \"3h\"\nregions = [\"eu-west-1\"]\nprofile = \"file\"\n";
        let env = Env {
            profile: Some("env".into()),
            ..Env::default()
        };
        let c = resolve_text(text, env.clone(), Overrides::default()).unwrap();
        assert_eq!(c.theme, "light");
        assert_eq!(c.window, chrono::Duration::hours(3));
        assert_eq!(c.profile.as_deref(), Some("env"));
        assert_eq!(c.regions, vec!["eu-west-1"]);
        let cli = Overrides {
            theme: Some("high-contrast".into()),
            profile: Some("cli".into()),
            regions: vec!["us-east-1,eu-west-1".into(), "us-east-1".into()],
            window: Some("15m".into()),
            ..Overrides::default()
        };
        let c = resolve_text(text, env, cli).unwrap();
        assert_eq!(c.theme, "high-contrast");
        assert_eq!(c.profile.as_deref(), Some("cli"));
        assert_eq!(c.regions, vec!["us-east-1", "eu-west-1"]);
        assert_eq!(c.window, chrono::Duration::minutes(15));
    }

    #[test]
    fn thresholds_and_refresh_from_file() {
        let text =
            "[thresholds]\nerrors_5xx = 10\nlatency_ms = 2500\n[refresh]\nendpoints = \"90s\"\n";
        let c = resolve_text(text, Env::default(), Overrides::default()).unwrap();
        assert_eq!(c.thresholds.errors_5xx, 10.0);
        assert_eq!(c.thresholds.latency_ms, 2500.0);
        assert_eq!(c.refresh.endpoints, Duration::from_secs(90));
        assert_eq!(c.refresh.findings, Duration::from_secs(60));
    }

    #[test]
    fn unknown_keys_are_named() {
        let err =
            resolve_text("colour = \"red\"\n", Env::default(), Overrides::default()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("t.toml"), "{msg}");
        assert!(msg.contains("unknown field `colour`"), "{msg}");
    }

    #[test]
    fn bad_values_name_path_key_and_reason() {
        let err = resolve_text(
            "[refresh]\nfindings = \"soon\"\n",
            Env::default(),
            Overrides::default(),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("config file t.toml: `refresh.findings` is not a duration"),
            "{msg}"
        );
        let err = resolve_text(
            "fail_on = \"sometimes\"\n",
            Env::default(),
            Overrides::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("`fail_on` must be one of never"),
            "{err}"
        );
        let err = resolve_text(
            "regions = [\"mars\"]\n",
            Env::default(),
            Overrides::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("not an AWS region"), "{err}");
    }

    #[test]
    fn duplicate_keys_in_config_are_refused() {
        let err = resolve_text(
            "[keys]\nhelp = [\"q\"]\n",
            Env::default(),
            Overrides::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "config file t.toml: key `q` is bound to both `quit` and `help`"
        );
    }

    #[test]
    fn a_muting_names_resources_or_tags_and_never_an_empty_list() {
        let base = "[[accept]]\nitem = \"data.tls\"\nreason = \"cdn\"\nowner = \"web\"\nexpires = \"2026-12-31\"\n";
        let c = resolve_text(
            &format!("{base}resources = [\"arn:aws:s3:::up*\"]\ntags = {{ env = \"sandbox\" }}\n"),
            Env::default(),
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.accepted[0].scope.resources, ["arn:aws:s3:::up*"]);
        assert_eq!(
            c.accepted[0].scope.tags,
            [("env".to_string(), "sandbox".to_string())]
        );
        let err = resolve_text(
            &format!("{base}resources = []\n"),
            Env::default(),
            Overrides::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("`accept[0].resources` is empty"),
            "{err}"
        );
    }

    #[test]
    fn acceptances_are_checked() {
        let ok = "[[accept]]\nitem = \"data.kms\"\nreason = \"Q1\"\nowner = \"ml\"\nexpires = \"2026-12-31\"\n";
        let c = resolve_text(ok, Env::default(), Overrides::default()).unwrap();
        assert_eq!(c.accepted.len(), 1);
        assert_eq!(c.attestation_period, chrono::Duration::days(90));
        let err = resolve_text(
            &ok.replace("data.kms", "data.magic"),
            Env::default(),
            Overrides::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("`accept[0].item` \"data.magic\" is not a checklist item"),
            "{err}"
        );
        let err = resolve_text(
            &ok.replace("2026-12-31", "next year"),
            Env::default(),
            Overrides::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("`accept[0].expires`"), "{err}");
    }

    #[test]
    fn read_only_from_env_and_cli() {
        let env = Env {
            read_only: Some("true".into()),
            ..Env::default()
        };
        assert!(
            resolve_text("", env, Overrides::default())
                .unwrap()
                .read_only
        );
        let cli = Overrides {
            read_only: true,
            ..Overrides::default()
        };
        assert!(
            resolve_text("read_only = false", Env::default(), cli)
                .unwrap()
                .read_only
        );
    }

    #[test]
    fn fail_on_never_turns_exit_code_three_off() {
        let cli = Overrides {
            fail_on: Some("never".into()),
            ..Overrides::default()
        };
        assert_eq!(resolve_text("", Env::default(), cli).unwrap().fail_on, None);
    }
}
