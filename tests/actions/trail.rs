//! `secdash trail` against moto's server, whose harness adds CloudTrail LookupEvents (moto has
//! none) with its paging and its limit of 2 requests a second.

use super::*;
use serde_json::json;

/// An event in the LookupEvents shape, `minutes` before now.
fn event(id: &str, minutes: i64, name: &str, key: &str, ip: &str, error: Option<&str>) -> Value {
    let time = chrono::Utc::now() - chrono::Duration::minutes(minutes);
    let record = json!({
        "eventVersion": "1.08",
        "eventTime": time.to_rfc3339(),
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": ip,
        "userAgent": "aws-cli/2.15.0 Python/3.11",
        "errorCode": error,
        "readOnly": name.starts_with("Describe") || name.starts_with("List"),
    });
    json!({
        "EventId": id,
        "EventName": name,
        "ReadOnly": if name.starts_with("Describe") || name.starts_with("List") { "true" } else { "false" },
        "AccessKeyId": key,
        "EventTime": time.timestamp(),
        "EventSource": "iam.amazonaws.com",
        "Username": "ci-deployer",
        "Resources": [],
        "CloudTrailEvent": record.to_string(),
    })
}

fn leaked_key_story(w: &World) {
    let mut events = vec![
        event(
            "e-persist",
            30,
            "CreateAccessKey",
            "AKIALEAKEDEXAMPLE001",
            "203.0.113.9",
            None,
        ),
        event(
            "e-evade",
            25,
            "StopLogging",
            "AKIALEAKEDEXAMPLE001",
            "203.0.113.9",
            None,
        ),
        event(
            "e-mine",
            20,
            "RunInstances",
            "AKIALEAKEDEXAMPLE001",
            "203.0.113.9",
            None,
        ),
        event(
            "e-denied",
            15,
            "GetSecretValue",
            "AKIALEAKEDEXAMPLE001",
            "203.0.113.9",
            Some("AccessDenied"),
        ),
        event(
            "e-other-key",
            10,
            "CreateUser",
            "AKIAOTHER",
            "10.0.0.1",
            None,
        ),
        event(
            "e-too-old",
            60 * 48,
            "CreateRole",
            "AKIALEAKEDEXAMPLE001",
            "203.0.113.9",
            None,
        ),
    ];
    // Three pages of reconnaissance in this region.
    for i in 0..110 {
        events.push(event(
            &format!("e-list-{i}"),
            40 + i,
            "ListBuckets",
            "AKIALEAKEDEXAMPLE001",
            "198.51.100.7",
            None,
        ));
    }
    w.moto.seed_trail_events(REGION, &Value::Array(events));
    w.moto.seed_trail_events(
        "us-east-1",
        &json!([event(
            "e-east",
            5,
            "DescribeInstances",
            "AKIALEAKEDEXAMPLE001",
            "198.51.100.7",
            None
        )]),
    );
}

#[test]
fn the_timeline_of_a_leaked_key_pages_every_region_within_the_rate_limit() {
    let w = world();
    leaked_key_story(&w);
    let (code, out, err) = w.secdash(
        &[
            "trail",
            "--access-key",
            "AKIALEAKEDEXAMPLE001",
            "--since",
            "24h",
            "--region",
            "us-east-1",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        115,
        "110 + 4 here, 1 in us-east-1: {:?}",
        &ids[..5]
    );
    assert!(!ids.contains(&"e-other-key"), "another key's event");
    assert!(!ids.contains(&"e-too-old"), "before --since");
    assert_eq!(ids[0], "e-east", "newest first across regions");
    assert_eq!(
        v["api_calls"]["cloudtrail:LookupEvents"], 4,
        "3 pages here, 1 there: {}",
        v["api_calls"]
    );
    assert_eq!(
        w.moto.trail_stats()["throttled"],
        0,
        "the limiter kept under 2 requests a second: {}",
        w.moto.trail_stats()
    );
    let categories: Vec<&str> = v["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories,
        ["defence_evasion", "persistence", "mining", "denied"]
    );
    let ip = &v["source_ips"][0];
    assert_eq!(
        (ip["value"].as_str(), ip["events"].as_u64()),
        (Some("198.51.100.7"), Some(111))
    );
    let denied = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "e-denied")
        .unwrap();
    assert_eq!(denied["error_code"], "AccessDenied");
    assert_eq!(denied["source_ip"], "203.0.113.9");
}

#[test]
fn the_text_timeline_heads_with_the_summary_and_highlights() {
    let w = world();
    leaked_key_story(&w);
    let (code, out, err) = w.secdash(&["trail", "--access-key", "AKIALEAKEDEXAMPLE001"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let ips = out.find("Source IPs").expect(&out);
    let highlights = out.find("Highlights").expect(&out);
    let events = out.find("Events, newest first").expect(&out);
    assert!(ips < highlights && highlights < events, "{out}");
    assert!(
        out.contains("persistence") && out.contains("CreateAccessKey (iam)"),
        "{out}"
    );
    // CloudTrail's 2 requests a second are the account's, whichever process asks: the second
    // run waits out the first's last second, as an operator's next command would.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (code, md, err) = w.secdash(
        &[
            "trail",
            "--access-key",
            "AKIALEAKEDEXAMPLE001",
            "--format",
            "markdown",
        ],
        &[],
    );
    assert_eq!(code, 0, "{md}{err}");
    assert!(
        md.contains("### Highlights") && md.contains("| `203.0.113.9` |"),
        "{md}"
    );
}

#[test]
fn a_roles_timeline_follows_the_session_keys_it_handed_out() {
    let w = world();
    let mut assume = event("e-assume", 50, "AssumeRole", "", "203.0.113.9", None);
    assume["EventSource"] = json!("sts.amazonaws.com");
    assume["Resources"] = json!([{"ResourceType": "AWS::IAM::Role", "ResourceName": "trainer"}]);
    let mut record: Value =
        serde_json::from_str(assume["CloudTrailEvent"].as_str().unwrap()).unwrap();
    record["responseElements"] = json!({"credentials": {"accessKeyId": "ASIASESSION1"}});
    assume["CloudTrailEvent"] = json!(record.to_string());
    w.moto.seed_trail_events(
        REGION,
        &json!([
            assume,
            event(
                "e-train",
                40,
                "CreateTrainingJob",
                "ASIASESSION1",
                "203.0.113.9",
                None
            )
        ]),
    );
    let (code, out, err) = w.secdash(
        &[
            "trail",
            "--role",
            "arn:aws:iam::123456789012:role/trainer",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["CreateTrainingJob", "AssumeRole"]);
    assert_eq!(v["events"][0]["category"], "mining");
}

#[test]
fn hostile_event_text_is_cleaned_and_a_bad_since_is_named() {
    let w = world();
    let mut e = event(
        "e-1",
        5,
        "RunInstances",
        "AKIAHOSTILEEXAMPLE01",
        "203.0.113.9",
        None,
    );
    let mut record: Value = serde_json::from_str(e["CloudTrailEvent"].as_str().unwrap()).unwrap();
    record["userAgent"] = json!("evil\u{1b}]52;c;aGk=\u{7}\u{1b}[2J");
    e["CloudTrailEvent"] = json!(record.to_string());
    w.moto.seed_trail_events(REGION, &json!([e]));
    let (code, out, err) = w.secdash(&["trail", "--access-key", "AKIAHOSTILEEXAMPLE01"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("evil"), "{out}");
    let (code, _, err) = w.secdash(
        &[
            "trail",
            "--access-key",
            "AKIAHOSTILEEXAMPLE01",
            "--since",
            "200d",
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert!(err.contains("90 days"), "{err}");
}

#[test]
fn the_harness_throttles_above_two_requests_a_second() {
    // The limiter test above means something only if the harness throttles as CloudTrail does.
    let w = world();
    let rt = rt();
    let cfg = rt.block_on(w.moto.sdk(REGION));
    let ct = aws_sdk_cloudtrail::Client::from_conf(
        aws_sdk_cloudtrail::config::Builder::from(&cfg)
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build(),
    );
    let codes: Vec<Option<String>> = rt.block_on(async {
        let mut out = Vec::new();
        for _ in 0..3 {
            out.push(ct.lookup_events().send().await.err().and_then(|e| {
                aws_sdk_cloudtrail::error::ProvideErrorMetadata::code(&e).map(str::to_string)
            }));
        }
        out
    });
    assert_eq!(codes, [None, None, Some("ThrottlingException".to_string())]);
}

#[test]
fn the_incident_report_tells_the_timeline_and_how_to_undo_each_credential_action() {
    let w = world();
    leaked_key_story(&w);
    let (code, _, err) = w.secdash(&["runbook", "start", "--incident", "INC-31"], &[]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = w.secdash(
        &[
            "trail",
            "--access-key",
            "AKIALEAKEDEXAMPLE001",
            "--incident",
            "INC-31",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("kept for the report of incident INC-31"),
        "{err}"
    );
    w.role("trainer-31", 3600);
    let (code, _, err) = w.secdash(
        &[
            "revoke-sessions",
            "trainer-31",
            "--yes",
            "--incident",
            "INC-31",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let (code, md, err) = w.secdash(&["runbook", "report", "--incident", "INC-31"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.contains("## CloudTrail") && md.contains("access key AKIALEAKEDEXAMPLE001"),
        "{md}"
    );
    assert!(md.contains("| `198.51.100.7` | 110 |"), "{md}");
    assert!(
        md.contains("- persistence:") && md.contains("`CreateAccessKey`"),
        "{md}"
    );
    assert!(md.contains("## Credentials contained"), "{md}");
    assert!(
        md.contains("revoke-sessions trainer-31") && md.contains("only with `--force`"),
        "{md}"
    );
    let (code, json, _) = w.secdash(
        &[
            "runbook",
            "report",
            "--incident",
            "INC-31",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["cloudtrail"][0]["events"], 114);
    let undo = v["undo"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    assert!(
        undo["command"]
            .as_str()
            .unwrap()
            .starts_with("secdash restore "),
        "{undo}"
    );
    assert!(undo["not_before"].is_string(), "{undo}");
}
