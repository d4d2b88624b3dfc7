//! The policies the platform actions add a statement to and restore (S3 bucket policies, ECR
//! repository policies, SageMaker model group policies), and the reads plans propose and fence
//! with: who the responder is, which execution roles read a bucket, whose a repository is, the
//! configs CloudTrail saw an endpoint run.

use super::AwsActions;
use crate::action::platform::Resource;
use crate::aws::calls::call;
use crate::aws::errors::absent;
use crate::model::SourceError;

use super::platform::sm_absent;

/// How many models `readers_of` looks at: a plan's note, not an inventory.
const MODELS_READ: usize = 100;

impl AwsActions {
    pub(super) async fn read_policy(
        &self,
        resource: &Resource,
    ) -> Result<Option<String>, SourceError> {
        match resource {
            Resource::Bucket { name } => Ok(absent(
                call(
                    &self.calls,
                    "s3:GetBucketPolicy",
                    &self.region,
                    self.p(),
                    self.s3.get_bucket_policy().bucket(name).send(),
                )
                .await,
                &["NoSuchBucketPolicy"],
            )?
            .and_then(|o| o.policy().map(str::to_string))),
            Resource::Repository { name } => Ok(absent(
                call(
                    &self.calls,
                    "ecr:GetRepositoryPolicy",
                    &self.region,
                    self.p(),
                    self.ecr
                        .get_repository_policy()
                        .repository_name(name)
                        .send(),
                )
                .await,
                &["RepositoryPolicyNotFoundException"],
            )?
            .and_then(|o| o.policy_text().map(str::to_string))),
            Resource::ModelGroup { name } => Ok(sm_absent(
                call(
                    &self.calls,
                    "sagemaker:GetModelPackageGroupPolicy",
                    &self.region,
                    self.p(),
                    self.sagemaker
                        .get_model_package_group_policy()
                        .model_package_group_name(name)
                        .send(),
                )
                .await,
            )?
            .and_then(|o| o.resource_policy().map(str::to_string))
            .filter(|p| !p.is_empty())),
            other => Err(SourceError::Other(format!(
                "{} has no resource policy",
                other.label()
            ))),
        }
    }

    pub(super) async fn resource_exists(&self, resource: &Resource) -> Result<bool, SourceError> {
        Ok(match resource {
            Resource::Bucket { name } => absent(
                call(
                    &self.calls,
                    "s3:ListBucket",
                    &self.region,
                    self.p(),
                    self.s3.head_bucket().bucket(name).send(),
                )
                .await,
                &["NotFound", "NoSuchBucket"],
            )?
            .is_some(),
            Resource::Repository { name } => self.registry_of(name).await?.is_some(),
            Resource::ModelGroup { name } => sm_absent(
                call(
                    &self.calls,
                    "sagemaker:DescribeModelPackageGroup",
                    &self.region,
                    self.p(),
                    self.sagemaker
                        .describe_model_package_group()
                        .model_package_group_name(name)
                        .send(),
                )
                .await,
            )?
            .is_some(),
            _ => false,
        })
    }

    pub(super) async fn registry_of(&self, name: &str) -> Result<Option<String>, SourceError> {
        Ok(absent(
            call(
                &self.calls,
                "ecr:DescribeRepositories",
                &self.region,
                self.p(),
                self.ecr
                    .describe_repositories()
                    .repository_names(name)
                    .send(),
            )
            .await,
            &["RepositoryNotFoundException"],
        )?
        .and_then(|o| {
            o.repositories()
                .first()
                .and_then(|r| r.registry_id().map(str::to_string))
        }))
    }

    pub(super) async fn caller_role(&self) -> Result<Option<String>, SourceError> {
        let me = call(
            &self.calls,
            "sts:GetCallerIdentity",
            &self.region,
            self.p(),
            self.sts.get_caller_identity().send(),
        )
        .await?;
        let arn = me.arn().unwrap_or_default().to_string();
        // An assumed role's session ARN has no path; the role's ARN (with it) is what a
        // policy's aws:PrincipalArn is compared with.
        let Some(role) = arn
            .split_once(":assumed-role/")
            .and_then(|(_, rest)| rest.split('/').next())
        else {
            return Ok((!arn.is_empty()).then_some(arn));
        };
        let got = absent(
            call(
                &self.calls,
                "iam:GetRole",
                &self.region,
                self.p(),
                self.iam.get_role().role_name(role).send(),
            )
            .await,
            &["NoSuchEntity"],
        )?;
        Ok(got.and_then(|r| r.role().map(|r| r.arn().to_string())))
    }

    pub(super) async fn readers_of(&self, bucket: &str) -> Result<Vec<String>, SourceError> {
        let models = call(
            &self.calls,
            "sagemaker:ListModels",
            &self.region,
            self.p(),
            self.sagemaker.list_models().max_results(100).send(),
        )
        .await?;
        let prefix = format!("s3://{bucket}/");
        let mut roles = Vec::new();
        for m in models.models().iter().take(MODELS_READ) {
            let Some(name) = m.model_name() else { continue };
            if let Some((_, artifact, role)) = self.read_model(name).await?
                && (artifact.starts_with(&prefix) || artifact == prefix.trim_end_matches('/'))
                && !role.is_empty()
                && !roles.contains(&role)
            {
                roles.push(role);
            }
        }
        Ok(roles)
    }

    pub(super) async fn write_policy(
        &self,
        resource: &Resource,
        document: Option<&str>,
    ) -> Result<(), SourceError> {
        let (r, p) = (self.region.as_str(), self.p());
        match (resource, document) {
            (Resource::Bucket { name }, Some(d)) => call(
                &self.calls,
                "s3:PutBucketPolicy",
                r,
                p,
                self.s3.put_bucket_policy().bucket(name).policy(d).send(),
            )
            .await
            .map(drop),
            (Resource::Bucket { name }, None) => call(
                &self.calls,
                "s3:DeleteBucketPolicy",
                r,
                p,
                self.s3.delete_bucket_policy().bucket(name).send(),
            )
            .await
            .map(drop),
            (Resource::Repository { name }, Some(d)) => call(
                &self.calls,
                "ecr:SetRepositoryPolicy",
                r,
                p,
                self.ecr
                    .set_repository_policy()
                    .repository_name(name)
                    .policy_text(d)
                    .send(),
            )
            .await
            .map(drop),
            (Resource::Repository { name }, None) => call(
                &self.calls,
                "ecr:DeleteRepositoryPolicy",
                r,
                p,
                self.ecr
                    .delete_repository_policy()
                    .repository_name(name)
                    .send(),
            )
            .await
            .map(drop),
            (Resource::ModelGroup { name }, Some(d)) => call(
                &self.calls,
                "sagemaker:PutModelPackageGroupPolicy",
                r,
                p,
                self.sagemaker
                    .put_model_package_group_policy()
                    .model_package_group_name(name)
                    .resource_policy(d)
                    .send(),
            )
            .await
            .map(drop),
            (Resource::ModelGroup { name }, None) => call(
                &self.calls,
                "sagemaker:DeleteModelPackageGroupPolicy",
                r,
                p,
                self.sagemaker
                    .delete_model_package_group_policy()
                    .model_package_group_name(name)
                    .send(),
            )
            .await
            .map(drop),
            (other, _) => Err(SourceError::Other(format!(
                "{} has no resource policy",
                other.label()
            ))),
        }
    }

    /// The configs CloudTrail saw the endpoint created with and updated to, oldest first
    /// (one page of each event, the last 90 days: what LookupEvents keeps).
    pub(super) async fn history_of(&self, name: &str) -> Result<Vec<String>, SourceError> {
        use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
        let mut seen: Vec<(i64, String)> = Vec::new();
        for event in ["CreateEndpoint", "UpdateEndpoint"] {
            let attribute = LookupAttribute::builder()
                .attribute_key(LookupAttributeKey::EventName)
                .attribute_value(event)
                .build()
                .map_err(|e| SourceError::Other(e.to_string()))?;
            let out = call(
                &self.calls,
                "cloudtrail:LookupEvents",
                &self.region,
                self.p(),
                self.cloudtrail
                    .lookup_events()
                    .lookup_attributes(attribute)
                    .max_results(50)
                    .send(),
            )
            .await?;
            for e in out.events() {
                let Some(raw) = e.cloud_trail_event() else {
                    continue;
                };
                let Ok(v) = serde_json::from_str::<serde_json::Value>(raw) else {
                    continue;
                };
                let params = &v["requestParameters"];
                if params["endpointName"].as_str() != Some(name) {
                    continue;
                }
                if let Some(config) = params["endpointConfigName"].as_str() {
                    let time = e.event_time().map(|t| t.secs()).unwrap_or_default();
                    seen.push((time, config.to_string()));
                }
            }
        }
        seen.sort();
        Ok(seen.into_iter().map(|(_, c)| c).collect())
    }
}
