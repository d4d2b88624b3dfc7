//! `archive`: archive a GuardDuty finding (its key archives or unarchives, by the finding's
//! state; `unarchive.rs` is the other half).

use super::{ActionSpec, FindingId, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::{Before, Plan, Step};
use crate::model::PaneId;
use futures::future::BoxFuture;
use std::collections::HashMap;

pub struct Archive;

pub static KEY: Intent = Intent {
    name: "archive",
    keys: &["a"],
    help: "archive or unarchive",
};

/// Archives (`archive`) or unarchives the finding; the before-state is whether it was.
pub fn plan(
    detector_id: &str,
    finding_id: &str,
    archived_now: bool,
    region: &str,
    archive: bool,
) -> Plan {
    let finding_ids = vec![finding_id.to_string()];
    let detector_id = detector_id.to_string();
    let (action, step) = if archive {
        (
            Archive.kind(),
            Step::ArchiveFindings {
                detector_id: detector_id.clone(),
                finding_ids,
            },
        )
    } else {
        (
            super::Unarchive.kind(),
            Step::UnarchiveFindings {
                detector_id: detector_id.clone(),
                finding_ids,
            },
        )
    };
    Plan {
        action,
        region: region.to_string(),
        target: finding_id.to_string(),
        before: Before::Finding {
            detector_id,
            finding_id: finding_id.to_string(),
            archived: archived_now,
        },
        steps: vec![step],
        notes: vec![],
        dry_run: None,
        confirm_by_hand: None,
        subject: None,
        account: None,
    }
}

/// The plan of an archive (`true`) or an unarchive of the finding, read from GuardDuty.
pub(super) async fn plan_finding(
    ex: &Executor,
    target: &Target,
    archive: bool,
) -> Result<Plan, ActionError> {
    let finding_id = target.id();
    let region = ex.cloud().region();
    let detector =
        ex.cloud().detector().await?.ok_or_else(|| {
            ActionError::NotFound(format!("GuardDuty has no detector in {region}"))
        })?;
    let finding = ex
        .cloud()
        .finding(&detector, finding_id)
        .await?
        .ok_or_else(|| ActionError::NotFound(format!("no finding {finding_id} in {region}")))?;
    let mut p = plan(&detector, finding_id, finding.archived, region, archive);
    p.subject = Some(format!("{}: {}", finding.finding_type, finding.title));
    Ok(p)
}

/// The finding is still as planned (not archived or unarchived since).
pub(super) async fn finding_unchanged(ex: &Executor, plan: &Plan) -> Result<(), ActionError> {
    let Before::Finding {
        detector_id,
        finding_id,
        archived,
    } = &plan.before
    else {
        return Ok(());
    };
    let now = ex.cloud().finding_archived(detector_id, finding_id).await?;
    match now == Some(*archived) {
        true => Ok(()),
        false => Err(ex.stale(plan, "it was archived or unarchived since")),
    }
}

/// The finding reads as archived (`want`) or not.
pub(super) async fn finding_is(
    ex: &Executor,
    plan: &Plan,
    want: bool,
) -> Result<bool, ActionError> {
    let Before::Finding {
        detector_id,
        finding_id,
        ..
    } = &plan.before
    else {
        return Ok(false);
    };
    Ok(ex.cloud().finding_archived(detector_id, finding_id).await? == Some(want))
}

/// The finding's row, when it is (`archived`) or is not archived.
pub(super) fn finding_row(row: Row<'_>, archived: bool) -> Option<Result<Target, String>> {
    match row {
        Row::Finding(f) if f.archived == archived => {
            Some(Ok(Target::Finding(FindingId::new(&*f.id))))
        }
        _ => None,
    }
}

pub(super) fn finding_arg(cmd: clap::Command) -> clap::Command {
    cmd.arg(arg("finding_id", "FINDING_ID", "The finding's id."))
}

pub(super) fn finding_target(args: &clap::ArgMatches) -> Target {
    Target::Finding(FindingId::new(value(args, "finding_id")))
}

impl ActionSpec for Archive {
    fn verb(&self) -> &'static str {
        "archive"
    }
    fn about(&self) -> &'static str {
        "Archive a GuardDuty finding."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("archived")
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
        finding_row(row, false)
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
        Box::pin(plan_finding(ex, target, true))
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
        Box::pin(finding_is(ex, plan, true))
    }
}
