//! What a team decides about checklist items: failing items accepted with a reason, an owner
//! and an expiry date (config file), and manual items attested (`secdash attest`), due again
//! after a period. Applied to every source's results in the shared fetch step. Pure: the
//! attestations are kept on disk by `store`.

use crate::model::{CheckItem, CheckStatus};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A failing item the team has accepted until a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub item: String,
    pub reason: String,
    pub owner: String,
    pub expires: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    pub by: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub accepted: Vec<Acceptance>,
    pub attestations: BTreeMap<String, Attestation>,
    /// How long an attestation holds.
    pub attestation_period: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            accepted: Vec::new(),
            attestations: BTreeMap::new(),
            attestation_period: Duration::days(90),
        }
    }
}

pub fn apply(items: &mut [CheckItem], policy: &Policy, now: DateTime<Utc>) {
    let today = now.date_naive();
    for item in items.iter_mut() {
        if let Some(a) = policy.accepted.iter().find(|a| a.item == item.id) {
            if item.status == CheckStatus::Fail && a.expires >= today {
                item.status = CheckStatus::Accepted;
                item.evidence.push(format!(
                    "accepted by {} until {}: {}",
                    a.owner, a.expires, a.reason
                ));
            } else if item.status == CheckStatus::Fail {
                item.evidence.push(format!(
                    "the acceptance by {} expired on {}",
                    a.owner, a.expires
                ));
            }
        }
        if let Some(att) = policy.attestations.get(&item.id) {
            // The date comes from a file: an attestation from the future proves nothing.
            let Some(due) = att
                .at
                .checked_add_signed(policy.attestation_period)
                .filter(|_| att.at <= now)
            else {
                item.status = CheckStatus::Manual;
                item.evidence = vec![format!(
                    "the attestation by {} is dated {}, in the future: not counted; run `secdash attest {}`",
                    att.by,
                    att.at.format("%Y-%m-%d"),
                    item.id
                )];
                continue;
            };
            let note = att
                .note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            if due > now {
                item.status = CheckStatus::Pass;
                item.evidence = vec![format!(
                    "attested by {} on {}{note} (due again {})",
                    att.by,
                    att.at.format("%Y-%m-%d"),
                    due.format("%Y-%m-%d")
                )];
            } else {
                item.status = CheckStatus::Manual;
                item.evidence = vec![format!(
                    "due since {}: last attested by {} on {}{note}; run `secdash attest {}`",
                    due.format("%Y-%m-%d"),
                    att.by,
                    att.at.format("%Y-%m-%d"),
                    item.id
                )];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{find, result};
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    fn accept(expires: (i32, u32, u32)) -> Policy {
        Policy {
            accepted: vec![Acceptance {
                item: "data.kms".into(),
                reason: "migration in Q1".into(),
                owner: "platform-team".into(),
                expires: NaiveDate::from_ymd_opt(expires.0, expires.1, expires.2).unwrap(),
            }],
            ..Policy::default()
        }
    }

    #[test]
    fn an_accepted_failure_shows_as_accepted_until_it_expires() {
        let mut items = vec![result(
            find("data.kms").unwrap(),
            CheckStatus::Fail,
            "2 configs without KmsKeyId",
        )];
        apply(&mut items, &accept((2026, 12, 31)), now());
        assert_eq!(items[0].status, CheckStatus::Accepted);
        assert!(
            items[0]
                .evidence
                .join("; ")
                .ends_with("accepted by platform-team until 2026-12-31: migration in Q1")
        );
        let mut items = vec![result(
            find("data.kms").unwrap(),
            CheckStatus::Fail,
            "2 configs without KmsKeyId",
        )];
        apply(&mut items, &accept((2026, 11, 22)), now());
        assert_eq!(
            items[0].status,
            CheckStatus::Fail,
            "fails again after the date"
        );
        assert!(
            items[0]
                .evidence
                .join("; ")
                .contains("expired on 2026-11-22")
        );
    }

    #[test]
    fn acceptance_does_not_touch_a_passing_item() {
        let mut items = vec![result(
            find("data.kms").unwrap(),
            CheckStatus::Pass,
            "all encrypted",
        )];
        apply(&mut items, &accept((2026, 12, 31)), now());
        assert_eq!(items[0].status, CheckStatus::Pass);
        assert_eq!(items[0].evidence, ["all encrypted"]);
    }

    #[test]
    fn attestations_pass_until_due_again() {
        let mut policy = Policy::default();
        policy.attestations.insert(
            "access.reviews".into(),
            Attestation {
                by: "alice".into(),
                note: Some("Q4 review".into()),
                at: now() - Duration::days(10),
            },
        );
        let mut items = vec![result(
            find("access.reviews").unwrap(),
            CheckStatus::Manual,
            "never attested",
        )];
        apply(&mut items, &policy, now());
        assert_eq!(items[0].status, CheckStatus::Pass);
        assert!(
            items[0]
                .evidence
                .join("; ")
                .contains("attested by alice on 2026-11-13: Q4 review (due again 2027-02-11)")
        );
        policy.attestation_period = Duration::days(7);
        let mut items = vec![result(
            find("access.reviews").unwrap(),
            CheckStatus::Manual,
            "never attested",
        )];
        apply(&mut items, &policy, now());
        assert_eq!(items[0].status, CheckStatus::Manual);
        assert!(
            items[0]
                .evidence
                .join("; ")
                .starts_with("due since 2026-11-20")
        );
    }

    #[test]
    fn an_attestation_dated_in_the_future_never_passes_or_panics() {
        let mut policy = Policy::default();
        policy.attestations.insert(
            "access.reviews".into(),
            Attestation {
                by: "mallory".into(),
                note: None,
                at: DateTime::<Utc>::MAX_UTC,
            },
        );
        let mut items = vec![result(
            find("access.reviews").unwrap(),
            CheckStatus::Manual,
            "never attested",
        )];
        apply(&mut items, &policy, now());
        assert_eq!(items[0].status, CheckStatus::Manual);
        assert!(
            items[0].evidence.join("; ").contains("in the future"),
            "{}",
            items[0].evidence.join("; ")
        );
    }
}
