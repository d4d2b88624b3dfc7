use super::*;
use crate::model::{Rule, SecurityGroup};

const R: &str = "ap-southeast-1";

fn subnet(id: &str, cidr: &str, route: DefaultRoute) -> Subnet {
    Subnet {
        id: id.into(),
        cidr: cidr.into(),
        default_route: route,
    }
}

fn sagemaker_vpc() -> Vpc {
    Vpc {
        id: "vpc-1".into(),
        cidr: "10.0.0.0/16".into(),
        is_default: false,
        subnets: vec![
            subnet(
                "subnet-pub",
                "10.0.0.0/24",
                DefaultRoute::InternetGateway("igw-1".into()),
            ),
            subnet(
                "subnet-a",
                "10.0.10.0/24",
                DefaultRoute::NatGateway {
                    id: "nat-1".into(),
                    active: true,
                },
            ),
        ],
    }
}

fn all_endpoints() -> Vec<VpcEndpoint> {
    ENDPOINT_SERVICES
        .iter()
        .enumerate()
        .map(|(i, (svc, kind))| VpcEndpoint {
            id: format!("vpce-{i}"),
            vpc_id: "vpc-1".into(),
            service: format!("com.amazonaws.{R}.{svc}"),
            kind: (*kind).into(),
            state: "available".into(),
        })
        .collect()
}

fn alarm(name: &str, metric: &str, threshold: f64) -> Alarm {
    Alarm {
        name: name.into(),
        namespace: "AWS/SageMaker".into(),
        metric: metric.into(),
        endpoint: Some("ep-1".into()),
        threshold,
        period_seconds: 300,
        actions_enabled: true,
        alarm_actions: vec![format!("arn:aws:sns:{R}:123456789012:alerts")],
    }
}

fn open_rule(port: i32, risk: Risk) -> Rule {
    Rule {
        id: Some("sgr-1".into()),
        direction: Direction::Ingress,
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        peer: Peer::Ipv4("0.0.0.0/0".into()),
        description: String::new(),
        risk,
        risk_reason: String::new(),
    }
}

fn group(rules: Vec<Rule>) -> SecurityGroup {
    SecurityGroup {
        id: "sg-1".into(),
        name: "web".into(),
        description: String::new(),
        vpc_id: Some("vpc-1".into()),
        region: R.into(),
        rules,
        attachments: Vec::new(),
        tags: Vec::new(),
    }
}

/// An account configured as the seed guide describes.
fn passing() -> Posture {
    let region = RegionPosture {
        region: R.into(),
        vpcs: Ok(vec![sagemaker_vpc()]),
        vpc_endpoints: Ok(all_endpoints()),
        nat_gateways: Ok(vec![NatGateway {
            id: "nat-1".into(),
            vpc_id: "vpc-1".into(),
            subnet_id: "subnet-pub".into(),
            state: "available".into(),
        }]),
        flow_logs: Ok(vec![FlowLog {
            id: "fl-1".into(),
            resource_id: "vpc-1".into(),
            status: "ACTIVE".into(),
            destination: "/aws/vpc/flow-logs/studyai-dev".into(),
        }]),
        ebs_encryption_by_default: Ok(true),
        security_groups: Ok(vec![group(vec![open_rule(443, Risk::Low)])]),
        notebooks: Ok(vec![Notebook {
            name: "nb".into(),
            direct_internet_access: false,
            root_access: false,
            subnet_id: Some("subnet-a".into()),
            kms_key_id: Some("key".into()),
        }]),
        endpoints: Ok(vec![EndpointEncryption {
            endpoint: "ep-1".into(),
            config: "ep-1-config".into(),
            kms_key_id: Some("key".into()),
        }]),
        models: Ok(vec![Model {
            name: "m".into(),
            network_isolation: false,
            in_vpc: true,
        }]),
        training_jobs: Ok(vec![TrainingJob {
            name: "tj".into(),
            network_isolation: true,
            in_vpc: true,
            inter_container_encryption: true,
        }]),
        kms_keys: Ok(vec![KmsKey {
            id: "k-1".into(),
            alias: Some("alias/studyai-dev-sagemaker".into()),
            rotation_enabled: true,
        }]),
        alarms: Ok(vec![
            alarm("ep-1-5xx", "Invocation5XXErrors", 5.0),
            alarm("ep-1-latency", "ModelLatency", 10_000_000.0),
        ]),
        topics: Ok(vec![Topic {
            arn: format!("arn:aws:sns:{R}:123456789012:alerts"),
            confirmed: 1,
            pending: 0,
        }]),
        trails: Ok(vec![Trail {
            name: "trail".into(),
            arn: "arn:trail".into(),
            home_region: R.into(),
            multi_region: true,
            logging: true,
            log_file_validation: true,
        }]),
        detectors: Ok(vec![Detector {
            id: "d-1".into(),
            status: "ENABLED".into(),
        }]),
        security_hub: Ok(Some(vec![
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0".into(),
            format!("arn:aws:securityhub:{R}::standards/pci-dss/v/3.2.1"),
        ])),
        web_acls: Ok(vec![WebAcl {
            name: "waf".into(),
            rules: vec![
                WafRule::RateBased {
                    name: "rate".into(),
                    limit: 2000,
                },
                WafRule::Managed {
                    name: "common".into(),
                    group: "AWSManagedRulesCommonRuleSet".into(),
                },
                WafRule::Managed {
                    name: "sqli".into(),
                    group: "AWSManagedRulesSQLiRuleSet".into(),
                },
            ],
        }]),
        config: Ok(ConfigService {
            recorders: vec![Recorder {
                name: "default".into(),
                recording: true,
            }],
            rules: vec!["s3-bucket-server-side-encryption-enabled".into()],
        }),
        analyzers: Ok(vec![Analyzer {
            name: "analyzer".into(),
            kind: "ACCOUNT".into(),
            status: "ACTIVE".into(),
        }]),
    };
    Posture {
        regions: vec![region],
        buckets: Ok(vec![Bucket {
            name: "models".into(),
            encryption: Ok(Some("aws:kms".into())),
            versioning: Ok(true),
            public_access_blocked: Ok(true),
            tls_enforced: Ok(true),
        }]),
        password_policy: Ok(Some(PasswordPolicy {
            minimum_length: 12,
            require_lowercase: true,
            require_uppercase: true,
            require_numbers: true,
            require_symbols: true,
            max_age_days: Some(90),
            reuse_prevention: Some(24),
        })),
        root_mfa: Ok(true),
        roles: Ok(vec![Role {
            name: "sagemaker-role".into(),
            trusted_services: vec!["sagemaker.amazonaws.com".into()],
            grants: Vec::new(),
        }]),
    }
}

/// The same account with every control broken.
fn failing() -> Posture {
    let mut p = passing();
    let r = &mut p.regions[0];
    r.vpcs = Ok(vec![
        Vpc {
            id: "vpc-default".into(),
            cidr: "172.31.0.0/16".into(),
            is_default: true,
            subnets: vec![subnet(
                "subnet-d",
                "172.31.0.0/20",
                DefaultRoute::InternetGateway("igw-d".into()),
            )],
        },
        // A custom VPC whose every subnet is public.
        Vpc {
            id: "vpc-2".into(),
            cidr: "10.1.0.0/16".into(),
            is_default: false,
            subnets: vec![subnet(
                "subnet-p",
                "10.1.0.0/24",
                DefaultRoute::InternetGateway("igw-2".into()),
            )],
        },
    ]);
    r.vpc_endpoints = Ok(Vec::new());
    r.nat_gateways = Ok(Vec::new());
    r.flow_logs = Ok(Vec::new());
    r.ebs_encryption_by_default = Ok(false);
    r.security_groups = Ok(vec![group(vec![open_rule(22, Risk::Critical)])]);
    r.notebooks = Ok(vec![Notebook {
        name: "nb".into(),
        direct_internet_access: true,
        root_access: true,
        subnet_id: None,
        kms_key_id: None,
    }]);
    r.endpoints = Ok(vec![EndpointEncryption {
        endpoint: "ep-1".into(),
        config: "ep-1-config".into(),
        kms_key_id: None,
    }]);
    r.models = Ok(vec![Model {
        name: "m".into(),
        network_isolation: false,
        in_vpc: false,
    }]);
    r.training_jobs = Ok(vec![TrainingJob {
        name: "tj".into(),
        network_isolation: false,
        in_vpc: false,
        inter_container_encryption: false,
    }]);
    r.kms_keys = Ok(vec![KmsKey {
        id: "k-1".into(),
        alias: None,
        rotation_enabled: false,
    }]);
    r.alarms = Ok(Vec::new());
    r.topics = Ok(Vec::new());
    r.trails = Ok(Vec::new());
    r.detectors = Ok(Vec::new());
    r.security_hub = Ok(None);
    r.web_acls = Ok(Vec::new());
    r.config = Ok(ConfigService::default());
    r.analyzers = Ok(Vec::new());
    p.buckets = Ok(vec![Bucket {
        name: "uploads".into(),
        encryption: Ok(None),
        versioning: Ok(false),
        public_access_blocked: Ok(false),
        tls_enforced: Ok(false),
    }]);
    p.password_policy = Ok(None);
    p.root_mfa = Ok(false);
    p.roles = Ok(vec![Role {
        name: "sagemaker-role".into(),
        trusted_services: vec!["sagemaker.amazonaws.com".into()],
        grants: vec![Grant::Admin {
            policy: "AdministratorAccess".into(),
        }],
    }]);
    p
}

fn status_of(items: &[CheckItem], id: &str) -> (CheckStatus, String) {
    let c = items.iter().find(|c| c.id == id).expect(id);
    (c.status, c.evidence.clone())
}

#[test]
fn every_automatic_item_has_an_evaluator() {
    for def in ITEMS {
        assert_eq!(evaluator(def.id).is_some(), !def.manual, "{}", def.id);
    }
}

#[test]
fn the_guides_account_passes_every_automatic_item() {
    let items = evaluate(&passing(), &Thresholds::default());
    assert_eq!(items.len(), ITEMS.len());
    for c in &items {
        let want = if c.id == "access.reviews" {
            CheckStatus::Manual
        } else {
            CheckStatus::Pass
        };
        assert_eq!(c.status, want, "{}: {}", c.id, c.evidence);
        assert!(!c.evidence.is_empty(), "{}", c.id);
    }
}

#[test]
fn a_broken_account_fails_every_automatic_item() {
    let items = evaluate(&failing(), &Thresholds::default());
    for c in &items {
        if c.id == "access.reviews" {
            continue;
        }
        assert_eq!(c.status, CheckStatus::Fail, "{}: {}", c.id, c.evidence);
    }
}

#[test]
fn evidence_names_the_resource_and_the_setting() {
    let items = evaluate(&failing(), &Thresholds::default());
    let cases = [
        (
            "network.security_groups",
            "sg-1 (web) tcp 22 from 0.0.0.0/0",
        ),
        (
            "network.notebook_internet",
            "nb: DirectInternetAccess=Enabled",
        ),
        ("network.notebook_root", "nb: RootAccess=Enabled"),
        (
            "data.kms",
            "endpoint ep-1 (config ep-1-config): no KmsKeyId",
        ),
        ("data.kms_rotation", "k-1 (ap-southeast-1): rotation off"),
        (
            "data.tls",
            "uploads: no policy denying aws:SecureTransport=false",
        ),
        (
            "data.least_privilege",
            "sagemaker-role: AdministratorAccess allows * on *",
        ),
        ("monitoring.alarms", "ep-1: no 5XX or latency alarm"),
        (
            "threat.security_hub",
            "ap-southeast-1: Security Hub not enabled",
        ),
        ("access.password_policy", "no account password policy"),
    ];
    for (id, want) in cases {
        let (_, evidence) = status_of(&items, id);
        assert!(evidence.contains(want), "{id}: {evidence}");
    }
}

#[test]
fn a_denied_read_is_unknown_and_names_the_permission() {
    let mut p = passing();
    let denied = "ec2:DescribeFlowLogs in ap-southeast-1: access denied; the caller needs ec2:DescribeFlowLogs";
    p.regions[0].flow_logs = Err(denied.into());
    let items = evaluate(&p, &Thresholds::default());
    let (status, evidence) = status_of(&items, "monitoring.flow_logs");
    assert_eq!(status, CheckStatus::Unknown);
    assert!(evidence.contains("ec2:DescribeFlowLogs"), "{evidence}");
}

#[test]
fn a_failure_seen_is_reported_even_when_another_part_is_unknown() {
    let mut p = failing();
    p.regions
        .push(RegionPosture::unread("eu-west-1", "eu-west-1: timed out"));
    let items = evaluate(&p, &Thresholds::default());
    let (status, evidence) = status_of(&items, "threat.guardduty");
    assert_eq!(status, CheckStatus::Fail);
    assert!(
        evidence.contains("could not read: eu-west-1: timed out"),
        "{evidence}"
    );
}

#[test]
fn looser_alarm_thresholds_than_the_seeds_warn() {
    let mut p = passing();
    p.regions[0].alarms = Ok(vec![
        alarm("ep-1-5xx", "Invocation5XXErrors", 50.0),
        alarm("ep-1-latency", "ModelLatency", 10_000_000.0),
    ]);
    let (status, evidence) = status_of(&evaluate(&p, &Thresholds::default()), "monitoring.alarms");
    assert_eq!(status, CheckStatus::Warn);
    assert!(
        evidence.contains("5XX alarm ep-1-5xx at >50 per 300 s"),
        "{evidence}"
    );
}

#[test]
fn an_alarm_without_an_sns_action_warns() {
    let mut p = passing();
    if let Ok(a) = &mut p.regions[0].alarms {
        a[1].alarm_actions.clear();
    }
    let (status, evidence) = status_of(&evaluate(&p, &Thresholds::default()), "monitoring.alarms");
    assert_eq!(status, CheckStatus::Warn, "{evidence}");
    assert!(evidence.contains("notifies no SNS topic"), "{evidence}");
}

#[test]
fn some_missing_endpoints_warn_and_name_them() {
    let mut p = passing();
    if let Ok(e) = &mut p.regions[0].vpc_endpoints {
        e.retain(|e| !e.service.ends_with(".logs") && !e.service.ends_with(".ecr.dkr"));
    }
    let (status, evidence) = status_of(
        &evaluate(&p, &Thresholds::default()),
        "network.vpc_endpoints",
    );
    assert_eq!(status, CheckStatus::Warn);
    assert_eq!(evidence, "vpc-1: missing ecr.dkr, logs");
}

#[test]
fn private_subnets_without_egress_pass_when_endpoints_serve_them() {
    let mut p = passing();
    if let Ok(v) = &mut p.regions[0].vpcs {
        v[0].subnets[1].default_route = DefaultRoute::None;
    }
    let (status, evidence) =
        status_of(&evaluate(&p, &Thresholds::default()), "network.nat_gateway");
    assert_eq!(status, CheckStatus::Pass, "{evidence}");
    assert!(evidence.contains("served by VPC endpoints"), "{evidence}");
}

#[test]
fn a_blackholed_nat_route_fails() {
    let mut p = passing();
    if let Ok(v) = &mut p.regions[0].vpcs {
        v[0].subnets[1].default_route = DefaultRoute::NatGateway {
            id: "nat-gone".into(),
            active: false,
        };
    }
    let (status, _) = status_of(&evaluate(&p, &Thresholds::default()), "network.nat_gateway");
    assert_eq!(status, CheckStatus::Fail);
}

#[test]
fn a_weaker_password_policy_warns_with_each_shortfall() {
    let mut p = passing();
    p.password_policy = Ok(Some(PasswordPolicy {
        minimum_length: 8,
        require_symbols: false,
        reuse_prevention: None,
        ..p.password_policy.clone().unwrap().unwrap()
    }));
    let (status, evidence) = status_of(
        &evaluate(&p, &Thresholds::default()),
        "access.password_policy",
    );
    assert_eq!(status, CheckStatus::Warn);
    assert_eq!(
        evidence,
        "minimum length 8 (want 12), symbols not required, reuse not prevented (want 24 remembered)"
    );
}

#[test]
fn security_hub_without_pci_warns() {
    let mut p = passing();
    p.regions[0].security_hub = Ok(Some(vec![
        "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0".into(),
    ]));
    let (status, evidence) =
        status_of(&evaluate(&p, &Thresholds::default()), "threat.security_hub");
    assert_eq!(status, CheckStatus::Warn);
    assert!(evidence.contains("missing PCI DSS"), "{evidence}");
}

#[test]
fn a_pending_subscription_warns() {
    let mut p = passing();
    p.regions[0].topics = Ok(vec![Topic {
        arn: format!("arn:aws:sns:{R}:123456789012:alerts"),
        confirmed: 0,
        pending: 1,
    }]);
    let (status, _) = status_of(
        &evaluate(&p, &Thresholds::default()),
        "monitoring.security_alerts",
    );
    assert_eq!(status, CheckStatus::Warn);
}

#[test]
fn long_lists_are_capped() {
    let many: Vec<String> = (0..7).map(|i| format!("r{i}")).collect();
    assert_eq!(list(&many), "r0; r1; r2; r3; +3 more");
    assert_eq!(names(&many), "r0, r1, r2, r3 +3 more");
}

#[test]
fn nothing_to_check_passes_and_says_so() {
    let mut p = passing();
    p.regions[0].notebooks = Ok(Vec::new());
    let (status, evidence) = status_of(
        &evaluate(&p, &Thresholds::default()),
        "network.notebook_root",
    );
    assert_eq!(status, CheckStatus::Pass);
    assert_eq!(evidence, "no notebook instances in ap-southeast-1");
}
