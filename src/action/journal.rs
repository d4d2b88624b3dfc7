//! The journal: append-only JSON Lines in the state directory, readable only by its owner.
//! Each step of each action is one record, synced to disk before the next thing happens, so a
//! crash or a kill at any point loses nothing a restore needs.
//!
//! What can go wrong with the file itself is named, never fatal: a line cut short by a crash
//! is skipped (and the next append starts on a line of its own); a line that cannot be read, or
//! whose place in the hash chain does not hold (altered or inserted by hand), is skipped and
//! named, and new actions wait until the operator has seen it (`secdash journal
//! --acknowledge`). Every entry whose records read is still restorable, unless one of them was
//! altered. Records of kinds a newer secdash wrote are kept and ignored.
//!
//! The hash chain: each line ends with `"chain"`, the SHA-256 of the previous line's chain and
//! this line's own text. It catches an edit, an insertion or a deletion made by hand; someone
//! who can write the file and recompute every hash is not stopped by it, only by the file's
//! permissions.

use super::plan::{ActionKind, Plan};
use crate::files::{self, FileError, Lock};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The plan, with the full before-state, written before the first mutating call.
    Planned,
    StepDone,
    StepFailed,
    /// After a failed step: what was done so nothing is left half-open (rolled forward or back).
    Recovered,
    /// The resource was read again after acting.
    Verified,
    Finished,
    /// A restore found the entry's resource as it was before: nothing is left to undo.
    Resolved,
    /// A kind of record a newer secdash wrote: kept, and ignored here.
    #[serde(other)]
    Unknown,
}

/// Who acted, where, for which incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    /// The account acted in.
    pub account: Option<String>,
    /// The responder role the action ran as, when secdash watches several accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub time: DateTime<Utc>,
    #[serde(default)]
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
    /// For `Resolved`: the restore that found nothing left to undo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// The operator has seen these damaged lines; actions may go on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub time: DateTime<Utc>,
    pub event: AckEvent,
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckEvent {
    Acknowledged,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(transparent)]
    File(#[from] FileError),
    #[error("no state directory: set SECDASH_STATE_DIR or XDG_STATE_HOME")]
    NoStateDir,
}

/// A line of the journal that was skipped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Damage {
    /// 1-based, as an editor shows it.
    pub line: usize,
    pub problem: String,
    /// Cut short by a crash while it was written: expected after a kill, nothing to see.
    pub torn: bool,
    pub acknowledged: bool,
}

impl Damage {
    /// Damage that holds new actions back until the operator has seen it.
    pub fn blocks(&self) -> bool {
        !self.torn && !self.acknowledged
    }
}

/// The journal as read: its records, the lines skipped, and the entries that cannot be trusted.
#[derive(Debug, Clone, Default)]
pub struct JournalRead {
    pub records: Vec<Record>,
    pub damage: Vec<Damage>,
    /// Entries with a record that was altered or inserted: never restored.
    pub untrusted: BTreeSet<String>,
    /// The chain value of the last record, for the next one.
    last_chain: Option<String>,
    /// The file's last byte is not a newline: the next append starts a line of its own.
    torn_tail: bool,
}

/// What the screen needs of the journal: the entries, and the lines that were skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Journalled {
    pub entries: Vec<Entry>,
    pub damage: Vec<Damage>,
}

impl JournalRead {
    pub fn journalled(&self) -> Journalled {
        Journalled {
            entries: self.entries(),
            damage: self.damage.clone(),
        }
    }

    /// Lines that hold new actions back.
    pub fn blocking(&self) -> Vec<&Damage> {
        self.damage.iter().filter(|d| d.blocks()).collect()
    }

    /// Every entry, with what it is and whether it is still in effect.
    pub fn entries(&self) -> Vec<Entry> {
        let mut out = entries(&self.records);
        for e in &mut out {
            e.trusted = !self.untrusted.contains(&e.entry);
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

const CHAIN_KEY: &str = ",\"chain\":\"";

fn chain(prev: Option<&str>, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.unwrap_or("").as_bytes());
    h.update(content.as_bytes());
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// A line split into its content (as hashed) and its chain value, when it has one.
fn split_chain(line: &str) -> (String, Option<&str>) {
    match line.rfind(CHAIN_KEY) {
        Some(at) if line.ends_with("\"}") => {
            let value = &line[at + CHAIN_KEY.len()..line.len() - 2];
            (format!("{}}}", &line[..at]), Some(value))
        }
        _ => (line.to_string(), None),
    }
}

/// What kind of line this is, once it reads.
enum Line {
    Record(Box<Record>),
    Ack(Acknowledgement),
}

fn parse(line: &str) -> Result<Line, serde_json::Error> {
    match serde_json::from_str::<Record>(line) {
        Ok(r) => Ok(Line::Record(Box::new(r))),
        Err(e) => serde_json::from_str::<Acknowledgement>(line)
            .map(Line::Ack)
            .map_err(|_| e),
    }
}

/// Reads the journal's text: every line checked, none fatal.
pub fn read_text(text: &str) -> JournalRead {
    let mut out = JournalRead {
        torn_tail: !text.is_empty() && !text.ends_with('\n'),
        ..JournalRead::default()
    };
    let mut acknowledged: BTreeSet<usize> = BTreeSet::new();
    let mut chained = false;
    for (i, line) in text.split('\n').enumerate() {
        let number = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let (content, stored) = split_chain(line);
        match parse(line) {
            Err(e) => out.damage.push(Damage {
                line: number,
                torn: e.classify() == serde_json::error::Category::Eof,
                problem: if e.classify() == serde_json::error::Category::Eof {
                    "cut short (a crash while it was written); skipped".to_string()
                } else {
                    format!("cannot be read ({e}); skipped")
                },
                acknowledged: false,
            }),
            Ok(parsed) => {
                let altered = match stored {
                    Some(value) => {
                        chained = true;
                        let ok = chain(out.last_chain.as_deref(), &content) == value;
                        out.last_chain = Some(value.to_string());
                        !ok
                    }
                    // Lines from before the chain are trusted only before the first chained one.
                    None => chained,
                };
                match parsed {
                    Line::Ack(a) => {
                        if !altered {
                            acknowledged.extend(a.lines);
                        }
                    }
                    Line::Record(r) => {
                        if altered {
                            out.untrusted.insert(r.entry.clone());
                            out.damage.push(Damage {
                                line: number,
                                problem: format!(
                                    "record of entry {} was altered or inserted (the hash chain breaks here)",
                                    r.entry
                                ),
                                torn: false,
                                acknowledged: false,
                            });
                        }
                        out.records.push(*r);
                    }
                }
            }
        }
    }
    for d in &mut out.damage {
        d.acknowledged = acknowledged.contains(&d.line);
    }
    out
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

    /// Waits for the journal's exclusive lock: one action at a time, across processes, from
    /// the plan's read to the entry's end.
    pub fn lock(&self) -> Result<Lock, JournalError> {
        Ok(files::lock(&self.path.with_extension("lock"))?)
    }

    /// Every record, oldest first, and what was skipped.
    pub fn read(&self) -> Result<JournalRead, JournalError> {
        let bytes = files::read(&self.path)?.unwrap_or_default();
        Ok(read_text(&String::from_utf8_lossy(&bytes)))
    }

    /// Appends one record, chained to the last, and syncs it to disk before returning. The
    /// lock proves no other action is writing.
    pub fn append(&self, record: &Record, _lock: &Lock) -> Result<(), JournalError> {
        let line = serde_json::to_string(record).map_err(|e| self.io(std::io::Error::other(e)))?;
        self.append_line(crate::sanitize::escape_json(&line))
    }

    /// Records that the operator has seen these damaged lines.
    pub fn acknowledge(
        &self,
        lines: Vec<usize>,
        now: DateTime<Utc>,
        _lock: &Lock,
    ) -> Result<(), JournalError> {
        let ack = Acknowledgement {
            time: now,
            event: AckEvent::Acknowledged,
            lines,
        };
        let line = serde_json::to_string(&ack).map_err(|e| self.io(std::io::Error::other(e)))?;
        self.append_line(line)
    }

    fn append_line(&self, line: String) -> Result<(), JournalError> {
        let mut file = files::open_append(&self.path)?;
        let read = self.read()?;
        let value = chain(read.last_chain.as_deref(), &line);
        let mut text = String::with_capacity(line.len() + 80);
        // A crash mid-write left a line without its end: this record starts a new one.
        if read.torn_tail {
            text.push('\n');
        }
        text.push_str(&line[..line.len() - 1]);
        text.push_str(CHAIN_KEY);
        text.push_str(&value);
        text.push_str("\"}\n");
        file.write_all(text.as_bytes()).map_err(|e| self.io(e))?;
        file.sync_data().map_err(|e| self.io(e))?;
        Ok(())
    }

    fn io(&self, error: std::io::Error) -> JournalError {
        JournalError::Io {
            path: self.path.clone(),
            error,
        }
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
    /// The restore that undid it (or found it already undone); `None` while in effect.
    pub undone_by: Option<String>,
    /// False when one of its records was altered or inserted: it is never restored.
    pub trusted: bool,
    #[serde(skip)]
    pub plan: Option<Plan>,
    #[serde(skip)]
    pub actor: Actor,
}

impl Entry {
    /// The account of several it was made in (`None`: the credentials' own).
    pub fn account(&self) -> Option<&crate::model::AccountRef> {
        self.plan.as_ref()?.account.as_ref()
    }

    /// Stopped part-way and not resolved since: the header flags it.
    pub fn unfinished(&self) -> bool {
        self.status == EntryStatus::Incomplete && self.undone_by.is_none()
    }

    /// Whether what it changed may still be in place: a change not undone by a restore that
    /// verified. A failed or interrupted action may have acted before it stopped.
    pub fn in_effect(&self) -> bool {
        self.action != ActionKind::Restore
            && self.undone_by.is_none()
            && match self.status {
                EntryStatus::Done => self.steps_done > 0,
                EntryStatus::Failed | EntryStatus::Incomplete => self.steps > 0,
            }
    }

    /// The entries a restore entry undid.
    pub fn undoes(&self) -> Vec<String> {
        match self.plan.as_ref().map(|p| &p.before) {
            Some(super::plan::Before::Entry { entry }) => vec![entry.clone()],
            Some(super::plan::Before::Entries { entries }) => entries.clone(),
            _ => vec![],
        }
    }
}

/// Folds the records into one entry per action, oldest first.
pub fn entries(records: &[Record]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut resolved: Vec<(String, String)> = Vec::new();
    for r in records {
        if r.event == Event::Resolved {
            resolved.push((r.entry.clone(), r.by.clone().unwrap_or_default()));
            continue;
        }
        if r.event == Event::Unknown {
            continue;
        }
        let idx = *index.entry(r.entry.clone()).or_insert_with(|| {
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
                undone_by: None,
                trusted: true,
                plan: None,
                actor: r.actor.clone(),
            });
            out.len() - 1
        });
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
            Event::Recovered => {
                e.outcome = Some(match (&e.outcome, &r.outcome) {
                    (Some(a), Some(b)) => format!("{a}; {b}"),
                    (a, b) => a.clone().or(b.clone()).unwrap_or_default(),
                });
            }
            Event::Verified => e.verified = r.matches,
            Event::Finished => {
                if e.status != EntryStatus::Failed {
                    e.status = EntryStatus::Done;
                }
                if e.status != EntryStatus::Failed && r.outcome.is_some() {
                    e.outcome = r.outcome.clone();
                }
            }
            Event::Resolved | Event::Unknown => {}
        }
    }
    // A restore that verified undid its entries; a resolution says nothing was left to undo.
    let undone: Vec<(String, String)> = out
        .iter()
        .filter(|e| {
            e.action == ActionKind::Restore
                && e.status == EntryStatus::Done
                && e.verified == Some(true)
        })
        .flat_map(|r| r.undoes().into_iter().map(|u| (u, r.entry.clone())))
        .chain(resolved)
        .collect();
    for (entry, by) in undone {
        if let Some(&i) = index.get(&entry) {
            out[i].undone_by = Some(by);
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
mod tests;
