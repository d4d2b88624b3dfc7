//! Reading the resource back: before a plan runs (is it still what was planned?), after a step
//! whose answer was lost (did it act?), after acting (verified?), and after a containment
//! failed with an interface on the all-open group (roll forward, else back).

use super::{ActionError, Executor};
use crate::action::credentials::same_document;
use crate::action::journal::JournalRead;
use crate::action::plan::{
    ActionKind, Before, GroupRef, GroupRole, KeyStatus, Plan, Principal, RuleSpec, Step,
};
use crate::action::restore::{self, Current, Leftovers, Original};
use crate::model::SourceError;
use std::collections::HashMap;

/// The same set of grants, whatever the ids and descriptions.
fn same_rules(a: &[RuleSpec], b: &[RuleSpec]) -> bool {
    a.iter().all(|x| b.iter().any(|y| y.same_grant(x)))
        && b.iter().all(|y| a.iter().any(|x| x.same_grant(y)))
}

fn same_groups(a: &[String], b: &[String]) -> bool {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort();
    b.sort();
    a == b
}

/// The groups a containment plan creates, by role: (name, VPC).
pub(super) fn contain_groups(p: &Plan, want: GroupRole) -> Vec<(String, String)> {
    p.steps
        .iter()
        .filter_map(|s| match s {
            Step::EnsureGroup { name, vpc_id, role } if *role == want => {
                Some((name.clone(), vpc_id.clone()))
            }
            _ => None,
        })
        .collect()
}

/// The plans a restore undoes, from the journal.
fn undone_plans<'a>(plan: &Plan, journal: &'a JournalRead) -> Vec<&'a Plan> {
    let ids: Vec<String> = match &plan.before {
        Before::Entries { entries } => entries.clone(),
        Before::Entry { entry } => vec![entry.clone()],
        _ => vec![],
    };
    ids.iter()
        .filter_map(|id| {
            journal
                .records
                .iter()
                .find(|r| &r.entry == id && r.plan.is_some())
                .and_then(|r| r.plan.as_ref())
        })
        .collect()
}

/// How many times the read that verifies an action is tried before it is said to have failed.
const VERIFY_TRIES: u32 = 3;

impl Executor {
    /// The verification read, tried again after a pause when it fails (a throttled read says
    /// nothing of the state): the last error when every try failed.
    pub(super) async fn verify_retrying(
        &self,
        plan: &Plan,
        groups: &HashMap<String, String>,
        journal: &JournalRead,
    ) -> Result<bool, ActionError> {
        let mut pause = std::time::Duration::from_secs(1);
        let mut tries = 1;
        loop {
            match self.verify(plan, groups, journal).await {
                Ok(v) => return Ok(v),
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

    /// The state a restore starts from: the target's now, and what a containment may have
    /// left behind (tags, a temporary all-open group).
    pub(super) async fn current(
        &self,
        plans: &[&Plan],
    ) -> Result<(Current, Leftovers), ActionError> {
        let Some(original) = restore::original(plans) else {
            return Ok((Current::Rules(vec![]), Leftovers::default()));
        };
        Ok(match original {
            Original::Rules { group_id, .. } => (
                Current::Rules(self.cloud.read_group(&group_id).await?.1),
                Leftovers::default(),
            ),
            Original::Interfaces(interfaces) => {
                let mut now = Vec::new();
                let mut resources = Vec::new();
                for i in &interfaces {
                    for read in self.cloud.read_interfaces(&i.interface_id).await? {
                        now.push((read.interface_id, read.groups));
                    }
                    resources.push(i.interface_id.clone());
                    resources.extend(i.instance_id.clone());
                }
                let mut temp_groups = Vec::new();
                for p in plans {
                    for (name, vpc) in contain_groups(p, GroupRole::Temporary) {
                        if self.cloud.find_group(&vpc, &name).await?.is_some()
                            && !temp_groups.contains(&(name.clone(), vpc.clone()))
                        {
                            temp_groups.push((name, vpc));
                        }
                    }
                }
                let leftovers = Leftovers {
                    tagged: self.cloud.tagged(&resources).await?,
                    temp_groups,
                };
                (Current::Interfaces(now), leftovers)
            }
            Original::Finding {
                detector_id,
                finding_id,
                ..
            } => (
                Current::Archived(
                    self.cloud
                        .finding_archived(&detector_id, &finding_id)
                        .await?
                        .unwrap_or(false),
                ),
                Leftovers::default(),
            ),
            Original::AccessKey { access_key_id, .. } => (
                Current::KeyStatus(self.key_status(&access_key_id).await?),
                Leftovers::default(),
            ),
            Original::InlinePolicies(policies) => {
                let mut now = Vec::new();
                for p in &policies {
                    now.push(
                        self.cloud
                            .inline_policy(&p.principal, &p.policy_name)
                            .await?,
                    );
                }
                (Current::Policies(now), Leftovers::default())
            }
        })
    }

    async fn key_status(&self, access_key_id: &str) -> Result<Option<KeyStatus>, SourceError> {
        Ok(self
            .cloud
            .access_key(access_key_id)
            .await?
            .map(|k| k.status))
    }

    /// Whether the inline policy reads as this document (`None`: absent).
    async fn policy_is(
        &self,
        principal: &Principal,
        policy_name: &str,
        want: Option<&str>,
    ) -> Result<bool, SourceError> {
        let now = self.cloud.inline_policy(principal, policy_name).await?;
        Ok(match (now.as_deref(), want) {
            (Some(a), Some(b)) => same_document(a, b),
            (None, None) => true,
            _ => false,
        })
    }

    /// Refuses a plan whose resource changed since it was read (the operator confirmed what
    /// the plan showed, not what is there now).
    pub(super) async fn still_current(
        &self,
        plan: &Plan,
        journal: &JournalRead,
    ) -> Result<(), ActionError> {
        let stale = |what: &str| ActionError::Stale {
            target: plan.target.clone(),
            what: what.to_string(),
        };
        match (&plan.action, &plan.before) {
            (ActionKind::Restore, Before::Entries { entries }) => {
                let now = self.plan_restore(entries, journal).await?;
                if now.steps != plan.steps {
                    return Err(stale("what a restore must change is not what was planned"));
                }
            }
            (
                ActionKind::Isolate,
                Before::Group {
                    group_id, rules, ..
                },
            ) => {
                let (_, now) = self.cloud.read_group(group_id).await?;
                if !same_rules(rules, &now) {
                    return Err(stale("its rules are not those planned"));
                }
            }
            (
                ActionKind::Revoke,
                Before::Group {
                    group_id, rules, ..
                },
            ) => {
                let (_, now) = self.cloud.read_group(group_id).await?;
                if !restore::missing_rules(rules, &now).is_empty() {
                    return Err(stale("the rule is gone"));
                }
            }
            // Finishing a containment: each interface must still be on its all-open group.
            (ActionKind::Contain, Before::Interfaces { interfaces })
                if crate::action::plan::rolls_forward(plan) =>
            {
                for i in interfaces {
                    let now = self.cloud.read_interface_state(&i.interface_id).await?;
                    let stranded = now.iter().all(|n| {
                        n.group_names
                            .iter()
                            .any(|g| g.starts_with("secdash-contain-temp-"))
                    });
                    if !stranded {
                        return Err(stale(&format!(
                            "{} is no longer on the all-open temporary group",
                            i.interface_id
                        )));
                    }
                }
            }
            (ActionKind::Contain, Before::Interfaces { interfaces }) => {
                for i in interfaces {
                    let now = self.cloud.read_interfaces(&i.interface_id).await?;
                    if !now.iter().all(|n| same_groups(&n.groups, &i.groups)) {
                        return Err(stale(&format!(
                            "{} is no longer on the groups planned",
                            i.interface_id
                        )));
                    }
                }
            }
            (
                ActionKind::Archive | ActionKind::Unarchive,
                Before::Finding {
                    detector_id,
                    finding_id,
                    archived,
                },
            ) => {
                let now = self.cloud.finding_archived(detector_id, finding_id).await?;
                if now != Some(*archived) {
                    return Err(stale("it was archived or unarchived since"));
                }
            }
            (
                ActionKind::DisableKey,
                Before::AccessKey {
                    access_key_id,
                    status,
                    ..
                },
            ) => {
                let now = self.key_status(access_key_id).await?;
                if now != Some(*status) {
                    return Err(stale("its status changed, or it was deleted"));
                }
            }
            (
                ActionKind::DenyUser | ActionKind::RevokeSessions,
                Before::InlinePolicy {
                    principal,
                    policy_name,
                    document,
                    ..
                },
            ) => {
                let unchanged = self
                    .policy_is(principal, policy_name, document.as_deref())
                    .await?;
                if !unchanged {
                    return Err(stale(&format!(
                        "its inline policy {policy_name} changed since"
                    )));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// After a call failed: whether the step acted anyway (its answer lost). Idempotent calls
    /// are made once more; the others are read back.
    pub(super) async fn took_effect(
        &self,
        step: &Step,
        groups: &mut HashMap<String, String>,
    ) -> bool {
        let read = async {
            Ok::<bool, SourceError>(match step {
                Step::RevokeRules { group_id, rules } => {
                    let (_, now) = self.cloud.read_group(group_id).await?;
                    restore::missing_rules(rules, &now).len() == rules.len()
                }
                Step::AuthorizeRules { group_id, rules } => {
                    let (_, now) = self.cloud.read_group(group_id).await?;
                    restore::missing_rules(rules, &now).is_empty()
                }
                Step::EnsureGroup { name, vpc_id, role } => {
                    match self.cloud.find_group(vpc_id, name).await? {
                        // An isolation group that still has a rule is not made yet.
                        Some(id) if *role == GroupRole::Isolation => {
                            let open = !self.cloud.read_group(&id).await?.1.is_empty();
                            groups.insert(name.clone(), id);
                            !open
                        }
                        Some(id) => {
                            groups.insert(name.clone(), id);
                            true
                        }
                        None => false,
                    }
                }
                Step::SetInterfaceGroups {
                    interface_id,
                    groups: want,
                } => {
                    let mut ids = Vec::new();
                    for g in want {
                        match g {
                            GroupRef::Id(id) => ids.push(id.clone()),
                            GroupRef::Named(n) => match groups.get(n) {
                                Some(id) => ids.push(id.clone()),
                                None => return Ok(false),
                            },
                        }
                    }
                    let now = self.cloud.read_interfaces(interface_id).await?;
                    !now.is_empty() && now.iter().all(|n| same_groups(&n.groups, &ids))
                }
                Step::DeleteGroup { group } => {
                    let id = match group {
                        GroupRef::Id(id) => id.clone(),
                        GroupRef::Named(n) => match groups.get(n) {
                            Some(id) => id.clone(),
                            None => return Ok(false),
                        },
                    };
                    matches!(
                        self.cloud.read_group(&id).await,
                        Err(SourceError::Api { code, .. }) if code == "InvalidGroup.NotFound"
                    )
                }
                Step::DeleteGroupNamed { name, vpc_id } => {
                    self.cloud.find_group(vpc_id, name).await?.is_none()
                }
                Step::SetAccessKeyStatus {
                    access_key_id,
                    status,
                    ..
                } => self.key_status(access_key_id).await? == Some(*status),
                Step::PutInlinePolicy {
                    principal,
                    policy_name,
                    document,
                } => {
                    self.policy_is(principal, policy_name, Some(document))
                        .await?
                }
                Step::DeleteInlinePolicy {
                    principal,
                    policy_name,
                } => self.policy_is(principal, policy_name, None).await?,
                Step::Tag { .. }
                | Step::Untag { .. }
                | Step::ArchiveFindings { .. }
                | Step::UnarchiveFindings { .. } => self.run_step(step, groups).await.is_ok(),
            })
        };
        match read.await {
            Ok(done) => done,
            Err(e) => {
                tracing::warn!(error = %e, "reading back after a failed step");
                false
            }
        }
    }

    /// Reads the resource again after acting: EC2 raises no error for a revoke that matched
    /// nothing.
    pub(super) async fn verify(
        &self,
        plan: &Plan,
        groups: &HashMap<String, String>,
        journal: &JournalRead,
    ) -> Result<bool, ActionError> {
        if plan.action == ActionKind::Restore {
            let undone = undone_plans(plan, journal);
            return self.verify_restored(&undone).await;
        }
        Ok(match (plan.action, &plan.before) {
            (
                ActionKind::Isolate | ActionKind::Revoke,
                Before::Group {
                    group_id, rules, ..
                },
            ) => {
                let (_, now) = self.cloud.read_group(group_id).await?;
                rules.iter().all(|r| !now.iter().any(|n| n.same_grant(r)))
            }
            (ActionKind::Contain, Before::Interfaces { interfaces }) => {
                let isolation = contain_groups(plan, GroupRole::Isolation);
                let mut ok = true;
                // "No rules at all": an isolation group with one lets the host talk.
                for (name, _) in &isolation {
                    if let Some(id) = groups.get(name) {
                        ok &= self.cloud.read_group(id).await?.1.is_empty();
                    }
                }
                for i in interfaces {
                    let want = isolation
                        .iter()
                        .find(|(_, vpc)| *vpc == i.vpc_id)
                        .and_then(|(name, _)| groups.get(name));
                    let now = self.cloud.read_interfaces(&i.interface_id).await?;
                    ok &= now
                        .iter()
                        .all(|n| Some(&n.groups) == want.map(|w| vec![w.clone()]).as_ref());
                }
                for (name, vpc) in contain_groups(plan, GroupRole::Temporary) {
                    ok &= self.cloud.find_group(&vpc, &name).await?.is_none();
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
                self.cloud.finding_archived(detector_id, finding_id).await? == Some(want)
            }
            (ActionKind::DisableKey, Before::AccessKey { access_key_id, .. }) => {
                self.key_status(access_key_id).await? == Some(KeyStatus::Inactive)
            }
            (
                ActionKind::DenyUser | ActionKind::RevokeSessions,
                Before::InlinePolicy {
                    principal,
                    policy_name,
                    document,
                    ..
                },
            ) => {
                let want = plan.steps.iter().find_map(|s| match s {
                    Step::PutInlinePolicy { document, .. } => Some(document.as_str()),
                    _ => None,
                });
                // No step: the policy was already there.
                self.policy_is(principal, policy_name, want.or(document.as_deref()))
                    .await?
            }
            _ => false,
        })
    }

    /// Whether the target is back as it was before the first of these plans: every rule any
    /// of them revoked, each interface's groups (and no temporary group left), the finding's
    /// state.
    async fn verify_restored(&self, undone: &[&Plan]) -> Result<bool, ActionError> {
        Ok(match restore::original(undone) {
            None => true,
            Some(Original::Rules { group_id, rules }) => {
                let (_, now) = self.cloud.read_group(&group_id).await?;
                restore::missing_rules(&rules, &now).is_empty()
            }
            Some(Original::Interfaces(interfaces)) => {
                let mut ok = true;
                for i in &interfaces {
                    for n in self.cloud.read_interfaces(&i.interface_id).await? {
                        ok &= same_groups(&n.groups, &i.groups);
                    }
                }
                for p in undone {
                    for (name, vpc) in contain_groups(p, GroupRole::Temporary) {
                        ok &= self.cloud.find_group(&vpc, &name).await?.is_none();
                    }
                }
                ok
            }
            Some(Original::Finding {
                detector_id,
                finding_id,
                archived,
            }) => {
                self.cloud
                    .finding_archived(&detector_id, &finding_id)
                    .await?
                    == Some(archived)
            }
            Some(Original::AccessKey {
                access_key_id,
                status,
                ..
            }) => self.key_status(&access_key_id).await? == Some(status),
            Some(Original::InlinePolicies(policies)) => {
                // Each one byte for byte: what was there before is what IAM returns now.
                let mut ok = true;
                for p in &policies {
                    ok &= self
                        .cloud
                        .inline_policy(&p.principal, &p.policy_name)
                        .await?
                        == p.document;
                }
                ok
            }
        })
    }
}
