//! `unshare-model-group`: delete a model package group's resource policy, which shares its
//! versions with other accounts; restore puts the policy back byte for byte.

use super::settle::{self, Change};
use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::Plan;
use crate::action::platform::{Resource, Setting};
use crate::model::PaneId;
use futures::future::BoxFuture;

pub struct UnshareModelGroup;

/// The principals a policy names (`Principal.AWS`, one or a list), in words.
pub fn principals(policy: &str) -> Vec<String> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(policy) else {
        return vec![];
    };
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(a) => a.clone(),
        s @ serde_json::Value::Object(_) => vec![s.clone()],
        _ => vec![],
    };
    let mut out: Vec<String> = statements
        .iter()
        .flat_map(|s| match &s["Principal"] {
            serde_json::Value::String(p) => vec![p.clone()],
            serde_json::Value::Object(o) => o
                .values()
                .flat_map(|v| match v {
                    serde_json::Value::String(p) => vec![p.clone()],
                    serde_json::Value::Array(a) => a
                        .iter()
                        .filter_map(|p| p.as_str().map(str::to_string))
                        .collect(),
                    _ => vec![],
                })
                .collect(),
            _ => vec![],
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

pub fn change(group: &str, policy: &str) -> Change {
    let shared = principals(policy);
    Change {
        resource: Resource::ModelGroup {
            name: group.to_string(),
        },
        before: Setting::Policy {
            document: Some(policy.to_string()),
        },
        after: Setting::Policy { document: None },
        subject: format!(
            "model package group {group}: shared with {}",
            if shared.is_empty() {
                "no principal secdash can read".to_string()
            } else {
                shared.join(", ")
            }
        ),
        notes: vec![
            "Those principals can no longer describe or deploy its versions; endpoints they already deployed keep serving them.".into(),
            "Restore puts the policy back exactly as it is now.".into(),
        ],
        evidence: None,
        confirm_by_hand: None,
    }
}

pub static KEY: Intent = Intent {
    name: "unshare_model_group",
    keys: &["U"],
    help: "stop sharing the version's model group",
};

impl ActionSpec for UnshareModelGroup {
    fn verb(&self) -> &'static str {
        "unshare-model-group"
    }
    fn about(&self) -> &'static str {
        "Stop sharing a model package group with other accounts (restore shares it again)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("unshared")
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Sagemaker]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let i = super::platform_row(row, &[crate::model::PlatformKind::ModelVersion])?;
        let group = i.group.clone()?;
        Some(Ok(Target::Platform(super::PlatformTarget::named(group))))
    }
    fn destructive(&self) -> bool {
        false
    }
    fn pane(&self) -> PaneId {
        PaneId::Sagemaker
    }
    fn refresh(&self) -> &'static [PaneId] {
        &[PaneId::Sagemaker]
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg("group", "GROUP", "The model package group's name."))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Platform(super::PlatformTarget::named(value(args, "group")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let name = &settle::platform_target(target)?.name;
            let resource = Resource::ModelGroup { name: name.clone() };
            if !ex.cloud().exists(&resource).await? {
                return Err(ActionError::NotFound(format!(
                    "SageMaker knows no model package group {name} here"
                )));
            }
            let policy = ex.cloud().resource_policy(&resource).await?.ok_or_else(|| {
                ActionError::Refused(format!(
                    "model package group {name} has no resource policy: it is shared with no one"
                ))
            })?;
            Ok(change(name, &policy).plan(self.kind(), ex))
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_principals_of_a_policy_are_named() {
        let p = r#"{"Statement":[{"Principal":{"AWS":["arn:aws:iam::2:root","arn:aws:iam::1:root"]}},{"Principal":{"AWS":"arn:aws:iam::1:root"}}]}"#;
        assert_eq!(
            super::principals(p),
            ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]
        );
    }
}
