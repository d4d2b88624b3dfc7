//! What a team decides about checklist items: failing items accepted with a reason, an owner
//! and an expiry date (config file), and manual items attested (`secdash attest`), due again
//! after a period. Applied to every source's results in the shared fetch step. Pure: the
//! attestations are kept on disk by `store`.

use crate::model::{CheckItem, CheckStatus};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A failing item the team has accepted until a date: the whole item, or (scoped to
/// resources or tags) those resources muted while the rest still counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub item: String,
    pub reason: String,
    pub owner: String,
    pub expires: NaiveDate,
    pub scope: super::mute::Scope,
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

/// Judges each item with a scoped acceptance again, without the resources it mutes, and says
/// what was muted and until when (or that the muting expired).
pub fn apply_mutes(
    items: &mut [CheckItem],
    posture: &super::posture::Posture,
    policy: &Policy,
    thresholds: &crate::metrics::Thresholds,
    now: DateTime<Utc>,
) {
    let today = now.date_naive();
    for a in policy.accepted.iter().filter(|a| !a.scope.is_empty()) {
        let (Some(item), Some(def)) = (
            items.iter_mut().find(|i| i.id == a.item),
            super::find(&a.item),
        ) else {
            continue;
        };
        if a.expires < today {
            item.evidence.push(format!(
                "the muting by {} expired on {}: its resources count again",
                a.owner, a.expires
            ));
            continue;
        }
        let (rest, muted) = super::mute::without(posture, &a.scope);
        if muted.is_empty() {
            item.evidence.push(format!(
                "the muting by {} matches no resource ({}): check its patterns",
                a.owner,
                describe(&a.scope)
            ));
            continue;
        }
        let again = super::evaluate_one(def, &rest, thresholds);
        item.status = again.status;
        item.evidence = again.evidence;
        item.evidence.push(format!(
            "muted by {} until {}: {} ({})",
            a.owner,
            a.expires,
            muted.join(", "),
            a.reason
        ));
    }
}

fn describe(scope: &super::mute::Scope) -> String {
    let mut parts: Vec<String> = scope.resources.clone();
    parts.extend(scope.tags.iter().map(|(k, v)| format!("tag {k}={v}")));
    parts.join(", ")
}

pub fn apply(items: &mut [CheckItem], policy: &Policy, now: DateTime<Utc>) {
    let today = now.date_naive();
    for item in items.iter_mut() {
        if let Some(a) = policy
            .accepted
            .iter()
            .find(|a| a.item == item.id && a.scope.is_empty())
        {
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
                scope: Default::default(),
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

    mod muting {
        use super::*;
        use crate::checklist::mute::Scope;
        use crate::checklist::posture::Bucket;
        use crate::checklist::testkit::passing;
        use crate::checklist::{evaluate, policy::apply_mutes};
        use crate::metrics::Thresholds;

        fn two_buckets_one_unversioned() -> crate::checklist::posture::Posture {
            let mut p = passing();
            let good = p.buckets.clone().unwrap()[0].clone();
            p.buckets = Ok(vec![
                good.clone(),
                Bucket {
                    name: "scratch-sandbox".into(),
                    versioning: Ok(false),
                    ..good
                },
            ]);
            p
        }

        fn mute(resources: &[&str], expires: (i32, u32, u32)) -> Policy {
            Policy {
                accepted: vec![Acceptance {
                    item: "data.s3_versioning".into(),
                    reason: "scratch data".into(),
                    owner: "ml-team".into(),
                    expires: NaiveDate::from_ymd_opt(expires.0, expires.1, expires.2).unwrap(),
                    scope: Scope {
                        resources: resources.iter().map(|r| r.to_string()).collect(),
                        tags: vec![],
                    },
                }],
                ..Policy::default()
            }
        }

        fn versioning(p: &crate::checklist::posture::Posture, policy: &Policy) -> CheckItem {
            let mut items = evaluate(p, &Thresholds::default());
            apply_mutes(&mut items, p, policy, &Thresholds::default(), now());
            apply(&mut items, policy, now());
            items
                .into_iter()
                .find(|i| i.id == "data.s3_versioning")
                .unwrap()
        }

        #[test]
        fn a_muted_bucket_is_left_out_and_the_evidence_says_so() {
            let p = two_buckets_one_unversioned();
            assert_eq!(versioning(&p, &Policy::default()).status, CheckStatus::Fail);
            let item = versioning(&p, &mute(&["arn:aws:s3:::scratch-*"], (2026, 12, 31)));
            assert_eq!(item.status, CheckStatus::Pass, "{:?}", item.evidence);
            let said = item.evidence.join("; ");
            assert!(said.contains("1/1 buckets versioned"), "{said}");
            assert!(
                said.contains("muted by ml-team until 2026-12-31: scratch-sandbox (scratch data)"),
                "{said}"
            );
        }

        #[test]
        fn an_expired_or_unmatched_muting_changes_nothing_and_says_why() {
            let p = two_buckets_one_unversioned();
            let item = versioning(&p, &mute(&["scratch-*"], (2026, 1, 1)));
            assert_eq!(item.status, CheckStatus::Fail);
            assert!(item.evidence.join("; ").contains("expired on 2026-01-01"));
            let item = versioning(&p, &mute(&["nothing-like-it-*"], (2026, 12, 31)));
            assert_eq!(item.status, CheckStatus::Fail);
            assert!(item.evidence.join("; ").contains("matches no resource"));
        }

        #[test]
        fn a_tag_mutes_the_groups_that_carry_it() {
            use crate::checklist::testkit::{group, groups, open_rule};
            use crate::model::Risk;
            let mut p = passing();
            let mut g = group(vec![open_rule(22, Risk::Critical)]);
            g.place_mut().tags = std::sync::Arc::new([("env".into(), "sandbox".into())]);
            let mut data = groups(vec![]);
            data.groups.push(g);
            p.regions[0].security_groups = Ok(data.into());
            let mut policy = mute(&[], (2026, 12, 31));
            policy.accepted[0].item = "network.security_groups".into();
            policy.accepted[0].scope.tags = vec![("env".into(), "sand*".into())];
            let mut items = evaluate(&p, &Thresholds::default());
            let before = items
                .iter()
                .find(|i| i.id == "network.security_groups")
                .unwrap()
                .status;
            assert_eq!(before, CheckStatus::Fail);
            apply_mutes(&mut items, &p, &policy, &Thresholds::default(), now());
            let item = items
                .iter()
                .find(|i| i.id == "network.security_groups")
                .unwrap();
            assert_ne!(item.status, CheckStatus::Fail, "{:?}", item.evidence);
            assert!(
                item.evidence.join("; ").contains("muted by ml-team"),
                "{:?}",
                item.evidence
            );
        }
    }
}
