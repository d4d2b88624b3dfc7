//! Where attestations are kept: `attestations.json` in the state directory.

use super::policy::Attestation;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    #[error("attestations {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("attestations {path} are not valid: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{item} is not a manual checklist item (manual items: {known})")]
    NotManual { item: String, known: String },
}

fn path(state_dir: &Path) -> PathBuf {
    state_dir.join("attestations.json")
}

pub fn load(state_dir: &Path) -> Result<BTreeMap<String, Attestation>, AttestError> {
    let path = path(state_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| AttestError::Corrupt {
            path,
            reason: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(source) => Err(AttestError::Io { path, source }),
    }
}

/// Records an attestation of a manual item, through a temporary file.
pub fn attest(
    state_dir: &Path,
    item: &str,
    by: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AttestError> {
    let known: Vec<&str> = crate::checklist::ITEMS
        .iter()
        .filter(|d| d.manual())
        .map(|d| d.id)
        .collect();
    if !known.contains(&item) {
        return Err(AttestError::NotManual {
            item: item.to_string(),
            known: known.join(", "),
        });
    }
    let mut all = load(state_dir)?;
    all.insert(
        item.to_string(),
        Attestation {
            by: crate::sanitize::clean(by),
            note: note.map(crate::sanitize::clean),
            at: now,
        },
    );
    let path = path(state_dir);
    let io = |source| AttestError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(state_dir).map_err(io)?;
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(&all).map_err(|e| io(std::io::Error::other(e)))?;
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    #[test]
    fn only_manual_items_can_be_attested() {
        let dir = tempfile::tempdir().unwrap();
        attest(dir.path(), "access.reviews", "bob", None, now()).unwrap();
        assert_eq!(load(dir.path()).unwrap()["access.reviews"].by, "bob");
        let err = attest(dir.path(), "data.kms", "bob", None, now()).unwrap_err();
        assert!(
            err.to_string().contains("manual items: access.reviews"),
            "{err}"
        );
    }
}
