//! What an incident's timelines said, kept beside its runbook so `secdash runbook report`
//! can tell it without reading CloudTrail again: the highlights and who called from where,
//! each time a timeline was read under the incident (`secdash trail --incident`, or the TUI).

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
    crate::model::valid_incident_id(incident).then(|| {
        state_dir
            .join("runbooks")
            .join(format!("{incident}.trail.json"))
    })
}

/// The incident's readings, oldest first (none when there are none, or the file is damaged:
/// the report says what it has).
pub fn load(state_dir: &Path, incident: &str) -> Vec<Reading> {
    path(state_dir, incident)
        .and_then(|p| files::read(&p).ok().flatten())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Adds a reading to the incident's record.
pub fn save(state_dir: &Path, incident: &str, reading: Reading) -> Result<(), String> {
    let Some(p) = path(state_dir, incident) else {
        return Err(format!("{incident:?} is not an incident id"));
    };
    let mut all = load(state_dir, incident);
    all.push(reading);
    let drop = all.len().saturating_sub(KEPT);
    all.drain(..drop);
    let bytes = serde_json::to_vec_pretty(&all).map_err(|e| e.to_string())?;
    files::write_atomic(&p, &bytes).map_err(|e| e.to_string())
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
            save(dir.path(), "INC-1", Reading::of(&tl, now)).unwrap();
        }
        let all = load(dir.path(), "INC-1");
        assert_eq!(all.len(), KEPT);
        assert_eq!(all[0].highlights[0].category, "defence evasion");
        assert_eq!(all[0].source_ips[0].value, "203.0.113.9");
        assert!(save(dir.path(), "../x", Reading::of(&tl, now)).is_err());
    }
}
