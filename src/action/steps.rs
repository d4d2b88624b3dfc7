//! The mutating calls a plan is made of, one `Step` at a time: how each runs against the cloud,
//! and how to read back whether one acted when its answer was lost. Shared by every action:
//! a new action adds its steps here (and their calls to `cloud.rs`).

use super::cloud::Cloud;
use super::documents::same_document;
use super::plan::{GroupRef, GroupRole, KeyStatus, Principal, RuleSpec, Step};
use super::restore;
use crate::model::{Direction, SourceError};
use std::collections::HashMap;

/// The same set of grants, whatever the ids and descriptions.
pub fn same_rules(a: &[RuleSpec], b: &[RuleSpec]) -> bool {
    a.iter().all(|x| b.iter().any(|y| y.same_grant(x)))
        && b.iter().all(|y| a.iter().any(|x| x.same_grant(y)))
}

pub fn same_groups(a: &[String], b: &[String]) -> bool {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort();
    b.sort();
    a == b
}

/// Runs steps against one cloud; `groups` are the containment groups made so far, by name.
pub struct Steps<'a> {
    pub cloud: &'a dyn Cloud,
    /// Test hook: wait between an isolation's ingress and egress revokes.
    pub pause_mid_revoke: bool,
}

impl Steps<'_> {
    pub async fn key_status(&self, access_key_id: &str) -> Result<Option<KeyStatus>, SourceError> {
        Ok(self
            .cloud
            .access_key(access_key_id)
            .await?
            .map(|k| k.status))
    }

    /// Whether the inline policy reads as this document (`None`: absent).
    pub async fn policy_is(
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

    /// After a call failed: whether the step acted anyway (its answer lost). Idempotent calls
    /// are made once more; the others are read back.
    pub async fn took_effect(&self, step: &Step, groups: &mut HashMap<String, String>) -> bool {
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
                // Accepted is enough: a change under way (a notebook Stopping) has acted.
                Step::Write { resource, setting } => {
                    super::platform::read_setting(self.cloud, resource, setting.aspect())
                        .await?
                        .is_some_and(|r| r.heading().same(setting))
                }
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

    pub async fn run_step(
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
                if self.pause_mid_revoke {
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
            Step::Write { resource, setting } => self.cloud.write_setting(resource, setting).await,
        }
    }
}
