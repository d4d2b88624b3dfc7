//! SageMaker notebooks, endpoints' encryption, and the newest models and training jobs with
//! their network settings.

use super::Ctx;
use crate::aws::calls::call;
use crate::checklist::posture::*;
use crate::source::SourceError;
use crate::source::aws::sagemaker as endpoints_api;
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{
    AppNetworkAccessType, DirectInternetAccess, ModelSortKey, OrderKey, RootAccess, SortBy,
    SortOrder,
};
use futures::future::try_join_all;

/// Models and training jobs are many and short-lived: the newest this many are checked.
pub const NEWEST: i32 = 50;

type Parts = (
    Observed<Vec<Notebook>>,
    Observed<Vec<EndpointEncryption>>,
    Observed<Vec<Model>>,
    Observed<Vec<TrainingJob>>,
    Observed<Vec<PackageGroup>>,
    Observed<Vec<StudioDomain>>,
    Observed<Vec<MonitoringSchedule>>,
);

pub(super) async fn read(sm: &Client, cache: &endpoints_api::Cache, ctx: &Ctx<'_>) -> Parts {
    let (n, e, m, t, g, d, s) = tokio::join!(
        Box::pin(notebooks(sm, ctx)),
        Box::pin(endpoints(sm, cache, ctx)),
        Box::pin(models(sm, ctx)),
        Box::pin(training_jobs(sm, ctx)),
        Box::pin(model_package_groups(sm, ctx)),
        Box::pin(studio_domains(sm, ctx)),
        Box::pin(super::model_monitor::schedules(sm, ctx)),
    );
    (
        ctx.observed(n),
        ctx.observed(e),
        ctx.observed(m),
        ctx.observed(t),
        ctx.observed(g),
        ctx.observed(d),
        ctx.observed(s),
    )
}

async fn studio_domains(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<StudioDomain>, SourceError> {
    let mut ids = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            ctx.calls,
            "sagemaker:ListDomains",
            ctx.region,
            ctx.profile,
            sm.list_domains()
                .max_results(100)
                .set_next_token(next)
                .send(),
        )
        .await?;
        ids.extend(
            page.domains()
                .iter()
                .filter_map(|d| d.domain_id().map(str::to_string)),
        );
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    try_join_all(ids.into_iter().map(|id| async move {
        let d = call(
            ctx.calls,
            "sagemaker:DescribeDomain",
            ctx.region,
            ctx.profile,
            sm.describe_domain().domain_id(&id).send(),
        )
        .await?;
        Ok::<_, SourceError>(StudioDomain {
            name: d.domain_name().unwrap_or(&id).to_string(),
            vpc_only: d.app_network_access_type() == Some(&AppNetworkAccessType::VpcOnly),
            auth_mode: d
                .auth_mode()
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
            identity_center: d
                .single_sign_on_application_arn()
                .or(d.single_sign_on_managed_application_instance_id())
                .is_some_and(|a| !a.is_empty()),
            kms_key: d.kms_key_id().filter(|k| !k.is_empty()).map(str::to_string),
        })
    }))
    .await
}

/// The model registry's groups (their names are all the item needs).
/// Each group, and whether it holds an approved version (one `ListModelPackages` a group).
async fn model_package_groups(
    sm: &Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<PackageGroup>, SourceError> {
    let mut names = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            ctx.calls,
            "sagemaker:ListModelPackageGroups",
            ctx.region,
            ctx.profile,
            sm.list_model_package_groups()
                .max_results(100)
                .set_next_token(next)
                .send(),
        )
        .await?;
        names.extend(
            page.model_package_group_summary_list()
                .iter()
                .map(|g| g.model_package_group_name().unwrap_or_default().to_string()),
        );
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    try_join_all(names.into_iter().map(|name| async move {
        let approved = call(
            ctx.calls,
            "sagemaker:ListModelPackages",
            ctx.region,
            ctx.profile,
            sm.list_model_packages()
                .model_package_group_name(&name)
                .model_approval_status(aws_sdk_sagemaker::types::ModelApprovalStatus::Approved)
                .max_results(1)
                .send(),
        )
        .await?;
        Ok(PackageGroup {
            approved: !approved.model_package_summary_list().is_empty(),
            name,
        })
    }))
    .await
}

async fn notebooks(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<Notebook>, SourceError> {
    let mut names = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            ctx.calls,
            "sagemaker:ListNotebookInstances",
            ctx.region,
            ctx.profile,
            sm.list_notebook_instances()
                .max_results(100)
                .set_next_token(next)
                .send(),
        )
        .await?;
        names.extend(
            page.notebook_instances()
                .iter()
                .map(|n| n.notebook_instance_name().unwrap_or_default().to_string()),
        );
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    let mut notebooks = try_join_all(names.into_iter().map(|name| async move {
        let d = call(
            ctx.calls,
            "sagemaker:DescribeNotebookInstance",
            ctx.region,
            ctx.profile,
            sm.describe_notebook_instance()
                .notebook_instance_name(&name)
                .send(),
        )
        .await?;
        Ok::<_, SourceError>(Notebook {
            direct_internet_access: d.direct_internet_access()
                != Some(&DirectInternetAccess::Disabled),
            root_access: d.root_access() != Some(&RootAccess::Disabled),
            // SageMaker's default is 1 when the setting is absent.
            minimum_imds: d
                .instance_metadata_service_configuration()
                .and_then(|c| c.minimum_instance_metadata_service_version())
                .unwrap_or("1")
                .to_string(),
            platform: d.platform_identifier().map(str::to_string),
            subnet_id: d.subnet_id().map(str::to_string),
            kms_key_id: d.kms_key_id().map(str::to_string),
            lifecycle: d
                .notebook_instance_lifecycle_config_name()
                .filter(|c| !c.is_empty())
                .map(|config| Lifecycle {
                    config: config.to_string(),
                    scripts: Ok(Vec::new()),
                }),
            name,
        })
    }))
    .await?;
    // Notebooks often share a configuration: each is read once.
    let mut configs: Vec<String> = notebooks
        .iter()
        .filter_map(|n| n.lifecycle.as_ref().map(|l| l.config.clone()))
        .collect();
    configs.sort();
    configs.dedup();
    let scripts = futures::future::join_all(configs.iter().map(|c| async move {
        let read = lifecycle_scripts(sm, ctx, c).await;
        (c.clone(), ctx.observed(read))
    }))
    .await;
    for n in &mut notebooks {
        if let Some(lc) = &mut n.lifecycle
            && let Some((_, read)) = scripts.iter().find(|(c, _)| *c == lc.config)
        {
            lc.scripts = read.clone();
        }
    }
    Ok(notebooks)
}

/// A lifecycle configuration's scripts, decoded from the base64 the API returns.
async fn lifecycle_scripts(
    sm: &Client,
    ctx: &Ctx<'_>,
    config: &str,
) -> Result<Vec<Script>, SourceError> {
    let d = call(
        ctx.calls,
        "sagemaker:DescribeNotebookInstanceLifecycleConfig",
        ctx.region,
        ctx.profile,
        sm.describe_notebook_instance_lifecycle_config()
            .notebook_instance_lifecycle_config_name(config)
            .send(),
    )
    .await?;
    let hooks = [("OnCreate", d.on_create()), ("OnStart", d.on_start())];
    Ok(hooks
        .into_iter()
        .flat_map(|(hook, scripts)| {
            scripts.iter().filter_map(move |s| {
                let raw = aws_smithy_types::base64::decode(s.content()?).ok()?;
                Some(Script {
                    hook: hook.to_string(),
                    text: String::from_utf8_lossy(&raw).into_owned(),
                })
            })
        })
        .collect())
}

async fn endpoints(
    sm: &Client,
    cache: &endpoints_api::Cache,
    ctx: &Ctx<'_>,
) -> Result<Vec<EndpointEncryption>, SourceError> {
    let listed = endpoints_api::list(sm, ctx.calls, ctx.region, ctx.profile).await?;
    try_join_all(listed.iter().map(|l| async move {
        let d = endpoints_api::describe(sm, ctx.calls, cache, ctx.region, ctx.profile, l).await?;
        Ok(EndpointEncryption {
            endpoint: l.name.clone(),
            config: d.config_name,
            kms_key_id: d.kms_key_id,
            variants: d.variants,
            served: d.served,
            async_output: d.async_output,
        })
    }))
    .await
}

fn in_vpc(vpc: Option<&aws_sdk_sagemaker::types::VpcConfig>) -> bool {
    vpc.is_some_and(|v| !v.subnets().is_empty())
}

async fn models(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<Model>, SourceError> {
    let page = call(
        ctx.calls,
        "sagemaker:ListModels",
        ctx.region,
        ctx.profile,
        sm.list_models()
            .sort_by(ModelSortKey::CreationTime)
            .sort_order(OrderKey::Descending)
            .max_results(NEWEST)
            .send(),
    )
    .await?;
    try_join_all(page.models().iter().map(|m| async move {
        let name = m.model_name().unwrap_or_default();
        let d = call(
            ctx.calls,
            "sagemaker:DescribeModel",
            ctx.region,
            ctx.profile,
            sm.describe_model().model_name(name).send(),
        )
        .await?;
        Ok(Model {
            name: name.to_string(),
            network_isolation: d.enable_network_isolation().unwrap_or(false),
            in_vpc: in_vpc(d.vpc_config()),
            s3_uris: d
                .primary_container()
                .into_iter()
                .chain(d.containers())
                .filter_map(|c| c.model_data_url().map(str::to_string))
                .collect(),
            images: d
                .primary_container()
                .into_iter()
                .chain(d.containers())
                .map(|c| {
                    (
                        c.image().unwrap_or_default().to_string(),
                        c.image_config()
                            .and_then(|i| i.repository_access_mode())
                            .map(|m| m.as_str().to_string()),
                    )
                })
                .collect(),
        })
    }))
    .await
}

async fn training_jobs(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<TrainingJob>, SourceError> {
    let page = call(
        ctx.calls,
        "sagemaker:ListTrainingJobs",
        ctx.region,
        ctx.profile,
        sm.list_training_jobs()
            .sort_by(SortBy::CreationTime)
            .sort_order(SortOrder::Descending)
            .max_results(NEWEST)
            .send(),
    )
    .await?;
    try_join_all(page.training_job_summaries().iter().map(|j| async move {
        let name = j.training_job_name().unwrap_or_default();
        let d = call(
            ctx.calls,
            "sagemaker:DescribeTrainingJob",
            ctx.region,
            ctx.profile,
            sm.describe_training_job().training_job_name(name).send(),
        )
        .await?;
        Ok(TrainingJob {
            name: name.to_string(),
            network_isolation: d.enable_network_isolation().unwrap_or(false),
            in_vpc: in_vpc(d.vpc_config()),
            inter_container_encryption: d
                .enable_inter_container_traffic_encryption()
                .unwrap_or(false),
            volume_kms_key: d
                .resource_config()
                .and_then(|r| r.volume_kms_key_id())
                .filter(|k| !k.is_empty())
                .map(str::to_string),
            output_kms_key: d
                .output_data_config()
                .and_then(|o| o.kms_key_id())
                .filter(|k| !k.is_empty())
                .map(str::to_string),
            s3_uris: d
                .input_data_config()
                .iter()
                .filter_map(|c| {
                    c.data_source()?
                        .s3_data_source()?
                        .s3_uri()
                        .map(str::to_string)
                })
                .chain(
                    d.output_data_config()
                        .and_then(|o| o.s3_output_path())
                        .map(str::to_string),
                )
                .collect(),
        })
    }))
    .await
}
