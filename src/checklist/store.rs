//! Where attestations are kept: `attestations.json` in the state directory.

use super::policy::Attestation;
use crate::files::{self, FileError};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(
        "attestations {path} are not valid ({reason}); nothing was changed: fix the file or move it aside"
    )]
    Corrupt { path: PathBuf, reason: String },
    #[error("{item} is not a manual checklist item (manual items: {known})")]
    NotManual { item: String, known: String },
}

fn path(state_dir: &Path) -> PathBuf {
    state_dir.join("attestations.json")
}

pub fn load(state_dir: &Path) -> Result<BTreeMap<String, Attestation>, AttestError> {
    let path = path(state_dir);
    match files::read(&path)? {
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| AttestError::Corrupt {
            path,
            reason: e.to_string(),
        }),
        None => Ok(BTreeMap::new()),
    }
}

/// Records an attestation of a manual item: under the store's lock, the file replaced whole
/// through a new temporary file, never over one that does not read.
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
    let path = path(state_dir);
    let _lock = files::lock(&path.with_extension("lock"), &files::to_stderr)?;
    let mut all = load(state_dir)?;
    all.insert(
        item.to_string(),
        Attestation {
            by: crate::sanitize::clean(by),
            note: note.map(crate::sanitize::clean),
            at: now,
        },
    );
    let text = serde_json::to_vec_pretty(&all).map_err(|e| AttestError::Corrupt {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    Ok(files::write_atomic(&path, &text)?)
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
