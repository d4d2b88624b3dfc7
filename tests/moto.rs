//! secdash against a real AWS API emulator: moto's standalone server (with the harness's
//! additions for what moto 5.2.5 lacks, see tests/moto/secdash_moto.py). Each test seeds its
//! own server through the AWS API, runs secdash, and checks that what it shows equals what was
//! seeded, and that it made the fewest calls.

mod support;

use assert_cmd::Command;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, UserIdGroupPair};
use aws_sdk_sagemaker::types::{
    ContainerDefinition, ProductionVariant, ProductionVariantInstanceType,
};
use serde_json::Value;
use support::moto::{Moto, Seen, finding};

const REGION: &str = "ap-southeast-1";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

async fn create_endpoint(
    cfg: &aws_config::SdkConfig,
    name: &str,
    variants: &[(&str, i32)],
    kms: bool,
) {
    let sm = aws_sdk_sagemaker::Client::new(cfg);
    let model = format!("{name}-model");
    sm.create_model()
        .model_name(&model)
        .execution_role_arn(format!(
            "arn:aws:iam::{}:role/sagemaker",
            support::moto::ACCOUNT
        ))
        .primary_container(
            ContainerDefinition::builder()
                .image("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/llm:1")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut config = sm
        .create_endpoint_config()
        .endpoint_config_name(format!("{name}-config"));
    for (variant, count) in variants {
        config = config.production_variants(
            ProductionVariant::builder()
                .variant_name(*variant)
                .model_name(&model)
                .initial_instance_count(*count)
                .instance_type(ProductionVariantInstanceType::MlG4DnXlarge)
                .build(),
        );
    }
    if kms {
        config = config.kms_key_id(
            "arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        );
    }
    config.send().await.unwrap();
    sm.create_endpoint()
        .endpoint_name(name)
        .endpoint_config_name(format!("{name}-config"))
        .send()
        .await
        .unwrap();
}

/// Puts one datapoint a minute, `minutes_ago` before the current whole minute.
async fn put(
    cfg: &aws_config::SdkConfig,
    endpoint: &str,
    variant: &str,
    metric: &str,
    unit: StandardUnit,
    points: &[(i64, f64)],
) {
    let cw = aws_sdk_cloudwatch::Client::new(cfg);
    let now = chrono::Utc::now().timestamp();
    let minute = now - now % 60;
    let data: Vec<MetricDatum> = points
        .iter()
        .map(|(ago, v)| {
            MetricDatum::builder()
                .metric_name(metric)
                .dimensions(
                    Dimension::builder()
                        .name("EndpointName")
                        .value(endpoint)
                        .build(),
                )
                .dimensions(
                    Dimension::builder()
                        .name("VariantName")
                        .value(variant)
                        .build(),
                )
                .timestamp(aws_smithy_types::DateTime::from_secs(minute - ago * 60))
                .value(*v)
                .unit(unit.clone())
                .build()
        })
        .collect();
    cw.put_metric_data()
        .namespace("AWS/SageMaker")
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap();
}

fn tcp(port: i32, cidr: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .ip_ranges(
            IpRange::builder()
                .cidr_ip(cidr)
                .description(format!("port {port}"))
                .build(),
        )
        .build()
}

struct Seeded {
    web: String,
    db: String,
    detector: String,
}

/// The scenario most tests share: two endpoints (one with two variants), three groups, ENIs,
/// and seven findings (one archived).
async fn seed(moto: &Moto) -> Seeded {
    let cfg = moto.sdk(REGION).await;
    create_endpoint(&cfg, "llama", &[("AllTraffic", 2)], true).await;
    create_endpoint(&cfg, "embed", &[("blue", 1), ("green", 1)], false).await;
    let minutes: Vec<i64> = (2..12).collect();
    // llama: 100 calls a minute, 9 5XX in one minute (an alert), 250 ms latency.
    put(
        &cfg,
        "llama",
        "AllTraffic",
        "Invocations",
        StandardUnit::Count,
        &minutes.iter().map(|m| (*m, 100.0)).collect::<Vec<_>>(),
    )
    .await;
    put(
        &cfg,
        "llama",
        "AllTraffic",
        "Invocation5XXErrors",
        StandardUnit::Count,
        &[(3, 9.0)],
    )
    .await;
    put(
        &cfg,
        "llama",
        "AllTraffic",
        "Invocation4XXErrors",
        StandardUnit::Count,
        &[(4, 2.0), (5, 3.0)],
    )
    .await;
    put(
        &cfg,
        "llama",
        "AllTraffic",
        "ModelLatency",
        StandardUnit::Microseconds,
        &minutes.iter().map(|m| (*m, 250_000.0)).collect::<Vec<_>>(),
    )
    .await;
    // embed: blue takes 30 a minute at 100 ms, green 10 a minute at 500 ms; one 5XX a minute.
    put(
        &cfg,
        "embed",
        "blue",
        "Invocations",
        StandardUnit::Count,
        &minutes.iter().map(|m| (*m, 30.0)).collect::<Vec<_>>(),
    )
    .await;
    put(
        &cfg,
        "embed",
        "green",
        "Invocations",
        StandardUnit::Count,
        &minutes.iter().map(|m| (*m, 10.0)).collect::<Vec<_>>(),
    )
    .await;
    put(
        &cfg,
        "embed",
        "blue",
        "ModelLatency",
        StandardUnit::Microseconds,
        &minutes.iter().map(|m| (*m, 100_000.0)).collect::<Vec<_>>(),
    )
    .await;
    put(
        &cfg,
        "embed",
        "green",
        "ModelLatency",
        StandardUnit::Microseconds,
        &minutes.iter().map(|m| (*m, 500_000.0)).collect::<Vec<_>>(),
    )
    .await;
    put(
        &cfg,
        "embed",
        "blue",
        "Invocation5XXErrors",
        StandardUnit::Count,
        &minutes.iter().map(|m| (*m, 1.0)).collect::<Vec<_>>(),
    )
    .await;

    let ec2 = aws_sdk_ec2::Client::new(&cfg);
    let vpc = support::moto::ec2::vpc(&ec2, "10.0.0.0/16").await;
    let subnet = support::moto::ec2::subnet(&ec2, &vpc, "10.0.10.0/24").await;
    use support::moto::ec2::group;
    let web = group(&ec2, &vpc, "web", "web tier").await;
    let app = group(&ec2, &vpc, "app", "app tier").await;
    let db = group(&ec2, &vpc, "db", "db tier").await;
    ec2.authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(tcp(22, "0.0.0.0/0"))
        .ip_permissions(tcp(443, "0.0.0.0/0"))
        .send()
        .await
        .unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(&app)
        .ip_permissions(tcp(6443, "10.0.0.0/16"))
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(30080)
                .to_port(30090)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(&db)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(5432)
                .to_port(5432)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(&app).build())
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(3306)
                .to_port(3306)
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    for (desc, groups) in [
        ("SageMaker Endpoint llama", vec![web.clone()]),
        (
            "VPC Endpoint Interface vpce-0123456789abcdef0",
            vec![web.clone(), db.clone()],
        ),
    ] {
        ec2.create_network_interface()
            .subnet_id(&subnet)
            .description(desc)
            .set_groups(Some(groups))
            .send()
            .await
            .unwrap();
    }

    let gd = aws_sdk_guardduty::Client::new(&cfg);
    let detector = gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id
        .unwrap();
    let findings = serde_json::json!([
        finding(
            &detector,
            REGION,
            Seen {
                id: "a1",
                kind: "Recon:EC2/PortProbeUnprotectedPort",
                severity: 2.0,
                count: 40,
                archived: false,
                last_seen: "2026-11-23T09:00:00.000Z"
            }
        ),
        finding(
            &detector,
            REGION,
            Seen {
                id: "a2",
                kind: "Backdoor:EC2/C&CActivity.B!DNS",
                severity: 8.0,
                count: 3,
                archived: false,
                last_seen: "2026-11-23T10:00:00.000Z"
            }
        ),
        finding(
            &detector,
            REGION,
            Seen {
                id: "a3",
                kind: "AttackSequence:IAM/CompromisedCredentials",
                severity: 9.5,
                count: 1,
                archived: false,
                last_seen: "2026-11-23T11:00:00.000Z"
            }
        ),
        finding(
            &detector,
            REGION,
            Seen {
                id: "a4",
                kind: "UnauthorizedAccess:EC2/SSHBruteForce",
                severity: 5.0,
                count: 1200,
                archived: false,
                last_seen: "2026-11-23T08:00:00.000Z"
            }
        ),
        finding(
            &detector,
            REGION,
            Seen {
                id: "a5",
                kind: "CryptoCurrency:EC2/BitcoinTool.B!DNS",
                severity: 8.0,
                count: 77,
                archived: false,
                last_seen: "2026-11-23T11:30:00.000Z"
            }
        ),
        finding(
            &detector,
            REGION,
            Seen {
                id: "a6",
                kind: "Policy:IAMUser/RootCredentialUsage",
                severity: 2.0,
                count: 1,
                archived: false,
                last_seen: "2026-11-22T08:00:00.000Z"
            }
        ),
        finding(
            &detector,
            REGION,
            Seen {
                id: "a7",
                kind: "Trojan:EC2/DNSDataExfiltration",
                severity: 8.0,
                count: 9,
                archived: true,
                last_seen: "2026-11-23T07:00:00.000Z"
            }
        ),
    ]);
    moto.seed_findings(REGION, &detector, &findings);
    Seeded { web, db, detector }
}

fn secdash(moto: &Moto, args: &[&str]) -> (i32, Value, String) {
    let state = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("secdash").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", state.path())
        .env("SECDASH_STATE_DIR", state.path())
        .env("XDG_CONFIG_HOME", state.path());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    let mut said = String::from_utf8_lossy(&out.stderr).into_owned();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    // A pane's failure is in the snapshot, not on stderr: a failed assertion shows both (an
    // exit 2 under load once failed with an empty message).
    if let Some(errors) = json["errors"].as_array().filter(|e| !e.is_empty()) {
        said.push_str(&format!("\nerrors in the snapshot: {errors:?}"));
    }
    (out.status.code().unwrap_or(-1), json, said)
}

/// The calls of the live panes (endpoints, security groups, findings), summed; the checklist
/// makes its own reads, checked in tests/checklist.rs.
fn pane_calls(v: &Value) -> Value {
    let mut sum = serde_json::Map::new();
    for pane in ["endpoints", "security_groups", "findings"] {
        if let Some(calls) = v["api_calls_by_pane"][pane].as_object() {
            for (op, n) in calls {
                let total = sum.get(op).and_then(Value::as_u64).unwrap_or(0) + n.as_u64().unwrap();
                sum.insert(op.clone(), total.into());
            }
        }
    }
    Value::Object(sum)
}

fn by_name<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {list}"))
}

#[test]
fn once_shows_exactly_what_was_seeded() {
    let moto = Moto::start();
    let seeded = rt().block_on(seed(&moto));
    let (code, v, err) = secdash(&moto, &["--once", "--format", "json", "--region", REGION]);
    assert_eq!(
        code, 3,
        "critical rules and findings: exit 3; stderr: {err}"
    );
    assert_eq!(v["source"], "aws");
    assert_eq!(v["account"], support::moto::ACCOUNT);
    assert_eq!(v["errors"], serde_json::json!([]), "{err}");
    assert_eq!(v["endpoint_url"], moto.url());

    // Endpoints: sums, units and alerts equal what was seeded.
    let llama = by_name(&v["endpoints"], "llama");
    assert_eq!(llama["status"], "InService");
    assert_eq!(llama["invocations"], 1000.0);
    assert_eq!(llama["errors_5xx"], 9.0);
    assert_eq!(llama["errors_4xx"], 5.0);
    assert_eq!(llama["latency_ms_avg"], 250.0, "µs to ms");
    assert_eq!(llama["latency_ms_p99"], 250.0);
    assert_eq!(llama["variants"][0]["instance_type"], "ml.g4dn.xlarge");
    assert_eq!(llama["variants"][0]["instance_count"], 2);
    assert!(llama["kms_key_id"].as_str().unwrap().contains(":key/"));
    assert_eq!(llama["alerts"][0]["kind"], "errors_5xx");
    let embed = by_name(&v["endpoints"], "embed");
    assert_eq!(embed["invocations"], 400.0);
    assert_eq!(embed["errors_5xx"], 10.0);
    assert_eq!(embed["latency_ms_avg"], 200.0, "weighted by invocations");
    assert_eq!(embed["latency_ms_p99"], 500.0, "the worst variant");
    assert_eq!(
        embed["alerts"],
        serde_json::json!([]),
        "1 a minute is 5 per 5 minutes: not more than 5"
    );
    assert_eq!(embed["kms_key_id"], Value::Null);

    // Security groups: rule risks, peers and attachments.
    let web = v["security_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == seeded.web.as_str())
        .unwrap();
    let ssh = web["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from_port"] == 22)
        .unwrap();
    assert_eq!(ssh["risk"], "critical");
    assert_eq!(ssh["peer"], "0.0.0.0/0");
    assert!(
        ssh["id"].as_str().unwrap().starts_with("sgr-"),
        "rule ids from DescribeSecurityGroupRules"
    );
    let https = web["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from_port"] == 443)
        .unwrap();
    assert_eq!(https["risk"], "low");
    let kinds: Vec<&str> = web["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(
        kinds.contains(&"sagemaker_endpoint") && kinds.contains(&"vpc_endpoint"),
        "{kinds:?}"
    );
    let app = by_name(&v["security_groups"], "app");
    let k8s = app["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from_port"] == 6443)
        .unwrap();
    assert_eq!(
        k8s["risk"], "none",
        "Kubernetes API from inside the VPC (seed 004)"
    );
    let nodeport = app["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from_port"] == 30080)
        .unwrap();
    assert_eq!(nodeport["risk"], "high");
    let db = v["security_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == seeded.db.as_str())
        .unwrap();
    let pg = db["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from_port"] == 5432)
        .unwrap();
    assert_eq!(pg["peer_kind"], "security_group");
    assert_eq!(pg["risk"], "none");
    let mysql = db["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from_port"] == 3306)
        .unwrap();
    assert_eq!(
        (mysql["peer"].as_str(), mysql["risk"].as_str()),
        (Some("::/0"), Some("critical"))
    );

    // Findings: active only, highest severity first, with their counts.
    let f: Vec<(&str, f64, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap(),
                f["severity"].as_f64().unwrap(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(f.len(), 6, "the archived finding is left out");
    assert_eq!(f[0], ("a3", 9.5, 1));
    assert_eq!(
        (f[1].0, f[2].0),
        ("a5", "a2"),
        "equal severity: most recent first"
    );
    assert_eq!(f[3], ("a4", 5.0, 1200));
    assert_eq!(v["findings"][0]["severity_label"], "critical");
    assert_eq!(v["findings"][0]["resource"], "i-a3");
    assert_eq!(v["summary"]["findings_by_severity"]["high"], 2);

    // The fewest calls: one of each list call, one describe per endpoint and config, and one
    // GetMetricData for all 18 queries of the three variants. The endpoints pane and the
    // checklist share the describes (whichever asks first reads, the other waits for it): each
    // endpoint and config is described once in the whole refresh, whichever pane counts it.
    let mut calls = pane_calls(&v);
    for op in [
        "sagemaker:DescribeEndpoint",
        "sagemaker:DescribeEndpointConfig",
    ] {
        calls[op] = v["api_calls"][op].clone();
    }
    // What each variant serves (#29) is read by the endpoints pane or the checklist,
    // whichever asks first, from the same caches; the_tui_fetchers_read_the_same_data counts
    // those reads on the endpoints pane alone, cold and warm.
    for op in [
        "sagemaker:DescribeModel",
        "sagemaker:ListModelPackageGroups",
        "ecr:DescribeRepositories",
        "ecr:DescribeImages",
    ] {
        calls.as_object_mut().unwrap().remove(op);
    }
    let calls = &calls;
    let expect = serde_json::json!({
        "cloudwatch:GetMetricData": 1,
        "ec2:DescribeNetworkInterfaces": 1,
        "ec2:DescribeSecurityGroupRules": 1,
        "ec2:DescribeSecurityGroups": 1,
        "ec2:DescribeVpcs": 1,
        "guardduty:GetFindings": 1,
        "guardduty:GetFindingsStatistics": 1,
        "guardduty:ListDetectors": 1,
        "guardduty:ListFindings": 1,
        "sagemaker:DescribeEndpoint": 2,
        "sagemaker:DescribeEndpointConfig": 2,
        "sagemaker:ListEndpoints": 1,
    });
    assert_eq!(calls, &expect, "by pane: {}", v["api_calls_by_pane"]);
    assert_eq!(v["cloudwatch_cost"]["metrics_per_refresh"], 18);
    let _ = seeded.detector;
}

#[test]
fn findings_come_fifty_per_call() {
    let moto = Moto::start();
    let rt = rt();
    let cfg = rt.block_on(moto.sdk(REGION));
    let gd = aws_sdk_guardduty::Client::new(&cfg);
    let detector = rt
        .block_on(gd.create_detector().enable(true).send())
        .unwrap()
        .detector_id
        .unwrap();
    let findings: Vec<Value> = (0..120)
        .map(|i| {
            finding(
                &detector,
                REGION,
                Seen {
                    id: &format!("f{i:03}"),
                    kind: "Recon:EC2/Portscan",
                    severity: 1.0 + (i % 90) as f64 / 10.0,
                    count: 1,
                    archived: false,
                    last_seen: "2026-11-23T09:00:00.000Z",
                },
            )
        })
        .collect();
    moto.seed_findings(REGION, &detector, &Value::Array(findings));
    let (code, v, err) = secdash(
        &moto,
        &[
            "--once",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--region",
            REGION,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["findings"].as_array().unwrap().len(), 120);
    assert_eq!(pane_calls(&v)["guardduty:ListFindings"], 3);
    assert_eq!(pane_calls(&v)["guardduty:GetFindings"], 3);
    let sev: Vec<f64> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_f64().unwrap())
        .collect();
    assert!(sev.windows(2).all(|w| w[0] >= w[1]), "sorted by severity");
}

#[test]
fn metric_queries_share_calls_up_to_five_hundred() {
    let moto = Moto::start();
    let rt = rt();
    let cfg = rt.block_on(moto.sdk(REGION));
    // 84 variants × 6 queries = 504: two GetMetricData calls, not 84 or 504.
    rt.block_on(async {
        for i in 0..84 {
            create_endpoint(&cfg, &format!("ep-{i:02}"), &[("AllTraffic", 1)], false).await;
        }
    });
    let (code, v, err) = secdash(
        &moto,
        &[
            "--once",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--region",
            REGION,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["endpoints"].as_array().unwrap().len(), 84);
    assert_eq!(pane_calls(&v)["cloudwatch:GetMetricData"], 2);
    assert_eq!(pane_calls(&v)["sagemaker:ListEndpoints"], 1, "100 a page");
    assert_eq!(v["cloudwatch_cost"]["metrics_per_refresh"], 504);
}

/// Issue #26: `:region` narrowed the header while every fetch still read every region given
/// at start. A source reads the regions of the query it is asked.
#[test]
fn a_fetch_reads_the_regions_of_its_query() {
    use secdash::aws::{Options, Session};
    use secdash::source::{Query, Source, aws::AwsSource};

    let moto = Moto::start();
    let rt = rt();
    rt.block_on(async {
        let a = moto.sdk(REGION).await;
        let b = moto.sdk("us-east-1").await;
        create_endpoint(&a, "sg-llm", &[("AllTraffic", 1)], true).await;
        create_endpoint(&b, "us-llm", &[("AllTraffic", 1)], true).await;
    });
    for (k, v) in moto.env() {
        // SAFETY: set before any thread of this test reads the environment through the SDK.
        unsafe { std::env::set_var(k, v) };
    }
    let session = rt.block_on(Session::connect(&Options {
        home_region: REGION.into(),
        endpoint_url: Some(moto.url()),
        ..Options::default()
    }));
    let source = AwsSource::new(&session, &[REGION.into(), "us-east-1".into()]);
    let query = |regions: &[&str]| Query {
        now: chrono::Utc::now(),
        window: chrono::Duration::hours(1),
        regions: regions.iter().map(|r| r.to_string()).collect(),
        include_archived: false,
        alarm_period: 300,
        first_findings: None,
        progress: None,
    };
    let names = |regions: &[&str]| {
        let fetched = rt.block_on(source.endpoints(query(regions))).unwrap();
        let mut names: Vec<String> = fetched.data.iter().map(|e| e.name.clone()).collect();
        names.sort();
        (
            names,
            fetched.api_calls.get("sagemaker:ListEndpoints").copied(),
        )
    };
    assert_eq!(names(&["us-east-1"]), (vec!["us-llm".to_string()], Some(1)));
    assert_eq!(
        names(&[REGION, "us-east-1"]),
        (vec!["sg-llm".to_string(), "us-llm".to_string()], Some(2))
    );
}

#[test]
fn regions_fan_out_and_merge() {
    let moto = Moto::start();
    let rt = rt();
    rt.block_on(async {
        let a = moto.sdk(REGION).await;
        let b = moto.sdk("us-east-1").await;
        create_endpoint(&a, "sg-llm", &[("AllTraffic", 1)], true).await;
        create_endpoint(&b, "us-llm", &[("AllTraffic", 1)], true).await;
    });
    let (code, v, err) = secdash(
        &moto,
        &[
            "--once",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--region",
            "ap-southeast-1,us-east-1",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        v["regions"],
        serde_json::json!(["ap-southeast-1", "us-east-1"])
    );
    assert_eq!(
        by_name(&v["endpoints"], "sg-llm")["region"],
        "ap-southeast-1"
    );
    assert_eq!(by_name(&v["endpoints"], "us-llm")["region"], "us-east-1");
    assert_eq!(
        pane_calls(&v)["sagemaker:ListEndpoints"],
        2,
        "one per region"
    );
}

#[test]
fn a_failing_service_affects_only_its_pane() {
    let moto = Moto::start();
    rt().block_on(seed(&moto));
    let state = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("secdash").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SECDASH_STATE_DIR", state.path());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    // GuardDuty alone points at a port where nothing listens.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    cmd.env(
        "AWS_ENDPOINT_URL_GUARDDUTY",
        format!("http://127.0.0.1:{dead}"),
    );
    let out = cmd
        .args([
            "--once",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--region",
            REGION,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["errors"][0]["pane"], "findings");
    let msg = v["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("guardduty:ListDetectors") && msg.contains("unreachable"),
        "{msg}"
    );
    assert_eq!(
        v["endpoints"].as_array().unwrap().len(),
        2,
        "the other panes go on"
    );
    assert!(!v["security_groups"].as_array().unwrap().is_empty());
}

#[test]
fn no_credentials_is_fatal_and_points_to_demo() {
    let state = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("secdash")
        .unwrap()
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", state.path())
        .env("SECDASH_STATE_DIR", state.path())
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["--once", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no AWS credentials") && err.contains("--demo"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn the_tui_fetchers_read_the_same_data() {
    use secdash::app::Msg;
    use secdash::aws::{Options, Session};
    use secdash::fetch::{FetchPlan, fetch_once};
    use secdash::model::PaneId;
    use secdash::panes::PaneData;
    use secdash::source::aws::AwsSource;

    let moto = Moto::start();
    let rt = rt();
    rt.block_on(seed(&moto));
    // The TUI's fetch tasks call `fetch_once`; it is driven here without a terminal.
    for (k, v) in moto.env() {
        // SAFETY: set before any thread of this test reads the environment through the SDK.
        unsafe { std::env::set_var(k, v) };
    }
    let session = rt.block_on(Session::connect(&Options {
        profile: None,
        profile_only: false,
        home_region: REGION.into(),
        endpoint_url: Some(moto.url()),
        shown_endpoint: None,
        profile_files: Default::default(),
    }));
    rt.block_on(session.check_credentials()).unwrap();
    let source = std::sync::Arc::new(AwsSource::new(&session, &[REGION.into()]));
    let plan = FetchPlan::new(
        source.clone(),
        chrono::Duration::hours(1),
        vec![REGION.into()],
        secdash::metrics::Thresholds::default(),
    );
    let Msg::Fetched { result, .. } = rt.block_on(fetch_once(&plan, PaneId::Endpoints)) else {
        panic!("not a fetch result")
    };
    let fetched = result.unwrap();
    let PaneData::Endpoints(eps) = fetched.data else {
        panic!()
    };
    let llama = eps.iter().find(|e| e.name == "llama").unwrap();
    assert_eq!(llama.metrics.invocations, 1000.0);
    assert_eq!(llama.alerts.len(), 1);
    assert_eq!(fetched.api_calls.get("cloudwatch:GetMetricData"), Some(&1));

    // A second refresh describes nothing again: configs never change, endpoints did not.
    let Msg::Fetched { result, .. } = rt.block_on(fetch_once(&plan, PaneId::Endpoints)) else {
        panic!()
    };
    let again = result.unwrap().api_calls;
    assert_eq!(again.get("sagemaker:DescribeEndpoint"), None);
    assert_eq!(again.get("sagemaker:DescribeEndpointConfig"), None);
    assert_eq!(again.get("sagemaker:ListEndpoints"), Some(&1));
    // Nor the chains' models and packages (#29): a warm refresh reads at most each served
    // artifact's versions again (these models name none).
    assert_eq!(again.get("sagemaker:DescribeModel"), None, "{again:?}");
    assert_eq!(
        again.get("sagemaker:ListModelPackageGroups"),
        None,
        "{again:?}"
    );
    assert_eq!(again.get("s3:ListBucketVersions"), None, "{again:?}");
    assert_eq!(again.get("ecr:DescribeRepositories"), None, "{again:?}");

    // An endpoint whose whole chain is read (image scanned, artifact versioned and trained,
    // an approved package, a role that may overwrite it): the refresh that finds it reads its
    // chain; the next reads its artifact's versions again and nothing else of the chain.
    moto.seed_script("seed_chain.py", &[]);
    let Msg::Fetched { result, .. } = rt.block_on(fetch_once(&plan, PaneId::Endpoints)) else {
        panic!()
    };
    let fetched = result.unwrap();
    let first = fetched.api_calls;
    let PaneData::Endpoints(eps) = fetched.data else {
        panic!()
    };
    let chain = &eps.iter().find(|e| e.name == "chained").unwrap().provenance[0];
    assert_eq!(
        chain.training_job.as_deref(),
        Some("chained-fit"),
        "{chain:?}"
    );
    assert!(chain.image.scan.is_some(), "{chain:?}");
    assert_eq!(
        chain.artifact.writable_by,
        ["arn:aws:iam::123456789012:role/chained-notebook"],
        "{chain:?}"
    );
    for op in [
        "sagemaker:DescribeModel",
        "sagemaker:DescribeModelPackage",
        "ecr:DescribeImages",
        "sagemaker:ListTrainingJobs",
        "iam:ListRoles",
        "iam:SimulatePrincipalPolicy",
        "s3:GetBucketPolicy",
        "cloudtrail:LookupEvents",
        "s3:ListBucketVersions",
    ] {
        assert!(first.get(op).is_some(), "{op} not read: {first:?}");
    }
    let Msg::Fetched { result, .. } = rt.block_on(fetch_once(&plan, PaneId::Endpoints)) else {
        panic!()
    };
    let warm = result.unwrap().api_calls;
    let chain_ops: Vec<(&String, &u32)> = warm
        .iter()
        .filter(|(op, _)| {
            !matches!(
                op.as_str(),
                "sagemaker:ListEndpoints" | "cloudwatch:GetMetricData"
            )
        })
        .collect();
    assert_eq!(
        chain_ops,
        [(&"s3:ListBucketVersions".to_string(), &1)],
        "a warm refresh reads one served artifact's versions, nothing else: {warm:?}"
    );

    // A contained user's blast radius (the incident view's): asked about what serves.
    use secdash::model::Principal;
    use secdash::source::Source;
    let deployer = rt
        .block_on(source.blast_radius(Principal::User("chained-deployer".into())))
        .unwrap();
    assert_eq!(
        deployer.can_write_artifacts,
        ["s3://chained-models/out/chained-fit/output/model.tar.gz"],
        "{deployer:?}"
    );
    assert_eq!(deployer.can, ["sagemaker:UpdateEndpoint"], "{deployer:?}");
    assert_eq!(deployer.kind, "user");
    let viewer = rt
        .block_on(source.blast_radius(Principal::User("chained-viewer".into())))
        .unwrap();
    assert!(viewer.is_empty(), "{viewer:?}");
    let missing = rt.block_on(source.blast_radius(Principal::User("nobody".into())));
    let said = missing.unwrap_err().to_string();
    assert!(
        said.contains("nobody") || said.contains("NoSuchEntity"),
        "{said}"
    );

    let Msg::Fetched { result, .. } = rt.block_on(fetch_once(&plan, PaneId::Findings)) else {
        panic!()
    };
    let PaneData::Findings(f) = result.unwrap().data else {
        panic!()
    };
    assert_eq!(f.findings.len(), 6);
    assert_eq!(
        f.counts.values().sum::<u64>(),
        6,
        "GuardDuty's own statistics"
    );
}

/// Issue #15: the 5XX alarm is judged on five-minute periods of the clock at every window:
/// twelve errors in one period and eight in the next read "12 in 5 min" at an hour, six hours
/// and a day (the day's own periods are 15 minutes long and hold all twenty).
#[test]
fn the_5xx_alert_keeps_its_five_minutes_at_every_window() {
    let moto = Moto::start();
    let rt = rt();
    let cfg = rt.block_on(moto.sdk(REGION));
    let now = chrono::Utc::now().timestamp();
    let minute = now - now % 60;
    // A five-minute period of the clock, ending at least ten minutes ago.
    let period = now - now % 300 - 900;
    let ago = |t: i64| (minute - t) / 60;
    rt.block_on(async {
        create_endpoint(&cfg, "spiky", &[("AllTraffic", 1)], false).await;
        put(
            &cfg,
            "spiky",
            "AllTraffic",
            "Invocation5XXErrors",
            StandardUnit::Count,
            &[
                (ago(period + 60), 7.0),
                (ago(period + 180), 5.0),
                (ago(period + 360), 8.0),
            ],
        )
        .await;
    });
    for window in ["1h", "6h", "1d"] {
        let (code, v, err) = secdash(
            &moto,
            &[
                "--once",
                "--format",
                "json",
                "--fail-on",
                "never",
                "--region",
                REGION,
                "--window",
                window,
            ],
        );
        assert_eq!(code, 0, "{window}: {err}");
        let e = by_name(&v["endpoints"], "spiky");
        assert_eq!(e["errors_5xx"], 20.0, "{window}: {e}");
        let alerts = e["alerts"].to_string();
        assert!(
            alerts.contains("12 5XX errors in 5 min"),
            "{window}: {alerts}"
        );
    }
}

/// Issue 17: `api_calls` left out the `sts:GetCallerIdentity` secdash makes for the header:
/// every call is counted.
#[test]
fn every_call_is_counted_the_caller_identity_too() {
    let moto = Moto::start();
    let (code, v, said) = secdash(
        &moto,
        &[
            "--once",
            "--format",
            "json",
            "--region",
            "us-east-1",
            "--fail-on",
            "never",
        ],
    );
    assert!(code == 0 || code == 2, "{said}");
    assert_eq!(
        v["api_calls"]["sts:GetCallerIdentity"], 1,
        "{}",
        v["api_calls"]
    );
}
