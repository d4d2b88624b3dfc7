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

/// Logs, the journal and attestations: `$XDG_STATE_HOME/secdash`, or `SECDASH_STATE_DIR`.
pub fn state_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SECDASH_STATE_DIR").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    dirs().map(|d| {
        d.state_dir()
            .unwrap_or_else(|| d.data_local_dir())
            .to_path_buf()
    })
}
