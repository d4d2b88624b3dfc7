//! Carries out plans against AWS, with the journal written before and after every step.

use super::aws::{AwsActions, dry_run_verdict};
use super::journal::{Actor, Entry, Event, Journal, JournalError, Record, entries, new_entry_id};
use super::plan::{self, ActionKind, Before, Current, GroupRef, Plan, Step};
use crate::model::SourceError;
use chrono::Utc;
use std::collections::HashMap;

impl From<SourceError> for ActionError {
    fn from(e: SourceError) -> Self {
        ActionError::Source(Box::new(e))
    }
}

/// What an operator asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Isolate {
        group_id: String,
    },
    Revoke {
        group_id: String,
        rule_id: String,
    },
    Contain {
        target: String,
    },
    Archive {
        finding_id: String,
    },
    Unarchive {
        finding_id: String,
    },
    /// A journal entry id, or a resource id (undoes the latest change to it).
    Restore {
        what: String,
    },
}

impl Request {
    pub fn kind(&self) -> ActionKind {
        match self {
            Request::Isolate { .. } => ActionKind::Isolate,
            Request::Revoke { .. } => ActionKind::Revoke,
            Request::Contain { .. } => ActionKind::Contain,
            Request::Archive { .. } => ActionKind::Archive,
            Request::Unarchive { .. } => ActionKind::Unarchive,
            Request::Restore { .. } => ActionKind::Restore,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error(
        "read-only mode: secdash makes no changes (--read-only, SECDASH_READ_ONLY or read_only in the config)"
    )]
    ReadOnly,
    #[error(transparent)]
    Source(#[from] Box<SourceError>),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("{0}")]
    NotFound(String),
    #[error(
        "step {step} of journal entry {entry} failed: {source}. What was done is journalled: `secdash restore {entry}` undoes it"
    )]
    StepFailed {
        entry: String,
        step: usize,
        source: Box<SourceError>,
    },
}

/// What kind of failure an action met, so the screen can say a refusal is not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Read-only mode: nothing is planned or done, by the operator's choice.
    ReadOnly,
    AccessDenied,
    Unreachable,
    NotFound,
    /// The journal could not be written or read: nothing was done.
    Journal,
    /// A step failed part-way; what was done is journalled.
    StepFailed,
    Other,
}

/// Why an action was not planned or not carried out, as the screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionFailure {
    pub kind: FailureKind,
    pub message: String,
}

impl std::fmt::Display for ActionFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&ActionError> for ActionFailure {
    fn from(e: &ActionError) -> Self {
        let kind = match e {
            ActionError::ReadOnly => FailureKind::ReadOnly,
            ActionError::Source(s) => match s.as_ref() {
                SourceError::AccessDenied { .. } => FailureKind::AccessDenied,
                SourceError::Unreachable { .. } | SourceError::Timeout { .. } => {
                    FailureKind::Unreachable
                }
                _ => FailureKind::Other,
            },
            ActionError::Journal(_) => FailureKind::Journal,
            ActionError::NotFound(_) => FailureKind::NotFound,
            ActionError::StepFailed { .. } => FailureKind::StepFailed,
        };
        ActionFailure {
            kind,
            message: e.to_string(),
        }
    }
}

impl From<ActionError> for ActionFailure {
    fn from(e: ActionError) -> Self {
        ActionFailure::from(&e)
    }
}

impl From<&str> for ActionFailure {
    fn from(message: &str) -> Self {
        ActionFailure {
            kind: FailureKind::Other,
            message: message.to_string(),
        }
    }
}

impl From<String> for ActionFailure {
    fn from(message: String) -> Self {
        ActionFailure {
            kind: FailureKind::Other,
            message,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
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
    aws: AwsActions,
    /// Test builds only: the point where the process aborts, as a crash or a kill would.
    failpoint: Option<String>,
}

impl Executor {
    pub fn new(
        read_only: bool,
        journal: Journal,
        actor: Actor,
        incident: String,
        aws: AwsActions,
    ) -> Executor {
        Executor {
            read_only,
            journal,
            actor,
            incident,
            aws,
            failpoint: None,
        }
    }

    /// Test hook (`failpoints` feature, `SECDASH_FAILPOINT=after-plan` or `after-step-N`): the
    /// process aborts there, so tests can prove that a crash loses nothing.
    pub fn with_failpoint(mut self, failpoint: Option<String>) -> Executor {
        self.failpoint = failpoint;
        self
    }

    #[cfg(feature = "failpoints")]
    fn failpoint(&self, name: &str) {
        if self.failpoint.as_deref() == Some(name) {
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

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Reads the target and works out exactly what will change, with EC2's DryRun verdict.
    pub async fn plan(&self, request: &Request) -> Result<Plan, ActionError> {
        self.guard()?;
        let region = self.aws.region.clone();
        let mut plan = match request {
            Request::Isolate { group_id } => {
                let (vpc, rules) = self.aws.read_group(group_id).await?;
                let mut p = plan::isolate(group_id, vpc, &rules, &region);
                if let Some(Step::RevokeRules { group_id, rules }) = p.steps.first() {
                    p.dry_run = Some(dry_run_verdict(
                        self.aws.revoke(group_id, rules, true).await,
                    ));
                }
                p
            }
            Request::Revoke { group_id, rule_id } => {
                let (vpc, rules) = self.aws.read_group(group_id).await?;
                let mut p =
                    plan::revoke(group_id, vpc, &rules, rule_id, &region).ok_or_else(|| {
                        ActionError::NotFound(format!("{group_id} has no rule {rule_id}"))
                    })?;
                if let Some(Step::RevokeRules { group_id, rules }) = p.steps.first() {
                    p.dry_run = Some(dry_run_verdict(
                        self.aws.revoke(group_id, rules, true).await,
                    ));
                }
                p
            }
            Request::Contain { target } => {
                let interfaces = self.aws.read_interfaces(target).await?;
                if interfaces.is_empty() {
                    return Err(ActionError::NotFound(format!(
                        "no network interface found for {target} in {region}"
                    )));
                }
                let mut p = plan::contain(target, &interfaces, &self.incident, &region);
                let first = &interfaces[0];
                p.dry_run = Some(dry_run_verdict(
                    self.aws
                        .set_interface_groups(&first.interface_id, &first.groups, true)
                        .await,
                ));
                p
            }
            Request::Archive { finding_id } | Request::Unarchive { finding_id } => {
                let archive = matches!(request, Request::Archive { .. });
                let detector = self.aws.detector().await?.ok_or_else(|| {
                    ActionError::NotFound(format!("GuardDuty has no detector in {region}"))
                })?;
                let now = self
                    .aws
                    .finding_archived(&detector, finding_id)
                    .await?
                    .ok_or_else(|| {
                        ActionError::NotFound(format!("no finding {finding_id} in {region}"))
                    })?;
                plan::archive(&detector, finding_id, now, &region, archive)
            }
            Request::Restore { what } => {
                let entry = self.find_entry(what)?;
                let original = entry.plan.clone().ok_or_else(|| {
                    ActionError::NotFound(format!("journal entry {} has no plan", entry.entry))
                })?;
                let current = self.current(&original.before).await?;
                plan::restore(&entry.entry, &original, &current, &self.incident)
            }
        };
        if plan.region.is_empty() {
            plan.region = region;
        }
        Ok(plan)
    }

    /// The entry a restore undoes: by id, or the latest change to a resource.
    fn find_entry(&self, what: &str) -> Result<Entry, ActionError> {
        let all = entries(&self.journal.read()?);
        if let Some(e) = all.iter().find(|e| e.entry == what) {
            return Ok(e.clone());
        }
        all.iter()
            .rev()
            .filter(|e| e.action != ActionKind::Restore)
            .find(|e| {
                e.target == what
                    || matches!(&e.plan, Some(Plan { before: Before::Interfaces { interfaces }, .. })
                        if interfaces.iter().any(|i| i.interface_id == what || i.instance_id.as_deref() == Some(what)))
            })
            .cloned()
            .ok_or_else(|| {
                ActionError::NotFound(format!(
                    "no journal entry or journalled resource {what:?} in {} (see `secdash journal`)",
                    self.journal.path().display()
                ))
            })
    }

    async fn current(&self, before: &Before) -> Result<Current, ActionError> {
        Ok(match before {
            Before::Group { group_id, .. } => {
                Current::Rules(self.aws.read_group(group_id).await?.1)
            }
            Before::Interfaces { interfaces } => {
                let mut now = Vec::new();
                for i in interfaces {
                    for read in self.aws.read_interfaces(&i.interface_id).await? {
                        now.push((read.interface_id, read.groups));
                    }
                }
                Current::Interfaces(now)
            }
            Before::Finding {
                detector_id,
                finding_id,
                ..
            } => Current::Archived(
                self.aws
                    .finding_archived(detector_id, finding_id)
                    .await?
                    .unwrap_or(false),
            ),
            Before::Entry { entry } => {
                return Err(ActionError::NotFound(format!(
                    "entry {entry} is itself a restore; restore the original entry"
                )));
            }
        })
    }

    fn record(&self, entry: &str, plan: &Plan, event: Event) -> Record {
        Record {
            time: Utc::now(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            entry: entry.to_string(),
            event,
            incident: self.incident.clone(),
            action: plan.action,
            region: plan.region.clone(),
            target: plan.target.clone(),
            actor: self.actor.clone(),
            plan: None,
            step: None,
            outcome: None,
            matches: None,
        }
    }

    /// Journal, act step by step, verify, journal.
    pub async fn execute(&self, plan: &Plan) -> Result<Outcome, ActionError> {
        self.guard()?;
        let entry = new_entry_id(Utc::now());
        // The plan and the full before-state reach the disk before anything changes.
        self.journal.append(&Record {
            plan: Some(plan.clone()),
            ..self.record(&entry, plan, Event::Planned)
        })?;
        self.failpoint("after-plan");
        let mut groups: HashMap<String, String> = HashMap::new();
        for (i, step) in plan.steps.iter().enumerate() {
            match self.run_step(step, &mut groups).await {
                Ok(()) => {
                    self.journal.append(&Record {
                        step: Some(i),
                        outcome: Some(step.describe().join("; ")),
                        ..self.record(&entry, plan, Event::StepDone)
                    })?;
                    self.failpoint(&format!("after-step-{i}"));
                }
                Err(e) => {
                    self.journal.append(&Record {
                        step: Some(i),
                        outcome: Some(e.to_string()),
                        ..self.record(&entry, plan, Event::StepFailed)
                    })?;
                    self.journal
                        .append(&self.record(&entry, plan, Event::Finished))?;
                    return Err(ActionError::StepFailed {
                        entry,
                        step: i,
                        source: Box::new(e),
                    });
                }
            }
        }
        let verified = match self.verify(plan, &groups).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "verification read failed");
                false
            }
        };
        self.journal.append(&Record {
            matches: Some(verified),
            ..self.record(&entry, plan, Event::Verified)
        })?;
        let message = format!(
            "{} {}: {} step(s) done, {}",
            plan.action.verb(),
            plan.target,
            plan.steps.len(),
            if verified {
                "verified"
            } else {
                "NOT verified: the state read back differs from the plan"
            }
        );
        self.journal.append(&Record {
            outcome: Some(message.clone()),
            ..self.record(&entry, plan, Event::Finished)
        })?;
        Ok(Outcome {
            entry,
            plan: plan.clone(),
            verified,
            message,
        })
    }

    async fn resolve(
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
            Step::RevokeRules { group_id, rules } => self.aws.revoke(group_id, rules, false).await,
            Step::AuthorizeRules { group_id, rules } => self.aws.authorize(group_id, rules).await,
            Step::EnsureGroup { name, vpc_id, role } => {
                let id = self.aws.ensure_group(name, vpc_id, *role).await?;
                groups.insert(name.clone(), id);
                Ok(())
            }
            Step::SetInterfaceGroups {
                interface_id,
                groups: want,
            } => {
                let mut ids = Vec::new();
                for g in want {
                    ids.push(self.resolve(g, groups).await?);
                }
                self.aws
                    .set_interface_groups(interface_id, &ids, false)
                    .await
            }
            Step::DeleteGroup { group } => {
                let id = self.resolve(group, groups).await?;
                self.aws.delete_group(&id).await
            }
            Step::Tag {
                resource_id,
                key,
                value,
            } => self.aws.tag(resource_id, key, value).await,
            Step::Untag { resource_id, key } => self.aws.untag(resource_id, key).await,
            Step::ArchiveFindings {
                detector_id,
                finding_ids,
            } => self.aws.set_archived(detector_id, finding_ids, true).await,
            Step::UnarchiveFindings {
                detector_id,
                finding_ids,
            } => self.aws.set_archived(detector_id, finding_ids, false).await,
        }
    }

    /// Reads the resource again: EC2 raises no error for a revoke that matched nothing.
    async fn verify(
        &self,
        plan: &Plan,
        groups: &HashMap<String, String>,
    ) -> Result<bool, ActionError> {
        let before = match &plan.before {
            Before::Entry { entry } => {
                let original = self
                    .find_entry(entry)?
                    .plan
                    .ok_or_else(|| ActionError::NotFound(entry.clone()))?;
                return self.verify_restored(&original).await;
            }
            b => b,
        };
        Ok(match (plan.action, before) {
            (
                ActionKind::Isolate | ActionKind::Revoke,
                Before::Group {
                    group_id, rules, ..
                },
            ) => {
                let (_, now) = self.aws.read_group(group_id).await?;
                rules.iter().all(|r| !now.iter().any(|n| n.same_grant(r)))
            }
            (ActionKind::Contain, Before::Interfaces { interfaces }) => {
                let mut ok = true;
                for i in interfaces {
                    let want = groups.get(&plan::isolation_group_name(&self.incident, &i.vpc_id));
                    let now = self.aws.read_interfaces(&i.interface_id).await?;
                    ok &= now
                        .iter()
                        .all(|n| Some(&n.groups) == want.map(|w| vec![w.clone()]).as_ref());
                }
                ok
            }
            (
                ActionKind::Archive | ActionKind::Unarchive,
                Before::Finding {
                    detector_id,
                    finding_id,
                    ..
                },
            ) => {
                let want = plan.action == ActionKind::Archive;
                self.aws.finding_archived(detector_id, finding_id).await? == Some(want)
            }
            _ => false,
        })
    }

    async fn verify_restored(&self, original: &Plan) -> Result<bool, ActionError> {
        Ok(match &original.before {
            Before::Group {
                group_id, rules, ..
            } => {
                let (_, now) = self.aws.read_group(group_id).await?;
                plan::missing_rules(rules, &now).is_empty()
            }
            Before::Interfaces { interfaces } => {
                let mut ok = true;
                for i in interfaces {
                    for n in self.aws.read_interfaces(&i.interface_id).await? {
                        let (mut a, mut b) = (n.groups.clone(), i.groups.clone());
                        a.sort();
                        b.sort();
                        ok &= a == b;
                    }
                }
                ok
            }
            Before::Finding {
                detector_id,
                finding_id,
                archived,
            } => self.aws.finding_archived(detector_id, finding_id).await? == Some(*archived),
            Before::Entry { .. } => false,
        })
    }
}
