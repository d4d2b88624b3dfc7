//! The journal: append-only JSON Lines in the state directory, readable only by its owner.
//! Each step of each action is one record, flushed and synced to disk before the next thing
//! happens, so a crash or a kill at any point loses nothing a restore needs.

use super::plan::{ActionKind, Plan};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The plan, with the full before-state, written before the first mutating call.
    Planned,
    StepDone,
    StepFailed,
    /// The resource was read again after acting.
    Verified,
    Finished,
}

/// Who acted, where, for which incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    pub account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub time: DateTime<Utc>,
    pub version: String,
    pub entry: String,
    pub event: Event,
    pub incident: String,
    pub action: ActionKind,
    pub region: String,
    pub target: String,
    #[serde(flatten)]
    pub actor: Actor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// For `Verified`: whether the state read back matches the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("journal {path}, line {line}: {reason}")]
    Corrupt {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("no state directory: set SECDASH_STATE_DIR or XDG_STATE_HOME")]
    NoStateDir,
}

#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    pub fn in_dir(dir: &Path) -> Journal {
        Journal {
            path: dir.join("journal.jsonl"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, source: std::io::Error) -> JournalError {
        JournalError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Appends one record and syncs it to disk before returning.
    pub fn append(&self, record: &Record) -> Result<(), JournalError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| self.io(e))?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&self.path).map_err(|e| self.io(e))?;
        let mut line =
            serde_json::to_string(record).map_err(|e| self.io(std::io::Error::other(e)))?;
        line.push('\n');
        file.write_all(line.as_bytes()).map_err(|e| self.io(e))?;
        file.flush().map_err(|e| self.io(e))?;
        file.sync_data().map_err(|e| self.io(e))?;
        Ok(())
    }

    /// Every record, oldest first. A last line cut short by a crash is skipped; any other bad
    /// line is an error that names it.
    pub fn read(&self) -> Result<Vec<Record>, JournalError> {
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(e)),
        };
        let lines: Vec<String> = BufReader::new(file)
            .lines()
            .collect::<Result<_, _>>()
            .map_err(|e| self.io(e))?;
        let mut out = Vec::new();
        let last = lines.len();
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Record>(line) {
                Ok(r) => out.push(r),
                Err(_) if i + 1 == last => {
                    tracing::warn!(path = %self.path.display(), "skipping a torn last journal line")
                }
                Err(e) => {
                    return Err(JournalError::Corrupt {
                        path: self.path.clone(),
                        line: i + 1,
                        reason: e.to_string(),
                    });
                }
            }
        }
        Ok(out)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// Planned, and not finished: it stopped part-way (crash, kill, lost connection).
    Incomplete,
    Failed,
    Done,
}

/// One action as the journal tells it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub entry: String,
    pub time: DateTime<Utc>,
    pub incident: String,
    pub action: ActionKind,
    pub region: String,
    pub target: String,
    pub status: EntryStatus,
    pub steps_done: usize,
    pub steps: usize,
    pub verified: Option<bool>,
    pub outcome: Option<String>,
    #[serde(skip)]
    pub plan: Option<Plan>,
    #[serde(skip)]
    pub actor: Actor,
}

/// Folds the records into one entry per action, oldest first.
pub fn entries(records: &[Record]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for r in records {
        let idx = match out.iter().position(|e| e.entry == r.entry) {
            Some(i) => i,
            None => {
                out.push(Entry {
                    entry: r.entry.clone(),
                    time: r.time,
                    incident: r.incident.clone(),
                    action: r.action,
                    region: r.region.clone(),
                    target: r.target.clone(),
                    status: EntryStatus::Incomplete,
                    steps_done: 0,
                    steps: 0,
                    verified: None,
                    outcome: None,
                    plan: None,
                    actor: r.actor.clone(),
                });
                out.len() - 1
            }
        };
        let e = &mut out[idx];
        match r.event {
            Event::Planned => {
                e.steps = r.plan.as_ref().map(|p| p.steps.len()).unwrap_or(0);
                e.plan = r.plan.clone();
            }
            Event::StepDone => e.steps_done += 1,
            Event::StepFailed => {
                e.status = EntryStatus::Failed;
                e.outcome = r.outcome.clone();
            }
            Event::Verified => e.verified = r.matches,
            Event::Finished => {
                if e.status != EntryStatus::Failed {
                    e.status = EntryStatus::Done;
                }
                if r.outcome.is_some() {
                    e.outcome = r.outcome.clone();
                }
            }
        }
    }
    out
}

/// A new entry id: sortable by time, unique enough for one operator's journal.
pub fn new_entry_id(now: DateTime<Utc>) -> String {
    let nanos = now.timestamp_subsec_nanos() as u64;
    let mix =
        (nanos ^ (u64::from(std::process::id()) << 20)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48;
    format!("{}-{mix:04x}", now.format("%Y%m%dT%H%M%S"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::plan;

    fn rec(entry: &str, event: Event, p: Option<Plan>) -> Record {
        Record {
            time: Utc::now(),
            version: "test".into(),
            entry: entry.into(),
            event,
            incident: "INC-1".into(),
            action: ActionKind::Isolate,
            region: "r".into(),
            target: "sg-1".into(),
            actor: Actor::default(),
            plan: p,
            step: None,
            outcome: None,
            matches: None,
        }
    }

    #[test]
    fn appends_and_reads_back_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::in_dir(dir.path());
        let p = plan::isolate("sg-1", None, &[], "r");
        j.append(&rec("e1", Event::Planned, Some(p.clone())))
            .unwrap();
        j.append(&rec("e1", Event::Finished, None)).unwrap();
        let back = j.read().unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].plan.as_ref(), Some(&p));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(j.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_torn_last_line_is_skipped_but_other_damage_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::in_dir(dir.path());
        j.append(&rec("e1", Event::Planned, None)).unwrap();
        let mut f = OpenOptions::new().append(true).open(j.path()).unwrap();
        f.write_all(b"{\"time\":\"2026-").unwrap();
        assert_eq!(j.read().unwrap().len(), 1);
        f.write_all(b"\n").unwrap();
        j.append(&rec("e2", Event::Planned, None)).unwrap();
        let err = j.read().unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn entries_tell_done_failed_and_incomplete_apart() {
        let p = plan::isolate("sg-1", None, &[], "r");
        let records = vec![
            rec("a", Event::Planned, Some(p.clone())),
            rec("a", Event::StepDone, None),
            rec("a", Event::Finished, None),
            rec("b", Event::Planned, Some(p.clone())),
            rec("c", Event::Planned, Some(p)),
            rec("c", Event::StepFailed, None),
            rec("c", Event::Finished, None),
        ];
        let e = entries(&records);
        let status: Vec<EntryStatus> = e.iter().map(|e| e.status).collect();
        assert_eq!(
            status,
            [
                EntryStatus::Done,
                EntryStatus::Incomplete,
                EntryStatus::Failed
            ]
        );
        assert_eq!(e[0].steps_done, 1);
    }

    #[test]
    fn entry_ids_sort_by_time() {
        let a =
            new_entry_id(chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 1, 0, 0, 0).unwrap());
        let b =
            new_entry_id(chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 2, 0, 0, 0).unwrap());
        assert!(a < b);
        assert!(a.starts_with("20260101T000000-"));
    }
}
