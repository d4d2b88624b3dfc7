//! The accounts read through the aggregation points that hold events and metrics: GuardDuty's
//! delegated administrator (every member's findings) and CloudWatch's monitoring account
//! (every account's endpoint metrics, asked with each endpoint's account).

use super::{AccountsSource, add_endpoints, merge};
use crate::model::{AccountRef, ApiCalls, Endpoint, FindingsData};
use crate::source::{FetchResult, Query, SourceError};
use std::sync::Arc;

impl AccountsSource {
    /// Every account's endpoints, described by each account, measured by the monitoring
    /// account in calls of 500 queries across accounts.
    pub(super) async fn endpoints_monitored(
        &self,
        monitoring: usize,
        q: Query,
    ) -> FetchResult<Vec<Endpoint>> {
        let answers = self
            .ask("endpoints", q.progress.as_ref(), |s| {
                s.endpoints_unmeasured(q.clone())
            })
            .await;
        let mut out = merge(answers, add_endpoints)?;
        let monitoring = &self.members[monitoring];
        let _permit = self.limit.acquire().await;
        match monitoring.source.measure(q, &mut out.data).await {
            Ok(measured) => {
                self.record(
                    &monitoring.name,
                    "metrics of the accounts",
                    &measured.api_calls,
                );
                out.warnings.extend(
                    measured
                        .warnings
                        .iter()
                        .map(|w| format!("account {}: {w}", monitoring.name)),
                );
                out.api_calls.add(&measured.api_calls);
                out.metrics_requested += measured.metrics_requested;
            }
            Err(e) => {
                out.warnings.push(format!(
                    "account {} (CloudWatch monitoring): no metrics: {e}",
                    monitoring.name
                ));
            }
        }
        Ok(out)
    }

    /// Every account's findings from the delegated administrator's detectors: one read,
    /// whatever the number of accounts. Each finding is named by its `accountId`; configured
    /// accounts the administrator does not have as members are said.
    pub(super) async fn findings_from_admin(
        &self,
        admin: usize,
        q: Query,
    ) -> FetchResult<FindingsData> {
        let admin = &self.members[admin];
        // Who each account is (a role's ARN says; a profile's source asks once and keeps it).
        let (ids, who_calls, who_failed) = self.by_id().await;
        let (findings, members) = {
            let _permit = self.limit.acquire().await;
            tokio::join!(
                admin.source.findings(q.clone()),
                admin.source.guardduty_members(q)
            )
        };
        let mut admin_calls = ApiCalls::new();
        for f in findings
            .iter()
            .map(|f| &f.api_calls)
            .chain(members.iter().map(|m| &m.api_calls))
        {
            admin_calls.add(f);
        }
        self.record(&admin.name, "findings from the members", &admin_calls);
        let mut out = findings.map_err(|e| {
            SourceError::Other(format!(
                "account {} (GuardDuty administrator): {e}",
                admin.name
            ))
        })?;
        out.api_calls.add(&who_calls);
        out.warnings.extend(who_failed);
        let mut accounts: Vec<Arc<AccountRef>> = ids.into_values().collect();
        accounts.sort_by(|a, b| a.name.cmp(&b.name));
        match members {
            Ok(m) => {
                out.api_calls.add(&m.api_calls);
                for a in &accounts {
                    if a.name != admin.name && !m.data.contains(&a.id) {
                        out.warnings.push(format!(
                            "account {} ({}) is not a member of {}'s GuardDuty: its findings are not shown",
                            a.name, a.id, admin.name
                        ));
                    }
                }
            }
            Err(e) => out.warnings.push(format!(
                "account {}: GuardDuty's members could not be listed: {e}",
                admin.name
            )),
        }
        for f in &mut out.data.findings {
            let whose = accounts.iter().find(|a| a.id == f.account_id).cloned();
            f.account = Some(whose.unwrap_or_else(|| {
                Arc::new(AccountRef {
                    id: f.account_id.to_string(),
                    name: f.account_id.to_string(),
                })
            }));
        }
        Ok(out)
    }
}
