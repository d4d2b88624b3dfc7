//! `disable-key`: deactivate an IAM access key (restore activates it again).

use super::{ActionSpec, Target, arg, value};
use crate::action::credentials::{AccessKeyInfo, LastUsed, PrincipalInfo, day, quarantine_notes};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::KeyStatus;
use crate::action::plan::{Before, Plan, Principal, Step};
use crate::model::{PaneId, SubjectKind};
use futures::future::BoxFuture;
use std::collections::HashMap;

pub struct DisableKey;

/// Deactivates one access key: the plan names its user, its age, its last use and the user's
/// other keys.
pub fn plan(key: &AccessKeyInfo, user: &PrincipalInfo, region: &str) -> Plan {
    let mut steps = Vec::new();
    if key.status == KeyStatus::Active {
        steps.push(Step::SetAccessKeyStatus {
            user: key.user.clone(),
            access_key_id: key.access_key_id.clone(),
            status: KeyStatus::Inactive,
        });
    }
    let used = match &key.last_used {
        Some(LastUsed {
            time: Some(t),
            region,
            service,
        }) => format!(
            "last used {} in {} for {}",
            day(&Some(*t)),
            region.as_deref().unwrap_or("an unknown region"),
            service.as_deref().unwrap_or("an unknown service")
        ),
        _ => "never used".to_string(),
    };
    let mut notes = vec![
        "Deactivating a key does not end sessions already obtained with it (sts:GetSessionToken, sts:AssumeRole): deny the user or revoke the role's sessions for those."
            .to_string(),
    ];
    if key.status == KeyStatus::Inactive {
        notes.push(format!("{} is already inactive.", key.access_key_id));
    }
    if key.other_keys.is_empty() {
        notes.push(format!("{} has no other access key.", key.user));
    } else {
        notes.push(format!(
            "{}'s other keys: {}.",
            key.user,
            key.other_keys
                .iter()
                .map(|(id, status, created)| format!(
                    "{id} ({}, created {})",
                    status.as_str(),
                    day(created)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    notes.extend(quarantine_notes(&Principal::User(key.user.clone()), user));
    Plan {
        action: DisableKey.kind(),
        region: region.to_string(),
        target: key.access_key_id.clone(),
        before: Before::AccessKey {
            user: key.user.clone(),
            access_key_id: key.access_key_id.clone(),
            status: key.status,
        },
        steps,
        notes,
        dry_run: None,
        confirm_by_hand: None,
        subject: Some(format!(
            "access key {} of user {}, {}, created {}, {used}",
            key.access_key_id,
            key.user,
            key.status.as_str(),
            day(&key.created)
        )),
        account: None,
    }
}

impl ActionSpec for DisableKey {
    fn verb(&self) -> &'static str {
        "disable-key"
    }
    fn about(&self) -> &'static str {
        "Deactivate an IAM access key (restore activates it again)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("key disabled")
    }
    fn destructive(&self) -> bool {
        true
    }
    fn credential(&self) -> bool {
        true
    }
    fn pane(&self) -> PaneId {
        // Credentials are reached from the findings that name them.
        PaneId::Findings
    }
    fn refresh(&self) -> &'static [PaneId] {
        &[PaneId::Findings]
    }
    fn contains(&self, subject: SubjectKind) -> Option<&'static str> {
        (subject == SubjectKind::AccessKey).then_some("disable the key")
    }
    fn target_of_subject(&self, id: &str) -> Target {
        Target::AccessKey(super::AccessKeyId::new(id))
    }
    fn target_subject(&self, _target: &str) -> Option<SubjectKind> {
        Some(SubjectKind::AccessKey)
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg(
            "access_key_id",
            "ACCESS_KEY_ID",
            "The access key (AKIA…), as a finding's details show it.",
        ))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::AccessKey(super::AccessKeyId::new(value(args, "access_key_id")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let access_key_id = target.id();
            let key = ex.cloud().access_key(access_key_id).await?.ok_or_else(|| {
                ActionError::NotFound(format!(
                    "IAM knows no access key {access_key_id} in this account"
                ))
            })?;
            let user = ex
                .cloud()
                .principal(&Principal::User(key.user.clone()))
                .await?
                .unwrap_or_default();
            Ok(plan(&key, &user, ex.cloud().region()))
        })
    }
    fn still_current<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
    ) -> BoxFuture<'a, Result<(), ActionError>> {
        Box::pin(async move {
            let Before::AccessKey {
                access_key_id,
                status,
                ..
            } = &plan.before
            else {
                return Ok(());
            };
            match ex.steps().key_status(access_key_id).await? == Some(*status) {
                true => Ok(()),
                false => Err(ex.stale(plan, "its status changed, or it was deleted")),
            }
        })
    }
    fn verify<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
        _groups: &'a HashMap<String, String>,
    ) -> BoxFuture<'a, Result<bool, ActionError>> {
        Box::pin(async move {
            let Before::AccessKey { access_key_id, .. } = &plan.before else {
                return Ok(false);
            };
            Ok(ex.steps().key_status(access_key_id).await? == Some(KeyStatus::Inactive))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 2, h, m, 0).unwrap()
    }

    #[test]
    fn a_disable_plan_names_the_key_its_use_and_the_other_keys() {
        let key = AccessKeyInfo {
            access_key_id: "AKIA1".into(),
            user: "alice".into(),
            status: KeyStatus::Active,
            created: Some(t(1, 0)),
            last_used: Some(LastUsed {
                time: Some(t(2, 0)),
                region: Some("us-east-1".into()),
                service: Some("s3".into()),
            }),
            other_keys: vec![("AKIA2".into(), KeyStatus::Inactive, None)],
        };
        let user = PrincipalInfo {
            quarantine: vec!["AWSCompromisedKeyQuarantineV3".into()],
            ..Default::default()
        };
        let p = plan(&key, &user, "r");
        let subject = p.subject.clone().unwrap();
        assert!(
            subject.contains("last used 2026-12-02 02:00 UTC in us-east-1 for s3"),
            "{subject}"
        );
        assert!(
            p.notes.iter().any(|n| n.contains("AKIA2 (Inactive")),
            "{:?}",
            p.notes
        );
        assert!(
            p.notes
                .iter()
                .any(|n| n.contains("AWSCompromisedKeyQuarantineV3"))
        );
        assert_eq!(
            p.steps[0].describe(),
            ["deactivate access key AKIA1 of user alice"]
        );
    }
}
