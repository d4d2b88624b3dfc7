//! `contain`: move a network interface, or every interface of an instance, to an isolation
//! group with no rules, the way AWS's AWSSupport-ContainEC2Instance does: each interface first
//! through an all-open temporary group (so its tracked flows become untracked), then to the
//! isolation group. After a crash left an interface on the all-open group, the next contain
//! finishes the journalled containment.

use super::{ActionSpec, ContainTarget, Intent, Row, Target, arg, value};
use crate::action::aws::dry_run_verdict;
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::Entry;
use crate::action::journal::JournalRead;
use crate::action::plan::{Before, CONTAIN_TAG, GroupRef, GroupRole, InterfaceBefore, Plan, Step};
use crate::action::steps::same_groups;
use crate::model::{PaneId, SubjectKind};
use futures::future::BoxFuture;
use std::collections::HashMap;

pub struct Contain;

pub static KEY: Intent = Intent {
    name: "contain",
    keys: &["c"],
    help: "contain the instance",
};

/// AWSSupport-ContainEC2Instance's way, per interface: all-open temporary group first (so
/// tracked flows become untracked), then a group with no rules, then tags.
pub fn plan(target: &str, interfaces: &[InterfaceBefore], incident: &str, region: &str) -> Plan {
    let mut steps = Vec::new();
    let mut vpcs: Vec<&str> = interfaces.iter().map(|i| i.vpc_id.as_str()).collect();
    vpcs.dedup();
    for vpc in &vpcs {
        steps.push(Step::EnsureGroup {
            name: temp_group_name(incident, vpc),
            vpc_id: vpc.to_string(),
            role: GroupRole::Temporary,
        });
        steps.push(Step::EnsureGroup {
            name: isolation_group_name(incident, vpc),
            vpc_id: vpc.to_string(),
            role: GroupRole::Isolation,
        });
    }
    for i in interfaces {
        steps.push(Step::SetInterfaceGroups {
            interface_id: i.interface_id.clone(),
            groups: vec![GroupRef::Named(temp_group_name(incident, &i.vpc_id))],
        });
    }
    for i in interfaces {
        steps.push(Step::SetInterfaceGroups {
            interface_id: i.interface_id.clone(),
            groups: vec![GroupRef::Named(isolation_group_name(incident, &i.vpc_id))],
        });
    }
    for vpc in &vpcs {
        steps.push(Step::DeleteGroup {
            group: GroupRef::Named(temp_group_name(incident, vpc)),
        });
    }
    let mut tagged: Vec<String> = interfaces.iter().map(|i| i.interface_id.clone()).collect();
    tagged.extend(interfaces.iter().filter_map(|i| i.instance_id.clone()));
    tagged.dedup();
    for r in tagged {
        steps.push(Step::Tag {
            resource_id: r,
            key: CONTAIN_TAG.to_string(),
            value: incident.to_string(),
        });
    }
    Plan {
        action: Contain.kind(),
        region: region.to_string(),
        target: target.to_string(),
        before: Before::Interfaces {
            interfaces: interfaces.to_vec(),
        },
        steps,
        notes: vec![
            "Changing rules does not cut tracked connections: each interface first moves to a group that allows all \
             traffic (its flows become untracked), then to a group with no rules, which cuts them."
                .to_string(),
        ],
        dry_run: None,
        confirm_by_hand: None,
        subject: None,
        account: None,
    }
}

/// Finishes a containment that stopped with interfaces on its all-open temporary group (a
/// crash between its steps): each moves on to the entry's isolation group, the temporary group
/// goes, and the tags are put. `stranded` are the entry's interfaces, as they were before it;
/// a restore of this plan puts them back there.
pub fn roll_forward(
    target: &str,
    entry: &str,
    incident: &str,
    stranded: &[InterfaceBefore],
    region: &str,
) -> Plan {
    let mut vpcs: Vec<&str> = stranded.iter().map(|i| i.vpc_id.as_str()).collect();
    vpcs.dedup();
    let mut steps: Vec<Step> = vpcs
        .iter()
        .map(|vpc| Step::EnsureGroup {
            name: isolation_group_name(incident, vpc),
            vpc_id: vpc.to_string(),
            role: GroupRole::Isolation,
        })
        .collect();
    steps.extend(stranded.iter().map(|i| Step::SetInterfaceGroups {
        interface_id: i.interface_id.clone(),
        groups: vec![GroupRef::Named(isolation_group_name(incident, &i.vpc_id))],
    }));
    steps.extend(vpcs.iter().map(|vpc| Step::DeleteGroupNamed {
        name: temp_group_name(incident, vpc),
        vpc_id: vpc.to_string(),
    }));
    let mut tagged: Vec<String> = stranded.iter().map(|i| i.interface_id.clone()).collect();
    tagged.extend(stranded.iter().filter_map(|i| i.instance_id.clone()));
    tagged.dedup();
    steps.extend(tagged.into_iter().map(|r| Step::Tag {
        resource_id: r,
        key: CONTAIN_TAG.to_string(),
        value: incident.to_string(),
    }));
    let ids: Vec<&str> = stranded.iter().map(|i| i.interface_id.as_str()).collect();
    Plan {
        action: Contain.kind(),
        region: region.to_string(),
        target: target.to_string(),
        before: Before::Interfaces {
            interfaces: stranded.to_vec(),
        },
        steps,
        notes: vec![format!(
            "Rolls journal entry {entry} forward: {} stopped on the all-open temporary group of incident {incident} (open to the internet) and moves on to its isolation group; the temporary group is deleted.",
            ids.join(", ")
        )],
        dry_run: None,
        confirm_by_hand: None,
        subject: None,
        account: None,
    }
}

/// Whether a containment plan finishes one that stopped on the all-open group.
pub fn rolls_forward(plan: &Plan) -> bool {
    plan.action == Contain.kind()
        && plan
            .steps
            .iter()
            .any(|s| matches!(s, Step::DeleteGroupNamed { .. }))
}

pub fn temp_group_name(incident: &str, vpc: &str) -> String {
    format!("secdash-contain-temp-{incident}-{vpc}")
}

pub fn isolation_group_name(incident: &str, vpc: &str) -> String {
    format!("secdash-isolation-{incident}-{vpc}")
}

/// The containment still in effect on this interface, if the journal has one.
pub fn contained_by<'a>(entries: &'a [Entry], interface_id: &str) -> Option<&'a Entry> {
    entries.iter().rev().find(|e| {
        e.action == Contain.kind()
            && e.in_effect()
            && crate::action::chain::touches(e, interface_id)
    })
}

/// The groups a containment plan creates, by role: (name, VPC).
pub fn groups_made(p: &Plan, want: GroupRole) -> Vec<(String, String)> {
    p.steps
        .iter()
        .filter_map(|s| match s {
            Step::EnsureGroup { name, vpc_id, role } if *role == want => {
                Some((name.clone(), vpc_id.clone()))
            }
            _ => None,
        })
        .collect()
}

/// A containment that stopped with interfaces on its all-open temporary group (a crash
/// between its steps): the plan that finishes it from the journalled entry. Without an
/// entry, what to do is said: the interfaces' groups before are not known here.
async fn stranded(
    ex: &Executor,
    target: &str,
    journal: &JournalRead,
) -> Result<Option<Plan>, ActionError> {
    let on_temp: Vec<(String, String)> = ex
        .cloud()
        .read_interface_state(target)
        .await?
        .into_iter()
        .filter_map(|i| {
            let g = i
                .group_names
                .into_iter()
                .find(|n| n.starts_with("secdash-contain-temp-"))?;
            Some((i.interface_id, g))
        })
        .collect();
    let Some((first, temp)) = on_temp.first() else {
        return Ok(None);
    };
    let entries = journal.entries();
    let Some(entry) = contained_by(&entries, first) else {
        return Err(ActionError::AlreadyContained(format!(
            "{first} is on the all-open temporary group {temp}: NOT contained, open to the internet. No entry of this journal records it, so its groups before are unknown here: move it to its incident's isolation group where it was contained (`aws ec2 modify-network-interface-attribute --network-interface-id {first} --groups <isolation group>`)"
        )));
    };
    let Some(Before::Interfaces { interfaces }) = entry.plan.as_ref().map(|p| &p.before) else {
        return Ok(None);
    };
    let stranded: Vec<_> = interfaces
        .iter()
        .filter(|i| on_temp.iter().any(|(id, _)| *id == i.interface_id))
        .cloned()
        .collect();
    Ok(Some(roll_forward(
        target,
        &entry.entry,
        &entry.incident,
        &stranded,
        ex.cloud().region(),
    )))
}

/// Refuses to contain an interface that already is (or is half-way), naming the entry.
async fn not_contained(
    ex: &Executor,
    target: &str,
    journal: &JournalRead,
) -> Result<(), ActionError> {
    let entries = journal.entries();
    for i in ex.cloud().read_interface_state(target).await? {
        let on = i.group_names.iter().find(|n| {
            n.starts_with("secdash-isolation-") || n.starts_with("secdash-contain-temp-")
        });
        if on.is_none() && !i.tagged {
            continue;
        }
        let why = on
            .map(|g| format!("it is on {g}"))
            .unwrap_or_else(|| format!("it is tagged {}", CONTAIN_TAG));
        return Err(ActionError::AlreadyContained(
            match contained_by(&entries, &i.interface_id) {
                Some(e) => format!(
                    "{} is already contained by journal entry {} ({why}); containing it again would move it through the all-open group. `secdash restore {}` releases it",
                    i.interface_id, e.entry, e.entry
                ),
                None => format!(
                    "{} is already contained ({why}), but no entry of this journal records it; release it where it was contained",
                    i.interface_id
                ),
            },
        ));
    }
    Ok(())
}

/// After a containment step failed: no interface may stay on the all-open group. Each
/// one there moves on to the isolation group, else back to its own groups; then the
/// temporary group goes. Says what was done, in words.
async fn recover(ex: &Executor, plan: &Plan, groups: &HashMap<String, String>) -> String {
    let Before::Interfaces { interfaces } = &plan.before else {
        return String::new();
    };
    let temporary = groups_made(plan, GroupRole::Temporary);
    let isolation = groups_made(plan, GroupRole::Isolation);
    let mut said = Vec::new();
    for i in interfaces {
        let Some((temp_name, _)) = temporary.iter().find(|(_, v)| *v == i.vpc_id) else {
            continue;
        };
        let Some(temp_id) = groups.get(temp_name) else {
            continue;
        };
        let on_temp = match ex.cloud().read_interfaces(&i.interface_id).await {
            Ok(now) => now.iter().any(|n| n.groups.contains(temp_id)),
            // Cannot tell: act as if it were, moving it somewhere safe is harmless.
            Err(_) => true,
        };
        if !on_temp {
            continue;
        }
        let iso = match isolation.iter().find(|(_, v)| *v == i.vpc_id) {
            Some((name, vpc)) => match groups.get(name) {
                Some(id) => Some(id.clone()),
                None => ex.cloud().find_group(vpc, name).await.ok().flatten(),
            },
            None => None,
        };
        let forward = match &iso {
            Some(iso) => ex
                .cloud()
                .set_interface_groups(&i.interface_id, std::slice::from_ref(iso), false)
                .await
                .is_ok(),
            None => false,
        };
        if forward {
            said.push(format!(
                "rolled forward: {} is on the isolation group {}",
                i.interface_id,
                iso.unwrap_or_default()
            ));
        } else if ex
            .cloud()
            .set_interface_groups(&i.interface_id, &i.groups, false)
            .await
            .is_ok()
        {
            said.push(format!(
                "rolled back: {} is on its own groups again ({})",
                i.interface_id,
                i.groups.join(", ")
            ));
        } else {
            said.push(format!(
                "{} is STILL on the all-open temporary group {temp_id}: restore it now",
                i.interface_id
            ));
        }
    }
    for (name, _) in &temporary {
        if let Some(id) = groups.get(name)
            && ex.cloud().delete_group(id).await.is_ok()
        {
            said.push(format!("the temporary all-open group {id} was deleted"));
        }
    }
    said.join("; ")
}

impl ActionSpec for Contain {
    fn verb(&self) -> &'static str {
        "contain"
    }
    fn about(&self) -> &'static str {
        "Move a network interface, or every interface of an instance, to an isolation group."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("contained")
    }
    fn destructive(&self) -> bool {
        true
    }
    fn pane(&self) -> PaneId {
        PaneId::Findings
    }
    fn refresh(&self) -> &'static [PaneId] {
        &[PaneId::SecurityGroups]
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Findings]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let Row::Finding(f) = row else {
            return None;
        };
        Some(match ContainTarget::parse(&f.resource) {
            Some(t) => Ok(Target::Contain(t)),
            None if f.named_subjects().is_empty() => Err(format!(
                "{} is not an instance or network interface to contain",
                f.resource
            )),
            None => Err(format!(
                "{} is not an instance: press e for what the finding names, and c there contains each",
                f.resource
            )),
        })
    }
    fn contains(&self, subject: SubjectKind) -> Option<&'static str> {
        matches!(
            subject,
            SubjectKind::Instance | SubjectKind::NetworkInterface
        )
        .then_some("contain it")
    }
    fn target_of_subject(&self, id: &str) -> Target {
        Target::Contain(
            ContainTarget::parse(id).unwrap_or(ContainTarget::Interface(id.to_string())),
        )
    }
    fn target_subject(&self, target: &str) -> Option<SubjectKind> {
        match ContainTarget::parse(target) {
            Some(ContainTarget::Interface(_)) => Some(SubjectKind::NetworkInterface),
            _ => Some(SubjectKind::Instance),
        }
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg(
            "target",
            "ENI_OR_INSTANCE_ID",
            "A network interface (eni-…) or an instance (i-…).",
        ))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        let id = value(args, "target");
        // Anything else is refused by the plan, which names it.
        Target::Contain(ContainTarget::parse(&id).unwrap_or(ContainTarget::Interface(id)))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let target = target.id();
            if let Some(p) = stranded(ex, target, journal).await? {
                return Ok(p);
            }
            not_contained(ex, target, journal).await?;
            let region = ex.cloud().region();
            let interfaces = ex.cloud().read_interfaces(target).await?;
            if interfaces.is_empty() {
                return Err(ActionError::NotFound(format!(
                    "no network interface found for {target} in {region}"
                )));
            }
            let mut p = plan(target, &interfaces, ex.incident(), region);
            let first = &interfaces[0];
            p.dry_run = Some(dry_run_verdict(
                ex.cloud()
                    .set_interface_groups(&first.interface_id, &first.groups, true)
                    .await,
            ));
            Ok(p)
        })
    }
    fn still_current<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
    ) -> BoxFuture<'a, Result<(), ActionError>> {
        Box::pin(async move {
            let Before::Interfaces { interfaces } = &plan.before else {
                return Ok(());
            };
            for i in interfaces {
                // Finishing a containment: each interface must still be on its all-open group.
                if rolls_forward(plan) {
                    let now = ex.cloud().read_interface_state(&i.interface_id).await?;
                    let stranded = now.iter().all(|n| {
                        n.group_names
                            .iter()
                            .any(|g| g.starts_with("secdash-contain-temp-"))
                    });
                    if !stranded {
                        return Err(ex.stale(
                            plan,
                            &format!(
                                "{} is no longer on the all-open temporary group",
                                i.interface_id
                            ),
                        ));
                    }
                    continue;
                }
                let now = ex.cloud().read_interfaces(&i.interface_id).await?;
                if !now.iter().all(|n| same_groups(&n.groups, &i.groups)) {
                    return Err(ex.stale(
                        plan,
                        &format!("{} is no longer on the groups planned", i.interface_id),
                    ));
                }
            }
            Ok(())
        })
    }
    fn verify<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
        groups: &'a HashMap<String, String>,
    ) -> BoxFuture<'a, Result<bool, ActionError>> {
        Box::pin(async move {
            let Before::Interfaces { interfaces } = &plan.before else {
                return Ok(false);
            };
            let isolation = groups_made(plan, GroupRole::Isolation);
            let mut ok = true;
            // "No rules at all": an isolation group with one lets the host talk.
            for (name, _) in &isolation {
                if let Some(id) = groups.get(name) {
                    ok &= ex.cloud().read_group(id).await?.1.is_empty();
                }
            }
            for i in interfaces {
                let want = isolation
                    .iter()
                    .find(|(_, vpc)| *vpc == i.vpc_id)
                    .and_then(|(name, _)| groups.get(name));
                let now = ex.cloud().read_interfaces(&i.interface_id).await?;
                ok &= now
                    .iter()
                    .all(|n| Some(&n.groups) == want.map(|w| vec![w.clone()]).as_ref());
            }
            for (name, vpc) in groups_made(plan, GroupRole::Temporary) {
                ok &= ex.cloud().find_group(&vpc, &name).await?.is_none();
            }
            Ok(ok)
        })
    }
    fn recover<'a>(
        &'a self,
        ex: &'a Executor,
        plan: &'a Plan,
        groups: &'a HashMap<String, String>,
    ) -> BoxFuture<'a, String> {
        Box::pin(recover(ex, plan, groups))
    }
}
