//! What an operator asks an action of.

use super::plan::ActionKind;

/// What an operator asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Isolate {
        group_id: String,
    },
    Revoke {
        group_id: String,
        rule_id: String,
    },
    Contain {
        target: String,
    },
    Archive {
        finding_id: String,
    },
    Unarchive {
        finding_id: String,
    },
    DisableKey {
        access_key_id: String,
    },
    DenyUser {
        user: String,
    },
    /// A role's name or ARN.
    RevokeSessions {
        role: String,
    },
    /// A journal entry id, or a resource id (undoes every change still in effect on it).
    Restore {
        what: String,
    },
}

impl Request {
    pub fn kind(&self) -> ActionKind {
        match self {
            Request::Isolate { .. } => ActionKind::Isolate,
            Request::Revoke { .. } => ActionKind::Revoke,
            Request::Contain { .. } => ActionKind::Contain,
            Request::Archive { .. } => ActionKind::Archive,
            Request::Unarchive { .. } => ActionKind::Unarchive,
            Request::DisableKey { .. } => ActionKind::DisableKey,
            Request::DenyUser { .. } => ActionKind::DenyUser,
            Request::RevokeSessions { .. } => ActionKind::RevokeSessions,
            Request::Restore { .. } => ActionKind::Restore,
        }
    }
}
