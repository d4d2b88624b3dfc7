//! `reject-model`: set a model package version's approval to Rejected, with a description
//! naming the incident (restore puts back the status and description it had).

use super::settle::{self, Change};
use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::Plan;
use crate::action::platform::{PackageInfo, Resource, Setting};
use crate::model::PaneId;
use futures::future::BoxFuture;

pub struct RejectModel;

/// Rejects one version: endpoints already serving it keep doing so, and the plan says so.
pub fn change(arn: &str, p: &PackageInfo, incident: &str) -> Change {
    Change {
        resource: Resource::ModelPackage {
            arn: arn.to_string(),
        },
        before: Setting::Approval {
            status: p.status.clone(),
            description: p.description.clone(),
        },
        after: Setting::Approval {
            status: "Rejected".into(),
            description: Some(format!("Rejected by secdash for incident {incident}")),
        },
        subject: format!(
            "model package {arn}: group {}, version {}, {}, image {}, artifact {}",
            p.group,
            p.version.map(|v| v.to_string()).unwrap_or_else(|| "?".into()),
            p.status,
            if p.image.is_empty() { "unknown" } else { &p.image },
            if p.artifact.is_empty() { "unknown" } else { &p.artifact },
        ),
        notes: vec![
            "Endpoints already deployed from this version keep serving it: roll them back with rollback-endpoint.".into(),
            "A pipeline that deploys approved versions stops taking it; one that deploys the latest version of the group does not look at approval.".into(),
        ],
        evidence: None,
        confirm_by_hand: None,
    }
}

pub static KEY: Intent = Intent {
    name: "reject_model",
    keys: &["X"],
    help: "reject the model version",
};

impl ActionSpec for RejectModel {
    fn verb(&self) -> &'static str {
        "reject-model"
    }
    fn about(&self) -> &'static str {
        "Reject a model package version, naming the incident (restore puts its approval back)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("rejected")
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Sagemaker]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let i = super::platform_row(row, &[crate::model::PlatformKind::ModelVersion])?;
        Some(Ok(Target::Platform(super::PlatformTarget::named(&i.id))))
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
        cmd.arg(arg(
            "package_arn",
            "PACKAGE_ARN",
            "The model package version's ARN (…:model-package/GROUP/VERSION).",
        ))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Platform(super::PlatformTarget::named(value(args, "package_arn")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let arn = &settle::platform_target(target)?.name;
            let p = ex.cloud().model_package(arn).await?.ok_or_else(|| {
                ActionError::NotFound(format!("SageMaker knows no model package {arn} here"))
            })?;
            if p.status == "Rejected" {
                return Err(ActionError::Refused(format!(
                    "model package {arn} is already rejected: nothing to do"
                )));
            }
            Ok(change(arn, &p, ex.incident()).plan(self.kind(), ex))
        })
    }
}
