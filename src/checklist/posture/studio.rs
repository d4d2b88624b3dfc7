//! SageMaker Studio beyond its domains: who works in it (user profiles and spaces, with the
//! role each runs as), the lifecycle scripts its apps start with, and the apps running now.

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
