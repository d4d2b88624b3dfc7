//! `fence-bucket`: deny every principal but the responder (and `--allow`ed roles) the objects
//! of an artifact bucket, by adding one statement to its policy (restore puts back the policy
//! it had, byte for byte, or deletes it if there was none).

use super::settle::{self, Change};
use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::Plan;
use crate::action::platform::{
    BUCKET_POLICY_LIMIT, Resource, Setting, exempt_condition, has_secdash_statement, secdash_sid,
    with_statement,
};
use crate::model::PaneId;
use futures::future::BoxFuture;

pub struct FenceBucket;

/// A target's `detail` when a key on a row named what serves the model, not the bucket: the
/// bucket (or the image's repository) is read from it at plan time.
pub const FROM_ENDPOINT: &str = "from-endpoint";
pub const FROM_PACKAGE: &str = "from-model-package";

/// The bucket of an `s3://bucket/key` artifact.
pub fn bucket_of(artifact: &str) -> Option<&str> {
    artifact
        .strip_prefix("s3://")?
        .split('/')
        .next()
        .filter(|b| !b.is_empty())
}

/// What the endpoint (its current config) or the model version serves: artifacts and images.
pub async fn served_by(
    ex: &Executor,
    name: &str,
    from: &str,
) -> Result<Vec<(String, String)>, ActionError> {
    if from == FROM_PACKAGE {
        let p = ex.cloud().model_package(name).await?.ok_or_else(|| {
            ActionError::NotFound(format!("SageMaker knows no model package {name} here"))
        })?;
        return Ok(vec![(p.artifact, p.image)]);
    }
    let e =
        ex.cloud().endpoint(name).await?.ok_or_else(|| {
            ActionError::NotFound(format!("SageMaker knows no endpoint {name} here"))
        })?;
    let served = ex
        .cloud()
        .endpoint_config(&e.config)
        .await?
        .unwrap_or_default();
    Ok(served.into_iter().map(|s| (s.artifact, s.image)).collect())
}

/// The one value a row's served models agree on, or why not.
pub fn the_one(
    values: Vec<String>,
    what: &str,
    name: &str,
    verb: &str,
) -> Result<String, ActionError> {
    let mut values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
    values.sort();
    values.dedup();
    match values.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(ActionError::NotFound(format!(
            "{name} names no {what} secdash can read"
        ))),
        several => Err(ActionError::Refused(format!(
            "{name} uses several: {}; type :{verb} with the one to act on",
            several.join(", ")
        ))),
    }
}

/// The fence: object reads, writes and deletes denied to all but `exempt`. The bucket-policy
/// actions are not denied, so a restore can never be locked out.
pub fn statement(bucket: &str, exempt: &[String], incident: &str) -> serde_json::Value {
    serde_json::json!({
        "Sid": secdash_sid("Fence", incident),
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*"],
        "Resource": format!("arn:aws:s3:::{bucket}/*"),
        "Condition": exempt_condition(exempt),
    })
}

/// The fence of `bucket` over its current policy, or why not.
pub fn change(
    bucket: &str,
    current: Option<&str>,
    exempt: &[String],
    readers: &[String],
    incident: &str,
) -> Result<Change, ActionError> {
    let refuse = |why: String| ActionError::Refused(format!("bucket {bucket}: {why}"));
    if current.is_some_and(has_secdash_statement) {
        return Err(refuse(
            "its policy already has a secdash statement (fenced already?): restore it first, or edit it by hand".into(),
        ));
    }
    let fenced = with_statement(current, statement(bucket, exempt, incident)).map_err(refuse)?;
    if fenced.len() > BUCKET_POLICY_LIMIT {
        return Err(refuse(format!(
            "the fenced policy would be {} bytes, over S3's limit of {BUCKET_POLICY_LIMIT}: nothing was changed",
            fenced.len()
        )));
    }
    let mut notes = vec![format!(
        "Every principal but {} loses s3:GetObject*, s3:PutObject* and s3:DeleteObject* on its objects, in every account; the bucket-policy actions stay allowed, so a restore cannot be locked out.",
        exempt.join(", ")
    )];
    if readers.is_empty() {
        notes.push("No SageMaker model here loads its artifact from this bucket.".into());
    } else {
        notes.push(format!(
            "SageMaker execution roles that read it lose access too: {}. Endpoints keep serving what they loaded, but scaling out, a new deployment or a restart fails to load the model.",
            readers.join(", ")
        ));
    }
    notes.push(match current {
        Some(_) => "Its current policy is kept: the fence is one statement added to it.".into(),
        None => "It has no bucket policy now: a restore deletes the one the fence puts.".into(),
    });
    Ok(Change {
        resource: Resource::Bucket {
            name: bucket.to_string(),
        },
        before: Setting::Policy {
            document: current.map(str::to_string),
        },
        after: Setting::Policy {
            document: Some(fenced),
        },
        subject: format!(
            "bucket {bucket}: {}",
            match current {
                Some(p) => crate::action::documents::summary(p),
                None => "no bucket policy".into(),
            }
        ),
        notes,
        evidence: None,
        confirm_by_hand: None,
    })
}

pub static KEY: Intent = Intent {
    name: "fence_bucket",
    keys: &["F"],
    help: "fence the bucket of the model's artifact",
};

impl ActionSpec for FenceBucket {
    fn verb(&self) -> &'static str {
        "fence-bucket"
    }
    fn about(&self) -> &'static str {
        "Fence an artifact bucket: only the responder and --allow'ed roles keep its objects (restore puts its policy back)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("fenced")
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Endpoints, PaneId::Sagemaker]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        // The bucket is read at plan time, from what the endpoint or the version serves.
        let (name, from) = match row {
            Row::Endpoint(e) => (e.name.clone(), FROM_ENDPOINT),
            Row::Platform(i) if i.kind == crate::model::PlatformKind::ModelVersion => {
                (i.id.clone(), FROM_PACKAGE)
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
        cmd.arg(arg("bucket", "BUCKET", "The bucket's name.")).arg(
            clap::Arg::new("allow")
                .long("allow")
                .value_name("ARN")
                .action(clap::ArgAction::Append)
                .help("A role (or user) ARN that keeps access besides the responder; repeat for several."),
        )
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Platform(super::PlatformTarget {
            name: value(args, "bucket"),
            detail: None,
            allow: args
                .get_many::<String>("allow")
                .map(|v| v.cloned().collect())
                .unwrap_or_default(),
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
            let bucket = match t.detail.as_deref() {
                Some(from @ (FROM_ENDPOINT | FROM_PACKAGE)) => {
                    let artifacts = served_by(ex, &t.name, from).await?;
                    let buckets = artifacts
                        .iter()
                        .filter_map(|(a, _)| bucket_of(a).map(str::to_string))
                        .collect();
                    the_one(buckets, "artifact bucket", &t.name, "fence-bucket")?
                }
                _ => t.name.clone(),
            };
            let t = &super::PlatformTarget {
                name: bucket,
                ..t.clone()
            };
            let resource = Resource::Bucket {
                name: t.name.clone(),
            };
            if !ex.cloud().exists(&resource).await? {
                return Err(ActionError::NotFound(format!(
                    "there is no bucket {} this account can read",
                    t.name
                )));
            }
            let exempt = exempt(ex, &t.allow).await?;
            let current = ex.cloud().resource_policy(&resource).await?;
            let readers = ex.cloud().bucket_readers(&t.name).await?;
            Ok(change(
                &t.name,
                current.as_deref(),
                &exempt,
                &readers,
                ex.incident(),
            )?
            .plan(self.kind(), ex))
        })
    }
}

/// The responder (as IAM names it, with its path) and the `--allow`ed ARNs: who keeps access.
pub async fn exempt(ex: &Executor, allow: &[String]) -> Result<Vec<String>, ActionError> {
    let responder = ex.cloud().responder_arn().await?.ok_or_else(|| {
        ActionError::Refused(
            "secdash cannot tell which role it acts as, so it cannot keep itself out of the deny: nothing was done".into(),
        )
    })?;
    for a in allow {
        if !a.starts_with("arn:") {
            return Err(ActionError::Refused(format!(
                "--allow takes an ARN (arn:aws:iam::ACCOUNT:role/NAME), not {a:?}"
            )));
        }
    }
    let mut out = vec![responder];
    out.extend(allow.iter().cloned());
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fence_denies_objects_only_to_all_but_the_exempt() {
        let st = statement(
            "models",
            &["arn:aws:iam::1:role/ops/secdash-responder".into()],
            "INC-9",
        );
        assert_eq!(st["Principal"], "*");
        assert_eq!(st["Sid"], "SecdashFenceINC9");
        let actions = st["Action"].to_string();
        assert!(
            !actions.contains("Policy"),
            "never the policy actions: {actions}"
        );
        assert_eq!(
            st["Condition"]["StringNotLike"]["aws:PrincipalArn"][0],
            "arn:aws:iam::1:role/ops/secdash-responder"
        );
    }

    #[test]
    fn a_fence_over_s3s_limit_or_on_a_fenced_bucket_is_refused() {
        let big = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Sid": "Big", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "x".repeat(BUCKET_POLICY_LIMIT)}]
        })
        .to_string();
        let e = change("b", Some(&big), &["arn:r".into()], &[], "I")
            .err()
            .unwrap();
        assert!(e.to_string().contains("over S3's limit"), "{e}");
        let fenced = change("b", None, &["arn:r".into()], &[], "I").unwrap();
        let Setting::Policy {
            document: Some(doc),
        } = &fenced.after
        else {
            panic!()
        };
        let e = change("b", Some(doc), &["arn:r".into()], &[], "J")
            .err()
            .unwrap();
        assert!(
            e.to_string().contains("already has a secdash statement"),
            "{e}"
        );
    }
}
