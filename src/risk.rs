//! Risk of each security-group rule: a level and the reason an operator reads.
//!
//! The rules follow what the seeds intend (`004`: SSH only from known ranges, the Kubernetes
//! API only from inside the VPC, PostgreSQL only from the web group, NodePorts under control)
//! and the usual CIS/Prowler checks for ports open to the internet.

use crate::model::{Direction, Peer, Risk, Rule, SecurityGroupsData};
use ipnet::IpNet;

/// Remote administration: SSH, Telnet, RDP, WinRM, VNC, Kubernetes API, kubelet, etcd.
const ADMIN_PORTS: &[(u16, &str)] = &[
    (22, "SSH"),
    (23, "Telnet"),
    (3389, "RDP"),
    (5985, "WinRM"),
    (5986, "WinRM"),
    (5900, "VNC"),
    (6443, "Kubernetes API"),
    (10250, "kubelet"),
    (2379, "etcd"),
    (2380, "etcd"),
];

const DATABASE_PORTS: &[(u16, &str)] = &[
    (5432, "PostgreSQL"),
    (3306, "MySQL"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (5439, "Redshift"),
    (27017, "MongoDB"),
    (6379, "Redis"),
    (11211, "Memcached"),
    (9200, "Elasticsearch"),
    (9042, "Cassandra"),
];

/// Ports that serve notebooks and model servers, which must never face the internet.
const ML_PORTS: &[(u16, &str)] = &[
    (8888, "Jupyter"),
    (11434, "Ollama"),
    (5000, "MLflow"),
    (8080, "Airflow/HTTP-alt"),
    (6006, "TensorBoard"),
];

const NODEPORT_RANGE: (u16, u16) = (30000, 32767);
const WEB_PORTS: &[u16] = &[80, 443];

/// What "inside" means when judging a peer: the CIDRs of the group's VPC, if known.
#[derive(Debug, Clone, Default)]
pub struct NetworkContext {
    pub vpc_cidrs: Vec<IpNet>,
}

impl NetworkContext {
    pub fn from_cidrs<'a>(cidrs: impl IntoIterator<Item = &'a String>) -> Self {
        NetworkContext {
            vpc_cidrs: cidrs.into_iter().filter_map(|c| c.parse().ok()).collect(),
        }
    }
}

enum Reach {
    /// 0.0.0.0/0 or ::/0.
    World { v6: bool },
    /// A public range, wider than a /16 for IPv4 (or /48 for IPv6).
    WidePublic,
    /// A public range of modest size: an office or a partner.
    Public,
    /// A private range that is not inside the VPC (peering, VPN, another VPC).
    PrivateOutsideVpc,
    /// Inside the VPC, another group, or a prefix list of AWS services.
    Internal,
}

fn reach(peer: &Peer, ctx: &NetworkContext) -> Reach {
    let cidr = match peer {
        Peer::SecurityGroup(_) | Peer::PrefixList(_) => return Reach::Internal,
        Peer::Ipv4(c) | Peer::Ipv6(c) => c,
    };
    let Ok(net) = cidr.parse::<IpNet>() else {
        // An unparseable CIDR cannot be proven safe.
        return Reach::Public;
    };
    if net.prefix_len() == 0 {
        return Reach::World {
            v6: matches!(net, IpNet::V6(_)),
        };
    }
    if ctx.vpc_cidrs.iter().any(|vpc| vpc.contains(&net)) {
        return Reach::Internal;
    }
    let private = match net {
        IpNet::V4(v4) => v4.addr().is_private() || v4.addr().is_loopback(),
        // fc00::/7 unique local addresses.
        IpNet::V6(v6) => (v6.addr().segments()[0] & 0xfe00) == 0xfc00,
    };
    if private {
        return Reach::PrivateOutsideVpc;
    }
    let wide = match net {
        IpNet::V4(v4) => v4.prefix_len() < 16,
        IpNet::V6(v6) => v6.prefix_len() < 48,
    };
    if wide {
        Reach::WidePublic
    } else {
        Reach::Public
    }
}

fn port_range(rule: &Rule) -> Option<(u16, u16)> {
    if rule.is_all_traffic() {
        return None;
    }
    let from = rule.from_port.unwrap_or(0);
    let to = rule.to_port.unwrap_or(from);
    if from < 0 || to < 0 {
        // ICMP uses -1 for "all types": no ports involved.
        return Some((0, 0));
    }
    Some((from.clamp(0, 65535) as u16, to.clamp(0, 65535) as u16))
}

fn named_ports_in(range: (u16, u16), table: &[(u16, &'static str)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (port, name) in table {
        if *port >= range.0 && *port <= range.1 {
            let label = format!("{name} {port}");
            if !out.iter().any(|l| l.starts_with(name)) {
                out.push(label);
            }
        }
    }
    out
}

fn overlaps(range: (u16, u16), other: (u16, u16)) -> bool {
    range.0 <= other.1 && other.0 <= range.1
}

fn is_port_protocol(rule: &Rule) -> bool {
    matches!(rule.protocol.as_str(), "tcp" | "udp" | "6" | "17")
}

/// The risk of one rule and why.
pub fn classify(rule: &Rule, ctx: &NetworkContext) -> (Risk, String) {
    let reach = reach(&rule.peer, ctx);
    match rule.direction {
        Direction::Egress => classify_egress(rule, &reach),
        Direction::Ingress => classify_ingress(rule, &reach),
    }
}

fn classify_egress(rule: &Rule, reach: &Reach) -> (Risk, String) {
    match reach {
        Reach::World { .. } if rule.is_all_traffic() => (
            Risk::Low,
            "all outbound traffic to the internet: an exfiltration path if a host is compromised"
                .into(),
        ),
        _ => (Risk::None, String::new()),
    }
}

fn classify_ingress(rule: &Rule, reach: &Reach) -> (Risk, String) {
    let who = match reach {
        Reach::World { v6: false } => "the internet (0.0.0.0/0)",
        Reach::World { v6: true } => "the internet over IPv6 (::/0)",
        Reach::WidePublic => "a wide public range",
        Reach::Public => "a public range outside the VPC",
        Reach::PrivateOutsideVpc => "a private range outside the VPC",
        Reach::Internal => {
            return if rule.is_all_traffic() {
                (
                    Risk::Low,
                    "all traffic from inside the network: broader than a service needs".into(),
                )
            } else {
                (Risk::None, String::new())
            };
        }
    };
    let world = matches!(reach, Reach::World { .. });
    let wide = world || matches!(reach, Reach::WidePublic);

    if rule.is_all_traffic() {
        let risk = match reach {
            Reach::PrivateOutsideVpc => Risk::Medium,
            Reach::Public => Risk::High,
            _ => Risk::Critical,
        };
        return (risk, format!("all traffic, every port, open to {who}"));
    }
    let Some(range) = port_range(rule) else {
        return (Risk::None, String::new());
    };
    if !is_port_protocol(rule) {
        // ICMP and friends: ping from the world is reconnaissance, little more.
        return if world {
            (Risk::Low, format!("{} open to {who}", rule.protocol))
        } else {
            (Risk::None, String::new())
        };
    }

    let admin = named_ports_in(range, ADMIN_PORTS);
    let db = named_ports_in(range, DATABASE_PORTS);
    let ml = named_ports_in(range, ML_PORTS);
    let width = u32::from(range.1) - u32::from(range.0) + 1;

    if !admin.is_empty() || !db.is_empty() {
        let what = admin
            .iter()
            .chain(db.iter())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let kind = if admin.is_empty() {
            "database port"
        } else {
            "admin port"
        };
        let risk = match reach {
            _ if wide => Risk::Critical,
            Reach::Public => Risk::Medium,
            _ => Risk::Low,
        };
        return (risk, format!("{kind} {what} open to {who}"));
    }
    if width > 1024 {
        let risk = if wide { Risk::High } else { Risk::Medium };
        return (risk, format!("{width} ports open to {who}"));
    }
    if overlaps(range, NODEPORT_RANGE) {
        let risk = if wide { Risk::High } else { Risk::Medium };
        return (
            risk,
            format!("Kubernetes NodePort range open beyond the VPC, to {who}"),
        );
    }
    if !ml.is_empty() {
        let risk = if wide { Risk::High } else { Risk::Medium };
        return (risk, format!("{} open to {who}", ml.join(", ")));
    }
    let web_only = range.0 == range.1 && WEB_PORTS.contains(&range.0);
    if web_only {
        return if world {
            let plain = if range.0 == 80 { " without TLS" } else { "" };
            (
                Risk::Low,
                format!(
                    "web port {}{plain} open to {who}: expected only on a load balancer",
                    range.0
                ),
            )
        } else {
            (Risk::None, String::new())
        };
    }
    match reach {
        _ if wide => (
            Risk::Medium,
            format!("port {} open to {who}", rule.ports_label()),
        ),
        Reach::Public => (
            Risk::Low,
            format!("port {} open to {who}", rule.ports_label()),
        ),
        _ => (Risk::None, String::new()),
    }
}

/// Sets `risk` and `risk_reason` on every rule, judging peers against each group's VPC.
/// Sources call nothing here; the shared fetch step does, so demo and AWS agree.
pub fn assess(data: &mut SecurityGroupsData) {
    for group in &mut data.groups {
        let cidrs = data
            .vpcs
            .iter()
            .filter(|v| Some(&v.id) == group.vpc_id.as_ref())
            .flat_map(|v| v.cidrs.iter());
        let ctx = NetworkContext::from_cidrs(cidrs);
        for rule in &mut group.rules {
            let (risk, reason) = classify(rule, &ctx);
            rule.risk = risk;
            rule.risk_reason = reason;
        }
    }
    // Riskiest groups first: what an operator looks at during an incident.
    data.groups.sort_by(|a, b| {
        b.max_risk()
            .cmp(&a.max_risk())
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(dir: Direction, proto: &str, from: i32, to: i32, peer: Peer) -> Rule {
        Rule {
            id: None,
            direction: dir,
            protocol: proto.into(),
            from_port: Some(from),
            to_port: Some(to),
            peer,
            description: String::new(),
            risk: Risk::None,
            risk_reason: String::new(),
        }
    }

    fn ctx() -> NetworkContext {
        NetworkContext::from_cidrs(&["10.0.0.0/16".to_string()])
    }

    fn v4(c: &str) -> Peer {
        Peer::Ipv4(c.into())
    }

    fn risk_of(r: &Rule) -> Risk {
        classify(r, &ctx()).0
    }

    #[test]
    fn admin_and_database_ports_open_to_world_are_critical() {
        for port in [22, 3389, 6443, 5432, 3306] {
            let r = rule(Direction::Ingress, "tcp", port, port, v4("0.0.0.0/0"));
            assert_eq!(risk_of(&r), Risk::Critical, "port {port}");
        }
        let (_, reason) = classify(
            &rule(Direction::Ingress, "tcp", 22, 22, v4("0.0.0.0/0")),
            &ctx(),
        );
        assert_eq!(reason, "admin port SSH 22 open to the internet (0.0.0.0/0)");
    }

    #[test]
    fn ipv6_world_counts_as_world() {
        let r = rule(Direction::Ingress, "tcp", 22, 22, Peer::Ipv6("::/0".into()));
        let (risk, reason) = classify(&r, &ctx());
        assert_eq!(risk, Risk::Critical);
        assert!(reason.contains("::/0"));
        let web = rule(
            Direction::Ingress,
            "tcp",
            443,
            443,
            Peer::Ipv6("::/0".into()),
        );
        assert_eq!(risk_of(&web), Risk::Low);
    }

    #[test]
    fn seed_004_intended_rules_are_clean() {
        // Kubernetes API only from inside the VPC; PostgreSQL only from the web group.
        assert_eq!(
            risk_of(&rule(
                Direction::Ingress,
                "tcp",
                6443,
                6443,
                v4("10.0.0.0/16")
            )),
            Risk::None
        );
        assert_eq!(
            risk_of(&rule(
                Direction::Ingress,
                "tcp",
                5432,
                5432,
                Peer::SecurityGroup("sg-web".into())
            )),
            Risk::None
        );
        assert_eq!(
            risk_of(&rule(
                Direction::Ingress,
                "tcp",
                30080,
                30090,
                v4("10.0.1.0/24")
            )),
            Risk::None
        );
    }

    #[test]
    fn ssh_from_an_office_range_is_medium() {
        let r = rule(Direction::Ingress, "tcp", 22, 22, v4("203.0.113.0/24"));
        assert_eq!(risk_of(&r), Risk::Medium);
    }

    #[test]
    fn nodeport_beyond_vpc_is_high() {
        let r = rule(Direction::Ingress, "tcp", 30080, 30090, v4("0.0.0.0/0"));
        let (risk, reason) = classify(&r, &ctx());
        assert_eq!(risk, Risk::High);
        assert!(reason.contains("NodePort"));
    }

    #[test]
    fn all_traffic_rules() {
        let all = |peer| Rule {
            protocol: "all".into(),
            from_port: None,
            to_port: None,
            ..rule(Direction::Ingress, "all", 0, 0, peer)
        };
        assert_eq!(risk_of(&all(v4("0.0.0.0/0"))), Risk::Critical);
        assert_eq!(risk_of(&all(v4("10.0.0.0/16"))), Risk::Low);
        assert_eq!(risk_of(&all(Peer::SecurityGroup("sg-1".into()))), Risk::Low);
        assert_eq!(risk_of(&all(v4("172.31.0.0/16"))), Risk::Medium);
        let egress = Rule {
            direction: Direction::Egress,
            ..all(v4("0.0.0.0/0"))
        };
        assert_eq!(risk_of(&egress), Risk::Low);
    }

    #[test]
    fn web_ports_to_world_are_low_and_other_ports_medium() {
        assert_eq!(
            risk_of(&rule(Direction::Ingress, "tcp", 443, 443, v4("0.0.0.0/0"))),
            Risk::Low
        );
        assert_eq!(
            risk_of(&rule(
                Direction::Ingress,
                "tcp",
                8443,
                8443,
                v4("0.0.0.0/0")
            )),
            Risk::Medium
        );
        assert_eq!(
            risk_of(&rule(
                Direction::Ingress,
                "tcp",
                8888,
                8888,
                v4("0.0.0.0/0")
            )),
            Risk::High
        );
        assert_eq!(
            risk_of(&rule(Direction::Ingress, "tcp", 1, 65535, v4("0.0.0.0/0"))),
            Risk::Critical
        );
        assert_eq!(
            risk_of(&rule(
                Direction::Ingress,
                "tcp",
                40000,
                50000,
                v4("0.0.0.0/0")
            )),
            Risk::High
        );
    }

    #[test]
    fn egress_on_specific_ports_is_fine() {
        assert_eq!(
            risk_of(&rule(Direction::Egress, "tcp", 443, 443, v4("0.0.0.0/0"))),
            Risk::None
        );
    }

    #[test]
    fn icmp_from_world_is_low() {
        assert_eq!(
            risk_of(&rule(Direction::Ingress, "icmp", -1, -1, v4("0.0.0.0/0"))),
            Risk::Low
        );
    }

    #[test]
    fn unparseable_cidr_is_not_trusted() {
        assert_eq!(
            risk_of(&rule(Direction::Ingress, "tcp", 22, 22, v4("not-a-cidr"))),
            Risk::Medium
        );
    }
}
