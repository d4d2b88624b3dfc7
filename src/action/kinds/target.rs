//! What an action acts on, typed: a group id is never taken for a user name. Each id keeps
//! the text AWS (or the operator) gave it.

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> $name {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

id!(
    /// A security group (`sg-…`).
    GroupId
);
id!(
    /// A security group rule (`sgr-…`).
    RuleId
);
id!(
    /// A GuardDuty finding.
    FindingId
);
id!(
    /// An IAM access key (`AKIA…`).
    AccessKeyId
);
id!(
    /// An IAM user's name.
    UserName
);
id!(
    /// An IAM role's name or ARN.
    RoleName
);
id!(
    /// A journal entry, or a resource whose changes still in effect a restore undoes.
    Undoable
);

/// What a containment moves to an isolation group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainTarget {
    /// Every interface of an instance (`i-…`).
    Instance(String),
    /// One network interface (`eni-…`).
    Interface(String),
}

impl ContainTarget {
    /// An instance or an interface, told by its id; anything else is not one.
    pub fn parse(id: &str) -> Option<ContainTarget> {
        if id.starts_with("i-") {
            Some(ContainTarget::Instance(id.to_string()))
        } else if id.starts_with("eni-") {
            Some(ContainTarget::Interface(id.to_string()))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ContainTarget::Instance(id) | ContainTarget::Interface(id) => id,
        }
    }
}

/// A platform resource as the operator named it, with what the verb's options add: a
/// rollback's `--to` config, a drain's variant, a job's `--kind`; a fence's `--allow` roles.
/// Each kind's plan reads what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformTarget {
    pub name: String,
    pub detail: Option<String>,
    pub allow: Vec<String>,
}

impl PlatformTarget {
    pub fn named(name: impl Into<String>) -> PlatformTarget {
        PlatformTarget {
            name: name.into(),
            detail: None,
            allow: vec![],
        }
    }
}

/// The target of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Group(GroupId),
    Rule(GroupId, RuleId),
    Contain(ContainTarget),
    Finding(FindingId),
    AccessKey(AccessKeyId),
    User(UserName),
    Role(RoleName),
    Undo(Undoable),
    Platform(PlatformTarget),
}

impl Target {
    /// The id the operator named (a rule's group for a revoke), as plans show it.
    pub fn id(&self) -> &str {
        match self {
            Target::Group(g) | Target::Rule(g, _) => g.as_str(),
            Target::Contain(c) => c.as_str(),
            Target::Finding(f) => f.as_str(),
            Target::AccessKey(k) => k.as_str(),
            Target::User(u) => u.as_str(),
            Target::Role(r) => r.as_str(),
            Target::Undo(u) => u.as_str(),
            Target::Platform(p) => &p.name,
        }
    }
}
