//! The demo's GuardDuty findings: 22 of them across every severity, one with hostile text.

use super::{ACCOUNT, REGION};
use crate::model::*;
use arcstr::ArcStr;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::fmt::Write as _;

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
    let id = |n: usize| 0x5ec0_da5a_0000_0000_u128 + n as u128 * 0x1_0001;
    for (i, f) in FINDINGS.iter().enumerate() {
        out.push(Finding {
            account: None,
            id: format!("{:032x}", id(i)),
            region: REGION.into(),
            account_id: ACCOUNT.into(),
            finding_type: f.kind.into(),
            severity: f.severity,
            title: f.title.into(),
            description: ArcStr::from(format!(
                "{}.\nGuardDuty observed this activity {} time(s) between first and last sighting.\n\
                 Remote IP: 198.51.100.{} (AS64500 Example Hosting, NL){}",
                f.title,
                f.count,
                20 + i,
                if i == 9 { "\n\u{1b}]52;c;Y3VybCBldmlsLnNo\u{7}clipboard hijack attempt stripped" } else { "" }
            )),
            resource_type: f.resource_type.into(),
            resource: f.resource.into(),
            count: f.count,
            first_seen: anchor - Duration::hours(f.first_h) - Duration::minutes((i * 7 % 60) as i64),
            last_seen: anchor - Duration::hours(f.last_h) - Duration::minutes((i * 3 % 50) as i64),
            archived: false,
            subjects: subjects(f),
            details: std::sync::Arc::new([
                ("service.action.actionType", action_type(f.kind).into()),
                ("service.resourceRole", "TARGET".into()),
                ("resource.resourceType", f.resource_type.into()),
                ("service.detectorId", "12abc34d567e8fa901bc2d34e56789f0".into()),
            ]),
        });
    }
    // Further copies repeat the first's texts (as GuardDuty's findings of one type do), and
    // share them from the start.
    for copy in 1..scale.max(1) {
        for i in 0..FINDINGS.len() {
            let mut f = out[i].clone();
            // Written over the copy's own id: no second string made and dropped.
            f.id.clear();
            let _ = write!(f.id, "{:032x}", id(copy * FINDINGS.len() + i));
            out.push(f);
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

/// What each finding names, as GuardDuty's resource details would: the leaked key and its
/// user, the instance role's session key and the role, the instance, the bucket.
fn subjects(f: &FindingSpec) -> Vec<FindingSubject> {
    use super::iam::{CI_USER, EC2_ROLE};
    let s = FindingSubject::new;
    match f.resource_type {
        "AccessKey" if f.resource.starts_with("AKIA") => vec![
            s(SubjectKind::AccessKey, f.resource),
            s(SubjectKind::User, CI_USER),
        ],
        "AccessKey" if f.resource.starts_with("ASIA") => vec![
            s(SubjectKind::AccessKey, f.resource),
            s(SubjectKind::Role, EC2_ROLE),
        ],
        "AccessKey" if f.resource.ends_with("-role") => vec![s(SubjectKind::Role, f.resource)],
        // The instance, then its interfaces and their groups, as GuardDuty's instance
        // details name them (the demo's groups say which interfaces it has).
        "Instance" => {
            let mut out = vec![s(SubjectKind::Instance, f.resource)];
            let groups = super::groups::security_groups(1).groups;
            for g in &groups {
                for a in g.attachments.iter() {
                    if a.target.as_deref() == Some(f.resource) {
                        let eni = s(SubjectKind::NetworkInterface, a.interface_id.as_str());
                        let sg = s(SubjectKind::SecurityGroup, g.id.as_str());
                        for subject in [eni, sg] {
                            if !out.contains(&subject) {
                                out.push(subject);
                            }
                        }
                    }
                }
            }
            out
        }
        "S3Bucket" => vec![s(SubjectKind::Bucket, f.resource)],
        _ => vec![],
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
