//! `quarantine-image`: deny every principal but the responder the pulling of images from an
//! ECR repository (ECR's policies cannot name a tag, so the whole repository is quarantined);
//! restore puts back the policy it had, or deletes it.

use super::settle::{self, Change};
use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::Plan;
use crate::action::platform::{
    Resource, Setting, exempt_condition, has_secdash_statement, secdash_sid, with_statement,
};
use crate::model::PaneId;
use futures::future::BoxFuture;

pub struct QuarantineImage;

/// The quarantine: image pulls denied to all but `exempt`.
pub fn statement(exempt: &[String], incident: &str) -> serde_json::Value {
    serde_json::json!({
        "Sid": secdash_sid("Quarantine", incident),
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "Condition": exempt_condition(exempt),
    })
}

/// A repository named as an image URI (`ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME:TAG`): its
/// account and name; a bare name is the account's own.
pub fn parse(repository: &str) -> (Option<String>, String) {
    let no_tag = repository.split_once('@').map_or(repository, |(r, _)| r);
    match no_tag.split_once(".dkr.ecr.") {
        Some((account, rest)) => {
            let name = rest.split_once('/').map_or(rest, |(_, n)| n);
            let name = name.rsplit_once(':').map_or(name, |(n, _)| n);
            (Some(account.to_string()), name.to_string())
        }
        None => (None, no_tag.to_string()),
    }
}

pub fn change(
    name: &str,
    current: Option<&str>,
    exempt: &[String],
    incident: &str,
) -> Result<Change, ActionError> {
    let refuse = |why: String| ActionError::Refused(format!("repository {name}: {why}"));
    if current.is_some_and(has_secdash_statement) {
        return Err(refuse(
            "its policy already has a secdash statement (quarantined already?): restore it first"
                .into(),
        ));
    }
    let quarantined = with_statement(current, statement(exempt, incident)).map_err(refuse)?;
    Ok(Change {
        resource: Resource::Repository {
            name: name.to_string(),
        },
        before: Setting::Policy {
            document: current.map(str::to_string),
        },
        after: Setting::Policy {
            document: Some(quarantined),
        },
        subject: format!(
            "ECR repository {name}: {}",
            match current {
                Some(p) => crate::action::documents::summary(p),
                None => "no repository policy".into(),
            }
        ),
        notes: vec![
            format!(
                "ECR's policies cannot name a tag: every image in {name} stops being pulled by every principal but {}.",
                exempt.join(", ")
            ),
            "Endpoints and jobs already running keep the image they pulled; a new instance (scale-out, a deployment, a job) fails to start.".into(),
        ],
        evidence: None,
        confirm_by_hand: None,
    })
}

pub static KEY: Intent = Intent {
    name: "quarantine_image",
    keys: &["Q"],
    help: "quarantine the repository of the model's image",
};

impl ActionSpec for QuarantineImage {
    fn verb(&self) -> &'static str {
        "quarantine-image"
    }
    fn about(&self) -> &'static str {
        "Quarantine an ECR repository: no one but the responder pulls its images (restore puts its policy back)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("quarantined")
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Endpoints, PaneId::Sagemaker]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let (name, from) = match row {
            Row::Endpoint(e) => (e.name.clone(), super::fence_bucket::FROM_ENDPOINT),
            Row::Platform(i) if i.kind == crate::model::PlatformKind::ModelVersion => {
                (i.id.clone(), super::fence_bucket::FROM_PACKAGE)
            }
            _ => return None,
        };
        Some(Ok(Target::Platform(super::PlatformTarget {
            name,
            detail: Some(from.into()),
            allow: vec![],
        })))
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
        cmd.arg(arg(
            "repository",
            "REPOSITORY",
            "The repository's name, or an image URI in it.",
        ))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Platform(super::PlatformTarget::named(value(args, "repository")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let t = settle::platform_target(target)?;
            let named = match t.detail.as_deref() {
                Some(
                    from @ (super::fence_bucket::FROM_ENDPOINT | super::fence_bucket::FROM_PACKAGE),
                ) => {
                    let served = super::fence_bucket::served_by(ex, &t.name, from).await?;
                    let repositories = served
                        .iter()
                        .map(|(_, image)| {
                            let (account, name) = parse(image);
                            match account {
                                Some(a) => format!("{a}.dkr.ecr.x.amazonaws.com/{name}"),
                                None => name,
                            }
                        })
                        .collect();
                    super::fence_bucket::the_one(
                        repositories,
                        "image repository",
                        &t.name,
                        "quarantine-image",
                    )?
                }
                _ => t.name.clone(),
            };
            let (named_account, name) = parse(&named);
            let exempt = super::fence_bucket::exempt(ex, &[]).await?;
            let own = exempt[0].split(':').nth(4).unwrap_or_default().to_string();
            let registry = ex.cloud().repository_account(&name).await?;
            let account = named_account.or(registry.clone());
            match (&registry, account) {
                (_, Some(a)) if a != own => {
                    return Err(ActionError::Refused(format!(
                        "repository {name} is in account {a}, not this one ({own}): secdash quarantines only the platform's own repositories (an AWS-owned one, as the Deep Learning Containers', is not yours to fence)"
                    )));
                }
                (None, _) => {
                    return Err(ActionError::NotFound(format!(
                        "ECR knows no repository {name} in this account"
                    )));
                }
                _ => {}
            }
            let resource = Resource::Repository { name: name.clone() };
            let current = ex.cloud().resource_policy(&resource).await?;
            Ok(change(&name, current.as_deref(), &exempt, ex.incident())?.plan(self.kind(), ex))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_uri_names_its_account_and_repository() {
        assert_eq!(
            parse("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-gpu"),
            (Some("763104351884".into()), "pytorch-inference".into())
        );
        assert_eq!(
            parse("studyai/llama3-serving"),
            (None, "studyai/llama3-serving".into())
        );
        assert_eq!(
            parse("1.dkr.ecr.r.amazonaws.com/a/b@sha256:00"),
            (Some("1".into()), "a/b".into())
        );
    }
}
