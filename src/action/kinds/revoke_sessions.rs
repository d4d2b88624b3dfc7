//! `revoke-sessions`: revoke an IAM role's active sessions, as the IAM console does (AWSRevokeOlderSessions).

use super::{ActionSpec, Target, arg, value};
use crate::action::credentials::{
    PrincipalInfo, REVOKE_POLICY_NAME, duration_words, quarantine_notes, revoke_document,
    role_name, summary,
};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::{Before, Plan, Principal, Step};
use crate::model::{PaneId, SubjectKind};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use futures::future::BoxFuture;
use std::collections::HashMap;

pub struct RevokeSessions;

/// Denies every action to the role's sessions issued before `now`, as the IAM console's
/// "Revoke active sessions" does.
pub fn plan(
    role: &str,
    info: &PrincipalInfo,
    existing: Option<String>,
    now: DateTime<Utc>,
    region: &str,
) -> Plan {
    let principal = Principal::Role(role.to_string());
    let max = info.max_session_secs.unwrap_or(3600);
    let mut notes = vec![
        "It does not stop new sessions: whoever can assume the role can still get fresh credentials. Fix the trust policy or the source of the credentials too."
            .to_string(),
        format!(
            "The role's maximum session duration is {}: removing the policy before {} lets sessions issued before the revocation work again, so `secdash restore` refuses until then without --force.",
            duration_words(max),
            (now + Duration::seconds(max.into())).to_rfc3339_opts(SecondsFormat::Secs, true)
        ),
    ];
    if let Some(old) = &existing {
        notes.push(format!(
            "{principal} already has {REVOKE_POLICY_NAME} ({}); it is replaced with the later time, and a restore puts the old one back.",
            summary(old)
        ));
    }
    notes.extend(quarantine_notes(&principal, info));
    Plan {
        action: RevokeSessions.kind(),
        region: region.to_string(),
        target: role.to_string(),
        before: Before::InlinePolicy {
            principal: principal.clone(),
            policy_name: REVOKE_POLICY_NAME.to_string(),
            document: existing,
            max_session_secs: Some(max),
        },
        steps: vec![Step::PutInlinePolicy {
            principal,
            policy_name: REVOKE_POLICY_NAME.to_string(),
            document: revoke_document(now),
        }],
        notes,
        dry_run: None,
        confirm_by_hand: None,
        subject: Some(format!(
            "IAM role {role} ({}), maximum session duration {}",
            info.arn,
            duration_words(max)
        )),
        account: None,
    }
}

impl ActionSpec for RevokeSessions {
    fn verb(&self) -> &'static str {
        "revoke-sessions"
    }
    fn about(&self) -> &'static str {
        "Revoke an IAM role's active sessions, as the IAM console does (AWSRevokeOlderSessions)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("sessions revoked")
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
        (subject == SubjectKind::Role).then_some("revoke its sessions")
    }
    fn target_of_subject(&self, id: &str) -> Target {
        Target::Role(super::RoleName::new(id))
    }
    fn target_subject(&self, _target: &str) -> Option<SubjectKind> {
        Some(SubjectKind::Role)
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg("role", "ROLE_NAME_OR_ARN", "The role's name or ARN."))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Role(super::RoleName::new(value(args, "role")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let role = role_name(target.id());
            let principal = Principal::Role(role.clone());
            let info = ex.cloud().principal(&principal).await?.ok_or_else(|| {
                ActionError::NotFound(format!("no IAM role {role} in this account"))
            })?;
            if info.service_linked() {
                return Err(ActionError::Refused(format!(
                    "{role} is a service-linked role: IAM does not let it take an inline policy, so its sessions cannot be revoked this way"
                )));
            }
            let existing = ex
                .cloud()
                .inline_policy(&principal, REVOKE_POLICY_NAME)
                .await?;
            Ok(plan(
                &role,
                &info,
                existing,
                Utc::now(),
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

    use crate::action::credentials::{at_execution, check_release, must_stay_until};

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 2, h, m, 0).unwrap()
    }

    #[test]
    fn a_revocation_stays_for_the_maximum_session_duration() {
        let info = PrincipalInfo {
            arn: "arn:aws:iam::1:role/R".into(),
            path: "/".into(),
            max_session_secs: Some(7200),
            quarantine: vec![],
        };
        let p = plan("R", &info, None, t(3, 0), "r");
        assert_eq!(must_stay_until(&p), Some(t(5, 0)));
        let early = check_release(&[&p], t(4, 59), false).unwrap_err();
        assert!(early.contains("2026-12-02T05:00:00Z"), "{early}");
        assert!(early.contains("--force"), "{early}");
        assert!(check_release(&[&p], t(4, 59), true).is_ok());
        assert!(check_release(&[&p], t(5, 0), false).is_ok());
        // Executed later than planned: the cutoff moves to the moment of acting.
        let run = at_execution(&p, t(3, 10));
        assert_eq!(must_stay_until(&run), Some(t(5, 10)));
    }
}
