//! The only code in secdash that changes anything in AWS, and the reads it needs to plan and
//! verify. Every call goes through `call`, so it is counted and its error names the IAM action.

use super::plan::{GroupRole, InterfaceBefore, RuleSpec};
use crate::aws::calls::{Calls, call};
use crate::aws::{Session, regional};
use crate::model::SourceError;
use crate::model::{Direction, Peer};
use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, Ipv6Range, PrefixListId, Tag, UserIdGroupPair,
};

/// An interface as a containment sees it: on which groups (by name), and whether it is tagged.
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceState {
    pub interface_id: String,
    pub group_names: Vec<String>,
    pub tagged: bool,
}

pub struct AwsActions {
    pub region: String,
    pub profile: Option<String>,
    pub ec2: aws_sdk_ec2::Client,
    pub guardduty: aws_sdk_guardduty::Client,
    pub calls: Calls,
}

fn permission(r: &RuleSpec, with_description: bool) -> IpPermission {
    let all = r.protocol == "all";
    let mut b = IpPermission::builder().ip_protocol(if all { "-1" } else { r.protocol.as_str() });
    if !all {
        b = b.set_from_port(r.from_port).set_to_port(r.to_port);
    }
    let desc = (with_description && !r.description.is_empty()).then(|| r.description.clone());
    match &r.peer {
        Peer::Ipv4(c) => {
            b = b.ip_ranges(IpRange::builder().cidr_ip(c).set_description(desc).build())
        }
        Peer::Ipv6(c) => {
            b = b.ipv6_ranges(
                Ipv6Range::builder()
                    .cidr_ipv6(c)
                    .set_description(desc)
                    .build(),
            )
        }
        Peer::PrefixList(p) => {
            b = b.prefix_list_ids(
                PrefixListId::builder()
                    .prefix_list_id(p)
                    .set_description(desc)
                    .build(),
            )
        }
        Peer::SecurityGroup(g) => {
            b = b.user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id(g)
                    .set_description(desc)
                    .build(),
            )
        }
    }
    b.build()
}

/// Revoking by rule id is exact; matching by permission is the fallback for rules read
/// without ids.
fn rule_ids(rules: &[&RuleSpec]) -> Option<Vec<String>> {
    rules.iter().map(|r| r.rule_id.clone()).collect()
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

impl AwsActions {
    /// Clients for the actions in one region, from the shared session.
    pub fn new(session: &Session, region: &str) -> AwsActions {
        AwsActions {
            region: region.to_string(),
            profile: session.profile().map(str::to_string),
            ec2: regional!(aws_sdk_ec2, session.config(), region),
            guardduty: regional!(aws_sdk_guardduty, session.config(), region),
            calls: Calls::default(),
        }
    }

    fn p(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    /// A group's VPC and every rule, with ids.
    pub async fn read_group(
        &self,
        group_id: &str,
    ) -> Result<(Option<String>, Vec<RuleSpec>), SourceError> {
        let groups = call(
            &self.calls,
            "ec2:DescribeSecurityGroups",
            &self.region,
            self.p(),
            self.ec2
                .describe_security_groups()
                .group_ids(group_id)
                .send(),
        )
        .await?;
        let vpc = groups
            .security_groups()
            .first()
            .and_then(|g| g.vpc_id())
            .map(str::to_string);
        let mut rules = Vec::new();
        let mut next = None;
        loop {
            let page = call(
                &self.calls,
                "ec2:DescribeSecurityGroupRules",
                &self.region,
                self.p(),
                self.ec2
                    .describe_security_group_rules()
                    .filters(filter("group-id", group_id))
                    .max_results(1000)
                    .set_next_token(next)
                    .send(),
            )
            .await?;
            rules.extend(
                page.security_group_rules()
                    .iter()
                    .filter(|r| r.group_id() == Some(group_id))
                    .map(|r| RuleSpec::from_rule(&crate::aws::ec2::rule(r))),
            );
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        Ok((vpc, rules))
    }

    /// The interfaces of an instance (`i-…`) or one interface (`eni-…`), with their groups.
    pub async fn read_interfaces(&self, target: &str) -> Result<Vec<InterfaceBefore>, SourceError> {
        let request = self.ec2.describe_network_interfaces();
        let request = if target.starts_with("i-") {
            request.filters(filter("attachment.instance-id", target))
        } else {
            request.network_interface_ids(target)
        };
        let out = call(
            &self.calls,
            "ec2:DescribeNetworkInterfaces",
            &self.region,
            self.p(),
            request.send(),
        )
        .await?;
        Ok(out
            .network_interfaces()
            .iter()
            .map(|n| InterfaceBefore {
                interface_id: n.network_interface_id().unwrap_or_default().to_string(),
                vpc_id: n.vpc_id().unwrap_or_default().to_string(),
                groups: n
                    .groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string))
                    .collect(),
                instance_id: n
                    .attachment()
                    .and_then(|a| a.instance_id())
                    .map(str::to_string),
            })
            .collect())
    }

    /// The interfaces of an instance or one interface, with the names of their groups and
    /// whether they carry the containment tag: what a containment must not be repeated on.
    pub async fn read_interface_state(
        &self,
        target: &str,
    ) -> Result<Vec<InterfaceState>, SourceError> {
        let request = self.ec2.describe_network_interfaces();
        let request = if target.starts_with("i-") {
            request.filters(filter("attachment.instance-id", target))
        } else {
            request.network_interface_ids(target)
        };
        let out = call(
            &self.calls,
            "ec2:DescribeNetworkInterfaces",
            &self.region,
            self.p(),
            request.send(),
        )
        .await?;
        Ok(out
            .network_interfaces()
            .iter()
            .map(|n| InterfaceState {
                interface_id: n.network_interface_id().unwrap_or_default().to_string(),
                group_names: n
                    .groups()
                    .iter()
                    .filter_map(|g| g.group_name().map(str::to_string))
                    .collect(),
                tagged: n
                    .tag_set()
                    .iter()
                    .any(|t| t.key() == Some(super::plan::CONTAIN_TAG)),
            })
            .collect())
    }

    /// Which of these resources (interfaces, instances) carry the containment tag.
    pub async fn tagged(&self, resources: &[String]) -> Result<Vec<String>, SourceError> {
        if resources.is_empty() {
            return Ok(vec![]);
        }
        let out = call(
            &self.calls,
            "ec2:DescribeTags",
            &self.region,
            self.p(),
            self.ec2
                .describe_tags()
                .filters(filter("key", super::plan::CONTAIN_TAG))
                .filters(
                    Filter::builder()
                        .name("resource-id")
                        .set_values(Some(resources.to_vec()))
                        .build(),
                )
                .send(),
        )
        .await?;
        Ok(out
            .tags()
            .iter()
            .filter_map(|t| t.resource_id().map(str::to_string))
            .collect())
    }

    pub async fn find_group(
        &self,
        vpc_id: &str,
        name: &str,
    ) -> Result<Option<String>, SourceError> {
        let out = call(
            &self.calls,
            "ec2:DescribeSecurityGroups",
            &self.region,
            self.p(),
            self.ec2
                .describe_security_groups()
                .filters(filter("vpc-id", vpc_id))
                .filters(filter("group-name", name))
                .send(),
        )
        .await?;
        Ok(out
            .security_groups()
            .iter()
            .find(|g| g.group_name() == Some(name))
            .and_then(|g| g.group_id())
            .map(str::to_string))
    }

    pub async fn revoke(
        &self,
        group_id: &str,
        rules: &[RuleSpec],
        dry_run: bool,
    ) -> Result<(), SourceError> {
        let (ingress, egress): (Vec<&RuleSpec>, Vec<&RuleSpec>) = rules
            .iter()
            .partition(|r| r.direction == Direction::Ingress);
        if !ingress.is_empty() {
            call(
                &self.calls,
                "ec2:RevokeSecurityGroupIngress",
                &self.region,
                self.p(),
                {
                    let request = self
                        .ec2
                        .revoke_security_group_ingress()
                        .group_id(group_id)
                        .dry_run(dry_run);
                    match rule_ids(&ingress) {
                        Some(ids) => request.set_security_group_rule_ids(Some(ids)),
                        None => request.set_ip_permissions(Some(
                            ingress.iter().map(|r| permission(r, false)).collect(),
                        )),
                    }
                    .send()
                },
            )
            .await?;
        }
        if !egress.is_empty() {
            call(
                &self.calls,
                "ec2:RevokeSecurityGroupEgress",
                &self.region,
                self.p(),
                {
                    let request = self
                        .ec2
                        .revoke_security_group_egress()
                        .group_id(group_id)
                        .dry_run(dry_run);
                    match rule_ids(&egress) {
                        Some(ids) => request.set_security_group_rule_ids(Some(ids)),
                        None => request.set_ip_permissions(Some(
                            egress.iter().map(|r| permission(r, false)).collect(),
                        )),
                    }
                    .send()
                },
            )
            .await?;
        }
        Ok(())
    }

    pub async fn authorize(&self, group_id: &str, rules: &[RuleSpec]) -> Result<(), SourceError> {
        let (ingress, egress): (Vec<&RuleSpec>, Vec<&RuleSpec>) = rules
            .iter()
            .partition(|r| r.direction == Direction::Ingress);
        if !ingress.is_empty() {
            call(
                &self.calls,
                "ec2:AuthorizeSecurityGroupIngress",
                &self.region,
                self.p(),
                self.ec2
                    .authorize_security_group_ingress()
                    .group_id(group_id)
                    .set_ip_permissions(Some(ingress.iter().map(|r| permission(r, true)).collect()))
                    .send(),
            )
            .await?;
        }
        if !egress.is_empty() {
            call(
                &self.calls,
                "ec2:AuthorizeSecurityGroupEgress",
                &self.region,
                self.p(),
                self.ec2
                    .authorize_security_group_egress()
                    .group_id(group_id)
                    .set_ip_permissions(Some(egress.iter().map(|r| permission(r, true)).collect()))
                    .send(),
            )
            .await?;
        }
        Ok(())
    }

    /// Finds the group by name in the VPC, or creates it with the rules its role needs.
    pub async fn ensure_group(
        &self,
        name: &str,
        vpc_id: &str,
        role: GroupRole,
    ) -> Result<String, SourceError> {
        if let Some(id) = self.find_group(vpc_id, name).await? {
            return Ok(id);
        }
        let description = match role {
            GroupRole::Temporary => {
                "secdash containment: temporary, allows all traffic so tracked flows become untracked"
            }
            GroupRole::Isolation => "secdash containment: isolation, no rules",
        };
        let created = call(
            &self.calls,
            "ec2:CreateSecurityGroup",
            &self.region,
            self.p(),
            self.ec2
                .create_security_group()
                .group_name(name)
                .description(description)
                .vpc_id(vpc_id)
                .send(),
        )
        .await?;
        let id = created.group_id().unwrap_or_default().to_string();
        let all = |dir, peer| RuleSpec {
            rule_id: None,
            direction: dir,
            protocol: "all".into(),
            from_port: None,
            to_port: None,
            peer,
            description: String::new(),
        };
        match role {
            GroupRole::Temporary => {
                self.authorize(
                    &id,
                    &[
                        all(Direction::Ingress, Peer::Ipv4("0.0.0.0/0".into())),
                        all(Direction::Ingress, Peer::Ipv6("::/0".into())),
                    ],
                )
                .await?;
            }
            GroupRole::Isolation => {
                // A new group allows all egress by default: take that away.
                let (_, rules) = self.read_group(&id).await?;
                if !rules.is_empty() {
                    self.revoke(&id, &rules, false).await?;
                }
            }
        }
        Ok(id)
    }

    pub async fn set_interface_groups(
        &self,
        interface_id: &str,
        groups: &[String],
        dry_run: bool,
    ) -> Result<(), SourceError> {
        call(
            &self.calls,
            "ec2:ModifyNetworkInterfaceAttribute",
            &self.region,
            self.p(),
            self.ec2
                .modify_network_interface_attribute()
                .network_interface_id(interface_id)
                .set_groups(Some(groups.to_vec()))
                .dry_run(dry_run)
                .send(),
        )
        .await
        .map(|_| ())
    }

    pub async fn delete_group(&self, group_id: &str) -> Result<(), SourceError> {
        call(
            &self.calls,
            "ec2:DeleteSecurityGroup",
            &self.region,
            self.p(),
            self.ec2.delete_security_group().group_id(group_id).send(),
        )
        .await
        .map(|_| ())
    }

    pub async fn tag(&self, resource: &str, key: &str, value: &str) -> Result<(), SourceError> {
        call(
            &self.calls,
            "ec2:CreateTags",
            &self.region,
            self.p(),
            self.ec2
                .create_tags()
                .resources(resource)
                .tags(Tag::builder().key(key).value(value).build())
                .send(),
        )
        .await
        .map(|_| ())
    }

    pub async fn untag(&self, resource: &str, key: &str) -> Result<(), SourceError> {
        call(
            &self.calls,
            "ec2:DeleteTags",
            &self.region,
            self.p(),
            self.ec2
                .delete_tags()
                .resources(resource)
                .tags(Tag::builder().key(key).build())
                .send(),
        )
        .await
        .map(|_| ())
    }

    /// The detector of this region (GuardDuty has at most one per account and region).
    pub async fn detector(&self) -> Result<Option<String>, SourceError> {
        let out = call(
            &self.calls,
            "guardduty:ListDetectors",
            &self.region,
            self.p(),
            self.guardduty.list_detectors().send(),
        )
        .await?;
        Ok(out.detector_ids().first().cloned())
    }

    /// Whether the finding is archived now; `None` when GuardDuty does not know it.
    pub async fn finding_archived(
        &self,
        detector_id: &str,
        finding_id: &str,
    ) -> Result<Option<bool>, SourceError> {
        let out = call(
            &self.calls,
            "guardduty:GetFindings",
            &self.region,
            self.p(),
            self.guardduty
                .get_findings()
                .detector_id(detector_id)
                .finding_ids(finding_id)
                .send(),
        )
        .await?;
        Ok(out
            .findings()
            .first()
            .map(|f| f.service().and_then(|s| s.archived()).unwrap_or(false)))
    }

    pub async fn set_archived(
        &self,
        detector_id: &str,
        finding_ids: &[String],
        archived: bool,
    ) -> Result<(), SourceError> {
        if archived {
            call(
                &self.calls,
                "guardduty:ArchiveFindings",
                &self.region,
                self.p(),
                self.guardduty
                    .archive_findings()
                    .detector_id(detector_id)
                    .set_finding_ids(Some(finding_ids.to_vec()))
                    .send(),
            )
            .await
            .map(|_| ())
        } else {
            call(
                &self.calls,
                "guardduty:UnarchiveFindings",
                &self.region,
                self.p(),
                self.guardduty
                    .unarchive_findings()
                    .detector_id(detector_id)
                    .set_finding_ids(Some(finding_ids.to_vec()))
                    .send(),
            )
            .await
            .map(|_| ())
        }
    }
}

/// EC2's answer to a DryRun request: "DryRunOperation" means it would have worked.
pub fn dry_run_verdict(result: Result<(), SourceError>) -> String {
    match result {
        Ok(()) => "dry run: allowed".to_string(),
        Err(SourceError::Api { code, .. }) if code == "DryRunOperation" => {
            "dry run: allowed (permissions checked)".to_string()
        }
        Err(e) => format!("dry run: refused: {e}"),
    }
}
