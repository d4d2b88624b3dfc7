//! The plans of a containment: each interface through the all-open temporary group to the
//! rule-less isolation group (as AWS's AWSSupport-ContainEC2Instance does), and the plan that
//! finishes one a crash stopped on the all-open group.

use super::*;

/// AWSSupport-ContainEC2Instance's way, per interface: all-open temporary group first (so
/// tracked flows become untracked), then a group with no rules, then tags.
pub fn contain(target: &str, interfaces: &[InterfaceBefore], incident: &str, region: &str) -> Plan {
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
        action: ActionKind::Contain,
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
        action: ActionKind::Contain,
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
        subject: None,
        account: None,
    }
}

/// Whether a containment plan finishes one that stopped on the all-open group.
pub fn rolls_forward(plan: &Plan) -> bool {
    plan.action == ActionKind::Contain
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
