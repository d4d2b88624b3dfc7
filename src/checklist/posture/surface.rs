//! The parts of a SageMaker platform beyond its notebooks, endpoints and training jobs, as the
//! checklist reads them: Feature Store, Studio's custom images, inference experiments, Model
//! Monitor's job definitions, and processing, transform and AutoML jobs.

use super::Observed;

/// Each part read on its own: one denied list makes only its item unknown.
#[derive(Debug, Clone, PartialEq)]
pub struct MlSurface {
    pub feature_groups: Observed<Vec<FeatureGroup>>,
    /// App image configs and images, with their tags (Security Hub's SageMaker.6 and .7).
    pub studio_images: Observed<Vec<TaggedResource>>,
    pub inference_experiments: Observed<Vec<InferenceExperiment>>,
    /// Every data-quality, model-quality, bias and explainability job definition.
    pub job_definitions: Observed<Vec<JobDefinition>>,
    /// The newest processing and transform jobs.
    pub volume_jobs: Observed<Vec<VolumeJob>>,
    /// The newest AutoML jobs.
    pub automl_jobs: Observed<Vec<AutoMlJob>>,
    /// The buckets a GuardDuty Malware Protection for S3 plan scans (what is written to them).
    pub malware_plans: Observed<Vec<String>>,
    pub studio: Observed<super::Studio>,
    pub hyperpod: Observed<Vec<super::HyperPodCluster>>,
}

impl MlSurface {
    /// Nothing read, every part saying why.
    pub fn unread(why: &str) -> MlSurface {
        MlSurface {
            feature_groups: Err(why.to_string()),
            studio_images: Err(why.to_string()),
            inference_experiments: Err(why.to_string()),
            job_definitions: Err(why.to_string()),
            volume_jobs: Err(why.to_string()),
            automl_jobs: Err(why.to_string()),
            malware_plans: Err(why.to_string()),
            studio: Err(why.to_string()),
            hyperpod: Err(why.to_string()),
        }
    }

    /// An account that uses none of these parts.
    pub fn none() -> MlSurface {
        MlSurface {
            feature_groups: Ok(Vec::new()),
            studio_images: Ok(Vec::new()),
            inference_experiments: Ok(Vec::new()),
            job_definitions: Ok(Vec::new()),
            volume_jobs: Ok(Vec::new()),
            automl_jobs: Ok(Vec::new()),
            malware_plans: Ok(Vec::new()),
            studio: Ok(super::Studio::default()),
            hyperpod: Ok(Vec::new()),
        }
    }
}

/// An asynchronous endpoint's `AsyncInferenceConfig.OutputConfig`: where answers and failures
/// go, and the key they are written with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AsyncOutput {
    pub output: Option<String>,
    pub failure: Option<String>,
    pub kms_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeatureGroup {
    pub name: String,
    /// `None` without an online store; otherwise its KMS key, if any.
    pub online: Option<StoreKey>,
    /// `None` without an offline store; otherwise its KMS key, if any.
    pub offline: Option<StoreKey>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoreKey {
    pub kms_key: Option<String>,
    /// The online store's `StorageType`: `Standard` or `InMemory` (which Security Hub's
    /// SageMaker.18 leaves out); empty for an offline store.
    pub storage: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedResource {
    /// `app image config` or `image`.
    pub kind: &'static str,
    pub name: String,
    /// Its tag keys, without AWS's own (`aws:`).
    pub tag_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InferenceExperiment {
    pub name: String,
    /// `KmsKey`: the shadow variants' instance storage.
    pub storage_key: Option<String>,
    /// `DataStorageConfig.KmsKey`, when it captures data (`None` inside when it does not
    /// name one); `None` when it captures nothing.
    pub capture: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobDefinition {
    /// `DataQuality`, `ModelQuality`, `ModelBias` or `ModelExplainability`.
    pub kind: &'static str,
    pub name: String,
    pub isolation: bool,
    pub inter_container_encryption: bool,
    pub instance_count: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VolumeJob {
    /// `processing` or `transform`.
    pub kind: &'static str,
    pub name: String,
    pub volume_kms_key: Option<String>,
    pub output_kms_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AutoMlJob {
    pub name: String,
    pub inter_container_encryption: bool,
    pub volume_kms_key: Option<String>,
}
