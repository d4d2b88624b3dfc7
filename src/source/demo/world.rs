//! The demo's own account, for rehearsals: the scenario's groups, interfaces and findings held
//! as state that actions change, the way EC2 and GuardDuty would. The demo's panes read it, so
//! an isolation, a containment or an archive shows on screen, and a restore puts it back. It
//! lives in memory only: nothing a rehearsal does reaches AWS or outlives the session.

use super::{ACCOUNT, REGION};
use crate::model::{Attachment, FindingsData, Rule, SecurityGroup, SecurityGroupsData};
use crate::model::{Direction, Peer, SourceError};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// The world as the demo's panes and its rehearsal actions share it.
#[derive(Debug, Clone)]
pub struct SharedWorld(Arc<Mutex<World>>);

impl SharedWorld {
    pub fn new(world: World) -> SharedWorld {
        SharedWorld(Arc::new(Mutex::new(world)))
    }

    /// The world, even after a panic elsewhere while it was held (its data stays whole: every
    /// change checks before it writes).
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A network interface: its groups, and what it is attached to.
#[derive(Debug, Clone, PartialEq)]
pub struct Interface {
    pub attachment: Attachment,
    pub vpc_id: String,
    /// Group ids, in order.
    pub groups: Vec<String>,
}

impl Interface {
    pub fn id(&self) -> &str {
        &self.attachment.interface_id
    }

    /// The instance it is attached to, if any.
    pub fn instance_id(&self) -> Option<&str> {
        self.attachment
            .target
            .as_deref()
            .filter(|t| t.starts_with("i-"))
    }
}

/// What a finding's archive plan says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingFacts {
    pub finding_type: String,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct World {
    groups: Vec<SecurityGroup>,
    vpcs: Vec<crate::model::Vpc>,
    interfaces: Vec<Interface>,
    findings: BTreeMap<String, FindingFacts>,
    archived: BTreeSet<String>,
    /// Tags by resource id.
    tags: BTreeMap<String, BTreeMap<String, String>>,
    /// For new ids (rules, groups): deterministic, so tests can name them.
    next_id: u64,
}

/// An EC2 or GuardDuty error, as the real API would answer.
fn api(service: &str, operation: &str, code: &str, message: String) -> SourceError {
    SourceError::Api {
        service: service.into(),
        operation: operation.into(),
        region: REGION.into(),
        code: code.into(),
        message,
    }
}

fn group_not_found(operation: &str, id: &str) -> SourceError {
    api(
        "ec2",
        operation,
        "InvalidGroup.NotFound",
        format!("The security group '{id}' does not exist"),
    )
}

impl World {
    /// The scenario (`scale` copies of it) as it is before anyone acts.
    pub fn new(groups: SecurityGroupsData, findings: &FindingsData) -> World {
        let mut world = World {
            groups: Vec::with_capacity(groups.groups.len()),
            vpcs: groups.vpcs,
            interfaces: Vec::new(),
            findings: findings
                .findings
                .iter()
                .map(|f| {
                    let facts = FindingFacts {
                        finding_type: f.finding_type.clone(),
                        title: f.title.clone(),
                    };
                    (f.id.clone(), facts)
                })
                .collect(),
            archived: findings
                .findings
                .iter()
                .filter(|f| f.archived)
                .map(|f| f.id.clone())
                .collect(),
            tags: BTreeMap::new(),
            next_id: 0,
        };
        for mut g in groups.groups {
            for a in std::mem::take(&mut g.attachments) {
                match world
                    .interfaces
                    .iter_mut()
                    .find(|i| i.attachment.interface_id == a.interface_id)
                {
                    Some(i) => i.groups.push(g.id.clone()),
                    None => world.interfaces.push(Interface {
                        attachment: a,
                        vpc_id: g.vpc_id.clone().unwrap_or_default(),
                        groups: vec![g.id.clone()],
                    }),
                }
            }
            // EC2 gives every rule an id; actions revoke by it.
            for r in &mut g.rules {
                r.id = Some(world.new_id("sgr"));
            }
            world.groups.push(g);
        }
        world
    }

    fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-0de{:014x}", self.next_id)
    }

    /// The groups as DescribeSecurityGroups and DescribeNetworkInterfaces would show them now.
    pub fn security_groups(&self) -> SecurityGroupsData {
        let groups = self
            .groups
            .iter()
            .map(|g| {
                let mut g = g.clone();
                g.attachments = self
                    .interfaces
                    .iter()
                    .filter(|i| i.groups.contains(&g.id))
                    .map(|i| i.attachment.clone())
                    .collect();
                g
            })
            .collect();
        SecurityGroupsData {
            groups,
            vpcs: self.vpcs.clone(),
        }
    }

    /// The findings as GuardDuty would list them now: archived ones marked, and left out unless
    /// asked for; the counts are of active findings, as GuardDuty's statistics are.
    pub fn findings(&self, mut data: FindingsData, include_archived: bool) -> FindingsData {
        for f in &mut data.findings {
            f.archived = self.archived.contains(&f.id);
        }
        if !include_archived {
            data.findings.retain(|f| !f.archived);
        }
        data.counts.clear();
        for f in data.findings.iter().filter(|f| !f.archived) {
            *data.counts.entry(f.severity_label()).or_default() += 1;
        }
        data
    }

    fn group(&self, operation: &str, id: &str) -> Result<&SecurityGroup, SourceError> {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .ok_or_else(|| group_not_found(operation, id))
    }

    fn group_mut(&mut self, operation: &str, id: &str) -> Result<&mut SecurityGroup, SourceError> {
        self.groups
            .iter_mut()
            .find(|g| g.id == id)
            .ok_or_else(|| group_not_found(operation, id))
    }

    /// A group's VPC and rules.
    pub fn read_group(&self, id: &str) -> Result<(Option<String>, Vec<Rule>), SourceError> {
        let g = self.group("DescribeSecurityGroups", id)?;
        Ok((g.vpc_id.clone(), g.rules.clone()))
    }

    pub fn group_name(&self, id: &str) -> Option<&str> {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.name.as_str())
    }

    pub fn find_group(&self, vpc_id: &str, name: &str) -> Option<String> {
        self.groups
            .iter()
            .find(|g| g.name == name && g.vpc_id.as_deref() == Some(vpc_id))
            .map(|g| g.id.clone())
    }

    /// A new group, with the allow-all egress rule EC2 gives every new group.
    pub fn create_group(
        &mut self,
        name: &str,
        description: &str,
        vpc_id: &str,
    ) -> Result<String, SourceError> {
        if self.find_group(vpc_id, name).is_some() {
            return Err(api(
                "ec2",
                "CreateSecurityGroup",
                "InvalidGroup.Duplicate",
                format!("The security group '{name}' already exists for VPC '{vpc_id}'"),
            ));
        }
        let id = self.new_id("sg");
        let rule = Rule {
            id: Some(self.new_id("sgr")),
            direction: Direction::Egress,
            protocol: "all".into(),
            from_port: None,
            to_port: None,
            peer: Peer::Ipv4("0.0.0.0/0".into()),
            description: String::new(),
            risk: Default::default(),
            risk_reason: String::new(),
        };
        self.groups.push(SecurityGroup {
            id: id.clone(),
            name: name.into(),
            description: description.into(),
            vpc_id: Some(vpc_id.into()),
            region: REGION.into(),
            rules: vec![rule],
            attachments: Vec::new(),
            tags: Vec::new(),
        });
        Ok(id)
    }

    /// Deleted unless an interface still uses it, as EC2 refuses.
    pub fn delete_group(&mut self, id: &str) -> Result<(), SourceError> {
        self.group("DeleteSecurityGroup", id)?;
        if let Some(i) = self
            .interfaces
            .iter()
            .find(|i| i.groups.iter().any(|g| g == id))
        {
            return Err(api(
                "ec2",
                "DeleteSecurityGroup",
                "DependencyViolation",
                format!("resource {id} has a dependent object ({})", i.id()),
            ));
        }
        self.groups.retain(|g| g.id != id);
        Ok(())
    }

    /// Adds rules, each with a new id; a rule the group already has is refused whole.
    pub fn authorize(&mut self, id: &str, rules: Vec<Rule>) -> Result<(), SourceError> {
        let operation = "AuthorizeSecurityGroupIngress";
        let existing = &self.group(operation, id)?.rules;
        let same = |a: &Rule, b: &Rule| {
            a.direction == b.direction
                && a.protocol == b.protocol
                && (a.protocol == "all" || (a.from_port, a.to_port) == (b.from_port, b.to_port))
                && a.peer == b.peer
        };
        if let Some(dup) = rules.iter().find(|r| existing.iter().any(|e| same(e, r))) {
            return Err(api(
                "ec2",
                operation,
                "InvalidPermission.Duplicate",
                format!(
                    "the specified rule \"peer: {}, {}\" already exists",
                    dup.peer, dup.protocol
                ),
            ));
        }
        let mut added = Vec::with_capacity(rules.len());
        for mut r in rules {
            r.id = Some(self.new_id("sgr"));
            added.push(r);
        }
        self.group_mut(operation, id)?.rules.extend(added);
        Ok(())
    }

    /// Removes the rules with these ids; an id the group does not have is refused whole.
    pub fn revoke(&mut self, id: &str, rule_ids: &[String]) -> Result<(), SourceError> {
        let operation = "RevokeSecurityGroupIngress";
        let g = self.group_mut(operation, id)?;
        if let Some(missing) = rule_ids
            .iter()
            .find(|r| !g.rules.iter().any(|x| x.id.as_ref() == Some(*r)))
        {
            return Err(api(
                "ec2",
                operation,
                "InvalidSecurityGroupRuleId.NotFound",
                format!("The security group rule ID '{missing}' does not exist"),
            ));
        }
        g.rules
            .retain(|r| !r.id.as_ref().is_some_and(|i| rule_ids.contains(i)));
        Ok(())
    }

    /// The interfaces of an instance (`i-…`) or the one interface (`eni-…`).
    pub fn interfaces(&self, target: &str) -> Vec<Interface> {
        self.interfaces
            .iter()
            .filter(|i| i.id() == target || i.instance_id() == Some(target))
            .cloned()
            .collect()
    }

    pub fn set_interface_groups(
        &mut self,
        interface_id: &str,
        groups: &[String],
    ) -> Result<(), SourceError> {
        let operation = "ModifyNetworkInterfaceAttribute";
        let vpc = self
            .interfaces
            .iter()
            .find(|i| i.id() == interface_id)
            .map(|i| i.vpc_id.clone())
            .ok_or_else(|| {
                api(
                    "ec2",
                    operation,
                    "InvalidNetworkInterfaceID.NotFound",
                    format!("The networkInterface ID '{interface_id}' does not exist"),
                )
            })?;
        for g in groups {
            let group = self.group(operation, g)?;
            if group.vpc_id.as_deref() != Some(vpc.as_str()) {
                return Err(api(
                    "ec2",
                    operation,
                    "InvalidGroup.NotFound",
                    format!("security group {g} is not in {vpc}"),
                ));
            }
        }
        if let Some(i) = self.interfaces.iter_mut().find(|i| i.id() == interface_id) {
            i.groups = groups.to_vec();
        }
        Ok(())
    }

    pub fn tags(&self, resource: &str) -> Option<&BTreeMap<String, String>> {
        self.tags.get(resource)
    }

    pub fn tag(&mut self, resource: &str, key: &str, value: &str) {
        self.tags
            .entry(resource.to_string())
            .or_default()
            .insert(key.to_string(), value.to_string());
    }

    pub fn untag(&mut self, resource: &str, key: &str) {
        if let Some(t) = self.tags.get_mut(resource) {
            t.remove(key);
        }
    }

    /// The finding's type and title and whether it is archived; `None` when there is no such.
    pub fn finding(&self, id: &str) -> Option<(FindingFacts, bool)> {
        self.findings
            .get(id)
            .map(|f| (f.clone(), self.archived.contains(id)))
    }

    pub fn set_archived(&mut self, ids: &[String], archived: bool) -> Result<(), SourceError> {
        if let Some(unknown) = ids.iter().find(|id| !self.findings.contains_key(*id)) {
            return Err(api(
                "guardduty",
                if archived {
                    "ArchiveFindings"
                } else {
                    "UnarchiveFindings"
                },
                "BadRequestException",
                format!("The request is rejected because the finding {unknown} does not exist"),
            ));
        }
        for id in ids {
            if archived {
                self.archived.insert(id.clone());
            } else {
                self.archived.remove(id);
            }
        }
        Ok(())
    }

    /// The account the rehearsal pretends to be.
    pub fn account(&self) -> &'static str {
        ACCOUNT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Finding;
    use crate::source::demo::{findings, security_groups};
    use chrono::{TimeZone, Utc};

    fn ids(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.id.as_str()).collect()
    }

    fn world() -> World {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        World::new(security_groups(1), &findings(now, 1))
    }

    #[test]
    fn the_world_starts_as_the_scenario_with_rule_ids() {
        let w = world();
        let now = w.security_groups();
        let scenario = security_groups(1);
        assert_eq!(now.groups.len(), scenario.groups.len());
        for (a, b) in now.groups.iter().zip(&scenario.groups) {
            assert_eq!(a.attachments, b.attachments, "{}", a.id);
            assert_eq!(a.rules.len(), b.rules.len());
            assert!(a.rules.iter().all(|r| r.id.is_some()));
        }
    }

    #[test]
    fn revoked_rules_go_and_authorised_ones_come_back_with_new_ids() {
        let mut w = world();
        let g = w.security_groups().groups[3].clone();
        let ids: Vec<String> = g.rules.iter().filter_map(|r| r.id.clone()).collect();
        w.revoke(&g.id, &ids).unwrap();
        assert!(w.read_group(&g.id).unwrap().1.is_empty());
        assert!(w.revoke(&g.id, &ids).is_err(), "gone is gone");
        w.authorize(&g.id, g.rules.clone()).unwrap();
        let back = w.read_group(&g.id).unwrap().1;
        assert_eq!(back.len(), g.rules.len());
        assert!(back.iter().all(|r| !ids.contains(r.id.as_ref().unwrap())));
        let dup = w.authorize(&g.id, g.rules.clone()).unwrap_err();
        assert!(dup.to_string().contains("Duplicate"), "{dup}");
    }

    #[test]
    fn a_group_in_use_is_not_deleted_and_interfaces_move_between_groups() {
        let mut w = world();
        let eni = w.interfaces("i-0f1e2d3c4b5a69781").remove(0);
        let vpc = eni.vpc_id.clone();
        let new = w.create_group("quarantine", "test", &vpc).unwrap();
        w.set_interface_groups(eni.id(), std::slice::from_ref(&new))
            .unwrap();
        let err = w.delete_group(&new).unwrap_err();
        assert!(err.to_string().contains("DependencyViolation"), "{err}");
        w.set_interface_groups(eni.id(), &eni.groups).unwrap();
        w.delete_group(&new).unwrap();
        assert_eq!(w.interfaces(eni.id())[0].groups, eni.groups);
    }

    #[test]
    fn archived_findings_leave_the_list_unless_asked_for() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let mut w = world();
        let data = findings(now, 1);
        let first = data.findings[0].id.clone();
        w.set_archived(std::slice::from_ref(&first), true).unwrap();
        let active = w.findings(data.clone(), false);
        assert!(!ids(&active.findings).contains(&first.as_str()));
        let all = w.findings(data.clone(), true);
        assert!(all.findings.iter().any(|f| f.id == first && f.archived));
        let counted: u64 = all.counts.values().sum();
        assert_eq!(
            counted as usize,
            active.findings.len(),
            "counts are of active ones"
        );
        assert!(w.set_archived(&["nope".into()], true).is_err());
    }
}
