//! GuardDuty findings.

use super::Risk;
use arcstr::ArcStr;
use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// A finding's further fields, `path = value`.
pub type Details = std::sync::Arc<[(&'static str, ArcStr)]>;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub id: String,
    /// The region, account and resource type are shared like the title (10,000 findings name
    /// a handful).
    pub region: ArcStr,
    pub account_id: ArcStr,
    /// The type, title and description are shared by every finding that says the same
    /// ([`FindingsData::share_texts`]): 10,000 findings repeat a few hundred of them.
    #[serde(rename = "type")]
    pub finding_type: ArcStr,
    pub severity: f64,
    pub title: ArcStr,
    pub description: ArcStr,
    pub resource_type: ArcStr,
    pub resource: CompactString,
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub archived: bool,
    /// Further fields of the full finding, flattened as `path = value`, for the detail view.
    /// The paths are secdash's own, one copy for every finding.
    /// Values shared like the title (a region's findings name one detector), and findings
    /// whose further fields are all alike share one list.
    pub details: Details,
    /// What the finding names that a responder can open or act on: the access key and its
    /// user or role, the instance, its interfaces and groups, the bucket.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<FindingSubject>,
    /// Its account, when several are watched (GuardDuty's `account_id` says whose resource).
    #[serde(skip)]
    pub account: super::RowAccount,
}

/// A resource a finding names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingSubject {
    pub kind: SubjectKind,
    pub id: CompactString,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    AccessKey,
    User,
    Role,
    Instance,
    NetworkInterface,
    SecurityGroup,
    Bucket,
    Endpoint,
}

impl SubjectKind {
    pub fn label(self) -> &'static str {
        match self {
            SubjectKind::AccessKey => "access key",
            SubjectKind::User => "IAM user",
            SubjectKind::Role => "IAM role",
            SubjectKind::Instance => "instance",
            SubjectKind::NetworkInterface => "network interface",
            SubjectKind::SecurityGroup => "security group",
            SubjectKind::Bucket => "S3 bucket",
            SubjectKind::Endpoint => "endpoint",
        }
    }
}

impl FindingSubject {
    pub fn new(kind: SubjectKind, id: impl Into<CompactString>) -> FindingSubject {
        FindingSubject {
            kind,
            id: id.into(),
        }
    }

    /// A session key (ASIA…) cannot be deactivated: its role's sessions are revoked instead.
    pub fn is_session_key(&self) -> bool {
        self.kind == SubjectKind::AccessKey && self.id.starts_with("ASIA")
    }
}

impl Finding {
    pub fn severity_label(&self) -> SeverityLabel {
        SeverityLabel::from_score(self.severity)
    }

    /// What the finding names: GuardDuty's resource details, else its resource when its id
    /// says what it is.
    pub fn named_subjects(&self) -> Vec<FindingSubject> {
        if !self.subjects.is_empty() {
            return self.subjects.clone();
        }
        let kind = match self.resource.as_str() {
            r if r.starts_with("i-") => SubjectKind::Instance,
            r if r.starts_with("eni-") => SubjectKind::NetworkInterface,
            r if r.starts_with("sg-") => SubjectKind::SecurityGroup,
            r if r.starts_with("AKIA") || r.starts_with("ASIA") => SubjectKind::AccessKey,
            _ if self.resource_type == "S3Bucket" => SubjectKind::Bucket,
            _ => return vec![],
        };
        vec![FindingSubject::new(kind, self.resource.clone())]
    }
}

/// GuardDuty's severity bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeverityLabel {
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityLabel {
    /// GuardDuty: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0.
    pub fn from_score(score: f64) -> SeverityLabel {
        if score >= 9.0 {
            SeverityLabel::Critical
        } else if score >= 7.0 {
            SeverityLabel::High
        } else if score >= 4.0 {
            SeverityLabel::Medium
        } else {
            SeverityLabel::Low
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SeverityLabel::Low => "low",
            SeverityLabel::Medium => "medium",
            SeverityLabel::High => "high",
            SeverityLabel::Critical => "critical",
        }
    }

    /// Four letters, for a narrow column.
    pub fn short(self) -> &'static str {
        match self {
            SeverityLabel::Low => "LOW",
            SeverityLabel::Medium => "MED",
            SeverityLabel::High => "HIGH",
            SeverityLabel::Critical => "CRIT",
        }
    }

    pub fn as_risk(self) -> Risk {
        match self {
            SeverityLabel::Low => Risk::Low,
            SeverityLabel::Medium => Risk::Medium,
            SeverityLabel::High => Risk::High,
            SeverityLabel::Critical => Risk::Critical,
        }
    }
}

/// Findings with the account-wide counts by severity.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingsData {
    pub findings: Vec<Finding>,
    /// Whether GuardDuty is enabled in each region watched.
    pub detectors: Vec<(String, bool)>,
    /// GuardDuty's own counts of active findings by severity (GetFindingsStatistics).
    pub counts: std::collections::BTreeMap<SeverityLabel, u64>,
}

impl FindingsData {
    /// Makes findings that say the same thing share one copy of it: the type, title,
    /// description and detail values.
    pub fn share_texts(&mut self) {
        let mut pool = super::TextPool::default();
        let mut lists = super::text_pool::SharedPool::default();
        for f in &mut self.findings {
            lists.share_list(&mut f.details, &mut pool, |(_, v), pool| pool.share(v));
            pool.share(&mut f.finding_type);
            pool.share(&mut f.title);
            pool.share(&mut f.description);
            pool.share(&mut f.region);
            pool.share(&mut f.account_id);
            pool.share(&mut f.resource_type);
        }
    }
}

/// Highest severity first, then most recently seen, then id (a stable order).
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .total_cmp(&a.severity)
            .then_with(|| b.last_seen.cmp(&a.last_seen))
            .then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10,000 findings: each byte of one is 10 KB held (issue #16).
    #[test]
    fn a_finding_stays_small() {
        let size = size_of::<Finding>();
        assert!(size <= 200, "a finding is {size} bytes");
    }

    #[test]
    fn severity_bands_follow_guardduty() {
        assert_eq!(SeverityLabel::from_score(1.0), SeverityLabel::Low);
        assert_eq!(SeverityLabel::from_score(3.9), SeverityLabel::Low);
        assert_eq!(SeverityLabel::from_score(4.0), SeverityLabel::Medium);
        assert_eq!(SeverityLabel::from_score(6.9), SeverityLabel::Medium);
        assert_eq!(SeverityLabel::from_score(7.0), SeverityLabel::High);
        assert_eq!(SeverityLabel::from_score(8.9), SeverityLabel::High);
        assert_eq!(SeverityLabel::from_score(9.0), SeverityLabel::Critical);
    }

    #[test]
    fn findings_that_say_the_same_share_their_texts_and_keep_them() {
        use crate::model::text_pool::tests::copies_and_texts;
        let now = chrono::Utc::now();
        let data = crate::source::demo::findings(now, 3);
        let mut shared = data.clone();
        shared.share_texts();
        assert_eq!(shared, data, "sharing changes no text");
        let findings: Vec<&Finding> = shared.findings.iter().collect();
        let texts: [fn(&Finding) -> &str; 7] = [
            |f| &f.finding_type,
            |f| &f.title,
            |f| &f.description,
            |f| &f.details[0].1,
            |f| &f.region,
            |f| &f.account_id,
            |f| &f.resource_type,
        ];
        for text in texts {
            let (copies, texts) = copies_and_texts(&findings, text);
            assert_eq!(copies, texts);
            assert!(texts <= findings.len() / 3);
        }
        let mut lists: Vec<*const (&str, ArcStr)> =
            findings.iter().map(|f| f.details.as_ptr()).collect();
        lists.sort();
        lists.dedup();
        assert!(
            lists.len() <= findings.len() / 3,
            "{} detail lists",
            lists.len()
        );
    }

    #[test]
    fn findings_sort_by_severity_then_recency_then_id() {
        use chrono::TimeZone;
        let t = |h| Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap();
        let f = |id: &str, sev: f64, last| Finding {
            account: None,
            id: id.into(),
            region: Default::default(),
            account_id: Default::default(),
            finding_type: "".into(),
            severity: sev,
            title: "".into(),
            description: "".into(),
            resource_type: Default::default(),
            resource: Default::default(),
            count: 1,
            first_seen: t(0),
            last_seen: last,
            archived: false,
            details: Default::default(),
            subjects: vec![],
        };
        let mut v = vec![
            f("c", 5.0, t(3)),
            f("b", 8.0, t(1)),
            f("a", 8.0, t(1)),
            f("d", 8.0, t(2)),
            f("e", 9.1, t(0)),
        ];
        sort_findings(&mut v);
        let ids: Vec<&str> = v.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["e", "d", "a", "b", "c"]);
    }
}
