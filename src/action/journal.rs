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
//! this line's own text. The first write of this version puts a header line with a random
//! nonce, so every later value depends on this journal's own secret start; the header also
//! seals the lines written before it (their count and hash). Once a journal has a chained
//! line, a line without one is altered. `journal.head`, written after each record is synced,
//! holds the count of chained records and the last one's value, so records removed from the end
//! show. It catches an edit, an insertion, a deletion or a truncation made by hand; someone who
//! can write the files and recompute every hash is not stopped by it, only by the files'
//! permissions.

use super::plan::{ActionKind, Plan};
use crate::files::{self, FileError, Lock};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
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
    /// Whether this version's header (the nonce and the seal) is there.
    has_header: bool,
    /// Every chained line, in order: its line number, chain value and entry (for the head).
    chained: Vec<Chained>,
    /// Lines in the file, for naming where removed records were.
    lines: usize,
    /// Non-empty lines: what a new header seals, with their text.
    non_empty: usize,
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

    /// Every entry, with what it is and whether it is still in effect. An untrusted restore
    /// undoes nothing: a forged "restored" record must not hide a change still in place.
    pub fn entries(&self) -> Vec<Entry> {
        entries_trusting(&self.records, &self.untrusted)
    }
}

#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    /// Where a wait for its lock is said (the command line's stderr; the screen says nothing).
    say: fn(&str),
}

impl Journal {
    pub fn in_dir(dir: &Path) -> Journal {
        Journal {
            path: dir.join("journal.jsonl"),
            say: files::quiet,
        }
    }

    /// A wait for the journal's lock is said this way (the command line: on stderr).
    pub fn saying_waits(self, say: fn(&str)) -> Journal {
        Journal { say, ..self }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits (up to `files::LOCK_WAIT`) for the journal's exclusive lock: one action at a
    /// time, across processes, from the plan's read to the entry's end.
    pub fn lock(&self) -> Result<Lock, JournalError> {
        Ok(files::lock(&self.path.with_extension("lock"), &self.say)?)
    }

    fn head_path(&self) -> PathBuf {
        self.path.with_extension("head")
    }

    /// The head file, if there is one that reads.
    fn head(&self) -> Result<Option<Head>, JournalError> {
        let Some(bytes) = files::read(&self.head_path())? else {
            return Ok(None);
        };
        Ok(serde_json::from_slice(&bytes).ok())
    }

    /// Every record, oldest first, and what was skipped; the head's account checked.
    pub fn read(&self) -> Result<JournalRead, JournalError> {
        Ok(self.read_with_text()?.0)
    }

    /// The journal as read, and its text.
    fn read_with_text(&self) -> Result<(JournalRead, String), JournalError> {
        let bytes = files::read(&self.path)?.unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut read = read_text(&text);
        // An acknowledgement starts the head over: what it disagreed with was seen.
        if let Some(head) = self.head()? {
            read.check_head(&head);
        }
        Ok((read, text))
    }

    /// Appends one record, chained to the last, and syncs it to disk before returning. The
    /// lock proves no other action is writing.
    pub fn append(&self, record: &Record, _lock: &Lock) -> Result<(), JournalError> {
        let line = serde_json::to_string(record).map_err(|e| self.io(std::io::Error::other(e)))?;
        self.append_line(crate::sanitize::escape_json(&line), false)
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
        // The operator has seen what the head disagreed with: it starts over from here.
        self.append_line(line, true)
    }

    /// Appends the line chained to the last (after the header, on the first write of this
    /// version), syncs it, then brings the head up to date: unless the head disagrees with
    /// the journal (records removed or foreign), which stays said until acknowledged
    /// (`reset`).
    fn append_line(&self, line: String, reset: bool) -> Result<(), JournalError> {
        let mut file = files::open_append(&self.path)?;
        let (read, before) = self.read_with_text()?;
        let head = self.head()?;
        let mut text = String::with_capacity(line.len() + 300);
        // A crash mid-write left a line without its end: this record starts a new one.
        if read.torn_tail {
            text.push('\n');
        }
        let mut last = read.last_chain.clone();
        let mut count = read.chained.len();
        if !read.has_header {
            let header = Header {
                event: HeaderEvent::JournalHeader,
                nonce: random_nonce()?,
                sealed_lines: read.non_empty,
                sealed_hash: sha256(&format!("{before}{text}")),
            };
            let header =
                serde_json::to_string(&header).map_err(|e| self.io(std::io::Error::other(e)))?;
            let value = chain(last.as_deref(), &header);
            push_chained(&mut text, &header, &value);
            last = Some(value);
            count += 1;
        }
        let value = chain(last.as_deref(), &line);
        push_chained(&mut text, &line, &value);
        count += 1;
        file.write_all(text.as_bytes()).map_err(|e| self.io(e))?;
        file.sync_data().map_err(|e| self.io(e))?;
        let keep = head.as_ref().is_some_and(|h| !read.head_holds(h)) && !reset;
        if !keep {
            let head = serde_json::to_vec(&Head {
                records: count,
                chain: value,
            })
            .map_err(|e| self.io(std::io::Error::other(e)))?;
            files::write_atomic(&self.head_path(), &head)?;
        }
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

    /// Stopped part-way, or failed after a step had acted, and not resolved since: it may
    /// leave a partial change, and the header flags it.
    pub fn unfinished(&self) -> bool {
        let partial = match self.status {
            EntryStatus::Incomplete => true,
            EntryStatus::Failed => self.steps_done > 0,
            EntryStatus::Done => false,
        };
        partial && self.undone_by.is_none()
    }

    /// Whether what it changed may still be in place: a change not undone by a restore that
    /// verified. A failed or interrupted action may have acted before it stopped.
    pub fn in_effect(&self) -> bool {
        !self.action.is_restore()
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
    entries_trusting(records, &BTreeSet::new())
}

/// Like `entries`, with the entries whose records cannot be trusted marked so, and their
/// restores undoing nothing.
fn entries_trusting(records: &[Record], untrusted: &BTreeSet<String>) -> Vec<Entry> {
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
            e.action.is_restore()
                && e.status == EntryStatus::Done
                && e.verified == Some(true)
                && !untrusted.contains(&e.entry)
        })
        .flat_map(|r| r.undoes().into_iter().map(|u| (u, r.entry.clone())))
        .chain(
            resolved
                .into_iter()
                .filter(|(entry, by)| !untrusted.contains(entry) && !untrusted.contains(by)),
        )
        .collect();
    for (entry, by) in undone {
        if let Some(&i) = index.get(&entry) {
            out[i].undone_by = Some(by);
        }
    }
    for e in &mut out {
        e.trusted = !untrusted.contains(&e.entry);
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

mod chain;
use chain::{Chained, chain, push_chained, random_nonce, sha256};
pub use chain::{Head, Header, HeaderEvent, read_text};

#[cfg(test)]
mod tests;
