//! The demo's ML platform, for its poisoned-model incident: the endpoint
//! `studyai-dev-llama3-8b` serves version 8 of its model, whose artifact was replaced after
//! approval from the research notebook; version 7 and its config are still there to roll back
//! to. Changes move through SageMaker's states (a notebook is `Stopping` for one read before it
//! is `Stopped`, an endpoint `Updating`), as they do in AWS over minutes.

use crate::model::SourceError;
use crate::model::{
    EndpointInfo, JobInfo, JobKind, NotebookInfo, PackageInfo, Resource, Served, Setting,
    VariantWeight,
};
use std::collections::BTreeMap;

mod chains;

/// The calls that change what an endpoint answers, as the demo's deployer may make them.
fn blast_changes() -> Vec<String> {
    crate::model::BLAST_CHANGES
        .iter()
        .map(|a| a.to_string())
        .collect()
}

pub const POISONED_ENDPOINT: &str = "studyai-dev-llama3-8b";
pub const NOTEBOOK: &str = "studyai-dev-research";
pub const MODEL_BUCKET: &str = "studyai-dev-sagemaker-models";
pub const REPOSITORY: &str = "studyai/llama3-serving";
pub const MODEL_GROUP: &str = "studyai-llama3-8b";
pub const TRAINING_JOB: &str = "studyai-llama3-8b-finetune-1206";

/// The ARN of version `v` of the demo's model group.
pub fn package_arn(v: i32) -> String {
    format!(
        "arn:aws:sagemaker:{}:{}:model-package/{MODEL_GROUP}/{v}",
        super::REGION,
        super::ACCOUNT
    )
}

/// A notebook and the change it is going through.
#[derive(Debug, Clone)]
struct Notebook {
    info: NotebookInfo,
    /// The state it settles in at the next read.
    settling_to: Option<String>,
}

#[derive(Debug, Clone)]
struct Endpoint {
    info: EndpointInfo,
    /// Configs it ran, oldest first (what CloudTrail's UpdateEndpoint events say).
    history: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DemoPlatform {
    notebooks: BTreeMap<String, Notebook>,
    lifecycle: BTreeMap<String, String>,
    endpoints: BTreeMap<String, Endpoint>,
    configs: BTreeMap<String, Vec<Served>>,
    packages: BTreeMap<String, PackageInfo>,
    /// Buckets, repositories and model groups, by `Resource::qualified`, with their policy.
    policies: BTreeMap<String, Option<String>>,
    jobs: Vec<JobInfo>,
}

fn image(tag: &str) -> String {
    format!(
        "{}.dkr.ecr.{}.amazonaws.com/{REPOSITORY}:{tag}",
        super::ACCOUNT,
        super::REGION
    )
}

fn artifact(v: u32) -> String {
    format!("s3://{MODEL_BUCKET}/llama3-8b/v{v}/model.tar.gz")
}

/// A stable digest for a demo image (the model's name hashed).
fn digest(model: &str) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(model.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

const ROLE: &str = "arn:aws:iam::123456789012:role/studyai-dev-sagemaker-role";
/// The research notebook's role: it may write the llama3 model's artifacts (how version 8 was
/// replaced).
pub const NOTEBOOK_ROLE: &str = "arn:aws:iam::123456789012:role/studyai-dev-research-notebook";
pub(super) const TRAINING_DATA: &str = "s3://studyai-dev-training-data/llama3-8b/";

impl Default for DemoPlatform {
    fn default() -> Self {
        let served = |v: u32| {
            vec![Served {
                variant: "AllTraffic".into(),
                model: format!("studyai-llama3-8b-v{v}"),
                image: image(&format!("v{v}")),
                artifact: artifact(v),
                execution_role: ROLE.into(),
            }]
        };
        let config = |v: u32| format!("{POISONED_ENDPOINT}-config-v{v}");
        let package = |v: i32, description: &str| PackageInfo {
            group: MODEL_GROUP.into(),
            version: Some(v),
            status: "Approved".into(),
            description: Some(description.into()),
            image: image(&format!("v{v}")),
            artifact: artifact(v as u32),
        };
        let bucket_policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [format!("arn:aws:s3:::{MODEL_BUCKET}"), format!("arn:aws:s3:::{MODEL_BUCKET}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }]
        })
        .to_string();
        let group_policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "ShareWithProduction",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                "Action": ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"],
                "Resource": format!("arn:aws:sagemaker:{}:{}:model-package/{MODEL_GROUP}/*", super::REGION, super::ACCOUNT)
            }]
        })
        .to_string();
        let mut platform = DemoPlatform {
            notebooks: BTreeMap::from([(
                NOTEBOOK.to_string(),
                Notebook {
                    info: NotebookInfo {
                        status: "InService".into(),
                        instance_type: "ml.t3.xlarge".into(),
                        role_arn: NOTEBOOK_ROLE.into(),
                        root_access: "Enabled".into(),
                        minimum_imds: "1".into(),
                        lifecycle_config: Some("studyai-dev-research-onstart".into()),
                        direct_internet_access: "Enabled".into(),
                    },
                    settling_to: None,
                },
            )]),
            lifecycle: BTreeMap::from([(
                "studyai-dev-research-onstart".to_string(),
                "# OnStart\n#!/bin/bash\npip install -q -r /home/ec2-user/SageMaker/requirements.txt\naws s3 cp /home/ec2-user/SageMaker/out/model.tar.gz s3://studyai-dev-sagemaker-models/llama3-8b/v8/model.tar.gz\n".to_string(),
            )]),
            endpoints: BTreeMap::from([(
                POISONED_ENDPOINT.to_string(),
                Endpoint {
                    info: EndpointInfo {
                        status: "InService".into(),
                        config: config(8),
                        pending_config: None,
                        weights: vec![VariantWeight {
                            variant: "AllTraffic".into(),
                            weight: 1.0,
                        }],
                        desired_weights: vec![],
                    },
                    history: vec![config(7), config(8)],
                },
            )]),
            configs: BTreeMap::from([(config(7), served(7)), (config(8), served(8))]),
            packages: BTreeMap::from([
                (package_arn(7), package(7, "Evaluated 2026-11-28: toxicity 0.2%, accuracy 91.4%")),
                (package_arn(8), package(8, "Evaluated 2026-12-04: toxicity 0.1%, accuracy 92.0%")),
            ]),
            policies: BTreeMap::from([
                (format!("bucket/{MODEL_BUCKET}"), Some(bucket_policy)),
                (format!("repository/{REPOSITORY}"), None),
                (format!("model-group/{MODEL_GROUP}"), Some(group_policy)),
            ]),
            jobs: vec![JobInfo {
                kind: JobKind::Training,
                name: TRAINING_JOB.into(),
                status: "InProgress".into(),
            }],
        };
        platform.add_other_endpoints();
        platform
    }
}

impl DemoPlatform {
    /// The demo's other endpoints, each on the one config it was created with (nothing to
    /// roll back to), its models' artifacts in the model bucket and their images in their own
    /// repository.
    fn add_other_endpoints(&mut self) {
        for (name, status, variants) in super::endpoints::served() {
            if name == POISONED_ENDPOINT {
                continue;
            }
            let config = format!("{name}-config");
            let repository = name.trim_start_matches("studyai-").to_string();
            let served = variants
                .iter()
                .map(|v| Served {
                    variant: v.to_string(),
                    model: format!("{name}-{}", v.to_lowercase()),
                    image: format!(
                        "{}.dkr.ecr.{}.amazonaws.com/studyai/{repository}:1",
                        super::ACCOUNT,
                        super::REGION
                    ),
                    artifact: format!("s3://{MODEL_BUCKET}/{name}/model.tar.gz"),
                    execution_role: ROLE.into(),
                })
                .collect();
            self.configs.insert(config.clone(), served);
            self.endpoints.insert(
                name.to_string(),
                Endpoint {
                    info: EndpointInfo {
                        status: status.into(),
                        config: config.clone(),
                        pending_config: None,
                        weights: variants
                            .iter()
                            .map(|v| VariantWeight {
                                variant: v.to_string(),
                                weight: 1.0,
                            })
                            .collect(),
                        desired_weights: vec![],
                    },
                    history: vec![config],
                },
            );
            self.policies
                .insert(format!("repository/studyai/{repository}"), None);
        }
    }
}

fn validation(operation: &str, message: String) -> SourceError {
    SourceError::Api {
        service: "sagemaker".into(),
        operation: operation.into(),
        region: super::REGION.into(),
        code: "ValidationException".into(),
        message,
    }
}

impl DemoPlatform {
    /// The notebook as read now: a change under way shows once, then has arrived.
    pub fn notebook(&mut self, name: &str) -> Option<NotebookInfo> {
        let n = self.notebooks.get_mut(name)?;
        let read = n.info.clone();
        if let Some(to) = n.settling_to.take() {
            n.info.status = to;
        }
        Some(read)
    }

    pub fn lifecycle_script(&self, name: &str) -> Option<String> {
        self.lifecycle.get(name).cloned()
    }

    pub fn endpoint(&mut self, name: &str) -> Option<EndpointInfo> {
        let e = self.endpoints.get_mut(name)?;
        let read = e.info.clone();
        if let Some(pending) = e.info.pending_config.take() {
            e.info.config = pending.clone();
            e.info.status = "InService".into();
            e.history.push(pending);
        }
        Some(read)
    }

    /// The configs the endpoint ran, oldest first.
    pub fn endpoint_history(&self, name: &str) -> Vec<String> {
        self.endpoints
            .get(name)
            .map(|e| e.history.clone())
            .unwrap_or_default()
    }

    pub fn endpoint_config(&self, name: &str) -> Option<Vec<Served>> {
        self.configs.get(name).cloned()
    }

    pub fn model_package(&self, arn: &str) -> Option<PackageInfo> {
        self.packages.get(arn).cloned()
    }

    pub fn jobs(&self, name: &str) -> Vec<JobInfo> {
        self.jobs
            .iter()
            .filter(|j| j.name == name)
            .cloned()
            .collect()
    }

    pub fn policy(&self, resource: &Resource) -> Option<Option<String>> {
        self.policies.get(&resource.qualified()).cloned()
    }

    /// The pane's rows: notebooks, model versions, jobs, as they are now (a change under way
    /// shows its state; reading here never moves it on).
    pub fn items(&self) -> Vec<crate::model::PlatformItem> {
        use crate::model::{PlatformItem, PlatformKind};
        let item = |kind, id: &str, name: String, status: &str, detail: String| PlatformItem {
            kind,
            id: id.to_string(),
            name,
            status: status.to_string(),
            detail,
            region: super::REGION.to_string(),
            group: None,
            facts: vec![],
            account: None,
        };
        let mut out = Vec::new();
        for (name, n) in &self.notebooks {
            let i = &n.info;
            let mut row = item(
                PlatformKind::Notebook,
                name,
                name.clone(),
                &i.status,
                format!(
                    "{} · root {} · IMDSv{}",
                    i.instance_type,
                    i.root_access.to_lowercase(),
                    i.minimum_imds
                ),
            );
            row.facts = vec![
                ("instance type".into(), i.instance_type.clone()),
                ("role".into(), i.role_arn.clone()),
                ("root access".into(), i.root_access.clone()),
                ("IMDS minimum".into(), format!("v{}", i.minimum_imds)),
                (
                    "lifecycle config".into(),
                    i.lifecycle_config.clone().unwrap_or_else(|| "none".into()),
                ),
                ("direct internet".into(), i.direct_internet_access.clone()),
            ];
            row.facts.extend(self.blast_radius(&i.role_arn, "").facts());
            out.push(row);
        }
        for (arn, p) in &self.packages {
            let version = p.version.map(|v| v.to_string()).unwrap_or_default();
            let mut row = item(
                PlatformKind::ModelVersion,
                arn,
                format!("{}/{version}", p.group),
                &p.status,
                p.artifact.clone(),
            );
            row.group = Some(p.group.clone());
            row.facts = vec![
                ("group".into(), p.group.clone()),
                ("version".into(), version),
                ("image".into(), p.image.clone()),
                ("artifact".into(), p.artifact.clone()),
                ("approval".into(), p.description.clone().unwrap_or_default()),
            ];
            out.push(row);
        }
        for j in &self.jobs {
            let kind = match j.kind {
                JobKind::Training => PlatformKind::TrainingJob,
                JobKind::Processing => PlatformKind::ProcessingJob,
                JobKind::Transform => PlatformKind::TransformJob,
            };
            out.push(item(
                kind,
                &j.name,
                j.name.clone(),
                &j.status,
                "fine-tune of llama3-8b".into(),
            ));
        }
        out
    }

    /// The execution roles of the models whose artifacts are in the bucket.
    pub fn bucket_readers(&self, bucket: &str) -> Vec<String> {
        let prefix = format!("s3://{bucket}/");
        let mut roles: Vec<String> = self
            .configs
            .values()
            .flatten()
            .filter(|s| s.artifact.starts_with(&prefix))
            .map(|s| s.execution_role.clone())
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// Writes a setting as SageMaker, S3 or ECR would take it.
    pub fn write(&mut self, resource: &Resource, setting: &Setting) -> Result<(), SourceError> {
        match (resource, setting) {
            (Resource::Notebook { name }, Setting::Status { status }) => {
                let n = self
                    .notebooks
                    .get_mut(name)
                    .ok_or_else(|| validation("StopNotebookInstance", "RecordNotFound".into()))?;
                let (via, from) = match status.as_str() {
                    "Stopped" => ("Stopping", "InService"),
                    _ => ("Pending", "Stopped"),
                };
                if n.info.status != from {
                    return Err(validation(
                        "StopNotebookInstance",
                        format!("Status ({}) not in ([{from}])", n.info.status),
                    ));
                }
                n.info.status = via.into();
                n.settling_to = Some(status.clone());
                Ok(())
            }
            (
                Resource::Notebook { name },
                Setting::NotebookAccess {
                    root_access,
                    minimum_imds,
                    lifecycle_config,
                },
            ) => {
                let n = self
                    .notebooks
                    .get_mut(name)
                    .ok_or_else(|| validation("UpdateNotebookInstance", "RecordNotFound".into()))?;
                if n.info.status != "Stopped" {
                    return Err(validation(
                        "UpdateNotebookInstance",
                        format!("Status ({}) not in ([Stopped])", n.info.status),
                    ));
                }
                n.info.root_access = root_access.clone();
                n.info.minimum_imds = minimum_imds.clone();
                n.info.lifecycle_config = lifecycle_config.clone();
                Ok(())
            }
            (Resource::Endpoint { name }, Setting::EndpointConfig { config }) => {
                if !self.configs.contains_key(config) {
                    return Err(validation(
                        "UpdateEndpoint",
                        format!("Could not find endpoint configuration \"{config}\""),
                    ));
                }
                let e = self.endpoints.get_mut(name).ok_or_else(|| {
                    validation(
                        "UpdateEndpoint",
                        format!("Could not find endpoint \"{name}\""),
                    )
                })?;
                e.info.status = "Updating".into();
                e.info.pending_config = Some(config.clone());
                Ok(())
            }
            (Resource::Endpoint { name }, Setting::Weights { weights }) => {
                let e = self.endpoints.get_mut(name).ok_or_else(|| {
                    validation(
                        "UpdateEndpointWeightsAndCapacities",
                        format!("Could not find endpoint \"{name}\""),
                    )
                })?;
                e.info.weights = weights.clone();
                Ok(())
            }
            (
                Resource::ModelPackage { arn },
                Setting::Approval {
                    status,
                    description,
                },
            ) => {
                let p = self.packages.get_mut(arn).ok_or_else(|| {
                    validation(
                        "UpdateModelPackage",
                        format!("Model package {arn} not found"),
                    )
                })?;
                p.status = status.clone();
                p.description = description.clone();
                Ok(())
            }
            (Resource::Job { kind, name }, _) => {
                let j = self
                    .jobs
                    .iter_mut()
                    .find(|j| j.kind == *kind && j.name == *name)
                    .ok_or_else(|| {
                        validation(
                            "StopTrainingJob",
                            format!("Requested resource not found: {name}"),
                        )
                    })?;
                j.status = "Stopped".into();
                Ok(())
            }
            (r, Setting::Policy { document }) => match self.policies.get_mut(&r.qualified()) {
                Some(p) => {
                    *p = document.clone();
                    Ok(())
                }
                None => Err(validation(
                    "PutResourcePolicy",
                    format!("{} does not exist", r.label()),
                )),
            },
            (r, s) => Err(validation(
                "Update",
                format!("cannot set {} of {}", s.aspect().words(), r.label()),
            )),
        }
    }
}
