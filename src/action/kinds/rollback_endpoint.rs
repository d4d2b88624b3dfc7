//! `rollback-endpoint`: update an endpoint to an earlier endpoint config: the one named with
//! `--to`, else the one it ran before its last change (from the journal, else CloudTrail's
//! CreateEndpoint and UpdateEndpoint events). Restore updates it back to the config it
//! replaced.

use super::settle::{self, Change};
use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::{Before, Plan, Step};
use crate::action::platform::{Resource, Served, Setting};
use crate::model::PaneId;
use futures::future::BoxFuture;

pub struct RollbackEndpoint;

/// Where the config to roll back to came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Proposed {
    /// The operator named it (`--to`).
    Named,
    /// The journal: the config a secdash change replaced.
    Journal(String),
    /// CloudTrail's events: a guess a person must confirm.
    Trail,
}

/// The config the endpoint ran before its last change: the one a journalled change to it
/// replaced, if the config it runs now is the one that change wrote.
pub fn from_journal(journal: &JournalRead, endpoint: &str, now: &str) -> Option<(String, String)> {
    journal.entries().iter().rev().find_map(|e| {
        let plan = e.plan.as_ref()?;
        let Before::Setting {
            resource: Resource::Endpoint { name },
            setting: Setting::EndpointConfig { config: before },
            ..
        } = &plan.before
        else {
            return None;
        };
        let wrote = plan.steps.iter().find_map(|s| match s {
            Step::Write {
                setting: Setting::EndpointConfig { config },
                ..
            } => Some(config),
            _ => None,
        })?;
        (name == endpoint && wrote == now && before != now)
            .then(|| (before.clone(), e.entry.clone()))
    })
}

/// The config before the last change in CloudTrail's history (oldest first).
pub fn from_history(history: &[String], now: &str) -> Option<String> {
    let mut configs: Vec<&String> = history.iter().collect();
    configs.dedup();
    match configs.iter().rposition(|c| *c == now) {
        Some(i) if i > 0 => Some(configs[i - 1].clone()),
        _ => None,
    }
}

/// The rollback of `endpoint` from `now` to `to`: the plan names both configs' models and
/// artifacts.
pub fn change(
    endpoint: &str,
    now: (&str, &[Served]),
    to: (&str, &[Served]),
    proposed: &Proposed,
) -> Change {
    let lines = |served: &[Served]| -> String {
        served
            .iter()
            .map(Served::line)
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut notes = vec![
        format!("Answers after it: {} ({})", to.0, lines(to.1)),
        "The endpoint stays in service while it updates (SageMaker shifts traffic once the new variant is healthy): that takes minutes.".to_string(),
    ];
    let confirm_by_hand = match proposed {
        Proposed::Named => None,
        Proposed::Journal(entry) => {
            notes.push(format!(
                "{} is the config journal entry {entry} replaced.",
                to.0
            ));
            None
        }
        Proposed::Trail => {
            notes.push(format!(
                "{} is the config the endpoint ran before its last change, as CloudTrail's UpdateEndpoint events tell it: check it is the one you trust, or name one with --to.",
                to.0
            ));
            Some(format!(
                "the config to roll back to ({}) was proposed from CloudTrail, not named",
                to.0
            ))
        }
    };
    Change {
        resource: Resource::Endpoint {
            name: endpoint.to_string(),
        },
        before: Setting::EndpointConfig {
            config: now.0.to_string(),
        },
        after: Setting::EndpointConfig {
            config: to.0.to_string(),
        },
        subject: format!("endpoint {endpoint}: config {} ({})", now.0, lines(now.1)),
        notes,
        evidence: None,
        confirm_by_hand,
    }
}

pub static KEY: Intent = Intent {
    name: "rollback_endpoint",
    keys: &["B"],
    help: "roll the endpoint back to its previous config",
};

impl ActionSpec for RollbackEndpoint {
    fn verb(&self) -> &'static str {
        "rollback-endpoint"
    }
    fn about(&self) -> &'static str {
        "Roll an endpoint back to an earlier endpoint config (restore updates it back)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("rolled back")
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Endpoints]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let Row::Endpoint(e) = row else {
            return None;
        };
        Some(Ok(Target::Platform(super::PlatformTarget::named(&e.name))))
    }
    fn destructive(&self) -> bool {
        true
    }
    fn pane(&self) -> PaneId {
        PaneId::Endpoints
    }
    fn refresh(&self) -> &'static [PaneId] {
        &[PaneId::Endpoints]
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg("name", "NAME", "The endpoint's name."))
            .arg(
                clap::Arg::new("to")
                    .long("to")
                    .value_name("CONFIG")
                    .help("The endpoint config to roll back to (default: the one it ran before its last change, from the journal or CloudTrail)."),
            )
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Platform(super::PlatformTarget {
            name: value(args, "name"),
            detail: args.get_one::<String>("to").cloned(),
            allow: vec![],
        })
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let t = settle::platform_target(target)?;
            let name = &t.name;
            let e = settle::endpoint_in_service(ex, name, "it can be rolled back").await?;
            let (to, proposed) = match &t.detail {
                Some(to) => (to.clone(), Proposed::Named),
                None => match from_journal(journal, name, &e.config) {
                    Some((to, entry)) => (to, Proposed::Journal(entry)),
                    None => {
                        let history = ex.cloud().endpoint_history(name).await?;
                        let to = from_history(&history, &e.config).ok_or_else(|| {
                            ActionError::NotFound(format!(
                                "no earlier config of endpoint {name} is known (neither the journal nor CloudTrail's last 90 days tell one): name it with --to CONFIG"
                            ))
                        })?;
                        (to, Proposed::Trail)
                    }
                },
            };
            if to == e.config {
                return Err(ActionError::Refused(format!(
                    "endpoint {name} already runs endpoint config {to}: nothing to do"
                )));
            }
            let now_served = ex
                .cloud()
                .endpoint_config(&e.config)
                .await?
                .unwrap_or_default();
            let to_served = ex.cloud().endpoint_config(&to).await?.ok_or_else(|| {
                ActionError::NotFound(format!("SageMaker knows no endpoint config {to} here"))
            })?;
            Ok(
                change(name, (&e.config, &now_served), (&to, &to_served), &proposed)
                    .plan(self.kind(), ex),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_before_the_last_change_is_proposed() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            from_history(&h(&["a", "b", "c"]), "c"),
            Some("b".to_string())
        );
        // Rolled back once already (a → b → a): before the last change it ran b.
        assert_eq!(from_history(&h(&["a", "b", "a"]), "a"), Some("b".into()));
        assert_eq!(from_history(&h(&["a"]), "a"), None);
        assert_eq!(from_history(&h(&[]), "a"), None);
    }
}
