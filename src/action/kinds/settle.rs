//! What every platform action shares: the setting its plan read before, the one its step
//! writes, refusing a plan whose resource changed since, and waiting (bounded, with progress)
//! for a change that takes minutes, as a notebook's `Stopping` or an endpoint's `Updating`.

use crate::action::executor::{ActionError, Executor};
use crate::action::plan::{Before, Plan, Step};
use crate::action::platform::{Reading, Resource, Setting, read_setting};
use std::time::Duration;

/// How long an action waits for a change under way before it says "in progress" and stops
/// waiting (`SECDASH_SETTLE_SECS` overrides it: an endpoint update can take ten minutes).
const SETTLE_SECS: u64 = 300;

fn settle_bound() -> Duration {
    let secs = std::env::var("SECDASH_SETTLE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SETTLE_SECS);
    Duration::from_secs(secs)
}

/// The resource and setting a plan read before it.
pub fn before(plan: &Plan) -> Option<(&Resource, &Setting)> {
    match &plan.before {
        Before::Setting {
            resource, setting, ..
        } => Some((resource, setting)),
        _ => None,
    }
}

/// The setting the plan's last step writes.
pub fn written(plan: &Plan) -> Option<(&Resource, &Setting)> {
    plan.steps.iter().rev().find_map(|s| match s {
        Step::Write { resource, setting } => Some((resource, setting)),
        _ => None,
    })
}

/// Refuses a plan whose resource changed since it was read.
pub async fn unchanged(ex: &Executor, plan: &Plan) -> Result<(), ActionError> {
    let Some((resource, setting)) = before(plan) else {
        return Ok(());
    };
    match read_setting(ex.cloud(), resource, setting.aspect()).await? {
        Some(now) if now.setting.same(setting) => Ok(()),
        Some(now) => Err(ex.stale(
            plan,
            &format!(
                "it reads {} now",
                crate::sanitize::clean(&now.state_words())
            ),
        )),
        None => Err(ex.stale(plan, "it is gone")),
    }
}

impl Reading {
    /// The state in words, for a refusal.
    pub fn state_words(&self) -> String {
        match &self.setting {
            Setting::Status { status } => status.clone(),
            Setting::EndpointConfig { config } => format!("endpoint config {config}"),
            Setting::Approval { status, .. } => status.clone(),
            Setting::Policy { document: None } => "no policy".into(),
            Setting::Policy { .. } => "another policy".into(),
            Setting::Weights { .. } => "other variant weights".into(),
            Setting::NotebookAccess { .. } => "other settings".into(),
        }
    }
}

/// Waits until the resource reads as `want`: `Ok(true)` when it does, `Ok(false)` when it
/// reads otherwise and is not heading there, `Underway` when it still is at the bound.
pub async fn arrived(
    ex: &Executor,
    resource: &Resource,
    want: &Setting,
) -> Result<bool, ActionError> {
    let start = std::time::Instant::now();
    let mut pause = Duration::from_secs(1);
    loop {
        let Some(now) = read_setting(ex.cloud(), resource, want.aspect()).await? else {
            return Ok(false);
        };
        if now.setting.same(want) {
            return Ok(true);
        }
        if !now.heading().same(want) {
            return Ok(false);
        }
        let waited = start.elapsed();
        if waited >= settle_bound() {
            return Err(ActionError::Underway(format!(
                "{} is still {} after {} s: the change was accepted and is in progress; `secdash journal` and the pane show when it arrives",
                resource.label(),
                crate::sanitize::clean(&now.state),
                waited.as_secs()
            )));
        }
        ex.progress(&format!(
            "{} is {}: waiting ({} s so far)",
            resource.label(),
            crate::sanitize::clean(&now.state),
            waited.as_secs()
        ));
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(15));
    }
}

/// Verifies a platform action: the resource reads as its last step wrote.
pub async fn verify(ex: &Executor, plan: &Plan) -> Result<bool, ActionError> {
    match written(plan) {
        Some((resource, setting)) => arrived(ex, resource, setting).await,
        // Nothing to write: it was already so.
        None => Ok(true),
    }
}

/// The endpoint, when it is InService: an update under way must end before another starts.
/// `can` says what it could then be ("it can be rolled back").
pub async fn endpoint_in_service(
    ex: &Executor,
    name: &str,
    can: &str,
) -> Result<crate::action::platform::EndpointInfo, ActionError> {
    let e =
        ex.cloud().endpoint(name).await?.ok_or_else(|| {
            ActionError::NotFound(format!("SageMaker knows no endpoint {name} here"))
        })?;
    if e.status != "InService" {
        return Err(ActionError::Refused(format!(
            "endpoint {name} is {}: {can} once it is InService (try again in a few minutes)",
            crate::sanitize::clean(&e.status)
        )));
    }
    Ok(e)
}

/// Refuses an action on a resource already as it would leave it (a second stop of a stopped
/// notebook), or on its way there.
pub fn refuse_if_already(
    resource: &Resource,
    now: &Reading,
    want: &Setting,
    words: &str,
) -> Result<(), ActionError> {
    if now.setting.same(want) || now.heading().same(want) {
        return Err(ActionError::Refused(format!(
            "{} is already {words}: nothing to do",
            resource.label()
        )));
    }
    Ok(())
}

/// A platform action's plan: one setting of one resource written.
pub struct Change {
    pub resource: Resource,
    pub before: Setting,
    pub after: Setting,
    pub subject: String,
    pub notes: Vec<String>,
    /// What the change removes that an investigator will want (a lifecycle script).
    pub evidence: Option<String>,
    /// Why `--yes` is not enough (a target secdash proposed from a guess).
    pub confirm_by_hand: Option<String>,
}

impl Change {
    pub fn plan(self, kind: crate::action::plan::ActionKind, ex: &Executor) -> Plan {
        Plan {
            action: kind,
            region: ex.cloud().region().to_string(),
            target: self.resource.name().to_string(),
            steps: vec![Step::Write {
                resource: self.resource.clone(),
                setting: self.after,
            }],
            before: Before::Setting {
                resource: self.resource,
                setting: self.before,
                evidence: self.evidence,
            },
            notes: self.notes,
            dry_run: None,
            confirm_by_hand: self.confirm_by_hand,
            subject: Some(crate::sanitize::clean(&self.subject)),
            account: None,
        }
    }
}

/// The platform target of a request (other targets are not these actions').
pub fn platform_target(
    target: &crate::action::kinds::Target,
) -> Result<&crate::action::kinds::target::PlatformTarget, ActionError> {
    match target {
        crate::action::kinds::Target::Platform(p) => Ok(p),
        other => Err(ActionError::NotFound(format!(
            "{} is not a platform resource",
            other.id()
        ))),
    }
}
