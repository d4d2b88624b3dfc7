//! The demo account's wider SageMaker surface: a feature store, a custom Studio image, a shadow
//! test, monitoring job definitions, and processing, transform and AutoML jobs — a few set up
//! with care, a few in a hurry, so each item of them shows both.

use crate::checklist::posture::*;

const KEY: &str = "alias/studyai-dev-sagemaker";

pub fn ml_surface() -> MlSurface {
    MlSurface {
        feature_groups: Ok(vec![
            FeatureGroup {
                name: "studyai-dev-learner-features".into(),
                online: Some(StoreKey {
                    kms_key: Some(KEY.into()),
                    storage: "Standard".into(),
                }),
                offline: Some(StoreKey {
                    kms_key: Some(KEY.into()),
                    storage: String::new(),
                }),
            },
            // A data scientist's experiment: the offline store with the bucket's default key only.
            FeatureGroup {
                name: "studyai-dev-clickstream-trial".into(),
                online: None,
                offline: Some(StoreKey {
                    kms_key: None,
                    storage: String::new(),
                }),
            },
        ]),
        studio_images: Ok(vec![
            TaggedResource {
                kind: "app image config",
                name: "studyai-dev-jupyter-cuda".into(),
                tag_keys: vec!["team".into(), "owner".into()],
            },
            TaggedResource {
                kind: "image",
                name: "studyai-dev-jupyter-cuda".into(),
                tag_keys: vec![],
            },
        ]),
        inference_experiments: Ok(vec![InferenceExperiment {
            name: "studyai-dev-llama3-shadow-2026-11".into(),
            storage_key: Some(KEY.into()),
            capture: Some(Some(KEY.into())),
        }]),
        job_definitions: Ok(vec![
            JobDefinition {
                kind: "DataQuality",
                name: "studyai-dev-llama3-8b-dq-definition".into(),
                isolation: true,
                inter_container_encryption: true,
                instance_count: 1,
            },
            // Run by hand once, left behind.
            JobDefinition {
                kind: "ModelBias",
                name: "studyai-dev-classifier-bias-adhoc".into(),
                isolation: false,
                inter_container_encryption: false,
                instance_count: 2,
            },
        ]),
        volume_jobs: Ok(vec![
            VolumeJob {
                kind: "processing",
                name: "studyai-dev-tokenize-2026-11-19".into(),
                volume_kms_key: Some(KEY.into()),
                output_kms_key: Some(KEY.into()),
            },
            VolumeJob {
                kind: "transform",
                name: "studyai-dev-classifier-batch-2026-11-21".into(),
                volume_kms_key: None,
                output_kms_key: Some(KEY.into()),
            },
        ]),
        automl_jobs: Ok(vec![AutoMlJob {
            name: "studyai-dev-churn-autopilot".into(),
            inter_container_encryption: true,
            volume_kms_key: Some(KEY.into()),
        }]),
        // S3 Protection watches every bucket; no plan scans what is written to the models'.
        malware_plans: Ok(vec![]),
        studio: Ok(Studio {
            people: vec![
                StudioPerson {
                    kind: "user profile",
                    name: "alice".into(),
                    domain: "d-studyai-dev".into(),
                    role: Some(
                        "arn:aws:iam::123456789012:role/studyai-dev-sagemaker-role".into(),
                    ),
                    shared: false,
                },
                StudioPerson {
                    kind: "space",
                    name: "llm-eval".into(),
                    domain: "d-studyai-dev".into(),
                    role: None,
                    shared: true,
                },
            ],
            // Pasted from a tutorial, as alice's notebook script was.
            lifecycle_configs: vec![StudioScript {
                name: "jupyterlab-extras".into(),
                app_type: "JupyterLab".into(),
                text: "#!/bin/bash\nset -e\npip install --quiet jupyterlab-git\nexport OPENAI_API_KEY=sk-proj-Qm3xWq7TzLpR3nYcKd8sJfH2gBvXe5uM\n".into(),
            }],
            apps: vec![StudioApp {
                name: "default".into(),
                owner: "llm-eval".into(),
                app_type: "JupyterLab".into(),
                instance_type: Some("ml.g5.2xlarge".into()),
            }],
        }),
        // The pre-training cluster starts every node with a script the research notebook's
        // role may rewrite.
        hyperpod: Ok(vec![HyperPodCluster {
            name: "studyai-dev-llm-pretrain".into(),
            subnets: vec!["subnet-0a10".into(), "subnet-0a11".into()],
            security_groups: vec!["sg-0b1d2f3a4c5e6a701".into()],
            groups: vec![HyperPodGroup {
                name: "workers".into(),
                role: "arn:aws:iam::123456789012:role/studyai-dev-hyperpod-workers".into(),
                script: Some(
                    "s3://sagemaker-studyai-dev-lifecycle/pretrain/on_create.sh".into(),
                ),
                script_text: Ok("#!/bin/bash\nset -e\n./setup_mount_fsx.sh\n".into()),
                writable_by: Ok(vec!["studyai-dev-research-notebook".into()]),
            }],
        }]),
    }
}
