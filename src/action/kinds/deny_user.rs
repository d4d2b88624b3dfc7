//! `deny-user`: deny an IAM user every action with an inline policy named for the incident.

use super::{ActionSpec, Target, arg, value};
use crate::action::credentials::{
    PrincipalInfo, deny_all_document, deny_all_policy_name, quarantine_notes, same_document,
    summary,
};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::{Before, Plan, Principal, Step};
use crate::model::{PaneId, SubjectKind};
use futures::future::BoxFuture;
use std::collections::HashMap;

pub struct DenyUser;

/// Denies a user every action with an inline policy named for the incident; what had that
/// name before is kept for the restore.
pub fn plan(
    user: &str,
    info: &PrincipalInfo,
    existing: Option<String>,
    incident: &str,
    region: &str,
) -> Plan {
    let principal = Principal::User(user.to_string());
    let name = deny_all_policy_name(incident);
    let document = deny_all_document();
    let mut notes = vec![
        "An explicit deny overrides every allow: the user's keys, console password and the sessions obtained with them stop working for every action."
            .to_string(),
    ];
    if let Some(old) = &existing {
        notes.push(format!(
            "{principal} already has an inline policy {name}; it is replaced, and a restore puts back exactly what it was ({}).",
            summary(old)
        ));
    }
    notes.extend(quarantine_notes(&principal, info));
    let steps = if existing
        .as_deref()
        .is_some_and(|d| same_document(d, &document))
    {
        vec![]
    } else {
        vec![Step::PutInlinePolicy {
            principal: principal.clone(),
            policy_name: name.clone(),
            document,
        }]
    };
    Plan {
        action: DenyUser.kind(),
        region: region.to_string(),
        target: user.to_string(),
        before: Before::InlinePolicy {
            principal,
            policy_name: name,
            document: existing,
            max_session_secs: None,
        },
        steps,
        notes,
        dry_run: None,
        confirm_by_hand: None,
        subject: Some(format!("IAM user {} ({})", user, info.arn)),
        account: None,
    }
}

impl ActionSpec for DenyUser {
    fn verb(&self) -> &'static str {
        "deny-user"
    }
    fn about(&self) -> &'static str {
        "Deny an IAM user every action with an inline policy named for the incident."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("denied")
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
        (subject == SubjectKind::User).then_some("deny it everything")
    }
    fn target_of_subject(&self, id: &str) -> Target {
        Target::User(super::UserName::new(id))
    }
    fn target_subject(&self, _target: &str) -> Option<SubjectKind> {
        Some(SubjectKind::User)
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg("user", "USER_NAME", "The IAM user's name."))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::User(super::UserName::new(value(args, "user")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let user = target.id();
            let principal = Principal::User(user.to_string());
            let info = ex.cloud().principal(&principal).await?.ok_or_else(|| {
                ActionError::NotFound(format!("no IAM user {user} in this account"))
            })?;
            let name = deny_all_policy_name(ex.incident());
            let existing = ex.cloud().inline_policy(&principal, &name).await?;
            Ok(plan(
                user,
                &info,
                existing,
                ex.incident(),
                ex.cloud().region(),
            ))
        })
    }
    fn still_current<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
    ) -> BoxFuture<'a, Result<(), ActionError>> {
        Box::pin(async move {
            let Before::InlinePolicy {
                principal,
                policy_name,
                document,
                ..
            } = &plan.before
            else {
                return Ok(());
            };
            let unchanged = ex
                .steps()
                .policy_is(principal, policy_name, document.as_deref())
                .await?;
            match unchanged {
                true => Ok(()),
                false => Err(ex.stale(
                    plan,
                    &format!("its inline policy {policy_name} changed since"),
                )),
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
            let Before::InlinePolicy {
                principal,
                policy_name,
                document,
                ..
            } = &plan.before
            else {
                return Ok(false);
            };
            let want = plan.steps.iter().find_map(|s| match s {
                Step::PutInlinePolicy { document, .. } => Some(document.as_str()),
                _ => None,
            });
            // No step: the policy was already there.
            Ok(ex
                .steps()
                .policy_is(principal, policy_name, want.or(document.as_deref()))
                .await?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denying_a_user_keeps_what_had_the_name() {
        let old = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let p = plan(
            "alice",
            &PrincipalInfo::default(),
            Some(old.into()),
            "INC-1",
            "r",
        );
        let Before::InlinePolicy { document, .. } = &p.before else {
            panic!()
        };
        assert_eq!(document.as_deref(), Some(old));
        assert!(
            p.notes.iter().any(|n| n.contains("replaced")),
            "{:?}",
            p.notes
        );
        // Already denied: nothing to change.
        let again = plan(
            "alice",
            &PrincipalInfo::default(),
            Some(deny_all_document()),
            "INC-1",
            "r",
        );
        assert!(again.steps.is_empty());
    }
}
