//! secdash's own domain types. Sources produce them, the UI and the reporters consume them;
//! nothing outside `source::aws` ever sees an SDK type.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// API calls made by one refresh, keyed `service:Operation` (the JSON's `api_calls` map).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiCalls(BTreeMap<String, u32>);

impl ApiCalls {
    pub fn new() -> ApiCalls {
        ApiCalls::default()
    }

    /// Adds `n` calls of one operation.
    pub fn insert(&mut self, op: String, n: u32) {
        *self.0.entry(op).or_default() += n;
    }

    /// Adds every call of `other` to these.
    pub fn add(&mut self, other: &ApiCalls) {
        for (op, n) in &other.0 {
            *self.0.entry(op.clone()).or_default() += n;
        }
    }

    /// The calls of one operation.
    pub fn get(&self, op: &str) -> Option<&u32> {
        self.0.get(op)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &u32)> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every call, whatever the operation.
    pub fn total(&self) -> u32 {
        self.0.values().sum()
    }
}

impl<'a> IntoIterator for &'a ApiCalls {
    type Item = (&'a String, &'a u32);
    type IntoIter = std::collections::btree_map::Iter<'a, String, u32>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<const N: usize> From<[(String, u32); N]> for ApiCalls {
    fn from(calls: [(String, u32); N]) -> ApiCalls {
        calls.into_iter().collect()
    }
}

impl FromIterator<(String, u32)> for ApiCalls {
    fn from_iter<I: IntoIterator<Item = (String, u32)>>(iter: I) -> ApiCalls {
        let mut calls = ApiCalls::new();
        for (op, n) in iter {
            calls.insert(op, n);
        }
        calls
    }
}

/// The panes, one name per concept everywhere (module, JSON key, theme key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaneId {
    Endpoints,
    SecurityGroups,
    Findings,
    Checklist,
    /// The platform's notebooks, model versions and jobs (on key 5, in the endpoints' place).
    Sagemaker,
}

impl PaneId {
    pub const COUNT: usize = 5;

    pub const ALL: [PaneId; PaneId::COUNT] = [
        PaneId::Endpoints,
        PaneId::SecurityGroups,
        PaneId::Findings,
        PaneId::Checklist,
        PaneId::Sagemaker,
    ];

    /// Its name in JSON, the config file and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            PaneId::Endpoints => "endpoints",
            PaneId::SecurityGroups => "security_groups",
            PaneId::Findings => "findings",
            PaneId::Checklist => "checklist",
            PaneId::Sagemaker => "sagemaker",
        }
    }

    /// Its place on screen and in `ALL`.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: usize) -> PaneId {
        PaneId::ALL[i % PaneId::COUNT]
    }

    pub fn parse(s: &str) -> Option<PaneId> {
        PaneId::ALL
            .into_iter()
            .find(|p| p.key() == s || p.key().replace('_', "-") == s)
    }
}

/// Incident ids name files in the state directory and appear in reports: letters, digits,
/// '-', '_' and '.', at most 64, not starting with '.'.
pub fn valid_incident_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !id.starts_with('.')
}

/// Who and where the dashboard is looking at.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Identity {
    pub account: Option<String>,
    pub caller_arn: Option<String>,
}

/// The account a row belongs to, when secdash watches several (`None` with one). Shared: the
/// rows of an account point to one copy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountRef {
    pub id: String,
    pub name: String,
}

pub type RowAccount = Option<std::sync::Arc<AccountRef>>;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    #[default]
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Risk {
    pub fn label(self) -> &'static str {
        match self {
            Risk::None => "none",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

mod check;
mod control;
mod endpoint;
mod error;
mod finding;
mod group;
mod iam;
mod platform;
mod provenance;
pub(crate) mod text_pool;

pub use check::*;
pub use control::*;
pub use endpoint::*;
pub use error::SourceError;
pub use finding::*;
pub use group::*;
pub use iam::*;
pub use platform::*;
pub use provenance::*;
pub use text_pool::{SharedPool, TextPool};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pane_keys_round_trip() {
        for p in PaneId::ALL {
            assert_eq!(PaneId::parse(p.key()), Some(p));
            assert_eq!(PaneId::from_index(p.index()), p);
        }
        assert_eq!(
            PaneId::parse("security-groups"),
            Some(PaneId::SecurityGroups)
        );
    }
}
