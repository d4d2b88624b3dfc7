//! EC2: groups, rules, interfaces and tags.

use super::AwsActions;
use crate::action::cloud::InterfaceState;
use crate::action::plan::{GroupRole, InterfaceBefore, RuleSpec};
use crate::aws::calls::call;
use crate::model::SourceError;
use crate::model::{Direction, Peer};
use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, Ipv6Range, PrefixListId, Tag, UserIdGroupPair,
};

fn permission(r: &RuleSpec, with_description: bool) -> IpPermission {
    let all = r.protocol == "all";
    let mut b = IpPermission::builder().ip_protocol(if all { "-1" } else { &*r.protocol });
    if !all {
        b = b.set_from_port(r.from_port).set_to_port(r.to_port);
    }
    let desc = (with_description && !r.description.is_empty()).then(|| r.description.to_string());
    match &r.peer {
        Peer::Ipv4(c) => {
            b = b.ip_ranges(
                IpRange::builder()
                    .cidr_ip(&**c)
                    .set_description(desc)
                    .build(),
            )
        }
        Peer::Ipv6(c) => {
            b = b.ipv6_ranges(
                Ipv6Range::builder()
                    .cidr_ipv6(&**c)
                    .set_description(desc)
                    .build(),
            )
        }
        Peer::PrefixList(p) => {
            b = b.prefix_list_ids(
                PrefixListId::builder()
                    .prefix_list_id(&**p)
                    .set_description(desc)
                    .build(),
            )
        }
        Peer::SecurityGroup(g) => {
            b = b.user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id(&**g)
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

/// An isolation group whose rules could not all be revoked: it lets traffic through, and the
/// containment must not go on as if it did not.
fn still_open(group_id: &str, rules: &[RuleSpec], e: SourceError) -> SourceError {
    let egress = rules.iter().any(|r| r.direction == Direction::Egress);
    let (what, operation) = match egress {
        true => ("all egress", "ec2:RevokeSecurityGroupEgress"),
        false => ("inbound traffic", "ec2:RevokeSecurityGroupIngress"),
    };
    let why = match &e {
        SourceError::AccessDenied { .. } => format!("needs {operation}"),
        SourceError::Api { code, .. } if code.contains("Unauthorized") => {
            format!("needs {operation}")
        }
        other => format!("{operation} failed: {other}"),
    };
    SourceError::NotContained(format!("{group_id} still allows {what} ({why})"))
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

impl AwsActions {
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
                    .any(|t| t.key() == Some(crate::action::plan::CONTAIN_TAG)),
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
                .filters(filter("key", crate::action::plan::CONTAIN_TAG))
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
        let (id, created) = match self.find_group(vpc_id, name).await? {
            Some(id) => (id, false),
            None => (self.create_group(name, vpc_id, role).await?, true),
        };
        match role {
            GroupRole::Temporary if created => {
                let all = |peer| RuleSpec {
                    rule_id: None,
                    direction: Direction::Ingress,
                    protocol: "all".into(),
                    from_port: None,
                    to_port: None,
                    peer,
                    description: String::new(),
                };
                self.authorize(
                    &id,
                    &[
                        all(Peer::Ipv4("0.0.0.0/0".into())),
                        all(Peer::Ipv6("::/0".into())),
                    ],
                )
                .await?;
            }
            GroupRole::Temporary => {}
            // New or found (a crash may have fallen between its creation and the revoke of
            // its default egress), it is made rule-less: a compromised host's C2 traffic
            // leaves through any egress rule left.
            GroupRole::Isolation => {
                let (_, rules) = self.read_group(&id).await?;
                if !rules.is_empty() {
                    self.revoke(&id, &rules, false)
                        .await
                        .map_err(|e| still_open(&id, &rules, e))?;
                }
            }
        }
        Ok(id)
    }

    async fn create_group(
        &self,
        name: &str,
        vpc_id: &str,
        role: GroupRole,
    ) -> Result<String, SourceError> {
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
        Ok(created.group_id().unwrap_or_default().to_string())
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
}
