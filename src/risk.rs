//! Risk of each security-group rule: a level and the reason an operator reads.
//!
//! The rules follow what the seeds intend (`004`: SSH only from known ranges, the Kubernetes
//! API only from inside the VPC, PostgreSQL only from the web group, NodePorts under control)
//! and the usual CIS/Prowler checks for ports open to the internet.

use crate::model::{Direction, Peer, Risk, Rule, SecurityGroupsData};
use arcstr::ArcStr;
use ipnet::IpNet;
use std::collections::HashMap;

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

#[derive(Debug, Clone, Copy)]
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
    let from = rule.grant().from_port.unwrap_or(0);
    let to = rule.grant().to_port.unwrap_or(from);
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
    matches!(&*rule.grant().protocol, "tcp" | "udp" | "6" | "17")
}

impl Reach {
    fn tag(self) -> u8 {
        match self {
            Reach::World { v6: false } => 0,
            Reach::World { v6: true } => 1,
            Reach::WidePublic => 2,
            Reach::Public => 3,
            Reach::PrivateOutsideVpc => 4,
            Reach::Internal => 5,
        }
    }
}

/// The risk of one rule and why.
pub fn classify(rule: &Rule, ctx: &NetworkContext) -> (Risk, String) {
    classify_reach(rule, &reach(&rule.grant().peer, ctx))
}

fn classify_reach(rule: &Rule, reach: &Reach) -> (Risk, String) {
    match rule.grant().direction {
        Direction::Egress => classify_egress(rule, reach),
        Direction::Ingress => classify_ingress(rule, reach),
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
            (
                Risk::Low,
                format!("{} open to {who}", rule.grant().protocol),
            )
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
    // Each VPC's CIDRs parsed once, not once per group.
    let mut vpc_index: HashMap<&str, usize> = HashMap::new();
    let mut contexts: Vec<Vec<&String>> = Vec::new();
    for v in &data.vpcs {
        let i = *vpc_index.entry(v.id.as_str()).or_insert_with(|| {
            contexts.push(Vec::new());
            contexts.len() - 1
        });
        contexts[i].extend(v.cidrs.iter());
    }
    let contexts: Vec<NetworkContext> = contexts
        .into_iter()
        .map(NetworkContext::from_cidrs)
        .collect();
    let outside = NetworkContext::default();

    // A peer's reach depends on the peer and the VPC; a verdict on the reach, the direction, the
    // protocol and the ports. Both repeat across 100,000 rules: each is worked out once, and
    // rules with the same verdict share one reason text.
    let mut reaches: FastMap<(usize, &str), Reach> = FastMap::default();
    let mut verdicts: FastMap<VerdictKey, (Risk, ArcStr)> = FastMap::default();
    let mut judged: Vec<(Risk, ArcStr)> =
        Vec::with_capacity(data.groups.iter().map(|g| g.rules.len()).sum());
    for group in &data.groups {
        let vpc = group
            .place
            .vpc_id
            .as_deref()
            .and_then(|v| vpc_index.get(v).copied())
            .unwrap_or(usize::MAX);
        let ctx = contexts.get(vpc).unwrap_or(&outside);
        for rule in &group.rules {
            let reach = *reaches
                .entry((vpc, rule.grant().peer.as_str()))
                .or_insert_with(|| reach(&rule.grant().peer, ctx));
            let verdict = match VerdictKey::of(rule, reach) {
                Some(key) => verdicts
                    .entry(key)
                    .or_insert_with(|| {
                        let (risk, reason) = classify_reach(rule, &reach);
                        (risk, ArcStr::from(reason))
                    })
                    .clone(),
                None => {
                    let (risk, reason) = classify_reach(rule, &reach);
                    (risk, ArcStr::from(reason))
                }
            };
            judged.push(verdict);
        }
    }
    let mut judged = judged.into_iter();
    let mut grants = crate::model::JudgedGrants::default();
    for rule in data.groups.iter_mut().flat_map(|g| g.rules.iter_mut()) {
        if let Some((risk, reason)) = judged.next() {
            rule.judge(risk, reason, &mut grants);
        }
    }
    // Riskiest groups first: what an operator looks at during an incident; then by name and id
    // (region and account apart the same id, which copies of a world share). Sorted in place,
    // each group's highest risk found once: a copy of 40,000 groups in a new order was 13 MB.
    data.groups.sort_unstable_by(|a, b| {
        fn account(g: &crate::model::SecurityGroup) -> Option<&str> {
            g.place.account.as_deref().map(|a| a.name.as_str())
        }
        a.name
            .cmp(&b.name)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.place.region.cmp(&b.place.region))
            .then_with(|| account(a).cmp(&account(b)))
    });
    data.groups
        .sort_by_cached_key(|g| std::cmp::Reverse(g.max_risk()));
}

/// FNV-1a: the caches above hash short strings, for which SipHash's defence against chosen
/// keys costs more than it is worth (the keys come from the account's own rules).
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// What a verdict depends on besides the peer: its reach, the direction, the protocol (short
/// names only; a longer one is judged on its own) and the ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct VerdictKey {
    reach: u8,
    direction: Direction,
    protocol: [u8; 8],
    from: Option<i32>,
    to: Option<i32>,
}

impl VerdictKey {
    fn of(rule: &Rule, reach: Reach) -> Option<VerdictKey> {
        let p = rule.grant().protocol.as_bytes();
        if p.len() > 8 {
            return None;
        }
        let mut protocol = [0u8; 8];
        protocol[..p.len()].copy_from_slice(p);
        Some(VerdictKey {
            reach: reach.tag(),
            direction: rule.grant().direction,
            protocol,
            from: rule.grant().from_port,
            to: rule.grant().to_port,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Verdicts shared between rules and reaches worked out once give every rule what judging
    /// it alone gives.
    #[test]
    fn the_shared_verdicts_are_each_rule_s_own() {
        let mut data = crate::source::demo::security_groups(3);
        // A second VPC, so the same peer is inside one and outside the other.
        data.vpcs.push(crate::model::Vpc {
            id: "vpc-other".into(),
            region: "ap-southeast-1".into(),
            cidrs: vec!["172.31.0.0/16".into()],
        });
        let mut other = data.groups[0].clone();
        other.id = "sg-other".into();
        other.place_mut().vpc_id = Some("vpc-other".into());
        let mut rules = other.rules.into_vec();
        rules.push(rule(Direction::Ingress, "tcp", 22, 22, v4("172.31.5.0/24")));
        rules.push(rule(
            Direction::Ingress,
            "a-long-protocol",
            1,
            1,
            v4("0.0.0.0/0"),
        ));
        other.rules = rules.into();
        data.groups.push(other);
        let expected: Vec<(String, Vec<(Risk, String)>)> = data
            .groups
            .iter()
            .map(|g| {
                let cidrs = data
                    .vpcs
                    .iter()
                    .filter(|v| Some(v.id.as_str()) == g.place.vpc_id.as_deref())
                    .flat_map(|v| v.cidrs.iter());
                let ctx = NetworkContext::from_cidrs(cidrs);
                (
                    g.id.to_string(),
                    g.rules.iter().map(|r| classify(r, &ctx)).collect(),
                )
            })
            .collect();
        assess(&mut data);
        for (id, verdicts) in expected {
            let g = data.groups.iter().find(|g| g.id == id).unwrap();
            let got: Vec<(Risk, String)> = g
                .rules
                .iter()
                .map(|r| (r.grant().risk, r.grant().risk_reason.to_string()))
                .collect();
            assert_eq!(got, verdicts, "{id}");
        }
        let order: Vec<(Risk, &str)> = data
            .groups
            .iter()
            .map(|g| (g.max_risk(), g.name.as_str()))
            .collect();
        assert!(
            order
                .windows(2)
                .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 <= w[1].1)),
            "riskiest first, then by name"
        );
    }

    fn rule(dir: Direction, proto: &str, from: i32, to: i32, peer: Peer) -> Rule {
        Rule::new(
            None,
            crate::model::Grant {
                direction: dir,
                protocol: proto.into(),
                from_port: Some(from),
                to_port: Some(to),
                peer,
                description: "".into(),
                risk: Risk::None,
                risk_reason: Default::default(),
            },
        )
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
        let all = |peer| {
            let mut all = rule(Direction::Ingress, "all", 0, 0, peer);
            all.grant_mut().from_port = None;
            all.grant_mut().to_port = None;
            all
        };
        assert_eq!(risk_of(&all(v4("0.0.0.0/0"))), Risk::Critical);
        assert_eq!(risk_of(&all(v4("10.0.0.0/16"))), Risk::Low);
        assert_eq!(risk_of(&all(Peer::SecurityGroup("sg-1".into()))), Risk::Low);
        assert_eq!(risk_of(&all(v4("172.31.0.0/16"))), Risk::Medium);
        let mut egress = all(v4("0.0.0.0/0"));
        egress.grant_mut().direction = Direction::Egress;
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
