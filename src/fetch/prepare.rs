//! What happens to a pane's data between its source and the screen, in one pure function that
//! the TUI, `--once`, the fixtures, the benches and the tests all share: every string is
//! cleaned, rules are assessed, endpoints judged against their alarm thresholds, the checklist
//! evaluated from the posture with the team's accepted risks and attestations applied, and
//! everything put in the order the operator reads it.

use crate::checklist::{self, policy::Policy};
use crate::metrics::{self, Thresholds};
use crate::model::{
    CheckStatus, Endpoint, FindingsData, SecurityGroupsData, SourceError, sort_findings,
};
use crate::panes::PaneData;
use crate::risk;
use crate::sanitize::Sanitize;
use crate::source::PostureRead;
use chrono::{DateTime, Utc};

/// A pane's data as a source returns it.
#[derive(Debug, Clone)]
pub enum Raw {
    Endpoints(Vec<Endpoint>),
    SecurityGroups(SecurityGroupsData),
    Findings(FindingsData),
    /// One read per account (one, with a single account).
    Postures(Vec<PostureRead>),
    Sagemaker(Vec<crate::model::PlatformItem>),
}

/// What preparing needs besides the data: the alarm thresholds, the team's decisions, the time.
#[derive(Debug, Clone, Copy)]
pub struct Prepare<'a> {
    pub thresholds: &'a Thresholds,
    pub policy: &'a Policy,
    pub now: DateTime<Utc>,
    /// Build the filter's index of the rules (the screen filters; `--once` does not).
    pub search_index: bool,
}

/// Every string from a source is cleaned here, once, before anything else sees it.
fn entered<T: Sanitize>(mut data: T) -> T {
    data.sanitize();
    data
}

pub fn prepare(raw: Raw, ctx: &Prepare) -> Result<PaneData, SourceError> {
    Ok(match raw {
        Raw::Endpoints(eps) => {
            let mut eps = entered(eps);
            for e in &mut eps {
                e.alerts = metrics::alerts(e, ctx.thresholds);
                for chain in &mut e.provenance {
                    chain.flags = crate::provenance::judge(chain);
                }
            }
            eps.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.region.cmp(&b.region)));
            PaneData::Endpoints(eps)
        }
        Raw::SecurityGroups(data) => {
            let mut data = entered(data);
            data.share_texts();
            risk::assess(&mut data);
            // Read page by page, the vector grew by doubling: up to half of it empty.
            data.groups.shrink_to_fit();
            if ctx.search_index {
                data.search = crate::model::RuleSearch::build(&data.groups);
            }
            PaneData::SecurityGroups(data)
        }
        Raw::Findings(data) => {
            let mut data = entered(data);
            data.share_texts();
            data.findings.shrink_to_fit();
            sort_findings(&mut data.findings);
            PaneData::Findings(data)
        }
        Raw::Postures(reads) => {
            let mut all = Vec::new();
            let mut first_failure = None;
            let accounts = reads.len();
            for read in reads {
                match checklist_of(read, ctx) {
                    Ok(items) => all.extend(items),
                    Err(e) => {
                        first_failure.get_or_insert(e);
                    }
                }
            }
            // Every account failed the same way: that is the pane's error. One failed account
            // among several is said by the source and leaves the others' items.
            if all.is_empty()
                && accounts > 0
                && let Some(e) = first_failure
            {
                return Err(e);
            }
            PaneData::Checklist(all)
        }
        Raw::Sagemaker(items) => {
            let mut items = entered(items);
            // Notebooks, then model versions, then jobs; by name within each.
            items.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
            PaneData::Sagemaker(items)
        }
    })
}

/// One account's checklist, judged from its configuration.
fn checklist_of(
    read: PostureRead,
    ctx: &Prepare,
) -> Result<Vec<crate::model::CheckItem>, SourceError> {
    let PostureRead {
        mut posture,
        first_error,
        account,
        hub,
    } = read;
    // The checklist judges security groups as the groups pane shows them.
    for region in &mut posture.regions {
        if let Ok(groups) = &mut region.security_groups {
            risk::assess(std::sync::Arc::make_mut(groups));
        }
    }
    let items = checklist::evaluate(&posture, ctx.thresholds);
    // Nothing could be read at all (expired credentials, no network): say that once, as the
    // pane's error, rather than as thirty unknown items. One account of several keeps its
    // unknown items, each saying why, beside the others' (its rows are marked, not dropped).
    let nothing_read = items
        .iter()
        .all(|i| matches!(i.status, CheckStatus::Unknown | CheckStatus::Manual));
    if nothing_read
        && account.is_none()
        && hub.is_none()
        && let Some(e) = first_error
    {
        return Err(e);
    }
    let mut items = entered(items);
    // Muted resources first (the item judged without them), then Security Hub's verdicts
    // where its controls cover an item, then the team's accepted risks and attestations.
    checklist::policy::apply_mutes(&mut items, &posture, ctx.policy, ctx.thresholds, ctx.now);
    if let Some(hub) = hub {
        checklist::security_hub::apply(&mut items, &entered(hub));
    }
    checklist::policy::apply(&mut items, ctx.policy, ctx.now);
    for i in &mut items {
        i.account.clone_from(&account);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::posture::RegionPosture;
    use crate::model::AccountRef;
    use std::sync::Arc;

    fn unreadable() -> PostureRead {
        let why = "iam:GetAccountSummary in ap-southeast-1: access denied";
        let mut posture = crate::source::demo::account(crate::fixtures::t0());
        posture.regions = vec![RegionPosture::unread("ap-southeast-1", why)];
        posture.buckets = Err(why.into());
        posture.account_public_access_blocked = Err(why.into());
        posture.password_policy = Err(why.into());
        posture.root_mfa = Err(why.into());
        posture.roles = Err(why.into());
        posture.credentials = Err(why.into());
        posture.workload_guardrails = Err(why.into());
        PostureRead {
            posture,
            first_error: Some(SourceError::Other(why.into())),
            account: None,
            hub: None,
        }
    }

    #[test]
    fn an_account_read_of_nothing_keeps_its_items_beside_the_others() {
        let policy = Policy::default();
        let thresholds = Thresholds::default();
        let ctx = Prepare {
            thresholds: &thresholds,
            policy: &policy,
            now: crate::fixtures::t0(),
            search_index: false,
        };
        // One account: the pane's error, said once.
        assert!(prepare(Raw::Postures(vec![unreadable()]), &ctx).is_err());
        // Several: the account's items stay, unknown, each saying why.
        let staging = Arc::new(AccountRef {
            id: "222222222222".into(),
            name: "staging".into(),
        });
        let dev = PostureRead {
            account: Some(Arc::new(AccountRef {
                id: "111111111111".into(),
                name: "dev".into(),
            })),
            ..PostureRead {
                posture: crate::source::demo::account(crate::fixtures::t0()),
                first_error: None,
                account: None,
                hub: None,
            }
        };
        let read = PostureRead {
            account: Some(staging),
            ..unreadable()
        };
        let PaneData::Checklist(items) = prepare(Raw::Postures(vec![dev, read]), &ctx).unwrap()
        else {
            panic!("a checklist");
        };
        let staging: Vec<_> = items
            .iter()
            .filter(|i| i.account.as_deref().is_some_and(|a| a.name == "staging"))
            .collect();
        assert_eq!(staging.len(), crate::checklist::ITEMS.len());
        assert!(
            staging
                .iter()
                .all(|i| matches!(i.status, CheckStatus::Unknown | CheckStatus::Manual))
        );
    }
}
