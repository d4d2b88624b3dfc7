//! secdash's own domain types. Sources produce them, the UI and the reporters consume them;
//! nothing outside `source::aws` ever sees an SDK type.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The four panes, one name per concept everywhere (module, JSON key, theme key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaneId {
    Endpoints,
    SecurityGroups,
    Findings,
    Checklist,
}

impl PaneId {
    pub const ALL: [PaneId; 4] = [
        PaneId::Endpoints,
        PaneId::SecurityGroups,
        PaneId::Findings,
        PaneId::Checklist,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PaneId::Endpoints => "endpoints",
            PaneId::SecurityGroups => "security_groups",
            PaneId::Findings => "findings",
            PaneId::Checklist => "checklist",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Endpoints => "Endpoints",
            PaneId::SecurityGroups => "Security groups",
            PaneId::Findings => "GuardDuty findings",
            PaneId::Checklist => "Checklist",
        }
    }

    pub fn index(self) -> usize {
        match self {
            PaneId::Endpoints => 0,
            PaneId::SecurityGroups => 1,
            PaneId::Findings => 2,
            PaneId::Checklist => 3,
        }
    }

    pub fn from_index(i: usize) -> PaneId {
        PaneId::ALL[i % PaneId::ALL.len()]
    }

    pub fn parse(s: &str) -> Option<PaneId> {
        PaneId::ALL
            .into_iter()
            .find(|p| p.key() == s || p.key().replace('_', "-") == s)
    }
}

/// Who and where the dashboard is looking at.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Identity {
    pub account: Option<String>,
    pub caller_arn: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Endpoints

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    pub name: String,
    pub region: String,
    pub status: String,
    pub variants: Vec<Variant>,
    pub kms_key_id: Option<String>,
    pub metrics: EndpointMetrics,
    /// Set by the shared fetch step from the configured thresholds.
    pub alerts: Vec<EndpointAlert>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub name: String,
    pub instance_type: Option<String>,
    pub instance_count: Option<u32>,
}

impl Variant {
    /// `2×ml.g5.2xlarge` (`2×g5.2xlarge` when `short`); `serverless` when it has no instances.
    pub fn label(&self, short: bool) -> String {
        let kind = self.instance_type.as_deref().unwrap_or("serverless");
        let kind = if short {
            kind.trim_start_matches("ml.")
        } else {
            kind
        };
        let count = self
            .instance_count
            .map(|c| c.to_string())
            .unwrap_or_else(|| "?".into());
        format!("{count}×{kind}")
    }
}

/// Metrics over the time window. Latency is in milliseconds (CloudWatch reports microseconds).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EndpointMetrics {
    pub invocations: f64,
    pub errors_4xx: f64,
    pub errors_5xx: f64,
    pub latency_ms_avg: Option<f64>,
    pub latency_ms_p99: Option<f64>,
    pub overhead_ms_avg: Option<f64>,
    /// One point per period, oldest first.
    pub series: MetricSeries,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricSeries {
    pub period_seconds: u32,
    pub start: Option<DateTime<Utc>>,
    pub invocations: Vec<f64>,
    pub errors_5xx: Vec<f64>,
    /// Average model latency per period in ms; `None` where there was no traffic.
    pub latency_ms: Vec<Option<f64>>,
}

/// Why an endpoint is flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EndpointAlert {
    /// More than the threshold of 5XX errors in one alarm period.
    Errors5xx {
        worst_period: f64,
        threshold: f64,
        period_minutes: u32,
    },
    /// Average model latency above the threshold in one alarm period.
    Latency { worst_ms: f64, threshold_ms: f64 },
    /// The endpoint is in a failed state.
    Status { status: String },
}

impl fmt::Display for EndpointAlert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointAlert::Errors5xx {
                worst_period,
                threshold,
                period_minutes,
            } => write!(
                f,
                "{worst_period:.0} 5XX errors in {period_minutes} min (threshold {threshold:.0})"
            ),
            EndpointAlert::Latency {
                worst_ms,
                threshold_ms,
            } => write!(
                f,
                "latency {:.1} s (threshold {:.1} s)",
                worst_ms / 1000.0,
                threshold_ms / 1000.0
            ),
            EndpointAlert::Status { status } => write!(f, "status {status}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Security groups

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: Option<String>,
    pub region: String,
    pub rules: Vec<Rule>,
    pub attachments: Vec<Attachment>,
    pub tags: Vec<(String, String)>,
}

impl SecurityGroup {
    pub fn max_risk(&self) -> Risk {
        self.rules
            .iter()
            .map(|r| r.risk)
            .max()
            .unwrap_or(Risk::None)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Ingress,
    Egress,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Ingress => "in",
            Direction::Egress => "out",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Peer {
    Ipv4(String),
    Ipv6(String),
    SecurityGroup(String),
    PrefixList(String),
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Ipv4(c) | Peer::Ipv6(c) | Peer::SecurityGroup(c) | Peer::PrefixList(c) => {
                f.write_str(c)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub id: Option<String>,
    pub direction: Direction,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `all` (AWS's `-1`).
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: Peer,
    pub description: String,
    pub risk: Risk,
    pub risk_reason: String,
}

impl Rule {
    pub fn is_all_traffic(&self) -> bool {
        self.protocol == "all"
    }

    /// The ports as an operator reads them: `22`, `30080-30090`, `all`.
    pub fn ports_label(&self) -> String {
        ports_label(&self.protocol, self.from_port, self.to_port)
    }
}

/// The ports of a rule as an operator reads them: `22`, `30080-30090`, `all`.
pub fn ports_label(protocol: &str, from: Option<i32>, to: Option<i32>) -> String {
    if protocol == "all" {
        return "all".into();
    }
    match (from, to) {
        (Some(0), Some(65535)) | (Some(-1), _) | (None, None) => "all".into(),
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}-{b}"),
        (Some(a), None) | (None, Some(a)) => a.to_string(),
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    #[default]
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Risk {
    pub fn label(self) -> &'static str {
        match self {
            Risk::None => "none",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attachment {
    pub interface_id: String,
    pub kind: AttachmentKind,
    /// The instance id, endpoint name or other owner, when known.
    pub target: Option<String>,
    pub description: String,
    pub private_ip: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Instance,
    SagemakerEndpoint,
    SagemakerNotebook,
    VpcEndpoint,
    LoadBalancer,
    Lambda,
    NatGateway,
    Other,
}

impl AttachmentKind {
    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::Instance => "instance",
            AttachmentKind::SagemakerEndpoint => "sagemaker endpoint",
            AttachmentKind::SagemakerNotebook => "sagemaker notebook",
            AttachmentKind::VpcEndpoint => "vpc endpoint",
            AttachmentKind::LoadBalancer => "load balancer",
            AttachmentKind::Lambda => "lambda",
            AttachmentKind::NatGateway => "nat gateway",
            AttachmentKind::Other => "interface",
        }
    }
}

/// A VPC and its CIDR blocks, so rules can be judged as inside or beyond it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vpc {
    pub id: String,
    pub region: String,
    pub cidrs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SecurityGroupsData {
    pub groups: Vec<SecurityGroup>,
    pub vpcs: Vec<Vpc>,
}

// ---------------------------------------------------------------------------------------------
// Findings

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub id: String,
    pub region: String,
    pub account_id: String,
    #[serde(rename = "type")]
    pub finding_type: String,
    pub severity: f64,
    pub title: String,
    pub description: String,
    pub resource_type: String,
    pub resource: String,
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub archived: bool,
    /// Further fields of the full finding, flattened as `path = value`, for the detail view.
    pub details: Vec<(String, String)>,
}

impl Finding {
    pub fn severity_label(&self) -> SeverityLabel {
        SeverityLabel::from_score(self.severity)
    }
}

/// GuardDuty's severity bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeverityLabel {
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityLabel {
    /// GuardDuty: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0.
    pub fn from_score(score: f64) -> SeverityLabel {
        if score >= 9.0 {
            SeverityLabel::Critical
        } else if score >= 7.0 {
            SeverityLabel::High
        } else if score >= 4.0 {
            SeverityLabel::Medium
        } else {
            SeverityLabel::Low
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SeverityLabel::Low => "low",
            SeverityLabel::Medium => "medium",
            SeverityLabel::High => "high",
            SeverityLabel::Critical => "critical",
        }
    }

    pub fn as_risk(self) -> Risk {
        match self {
            SeverityLabel::Low => Risk::Low,
            SeverityLabel::Medium => Risk::Medium,
            SeverityLabel::High => Risk::High,
            SeverityLabel::Critical => Risk::Critical,
        }
    }
}

/// Findings with the account-wide counts by severity.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingsData {
    pub findings: Vec<Finding>,
    /// Whether GuardDuty is enabled in each region watched.
    pub detectors: Vec<(String, bool)>,
    /// GuardDuty's own counts of active findings by severity (GetFindingsStatistics).
    pub counts: std::collections::BTreeMap<SeverityLabel, u64>,
}

/// Highest severity first, then most recently seen, then id (a stable order).
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .total_cmp(&a.severity)
            .then_with(|| b.last_seen.cmp(&a.last_seen))
            .then_with(|| a.id.cmp(&b.id))
    });
}

// ---------------------------------------------------------------------------------------------
// Checklist

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Network,
    Data,
    Monitoring,
    ThreatDetection,
    AccessControl,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Network => "network",
            Category::Data => "data",
            Category::Monitoring => "monitoring",
            Category::ThreatDetection => "threat detection",
            Category::AccessControl => "access control",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Fail,
    Warn,
    Unknown,
    Manual,
    Accepted,
    Pass,
}

impl CheckStatus {
    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Warn => "warn",
            CheckStatus::Unknown => "unknown",
            CheckStatus::Manual => "manual",
            CheckStatus::Accepted => "accepted",
        }
    }
}

/// How much a failing item matters; decides `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    Low,
    Medium,
    High,
}

impl Importance {
    pub fn as_risk(self) -> Risk {
        match self {
            Importance::Low => Risk::Low,
            Importance::Medium => Risk::Medium,
            Importance::High => Risk::High,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckItem {
    pub id: String,
    pub category: Category,
    pub title: String,
    pub importance: Importance,
    pub status: CheckStatus,
    pub evidence: String,
    pub remediation: String,
    /// The seed document the control comes from.
    pub seed: &'static str,
    /// Equivalent Prowler check ids.
    pub prowler: &'static [&'static str],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_bands_follow_guardduty() {
        assert_eq!(SeverityLabel::from_score(1.0), SeverityLabel::Low);
        assert_eq!(SeverityLabel::from_score(3.9), SeverityLabel::Low);
        assert_eq!(SeverityLabel::from_score(4.0), SeverityLabel::Medium);
        assert_eq!(SeverityLabel::from_score(6.9), SeverityLabel::Medium);
        assert_eq!(SeverityLabel::from_score(7.0), SeverityLabel::High);
        assert_eq!(SeverityLabel::from_score(8.9), SeverityLabel::High);
        assert_eq!(SeverityLabel::from_score(9.0), SeverityLabel::Critical);
    }

    #[test]
    fn ports_label_reads_naturally() {
        let mut rule = Rule {
            id: None,
            direction: Direction::Ingress,
            protocol: "tcp".into(),
            from_port: Some(22),
            to_port: Some(22),
            peer: Peer::Ipv4("0.0.0.0/0".into()),
            description: String::new(),
            risk: Risk::None,
            risk_reason: String::new(),
        };
        assert_eq!(rule.ports_label(), "22");
        rule.to_port = Some(25);
        assert_eq!(rule.ports_label(), "22-25");
        rule.protocol = "all".into();
        assert_eq!(rule.ports_label(), "all");
    }

    #[test]
    fn findings_sort_by_severity_then_recency_then_id() {
        use chrono::TimeZone;
        let t = |h| Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap();
        let f = |id: &str, sev: f64, last| Finding {
            id: id.into(),
            region: String::new(),
            account_id: String::new(),
            finding_type: String::new(),
            severity: sev,
            title: String::new(),
            description: String::new(),
            resource_type: String::new(),
            resource: String::new(),
            count: 1,
            first_seen: t(0),
            last_seen: last,
            archived: false,
            details: vec![],
        };
        let mut v = vec![
            f("c", 5.0, t(3)),
            f("b", 8.0, t(1)),
            f("a", 8.0, t(1)),
            f("d", 8.0, t(2)),
            f("e", 9.1, t(0)),
        ];
        sort_findings(&mut v);
        let ids: Vec<&str> = v.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["e", "d", "a", "b", "c"]);
    }

    #[test]
    fn pane_keys_round_trip() {
        for p in PaneId::ALL {
            assert_eq!(PaneId::parse(p.key()), Some(p));
            assert_eq!(PaneId::from_index(p.index()), p);
        }
        assert_eq!(
            PaneId::parse("security-groups"),
            Some(PaneId::SecurityGroups)
        );
    }
}
