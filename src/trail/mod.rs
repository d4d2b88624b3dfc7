//! The CloudTrail timeline an investigator reads first: the management events of a key, a
//! user, a role or a resource, the calls to look at first highlighted, and who called from
//! where. Pure: `source::aws::trail` reads `LookupEvents`, `report` writes it out.

pub mod record;
pub mod report;

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the timeline is of: `LookupEvents` takes one lookup attribute per request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum Subject {
    AccessKey(String),
    User(String),
    /// Events naming the role (its AssumeRole calls), then those of the session keys they
    /// handed out.
    Role(String),
    Resource(String),
}

impl Subject {
    /// The lookup attribute (key, value) this subject is read with.
    pub fn attribute(&self) -> (&'static str, &str) {
        match self {
            Subject::AccessKey(k) => ("AccessKeyId", k),
            Subject::User(u) => ("Username", u),
            Subject::Role(r) | Subject::Resource(r) => ("ResourceName", r),
        }
    }

    /// The lookup that reads what a finding's subject did, or what named it.
    pub fn of(s: &crate::model::FindingSubject) -> Subject {
        use crate::model::SubjectKind;
        match s.kind {
            SubjectKind::AccessKey => Subject::AccessKey(s.id.to_string()),
            SubjectKind::User => Subject::User(s.id.to_string()),
            SubjectKind::Role => Subject::Role(s.id.to_string()),
            _ => Subject::Resource(s.id.to_string()),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Subject::AccessKey(k) => format!("access key {k}"),
            Subject::User(u) => format!("user {u}"),
            Subject::Role(r) => format!("role {r}"),
            Subject::Resource(r) => format!("resource {r}"),
        }
    }
}

/// One management event, its text cleaned where it entered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: String,
    pub time: DateTime<Utc>,
    pub name: String,
    pub source: String,
    pub region: String,
    pub source_ip: String,
    pub user_agent: String,
    pub username: String,
    pub access_key_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    pub read_only: bool,
    /// (type, name) of each resource the event names.
    pub resources: Vec<(String, String)>,
    /// Session keys an `AssumeRole` handed out (followed for a role's timeline).
    #[serde(skip)]
    pub issued_keys: Vec<String>,
    /// The S3 inputs a `CreateTrainingJob` asked for (to tell new training data).
    #[serde(skip)]
    pub inputs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
}

/// What an investigator looks for first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    DefenceEvasion,
    /// The model supply chain changed: what is approved, trained, served or started with
    /// (AWS's SageMaker incident playbook groups these).
    ModelTampering,
    Persistence,
    CredentialAccess,
    Mining,
    Denied,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::DefenceEvasion => "defence evasion",
            Category::ModelTampering => "model tampering",
            Category::Persistence => "persistence",
            Category::CredentialAccess => "credential and data access",
            Category::Mining => "compute for mining",
            Category::Denied => "denied",
        }
    }

    /// For a narrow screen.
    pub fn short(self) -> &'static str {
        match self {
            Category::DefenceEvasion => "evasion",
            Category::ModelTampering => "tampering",
            Category::Persistence => "persistence",
            Category::CredentialAccess => "data access",
            Category::Mining => "mining",
            Category::Denied => "denied",
        }
    }

    /// The MITRE ATT&CK technique an event of this kind is evidence of: (technique id, name,
    /// tactic).
    pub fn technique(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Category::DefenceEvasion => (
                "T1562.008",
                "Impair Defenses: Disable or Modify Cloud Logs",
                "Defense Evasion",
            ),
            Category::ModelTampering => (
                "T1565.001",
                "Data Manipulation: Stored Data Manipulation",
                "Impact",
            ),
            Category::Persistence => ("T1098", "Account Manipulation", "Persistence"),
            Category::CredentialAccess => ("T1530", "Data from Cloud Storage", "Collection"),
            Category::Mining => ("T1496", "Resource Hijacking", "Impact"),
            Category::Denied => ("T1580", "Cloud Infrastructure Discovery", "Discovery"),
        }
    }
}

/// Changes to what a model is, where it comes from and what serves it.
const MODEL_TAMPERING: &[&str] = &[
    "CreateModelPackage",
    "UpdateModelPackage",
    "CreateEndpointConfig",
    "UpdateEndpoint",
    "CreateModel",
    "PutModelPackageGroupPolicy",
    "CreateNotebookInstanceLifecycleConfig",
    "UpdateNotebookInstanceLifecycleConfig",
    "CreateStudioLifecycleConfig",
];

/// Highlighted as model tampering only when something is new: a training job reading data no
/// earlier one in the timeline read, a presigned URL asked from an address not seen before.
const TAMPERING_WHEN_NEW: &[&str] = &[
    "CreateTrainingJob",
    "CreatePresignedNotebookInstanceUrl",
    "CreatePresignedDomainUrl",
];

const PERSISTENCE: &[&str] = &[
    "CreateAccessKey",
    "CreateUser",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "CreateRole",
    "UpdateAssumeRolePolicy",
    "CreatePolicyVersion",
    "SetDefaultPolicyVersion",
    "AddUserToGroup",
];
const EVASION: &[&str] = &[
    "StopLogging",
    "DeleteTrail",
    "UpdateTrail",
    "PutEventSelectors",
    "DeleteDetector",
    "UpdateDetector",
    "DisassociateFromMasterAccount",
    "DisableSecurityHub",
    "DeleteFlowLogs",
    "StopConfigurationRecorder",
    "DeleteConfigurationRecorder",
];
const CREDENTIAL_ACCESS: &[&str] = &[
    "GetSecretValue",
    "GetParameter",
    "GetParameters",
    "GetParametersByPath",
    "GetObject",
    "GetPasswordData",
];
const MINING: &[&str] = &[
    "RunInstances",
    "CreateTrainingJob",
    "CreateNotebookInstance",
    "CreatePresignedNotebookInstanceUrl",
    "CreateProcessingJob",
    "RequestSpotInstances",
];

/// The category an event is highlighted under, if any: a denied call first (someone probing),
/// then what it did.
pub fn classify(name: &str, error_code: Option<&str>) -> Option<Category> {
    if error_code.is_some_and(|c| {
        c.contains("AccessDenied")
            || c.contains("UnauthorizedOperation")
            || c == "Client.UnauthorizedOperation"
    }) {
        return Some(Category::Denied);
    }
    let attach_or_put_policy =
        (name.starts_with("Attach") || name.starts_with("Put")) && name.ends_with("Policy");
    if MODEL_TAMPERING.contains(&name) {
        Some(Category::ModelTampering)
    } else if PERSISTENCE.contains(&name) || attach_or_put_policy {
        Some(Category::Persistence)
    } else if EVASION.contains(&name) {
        Some(Category::DefenceEvasion)
    } else if CREDENTIAL_ACCESS.contains(&name) {
        Some(Category::CredentialAccess)
    } else if MINING.contains(&name) {
        Some(Category::Mining)
    } else {
        None
    }
}

/// Builds an event from `LookupEvents`' fields and the raw record in `CloudTrailEvent`
/// (source IP, user agent, error code, region are only there). Untrusted text is cleaned.
#[allow(clippy::too_many_arguments)]
pub fn event(
    id: &str,
    time: DateTime<Utc>,
    name: &str,
    source: &str,
    username: &str,
    access_key_id: &str,
    read_only: Option<&str>,
    resources: Vec<(String, String)>,
    record: Option<&str>,
    region: &str,
) -> Event {
    let raw: serde_json::Value = record
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().map(crate::sanitize::clean).unwrap_or_default();
    let error_code = raw["errorCode"]
        .as_str()
        .map(crate::sanitize::clean)
        .filter(|c| !c.is_empty());
    let issued_keys = raw["responseElements"]["credentials"]["accessKeyId"]
        .as_str()
        .map(|k| vec![crate::sanitize::clean(k)])
        .unwrap_or_default();
    let clean_name = crate::sanitize::clean(name);
    let inputs = raw["requestParameters"]["inputDataConfig"]
        .as_array()
        .map(|channels| {
            channels
                .iter()
                .filter_map(|c| c["dataSource"]["s3DataSource"]["s3Uri"].as_str())
                .map(crate::sanitize::clean)
                .collect()
        })
        .unwrap_or_default();
    Event {
        inputs,
        id: crate::sanitize::clean(id),
        time,
        category: classify(&clean_name, error_code.as_deref()),
        name: clean_name,
        source: crate::sanitize::clean(source),
        region: Some(text(&raw["awsRegion"]))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| region.to_string()),
        source_ip: text(&raw["sourceIPAddress"]),
        user_agent: text(&raw["userAgent"]),
        username: crate::sanitize::clean(username),
        access_key_id: crate::sanitize::clean(access_key_id),
        error_code,
        read_only: read_only
            .map(|r| r == "true")
            .or_else(|| raw["readOnly"].as_bool())
            .unwrap_or(false),
        resources: resources
            .into_iter()
            .map(|(t, n)| (crate::sanitize::clean(&t), crate::sanitize::clean(&n)))
            .collect(),
        issued_keys,
    }
}

/// Who called from where: one row per distinct value, with first and last seen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Seen {
    pub value: String,
    pub events: usize,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

fn seen(events: &[Event], field: impl Fn(&Event) -> &str) -> Vec<Seen> {
    let mut by: BTreeMap<&str, Seen> = BTreeMap::new();
    for e in events {
        let v = field(e);
        if v.is_empty() {
            continue;
        }
        let s = by.entry(v).or_insert_with(|| Seen {
            value: v.to_string(),
            events: 0,
            first_seen: e.time,
            last_seen: e.time,
        });
        s.events += 1;
        s.first_seen = s.first_seen.min(e.time);
        s.last_seen = s.last_seen.max(e.time);
    }
    let mut out: Vec<Seen> = by.into_values().collect();
    out.sort_by(|a, b| b.events.cmp(&a.events).then(a.value.cmp(&b.value)));
    out
}

/// A timeline as read: newest first, with what heads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// What was looked up (an incident's timeline is of all its subjects).
    pub subjects: Vec<Subject>,
    pub since: DateTime<Utc>,
    pub regions: Vec<String>,
    pub events: Vec<Event>,
    pub source_ips: Vec<Seen>,
    pub user_agents: Vec<Seen>,
    /// The page cap was reached in a region: older events were not read.
    pub truncated: Vec<String>,
    /// Regions (or followed keys) whose reading failed, in words.
    pub errors: Vec<String>,
}

impl Timeline {
    /// Merges what each region read: newest first, each event once.
    pub fn new(
        subjects: Vec<Subject>,
        since: DateTime<Utc>,
        regions: Vec<String>,
        mut events: Vec<Event>,
        truncated: Vec<String>,
        errors: Vec<String>,
    ) -> Timeline {
        events.sort_by(|a, b| b.time.cmp(&a.time).then(a.id.cmp(&b.id)));
        events.dedup_by(|a, b| a.id == b.id);
        mark_new_tampering(&mut events);
        Timeline {
            source_ips: seen(&events, |e| &e.source_ip),
            user_agents: seen(&events, |e| &e.user_agent),
            subjects,
            since,
            regions,
            events,
            truncated,
            errors,
        }
    }

    /// What it is of, in words.
    pub fn label(&self) -> String {
        self.subjects
            .iter()
            .map(Subject::label)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The highlighted events, by category, oldest first within each.
    pub fn highlights(&self) -> Vec<(Category, Vec<&Event>)> {
        let mut by: BTreeMap<Category, Vec<&Event>> = BTreeMap::new();
        for e in self.events.iter().rev() {
            if let Some(c) = e.category {
                by.entry(c).or_default().push(e);
            }
        }
        by.into_iter().collect()
    }
}

/// A training job on data no earlier training job of the timeline read, or a presigned URL
/// asked from an address no earlier event came from, is model tampering (oldest first: what
/// "earlier" means). Others keep the category their name gives.
fn mark_new_tampering(events: &mut [Event]) {
    let mut inputs_seen: std::collections::HashSet<String> = Default::default();
    let mut addresses_seen: std::collections::HashSet<String> = Default::default();
    for e in events.iter_mut().rev() {
        if e.category != Some(Category::Denied) && TAMPERING_WHEN_NEW.contains(&e.name.as_str()) {
            let new = if e.name == "CreateTrainingJob" {
                e.inputs.iter().any(|i| !inputs_seen.contains(i))
            } else {
                !e.source_ip.is_empty() && !addresses_seen.contains(&e.source_ip)
            };
            if new {
                e.category = Some(Category::ModelTampering);
            }
        }
        inputs_seen.extend(e.inputs.iter().cloned());
        addresses_seen.insert(e.source_ip.clone());
    }
}

/// Since when a finding's timeline reads: an hour before its first sighting, a day at least,
/// never past CloudTrail's 90 days.
pub fn since_for(first_seen: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    (first_seen - chrono::Duration::hours(1))
        .min(now - chrono::Duration::hours(24))
        .max(now - chrono::Duration::days(90))
}

/// `24h`, `7d`, `90m`: at most the 90 days CloudTrail's event history keeps.
pub fn parse_since(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("--since {s:?} is not a duration like 30m, 24h or 7d ({e})"))?;
    let max = chrono::Duration::days(90);
    let d = chrono::Duration::from_std(d).map_err(|_| format!("--since {s:?} is too long"))?;
    if d > max {
        return Err(format!(
            "--since {s:?} reaches past the 90 days of CloudTrail's event history; use 90d or less"
        ));
    }
    Ok(now - d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap()
    }

    fn ev(id: &str, h: u32, name: &str, ip: &str, record_error: Option<&str>) -> Event {
        let record = serde_json::json!({
            "sourceIPAddress": ip,
            "userAgent": "aws-cli/2.15",
            "awsRegion": "us-east-1",
            "errorCode": record_error,
        })
        .to_string();
        recorded(id, h, name, "iam.amazonaws.com", &record)
    }

    /// alice's write event `name` at hour `h`, from its raw CloudTrail record.
    fn recorded(id: &str, h: u32, name: &str, source: &str, record: &str) -> Event {
        event(
            id,
            t(h),
            name,
            source,
            "alice",
            "AKIA1",
            Some("false"),
            vec![],
            Some(record),
            "x",
        )
    }

    #[test]
    fn persistence_evasion_mining_and_denied_calls_are_highlighted() {
        assert_eq!(
            classify("CreateAccessKey", None),
            Some(Category::Persistence)
        );
        assert_eq!(classify("PutUserPolicy", None), Some(Category::Persistence));
        assert_eq!(
            classify("AttachRolePolicy", None),
            Some(Category::Persistence)
        );
        assert_eq!(
            classify("StopLogging", None),
            Some(Category::DefenceEvasion)
        );
        assert_eq!(classify("RunInstances", None), Some(Category::Mining));
        assert_eq!(
            classify("GetSecretValue", None),
            Some(Category::CredentialAccess)
        );
        assert_eq!(
            classify("ListBuckets", Some("AccessDenied")),
            Some(Category::Denied)
        );
        assert_eq!(classify("DescribeInstances", None), None);
        assert_eq!(classify("PutObject", None), None, "not a policy");
    }

    /// A training job's event with its S3 inputs in the record, as CloudTrail keeps them.
    fn training(id: &str, h: u32, input: &str) -> Event {
        let record = serde_json::json!({
            "sourceIPAddress": "10.0.0.5",
            "requestParameters": {"inputDataConfig": [
                {"channelName": "train", "dataSource": {"s3DataSource": {"s3Uri": input}}}
            ]},
        })
        .to_string();
        recorded(
            id,
            h,
            "CreateTrainingJob",
            "sagemaker.amazonaws.com",
            &record,
        )
    }

    /// #30: the model supply chain's changes are highlighted together, as AWS's SageMaker
    /// playbook groups them; a training job counts when it reads new data, a presigned URL
    /// when it is asked from a new address.
    #[test]
    fn model_tampering_is_highlighted_under_its_own_heading() {
        for name in [
            "CreateModelPackage",
            "UpdateModelPackage",
            "CreateEndpointConfig",
            "UpdateEndpoint",
            "CreateModel",
            "PutModelPackageGroupPolicy",
            "UpdateNotebookInstanceLifecycleConfig",
        ] {
            assert_eq!(
                classify(name, None),
                Some(Category::ModelTampering),
                "{name}"
            );
        }
        assert_eq!(
            classify("UpdateEndpoint", Some("AccessDenied")),
            Some(Category::Denied)
        );
        let tl = Timeline::new(
            vec![Subject::AccessKey("AKIA1".into())],
            t(0),
            vec!["us-east-1".into()],
            vec![
                training("t1", 1, "s3://data/tickets/"),
                training("t2", 2, "s3://data/tickets/"),
                training("t3", 3, "s3://uploads/new/"),
                ev(
                    "u1",
                    4,
                    "CreatePresignedNotebookInstanceUrl",
                    "10.0.0.5",
                    None,
                ),
                ev(
                    "u2",
                    5,
                    "CreatePresignedNotebookInstanceUrl",
                    "198.51.100.77",
                    None,
                ),
            ],
            vec![],
            vec![],
        );
        let category = |id: &str| tl.events.iter().find(|e| e.id == id).unwrap().category;
        assert_eq!(
            category("t1"),
            Some(Category::ModelTampering),
            "first data read"
        );
        assert_eq!(
            category("t2"),
            Some(Category::Mining),
            "the same data again"
        );
        assert_eq!(category("t3"), Some(Category::ModelTampering), "new data");
        assert_eq!(
            category("u1"),
            Some(Category::Mining),
            "an address seen before"
        );
        assert_eq!(
            category("u2"),
            Some(Category::ModelTampering),
            "a new address"
        );
        assert_eq!(
            tl.highlights()[0].0,
            Category::ModelTampering,
            "first of the headings here"
        );
        let (uid, _, tactic) = Category::ModelTampering.technique();
        assert_eq!((uid, tactic), ("T1565.001", "Impact"));
    }

    #[test]
    fn the_summary_counts_ips_with_first_and_last_seen() {
        let tl = Timeline::new(
            vec![Subject::AccessKey("AKIA1".into())],
            t(0),
            vec!["us-east-1".into()],
            vec![
                ev("1", 1, "ListBuckets", "203.0.113.9", None),
                ev("2", 5, "CreateAccessKey", "203.0.113.9", None),
                ev("3", 3, "GetCallerIdentity", "10.0.0.1", None),
                ev("2", 5, "CreateAccessKey", "203.0.113.9", None),
            ],
            vec![],
            vec![],
        );
        assert_eq!(tl.events.len(), 3, "each event once");
        assert_eq!(tl.events[0].id, "2", "newest first");
        assert_eq!(tl.source_ips[0].value, "203.0.113.9");
        assert_eq!(tl.source_ips[0].events, 2);
        assert_eq!(
            (tl.source_ips[0].first_seen, tl.source_ips[0].last_seen),
            (t(1), t(5))
        );
        let h = tl.highlights();
        assert_eq!(h[0].0, Category::Persistence);
        assert_eq!(h[0].1[0].name, "CreateAccessKey");
    }

    #[test]
    fn hostile_event_text_is_cleaned_where_it_enters() {
        let e = event(
            "1",
            t(1),
            "Run\x1b[2JInstances",
            "ec2.amazonaws.com",
            "mallory\x07",
            "AKIA1",
            None,
            vec![("AWS::EC2::Instance".into(), "i-1\x1b]52;c;bad\x07".into())],
            Some(
                r#"{"userAgent":"curl\u001b[31m","sourceIPAddress":"198.51.100.7","readOnly":false}"#,
            ),
            "us-east-1",
        );
        for s in [&e.name, &e.username, &e.user_agent, &e.resources[0].1] {
            assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        }
        assert_eq!(e.region, "us-east-1");
    }

    #[test]
    fn since_is_a_duration_within_ninety_days() {
        assert_eq!(
            parse_since("24h", t(12)).unwrap(),
            t(12) - chrono::Duration::hours(24)
        );
        assert!(parse_since("91d", t(12)).unwrap_err().contains("90 days"));
        assert!(parse_since("soon", t(12)).is_err());
    }

    #[test]
    fn an_assume_role_event_names_the_session_key_it_issued() {
        let record = r#"{"responseElements":{"credentials":{"accessKeyId":"ASIA9"}}}"#;
        let e = event(
            "1",
            t(1),
            "AssumeRole",
            "sts.amazonaws.com",
            "",
            "",
            None,
            vec![],
            Some(record),
            "r",
        );
        assert_eq!(e.issued_keys, ["ASIA9"]);
    }
}
