//! IAM principals and access keys, as the credential actions plan with them and the demo's
//! account keeps them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An IAM access key's status, as IAM spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
}

/// An IAM user or role, by name (IAM is global: names are unique in the account).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "name", rename_all = "snake_case")]
pub enum Principal {
    User(String),
    Role(String),
}

impl Principal {
    pub fn name(&self) -> &str {
        match self {
            Principal::User(n) | Principal::Role(n) => n,
        }
    }
}

impl std::fmt::Display for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Principal::User(n) => write!(f, "user {n}"),
            Principal::Role(n) => write!(f, "role {n}"),
        }
    }
}

/// An access key as a plan shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessKeyInfo {
    pub access_key_id: String,
    pub user: String,
    pub status: KeyStatus,
    pub created: Option<DateTime<Utc>>,
    pub last_used: Option<LastUsed>,
    /// The user's other keys: id, status, created.
    pub other_keys: Vec<(String, KeyStatus, Option<DateTime<Utc>>)>,
}

/// When, where and for which service a key was last used (`GetAccessKeyLastUsed`).
#[derive(Debug, Clone, PartialEq)]
pub struct LastUsed {
    pub time: Option<DateTime<Utc>>,
    pub region: Option<String>,
    pub service: Option<String>,
}

/// A user or role as a plan needs it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrincipalInfo {
    pub arn: String,
    pub path: String,
    /// A role's maximum session duration, in seconds.
    pub max_session_secs: Option<i32>,
    /// Attached managed policies named `AWSCompromisedKeyQuarantine*`.
    pub quarantine: Vec<String>,
}

impl PrincipalInfo {
    /// Service-linked roles cannot take inline policies.
    pub fn service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}
