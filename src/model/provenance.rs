//! What an endpoint variant really serves: its model, the image (by digest) and the artifact
//! (by version) the model names, the package that approved them, the job that trained them,
//! and the flags raised where the chain does not hold.

use super::Risk;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImageRef {
    /// As the model names it: a tag (`repo:v8`) or a digest (`repo@sha256:…`).
    pub uri: String,
    /// The digest SageMaker resolved and deployed, when it says.
    pub digest: Option<String>,
    /// The repository refuses to move a tag (`imageTagMutability` IMMUTABLE); `None`: unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// What ECR's scan of the deployed digest found, when the image is ECR's and was scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan: Option<ImageScan>,
    /// The digest the tag names now, when it no longer names the deployed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_now: Option<String>,
}

/// ECR's scan of one image: its status and how many findings of each severity.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImageScan {
    /// `COMPLETE`, `IN_PROGRESS`, `FAILED`, `ACTIVE` (enhanced scanning)...
    pub status: String,
    /// How many findings of each severity (`CRITICAL`, `HIGH`, `MEDIUM`, `LOW`,
    /// `INFORMATIONAL`, `UNDEFINED`).
    pub findings: std::collections::BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArtifactRef {
    pub url: String,
    pub version_id: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
    /// SageMaker execution roles other than the serving model's that may overwrite it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub writable_by: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PackageRef {
    pub arn: String,
    /// `Approved`, `Rejected`, `PendingManualApproval`.
    pub status: String,
    pub approved_at: Option<DateTime<Utc>>,
    /// The artifact's ETag the package recorded (`ModelDataETag`), when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_data_etag: Option<String>,
    /// Where `approved_at` comes from: `cloudtrail` (the approving event), `journal` (the
    /// approval secdash journalled before its own reject), or `last_modified` (approximate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_from: Option<&'static str>,
}

/// The training job whose output is the served artifact, as the chain needs it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TrainingRef {
    pub name: String,
    pub network_isolation: bool,
    pub in_vpc: bool,
    pub volume_kms_key: Option<String>,
    /// Its training data: the S3 URIs of its input channels.
    pub inputs: Vec<String>,
}

/// The calls that change what an endpoint answers, which a blast radius asks about.
pub const BLAST_CHANGES: [&str; 3] = [
    "sagemaker:UpdateEndpoint",
    "sagemaker:UpdateModelPackage",
    "sagemaker:CreateModel",
];

/// What one identity of the platform could change or read: which served artifacts it could
/// overwrite (poisoning), which training data it could read, and which of the actions that
/// change what answers it may call. From IAM's policy simulator.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BlastRadius {
    /// The role's (or user's) ARN.
    pub principal: String,
    /// What it is the identity of: `endpoint`, `notebook`, `training_job`, `user`, `role`.
    pub kind: &'static str,
    /// Which notebook, job or endpoint acts as it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
    /// The served artifacts (`s3://bucket/key`) it may write.
    pub can_write_artifacts: Vec<String>,
    /// The training data (`s3://bucket/prefix`) it may read.
    pub can_read_training: Vec<String>,
    /// Of `sagemaker:UpdateEndpoint`, `sagemaker:UpdateModelPackage`, `sagemaker:CreateModel`,
    /// those it may call.
    pub can: Vec<String>,
}

impl BlastRadius {
    /// Its answers as a resource's details list them, label and value.
    pub fn facts(&self) -> Vec<(String, String)> {
        let list = |v: &[String]| {
            if v.is_empty() {
                "nothing".to_string()
            } else {
                v.join(", ")
            }
        };
        let calls: Vec<String> = self
            .can
            .iter()
            .map(|a| a.trim_start_matches("sagemaker:").to_string())
            .collect();
        vec![
            ("may write".into(), list(&self.can_write_artifacts)),
            ("may read".into(), list(&self.can_read_training)),
            ("may call".into(), list(&calls)),
        ]
    }

    /// Whether it reaches anything that changes what answers.
    pub fn is_empty(&self) -> bool {
        self.can_write_artifacts.is_empty()
            && self.can_read_training.is_empty()
            && self.can.is_empty()
    }
}

/// A broken link of the chain: its id (a contract), how bad, and the evidence in a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvenanceFlag {
    pub id: &'static str,
    pub severity: Risk,
    pub text: String,
}

/// One variant's chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Provenance {
    pub variant: String,
    /// The inference component whose model this is, on an endpoint that hosts components.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference_component: Option<String>,
    pub model: String,
    pub image: ImageRef,
    pub artifact: ArtifactRef,
    pub package: Option<PackageRef>,
    pub training_job: Option<String>,
    /// The training job's settings, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingRef>,
    /// The serving model's execution role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// What that role could change or read, then what each role in `artifact.writable_by`
    /// could (the report lists them once, at the top).
    #[serde(skip)]
    pub blast_radius: Vec<BlastRadius>,
    pub flags: Vec<ProvenanceFlag>,
}
