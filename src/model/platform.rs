//! The ML platform's resources the SageMaker pane lists, so its actions have rows: notebook
//! instances, model package versions, recent jobs.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformKind {
    Notebook,
    ModelVersion,
    TrainingJob,
    ProcessingJob,
    TransformJob,
}

impl PlatformKind {
    pub fn label(self) -> &'static str {
        match self {
            PlatformKind::Notebook => "notebook",
            PlatformKind::ModelVersion => "model",
            PlatformKind::TrainingJob => "training",
            PlatformKind::ProcessingJob => "processing",
            PlatformKind::TransformJob => "transform",
        }
    }

    pub fn is_job(self) -> bool {
        matches!(
            self,
            PlatformKind::TrainingJob | PlatformKind::ProcessingJob | PlatformKind::TransformJob
        )
    }
}

/// One resource of the platform, as the pane shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformItem {
    pub kind: PlatformKind,
    /// What its actions take: a notebook's or a job's name, a model version's ARN.
    pub id: String,
    /// What the table shows: the name, or `group/version`.
    pub name: String,
    /// SageMaker's word for its state: `InService`, `Approved`, `InProgress`.
    pub status: String,
    /// A few words beside it: the instance type, the image.
    pub detail: String,
    pub region: String,
    /// Its model package group (a version's), for `unshare-model-group`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// What the details show, label and value.
    pub facts: Vec<(String, String)>,
    #[serde(skip)]
    pub account: super::RowAccount,
}

/// The kinds of SageMaker job `stop-job` stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Training,
    Processing,
    Transform,
}

impl JobKind {
    pub const ALL: [JobKind; 3] = [JobKind::Training, JobKind::Processing, JobKind::Transform];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Training => "training",
            JobKind::Processing => "processing",
            JobKind::Transform => "transform",
        }
    }

    pub fn parse(text: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The kind an ARN names (`…:training-job/NAME`), and the name.
    pub fn from_arn(arn: &str) -> Option<(JobKind, String)> {
        let rest = arn.strip_prefix("arn:")?.split(':').nth(4)?;
        let (kind, name) = rest.split_once('/')?;
        let kind = JobKind::parse(kind.strip_suffix("-job")?)?;
        Some((kind, name.to_string()))
    }
}

/// One resource of the platform, as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Resource {
    Notebook { name: String },
    Endpoint { name: String },
    ModelPackage { arn: String },
    ModelGroup { name: String },
    Bucket { name: String },
    Repository { name: String },
    Job { kind: JobKind, name: String },
}

impl Resource {
    /// Its name or ARN, as the operator types it.
    pub fn name(&self) -> &str {
        match self {
            Resource::Notebook { name }
            | Resource::Endpoint { name }
            | Resource::ModelGroup { name }
            | Resource::Bucket { name }
            | Resource::Repository { name }
            | Resource::Job { name, .. } => name,
            Resource::ModelPackage { arn } => arn,
        }
    }

    /// The word `restore` takes before the name (`notebook/NAME`).
    pub fn type_word(&self) -> &'static str {
        match self {
            Resource::Notebook { .. } => "notebook",
            Resource::Endpoint { .. } => "endpoint",
            Resource::ModelPackage { .. } => "model-package",
            Resource::ModelGroup { .. } => "model-group",
            Resource::Bucket { .. } => "bucket",
            Resource::Repository { .. } => "repository",
            Resource::Job { .. } => "job",
        }
    }

    /// `notebook/NAME`: the name `restore` never takes for another resource's.
    pub fn qualified(&self) -> String {
        format!("{}/{}", self.type_word(), self.name())
    }

    /// In words: "notebook research-nb", "training job fit-7".
    pub fn label(&self) -> String {
        match self {
            Resource::Notebook { name } => format!("notebook instance {name}"),
            Resource::Endpoint { name } => format!("endpoint {name}"),
            Resource::ModelPackage { arn } => format!("model package {arn}"),
            Resource::ModelGroup { name } => format!("model package group {name}"),
            Resource::Bucket { name } => format!("bucket {name}"),
            Resource::Repository { name } => format!("ECR repository {name}"),
            Resource::Job { kind, name } => format!("{} job {name}", kind.as_str()),
        }
    }
}

/// Which setting of a resource an action changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    Status,
    NotebookAccess,
    EndpointConfig,
    Weights,
    Approval,
    Policy,
}

/// A variant's share of an endpoint's traffic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantWeight {
    pub variant: String,
    pub weight: f32,
}

impl Aspect {
    /// In words, for a message.
    pub fn words(self) -> &'static str {
        match self {
            Aspect::Status => "its state",
            Aspect::NotebookAccess => "its root access, IMDS version and lifecycle config",
            Aspect::EndpointConfig => "its endpoint config",
            Aspect::Weights => "its variant weights",
            Aspect::Approval => "its approval",
            Aspect::Policy => "its resource policy",
        }
    }
}

/// One setting's value: what the plan read before, what a step writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "setting", rename_all = "snake_case")]
pub enum Setting {
    /// A notebook's or a job's status as SageMaker names it (`InService`, `Stopped`).
    Status {
        status: String,
    },
    /// What a hardened notebook loses: root, IMDSv1, its lifecycle script.
    NotebookAccess {
        root_access: String,
        minimum_imds: String,
        lifecycle_config: Option<String>,
    },
    EndpointConfig {
        config: String,
    },
    Weights {
        weights: Vec<VariantWeight>,
    },
    Approval {
        status: String,
        description: Option<String>,
    },
    /// A resource policy's text exactly as the Get call returned it (`None`: there is none).
    Policy {
        document: Option<String>,
    },
}

/// A setting as read now, and where it is heading when a change is under way (a notebook
/// `Stopping`, an endpoint `Updating` to a pending config).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub setting: Setting,
    pub moving_to: Option<Setting>,
    /// The state in SageMaker's words while it moves (`Stopping`, `Updating`).
    pub state: String,
}

/// A notebook instance as a plan shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotebookInfo {
    pub status: String,
    pub instance_type: String,
    pub role_arn: String,
    pub root_access: String,
    pub minimum_imds: String,
    pub lifecycle_config: Option<String>,
    pub direct_internet_access: String,
}

/// A variant as an endpoint config serves it: the model, and its image and artifact.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Served {
    pub variant: String,
    pub model: String,
    pub image: String,
    pub artifact: String,
    pub execution_role: String,
}

impl Served {
    /// "variant AllTraffic: model fraud-v7 (image …, artifact s3://…)".
    pub fn line(&self) -> String {
        format!(
            "variant {}: model {} (image {}, artifact {})",
            self.variant,
            or_unknown(&self.model),
            or_unknown(&self.image),
            or_unknown(&self.artifact)
        )
    }
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() { "unknown" } else { s }
}

/// An endpoint as its actions read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndpointInfo {
    pub status: String,
    pub config: String,
    /// The config an update is deploying (`PendingDeploymentSummary`).
    pub pending_config: Option<String>,
    pub weights: Vec<VariantWeight>,
    /// The weights an update is moving to (`DesiredWeight`); empty when none is under way.
    pub desired_weights: Vec<VariantWeight>,
}

/// A model package version as its actions read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackageInfo {
    pub group: String,
    pub version: Option<i32>,
    pub status: String,
    pub description: Option<String>,
    pub image: String,
    pub artifact: String,
}

/// A job as `stop-job` reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobInfo {
    pub kind: JobKind,
    pub name: String,
    pub status: String,
}
