//! The environment: every variable secdash reads is read here, once, and merged with the
//! config file and the command line in `resolve`.

use std::path::PathBuf;

/// The environment variables secdash reads, gathered at the edge.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Env {
    pub theme: Option<String>,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub read_only: Option<String>,
    pub endpoint_url: Option<String>,
    pub no_color: bool,
    /// `COLORTERM` says the terminal takes 24-bit colour (`truecolor` or `24bit`).
    pub truecolor: bool,
    /// `SECDASH_CONFIG`: the config file, when `--config` does not name one.
    pub config_file: Option<PathBuf>,
    /// `SECDASH_STATE_DIR`, else the platform's state directory.
    pub state_dir: Option<PathBuf>,
    /// `SECDASH_INCIDENT`: the incident actions are journalled under.
    pub incident: Option<String>,
    /// `SECDASH_LOG`: the log filter (`info`, `secdash=debug`, ...).
    pub log_filter: Option<String>,
    /// `SECDASH_FAILPOINT`: where a test build aborts an action (`after-plan`, `after-step-N`).
    pub failpoint: Option<String>,
    /// `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else the files under `~/.aws`.
    pub profile_files: crate::aws::profiles::ProfileFiles,
    /// `COLUMNS`: the terminal's width as the shell reports it (the text report fits it).
    pub columns: Option<usize>,
}

impl Env {
    /// The demo's environment: it reads no AWS account, so the bastion's profile, region and
    /// endpoint are none of its business (its header and JSON would name them over its rows).
    pub fn without_aws(self) -> Env {
        Env {
            profile: None,
            region: None,
            endpoint_url: None,
            ..self
        }
    }

    pub fn from_process() -> Env {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Env {
            theme: var("SECDASH_THEME"),
            profile: var("AWS_PROFILE"),
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
            read_only: var("SECDASH_READ_ONLY"),
            endpoint_url: var("AWS_ENDPOINT_URL"),
            // https://no-color.org: present and not empty.
            no_color: var("NO_COLOR").is_some(),
            truecolor: matches!(var("COLORTERM").as_deref(), Some("truecolor" | "24bit")),
            config_file: var("SECDASH_CONFIG").map(PathBuf::from),
            state_dir: var("SECDASH_STATE_DIR")
                .map(PathBuf::from)
                .or_else(super::paths::default_state_dir),
            incident: var("SECDASH_INCIDENT"),
            columns: var("COLUMNS").and_then(|c| c.trim().parse().ok()),
            log_filter: var("SECDASH_LOG"),
            // The hook exists only in builds made for tests.
            failpoint: if cfg!(feature = "failpoints") {
                var("SECDASH_FAILPOINT")
            } else {
                None
            },
            profile_files: {
                let home = var("HOME").map(PathBuf::from);
                let under_home = |f: &str| home.as_ref().map(|h| h.join(".aws").join(f));
                crate::aws::profiles::ProfileFiles {
                    config: var("AWS_CONFIG_FILE")
                        .map(PathBuf::from)
                        .or_else(|| under_home("config")),
                    credentials: var("AWS_SHARED_CREDENTIALS_FILE")
                        .map(PathBuf::from)
                        .or_else(|| under_home("credentials")),
                }
            },
        }
    }
}
