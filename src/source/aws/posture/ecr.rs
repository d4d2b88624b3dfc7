//! The private image registry: each repository's scan-on-push setting and the registry's
//! scanning rules, which cover repositories whatever their own setting.

use super::Ctx;
use crate::aws::calls::call;
use crate::checklist::posture::{EcrRegistry, EcrRepository, Observed};
use crate::source::SourceError;
use aws_sdk_ecr::types::ScanFrequency;

pub(super) async fn read(ecr: &aws_sdk_ecr::Client, ctx: &Ctx<'_>) -> Observed<EcrRegistry> {
    let (repositories, rules) = tokio::join!(
        Box::pin(repositories(ecr, ctx)),
        Box::pin(scanning_filters(ecr, ctx))
    );
    ctx.observed(repositories.and_then(|repositories| {
        Ok(EcrRegistry {
            repositories,
            scanning_filters: rules?,
        })
    }))
}

async fn repositories(
    ecr: &aws_sdk_ecr::Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<EcrRepository>, SourceError> {
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            ctx.calls,
            "ecr:DescribeRepositories",
            ctx.region,
            ctx.profile,
            ecr.describe_repositories()
                .max_results(1000)
                .set_next_token(next)
                .send(),
        )
        .await?;
        out.extend(page.repositories().iter().map(|r| {
            EcrRepository {
                name: r.repository_name().unwrap_or_default().to_string(),
                scan_on_push: r
                    .image_scanning_configuration()
                    .is_some_and(|c| c.scan_on_push()),
            }
        }));
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// The filters of the registry's rules that scan on push or continuously.
async fn scanning_filters(
    ecr: &aws_sdk_ecr::Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<String>, SourceError> {
    let out = call(
        ctx.calls,
        "ecr:GetRegistryScanningConfiguration",
        ctx.region,
        ctx.profile,
        ecr.get_registry_scanning_configuration().send(),
    )
    .await?;
    Ok(out
        .scanning_configuration()
        .map(|c| c.rules())
        .unwrap_or_default()
        .iter()
        .filter(|r| {
            matches!(
                r.scan_frequency(),
                ScanFrequency::ScanOnPush | ScanFrequency::ContinuousScan
            )
        })
        .flat_map(|r| {
            r.repository_filters()
                .iter()
                .map(|f| f.filter().to_string())
        })
        .collect())
}
