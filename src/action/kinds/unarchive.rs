//! `unarchive`: unarchive a GuardDuty finding (the `archive` key on an archived one).

use super::archive::{KEY, finding_arg, finding_is, finding_row, finding_target};
use super::archive::{finding_unchanged, plan_finding};
use super::{ActionSpec, Intent, Row, Target};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::Plan;
use crate::model::PaneId;
use futures::future::BoxFuture;
use std::collections::HashMap;

pub struct Unarchive;

impl ActionSpec for Unarchive {
    fn verb(&self) -> &'static str {
        "unarchive"
    }
    fn about(&self) -> &'static str {
        "Unarchive a GuardDuty finding."
    }
    fn destructive(&self) -> bool {
        false
    }
    fn pane(&self) -> PaneId {
        PaneId::Findings
    }
    fn refresh(&self) -> &'static [PaneId] {
        &[PaneId::Findings]
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Findings]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        finding_row(row, true)
    }
    fn target_of_subject(&self, id: &str) -> Target {
        Target::Finding(super::FindingId::new(id))
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        finding_arg(cmd)
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        finding_target(args)
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(plan_finding(ex, target, false))
    }
    fn still_current<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
    ) -> BoxFuture<'a, Result<(), ActionError>> {
        Box::pin(finding_unchanged(ex, plan))
    }
    fn verify<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
        _groups: &'a HashMap<String, String>,
    ) -> BoxFuture<'a, Result<bool, ActionError>> {
        Box::pin(finding_is(ex, plan, false))
    }
}
