//! What changed since a baseline snapshot (`--baseline`): the changes themselves, as the JSON
//! and the reports carry them, and the breaches among them that are new.

use crate::model::{CheckStatus, Risk, SeverityLabel};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingChange {
    pub id: String,
    #[serde(rename = "type")]
    pub finding_type: String,
    pub severity_label: SeverityLabel,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusChange {
    /// The account it changed in, when several are watched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    pub id: String,
    pub title: String,
    pub from: String,
    pub to: CheckStatus,
    /// How much a failure of it matters, for `--fail-on-new`.
    #[serde(skip)]
    pub importance: Risk,
    #[serde(skip)]
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleChange {
    pub group_id: String,
    pub group_name: String,
    pub rule: String,
    pub risk: Risk,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertChange {
    pub endpoint: String,
    pub kind: String,
    pub message: String,
}

/// What changed since the baseline (`changes` in JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    /// When the baseline was taken.
    pub since: Option<String>,
    pub new_findings: Vec<FindingChange>,
    pub resolved_findings: Vec<String>,
    pub checklist: Vec<StatusChange>,
    pub new_risky_rules: Vec<RuleChange>,
    pub new_alerts: Vec<AlertChange>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.new_findings.is_empty()
            && self.resolved_findings.is_empty()
            && self.checklist.is_empty()
            && self.new_risky_rules.is_empty()
            && self.new_alerts.is_empty()
    }

    /// What is new and at or above `level`, one line each: what `--fail-on-new` counts.
    pub fn new_breaches(&self, level: Risk) -> Vec<String> {
        let mut out = Vec::new();
        if level <= Risk::High {
            for a in &self.new_alerts {
                out.push(format!(
                    "new: endpoint {} in alert: {}",
                    a.endpoint, a.message
                ));
            }
        }
        for r in self.new_risky_rules.iter().filter(|r| r.risk >= level) {
            out.push(format!(
                "new: {} rule in {} ({}): {}",
                r.risk.label(),
                r.group_id,
                r.group_name,
                r.reason
            ));
        }
        for f in self
            .new_findings
            .iter()
            .filter(|f| f.severity_label.as_risk() >= level)
        {
            out.push(format!(
                "new: {} finding {}: {}",
                f.severity_label.label(),
                f.finding_type,
                f.title
            ));
        }
        for c in self
            .checklist
            .iter()
            .filter(|c| c.to == CheckStatus::Fail && c.importance >= level)
        {
            let at = c
                .account_name
                .as_deref()
                .map(|a| format!("{a}: "))
                .unwrap_or_default();
            out.push(format!(
                "new: {at}checklist {}: {} (was {})",
                c.id, c.problem, c.from
            ));
        }
        out
    }
}
