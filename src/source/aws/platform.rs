//! The SageMaker pane's read, one region: notebook instances (each described, for root access,
//! IMDS and its lifecycle config), the latest versions of each model package group, and the
//! latest jobs of each kind. Bounded: a pane, not an inventory.

use crate::aws::calls::{Calls, call};
use crate::model::{PlatformItem, PlatformKind, SourceError};
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{ModelPackageSummary, SortOrder};

/// How many of each the pane lists.
const NOTEBOOKS: i32 = 50;
const GROUPS: i32 = 20;
const VERSIONS: i32 = 5;
const JOBS: i32 = 10;

fn time(t: Option<&aws_smithy_types::DateTime>) -> String {
    t.and_then(|t| chrono::DateTime::<chrono::Utc>::from_timestamp(t.secs(), 0))
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn item(kind: PlatformKind, id: &str, status: &str, detail: String, region: &str) -> PlatformItem {
    PlatformItem {
        kind,
        id: id.to_string(),
        name: id.to_string(),
        status: status.to_string(),
        detail,
        region: region.to_string(),
        group: None,
        facts: vec![],
        account: None,
    }
}

pub async fn read(
    sm: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<PlatformItem>, SourceError> {
    let mut out = notebooks(sm, calls, region, profile).await?;
    out.extend(versions(sm, calls, region, profile).await?);
    out.extend(jobs(sm, calls, region, profile).await?);
    Ok(out)
}

async fn notebooks(
    sm: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<PlatformItem>, SourceError> {
    let listed = call(
        calls,
        "sagemaker:ListNotebookInstances",
        region,
        profile,
        sm.list_notebook_instances().max_results(NOTEBOOKS).send(),
    )
    .await?;
    let mut out = Vec::new();
    for n in listed.notebook_instances() {
        let name = n.notebook_instance_name().unwrap_or_default();
        let d = call(
            calls,
            "sagemaker:DescribeNotebookInstance",
            region,
            profile,
            sm.describe_notebook_instance()
                .notebook_instance_name(name)
                .send(),
        )
        .await?;
        let status = d
            .notebook_instance_status()
            .map(|s| s.as_str())
            .unwrap_or_default();
        let root = d.root_access().map(|r| r.as_str()).unwrap_or("Enabled");
        let imds = d
            .instance_metadata_service_configuration()
            .and_then(|c| c.minimum_instance_metadata_service_version())
            .unwrap_or("1");
        let instance = d.instance_type().map(|t| t.as_str()).unwrap_or_default();
        let mut i = item(
            PlatformKind::Notebook,
            name,
            status,
            format!("{instance} · root {} · IMDSv{imds}", root.to_lowercase()),
            region,
        );
        i.facts = vec![
            ("instance type".into(), instance.to_string()),
            ("role".into(), d.role_arn().unwrap_or_default().to_string()),
            ("root access".into(), root.to_string()),
            ("IMDS minimum".into(), format!("v{imds}")),
            (
                "lifecycle config".into(),
                d.notebook_instance_lifecycle_config_name()
                    .unwrap_or("none")
                    .to_string(),
            ),
            (
                "direct internet".into(),
                d.direct_internet_access()
                    .map(|a| a.as_str())
                    .unwrap_or_default()
                    .to_string(),
            ),
            ("subnet".into(), d.subnet_id().unwrap_or("none").to_string()),
            ("modified".into(), time(d.last_modified_time())),
        ];
        out.push(i);
    }
    Ok(out)
}

/// The latest versions of each model package group, newest first, with their group: the
/// pane lists them, and the endpoints' chains look a served artifact's package up among them.
pub(super) async fn latest_versions(
    sm: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<(String, ModelPackageSummary)>, SourceError> {
    let groups = call(
        calls,
        "sagemaker:ListModelPackageGroups",
        region,
        profile,
        sm.list_model_package_groups().max_results(GROUPS).send(),
    )
    .await?;
    let mut out = Vec::new();
    for g in groups.model_package_group_summary_list() {
        let group = g.model_package_group_name().unwrap_or_default();
        let listed = call(
            calls,
            "sagemaker:ListModelPackages",
            region,
            profile,
            sm.list_model_packages()
                .model_package_group_name(group)
                .sort_by(aws_sdk_sagemaker::types::ModelPackageSortBy::CreationTime)
                .sort_order(SortOrder::Descending)
                .max_results(VERSIONS)
                .send(),
        )
        .await?;
        out.extend(
            listed
                .model_package_summary_list()
                .iter()
                .map(|p| (group.to_string(), p.clone())),
        );
    }
    Ok(out)
}

async fn versions(
    sm: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<PlatformItem>, SourceError> {
    let mut out = Vec::new();
    for (group, p) in latest_versions(sm, calls, region, profile).await? {
        let arn = p.model_package_arn().unwrap_or_default();
        let version = p
            .model_package_version()
            .map(|v| v.to_string())
            .unwrap_or_else(|| "?".into());
        let status = p
            .model_approval_status()
            .map(|s| s.as_str())
            .unwrap_or_default();
        let mut i = item(
            PlatformKind::ModelVersion,
            arn,
            status,
            format!("created {}", time(p.creation_time())),
            region,
        );
        i.name = format!("{group}/{version}");
        i.group = Some(group.clone());
        i.facts = vec![
            ("group".into(), group),
            ("version".into(), version),
            ("created".into(), time(p.creation_time())),
        ];
        out.push(i);
    }
    Ok(out)
}

async fn jobs(
    sm: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<PlatformItem>, SourceError> {
    let mut out = Vec::new();
    // The three kinds' calls and summaries differ only in their names.
    macro_rules! latest {
        ($op:literal, $list:ident, $summaries:ident, $name:ident, $status:ident, $kind:expr) => {
            let listed = call(
                calls,
                $op,
                region,
                profile,
                sm.$list()
                    .sort_by(aws_sdk_sagemaker::types::SortBy::CreationTime)
                    .sort_order(SortOrder::Descending)
                    .max_results(JOBS)
                    .send(),
            )
            .await?;
            for j in listed.$summaries() {
                let created = time(j.creation_time());
                let mut i = item(
                    $kind,
                    j.$name().unwrap_or_default(),
                    j.$status().map(|s| s.as_str()).unwrap_or_default(),
                    format!("created {created}"),
                    region,
                );
                i.facts = vec![("created".into(), created)];
                out.push(i);
            }
        };
    }
    latest!(
        "sagemaker:ListTrainingJobs",
        list_training_jobs,
        training_job_summaries,
        training_job_name,
        training_job_status,
        PlatformKind::TrainingJob
    );
    latest!(
        "sagemaker:ListProcessingJobs",
        list_processing_jobs,
        processing_job_summaries,
        processing_job_name,
        processing_job_status,
        PlatformKind::ProcessingJob
    );
    latest!(
        "sagemaker:ListTransformJobs",
        list_transform_jobs,
        transform_job_summaries,
        transform_job_name,
        transform_job_status,
        PlatformKind::TransformJob
    );
    Ok(out)
}
