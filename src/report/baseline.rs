//! What changed since an earlier snapshot (`--baseline PREVIOUS.json`): new and resolved
//! findings, checklist items whose status changed, new risky rules, new endpoint alerts. With
//! `--fail-on-new` the exit code counts only what is new, so cron pages once. Pure: the earlier
//! snapshot is read from its JSON (any schema version that has these fields).

pub use super::changes::{AlertChange, Changes, FindingChange, RuleChange, StatusChange};
use super::types::{CheckOut, EndpointOut, FindingOut, SecurityGroupOut};
use crate::model::{Risk, Rule};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The parts of an earlier snapshot a comparison needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    pub generated_at: Option<String>,
    /// Unarchived finding ids.
    pub findings: BTreeSet<String>,
    pub checklist: BTreeMap<String, String>,
    /// Rules of medium risk or worse, by `rule_key`.
    pub risky_rules: BTreeSet<String>,
    /// (endpoint, alert kind).
    pub alerts: BTreeSet<(String, String)>,
}

/// Why an earlier snapshot cannot be compared with.
pub fn parse(text: &str) -> Result<Baseline, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("is not a secdash JSON snapshot ({e})"))?;
    if v.get("schema_version").and_then(Value::as_u64).is_none() {
        return Err("has no schema_version: not a `secdash --once --format json` snapshot".into());
    }
    let list = |k: &str| v[k].as_array().cloned().unwrap_or_default();
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut b = Baseline {
        generated_at: v["generated_at"].as_str().map(str::to_string),
        ..Baseline::default()
    };
    for f in list("findings") {
        if !f["archived"].as_bool().unwrap_or(false) {
            b.findings.insert(s(&f["id"]));
        }
    }
    // Several accounts: an item is judged in each, so it is keyed by its account too.
    for c in list("checklist") {
        b.checklist.insert(
            account_key(c["account"].as_str(), &s(&c["id"])),
            s(&c["status"]),
        );
    }
    for g in list("security_groups") {
        for r in g["rules"].as_array().into_iter().flatten() {
            if risky(r["risk"].as_str().unwrap_or("none")) {
                b.risky_rules.insert(format!(
                    "{} {} {} {}-{} {}",
                    s(&g["id"]),
                    s(&r["direction"]),
                    s(&r["protocol"]),
                    r["from_port"],
                    r["to_port"],
                    s(&r["peer"])
                ));
            }
        }
    }
    for e in list("endpoints") {
        for a in e["alerts"].as_array().into_iter().flatten() {
            b.alerts.insert((
                account_key(e["account"].as_str(), &s(&e["name"])),
                s(&a["kind"]),
            ));
        }
    }
    Ok(b)
}

/// An item's or endpoint's key: its account's id before it when several accounts are watched.
fn account_key(account: Option<&str>, id: &str) -> String {
    match account {
        Some(a) => format!("{a}/{id}"),
        None => id.to_string(),
    }
}

fn risky(label: &str) -> bool {
    matches!(label, "medium" | "high" | "critical")
}

/// The same key `parse` builds from the JSON, from a rule as it is now.
fn rule_key(group: &str, r: &Rule) -> String {
    let port = |p: Option<i32>| p.map(|p| p.to_string()).unwrap_or_else(|| "null".into());
    let direction = match r.grant().direction {
        crate::model::Direction::Ingress => "ingress",
        crate::model::Direction::Egress => "egress",
    };
    format!(
        "{group} {direction} {} {}-{} {}",
        r.grant().protocol,
        port(r.grant().from_port),
        port(r.grant().to_port),
        r.grant().peer
    )
}

/// Compares the snapshot being written with the baseline.
pub fn compare(
    base: &Baseline,
    endpoints: &[EndpointOut],
    groups: &[SecurityGroupOut],
    findings: &[FindingOut],
    checklist: &[CheckOut],
) -> Changes {
    let now_findings: BTreeSet<&str> = findings
        .iter()
        .filter(|f| !f.archived)
        .map(|f| f.id)
        .collect();
    let mut changes = Changes {
        since: base.generated_at.clone(),
        ..Changes::default()
    };
    for f in findings.iter().filter(|f| !f.archived) {
        if !base.findings.contains(f.id) {
            changes.new_findings.push(FindingChange {
                id: f.id.to_string(),
                finding_type: f.finding_type.to_string(),
                severity_label: f.severity_label,
                title: f.title.to_string(),
            });
        }
    }
    changes.resolved_findings = base
        .findings
        .iter()
        .filter(|id| !now_findings.contains(id.as_str()))
        .cloned()
        .collect();
    for c in checklist {
        let now = serde_json::to_value(c.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        match base
            .checklist
            .get(&account_key(c.account.map(|a| a.id), c.id))
        {
            Some(before) if *before != now => changes.checklist.push(StatusChange {
                account_name: c.account.map(|a| a.name.to_string()),
                id: c.id.to_string(),
                title: c.title.to_string(),
                from: before.clone(),
                to: c.status,
                importance: c.importance.as_risk(),
                problem: c.problem.to_string(),
            }),
            // An item the baseline did not have: a newer secdash, nothing changed in AWS.
            _ => {}
        }
    }
    for g in groups {
        for r in g.0.rules.iter().filter(|r| r.grant().risk >= Risk::Medium) {
            if !base.risky_rules.contains(&rule_key(&g.0.id, r)) {
                changes.new_risky_rules.push(RuleChange {
                    group_id: g.0.id.to_string(),
                    group_name: g.0.name.to_string(),
                    rule: r.grant_label(),
                    risk: r.grant().risk,
                    reason: r.grant().risk_reason.to_string(),
                });
            }
        }
    }
    for e in endpoints {
        for a in &e.alerts {
            if !base.alerts.contains(&(
                account_key(e.account.map(|a| a.id), e.name),
                a.kind.to_string(),
            )) {
                changes.new_alerts.push(AlertChange {
                    endpoint: e.name.to_string(),
                    kind: a.kind.to_string(),
                    message: a.message.clone(),
                });
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CheckStatus;
    use crate::model::{Category, Importance};
    use crate::report::types::RowAccountOut;

    fn item<'a>(account: &'a str, status: CheckStatus) -> CheckOut<'a> {
        CheckOut {
            account: Some(RowAccountOut {
                id: account,
                name: account,
            }),
            id: "data.kms",
            category: Category::Data,
            title: "KMS encryption enabled",
            problem: "KMS encryption not enabled",
            status,
            importance: Importance::High,
            evidence: &[],
            remediation: "",
            seed: "",
            seed_title: "",
            prowler: &[],
            prowler_note: "",
            security_hub: &[],
        }
    }

    #[test]
    fn an_item_of_several_accounts_is_compared_in_its_own_account() {
        // Then: failing in dev, passing in prod; now the same.
        let base = parse(
            r#"{"schema_version": 2, "checklist": [
                {"account": "dev", "id": "data.kms", "status": "fail"},
                {"account": "prod", "id": "data.kms", "status": "pass"}]}"#,
        )
        .unwrap();
        let now = [
            item("dev", CheckStatus::Fail),
            item("prod", CheckStatus::Pass),
        ];
        let changes = compare(&base, &[], &[], &[], &now);
        assert!(changes.checklist.is_empty(), "{:?}", changes.checklist);
        // Prod fails now: a change, in prod.
        let now = [
            item("dev", CheckStatus::Fail),
            item("prod", CheckStatus::Fail),
        ];
        let changes = compare(&base, &[], &[], &[], &now);
        assert_eq!(changes.checklist.len(), 1);
        assert_eq!(changes.checklist[0].account_name.as_deref(), Some("prod"));
    }
}
