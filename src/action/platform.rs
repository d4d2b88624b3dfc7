//! The ML platform as its actions see it: SageMaker notebooks, endpoints, model packages and
//! their groups, jobs, and the S3 buckets and ECR repositories that hold artifacts and images.
//! Every platform action changes one *setting* of one resource (a notebook's state, an
//! endpoint's config, a package's approval, a policy): read before, written by a step, read
//! back after, written back by a restore. Pure types and decisions; the reads and writes are
//! the `Platform` trait's (AWS in `action/aws/platform.rs`, the demo in `rehearsal.rs`).

use super::documents::same_document;
use crate::model::SourceError;
use futures::future::BoxFuture;

pub use crate::model::{
    Aspect, EndpointInfo, JobInfo, JobKind, NotebookInfo, PackageInfo, Reading, Resource, Served,
    Setting, VariantWeight,
};

/// A call's answer, later.
pub type Answer<'a, T> = BoxFuture<'a, Result<T, SourceError>>;

impl Setting {
    pub fn aspect(&self) -> Aspect {
        match self {
            Setting::Status { .. } => Aspect::Status,
            Setting::NotebookAccess { .. } => Aspect::NotebookAccess,
            Setting::EndpointConfig { .. } => Aspect::EndpointConfig,
            Setting::Weights { .. } => Aspect::Weights,
            Setting::Approval { .. } => Aspect::Approval,
            Setting::Policy { .. } => Aspect::Policy,
        }
    }

    /// The same in effect: policies by their parsed JSON (ECR and S3 reformat the text).
    pub fn same(&self, other: &Setting) -> bool {
        match (self, other) {
            (Setting::Policy { document: Some(a) }, Setting::Policy { document: Some(b) }) => {
                same_document(a, b)
            }
            _ => self == other,
        }
    }

    pub fn status(status: &str) -> Setting {
        Setting::Status {
            status: status.to_string(),
        }
    }
}

impl Reading {
    pub fn settled(setting: Setting) -> Reading {
        Reading {
            state: String::new(),
            setting,
            moving_to: None,
        }
    }

    /// Where it will be: the setting it moves to, else the one it has.
    pub fn heading(&self) -> &Setting {
        self.moving_to.as_ref().unwrap_or(&self.setting)
    }
}

/// The platform's reads and writes, for the actions on it.
pub trait Platform: Send + Sync {
    fn notebook<'a>(&'a self, name: &'a str) -> Answer<'a, Option<NotebookInfo>>;
    /// A lifecycle configuration's scripts (OnCreate and OnStart), decoded.
    fn lifecycle_script<'a>(&'a self, name: &'a str) -> Answer<'a, Option<String>>;
    fn endpoint<'a>(&'a self, name: &'a str) -> Answer<'a, Option<EndpointInfo>>;
    /// What each variant of an endpoint config serves; `None`: no such config.
    fn endpoint_config<'a>(&'a self, name: &'a str) -> Answer<'a, Option<Vec<Served>>>;
    fn model_package<'a>(&'a self, arn: &'a str) -> Answer<'a, Option<PackageInfo>>;
    /// The job of each kind with this name.
    fn jobs<'a>(&'a self, name: &'a str) -> Answer<'a, Vec<JobInfo>>;
    /// A bucket's, repository's or model group's policy text as the Get call returns it;
    /// `Ok(None)`: it has none. Err NotFound-like when the resource is not there.
    fn resource_policy<'a>(&'a self, resource: &'a Resource) -> Answer<'a, Option<String>>;
    /// Whether the bucket, repository or model group exists.
    fn exists<'a>(&'a self, resource: &'a Resource) -> Answer<'a, bool>;
    /// The IAM role (ARN with its path) the actions run as, when they run as a role.
    fn responder_arn(&self) -> Answer<'_, Option<String>>;
    /// The execution roles of the models whose artifacts are in the bucket.
    fn bucket_readers<'a>(&'a self, bucket: &'a str) -> Answer<'a, Vec<String>>;
    /// The configs the endpoint ran, oldest first, as CloudTrail's CreateEndpoint and
    /// UpdateEndpoint events tell them (the last is the one it runs, or is updating to).
    fn endpoint_history<'a>(&'a self, name: &'a str) -> Answer<'a, Vec<String>>;
    /// The account the repository's registry belongs to.
    fn repository_account<'a>(&'a self, name: &'a str) -> Answer<'a, Option<String>>;
    /// Writes one setting: the call that changes it.
    fn write_setting<'a>(&'a self, resource: &'a Resource, setting: &'a Setting) -> Answer<'a, ()>;
}

/// Reads one setting of a resource; `None` when the resource is not there.
pub async fn read_setting(
    p: &dyn Platform,
    resource: &Resource,
    aspect: Aspect,
) -> Result<Option<Reading>, crate::model::SourceError> {
    Ok(match (resource, aspect) {
        (Resource::Notebook { name }, Aspect::Status) => {
            p.notebook(name).await?.map(|n| notebook_status(&n.status))
        }
        (Resource::Notebook { name }, Aspect::NotebookAccess) => p.notebook(name).await?.map(|n| {
            Reading::settled(Setting::NotebookAccess {
                root_access: n.root_access,
                minimum_imds: n.minimum_imds,
                lifecycle_config: n.lifecycle_config,
            })
        }),
        (Resource::Endpoint { name }, Aspect::EndpointConfig) => {
            p.endpoint(name).await?.map(|e| endpoint_reading(&e))
        }
        (Resource::Endpoint { name }, Aspect::Weights) => {
            p.endpoint(name).await?.map(|e| Reading {
                state: e.status.clone(),
                setting: Setting::Weights { weights: e.weights },
                moving_to: None,
            })
        }
        (Resource::ModelPackage { arn }, Aspect::Approval) => {
            p.model_package(arn).await?.map(|m| {
                Reading::settled(Setting::Approval {
                    status: m.status,
                    description: m.description,
                })
            })
        }
        (Resource::Job { kind, name }, Aspect::Status) => p
            .jobs(name)
            .await?
            .into_iter()
            .find(|j| j.kind == *kind)
            .map(|j| job_status(&j.status)),
        (r, Aspect::Policy) => match p.exists(r).await? {
            false => None,
            true => Some(Reading::settled(Setting::Policy {
                document: p.resource_policy(r).await?,
            })),
        },
        _ => None,
    })
}

/// A notebook's status: `Stopping` heads to `Stopped`, `Pending` to `InService`.
pub fn notebook_status(status: &str) -> Reading {
    let moving_to = match status {
        "Stopping" => Some("Stopped"),
        "Pending" | "Updating" => Some(if status == "Pending" {
            "InService"
        } else {
            "Stopped"
        }),
        _ => None,
    };
    Reading {
        state: status.to_string(),
        setting: Setting::status(status),
        moving_to: moving_to.map(Setting::status),
    }
}

fn job_status(status: &str) -> Reading {
    Reading {
        state: status.to_string(),
        setting: Setting::status(status),
        moving_to: (status == "Stopping").then(|| Setting::status("Stopped")),
    }
}

/// An endpoint's config, and the one an update is deploying.
pub fn endpoint_reading(e: &EndpointInfo) -> Reading {
    Reading {
        state: e.status.clone(),
        setting: Setting::EndpointConfig {
            config: e.config.clone(),
        },
        moving_to: match (&e.pending_config, e.status.as_str()) {
            (Some(c), "Updating" | "SystemUpdating") => {
                Some(Setting::EndpointConfig { config: c.clone() })
            }
            _ => None,
        },
    }
}

/// The step's line in a plan: what the write does, in words.
pub fn describe_write(resource: &Resource, setting: &Setting) -> String {
    match (resource, setting) {
        (Resource::Notebook { name }, Setting::Status { status }) if status == "Stopped" => {
            format!("stop notebook instance {name}")
        }
        (Resource::Notebook { name }, Setting::Status { .. }) => {
            format!("start notebook instance {name} (its lifecycle OnStart script runs)")
        }
        (Resource::Job { kind, name }, _) => format!("stop {} job {name}", kind.as_str()),
        (
            Resource::Notebook { name },
            Setting::NotebookAccess {
                root_access,
                minimum_imds,
                lifecycle_config,
            },
        ) => format!(
            "set notebook instance {name}: root access {root_access}, minimum IMDS version {minimum_imds}, {}",
            match lifecycle_config {
                Some(c) => format!("lifecycle config {c}"),
                None => "no lifecycle config".to_string(),
            }
        ),
        (r, Setting::EndpointConfig { config }) => {
            format!("update {} to endpoint config {config}", r.label())
        }
        (r, Setting::Weights { weights }) => format!(
            "set the variant weights of {}: {}",
            r.label(),
            weights
                .iter()
                .map(|w| format!("{} {}", w.variant, w.weight))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (r, Setting::Approval { status, .. }) => {
            format!("set the approval of {} to {status}", r.label())
        }
        (r, Setting::Policy { document: Some(d) }) => format!(
            "put the resource policy of {}: {}",
            r.label(),
            super::documents::summary(d)
        ),
        (r, Setting::Policy { document: None }) => {
            format!("delete the resource policy of {}", r.label())
        }
        (r, s) => format!("set {} of {}", s.aspect().words(), r.label()),
    }
}

/// The policy without the statements secdash added (their `Sid` starts `Secdash`); `None`
/// when it has none of them.
pub fn without_secdash_statements(document: &str) -> Option<String> {
    let mut doc: serde_json::Value = serde_json::from_str(document).ok()?;
    let statements = doc.get_mut("Statement")?.as_array_mut()?;
    let before = statements.len();
    statements.retain(|s| {
        !s.get("Sid")
            .and_then(|v| v.as_str())
            .is_some_and(|sid| sid.starts_with(SECDASH_SID))
    });
    (statements.len() != before).then(|| doc.to_string())
}

/// The first letters of the `Sid` of every statement secdash adds to a resource policy.
pub const SECDASH_SID: &str = "Secdash";

/// The largest bucket policy S3 takes (20 KB); a fence that would pass it is refused.
pub const BUCKET_POLICY_LIMIT: usize = 20 * 1024;

/// The `Sid` of a statement secdash adds for an incident: `Secdash`, what it does, and the
/// incident's letters and digits (a `Sid` takes nothing else).
pub fn secdash_sid(what: &str, incident: &str) -> String {
    let id: String = incident
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("{}{what}{id}", SECDASH_SID)
}

/// Whether a policy already carries a statement secdash added.
pub fn has_secdash_statement(document: &str) -> bool {
    without_secdash_statements(document).is_some()
}

/// The policy with one more statement; a new policy when there was none. `Err`: the current
/// policy is not a JSON policy secdash can add to.
pub fn with_statement(
    current: Option<&str>,
    statement: serde_json::Value,
) -> Result<String, String> {
    let mut doc = match current {
        Some(text) => serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| format!("its policy is not JSON ({e})"))?,
        None => serde_json::json!({"Version": "2012-10-17", "Statement": []}),
    };
    let Some(obj) = doc.as_object_mut() else {
        return Err("its policy is not a JSON object".into());
    };
    let statements = obj
        .entry("Statement")
        .or_insert_with(|| serde_json::json!([]));
    // A single statement may be written without the list.
    if statements.is_object() {
        *statements = serde_json::json!([statements.clone()]);
    }
    let Some(list) = statements.as_array_mut() else {
        return Err("its policy's Statement is neither a list nor a statement".into());
    };
    list.push(statement);
    Ok(doc.to_string())
}

/// The principals a fence or a quarantine leaves access to, as `aws:PrincipalArn` matches
/// them.
pub fn exempt_condition(exempt: &[String]) -> serde_json::Value {
    serde_json::json!({"StringNotLike": {"aws:PrincipalArn": exempt}})
}

/// What writing this setting back re-arms, in words (`None`: nothing).
pub fn rearms(resource: &Resource, setting: &Setting) -> Option<String> {
    match (resource, setting) {
        (Resource::Notebook { name }, Setting::Status { status }) if status == "InService" => {
            Some(format!(
                "starts notebook instance {name}: its lifecycle OnStart script runs again, and whoever used it can again"
            ))
        }
        (
            Resource::Notebook { name },
            Setting::NotebookAccess {
                lifecycle_config: Some(c),
                ..
            },
        ) => Some(format!(
            "re-attaches lifecycle config {c} to notebook instance {name}: its script runs at the next start"
        )),
        (Resource::Endpoint { name }, Setting::EndpointConfig { config }) => Some(format!(
            "re-deploys endpoint config {config} on endpoint {name}: the model it serves answers again"
        )),
        (Resource::ModelPackage { arn }, Setting::Approval { status, .. })
            if status == "Approved" =>
        {
            Some(format!(
                "re-approves model package {arn}: an approval may trigger a deployment pipeline"
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_arn_names_its_kind() {
        assert_eq!(
            JobKind::from_arn("arn:aws:sagemaker:eu-west-1:111122223333:training-job/fit-7"),
            Some((JobKind::Training, "fit-7".into()))
        );
        assert_eq!(
            JobKind::from_arn("arn:aws:sagemaker:eu-west-1:1:transform-job/batch"),
            Some((JobKind::Transform, "batch".into()))
        );
        assert_eq!(JobKind::from_arn("fit-7"), None);
    }

    #[test]
    fn policies_are_the_same_when_their_json_is() {
        let a = Setting::Policy {
            document: Some(r#"{"Version":"2012-10-17","Statement":[]}"#.into()),
        };
        let b = Setting::Policy {
            document: Some("{\n  \"Statement\" : [ ],\n  \"Version\" : \"2012-10-17\"\n}".into()),
        };
        assert!(a.same(&b));
        assert!(!a.same(&Setting::Policy { document: None }));
    }

    #[test]
    fn a_statement_is_added_to_the_policy_or_to_a_new_one() {
        let st = serde_json::json!({"Sid": secdash_sid("Fence", "INC-7"), "Effect": "Deny"});
        let new = with_statement(None, st.clone()).unwrap();
        assert!(new.contains(r#""Sid":"SecdashFenceINC7""#), "{new}");
        let one = r#"{"Version":"2012-10-17","Statement":{"Sid":"Old","Effect":"Allow"}}"#;
        let both = with_statement(Some(one), st).unwrap();
        let v: serde_json::Value = serde_json::from_str(&both).unwrap();
        assert_eq!(v["Statement"].as_array().unwrap().len(), 2, "{both}");
        assert!(has_secdash_statement(&both));
        assert!(!has_secdash_statement(one));
        assert!(with_statement(Some("not json"), serde_json::json!({})).is_err());
    }

    #[test]
    fn a_stopping_notebook_heads_to_stopped() {
        let r = notebook_status("Stopping");
        assert_eq!(r.heading(), &Setting::status("Stopped"));
        assert_eq!(notebook_status("InService").moving_to, None);
    }

    #[test]
    fn an_updating_endpoint_heads_to_its_pending_config() {
        let r = endpoint_reading(&EndpointInfo {
            status: "Updating".into(),
            config: "cfg-b".into(),
            pending_config: Some("cfg-a".into()),
            weights: vec![],
            desired_weights: vec![],
        });
        assert_eq!(
            r.heading(),
            &Setting::EndpointConfig {
                config: "cfg-a".into()
            }
        );
    }
}
