//! Plans: exactly what an action will change, worked out from the state read before it. Pure:
//! the executor reads, these functions decide, the executor acts.

use crate::model::{Direction, Grant, Peer, Risk, Rule};
use serde::{Deserialize, Serialize};

pub use crate::model::{KeyStatus, Principal};

/// Which action: its command-line verb (`disable-key`), as the journal and JSON name it. What
/// each action is and does is its entry in the registry (`action::kinds`); a verb a newer
/// secdash wrote reads here too, and is known to none.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionKind(&'static str);

impl ActionKind {
    /// The kind of this verb (the registry's entries name theirs so).
    pub fn named(verb: &str) -> ActionKind {
        ActionKind(intern(verb))
    }

    pub fn verb(self) -> &'static str {
        self.0
    }

    /// A restore undoes journalled actions: the journal and the executor treat it apart.
    pub fn is_restore(self) -> bool {
        self.0 == "restore"
    }
}

impl std::fmt::Debug for ActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for ActionKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for ActionKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ActionKind, D::Error> {
        let verb = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(ActionKind::named(&verb))
    }
}

/// Each verb's text kept once for the process: a kind is a copyable name however many
/// journal records name it (the verbs are the registry's, and a few a newer secdash wrote).
fn intern(verb: &str) -> &'static str {
    static VERBS: std::sync::OnceLock<std::sync::Mutex<Vec<&'static str>>> =
        std::sync::OnceLock::new();
    let verbs = VERBS.get_or_init(Default::default);
    let Ok(mut verbs) = verbs.lock() else {
        return "unknown";
    };
    if let Some(v) = verbs.iter().find(|v| **v == verb) {
        return v;
    }
    let v: &'static str = Box::leak(verb.to_string().into_boxed_str());
    verbs.push(v);
    v
}

/// A rule as it can be re-authorised exactly: protocol, ports, one peer, description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    pub rule_id: Option<String>,
    pub direction: Direction,
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: Peer,
    pub description: String,
}

impl RuleSpec {
    pub fn from_rule(r: &Rule) -> RuleSpec {
        RuleSpec {
            rule_id: r.id.as_ref().map(ToString::to_string),
            direction: r.grant().direction,
            protocol: r.grant().protocol.to_string(),
            from_port: r.grant().from_port,
            to_port: r.grant().to_port,
            peer: r.grant().peer.clone(),
            description: r.grant().description.to_string(),
        }
    }

    /// The rule as the risk model reads it (not yet assessed).
    pub fn to_rule(&self) -> Rule {
        Rule::new(
            self.rule_id.as_deref().map(Into::into),
            Grant {
                direction: self.direction,
                protocol: self.protocol.as_str().into(),
                from_port: self.from_port,
                to_port: self.to_port,
                peer: self.peer.clone(),
                description: self.description.as_str().into(),
                risk: Risk::None,
                risk_reason: Default::default(),
            },
        )
    }

    /// Same traffic allowed: ids and descriptions aside.
    pub fn same_grant(&self, other: &RuleSpec) -> bool {
        let ports = |r: &RuleSpec| {
            if r.protocol == "all" {
                (None, None)
            } else {
                (r.from_port, r.to_port)
            }
        };
        self.direction == other.direction
            && self.protocol == other.protocol
            && ports(self) == ports(other)
            && self.peer == other.peer
    }

    pub fn label(&self) -> String {
        let desc = if self.description.is_empty() {
            String::new()
        } else {
            format!(" \"{}\"", self.description)
        };
        // Shown on screen and printed: cleaned (the rule itself keeps its exact text).
        crate::sanitize::clean(&format!("{}{desc}", self.to_rule().grant_label()))
    }
}

/// A group named by id, or by the name it will be found or created under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum GroupRef {
    Id(String),
    Named(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupRole {
    /// Allows all traffic both ways, so tracked connections become untracked.
    Temporary,
    /// No rules at all.
    Isolation,
}

/// One mutating call (or a few of one kind), in the order they run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    RevokeRules {
        group_id: String,
        rules: Vec<RuleSpec>,
    },
    AuthorizeRules {
        group_id: String,
        rules: Vec<RuleSpec>,
    },
    EnsureGroup {
        name: String,
        vpc_id: String,
        role: GroupRole,
    },
    SetInterfaceGroups {
        interface_id: String,
        groups: Vec<GroupRef>,
    },
    DeleteGroup {
        group: GroupRef,
    },
    /// Deletes a group left behind by a containment that stopped part-way, if it is still there.
    DeleteGroupNamed {
        name: String,
        vpc_id: String,
    },
    Tag {
        resource_id: String,
        key: String,
        value: String,
    },
    Untag {
        resource_id: String,
        key: String,
    },
    ArchiveFindings {
        detector_id: String,
        finding_ids: Vec<String>,
    },
    UnarchiveFindings {
        detector_id: String,
        finding_ids: Vec<String>,
    },
    SetAccessKeyStatus {
        user: String,
        access_key_id: String,
        status: KeyStatus,
    },
    /// Creates or replaces an inline policy with exactly this document.
    PutInlinePolicy {
        principal: Principal,
        policy_name: String,
        document: String,
    },
    DeleteInlinePolicy {
        principal: Principal,
        policy_name: String,
    },
    /// Writes one setting of a platform resource (a notebook's state, a policy).
    Write {
        resource: super::platform::Resource,
        setting: super::platform::Setting,
    },
}

impl Step {
    /// One line for the confirmation dialog and the journal listing, cleaned for a terminal.
    pub fn describe(&self) -> Vec<String> {
        self.lines()
            .iter()
            .map(|l| crate::sanitize::clean(l))
            .collect()
    }

    fn lines(&self) -> Vec<String> {
        match self {
            Step::RevokeRules { group_id, rules } => rules
                .iter()
                .map(|r| format!("revoke on {group_id}: {}", r.label()))
                .collect(),
            Step::AuthorizeRules { group_id, rules } => rules
                .iter()
                .map(|r| format!("re-authorise on {group_id}: {}", r.label()))
                .collect(),
            Step::EnsureGroup { name, vpc_id, role } => vec![match role {
                GroupRole::Temporary => format!(
                    "create temporary group {name} in {vpc_id} allowing all traffic both ways"
                ),
                GroupRole::Isolation => {
                    format!("use isolation group {name} in {vpc_id} (created if missing, no rules)")
                }
            }],
            Step::SetInterfaceGroups {
                interface_id,
                groups,
            } => vec![format!(
                "set the groups of {interface_id} to [{}]",
                groups
                    .iter()
                    .map(|g| match g {
                        GroupRef::Id(i) => i.clone(),
                        GroupRef::Named(n) => n.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
            Step::DeleteGroup { group } => vec![format!(
                "delete group {}",
                match group {
                    GroupRef::Id(i) => i,
                    GroupRef::Named(n) => n,
                }
            )],
            Step::DeleteGroupNamed { name, vpc_id } => {
                vec![format!("delete group {name} in {vpc_id}, left behind")]
            }
            Step::Tag {
                resource_id,
                key,
                value,
            } => vec![format!("tag {resource_id} {key}={value}")],
            Step::Untag { resource_id, key } => {
                vec![format!("remove tag {key} from {resource_id}")]
            }
            Step::ArchiveFindings { finding_ids, .. } => finding_ids
                .iter()
                .map(|f| format!("archive finding {f}"))
                .collect(),
            Step::UnarchiveFindings { finding_ids, .. } => finding_ids
                .iter()
                .map(|f| format!("unarchive finding {f}"))
                .collect(),
            Step::SetAccessKeyStatus {
                user,
                access_key_id,
                status,
            } => vec![match status {
                KeyStatus::Inactive => {
                    format!("deactivate access key {access_key_id} of user {user}")
                }
                KeyStatus::Active => {
                    format!("activate access key {access_key_id} of user {user} again")
                }
            }],
            Step::PutInlinePolicy {
                principal,
                policy_name,
                document,
            } => vec![format!(
                "put inline policy {policy_name} on {principal}: {}",
                super::documents::summary(document)
            )],
            Step::DeleteInlinePolicy {
                principal,
                policy_name,
            } => vec![format!(
                "delete inline policy {policy_name} from {principal}"
            )],
            Step::Write { resource, setting } => {
                vec![super::platform::describe_write(resource, setting)]
            }
        }
    }
}

/// What the target looked like before: all a restore needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Before {
    Group {
        group_id: String,
        vpc_id: Option<String>,
        rules: Vec<RuleSpec>,
    },
    Interfaces {
        interfaces: Vec<InterfaceBefore>,
    },
    Finding {
        detector_id: String,
        finding_id: String,
        archived: bool,
    },
    AccessKey {
        user: String,
        access_key_id: String,
        status: KeyStatus,
    },
    /// The inline policy of that name before (`None`: there was none), exactly as IAM had it.
    InlinePolicy {
        principal: Principal,
        policy_name: String,
        document: Option<String>,
        /// A role's maximum session duration: how long sessions issued before a revocation
        /// stay valid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_session_secs: Option<i32>,
    },
    /// A platform resource's setting before (a notebook's state, a bucket's policy).
    Setting {
        resource: super::platform::Resource,
        setting: super::platform::Setting,
        /// What the change removes that an investigator will want (a lifecycle script).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    /// A restore of one entry (journals before the chain of entries was restored whole).
    Entry {
        entry: String,
    },
    /// A restore records the entries it undoes, oldest first.
    Entries {
        entries: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterfaceBefore {
    pub interface_id: String,
    pub vpc_id: String,
    pub groups: Vec<String>,
    pub instance_id: Option<String>,
}

/// Everything that will change, as the operator confirms it and the journal keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub action: ActionKind,
    pub region: String,
    pub target: String,
    pub before: Before,
    pub steps: Vec<Step>,
    /// Things the operator must know (tracked connections, what a step cannot undo).
    pub notes: Vec<String>,
    /// EC2's DryRun answer: permissions checked before anything changes.
    pub dry_run: Option<String>,
    /// What the target is, in words, for the operator to check it is the one meant (a
    /// finding's type and title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The account of several it acts in (through that account's responder role); `None`
    /// is the credentials' own account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<crate::model::AccountRef>,
    /// Why a person must read this plan before it runs (`--yes` is refused): secdash proposed
    /// its target from a guess, as a rollback's config from CloudTrail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_by_hand: Option<String>,
}

impl Plan {
    /// The account it acts in, for the operator to check: "staging (222222222222)", or the
    /// credentials' own (`own`).
    pub fn account_shown(&self, own: Option<&str>) -> String {
        match &self.account {
            Some(a) => format!("{} ({})", a.name, a.id),
            None => own.unwrap_or("?").to_string(),
        }
    }

    /// Rules this plan opens again that the risk model flags (medium and worse), worst first,
    /// in words: a restore can re-open what an isolation closed. Then what a restore of the
    /// platform re-arms: a notebook started runs its OnStart, a config re-deployed serves the
    /// suspect model again, a model re-approved may be deployed.
    pub fn risks(&self) -> Vec<String> {
        let ctx = &crate::risk::NetworkContext::default();
        let mut found: Vec<(Risk, String)> = self
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::AuthorizeRules { group_id, rules } => Some((group_id, rules)),
                _ => None,
            })
            .flat_map(|(group_id, rules)| {
                rules.iter().filter_map(move |r| {
                    let (risk, why) = crate::risk::classify(&r.to_rule(), ctx);
                    (risk >= Risk::Medium).then(|| {
                        let text = format!(
                            "re-opens on {group_id}: {} ({}: {why})",
                            r.label(),
                            risk.label()
                        );
                        (risk, crate::sanitize::clean(&text))
                    })
                })
            })
            .collect();
        found.sort_by_key(|(risk, _)| std::cmp::Reverse(*risk));
        let mut out: Vec<String> = found.into_iter().map(|(_, t)| t).collect();
        if self.action.is_restore() {
            out.extend(self.steps.iter().filter_map(|s| match s {
                Step::Write { resource, setting } => {
                    super::platform::rearms(resource, setting).map(|t| crate::sanitize::clean(&t))
                }
                _ => None,
            }));
        }
        out
    }
}

pub const CONTAIN_TAG: &str = "secdash:contained";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::kinds::contain::plan as contain;
    use crate::action::kinds::isolate::plan as isolate;
    use crate::action::kinds::revoke::plan as revoke;
    use crate::action::restore::{Current, restore};

    fn rule(id: &str, dir: Direction, port: i32, cidr: &str, desc: &str) -> RuleSpec {
        RuleSpec {
            rule_id: Some(id.into()),
            direction: dir,
            protocol: "tcp".into(),
            from_port: Some(port),
            to_port: Some(port),
            peer: Peer::Ipv4(cidr.into()),
            description: desc.into(),
        }
    }

    fn rules() -> Vec<RuleSpec> {
        vec![
            rule("sgr-1", Direction::Ingress, 22, "0.0.0.0/0", "SSH"),
            rule("sgr-2", Direction::Ingress, 443, "0.0.0.0/0", "HTTPS"),
            RuleSpec {
                protocol: "all".into(),
                from_port: None,
                to_port: None,
                ..rule("sgr-3", Direction::Egress, 0, "0.0.0.0/0", "")
            },
        ]
    }

    #[test]
    fn isolate_revokes_every_rule_in_and_out() {
        let p = isolate("sg-1", Some("vpc-1".into()), &rules(), "ap-southeast-1");
        assert_eq!(p.steps.len(), 1);
        let Step::RevokeRules { rules: r, .. } = &p.steps[0] else {
            panic!()
        };
        assert_eq!(r.len(), 3);
        let lines: Vec<String> = p.steps.iter().flat_map(Step::describe).collect();
        assert_eq!(lines[0], "revoke on sg-1: in tcp 22 from 0.0.0.0/0 \"SSH\"");
        assert_eq!(lines[2], "revoke on sg-1: out all traffic to 0.0.0.0/0");
    }

    #[test]
    fn isolating_a_group_without_rules_changes_nothing() {
        assert!(isolate("sg-1", None, &[], "r").steps.is_empty());
    }

    #[test]
    fn revoke_finds_the_rule_by_id() {
        let p = revoke("sg-1", None, &rules(), "sgr-2", "r").unwrap();
        let Before::Group { rules: r, .. } = &p.before else {
            panic!()
        };
        assert_eq!(r[0].from_port, Some(443));
        assert!(revoke("sg-1", None, &rules(), "sgr-9", "r").is_none());
    }

    #[test]
    fn contain_goes_through_the_temporary_group_first() {
        let ifs = vec![InterfaceBefore {
            interface_id: "eni-1".into(),
            vpc_id: "vpc-1".into(),
            groups: vec!["sg-a".into(), "sg-b".into()],
            instance_id: Some("i-1".into()),
        }];
        let p = contain("i-1", &ifs, "INC-7", "r");
        let order: Vec<String> = p.steps.iter().flat_map(Step::describe).collect();
        let temp = order
            .iter()
            .position(|l| l.contains("set the groups of eni-1 to [secdash-contain-temp"))
            .unwrap();
        let iso = order
            .iter()
            .position(|l| l.contains("set the groups of eni-1 to [secdash-isolation"))
            .unwrap();
        assert!(temp < iso, "{order:#?}");
        assert!(order.iter().any(|l| l == "tag i-1 secdash:contained=INC-7"));
        assert!(
            order
                .iter()
                .any(|l| l.starts_with("delete group secdash-contain-temp"))
        );
        // Restore puts the interface back on its groups, whatever step was reached.
        let r = restore(
            ActionKind::named("restore"),
            "e2",
            &p,
            &Current::Interfaces(vec![("eni-1".into(), vec!["sg-iso".into()])]),
        );
        assert_eq!(
            r.steps[0],
            Step::SetInterfaceGroups {
                interface_id: "eni-1".into(),
                groups: vec![GroupRef::Id("sg-a".into()), GroupRef::Id("sg-b".into())]
            }
        );
    }

    #[test]
    fn rule_identity_ignores_ids_and_descriptions() {
        let a = rules()[0].clone();
        let b = RuleSpec {
            rule_id: None,
            description: "other".into(),
            ..a.clone()
        };
        assert!(a.same_grant(&b));
        assert!(!a.same_grant(&rules()[1]));
    }
}
