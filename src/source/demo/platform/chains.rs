//! What the demo's endpoints serve, as the chains a refresh reads, and what the demo's roles
//! could change: the poisoned model's chain with every flag of #29 on show.

use super::{
    DemoPlatform, MODEL_BUCKET, NOTEBOOK, NOTEBOOK_ROLE, REPOSITORY, TRAINING_DATA, TRAINING_JOB,
    digest,
};

impl DemoPlatform {
    /// What each variant of the endpoint serves now, as the chain a refresh reads: version 8 of
    /// the poisoned endpoint's model was written hours after its package was approved.
    pub fn provenance(
        &self,
        endpoint: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<crate::model::Provenance> {
        use crate::model::{ArtifactRef, ImageRef, ImageScan, PackageRef, Provenance, TrainingRef};
        // The research notebook's role may write the llama3 model's artifacts.
        let writers = |artifact: &str| -> Vec<String> {
            if artifact.starts_with(&format!("s3://{MODEL_BUCKET}/llama3-8b/")) {
                vec![NOTEBOOK_ROLE.to_string()]
            } else {
                vec![]
            }
        };
        let Some(e) = self.endpoints.get(endpoint) else {
            return vec![];
        };
        let served = self
            .configs
            .get(&e.info.config)
            .cloned()
            .unwrap_or_default();
        let days = chrono::Duration::days;
        served
            .into_iter()
            .map(|s| {
                let package = self.packages.iter().find(|(_, p)| p.artifact == s.artifact);
                let (package, written) = match package {
                    // Version 8: approved two days ago, its artifact replaced three hours ago.
                    Some((arn, p)) if p.version == Some(8) => (
                        Some((arn.clone(), p.status.clone(), now - days(2))),
                        now - chrono::Duration::hours(3),
                    ),
                    Some((arn, p)) => (
                        Some((arn.clone(), p.status.clone(), now - days(8))),
                        now - days(9),
                    ),
                    // The other endpoints' models: registered and approved long ago.
                    None => (
                        Some((
                            format!(
                                "arn:aws:sagemaker:{}:{}:model-package/{endpoint}/1",
                                super::super::REGION,
                                super::super::ACCOUNT
                            ),
                            "Approved".to_string(),
                            now - days(20),
                        )),
                        now - days(21),
                    ),
                };
                let by_digest = !s.image.contains(REPOSITORY);
                Provenance {
                    variant: s.variant.clone(),
                    inference_component: None,
                    model: s.model.clone(),
                    image: ImageRef {
                        uri: if by_digest {
                            format!(
                                "{}@{}",
                                s.image
                                    .rsplit_once(':')
                                    .map_or(s.image.as_str(), |(r, _)| r),
                                digest(&s.model)
                            )
                        } else {
                            s.image.clone()
                        },
                        digest: Some(digest(&s.model)),
                        immutable: None,
                        scan: Some(ImageScan {
                            status: "COMPLETE".into(),
                            // The fine-tune's serving image carries a few known CVEs.
                            findings: if by_digest {
                                Default::default()
                            } else {
                                [("LOW".into(), 11), ("MEDIUM".into(), 3)].into()
                            },
                        }),
                        tag_now: None,
                    },
                    artifact: ArtifactRef {
                        url: s.artifact.clone(),
                        version_id: Some(format!("3HL4kqtJlcpXroDTDmJ{}", s.model.len())),
                        etag: Some(format!("\"{:032x}\"", s.artifact.len())),
                        last_modified: Some(written),
                        writable_by: writers(&s.artifact),
                    },
                    package: package.map(|(arn, status, approved)| PackageRef {
                        arn,
                        status,
                        approved_at: Some(approved),
                        model_data_etag: None,
                        approved_from: Some("cloudtrail"),
                    }),
                    training_job: Some(TRAINING_JOB.to_string()).filter(|_| !by_digest),
                    training: (!by_digest).then(|| TrainingRef {
                        name: TRAINING_JOB.into(),
                        network_isolation: false,
                        in_vpc: true,
                        volume_kms_key: Some(format!(
                            "arn:aws:kms:{}:{}:key/studyai-dev-sagemaker",
                            super::super::REGION,
                            super::super::ACCOUNT
                        )),
                        inputs: vec![TRAINING_DATA.into()],
                    }),
                    role: Some(s.execution_role.clone()),
                    blast_radius: std::iter::once(s.execution_role.as_str())
                        .chain(writers(&s.artifact).iter().map(String::as_str))
                        .map(|role| self.blast_radius(role, endpoint))
                        .collect(),
                    flags: vec![],
                }
            })
            .collect()
    }

    /// What a role of the demo could change or read, as IAM's simulator would answer.
    pub fn blast_radius(&self, role: &str, endpoint: &str) -> crate::model::BlastRadius {
        let served: Vec<String> = self
            .configs
            .values()
            .flatten()
            .map(|s| s.artifact.clone())
            .collect();
        let mut r = crate::model::BlastRadius {
            principal: role.to_string(),
            ..Default::default()
        };
        if role == NOTEBOOK_ROLE {
            r.kind = "notebook";
            r.used_by = vec![format!("notebook/{NOTEBOOK}")];
            r.can_write_artifacts = served
                .into_iter()
                .filter(|a| a.starts_with(&format!("s3://{MODEL_BUCKET}/llama3-8b/")))
                .collect();
            r.can_read_training = vec![TRAINING_DATA.into()];
            r.can = vec![
                "sagemaker:CreateModel".into(),
                "sagemaker:UpdateModelPackage".into(),
            ];
        } else {
            r.kind = "endpoint";
            r.used_by = vec![format!("endpoint/{endpoint}")];
            r.can_read_training = vec![TRAINING_DATA.into()];
        }
        r.can_write_artifacts.sort();
        r.can_write_artifacts.dedup();
        r
    }

    /// A contained principal's blast radius: the CI user whose key leaked may deploy (its
    /// pipeline pushes models), so it may overwrite every served artifact and call what
    /// changes an endpoint; anyone else, nothing of the platform.
    pub fn principal_radius(
        &self,
        principal: &crate::model::Principal,
        account: &str,
    ) -> crate::model::BlastRadius {
        use crate::model::Principal;
        let (kind, path) = match principal {
            Principal::User(n) => ("user", format!("user/{n}")),
            Principal::Role(n) => ("role", format!("role/{n}")),
        };
        let mut r = crate::model::BlastRadius {
            principal: format!("arn:aws:iam::{account}:{path}"),
            kind,
            ..Default::default()
        };
        if *principal == Principal::User(super::super::iam::CI_USER.into()) {
            r.can_write_artifacts = self
                .configs
                .values()
                .flatten()
                .map(|s| s.artifact.clone())
                .collect();
            r.can_write_artifacts.sort();
            r.can_write_artifacts.dedup();
            r.can = super::blast_changes();
        }
        r
    }
}
