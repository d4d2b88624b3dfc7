//! Security Hub's control results: what a member account's controls (`SageMaker.1`, `S3.8`…)
//! last found, as its delegated administrator holds them. The checklist judges its items
//! mapped to controls from these when the accounts are read through Security Hub.

use chrono::{DateTime, Utc};

/// A control finding's compliance status (`Compliance.Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ControlStatus {
    Failed,
    Warning,
    NotAvailable,
    Passed,
}

impl ControlStatus {
    /// Security Hub's word; `None` for a word it does not use.
    pub fn parse(word: &str) -> Option<ControlStatus> {
        Some(match word {
            "FAILED" => ControlStatus::Failed,
            "WARNING" => ControlStatus::Warning,
            "NOT_AVAILABLE" => ControlStatus::NotAvailable,
            "PASSED" => ControlStatus::Passed,
            _ => return None,
        })
    }

    pub fn word(self) -> &'static str {
        match self {
            ControlStatus::Failed => "FAILED",
            ControlStatus::Warning => "WARNING",
            ControlStatus::NotAvailable => "NOT_AVAILABLE",
            ControlStatus::Passed => "PASSED",
        }
    }
}

/// One active control finding: one control's verdict on one resource of one account.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlResult {
    pub account_id: String,
    /// `SageMaker.1`.
    pub control_id: String,
    pub status: ControlStatus,
    /// Its workflow status is SUPPRESSED: the team accepted it in Security Hub.
    pub suppressed: bool,
    /// The resource judged (an ARN, or the account for account-wide controls).
    pub resource: String,
    /// Why, in Security Hub's words (its status reasons), when it says.
    pub reason: Option<String>,
    /// When Security Hub last updated it.
    pub updated_at: Option<DateTime<Utc>>,
}

/// One account's checklist as read through Security Hub.
#[derive(Debug, Clone, PartialEq)]
pub struct HubRead {
    /// The administrator's account name, said in the evidence.
    pub admin: String,
    /// This account's active control results.
    pub results: Vec<ControlResult>,
    /// The account's own configuration was read too (the operator opened it): items no
    /// control covers are judged from it.
    pub posture_read: bool,
}
