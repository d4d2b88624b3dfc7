//! Carries out plans against AWS, with the journal written before and after every step.
//!
//! One action at a time across processes: the journal's lock is held while a plan reads the
//! resource (so it never reads one half-way through another action) and from the re-read
//! before the first change to the entry's end. A plan whose resource changed since it was
//! read is refused, as Terraform refuses a stale plan. A step whose answer was lost is read
//! back before it is called failed; a containment that fails with an interface on the
//! all-open group is rolled forward (or back) before secdash exits.

use super::cloud::Cloud;
use super::journal::{Actor, Event, Journal, JournalError, JournalRead, Record, new_entry_id};
use super::plan::{ActionKind, Before, GroupRef, Plan, Step};
use crate::files::Lock;
use crate::model::{AccountRef, Direction, SourceError};
use chrono::Utc;
use std::collections::HashMap;

pub use super::failure::{ActionFailure, FailureKind};
pub use super::request::Request;

mod check;
mod planning;
mod recover;

impl From<SourceError> for ActionError {
    fn from(e: SourceError) -> Self {
        ActionError::Source(Box::new(e))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error(
        "read-only mode: secdash makes no changes (--read-only, SECDASH_READ_ONLY, read_only in the config or in the account's [[accounts]] entry)"
    )]
    ReadOnly,
    #[error(transparent)]
    Source(#[from] Box<SourceError>),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("{0}")]
    NotFound(String),
    #[error(
        "the journal {path} has {count} damaged line(s) ({lines}); no new action until you have looked: `secdash journal` shows them, then `secdash journal --acknowledge` (restores still work)"
    )]
    JournalDamaged {
        path: String,
        count: usize,
        lines: String,
    },
    #[error("{0}")]
    AlreadyContained(String),
    /// An action IAM cannot take, or a restore that must wait (a session revocation).
    #[error("{0}")]
    Refused(String),
    #[error(
        "{target} changed since the plan was read ({what}); nothing was done: plan again (another responder may be acting on it)"
    )]
    Stale { target: String, what: String },
    #[error(
        "journal entry {entry} was altered or inserted (its record breaks the journal's hash chain); secdash will not restore from it: check the journal by hand"
    )]
    Untrusted { entry: String },
    #[error(
        "step {step} of journal entry {entry} failed: {source}. {recovery}What was done is journalled: `secdash restore {entry}` undoes it"
    )]
    StepFailed {
        entry: String,
        step: usize,
        source: Box<SourceError>,
        /// What was done so nothing is left half-open, in a sentence ending with a space.
        recovery: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The journal entry written (for a restore with nothing to change, the id that resolved
    /// the entries it found as they were).
    pub entry: String,
    pub plan: Plan,
    /// The state read back after acting matches the plan.
    pub verified: bool,
    pub message: String,
}

pub struct Executor {
    read_only: bool,
    journal: Journal,
    actor: Actor,
    incident: String,
    /// The operator named the incident: a restore is journalled under it, not under the
    /// incident of the entries it undoes.
    incident_named: bool,
    /// AWS, or the demo's rehearsal account.
    pub(super) cloud: Box<dyn Cloud>,
    /// Test builds only: the point where the process aborts, as a crash or a kill would.
    failpoint: Option<String>,
    /// A restore may lift a session revocation before the role's sessions have expired.
    force: bool,
    /// The account of several the cloud acts in (through its responder role); `None`: the
    /// credentials' own.
    account: Option<AccountRef>,
    /// An account the operator typed to let a restore act in, though the session's
    /// credentials are another's (`secdash restore` on a terminal asks).
    allowed_account: Option<String>,
}

impl Executor {
    pub fn new(
        read_only: bool,
        journal: Journal,
        actor: Actor,
        incident: String,
        cloud: Box<dyn Cloud>,
    ) -> Executor {
        Executor {
            read_only,
            journal,
            actor,
            incident,
            incident_named: false,
            cloud,
            failpoint: None,
            force: false,
            account: None,
            allowed_account: None,
        }
    }

    /// The operator typed this account's id to let a restore act there.
    pub fn allow_account(mut self, account: Option<String>) -> Executor {
        self.allowed_account = account;
        self
    }

    /// The cloud acts in this account of several: plans are stamped with it, and a plan or
    /// journal entry of another account is refused.
    pub fn in_account(mut self, account: Option<AccountRef>) -> Executor {
        self.account = account;
        self
    }

    /// `restore --force`: lift a session revocation early, knowing old sessions work again.
    pub fn force(mut self, force: bool) -> Executor {
        self.force = force;
        self
    }

    /// The incident was named by the operator (`--incident`, the config, the environment).
    pub fn incident_named(mut self, named: bool) -> Executor {
        self.incident_named = named;
        self
    }

    /// Test hook (`failpoints` feature, `SECDASH_FAILPOINT`): `after-plan` and `after-step-N`
    /// abort the process there; `fail-step-N` fails the step before its call,
    /// `lose-answer-step-N` after it (the answer lost); `pause-mid-step-0` waits between an
    /// isolation's ingress and egress revokes.
    pub fn with_failpoint(mut self, failpoint: Option<String>) -> Executor {
        self.failpoint = failpoint;
        self
    }

    /// Whether the test hook names this point (always false without the feature).
    fn at(&self, name: &str) -> bool {
        cfg!(feature = "failpoints") && self.failpoint.as_deref() == Some(name)
    }

    /// `after-plan`, `after-step-N`: the process dies here, as a crash or a kill would.
    #[cfg(feature = "failpoints")]
    fn failpoint(&self, name: &str) {
        if self.at(name) {
            std::process::abort();
        }
    }

    #[cfg(not(feature = "failpoints"))]
    fn failpoint(&self, _name: &str) {}

    /// The one place read-only mode is enforced: nothing is planned or done past it.
    fn guard(&self) -> Result<(), ActionError> {
        if self.read_only {
            Err(ActionError::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// A plan, or a journal entry to undo, is acted on only in the account it was made in:
    /// the same resource id elsewhere is another resource.
    fn here(&self, made_in: Option<&AccountRef>, what: &str) -> Result<(), ActionError> {
        let id = |a: Option<&AccountRef>| a.map(|a| a.id.clone());
        if id(made_in) == id(self.account.as_ref()) {
            return Ok(());
        }
        let words = |a: Option<&AccountRef>| match a {
            Some(a) => format!("account {} ({})", a.name, a.id),
            None => "the credentials' own account".to_string(),
        };
        Err(ActionError::Refused(format!(
            "{what} belongs to {}, and this would act in {}: nothing was done",
            words(made_in),
            words(self.account.as_ref())
        )))
    }

    /// New actions wait until the operator has seen damaged lines; restores do not.
    fn healthy(&self, journal: &JournalRead, kind: ActionKind) -> Result<(), ActionError> {
        let blocking = journal.blocking();
        if blocking.is_empty() || kind == ActionKind::Restore {
            return Ok(());
        }
        Err(ActionError::JournalDamaged {
            path: self.journal.path().display().to_string(),
            count: blocking.len(),
            lines: blocking
                .iter()
                .map(|d| format!("line {}", d.line))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    fn record(&self, entry: &str, plan: &Plan, incident: &str, event: Event) -> Record {
        Record {
            time: Utc::now(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            entry: entry.to_string(),
            event,
            incident: incident.to_string(),
            action: plan.action,
            region: plan.region.clone(),
            target: plan.target.clone(),
            actor: self.actor.clone(),
            plan: None,
            step: None,
            outcome: None,
            matches: None,
            by: None,
        }
    }

    /// Journal, act step by step, verify, journal: all under the journal's lock.
    pub async fn execute(&self, plan: &Plan) -> Result<Outcome, ActionError> {
        self.guard()?;
        self.here(plan.account.as_ref(), "the plan")?;
        let plan = &crate::action::credentials::at_execution(plan, Utc::now());
        let lock = self.journal.lock()?;
        let journal = self.journal.read()?;
        self.healthy(&journal, plan.action)?;
        self.still_current(plan, &journal).await?;
        if plan.action == ActionKind::Restore && plan.steps.is_empty() {
            return self.resolve(plan, &journal, &lock).await;
        }
        let entry = new_entry_id(Utc::now());
        let incident = self.incident_for(plan, &journal);
        let rec = |event| self.record(&entry, plan, &incident, event);
        // The plan and the full before-state reach the disk before anything changes.
        self.journal.append(
            &Record {
                plan: Some(plan.clone()),
                ..rec(Event::Planned)
            },
            &lock,
        )?;
        self.failpoint("after-plan");
        let mut groups: HashMap<String, String> = HashMap::new();
        for (i, step) in plan.steps.iter().enumerate() {
            let mut result = if self.at(&format!("fail-step-{i}")) {
                Err(SourceError::Other("failed by the test hook".into()))
            } else {
                self.run_step(step, &mut groups).await
            };
            if result.is_ok() && self.at(&format!("lose-answer-step-{i}")) {
                result = Err(SourceError::Other("the answer was lost".into()));
            }
            let outcome = match result {
                Ok(()) => step.describe().join("; "),
                // The call may have acted and only its answer been lost: look before saying.
                Err(e) if self.took_effect(step, &mut groups).await => format!(
                    "{} (the call said: {e}; read back, it had acted)",
                    step.describe().join("; ")
                ),
                Err(e) => {
                    self.journal.append(
                        &Record {
                            step: Some(i),
                            outcome: Some(e.to_string()),
                            ..rec(Event::StepFailed)
                        },
                        &lock,
                    )?;
                    let recovery = self.recover(plan, &groups, &incident).await;
                    if !recovery.is_empty() {
                        self.journal.append(
                            &Record {
                                outcome: Some(recovery.clone()),
                                ..rec(Event::Recovered)
                            },
                            &lock,
                        )?;
                    }
                    self.journal.append(&rec(Event::Finished), &lock)?;
                    return Err(ActionError::StepFailed {
                        entry,
                        step: i,
                        source: Box::new(e),
                        recovery: if recovery.is_empty() {
                            String::new()
                        } else {
                            format!("{recovery}. ")
                        },
                    });
                }
            };
            self.journal.append(
                &Record {
                    step: Some(i),
                    outcome: Some(outcome),
                    ..rec(Event::StepDone)
                },
                &lock,
            )?;
            self.failpoint(&format!("after-step-{i}"));
        }
        let read_back = self.verify_retrying(plan, &groups, &journal).await;
        let verified = matches!(read_back, Ok(true));
        self.journal.append(
            &Record {
                matches: read_back.as_ref().ok().copied(),
                outcome: read_back
                    .as_ref()
                    .err()
                    .map(|e| format!("reading it back failed: {e}")),
                ..rec(Event::Verified)
            },
            &lock,
        )?;
        let message = format!(
            "{} {}: {} step(s) done, {}",
            plan.action.verb(),
            plan.target,
            plan.steps.len(),
            match &read_back {
                Ok(true) => "verified".to_string(),
                Ok(false) => "NOT verified: the state read back differs from the plan".to_string(),
                // Nothing was read back: that is not a difference.
                Err(e) => format!(
                    "NOT verified: reading it back failed ({e}); `secdash restore {}` (or running the action again) reads it again",
                    plan.target
                ),
            }
        );
        self.journal.append(
            &Record {
                outcome: Some(message.clone()),
                ..rec(Event::Finished)
            },
            &lock,
        )?;
        Ok(Outcome {
            entry,
            plan: plan.clone(),
            verified,
            message,
        })
    }

    /// A restore with nothing to change: when the target reads as it was before, the entries
    /// it would have undone are resolved (no new entry).
    async fn resolve(
        &self,
        plan: &Plan,
        journal: &JournalRead,
        lock: &Lock,
    ) -> Result<Outcome, ActionError> {
        let by = new_entry_id(Utc::now());
        let verified = self.verify(plan, &HashMap::new(), journal).await?;
        let undone = match &plan.before {
            Before::Entries { entries } => entries.clone(),
            _ => vec![],
        };
        let entries = journal.entries();
        let open: Vec<&String> = undone
            .iter()
            .filter(|id| {
                entries
                    .iter()
                    .any(|e| e.entry == **id && e.undone_by.is_none())
            })
            .collect();
        if verified {
            for id in &open {
                let incident = entries
                    .iter()
                    .find(|e| e.entry == **id)
                    .map(|e| e.incident.clone())
                    .unwrap_or_else(|| self.incident.clone());
                self.journal.append(
                    &Record {
                        entry: (*id).clone(),
                        by: Some(by.clone()),
                        outcome: Some(format!(
                            "{} reads as it was before: nothing left to undo",
                            plan.target
                        )),
                        ..self.record(id, plan, &incident, Event::Resolved)
                    },
                    lock,
                )?;
            }
        }
        let message = match (verified, open.is_empty()) {
            (true, true) => format!("{}: nothing to restore", plan.target),
            (true, false) => format!(
                "{} is as it was before: nothing to change; entry {} resolved, verified",
                plan.target,
                open.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (false, _) => format!(
                "{}: nothing to change, but NOT verified: it differs from its before-state",
                plan.target
            ),
        };
        Ok(Outcome {
            entry: by,
            plan: plan.clone(),
            verified,
            message,
        })
    }

    async fn resolve_group(
        &self,
        g: &GroupRef,
        groups: &HashMap<String, String>,
    ) -> Result<String, SourceError> {
        match g {
            GroupRef::Id(id) => Ok(id.clone()),
            GroupRef::Named(name) => match groups.get(name) {
                Some(id) => Ok(id.clone()),
                None => Err(SourceError::Other(format!(
                    "group {name} was not created by an earlier step"
                ))),
            },
        }
    }

    async fn run_step(
        &self,
        step: &Step,
        groups: &mut HashMap<String, String>,
    ) -> Result<(), SourceError> {
        match step {
            Step::RevokeRules { group_id, rules } => {
                // Ingress first, then egress: two calls, between which another reader would
                // see half the rules gone (the journal's lock keeps them out).
                let (ingress, egress): (Vec<_>, Vec<_>) = rules
                    .iter()
                    .cloned()
                    .partition(|r| r.direction == Direction::Ingress);
                self.cloud.revoke(group_id, &ingress, false).await?;
                if self.at("pause-mid-step-0") {
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                }
                self.cloud.revoke(group_id, &egress, false).await
            }
            Step::AuthorizeRules { group_id, rules } => self.cloud.authorize(group_id, rules).await,
            Step::EnsureGroup { name, vpc_id, role } => {
                let id = self.cloud.ensure_group(name, vpc_id, *role).await?;
                groups.insert(name.clone(), id);
                Ok(())
            }
            Step::SetInterfaceGroups {
                interface_id,
                groups: want,
            } => {
                let mut ids = Vec::new();
                for g in want {
                    ids.push(self.resolve_group(g, groups).await?);
                }
                self.cloud
                    .set_interface_groups(interface_id, &ids, false)
                    .await
            }
            Step::DeleteGroup { group } => {
                let id = self.resolve_group(group, groups).await?;
                self.cloud.delete_group(&id).await
            }
            Step::DeleteGroupNamed { name, vpc_id } => {
                match self.cloud.find_group(vpc_id, name).await? {
                    Some(id) => self.cloud.delete_group(&id).await,
                    None => Ok(()),
                }
            }
            Step::Tag {
                resource_id,
                key,
                value,
            } => self.cloud.tag(resource_id, key, value).await,
            Step::Untag { resource_id, key } => self.cloud.untag(resource_id, key).await,
            Step::ArchiveFindings {
                detector_id,
                finding_ids,
            } => {
                self.cloud
                    .set_archived(detector_id, finding_ids, true)
                    .await
            }
            Step::UnarchiveFindings {
                detector_id,
                finding_ids,
            } => {
                self.cloud
                    .set_archived(detector_id, finding_ids, false)
                    .await
            }
            Step::SetAccessKeyStatus {
                user,
                access_key_id,
                status,
            } => {
                self.cloud
                    .set_access_key_status(user, access_key_id, *status)
                    .await
            }
            Step::PutInlinePolicy {
                principal,
                policy_name,
                document,
            } => {
                self.cloud
                    .put_inline_policy(principal, policy_name, document)
                    .await
            }
            Step::DeleteInlinePolicy {
                principal,
                policy_name,
            } => {
                self.cloud
                    .delete_inline_policy(principal, policy_name)
                    .await
            }
        }
    }
}
