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
    /// Checked by people, not by an API: attested with `secdash attest`.
    pub manual: bool,
}

macro_rules! item {
    ($id:literal, $cat:ident, $imp:ident, $title:literal, $fix:literal) => {
        ItemDef {
            id: $id,
            category: Category::$cat,
            title: $title,
            importance: Importance::$imp,
            remediation: $fix,
            manual: false,
        }
    };
}

/// In the order of the guide's checklist.
pub const ITEMS: &[ItemDef] = &[
    item!(
        "network.custom_vpc",
        Network,
        High,
        "Custom VPC with private subnets",
        "Run SageMaker in a dedicated VPC with private subnets (no route to an internet gateway)."
    ),
    item!(
        "network.vpc_endpoints",
        Network,
        Medium,
        "VPC endpoints for AWS services",
        "Add interface endpoints for sagemaker.api, sagemaker.runtime, ECR and logs, and an S3 gateway endpoint."
    ),
    item!(
        "network.security_groups",
        Network,
        High,
        "Security groups with minimal access",
        "Remove rules that open admin or database ports to the internet; scope peers to groups or VPC ranges."
    ),
    item!(
        "network.nat_gateway",
        Network,
        Low,
        "NAT gateway for outbound internet",
        "Give private subnets that need egress a route to a NAT gateway in a public subnet."
    ),
    item!(
        "data.kms",
        Data,
        High,
        "KMS encryption enabled",
        "Set KmsKeyId on endpoint configs and notebooks; enable rotation on customer-managed keys."
    ),
    item!(
        "data.s3_encryption",
        Data,
        High,
        "S3 bucket encryption",
        "Enable default encryption (SSE-KMS) and block public access on every bucket."
    ),
    item!(
        "data.tls",
        Data,
        Medium,
        "TLS for data in transit",
        "Add a bucket policy that denies requests where aws:SecureTransport is false."
    ),
    item!(
        "data.least_privilege",
        Data,
        Medium,
        "IAM roles with least privilege",
        "Replace wildcard actions in the SageMaker and EC2 roles with the actions they use."
    ),
    item!(
        "monitoring.alarms",
        Monitoring,
        Medium,
        "CloudWatch metrics and alarms",
        "Create 5XX (>5 per 5 min) and latency (>10 s) alarms per endpoint, wired to an SNS topic."
    ),
    item!(
        "monitoring.cloudtrail",
        Monitoring,
        High,
        "CloudTrail logging enabled",
        "Create a multi-region trail with log file validation and start logging."
    ),
    item!(
        "monitoring.flow_logs",
        Monitoring,
        Medium,
        "VPC Flow Logs configured",
        "Enable flow logs on each VPC to CloudWatch Logs (/aws/vpc/flow-logs/...)."
    ),
    item!(
        "monitoring.security_alerts",
        Monitoring,
        Medium,
        "Security alerts configured",
        "Subscribe the security team to the alerts SNS topic and confirm the subscription."
    ),
    item!(
        "threat.guardduty",
        ThreatDetection,
        High,
        "GuardDuty enabled",
        "Enable a GuardDuty detector in every region you run workloads in."
    ),
    item!(
        "threat.security_hub",
        ThreatDetection,
        Medium,
        "Security Hub configured",
        "Enable Security Hub with the CIS AWS Foundations and PCI DSS standards."
    ),
    item!(
        "threat.waf",
        ThreatDetection,
        Medium,
        "WAF rules configured",
        "Attach a web ACL with rate limiting and the AWS managed common and SQLi rule sets."
    ),
    item!(
        "threat.config",
        ThreatDetection,
        Medium,
        "Compliance monitoring active",
        "Turn on the AWS Config recorder and the SageMaker and S3 encryption rules."
    ),
    item!(
        "access.password_policy",
        AccessControl,
        Medium,
        "Strong password policy",
        "Require 12+ characters, all character classes, 90-day age and 24 remembered passwords."
    ),
    item!(
        "access.access_analyzer",
        AccessControl,
        Medium,
        "Access Analyzer enabled",
        "Create an IAM Access Analyzer for the account."
    ),
    ItemDef {
        manual: true,
        ..item!(
            "access.reviews",
            AccessControl,
            Low,
            "Regular access reviews",
            "Review IAM users, roles and keys; attest with `secdash attest access.reviews --by NAME`."
        )
    },
    item!(
        "access.mfa",
        AccessControl,
        High,
        "Multi-factor authentication",
        "Enable MFA on the root account and require it for console users."
    ),
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
