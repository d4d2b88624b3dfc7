//! Where secdash keeps its files, per platform (XDG on Linux).

use directories::ProjectDirs;
use std::path::PathBuf;

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "secdash")
}

/// `$XDG_CONFIG_HOME/secdash/config.toml`.
pub fn default_config_file() -> Option<PathBuf> {
    dirs().map(|d| d.config_dir().join("config.toml"))
}

/// Logs, the journal and attestations: `$XDG_STATE_HOME/secdash` (`SECDASH_STATE_DIR`
/// overrides it, in `Env`).
pub fn default_state_dir() -> Option<PathBuf> {
    dirs().map(|d| {
        d.state_dir()
            .unwrap_or_else(|| d.data_local_dir())
            .to_path_buf()
    })
}
