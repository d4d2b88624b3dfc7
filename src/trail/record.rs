//! What an incident's timelines said, kept in the state directory's `readings/` so `secdash
//! runbook report` can tell it without reading CloudTrail again: the highlights and who called
//! from where, each time a timeline was read under the incident (`secdash trail --incident`, or
//! the TUI). Saved as runbooks are: under a lock, whole, and a file that does not read is kept
//! aside, never overwritten. Their own directory: no incident id names a file there but its own
//! (an incident `X.trail` once collided with `X`'s readings in `runbooks/`).

use super::{Category, Seen, Timeline};
use crate::files;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// At most this many readings are kept per incident (the latest).
const KEPT: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    pub category: String,
    pub time: DateTime<Utc>,
    pub event: String,
    pub source: String,
    pub source_ip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeenRow {
    pub value: String,
    pub events: usize,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// One reading of a timeline, in brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub read_at: DateTime<Utc>,
    pub of: String,
    pub since: DateTime<Utc>,
    pub events: usize,
    pub highlights: Vec<Highlight>,
    pub source_ips: Vec<SeenRow>,
    pub user_agents: Vec<SeenRow>,
}

fn rows(seen: &[Seen]) -> Vec<SeenRow> {
    seen.iter()
        .map(|s| SeenRow {
            value: s.value.clone(),
            events: s.events,
            first_seen: s.first_seen,
            last_seen: s.last_seen,
        })
        .collect()
}

impl Reading {
    pub fn of(timeline: &Timeline, now: DateTime<Utc>) -> Reading {
        Reading {
            read_at: now,
            of: timeline.label(),
            since: timeline.since,
            events: timeline.events.len(),
            highlights: timeline
                .highlights()
                .into_iter()
                .flat_map(|(c, events): (Category, Vec<_>)| {
                    events.into_iter().map(move |e| Highlight {
                        category: c.label().to_string(),
                        time: e.time,
                        event: e.name.clone(),
                        source: e.source.clone(),
                        source_ip: e.source_ip.clone(),
                        error_code: e.error_code.clone(),
                    })
                })
                .collect(),
            source_ips: rows(&timeline.source_ips),
            user_agents: rows(&timeline.user_agents),
        }
    }
}

pub fn path(state_dir: &Path, incident: &str) -> Option<PathBuf> {
    crate::model::valid_incident_id(incident)
        .then(|| state_dir.join("readings").join(format!("{incident}.json")))
}

/// Where earlier versions kept them, beside the runbooks (read when nothing newer is kept).
fn legacy_path(state_dir: &Path, incident: &str) -> Option<PathBuf> {
    crate::model::valid_incident_id(incident).then(|| {
        state_dir
            .join("runbooks")
            .join(format!("{incident}.trail.json"))
    })
}

/// The readings a file holds: `None` when there is no file, `Err` when it does not read.
fn read_file(path: &Path) -> Result<Option<Vec<Reading>>, String> {
    match files::read(path).map_err(|e| e.to_string())? {
        None => Ok(None),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{} does not read: {e}", path.display())),
    }
}

/// The incident's readings, oldest first (none when there are none, or the file is damaged:
/// the report says what it has).
pub fn load(state_dir: &Path, incident: &str) -> Vec<Reading> {
    let Some(p) = path(state_dir, incident) else {
        return Vec::new();
    };
    match read_file(&p) {
        Ok(Some(all)) => all,
        Ok(None) => legacy_path(state_dir, incident)
            .and_then(|old| read_file(&old).ok().flatten())
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// Adds a reading to the incident's record, under its lock so concurrent readings are all
/// kept. A file that does not read is moved aside (returned) and a new record started.
pub fn save(
    state_dir: &Path,
    incident: &str,
    reading: Reading,
    say: files::Say<'_>,
) -> Result<Option<PathBuf>, String> {
    let Some(p) = path(state_dir, incident) else {
        return Err(format!("{incident:?} is not an incident id"));
    };
    let lock = files::lock(&p.with_extension("lock"), say).map_err(|e| e.to_string())?;
    let (mut all, aside) = match read_file(&p) {
        Ok(Some(all)) => (all, None),
        Ok(None) => (load(state_dir, incident), None),
        Err(_) => {
            let aside = files::keep_aside(&p, reading.read_at).map_err(|e| e.to_string())?;
            (Vec::new(), Some(aside))
        }
    };
    all.push(reading);
    let excess = all.len().saturating_sub(KEPT);
    all.drain(..excess);
    let bytes = serde_json::to_vec_pretty(&all).map_err(|e| e.to_string())?;
    files::write_atomic(&p, &bytes).map_err(|e| e.to_string())?;
    // The lock is held until the new file is in place.
    drop(lock);
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trail::{Subject, event};

    #[test]
    fn readings_are_kept_beside_the_runbook_latest_last() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let tl = Timeline::new(
            vec![Subject::AccessKey("AKIA1".into())],
            now,
            vec!["r".into()],
            vec![event(
                "1",
                now,
                "StopLogging",
                "cloudtrail.amazonaws.com",
                "u",
                "AKIA1",
                None,
                vec![],
                Some(r#"{"sourceIPAddress":"203.0.113.9"}"#),
                "r",
            )],
            vec![],
            vec![],
        );
        for _ in 0..KEPT + 2 {
            save(dir.path(), "INC-1", Reading::of(&tl, now), &files::quiet).unwrap();
        }
        let all = load(dir.path(), "INC-1");
        assert_eq!(all.len(), KEPT);
        assert_eq!(all[0].highlights[0].category, "defence evasion");
        assert_eq!(all[0].source_ips[0].value, "203.0.113.9");
        assert!(save(dir.path(), "../x", Reading::of(&tl, now), &files::quiet).is_err());
    }

    fn reading(now: DateTime<Utc>) -> Reading {
        Reading::of(
            &Timeline::new(vec![], now, vec![], vec![], vec![], vec![]),
            now,
        )
    }

    /// Issue #26: one of six concurrent readings was lost, a damaged file was replaced
    /// silently, and incident `X.trail`'s runbook was incident `X`'s readings file.
    #[test]
    fn concurrent_readings_are_all_kept_and_a_damaged_file_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        std::thread::scope(|s| {
            for _ in 0..6 {
                s.spawn(|| save(dir.path(), "INC-2", reading(now), &files::quiet).unwrap());
            }
        });
        assert_eq!(load(dir.path(), "INC-2").len(), 6);

        let p = path(dir.path(), "INC-2").unwrap();
        std::fs::write(&p, b"{ not readings").unwrap();
        let aside = save(dir.path(), "INC-2", reading(now), &files::quiet)
            .unwrap()
            .unwrap();
        assert_eq!(std::fs::read(&aside).unwrap(), b"{ not readings");
        assert_eq!(load(dir.path(), "INC-2").len(), 1);

        let runbook = crate::action::runbook::path(dir.path(), "X.trail").unwrap();
        assert_ne!(Some(runbook), path(dir.path(), "X"));
    }
}
