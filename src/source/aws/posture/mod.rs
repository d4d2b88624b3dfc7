//! Reads the account's configuration for the checklist: every part on its own, so a denied
//! permission or a failing service makes only the items that need it `unknown`, with the
//! reason. Regions are read in parallel, and the parts of a region too.

mod data;
mod ecr;
mod hyperpod;
mod iam;
mod ml_surface;
mod model_monitor;
mod monitoring;
mod network;
mod pages;
mod sagemaker;
mod studio;
mod threat;

use super::{AwsSource, RegionClients};
use crate::aws::calls::Calls;
use crate::checklist::posture::{Observed, Posture, RegionPosture};
use crate::source::SourceError;
use std::sync::Mutex;

/// Where reads happen, and the first error seen (to fail the pane when nothing could be read).
pub(super) struct Ctx<'a> {
    pub calls: &'a Calls,
    pub region: &'a str,
    pub profile: Option<&'a str>,
    pub first_error: &'a Mutex<Option<SourceError>>,
}

impl Ctx<'_> {
    pub fn observed<T>(&self, r: Result<T, SourceError>) -> Observed<T> {
        r.map_err(|e| {
            if let Ok(mut first) = self.first_error.lock()
                && first.is_none()
            {
                *first = Some(e.clone());
            }
            e.to_string()
        })
    }
}

pub(super) use crate::aws::errors::{absent, code};

pub(super) async fn read(
    src: &AwsSource,
    asked: &[&RegionClients],
    calls: &Calls,
) -> (Posture, Option<SourceError>) {
    let first_error = Mutex::new(None);
    let watched: Vec<String> = asked.iter().map(|r| r.region.clone()).collect();
    let home = src.session.home_region().to_string();
    let global = Ctx {
        calls,
        region: &home,
        profile: src.profile(),
        first_error: &first_error,
    };
    let watched = &watched;
    let regions = futures::future::join_all(asked.iter().map(|r| {
        let ctx = Ctx {
            calls,
            region: &r.region,
            profile: src.profile(),
            first_error: &first_error,
        };
        async move { Box::pin(region(src, r, &ctx, watched)).await }
    }));
    // Each part boxed: the SDK's futures are large, and nested they overflow a worker's stack.
    let (
        regions,
        buckets,
        account_public_access_blocked,
        (password_policy, root_mfa, roles, credentials, workload_guardrails),
    ) = tokio::join!(
        Box::pin(regions),
        Box::pin(data::buckets(&src.s3, src.session.config(), &global)),
        Box::pin(data::account_public_access_blocked(src, &global)),
        Box::pin(iam::account(&src.iam, &global)),
    );
    let posture = Posture {
        read_at: chrono::Utc::now(),
        regions,
        buckets,
        account_public_access_blocked,
        password_policy,
        root_mfa,
        roles,
        credentials,
        workload_guardrails,
    };
    let first = first_error.lock().ok().and_then(|mut f| f.take());
    (posture, first)
}

async fn region(
    src: &AwsSource,
    r: &RegionClients,
    ctx: &Ctx<'_>,
    watched: &[String],
) -> RegionPosture {
    let (ec2, sagemaker, kms, ecr) = (r.ec2(), r.sagemaker(), r.kms(), r.ecr());
    let guardduty = r.guardduty();
    let (
        (vpcs, vpc_endpoints, nat_gateways, flow_logs, ebs, security_groups),
        (
            notebooks,
            endpoints,
            models,
            training_jobs,
            model_package_groups,
            studio_domains,
            monitoring_schedules,
        ),
        (kms_keys, ecr),
        (alarms, topics, trails, metric_filters),
        (detectors, security_hub, web_acls, config, analyzers),
        ml,
    ) = tokio::join!(
        Box::pin(network::read(&ec2, ctx)),
        Box::pin(sagemaker::read(&sagemaker, &src.endpoints_cache, ctx)),
        Box::pin(async {
            tokio::join!(
                Box::pin(data::kms_keys(&kms, ctx)),
                Box::pin(ecr::read(&ecr, ctx))
            )
        }),
        Box::pin(monitoring::read(r, ctx, watched)),
        Box::pin(threat::read(r, ctx)),
        Box::pin(ml_surface::read(src, &sagemaker, &guardduty, ctx)),
    );
    let serving = match &endpoints {
        Ok(list) => ctx.observed(serving(src, r, ctx, list).await),
        Err(e) => Err(e.clone()),
    };
    RegionPosture {
        region: r.region.clone(),
        vpcs,
        vpc_endpoints,
        nat_gateways,
        flow_logs,
        ebs_encryption_by_default: ebs,
        security_groups: security_groups.map(Into::into),
        notebooks,
        endpoints,
        serving,
        models,
        model_package_groups,
        training_jobs,
        studio_domains,
        monitoring_schedules,
        kms_keys,
        alarms,
        topics,
        trails,
        metric_filters,
        ecr,
        detectors,
        security_hub,
        web_acls,
        config,
        analyzers,
        ml,
    }
}

/// The endpoints' chains, completed as the endpoints pane completes them (the same caches: a
/// chain the pane read a moment ago is not read again).
async fn serving(
    src: &AwsSource,
    r: &RegionClients,
    ctx: &Ctx<'_>,
    endpoints: &[crate::checklist::posture::EndpointEncryption],
) -> Result<Vec<crate::checklist::posture::Serving>, SourceError> {
    let mut out: Vec<crate::checklist::posture::Serving> = endpoints
        .iter()
        .map(|e| crate::checklist::posture::Serving {
            endpoint: e.endpoint.clone(),
            chains: super::provenance::skeletons(&e.served),
        })
        .collect();
    let chains = out
        .iter_mut()
        .map(|s| (s.endpoint.as_str(), &mut s.chains))
        .collect();
    super::provenance::complete(r, ctx.calls, src, chains).await?;
    Ok(out)
}
