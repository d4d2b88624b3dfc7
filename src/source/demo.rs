//! The built-in demo scenario: a SageMaker ML platform in ap-southeast-1 as the seed guides
//! describe it, with its faults on show. Metrics are a pure function of time, so the screen
//! moves while any given instant is reproducible in tests.

use super::{FetchResult, Fetched, Query, Source, SourceError, SourceKind};
use crate::metrics;
use crate::model::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::future::BoxFuture;
use std::time::Duration as StdDuration;

mod posture;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "ap-southeast-1";
const VPC: &str = "vpc-0a3f5c9e1d2b4a6c8";
const VPC_CIDR: &str = "10.0.0.0/16";

#[derive(Debug, Clone, Default)]
pub struct DemoSource {
    /// Panes whose fetch fails, to show what a failure looks like.
    pub failing: Vec<PaneId>,
    /// Simulated network latency per fetch.
    pub latency: StdDuration,
    /// Multiplies the scenario for benchmarks and scale tests (1 = the normal scenario).
    pub scale: Scale,
}

/// How many copies of each part of the scenario to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub endpoints: usize,
    pub groups: usize,
    pub findings: usize,
}

impl Default for Scale {
    fn default() -> Self {
        Scale::uniform(1)
    }
}

impl Scale {
    pub fn uniform(n: usize) -> Scale {
        Scale {
            endpoints: n,
            groups: n,
            findings: n,
        }
    }

    /// `N` (every part N times), or `endpoints=N,groups=N,findings=N` (any of them).
    pub fn parse(text: &str) -> Result<Scale, String> {
        if let Ok(n) = text.trim().parse::<usize>() {
            return Ok(Scale::uniform(n.max(1)));
        }
        let mut scale = Scale::default();
        for part in text.split(',') {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: use N or endpoints=N,groups=N,findings=N"))?;
            let n: usize = v
                .trim()
                .parse()
                .map_err(|_| format!("{v:?} is not a number"))?;
            match k.trim() {
                "endpoints" => scale.endpoints = n.max(1),
                "groups" => scale.groups = n.max(1),
                "findings" => scale.findings = n.max(1),
                other => {
                    return Err(format!(
                        "unknown part {other:?}: endpoints, groups or findings"
                    ));
                }
            }
        }
        Ok(scale)
    }
}

impl DemoSource {
    pub fn new() -> Self {
        DemoSource {
            failing: Vec::new(),
            latency: StdDuration::from_millis(150),
            scale: Scale::default(),
        }
    }

    async fn pace(&self, pane: PaneId) -> Result<(), SourceError> {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        if self.failing.contains(&pane) {
            return Err(simulated_failure(pane));
        }
        Ok(())
    }
}

fn simulated_failure(pane: PaneId) -> SourceError {
    let (service, operation) = match pane {
        PaneId::Endpoints => ("sagemaker", "ListEndpoints"),
        PaneId::SecurityGroups => ("ec2", "DescribeSecurityGroups"),
        PaneId::Findings => ("guardduty", "ListFindings"),
        PaneId::Checklist => ("config", "DescribeConfigurationRecorders"),
    };
    SourceError::AccessDenied {
        service: service.into(),
        operation: operation.into(),
        region: REGION.into(),
        permission: format!("{service}:{operation}"),
    }
}

impl Source for DemoSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Demo
    }

    fn identity(&self) -> BoxFuture<'_, Result<Identity, SourceError>> {
        Box::pin(async {
            Ok(Identity {
                account: Some(ACCOUNT.into()),
                caller_arn: Some(format!(
                    "arn:aws:sts::{ACCOUNT}:assumed-role/SecOpsReadOnly/alice@example.com"
                )),
            })
        })
    }

    fn endpoints(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>> {
        Box::pin(async move {
            self.pace(PaneId::Endpoints).await?;
            Ok(Fetched::complete(endpoints(
                q.now,
                q.window,
                self.scale.endpoints,
            )))
        })
    }

    fn security_groups(&self, _q: Query) -> BoxFuture<'_, FetchResult<SecurityGroupsData>> {
        Box::pin(async move {
            self.pace(PaneId::SecurityGroups).await?;
            Ok(Fetched::complete(security_groups(self.scale.groups)))
        })
    }

    fn findings(&self, q: Query) -> BoxFuture<'_, FetchResult<FindingsData>> {
        Box::pin(async move {
            self.pace(PaneId::Findings).await?;
            Ok(Fetched::complete(findings(q.now, self.scale.findings)))
        })
    }

    fn checklist(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<CheckItem>>> {
        Box::pin(async move {
            self.pace(PaneId::Checklist).await?;
            Ok(Fetched::complete(checklist_results(q.now, &q.thresholds)))
        })
    }
}

/// A small deterministic hash for noise (splitmix64).
fn noise(a: u64, b: u64) -> f64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % 10_000) as f64 / 10_000.0
}

struct EndpointSpec {
    name: &'static str,
    status: &'static str,
    variants: &'static [(&'static str, &'static str, u32)],
    kms: bool,
    /// Invocations per minute at the mean.
    rate: f64,
    /// Model latency in ms at the mean.
    latency_ms: f64,
    /// Share of calls answered 4XX.
    client_errors: f64,
    fault: Fault,
}

#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// A burst of 5XX errors over the last minutes.
    ErrorSpike,
    /// Latency far above the 10-second alarm.
    Slow,
    /// Traffic stopped: the endpoint is being updated.
    Updating,
}

const ENDPOINTS: &[EndpointSpec] = &[
    EndpointSpec {
        name: "studyai-dev-llama3-8b",
        status: "InService",
        variants: &[("AllTraffic", "ml.g5.2xlarge", 2)],
        kms: true,
        rate: 140.0,
        latency_ms: 820.0,
        client_errors: 0.01,
        fault: Fault::ErrorSpike,
    },
    EndpointSpec {
        name: "studyai-dev-mistral-7b",
        status: "InService",
        variants: &[("AllTraffic", "ml.g5.xlarge", 1)],
        kms: true,
        rate: 35.0,
        latency_ms: 12_400.0,
        client_errors: 0.02,
        fault: Fault::Slow,
    },
    EndpointSpec {
        name: "studyai-dev-embeddings",
        status: "InService",
        variants: &[("blue", "ml.m5.xlarge", 2), ("green", "ml.m5.xlarge", 1)],
        kms: true,
        rate: 610.0,
        latency_ms: 38.0,
        client_errors: 0.004,
        fault: Fault::None,
    },
    EndpointSpec {
        name: "studyai-dev-phi3-mini",
        status: "Updating",
        variants: &[("AllTraffic", "ml.g5.xlarge", 1)],
        kms: false,
        rate: 22.0,
        latency_ms: 450.0,
        client_errors: 0.0,
        fault: Fault::Updating,
    },
    EndpointSpec {
        name: "studyai-dev-ollama-qwen2",
        status: "InService",
        variants: &[("AllTraffic", "ml.g4dn.xlarge", 1)],
        kms: true,
        rate: 9.0,
        latency_ms: 2_300.0,
        client_errors: 0.05,
        fault: Fault::None,
    },
    EndpointSpec {
        name: "studyai-stg-ticket-classifier",
        status: "InService",
        variants: &[("AllTraffic", "ml.c5.large", 1)],
        kms: false,
        rate: 48.0,
        latency_ms: 64.0,
        client_errors: 0.0,
        fault: Fault::None,
    },
];

pub fn endpoints(now: DateTime<Utc>, window: Duration, scale: usize) -> Vec<Endpoint> {
    let period = metrics::period_for_window(window);
    let (start, _) = metrics::aligned_range(now, window, period);
    let points = (window.num_seconds() / i64::from(period)).max(1) as usize;
    let mut out = Vec::with_capacity(ENDPOINTS.len() * scale.max(1));
    for copy in 0..scale.max(1) {
        for (i, spec) in ENDPOINTS.iter().enumerate() {
            let seed = (copy * ENDPOINTS.len() + i) as u64;
            let name = if copy == 0 {
                spec.name.to_string()
            } else {
                format!("{}-{copy:03}", spec.name)
            };
            out.push(endpoint(spec, name, seed, start, period, points));
        }
    }
    out
}

fn endpoint(
    spec: &EndpointSpec,
    name: String,
    seed: u64,
    start: DateTime<Utc>,
    period: u32,
    points: usize,
) -> Endpoint {
    let minutes_per_point = f64::from(period) / 60.0;
    let mut invocations = Vec::with_capacity(points + 1);
    let mut errors_5xx = Vec::with_capacity(points + 1);
    let mut latency_ms = Vec::with_capacity(points + 1);
    let (mut inv_total, mut e4_total, mut lat_weighted, mut p99) = (0.0, 0.0, 0.0, 0.0_f64);
    // Whole periods only, as CloudWatch reports them; the series moves on each minute.
    for p in 0..points {
        let t = start + Duration::seconds(p as i64 * i64::from(period));
        let slot = (t.timestamp() / 60) as u64;
        let wave = 1.0 + 0.35 * ((slot as f64) / 9.0 + seed as f64).sin();
        let jitter = 0.85 + 0.3 * noise(seed, slot);
        let mut inv = (spec.rate * minutes_per_point * wave * jitter).round();
        let recent = points.saturating_sub(p);
        if spec.fault == Fault::Updating && recent < 8 {
            inv = 0.0;
        }
        let e5 = match spec.fault {
            Fault::ErrorSpike if recent < 12 => {
                (inv * (0.04 + 0.05 * noise(seed + 7, slot))).round()
            }
            _ if noise(seed + 3, slot) > 0.97 => 1.0_f64.min(inv),
            _ => 0.0,
        };
        let e4 = (inv * spec.client_errors * (0.5 + noise(seed + 5, slot))).round();
        let lat = spec.latency_ms * (0.8 + 0.4 * noise(seed + 11, slot));
        invocations.push(inv);
        errors_5xx.push(e5);
        latency_ms.push((inv > 0.0).then_some(lat));
        if inv > 0.0 {
            inv_total += inv;
            e4_total += e4;
            lat_weighted += lat * inv;
            p99 = p99.max(lat * 1.9);
        }
    }
    let e5_total: f64 = errors_5xx.iter().sum();
    Endpoint {
        name,
        region: REGION.into(),
        status: spec.status.into(),
        variants: spec
            .variants
            .iter()
            .map(|(n, t, c)| Variant {
                name: (*n).into(),
                instance_type: Some((*t).into()),
                instance_count: Some(*c),
            })
            .collect(),
        kms_key_id: spec.kms.then(|| {
            format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/7f3c2a1e-5b6d-4c8f-9a0b-1c2d3e4f5a6b")
        }),
        metrics: EndpointMetrics {
            invocations: inv_total,
            errors_4xx: e4_total,
            errors_5xx: e5_total,
            latency_ms_avg: (inv_total > 0.0).then(|| lat_weighted / inv_total),
            latency_ms_p99: (inv_total > 0.0).then_some(p99),
            overhead_ms_avg: (inv_total > 0.0).then_some(3.2 + seed as f64 * 0.4),
            series: MetricSeries {
                period_seconds: period,
                start: Some(start),
                invocations,
                errors_5xx,
                latency_ms,
            },
        },
        alerts: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------

fn tcp(dir: Direction, from: i32, to: i32, peer: Peer, desc: &str) -> Rule {
    Rule {
        id: None,
        direction: dir,
        protocol: "tcp".into(),
        from_port: Some(from),
        to_port: Some(to),
        peer,
        description: desc.into(),
        risk: Risk::None,
        risk_reason: String::new(),
    }
}

fn all(dir: Direction, peer: Peer, desc: &str) -> Rule {
    Rule {
        protocol: "all".into(),
        from_port: None,
        to_port: None,
        ..tcp(dir, 0, 0, peer, desc)
    }
}

fn v4(c: &str) -> Peer {
    Peer::Ipv4(c.into())
}

fn sg(id: &str) -> Peer {
    Peer::SecurityGroup(id.into())
}

fn eni(id: &str, kind: AttachmentKind, target: &str, desc: &str, ip: &str) -> Attachment {
    Attachment {
        interface_id: id.into(),
        kind,
        target: (!target.is_empty()).then(|| target.into()),
        description: desc.into(),
        private_ip: Some(ip.into()),
    }
}

use Direction::{Egress, Ingress};

fn group(
    id: &str,
    name: &str,
    desc: &str,
    rules: Vec<Rule>,
    att: Vec<Attachment>,
) -> SecurityGroup {
    SecurityGroup {
        id: id.into(),
        name: name.into(),
        description: desc.into(),
        vpc_id: Some(VPC.into()),
        region: REGION.into(),
        rules,
        attachments: att,
        tags: vec![
            ("Project".into(), "studyai".into()),
            ("Environment".into(), "dev".into()),
        ],
    }
}

const SG_SAGEMAKER: &str = "sg-0b1d2f3a4c5e6a701";
const SG_VPCE: &str = "sg-0b1d2f3a4c5e6a702";
const SG_EC2: &str = "sg-0b1d2f3a4c5e6a703";
const SG_WEB: &str = "sg-0b1d2f3a4c5e6a704";
const SG_DB: &str = "sg-0b1d2f3a4c5e6a705";

pub fn security_groups(scale: usize) -> SecurityGroupsData {
    let egress_all = || all(Egress, v4("0.0.0.0/0"), "");
    let mut groups = vec![
        group(
            SG_SAGEMAKER,
            "studyai-dev-sagemaker-sg",
            "SageMaker endpoints and notebooks (private subnets)",
            vec![
                tcp(
                    Egress,
                    443,
                    443,
                    Peer::PrefixList("pl-6fa54006".into()),
                    "HTTPS to S3 via gateway endpoint",
                ),
                tcp(Egress, 443, 443, sg(SG_VPCE), "HTTPS to SageMaker API"),
                tcp(Egress, 80, 80, v4("0.0.0.0/0"), "HTTP for model downloads"),
                all(
                    Egress,
                    v4("0.0.0.0/0"),
                    "All outbound for SageMaker operations",
                ),
            ],
            vec![
                eni(
                    "eni-0c4a1b2c3d4e5f601",
                    AttachmentKind::SagemakerEndpoint,
                    "studyai-dev-llama3-8b",
                    "SageMaker endpoint ENI",
                    "10.0.10.21",
                ),
                eni(
                    "eni-0c4a1b2c3d4e5f602",
                    AttachmentKind::SagemakerEndpoint,
                    "studyai-dev-mistral-7b",
                    "SageMaker endpoint ENI",
                    "10.0.11.37",
                ),
                eni(
                    "eni-0c4a1b2c3d4e5f603",
                    AttachmentKind::SagemakerNotebook,
                    "studyai-dev-notebook",
                    "SageMaker notebook ENI",
                    "10.0.10.55",
                ),
            ],
        ),
        group(
            SG_VPCE,
            "studyai-dev-vpce-sg",
            "VPC interface endpoints",
            vec![tcp(
                Ingress,
                443,
                443,
                sg(SG_SAGEMAKER),
                "HTTPS from SageMaker only",
            )],
            vec![
                eni(
                    "eni-0d5b1c2d3e4f5a611",
                    AttachmentKind::VpcEndpoint,
                    "vpce-0123456789abcdef0",
                    "VPC Endpoint Interface vpce-0123456789abcdef0 (sagemaker.api)",
                    "10.0.10.5",
                ),
                eni(
                    "eni-0d5b1c2d3e4f5a612",
                    AttachmentKind::VpcEndpoint,
                    "vpce-0123456789abcdef1",
                    "VPC Endpoint Interface vpce-0123456789abcdef1 (sagemaker.runtime)",
                    "10.0.11.5",
                ),
            ],
        ),
        group(
            SG_EC2,
            "studyai-dev-ec2-sg",
            "Web app instance",
            vec![
                tcp(Ingress, 22, 22, v4("0.0.0.0/0"), "SSH"),
                tcp(Ingress, 80, 80, v4("0.0.0.0/0"), "HTTP"),
                tcp(Ingress, 443, 443, v4("0.0.0.0/0"), "HTTPS"),
                egress_all(),
            ],
            vec![eni(
                "eni-0e6c1d2e3f4a5b621",
                AttachmentKind::Instance,
                "i-0f1e2d3c4b5a69781",
                "Primary network interface",
                "10.0.0.12",
            )],
        ),
        group(
            SG_WEB,
            "mlops-web-sg",
            "MLOps web tier (k3s node)",
            vec![
                tcp(Ingress, 22, 22, v4("203.0.113.0/24"), "SSH from office"),
                tcp(
                    Ingress,
                    6443,
                    6443,
                    v4(VPC_CIDR),
                    "Kubernetes API (VPC only)",
                ),
                tcp(Ingress, 30080, 30090, v4("0.0.0.0/0"), "NodePort services"),
                egress_all(),
            ],
            vec![eni(
                "eni-0e6c1d2e3f4a5b622",
                AttachmentKind::Instance,
                "i-0a9b8c7d6e5f40312",
                "Primary network interface",
                "10.0.1.20",
            )],
        ),
        group(
            SG_DB,
            "mlops-db-sg",
            "PostgreSQL for Airflow and MLflow",
            vec![tcp(
                Ingress,
                5432,
                5432,
                sg(SG_WEB),
                "PostgreSQL from web tier",
            )],
            vec![eni(
                "eni-0e6c1d2e3f4a5b623",
                AttachmentKind::Instance,
                "i-0b1c2d3e4f5a60423",
                "Primary network interface",
                "10.0.2.30",
            )],
        ),
        group(
            "sg-0b1d2f3a4c5e6a706",
            "legacy-reporting-db",
            "Old MySQL, to be retired",
            vec![
                tcp(
                    Ingress,
                    3306,
                    3306,
                    v4("0.0.0.0/0"),
                    "temporary access for BI vendor",
                ),
                egress_all(),
            ],
            vec![],
        ),
        group(
            "sg-0b1d2f3a4c5e6a707",
            "debug-temp-open",
            "launch-wizard-3",
            vec![
                all(
                    Ingress,
                    v4("0.0.0.0/0"),
                    "DEBUG remove after incident INC-2041",
                ),
                egress_all(),
            ],
            vec![eni(
                "eni-0e6c1d2e3f4a5b624",
                AttachmentKind::Instance,
                "i-0c2d3e4f5a6b70534",
                "Primary network interface",
                "10.0.0.77",
            )],
        ),
        group(
            "sg-0b1d2f3a4c5e6a708",
            "jupyter-gpu-box",
            "Data science GPU workstation",
            vec![
                tcp(Ingress, 8888, 8888, v4("0.0.0.0/0"), "Jupyter"),
                tcp(Ingress, 22, 22, Peer::Ipv6("::/0".into()), "SSH over IPv6"),
                tcp(
                    Ingress,
                    443,
                    443,
                    Peer::Ipv6("::/0".into()),
                    "HTTPS over IPv6",
                ),
                egress_all(),
            ],
            vec![eni(
                "eni-0e6c1d2e3f4a5b625",
                AttachmentKind::Instance,
                "i-0d3e4f5a6b7c80645",
                "Primary network interface",
                "10.0.0.91",
            )],
        ),
        group(
            "sg-0b1d2f3a4c5e6a709",
            "windows-bastion",
            "RDP jump host",
            vec![
                tcp(Ingress, 3389, 3389, v4("0.0.0.0/0"), "RDP"),
                egress_all(),
            ],
            vec![],
        ),
        group(
            "sg-0b1d2f3a4c5e6a710",
            "k3s-nodes",
            "Kubernetes worker nodes",
            vec![
                tcp(
                    Ingress,
                    30000,
                    32767,
                    v4(VPC_CIDR),
                    "NodePort range inside VPC",
                ),
                tcp(Ingress, 10250, 10250, v4(VPC_CIDR), "kubelet"),
                all(Ingress, sg("sg-0b1d2f3a4c5e6a710"), "node to node"),
                egress_all(),
            ],
            vec![],
        ),
        group(
            "sg-0b1d2f3a4c5e6a711",
            "monitoring",
            "Prometheus scraped from the shared-services VPC",
            vec![
                tcp(
                    Ingress,
                    9090,
                    9090,
                    v4("172.31.0.0/16"),
                    "Prometheus from shared services (peered)",
                ),
                Rule {
                    protocol: "icmp".into(),
                    from_port: Some(-1),
                    to_port: Some(-1),
                    ..tcp(Ingress, -1, -1, v4("0.0.0.0/0"), "ping")
                },
            ],
            vec![],
        ),
        group(
            "sg-0b1d2f3a4c5e6a712",
            "default",
            "default VPC security group",
            vec![all(Ingress, sg("sg-0b1d2f3a4c5e6a712"), ""), egress_all()],
            vec![],
        ),
        SecurityGroup {
            tags: vec![
                (
                    "Owner".into(),
                    "\u{202E}nimda\u{202C} (reversed on purpose)".into(),
                ),
                (
                    "Note".into(),
                    "\u{1b}[2J\u{1b}[31mYOU HAVE BEEN PWNED\u{1b}[0m\u{7}".into(),
                ),
            ],
            ..group(
                "sg-0b1d2f3a4c5e6a713",
                "partner-feed-ingest-with-an-unreasonably-long-name-that-someone-generated-from-a-template-0001",
                "Partner SFTP \u{1b}]0;owned-title\u{7}drop\u{8}\u{8}",
                vec![tcp(
                    Ingress,
                    2222,
                    2222,
                    v4("198.51.100.0/24"),
                    "SFTP from partner \u{1b}[5mblink\u{1b}[0m",
                )],
                vec![],
            )
        },
    ];
    for copy in 1..scale.max(1) {
        let base = groups[..13].to_vec();
        for mut g in base {
            g.id = format!("{}-{copy:05}", g.id);
            g.name = format!("{}-{copy:05}", g.name);
            groups.push(g);
        }
    }
    SecurityGroupsData {
        groups,
        vpcs: vec![Vpc {
            id: VPC.into(),
            region: REGION.into(),
            cidrs: vec![VPC_CIDR.into()],
        }],
    }
}

// ---------------------------------------------------------------------------------------------

struct FindingSpec {
    kind: &'static str,
    severity: f64,
    title: &'static str,
    resource_type: &'static str,
    resource: &'static str,
    count: u64,
    /// Hours before now of first and last sighting.
    first_h: i64,
    last_h: i64,
}

const FINDINGS: &[FindingSpec] = &[
    FindingSpec {
        kind: "AttackSequence:IAM/CompromisedCredentials",
        severity: 9.2,
        title: "Potential credential compromise of an IAM role used by SageMaker",
        resource_type: "AccessKey",
        resource: "studyai-dev-sagemaker-role",
        count: 1,
        first_h: 5,
        last_h: 1,
    },
    FindingSpec {
        kind: "AttackSequence:S3/CompromisedData",
        severity: 9.6,
        title: "Potential data compromise of the SageMaker model bucket",
        resource_type: "S3Bucket",
        resource: "studyai-dev-sagemaker-models",
        count: 1,
        first_h: 3,
        last_h: 0,
    },
    FindingSpec {
        kind: "Backdoor:EC2/C&CActivity.B!DNS",
        severity: 8.0,
        title: "EC2 instance i-0c2d3e4f5a6b70534 is querying a domain name associated with a known command and control server",
        resource_type: "Instance",
        resource: "i-0c2d3e4f5a6b70534",
        count: 42,
        first_h: 20,
        last_h: 0,
    },
    FindingSpec {
        kind: "CryptoCurrency:EC2/BitcoinTool.B!DNS",
        severity: 8.0,
        title: "EC2 instance i-0d3e4f5a6b7c80645 is querying a domain name associated with Bitcoin activity",
        resource_type: "Instance",
        resource: "i-0d3e4f5a6b7c80645",
        count: 318,
        first_h: 30,
        last_h: 0,
    },
    FindingSpec {
        kind: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        severity: 8.0,
        title: "Credentials for instance role studyai-dev-ec2-role used from an external IP address",
        resource_type: "AccessKey",
        resource: "ASIA4EXAMPLE7QK3XF2M",
        count: 7,
        first_h: 6,
        last_h: 2,
    },
    FindingSpec {
        kind: "Exfiltration:S3/AnomalousBehavior",
        severity: 8.0,
        title: "An IAM entity invoked an S3 API in a suspicious way",
        resource_type: "S3Bucket",
        resource: "studyai-dev-uploads",
        count: 3,
        first_h: 9,
        last_h: 4,
    },
    FindingSpec {
        kind: "Trojan:EC2/DNSDataExfiltration",
        severity: 8.0,
        title: "EC2 instance i-0c2d3e4f5a6b70534 is exfiltrating data through DNS queries",
        resource_type: "Instance",
        resource: "i-0c2d3e4f5a6b70534",
        count: 11,
        first_h: 18,
        last_h: 1,
    },
    FindingSpec {
        kind: "UnauthorizedAccess:EC2/TorClient",
        severity: 8.0,
        title: "EC2 instance i-0f1e2d3c4b5a69781 is communicating with Tor Entry nodes",
        resource_type: "Instance",
        resource: "i-0f1e2d3c4b5a69781",
        count: 5,
        first_h: 40,
        last_h: 12,
    },
    FindingSpec {
        kind: "UnauthorizedAccess:EC2/MetadataDNSRebind",
        severity: 8.0,
        title: "EC2 instance i-0a9b8c7d6e5f40312 is performing DNS lookups that resolve to the instance metadata service",
        resource_type: "Instance",
        resource: "i-0a9b8c7d6e5f40312",
        count: 2,
        first_h: 50,
        last_h: 26,
    },
    FindingSpec {
        kind: "UnauthorizedAccess:EC2/SSHBruteForce",
        severity: 5.0,
        title: "\u{1b}[2J\u{1b}[1;31m198.51.100.23 is performing SSH brute force attacks against i-0f1e2d3c4b5a69781\u{7}",
        resource_type: "Instance",
        resource: "i-0f1e2d3c4b5a69781",
        count: 2841,
        first_h: 72,
        last_h: 0,
    },
    FindingSpec {
        kind: "Impact:EC2/WinRMBruteForce",
        severity: 5.0,
        title: "EC2 instance is performing outbound WinRM brute force attacks",
        resource_type: "Instance",
        resource: "i-0d3e4f5a6b7c80645",
        count: 64,
        first_h: 14,
        last_h: 3,
    },
    FindingSpec {
        kind: "Discovery:S3/MaliciousIPCaller",
        severity: 5.0,
        title: "The S3 API ListObjects was invoked from a known malicious IP address",
        resource_type: "S3Bucket",
        resource: "studyai-dev-uploads",
        count: 9,
        first_h: 10,
        last_h: 5,
    },
    FindingSpec {
        kind: "PenTest:IAMUser/KaliLinux",
        severity: 5.0,
        title: "API GetCallerIdentity was invoked from a Kali Linux computer",
        resource_type: "AccessKey",
        resource: "AKIA4EXAMPLEDEVOPS01",
        count: 4,
        first_h: 60,
        last_h: 48,
    },
    FindingSpec {
        kind: "CredentialAccess:IAMUser/AnomalousBehavior",
        severity: 5.0,
        title: "The API GetSecretValue was invoked in an unusual way",
        resource_type: "AccessKey",
        resource: "AKIA4EXAMPLEDEVOPS01",
        count: 2,
        first_h: 30,
        last_h: 29,
    },
    FindingSpec {
        kind: "Recon:IAMUser/MaliciousIPCaller",
        severity: 5.0,
        title: "Reconnaissance API DescribeSecurityGroups invoked from a known malicious IP",
        resource_type: "AccessKey",
        resource: "AKIA4EXAMPLEDEVOPS01",
        count: 16,
        first_h: 8,
        last_h: 6,
    },
    FindingSpec {
        kind: "Execution:Runtime/NewBinaryExecuted",
        severity: 5.0,
        title: "A newly created or recently modified binary file was executed in a container",
        resource_type: "Container",
        resource: "mlflow-7d9c6b5f4-xk2pq",
        count: 1,
        first_h: 4,
        last_h: 4,
    },
    FindingSpec {
        kind: "Discovery:Kubernetes/SuccessfulAnonymousAccess",
        severity: 5.0,
        title: "An API commonly used to discover resources was invoked by an unauthenticated user\u{202E}txt.exe",
        resource_type: "EKSCluster",
        resource: "mlops-k3s",
        count: 3,
        first_h: 22,
        last_h: 21,
    },
    FindingSpec {
        kind: "Recon:EC2/PortProbeUnprotectedPort",
        severity: 2.0,
        title: "Unprotected port on EC2 instance i-0c2d3e4f5a6b70534 is being probed",
        resource_type: "Instance",
        resource: "i-0c2d3e4f5a6b70534",
        count: 1207,
        first_h: 96,
        last_h: 0,
    },
    FindingSpec {
        kind: "Policy:IAMUser/RootCredentialUsage",
        severity: 2.0,
        title: "API ListBuckets was invoked using root credentials",
        resource_type: "AccessKey",
        resource: "root",
        count: 1,
        first_h: 27,
        last_h: 27,
    },
    FindingSpec {
        kind: "Stealth:IAMUser/CloudTrailLoggingDisabled",
        severity: 2.0,
        title: "AWS CloudTrail trail studyai-dev-sagemaker-trail was disabled",
        resource_type: "AccessKey",
        resource: "AKIA4EXAMPLEDEVOPS01",
        count: 1,
        first_h: 31,
        last_h: 31,
    },
    FindingSpec {
        kind: "Policy:S3/BucketBlockPublicAccessDisabled",
        severity: 2.0,
        title: "Amazon S3 Block Public Access was disabled for bucket studyai-dev-uploads",
        resource_type: "S3Bucket",
        resource: "studyai-dev-uploads",
        count: 1,
        first_h: 45,
        last_h: 45,
    },
    FindingSpec {
        kind: "Recon:EC2/Portscan",
        severity: 2.0,
        title: "EC2 instance i-0e1f2a3b4c5d6e7f8-with-a-very-long-resource-identifier-that-keeps-going-and-going-well-past-any-reasonable-column-width is performing outbound port scans",
        resource_type: "Instance",
        resource: "i-0e1f2a3b4c5d6e7f8-with-a-very-long-resource-identifier-that-keeps-going-and-going-well-past-any-reasonable-column-width",
        count: 12,
        first_h: 15,
        last_h: 13,
    },
];

pub fn findings(now: DateTime<Utc>, scale: usize) -> FindingsData {
    // Sightings are anchored to the hour so ids and times are stable within an hour.
    let anchor = Utc
        .timestamp_opt(now.timestamp() - now.timestamp().rem_euclid(3600), 0)
        .single()
        .unwrap_or(now);
    let mut out = Vec::with_capacity(FINDINGS.len() * scale.max(1));
    for copy in 0..scale.max(1) {
        for (i, f) in FINDINGS.iter().enumerate() {
            let n = copy * FINDINGS.len() + i;
            out.push(Finding {
                id: format!("{:032x}", 0x5ec0_da5a_0000_0000_u128 + n as u128 * 0x1_0001),
                region: REGION.into(),
                account_id: ACCOUNT.into(),
                finding_type: f.kind.into(),
                severity: f.severity,
                title: f.title.into(),
                description: format!(
                    "{}.\nGuardDuty observed this activity {} time(s) between first and last sighting.\n\
                     Remote IP: 198.51.100.{} (AS64500 Example Hosting, NL){}",
                    f.title,
                    f.count,
                    20 + i,
                    if i == 9 { "\n\u{1b}]52;c;Y3VybCBldmlsLnNo\u{7}clipboard hijack attempt stripped" } else { "" }
                ),
                resource_type: f.resource_type.into(),
                resource: f.resource.into(),
                count: f.count,
                first_seen: anchor - Duration::hours(f.first_h) - Duration::minutes((i * 7 % 60) as i64),
                last_seen: anchor - Duration::hours(f.last_h) - Duration::minutes((i * 3 % 50) as i64),
                archived: false,
                details: vec![
                    ("service.action.actionType".into(), action_type(f.kind).into()),
                    ("service.resourceRole".into(), "TARGET".into()),
                    ("resource.resourceType".into(), f.resource_type.into()),
                    ("service.detectorId".into(), "12abc34d567e8fa901bc2d34e56789f0".into()),
                ],
            });
        }
    }
    let mut counts = std::collections::BTreeMap::new();
    for f in &out {
        *counts.entry(f.severity_label()).or_default() += 1;
    }
    FindingsData {
        findings: out,
        detectors: vec![(REGION.into(), true)],
        counts,
    }
}

fn action_type(kind: &str) -> &'static str {
    if kind.contains("DNS") {
        "DNS_REQUEST"
    } else if kind.contains("Port") || kind.contains("BruteForce") || kind.contains("Tor") {
        "NETWORK_CONNECTION"
    } else {
        "AWS_API_CALL"
    }
}

// ---------------------------------------------------------------------------------------------

/// The checklist of the demo account, evaluated from its configuration like a live one. The
/// demo team has accepted one failing item, so every status is on show.
pub fn checklist_results(now: DateTime<Utc>, thresholds: &metrics::Thresholds) -> Vec<CheckItem> {
    let mut groups = security_groups(1);
    crate::risk::assess(&mut groups);
    let account = posture::posture(&endpoints(now, Duration::hours(1), 1), groups.groups);
    let mut items = crate::checklist::evaluate(&account, thresholds);
    let policy = crate::checklist::policy::Policy {
        accepted: vec![crate::checklist::policy::Acceptance {
            item: "monitoring.security_alerts".into(),
            reason: "pager migration in progress".into(),
            owner: "platform-team".into(),
            expires: (now + Duration::days(38)).date_naive(),
        }],
        ..Default::default()
    };
    crate::checklist::policy::apply(&mut items, &policy, now);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 30).unwrap()
    }

    #[test]
    fn scenario_is_deterministic_at_an_instant() {
        assert_eq!(
            endpoints(t0(), Duration::hours(1), 1),
            endpoints(t0(), Duration::hours(1), 1)
        );
    }

    #[test]
    fn scenario_moves_over_time() {
        let a = endpoints(t0(), Duration::hours(1), 1);
        let b = endpoints(t0() + Duration::seconds(60), Duration::hours(1), 1);
        assert_ne!(a[2].metrics.invocations, b[2].metrics.invocations);
    }

    #[test]
    fn scenario_has_every_endpoint_kind_and_enough_of_everything() {
        let eps = endpoints(t0(), Duration::hours(1), 1);
        assert!(eps.iter().any(|e| e.status == "Updating"));
        assert!(security_groups(1).groups.len() >= 12);
        assert!(findings(t0(), 1).findings.len() >= 20);
        let statuses: std::collections::HashSet<_> =
            checklist_results(t0(), &metrics::Thresholds::default())
                .iter()
                .map(|c| c.status)
                .collect();
        assert_eq!(statuses.len(), 6, "every status appears");
    }

    #[test]
    fn every_checklist_result_names_a_known_item() {
        let items = checklist_results(t0(), &metrics::Thresholds::default());
        for item in &items {
            assert!(crate::checklist::find(&item.id).is_some(), "{}", item.id);
        }
        assert_eq!(items.len(), crate::checklist::ITEMS.len());
    }

    #[test]
    fn findings_are_never_seen_in_the_future() {
        for f in findings(t0(), 1).findings {
            assert!(f.last_seen <= t0(), "{}", f.finding_type);
            assert!(f.first_seen <= f.last_seen, "{}", f.finding_type);
        }
    }

    #[test]
    fn scale_parses() {
        assert_eq!(Scale::parse("3").unwrap(), Scale::uniform(3));
        assert_eq!(
            Scale::parse("groups=3031,findings=455").unwrap(),
            Scale {
                endpoints: 1,
                groups: 3031,
                findings: 455
            }
        );
        assert!(Scale::parse("rules=5").is_err());
    }

    #[test]
    fn scale_multiplies_the_scenario() {
        assert_eq!(security_groups(3).groups.len(), 13 * 3);
        assert_eq!(findings(t0(), 2).findings.len(), FINDINGS.len() * 2);
    }
}
