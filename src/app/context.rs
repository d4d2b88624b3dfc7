//! What the dashboard is connected to: the source, the regions and accounts, the identity,
//! the journal's state, and where actions are possible.

use super::load::Load;
use crate::model::Identity;
use crate::source::SourceKind;
use std::collections::BTreeMap;

/// What the dashboard is connected to, for the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    pub source: SourceKind,
    pub regions: Vec<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub read_only: bool,
    pub window: chrono::Duration,
    pub identity: Load<Identity>,
    /// Journal entries that stopped part-way and were not resolved since.
    pub unfinished: Vec<String>,
    /// Lines of the journal that could not be read and were not acknowledged: no new action.
    pub journal_damage: Vec<usize>,
    /// `--demo` with its rehearsal: actions run against the demo's own simulated account.
    pub rehearsal: bool,
    /// The platform's accounts by name (empty: the credentials' own account only).
    pub accounts: Vec<String>,
    /// What is read account by account, no aggregation point being set ("findings").
    pub fanned_out: Vec<&'static str>,
    /// The accounts of several where secdash takes no action, by name, and why (no responder
    /// role, read-only): their rows offer none.
    pub no_action: BTreeMap<String, String>,
}

/// What a fetch asks for that the operator chooses while running (`w`, `:window`, `:region`,
/// `A`): kept in the state alone, and handed to each fetch as it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Choices {
    pub window: chrono::Duration,
    pub regions: Vec<String>,
    pub include_archived: bool,
}

impl Context {
    /// Actions need AWS (or the demo's rehearsal) and are hidden in read-only mode (the
    /// executor refuses them anyway).
    pub fn actions_enabled(&self) -> bool {
        (self.source == SourceKind::Aws || self.rehearsal) && !self.read_only
    }
}
