//! The live source: the official AWS SDK with the standard credential chain (environment,
//! profiles, SSO, assume-role, instance role), `AWS_ENDPOINT_URL` honoured, timeouts on every
//! call and the SDK's standard retries. Regions fan out in parallel; a failing region becomes a
//! warning on its pane while the others' rows stay.

mod aggregation;
pub mod cloudwatch;
pub mod config_items;
pub(crate) mod ec2;
pub(crate) mod guardduty;
pub mod organization;
mod platform;
mod posture;
mod provenance;
pub(crate) mod sagemaker;
pub mod trail;

use super::{ApiCalls, FetchResult, Fetched, PostureRead, Query, Source, SourceError, SourceKind};
use crate::aws::calls::{Calls, call};
use crate::aws::{Session, regional};
use crate::metrics;
use crate::model::{Endpoint, FindingsData, Identity, SecurityGroupsData};
use futures::future::BoxFuture;
use std::future::Future;
use std::sync::Arc;

/// A region's service clients, each built when a read needs it and dropped after: a client
/// holds ~30 KB of configuration and plugins, and 13 services × regions × accounts of them,
/// held, were most of the memory of a 50-account dashboard. Building one costs microseconds;
/// the HTTP client, its connections and the credentials' cache are the session's, shared.
pub(crate) struct RegionClients {
    region: String,
    sdk: aws_config::SdkConfig,
}

/// `RegionClients::ec2()` and the like: the service's client for the region.
macro_rules! region_clients {
    ($($name:ident: $sdk:ident),* $(,)?) => {
        impl RegionClients {
            $(
                pub(crate) fn $name(&self) -> $sdk::Client {
                    regional!($sdk, &self.sdk, &self.region)
                }
            )*
        }
    };
}

region_clients!(
    sagemaker: aws_sdk_sagemaker,
    cloudwatch: aws_sdk_cloudwatch,
    ec2: aws_sdk_ec2,
    guardduty: aws_sdk_guardduty,
    // For the checklist only.
    kms: aws_sdk_kms,
    sns: aws_sdk_sns,
    cloudtrail: aws_sdk_cloudtrail,
    securityhub: aws_sdk_securityhub,
    wafv2: aws_sdk_wafv2,
    config: aws_sdk_config,
    accessanalyzer: aws_sdk_accessanalyzer,
    ecr: aws_sdk_ecr,
    logs: aws_sdk_cloudwatchlogs,
);

pub struct AwsSource {
    session: Session,
    regions: Vec<RegionClients>,
    sts: aws_sdk_sts::Client,
    /// Global services, for the checklist.
    iam: aws_sdk_iam::Client,
    s3: aws_sdk_s3::Client,
    endpoints_cache: sagemaker::Cache,
    /// Models and packages the endpoints' chains name, read once (packages again each few
    /// minutes: an approval changes).
    chains_cache: provenance::Cache,
    /// Who is calling: read once (the header and the account-level reads need it).
    caller: tokio::sync::OnceCell<Identity>,
}

impl AwsSource {
    /// Clients for every watched region (the first one is also where global services are
    /// called), from the shared session.
    pub fn new(session: &Session, regions: &[String]) -> AwsSource {
        let config = session.config();
        let regions = regions
            .iter()
            .map(|region| RegionClients {
                region: region.clone(),
                sdk: config.clone(),
            })
            .collect();
        AwsSource {
            sts: aws_sdk_sts::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            // Path-style addressing works with every endpoint, AWS_ENDPOINT_URL emulators too.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(config)
                    .force_path_style(true)
                    .build(),
            ),
            session: session.clone(),
            regions,
            endpoints_cache: sagemaker::Cache::default(),
            chains_cache: provenance::Cache::default(),
            caller: tokio::sync::OnceCell::new(),
        }
    }

    /// The caller's account and ARN, read once whoever asks first; the call is counted in
    /// `calls` of that first asker.
    pub(crate) async fn caller(&self, calls: &Calls) -> Result<&Identity, SourceError> {
        self.caller
            .get_or_try_init(|| async {
                let region = self
                    .regions
                    .first()
                    .map(|r| r.region.as_str())
                    .unwrap_or("");
                let out = call(
                    calls,
                    "sts:GetCallerIdentity",
                    region,
                    self.profile(),
                    self.sts.get_caller_identity().send(),
                )
                .await?;
                Ok(Identity {
                    account: out.account().map(str::to_string),
                    caller_arn: out.arn().map(str::to_string),
                })
            })
            .await
    }

    fn profile(&self) -> Option<&str> {
        self.session.profile()
    }

    /// The watched regions a query asks for (`:region` narrows them; none named: all).
    fn asked<'a>(&'a self, q: &Query) -> Vec<&'a RegionClients> {
        self.regions
            .iter()
            .filter(|r| q.regions.is_empty() || q.regions.contains(&r.region))
            .collect()
    }

    /// Runs `fetch` in every region the query asks for at once and merges what came back; a
    /// region that fails becomes a warning unless every region failed.
    async fn per_region<'a, T, F, Fut>(&'a self, q: &Query, fetch: F) -> FetchResult<Vec<T>>
    where
        F: Fn(&'a RegionClients, Arc<Calls>) -> Fut,
        Fut: Future<Output = Result<T, SourceError>> + 'a,
    {
        let regions = self.asked(q);
        let calls: Vec<Arc<Calls>> = regions.iter().map(|_| Arc::new(Calls::default())).collect();
        let results =
            futures::future::join_all(regions.iter().zip(&calls).map(|(r, c)| fetch(r, c.clone())))
                .await;
        let mut api_calls = ApiCalls::new();
        let mut metrics_requested = 0;
        for c in &calls {
            let (counts, m) = c.take();
            metrics_requested += m;
            api_calls.add(&counts);
        }
        let mut data = Vec::new();
        let mut errors = Vec::new();
        for r in results {
            match r {
                Ok(d) => data.push(d),
                Err(e) => errors.push(e),
            }
        }
        if data.is_empty()
            && let Some(first) = errors.first()
        {
            return Err(first.clone());
        }
        Ok(Fetched {
            data,
            warnings: errors.iter().map(ToString::to_string).collect(),
            api_calls,
            metrics_requested,
        })
    }
}

/// The time range and periods of a refresh's metrics.
fn metrics_range(q: &Query) -> cloudwatch::Range {
    let period = metrics::period_for_window(q.window, q.alarm_period);
    let align = metrics::alignment(period, q.alarm_period);
    let (start, end) = metrics::aligned_range(q.now, q.window, period, align);
    cloudwatch::Range {
        start,
        end,
        period,
        alarm_period: q.alarm_period,
    }
}

/// A region's endpoints as SageMaker describes them, their metrics not read yet.
async fn region_described(
    r: &RegionClients,
    calls: &Calls,
    src: &AwsSource,
    range: &cloudwatch::Range,
) -> Result<Vec<Endpoint>, SourceError> {
    let profile = src.profile();
    let client = r.sagemaker();
    let listed = sagemaker::list(&client, calls, &r.region, profile).await?;
    let described =
        futures::future::try_join_all(listed.iter().map(|l| {
            sagemaker::describe(&client, calls, &src.endpoints_cache, &r.region, profile, l)
        }))
        .await?;
    Ok(listed
        .iter()
        .zip(described)
        .map(|(l, d)| Endpoint {
            account: None,
            name: l.name.clone(),
            region: r.region.clone(),
            status: l.status.clone(),
            variants: d.variants,
            kms_key_id: d.kms_key_id,
            asynchronous: d.async_output.is_some(),
            metrics: cloudwatch::aggregate(range, &[]),
            alerts: Vec::new(),
            // What each variant serves, as far as the describe calls say: the pane's read
            // completes the chain (`provenance::complete`).
            provenance: provenance::skeletons(&d.served),
        })
        .collect())
}

/// Reads the metrics of a region's endpoints from this CloudWatch client, every variant of
/// every endpoint in the fewest calls; endpoints of other accounts (`account` set, read by a
/// monitoring account) are asked with their `AccountId`.
async fn measure_region(
    cloudwatch_client: &aws_sdk_cloudwatch::Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    endpoints: &mut [Endpoint],
    range: &cloudwatch::Range,
    cross_account: bool,
) -> Result<(), SourceError> {
    use cloudwatch::Of;
    let mut targets = Vec::new();
    let mut owners = Vec::new();
    for (i, e) in endpoints.iter().enumerate() {
        let account = cross_account
            .then(|| e.account.as_ref().map(|a| a.id.clone()))
            .flatten();
        let target = |variant: &str, of: Of| cloudwatch::Target {
            endpoint: e.name.clone(),
            variant: variant.to_string(),
            of,
            account: account.clone(),
        };
        for v in &e.variants {
            targets.push(target(&v.name, Of::Variant));
            owners.push(i);
        }
        // Each inference component its chain names, once.
        let mut components: Vec<&str> = e
            .provenance
            .iter()
            .filter_map(|c| c.inference_component.as_deref())
            .collect();
        components.sort_unstable();
        components.dedup();
        for c in components {
            targets.push(target(c, Of::Component));
            owners.push(i);
        }
        if e.asynchronous {
            targets.push(target("", Of::Backlog));
            owners.push(i);
        }
    }
    if targets.is_empty() {
        return Ok(());
    }
    let series =
        cloudwatch::fetch(cloudwatch_client, calls, region, profile, &targets, range).await?;
    for (i, e) in endpoints.iter_mut().enumerate() {
        let mine: Vec<(&cloudwatch::Target, &cloudwatch::VariantSeries)> = targets
            .iter()
            .zip(&series)
            .zip(&owners)
            .filter(|(_, o)| **o == i)
            .map(|(ts, _)| ts)
            .collect();
        let variants: Vec<cloudwatch::VariantSeries> = mine
            .iter()
            .filter(|(t, _)| t.of == Of::Variant)
            .map(|(_, s)| (*s).clone())
            .collect();
        e.metrics = cloudwatch::aggregate(range, &variants);
        for (t, s) in &mine {
            match t.of {
                Of::Component => {
                    let m = cloudwatch::aggregate(range, std::slice::from_ref(*s));
                    e.metrics.components.push(crate::model::ComponentMetrics {
                        name: t.variant.clone(),
                        invocations: m.invocations,
                        errors_4xx: m.errors_4xx,
                        errors_5xx: m.errors_5xx,
                        latency_ms_avg: m.latency_ms_avg,
                    });
                }
                Of::Backlog => e.metrics.backlog = s.backlog.map(|(_, v)| v),
                Of::Variant => {}
            }
        }
    }
    Ok(())
}

async fn region_endpoints(
    r: &RegionClients,
    calls: Arc<Calls>,
    src: &AwsSource,
    q: &Query,
) -> Result<Vec<Endpoint>, SourceError> {
    let range = metrics_range(q);
    let mut endpoints = region_described(r, &calls, src, &range).await?;
    let chains = endpoints
        .iter_mut()
        .map(|e| (e.name.as_str(), &mut e.provenance))
        .collect();
    provenance::complete(r, &calls, src, chains).await?;
    measure_region(
        &r.cloudwatch(),
        &calls,
        &r.region,
        src.profile(),
        &mut endpoints,
        &range,
        false,
    )
    .await?;
    Ok(endpoints)
}

impl Source for AwsSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Aws
    }

    fn trail(
        &self,
        subjects: Vec<crate::trail::Subject>,
        regions: Vec<String>,
        since: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, Result<(crate::trail::Timeline, ApiCalls), SourceError>> {
        Box::pin(async move {
            let reader = trail::TrailReader::new(&self.session, &regions);
            let (timeline, calls) = reader.read(&subjects, since).await;
            // Every region failed: the timeline is an error, not an empty list.
            if timeline.events.is_empty() && timeline.errors.len() >= regions.len().max(1) {
                return Err(SourceError::Other(timeline.errors.join("; ")));
            }
            Ok((timeline, calls))
        })
    }

    fn identity(&self) -> BoxFuture<'_, FetchResult<Identity>> {
        Box::pin(async move {
            let calls = Calls::default();
            let identity = self.caller(&calls).await?.clone();
            let mut fetched = Fetched::complete(identity);
            fetched.api_calls = calls.take().0;
            Ok(fetched)
        })
    }

    fn endpoints(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>> {
        Box::pin(async move {
            let q = &q;
            let fetched = self
                .per_region(q, |r, c| region_endpoints(r, c, self, q))
                .await?;
            Ok(fetched.map(|per_region| per_region.into_iter().flatten().collect()))
        })
    }

    fn sagemaker(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<crate::model::PlatformItem>>> {
        Box::pin(async move {
            let fetched = self
                .per_region(&q, |r, c| async move {
                    platform::read(&r.sagemaker(), &c, &r.region, self.profile()).await
                })
                .await?;
            Ok(fetched.map(|per_region| {
                let mut items: Vec<crate::model::PlatformItem> =
                    per_region.into_iter().flatten().collect();
                // A notebook's role: what the endpoints' chains found it may change.
                for i in &mut items {
                    let role = i.facts.iter().find(|(k, _)| k == "role").map(|(_, v)| v);
                    if let Some(r) = role.and_then(|r| self.chains_cache.radius_of(r)) {
                        i.facts.extend(r.facts());
                    }
                }
                items
            }))
        })
    }

    fn blast_radius(
        &self,
        principal: crate::model::Principal,
    ) -> BoxFuture<'_, Result<crate::model::BlastRadius, SourceError>> {
        Box::pin(async move { provenance::principal_radius(self, &principal).await })
    }

    fn endpoints_unmeasured(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>> {
        Box::pin(async move {
            let range = &metrics_range(&q);
            let fetched = self
                .per_region(&q, |r, c| async move {
                    region_described(r, &c, self, range).await
                })
                .await?;
            Ok(fetched.map(|per_region| per_region.into_iter().flatten().collect()))
        })
    }

    fn measure<'a>(
        &'a self,
        q: Query,
        endpoints: &'a mut [Endpoint],
    ) -> BoxFuture<'a, FetchResult<()>> {
        Box::pin(async move {
            let range = metrics_range(&q);
            let calls = Calls::default();
            let mut warnings = Vec::new();
            // One batch per region, every account's endpoints in it: sorted by region, each
            // region's run is measured in place.
            endpoints.sort_by(|a, b| a.region.cmp(&b.region));
            for here in endpoints.chunk_by_mut(|a, b| a.region == b.region) {
                let region = here[0].region.clone();
                let Some(r) = self.regions.iter().find(|r| r.region == region) else {
                    warnings.push(format!(
                        "metrics of {region}: the monitoring account does not watch that region"
                    ));
                    continue;
                };
                if let Err(e) = measure_region(
                    &r.cloudwatch(),
                    &calls,
                    &region,
                    self.profile(),
                    here,
                    &range,
                    true,
                )
                .await
                {
                    warnings.push(format!("metrics of {region}: {e}"));
                }
            }
            let (api_calls, metrics_requested) = calls.take();
            Ok(Fetched {
                data: (),
                warnings,
                api_calls,
                metrics_requested,
            })
        })
    }

    fn security_groups(&self, q: Query) -> BoxFuture<'_, FetchResult<SecurityGroupsData>> {
        Box::pin(async move {
            let fetched = self
                .per_region(&q, |r, c| async move {
                    ec2::groups(&r.ec2(), &c, &r.region, self.profile(), |_| true).await
                })
                .await?;
            Ok(fetched.map(|per_region| {
                let mut data = SecurityGroupsData::default();
                for (groups, vpcs) in per_region {
                    data.groups.extend(groups);
                    data.vpcs.extend(vpcs);
                }
                data
            }))
        })
    }

    fn findings(&self, q: Query) -> BoxFuture<'_, FetchResult<FindingsData>> {
        Box::pin(async move {
            let early = &q.first_findings;
            let archived = q.include_archived;
            let fetched = self
                .per_region(&q, |r, c| async move {
                    guardduty::fetch(
                        &r.guardduty(),
                        &c,
                        &r.region,
                        self.profile(),
                        archived,
                        early.as_ref(),
                    )
                    .await
                    .map(|f| (r.region.clone(), f))
                })
                .await?;
            Ok(fetched.map(|per_region| {
                let mut data = FindingsData::default();
                for (region, f) in per_region {
                    data.detectors.push((region, f.enabled));
                    data.findings.extend(f.findings);
                    for (label, n) in f.counts {
                        *data.counts.entry(label).or_default() += n;
                    }
                }
                data
            }))
        })
    }

    fn guardduty_members(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<String>>> {
        Box::pin(async move {
            let fetched = self
                .per_region(&q, |r, c| async move {
                    guardduty::member_accounts(&r.guardduty(), &c, &r.region, self.profile()).await
                })
                .await?;
            Ok(fetched.map(|per_region| {
                let mut all: Vec<String> = per_region.into_iter().flatten().collect();
                all.sort();
                all.dedup();
                all
            }))
        })
    }

    fn control_results(
        &self,
        region: Option<String>,
        controls: Vec<&'static str>,
    ) -> BoxFuture<'_, FetchResult<Vec<crate::model::ControlResult>>> {
        Box::pin(self.read_control_results(region, controls))
    }

    fn hub_members(&self, region: Option<String>) -> BoxFuture<'_, FetchResult<Vec<String>>> {
        Box::pin(self.read_hub_members(region))
    }

    fn aggregate_select(
        &self,
        aggregator: String,
        region: Option<String>,
        expression: String,
    ) -> BoxFuture<'_, FetchResult<Vec<String>>> {
        Box::pin(self.read_select(aggregator, region, expression))
    }

    fn posture(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<PostureRead>>> {
        Box::pin(async move {
            let calls = Calls::default();
            let (posture, first_error) = posture::read(self, &self.asked(&q), &calls).await;
            let (api_calls, _) = calls.take();
            Ok(Fetched {
                data: vec![PostureRead {
                    posture,
                    first_error,
                    account: None,
                    hub: None,
                }],
                warnings: Vec::new(),
                api_calls,
                metrics_requested: 0,
            })
        })
    }
}
