//! `isolate`: revoke every ingress and egress rule of a security group.

use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::aws::dry_run_verdict;
use crate::action::executor::{ActionError, Executor, same_rules};
use crate::action::journal::JournalRead;
use crate::action::plan::{Before, Plan, RuleSpec, Step};
use crate::model::{PaneId, SubjectKind};
use futures::future::BoxFuture;
use std::collections::HashMap;

pub struct Isolate;

pub static KEY: Intent = Intent {
    name: "isolate",
    keys: &["x"],
    help: "isolate the group",
};

/// Revokes every rule, in and out.
pub fn plan(group_id: &str, vpc_id: Option<String>, rules: &[RuleSpec], region: &str) -> Plan {
    let mut steps = Vec::new();
    if !rules.is_empty() {
        steps.push(Step::RevokeRules {
            group_id: group_id.to_string(),
            rules: rules.to_vec(),
        });
    }
    Plan {
        action: Isolate.kind(),
        region: region.to_string(),
        target: group_id.to_string(),
        before: Before::Group {
            group_id: group_id.to_string(),
            vpc_id,
            rules: rules.to_vec(),
        },
        steps,
        notes: vec![
            "Revoking rules does not cut connections that are already tracked; contain the interfaces to cut them."
                .to_string(),
        ],
        dry_run: None,
        confirm_by_hand: None,
        subject: None,
        account: None,
    }
}

impl ActionSpec for Isolate {
    fn verb(&self) -> &'static str {
        "isolate"
    }
    fn about(&self) -> &'static str {
        "Revoke every ingress and egress rule of a security group."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("isolated")
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
        match row {
            Row::Group { group, .. } => Some(Ok(Target::Group(super::GroupId::new(&*group.id)))),
            _ => None,
        }
    }
    fn contains(&self, subject: SubjectKind) -> Option<&'static str> {
        (subject == SubjectKind::SecurityGroup).then_some("isolate the group")
    }
    fn target_of_subject(&self, id: &str) -> Target {
        Target::Group(super::GroupId::new(id))
    }
    fn target_subject(&self, _target: &str) -> Option<SubjectKind> {
        Some(SubjectKind::SecurityGroup)
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg("group_id", "GROUP_ID", "The security group (sg-…)."))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Group(super::GroupId::new(value(args, "group_id")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let group_id = target.id();
            let (vpc, rules) = ex.cloud().read_group(group_id).await?;
            let mut p = plan(group_id, vpc, &rules, ex.cloud().region());
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
            match same_rules(rules, &now) {
                true => Ok(()),
                false => Err(ex.stale(plan, "its rules are not those planned")),
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
        Box::pin(async move { revoked(ex, plan).await })
    }
}

/// Every rule the plan revoked is gone (EC2 raises no error for a revoke that matched nothing).
pub(super) async fn revoked(ex: &Executor, plan: &Plan) -> Result<bool, ActionError> {
    let Before::Group {
        group_id, rules, ..
    } = &plan.before
    else {
        return Ok(false);
    };
    let (_, now) = ex.cloud().read_group(group_id).await?;
    Ok(rules.iter().all(|r| !now.iter().any(|n| n.same_grant(r))))
}
