//! Checklist items with their status and evidence.

use super::Risk;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Network,
    Data,
    Monitoring,
    ThreatDetection,
    AccessControl,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Network => "network",
            Category::Data => "data",
            Category::Monitoring => "monitoring",
            Category::ThreatDetection => "threat detection",
            Category::AccessControl => "access control",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Fail,
    Warn,
    Unknown,
    Manual,
    Accepted,
    Pass,
}

impl CheckStatus {
    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Warn => "warn",
            CheckStatus::Unknown => "unknown",
            CheckStatus::Manual => "manual",
            CheckStatus::Accepted => "accepted",
        }
    }
}

/// How much a failing item matters; decides `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    Low,
    Medium,
    High,
}

impl Importance {
    pub fn as_risk(self) -> Risk {
        match self {
            Importance::Low => Risk::Low,
            Importance::Medium => Risk::Medium,
            Importance::High => Risk::High,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckItem {
    pub id: String,
    pub category: Category,
    pub title: String,
    pub importance: Importance,
    pub status: CheckStatus,
    /// What was seen, one statement each, every one of them (the screen shows the first few).
    pub evidence: Vec<String>,
    pub remediation: String,
    /// The seed document the control comes from.
    pub seed: &'static str,
    /// Equivalent Prowler check ids.
    pub prowler: &'static [&'static str],
    /// How it differs from them on purpose, in words ("" when it does not).
    pub prowler_note: &'static str,
    /// The Security Hub CSPM control ids it judges (`SageMaker.1`, `EC2.19`, ...).
    pub security_hub: &'static [&'static str],
    /// The title as the problem, for a failure: "KMS encryption not enabled".
    pub problem: &'static str,
    /// The account it was judged in, when several are watched.
    #[serde(skip)]
    pub account: super::RowAccount,
}

/// How many statements the one-line evidence shows before it says "+N more".
const SHOWN: usize = 4;
/// How long one statement may be in the one-line evidence.
const STATEMENT_MAX: usize = 200;

impl CheckItem {
    /// The evidence on one line, for a table cell: the first statements, each cut to a length,
    /// and how many more there are.
    pub fn evidence_line(&self) -> String {
        let mut out: Vec<String> = self
            .evidence
            .iter()
            .take(SHOWN)
            .map(|s| {
                if s.chars().count() > STATEMENT_MAX {
                    let cut: String = s.chars().take(STATEMENT_MAX - 1).collect();
                    format!("{cut}…")
                } else {
                    s.clone()
                }
            })
            .collect();
        if self.evidence.len() > SHOWN {
            out.push(format!("+{} more", self.evidence.len() - SHOWN));
        }
        out.join("; ")
    }
}
