//! SageMaker Studio beyond its domains: who works in it (user profiles and spaces, with the
//! role each runs as), the lifecycle scripts its apps start with, and the apps running now; and
//! HyperPod clusters, the other place people run code on SageMaker's instances.

use super::Observed;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Studio {
    pub people: Vec<StudioPerson>,
    pub lifecycle_configs: Vec<StudioScript>,
    /// Apps in service.
    pub apps: Vec<StudioApp>,
}

/// A user profile or a space.
#[derive(Debug, Clone, PartialEq)]
pub struct StudioPerson {
    /// `user profile` or `space`.
    pub kind: &'static str,
    pub name: String,
    pub domain: String,
    /// The execution role's ARN, when it sets its own.
    pub role: Option<String>,
    /// A space shared with every user of its domain.
    pub shared: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StudioScript {
    pub name: String,
    /// `JupyterLab`, `CodeEditor`, `JupyterServer`, `KernelGateway`.
    pub app_type: String,
    /// Its content, decoded.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StudioApp {
    pub name: String,
    /// The user profile or space it runs for.
    pub owner: String,
    pub app_type: String,
    pub instance_type: Option<String>,
}

/// A SageMaker HyperPod cluster: where it runs and what each instance group runs as and starts
/// with.
#[derive(Debug, Clone, PartialEq)]
pub struct HyperPodCluster {
    pub name: String,
    /// Its VPC subnets (none: SageMaker's own network).
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub groups: Vec<HyperPodGroup>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HyperPodGroup {
    pub name: String,
    /// The execution role's ARN.
    pub role: String,
    /// The lifecycle script every node runs as it is created (`s3://…/on_create.sh`).
    pub script: Option<String>,
    /// Its text (reading it needs `s3:GetObject` on the lifecycle bucket).
    pub script_text: Observed<String>,
    /// The other SageMaker execution roles that may rewrite it.
    pub writable_by: Observed<Vec<String>>,
}
