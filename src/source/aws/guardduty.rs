//! GuardDuty findings: every detector, every page of active finding ids (50 a page, highest
//! severity first; archived ones too when asked), full findings 50 ids per call, and the
//! counts of active findings by severity.

use crate::aws::calls::{Calls, call};
use crate::model::{Finding, FindingSubject, FindingsData, SeverityLabel, SubjectKind};
use crate::source::SourceError;
use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::{
    Condition, FindingCriteria, GroupByType, OrderBy, Resource, SortCriteria,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// The API's limit for ListFindings pages and GetFindings batches.
pub const BATCH: usize = 50;

pub struct RegionFindings {
    pub findings: Vec<Finding>,
    pub enabled: bool,
    /// GuardDuty's own counts of active findings by severity band.
    pub counts: BTreeMap<SeverityLabel, u64>,
}

fn active() -> FindingCriteria {
    FindingCriteria::builder()
        .criterion(
            "service.archived",
            Condition::builder().equals("false").build(),
        )
        .build()
}

/// Every GuardDuty detector in the region (one, in practice), all pages.
pub async fn detector_ids(
    client: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<String>, SourceError> {
    let mut detectors = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            calls,
            "guardduty:ListDetectors",
            region,
            profile,
            client
                .list_detectors()
                .max_results(50)
                .set_next_token(next)
                .send(),
        )
        .await?;
        detectors.extend(page.detector_ids().iter().cloned());
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(detectors);
        }
    }
}

/// The accounts whose findings this region's detector administers: its members that are
/// enabled (a delegated administrator's detector lists them).
pub async fn member_accounts(
    client: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<String>, SourceError> {
    let mut out = Vec::new();
    for detector in detector_ids(client, calls, region, profile).await? {
        let mut next = None;
        loop {
            let page = call(
                calls,
                "guardduty:ListMembers",
                region,
                profile,
                client
                    .list_members()
                    .detector_id(&detector)
                    .only_associated("true")
                    .max_results(50)
                    .set_next_token(next)
                    .send(),
            )
            .await?;
            out.extend(
                page.members()
                    .iter()
                    .filter(|m| {
                        m.relationship_status()
                            .is_some_and(|s| s.eq_ignore_ascii_case("enabled"))
                    })
                    .filter_map(|m| m.account_id().map(str::to_string)),
            );
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
    }
    Ok(out)
}

pub async fn fetch(
    client: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    include_archived: bool,
    early: Option<&tokio::sync::mpsc::UnboundedSender<FindingsData>>,
) -> Result<RegionFindings, SourceError> {
    let detectors = detector_ids(client, calls, region, profile).await?;
    let mut out = RegionFindings {
        findings: Vec::new(),
        enabled: !detectors.is_empty(),
        counts: BTreeMap::new(),
    };
    for detector in &detectors {
        // Each page of ids is read as soon as it is listed (the same calls as listing every
        // id first), so the first page, the most severe findings, can be shown at once.
        let mut next = None;
        let mut first_page = true;
        loop {
            let page = call(
                calls,
                "guardduty:ListFindings",
                region,
                profile,
                client
                    .list_findings()
                    .detector_id(detector)
                    .set_finding_criteria((!include_archived).then(active))
                    .sort_criteria(
                        SortCriteria::builder()
                            .attribute_name("severity")
                            .order_by(OrderBy::Desc)
                            .build(),
                    )
                    .max_results(BATCH as i32)
                    .set_next_token(next)
                    .send(),
            )
            .await?;
            let ids = page.finding_ids();
            for batch in ids.chunks(BATCH) {
                let got = call(
                    calls,
                    "guardduty:GetFindings",
                    region,
                    profile,
                    client
                        .get_findings()
                        .detector_id(detector)
                        .set_finding_ids(Some(batch.to_vec()))
                        .send(),
                )
                .await?;
                let start = out.findings.len();
                out.findings
                    .extend(got.findings().iter().map(|f| finding(f, region)));
                if let (true, Some(early)) = (first_page, early) {
                    // The screen may have gone (a refresh outliving it): nothing to tell.
                    let _ = early.send(FindingsData {
                        findings: out.findings[start..].to_vec(),
                        detectors: vec![(region.to_string(), true)],
                        counts: BTreeMap::new(),
                    });
                }
            }
            first_page = false;
            next = page
                .next_token()
                .map(str::to_string)
                .filter(|t| !t.is_empty());
            if next.is_none() {
                break;
            }
        }
        let stats = call(
            calls,
            "guardduty:GetFindingsStatistics",
            region,
            profile,
            client
                .get_findings_statistics()
                .detector_id(detector)
                .group_by(GroupByType::Severity)
                .finding_criteria(active())
                .send(),
        )
        .await?;
        for s in stats
            .finding_statistics()
            .map(|s| s.grouped_by_severity())
            .unwrap_or_default()
        {
            let label = SeverityLabel::from_score(s.severity().unwrap_or_default());
            *out.counts.entry(label).or_default() +=
                s.total_findings().unwrap_or_default().max(0) as u64;
        }
    }
    Ok(out)
}

fn time(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// The resource a finding is about, as an operator names it.
pub fn resource_name(r: Option<&Resource>) -> (String, String) {
    let Some(r) = r else {
        return (String::new(), String::new());
    };
    let kind = r.resource_type().unwrap_or_default().to_string();
    let name = r
        .instance_details()
        .and_then(|i| i.instance_id())
        .map(str::to_string)
        .or_else(|| {
            r.access_key_details()
                .and_then(|a| a.user_name().or(a.access_key_id()))
                .map(str::to_string)
        })
        .or_else(|| {
            r.s3_bucket_details()
                .first()
                .and_then(|b| b.name())
                .map(str::to_string)
        })
        .or_else(|| {
            r.eks_cluster_details()
                .and_then(|e| e.name())
                .map(str::to_string)
        })
        .or_else(|| {
            r.container_details()
                .and_then(|c| c.name())
                .map(str::to_string)
        })
        .unwrap_or_else(|| kind.clone());
    (kind, name)
}

/// What the finding names that a responder can open or act on, in the order they act: the
/// credentials first, then the instance, its interfaces and groups, then buckets.
pub fn subjects(r: Option<&Resource>) -> Vec<FindingSubject> {
    let Some(r) = r else {
        return vec![];
    };
    let mut out = Vec::new();
    let mut push = |kind, id: Option<&str>| {
        if let Some(id) = id.filter(|i| !i.is_empty()) {
            let s = FindingSubject::new(kind, id);
            if !out.contains(&s) {
                out.push(s);
            }
        }
    };
    if let Some(a) = r.access_key_details() {
        push(SubjectKind::AccessKey, a.access_key_id());
        match a.user_type() {
            Some("IAMUser") => push(SubjectKind::User, a.user_name()),
            // For an assumed role GuardDuty names the role.
            Some("AssumedRole" | "Role") => push(SubjectKind::Role, a.user_name()),
            _ => {}
        }
    }
    if let Some(i) = r.instance_details() {
        push(SubjectKind::Instance, i.instance_id());
        for n in i.network_interfaces() {
            push(SubjectKind::NetworkInterface, n.network_interface_id());
        }
        for n in i.network_interfaces() {
            for g in n.security_groups() {
                push(SubjectKind::SecurityGroup, g.group_id());
            }
        }
    }
    for b in r.s3_bucket_details() {
        push(SubjectKind::Bucket, b.name());
    }
    out
}

pub fn finding(f: &aws_sdk_guardduty::types::Finding, region: &str) -> Finding {
    let service = f.service();
    let created = time(f.created_at());
    let updated = time(f.updated_at());
    let first = time(service.and_then(|s| s.event_first_seen()))
        .or(created)
        .unwrap_or_default();
    let last = time(service.and_then(|s| s.event_last_seen()))
        .or(updated)
        .unwrap_or(first);
    let (resource_type, resource) = resource_name(f.resource());
    let mut details = Vec::new();
    if let Some(s) = service {
        if let Some(a) = s.action().and_then(|a| a.action_type()) {
            details.push(("service.action.actionType", a.into()));
        }
        if let Some(r) = s.resource_role() {
            details.push(("service.resourceRole", r.into()));
        }
        if let Some(d) = s.detector_id() {
            details.push(("service.detectorId", d.into()));
        }
    }
    if let Some(arn) = f.arn() {
        details.push(("arn", arn.into()));
    }
    Finding {
        account: None,
        id: f.id().unwrap_or_default().to_string(),
        region: f.region().unwrap_or(region).into(),
        account_id: f.account_id().unwrap_or_default().into(),
        finding_type: f.r#type().unwrap_or_default().into(),
        severity: f.severity().unwrap_or_default(),
        title: f.title().unwrap_or_default().into(),
        description: f.description().unwrap_or_default().into(),
        resource_type: resource_type.into(),
        resource: resource.into(),
        count: service.and_then(|s| s.count()).unwrap_or(1).max(0) as u64,
        first_seen: first,
        last_seen: last,
        archived: service.and_then(|s| s.archived()).unwrap_or(false),
        details: details.into(),
        subjects: subjects(f.resource()),
    }
}
