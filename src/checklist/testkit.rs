//! Postures for the evaluators' tests: the guide's account, and one with every control off.

use super::network::ENDPOINT_SERVICES;
use super::posture::*;
use crate::model::{CheckItem, CheckStatus, Direction, Peer, Risk};
use crate::model::{Rule, SecurityGroup, SecurityGroupsData};

pub(super) const R: &str = "ap-southeast-1";

pub(super) fn subnet(id: &str, cidr: &str, route: DefaultRoute) -> Subnet {
    Subnet {
        id: id.into(),
        cidr: cidr.into(),
        default_route: route,
    }
}

pub(super) fn sagemaker_vpc() -> Vpc {
    Vpc {
        id: "vpc-1".into(),
        cidr: "10.0.0.0/16".into(),
        is_default: false,
        tags: Vec::new(),
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

pub(super) fn all_endpoints() -> Vec<VpcEndpoint> {
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

pub(super) fn alarm(name: &str, metric: &str, threshold: f64) -> Alarm {
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

pub(super) fn open_rule(port: i32, risk: Risk) -> Rule {
    Rule::new(
        Some("sgr-1".into()),
        crate::model::Grant {
            direction: Direction::Ingress,
            protocol: "tcp".into(),
            from_port: Some(port),
            to_port: Some(port),
            peer: Peer::Ipv4("0.0.0.0/0".into()),
            description: "".into(),
            risk,
            risk_reason: Default::default(),
        },
    )
}

/// One group with these rules, their risks already assessed (as the fetch step leaves them).
pub(super) fn groups(rules: Vec<Rule>) -> SecurityGroupsData {
    SecurityGroupsData {
        groups: vec![group(rules)],
        vpcs: Vec::new(),
        search: Default::default(),
    }
}

pub(super) fn group(rules: Vec<Rule>) -> SecurityGroup {
    SecurityGroup {
        id: "sg-1".into(),
        name: "web".into(),
        description: "".into(),
        rules: rules.into(),
        attachments: Box::default(),
        place: std::sync::Arc::new(crate::model::Placement {
            vpc_id: Some("vpc-1".into()),
            region: R.into(),
            ..Default::default()
        }),
    }
}

/// An account configured as the seed guide describes.
pub(super) fn passing() -> Posture {
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
        security_groups: Ok(groups(vec![open_rule(443, Risk::Low)]).into()),
        notebooks: Ok(vec![Notebook {
            name: "nb".into(),
            direct_internet_access: false,
            root_access: false,
            minimum_imds: "2".into(),
            platform: Some("notebook-al2023-v1".into()),
            subnet_id: Some("subnet-a".into()),
            kms_key_id: Some("key".into()),
            lifecycle: Some(Lifecycle {
                config: "nb-setup".into(),
                scripts: Ok(vec![Script {
                    hook: "OnStart".into(),
                    text: "HF_TOKEN=$(aws secretsmanager get-secret-value --secret-id hf)".into(),
                }]),
            }),
        }]),
        endpoints: Ok(vec![EndpointEncryption {
            endpoint: "ep-1".into(),
            config: "ep-1-config".into(),
            kms_key_id: Some("key".into()),
            variants: vec![crate::model::Variant {
                name: "AllTraffic".into(),
                instance_type: Some("ml.g5.xlarge".into()),
                instance_count: Some(2),
            }],
            served: vec![],
            async_output: Some(AsyncOutput {
                output: Some("s3://models/async/out".into()),
                failure: Some("s3://models/async/failed".into()),
                kms_key: Some("key".into()),
            }),
        }]),
        serving: Ok(vec![Serving {
            endpoint: "ep-1".into(),
            chains: vec![chain(false)],
        }]),
        model_package_groups: Ok(vec![PackageGroup {
            name: "llm-finetunes".into(),
            approved: true,
        }]),
        models: Ok(vec![Model {
            name: "m".into(),
            network_isolation: false,
            in_vpc: true,
            s3_uris: vec!["s3://models/m/model.tar.gz".into()],
            images: vec![("registry.internal/m:1".into(), Some("Vpc".into()))],
        }]),
        training_jobs: Ok(vec![TrainingJob {
            name: "tj".into(),
            network_isolation: true,
            in_vpc: true,
            inter_container_encryption: true,
            volume_kms_key: Some("key".into()),
            output_kms_key: Some("key".into()),
            s3_uris: vec!["s3://models/out/".into()],
        }]),
        studio_domains: Ok(vec![StudioDomain {
            name: "studio".into(),
            vpc_only: true,
            auth_mode: "SSO".into(),
            identity_center: true,
            kms_key: Some("key".into()),
        }]),
        monitoring_schedules: Ok(vec![
            schedule("ep-1-data-quality", "ep-1", "DataQuality", "Scheduled", true),
            schedule("ep-1-bias", "ep-1", "ModelBias", "Scheduled", true),
        ]),
        kms_keys: Ok(vec![KmsKey {
            id: "k-1".into(),
            alias: Some("alias/studyai-dev-sagemaker".into()),
            rotation_enabled: true,
        }]),
        alarms: Ok(vec![
            alarm("ep-1-5xx", "Invocation5XXErrors", 5.0),
            alarm("ep-1-latency", "ModelLatency", 10_000_000.0),
            Alarm {
                namespace: "CISBenchmark".into(),
                endpoint: None,
                ..alarm("unauthorized", "UnauthorizedAPICalls", 1.0)
            },
            Alarm {
                namespace: "CISBenchmark".into(),
                endpoint: None,
                ..alarm("root", "RootAccountUsage", 1.0)
            },
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
            log_group_arn: Some(format!("arn:aws:logs:{R}:123456789012:log-group:trail:*")),
        }]),
        metric_filters: Ok(vec![
            MetricFilter {
                log_group: "trail".into(),
                name: "unauthorized".into(),
                pattern: r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#.into(),
                namespace: "CISBenchmark".into(),
                metric: "UnauthorizedAPICalls".into(),
            },
            MetricFilter {
                log_group: "trail".into(),
                name: "root".into(),
                pattern: r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#.into(),
                namespace: "CISBenchmark".into(),
                metric: "RootAccountUsage".into(),
            },
        ]),
        ecr: Ok(EcrRegistry {
            repositories: vec![EcrRepository {
                name: "llm-serving".into(),
                scan_on_push: true,
            }],
            scanning_filters: Vec::new(),
        }),
        detectors: Ok(vec![Detector {
            id: "d-1".into(),
            status: "ENABLED".into(),
            s3_protection: true,
            ai_protection: true,
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
        ml: surface(true),
    };
    Posture {
        regions: vec![region],
        buckets: Ok(vec![Bucket {
            name: "models".into(),
            encryption: Ok(Some("aws:kms".into())),
            versioning: Ok(true),
            public_access_blocked: Ok(true),
            tls_enforced: Ok(true),
            access_log_target: Ok(Some("logs".into())),
            vpce_only: Ok(vec!["vpce-s3".into()]),
            tags: Ok(vec![("team".into(), "ml-platform".into())]),
        }]),
        account_public_access_blocked: Ok(false),
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
        read_at: now(),
        workload_guardrails: Ok(vec![RoleGuardrail {
            role: "data-scientist".into(),
            allowed: Vec::new(),
            denied: WORKLOAD_ACTIONS.iter().map(|a| a.to_string()).collect(),
        }]),
        credentials: Ok(vec![UserCredentials {
            user: "alice".into(),
            password_enabled: true,
            mfa_active: true,
            keys: vec![KeyUse {
                number: 1,
                active: true,
                last_rotated: Some(now() - chrono::Duration::days(10)),
                last_used: Some(now() - chrono::Duration::days(1)),
            }],
        }]),
    }
}

/// When the test accounts were read.
pub(super) fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .unwrap()
}

/// The same account with every control broken.
pub(super) fn failing() -> Posture {
    let mut p = passing();
    let r = &mut p.regions[0];
    r.vpcs = Ok(vec![
        Vpc {
            id: "vpc-default".into(),
            cidr: "172.31.0.0/16".into(),
            is_default: true,
            tags: Vec::new(),
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
            tags: Vec::new(),
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
    r.security_groups = Ok(groups(vec![open_rule(22, Risk::Critical)]).into());
    r.notebooks = Ok(vec![Notebook {
        name: "nb".into(),
        direct_internet_access: true,
        root_access: true,
        minimum_imds: "1".into(),
        platform: Some("notebook-al2-v2".into()),
        subnet_id: None,
        kms_key_id: None,
        lifecycle: Some(Lifecycle {
            config: "nb-setup".into(),
            scripts: Ok(vec![Script {
                hook: "OnStart".into(),
                text: "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE".into(),
            }]),
        }),
    }]);
    r.endpoints = Ok(vec![EndpointEncryption {
        endpoint: "ep-1".into(),
        config: "ep-1-config".into(),
        kms_key_id: None,
        variants: vec![crate::model::Variant {
            name: "AllTraffic".into(),
            instance_type: Some("ml.g5.xlarge".into()),
            instance_count: Some(1),
        }],
        served: vec![],
        async_output: Some(AsyncOutput {
            output: Some("s3://someone-elses-bucket/out".into()),
            failure: None,
            kms_key: None,
        }),
    }]);
    r.serving = Ok(vec![Serving {
        endpoint: "ep-1".into(),
        chains: vec![chain(true)],
    }]);
    r.models = Ok(vec![Model {
        name: "m".into(),
        network_isolation: false,
        in_vpc: false,
        s3_uris: vec!["s3://uploads/m/model.tar.gz".into()],
        images: vec![("1.dkr.ecr.ap-southeast-1.amazonaws.com/m:1".into(), None)],
    }]);
    r.ml = surface(false);
    r.model_package_groups = Ok(Vec::new());
    r.studio_domains = Ok(vec![StudioDomain {
        name: "studio".into(),
        vpc_only: false,
        auth_mode: "IAM".into(),
        identity_center: false,
        kms_key: None,
    }]);
    r.monitoring_schedules = Ok(vec![schedule(
        "ep-1-data-quality",
        "ep-1",
        "DataQuality",
        "Stopped",
        false,
    )]);
    r.training_jobs = Ok(vec![TrainingJob {
        name: "tj".into(),
        network_isolation: false,
        in_vpc: false,
        inter_container_encryption: false,
        volume_kms_key: None,
        output_kms_key: None,
        s3_uris: vec!["s3://uploads/out/".into()],
    }]);
    r.kms_keys = Ok(vec![KmsKey {
        id: "k-1".into(),
        alias: None,
        rotation_enabled: false,
    }]);
    r.alarms = Ok(Vec::new());
    r.topics = Ok(Vec::new());
    r.trails = Ok(Vec::new());
    r.metric_filters = Ok(Vec::new());
    r.ecr = Ok(EcrRegistry {
        repositories: vec![EcrRepository {
            name: "training".into(),
            scan_on_push: false,
        }],
        scanning_filters: Vec::new(),
    });
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
        access_log_target: Ok(None),
        vpce_only: Ok(Vec::new()),
        tags: Ok(Vec::new()),
    }]);
    p.password_policy = Ok(None);
    p.root_mfa = Ok(false);
    p.workload_guardrails = Ok(vec![RoleGuardrail {
        role: "data-scientist".into(),
        allowed: vec!["sagemaker:CreateTrainingJob".into()],
        denied: Vec::new(),
    }]);
    p.credentials = Ok(vec![
        UserCredentials {
            user: "bob".into(),
            password_enabled: true,
            mfa_active: false,
            keys: vec![KeyUse {
                number: 1,
                active: true,
                last_rotated: Some(now() - chrono::Duration::days(120)),
                last_used: Some(now() - chrono::Duration::days(100)),
            }],
        },
        UserCredentials {
            user: "<root_account>".into(),
            password_enabled: true,
            mfa_active: false,
            keys: vec![KeyUse {
                number: 1,
                active: true,
                last_rotated: Some(now() - chrono::Duration::days(5)),
                last_used: None,
            }],
        },
    ]);
    p.roles = Ok(vec![Role {
        name: "sagemaker-role".into(),
        trusted_services: vec!["sagemaker.amazonaws.com".into()],
        grants: vec![Grant::Admin {
            policy: "AdministratorAccess".into(),
        }],
    }]);
    p
}

pub(super) fn status_of(items: &[CheckItem], id: &str) -> (CheckStatus, String) {
    let c = items.iter().find(|c| c.id == id).expect(id);
    (c.status, c.evidence.join("; "))
}

fn schedule(
    name: &str,
    endpoint: &str,
    kind: &str,
    status: &str,
    safe: bool,
) -> MonitoringSchedule {
    MonitoringSchedule {
        name: name.into(),
        definition: None,
        endpoint: Some(endpoint.into()),
        kind: kind.into(),
        status: status.into(),
        network: Ok(JobNetwork {
            isolation: safe,
            inter_container_encryption: safe,
        }),
    }
}

/// A chain as the guide wants it (an approved package's artifact, unchanged since, the image
/// by digest), or one whose artifact was written again after the approval.
pub(super) fn chain(poisoned: bool) -> crate::model::Provenance {
    use chrono::TimeZone;
    let at = |h| chrono::Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap();
    crate::model::Provenance {
        variant: "AllTraffic".into(),
        model: "m".into(),
        image: crate::model::ImageRef {
            uri: "1.dkr.ecr.eu-west-1.amazonaws.com/serve@sha256:00".into(),
            digest: Some("sha256:00".into()),
            ..Default::default()
        },
        artifact: crate::model::ArtifactRef {
            url: "s3://models/m/model.tar.gz".into(),
            last_modified: Some(at(if poisoned { 12 } else { 8 })),
            ..Default::default()
        },
        package: Some(crate::model::PackageRef {
            arn: "arn:aws:sagemaker:eu-west-1:1:model-package/m/1".into(),
            status: "Approved".into(),
            approved_at: Some(at(10)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The wider SageMaker surface, each part set up with care (`safe`) or not.
pub(super) fn surface(safe: bool) -> MlSurface {
    let key = safe.then(|| "key".to_string());
    MlSurface {
        feature_groups: Ok(vec![FeatureGroup {
            name: "fg".into(),
            online: Some(StoreKey {
                kms_key: key.clone(),
                storage: "Standard".into(),
            }),
            offline: Some(StoreKey {
                kms_key: key.clone(),
                storage: String::new(),
            }),
        }]),
        studio_images: Ok(vec![TaggedResource {
            kind: "image",
            name: "img".into(),
            tag_keys: if safe { vec!["team".into()] } else { vec![] },
        }]),
        inference_experiments: Ok(vec![InferenceExperiment {
            name: "shadow".into(),
            storage_key: key.clone(),
            capture: Some(key.clone()),
        }]),
        job_definitions: Ok(vec![JobDefinition {
            kind: "ModelBias",
            name: "bias".into(),
            isolation: safe,
            inter_container_encryption: safe,
            instance_count: 2,
        }]),
        volume_jobs: Ok(vec![VolumeJob {
            kind: "processing",
            name: "prep".into(),
            volume_kms_key: key.clone(),
            output_kms_key: key.clone(),
        }]),
        automl_jobs: Ok(vec![AutoMlJob {
            name: "auto".into(),
            inter_container_encryption: safe,
            volume_kms_key: key,
        }]),
        malware_plans: Ok(if safe { vec!["models".into()] } else { vec![] }),
        studio: Ok(Studio {
            people: vec![
                StudioPerson {
                    kind: "user profile",
                    name: "alice".into(),
                    domain: "d-1".into(),
                    role: Some("arn:aws:iam::123456789012:role/sagemaker-role".into()),
                    shared: false,
                },
                StudioPerson {
                    kind: "space",
                    name: "team".into(),
                    domain: "d-1".into(),
                    role: None,
                    shared: !safe,
                },
            ],
            lifecycle_configs: vec![StudioScript {
                name: "setup".into(),
                app_type: "JupyterLab".into(),
                text: if safe {
                    "#!/bin/bash\nset -e\n".into()
                } else {
                    "#!/bin/bash\nexport HF_TOKEN=hf_QmVxWq7TzLpR3nYcKd8sJfH2gBvXe5uMoA\ncurl -s https://example.com/setup.sh | bash\n".into()
                },
            }],
            apps: vec![StudioApp {
                name: "default".into(),
                owner: "alice".into(),
                app_type: "JupyterLab".into(),
                instance_type: Some(
                    if safe {
                        "ml.t3.medium"
                    } else {
                        "ml.g5.2xlarge"
                    }
                    .into(),
                ),
            }],
        }),
        hyperpod: Ok(vec![HyperPodCluster {
            name: "pretrain".into(),
            subnets: if safe {
                vec!["subnet-a".into()]
            } else {
                vec![]
            },
            security_groups: vec!["sg-1".into()],
            groups: vec![HyperPodGroup {
                name: "workers".into(),
                role: "arn:aws:iam::123456789012:role/sagemaker-role".into(),
                script: Some("s3://sagemaker-lifecycle/on_create.sh".into()),
                script_text: Ok(if safe {
                    "#!/bin/bash\nset -e\n".into()
                } else {
                    "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n".into()
                }),
                writable_by: Ok(if safe {
                    vec![]
                } else {
                    vec!["intruder-role".into()]
                }),
            }],
        }]),
    }
}
