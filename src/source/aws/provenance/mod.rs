//! What each endpoint variant really serves, read with the fewest calls: the model
//! (`DescribeModel`, once per model: a model never changes), the package that names it (the
//! model's `ModelPackageName`, else the package whose container names the same artifact;
//! packages are re-read every few minutes, an approval changes), and the artifact's current
//! version (`ListObjectVersions`, once per served artifact each refresh: that is what a
//! poisoning changes); an image named by a tag, its repository's tag mutability, once. What
//! changes slowly (scans, training jobs, roles and what they may do) is re-read on the
//! checklist's interval.

mod approvals;
mod blast;
mod image;
mod inference;
mod training;

use super::{AwsSource, RegionClients};
use crate::aws::calls::{Calls, call};
use crate::model::{BlastRadius, PackageRef, Provenance, SourceError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a slow-changing read (a package's approval, a scan, a role's permissions) is
/// trusted: the checklist's interval.
const PACKAGES_FOR: Duration = Duration::from_secs(300);

/// What a model names.
#[derive(Debug, Clone, Default)]
struct ModelInfo {
    image: String,
    artifact: String,
    package: Option<String>,
    role: Option<String>,
}

/// A package as a chain needs it, with the artifact its container names.
#[derive(Debug, Clone)]
struct PackageInfo {
    package: PackageRef,
    artifact: String,
}

type Once<T> = Arc<tokio::sync::OnceCell<T>>;
/// A read and when it was made, to be made again after `PACKAGES_FOR`.
type Timed<T> = (Instant, Once<T>);
/// An artifact's version id, ETag and when it was written.
type Version = (Option<String>, Option<String>, Option<DateTime<Utc>>);
/// (region, registry account, repository).
type RepositoryKey = (String, String, String);

#[derive(Debug, Default)]
pub struct Cache {
    /// (region, model name).
    models: Mutex<HashMap<(String, String), Once<ModelInfo>>>,
    /// Per region: every package of the registry's latest versions.
    packages: Mutex<HashMap<String, Timed<Vec<PackageInfo>>>>,
    /// (region, registry account, repository): whether its tags are immutable (`None`: it
    /// could not be read, as another account's).
    repositories: Mutex<HashMap<RepositoryKey, Once<Option<bool>>>>,
    /// (region, `account/repo@digest:tag`): the deployed image's scan and where its tag is now.
    images: Mutex<HashMap<(String, String), Timed<image::Seen>>>,
    /// Per region: the newest training jobs.
    training: Mutex<HashMap<String, Timed<Vec<training::Trained>>>>,
    /// (region, job): a job that had ended when described.
    jobs: Mutex<HashMap<(String, String), Option<training::Trained>>>,
    /// The roles SageMaker may assume (IAM is global).
    roles: Mutex<Option<Timed<Vec<String>>>>,
    /// Bucket: its policy.
    bucket_policies: Mutex<HashMap<String, Timed<Option<String>>>>,
    /// (region, component): its model, as described at its LastModifiedTime.
    components: Mutex<HashMap<(String, String), inference::Described>>,
    /// Per region: when CloudTrail says each package was approved.
    approvals: Mutex<HashMap<String, Timed<approvals::Approvals>>>,
    /// What the last blast radii were asked about (served artifacts and training data by
    /// bucket, and the buckets' policies), for a contained principal's.
    asked: Mutex<Option<blast::Objects>>,
    /// (role, what was asked): its blast radius.
    radii: Mutex<HashMap<(String, String), Timed<BlastRadius>>>,
}

/// A contained user's or role's blast radius (the incident view asks).
pub async fn principal_radius(
    src: &AwsSource,
    principal: &crate::model::Principal,
) -> Result<BlastRadius, SourceError> {
    let calls = Calls::default();
    let region = src
        .regions
        .first()
        .map(|r| r.region.as_str())
        .unwrap_or("us-east-1");
    blast::of_principal(
        &src.iam,
        &calls,
        &src.chains_cache,
        region,
        src.profile(),
        principal,
    )
    .await
}

/// The SageMaker execution roles other than `owner` that may write an S3 object (IAM's
/// simulator, one call a role; the roles are listed once per `PACKAGES_FOR`).
pub async fn writers_of(
    src: &AwsSource,
    calls: &Calls,
    region: &str,
    object_arn: &str,
    owner: &str,
) -> Result<Vec<String>, SourceError> {
    blast::writers(
        &src.iam,
        calls,
        &src.chains_cache,
        region,
        src.profile(),
        object_arn,
        owner,
    )
    .await
}

impl Cache {
    /// The newest blast radius read for this role, if the endpoints' chains asked for it.
    pub fn radius_of(&self, role: &str) -> Option<BlastRadius> {
        let radii = self.radii.lock().unwrap_or_else(|e| e.into_inner());
        radii
            .iter()
            .filter(|((r, _), _)| r == role)
            .max_by_key(|(_, (at, _))| *at)
            .and_then(|(_, (_, slot))| slot.get().cloned())
    }
}

/// The slot a slow-changing read is kept in under `key`: the same one while it is younger
/// than `PACKAGES_FOR` (readers at once share one call), a new one after.
fn fresh<K: std::hash::Hash + Eq, T>(map: &Mutex<HashMap<K, Timed<T>>>, key: K) -> Once<T> {
    let mut c = map.lock().unwrap_or_else(|e| e.into_inner());
    match c.get(&key) {
        Some((at, slot)) if at.elapsed() < PACKAGES_FOR => slot.clone(),
        _ => {
            let slot: Once<T> = Once::default();
            c.insert(key, (Instant::now(), slot.clone()));
            slot
        }
    }
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos()))
}

/// The tag an image URI names (`repo:v8`), if it names one.
fn tag_of(uri: &str) -> Option<&str> {
    if uri.contains('@') {
        return None;
    }
    let last = uri.rsplit('/').next()?;
    last.split_once(':').map(|(_, tag)| tag)
}

/// The chains of an endpoint with its variants that name no model replaced by one chain per
/// inference component running on them.
fn per_component(chains: Vec<Provenance>, components: &[inference::Component]) -> Vec<Provenance> {
    let mut out = Vec::new();
    for chain in chains {
        if !chain.model.is_empty() {
            out.push(chain);
            continue;
        }
        let on_it = components
            .iter()
            .filter(|c| c.variant.as_deref().is_none_or(|v| v == chain.variant));
        let mut any = false;
        for c in on_it {
            any = true;
            out.push(Provenance {
                model: c.model.clone(),
                inference_component: Some(c.name.clone()),
                ..chain.clone()
            });
        }
        if !any {
            out.push(chain);
        }
    }
    out
}

/// Completes the chains of each endpoint (its name, and its variants' chains as the describe
/// calls gave them: variant, model and deployed digest).
pub async fn complete(
    r: &RegionClients,
    calls: &Calls,
    src: &AwsSource,
    endpoints: Vec<(&str, &mut Vec<Provenance>)>,
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
    let cache = &src.chains_cache;
    let mut artifacts: HashMap<String, Version> = HashMap::new();
    let mut registry_reread = false;
    let mut endpoints = endpoints;
    for (name, chains) in endpoints.iter_mut() {
        // A variant that names no model hosts inference components: a chain each.
        if chains.iter().any(|c| c.model.is_empty()) {
            let components =
                inference::components(&sm, calls, cache, region, profile, name).await?;
            **chains = per_component(std::mem::take(*chains), &components);
        }
        for chain in chains.iter_mut() {
            if chain.model.is_empty() {
                continue;
            }
            let new_model = !cache
                .models
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains_key(&(region.to_string(), chain.model.clone()));
            let model = model(&sm, calls, cache, region, profile, &chain.model).await?;
            chain.image.uri = model.image.clone();
            chain.role = model.role.clone();
            if let Some((account, image_region, repo)) = image::ecr_repository(&model.image)
                && image_region == region
            {
                let key = (account.as_str(), repo.as_str());
                let ecr = r.ecr();
                if !model.image.contains('@') {
                    chain.image.immutable =
                        image::immutable(&ecr, calls, cache, region, profile, key).await;
                }
                if let Some(digest) = chain.image.digest.clone() {
                    let image = (digest.as_str(), tag_of(&model.image));
                    (chain.image.scan, chain.image.tag_now) =
                        image::scan(&ecr, calls, cache, region, profile, key, image).await;
                }
            }
            chain.artifact.url = model.artifact.clone();
            let find = |packages: &[PackageInfo]| {
                packages
                    .iter()
                    .find(|p| match &model.package {
                        Some(named) => p.package.arn == *named,
                        None => !model.artifact.is_empty() && p.artifact == model.artifact,
                    })
                    .map(|p| p.package.clone())
            };
            chain.package = find(&packages(&sm, calls, cache, region, profile).await?);
            // A model new since the registry was read may name a package newer than that
            // read: read the registry again, once a refresh.
            if chain.package.is_none() && new_model && !registry_reread {
                registry_reread = true;
                cache
                    .packages
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(region);
                chain.package = find(&packages(&sm, calls, cache, region, profile).await?);
            }
            // The approving event's time, where CloudTrail has it.
            if let Some(pkg) = chain.package.as_mut().filter(|p| p.status == "Approved") {
                let approvals =
                    approvals::read(&r.cloudtrail(), calls, cache, region, profile).await;
                if let Some(at) = approvals.get(&pkg.arn) {
                    pkg.approved_at = Some(*at);
                    pkg.approved_from = Some("cloudtrail");
                }
            }
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
    if artifacts.is_empty() {
        return Ok(());
    }
    who_trained_and_who_could_change((r, &s3), calls, src, endpoints).await
}

/// The jobs that trained what serves, and who could change it.
async fn who_trained_and_who_could_change(
    (r, s3): (&RegionClients, &aws_sdk_s3::Client),
    calls: &Calls,
    src: &AwsSource,
    mut endpoints: Vec<(&str, &mut Vec<Provenance>)>,
) -> Result<(), SourceError> {
    let (sm, profile, region, cache) = (
        r.sagemaker(),
        src.profile(),
        r.region.as_str(),
        &src.chains_cache,
    );
    let jobs = training::jobs(&sm, calls, cache, region, profile).await?;
    let mut served = Vec::new();
    for (name, chains) in endpoints.iter_mut() {
        for chain in chains.iter_mut() {
            if let Some(job) = training::wrote(&jobs, &chain.artifact.url) {
                chain.training_job = Some(job.training.name.clone());
                chain.training = Some(job.training.clone());
            }
            if let Some(role) = &chain.role
                && !chain.artifact.url.is_empty()
            {
                served.push((chain.artifact.url.clone(), role.clone(), name.to_string()));
            }
        }
    }
    let mut training: Vec<String> = jobs
        .iter()
        .flat_map(|j| j.training.inputs.iter().cloned())
        .collect();
    training.sort();
    training.dedup();
    let asked = blast::Asked {
        served: &served,
        training: &training,
    };
    let radii = blast::radii((&src.iam, s3), calls, cache, region, profile, asked).await?;
    for (_, chains) in endpoints.iter_mut() {
        for chain in chains.iter_mut() {
            let serving = chain.role.as_ref().and_then(|r| radii.get(r));
            let mut writers: Vec<&BlastRadius> = radii
                .values()
                .filter(|b| Some(&b.principal) != chain.role.as_ref())
                .filter(|b| b.can_write_artifacts.contains(&chain.artifact.url))
                .collect();
            writers.sort_by(|a, b| a.principal.cmp(&b.principal));
            chain.artifact.writable_by = writers.iter().map(|b| b.principal.clone()).collect();
            chain.blast_radius = serving.into_iter().chain(writers).cloned().collect();
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
            role: m.execution_role_arn().map(str::to_string),
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
    let slot = fresh(&cache.packages, region.to_string());
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
    let mut out = Vec::new();
    // The registry's latest versions (the SageMaker pane's read, bounded: at most 100
    // describes every few minutes a region).
    for (_, p) in super::platform::latest_versions(sm, calls, region, profile).await? {
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
                approved_from: (status == "Approved").then_some("last_modified"),
                status,
                model_data_etag: c.and_then(|c| c.model_data_e_tag()).map(str::to_string),
            },
        });
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

/// What each variant serves, as far as the describe calls say: `provenance::complete`
/// completes the chain.
pub(crate) fn skeletons(
    served: &[(String, String, Option<String>)],
) -> Vec<crate::model::Provenance> {
    served
        .iter()
        .map(|(variant, model, resolved)| crate::model::Provenance {
            variant: variant.clone(),
            model: model.clone(),
            image: crate::model::ImageRef {
                digest: resolved
                    .as_deref()
                    .and_then(|r| r.split_once('@'))
                    .map(|(_, d)| d.to_string()),
                ..Default::default()
            },
            ..Default::default()
        })
        .collect()
}
