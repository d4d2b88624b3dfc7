//! Containing compromised IAM credentials, the way AWS's own runbook
//! (`AWSSupport-ContainIAMPrincipal`) and the IAM console do it: deactivate a key, deny a user
//! everything with an inline policy, deny a role's sessions issued before now. Nothing is
//! deleted; each plan keeps the exact before-state so a restore puts it back. Pure: the executor
//! reads IAM, these functions decide.

use super::plan::{ActionKind, Before, KeyStatus, Plan, Principal, Step};
pub use crate::model::{AccessKeyInfo, LastUsed, PrincipalInfo};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

/// The IAM console's name for the policy that revokes a role's older sessions.
pub const REVOKE_POLICY_NAME: &str = "AWSRevokeOlderSessions";

/// Managed policies AWS attaches to a principal whose key it found exposed. A signal to show;
/// secdash never removes them.
pub const QUARANTINE_PREFIX: &str = "AWSCompromisedKeyQuarantine";

/// The role's name from a name or an ARN (`arn:aws:iam::1:role/path/name`).
pub fn role_name(name_or_arn: &str) -> String {
    match name_or_arn.split_once(":role/") {
        Some((_, rest)) => rest.rsplit('/').next().unwrap_or(rest).to_string(),
        None => name_or_arn.to_string(),
    }
}

/// The inline deny-all policy of an incident: the name carries the incident id.
pub fn deny_all_policy_name(incident: &str) -> String {
    format!("secdash-deny-all-{incident}")
}

pub fn deny_all_document() -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "SecdashIncidentDenyAll",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*"
        }]
    })
    .to_string()
}

/// The IAM console's revoke-sessions policy: every action denied to tokens issued before
/// `cutoff`.
pub fn revoke_document(cutoff: DateTime<Utc>) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Action": ["*"],
            "Resource": ["*"],
            "Condition": {
                "DateLessThan": {
                    "aws:TokenIssueTime": cutoff.to_rfc3339_opts(SecondsFormat::Millis, true)
                }
            }
        }]
    })
    .to_string()
}

/// The cutoff of a revoke-sessions document: tokens issued before it are denied.
pub fn revocation_cutoff(document: &str) -> Option<DateTime<Utc>> {
    let doc: Value = serde_json::from_str(document).ok()?;
    let statements = match &doc["Statement"] {
        Value::Array(a) => a.clone(),
        s @ Value::Object(_) => vec![s.clone()],
        _ => return None,
    };
    statements.iter().find_map(|s| {
        let t = s["Condition"]["DateLessThan"]["aws:TokenIssueTime"].as_str()?;
        DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    })
}

/// The same policy, whatever the whitespace and key order.
pub fn same_document(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// A policy document in a few words, for a plan's step.
pub fn summary(document: &str) -> String {
    if same_document(document, &deny_all_document()) {
        return "deny every action on every resource".to_string();
    }
    if let Some(cutoff) = revocation_cutoff(document) {
        return format!(
            "deny every action to sessions issued before {}",
            cutoff.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
    }
    let statements = serde_json::from_str::<Value>(document)
        .ok()
        .map(|d| match &d["Statement"] {
            Value::Array(a) => a.len(),
            Value::Object(_) => 1,
            _ => 0,
        })
        .unwrap_or(0);
    format!(
        "the document kept in the journal ({statements} statement(s), {} bytes)",
        document.len()
    )
}

fn day(t: &Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

fn quarantine_notes(principal: &Principal, info: &PrincipalInfo) -> Vec<String> {
    info.quarantine
        .iter()
        .map(|q| {
            format!(
                "AWS has attached {q} to {principal}: AWS found a key of it exposed. secdash leaves that policy in place."
            )
        })
        .collect()
}

/// Deactivates one access key: the plan names its user, its age, its last use and the user's
/// other keys.
pub fn disable_key(key: &AccessKeyInfo, user: &PrincipalInfo, region: &str) -> Plan {
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
        action: ActionKind::DisableKey,
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

/// Denies a user every action with an inline policy named for the incident; what had that
/// name before is kept for the restore.
pub fn deny_user(
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
        action: ActionKind::DenyUser,
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
        subject: Some(format!("IAM user {} ({})", user, info.arn)),
        account: None,
    }
}

/// Denies every action to the role's sessions issued before `now`, as the IAM console's
/// "Revoke active sessions" does.
pub fn revoke_sessions(
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
        action: ActionKind::RevokeSessions,
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
        subject: Some(format!(
            "IAM role {role} ({}), maximum session duration {}",
            info.arn,
            duration_words(max)
        )),
        account: None,
    }
}

/// The revocation happens when the plan runs, not when it was read: sessions issued while the
/// operator read the plan are revoked too.
pub fn at_execution(plan: &Plan, now: DateTime<Utc>) -> Plan {
    let mut plan = plan.clone();
    if plan.action == ActionKind::RevokeSessions {
        for step in &mut plan.steps {
            if let Step::PutInlinePolicy { document, .. } = step
                && revocation_cutoff(document).is_some()
            {
                *document = revoke_document(now);
            }
        }
    }
    plan
}

fn duration_words(secs: i32) -> String {
    match secs {
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// Until when a revocation must stay: its cutoff plus the role's maximum session duration.
pub fn must_stay_until(plan: &Plan) -> Option<DateTime<Utc>> {
    let Before::InlinePolicy {
        max_session_secs: Some(max),
        ..
    } = &plan.before
    else {
        return None;
    };
    plan.steps.iter().find_map(|s| match s {
        Step::PutInlinePolicy { document, .. } => {
            revocation_cutoff(document).map(|c| c + Duration::seconds((*max).into()))
        }
        _ => None,
    })
}

/// Refuses to lift a session revocation while sessions it denies may still be valid, unless
/// forced; says until when.
pub fn check_release(chain: &[&Plan], now: DateTime<Utc>, force: bool) -> Result<(), String> {
    if force {
        return Ok(());
    }
    for p in chain {
        if let Some(until) = must_stay_until(p)
            && now < until
        {
            return Err(format!(
                "the {REVOKE_POLICY_NAME} policy on role {} must stay until {}: sessions issued before the revocation can be valid until then (the role's maximum session duration), and removing it would let them work again. Restore after that time, or pass --force",
                p.target,
                until.to_rfc3339_opts(SecondsFormat::Secs, true)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, h, m, 0).unwrap()
    }

    #[test]
    fn role_names_come_from_arns_with_paths() {
        assert_eq!(
            role_name("arn:aws:iam::123:role/ml/train/Trainer"),
            "Trainer"
        );
        assert_eq!(role_name("Trainer"), "Trainer");
    }

    #[test]
    fn the_revoke_document_is_the_consoles() {
        let doc = revoke_document(t(3, 30));
        assert!(
            doc.contains(r#""aws:TokenIssueTime":"2026-12-02T03:30:00.000Z""#),
            "{doc}"
        );
        assert_eq!(revocation_cutoff(&doc), Some(t(3, 30)));
        assert_eq!(revocation_cutoff(&deny_all_document()), None);
    }

    #[test]
    fn a_revocation_stays_for_the_maximum_session_duration() {
        let info = PrincipalInfo {
            arn: "arn:aws:iam::1:role/R".into(),
            path: "/".into(),
            max_session_secs: Some(7200),
            quarantine: vec![],
        };
        let p = revoke_sessions("R", &info, None, t(3, 0), "r");
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

    #[test]
    fn denying_a_user_keeps_what_had_the_name() {
        let old = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let p = deny_user(
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
        let again = deny_user(
            "alice",
            &PrincipalInfo::default(),
            Some(deny_all_document()),
            "INC-1",
            "r",
        );
        assert!(again.steps.is_empty());
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
        let p = disable_key(&key, &user, "r");
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
