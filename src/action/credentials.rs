//! Containing compromised IAM credentials, the way AWS's own runbook
//! (`AWSSupport-ContainIAMPrincipal`) and the IAM console do it: deactivate a key, deny a user
//! everything with an inline policy, deny a role's sessions issued before now. Nothing is
//! deleted; each plan keeps the exact before-state so a restore puts it back. Pure: the executor
//! reads IAM, these functions decide.

pub use super::documents::{
    deny_all_document, revocation_cutoff, revoke_document, same_document, summary,
};
use super::plan::{Before, Plan, Principal, Step};
pub use crate::model::{AccessKeyInfo, LastUsed, PrincipalInfo};
use chrono::{DateTime, Duration, SecondsFormat, Utc};

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

pub(crate) fn day(t: &Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

pub(crate) fn quarantine_notes(principal: &Principal, info: &PrincipalInfo) -> Vec<String> {
    info.quarantine
        .iter()
        .map(|q| {
            format!(
                "AWS has attached {q} to {principal}: AWS found a key of it exposed. secdash leaves that policy in place."
            )
        })
        .collect()
}

/// The revocation happens when the plan runs, not when it was read: sessions issued while the
/// operator read the plan are revoked too.
pub fn at_execution(plan: &Plan, now: DateTime<Utc>) -> Plan {
    let mut plan = plan.clone();
    // Only a revocation's document carries a cutoff.
    for step in &mut plan.steps {
        if let Step::PutInlinePolicy { document, .. } = step
            && revocation_cutoff(document).is_some()
        {
            *document = revoke_document(now);
        }
    }
    plan
}

pub(crate) fn duration_words(secs: i32) -> String {
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
}
