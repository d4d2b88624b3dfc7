//! SageMaker HyperPod clusters: each cluster's network and instance groups, the lifecycle
//! script every node runs as it is created (read from S3: `s3:GetObject` on the lifecycle
//! bucket), and which other execution roles may rewrite that script (IAM's simulator).

use super::Ctx;
use crate::aws::calls::call;
use crate::checklist::posture::{HyperPodCluster, HyperPodGroup};
use crate::source::SourceError;
use crate::source::aws::AwsSource;
use aws_sdk_sagemaker::Client;
use futures::future::try_join_all;

/// A script is read up to this many bytes: a lifecycle script is a page or two.
const SCRIPT_BYTES: i64 = 256 * 1024;

pub(super) async fn read(
    src: &AwsSource,
    sm: &Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<HyperPodCluster>, SourceError> {
    let names = super::pages::every_page!(ctx, "sagemaker:ListClusters", sm.list_clusters(), |p| p
        .cluster_summaries()
        .iter()
        .filter_map(|c| c.cluster_name().map(str::to_string)));
    try_join_all(names.into_iter().map(|name| cluster(src, sm, ctx, name))).await
}

async fn cluster(
    src: &AwsSource,
    sm: &Client,
    ctx: &Ctx<'_>,
    name: String,
) -> Result<HyperPodCluster, SourceError> {
    let d = call(
        ctx.calls,
        "sagemaker:DescribeCluster",
        ctx.region,
        ctx.profile,
        sm.describe_cluster().cluster_name(&name).send(),
    )
    .await?;
    let groups = futures::future::join_all(d.instance_groups().iter().map(|g| async move {
        let role = g.execution_role().unwrap_or_default().to_string();
        let script = g.life_cycle_config().and_then(|l| {
            let source = l.source_s3_uri()?.trim_end_matches('/');
            Some(format!("{source}/{}", l.on_create()?))
        });
        let (script_text, writable_by) = match &script {
            Some(uri) => {
                let (text, writers) =
                    tokio::join!(script_text(src, ctx, uri), writers(src, ctx, uri, &role));
                (ctx.observed(text), ctx.observed(writers))
            }
            None => (Ok(String::new()), Ok(Vec::new())),
        };
        HyperPodGroup {
            name: g.instance_group_name().unwrap_or_default().to_string(),
            role,
            script,
            script_text,
            writable_by,
        }
    }))
    .await;
    let vpc = d.vpc_config();
    Ok(HyperPodCluster {
        name,
        subnets: vpc.map(|v| v.subnets().to_vec()).unwrap_or_default(),
        security_groups: vpc
            .map(|v| v.security_group_ids().to_vec())
            .unwrap_or_default(),
        groups,
    })
}

fn bucket_and_key(uri: &str) -> Option<(&str, &str)> {
    uri.strip_prefix("s3://")?.split_once('/')
}

async fn script_text(src: &AwsSource, ctx: &Ctx<'_>, uri: &str) -> Result<String, SourceError> {
    let Some((bucket, key)) = bucket_and_key(uri) else {
        return Ok(String::new());
    };
    let object = call(
        ctx.calls,
        "s3:GetObject",
        ctx.region,
        ctx.profile,
        src.s3
            .get_object()
            .bucket(bucket)
            .key(key)
            .range(format!("bytes=0-{}", SCRIPT_BYTES - 1))
            .send(),
    )
    .await?;
    let bytes = object
        .body
        .collect()
        .await
        .map_err(|e| SourceError::Other(format!("reading {uri}: {e}")))?
        .into_bytes();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

async fn writers(
    src: &AwsSource,
    ctx: &Ctx<'_>,
    uri: &str,
    owner: &str,
) -> Result<Vec<String>, SourceError> {
    let Some((bucket, key)) = bucket_and_key(uri) else {
        return Ok(Vec::new());
    };
    let arn = format!("arn:aws:s3:::{bucket}/{key}");
    crate::source::aws::provenance::writers_of(src, ctx.calls, ctx.region, &arn, owner).await
}
