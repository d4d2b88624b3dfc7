//! Security groups with their rules (with rule ids) and what uses them: every call paginated
//! at its largest page size.

use crate::aws::calls::{Calls, call};
use crate::aws::ec2::rule;
use crate::model::{Attachment, AttachmentKind, Direction, Placement, Rule, SecurityGroup};
use crate::model::{SharedPool, TextPool, Vpc};
use crate::source::SourceError;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::NetworkInterface;
use compact_str::CompactString;
use std::collections::HashMap;
use std::sync::Arc;

const PAGE: i32 = 1000;

pub async fn groups(
    client: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    keep: fn(&Rule) -> bool,
) -> Result<(Vec<SecurityGroup>, Vec<Vpc>), SourceError> {
    // Each page is made into secdash's own records as it comes (the SDK's copy of a group
    // carries all its rules again), so the SDK's records of 100,000 rules are never all held.
    let at = At {
        client,
        calls,
        region,
        profile,
    };
    let (mut groups, mut rules_by_group, mut attachments_by_group, vpcs) = futures::try_join!(
        describe_groups(&at),
        describe_rules(&at, keep),
        describe_enis(&at),
        describe_vpcs(&at)
    )?;
    for g in &mut groups {
        g.rules = rules_by_group.remove(&g.id).unwrap_or_default().into();
        // Ingress first, then egress, each in the API's order: stable between refreshes.
        g.rules
            .sort_by_key(|r| r.grant().direction == Direction::Egress);
        g.attachments = attachments_by_group
            .remove(&g.id)
            .unwrap_or_default()
            .into();
    }
    Ok((groups, vpcs))
}

/// Where a read is made, and counted.
struct At<'a> {
    client: &'a Client,
    calls: &'a Calls,
    region: &'a str,
    profile: Option<&'a str>,
}

/// Every group, page by page.
async fn describe_groups(at: &At<'_>) -> Result<Vec<SecurityGroup>, SourceError> {
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            at.calls,
            "ec2:DescribeSecurityGroups",
            at.region,
            at.profile,
            at.client
                .describe_security_groups()
                .max_results(PAGE)
                .set_next_token(next)
                .send(),
        )
        .await?;
        out.extend(page.security_groups().iter().map(|g| group(g, at.region)));
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// Every rule kept, by group; a page's rules that let the same through share one grant.
async fn describe_rules(
    at: &At<'_>,
    keep: fn(&Rule) -> bool,
) -> Result<HashMap<CompactString, Vec<Rule>>, SourceError> {
    let mut out: HashMap<CompactString, Vec<Rule>> = HashMap::new();
    let (mut grants, mut texts) = (SharedPool::default(), TextPool::default());
    let mut next = None;
    loop {
        let page = call(
            at.calls,
            "ec2:DescribeSecurityGroupRules",
            at.region,
            at.profile,
            at.client
                .describe_security_group_rules()
                .max_results(PAGE)
                .set_next_token(next)
                .send(),
        )
        .await?;
        for r in page.security_group_rules() {
            let mut made = rule(r);
            if !keep(&made) {
                continue;
            }
            // Shared as they come: a page's rules that let the same through (and their
            // copies of "tcp" and "0.0.0.0/0") go with it.
            made.share_grant(&mut grants, &mut texts);
            out.entry(r.group_id().unwrap_or_default().into())
                .or_default()
                .push(made);
        }
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// What each group is attached to, by group.
async fn describe_enis(
    at: &At<'_>,
) -> Result<HashMap<CompactString, Vec<Attachment>>, SourceError> {
    let mut out: HashMap<CompactString, Vec<Attachment>> = HashMap::new();
    let mut next = None;
    loop {
        let page = call(
            at.calls,
            "ec2:DescribeNetworkInterfaces",
            at.region,
            at.profile,
            at.client
                .describe_network_interfaces()
                .max_results(PAGE)
                .set_next_token(next)
                .send(),
        )
        .await?;
        for eni in page.network_interfaces() {
            let a = attachment(eni);
            for g in eni.groups() {
                out.entry(g.group_id().unwrap_or_default().into())
                    .or_default()
                    .push(a.clone());
            }
        }
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// Every VPC, with its IPv4 and IPv6 ranges.
async fn describe_vpcs(at: &At<'_>) -> Result<Vec<Vpc>, SourceError> {
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            at.calls,
            "ec2:DescribeVpcs",
            at.region,
            at.profile,
            at.client
                .describe_vpcs()
                .max_results(PAGE)
                .set_next_token(next)
                .send(),
        )
        .await?;
        for v in page.vpcs() {
            let mut cidrs: Vec<String> = v
                .cidr_block_association_set()
                .iter()
                .filter_map(|a| a.cidr_block().map(str::to_string))
                .collect();
            if cidrs.is_empty()
                && let Some(c) = v.cidr_block()
            {
                cidrs.push(c.to_string());
            }
            cidrs.extend(
                v.ipv6_cidr_block_association_set()
                    .iter()
                    .filter_map(|a| a.ipv6_cidr_block().map(str::to_string)),
            );
            out.push(Vpc {
                id: v.vpc_id().unwrap_or_default().to_string(),
                region: at.region.to_string(),
                cidrs,
            });
        }
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// A group as DescribeSecurityGroups gives it, its rules and attachments still to come.
fn group(g: &aws_sdk_ec2::types::SecurityGroup, region: &str) -> SecurityGroup {
    SecurityGroup {
        id: g.group_id().unwrap_or_default().into(),
        name: g.group_name().unwrap_or_default().into(),
        description: g.description().unwrap_or_default().into(),
        rules: Box::default(),
        attachments: Box::default(),
        place: Arc::new(Placement {
            vpc_id: g.vpc_id().map(Into::into),
            region: region.into(),
            tags: g
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().into(),
                        t.value().unwrap_or_default().into(),
                    )
                })
                .collect(),
            account: None,
            recorded_at: None,
        }),
    }
}

pub fn attachment(eni: &NetworkInterface) -> Attachment {
    let description = eni.description().unwrap_or_default().to_string();
    let kind_text = eni
        .interface_type()
        .map(|t| t.as_str().to_string())
        .unwrap_or_default();
    let instance = eni
        .attachment()
        .and_then(|a| a.instance_id())
        .map(str::to_string);
    let lower = description.to_lowercase();
    let requester = eni.requester_id().unwrap_or_default().to_lowercase();
    let (kind, target) =
        if kind_text == "vpc_endpoint" || lower.starts_with("vpc endpoint interface") {
            (
                AttachmentKind::VpcEndpoint,
                description.split_whitespace().nth(3).map(str::to_string),
            )
        } else if kind_text == "nat_gateway" {
            (AttachmentKind::NatGateway, None)
        } else if kind_text == "lambda" || lower.starts_with("aws lambda vpc eni") {
            (AttachmentKind::Lambda, None)
        } else if kind_text.contains("load_balancer") || lower.starts_with("elb ") {
            (
                AttachmentKind::LoadBalancer,
                description.split_whitespace().nth(1).map(str::to_string),
            )
        } else if lower.contains("sagemaker") || requester.contains("sagemaker") {
            let kind = if lower.contains("notebook") {
                AttachmentKind::SagemakerNotebook
            } else {
                AttachmentKind::SagemakerEndpoint
            };
            (
                kind,
                description
                    .rsplit(' ')
                    .next()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            )
        } else if let Some(i) = instance.clone() {
            (AttachmentKind::Instance, Some(i))
        } else {
            (AttachmentKind::Other, None)
        };
    Attachment {
        interface_id: eni.network_interface_id().unwrap_or_default().into(),
        kind,
        target: target.or(instance).map(Into::into),
        description: description.into(),
        private_ip: eni.private_ip_address().map(Into::into),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{NetworkInterfaceAttachment, NetworkInterfaceType};

    #[test]
    fn attachments_say_what_uses_the_group() {
        let eni = NetworkInterface::builder()
            .network_interface_id("eni-1")
            .interface_type(NetworkInterfaceType::Interface)
            .attachment(
                NetworkInterfaceAttachment::builder()
                    .instance_id("i-1")
                    .build(),
            )
            .private_ip_address("10.0.0.5")
            .build();
        let a = attachment(&eni);
        assert_eq!(a.kind, AttachmentKind::Instance);
        assert_eq!(a.target.as_deref(), Some("i-1"));

        let vpce = NetworkInterface::builder()
            .network_interface_id("eni-2")
            .interface_type(NetworkInterfaceType::VpcEndpoint)
            .description("VPC Endpoint Interface vpce-0abc")
            .build();
        let a = attachment(&vpce);
        assert_eq!(a.kind, AttachmentKind::VpcEndpoint);
        assert_eq!(a.target.as_deref(), Some("vpce-0abc"));

        let sm = NetworkInterface::builder()
            .network_interface_id("eni-3")
            .description("SageMaker Endpoint studyai-dev-llama3-8b")
            .requester_id("sagemaker.amazonaws.com")
            .build();
        let a = attachment(&sm);
        assert_eq!(a.kind, AttachmentKind::SagemakerEndpoint);
        assert_eq!(a.target.as_deref(), Some("studyai-dev-llama3-8b"));
    }
}
