//! The security checklist of the seed guide (`000`), as stable items.
//!
//! Each item's definition lives here once; a source supplies only its status and evidence.

use crate::model::{Category, CheckItem, CheckStatus, Importance};

pub struct ItemDef {
    pub id: &'static str,
    pub category: Category,
    pub title: &'static str,
    pub importance: Importance,
    pub remediation: &'static str,
    /// The seed document the control comes from (a file of `../shared/seeds/`).
    pub seed: &'static str,
    /// Ids of the equivalent Prowler checks, to compare results with that tool.
    pub prowler: &'static [&'static str],
    /// Checked by people, not by an API: attested with `secdash attest`.
    pub manual: bool,
}

/// In the order of the guide's checklist, each group's SageMaker-specific items after it.
pub const ITEMS: &[ItemDef] = &[
    ItemDef {
        id: "network.custom_vpc",
        category: Category::Network,
        importance: Importance::High,
        title: "Custom VPC with private subnets",
        remediation: "Run SageMaker in a dedicated VPC with private subnets (no route to an internet gateway).",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["vpc_subnet_separate_private_public"],
        manual: false,
    },
    ItemDef {
        id: "network.vpc_endpoints",
        category: Category::Network,
        importance: Importance::Medium,
        title: "VPC endpoints for AWS services",
        remediation: "Add interface endpoints for sagemaker.api, sagemaker.runtime, ECR and logs, and an S3 gateway endpoint.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        manual: false,
    },
    ItemDef {
        id: "network.security_groups",
        category: Category::Network,
        importance: Importance::High,
        title: "Security groups with minimal access",
        remediation: "Remove rules that open admin or database ports to the internet; scope peers to groups or VPC ranges.",
        seed: "004_aeddce46cc826ffb.txt",
        prowler: &[
            "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
            "ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports",
        ],
        manual: false,
    },
    ItemDef {
        id: "network.nat_gateway",
        category: Category::Network,
        importance: Importance::Low,
        title: "NAT gateway for outbound internet",
        remediation: "Give private subnets that need egress a route to an available NAT gateway in a public subnet.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        manual: false,
    },
    ItemDef {
        id: "network.notebook_internet",
        category: Category::Network,
        importance: Importance::High,
        title: "Notebooks without direct internet access",
        remediation: "Create notebook instances with DirectInternetAccess=Disabled in a private subnet.",
        seed: "001_3b5f6a000644dda0.txt",
        prowler: &["sagemaker_notebook_instance_without_direct_internet_access_configured"],
        manual: false,
    },
    ItemDef {
        id: "network.notebook_root",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Notebooks without root access",
        remediation: "Set RootAccess=Disabled on notebook instances.",
        seed: "001_3b5f6a000644dda0.txt",
        prowler: &["sagemaker_notebook_instance_root_access_disabled"],
        manual: false,
    },
    ItemDef {
        id: "network.notebook_vpc",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Notebooks inside a VPC",
        remediation: "Launch notebook instances with a SubnetId and security groups in the SageMaker VPC.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &["sagemaker_notebook_instance_vpc_settings_configured"],
        manual: false,
    },
    ItemDef {
        id: "network.model_isolation",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Models network-isolated or in a VPC",
        remediation: "Create models with VpcConfig (private subnets) or EnableNetworkIsolation.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &[
            "sagemaker_models_network_isolation_enabled",
            "sagemaker_models_vpc_settings_configured",
        ],
        manual: false,
    },
    ItemDef {
        id: "network.training_isolation",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Training jobs network-isolated or in a VPC",
        remediation: "Start training jobs with VpcConfig (private subnets) or EnableNetworkIsolation.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &[
            "sagemaker_training_jobs_network_isolation_enabled",
            "sagemaker_training_jobs_vpc_settings_configured",
        ],
        manual: false,
    },
    ItemDef {
        id: "network.training_encryption",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Inter-container traffic encryption",
        remediation: "Start training jobs with EnableInterContainerTrafficEncryption.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &["sagemaker_training_jobs_intercontainer_encryption_enabled"],
        manual: false,
    },
    ItemDef {
        id: "data.kms",
        category: Category::Data,
        importance: Importance::High,
        title: "KMS encryption enabled",
        remediation: "Set KmsKeyId on endpoint configs and notebook instances.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "sagemaker_endpoint_config_kms_encryption_enabled",
            "sagemaker_notebook_instance_encryption_enabled",
        ],
        manual: false,
    },
    ItemDef {
        id: "data.kms_rotation",
        category: Category::Data,
        importance: Importance::Medium,
        title: "Customer-managed key rotation",
        remediation: "Enable automatic rotation on customer-managed KMS keys (aws kms enable-key-rotation).",
        seed: "001_3b5f6a000644dda0.txt",
        prowler: &["kms_cmk_rotation_enabled"],
        manual: false,
    },
    ItemDef {
        id: "data.s3_encryption",
        category: Category::Data,
        importance: Importance::High,
        title: "S3 bucket encryption",
        remediation: "Enable default encryption (SSE-KMS for model data) on every bucket.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["s3_bucket_default_encryption"],
        manual: false,
    },
    ItemDef {
        id: "data.s3_versioning",
        category: Category::Data,
        importance: Importance::Medium,
        title: "S3 bucket versioning",
        remediation: "Enable versioning on every bucket.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["s3_bucket_object_versioning"],
        manual: false,
    },
    ItemDef {
        id: "data.s3_public_access",
        category: Category::Data,
        importance: Importance::High,
        title: "S3 public access blocked",
        remediation: "Turn on all four Block Public Access settings on every bucket.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["s3_bucket_level_public_access_block"],
        manual: false,
    },
    ItemDef {
        id: "data.tls",
        category: Category::Data,
        importance: Importance::Medium,
        title: "TLS for data in transit",
        remediation: "Add a bucket policy that denies requests where aws:SecureTransport is false.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["s3_bucket_secure_transport_policy"],
        manual: false,
    },
    ItemDef {
        id: "data.ebs_encryption",
        category: Category::Data,
        importance: Importance::Medium,
        title: "EBS encryption by default",
        remediation: "Turn on EBS encryption by default in every region (aws ec2 enable-ebs-encryption-by-default).",
        seed: "004_aeddce46cc826ffb.txt",
        prowler: &["ec2_ebs_default_encryption"],
        manual: false,
    },
    ItemDef {
        id: "data.least_privilege",
        category: Category::Data,
        importance: Importance::Medium,
        title: "IAM roles with least privilege",
        remediation: "Replace wildcard actions in the SageMaker and EC2 roles with the actions they use.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "iam_role_administratoraccess_policy",
            "iam_customer_attached_policy_no_administrative_privileges",
            "iam_inline_policy_no_administrative_privileges",
        ],
        manual: false,
    },
    ItemDef {
        id: "monitoring.alarms",
        category: Category::Monitoring,
        importance: Importance::Medium,
        title: "CloudWatch metrics and alarms",
        remediation: "Create 5XX and latency alarms per endpoint at the seed's thresholds, with an SNS alarm action.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        manual: false,
    },
    ItemDef {
        id: "monitoring.cloudtrail",
        category: Category::Monitoring,
        importance: Importance::High,
        title: "CloudTrail logging enabled",
        remediation: "Create a multi-region trail with log file validation and start logging.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "cloudtrail_multi_region_enabled",
            "cloudtrail_log_file_validation_enabled",
        ],
        manual: false,
    },
    ItemDef {
        id: "monitoring.flow_logs",
        category: Category::Monitoring,
        importance: Importance::Medium,
        title: "VPC Flow Logs configured",
        remediation: "Enable flow logs on each VPC to CloudWatch Logs (/aws/vpc/flow-logs/...).",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["vpc_flow_logs_enabled"],
        manual: false,
    },
    ItemDef {
        id: "monitoring.security_alerts",
        category: Category::Monitoring,
        importance: Importance::Medium,
        title: "Security alerts configured",
        remediation: "Subscribe the security team to the alarms' SNS topic and confirm the subscription.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        manual: false,
    },
    ItemDef {
        id: "threat.guardduty",
        category: Category::ThreatDetection,
        importance: Importance::High,
        title: "GuardDuty enabled",
        remediation: "Enable a GuardDuty detector in every region you run workloads in.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["guardduty_is_enabled"],
        manual: false,
    },
    ItemDef {
        id: "threat.security_hub",
        category: Category::ThreatDetection,
        importance: Importance::Medium,
        title: "Security Hub configured",
        remediation: "Enable Security Hub with the CIS AWS Foundations and PCI DSS standards.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["securityhub_enabled"],
        manual: false,
    },
    ItemDef {
        id: "threat.waf",
        category: Category::ThreatDetection,
        importance: Importance::Medium,
        title: "WAF rules configured",
        remediation: "Create a regional web ACL with rate limiting and the AWS managed common and SQLi rule sets.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["wafv2_webacl_with_rules"],
        manual: false,
    },
    ItemDef {
        id: "threat.config",
        category: Category::ThreatDetection,
        importance: Importance::Medium,
        title: "Compliance monitoring active",
        remediation: "Turn on the AWS Config recorder and the SageMaker and S3 encryption rules.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["config_recorder_all_regions_enabled"],
        manual: false,
    },
    ItemDef {
        id: "access.password_policy",
        category: Category::AccessControl,
        importance: Importance::Medium,
        title: "Strong password policy",
        remediation: "Require 12+ characters, all character classes, 90-day age and 24 remembered passwords.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "iam_password_policy_minimum_length_14",
            "iam_password_policy_lowercase",
            "iam_password_policy_uppercase",
            "iam_password_policy_number",
            "iam_password_policy_symbol",
            "iam_password_policy_expires_passwords_within_90_days_or_less",
            "iam_password_policy_reuse_24",
        ],
        manual: false,
    },
    ItemDef {
        id: "access.access_analyzer",
        category: Category::AccessControl,
        importance: Importance::Medium,
        title: "Access Analyzer enabled",
        remediation: "Create an IAM Access Analyzer in every region you run workloads in.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["accessanalyzer_enabled"],
        manual: false,
    },
    ItemDef {
        id: "access.reviews",
        category: Category::AccessControl,
        importance: Importance::Low,
        title: "Regular access reviews",
        remediation: "Review IAM users, roles and keys; attest with `secdash attest access.reviews --by NAME`.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        manual: true,
    },
    ItemDef {
        id: "access.mfa",
        category: Category::AccessControl,
        importance: Importance::High,
        title: "Multi-factor authentication",
        remediation: "Enable MFA on the root account and require it for console users.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["iam_root_mfa_enabled"],
        manual: false,
    },
];

pub fn find(id: &str) -> Option<&'static ItemDef> {
    ITEMS.iter().find(|d| d.id == id)
}

/// A checklist item with its status and evidence, from its definition.
pub fn result(def: &ItemDef, status: CheckStatus, evidence: impl Into<String>) -> CheckItem {
    CheckItem {
        id: def.id.to_owned(),
        category: def.category,
        title: def.title.to_owned(),
        importance: def.importance,
        status,
        evidence: evidence.into(),
        remediation: def.remediation.to_owned(),
        seed: def.seed,
        prowler: def.prowler,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_cover_every_category() {
        let ids: HashSet<_> = ITEMS.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), ITEMS.len());
        for cat in [
            Category::Network,
            Category::Data,
            Category::Monitoring,
            Category::ThreatDetection,
            Category::AccessControl,
        ] {
            assert!(ITEMS.iter().any(|d| d.category == cat), "{cat:?}");
        }
    }
}
