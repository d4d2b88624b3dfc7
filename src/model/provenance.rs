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
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArtifactRef {
    pub url: String,
    pub version_id: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
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
    pub model: String,
    pub image: ImageRef,
    pub artifact: ArtifactRef,
    pub package: Option<PackageRef>,
    pub training_job: Option<String>,
    pub flags: Vec<ProvenanceFlag>,
}
