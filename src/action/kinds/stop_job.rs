//! `stop-job`: stop a SageMaker training, processing or transform job. One-way: a stopped job
//! cannot be resumed, so the journal keeps it and no restore undoes it.

use super::settle::{self, Change};
use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::Plan;
use crate::action::platform::{JobInfo, JobKind, Resource, Setting};
use crate::model::PaneId;
use futures::future::BoxFuture;

pub struct StopJob;

/// The one job a name, an ARN or `--kind` names among those found; or why not.
pub fn which(name: &str, kind: Option<JobKind>, found: &[JobInfo]) -> Result<JobInfo, ActionError> {
    let matching: Vec<&JobInfo> = found
        .iter()
        .filter(|j| kind.is_none_or(|k| j.kind == k))
        .collect();
    match matching.as_slice() {
        [] => Err(ActionError::NotFound(format!(
            "SageMaker knows no {}job {name} here",
            kind.map(|k| format!("{} ", k.as_str())).unwrap_or_default()
        ))),
        [one] => Ok((*one).clone()),
        several => Err(ActionError::Refused(format!(
            "{name} names several jobs ({}): give --kind training|processing|transform, or the job's ARN",
            several
                .iter()
                .map(|j| format!("a {} job", j.kind.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

pub fn change(job: &JobInfo) -> Change {
    Change {
        resource: Resource::Job {
            kind: job.kind,
            name: job.name.clone(),
        },
        before: Setting::status(&job.status),
        after: Setting::status("Stopped"),
        subject: format!("{} job {}: {}", job.kind.as_str(), job.name, job.status),
        notes: vec![
            "One-way: a stopped job cannot be resumed, and no restore undoes this; a new job has to be started.".into(),
            "What it wrote so far (checkpoints, partial output) stays where it is: keep it as evidence.".into(),
        ],
        evidence: None,
        confirm_by_hand: None,
    }
}

pub static KEY: Intent = Intent {
    name: "stop_job",
    keys: &["K"],
    help: "stop the job (one-way)",
};

impl ActionSpec for StopJob {
    fn verb(&self) -> &'static str {
        "stop-job"
    }
    fn about(&self) -> &'static str {
        "Stop a SageMaker training, processing or transform job (one-way: nothing resumes it)."
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
        let i = super::platform_row(
            row,
            &[
                crate::model::PlatformKind::TrainingJob,
                crate::model::PlatformKind::ProcessingJob,
                crate::model::PlatformKind::TransformJob,
            ],
        )?;
        let kind = match i.kind {
            crate::model::PlatformKind::TrainingJob => "training",
            crate::model::PlatformKind::ProcessingJob => "processing",
            _ => "transform",
        };
        Some(Ok(Target::Platform(super::PlatformTarget {
            name: i.id.clone(),
            detail: Some(kind.into()),
            allow: vec![],
        })))
    }
    fn destructive(&self) -> bool {
        true
    }
    fn reversible(&self) -> bool {
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
            "job",
            "NAME_OR_ARN",
            "The job's name or ARN (the ARN says its kind).",
        ))
        .arg(
            clap::Arg::new("kind")
                .long("kind")
                .value_name("KIND")
                .value_parser(["training", "processing", "transform"])
                .help("The job's kind, when a name is shared by jobs of several kinds."),
        )
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Platform(super::PlatformTarget {
            name: value(args, "job"),
            detail: args.get_one::<String>("kind").cloned(),
            allow: vec![],
        })
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let t = settle::platform_target(target)?;
            let (kind, name) = match JobKind::from_arn(&t.name) {
                Some((k, n)) => (Some(k), n),
                None => (t.detail.as_deref().and_then(JobKind::parse), t.name.clone()),
            };
            let job = which(&name, kind, &ex.cloud().jobs(&name).await?)?;
            if job.status != "InProgress" {
                return Err(ActionError::Refused(format!(
                    "{} job {name} is {}: only a job in progress can be stopped",
                    job.kind.as_str(),
                    crate::sanitize::clean(&job.status)
                )));
            }
            Ok(change(&job).plan(self.kind(), ex))
        })
    }
}
