//! The demo's CloudTrail history: the CI user's leaked key used from outside (reconnaissance,
//! a new key and user for persistence, logging stopped, GPU instances refused, a training
//! job), the instance role's session key used from an external IP, and the CI's own calls.

use super::iam::{CI_USER, EC2_ROLE, LEAKED_KEY};
use super::{ACCOUNT, REGION};
use crate::trail::{self, Event, Subject, Timeline};
use chrono::{DateTime, Duration, TimeZone, Utc};

const ATTACKER_IP: &str = "198.51.100.23";
const ATTACKER_AGENT: &str = "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.6.9-amd64 Kali";
const CI_IP: &str = "10.0.12.34";
const CI_AGENT: &str = "aws-cli/2.15.30 md/command#codebuild";
const SESSION_KEY: &str = "ASIA4EXAMPLE7QK3XF2M";
const INSTANCE: &str = "i-0c2d3e4f5a6b70534";

/// (minutes before the anchor, event, source, key, user, IP, agent, error, resources)
type Spec = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);

const EVENTS: &[Spec] = &[
    (
        3600,
        "GetCallerIdentity",
        "sts",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[],
    ),
    (
        1900,
        "ListSecrets",
        "secretsmanager",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[],
    ),
    (
        1800,
        "GetSecretValue",
        "secretsmanager",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        Some("AccessDeniedException"),
        &[("AWS::SecretsManager::Secret", "studyai/prod/db")],
    ),
    (
        1790,
        "GetSecretValue",
        "secretsmanager",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[("AWS::SecretsManager::Secret", "studyai/dev/mlflow")],
    ),
    (
        1870,
        "StopLogging",
        "cloudtrail",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[("AWS::CloudTrail::Trail", "studyai-dev-sagemaker-trail")],
    ),
    (
        1500,
        "CreateUser",
        "iam",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[("AWS::IAM::User", "backup-svc")],
    ),
    (
        1498,
        "AttachUserPolicy",
        "iam",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[
            ("AWS::IAM::User", "backup-svc"),
            (
                "AWS::IAM::Policy",
                "arn:aws:iam::aws:policy/AdministratorAccess",
            ),
        ],
    ),
    (
        1495,
        "CreateAccessKey",
        "iam",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[("AWS::IAM::User", "backup-svc")],
    ),
    (
        480,
        "DescribeSecurityGroups",
        "ec2",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[],
    ),
    (
        470,
        "DescribeInstances",
        "ec2",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[],
    ),
    (
        420,
        "RunInstances",
        "ec2",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        Some("Client.UnauthorizedOperation"),
        &[("AWS::EC2::Instance", "p3.16xlarge x4")],
    ),
    (
        410,
        "CreateTrainingJob",
        "sagemaker",
        LEAKED_KEY,
        CI_USER,
        ATTACKER_IP,
        ATTACKER_AGENT,
        None,
        &[("AWS::SageMaker::TrainingJob", "xmr-benchmark-0412")],
    ),
    (
        2400,
        "PutObject",
        "s3",
        LEAKED_KEY,
        CI_USER,
        CI_IP,
        CI_AGENT,
        None,
        &[(
            "AWS::S3::Object",
            "studyai-dev-sagemaker-models/model.tar.gz",
        )],
    ),
    (
        1200,
        "DescribeImages",
        "ec2",
        LEAKED_KEY,
        CI_USER,
        CI_IP,
        CI_AGENT,
        None,
        &[],
    ),
    (
        60,
        "ListBuckets",
        "s3",
        LEAKED_KEY,
        CI_USER,
        CI_IP,
        CI_AGENT,
        None,
        &[],
    ),
    // The instance role's session key, from outside AWS.
    (
        360,
        "GetCallerIdentity",
        "sts",
        SESSION_KEY,
        EC2_ROLE,
        "198.51.100.24",
        "aws-cli/2.13.0 Python/3.11.4 Linux/6.1.0-kali7",
        None,
        &[],
    ),
    (
        300,
        "ListBuckets",
        "s3",
        SESSION_KEY,
        EC2_ROLE,
        "198.51.100.24",
        "aws-cli/2.13.0 Python/3.11.4 Linux/6.1.0-kali7",
        None,
        &[],
    ),
    (
        150,
        "CreatePresignedNotebookInstanceUrl",
        "sagemaker",
        SESSION_KEY,
        EC2_ROLE,
        "198.51.100.24",
        "aws-cli/2.13.0 Python/3.11.4 Linux/6.1.0-kali7",
        None,
        &[("AWS::SageMaker::NotebookInstance", "studyai-dev-notebook")],
    ),
    (
        125,
        "AuthorizeSecurityGroupIngress",
        "ec2",
        SESSION_KEY,
        EC2_ROLE,
        "198.51.100.24",
        "aws-cli/2.13.0 Python/3.11.4 Linux/6.1.0-kali7",
        None,
        &[("AWS::EC2::SecurityGroup", "sg-0b1d2f3a4c5e6a703")],
    ),
    (
        1440,
        "ModifyInstanceAttribute",
        "ec2",
        "AKIA4EXAMPLEDATASCI1",
        "data-scientist-1",
        "10.0.20.7",
        "console.amazonaws.com",
        None,
        &[("AWS::EC2::Instance", INSTANCE)],
    ),
];

/// The scenario's events that the subjects name, anchored to the hour like the findings.
pub fn timeline(subjects: &[Subject], since: DateTime<Utc>, now: DateTime<Utc>) -> Timeline {
    let anchor = Utc
        .timestamp_opt(now.timestamp() - now.timestamp().rem_euclid(3600), 0)
        .single()
        .unwrap_or(now);
    let events: Vec<Event> = EVENTS
        .iter()
        .enumerate()
        .map(|(i, spec)| event(i, spec, anchor))
        .filter(|e| e.time >= since && subjects.iter().any(|s| names(s, e)))
        .collect();
    Timeline::new(
        subjects.to_vec(),
        since,
        vec![REGION.to_string()],
        events,
        vec![],
        vec![],
    )
}

fn names(s: &Subject, e: &Event) -> bool {
    match s {
        Subject::AccessKey(k) => e.access_key_id == *k,
        Subject::User(u) => e.username == *u,
        // The instance role's sessions: its session key's events.
        Subject::Role(r) => e.username == *r,
        Subject::Resource(id) => e.resources.iter().any(|(_, n)| n == id),
    }
}

fn event(i: usize, spec: &Spec, anchor: DateTime<Utc>) -> Event {
    let (minutes, name, service, key, user, ip, agent, error, resources) = *spec;
    let record = serde_json::json!({
        "awsRegion": REGION,
        "sourceIPAddress": ip,
        "userAgent": agent,
        "errorCode": error,
        "recipientAccountId": ACCOUNT,
    })
    .to_string();
    let read_only = ["Get", "List", "Describe"]
        .iter()
        .any(|p| name.starts_with(p));
    trail::event(
        &format!("0d3m0-{i:04}-{}", name.to_lowercase()),
        anchor - Duration::minutes(minutes),
        name,
        &format!("{service}.amazonaws.com"),
        user,
        key,
        Some(if read_only { "true" } else { "false" }),
        resources
            .iter()
            .map(|(t, n)| (t.to_string(), n.to_string()))
            .collect(),
        Some(&record),
        REGION,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trail::Category;

    #[test]
    fn the_leaked_keys_story_has_every_highlight() {
        let now = Utc::now();
        let tl = timeline(
            &[Subject::AccessKey(LEAKED_KEY.into())],
            now - Duration::days(7),
            now,
        );
        let categories: Vec<Category> = tl.highlights().iter().map(|(c, _)| *c).collect();
        assert_eq!(
            categories,
            [
                Category::DefenceEvasion,
                Category::Persistence,
                Category::CredentialAccess,
                Category::Mining,
                Category::Denied
            ]
        );
        assert_eq!(tl.source_ips[0].value, ATTACKER_IP);
        let role = timeline(
            &[Subject::Role(EC2_ROLE.into())],
            now - Duration::days(7),
            now,
        );
        assert!(role.events.iter().all(|e| e.access_key_id == SESSION_KEY));
    }
}
