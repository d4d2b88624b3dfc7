//! `restore`: undo journalled actions from their before-state. By entry id, that entry; by
//! resource id, every change still in effect on it, back to what was there before the first.
//! Only what differs is changed, so it works whatever step an action stopped at, and running
//! it twice changes nothing the second time. What a restore writes is decided by the shape of
//! the before-state (`action::restore`), whatever kinds made it.

use super::contain::groups_made;
use super::{ActionSpec, Intent, Row, Target, Undoable, arg, value};
use crate::action::chain::{touches, undo_chain};
use crate::action::credentials::{check_release, role_name};
use crate::action::executor::{ActionError, Executor, Outcome};
use crate::action::journal::{Event, JournalRead, Record, new_entry_id};
use crate::action::plan::{Before, GroupRole, Plan};
use crate::action::platform::read_setting;
use crate::action::restore::{self, Current, Leftovers, Original};
use crate::action::steps::same_groups;
use crate::files::Lock;
use crate::model::PaneId;
use chrono::Utc;
use futures::future::BoxFuture;
use std::collections::HashMap;

pub struct Restore;

pub static KEY: Intent = Intent {
    name: "restore",
    keys: &["u"],
    help: "restore the resource",
};

/// The plans a restore undoes, from the journal.
fn undone_plans<'a>(plan: &Plan, journal: &'a JournalRead) -> Vec<&'a Plan> {
    let ids: Vec<String> = match &plan.before {
        Before::Entries { entries } => entries.clone(),
        Before::Entry { entry } => vec![entry.clone()],
        _ => vec![],
    };
    ids.iter()
        .filter_map(|id| {
            journal
                .records
                .iter()
                .find(|r| &r.entry == id && r.plan.is_some())
                .and_then(|r| r.plan.as_ref())
        })
        .collect()
}

/// The restore of `what` (an entry, or a resource's changes still in effect), from the state
/// read now.
async fn plan_for(ex: &Executor, journal: &JournalRead, what: &str) -> Result<Plan, ActionError> {
    let what = &role_name(what);
    // A user or role is named within its account: another account's of the same name is
    // another, and its entries are not this restore's.
    let entries: Vec<_> = journal
        .entries()
        .into_iter()
        .filter(|e| e.entry == *what || e.account().map(|a| &a.id) == ex.account().map(|a| &a.id))
        .collect();
    // An altered record anywhere in the resource's history: its state cannot be told, so
    // nothing is planned from it ("nothing to restore" would be a guess).
    if let Some(bad) = entries
        .iter()
        .find(|e| !e.trusted && (e.entry == *what || touches(e, what)))
    {
        return Err(ActionError::Untrusted {
            entry: bad.entry.clone(),
        });
    }
    let ids: Vec<String> = undo_chain(&entries, what)
        .map_err(ActionError::NotFound)?
        .iter()
        .map(|e| e.entry.clone())
        .collect();
    let mut p = plan_entries(ex, &ids, journal).await?;
    if ids.is_empty() {
        p.target = what.clone();
        p.notes = vec![format!(
            "Nothing to restore: no change to {what} is still in effect."
        )];
    }
    Ok(p)
}

/// The restore of these entries (oldest first), from the state read now.
async fn plan_entries(
    ex: &Executor,
    ids: &[String],
    journal: &JournalRead,
) -> Result<Plan, ActionError> {
    let entries = journal.entries();
    let mut chain: Vec<(&str, &Plan)> = Vec::new();
    for id in ids {
        let e = entries
            .iter()
            .find(|e| e.entry == *id)
            .ok_or_else(|| ActionError::NotFound(format!("no journal entry {id}")))?;
        if !e.trusted {
            return Err(ActionError::Untrusted { entry: id.clone() });
        }
        let p = e.plan.as_ref().ok_or_else(|| {
            ActionError::NotFound(format!("journal entry {id} has no plan to restore from"))
        })?;
        // `secdash restore ENTRY` acts where the entry was made, whatever the screen shows.
        ex.here(p.account.as_ref(), &format!("journal entry {id}"))
            .map_err(|e| {
                ActionError::Refused(format!("{e}; `secdash restore {id}` restores it there"))
            })?;
        ex.reaches(e)?;
        chain.push((&e.entry, p));
    }
    let plans: Vec<&Plan> = chain.iter().map(|(_, p)| *p).collect();
    check_release(&plans, Utc::now(), ex.forced()).map_err(ActionError::Refused)?;
    let (current, leftovers) = current(ex, &plans).await?;
    Ok(restore::restore_chain(
        Restore.kind(),
        &chain,
        &current,
        &leftovers,
    ))
}

/// The state a restore starts from: the target's now, and what a containment may have
/// left behind (tags, a temporary all-open group).
async fn current(ex: &Executor, plans: &[&Plan]) -> Result<(Current, Leftovers), ActionError> {
    let Some(original) = restore::original(plans) else {
        return Ok((Current::Rules(vec![]), Leftovers::default()));
    };
    Ok(match original {
        Original::Rules { group_id, .. } => (
            Current::Rules(ex.cloud().read_group(&group_id).await?.1),
            Leftovers::default(),
        ),
        Original::Interfaces(interfaces) => {
            let mut now = Vec::new();
            let mut resources = Vec::new();
            for i in &interfaces {
                for read in ex.cloud().read_interfaces(&i.interface_id).await? {
                    now.push((read.interface_id, read.groups));
                }
                resources.push(i.interface_id.clone());
                resources.extend(i.instance_id.clone());
            }
            let mut temp_groups = Vec::new();
            for p in plans {
                for (name, vpc) in groups_made(p, GroupRole::Temporary) {
                    if ex.cloud().find_group(&vpc, &name).await?.is_some()
                        && !temp_groups.contains(&(name.clone(), vpc.clone()))
                    {
                        temp_groups.push((name, vpc));
                    }
                }
            }
            let leftovers = Leftovers {
                tagged: ex.cloud().tagged(&resources).await?,
                temp_groups,
            };
            (Current::Interfaces(now), leftovers)
        }
        Original::Finding {
            detector_id,
            finding_id,
            ..
        } => (
            Current::Archived(
                ex.cloud()
                    .finding_archived(&detector_id, &finding_id)
                    .await?
                    .unwrap_or(false),
            ),
            Leftovers::default(),
        ),
        Original::AccessKey { access_key_id, .. } => (
            Current::KeyStatus(ex.steps().key_status(&access_key_id).await?),
            Leftovers::default(),
        ),
        Original::InlinePolicies(policies) => {
            let mut now = Vec::new();
            for p in &policies {
                now.push(
                    ex.cloud()
                        .inline_policy(&p.principal, &p.policy_name)
                        .await?,
                );
            }
            (Current::Policies(now), Leftovers::default())
        }
        Original::Setting {
            resource, setting, ..
        } => {
            let now = read_setting(ex.cloud(), &resource, setting.aspect()).await?;
            if let Some(moving) = now.as_ref().filter(|r| r.moving_to.is_some()) {
                return Err(ActionError::Refused(format!(
                    "{} is {} now: restore it once that is done (try again in a few minutes)",
                    resource.label(),
                    crate::sanitize::clean(&moving.state)
                )));
            }
            (Current::Setting(now), Leftovers::default())
        }
    })
}

/// Whether the target is back as it was before the first of these plans: every rule any
/// of them revoked, each interface's groups (and no temporary group left), the finding's
/// state.
async fn restored(ex: &Executor, undone: &[&Plan]) -> Result<bool, ActionError> {
    Ok(match restore::original(undone) {
        None => true,
        Some(Original::Rules { group_id, rules }) => {
            let (_, now) = ex.cloud().read_group(&group_id).await?;
            restore::missing_rules(&rules, &now).is_empty()
        }
        Some(Original::Interfaces(interfaces)) => {
            let mut ok = true;
            for i in &interfaces {
                for n in ex.cloud().read_interfaces(&i.interface_id).await? {
                    ok &= same_groups(&n.groups, &i.groups);
                }
            }
            for p in undone {
                for (name, vpc) in groups_made(p, GroupRole::Temporary) {
                    ok &= ex.cloud().find_group(&vpc, &name).await?.is_none();
                }
            }
            ok
        }
        Some(Original::Finding {
            detector_id,
            finding_id,
            archived,
        }) => {
            ex.cloud()
                .finding_archived(&detector_id, &finding_id)
                .await?
                == Some(archived)
        }
        Some(Original::AccessKey {
            access_key_id,
            status,
            ..
        }) => ex.steps().key_status(&access_key_id).await? == Some(status),
        Some(Original::InlinePolicies(policies)) => {
            // Each one byte for byte: what was there before is what IAM returns now.
            let mut ok = true;
            for p in &policies {
                ok &= ex
                    .cloud()
                    .inline_policy(&p.principal, &p.policy_name)
                    .await?
                    == p.document;
            }
            ok
        }
        Some(Original::Setting {
            resource, setting, ..
        }) => read_setting(ex.cloud(), &resource, setting.aspect())
            .await?
            .is_some_and(|now| now.setting.same(&setting)),
    })
}
/// A restore with nothing to change: when the target reads as it was before, the entries
/// it would have undone are resolved (no new entry).
pub(crate) async fn resolve(
    ex: &Executor,
    plan: &Plan,
    journal: &JournalRead,
    lock: &Lock,
) -> Result<Outcome, ActionError> {
    let by = new_entry_id(Utc::now());
    let verified = Restore.verify(ex, journal, plan, &HashMap::new()).await?;
    let undone = match &plan.before {
        Before::Entries { entries } => entries.clone(),
        _ => vec![],
    };
    let entries = journal.entries();
    let open: Vec<&String> = undone
        .iter()
        .filter(|id| {
            entries
                .iter()
                .any(|e| e.entry == **id && e.undone_by.is_none())
        })
        .collect();
    if verified {
        for id in &open {
            let incident = entries
                .iter()
                .find(|e| e.entry == **id)
                .map(|e| e.incident.clone())
                .unwrap_or_else(|| ex.incident().to_string());
            ex.journal().append(
                &Record {
                    entry: (*id).clone(),
                    by: Some(by.clone()),
                    outcome: Some(format!(
                        "{} reads as it was before: nothing left to undo",
                        plan.target
                    )),
                    ..ex.record(id, plan, &incident, Event::Resolved)
                },
                lock,
            )?;
        }
    }
    let message = match (verified, open.is_empty()) {
        (true, true) => format!("{}: nothing to restore", plan.target),
        (true, false) => format!(
            "{} is as it was before: nothing to change; entry {} resolved, verified",
            plan.target,
            open.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (false, _) => format!(
            "{}: nothing to change, but NOT verified: it differs from its before-state",
            plan.target
        ),
    };
    Ok(Outcome {
        entry: by,
        plan: plan.clone(),
        verified,
        message,
    })
}

impl ActionSpec for Restore {
    fn verb(&self) -> &'static str {
        "restore"
    }
    fn about(&self) -> &'static str {
        "Undo a journalled action: by journal entry id, or every change still in effect on a resource (a group, interface, instance, finding, access key, user or role)."
    }
    fn destructive(&self) -> bool {
        false
    }
    fn pane(&self) -> PaneId {
        PaneId::SecurityGroups
    }
    fn refresh(&self) -> &'static [PaneId] {
        &PaneId::ALL
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[
            PaneId::SecurityGroups,
            PaneId::Findings,
            PaneId::Endpoints,
            PaneId::Sagemaker,
        ]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let id = match row {
            Row::Group { group, .. } => group.id.to_string(),
            Row::Finding(f) => f.id.to_string(),
            // Qualified: a notebook and an endpoint may share a name.
            Row::Endpoint(e) => format!("endpoint/{}", e.name),
            Row::Platform(i) => match i.kind {
                crate::model::PlatformKind::Notebook => format!("notebook/{}", i.id),
                crate::model::PlatformKind::ModelVersion => format!("model-package/{}", i.id),
                _ => format!("job/{}", i.id),
            },
            Row::Other => return None,
        };
        Some(Ok(Target::Undo(Undoable::new(id))))
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg(
            "what",
            "JOURNAL_ENTRY_ID|RESOURCE_ID",
            "A journal entry (`secdash journal` lists them), or a resource to restore as it was before the changes still in effect on it.",
        ))
        .arg(
            clap::Arg::new("force")
                .long("force")
                .action(clap::ArgAction::SetTrue)
                .help("Lift a session revocation before the role's maximum session duration has passed (sessions it denied work again)."),
        )
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Undo(Undoable::new(value(args, "what")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(plan_for(ex, journal, target.id()))
    }
    fn still_current<'a>(
        &'a self,
        ex: &'a Executor,
        journal: &'a JournalRead,
        plan: &'a Plan,
    ) -> BoxFuture<'a, Result<(), ActionError>> {
        Box::pin(async move {
            let Before::Entries { entries } = &plan.before else {
                return Ok(());
            };
            let now = plan_entries(ex, entries, journal).await?;
            match now.steps == plan.steps {
                true => Ok(()),
                false => Err(ex.stale(plan, "what a restore must change is not what was planned")),
            }
        })
    }
    fn verify<'a>(
        &'a self,
        ex: &'a Executor,
        journal: &'a JournalRead,
        plan: &'a Plan,
        _groups: &'a HashMap<String, String>,
    ) -> BoxFuture<'a, Result<bool, ActionError>> {
        Box::pin(async move {
            // A platform setting written back: read until it arrives (a notebook started).
            if let Some((resource, setting)) = super::settle::written(plan) {
                return super::settle::arrived(ex, resource, setting).await;
            }
            restored(ex, &undone_plans(plan, journal)).await
        })
    }
}
