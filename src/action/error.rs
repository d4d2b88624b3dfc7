//! Why an action was not planned or not done, in words an operator can act on.

use super::journal::JournalError;
use crate::model::SourceError;

impl From<SourceError> for ActionError {
    fn from(e: SourceError) -> Self {
        ActionError::Source(Box::new(e))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error(
        "read-only mode: secdash makes no changes (--read-only, SECDASH_READ_ONLY, read_only in the config or in the account's [[accounts]] entry)"
    )]
    ReadOnly,
    #[error(transparent)]
    Source(#[from] Box<SourceError>),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("{0}")]
    NotFound(String),
    #[error(
        "the journal {path} has {count} damaged line(s) ({lines}); no new action until you have looked: `secdash journal` shows them, then `secdash journal --acknowledge` (restores still work)"
    )]
    JournalDamaged {
        path: String,
        count: usize,
        lines: String,
    },
    #[error("{0}")]
    AlreadyContained(String),
    /// An action IAM cannot take, or a restore that must wait (a session revocation).
    #[error("{0}")]
    Refused(String),
    /// A change accepted and still under way when secdash stopped waiting for it.
    #[error("{0}")]
    Underway(String),
    #[error(
        "{target} changed since the plan was read ({what}); nothing was done: plan again (another responder may be acting on it)"
    )]
    Stale { target: String, what: String },
    #[error(
        "journal entry {entry} was altered or inserted (its record breaks the journal's hash chain); secdash will not restore from it: check the journal by hand"
    )]
    Untrusted { entry: String },
    #[error(
        "step {step} of journal entry {entry} failed: {source}. {recovery}What was done is journalled: `secdash restore {entry}` undoes it"
    )]
    StepFailed {
        entry: String,
        step: usize,
        source: Box<SourceError>,
        /// What was done so nothing is left half-open, in a sentence ending with a space.
        recovery: String,
    },
}
