//! AWS's own aggregation points, read from the account that holds one: Security Hub's
//! delegated administrator (every member's control results) and an AWS Config aggregator
//! (every member's recorded configuration, by SQL). Each is paged at its largest page.

use super::{AwsSource, RegionClients};
use crate::aws::calls::{Calls, call};
use crate::model::{ControlResult, ControlStatus, SourceError};
use crate::source::{FetchResult, Fetched};
use aws_sdk_securityhub::types::{
    AwsSecurityFinding, AwsSecurityFindingFilters, StringFilter, StringFilterComparison,
    WorkflowStatus,
};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// GetFindings answers 100 findings a page at most.
const FINDINGS_PAGE: i32 = 100;
/// A filter takes 20 values at most: the controls are asked 20 at a time.
const CONTROLS_PER_FILTER: usize = 20;
/// GetFindings is limited to 3 requests a second (a burst of 6): pages are asked no faster.
const FINDINGS_PACE: Duration = Duration::from_millis(340);
/// SelectAggregateResourceConfig answers 100 results a page at most.
const SELECT_PAGE: i32 = 100;

impl AwsSource {
    /// The clients of one Region, watched or not: an aggregation point's (none: the first
    /// watched Region).
    fn at(&self, region: Option<String>) -> RegionClients {
        let region = region
            .or_else(|| self.regions.first().map(|r| r.region.clone()))
            .unwrap_or_default();
        RegionClients {
            region,
            sdk: self.session.config().clone(),
        }
    }

    /// One read, its calls counted.
    async fn counted<T, F, Fut>(&self, read: F) -> FetchResult<T>
    where
        F: FnOnce(Arc<Calls>) -> Fut,
        Fut: Future<Output = Result<T, SourceError>>,
    {
        let calls = Arc::new(Calls::default());
        let data = read(calls.clone()).await?;
        let (api_calls, _) = calls.take();
        Ok(Fetched {
            data,
            warnings: Vec::new(),
            api_calls,
            metrics_requested: 0,
        })
    }

    /// [`control_results`] from this account as Security Hub's administrator.
    pub(super) async fn read_control_results(
        &self,
        region: Option<String>,
        controls: Vec<&'static str>,
    ) -> FetchResult<Vec<ControlResult>> {
        let r = self.at(region);
        let profile = self.profile();
        self.counted(|calls| async move {
            control_results(&r.securityhub(), &calls, &r.region, profile, &controls).await
        })
        .await
    }

    /// [`hub_members`] of this account's Security Hub.
    pub(super) async fn read_hub_members(
        &self,
        region: Option<String>,
    ) -> FetchResult<Vec<String>> {
        let r = self.at(region);
        let profile = self.profile();
        self.counted(|calls| async move {
            hub_members(&r.securityhub(), &calls, &r.region, profile).await
        })
        .await
    }

    /// [`select`] of this account's Config aggregator.
    pub(super) async fn read_select(
        &self,
        aggregator: String,
        region: Option<String>,
        expression: String,
    ) -> FetchResult<Vec<String>> {
        let r = self.at(region);
        let profile = self.profile();
        self.counted(|calls| async move {
            select(
                &r.config(),
                &calls,
                &r.region,
                profile,
                &aggregator,
                &expression,
            )
            .await
        })
        .await
    }
}

/// Every active control finding of these controls, across the administrator's members.
pub async fn control_results(
    client: &aws_sdk_securityhub::Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    controls: &[&str],
) -> Result<Vec<ControlResult>, SourceError> {
    let mut out = Vec::new();
    let mut last: Option<tokio::time::Instant> = None;
    for chunk in controls.chunks(CONTROLS_PER_FILTER) {
        let equals = |v: &str| {
            StringFilter::builder()
                .value(v)
                .comparison(StringFilterComparison::Equals)
                .build()
        };
        let filters = AwsSecurityFindingFilters::builder()
            .set_compliance_security_control_id(Some(chunk.iter().map(|c| equals(c)).collect()))
            .record_state(equals("ACTIVE"))
            .build();
        let mut next = None;
        loop {
            if let Some(t) = last {
                tokio::time::sleep_until(t + FINDINGS_PACE).await;
            }
            last = Some(tokio::time::Instant::now());
            let page = call(
                calls,
                "securityhub:GetFindings",
                region,
                profile,
                client
                    .get_findings()
                    .filters(filters.clone())
                    .max_results(FINDINGS_PAGE)
                    .set_next_token(next)
                    .send(),
            )
            .await?;
            out.extend(page.findings().iter().filter_map(control_result));
            next = page
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if next.is_none() {
                break;
            }
        }
    }
    Ok(out)
}

/// A control finding as secdash's own record; `None` for a finding that is not a control's.
fn control_result(f: &AwsSecurityFinding) -> Option<ControlResult> {
    let compliance = f.compliance()?;
    let control_id = compliance.security_control_id()?.to_string();
    let status = ControlStatus::parse(compliance.status()?.as_str())?;
    let reasons: Vec<&str> = compliance
        .status_reasons()
        .iter()
        .filter_map(|r| r.description().or(r.reason_code()))
        .filter(|r| !r.is_empty())
        .collect();
    Some(ControlResult {
        account_id: f.aws_account_id().unwrap_or_default().to_string(),
        control_id,
        status,
        suppressed: f
            .workflow()
            .and_then(|w| w.status())
            .is_some_and(|s| *s == WorkflowStatus::Suppressed),
        resource: f
            .resources()
            .first()
            .and_then(|r| r.id())
            .unwrap_or_default()
            .to_string(),
        reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
        updated_at: f
            .updated_at()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&chrono::Utc)),
    })
}

/// The accounts the administrator's Security Hub has as associated members.
pub async fn hub_members(
    client: &aws_sdk_securityhub::Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<String>, SourceError> {
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            calls,
            "securityhub:ListMembers",
            region,
            profile,
            client
                .list_members()
                .only_associated(true)
                .max_results(50)
                .set_next_token(next)
                .send(),
        )
        .await?;
        out.extend(
            page.members()
                .iter()
                .filter_map(|m| m.account_id().map(str::to_string)),
        );
        next = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// Every row an aggregator's advanced query answers, each a JSON document.
pub async fn select(
    client: &aws_sdk_config::Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    aggregator: &str,
    expression: &str,
) -> Result<Vec<String>, SourceError> {
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            calls,
            "config:SelectAggregateResourceConfig",
            region,
            profile,
            client
                .select_aggregate_resource_config()
                .configuration_aggregator_name(aggregator)
                .expression(expression)
                .limit(SELECT_PAGE)
                .set_next_token(next)
                .send(),
        )
        .await?;
        out.extend(page.results().iter().cloned());
        next = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}
