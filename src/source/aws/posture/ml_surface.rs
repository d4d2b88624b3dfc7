//! The SageMaker surface beyond notebooks, endpoints and training: Feature Store, Studio's
//! custom images (with their tags), inference experiments, Model Monitor's job definitions, the
//! newest processing, transform and AutoML jobs, GuardDuty's Malware Protection plans, Studio's
//! people and apps (`studio`) and HyperPod clusters (`hyperpod`). Each part is read on its own.

use super::Ctx;
use super::sagemaker::NEWEST;
use crate::aws::calls::call;
use crate::checklist::posture::*;
use crate::source::SourceError;
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{AutoMlSortBy, AutoMlSortOrder, SortBy, SortOrder};
use futures::future::try_join_all;

pub(super) async fn read(
    src: &crate::source::aws::AwsSource,
    sm: &Client,
    gd: &aws_sdk_guardduty::Client,
    ctx: &Ctx<'_>,
) -> MlSurface {
    let (f, s, i, d, v, a, m, studio, hyperpod) = tokio::join!(
        Box::pin(feature_groups(sm, ctx)),
        Box::pin(studio_images(sm, ctx)),
        Box::pin(inference_experiments(sm, ctx)),
        Box::pin(job_definitions(sm, ctx)),
        Box::pin(volume_jobs(sm, ctx)),
        Box::pin(automl_jobs(sm, ctx)),
        Box::pin(malware_plans(gd, ctx)),
        Box::pin(super::studio::read(sm, ctx)),
        Box::pin(super::hyperpod::read(src, sm, ctx)),
    );
    MlSurface {
        feature_groups: ctx.observed(f),
        studio_images: ctx.observed(s),
        inference_experiments: ctx.observed(i),
        job_definitions: ctx.observed(d),
        volume_jobs: ctx.observed(v),
        automl_jobs: ctx.observed(a),
        malware_plans: ctx.observed(m),
        studio: ctx.observed(studio),
        hyperpod: ctx.observed(hyperpod),
    }
}

/// The buckets GuardDuty's Malware Protection for S3 plans scan (one `Get` a plan: the list
/// names only their ids).
async fn malware_plans(
    gd: &aws_sdk_guardduty::Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<String>, SourceError> {
    let mut ids = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = call(
            ctx.calls,
            "guardduty:ListMalwareProtectionPlans",
            ctx.region,
            ctx.profile,
            gd.list_malware_protection_plans()
                .set_next_token(next)
                .send(),
        )
        .await?;
        ids.extend(
            page.malware_protection_plans()
                .iter()
                .filter_map(|p| p.malware_protection_plan_id().map(str::to_string)),
        );
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    let plans = try_join_all(ids.iter().map(|id| async move {
        call(
            ctx.calls,
            "guardduty:GetMalwareProtectionPlan",
            ctx.region,
            ctx.profile,
            gd.get_malware_protection_plan()
                .malware_protection_plan_id(id)
                .send(),
        )
        .await
    }))
    .await?;
    Ok(plans
        .iter()
        .filter_map(|p| {
            p.protected_resource()?
                .s3_bucket()?
                .bucket_name()
                .map(str::to_string)
        })
        .collect())
}

use super::pages::every_page;

fn key(k: Option<&str>) -> Option<String> {
    k.filter(|k| !k.is_empty()).map(str::to_string)
}

async fn feature_groups(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<FeatureGroup>, SourceError> {
    let names = every_page!(
        ctx,
        "sagemaker:ListFeatureGroups",
        sm.list_feature_groups(),
        |p| p
            .feature_group_summaries()
            .iter()
            .filter_map(|g| g.feature_group_name().map(str::to_string))
    );
    try_join_all(names.into_iter().map(|name| async move {
        let d = call(
            ctx.calls,
            "sagemaker:DescribeFeatureGroup",
            ctx.region,
            ctx.profile,
            sm.describe_feature_group().feature_group_name(&name).send(),
        )
        .await?;
        let online = d
            .online_store_config()
            .filter(|o| o.enable_online_store().unwrap_or(false))
            .map(|o| StoreKey {
                kms_key: key(o.security_config().and_then(|s| s.kms_key_id())),
                storage: o
                    .storage_type()
                    .map_or("Standard", |s| s.as_str())
                    .to_string(),
            });
        let offline = d.offline_store_config().map(|o| StoreKey {
            kms_key: key(o.s3_storage_config().and_then(|s| s.kms_key_id())),
            storage: String::new(),
        });
        Ok(FeatureGroup {
            name,
            online,
            offline,
        })
    }))
    .await
}

/// App image configs and images, each with its tag keys (one `ListTags` each: neither list
/// nor describe carries tags).
async fn studio_images(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<TaggedResource>, SourceError> {
    let configs = every_page!(
        ctx,
        "sagemaker:ListAppImageConfigs",
        sm.list_app_image_configs(),
        |p| p.app_image_configs().iter().filter_map(|c| Some((
            c.app_image_config_name()?.to_string(),
            c.app_image_config_arn()?.to_string()
        )))
    );
    let images = every_page!(ctx, "sagemaker:ListImages", sm.list_images(), |p| p
        .images()
        .iter()
        .filter_map(|i| Some((i.image_name()?.to_string(), i.image_arn()?.to_string()))));
    let all = configs
        .into_iter()
        .map(|c| ("app image config", c))
        .chain(images.into_iter().map(|i| ("image", i)));
    try_join_all(all.map(|(kind, (name, arn))| async move {
        let tags = call(
            ctx.calls,
            "sagemaker:ListTags",
            ctx.region,
            ctx.profile,
            sm.list_tags().resource_arn(&arn).max_results(100).send(),
        )
        .await?;
        Ok(TaggedResource {
            kind,
            name,
            tag_keys: tags
                .tags()
                .iter()
                .filter_map(|t| t.key().map(str::to_string))
                .filter(|k| !k.starts_with("aws:"))
                .collect(),
        })
    }))
    .await
}

async fn inference_experiments(
    sm: &Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<InferenceExperiment>, SourceError> {
    let names = every_page!(
        ctx,
        "sagemaker:ListInferenceExperiments",
        sm.list_inference_experiments(),
        |p| p
            .inference_experiments()
            .iter()
            .filter_map(|e| e.name().map(str::to_string))
    );
    try_join_all(names.into_iter().map(|name| async move {
        let d = call(
            ctx.calls,
            "sagemaker:DescribeInferenceExperiment",
            ctx.region,
            ctx.profile,
            sm.describe_inference_experiment().name(&name).send(),
        )
        .await?;
        Ok(InferenceExperiment {
            storage_key: key(d.kms_key()),
            capture: d.data_storage_config().map(|c| key(c.kms_key())),
            name,
        })
    }))
    .await
}

/// The four kinds of Model Monitor job definition, each listed then described.
async fn job_definitions(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<JobDefinition>, SourceError> {
    // One kind: list its names, describe each, keep its network and instance count.
    macro_rules! kind {
        ($kind:literal, $list:ident, $list_op:literal, $describe:ident, $describe_op:literal) => {
            async {
                let names = every_page!(ctx, $list_op, sm.$list(), |p| p
                    .job_definition_summaries()
                    .iter()
                    .filter_map(|s| s.monitoring_job_definition_name().map(str::to_string)));
                try_join_all(names.into_iter().map(|name| async move {
                    let d = call(
                        ctx.calls,
                        $describe_op,
                        ctx.region,
                        ctx.profile,
                        sm.$describe().job_definition_name(&name).send(),
                    )
                    .await?;
                    let network = d.network_config();
                    Ok::<_, SourceError>(JobDefinition {
                        kind: $kind,
                        isolation: network
                            .and_then(|n| n.enable_network_isolation())
                            .unwrap_or(false),
                        inter_container_encryption: network
                            .and_then(|n| n.enable_inter_container_traffic_encryption())
                            .unwrap_or(false),
                        instance_count: d
                            .job_resources()
                            .and_then(|r| r.cluster_config())
                            .and_then(|c| c.instance_count())
                            .unwrap_or(1),
                        name,
                    })
                }))
                .await
            }
        };
    }
    let (dq, mq, bias, explain) = tokio::join!(
        kind!(
            "DataQuality",
            list_data_quality_job_definitions,
            "sagemaker:ListDataQualityJobDefinitions",
            describe_data_quality_job_definition,
            "sagemaker:DescribeDataQualityJobDefinition"
        ),
        kind!(
            "ModelQuality",
            list_model_quality_job_definitions,
            "sagemaker:ListModelQualityJobDefinitions",
            describe_model_quality_job_definition,
            "sagemaker:DescribeModelQualityJobDefinition"
        ),
        kind!(
            "ModelBias",
            list_model_bias_job_definitions,
            "sagemaker:ListModelBiasJobDefinitions",
            describe_model_bias_job_definition,
            "sagemaker:DescribeModelBiasJobDefinition"
        ),
        kind!(
            "ModelExplainability",
            list_model_explainability_job_definitions,
            "sagemaker:ListModelExplainabilityJobDefinitions",
            describe_model_explainability_job_definition,
            "sagemaker:DescribeModelExplainabilityJobDefinition"
        ),
    );
    Ok([dq?, mq?, bias?, explain?].concat())
}

/// The newest processing and transform jobs, with their volume and output keys.
async fn volume_jobs(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<VolumeJob>, SourceError> {
    let processing = async {
        let page = call(
            ctx.calls,
            "sagemaker:ListProcessingJobs",
            ctx.region,
            ctx.profile,
            sm.list_processing_jobs()
                .sort_by(SortBy::CreationTime)
                .sort_order(SortOrder::Descending)
                .max_results(NEWEST)
                .send(),
        )
        .await?;
        try_join_all(page.processing_job_summaries().iter().map(|j| async move {
            let name = j.processing_job_name().unwrap_or_default();
            let d = call(
                ctx.calls,
                "sagemaker:DescribeProcessingJob",
                ctx.region,
                ctx.profile,
                sm.describe_processing_job()
                    .processing_job_name(name)
                    .send(),
            )
            .await?;
            Ok::<_, SourceError>(VolumeJob {
                kind: "processing",
                name: name.to_string(),
                volume_kms_key: key(d
                    .processing_resources()
                    .and_then(|r| r.cluster_config())
                    .and_then(|c| c.volume_kms_key_id())),
                output_kms_key: key(d.processing_output_config().and_then(|o| o.kms_key_id())),
            })
        }))
        .await
    };
    let transform = async {
        let page = call(
            ctx.calls,
            "sagemaker:ListTransformJobs",
            ctx.region,
            ctx.profile,
            sm.list_transform_jobs()
                .sort_by(SortBy::CreationTime)
                .sort_order(SortOrder::Descending)
                .max_results(NEWEST)
                .send(),
        )
        .await?;
        try_join_all(page.transform_job_summaries().iter().map(|j| async move {
            let name = j.transform_job_name().unwrap_or_default();
            let d = call(
                ctx.calls,
                "sagemaker:DescribeTransformJob",
                ctx.region,
                ctx.profile,
                sm.describe_transform_job().transform_job_name(name).send(),
            )
            .await?;
            Ok::<_, SourceError>(VolumeJob {
                kind: "transform",
                name: name.to_string(),
                volume_kms_key: key(d.transform_resources().and_then(|r| r.volume_kms_key_id())),
                output_kms_key: key(d.transform_output().and_then(|o| o.kms_key_id())),
            })
        }))
        .await
    };
    let (p, t) = tokio::join!(Box::pin(processing), Box::pin(transform));
    Ok([p?, t?].concat())
}

/// The newest AutoML jobs (V1 and V2 alike: `DescribeAutoMLJobV2` answers for both).
async fn automl_jobs(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<AutoMlJob>, SourceError> {
    let page = call(
        ctx.calls,
        "sagemaker:ListAutoMLJobs",
        ctx.region,
        ctx.profile,
        sm.list_auto_ml_jobs()
            .sort_by(AutoMlSortBy::CreationTime)
            .sort_order(AutoMlSortOrder::Descending)
            .max_results(NEWEST)
            .send(),
    )
    .await?;
    try_join_all(page.auto_ml_job_summaries().iter().map(|j| async move {
        let name = j.auto_ml_job_name().unwrap_or_default();
        let d = call(
            ctx.calls,
            "sagemaker:DescribeAutoMLJobV2",
            ctx.region,
            ctx.profile,
            sm.describe_auto_ml_job_v2().auto_ml_job_name(name).send(),
        )
        .await?;
        let security = d.security_config();
        Ok(AutoMlJob {
            name: name.to_string(),
            inter_container_encryption: security
                .and_then(|s| s.enable_inter_container_traffic_encryption())
                .unwrap_or(false),
            volume_kms_key: key(security.and_then(|s| s.volume_kms_key_id())),
        })
    }))
    .await
}
