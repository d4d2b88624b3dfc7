//! Threat detection and governance services as the checklist reads them: GuardDuty's
//! detectors, WAF's web ACLs, AWS Config and IAM Access Analyzer.

#[derive(Debug, Clone, PartialEq)]
pub struct Detector {
    pub id: String,
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    /// S3 Protection (the `S3_DATA_EVENTS` feature) watches the region's buckets.
    pub s3_protection: bool,
    /// AI Protection (the `AI_PROTECTION` feature) watches the region's AI workloads' calls.
    pub ai_protection: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WebAcl {
    pub name: String,
    pub rules: Vec<WafRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WafRule {
    RateBased {
        name: String,
        limit: i64,
    },
    /// An AWS managed rule group, such as `AWSManagedRulesSQLiRuleSet`.
    Managed {
        name: String,
        group: String,
    },
    Other {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigService {
    pub recorders: Vec<Recorder>,
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recorder {
    pub name: String,
    pub recording: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analyzer {
    pub name: String,
    /// `ACCOUNT`, `ORGANIZATION`, or an unused-access type.
    pub kind: String,
    pub status: String,
}
