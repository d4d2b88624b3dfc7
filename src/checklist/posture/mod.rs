//! What the checklist is evaluated from: the account's configuration as its APIs report it,
//! each part either observed or unknown with the reason (usually the permission that was
//! denied). The AWS source and the demo scenario build it; `checklist::evaluate` reads it.
//! The two readings it needs before evaluation live here too, pure: IAM's credential report
//! (CSV) parsed into users, and the security groups' rules judged for risk.

mod studio;
mod surface;
mod threat;
pub use studio::*;
pub use surface::*;
pub use threat::*;

use crate::model::{SecurityGroup, SecurityGroupsData};

/// A part of the account as read, or why it could not be read.
pub type Observed<T> = Result<T, String>;

#[derive(Debug, Clone)]
pub struct Posture {
    /// When it was read: what "older than 90 days" is measured from.
    pub read_at: chrono::DateTime<chrono::Utc>,
    pub regions: Vec<RegionPosture>,
    pub buckets: Observed<Vec<Bucket>>,
    /// The account's S3 Block Public Access has all four settings on (S3 applies the stricter
    /// of the account's and a bucket's).
    pub account_public_access_blocked: Observed<bool>,
    /// `None`: the account has no password policy.
    pub password_policy: Observed<Option<PasswordPolicy>>,
    pub root_mfa: Observed<bool>,
    /// Roles that SageMaker or EC2 can assume, with what their policies grant.
    pub roles: Observed<Vec<Role>>,
    /// IAM's credential report: every user's password, MFA and access keys (one call, not one
    /// per user).
    pub credentials: Observed<Vec<UserCredentials>>,
    /// The roles that may create SageMaker workloads, and whether they may without a VPC.
    pub workload_guardrails: Observed<Vec<RoleGuardrail>>,
}

/// The SageMaker calls the guide's preventive policy denies without `sagemaker:VpcSubnets`
/// (`002_49d5f554f91208b7.txt`).
pub const WORKLOAD_ACTIONS: &[&str] = &[
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateModel",
];

/// What IAM's policy simulator answers for one role asked `WORKLOAD_ACTIONS` with no
/// `sagemaker:VpcSubnets` in the request (SCPs and permission boundaries included). Only
/// roles some of whose answers are not an implicit deny are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleGuardrail {
    pub role: String,
    /// Allowed without a VPC.
    pub allowed: Vec<String>,
    /// Denied by a statement.
    pub denied: Vec<String>,
}

/// A row of the credential report.
#[derive(Debug, Clone, PartialEq)]
pub struct UserCredentials {
    /// `<root_account>` for the root user.
    pub user: String,
    pub password_enabled: bool,
    pub mfa_active: bool,
    pub keys: Vec<KeyUse>,
}

/// An access key of the credential report.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyUse {
    /// 1 or 2, as the report numbers them.
    pub number: u8,
    pub active: bool,
    pub last_rotated: Option<chrono::DateTime<chrono::Utc>>,
    pub last_used: Option<chrono::DateTime<chrono::Utc>>,
}

/// Parses the credential report's CSV (its columns found by name in the header).
pub fn parse_credential_report(csv: &str) -> Result<Vec<UserCredentials>, String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or("the credential report is empty")?
        .split(',')
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let user_col = col("user").ok_or("the credential report has no `user` column")?;
    let time = |v: &str| {
        chrono::DateTime::parse_from_rfc3339(v)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let mut out = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        let get = |name: &str| col(name).and_then(|i| cells.get(i)).copied().unwrap_or("");
        let keys = [1u8, 2]
            .into_iter()
            .map(|n| KeyUse {
                number: n,
                active: get(&format!("access_key_{n}_active")) == "true",
                last_rotated: time(get(&format!("access_key_{n}_last_rotated"))),
                last_used: time(get(&format!("access_key_{n}_last_used_date"))),
            })
            .filter(|k| k.active || k.last_rotated.is_some())
            .collect();
        out.push(UserCredentials {
            user: cells.get(user_col).copied().unwrap_or("").to_string(),
            password_enabled: get("password_enabled") == "true",
            mfa_active: get("mfa_active") == "true",
            keys,
        });
    }
    Ok(out)
}

/// The groups as the checklist reads them: each with its internet-facing ingress only. Sources
/// keep no more, so the checklist never holds a second copy of the groups pane's 100,000 rules
/// (nor does every muting copy them again).
pub fn judged_groups(mut data: SecurityGroupsData) -> SecurityGroupsData {
    data.groups.iter_mut().for_each(judged_group);
    data
}

/// A group as [`judged_groups`] keeps it.
pub fn judged_group(g: &mut SecurityGroup) {
    if !g.rules.iter().all(super::judged_rule) {
        g.rules = g
            .rules
            .iter()
            .filter(|r| super::judged_rule(r))
            .cloned()
            .collect();
    }
}

#[derive(Debug, Clone)]
pub struct RegionPosture {
    pub region: String,
    pub vpcs: Observed<Vec<Vpc>>,
    pub vpc_endpoints: Observed<Vec<VpcEndpoint>>,
    pub nat_gateways: Observed<Vec<NatGateway>>,
    pub flow_logs: Observed<Vec<FlowLog>>,
    pub ebs_encryption_by_default: Observed<bool>,
    /// Every group with only the rules the checklist judges ([`judged_groups`]); the fetch
    /// step assesses their risks before the checklist is evaluated, so the checklist judges
    /// them as the security groups pane shows them. Shared, so judging an item without its
    /// muted resources does not copy every group.
    pub security_groups: Observed<std::sync::Arc<SecurityGroupsData>>,
    pub notebooks: Observed<Vec<Notebook>>,
    /// Endpoints with the KMS key of their endpoint config.
    pub endpoints: Observed<Vec<EndpointEncryption>>,
    /// What each endpoint's variants serve, chain by chain (read apart from the endpoints: a
    /// chain that cannot be read leaves the other items known).
    pub serving: Observed<Vec<Serving>>,
    pub models: Observed<Vec<Model>>,
    /// The model registry's model package groups.
    pub model_package_groups: Observed<Vec<PackageGroup>>,
    pub training_jobs: Observed<Vec<TrainingJob>>,
    pub studio_domains: Observed<Vec<StudioDomain>>,
    /// SageMaker Model Monitor's schedules, with the network settings of their jobs.
    pub monitoring_schedules: Observed<Vec<MonitoringSchedule>>,
    /// Enabled customer-managed symmetric keys, the ones that can rotate.
    pub kms_keys: Observed<Vec<KmsKey>>,
    pub alarms: Observed<Vec<Alarm>>,
    /// The SNS topics the alarms notify, with their subscriptions.
    pub topics: Observed<Vec<Topic>>,
    /// Trails visible from this region (multi-region trails show in every region).
    pub trails: Observed<Vec<Trail>>,
    /// The metric filters of the log groups in this region that trails deliver to.
    pub metric_filters: Observed<Vec<MetricFilter>>,
    /// The private image registry: its repositories and its scanning rules.
    pub ecr: Observed<EcrRegistry>,
    pub detectors: Observed<Vec<Detector>>,
    /// `None`: Security Hub is not enabled; otherwise the enabled standards' ARNs.
    pub security_hub: Observed<Option<Vec<String>>>,
    pub web_acls: Observed<Vec<WebAcl>>,
    pub config: Observed<ConfigService>,
    pub analyzers: Observed<Vec<Analyzer>>,
    /// Feature Store, Studio images, inference experiments, job definitions and the other
    /// jobs.
    pub ml: MlSurface,
}

impl RegionPosture {
    /// A region where nothing has been read yet; each part says so.
    pub fn unread(region: &str, why: &str) -> RegionPosture {
        fn e<T>(why: &str) -> Observed<T> {
            Err(why.to_string())
        }
        RegionPosture {
            region: region.to_string(),
            vpcs: e(why),
            vpc_endpoints: e(why),
            nat_gateways: e(why),
            flow_logs: e(why),
            ebs_encryption_by_default: e(why),
            security_groups: e(why),
            notebooks: e(why),
            endpoints: e(why),
            serving: e(why),
            models: e(why),
            model_package_groups: e(why),
            training_jobs: e(why),
            studio_domains: e(why),
            monitoring_schedules: e(why),
            kms_keys: e(why),
            alarms: e(why),
            topics: e(why),
            trails: e(why),
            metric_filters: e(why),
            ecr: e(why),
            detectors: e(why),
            security_hub: e(why),
            web_acls: e(why),
            config: e(why),
            analyzers: e(why),
            ml: MlSurface::unread(why),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    pub id: String,
    pub cidr: String,
    pub is_default: bool,
    pub subnets: Vec<Subnet>,
    /// Its tags, for muting by tag.
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subnet {
    pub id: String,
    pub cidr: String,
    /// Where the subnet's default route (0.0.0.0/0) goes, from its route table or the VPC's
    /// main one.
    pub default_route: DefaultRoute,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DefaultRoute {
    /// No default route: the subnet reaches only the VPC and its endpoints.
    None,
    InternetGateway(String),
    /// A NAT gateway, and whether the route is active (not a blackhole).
    NatGateway {
        id: String,
        active: bool,
    },
    /// A transit gateway, a peering, an instance…
    Other(String),
}

impl Subnet {
    pub fn is_public(&self) -> bool {
        matches!(self.default_route, DefaultRoute::InternetGateway(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct VpcEndpoint {
    pub id: String,
    pub vpc_id: String,
    /// `com.amazonaws.REGION.sagemaker.api` and so on.
    pub service: String,
    /// `Interface` or `Gateway`.
    pub kind: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NatGateway {
    pub id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlowLog {
    pub id: String,
    pub resource_id: String,
    /// `ACTIVE` when it is delivering.
    pub status: String,
    pub destination: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notebook {
    pub name: String,
    pub direct_internet_access: bool,
    pub root_access: bool,
    /// `MinimumInstanceMetadataServiceVersion`: `1` lets IMDSv1 answer.
    pub minimum_imds: String,
    /// `PlatformIdentifier`: `notebook-al2023-v1` is the one still supported.
    pub platform: Option<String>,
    pub subnet_id: Option<String>,
    pub kms_key_id: Option<String>,
    /// Its lifecycle configuration, if it has one.
    pub lifecycle: Option<Lifecycle>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    pub config: String,
    /// `OnCreate` and `OnStart`, decoded.
    pub scripts: Observed<Vec<Script>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub hook: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointEncryption {
    pub endpoint: String,
    pub config: String,
    pub kms_key_id: Option<String>,
    /// Its production variants with their instance counts (none for a serverless one).
    pub variants: Vec<crate::model::Variant>,
    /// Each variant's model and the image SageMaker resolved for it.
    pub served: Vec<(String, String, Option<String>)>,
    /// Where an asynchronous endpoint writes its answers (`None`: a real-time one).
    pub async_output: Option<AsyncOutput>,
}

/// A model package group, and whether any of its versions is approved.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageGroup {
    pub name: String,
    pub approved: bool,
}

impl Posture {
    /// An account none of whose configuration was read: each part says why.
    pub fn unread(
        read_at: chrono::DateTime<chrono::Utc>,
        regions: &[String],
        why: &str,
    ) -> Posture {
        fn gap<T>(why: &str) -> Observed<T> {
            Err(why.to_string())
        }
        Posture {
            read_at,
            regions: regions
                .iter()
                .map(|r| RegionPosture::unread(r, why))
                .collect(),
            buckets: gap(why),
            account_public_access_blocked: gap(why),
            password_policy: gap(why),
            root_mfa: gap(why),
            roles: gap(why),
            credentials: gap(why),
            workload_guardrails: gap(why),
        }
    }

    /// The models a serverless endpoint serves, in every region read.
    pub fn serverless_models(&self) -> std::collections::HashSet<&str> {
        self.regions
            .iter()
            .filter_map(|r| r.endpoints.as_ref().ok())
            .flatten()
            .filter(|e| e.serverless())
            .flat_map(|e| e.served.iter().map(|(_, model, _)| model.as_str()))
            .collect()
    }
}

impl EndpointEncryption {
    /// Every variant serverless (a config's variant names an instance type or a serverless
    /// config): AWS's serverless exclusions apply (no VPC, network isolation, data capture,
    /// Model Monitor or private registry).
    pub fn serverless(&self) -> bool {
        !self.variants.is_empty() && self.variants.iter().all(|v| v.instance_type.is_none())
    }
}

/// One endpoint's chains, from image and artifact to approval and training.
#[derive(Debug, Clone, PartialEq)]
pub struct Serving {
    pub endpoint: String,
    pub chains: Vec<crate::model::Provenance>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    pub network_isolation: bool,
    /// VpcConfig with at least one subnet.
    pub in_vpc: bool,
    /// Where its artifacts are read from (`ModelDataUrl`).
    pub s3_uris: Vec<String>,
    /// Each container's image and its `ImageConfig.RepositoryAccessMode` (`Vpc` or
    /// `Platform`; `None` when absent), the primary first.
    pub images: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrainingJob {
    pub name: String,
    pub network_isolation: bool,
    pub in_vpc: bool,
    pub inter_container_encryption: bool,
    /// The KMS key of its ML storage volume (`ResourceConfig.VolumeKmsKeyId`).
    pub volume_kms_key: Option<String>,
    /// The KMS key of its output (`OutputDataConfig.KmsKeyId`).
    pub output_kms_key: Option<String>,
    /// Its input channels' and output's S3 locations.
    pub s3_uris: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StudioDomain {
    pub name: String,
    /// `AppNetworkAccessType` is `VpcOnly`: Studio reaches the internet only through the VPC.
    pub vpc_only: bool,
    /// `SSO` (IAM Identity Center) or `IAM`.
    pub auth_mode: String,
    /// Associated with an IAM Identity Center application.
    pub identity_center: bool,
    /// The customer-managed key of its storage (`KmsKeyId`).
    pub kms_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringSchedule {
    pub name: String,
    /// The job definition it runs, when not inline.
    pub definition: Option<String>,
    /// The endpoint it watches.
    pub endpoint: Option<String>,
    /// `DataQuality`, `ModelQuality`, `ModelBias` or `ModelExplainability` (the last two run
    /// SageMaker Clarify).
    pub kind: String,
    /// `Scheduled` when it runs; `Pending`, `Failed` or `Stopped` otherwise.
    pub status: String,
    /// Its job's network settings, inline or from its job definition.
    pub network: Observed<JobNetwork>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct JobNetwork {
    pub isolation: bool,
    pub inter_container_encryption: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KmsKey {
    pub id: String,
    pub alias: Option<String>,
    pub rotation_enabled: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub namespace: String,
    pub metric: String,
    /// The `EndpointName` dimension, for SageMaker endpoint metrics.
    pub endpoint: Option<String>,
    pub threshold: f64,
    pub period_seconds: i32,
    pub actions_enabled: bool,
    pub alarm_actions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub arn: String,
    pub confirmed: usize,
    pub pending: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub multi_region: bool,
    pub logging: bool,
    pub log_file_validation: bool,
    /// The CloudWatch Logs group it delivers to (`CloudWatchLogsLogGroupArn`).
    pub log_group_arn: Option<String>,
}

/// One metric transformation of a CloudWatch Logs metric filter.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFilter {
    pub log_group: String,
    pub name: String,
    pub pattern: String,
    pub namespace: String,
    pub metric: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EcrRegistry {
    pub repositories: Vec<EcrRepository>,
    /// The repository filters (`*` wildcards) of the registry's rules that scan on push or
    /// continuously; they cover a repository whatever its own setting.
    pub scanning_filters: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EcrRepository {
    pub name: String,
    /// The repository's own `imageScanningConfiguration.scanOnPush`.
    pub scan_on_push: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub name: String,
    /// The default encryption algorithm (`aws:kms`, `AES256`), `None` if there is none.
    pub encryption: Observed<Option<String>>,
    pub versioning: Observed<bool>,
    /// All four Block Public Access settings on.
    pub public_access_blocked: Observed<bool>,
    /// A policy statement denies requests where `aws:SecureTransport` is false.
    pub tls_enforced: Observed<bool>,
    /// Where its server access logs go (`None`: not logged).
    pub access_log_target: Observed<Option<String>>,
    /// The VPC endpoints (or VPCs) outside which its policy denies every request: a Deny for
    /// everyone on `StringNotEquals aws:sourceVpce`. Empty when it has no such statement.
    pub vpce_only: Observed<Vec<String>>,
    /// Its tags, for muting by tag.
    pub tags: Observed<Vec<(String, String)>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PasswordPolicy {
    pub minimum_length: i32,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    /// Days; `None` when passwords never expire.
    pub max_age_days: Option<i32>,
    /// Remembered passwords; `None` when reuse is not prevented.
    pub reuse_prevention: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub name: String,
    /// `sagemaker.amazonaws.com`, `ec2.amazonaws.com`.
    pub trusted_services: Vec<String>,
    /// What its policies allow too broadly, or why a policy could not be read.
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Grant {
    /// `*` on `*`, or an administrator managed policy.
    Admin {
        policy: String,
    },
    /// A whole service (`s3:*`).
    ServiceWildcard {
        policy: String,
        action: String,
    },
    Unreadable {
        policy: String,
        why: String,
    },
}
