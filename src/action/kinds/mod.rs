//! The action registry: every incident-response action is one file here, implementing
//! [`ActionSpec`]: its verb and words, whether it is destructive or reversible, its pane, what
//! to fetch again after it, the key that asks for it on a row and the target that row yields,
//! its command-line arguments, and its `plan`, `still_current` and `verify` against the cloud.
//! [`REGISTRY`] lists them; the keymap's intents, the command-line verbs, the badges, the
//! runbook's hints, the subjects view and the incident view all read it.
//!
//! # Adding an action
//!
//! 1. `kinds/stop_thing.rs`: a unit struct and its `impl ActionSpec` (start from the nearest
//!    existing kind: `disable_key.rs` for an identity, `isolate.rs` for a network change).
//! 2. Its cloud operations: a `Step` for each mutating call (`plan.rs`: the call, its words
//!    and how to read back whether it acted), the reads and calls in the `Cloud` trait with
//!    their AWS calls (`action/aws/`) and their demo rehearsal (`action/rehearsal.rs`).
//! 3. One line in [`REGISTRY`] (and one in [`INTENTS`] if it brings a key of its own).
//!
//! That is the whole of it: "kind file + its cloud operations + registry line". The verb,
//! its `--help`, the `[keys]` name, the help overlay's line, the badge and the refresh after it
//! follow from the kind file. Restores are by the shape of the before-state a plan keeps
//! (`Before` in `plan.rs`, `restore.rs`): a new kind reuses a shape, or adds one there.
//!
//! A platform action (a notebook, an endpoint, a policy) is smaller still: its plan is a
//! `settle::Change` of one setting of one resource, and `still_current`, `verify` and the
//! restore come with that shape (`kinds/stop_notebook.rs` is the one to copy).

pub mod archive;
pub mod contain;
pub mod deny_user;
pub mod disable_key;
pub mod drain_variant;
pub mod fence_bucket;
pub mod harden_notebook;
pub mod isolate;
pub mod quarantine_image;
pub mod reject_model;
pub mod restore;
pub mod revoke;
pub mod revoke_sessions;
pub mod rollback_endpoint;
pub mod settle;
pub mod stop_job;
pub mod stop_notebook;
pub mod target;
pub mod unarchive;
pub mod unshare_model_group;

pub use archive::Archive;
pub use contain::Contain;
pub use deny_user::DenyUser;
pub use disable_key::DisableKey;
pub use drain_variant::DrainVariant;
pub use fence_bucket::FenceBucket;
pub use harden_notebook::HardenNotebook;
pub use isolate::Isolate;
pub use quarantine_image::QuarantineImage;
pub use reject_model::RejectModel;
pub use restore::Restore;
pub use revoke::Revoke;
pub use revoke_sessions::RevokeSessions;
pub use rollback_endpoint::RollbackEndpoint;
pub use stop_job::StopJob;
pub use stop_notebook::StopNotebook;
pub use target::{
    AccessKeyId, ContainTarget, FindingId, GroupId, PlatformTarget, RoleName, RuleId, Target,
    Undoable, UserName,
};
pub use unarchive::Unarchive;
pub use unshare_model_group::UnshareModelGroup;

use super::executor::{ActionError, Executor};
use super::journal::JournalRead;
use super::plan::{ActionKind, Plan};
use crate::model::{Endpoint, Finding, PaneId, PlatformItem, Rule, SecurityGroup, SubjectKind};
use futures::future::BoxFuture;
use std::collections::HashMap;

/// Every action secdash takes, in the order `--help` lists their verbs.
pub static REGISTRY: &[&dyn ActionSpec] = &[
    &Isolate,
    &Contain,
    &Revoke,
    &Archive,
    &Unarchive,
    &DisableKey,
    &DenyUser,
    &RevokeSessions,
    &StopNotebook,
    &HardenNotebook,
    &RollbackEndpoint,
    &DrainVariant,
    &RejectModel,
    &UnshareModelGroup,
    &FenceBucket,
    &QuarantineImage,
    &StopJob,
    &Restore,
];

/// The keys that ask for an action on a row, in the order the help lists them. Several
/// actions may answer to one (`archive` archives or unarchives, by the finding's state).
pub static INTENTS: &[&Intent] = &[
    &isolate::KEY,
    &revoke::KEY,
    &contain::KEY,
    &archive::KEY,
    &restore::KEY,
    &stop_notebook::KEY,
    &harden_notebook::KEY,
    &rollback_endpoint::KEY,
    &drain_variant::KEY,
    &reject_model::KEY,
    &unshare_model_group::KEY,
    &fence_bucket::KEY,
    &quarantine_image::KEY,
    &stop_job::KEY,
];

/// A key intent: its name in `[keys]`, its default keys and its line in the help.
#[derive(Debug, PartialEq, Eq)]
pub struct Intent {
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub help: &'static str,
}

/// The selected row as an action sees it.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    Group {
        group: &'a SecurityGroup,
        rule: Option<&'a Rule>,
    },
    Finding(&'a Finding),
    Endpoint(&'a Endpoint),
    /// A notebook, a model version or a job of the SageMaker pane.
    Platform(&'a PlatformItem),
    /// A row no action takes (a checklist item).
    Other,
}

/// What the executor drives to act on a target, one per action.
pub trait ActionSpec: Sync {
    /// The command-line verb, and the action's name in the journal and the JSON.
    fn verb(&self) -> &'static str;
    /// Its line in `secdash --help`.
    fn about(&self) -> &'static str;
    /// What the badge of a resource says while the change is in effect ("isolated").
    fn badge(&self) -> Option<&'static str> {
        None
    }
    /// It cuts traffic or stops a principal working: the operator types the target's id.
    fn destructive(&self) -> bool;
    /// A restore can undo it (one-way actions are journalled, and say so).
    fn reversible(&self) -> bool {
        true
    }
    /// Where its resource is shown (the incident view's Enter goes there).
    fn pane(&self) -> PaneId;
    /// What to fetch again once it has run.
    fn refresh(&self) -> &'static [PaneId];
    /// The key that asks for it on a row.
    fn intent(&self) -> Option<&'static Intent> {
        None
    }
    /// The panes whose rows yield its target.
    fn rows(&self) -> &'static [PaneId] {
        &[]
    }
    /// The target the selected row yields for it (`None`: not this action's row).
    fn target_of_row(&self, _row: Row<'_>) -> Option<Result<Target, String>> {
        None
    }
    /// The finding subject it contains (the subjects view's containment key), and what it
    /// does to it, in words.
    fn contains(&self, _subject: SubjectKind) -> Option<&'static str> {
        None
    }
    /// It contains a credential (a key, a user, a role): the incident report lists it so.
    fn credential(&self) -> bool {
        false
    }
    /// Its target, from the id of a finding's subject it contains.
    fn target_of_subject(&self, id: &str) -> Target {
        Target::Undo(Undoable::new(id))
    }
    /// What its target is, as a finding's subject (the incident's subjects list it).
    fn target_subject(&self, _target: &str) -> Option<SubjectKind> {
        None
    }
    /// Its command-line arguments (besides the options every action verb takes), and its
    /// target from them.
    fn args(&self, cmd: clap::Command) -> clap::Command;
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target;
    /// Reads the target and works out exactly what will change.
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>>;
    /// Refuses a plan whose resource changed since it was read (a platform setting: by
    /// reading it again).
    fn still_current<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
    ) -> BoxFuture<'a, Result<(), ActionError>> {
        Box::pin(settle::unchanged(ex, plan))
    }
    /// Reads the resource back after acting: whether it is as the plan said. A platform
    /// setting is read until it arrives; any other kind says how it reads back.
    fn verify<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
        _groups: &'a HashMap<String, String>,
    ) -> BoxFuture<'a, Result<bool, ActionError>> {
        Box::pin(async move {
            match settle::before(plan) {
                Some(_) => settle::verify(ex, plan).await,
                None => Err(ActionError::Refused(format!(
                    "{} has no way to read its change back",
                    plan.action.verb()
                ))),
            }
        })
    }

    /// After one of its steps failed: what it does so nothing is left half-open (rolled
    /// forward or back), in words; empty when it has nothing to do.
    fn recover<'a>(
        &'a self,
        _ex: &'a Executor,
        _plan: &'a Plan,
        _groups: &'a HashMap<String, String>,
    ) -> BoxFuture<'a, String> {
        Box::pin(async { String::new() })
    }

    /// Its kind, as plans and the journal name it.
    fn kind(&self) -> ActionKind {
        ActionKind::named(self.verb())
    }
}

/// The registry's entry for a kind (`None`: a verb a newer secdash wrote).
pub fn spec(kind: ActionKind) -> Option<&'static dyn ActionSpec> {
    REGISTRY.iter().copied().find(|s| s.verb() == kind.verb())
}

/// The registry's entry for a verb.
pub fn by_verb(verb: &str) -> Option<&'static dyn ActionSpec> {
    REGISTRY.iter().copied().find(|s| s.verb() == verb)
}

/// Whether a kind cuts traffic or stops a principal (unknown kinds are taken to).
pub fn destructive(kind: ActionKind) -> bool {
    spec(kind).is_none_or(|s| s.destructive())
}

/// The operator types the target's id: the action cuts traffic, or the plan re-opens a risky
/// rule. Otherwise y/N.
pub fn needs_typed_id(plan: &Plan) -> bool {
    destructive(plan.action) || !plan.risks().is_empty()
}

/// The kind answering an intent on this row, and the target it yields; `Ok(None)`: none does.
pub fn for_row(intent: &Intent, row: Row<'_>) -> Result<Option<(ActionKind, Target)>, String> {
    for s in REGISTRY.iter().filter(|s| s.intent() == Some(intent)) {
        if let Some(target) = s.target_of_row(row) {
            return target.map(|t| Some((s.kind(), t)));
        }
    }
    Ok(None)
}

/// The kind containing a finding subject of this kind, and what it does, in words.
pub fn containing(subject: SubjectKind) -> Option<(ActionKind, &'static str)> {
    REGISTRY
        .iter()
        .find_map(|s| s.contains(subject).map(|words| (s.kind(), words)))
}

/// The restore of a journal entry or of a resource.
pub fn restore_of(what: &str) -> (ActionKind, Target) {
    (Restore.kind(), Target::Undo(Undoable::new(what)))
}

/// The platform item of a row, if it is of one of these kinds.
fn platform_row<'a>(
    row: Row<'a>,
    kinds: &[crate::model::PlatformKind],
) -> Option<&'a PlatformItem> {
    match row {
        Row::Platform(i) if kinds.contains(&i.kind) => Some(i),
        _ => None,
    }
}

/// One positional argument of a verb.
fn arg(id: &'static str, value_name: &'static str, help: &'static str) -> clap::Arg {
    clap::Arg::new(id)
        .value_name(value_name)
        .help(help)
        .required(true)
}

/// A positional argument's value (clap has checked it is there).
fn value(args: &clap::ArgMatches, id: &str) -> String {
    args.get_one::<String>(id).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verb_and_key_name_is_there_once() {
        let verbs: Vec<&str> = REGISTRY.iter().map(|s| s.verb()).collect();
        let mut unique = verbs.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), verbs.len(), "{verbs:?}");
        for s in REGISTRY {
            if let Some(i) = s.intent() {
                assert!(
                    INTENTS.contains(&i),
                    "{}'s key is listed in INTENTS",
                    s.verb()
                );
            }
        }
        assert_eq!(
            INTENTS.iter().map(|i| i.name).collect::<Vec<_>>(),
            [
                "isolate",
                "revoke_rule",
                "contain",
                "archive",
                "restore",
                "stop_notebook",
                "harden_notebook",
                "rollback_endpoint",
                "drain_variant",
                "reject_model",
                "unshare_model_group",
                "fence_bucket",
                "quarantine_image",
                "stop_job"
            ]
        );
    }
}
