//! moto's standalone server, extended by `tests/moto/secdash_moto.py`, started on a free
//! loopback port for one test and stopped when the test ends.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ACCOUNT: &str = "123456789012";

pub struct Moto {
    pub port: u16,
    child: Child,
}

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("SECDASH_MOTO_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "moto is not installed: run `scripts/setup` (it creates .venv with moto[server])"
    );
    venv
}

impl Moto {
    pub fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/moto/secdash_moto.py");
        let child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting moto's server");
        let moto = Moto { port, child };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "moto did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Runs a seeding script of tests/moto (boto3, through the API) against this server, with
    /// its port and `args`; fails the test with the script's error.
    #[allow(dead_code)] // Not every test crate seeds by script.
    pub fn seed_script(&self, script: &str, args: &[&str]) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let out = Command::new(python())
            .arg(root.join("tests/moto").join(script))
            .arg(self.port.to_string())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "seeding with {script} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// An SDK config for seeding the emulator through the API.
    pub async fn sdk(&self, region: &str) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .endpoint_url(self.url())
            .credentials_provider(aws_credential_types::Credentials::new(
                "testing", "testing", None, None, "tests",
            ))
            .load()
            .await
    }

    /// Seeds GuardDuty findings through the harness's seeding route (GuardDuty has no API to
    /// create a finding with chosen values).
    pub fn seed_findings(&self, region: &str, detector: &str, findings: &serde_json::Value) {
        let body = findings.to_string();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "POST /_secdash/guardduty/findings?account={ACCOUNT}&region={region}&detector={detector} HTTP/1.1\r\n\
             Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        assert!(
            reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200"),
            "{reply}"
        );
    }

    /// Seeds CloudTrail events (the LookupEvents `Events` shape) through the harness's route:
    /// moto has no LookupEvents.
    pub fn seed_trail_events(&self, region: &str, events: &serde_json::Value) {
        let reply = self.harness(
            "POST",
            &format!("/_secdash/cloudtrail/events?account={ACCOUNT}&region={region}"),
            &events.to_string(),
        );
        assert!(reply.contains("stored"), "{reply}");
    }

    /// Sets a SageMaker job's status (moto creates jobs Completed; a test stops one in
    /// progress).
    pub fn set_job_status(&self, region: &str, kind: &str, name: &str, status: &str) {
        let reply = self.harness(
            "POST",
            &format!(
                "/_secdash/sagemaker/job-status?account={ACCOUNT}&region={region}&kind={kind}&name={name}&status={status}"
            ),
            "",
        );
        assert!(reply.contains(status), "{reply}");
    }

    /// Gives an ECR image a completed scan with these severity counts (moto's DescribeImages
    /// has no scan summary; the harness adds it).
    #[allow(dead_code)]
    pub fn scan_image(
        &self,
        region: &str,
        repository: &str,
        digest: &str,
        counts: &serde_json::Value,
    ) {
        let reply = self.harness(
            "POST",
            &format!(
                "/_secdash/ecr/scan?account={ACCOUNT}&region={region}&repository={repository}&digest={digest}"
            ),
            &counts.to_string(),
        );
        assert!(reply.contains("scanned"), "{reply}");
    }

    /// LookupEvents requests the harness answered and throttled so far.
    pub fn trail_stats(&self) -> serde_json::Value {
        let reply = self.harness("GET", "/_secdash/cloudtrail/stats", "");
        let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {reply}"))
    }

    /// Makes the next `count` calls of `operation` (every call with `None`) fail as AWS would
    /// fail them: `deny`, `throttle` or `hang` (never answer). See tests/moto/secdash_moto.py.
    #[allow(dead_code)] // Not every test crate injects faults.
    pub fn fault(&self, operation: &str, fault: &str, count: Option<u32>) {
        self.fault_after(operation, fault, count, 0);
    }

    /// Like `fault`, once `after` more calls of the operation have been answered.
    #[allow(dead_code)]
    pub fn fault_after(&self, operation: &str, fault: &str, count: Option<u32>, after: u32) {
        let count = count.map(|n| format!("&count={n}")).unwrap_or_default();
        self.harness(
            "POST",
            &format!("/_secdash/faults?operation={operation}&fault={fault}{count}&after={after}"),
            "",
        );
    }

    /// Clears every fault.
    #[allow(dead_code)]
    pub fn clear_faults(&self) {
        self.harness("DELETE", "/_secdash/faults", "");
    }

    /// One request to the harness's own routes; the whole reply, status line first.
    fn harness(&self, method: &str, path: &str, body: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        assert!(
            reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200"),
            "{reply}"
        );
        reply
    }

    /// Environment for running secdash against this emulator.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.url()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_CONFIG_FILE", "/nonexistent".into()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a seeded finding says; the rest of the GetFindings shape is filled in.
pub struct Seen<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub severity: f64,
    pub count: i64,
    pub archived: bool,
    pub last_seen: &'a str,
}

/// A GuardDuty finding in the GetFindings shape (every member the API marks required).
pub fn finding(detector: &str, region: &str, f: Seen<'_>) -> serde_json::Value {
    let Seen {
        id,
        kind,
        severity,
        count,
        archived,
        last_seen,
    } = f;
    serde_json::json!({
        "id": id,
        "arn": format!("arn:aws:guardduty:{region}:{ACCOUNT}:detector/{detector}/finding/{id}"),
        "accountId": ACCOUNT,
        "region": region,
        "partition": "aws",
        "schemaVersion": "2.0",
        "type": kind,
        "severity": severity,
        "title": format!("{kind} on i-{id}"),
        "description": "seeded by the test",
        "createdAt": "2026-11-20T08:00:00.000Z",
        "updatedAt": last_seen,
        "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": format!("i-{id}")}},
        "service": {
            "serviceName": "guardduty",
            "detectorId": detector,
            "archived": archived,
            "count": count,
            "eventFirstSeen": "2026-11-20T08:00:00.000Z",
            "eventLastSeen": last_seen,
        },
    })
}

/// Seeding helpers for EC2, through the API.
pub mod ec2 {
    use aws_sdk_ec2::Client;

    pub async fn vpc(ec2: &Client, cidr: &str) -> String {
        let out = ec2.create_vpc().cidr_block(cidr).send().await.unwrap();
        out.vpc.and_then(|v| v.vpc_id).unwrap()
    }

    pub async fn subnet(ec2: &Client, vpc: &str, cidr: &str) -> String {
        let out = ec2
            .create_subnet()
            .vpc_id(vpc)
            .cidr_block(cidr)
            .send()
            .await
            .unwrap();
        out.subnet.and_then(|s| s.subnet_id).unwrap()
    }

    /// Every rule of one group, as EC2 reports it now.
    pub async fn rules(ec2: &Client, group: &str) -> Vec<aws_sdk_ec2::types::SecurityGroupRule> {
        let filter = aws_sdk_ec2::types::Filter::builder()
            .name("group-id")
            .values(group)
            .build();
        let out = ec2
            .describe_security_group_rules()
            .filters(filter)
            .send()
            .await
            .unwrap();
        out.security_group_rules()
            .iter()
            .filter(|r| r.group_id() == Some(group))
            .cloned()
            .collect()
    }

    pub async fn group(ec2: &Client, vpc: &str, name: &str, description: &str) -> String {
        let out = ec2
            .create_security_group()
            .group_name(name)
            .description(description)
            .vpc_id(vpc)
            .send()
            .await
            .unwrap();
        out.group_id.unwrap()
    }
}
