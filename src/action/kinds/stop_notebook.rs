//! `stop-notebook`: stop a SageMaker notebook instance (restore starts it again).

use super::settle::{self, Change};
use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::Plan;
use crate::action::platform::{NotebookInfo, Resource, Setting};
use crate::model::PaneId;
use futures::future::BoxFuture;

pub struct StopNotebook;

/// Stops an in-service notebook: the plan says what stopping destroys and what it does not cut.
pub fn change(name: &str, n: &NotebookInfo) -> Change {
    let mut notes = vec![
        "Stopping destroys what is only in the notebook's memory (running kernels, their variables, credentials they hold): capture it first if the investigation needs it.".to_string(),
        format!(
            "A Jupyter session already open is cut by deny-user or revoke-sessions on its role {} as well: IAM is checked on every request to the notebook.",
            n.role_arn
        ),
    ];
    if let Some(c) = &n.lifecycle_config {
        notes.push(format!(
            "A restore starts it again, and its lifecycle config {c} runs its OnStart script: harden-notebook detaches it first."
        ));
    }
    Change {
        resource: Resource::Notebook {
            name: name.to_string(),
        },
        before: Setting::status(&n.status),
        after: Setting::status("Stopped"),
        subject: format!(
            "notebook instance {name}: {}, {}, role {}, root access {}, IMDS minimum v{}, lifecycle config {}, direct internet {}",
            n.status,
            n.instance_type,
            n.role_arn,
            n.root_access,
            n.minimum_imds,
            n.lifecycle_config.as_deref().unwrap_or("none"),
            n.direct_internet_access
        ),
        notes,
        evidence: None,
        confirm_by_hand: None,
    }
}

pub static KEY: Intent = Intent {
    name: "stop_notebook",
    keys: &["P"],
    help: "stop the notebook",
};

impl ActionSpec for StopNotebook {
    fn verb(&self) -> &'static str {
        "stop-notebook"
    }
    fn about(&self) -> &'static str {
        "Stop a SageMaker notebook instance (restore starts it again)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("stopped")
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Sagemaker]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let i = super::platform_row(row, &[crate::model::PlatformKind::Notebook])?;
        Some(Ok(Target::Platform(super::PlatformTarget::named(&i.id))))
    }
    fn destructive(&self) -> bool {
        true
    }
    fn pane(&self) -> PaneId {
        PaneId::Sagemaker
    }
    fn refresh(&self) -> &'static [PaneId] {
        &[PaneId::Sagemaker]
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg("name", "NAME", "The notebook instance's name."))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Platform(super::PlatformTarget::named(value(args, "name")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let name = &settle::platform_target(target)?.name;
            let n = ex.cloud().notebook(name).await?.ok_or_else(|| {
                ActionError::NotFound(format!("SageMaker knows no notebook instance {name} here"))
            })?;
            let c = change(name, &n);
            let now = crate::action::platform::notebook_status(&n.status);
            settle::refuse_if_already(&c.resource, &now, &c.after, "stopped")?;
            if n.status != "InService" {
                return Err(ActionError::Refused(format!(
                    "notebook instance {name} is {}: only an InService notebook can be stopped",
                    crate::sanitize::clean(&n.status)
                )));
            }
            Ok(c.plan(self.kind(), ex))
        })
    }
}
