//! EC2 security-group rules in secdash's shape: what the sources show and the actions revoke.

use crate::model::{Direction, Grant, Peer, Risk, Rule};
use aws_sdk_ec2::types::SecurityGroupRule;

/// AWS's protocol numbers as names.
pub fn protocol_name(p: &str) -> String {
    match p {
        "-1" => "all",
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" => "icmpv6",
        other => other,
    }
    .to_string()
}

pub fn rule(r: &SecurityGroupRule) -> Rule {
    let protocol = protocol_name(r.ip_protocol().unwrap_or("-1"));
    let all = protocol == "all";
    let peer = if let Some(c) = r.cidr_ipv4() {
        Peer::Ipv4(c.into())
    } else if let Some(c) = r.cidr_ipv6() {
        Peer::Ipv6(c.into())
    } else if let Some(p) = r.prefix_list_id() {
        Peer::PrefixList(p.into())
    } else if let Some(g) = r.referenced_group_info().and_then(|g| g.group_id()) {
        Peer::SecurityGroup(g.into())
    } else {
        Peer::Ipv4("unknown".into())
    };
    Rule::new(
        r.security_group_rule_id().map(Into::into),
        Grant {
            direction: if r.is_egress().unwrap_or(false) {
                Direction::Egress
            } else {
                Direction::Ingress
            },
            from_port: if all { None } else { r.from_port() },
            to_port: if all { None } else { r.to_port() },
            protocol: protocol.into(),
            peer,
            description: r.description().unwrap_or_default().into(),
            risk: Risk::None,
            risk_reason: Default::default(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::ReferencedSecurityGroup;

    #[test]
    fn rules_convert_with_ids_peers_and_names() {
        let r = SecurityGroupRule::builder()
            .security_group_rule_id("sgr-1")
            .group_id("sg-1")
            .is_egress(false)
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22)
            .cidr_ipv4("0.0.0.0/0")
            .description("SSH")
            .build();
        let rule = rule(&r);
        assert_eq!(rule.id.as_deref(), Some("sgr-1"));
        assert_eq!(rule.grant().direction, Direction::Ingress);
        assert_eq!(rule.grant().peer, Peer::Ipv4("0.0.0.0/0".into()));
        assert_eq!(rule.ports_label(), "22");

        let all = SecurityGroupRule::builder()
            .is_egress(true)
            .ip_protocol("-1")
            .from_port(-1)
            .to_port(-1)
            .referenced_group_info(ReferencedSecurityGroup::builder().group_id("sg-2").build())
            .build();
        let all = super::rule(&all);
        assert_eq!(&*all.grant().protocol, "all");
        assert_eq!(all.grant().from_port, None);
        assert_eq!(all.grant().peer, Peer::SecurityGroup("sg-2".into()));
        assert_eq!(all.grant().direction, Direction::Egress);
    }

    #[test]
    fn protocol_numbers_read_as_names() {
        assert_eq!(protocol_name("-1"), "all");
        assert_eq!(protocol_name("6"), "tcp");
        assert_eq!(protocol_name("tcp"), "tcp");
        assert_eq!(protocol_name("50"), "50");
    }
}
