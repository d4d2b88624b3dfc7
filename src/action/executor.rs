//! Carries out plans against AWS, with the journal written before and after every step.
//!
//! One action at a time across processes: the journal's lock is held while a plan reads the
//! resource (so it never reads one half-way through another action) and from the re-read
//! before the first change to the entry's end. A plan whose resource changed since it was
//! read is refused, as Terraform refuses a stale plan. A step whose answer was lost is read
//! back before it is called failed; a containment that fails with an interface on the
//! all-open group is rolled forward (or back) before secdash exits.

use super::cloud::Cloud;
use super::journal::{Actor, Event, Journal, JournalRead, Record, new_entry_id};
use super::kinds::{self, ActionSpec};
use super::plan::{ActionKind, Before, Plan};
use super::steps::Steps;
use crate::model::{AccountRef, SourceError};
use chrono::Utc;
use std::collections::HashMap;

pub use super::error::ActionError;
pub use super::request::Request;
pub use super::steps::same_rules;

/// Where an entry's records go: its id, its incident, under the journal's lock.
struct Journalled<'a> {
    entry: &'a str,
    incident: &'a str,
    lock: &'a crate::files::Lock,
}

/// How many times the read that verifies an action is tried before it is said to have failed.
const VERIFY_TRIES: u32 = 3;

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
    cloud: Box<dyn Cloud>,
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
    /// Where a long wait reports how it goes (the command line's stderr); none on the screen,
    /// whose pane shows the state.
    progress: Option<fn(&str)>,
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
            progress: None,
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
    /// Says how a change that takes minutes is going, as it waits for it.
    pub fn with_progress(mut self, progress: fn(&str)) -> Executor {
        self.progress = Some(progress);
        self
    }

    pub(crate) fn progress(&self, what: &str) {
        if let Some(p) = self.progress {
            p(what);
        }
    }

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
    pub(crate) fn here(&self, made_in: Option<&AccountRef>, what: &str) -> Result<(), ActionError> {
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
        if blocking.is_empty() || kind.is_restore() {
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

    pub(crate) fn record(&self, entry: &str, plan: &Plan, incident: &str, event: Event) -> Record {
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
        let spec = self.spec(plan.action)?;
        spec.still_current(self, &journal, plan).await?;
        if plan.action.is_restore() && plan.steps.is_empty() {
            return kinds::restore::resolve(self, plan, &journal, &lock).await;
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
            let outcome = match self.step(i, step, &mut groups).await {
                Ok(outcome) => outcome,
                Err(e) => {
                    let journalled = Journalled {
                        entry: &entry,
                        incident: &incident,
                        lock: &lock,
                    };
                    return Err(self.failed(spec, plan, i, e, &groups, journalled).await?);
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
        let read_back = self.verify_retrying(spec, plan, &groups, &journal).await;
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
                Err(ActionError::Underway(what)) => format!("✓ accepted, in progress: {what}"),
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

    /// One step, and what it did in words; a call that failed but acted (its answer lost) is
    /// read back before it is called failed.
    async fn step(
        &self,
        i: usize,
        step: &crate::action::plan::Step,
        groups: &mut HashMap<String, String>,
    ) -> Result<String, SourceError> {
        let mut result = if self.at(&format!("fail-step-{i}")) {
            Err(SourceError::Other("failed by the test hook".into()))
        } else {
            self.steps().run_step(step, groups).await
        };
        if result.is_ok() && self.at(&format!("lose-answer-step-{i}")) {
            result = Err(SourceError::Other("the answer was lost".into()));
        }
        match result {
            Ok(()) => Ok(step.describe().join("; ")),
            Err(e) if self.steps().took_effect(step, groups).await => Ok(format!(
                "{} (the call said: {e}; read back, it had acted)",
                step.describe().join("; ")
            )),
            Err(e) => Err(e),
        }
    }

    /// A step failed: journalled, then what the action does so nothing is left half-open
    /// (rolled forward or back), then the entry's end; the error says all of it.
    async fn failed(
        &self,
        spec: &dyn ActionSpec,
        plan: &Plan,
        step: usize,
        e: SourceError,
        groups: &HashMap<String, String>,
        at: Journalled<'_>,
    ) -> Result<ActionError, ActionError> {
        let rec = |event| self.record(at.entry, plan, at.incident, event);
        self.journal.append(
            &Record {
                step: Some(step),
                outcome: Some(e.to_string()),
                ..rec(Event::StepFailed)
            },
            at.lock,
        )?;
        let recovery = spec.recover(self, plan, groups).await;
        if !recovery.is_empty() {
            self.journal.append(
                &Record {
                    outcome: Some(recovery.clone()),
                    ..rec(Event::Recovered)
                },
                at.lock,
            )?;
        }
        self.journal.append(&rec(Event::Finished), at.lock)?;
        Ok(ActionError::StepFailed {
            entry: at.entry.to_string(),
            step,
            source: Box::new(e),
            recovery: if recovery.is_empty() {
                String::new()
            } else {
                format!("{recovery}. ")
            },
        })
    }

    /// The registry's entry for a plan's kind (a kind a newer secdash wrote is not acted on).
    fn spec(&self, kind: ActionKind) -> Result<&'static dyn ActionSpec, ActionError> {
        kinds::spec(kind).ok_or_else(|| {
            ActionError::Refused(format!(
                "{} is an action this secdash does not know (a newer one journalled it): nothing was done",
                kind.verb()
            ))
        })
    }

    /// Reads the target and works out exactly what will change, under the journal's lock (a
    /// resource half-way through another action is never read).
    pub async fn plan(&self, request: &Request) -> Result<Plan, ActionError> {
        self.guard()?;
        let journal = self.journal.read()?;
        self.healthy(&journal, request.kind)?;
        let spec = self.spec(request.kind)?;
        let lock = self.journal.lock()?;
        let mut plan = spec.plan(self, &journal, &request.target).await?;
        drop(lock);
        if plan.region.is_empty() {
            plan.region = self.cloud.region().to_string();
        }
        plan.account = self.account.clone();
        Ok(plan)
    }

    /// The verification read, tried again after a pause when it fails (a throttled read says
    /// nothing of the state): the last error when every try failed.
    async fn verify_retrying(
        &self,
        spec: &dyn ActionSpec,
        plan: &Plan,
        groups: &HashMap<String, String>,
        journal: &JournalRead,
    ) -> Result<bool, ActionError> {
        let mut pause = std::time::Duration::from_secs(1);
        let mut tries = 1;
        loop {
            match spec.verify(self, journal, plan, groups).await {
                Ok(v) => return Ok(v),
                // Waited already: reading again would only wait again.
                Err(e @ ActionError::Underway(_)) => return Err(e),
                Err(e) if tries >= VERIFY_TRIES => return Err(e),
                Err(e) => {
                    tracing::warn!(error = %e, tries, "verification read failed; trying again");
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    tries += 1;
                }
            }
        }
    }

    /// The cloud it acts on, for the kinds' reads and plans.
    pub(crate) fn cloud(&self) -> &dyn Cloud {
        self.cloud.as_ref()
    }

    /// The steps' runner on this cloud.
    pub(crate) fn steps(&self) -> Steps<'_> {
        Steps {
            cloud: self.cloud.as_ref(),
            pause_mid_revoke: self.at("pause-mid-step-0"),
        }
    }

    /// The incident new actions are journalled under.
    pub(crate) fn incident(&self) -> &str {
        &self.incident
    }

    /// The account of several it acts in.
    pub(crate) fn account(&self) -> Option<&AccountRef> {
        self.account.as_ref()
    }

    /// A restore may lift a session revocation early.
    pub(crate) fn forced(&self) -> bool {
        self.force
    }

    /// A plan whose resource changed since it was read.
    pub(crate) fn stale(&self, plan: &Plan, what: &str) -> ActionError {
        ActionError::Stale {
            target: plan.target.clone(),
            what: what.to_string(),
        }
    }

    /// An entry made with other credentials' account (the journal records who acted) is not
    /// restored with these, unless the operator typed that account (`allow_account`).
    pub(crate) fn reaches(&self, e: &crate::action::journal::Entry) -> Result<(), ActionError> {
        let made_in = e
            .account()
            .map(|a| a.id.clone())
            .or(e.actor.account.clone());
        let here = self
            .account
            .as_ref()
            .map(|a| a.id.clone())
            .or(self.actor.account.clone());
        match (made_in, here) {
            (Some(m), Some(h)) if m != h && self.allowed_account.as_deref() != Some(&m) => {
                Err(ActionError::Refused(format!(
                    "journal entry {} was made in account {m}, and this session acts in {h}: nothing was done; restore it from a session of that account, or with `secdash restore {}` on a terminal, which asks",
                    e.entry, e.entry
                )))
            }
            _ => Ok(()),
        }
    }

    /// The incident this plan will be journalled under (what a plan shows).
    pub fn incident_of(&self, plan: &Plan) -> Result<String, ActionError> {
        Ok(self.incident_for(plan, &self.journal.read()?))
    }

    /// The incident a record is journalled under: a restore belongs to the incident of what
    /// it undoes, unless the operator named one.
    fn incident_for(&self, plan: &Plan, journal: &JournalRead) -> String {
        if !plan.action.is_restore() || self.incident_named {
            return self.incident.clone();
        }
        let undone = match &plan.before {
            Before::Entries { entries } => entries.first().cloned(),
            Before::Entry { entry } => Some(entry.clone()),
            _ => None,
        };
        journal
            .records
            .iter()
            .find(|r| Some(&r.entry) == undone.as_ref())
            .map(|r| r.incident.clone())
            .unwrap_or_else(|| self.incident.clone())
    }
}
