//! The training jobs behind served artifacts: the newest jobs, each described once it has
//! ended (a finished job never changes), linked to a chain by its `S3ModelArtifacts`.

use super::Cache;
use crate::aws::calls::{Calls, call};
use crate::model::{SourceError, TrainingRef};

/// How many of the newest training jobs are looked at for the artifacts they wrote.
const JOBS: i32 = 20;

/// A job as the chain needs it, with the artifact it wrote.
#[derive(Debug, Clone)]
pub(super) struct Trained {
    pub training: TrainingRef,
    pub artifact: String,
}

/// The newest training jobs, re-listed on the checklist's interval.
pub(super) async fn jobs(
    sm: &aws_sdk_sagemaker::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<Trained>, SourceError> {
    let slot = super::fresh(&cache.training, region.to_string());
    slot.get_or_try_init(|| async {
        let listed = call(
            calls,
            "sagemaker:ListTrainingJobs",
            region,
            profile,
            sm.list_training_jobs()
                .sort_by(aws_sdk_sagemaker::types::SortBy::CreationTime)
                .sort_order(aws_sdk_sagemaker::types::SortOrder::Descending)
                .max_results(JOBS)
                .send(),
        )
        .await?;
        let mut out = Vec::new();
        for j in listed.training_job_summaries() {
            let name = j.training_job_name().unwrap_or_default();
            let ended = j.training_job_status().is_some_and(|s| {
                !matches!(s, aws_sdk_sagemaker::types::TrainingJobStatus::InProgress)
            });
            if let Some(t) = describe(sm, calls, cache, region, profile, name, ended).await? {
                out.push(t);
            }
        }
        Ok::<_, SourceError>(out)
    })
    .await
    .cloned()
}

/// One job, from the cache when it had ended when read.
async fn describe(
    sm: &aws_sdk_sagemaker::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    name: &str,
    ended: bool,
) -> Result<Option<Trained>, SourceError> {
    let key = (region.to_string(), name.to_string());
    if let Some(done) = cache
        .jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
    {
        return Ok(done.clone());
    }
    let d = call(
        calls,
        "sagemaker:DescribeTrainingJob",
        region,
        profile,
        sm.describe_training_job().training_job_name(name).send(),
    )
    .await?;
    let trained = d
        .model_artifacts()
        .and_then(|m| m.s3_model_artifacts())
        .map(|artifact| Trained {
            artifact: artifact.to_string(),
            training: TrainingRef {
                name: name.to_string(),
                network_isolation: d.enable_network_isolation().unwrap_or(false),
                in_vpc: d.vpc_config().is_some_and(|v| !v.subnets().is_empty()),
                volume_kms_key: d
                    .resource_config()
                    .and_then(|r| r.volume_kms_key_id())
                    .map(str::to_string),
                inputs: d
                    .input_data_config()
                    .iter()
                    .filter_map(|c| c.data_source()?.s3_data_source()?.s3_uri())
                    .map(str::to_string)
                    .collect(),
            },
        });
    if ended {
        cache
            .jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, trained.clone());
    }
    Ok(trained)
}

/// The job that wrote this artifact: its output is the artifact, or the prefix it lies under.
pub(super) fn wrote<'a>(jobs: &'a [Trained], artifact: &str) -> Option<&'a Trained> {
    jobs.iter().find(|j| {
        j.artifact == artifact
            || (j.artifact.ends_with('/') && artifact.starts_with(j.artifact.as_str()))
    })
}
