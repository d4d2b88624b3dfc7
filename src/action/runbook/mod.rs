//! The incident-response procedure of the platform guide (`000`: immediate actions,
//! containment, recovery, lessons learned) as a runbook per incident: each step marked done or
//! skipped with a note and a time, and a report built from the runbook and the journal.

use super::journal::Entry;
use crate::files::{self, FileError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

mod report;
pub use report::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Immediate,
    Containment,
    Recovery,
    Lessons,
}

impl Phase {
    pub fn title(self) -> &'static str {
        match self {
            Phase::Immediate => "Immediate actions",
            Phase::Containment => "Containment",
            Phase::Recovery => "Recovery",
            Phase::Lessons => "Lessons learned",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    Done,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunbookStep {
    pub id: String,
    pub phase: Phase,
    pub title: String,
    /// Where in secdash the step is carried out, or that it is manual.
    pub how: String,
    pub status: StepStatus,
    pub note: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Runbook {
    pub incident: String,
    pub started: DateTime<Utc>,
    pub steps: Vec<RunbookStep>,
    #[serde(default)]
    pub notes: Vec<(DateTime<Utc>, String)>,
}

const STEPS: &[(&str, Phase, &str, &str)] = &[
    (
        "alarms",
        Phase::Immediate,
        "Check CloudWatch alarms",
        "endpoints pane (1): endpoints in alert are flagged; `secdash --once`",
    ),
    (
        "cloudtrail",
        Phase::Immediate,
        "Review CloudTrail logs",
        "enter: timeline of all the incident names · t on a row · `secdash trail`",
    ),
    (
        "guardduty",
        Phase::Immediate,
        "Investigate GuardDuty findings",
        "findings pane (3): Enter for details; `secdash archive` once triaged",
    ),
    (
        "security_groups",
        Phase::Containment,
        "Update security groups if needed",
        "groups pane (2): {key:isolate} isolates a group, {key:revoke_rule} revokes a rule; `secdash isolate` / `secdash revoke`",
    ),
    (
        "credentials",
        Phase::Containment,
        "Revoke compromised credentials",
        "enter: its keys, users, roles ({key:contain} contains) · `secdash disable-key` / `deny-user` / `revoke-sessions`",
    ),
    (
        "isolate",
        Phase::Containment,
        "Isolate affected resources",
        "findings pane (3): {key:contain} contains the instance; the ML platform: SageMaker pane (5) {key:stop_notebook} stops a notebook, {key:reject_model} rejects a version, endpoints {key:rollback_endpoint} rolls back, {key:fence_bucket} fences the artifact bucket, {key:quarantine_image} the image; `secdash contain` / `stop-notebook` / `rollback-endpoint` / `fence-bucket`",
    ),
    ("backups", Phase::Recovery, "Restore from backups", "manual"),
    (
        "configs",
        Phase::Recovery,
        "Update security configurations",
        "`secdash restore` what is safe again; checklist pane (4)",
    ),
    (
        "lessons",
        Phase::Lessons,
        "Document lessons learned",
        "`secdash runbook report --incident ID --format markdown`",
    ),
];

/// A step's hint with the keys of the actions it names (`{key:isolate}`), as bound now: a
/// rebound key is the one shown.
pub fn with_keys(how: &str, key: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(how.len());
    let mut rest = how;
    while let Some(at) = rest.find("{key:") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 5..];
        match after.find('}') {
            Some(end) => {
                out.push_str(&key(&after[..end]));
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A hint with each action's default key (the command line has no keymap of its own).
pub fn with_default_keys(how: &str) -> String {
    with_keys(how, |name| {
        super::kinds::INTENTS
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.keys.first())
            .map(|k| k.to_string())
            .unwrap_or_default()
    })
}

#[derive(Debug, thiserror::Error)]
pub enum RunbookError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(
        "runbook {path} is not valid ({reason}); nothing was changed. `secdash runbook start --incident {incident}` keeps it aside and starts a new one"
    )]
    Corrupt {
        path: PathBuf,
        reason: String,
        incident: String,
    },
    #[error(
        "no runbook for incident {incident}: start one with `secdash runbook start --incident {incident}`"
    )]
    NotStarted { incident: String },
    #[error("no state directory to keep the runbook in (set SECDASH_STATE_DIR)")]
    NoStateDirectory,
    #[error("runbook of {incident} has no step {step:?} (steps: {known})")]
    UnknownStep {
        incident: String,
        step: String,
        known: String,
    },
    #[error("incident id {0:?} may use only letters, digits, '-', '_' and '.'")]
    BadIncident(String),
}

impl Runbook {
    pub fn new(incident: &str, now: DateTime<Utc>) -> Runbook {
        Runbook {
            incident: incident.to_string(),
            started: now,
            steps: STEPS
                .iter()
                .map(|(id, phase, title, how)| RunbookStep {
                    id: (*id).to_string(),
                    phase: *phase,
                    title: (*title).to_string(),
                    how: (*how).to_string(),
                    status: StepStatus::Pending,
                    note: None,
                    at: None,
                })
                .collect(),
            notes: Vec::new(),
        }
    }

    /// Takes in what another copy of the runbook (the screen's) knows: a step's later mark
    /// wins, notes are kept from both.
    pub fn merge(&mut self, other: &Runbook) {
        for theirs in &other.steps {
            if let Some(mine) = self.steps.iter_mut().find(|s| s.id == theirs.id)
                && theirs.at > mine.at
            {
                *mine = theirs.clone();
            }
        }
        for n in &other.notes {
            if !self.notes.contains(n) {
                self.notes.push(n.clone());
            }
        }
        self.notes.sort_by_key(|(t, _)| *t);
    }

    pub fn mark(
        &mut self,
        step: &str,
        status: StepStatus,
        note: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<(), RunbookError> {
        let known = self
            .steps
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let s = self
            .steps
            .iter_mut()
            .find(|s| s.id == step)
            .ok_or_else(|| RunbookError::UnknownStep {
                incident: self.incident.clone(),
                step: step.to_string(),
                known,
            })?;
        s.status = status;
        s.note = note.map(|n| crate::sanitize::clean(&n));
        s.at = Some(now);
        Ok(())
    }
}

/// Incident ids name files in the state directory: letters, digits, '-', '_' and '.' only.
pub fn check_incident(incident: &str) -> Result<(), RunbookError> {
    if crate::model::valid_incident_id(incident) {
        Ok(())
    } else {
        Err(RunbookError::BadIncident(incident.to_string()))
    }
}

pub fn path(state_dir: &Path, incident: &str) -> Result<PathBuf, RunbookError> {
    check_incident(incident)?;
    Ok(state_dir.join("runbooks").join(format!("{incident}.json")))
}

pub fn load(state_dir: &Path, incident: &str) -> Result<Runbook, RunbookError> {
    let path = path(state_dir, incident)?;
    let bytes = files::read(&path)?.ok_or_else(|| RunbookError::NotStarted {
        incident: incident.to_string(),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| RunbookError::Corrupt {
        path,
        reason: e.to_string(),
        incident: incident.to_string(),
    })
}

/// The runbook a report tells: an incident with journal entries has one, started at its first
/// entry (even before `runbook start`, which a report does not write); one started after its
/// first action is dated from that action.
pub fn for_report(
    state_dir: &Path,
    incident: &str,
    entries: &[Entry],
) -> Result<Runbook, RunbookError> {
    let first = entries
        .iter()
        .filter(|e| e.incident == incident)
        .map(|e| e.time)
        .min();
    match (load(state_dir, incident), first) {
        (Ok(mut rb), Some(first)) => {
            rb.started = rb.started.min(first);
            Ok(rb)
        }
        (Err(RunbookError::NotStarted { .. }), Some(first)) => Ok(Runbook::new(incident, first)),
        (read, _) => read,
    }
}

/// Whether an update may start the runbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// The runbook must exist and read.
    Existing,
    /// A missing runbook is started; one that does not read is kept aside (never overwritten)
    /// and a new one started.
    StartIfAbsent,
}

/// What an update did.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub runbook: Runbook,
    /// This update started the runbook.
    pub started: bool,
    /// Where a runbook that did not read was moved.
    pub kept_aside: Option<PathBuf>,
}

/// Loads, changes and saves the runbook under its lock, so concurrent writers (two responders,
/// the screen and the command line) never lose each other's marks. The file is replaced whole,
/// through a new temporary file: a crash leaves the old or the new.
pub fn update(
    state_dir: &Path,
    incident: &str,
    now: DateTime<Utc>,
    opening: Opening,
    say: files::Say<'_>,
    change: impl FnOnce(&mut Runbook) -> Result<(), RunbookError>,
) -> Result<Saved, RunbookError> {
    let path = path(state_dir, incident)?;
    let _lock = files::lock(&path.with_extension("lock"), say)?;
    let (mut runbook, started, kept_aside) = match (load(state_dir, incident), opening) {
        (Ok(rb), _) => (rb, false, None),
        (Err(RunbookError::NotStarted { .. }), Opening::StartIfAbsent) => {
            (Runbook::new(incident, now), true, None)
        }
        (Err(RunbookError::Corrupt { .. }), Opening::StartIfAbsent) => {
            let aside = files::keep_aside(&path, now)?;
            (Runbook::new(incident, now), true, Some(aside))
        }
        (Err(e), _) => return Err(e),
    };
    change(&mut runbook)?;
    let text = serde_json::to_vec_pretty(&runbook).map_err(|e| RunbookError::Corrupt {
        path: path.clone(),
        reason: e.to_string(),
        incident: incident.to_string(),
    })?;
    files::write_atomic(&path, &text)?;
    Ok(Saved {
        runbook,
        started,
        kept_aside,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runbook_has_the_seed_procedure() {
        let rb = Runbook::new("INC-1", Utc::now());
        assert_eq!(rb.steps.len(), 9);
        assert!(
            rb.steps
                .iter()
                .any(|s| s.title == "Revoke compromised credentials"
                    && s.how.contains("secdash disable-key"))
        );
    }

    #[test]
    fn a_hint_names_the_keys_as_bound() {
        let how = "groups pane (2): {key:isolate} isolates a group";
        assert_eq!(
            with_default_keys(how),
            "groups pane (2): x isolates a group"
        );
        assert_eq!(
            with_keys(how, |_| "F6".into()),
            "groups pane (2): F6 isolates a group"
        );
    }

    #[test]
    fn marking_a_step_records_note_and_time() {
        let mut rb = Runbook::new("INC-1", Utc::now());
        rb.mark(
            "guardduty",
            StepStatus::Done,
            Some("triaged \u{1b}[31m22 findings".into()),
            Utc::now(),
        )
        .unwrap();
        let s = rb.steps.iter().find(|s| s.id == "guardduty").unwrap();
        assert_eq!(s.status, StepStatus::Done);
        assert_eq!(s.note.as_deref(), Some("triaged 22 findings"));
        let err = rb
            .mark("nope", StepStatus::Done, None, Utc::now())
            .unwrap_err();
        assert!(err.to_string().contains("alarms, cloudtrail"), "{err}");
    }

    #[test]
    fn incident_ids_cannot_escape_the_state_dir() {
        assert!(path(Path::new("/s"), "../etc/passwd").is_err());
        assert!(path(Path::new("/s"), "INC-2041").is_ok());
    }

    #[test]
    fn saves_and_loads() {
        let dir = tempfile::tempdir().unwrap();
        let rb = Runbook::new("INC-9", Utc::now());
        let saved = update(
            dir.path(),
            "INC-9",
            rb.started,
            Opening::StartIfAbsent,
            &files::quiet,
            |_| Ok(()),
        );
        assert_eq!(saved.unwrap().runbook, rb);
        assert_eq!(load(dir.path(), "INC-9").unwrap(), rb);
        assert!(matches!(
            load(dir.path(), "INC-10"),
            Err(RunbookError::NotStarted { .. })
        ));
    }

    #[test]
    fn a_runbook_that_does_not_read_is_kept_aside_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path(), "INC-3").unwrap();
        crate::files::write_atomic(&path, b"{not json").unwrap();
        let err = load(dir.path(), "INC-3").unwrap_err();
        assert!(err.to_string().contains("keeps it aside"), "{err}");
        let noted = update(
            dir.path(),
            "INC-3",
            Utc::now(),
            Opening::Existing,
            &files::quiet,
            |_| Ok(()),
        );
        assert!(noted.is_err(), "a note never replaces it");
        let saved = update(
            dir.path(),
            "INC-3",
            Utc::now(),
            Opening::StartIfAbsent,
            &files::quiet,
            |_| Ok(()),
        )
        .unwrap();
        let aside = saved.kept_aside.expect("kept aside");
        assert_eq!(std::fs::read(aside).unwrap(), b"{not json");
        assert!(saved.started);
    }

    #[test]
    fn concurrent_writers_keep_every_mark() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        update(
            dir.path(),
            "INC-4",
            now,
            Opening::StartIfAbsent,
            &files::quiet,
            |_| Ok(()),
        )
        .unwrap();
        std::thread::scope(|s| {
            for i in 0..9 {
                let dir = dir.path();
                s.spawn(move || {
                    update(dir, "INC-4", now, Opening::Existing, &files::quiet, |rb| {
                        rb.notes.push((now, format!("note {i}")));
                        Ok(())
                    })
                    .unwrap()
                });
            }
        });
        assert_eq!(load(dir.path(), "INC-4").unwrap().notes.len(), 9);
    }

    #[test]
    fn the_later_mark_of_a_step_wins_a_merge() {
        let t = Utc::now();
        let mut file = Runbook::new("INC-5", t);
        let mut screen = file.clone();
        file.mark("alarms", StepStatus::Done, Some("from the CLI".into()), t)
            .unwrap();
        screen
            .mark(
                "guardduty",
                StepStatus::Skipped,
                None,
                t + chrono::Duration::seconds(1),
            )
            .unwrap();
        file.merge(&screen);
        assert_eq!(file.steps[0].status, StepStatus::Done, "kept");
        assert_eq!(file.steps[2].status, StepStatus::Skipped, "taken in");
    }

    /// Issue #26: the report said "undo with …" beside changes already restored, and did not
    /// list the isolation groups left in place.
    #[test]
    fn the_report_says_what_was_restored_and_the_isolation_groups_left() {
        use crate::action::journal::EntryStatus;
        use crate::action::plan::{self, ActionKind, InterfaceBefore};
        let t = Utc::now();
        let entry =
            |id: &str, action, target: &str, plan: plan::Plan, undone: Option<&str>| Entry {
                entry: id.into(),
                time: t,
                incident: "INC-8".into(),
                action,
                region: "r".into(),
                target: target.into(),
                status: EntryStatus::Done,
                steps_done: plan.steps.len(),
                steps: plan.steps.len(),
                verified: Some(true),
                outcome: None,
                undone_by: undone.map(str::to_string),
                trusted: true,
                plan: Some(plan),
                actor: Default::default(),
            };
        let deny = plan::Plan {
            action: ActionKind::named("disable-key"),
            ..crate::action::kinds::isolate::plan("AKIA1", None, &[], "r")
        };
        let contain = crate::action::kinds::contain::plan(
            "eni-1",
            &[InterfaceBefore {
                interface_id: "eni-1".into(),
                vpc_id: "vpc-1".into(),
                groups: vec!["sg-a".into()],
                instance_id: None,
            }],
            "INC-8",
            "r",
        );
        let entries = vec![
            entry(
                "e1",
                ActionKind::named("disable-key"),
                "AKIA1",
                deny,
                Some("r1"),
            ),
            entry(
                "e2",
                ActionKind::named("contain"),
                "eni-1",
                contain,
                Some("r2"),
            ),
        ];
        let report = report_markdown(&Runbook::new("INC-8", t), &entries, &[], t);
        let credentials = report.split("## Credentials contained").nth(1).unwrap();
        let line = credentials.lines().nth(2).unwrap();
        assert!(
            line.contains("restored by `r1`") && !line.contains("undo with"),
            "{line}"
        );
        assert!(
            report.contains("## Isolation groups left in place")
                && report.contains("`secdash-isolation-INC-8-vpc-1` in vpc-1"),
            "{report}"
        );
    }
}
