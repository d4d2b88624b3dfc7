//! The ML platform's reads and writes for its actions: SageMaker (notebooks, endpoints, model
//! packages and groups, jobs), S3 bucket policies and ECR repository policies.

use super::AwsActions;
use crate::action::cloud::Answer;
use crate::action::platform::{
    EndpointInfo, JobInfo, JobKind, NotebookInfo, PackageInfo, Platform, Resource, Served, Setting,
    VariantWeight,
};
use crate::aws::calls::call;
use crate::aws::errors::{absent, code};
use crate::model::SourceError;
use aws_sdk_sagemaker::types as sm;

/// How many models `bucket_readers` looks at: a plan's note, not an inventory.
const MODELS_READ: usize = 100;

/// SageMaker says "no such thing" with a ValidationException whose message says so.
fn sm_absent<T>(r: Result<T, SourceError>) -> Result<Option<T>, SourceError> {
    match r {
        Err(SourceError::Api { code, message, .. })
            if code == "ValidationException"
                && [
                    "not found",
                    "RecordNotFound",
                    "Could not find",
                    "does not exist",
                ]
                .iter()
                .any(|m| message.contains(m)) =>
        {
            Ok(None)
        }
        Err(e) if code(&e) == Some("ResourceNotFound") => Ok(None),
        r => r.map(Some),
    }
}

impl AwsActions {
    async fn read_notebook(&self, name: &str) -> Result<Option<NotebookInfo>, SourceError> {
        let Some(n) = sm_absent(
            call(
                &self.calls,
                "sagemaker:DescribeNotebookInstance",
                &self.region,
                self.p(),
                self.sagemaker
                    .describe_notebook_instance()
                    .notebook_instance_name(name)
                    .send(),
            )
            .await,
        )?
        else {
            return Ok(None);
        };
        Ok(Some(NotebookInfo {
            status: n
                .notebook_instance_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            instance_type: n
                .instance_type()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            role_arn: n.role_arn().unwrap_or_default().to_string(),
            root_access: n
                .root_access()
                .map(|s| s.as_str().to_string())
                .unwrap_or_else(|| "Enabled".into()),
            minimum_imds: n
                .instance_metadata_service_configuration()
                .and_then(|c| c.minimum_instance_metadata_service_version())
                .map(str::to_string)
                .unwrap_or_else(|| "1".into()),
            lifecycle_config: n
                .notebook_instance_lifecycle_config_name()
                .map(str::to_string),
            direct_internet_access: n
                .direct_internet_access()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        }))
    }

    async fn read_lifecycle(&self, name: &str) -> Result<Option<String>, SourceError> {
        let Some(c) = sm_absent(
            call(
                &self.calls,
                "sagemaker:DescribeNotebookInstanceLifecycleConfig",
                &self.region,
                self.p(),
                self.sagemaker
                    .describe_notebook_instance_lifecycle_config()
                    .notebook_instance_lifecycle_config_name(name)
                    .send(),
            )
            .await,
        )?
        else {
            return Ok(None);
        };
        let decode = |hooks: &[sm::NotebookInstanceLifecycleHook]| -> String {
            hooks
                .iter()
                .filter_map(|h| h.content())
                .map(|c| {
                    aws_smithy_types::base64::decode(c)
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_else(|_| c.to_string())
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        Ok(Some(format!(
            "# OnCreate\n{}\n# OnStart\n{}\n",
            decode(c.on_create()),
            decode(c.on_start())
        )))
    }

    async fn read_endpoint(&self, name: &str) -> Result<Option<EndpointInfo>, SourceError> {
        let Some(e) = sm_absent(
            call(
                &self.calls,
                "sagemaker:DescribeEndpoint",
                &self.region,
                self.p(),
                self.sagemaker
                    .describe_endpoint()
                    .endpoint_name(name)
                    .send(),
            )
            .await,
        )?
        else {
            return Ok(None);
        };
        Ok(Some(EndpointInfo {
            status: e
                .endpoint_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            config: e.endpoint_config_name().unwrap_or_default().to_string(),
            pending_config: e
                .pending_deployment_summary()
                .and_then(|p| p.endpoint_config_name())
                .map(str::to_string),
            weights: e
                .production_variants()
                .iter()
                .map(|v| VariantWeight {
                    variant: v.variant_name().unwrap_or_default().to_string(),
                    weight: v.current_weight().unwrap_or(1.0),
                })
                .collect(),
            desired_weights: e
                .production_variants()
                .iter()
                .filter_map(|v| {
                    Some(VariantWeight {
                        variant: v.variant_name()?.to_string(),
                        weight: v.desired_weight()?,
                    })
                })
                .collect(),
        }))
    }

    async fn read_endpoint_config(&self, name: &str) -> Result<Option<Vec<Served>>, SourceError> {
        let Some(c) = sm_absent(
            call(
                &self.calls,
                "sagemaker:DescribeEndpointConfig",
                &self.region,
                self.p(),
                self.sagemaker
                    .describe_endpoint_config()
                    .endpoint_config_name(name)
                    .send(),
            )
            .await,
        )?
        else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for v in c.production_variants() {
            let model = v.model_name().unwrap_or_default().to_string();
            let mut served = Served {
                variant: v.variant_name().unwrap_or_default().to_string(),
                model: model.clone(),
                ..Served::default()
            };
            if let Some(m) = self.read_model(&model).await? {
                (served.image, served.artifact, served.execution_role) = m;
            }
            out.push(served);
        }
        Ok(Some(out))
    }

    /// A model's image, artifact and execution role.
    async fn read_model(
        &self,
        name: &str,
    ) -> Result<Option<(String, String, String)>, SourceError> {
        let Some(m) = sm_absent(
            call(
                &self.calls,
                "sagemaker:DescribeModel",
                &self.region,
                self.p(),
                self.sagemaker.describe_model().model_name(name).send(),
            )
            .await,
        )?
        else {
            return Ok(None);
        };
        let container = m.primary_container().or_else(|| m.containers().first());
        Ok(Some((
            container
                .and_then(|c| c.image())
                .unwrap_or_default()
                .to_string(),
            container
                .and_then(|c| c.model_data_url())
                .unwrap_or_default()
                .to_string(),
            m.execution_role_arn().unwrap_or_default().to_string(),
        )))
    }

    async fn read_package(&self, arn: &str) -> Result<Option<PackageInfo>, SourceError> {
        let Some(p) = sm_absent(
            call(
                &self.calls,
                "sagemaker:DescribeModelPackage",
                &self.region,
                self.p(),
                self.sagemaker
                    .describe_model_package()
                    .model_package_name(arn)
                    .send(),
            )
            .await,
        )?
        else {
            return Ok(None);
        };
        let container = p
            .inference_specification()
            .and_then(|i| i.containers().first());
        Ok(Some(PackageInfo {
            group: p.model_package_group_name().unwrap_or_default().to_string(),
            version: p.model_package_version(),
            status: p
                .model_approval_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            description: p.approval_description().map(str::to_string),
            image: container
                .and_then(|c| c.image())
                .unwrap_or_default()
                .to_string(),
            artifact: container
                .and_then(|c| c.model_data_url())
                .unwrap_or_default()
                .to_string(),
        }))
    }

    async fn read_jobs(&self, name: &str) -> Result<Vec<JobInfo>, SourceError> {
        let mut out = Vec::new();
        let training = sm_absent(
            call(
                &self.calls,
                "sagemaker:DescribeTrainingJob",
                &self.region,
                self.p(),
                self.sagemaker
                    .describe_training_job()
                    .training_job_name(name)
                    .send(),
            )
            .await,
        )?;
        if let Some(j) = training {
            out.push(JobInfo {
                kind: JobKind::Training,
                name: name.to_string(),
                status: j
                    .training_job_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            });
        }
        let processing = sm_absent(
            call(
                &self.calls,
                "sagemaker:DescribeProcessingJob",
                &self.region,
                self.p(),
                self.sagemaker
                    .describe_processing_job()
                    .processing_job_name(name)
                    .send(),
            )
            .await,
        )?;
        if let Some(j) = processing {
            out.push(JobInfo {
                kind: JobKind::Processing,
                name: name.to_string(),
                status: j
                    .processing_job_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            });
        }
        let transform = sm_absent(
            call(
                &self.calls,
                "sagemaker:DescribeTransformJob",
                &self.region,
                self.p(),
                self.sagemaker
                    .describe_transform_job()
                    .transform_job_name(name)
                    .send(),
            )
            .await,
        )?;
        if let Some(j) = transform {
            out.push(JobInfo {
                kind: JobKind::Transform,
                name: name.to_string(),
                status: j
                    .transform_job_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            });
        }
        Ok(out)
    }

    async fn read_policy(&self, resource: &Resource) -> Result<Option<String>, SourceError> {
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

    async fn resource_exists(&self, resource: &Resource) -> Result<bool, SourceError> {
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

    async fn registry_of(&self, name: &str) -> Result<Option<String>, SourceError> {
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

    async fn caller_role(&self) -> Result<Option<String>, SourceError> {
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

    async fn readers_of(&self, bucket: &str) -> Result<Vec<String>, SourceError> {
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

    /// The configs CloudTrail saw the endpoint created with and updated to, oldest first
    /// (one page of each event, the last 90 days: what LookupEvents keeps).
    async fn history_of(&self, name: &str) -> Result<Vec<String>, SourceError> {
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

    async fn write(&self, resource: &Resource, setting: &Setting) -> Result<(), SourceError> {
        let (r, p) = (self.region.as_str(), self.p());
        match (resource, setting) {
            (Resource::Notebook { name }, Setting::Status { status }) if status == "Stopped" => {
                call(
                    &self.calls,
                    "sagemaker:StopNotebookInstance",
                    r,
                    p,
                    self.sagemaker
                        .stop_notebook_instance()
                        .notebook_instance_name(name)
                        .send(),
                )
                .await
                .map(drop)
            }
            (Resource::Notebook { name }, Setting::Status { .. }) => call(
                &self.calls,
                "sagemaker:StartNotebookInstance",
                r,
                p,
                self.sagemaker
                    .start_notebook_instance()
                    .notebook_instance_name(name)
                    .send(),
            )
            .await
            .map(drop),
            (
                Resource::Notebook { name },
                Setting::NotebookAccess {
                    root_access,
                    minimum_imds,
                    lifecycle_config,
                },
            ) => {
                let imds = sm::InstanceMetadataServiceConfiguration::builder()
                    .minimum_instance_metadata_service_version(minimum_imds)
                    .build();
                let mut req = self
                    .sagemaker
                    .update_notebook_instance()
                    .notebook_instance_name(name)
                    .root_access(sm::RootAccess::from(root_access.as_str()))
                    .instance_metadata_service_configuration(imds);
                req = match lifecycle_config {
                    Some(c) => req.lifecycle_config_name(c),
                    None => req.disassociate_lifecycle_config(true),
                };
                call(
                    &self.calls,
                    "sagemaker:UpdateNotebookInstance",
                    r,
                    p,
                    req.send(),
                )
                .await
                .map(drop)
            }
            (Resource::Endpoint { name }, Setting::EndpointConfig { config }) => call(
                &self.calls,
                "sagemaker:UpdateEndpoint",
                r,
                p,
                self.sagemaker
                    .update_endpoint()
                    .endpoint_name(name)
                    .endpoint_config_name(config)
                    .send(),
            )
            .await
            .map(drop),
            (Resource::Endpoint { name }, Setting::Weights { weights }) => {
                let mut req = self
                    .sagemaker
                    .update_endpoint_weights_and_capacities()
                    .endpoint_name(name);
                for w in weights {
                    req = req.desired_weights_and_capacities(
                        sm::DesiredWeightAndCapacity::builder()
                            .variant_name(&w.variant)
                            .desired_weight(w.weight)
                            .build(),
                    );
                }
                call(
                    &self.calls,
                    "sagemaker:UpdateEndpointWeightsAndCapacities",
                    r,
                    p,
                    req.send(),
                )
                .await
                .map(drop)
            }
            (
                Resource::ModelPackage { arn },
                Setting::Approval {
                    status,
                    description,
                },
            ) => call(
                &self.calls,
                "sagemaker:UpdateModelPackage",
                r,
                p,
                self.sagemaker
                    .update_model_package()
                    .model_package_arn(arn)
                    .model_approval_status(sm::ModelApprovalStatus::from(status.as_str()))
                    .set_approval_description(description.clone())
                    .send(),
            )
            .await
            .map(drop),
            (Resource::Job { kind, name }, _) => self.stop_job(*kind, name).await,
            (resource, Setting::Policy { document }) => {
                self.write_policy(resource, document.as_deref()).await
            }
            (resource, setting) => Err(SourceError::Other(format!(
                "secdash cannot write {setting:?} to {}",
                resource.label()
            ))),
        }
    }

    async fn stop_job(&self, kind: JobKind, name: &str) -> Result<(), SourceError> {
        let (r, p) = (self.region.as_str(), self.p());
        match kind {
            JobKind::Training => call(
                &self.calls,
                "sagemaker:StopTrainingJob",
                r,
                p,
                self.sagemaker
                    .stop_training_job()
                    .training_job_name(name)
                    .send(),
            )
            .await
            .map(drop),
            JobKind::Processing => call(
                &self.calls,
                "sagemaker:StopProcessingJob",
                r,
                p,
                self.sagemaker
                    .stop_processing_job()
                    .processing_job_name(name)
                    .send(),
            )
            .await
            .map(drop),
            JobKind::Transform => call(
                &self.calls,
                "sagemaker:StopTransformJob",
                r,
                p,
                self.sagemaker
                    .stop_transform_job()
                    .transform_job_name(name)
                    .send(),
            )
            .await
            .map(drop),
        }
    }

    async fn write_policy(
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
}

impl Platform for AwsActions {
    fn notebook<'a>(&'a self, name: &'a str) -> Answer<'a, Option<NotebookInfo>> {
        Box::pin(self.read_notebook(name))
    }
    fn lifecycle_script<'a>(&'a self, name: &'a str) -> Answer<'a, Option<String>> {
        Box::pin(self.read_lifecycle(name))
    }
    fn endpoint<'a>(&'a self, name: &'a str) -> Answer<'a, Option<EndpointInfo>> {
        Box::pin(self.read_endpoint(name))
    }
    fn endpoint_config<'a>(&'a self, name: &'a str) -> Answer<'a, Option<Vec<Served>>> {
        Box::pin(self.read_endpoint_config(name))
    }
    fn model_package<'a>(&'a self, arn: &'a str) -> Answer<'a, Option<PackageInfo>> {
        Box::pin(self.read_package(arn))
    }
    fn jobs<'a>(&'a self, name: &'a str) -> Answer<'a, Vec<JobInfo>> {
        Box::pin(self.read_jobs(name))
    }
    fn resource_policy<'a>(&'a self, resource: &'a Resource) -> Answer<'a, Option<String>> {
        Box::pin(self.read_policy(resource))
    }
    fn exists<'a>(&'a self, resource: &'a Resource) -> Answer<'a, bool> {
        Box::pin(self.resource_exists(resource))
    }
    fn responder_arn(&self) -> Answer<'_, Option<String>> {
        Box::pin(self.caller_role())
    }
    fn bucket_readers<'a>(&'a self, bucket: &'a str) -> Answer<'a, Vec<String>> {
        Box::pin(self.readers_of(bucket))
    }
    fn endpoint_history<'a>(&'a self, name: &'a str) -> Answer<'a, Vec<String>> {
        Box::pin(self.history_of(name))
    }
    fn repository_account<'a>(&'a self, name: &'a str) -> Answer<'a, Option<String>> {
        Box::pin(self.registry_of(name))
    }
    fn write_setting<'a>(&'a self, resource: &'a Resource, setting: &'a Setting) -> Answer<'a, ()> {
        Box::pin(self.write(resource, setting))
    }
}
