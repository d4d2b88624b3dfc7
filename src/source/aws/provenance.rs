//! What each endpoint variant really serves, read with the fewest calls: the model
//! (`DescribeModel`, once per model: a model never changes), the package that names it (the
//! model's `ModelPackageName`, else the package whose container names the same artifact;
//! packages are re-read every few minutes, an approval changes), and the artifact's current
//! version (`ListObjectVersions`, once per served artifact each refresh: that is what a
//! poisoning changes); an image named by a tag, its repository's tag mutability, once.

use super::{AwsSource, RegionClients};
use crate::aws::calls::{Calls, call};
use crate::model::{Endpoint, PackageRef, SourceError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a package read (its status and approval) is trusted: the checklist's interval.
const PACKAGES_FOR: Duration = Duration::from_secs(300);
/// The registry read to find the package of a model made without one: bounded (its latest
/// versions of its first groups; at most 100 describes every few minutes a region).
const GROUPS: i32 = 20;
const VERSIONS: i32 = 5;

/// What a model names.
#[derive(Debug, Clone, Default)]
struct ModelInfo {
    image: String,
    artifact: String,
    package: Option<String>,
}

/// A package as a chain needs it, with the artifact its container names.
#[derive(Debug, Clone)]
struct PackageInfo {
    package: PackageRef,
    artifact: String,
}

type Once<T> = Arc<tokio::sync::OnceCell<T>>;
/// An artifact's version id, ETag and when it was written.
type Version = (Option<String>, Option<String>, Option<DateTime<Utc>>);
/// (region, registry account, repository).
type RepositoryKey = (String, String, String);
/// A region's packages, and when they were read.
type Registry = (Instant, Once<Vec<PackageInfo>>);

#[derive(Debug, Default)]
pub struct Cache {
    /// (region, model name).
    models: Mutex<HashMap<(String, String), Once<ModelInfo>>>,
    /// Per region: every package of the registry's latest versions, and when it was read.
    packages: Mutex<HashMap<String, Registry>>,
    /// (region, registry account, repository): whether its tags are immutable (`None`: it
    /// could not be read, as another account's).
    repositories: Mutex<HashMap<RepositoryKey, Once<Option<bool>>>>,
}

/// An ECR image URI's registry account, region and repository (`None`: not ECR's).
fn ecr_repository(uri: &str) -> Option<(String, String, String)> {
    let (host, path) = uri.split_once('/')?;
    let (account, rest) = host.split_once(".dkr.ecr.")?;
    let region = rest.split_once(".amazonaws.com")?.0;
    let repo = path.split('@').next()?;
    let repo = repo.rsplit_once(':').map_or(repo, |(r, _)| r);
    Some((account.to_string(), region.to_string(), repo.to_string()))
}

/// Whether the repository refuses to move a tag, read once.
async fn immutable(
    ecr: &aws_sdk_ecr::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    (account, repo): (&str, &str),
) -> Option<bool> {
    let slot = cache
        .repositories
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((region.to_string(), account.to_string(), repo.to_string()))
        .or_default()
        .clone();
    *slot
        .get_or_init(|| async {
            let read = call(
                calls,
                "ecr:DescribeRepositories",
                region,
                profile,
                ecr.describe_repositories()
                    .registry_id(account)
                    .repository_names(repo)
                    .send(),
            )
            .await;
            // Another account's repository (AWS's Deep Learning Containers) is not readable
            // here: unknown, and the tag is judged as mutable.
            read.ok()?
                .repositories()
                .first()
                .and_then(|r| r.image_tag_mutability())
                .map(|m| m.as_str().starts_with("IMMUTABLE"))
        })
        .await
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos()))
}

/// Completes each endpoint's chains (the describe calls gave variant, model and deployed
/// digest).
pub async fn complete(
    r: &RegionClients,
    calls: &Calls,
    src: &AwsSource,
    endpoints: &mut [Endpoint],
) -> Result<(), SourceError> {
    let sm = r.sagemaker();
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&r.sdk)
            .region(aws_config::Region::new(r.region.clone()))
            // Path-style addressing works with every endpoint, AWS_ENDPOINT_URL emulators too.
            .force_path_style(true)
            .build(),
    );
    let profile = src.profile();
    let region = r.region.as_str();
    let mut artifacts: HashMap<String, Version> = HashMap::new();
    for e in endpoints.iter_mut() {
        for chain in &mut e.provenance {
            if chain.model.is_empty() {
                continue;
            }
            let model = model(&sm, calls, &src.chains_cache, region, profile, &chain.model).await?;
            chain.image.uri = model.image.clone();
            if !model.image.contains('@')
                && let Some((account, image_region, repo)) = ecr_repository(&model.image)
                && image_region == region
            {
                let key = (account.as_str(), repo.as_str());
                chain.image.immutable =
                    immutable(&r.ecr(), calls, &src.chains_cache, region, profile, key).await;
            }
            chain.artifact.url = model.artifact.clone();
            let packages = packages(&sm, calls, &src.chains_cache, region, profile).await?;
            chain.package = packages
                .iter()
                .find(|p| match &model.package {
                    Some(named) => p.package.arn == *named,
                    None => !model.artifact.is_empty() && p.artifact == model.artifact,
                })
                .map(|p| p.package.clone());
            if model.artifact.is_empty() {
                continue;
            }
            // One read per served artifact, however many variants serve it.
            if !artifacts.contains_key(&model.artifact) {
                let read = artifact(&s3, calls, region, profile, &model.artifact).await?;
                artifacts.insert(model.artifact.clone(), read);
            }
            let (version_id, etag, last_modified) = artifacts[&model.artifact].clone();
            chain.artifact.version_id = version_id;
            chain.artifact.etag = etag;
            chain.artifact.last_modified = last_modified;
        }
    }
    Ok(())
}

async fn model(
    sm: &aws_sdk_sagemaker::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    name: &str,
) -> Result<ModelInfo, SourceError> {
    let slot = cache
        .models
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((region.to_string(), name.to_string()))
        .or_default()
        .clone();
    slot.get_or_try_init(|| async {
        let m = call(
            calls,
            "sagemaker:DescribeModel",
            region,
            profile,
            sm.describe_model().model_name(name).send(),
        )
        .await?;
        let c = m.primary_container().or_else(|| m.containers().first());
        Ok::<_, SourceError>(ModelInfo {
            image: c.and_then(|c| c.image()).unwrap_or_default().to_string(),
            artifact: c
                .and_then(|c| {
                    c.model_data_url().or_else(|| {
                        c.model_data_source()
                            .and_then(|s| s.s3_data_source())
                            .and_then(|s| s.s3_uri())
                    })
                })
                .unwrap_or_default()
                .to_string(),
            package: c.and_then(|c| c.model_package_name()).map(str::to_string),
        })
    })
    .await
    .cloned()
}

/// The registry's latest versions, with the artifact each names; read again after
/// `PACKAGES_FOR`.
async fn packages(
    sm: &aws_sdk_sagemaker::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<PackageInfo>, SourceError> {
    let slot = {
        let mut c = cache.packages.lock().unwrap_or_else(|e| e.into_inner());
        match c.get(region) {
            Some((at, slot)) if at.elapsed() < PACKAGES_FOR => slot.clone(),
            _ => {
                let slot = Once::default();
                c.insert(region.to_string(), (Instant::now(), slot.clone()));
                slot
            }
        }
    };
    slot.get_or_try_init(|| read_packages(sm, calls, region, profile))
        .await
        .cloned()
}

async fn read_packages(
    sm: &aws_sdk_sagemaker::Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<PackageInfo>, SourceError> {
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
        let listed = call(
            calls,
            "sagemaker:ListModelPackages",
            region,
            profile,
            sm.list_model_packages()
                .model_package_group_name(g.model_package_group_name().unwrap_or_default())
                .sort_by(aws_sdk_sagemaker::types::ModelPackageSortBy::CreationTime)
                .sort_order(aws_sdk_sagemaker::types::SortOrder::Descending)
                .max_results(VERSIONS)
                .send(),
        )
        .await?;
        for p in listed.model_package_summary_list() {
            let arn = p.model_package_arn().unwrap_or_default();
            let d = call(
                calls,
                "sagemaker:DescribeModelPackage",
                region,
                profile,
                sm.describe_model_package().model_package_name(arn).send(),
            )
            .await?;
            let c = d
                .inference_specification()
                .and_then(|i| i.containers().first());
            let status = d
                .model_approval_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            out.push(PackageInfo {
                artifact: c
                    .and_then(|c| c.model_data_url())
                    .unwrap_or_default()
                    .to_string(),
                package: PackageRef {
                    arn: arn.to_string(),
                    // Approximate: the last change of the package (an approval is one), or
                    // its creation when it was created approved.
                    approved_at: (status == "Approved")
                        .then(|| time(d.last_modified_time()).or(time(d.creation_time())))
                        .flatten(),
                    status,
                    model_data_etag: c.and_then(|c| c.model_data_e_tag()).map(str::to_string),
                },
            });
        }
    }
    Ok(out)
}

/// The artifact's current version: its version id, ETag and when it was written.
async fn artifact(
    s3: &aws_sdk_s3::Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    url: &str,
) -> Result<Version, SourceError> {
    let Some((bucket, key)) = url.strip_prefix("s3://").and_then(|r| r.split_once('/')) else {
        return Ok((None, None, None));
    };
    let listed = call(
        calls,
        "s3:ListBucketVersions",
        region,
        profile,
        s3.list_object_versions()
            .bucket(bucket)
            .prefix(key)
            .max_keys(20)
            .send(),
    )
    .await?;
    // The object itself when the artifact names one, else the newest under the prefix.
    let newest = listed
        .versions()
        .iter()
        .filter(|v| v.is_latest().unwrap_or(false))
        .filter(|v| v.key() == Some(key) || !key.ends_with(".tar.gz"))
        .max_by_key(|v| v.last_modified().map(|t| t.secs()));
    Ok(match newest {
        Some(v) => (
            v.version_id().map(str::to_string),
            v.e_tag().map(str::to_string),
            time(v.last_modified()),
        ),
        None => (None, None, None),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_ecr_image_names_its_registry_region_and_repository() {
        assert_eq!(
            super::ecr_repository(
                "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-gpu"
            ),
            Some((
                "763104351884".into(),
                "us-east-1".into(),
                "pytorch-inference".into()
            ))
        );
        assert_eq!(
            super::ecr_repository("1.dkr.ecr.eu-west-1.amazonaws.com/team/serve@sha256:00"),
            Some(("1".into(), "eu-west-1".into(), "team/serve".into()))
        );
        assert_eq!(super::ecr_repository("docker.io/library/python:3"), None);
    }
}
