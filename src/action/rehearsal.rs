//! The demo's rehearsal: the executor's calls carried out on the demo's own account in memory,
//! with EC2's and GuardDuty's answers, so a newcomer runs the whole flow (plan, typed
//! confirmation, journal, badge, restore) and nothing real is touched.

use super::cloud::{Answer, Cloud, FindingBrief, InterfaceState};
use super::plan::{CONTAIN_TAG, GroupRole, InterfaceBefore, RuleSpec};
use crate::model::{Direction, Peer, Rule, SourceError};
use crate::source::demo::{SharedWorld, World};

/// The demo's only detector.
pub const DETECTOR: &str = "12abc34d567e8fa901bc2d34e56789f0";

pub struct Rehearsal {
    world: SharedWorld,
    region: String,
}

impl Rehearsal {
    pub fn new(world: SharedWorld) -> Rehearsal {
        Rehearsal {
            world,
            region: crate::source::demo::REGION.to_string(),
        }
    }
}

/// An answer that is ready now: the world changes under its lock, never across an await.
fn now<'a, T: Send + 'a>(result: Result<T, SourceError>) -> Answer<'a, T> {
    Box::pin(std::future::ready(result))
}

fn all_traffic(direction: Direction, peer: Peer) -> Rule {
    Rule {
        id: None,
        direction,
        protocol: "all".into(),
        from_port: None,
        to_port: None,
        peer,
        description: String::new(),
        risk: Default::default(),
        risk_reason: Default::default(),
    }
}

/// Finds the group by name, or creates it with the rules its role needs (as `AwsActions`).
fn ensure_group(
    world: &mut World,
    name: &str,
    vpc_id: &str,
    role: GroupRole,
) -> Result<String, SourceError> {
    if let Some(id) = world.find_group(vpc_id, name) {
        return Ok(id);
    }
    let description = match role {
        GroupRole::Temporary => "secdash containment: temporary, allows all traffic",
        GroupRole::Isolation => "secdash containment: isolation, no rules",
    };
    let id = world.create_group(name, description, vpc_id)?;
    match role {
        GroupRole::Temporary => world.authorize(
            &id,
            vec![
                all_traffic(Direction::Ingress, Peer::Ipv4("0.0.0.0/0".into())),
                all_traffic(Direction::Ingress, Peer::Ipv6("::/0".into())),
            ],
        )?,
        GroupRole::Isolation => {
            // A new group allows all egress, as on EC2: take that away.
            let (_, rules) = world.read_group(&id)?;
            let ids: Vec<String> = rules.into_iter().filter_map(|r| r.id).collect();
            world.revoke(&id, &ids)?;
        }
    }
    Ok(id)
}

impl Cloud for Rehearsal {
    fn region(&self) -> &str {
        &self.region
    }

    fn read_group<'a>(&'a self, group_id: &'a str) -> Answer<'a, (Option<String>, Vec<RuleSpec>)> {
        now(self
            .world
            .lock()
            .read_group(group_id)
            .map(|(vpc, rules)| (vpc, rules.iter().map(RuleSpec::from_rule).collect())))
    }

    fn read_interfaces<'a>(&'a self, target: &'a str) -> Answer<'a, Vec<InterfaceBefore>> {
        let interfaces = self.world.lock().interfaces(target);
        now(Ok(interfaces
            .into_iter()
            .map(|i| InterfaceBefore {
                interface_id: i.id().to_string(),
                vpc_id: i.vpc_id.clone(),
                instance_id: i.instance_id().map(str::to_string),
                groups: i.groups,
            })
            .collect()))
    }

    fn read_interface_state<'a>(&'a self, target: &'a str) -> Answer<'a, Vec<InterfaceState>> {
        let world = self.world.lock();
        now(Ok(world
            .interfaces(target)
            .into_iter()
            .map(|i| InterfaceState {
                interface_id: i.id().to_string(),
                group_names: i
                    .groups
                    .iter()
                    .filter_map(|g| world.group_name(g))
                    .collect(),
                tagged: world
                    .tags(i.id())
                    .is_some_and(|t| t.contains_key(CONTAIN_TAG)),
            })
            .collect()))
    }

    fn tagged<'a>(&'a self, resources: &'a [String]) -> Answer<'a, Vec<String>> {
        let world = self.world.lock();
        now(Ok(resources
            .iter()
            .filter(|r| world.tags(r).is_some_and(|t| t.contains_key(CONTAIN_TAG)))
            .cloned()
            .collect()))
    }

    fn find_group<'a>(&'a self, vpc_id: &'a str, name: &'a str) -> Answer<'a, Option<String>> {
        now(Ok(self.world.lock().find_group(vpc_id, name)))
    }

    fn revoke<'a>(
        &'a self,
        group_id: &'a str,
        rules: &'a [RuleSpec],
        dry_run: bool,
    ) -> Answer<'a, ()> {
        let mut world = self.world.lock();
        let result = world.read_group(group_id).and_then(|(_, current)| {
            // By id when the rules have them, by the traffic they allow when not (as EC2).
            let ids: Vec<String> = rules
                .iter()
                .filter_map(|want| match &want.rule_id {
                    Some(id) => Some(id.clone()),
                    None => current
                        .iter()
                        .find(|r| RuleSpec::from_rule(r).same_grant(want))
                        .and_then(|r| r.id.clone()),
                })
                .collect();
            if dry_run {
                Ok(())
            } else {
                world.revoke(group_id, &ids)
            }
        });
        now(result)
    }

    fn authorize<'a>(&'a self, group_id: &'a str, rules: &'a [RuleSpec]) -> Answer<'a, ()> {
        let rules = rules
            .iter()
            .map(|r| Rule {
                id: None,
                ..r.to_rule()
            })
            .collect();
        now(self.world.lock().authorize(group_id, rules))
    }

    fn ensure_group<'a>(
        &'a self,
        name: &'a str,
        vpc_id: &'a str,
        role: GroupRole,
    ) -> Answer<'a, String> {
        now(ensure_group(&mut self.world.lock(), name, vpc_id, role))
    }

    fn set_interface_groups<'a>(
        &'a self,
        interface_id: &'a str,
        groups: &'a [String],
        dry_run: bool,
    ) -> Answer<'a, ()> {
        if dry_run {
            // Checked as EC2 would (the interface and groups exist), changed on a copy.
            let mut copy = self.world.lock().clone();
            return now(copy.set_interface_groups(interface_id, groups));
        }
        now(self.world.lock().set_interface_groups(interface_id, groups))
    }

    fn delete_group<'a>(&'a self, group_id: &'a str) -> Answer<'a, ()> {
        now(self.world.lock().delete_group(group_id))
    }

    fn tag<'a>(&'a self, resource: &'a str, key: &'a str, value: &'a str) -> Answer<'a, ()> {
        self.world.lock().tag(resource, key, value);
        now(Ok(()))
    }

    fn untag<'a>(&'a self, resource: &'a str, key: &'a str) -> Answer<'a, ()> {
        self.world.lock().untag(resource, key);
        now(Ok(()))
    }

    fn detector(&self) -> Answer<'_, Option<String>> {
        now(Ok(Some(DETECTOR.to_string())))
    }

    fn finding<'a>(
        &'a self,
        _detector_id: &'a str,
        finding_id: &'a str,
    ) -> Answer<'a, Option<FindingBrief>> {
        now(Ok(self.world.lock().finding(finding_id).map(
            |(facts, archived)| FindingBrief {
                archived,
                finding_type: facts.finding_type,
                title: facts.title,
            },
        )))
    }

    fn set_archived<'a>(
        &'a self,
        _detector_id: &'a str,
        finding_ids: &'a [String],
        archived: bool,
    ) -> Answer<'a, ()> {
        now(self.world.lock().set_archived(finding_ids, archived))
    }
}
