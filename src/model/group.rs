//! Security groups, their rules and what they are attached to.

use super::Risk;
use super::SharedPool;
use arcstr::ArcStr;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// A group's tags, key and value.
pub type Tags = std::sync::Arc<[(ArcStr, ArcStr)]>;

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    /// EC2's ids (20 characters) and most other ids here are stored inline, not allocated.
    pub id: CompactString,
    /// Inline too when 24 bytes or shorter, as most names are.
    pub name: CompactString,
    /// Shared by every group that says the same ([`SecurityGroupsData::share_texts`]).
    pub description: ArcStr,
    /// Boxed slices, not vectors: they never grow once made, and 40,000 groups hold them.
    pub rules: Box<[Rule]>,
    pub attachments: Box<[Attachment]>,
    /// Its VPC, region, tags and account, read as the group's own (`group.region`), shared
    /// by the groups that have the same ([`SecurityGroupsData::share_texts`]): a group is 96
    /// bytes instead of 128. Writing one gives the group its own copy first.
    pub place: Arc<Placement>,
}

/// Where a group is and how it is tagged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Placement {
    pub vpc_id: Option<ArcStr>,
    pub region: ArcStr,
    /// Lists alike are shared too.
    pub tags: Tags,
    /// The group's account, when several are watched.
    pub account: super::RowAccount,
    /// When AWS Config recorded the group, for a group read through a Config aggregator
    /// (its copy may lag the account by minutes).
    pub recorded_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl SecurityGroup {
    /// Its placement to change: a placement shared with other groups is copied first, so
    /// changing this group's changes no other.
    pub fn place_mut(&mut self) -> &mut Placement {
        Arc::make_mut(&mut self.place)
    }
}

/// The group as EC2 describes it, its fields in their order (the account is the row's, not
/// the group's).
impl Serialize for SecurityGroup {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut g = s.serialize_struct("SecurityGroup", 9)?;
        g.serialize_field("id", &self.id)?;
        g.serialize_field("name", &self.name)?;
        g.serialize_field("description", &self.description)?;
        g.serialize_field("vpc_id", &self.place.vpc_id)?;
        g.serialize_field("region", &self.place.region)?;
        g.serialize_field("rules", &self.rules)?;
        g.serialize_field("attachments", &self.attachments)?;
        g.serialize_field("tags", &self.place.tags)?;
        if let Some(t) = &self.place.recorded_at {
            g.serialize_field("recorded_at", t)?;
        }
        g.end()
    }
}

impl SecurityGroup {
    /// The group's own fields the filter reads (its rules add theirs).
    pub fn search_fields(&self) -> [&str; 5] {
        let vpc = self.place.vpc_id.as_deref().unwrap_or("");
        let account = self
            .place
            .account
            .as_deref()
            .map_or("", |a| a.name.as_str());
        [&self.id, &self.name, vpc, &self.place.region, account]
    }

    pub fn max_risk(&self) -> Risk {
        self.rules
            .iter()
            .map(|r| r.grant().risk)
            .max()
            .unwrap_or(Risk::None)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Ingress => "in",
            Direction::Egress => "out",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Peer {
    Ipv4(ArcStr),
    Ipv6(ArcStr),
    SecurityGroup(ArcStr),
    PrefixList(ArcStr),
}

impl Peer {
    pub fn as_str(&self) -> &str {
        match self {
            Peer::Ipv4(c) | Peer::Ipv6(c) | Peer::SecurityGroup(c) | Peer::PrefixList(c) => c,
        }
    }

    pub fn text_mut(&mut self) -> &mut ArcStr {
        match self {
            Peer::Ipv4(c) | Peer::Ipv6(c) | Peer::SecurityGroup(c) | Peer::PrefixList(c) => c,
        }
    }
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A security group rule: its id and what it lets through. Rules that let the same through
/// share one [`Grant`] ([`SecurityGroupsData::share_texts`]): 100,000 rules in 40,000 groups
/// hold a few hundred, and a rule is 32 bytes. The grant's fields read as the rule's own
/// (`rule.peer`); writing one gives the rule its own copy of the grant first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub id: Option<CompactString>,
    #[serde(flatten)]
    grant: Arc<Grant>,
}

/// The grants [`Rule::judge`] made, by the grant they were made from and the verdict.
/// The value is the grant judged (kept, so its address names no other while the map lives)
/// and the grant made from it.
#[derive(Default)]
pub struct JudgedGrants(HashMap<JudgedAs, (Arc<Grant>, Arc<Grant>)>);

/// A grant's address, the risk and the reason's address.
type JudgedAs = (*const Grant, Risk, *const u8);

/// What a rule lets through, whichever group holds it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Grant {
    pub direction: Direction,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `all` (AWS's `-1`).
    /// This, the peer and the description are shared by every grant that says the same.
    pub protocol: ArcStr,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: Peer,
    pub description: ArcStr,
    pub risk: Risk,
    /// Shared by every rule with the same verdict (thousands of rules say the same thing).
    pub risk_reason: ArcStr,
}

impl Grant {
    /// Points the protocol, peer and description at the pool's copies.
    fn share_texts(&mut self, pool: &mut super::TextPool) {
        pool.share(&mut self.protocol);
        pool.share(&mut self.description);
        pool.share(self.peer.text_mut());
    }
}

impl Rule {
    /// What the rule lets through, and its verdict (shared with the rules that say the same).
    pub fn grant(&self) -> &Grant {
        &self.grant
    }

    /// Its grant to change: a grant shared with other rules is copied first, so changing one
    /// rule changes no other.
    pub fn grant_mut(&mut self) -> &mut Grant {
        Arc::make_mut(&mut self.grant)
    }

    pub fn new(id: Option<CompactString>, grant: Grant) -> Rule {
        Rule {
            id,
            grant: Arc::new(grant),
        }
    }

    /// Points the rule at the pool's grant that says the same, made the first time with its
    /// texts shared.
    pub fn share_grant(&mut self, grants: &mut SharedPool<Grant>, texts: &mut super::TextPool) {
        grants.share(&mut self.grant, |grant| {
            let mut grant = grant.clone();
            grant.share_texts(texts);
            Arc::new(grant)
        });
    }

    /// Gives the rule the risk model's verdict. Rules that shared a grant and are judged
    /// alike share the judged grant (`judged` remembers them for the rules that follow).
    pub fn judge(&mut self, risk: Risk, reason: ArcStr, judged: &mut JudgedGrants) {
        if self.grant().risk == risk && self.grant().risk_reason == reason {
            return;
        }
        let key = (Arc::as_ptr(&self.grant), risk, reason.as_ptr());
        let (_, grant) = judged.0.entry(key).or_insert_with(|| {
            let mut grant = (*self.grant).clone();
            grant.risk = risk;
            grant.risk_reason = reason;
            (self.grant.clone(), Arc::new(grant))
        });
        self.grant = grant.clone();
    }

    /// Whether two rules share one grant (tests of the sharing).
    #[cfg(test)]
    pub fn shares_grant_with(&self, other: &Rule) -> bool {
        Arc::ptr_eq(&self.grant, &other.grant)
    }

    /// The rule's fields the filter reads; `ports` is `ports_label()`, made by the caller.
    pub fn search_fields<'a>(&'a self, ports: &'a str) -> [&'a str; 7] {
        [
            self.grant().direction.label(),
            &self.grant().protocol,
            ports,
            self.grant().peer.as_str(),
            &self.grant().description,
            self.grant().risk.label(),
            &self.grant().risk_reason,
        ]
    }

    pub fn is_all_traffic(&self) -> bool {
        &*self.grant().protocol == "all"
    }

    /// The ports as an operator reads them: `22`, `30080-30090`, `all`.
    pub fn ports_label(&self) -> String {
        ports_label(
            &self.grant().protocol,
            self.grant().from_port,
            self.grant().to_port,
        )
    }

    /// What the rule lets through, in words: `in tcp 22 from 0.0.0.0/0`, `out all traffic to
    /// ::/0` (the description aside).
    pub fn grant_label(&self) -> String {
        let ports = if self.is_all_traffic() {
            "all traffic".to_string()
        } else {
            format!("{} {}", self.grant().protocol, self.ports_label())
        };
        let dir = match self.grant().direction {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        };
        format!(
            "{} {ports} {dir} {}",
            self.grant().direction,
            self.grant().peer
        )
    }
}

/// The ports of a rule as an operator reads them: `22`, `30080-30090`, `all`.
pub fn ports_label(protocol: &str, from: Option<i32>, to: Option<i32>) -> String {
    if protocol == "all" {
        return "all".into();
    }
    match (from, to) {
        (Some(0), Some(65535)) | (Some(-1), _) | (None, None) => "all".into(),
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}-{b}"),
        (Some(a), None) | (None, Some(a)) => a.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attachment {
    pub interface_id: CompactString,
    pub kind: AttachmentKind,
    /// The instance id, endpoint name or other owner, when known.
    pub target: Option<CompactString>,
    /// Shared like the group's texts.
    pub description: ArcStr,
    pub private_ip: Option<CompactString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Instance,
    SagemakerEndpoint,
    SagemakerNotebook,
    VpcEndpoint,
    LoadBalancer,
    Lambda,
    NatGateway,
    Other,
}

impl AttachmentKind {
    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::Instance => "instance",
            AttachmentKind::SagemakerEndpoint => "sagemaker endpoint",
            AttachmentKind::SagemakerNotebook => "sagemaker notebook",
            AttachmentKind::VpcEndpoint => "vpc endpoint",
            AttachmentKind::LoadBalancer => "load balancer",
            AttachmentKind::Lambda => "lambda",
            AttachmentKind::NatGateway => "nat gateway",
            AttachmentKind::Other => "interface",
        }
    }
}

/// A VPC and its CIDR blocks, so rules can be judged as inside or beyond it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vpc {
    pub id: String,
    pub region: String,
    pub cidrs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SecurityGroupsData {
    pub groups: Vec<SecurityGroup>,
    pub vpcs: Vec<Vpc>,
    /// Each rule's text for the filter, built when the data is prepared (empty before).
    #[serde(skip)]
    pub search: RuleSearch,
}

impl SecurityGroupsData {
    /// Makes groups and rules that say the same thing share one copy of it: a rule's
    /// protocol, peer and description, a group's description, VPC, region and tags, an
    /// interface's description. 100,000 rules in 40,000 groups hold a few thousand texts.
    pub fn share_texts(&mut self) {
        // Rules that let the same through share one grant: each distinct grant is copied
        // once, with its texts shared.
        let mut pool = super::TextPool::default();
        let mut grants = SharedPool::default();
        for r in self.groups.iter_mut().flat_map(|g| g.rules.iter_mut()) {
            r.share_grant(&mut grants, &mut pool);
        }
        // Groups in one place share it, and places their VPC, region and tags.
        let mut places = SharedPool::default();
        let mut tag_lists = SharedPool::default();
        for g in &mut self.groups {
            pool.share(&mut g.description);
            places.share(&mut g.place, |place| {
                let mut place = place.clone();
                pool.share(&mut place.region);
                if let Some(v) = &mut place.vpc_id {
                    pool.share(v);
                }
                tag_lists.share_list(&mut place.tags, &mut pool, |(k, v), pool| {
                    pool.share(k);
                    pool.share(v);
                });
                Arc::new(place)
            });
            for a in &mut g.attachments {
                pool.share(&mut a.description);
            }
        }
    }
}

/// `fields` lower-cased and joined by U+001F into `buf`.
fn lower_joined(buf: &mut String, fields: &[&str]) {
    buf.clear();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            buf.push('\u{1f}');
        }
        if f.is_ascii() {
            let from = buf.len();
            buf.push_str(f);
            buf[from..].make_ascii_lowercase();
        } else {
            buf.push_str(&f.to_lowercase());
        }
    }
}

/// Each rule's searchable fields, lower-cased once in the fetch task, so a filter over 100,000
/// rules neither allocates nor lower-cases on a keystroke. A rule's text holds no id, so rules
/// that say the same thing (most of them, across thousands of groups) share one text. A group's
/// own fields are not copied here: they are read once per group, not per rule, and a copy of
/// 40,000 groups' ids and names would be 3 MB held to save a millisecond.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSearch {
    /// Each distinct text once; fields apart by U+001F, which no word contains.
    distinct: Vec<Box<str>>,
    /// Each rule's text in `distinct`, groups in order.
    texts: TextIndexes,
    /// Where each group's rules start in `texts`.
    starts: Vec<u32>,
}

/// Indexes into the distinct texts: two bytes a rule while there are no more than 65,536
/// texts (a few hundred at 100,000 rules), four beyond.
#[derive(Debug, Clone, PartialEq)]
enum TextIndexes {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for TextIndexes {
    fn default() -> Self {
        TextIndexes::Narrow(Vec::new())
    }
}

impl TextIndexes {
    fn of(wide: Vec<u32>, distinct: usize) -> TextIndexes {
        if distinct <= usize::from(u16::MAX) + 1 {
            TextIndexes::Narrow(wide.into_iter().map(|i| i as u16).collect())
        } else {
            TextIndexes::Wide(wide)
        }
    }

    fn len(&self) -> usize {
        match self {
            TextIndexes::Narrow(v) => v.len(),
            TextIndexes::Wide(v) => v.len(),
        }
    }

    fn get(&self, i: usize) -> Option<usize> {
        match self {
            TextIndexes::Narrow(v) => v.get(i).map(|&t| usize::from(t)),
            TextIndexes::Wide(v) => v.get(i).map(|&t| t as usize),
        }
    }
}

impl RuleSearch {
    /// The texts of these groups' rules, in their order now.
    pub fn build(groups: &[SecurityGroup]) -> RuleSearch {
        let mut texts = Vec::with_capacity(groups.iter().map(|g| g.rules.len()).sum());
        let mut starts = Vec::with_capacity(groups.len());
        let mut distinct: Vec<Box<str>> = Vec::new();
        let mut index: std::collections::HashMap<Box<str>, u32> = Default::default();
        // A rule's text is its grant's: rules sharing a grant are looked up by its address, and
        // only a grant not seen yet is lower-cased (a few hundred for 100,000 rules).
        let mut by_grant: HashMap<*const Grant, u32> = HashMap::new();
        // One buffer for every text: a text is allocated only when it is new, so building the
        // index leaves no freed holes between the data that stays.
        let mut buf = String::new();
        for g in groups {
            starts.push(texts.len() as u32);
            for r in &g.rules {
                let at = *by_grant.entry(Arc::as_ptr(&r.grant)).or_insert_with(|| {
                    lower_joined(&mut buf, &r.search_fields(&r.ports_label()));
                    match index.get(buf.as_str()) {
                        Some(at) => *at,
                        None => {
                            let at = distinct.len() as u32;
                            distinct.push(buf.as_str().into());
                            index.insert(buf.as_str().into(), at);
                            at
                        }
                    }
                });
                texts.push(at);
            }
        }
        distinct.shrink_to_fit();
        RuleSearch {
            texts: TextIndexes::of(texts, distinct.len()),
            distinct,
            starts,
        }
    }

    /// A rule's text, if the index was built for these groups.
    pub fn text(&self, group: usize, rule: usize) -> Option<&str> {
        let start = *self.starts.get(group)? as usize;
        let end = self
            .starts
            .get(group + 1)
            .map_or(self.texts.len(), |e| *e as usize);
        if start + rule >= end {
            return None;
        }
        Some(&self.distinct[self.texts.get(start + rule)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_label_reads_naturally() {
        let mut rule = Rule::new(
            None,
            Grant {
                direction: Direction::Ingress,
                protocol: "tcp".into(),
                from_port: Some(22),
                to_port: Some(22),
                peer: Peer::Ipv4("0.0.0.0/0".into()),
                description: "".into(),
                risk: Risk::None,
                risk_reason: Default::default(),
            },
        );
        assert_eq!(rule.ports_label(), "22");
        rule.grant_mut().to_port = Some(25);
        assert_eq!(rule.ports_label(), "22-25");
        rule.grant_mut().protocol = "all".into();
        assert_eq!(rule.ports_label(), "all");
    }

    /// 100,000 rules in 40,000 groups: each byte of a rule is 100 KB held (issue #16).
    #[test]
    fn rules_and_groups_stay_small() {
        assert!(
            size_of::<Rule>() <= 32,
            "a rule is {} bytes",
            size_of::<Rule>()
        );
        let group = size_of::<SecurityGroup>();
        assert!(group <= 96, "a group is {group} bytes");
    }

    /// 100,000 rules say a few hundred things: each is held once, and a rule changed alone
    /// (an action's rehearsal, the risk model's verdict) changes no other.
    #[test]
    fn rules_that_let_the_same_through_share_one_grant_and_a_change_copies_it() {
        let mut data = crate::source::demo::security_groups(3);
        let mut alone = data.clone();
        data.share_texts();
        crate::risk::assess(&mut data);
        crate::risk::assess(&mut alone);
        assert_eq!(data, alone, "sharing changes no rule and no verdict");
        let rules: Vec<&Rule> = data.groups.iter().flat_map(|g| g.rules.iter()).collect();
        let mut grants: Vec<*const Grant> =
            rules.iter().map(|r| r.grant() as *const Grant).collect();
        grants.sort();
        grants.dedup();
        assert!(
            grants.len() * 2 < rules.len(),
            "{} rules hold {} grants",
            rules.len(),
            grants.len()
        );
        let (a, b) = rules
            .iter()
            .enumerate()
            .find_map(|(i, a)| {
                let b = rules[i + 1..].iter().find(|b| a.shares_grant_with(b))?;
                Some(((*a).clone(), (*b).clone()))
            })
            .expect("two rules sharing a grant");
        let mut changed = a.clone();
        changed.grant_mut().description = "changed".into();
        assert_eq!(a.grant().description, b.grant().description);
        assert_ne!(changed.grant().description, b.grant().description);
        assert!(a.shares_grant_with(&b) && !changed.shares_grant_with(&b));
    }

    #[test]
    fn text_indexes_are_two_bytes_up_to_65536_texts_and_four_beyond() {
        let wide: Vec<u32> = vec![0, 65_535, 7];
        let narrow = TextIndexes::of(wide.clone(), 65_536);
        assert!(matches!(narrow, TextIndexes::Narrow(_)));
        let beyond = TextIndexes::of(vec![0, 65_536, 7], 65_537);
        assert!(matches!(beyond, TextIndexes::Wide(_)));
        assert_eq!(
            (0..3).map(|i| narrow.get(i)).collect::<Vec<_>>(),
            [Some(0), Some(65_535), Some(7)]
        );
        assert_eq!(beyond.get(1), Some(65_536));
        assert_eq!((narrow.len(), narrow.get(3)), (3, None));
    }

    #[test]
    fn the_search_index_reads_back_each_rules_text() {
        let data = crate::source::demo::security_groups(2);
        let search = RuleSearch::build(&data.groups);
        let mut buf = String::new();
        for (i, g) in data.groups.iter().enumerate() {
            for (j, r) in g.rules.iter().enumerate() {
                lower_joined(&mut buf, &r.search_fields(&r.ports_label()));
                assert_eq!(search.text(i, j), Some(buf.as_str()), "{} rule {j}", g.id);
            }
            assert_eq!(search.text(i, g.rules.len()), None);
        }
        assert_eq!(search.text(data.groups.len(), 0), None);
    }

    #[test]
    fn groups_and_rules_that_say_the_same_share_their_texts_and_keep_them() {
        use crate::model::text_pool::tests::copies_and_texts;
        let data = crate::source::demo::security_groups(3);
        let mut shared = data.clone();
        shared.share_texts();
        assert_eq!(shared, data, "sharing changes no text");
        let rules: Vec<&Rule> = shared.groups.iter().flat_map(|g| &g.rules).collect();
        let (copies, texts) = copies_and_texts(&rules, |r| &r.grant().protocol);
        assert_eq!(copies, texts);
        let (copies, texts) = copies_and_texts(&rules, |r| &r.grant().description);
        assert_eq!(copies, texts);
        assert!(texts < rules.len() / 2);
        let (copies, texts) = copies_and_texts(&rules, |r| r.grant().peer.as_str());
        assert_eq!(copies, texts);
        let groups: Vec<&SecurityGroup> = shared.groups.iter().collect();
        let (copies, texts) = copies_and_texts(&groups, |g| &g.description);
        assert_eq!(copies, texts);
        let (copies, texts) = copies_and_texts(&groups, |g| &g.place.region);
        assert_eq!(copies, texts);
        let (copies, texts) = copies_and_texts(&groups, |g| &g.place.tags[0].1);
        assert_eq!(copies, texts);
        let mut lists: Vec<*const (ArcStr, ArcStr)> =
            groups.iter().map(|g| g.place.tags.as_ptr()).collect();
        lists.sort();
        lists.dedup();
        assert!(
            lists.len() <= 2,
            "groups with the same tags hold {} lists",
            lists.len()
        );
        let mut places: Vec<*const Placement> =
            groups.iter().map(|g| Arc::as_ptr(&g.place)).collect();
        places.sort();
        places.dedup();
        assert!(
            places.len() <= 2,
            "groups in one place hold {} placements",
            places.len()
        );
    }
}
