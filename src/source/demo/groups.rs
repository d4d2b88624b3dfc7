//! The demo's security groups: the seed guide's, plus the risky ones an incident turns up.

use super::{REGION, VPC, VPC_CIDR};
use crate::model::*;

fn tcp(dir: Direction, from: i32, to: i32, peer: Peer, desc: &str) -> Rule {
    Rule::new(
        None,
        Grant {
            direction: dir,
            protocol: "tcp".into(),
            from_port: Some(from),
            to_port: Some(to),
            peer,
            description: desc.into(),
            risk: Risk::None,
            risk_reason: Default::default(),
        },
    )
}

fn all(dir: Direction, peer: Peer, desc: &str) -> Rule {
    let mut rule = tcp(dir, 0, 0, peer, desc);
    rule.grant_mut().protocol = "all".into();
    rule.grant_mut().from_port = None;
    rule.grant_mut().to_port = None;
    rule
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
        rules: rules.into(),
        attachments: att.into(),
        place: std::sync::Arc::new(Placement {
            vpc_id: Some(VPC.into()),
            region: REGION.into(),
            tags: std::sync::Arc::new([
                ("Project".into(), "studyai".into()),
                ("Environment".into(), "dev".into()),
            ]),
            account: None,
            recorded_at: None,
        }),
    }
}

const SG_SAGEMAKER: &str = "sg-0b1d2f3a4c5e6a701";
const SG_VPCE: &str = "sg-0b1d2f3a4c5e6a702";
const SG_EC2: &str = "sg-0b1d2f3a4c5e6a703";
const SG_WEB: &str = "sg-0b1d2f3a4c5e6a704";
const SG_DB: &str = "sg-0b1d2f3a4c5e6a705";

pub fn security_groups(scale: usize) -> SecurityGroupsData {
    security_groups_shaped(scale, |_| {})
}

/// The scenario's groups, each given to `shape` as it is made: a reader that keeps less of
/// them (the checklist keeps the rules it judges) never holds all of them at once.
pub fn security_groups_shaped(
    scale: usize,
    mut shape: impl FnMut(&mut SecurityGroup),
) -> SecurityGroupsData {
    let egress_all = || all(Egress, v4("0.0.0.0/0"), "");
    let base = vec![
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
                {
                    let mut ping = tcp(Ingress, -1, -1, v4("0.0.0.0/0"), "ping");
                    ping.grant_mut().protocol = "icmp".into();
                    ping
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
        {
            let mut hostile = group(
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
            );
            hostile.place_mut().tags = std::sync::Arc::new([
                (
                    "Owner".into(),
                    "\u{202E}nimda\u{202C} (reversed on purpose)".into(),
                ),
                (
                    "Note".into(),
                    "\u{1b}[2J\u{1b}[31mYOU HAVE BEEN PWNED\u{1b}[0m\u{7}".into(),
                ),
            ]);
            hostile
        },
    ];
    let mut groups = Vec::with_capacity(base.len() * scale.max(1));
    for g in &base {
        let mut g = g.clone();
        shape(&mut g);
        groups.push(g);
    }
    for copy in 1..scale.max(1) {
        for b in &base[..13] {
            // Made field by field: a clone's id and name, replaced at once, would be freed
            // between the groups that stay.
            let mut g = SecurityGroup {
                // An id as EC2 would give it (20 characters, held inline): the copy in place
                // of the base's first hex digits.
                id: compact_str::format_compact!("sg-{copy:05x}{}", &b.id[8..]),
                name: compact_str::format_compact!("{}-{copy:05}", b.name),
                description: b.description.clone(),
                rules: b.rules.clone(),
                attachments: b.attachments.clone(),
                place: b.place.clone(),
            };
            shape(&mut g);
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
        search: Default::default(),
    }
}
