//! `revoke`: revoke one rule of a security group.

use super::{ActionSpec, GroupId, Intent, Row, RuleId, Target, arg, value};
use crate::action::aws::dry_run_verdict;
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::{Before, Plan, RuleSpec, Step};
use crate::action::restore::missing_rules;
use crate::model::{PaneId, SubjectKind};
use futures::future::BoxFuture;
use std::collections::HashMap;

pub struct Revoke;

pub static KEY: Intent = Intent {
    name: "revoke_rule",
    keys: &["D"],
    help: "revoke the rule",
};

/// Revokes the one rule of that id (`None`: the group has no such rule).
pub fn plan(
    group_id: &str,
    vpc_id: Option<String>,
    rules: &[RuleSpec],
    rule_id: &str,
    region: &str,
) -> Option<Plan> {
    let rule = rules
        .iter()
        .find(|r| r.rule_id.as_deref() == Some(rule_id))?;
    Some(Plan {
        action: Revoke.kind(),
        region: region.to_string(),
        target: group_id.to_string(),
        before: Before::Group {
            group_id: group_id.to_string(),
            vpc_id,
            rules: vec![rule.clone()],
        },
        steps: vec![Step::RevokeRules {
            group_id: group_id.to_string(),
            rules: vec![rule.clone()],
        }],
        notes: vec![
            "Connections already tracked through this rule stay open until they end.".to_string(),
        ],
        dry_run: None,
        confirm_by_hand: None,
        subject: None,
        account: None,
    })
}

impl ActionSpec for Revoke {
    fn verb(&self) -> &'static str {
        "revoke"
    }
    fn about(&self) -> &'static str {
        "Revoke one rule of a security group."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("rule revoked")
    }
    fn destructive(&self) -> bool {
        true
    }
    fn pane(&self) -> PaneId {
        PaneId::SecurityGroups
    }
    fn refresh(&self) -> &'static [PaneId] {
        &[PaneId::SecurityGroups]
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::SecurityGroups]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let Row::Group { group, rule } = row else {
            return None;
        };
        Some(
            rule.ok_or_else(|| "select a rule".to_string())
                .and_then(|r| {
                    r.id.clone()
                        .ok_or_else(|| "this rule has no id to revoke it by".to_string())
                })
                .map(|id| Target::Rule(GroupId::new(&*group.id), RuleId::new(&*id))),
        )
    }
    fn target_subject(&self, _target: &str) -> Option<SubjectKind> {
        Some(SubjectKind::SecurityGroup)
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg("group_id", "GROUP_ID", "The security group (sg-…)."))
            .arg(arg(
                "rule_id",
                "RULE_ID",
                "The rule (sgr-…), as `secdash --once --format json` or the rule's details show it.",
            ))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Rule(
            GroupId::new(value(args, "group_id")),
            RuleId::new(value(args, "rule_id")),
        )
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let Target::Rule(group_id, rule_id) = target else {
                return Err(ActionError::NotFound(format!(
                    "revoke takes a group and a rule, not {}",
                    target.id()
                )));
            };
            let (group_id, rule_id) = (group_id.as_str(), rule_id.as_str());
            let (vpc, rules) = ex.cloud().read_group(group_id).await?;
            let mut p =
                plan(group_id, vpc, &rules, rule_id, ex.cloud().region()).ok_or_else(|| {
                    ActionError::NotFound(format!("{group_id} has no rule {rule_id}"))
                })?;
            if let Some(Step::RevokeRules { group_id, rules }) = p.steps.first() {
                p.dry_run = Some(dry_run_verdict(
                    ex.cloud().revoke(group_id, rules, true).await,
                ));
            }
            Ok(p)
        })
    }
    fn still_current<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
    ) -> BoxFuture<'a, Result<(), ActionError>> {
        Box::pin(async move {
            let Before::Group {
                group_id, rules, ..
            } = &plan.before
            else {
                return Ok(());
            };
            let (_, now) = ex.cloud().read_group(group_id).await?;
            match missing_rules(rules, &now).is_empty() {
                true => Ok(()),
                false => Err(ex.stale(plan, "the rule is gone")),
            }
        })
    }
    fn verify<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        plan: &'a Plan,
        _groups: &'a HashMap<String, String>,
    ) -> BoxFuture<'a, Result<bool, ActionError>> {
        Box::pin(async move { super::isolate::revoked(ex, plan).await })
    }
}
