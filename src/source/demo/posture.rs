//! The demo account's configuration, as the AWS APIs would report it: the seed guide's
//! platform with some controls missing, so every checklist status is on show. The checklist
//! is evaluated from it by the same code that evaluates a live account.

use super::{ACCOUNT, REGION, VPC, VPC_CIDR};
use crate::checklist::posture::*;

fn subnet(id: &str, cidr: &str, route: DefaultRoute) -> Subnet {
    Subnet {
        id: id.into(),
        cidr: cidr.into(),
        default_route: route,
    }
}

fn endpoint(i: usize, svc: &str, kind: &str) -> VpcEndpoint {
    VpcEndpoint {
        id: format!("vpce-0d4e5f6a7b8c9d0e{i}"),
        vpc_id: VPC.into(),
        service: format!("com.amazonaws.{REGION}.{svc}"),
        kind: kind.into(),
        state: "available".into(),
    }
}

fn alarm(endpoint: &str, metric: &str, threshold: f64, topic: &str) -> Alarm {
    let suffix = if metric == "ModelLatency" {
        "latency"
    } else {
        "5xx"
    };
    Alarm {
        name: format!("{endpoint}-{suffix}"),
        namespace: "AWS/SageMaker".into(),
        metric: metric.into(),
        endpoint: Some(endpoint.into()),
        threshold,
        period_seconds: 300,
        actions_enabled: true,
        alarm_actions: vec![topic.into()],
    }
}

fn waf_rules() -> Vec<WafRule> {
    vec![
        WafRule::RateBased {
            name: "rate-limit".into(),
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
    ]
}

pub fn posture(
    endpoints: &[crate::model::Endpoint],
    groups: crate::model::SecurityGroupsData,
    now: chrono::DateTime<chrono::Utc>,
) -> Posture {
    let days = |d: i64| Some(now - chrono::Duration::days(d));
    let topic = format!("arn:aws:sns:{REGION}:{ACCOUNT}:studyai-dev-security-alerts");
    // Two endpoints have no alarms yet; the rest follow the guide.
    let mut alarms = Vec::new();
    for e in endpoints.iter().filter(|e| {
        !matches!(
            e.name.as_str(),
            "studyai-dev-ollama-qwen2" | "studyai-stg-ticket-classifier"
        )
    }) {
        alarms.push(alarm(&e.name, "Invocation5XXErrors", 5.0, &topic));
        alarms.push(alarm(&e.name, "ModelLatency", 10_000_000.0, &topic));
    }
    // The CIS alarm on unauthorized calls exists; the one on root use was never made.
    alarms.push(Alarm {
        name: "studyai-dev-unauthorized-api-calls".into(),
        namespace: "CloudTrailMetrics".into(),
        metric: "UnauthorizedAPICalls".into(),
        endpoint: None,
        threshold: 1.0,
        period_seconds: 300,
        actions_enabled: true,
        alarm_actions: vec![topic.clone()],
    });
    let trail_group = "studyai-dev-cloudtrail";
    let region = RegionPosture {
        region: REGION.into(),
        vpcs: Ok(vec![Vpc {
            id: VPC.into(),
            cidr: VPC_CIDR.into(),
            is_default: false,
            tags: vec![("Name".into(), "studyai-dev".into())],
            subnets: vec![
                subnet(
                    "subnet-0a00",
                    "10.0.0.0/24",
                    DefaultRoute::InternetGateway("igw-0b1c2d3e4f5a6b7c8".into()),
                ),
                subnet(
                    "subnet-0a01",
                    "10.0.1.0/24",
                    DefaultRoute::InternetGateway("igw-0b1c2d3e4f5a6b7c8".into()),
                ),
                subnet(
                    "subnet-0a10",
                    "10.0.10.0/24",
                    DefaultRoute::NatGateway {
                        id: "nat-0f1e2d3c4b5a69788".into(),
                        active: true,
                    },
                ),
                subnet(
                    "subnet-0a11",
                    "10.0.11.0/24",
                    DefaultRoute::NatGateway {
                        id: "nat-0f1e2d3c4b5a69788".into(),
                        active: true,
                    },
                ),
            ],
        }]),
        // ECR and CloudWatch Logs still go out through the NAT gateway.
        vpc_endpoints: Ok(vec![
            endpoint(1, "sagemaker.api", "Interface"),
            endpoint(2, "sagemaker.runtime", "Interface"),
            endpoint(3, "s3", "Gateway"),
        ]),
        nat_gateways: Ok(vec![NatGateway {
            id: "nat-0f1e2d3c4b5a69788".into(),
            vpc_id: VPC.into(),
            subnet_id: "subnet-0a00".into(),
            state: "available".into(),
        }]),
        flow_logs: Ok(vec![FlowLog {
            id: "fl-0c1d2e3f4a5b6c7d8".into(),
            resource_id: VPC.into(),
            status: "ACTIVE".into(),
            destination: "/aws/vpc/flow-logs/studyai-dev".into(),
        }]),
        ebs_encryption_by_default: Ok(true),
        security_groups: Ok(crate::checklist::posture::judged_groups(groups).into()),
        notebooks: Ok(vec![
            Notebook {
                name: "studyai-dev-research".into(),
                direct_internet_access: false,
                root_access: false,
                minimum_imds: "2".into(),
                platform: Some(crate::checklist::SUPPORTED_NOTEBOOK_PLATFORM.into()),
                subnet_id: Some("subnet-0a10".into()),
                kms_key_id: Some(format!(
                    "arn:aws:kms:{REGION}:{ACCOUNT}:key/7f3c2a1e-5b6d-4c8f-9a0b-1c2d3e4f5a6b"
                )),
                lifecycle: Some(Lifecycle {
                    config: "studyai-dev-research-setup".into(),
                    scripts: Ok(vec![Script {
                        hook: "OnStart".into(),
                        text: "#!/bin/bash\nset -e\nsudo -u ec2-user -i pip install --upgrade sagemaker\n".into(),
                    }]),
                }),
            },
            // Someone's scratch notebook, made with the console's defaults.
            Notebook {
                name: "studyai-dev-scratch-alice".into(),
                direct_internet_access: true,
                root_access: false,
                // The console's defaults, a year ago.
                minimum_imds: "1".into(),
                platform: Some("notebook-al2-v2".into()),
                subnet_id: None,
                kms_key_id: Some(format!(
                    "arn:aws:kms:{REGION}:{ACCOUNT}:key/7f3c2a1e-5b6d-4c8f-9a0b-1c2d3e4f5a6b"
                )),
                // Pasted from a tutorial: the Hugging Face token is in the script.
                lifecycle: Some(Lifecycle {
                    config: "alice-hf-login".into(),
                    scripts: Ok(vec![Script {
                        hook: "OnStart".into(),
                        text: "#!/bin/bash\nsudo -u ec2-user -i huggingface-cli login --token hf_QmVxWq7TzLpR3nYcKd8sJfH2gBvXe5uMoA\n".into(),
                    }]),
                }),
            },
        ]),
        endpoints: Ok(endpoints
            .iter()
            .map(|e| EndpointEncryption {
                endpoint: e.name.clone(),
                config: format!("{}-config", e.name),
                kms_key_id: e.kms_key_id.clone(),
                variants: e.variants.clone(),
                served: vec![],
                // The embeddings are computed in batches, answered through S3.
                async_output: (e.name == "studyai-dev-embeddings").then(|| AsyncOutput {
                    output: Some("s3://studyai-dev-sagemaker-models/embeddings/async-out/".into()),
                    failure: Some(
                        "s3://studyai-dev-sagemaker-models/embeddings/async-failed/".into(),
                    ),
                    kms_key: Some("alias/studyai-dev-sagemaker".into()),
                }),
            })
            .collect()),
        // What each endpoint serves, as its pane shows it.
        serving: Ok(endpoints
            .iter()
            .map(|e| Serving {
                endpoint: e.name.clone(),
                chains: e.provenance.clone(),
            })
            .collect()),
        // The LLM fine-tunes are registered; nothing else is.
        model_package_groups: Ok(vec![PackageGroup {
            name: "studyai-dev-llm-finetunes".into(),
            approved: true,
        }]),
        models: Ok(endpoints
            .iter()
            .map(|e| Model {
                name: format!("{}-model", e.name),
                network_isolation: false,
                in_vpc: true,
                s3_uris: vec![format!(
                    "s3://studyai-dev-sagemaker-models/{}/model.tar.gz",
                    e.name
                )],
                // Pulled from ECR through its VPC endpoints, as most teams do.
                images: e
                    .provenance
                    .iter()
                    .map(|c| (c.image.uri.clone(), None))
                    .collect(),
            })
            .collect()),
        training_jobs: Ok(vec![
            TrainingJob {
                name: "studyai-dev-classifier-2026-11-20".into(),
                network_isolation: false,
                in_vpc: true,
                inter_container_encryption: true,
                // The classifier's output goes to the bucket's default key only.
                volume_kms_key: Some("alias/studyai-dev-sagemaker".into()),
                output_kms_key: None,
                // Trained on the tickets users upload, straight from the uploads bucket.
                s3_uris: vec![
                    "s3://studyai-dev-uploads/tickets/".into(),
                    "s3://studyai-dev-sagemaker-models/classifier/".into(),
                ],
            },
            TrainingJob {
                name: "studyai-dev-embeddings-ft-2026-11-18".into(),
                network_isolation: true,
                in_vpc: true,
                inter_container_encryption: true,
                volume_kms_key: Some("alias/studyai-dev-sagemaker".into()),
                output_kms_key: Some("alias/studyai-dev-sagemaker".into()),
                s3_uris: vec!["s3://studyai-dev-sagemaker-models/embeddings/".into()],
            },
        ]),
        // The research domain is private and on Identity Center, but was made before the
        // team had its own key.
        studio_domains: Ok(vec![StudioDomain {
            name: "studyai-dev-research".into(),
            vpc_only: true,
            auth_mode: "SSO".into(),
            identity_center: true,
            kms_key: None,
        }]),
        // The two LLMs are watched for data quality, the flagship for bias too; the others
        // are not watched.
        monitoring_schedules: Ok(vec![
            monitor("studyai-dev-llama3-8b-data-quality", "studyai-dev-llama3-8b", "DataQuality"),
            monitor("studyai-dev-llama3-8b-bias", "studyai-dev-llama3-8b", "ModelBias"),
            monitor("studyai-dev-mistral-7b-data-quality", "studyai-dev-mistral-7b", "DataQuality"),
        ]),
        kms_keys: Ok(vec![KmsKey {
            id: "7f3c2a1e-5b6d-4c8f-9a0b-1c2d3e4f5a6b".into(),
            alias: Some("alias/studyai-dev-sagemaker".into()),
            rotation_enabled: true,
        }]),
        alarms: Ok(alarms),
        topics: Ok(vec![Topic {
            arn: topic.clone(),
            confirmed: 0,
            pending: 0,
        }]),
        trails: Ok(vec![Trail {
            name: "studyai-dev-sagemaker-trail".into(),
            arn: format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/studyai-dev-sagemaker-trail"),
            home_region: REGION.into(),
            multi_region: true,
            logging: false,
            log_file_validation: true,
            log_group_arn: Some(format!(
                "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{trail_group}:*"
            )),
        }]),
        metric_filters: Ok(vec![MetricFilter {
            log_group: trail_group.into(),
            name: "unauthorized-api-calls".into(),
            pattern: r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#.into(),
            namespace: "CloudTrailMetrics".into(),
            metric: "UnauthorizedAPICalls".into(),
        }]),
        // The serving images are scanned; the training image repository predates the rule.
        ecr: Ok(EcrRegistry {
            repositories: vec![
                EcrRepository {
                    name: "studyai-dev/llm-serving".into(),
                    scan_on_push: true,
                },
                EcrRepository {
                    name: "studyai-dev/training".into(),
                    scan_on_push: false,
                },
            ],
            scanning_filters: Vec::new(),
        }),
        detectors: Ok(vec![Detector {
            id: "12abc34d567e8fa901bc2d34e56789f0".into(),
            status: "ENABLED".into(),
            s3_protection: true,
            ai_protection: true,
        }]),
        security_hub: Ok(Some(vec![
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0".into(),
        ])),
        web_acls: Ok(vec![WebAcl {
            name: "studyai-dev-sagemaker-waf".into(),
            rules: waf_rules(),
        }]),
        config: Ok(ConfigService::default()),
        analyzers: Ok(vec![Analyzer {
            name: "studyai-dev-sagemaker-analyzer".into(),
            kind: "ACCOUNT".into(),
            status: "ACTIVE".into(),
        }]),
        ml: super::surface::ml_surface(),
    };
    let bucket = |name: &str, alg: &str, tls: bool| Bucket {
        name: name.into(),
        encryption: Ok(Some(alg.into())),
        versioning: Ok(true),
        public_access_blocked: Ok(true),
        tls_enforced: Ok(tls),
        // Logged to the trail's bucket, except the log bucket itself and the uploads.
        access_log_target: Ok((!matches!(
            name,
            "studyai-dev-cloudtrail-logs" | "studyai-dev-uploads"
        ))
        .then(|| "studyai-dev-cloudtrail-logs".to_string())),
        // The models bucket answers only through the VPC's S3 gateway endpoint.
        vpce_only: Ok(if name == "studyai-dev-sagemaker-models" {
            vec!["vpce-0d4e5f6a7b8c9d0e3".into()]
        } else {
            Vec::new()
        }),
        tags: Ok(vec![("team".into(), "studyai".into())]),
    };
    Posture {
        read_at: now,
        // The data scientists' role carries the guide's deny; the CI role that trains the
        // classifier was made later, without it.
        workload_guardrails: Ok(vec![
            RoleGuardrail {
                role: "studyai-dev-data-scientist".into(),
                allowed: Vec::new(),
                denied: WORKLOAD_ACTIONS.iter().map(|a| a.to_string()).collect(),
            },
            RoleGuardrail {
                role: "studyai-dev-ci-training".into(),
                allowed: vec![
                    "sagemaker:CreateTrainingJob".into(),
                    "sagemaker:CreateModel".into(),
                ],
                denied: Vec::new(),
            },
        ]),
        // The CI user's key (the one that leaked) was last rotated 212 days ago; a data
        // scientist signs in to the console without MFA.
        credentials: Ok(vec![
            UserCredentials {
                user: "devops-ci".into(),
                password_enabled: false,
                mfa_active: false,
                keys: vec![KeyUse {
                    number: 1,
                    active: true,
                    last_rotated: days(212),
                    last_used: days(0),
                }],
            },
            UserCredentials {
                user: "data-scientist-1".into(),
                password_enabled: true,
                mfa_active: false,
                keys: vec![KeyUse {
                    number: 1,
                    active: true,
                    last_rotated: days(30),
                    last_used: days(1),
                }],
            },
            UserCredentials {
                user: "alice".into(),
                password_enabled: true,
                mfa_active: true,
                keys: vec![],
            },
        ]),
        regions: vec![region],
        buckets: Ok(vec![
            bucket("studyai-dev-sagemaker-models", "aws:kms", true),
            bucket("studyai-dev-uploads", "AES256", false),
            bucket("studyai-dev-cloudtrail-logs", "aws:kms", true),
            bucket("studyai-dev-terraform-state", "aws:kms", true),
        ]),
        account_public_access_blocked: Ok(false),
        password_policy: Ok(Some(PasswordPolicy {
            minimum_length: 8,
            require_lowercase: true,
            require_uppercase: true,
            require_numbers: true,
            require_symbols: false,
            max_age_days: Some(90),
            reuse_prevention: Some(24),
        })),
        root_mfa: Ok(true),
        // The demo caller's read-only role lacks one IAM permission, to show `unknown`.
        roles: Ok(vec![Role {
            name: "studyai-dev-sagemaker-role".into(),
            trusted_services: vec!["sagemaker.amazonaws.com".into()],
            grants: vec![Grant::Unreadable {
                policy: "sagemaker-inline".into(),
                why:
                    "iam:GetRolePolicy in ap-southeast-1: access denied; the caller needs iam:GetRolePolicy"
                        .into(),
            }],
        }]),
    }
}

/// A running monitoring schedule, isolated with its traffic encrypted.
fn monitor(name: &str, endpoint: &str, kind: &str) -> MonitoringSchedule {
    MonitoringSchedule {
        definition: (kind == "DataQuality" && name == "studyai-dev-llama3-8b-data-quality")
            .then(|| "studyai-dev-llama3-8b-dq-definition".into()),
        name: name.into(),
        endpoint: Some(endpoint.into()),
        kind: kind.into(),
        status: "Scheduled".into(),
        network: Ok(JobNetwork {
            isolation: true,
            inter_container_encryption: true,
        }),
    }
}
