//! `--format ocsf`: the snapshot as OCSF 1.5.0 events, one JSON object a line, for Security
//! Lake or a SIEM: a Compliance Finding (class 2003) per checklist item, a Detection Finding
//! (class 2004) per GuardDuty finding and per risky security-group rule (medium and worse).

use super::types::{CheckOut, FindingOut, Snapshot};
use crate::model::{CheckStatus, Importance, Risk, SeverityLabel};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The OCSF schema version the events follow (and are validated against in the tests).
pub const OCSF_VERSION: &str = "1.5.0";

const COMPLIANCE_FINDING: u32 = 2003;
const DETECTION_FINDING: u32 = 2004;
const CREATE: u32 = 1;

fn severity_id(r: Risk) -> (u32, &'static str) {
    match r {
        Risk::None => (1, "Informational"),
        Risk::Low => (2, "Low"),
        Risk::Medium => (3, "Medium"),
        Risk::High => (4, "High"),
        Risk::Critical => (5, "Critical"),
    }
}

/// What every event carries: who made it, when, where.
fn base(s: &Snapshot, class_uid: u32, class_name: &str, severity: Risk, uid: &str) -> Value {
    let (severity_id, severity) = severity_id(severity);
    let time = s.generated_at.timestamp_millis();
    json!({
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": "secdash",
                "vendor_name": "secdash",
                "version": env!("CARGO_PKG_VERSION"),
            },
            "uid": uid,
            "profiles": ["cloud"],
            "log_name": "secdash --once",
        },
        "time": time,
        "time_dt": s.generated_at,
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": class_uid,
        "class_name": class_name,
        "activity_id": CREATE,
        "activity_name": "Create",
        "type_uid": class_uid * 100 + CREATE,
        "type_name": format!("{class_name}: Create"),
        "severity_id": severity_id,
        "severity": severity,
        "cloud": {
            "provider": "AWS",
            "account": {"uid": s.account.unwrap_or_default(), "name": s.account.unwrap_or_default(), "type": "AWS Account", "type_id": 10},
            "region": s.regions.first().map(String::as_str).unwrap_or_default(),
        },
    })
}

/// The account a row belongs to, when several are watched: its `cloud`, in place of the
/// caller's.
fn row_cloud(s: &Snapshot, account: Option<super::RowAccountOut>) -> Value {
    match account {
        Some(a) => json!({"cloud": {
            "provider": "AWS",
            "account": {"uid": a.id, "name": a.name, "type": "AWS Account", "type_id": 10},
            "region": s.regions.first().map(String::as_str).unwrap_or_default(),
        }}),
        None => json!({}),
    }
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn importance_risk(i: Importance) -> Risk {
    i.as_risk()
}

/// The compliance status (OCSF: 1 pass, 2 warning, 3 fail, 0 unknown, 99 other) and the
/// finding's status (1 new, 3 suppressed for an accepted failure).
fn compliance_status(s: CheckStatus) -> (u32, &'static str, u32, &'static str) {
    match s {
        CheckStatus::Pass => (1, "Pass", 1, "New"),
        CheckStatus::Warn => (2, "Warning", 1, "New"),
        CheckStatus::Fail => (3, "Fail", 1, "New"),
        CheckStatus::Accepted => (3, "Fail", 3, "Suppressed"),
        CheckStatus::Unknown => (0, "Unknown", 1, "New"),
        CheckStatus::Manual => (99, "Manual", 1, "New"),
    }
}

fn compliance(s: &Snapshot, c: &CheckOut) -> Value {
    let (status_id, status, finding_status_id, finding_status) = compliance_status(c.status);
    let account = c.account.map_or(s.account.unwrap_or("unknown"), |a| a.id);
    let uid = format!("secdash:{account}:{}", c.id);
    let mut event = merge(
        base(
            s,
            COMPLIANCE_FINDING,
            "Compliance Finding",
            importance_risk(c.importance),
            &uid,
        ),
        json!({
            "status_id": finding_status_id,
            "status": finding_status,
            "status_detail": c.evidence.join("; "),
            "finding_info": {
                "uid": uid,
                "title": if c.status == CheckStatus::Fail { c.problem } else { c.title },
                "desc": c.title,
                "types": [c.category],
            },
            "compliance": {
                "control": c.id,
                "desc": c.title,
                "standards": [c.seed_title],
                // Security Hub's control ids first, then Prowler's checks: both name the same question.
                "requirements": c.security_hub.iter().chain(c.prowler).collect::<Vec<_>>(),
                "status_id": status_id,
                "status": status,
            },
            "remediation": {"desc": c.remediation},
            "unmapped": {"evidence": c.evidence, "prowler_note": c.prowler_note},
        }),
    );
    if let Some(attacks) = attacks(c) {
        event["finding_info"]["attacks"] = attacks;
    }
    merge(event, row_cloud(s, c.account))
}

fn label_risk(l: SeverityLabel) -> Risk {
    l.as_risk()
}

fn detection(s: &Snapshot, f: &FindingOut) -> Value {
    let mut resources = vec![json!({
        "uid": f.resource,
        "type": f.resource_type,
        "region": f.region,
        "cloud_partition": "aws",
    })];
    for sub in f.subjects {
        resources.push(json!({"uid": sub.id, "type": sub.kind.label(), "region": f.region}));
    }
    merge(
        base(
            s,
            DETECTION_FINDING,
            "Detection Finding",
            label_risk(f.severity_label),
            f.id,
        ),
        json!({
            "status_id": if f.archived { 5 } else { 1 },
            "status": if f.archived { "Archived" } else { "New" },
            "count": f.count,
            "finding_info": {
                "uid": f.id,
                "title": f.title,
                "types": [f.finding_type],
                "first_seen_time": f.first_seen.timestamp_millis(),
                "last_seen_time": f.last_seen.timestamp_millis(),
                "data_sources": ["Amazon GuardDuty"],
            },
            "resources": resources,
            "cloud": {
                "provider": "AWS",
                "account": {"uid": f.account_id, "name": f.account_id, "type": "AWS Account", "type_id": 10},
                "region": f.region,
            },
        }),
    )
}

/// A broken link of an endpoint's chain (#29's flags), as a Detection Finding on the endpoint
/// and the artifact it serves.
fn provenance_flag(
    s: &Snapshot,
    e: &super::types::EndpointOut,
    p: &crate::model::Provenance,
    f: &crate::model::ProvenanceFlag,
) -> Value {
    let part = match &p.inference_component {
        Some(ic) => format!("{}/{ic}", p.variant),
        None => p.variant.clone(),
    };
    let uid = format!("secdash:{}:{part}:{}", e.name, f.id);
    let mut resources = vec![json!({
        "uid": e.name,
        "name": e.name,
        "type": "AWS::SageMaker::Endpoint",
        "region": e.region,
        "cloud_partition": "aws",
    })];
    if !p.artifact.url.is_empty() {
        resources
            .push(json!({"uid": p.artifact.url, "type": "AWS::S3::Object", "region": e.region}));
    }
    merge(
        merge(
            base(s, DETECTION_FINDING, "Detection Finding", f.severity, &uid),
            json!({
                "status_id": 1,
                "status": "New",
                "finding_info": {
                    "uid": uid,
                    "title": format!("{} ({part}): {}", e.name, f.text),
                    "types": [format!("ML model provenance: {}", f.id)],
                    "data_sources": ["Amazon SageMaker", "Amazon S3", "Amazon ECR"],
                },
                "resources": resources,
            }),
        ),
        row_cloud(s, e.account),
    )
}

pub fn write(s: &Snapshot, out: &mut impl Write) -> io::Result<()> {
    let mut line = |v: Value| -> io::Result<()> {
        serde_json::to_writer(&mut *out, &v).map_err(io::Error::from)?;
        out.write_all(b"\n")
    };
    for c in &s.checklist {
        line(compliance(s, c))?;
    }
    for f in &s.findings {
        line(detection(s, f))?;
    }
    for e in &s.endpoints {
        for p in e.provenance {
            for f in &p.flags {
                line(provenance_flag(s, e, p, f))?;
            }
        }
    }
    for g in &s.security_groups {
        for (i, r) in g.0.rules.iter().enumerate() {
            if r.grant().risk < Risk::Medium {
                continue;
            }
            let uid = format!(
                "secdash:{}:{}",
                g.0.id,
                r.id.clone()
                    .unwrap_or_else(|| compact_str::format_compact!("rule-{i}"))
            );
            let on_account = row_cloud(s, super::RowAccountOut::of(&g.0.place.account));
            line(merge(
                merge(
                    base(
                        s,
                        DETECTION_FINDING,
                        "Detection Finding",
                        r.grant().risk,
                        &uid,
                    ),
                    json!({
                        "status_id": 1,
                        "status": "New",
                        "finding_info": {
                            "uid": uid,
                            "title": format!("{} ({}): {}", g.0.id, g.0.name, r.grant().risk_reason),
                            "types": ["Risky security group rule"],
                            "data_sources": ["Amazon EC2"],
                        },
                        "resources": [{
                            "uid": g.0.id,
                            "name": g.0.name,
                            "type": "AWS::EC2::SecurityGroup",
                            "region": g.0.place.region,
                            "cloud_partition": "aws",
                        }],
                    }),
                ),
                on_account,
            ))?;
        }
    }
    Ok(())
}

/// The ATT&CK technique a failing item leaves open (none for an item that does not fail).
fn attacks(c: &CheckOut) -> Option<Value> {
    use crate::checklist::attack;
    let a = attack::of(c.id).filter(|_| c.status == CheckStatus::Fail)?;
    let mut one = json!({
        "tactic": {"uid": a.tactic.0, "name": a.tactic.1},
        "technique": {"uid": a.technique.0, "name": a.technique.1},
        "version": attack::VERSION,
    });
    if let Some((uid, name)) = a.sub_technique {
        one["sub_technique"] = json!({"uid": uid, "name": name});
    }
    Some(json!([one]))
}
