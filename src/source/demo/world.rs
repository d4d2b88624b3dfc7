//! The demo's own account, for rehearsals: the scenario's groups, interfaces and findings held
//! as state that actions change, the way EC2 and GuardDuty would. The demo's panes read it, so
//! an isolation, a containment or an archive shows on screen, and a restore puts it back. It
//! lives in memory only: nothing a rehearsal does reaches AWS or outlives the session.

use super::groups::security_groups_shaped;
use super::{ACCOUNT, REGION, findings};
use crate::model::{Attachment, FindingsData, Placement, Rule, SecurityGroup, SecurityGroupsData};
use crate::model::{Direction, Grant, Peer, SourceError};
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

/// The rehearsal's changes over the scenario, which is generated afresh whenever it is read
/// (as the panes read it): the world holds only what actions changed, so a rehearsal costs no
/// second copy of 100,000 rules.
#[derive(Debug, Clone)]
pub struct World {
    /// Copies of the scenario served.
    groups_scale: usize,
    findings_scale: usize,
    /// Groups an action changed or created (`Some`), or deleted (`None`), by id.
    changed: BTreeMap<String, Option<SecurityGroup>>,
    /// Groups created, in the order they were (listed after the scenario's).
    created: Vec<String>,
    /// Interfaces whose groups an action set, by interface id.
    interface_groups: BTreeMap<String, Vec<String>>,
    archived: BTreeSet<String>,
    /// Tags by resource id.
    tags: BTreeMap<String, BTreeMap<String, String>>,
    /// For new ids (rules, groups): deterministic, so tests can name them.
    next_id: u64,
    /// Users, keys, roles and inline policies, for the credential actions.
    pub iam: super::iam::DemoIam,
    /// Notebooks, endpoints, model versions, buckets and images, for the platform actions.
    pub platform: super::platform::DemoPlatform,
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

/// The id EC2 would have given a scenario rule: stable, from its group and place (FNV-1a).
/// Made inline (21 characters): 100,000 rules get one each, and a `String` made and dropped for
/// each would leave its hole between the rules that stay.
fn rule_id(group: &str, index: usize) -> compact_str::CompactString {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in group.bytes().chain(index.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    compact_str::format_compact!("sgr-{:017x}", h & 0x0fff_ffff_ffff_ffff)
}

impl World {
    /// The scenario (`scale` copies of each part) as it is before anyone acts.
    pub fn new(groups_scale: usize, findings_scale: usize) -> World {
        World {
            groups_scale,
            findings_scale,
            changed: BTreeMap::new(),
            created: Vec::new(),
            interface_groups: BTreeMap::new(),
            archived: BTreeSet::new(),
            tags: BTreeMap::new(),
            next_id: 0,
            iam: super::iam::DemoIam::new(chrono::Utc::now()),
            platform: Default::default(),
        }
    }

    fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-0de{:014x}", self.next_id)
    }

    /// The scenario's groups with the ids EC2 gives every rule.
    fn scenario(&self) -> SecurityGroupsData {
        self.scenario_shaped(|_| {})
    }

    /// The scenario's groups, each given to `shape` once its rules have their ids.
    fn scenario_shaped(&self, mut shape: impl FnMut(&mut SecurityGroup)) -> SecurityGroupsData {
        security_groups_shaped(self.groups_scale, |g| {
            for (i, r) in g.rules.iter_mut().enumerate() {
                r.id = Some(rule_id(&g.id, i));
            }
            shape(g);
        })
    }

    /// The scenario's interfaces, with the groups actions gave them.
    fn all_interfaces(&self, scenario: &SecurityGroupsData) -> Vec<Interface> {
        let mut out: Vec<Interface> = Vec::new();
        let mut at: BTreeMap<&str, usize> = BTreeMap::new();
        for g in &scenario.groups {
            for a in &g.attachments {
                match at.get(a.interface_id.as_str()) {
                    Some(&i) => out[i].groups.push(g.id.to_string()),
                    None => {
                        at.insert(&a.interface_id, out.len());
                        out.push(Interface {
                            attachment: a.clone(),
                            vpc_id: g.place.vpc_id.as_deref().unwrap_or_default().to_string(),
                            groups: vec![g.id.to_string()],
                        });
                    }
                }
            }
        }
        for i in &mut out {
            if let Some(groups) = self.interface_groups.get(i.id()) {
                i.groups = groups.clone();
            }
        }
        out
    }

    /// The groups as DescribeSecurityGroups and DescribeNetworkInterfaces would show them now.
    pub fn security_groups(&self) -> SecurityGroupsData {
        self.security_groups_shaped(|_| {})
    }

    /// [`World::security_groups`], each group given to `shape` as it is made or changed.
    pub fn security_groups_shaped(
        &self,
        mut shape: impl FnMut(&mut SecurityGroup),
    ) -> SecurityGroupsData {
        let mut data = self.scenario_shaped(&mut shape);
        let interfaces = (!self.interface_groups.is_empty()).then(|| self.all_interfaces(&data));
        if !self.changed.is_empty() {
            data.groups
                .retain_mut(|g| match self.changed.get(g.id.as_str()) {
                    Some(Some(now)) => {
                        let attachments = std::mem::take(&mut g.attachments);
                        *g = now.clone();
                        g.attachments = attachments;
                        shape(g);
                        true
                    }
                    Some(None) => false,
                    None => true,
                });
            for id in &self.created {
                if let Some(Some(g)) = self.changed.get(id) {
                    let mut g = g.clone();
                    shape(&mut g);
                    data.groups.push(g);
                }
            }
        }
        // Interfaces that moved: every group's attachments again, from the interfaces.
        if let Some(interfaces) = interfaces {
            let mut by_group: BTreeMap<&str, Vec<Attachment>> = BTreeMap::new();
            for i in &interfaces {
                for g in &i.groups {
                    by_group
                        .entry(g.as_str())
                        .or_default()
                        .push(i.attachment.clone());
                }
            }
            for g in &mut data.groups {
                g.attachments = by_group.remove(g.id.as_str()).unwrap_or_default().into();
            }
        }
        data
    }

    /// The findings as GuardDuty would list them now: archived ones marked, and left out unless
    /// asked for; the counts are of active findings, as GuardDuty's statistics are.
    pub fn findings(&self, mut data: FindingsData, include_archived: bool) -> FindingsData {
        if self.archived.is_empty() {
            return data;
        }
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

    /// A group as it is now, rules and all (attachments aside).
    fn group(&self, operation: &str, id: &str) -> Result<SecurityGroup, SourceError> {
        match self.changed.get(id) {
            Some(Some(g)) => Ok(g.clone()),
            Some(None) => Err(group_not_found(operation, id)),
            None => self
                .scenario()
                .groups
                .into_iter()
                .find(|g| g.id == id)
                .map(|mut g| {
                    g.attachments = Box::default();
                    g
                })
                .ok_or_else(|| group_not_found(operation, id)),
        }
    }

    /// Changes a group: copied from the scenario the first time.
    fn change_group(
        &mut self,
        operation: &str,
        id: &str,
        change: impl FnOnce(&mut SecurityGroup) -> Result<(), SourceError>,
    ) -> Result<(), SourceError> {
        let mut g = self.group(operation, id)?;
        change(&mut g)?;
        self.changed.insert(id.to_string(), Some(g));
        Ok(())
    }

    /// A group's VPC and rules.
    pub fn read_group(&self, id: &str) -> Result<(Option<String>, Vec<Rule>), SourceError> {
        let g = self.group("DescribeSecurityGroups", id)?;
        Ok((
            g.place.vpc_id.as_deref().map(str::to_string),
            g.rules.into_vec(),
        ))
    }

    pub fn group_name(&self, id: &str) -> Option<String> {
        self.group("DescribeSecurityGroups", id)
            .ok()
            .map(|g| g.name.into())
    }

    pub fn find_group(&self, vpc_id: &str, name: &str) -> Option<String> {
        self.security_groups()
            .groups
            .into_iter()
            .find(|g| g.name == name && g.place.vpc_id.as_deref() == Some(vpc_id))
            .map(|g| g.id.into())
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
        let rule = Rule::new(
            Some(self.new_id("sgr").into()),
            Grant {
                direction: Direction::Egress,
                protocol: "all".into(),
                from_port: None,
                to_port: None,
                peer: Peer::Ipv4("0.0.0.0/0".into()),
                description: "".into(),
                risk: Default::default(),
                risk_reason: Default::default(),
            },
        );
        let group = SecurityGroup {
            id: id.as_str().into(),
            name: name.into(),
            description: description.into(),
            rules: Box::new([rule]),
            attachments: Box::default(),
            place: Arc::new(Placement {
                vpc_id: Some(vpc_id.into()),
                region: REGION.into(),
                ..Default::default()
            }),
        };
        self.changed.insert(id.clone(), Some(group));
        self.created.push(id.clone());
        Ok(id)
    }

    /// Deleted unless an interface still uses it, as EC2 refuses.
    pub fn delete_group(&mut self, id: &str) -> Result<(), SourceError> {
        self.group("DeleteSecurityGroup", id)?;
        let scenario = self.scenario();
        if let Some(i) = self
            .all_interfaces(&scenario)
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
        self.changed.insert(id.to_string(), None);
        self.created.retain(|c| c != id);
        Ok(())
    }

    /// Adds rules, each with a new id; a rule the group already has is refused whole.
    pub fn authorize(&mut self, id: &str, rules: Vec<Rule>) -> Result<(), SourceError> {
        let operation = "AuthorizeSecurityGroupIngress";
        let same = |a: &Rule, b: &Rule| {
            a.grant().direction == b.grant().direction
                && a.grant().protocol == b.grant().protocol
                && (&*a.grant().protocol == "all"
                    || (a.grant().from_port, a.grant().to_port)
                        == (b.grant().from_port, b.grant().to_port))
                && a.grant().peer == b.grant().peer
        };
        let mut added = Vec::with_capacity(rules.len());
        for mut r in rules {
            r.id = Some(self.new_id("sgr").into());
            added.push(r);
        }
        self.change_group(operation, id, |g| {
            if let Some(dup) = added.iter().find(|r| g.rules.iter().any(|e| same(e, r))) {
                return Err(api(
                    "ec2",
                    operation,
                    "InvalidPermission.Duplicate",
                    format!(
                        "the specified rule \"peer: {}, {}\" already exists",
                        dup.grant().peer,
                        dup.grant().protocol
                    ),
                ));
            }
            g.rules = g.rules.iter().cloned().chain(added).collect();
            Ok(())
        })
    }

    /// Removes the rules with these ids; an id the group does not have is refused whole.
    pub fn revoke(&mut self, id: &str, rule_ids: &[String]) -> Result<(), SourceError> {
        let operation = "RevokeSecurityGroupIngress";
        self.change_group(operation, id, |g| {
            if let Some(missing) = rule_ids
                .iter()
                .find(|r| !g.rules.iter().any(|x| x.id.as_deref() == Some(r.as_str())))
            {
                return Err(api(
                    "ec2",
                    operation,
                    "InvalidSecurityGroupRuleId.NotFound",
                    format!("The security group rule ID '{missing}' does not exist"),
                ));
            }
            let revoked = |r: &Rule| {
                r.id.as_deref()
                    .is_some_and(|i| rule_ids.iter().any(|x| x == i))
            };
            g.rules = g.rules.iter().filter(|r| !revoked(r)).cloned().collect();
            Ok(())
        })
    }

    /// The interfaces of an instance (`i-…`) or the one interface (`eni-…`).
    pub fn interfaces(&self, target: &str) -> Vec<Interface> {
        self.all_interfaces(&self.scenario())
            .into_iter()
            .filter(|i| i.id() == target || i.instance_id() == Some(target))
            .collect()
    }

    pub fn set_interface_groups(
        &mut self,
        interface_id: &str,
        groups: &[String],
    ) -> Result<(), SourceError> {
        let operation = "ModifyNetworkInterfaceAttribute";
        let vpc = self
            .interfaces(interface_id)
            .into_iter()
            .find(|i| i.id() == interface_id)
            .map(|i| i.vpc_id)
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
            if group.place.vpc_id.as_deref() != Some(vpc.as_str()) {
                return Err(api(
                    "ec2",
                    operation,
                    "InvalidGroup.NotFound",
                    format!("security group {g} is not in {vpc}"),
                ));
            }
        }
        self.interface_groups
            .insert(interface_id.to_string(), groups.to_vec());
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
    /// (Finding ids and titles do not move with time; any instant lists them.)
    pub fn finding(&self, id: &str) -> Option<(FindingFacts, bool)> {
        let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        findings(epoch, self.findings_scale)
            .findings
            .into_iter()
            .find(|f| f.id == id)
            .map(|f| {
                let facts = FindingFacts {
                    finding_type: f.finding_type.to_string(),
                    title: f.title.to_string(),
                };
                (facts, self.archived.contains(id))
            })
    }

    pub fn set_archived(&mut self, ids: &[String], archived: bool) -> Result<(), SourceError> {
        if let Some(unknown) = ids.iter().find(|id| self.finding(id).is_none()) {
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
    #[test]
    fn the_world_holds_only_what_changed() {
        let mut w = world();
        let g = w.security_groups().groups[3].clone();
        w.revoke(&g.id, &[g.rules[0].id.clone().unwrap().into()])
            .unwrap();
        assert_eq!(w.changed.len(), 1, "one group copied, not the scenario");
        assert_eq!(w.security_groups().groups[3].rules.len(), g.rules.len() - 1);
        assert_eq!(
            w.security_groups().groups[3].attachments,
            g.attachments,
            "a changed group keeps its attachments"
        );
    }

    #[test]
    fn the_checklists_groups_are_the_worlds_with_what_it_judges_as_they_are_made() {
        let mut w = World::new(3, 1);
        let g = w.security_groups().groups[7].clone();
        let mut opened = w.security_groups().groups[7].rules[0].clone();
        opened.id = None;
        w.revoke(&g.id, &[g.rules[0].id.clone().unwrap().into()])
            .unwrap();
        let new = w
            .create_group("quarantine", "test", crate::source::demo::VPC)
            .unwrap();
        w.authorize(&new, vec![opened]).unwrap();
        let judged = crate::checklist::posture::judged_group;
        let shaped = w.security_groups_shaped(judged);
        let full = crate::checklist::posture::judged_groups(w.security_groups());
        assert_eq!(shaped.groups, full.groups);
        assert!(
            shaped
                .groups
                .iter()
                .any(|g| g.id == new && !g.rules.is_empty())
        );
        assert!(
            shaped.groups.len() > 13 * 2,
            "every copy of the scenario is judged"
        );
    }

    use chrono::{TimeZone, Utc};

    fn ids(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.id.as_str()).collect()
    }

    fn world() -> World {
        World::new(1, 1)
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
        let ids: Vec<String> = g
            .rules
            .iter()
            .filter_map(|r| r.id.clone())
            .map(String::from)
            .collect();
        w.revoke(&g.id, &ids).unwrap();
        assert!(w.read_group(&g.id).unwrap().1.is_empty());
        assert!(w.revoke(&g.id, &ids).is_err(), "gone is gone");
        w.authorize(&g.id, g.rules.to_vec()).unwrap();
        let back = w.read_group(&g.id).unwrap().1;
        assert_eq!(back.len(), g.rules.len());
        assert!(
            back.iter()
                .all(|r| !ids.iter().any(|i| r.id.as_deref() == Some(i.as_str())))
        );
        let dup = w.authorize(&g.id, g.rules.to_vec()).unwrap_err();
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
