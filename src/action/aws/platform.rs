//! The ML platform's reads and writes for its actions: SageMaker (notebooks, endpoints, model
//! packages and groups, jobs), S3 bucket policies and ECR repository policies.

use super::AwsActions;
use crate::action::cloud::Answer;
use crate::action::platform::{
    EndpointInfo, JobInfo, JobKind, NotebookInfo, PackageInfo, Platform, Resource, Served, Setting,
    VariantWeight,
};
use crate::aws::calls::call;
use crate::aws::errors::code;
use crate::model::SourceError;
use aws_sdk_sagemaker::types as sm;

/// SageMaker says "no such thing" with a ValidationException whose message says so.
pub(super) fn sm_absent<T>(r: Result<T, SourceError>) -> Result<Option<T>, SourceError> {
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
    pub(super) async fn read_model(
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

    async fn write_notebook(&self, name: &str, setting: &Setting) -> Result<(), SourceError> {
        let (r, p) = (self.region.as_str(), self.p());
        match setting {
            Setting::Status { status } if status == "Stopped" => call(
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
            .map(drop),
            Setting::Status { .. } => call(
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
            Setting::NotebookAccess {
                root_access,
                minimum_imds,
                lifecycle_config,
            } => {
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
            other => Err(SourceError::Other(format!(
                "secdash cannot set {} of notebook instance {name}",
                other.aspect().words()
            ))),
        }
    }

    async fn write(&self, resource: &Resource, setting: &Setting) -> Result<(), SourceError> {
        let (r, p) = (self.region.as_str(), self.p());
        match (resource, setting) {
            (Resource::Notebook { name }, setting) => self.write_notebook(name, setting).await,
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
                "secdash cannot set {} of {}",
                setting.aspect().words(),
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
