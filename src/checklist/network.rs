//! Network items: the VPC, its endpoints and NAT, security groups, and how SageMaker notebooks, models and training jobs reach the network.

use super::ItemDef;
use super::posture::*;
use super::verdict::{Tally, Verdict, names, region_names};
use super::workloads::*;
use crate::model::{Category, Direction, Importance, Peer, Risk};

pub(super) const ITEMS: &[ItemDef] = &[
    ItemDef {
        id: "network.custom_vpc",
        category: Category::Network,
        importance: Importance::High,
        title: "Custom VPC with private subnets",
        problem: "No custom VPC with private subnets",
        remediation: "Run SageMaker in a dedicated VPC with private subnets (no route to an internet gateway).",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["vpc_subnet_separate_private_public"],
        prowler_note: "Prowler's vpc_subnet_separate_private_public judges every VPC, the default one too; this item asks, as the guide does, for one custom VPC with private subnets for SageMaker and leaves the default VPC alone.",
        security_hub: &[],
        eval: Some(|p, _| custom_vpc(p)),
    },
    ItemDef {
        id: "network.vpc_endpoints",
        category: Category::Network,
        importance: Importance::Medium,
        title: "VPC endpoints for AWS services",
        problem: "VPC endpoints for AWS services missing",
        remediation: "Add interface endpoints for sagemaker.api, sagemaker.runtime, ECR and logs, and an S3 gateway endpoint.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| vpc_endpoints(p)),
    },
    ItemDef {
        id: "network.security_groups",
        category: Category::Network,
        importance: Importance::High,
        title: "Security groups with minimal access",
        problem: "Security groups open beyond minimal access",
        remediation: "Remove rules that open admin or database ports to the internet; scope peers to groups or VPC ranges.",
        seed: "004_aeddce46cc826ffb.txt",
        prowler: &[
            "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
            "ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_sql_server_1433_1434",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_oracle_1521_2483",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mongodb_27017_27018",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_memcached_11211",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_cassandra_7199_9160_8888",
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601",
        ],
        prowler_note: "",
        security_hub: &["EC2.13", "EC2.14", "EC2.19", "EC2.53", "EC2.54"],
        eval: Some(|p, _| security_groups(p)),
    },
    ItemDef {
        id: "network.nat_gateway",
        category: Category::Network,
        importance: Importance::Low,
        title: "NAT gateway for outbound internet",
        problem: "No NAT gateway for outbound internet",
        remediation: "Give private subnets that need egress a route to an available NAT gateway in a public subnet.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| nat_gateway(p)),
    },
    ItemDef {
        id: "network.notebook_internet",
        category: Category::Network,
        importance: Importance::High,
        title: "Notebooks without direct internet access",
        problem: "Notebooks with direct internet access",
        remediation: "Create notebook instances with DirectInternetAccess=Disabled in a private subnet.",
        seed: "001_3b5f6a000644dda0.txt",
        prowler: &["sagemaker_notebook_instance_without_direct_internet_access_configured"],
        prowler_note: "",
        security_hub: &["SageMaker.1"],
        eval: Some(|p, _| notebook_internet(p)),
    },
    ItemDef {
        id: "network.notebook_root",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Notebooks without root access",
        problem: "Notebooks with root access",
        remediation: "Set RootAccess=Disabled on notebook instances.",
        seed: "001_3b5f6a000644dda0.txt",
        prowler: &["sagemaker_notebook_instance_root_access_disabled"],
        prowler_note: "",
        security_hub: &["SageMaker.3"],
        eval: Some(|p, _| notebook_root(p)),
    },
    ItemDef {
        id: "network.notebook_vpc",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Notebooks inside a VPC",
        problem: "Notebooks outside a VPC",
        remediation: "Launch notebook instances with a SubnetId and security groups in the SageMaker VPC.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &["sagemaker_notebook_instance_vpc_settings_configured"],
        prowler_note: "",
        security_hub: &["SageMaker.2"],
        eval: Some(|p, _| notebook_vpc(p)),
    },
    ItemDef {
        id: "network.model_isolation",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Models network-isolated or in a VPC",
        problem: "Models neither network-isolated nor in a VPC",
        remediation: "Create models with VpcConfig (private subnets) or EnableNetworkIsolation.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &[
            "sagemaker_models_network_isolation_enabled",
            "sagemaker_models_vpc_settings_configured",
        ],
        prowler_note: "A model only serverless endpoints serve is left out here, as AWS's serverless exclusions allow it neither a VPC nor network isolation; Security Hub's SageMaker.5 (and Prowler) still fail it.",
        security_hub: &["SageMaker.5"],
        eval: Some(|p, _| model_isolation(p)),
    },
    ItemDef {
        id: "network.training_isolation",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Training jobs network-isolated or in a VPC",
        problem: "Training jobs neither network-isolated nor in a VPC",
        remediation: "Start training jobs with VpcConfig (private subnets) or EnableNetworkIsolation.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &[
            "sagemaker_training_jobs_network_isolation_enabled",
            "sagemaker_training_jobs_vpc_settings_configured",
        ],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| training_isolation(p)),
    },
    ItemDef {
        id: "network.training_encryption",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Inter-container traffic encryption",
        problem: "Inter-container traffic not encrypted",
        remediation: "Start training jobs with EnableInterContainerTrafficEncryption.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &["sagemaker_training_jobs_intercontainer_encryption_enabled"],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| training_encryption(p)),
    },
    ItemDef {
        id: "network.endpoint_instances",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Endpoints on two instances or more",
        problem: "Endpoint variants on a single instance",
        remediation: "Give each production variant an instance count of 2 or more, so one instance's failure (or its Availability Zone's) does not take the endpoint down (Security Hub SageMaker.4).",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &["sagemaker_endpoint_config_prod_variant_instances"],
        prowler_note: "Prowler reads the endpoint configs' initial instance counts; this item reads what each in-service endpoint runs now (auto scaling included), and leaves serverless variants out.",
        security_hub: &["SageMaker.4"],
        eval: Some(|p, _| endpoint_instances(p)),
    },
    ItemDef {
        id: "network.monitoring_isolation",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Model monitoring jobs isolated",
        problem: "Model monitoring jobs not isolated",
        remediation: "Enable network isolation and inter-container traffic encryption in the NetworkConfig of every monitoring schedule or its job definition (they read endpoint traffic captured from production).",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &[],
        prowler_note: "Prowler has no check for it; Security Hub's SageMaker controls judge the same two settings on each job definition, this item on the schedules that run them.",
        security_hub: &[
            "SageMaker.9",
            "SageMaker.10",
            "SageMaker.11",
            "SageMaker.12",
            "SageMaker.13",
            "SageMaker.14",
            "SageMaker.15",
            "SageMaker.20",
            "SageMaker.22",
            "SageMaker.25",
        ],
        eval: Some(|p, _| super::model_monitoring::isolation(p)),
    },
    ItemDef {
        id: "network.s3_vpce_only",
        category: Category::Network,
        importance: Importance::High,
        title: "SageMaker buckets only via the VPC endpoint",
        problem: "SageMaker's buckets reachable outside the VPC",
        remediation: "Add to each bucket SageMaker reads or writes a policy statement denying everyone unless aws:sourceVpce is the VPC's S3 endpoint, so data and models cannot leave through other networks.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &[],
        prowler_note: "Prowler has no check for it.",
        security_hub: &[],
        eval: Some(|p, _| super::preventive::s3_vpce_only(p)),
    },
];

/// Custom VPCs with at least one private subnet: where SageMaker should run.
fn sagemaker_vpcs(vpcs: &[Vpc]) -> impl Iterator<Item = &Vpc> {
    vpcs.iter()
        .filter(|v| !v.is_default && v.subnets.iter().any(|s| !s.is_public()))
}

fn has_sagemaker_workloads(r: &RegionPosture) -> bool {
    let endpoints = r.endpoints.as_ref().is_ok_and(|e| !e.is_empty());
    let notebooks = r.notebooks.as_ref().is_ok_and(|n| !n.is_empty());
    endpoints || notebooks
}

fn custom_vpc(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(vpcs) = t.read(&r.vpcs) else {
            continue;
        };
        let found: Vec<&Vpc> = sagemaker_vpcs(vpcs).collect();
        for v in &found {
            let private: Vec<String> = v
                .subnets
                .iter()
                .filter(|s| !s.is_public())
                .map(|s| format!("{} ({})", s.id, s.cidr))
                .collect();
            t.pass(format!(
                "{} ({}): private subnets {}",
                v.id,
                v.cidr,
                names(&private)
            ));
        }
        if found.is_empty() && has_sagemaker_workloads(r) {
            let custom = vpcs.iter().filter(|v| !v.is_default).count();
            t.fail(if custom == 0 {
                format!("{}: SageMaker runs with only the default VPC", r.region)
            } else {
                format!(
                    "{}: {custom} custom VPC(s) but no private subnet (every subnet routes to an internet gateway)",
                    r.region
                )
            });
        }
    }
    if t.passes.is_empty() && t.fails.is_empty() && t.gaps.is_empty() {
        t.fail(format!(
            "no custom VPC with private subnets in {}",
            region_names(p)
        ));
    }
    t.verdict("")
}

/// The services the guide routes through VPC endpoints, and the endpoint type each needs.
pub(super) const ENDPOINT_SERVICES: &[(&str, &str)] = &[
    ("sagemaker.api", "Interface"),
    ("sagemaker.runtime", "Interface"),
    ("s3", "Gateway"),
    ("ecr.api", "Interface"),
    ("ecr.dkr", "Interface"),
    ("logs", "Interface"),
];

/// The required services a VPC has no usable endpoint for.
fn missing_endpoints(vpc: &Vpc, endpoints: &[VpcEndpoint], region: &str) -> Vec<&'static str> {
    ENDPOINT_SERVICES
        .iter()
        .filter(|(svc, kind)| {
            let name = format!("com.amazonaws.{region}.{svc}");
            !endpoints.iter().any(|e| {
                e.vpc_id == vpc.id
                    && e.service == name
                    && e.kind.eq_ignore_ascii_case(kind)
                    && matches!(e.state.to_lowercase().as_str(), "available" | "pending")
            })
        })
        .map(|(svc, _)| *svc)
        .collect()
}

fn vpc_endpoints(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut any_vpc = false;
    for r in &p.regions {
        let (Some(vpcs), Some(eps)) = (t.read(&r.vpcs), t.read(&r.vpc_endpoints)) else {
            continue;
        };
        for v in sagemaker_vpcs(vpcs) {
            any_vpc = true;
            let missing = missing_endpoints(v, eps, &r.region);
            if missing.is_empty() {
                t.pass(format!(
                    "{}: all of {}",
                    v.id,
                    ENDPOINT_SERVICES
                        .iter()
                        .map(|(s, _)| *s)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else if missing.len() == ENDPOINT_SERVICES.len() {
                t.fail(format!("{}: no VPC endpoints", v.id));
            } else {
                t.warn(format!("{}: missing {}", v.id, missing.join(", ")));
            }
        }
    }
    if !any_vpc && t.gaps.is_empty() {
        t.fail("no custom VPC with private subnets to check (see network.custom_vpc)");
    }
    t.verdict("")
}

fn is_internet(peer: &Peer) -> bool {
    matches!(peer, Peer::Ipv4(c) if &**c == "0.0.0.0/0")
        || matches!(peer, Peer::Ipv6(c) if &**c == "::/0")
}

/// The rules the checklist judges: ingress from the internet. The others are dropped from the
/// checklist's read, so it never holds a second copy of the security groups pane's data.
pub fn judged_rule(rule: &crate::model::Rule) -> bool {
    rule.grant().direction == Direction::Ingress && is_internet(&rule.grant().peer)
}

fn security_groups(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut groups = 0;
    for r in &p.regions {
        let Some(sgs) = t.read(&r.security_groups).map(|d| &d.groups) else {
            continue;
        };
        groups += sgs.len();
        for g in sgs {
            for rule in &g.rules {
                if !judged_rule(rule) {
                    continue;
                }
                let ports = if rule.is_all_traffic() {
                    "all traffic".to_string()
                } else {
                    format!("{} {}", rule.grant().protocol, rule.ports_label())
                };
                let what = format!("{} ({}) {ports} from {}", g.id, g.name, rule.grant().peer);
                if rule.grant().risk >= Risk::High {
                    t.fail(what);
                } else if rule.grant().risk == Risk::Medium {
                    t.warn(what);
                }
            }
        }
    }
    t.verdict(&format!(
        "{groups} security group(s); none opens admin or database ports to the internet"
    ))
}

fn nat_gateway(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut any_vpc = false;
    for r in &p.regions {
        let (Some(vpcs), Some(nats), Some(eps)) = (
            t.read(&r.vpcs),
            t.read(&r.nat_gateways),
            t.read(&r.vpc_endpoints),
        ) else {
            continue;
        };
        for v in sagemaker_vpcs(vpcs) {
            any_vpc = true;
            let private: Vec<&Subnet> = v.subnets.iter().filter(|s| !s.is_public()).collect();
            let mut via_nat: Vec<(&str, &str)> = Vec::new();
            let mut isolated: Vec<&str> = Vec::new();
            for s in &private {
                match &s.default_route {
                    DefaultRoute::NatGateway { id, active } => {
                        let available = nats.iter().any(|n| &n.id == id && n.state == "available");
                        if !active || !available {
                            t.fail(format!(
                                "{}: default route to {id}, which is not available (blackhole)",
                                s.id
                            ));
                        } else {
                            via_nat.push((s.id.as_str(), id.as_str()));
                        }
                    }
                    DefaultRoute::None => isolated.push(&s.id),
                    DefaultRoute::InternetGateway(_) | DefaultRoute::Other(_) => {}
                }
            }
            if !via_nat.is_empty() {
                let mut gws: Vec<&str> = via_nat.iter().map(|(_, n)| *n).collect();
                gws.dedup();
                let subnets: Vec<&str> = via_nat.iter().map(|(s, _)| *s).collect();
                t.pass(format!(
                    "{}: {} from {}",
                    v.id,
                    names(&gws),
                    names(&subnets)
                ));
            }
            if !isolated.is_empty() {
                let missing = missing_endpoints(v, eps, &r.region);
                if missing.is_empty() {
                    t.pass(format!(
                        "{}: {} without internet egress, served by VPC endpoints",
                        v.id,
                        names(&isolated)
                    ));
                } else {
                    t.warn(format!(
                        "{}: {} have no NAT route and no endpoint for {}",
                        v.id,
                        names(&isolated),
                        missing.join(", ")
                    ));
                }
            }
        }
    }
    if !any_vpc && t.gaps.is_empty() {
        t.fail("no custom VPC with private subnets to route (see network.custom_vpc)");
    }
    t.verdict("")
}

#[cfg(test)]
mod tests {
    use super::super::posture::*;
    use super::super::testkit::*;
    use crate::checklist::evaluate;
    use crate::metrics::Thresholds;
    use crate::model::{CheckStatus, SecurityGroupsData};

    #[test]
    fn the_checklists_groups_keep_what_it_judges_and_judge_the_same() {
        use crate::model::{Direction, Peer, Risk};
        let mut internal = open_rule(5432, Risk::Low);
        internal.grant_mut().peer = Peer::Ipv4("10.0.0.0/16".into());
        let mut egress = open_rule(443, Risk::Low);
        egress.grant_mut().direction = Direction::Egress;
        let ssh = open_rule(22, Risk::Critical);
        let mut ipv6_ssh = open_rule(22, Risk::Critical);
        ipv6_ssh.grant_mut().peer = Peer::Ipv6("::/0".into());
        let all = groups(vec![internal, egress, ssh.clone(), ipv6_ssh.clone()]);
        let judged = judged_groups(all.clone());
        assert_eq!(judged.groups.len(), 1, "every group stays, for the count");
        assert_eq!(*judged.groups[0].rules, [ssh, ipv6_ssh]);

        let verdict = |data: SecurityGroupsData| {
            let mut p = passing();
            p.regions[0].security_groups = Ok(data.into());
            status_of(
                &evaluate(&p, &Thresholds::default()),
                "network.security_groups",
            )
        };
        assert_eq!(verdict(judged), verdict(all));
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

    /// #30: a model only a serverless endpoint serves can have neither a VPC nor network
    /// isolation (AWS's serverless exclusions): not applicable, said so, not failed.
    #[test]
    fn a_model_a_serverless_endpoint_serves_is_not_applicable_to_isolation() {
        let mut p = passing();
        let r = &mut p.regions[0];
        if let Ok(models) = &mut r.models {
            models.push(Model {
                name: "m-serverless".into(),
                network_isolation: false,
                in_vpc: false,
                s3_uris: vec![],
                images: vec![],
            });
        }
        if let Ok(eps) = &mut r.endpoints {
            eps.push(EndpointEncryption {
                endpoint: "ep-serverless".into(),
                config: "ep-serverless-config".into(),
                async_output: None,
                kms_key_id: Some("key".into()),
                variants: vec![crate::model::Variant {
                    name: "AllTraffic".into(),
                    instance_type: None,
                    instance_count: None,
                }],
                served: vec![("AllTraffic".into(), "m-serverless".into(), None)],
            });
        }
        let (status, evidence) = status_of(
            &evaluate(&p, &Thresholds::default()),
            "network.model_isolation",
        );
        assert_eq!(status, CheckStatus::Pass, "{evidence}");
        assert!(
            evidence.contains("m-serverless (served serverless: not applicable)"),
            "{evidence}"
        );
    }
}
