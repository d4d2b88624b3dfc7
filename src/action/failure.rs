//! Why an action was not planned or not carried out, as the screen shows it: cloneable, with a
//! kind, so a refusal (read-only, already contained, a stale plan) reads as a refusal and not
//! as an error.

use super::error::ActionError;
use crate::model::SourceError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Read-only mode: nothing is planned or done, by the operator's choice.
    ReadOnly,
    AccessDenied,
    Unreachable,
    NotFound,
    /// The journal could not be written or read: nothing was done.
    Journal,
    /// The journal has damaged lines the operator has not seen: no new action.
    JournalDamaged,
    /// secdash declined to act: already contained, changed since planned, altered journal.
    Refused,
    /// A step failed part-way; what was done is journalled.
    StepFailed,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionFailure {
    pub kind: FailureKind,
    pub message: String,
}

impl ActionFailure {
    /// A refusal the operator chose or secdash made on purpose: nothing went wrong.
    pub fn is_refusal(&self) -> bool {
        matches!(self.kind, FailureKind::ReadOnly | FailureKind::Refused)
    }
}

impl std::fmt::Display for ActionFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&ActionError> for ActionFailure {
    fn from(e: &ActionError) -> Self {
        let kind = match e {
            ActionError::ReadOnly => FailureKind::ReadOnly,
            ActionError::Source(s) => match s.as_ref() {
                SourceError::AccessDenied { .. } => FailureKind::AccessDenied,
                SourceError::Unreachable { .. } | SourceError::Timeout { .. } => {
                    FailureKind::Unreachable
                }
                _ => FailureKind::Other,
            },
            ActionError::Journal(_) => FailureKind::Journal,
            ActionError::JournalDamaged { .. } => FailureKind::JournalDamaged,
            ActionError::NotFound(_) => FailureKind::NotFound,
            ActionError::AlreadyContained(_)
            | ActionError::Refused(_)
            | ActionError::Stale { .. }
            | ActionError::Untrusted { .. } => FailureKind::Refused,
            ActionError::StepFailed { .. } => FailureKind::StepFailed,
            ActionError::Underway(_) => FailureKind::Other,
        };
        ActionFailure {
            kind,
            message: e.to_string(),
        }
    }
}

impl From<ActionError> for ActionFailure {
    fn from(e: ActionError) -> Self {
        ActionFailure::from(&e)
    }
}

impl From<&str> for ActionFailure {
    fn from(message: &str) -> Self {
        ActionFailure::from(message.to_string())
    }
}

impl From<String> for ActionFailure {
    fn from(message: String) -> Self {
        ActionFailure {
            kind: FailureKind::Other,
            message,
        }
    }
}
