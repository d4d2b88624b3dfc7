//! AWS Config's recorded configuration items, as an aggregator's advanced query returns them,
//! in secdash's own shapes: security groups with their rules, what uses them (network
//! interfaces), VPCs and SageMaker notebooks. Each row names its account and when Config
//! recorded it. Pure: the rows are JSON documents.

use crate::model::{
    Attachment, Direction, Grant, Peer, PlatformItem, PlatformKind, Rule, SecurityGroup, Vpc,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::sync::Arc;

/// The advanced query of one resource type in the watched Regions, with the fields every
/// reader needs.
pub fn query(resource_type: &str, regions: &[String]) -> String {
    let mut q = format!(
        "SELECT accountId, awsRegion, resourceId, resourceName, configuration, configurationItemCaptureTime WHERE resourceType = '{resource_type}'"
    );
    if !regions.is_empty() {
        let quoted: Vec<String> = regions.iter().map(|r| format!("'{r}'")).collect();
        q.push_str(&format!(" AND awsRegion IN ({})", quoted.join(", ")));
    }
    q
}

pub const SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";
pub const NETWORK_INTERFACE: &str = "AWS::EC2::NetworkInterface";
pub const VPC: &str = "AWS::EC2::VPC";
pub const NOTEBOOK: &str = "AWS::SageMaker::NotebookInstance";

/// One row of an advanced query.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row<T> {
    account_id: String,
    aws_region: String,
    #[serde(default)]
    resource_id: String,
    #[serde(default)]
    resource_name: Option<String>,
    configuration: T,
    #[serde(default)]
    configuration_item_capture_time: Option<DateTime<Utc>>,
}

/// A row that is not what its type says is left out and counted: the caller says how many.
fn rows<T: for<'de> Deserialize<'de>>(raw: &[String]) -> (Vec<Row<T>>, usize) {
    let mut bad = 0;
    let out = raw
        .iter()
        .filter_map(|r| serde_json::from_str(r).map_err(|_| bad += 1).ok())
        .collect();
    (out, bad)
}

/// What a group's rules let through, in Config's words.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Permission {
    ip_protocol: String,
    from_port: Option<i32>,
    to_port: Option<i32>,
    ipv4_ranges: Vec<Ipv4Range>,
    /// Older items list the CIDRs only here.
    ip_ranges: Vec<String>,
    ipv6_ranges: Vec<Ipv6Range>,
    prefix_list_ids: Vec<PrefixList>,
    user_id_group_pairs: Vec<GroupPair>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Ipv4Range {
    cidr_ip: String,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Ipv6Range {
    cidr_ipv6: String,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct PrefixList {
    prefix_list_id: String,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct GroupPair {
    group_id: String,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Tag {
    key: String,
    value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct GroupItem {
    group_id: String,
    group_name: String,
    description: String,
    vpc_id: Option<String>,
    ip_permissions: Vec<Permission>,
    ip_permissions_egress: Vec<Permission>,
    tags: Vec<Tag>,
}

/// A group as Config recorded it, with the account it is in. Config keeps no rule ids: an
/// action on a rule reads the group from its account first.
pub struct Recorded<T> {
    pub account_id: String,
    pub item: T,
    /// When Config recorded it.
    pub recorded_at: Option<DateTime<Utc>>,
}

/// Every group of the rows; and how many rows were not groups.
pub fn groups(raw: &[String]) -> (Vec<Recorded<SecurityGroup>>, usize) {
    let (rows, bad) = rows::<GroupItem>(raw);
    let out = rows
        .into_iter()
        .map(|row| {
            let g = row.configuration;
            let mut rules: Vec<Rule> = Vec::new();
            for (direction, permissions) in [
                (Direction::Ingress, &g.ip_permissions),
                (Direction::Egress, &g.ip_permissions_egress),
            ] {
                for p in permissions {
                    rules.extend(permission_rules(direction, p));
                }
            }
            let id = if g.group_id.is_empty() {
                row.resource_id
            } else {
                g.group_id
            };
            Recorded {
                account_id: row.account_id,
                recorded_at: row.configuration_item_capture_time,
                item: SecurityGroup {
                    id: id.into(),
                    name: g.group_name.into(),
                    description: g.description.into(),
                    rules: rules.into(),
                    attachments: Box::default(),
                    place: Arc::new(crate::model::Placement {
                        vpc_id: g.vpc_id.map(Into::into),
                        region: row.aws_region.into(),
                        tags: g
                            .tags
                            .into_iter()
                            .map(|t| (t.key.into(), t.value.into()))
                            .collect(),
                        account: None,
                        recorded_at: row.configuration_item_capture_time,
                    }),
                },
            }
        })
        .collect();
    (out, bad)
}

/// One rule per peer of a permission, as EC2's DescribeSecurityGroupRules lists them.
fn permission_rules(direction: Direction, p: &Permission) -> Vec<Rule> {
    let protocol = crate::aws::ec2::protocol_name(if p.ip_protocol.is_empty() {
        "-1"
    } else {
        &p.ip_protocol
    });
    let all = protocol == "all";
    let rule = |peer: Peer, description: &Option<String>| {
        Rule::new(
            None,
            Grant {
                direction,
                protocol: protocol.as_str().into(),
                from_port: if all { None } else { p.from_port },
                to_port: if all { None } else { p.to_port },
                peer,
                description: description.as_deref().unwrap_or_default().into(),
                risk: crate::model::Risk::None,
                risk_reason: Default::default(),
            },
        )
    };
    let mut out: Vec<Rule> = p
        .ipv4_ranges
        .iter()
        .map(|r| rule(Peer::Ipv4(r.cidr_ip.as_str().into()), &r.description))
        .collect();
    // Older items name their IPv4 ranges only in `ipRanges`.
    for cidr in &p.ip_ranges {
        if !p.ipv4_ranges.iter().any(|r| &r.cidr_ip == cidr) {
            out.push(rule(Peer::Ipv4(cidr.as_str().into()), &None));
        }
    }
    out.extend(
        p.ipv6_ranges
            .iter()
            .map(|r| rule(Peer::Ipv6(r.cidr_ipv6.as_str().into()), &r.description)),
    );
    out.extend(p.prefix_list_ids.iter().map(|r| {
        rule(
            Peer::PrefixList(r.prefix_list_id.as_str().into()),
            &r.description,
        )
    }));
    out.extend(p.user_id_group_pairs.iter().map(|r| {
        rule(
            Peer::SecurityGroup(r.group_id.as_str().into()),
            &r.description,
        )
    }));
    out
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InterfaceItem {
    network_interface_id: String,
    description: Option<String>,
    interface_type: Option<String>,
    requester_id: Option<String>,
    private_ip_address: Option<String>,
    attachment: Option<InterfaceAttachment>,
    groups: Vec<GroupPair>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InterfaceAttachment {
    instance_id: Option<String>,
}

/// What each group is attached to: (account, group id, attachment), judged as EC2's own
/// description of the interface is.
pub fn attachments(raw: &[String]) -> Vec<(String, String, Attachment)> {
    use aws_sdk_ec2::types::{NetworkInterface, NetworkInterfaceAttachment, NetworkInterfaceType};
    let (rows, _) = rows::<InterfaceItem>(raw);
    let mut out = Vec::new();
    for row in rows {
        let i = row.configuration;
        let eni = NetworkInterface::builder()
            .network_interface_id(i.network_interface_id)
            .set_description(i.description)
            .set_interface_type(i.interface_type.as_deref().map(NetworkInterfaceType::from))
            .set_requester_id(i.requester_id)
            .set_private_ip_address(i.private_ip_address)
            .set_attachment(i.attachment.map(|a| {
                NetworkInterfaceAttachment::builder()
                    .set_instance_id(a.instance_id)
                    .build()
            }))
            .build();
        let a = super::ec2::attachment(&eni);
        for g in i.groups {
            out.push((row.account_id.clone(), g.group_id, a.clone()));
        }
    }
    out
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct VpcItem {
    vpc_id: String,
    cidr_block: Option<String>,
    cidr_block_association_set: Vec<CidrBlock>,
    ipv6_cidr_block_association_set: Vec<Ipv6CidrBlock>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct CidrBlock {
    cidr_block: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Ipv6CidrBlock {
    ipv6_cidr_block: String,
}

/// Every VPC with its ranges.
pub fn vpcs(raw: &[String]) -> Vec<Vpc> {
    let (rows, _) = rows::<VpcItem>(raw);
    rows.into_iter()
        .map(|row| {
            let v = row.configuration;
            let mut cidrs: Vec<String> = v
                .cidr_block_association_set
                .into_iter()
                .map(|c| c.cidr_block)
                .collect();
            if cidrs.is_empty() {
                cidrs.extend(v.cidr_block);
            }
            cidrs.extend(
                v.ipv6_cidr_block_association_set
                    .into_iter()
                    .map(|c| c.ipv6_cidr_block),
            );
            Vpc {
                id: if v.vpc_id.is_empty() {
                    row.resource_id
                } else {
                    v.vpc_id
                },
                region: row.aws_region,
                cidrs,
            }
        })
        .collect()
}

/// A notebook as Config records it (the CloudFormation resource's properties).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NotebookItem {
    notebook_instance_name: Option<String>,
    instance_type: Option<String>,
    role_arn: Option<String>,
    direct_internet_access: Option<String>,
    root_access: Option<String>,
    subnet_id: Option<String>,
    platform_identifier: Option<String>,
}

/// Every notebook, with its account id; the status is Config's copy, not the notebook's
/// state now (Config does not record it): the details say when it was recorded.
pub fn notebooks(raw: &[String]) -> Vec<Recorded<PlatformItem>> {
    let (rows, _) = rows::<NotebookItem>(raw);
    rows.into_iter()
        .map(|row| {
            let n = row.configuration;
            let name = n
                .notebook_instance_name
                .or(row.resource_name)
                .unwrap_or(row.resource_id);
            let instance = n.instance_type.unwrap_or_default();
            let root = n.root_access.unwrap_or_else(|| "Enabled".into());
            let recorded = row
                .configuration_item_capture_time
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|| "unknown".into());
            Recorded {
                account_id: row.account_id,
                recorded_at: row.configuration_item_capture_time,
                item: PlatformItem {
                    kind: PlatformKind::Notebook,
                    id: name.clone(),
                    name,
                    status: "recorded".into(),
                    detail: format!("{instance} · root {}", root.to_lowercase()),
                    region: row.aws_region,
                    group: None,
                    facts: vec![
                        ("instance type".into(), instance),
                        ("role".into(), n.role_arn.unwrap_or_default()),
                        ("root access".into(), root),
                        (
                            "direct internet".into(),
                            n.direct_internet_access.unwrap_or_default(),
                        ),
                        (
                            "subnet".into(),
                            n.subnet_id.unwrap_or_else(|| "none".into()),
                        ),
                        ("platform".into(), n.platform_identifier.unwrap_or_default()),
                        ("recorded by Config".into(), recorded),
                    ],
                    account: None,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_group_has_every_rule_and_its_account() {
        let row = r#"{"accountId":"222222222222","awsRegion":"us-east-1","resourceId":"sg-0a1","resourceName":"web",
            "configurationItemCaptureTime":"2026-12-06T10:00:00.000Z",
            "configuration":{"groupId":"sg-0a1","groupName":"web","description":"web tier","vpcId":"vpc-1",
              "ipPermissions":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipv4Ranges":[{"cidrIp":"0.0.0.0/0","description":"ssh"}],"ipRanges":["0.0.0.0/0"],
                 "ipv6Ranges":[{"cidrIpv6":"::/0"}],"prefixListIds":[],"userIdGroupPairs":[{"groupId":"sg-0b2","userId":"222222222222"}]}],
              "ipPermissionsEgress":[{"ipProtocol":"-1","ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}]}],
              "tags":[{"key":"team","value":"ml"}]}}"#;
        let (groups, bad) = groups(&[row.to_string(), "not json".to_string()]);
        assert_eq!(bad, 1);
        let g = &groups[0];
        assert_eq!(g.account_id, "222222222222");
        assert_eq!(
            (g.item.id.as_str(), g.item.name.as_str()),
            ("sg-0a1", "web")
        );
        assert_eq!(g.item.place.region.as_str(), "us-east-1");
        assert!(g.item.place.recorded_at.is_some());
        let peers: Vec<String> = g
            .item
            .rules
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}",
                    r.grant().direction,
                    r.grant().protocol,
                    r.grant().peer
                )
            })
            .collect();
        assert_eq!(
            peers,
            [
                "in tcp 0.0.0.0/0",
                "in tcp ::/0",
                "in tcp sg-0b2",
                "out all 0.0.0.0/0"
            ]
        );
        assert_eq!(g.item.rules[0].grant().from_port, Some(22));
        assert_eq!(g.item.rules[3].grant().from_port, None);
    }

    #[test]
    fn interfaces_say_what_uses_a_group_and_notebooks_their_settings() {
        let eni = r#"{"accountId":"222222222222","awsRegion":"us-east-1","resourceId":"eni-1",
            "configuration":{"networkInterfaceId":"eni-1","interfaceType":"interface","privateIpAddress":"10.0.0.5",
              "attachment":{"instanceId":"i-1"},"groups":[{"groupId":"sg-0a1","groupName":"web"}]}}"#;
        let a = attachments(&[eni.to_string()]);
        assert_eq!(a[0].1, "sg-0a1");
        assert_eq!(a[0].2.target.as_deref(), Some("i-1"));
        let nb = r#"{"accountId":"222222222222","awsRegion":"us-east-1","resourceId":"research","resourceName":"research",
            "configurationItemCaptureTime":"2026-12-06T10:00:00Z",
            "configuration":{"NotebookInstanceName":"research","InstanceType":"ml.t3.medium","DirectInternetAccess":"Enabled","RootAccess":"Disabled"}}"#;
        let n = notebooks(&[nb.to_string()]);
        assert_eq!(n[0].item.name, "research");
        assert!(
            n[0].item
                .facts
                .contains(&("direct internet".into(), "Enabled".into()))
        );
        assert!(
            n[0].item
                .facts
                .contains(&("recorded by Config".into(), "2026-12-06 10:00 UTC".into()))
        );
        let q = query(SECURITY_GROUP, &["us-east-1".into(), "eu-west-1".into()]);
        assert!(
            q.ends_with("WHERE resourceType = 'AWS::EC2::SecurityGroup' AND awsRegion IN ('us-east-1', 'eu-west-1')"),
            "{q}"
        );
    }
}
