//! Restore plans: a journalled change undone from its before-state, or a chain of them from the
//! earliest. Pure: the executor reads the current state, these functions decide.

use super::plan::{
    ActionKind, Before, CONTAIN_TAG, GroupRef, InterfaceBefore, KeyStatus, Plan, Principal,
    RuleSpec, Step,
};
use super::platform::{Reading, Resource, Setting, without_secdash_statements};

/// The rules of `before` that are not granted now: what a restore must re-authorise.
pub fn missing_rules(before: &[RuleSpec], now: &[RuleSpec]) -> Vec<RuleSpec> {
    before
        .iter()
        .filter(|b| !now.iter().any(|n| n.same_grant(b)))
        .cloned()
        .collect()
}

/// What the current state of a restore's target is, as read just before it.
#[derive(Debug, Clone, PartialEq)]
pub enum Current {
    Rules(Vec<RuleSpec>),
    Interfaces(Vec<(String, Vec<String>)>),
    Archived(bool),
    /// The key's status (`None`: the key no longer exists).
    KeyStatus(Option<KeyStatus>),
    /// Each inline policy's document (`None`: there is none), in the order of
    /// `Original::InlinePolicies`.
    Policies(Vec<Option<String>>),
    /// A platform resource's setting (`None`: the resource is gone).
    Setting(Option<Reading>),
}

/// What a containment may have left behind, as read just before a restore.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Leftovers {
    /// Resources still carrying the `secdash:contained` tag.
    pub tagged: Vec<String>,
    /// Temporary all-open groups (name, VPC) that still exist.
    pub temp_groups: Vec<(String, String)>,
}

/// What a chain of entries found before it changed anything: the rules every one of them
/// revoked, each interface's groups and each finding's state before the first of them.
#[derive(Debug, Clone, PartialEq)]
pub enum Original {
    Rules {
        group_id: String,
        rules: Vec<RuleSpec>,
    },
    Interfaces(Vec<InterfaceBefore>),
    Finding {
        detector_id: String,
        finding_id: String,
        archived: bool,
    },
    AccessKey {
        user: String,
        access_key_id: String,
        status: KeyStatus,
    },
    /// Every inline policy the chain put (a deny-user under two incidents puts two), each as
    /// it was before the first change to it.
    InlinePolicies(Vec<PolicyBefore>),
    /// A platform resource's setting before the first change, and what the last change
    /// wrote (a restore finds a policy edited since by it).
    Setting {
        resource: Resource,
        setting: Setting,
        written: Option<Setting>,
    },
}

/// An inline policy as it was before a chain changed it (`document`: `None` when absent).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyBefore {
    pub principal: Principal,
    pub policy_name: String,
    pub document: Option<String>,
}

/// Merges the before-states of a chain of plans, oldest first: a resource restored is put back
/// as it was before the first change still in effect, with every rule any of them revoked.
pub fn original(chain: &[&Plan]) -> Option<Original> {
    let mut out: Option<Original> = None;
    for p in chain {
        match (&mut out, &p.before) {
            (
                None,
                Before::Group {
                    group_id, rules, ..
                },
            ) => {
                out = Some(Original::Rules {
                    group_id: group_id.clone(),
                    rules: rules.clone(),
                })
            }
            (Some(Original::Rules { rules: all, .. }), Before::Group { rules, .. }) => {
                for r in rules {
                    if !all.iter().any(|a| a.same_grant(r)) {
                        all.push(r.clone());
                    }
                }
            }
            (None, Before::Interfaces { interfaces }) => {
                out = Some(Original::Interfaces(interfaces.clone()))
            }
            (Some(Original::Interfaces(all)), Before::Interfaces { interfaces }) => {
                for i in interfaces {
                    if !all.iter().any(|a| a.interface_id == i.interface_id) {
                        all.push(i.clone());
                    }
                }
            }
            (
                None,
                Before::Finding {
                    detector_id,
                    finding_id,
                    archived,
                },
            ) => {
                out = Some(Original::Finding {
                    detector_id: detector_id.clone(),
                    finding_id: finding_id.clone(),
                    archived: *archived,
                })
            }
            (
                None,
                Before::AccessKey {
                    user,
                    access_key_id,
                    status,
                },
            ) => {
                out = Some(Original::AccessKey {
                    user: user.clone(),
                    access_key_id: access_key_id.clone(),
                    status: *status,
                })
            }
            (
                None,
                Before::InlinePolicy {
                    principal,
                    policy_name,
                    document,
                    ..
                },
            ) => {
                out = Some(Original::InlinePolicies(vec![PolicyBefore {
                    principal: principal.clone(),
                    policy_name: policy_name.clone(),
                    document: document.clone(),
                }]))
            }
            // The first change to each policy holds what was there before it.
            (
                Some(Original::InlinePolicies(all)),
                Before::InlinePolicy {
                    principal,
                    policy_name,
                    document,
                    ..
                },
            ) if !all
                .iter()
                .any(|p| p.principal == *principal && p.policy_name == *policy_name) =>
            {
                all.push(PolicyBefore {
                    principal: principal.clone(),
                    policy_name: policy_name.clone(),
                    document: document.clone(),
                });
            }
            (
                None,
                Before::Setting {
                    resource, setting, ..
                },
            ) => {
                out = Some(Original::Setting {
                    resource: resource.clone(),
                    setting: setting.clone(),
                    written: None,
                })
            }
            _ => {}
        }
        if let Some(Original::Setting { written, .. }) = &mut out
            && let Some(w) = p.steps.iter().rev().find_map(|s| match s {
                Step::Write { setting, .. } => Some(setting.clone()),
                _ => None,
            })
        {
            *written = Some(w);
        }
    }
    out
}

/// Undoes one journalled plan from its before-state (see `restore_chain`).
pub fn restore(kind: ActionKind, entry: &str, original: &Plan, current: &Current) -> Plan {
    let leftovers = Leftovers {
        tagged: match &original.before {
            Before::Interfaces { interfaces } => interfaces
                .iter()
                .flat_map(|i| std::iter::once(i.interface_id.clone()).chain(i.instance_id.clone()))
                .collect(),
            _ => vec![],
        },
        temp_groups: vec![],
    };
    restore_chain(kind, &[(entry, original)], current, &leftovers)
}

/// Undoes a chain of journalled plans (oldest first) from their merged before-state, whatever
/// step each reached: only what differs from it is changed, so running it twice changes
/// nothing the second time; a temporary all-open group left behind is deleted.
pub fn restore_chain(
    kind: ActionKind,
    chain: &[(&str, &Plan)],
    current: &Current,
    leftovers: &Leftovers,
) -> Plan {
    let plans: Vec<&Plan> = chain.iter().map(|(_, p)| *p).collect();
    let steps = steps_back(&plans, current, leftovers);
    let mut notes = Vec::new();
    match (original(&plans), current) {
        (Some(Original::AccessKey { access_key_id, .. }), Current::KeyStatus(None)) => notes.push(
            format!("Access key {access_key_id} no longer exists: nothing can be restored."),
        ),
        (Some(Original::Setting { resource, .. }), Current::Setting(None)) => notes.push(format!(
            "The {} no longer exists: nothing can be restored.",
            resource.label()
        )),
        (Some(o @ Original::Setting { .. }), Current::Setting(Some(now))) => {
            notes.extend(setting_notes(&o, now))
        }
        _ => {}
    }
    if steps.is_empty() {
        notes.push("Nothing to restore: the target is already as it was before.".to_string());
    }
    if chain.len() > 1 {
        notes.push(format!(
            "Undoes {} journal entries at once ({}): the target goes back to what it was before the first.",
            chain.len(),
            chain.iter().map(|(e, _)| *e).collect::<Vec<_>>().join(", ")
        ));
    }
    let isolation: Vec<&str> = plans
        .iter()
        .flat_map(|p| &p.steps)
        .filter_map(|s| match s {
            Step::EnsureGroup {
                name,
                role: super::plan::GroupRole::Isolation,
                ..
            } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    if !isolation.is_empty() {
        // The groups the undone containments made, by name: not the restore's own incident's.
        notes.push(format!(
            "The isolation group {} is left in place for the record; delete it when its incident closes.",
            isolation.join(", ")
        ));
    }
    let first = plans.first();
    Plan {
        action: kind,
        region: first.map(|p| p.region.clone()).unwrap_or_default(),
        target: first.map(|p| p.target.clone()).unwrap_or_default(),
        before: Before::Entries {
            entries: chain.iter().map(|(e, _)| e.to_string()).collect(),
        },
        steps,
        notes,
        dry_run: None,
        confirm_by_hand: None,
        subject: None,
        account: None,
    }
}

/// The steps that put the chain's target back as it was before the first of them.
fn steps_back(plans: &[&Plan], current: &Current, leftovers: &Leftovers) -> Vec<Step> {
    let mut steps = Vec::new();
    match (original(plans), current) {
        (Some(Original::Rules { group_id, rules }), Current::Rules(now)) => {
            let missing = missing_rules(&rules, now);
            if !missing.is_empty() {
                steps.push(Step::AuthorizeRules {
                    group_id,
                    rules: missing,
                });
            }
        }
        (Some(Original::Interfaces(interfaces)), Current::Interfaces(now)) => {
            steps = interfaces_back(&interfaces, now, leftovers);
        }
        (
            Some(Original::Finding {
                detector_id,
                finding_id,
                archived,
            }),
            Current::Archived(now),
        ) if *now != archived => {
            steps.push(if archived {
                Step::ArchiveFindings {
                    detector_id,
                    finding_ids: vec![finding_id],
                }
            } else {
                Step::UnarchiveFindings {
                    detector_id,
                    finding_ids: vec![finding_id],
                }
            });
        }
        (
            Some(Original::AccessKey {
                user,
                access_key_id,
                status,
            }),
            Current::KeyStatus(Some(now)),
        ) if *now != status => steps.push(Step::SetAccessKeyStatus {
            user,
            access_key_id,
            status,
        }),
        (Some(Original::InlinePolicies(before)), Current::Policies(now)) => {
            for (b, now) in before.into_iter().zip(now) {
                match (b.document, now) {
                    // Exactly the bytes there were, even when only the formatting differs.
                    (Some(doc), now) if now.as_deref() != Some(doc.as_str()) => {
                        steps.push(Step::PutInlinePolicy {
                            principal: b.principal,
                            policy_name: b.policy_name,
                            document: doc,
                        })
                    }
                    (None, Some(_)) => steps.push(Step::DeleteInlinePolicy {
                        principal: b.principal,
                        policy_name: b.policy_name,
                    }),
                    _ => {}
                }
            }
        }
        (Some(o @ Original::Setting { .. }), Current::Setting(Some(now))) => {
            steps.extend(setting_back(&o, now));
        }
        _ => {}
    }
    steps
}

/// The write that puts a setting back as it was, if it differs now. A policy edited since
/// secdash's change loses only secdash's statement (the others' edits are kept).
fn setting_back(original: &Original, now: &Reading) -> Option<Step> {
    let Original::Setting {
        resource,
        setting,
        written,
    } = original
    else {
        return None;
    };
    if now.setting.same(setting) {
        return None;
    }
    let edited = written.as_ref().is_some_and(|w| !now.setting.same(w));
    let setting = match (&now.setting, edited) {
        (
            Setting::Policy {
                document: Some(doc),
            },
            true,
        ) => Setting::Policy {
            document: Some(without_secdash_statements(doc)?),
        },
        // Exactly the text the Get call returned before, whatever formatting the service uses.
        _ => setting.clone(),
    };
    Some(Step::Write {
        resource: resource.clone(),
        setting,
    })
}

/// What a restore of a setting says besides its steps.
fn setting_notes(original: &Original, now: &Reading) -> Vec<String> {
    let Original::Setting {
        setting: Setting::Policy { .. },
        written: Some(w),
        resource,
        ..
    } = original
    else {
        return vec![];
    };
    if now.setting.same(w) {
        return vec![];
    }
    match &now.setting {
        Setting::Policy {
            document: Some(doc),
        } if without_secdash_statements(doc).is_some() => {
            vec![format!(
                "The policy of {} was edited since secdash changed it: only secdash's statement is removed, the other edits are kept.",
                resource.label()
            )]
        }
        _ => vec![format!(
            "The policy of {} was edited since secdash changed it and secdash's statement is no longer there: it is left as it is.",
            resource.label()
        )],
    }
}

/// Each interface back on its own groups, the containment tags and a temporary group left
/// behind gone.
fn interfaces_back(
    interfaces: &[InterfaceBefore],
    now: &[(String, Vec<String>)],
    leftovers: &Leftovers,
) -> Vec<Step> {
    let mut steps = Vec::new();
    for i in interfaces {
        let groups_now = now
            .iter()
            .find(|(id, _)| *id == i.interface_id)
            .map(|(_, g)| g);
        let mut want = i.groups.clone();
        want.sort();
        let differs = groups_now.is_none_or(|g| {
            let mut g = g.clone();
            g.sort();
            g != want
        });
        if differs {
            steps.push(Step::SetInterfaceGroups {
                interface_id: i.interface_id.clone(),
                groups: i.groups.iter().cloned().map(GroupRef::Id).collect(),
            });
        }
    }
    let mut untag: Vec<String> = interfaces
        .iter()
        .flat_map(|i| std::iter::once(i.interface_id.clone()).chain(i.instance_id.clone()))
        .filter(|r| leftovers.tagged.contains(r))
        .collect();
    untag.dedup();
    for r in untag {
        steps.push(Step::Untag {
            resource_id: r,
            key: CONTAIN_TAG.to_string(),
        });
    }
    // Only after every interface has left it can the open group go.
    for (name, vpc_id) in &leftovers.temp_groups {
        steps.push(Step::DeleteGroupNamed {
            name: name.clone(),
            vpc_id: vpc_id.clone(),
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::kinds::archive::plan as archive;
    use crate::action::kinds::isolate::plan as isolate;
    use crate::action::kinds::{ActionSpec, Restore};

    fn restore_kind() -> ActionKind {
        Restore.kind()
    }
    use crate::model::{Direction, Peer};

    fn rule(id: &str, dir: Direction, port: i32, cidr: &str, desc: &str) -> RuleSpec {
        RuleSpec {
            rule_id: Some(id.into()),
            direction: dir,
            protocol: "tcp".into(),
            from_port: Some(port),
            to_port: Some(port),
            peer: Peer::Ipv4(cidr.into()),
            description: desc.into(),
        }
    }

    fn rules() -> Vec<RuleSpec> {
        vec![
            rule("sgr-1", Direction::Ingress, 22, "0.0.0.0/0", "SSH"),
            rule("sgr-2", Direction::Ingress, 443, "0.0.0.0/0", "HTTPS"),
            RuleSpec {
                protocol: "all".into(),
                from_port: None,
                to_port: None,
                ..rule("sgr-3", Direction::Egress, 0, "0.0.0.0/0", "")
            },
        ]
    }

    #[test]
    fn restore_reauthorises_only_what_is_missing() {
        let original = isolate("sg-1", None, &rules(), "r");
        // Stopped half-way: ingress revoked, egress still there (with another id).
        let now = vec![RuleSpec {
            rule_id: Some("sgr-99".into()),
            ..rules()[2].clone()
        }];
        let p = restore(restore_kind(), "e1", &original, &Current::Rules(now));
        let Step::AuthorizeRules { rules: r, .. } = &p.steps[0] else {
            panic!()
        };
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].description, "SSH", "descriptions come back too");
        // Run again after it worked: nothing to do.
        let p = restore(restore_kind(), "e1", &original, &Current::Rules(rules()));
        assert!(p.steps.is_empty());
        assert!(p.notes[0].starts_with("Nothing to restore"));
    }

    #[test]
    fn restore_of_an_archive_unarchives() {
        let p = archive("d", "f", false, "r", true);
        let r = restore(restore_kind(), "e3", &p, &Current::Archived(true));
        assert!(matches!(r.steps[0], Step::UnarchiveFindings { .. }));
        assert!(
            restore(restore_kind(), "e3", &p, &Current::Archived(false))
                .steps
                .is_empty()
        );
    }

    #[test]
    fn a_chain_is_restored_to_what_was_there_before_the_first() {
        // Two revokes, then an isolation of what was left: every rule comes back.
        let all = rules();
        let first = crate::action::kinds::revoke::plan("sg-1", None, &all, "sgr-1", "r").unwrap();
        let second = isolate("sg-1", None, &all[1..], "r");
        let p = restore_chain(
            restore_kind(),
            &[("e1", &first), ("e2", &second)],
            &Current::Rules(vec![]),
            &Leftovers::default(),
        );
        let Step::AuthorizeRules { rules: back, .. } = &p.steps[0] else {
            panic!("{p:?}")
        };
        assert_eq!(back.len(), 3);
        assert_eq!(
            p.before,
            Before::Entries {
                entries: vec!["e1".into(), "e2".into()]
            }
        );
    }
}
