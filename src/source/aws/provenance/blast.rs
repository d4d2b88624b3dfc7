//! The blast radius of the platform's identities: for each SageMaker execution role (every
//! role SageMaker may assume, and every serving model's), which served artifacts it may
//! overwrite, which training data it may read, and which of the calls that change what
//! answers it may make, as IAM's policy simulator answers (so boundaries and conditions
//! count, and each bucket's own policy is given as the resource policy). Re-read on the
//! checklist's interval.

use super::{Cache, Once, PACKAGES_FOR};
use crate::aws::calls::{Calls, call};
use crate::model::{BlastRadius, SourceError};
use aws_sdk_iam::types::PolicyEvaluationDecisionType;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use crate::model::BLAST_CHANGES as CHANGES;
/// At most this many execution roles are simulated a region (a platform has a handful).
const ROLES: usize = 50;

/// The objects asked about, by bucket.
pub(super) type Buckets = BTreeMap<String, Vec<Object>>;
/// The objects asked about and each bucket's policy.
pub(super) type Objects = (Buckets, BTreeMap<String, Option<String>>);

/// What the blast radii are asked about.
pub(super) struct Asked<'a> {
    /// Served artifacts (`s3://…`) and the roles serving each, by endpoint name.
    pub served: &'a [(String, String, String)],
    /// Training data (`s3://…`).
    pub training: &'a [String],
}

/// One S3 object asked about: its ARN, its `s3://` URL, and whether it is a served artifact
/// (else training data).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Object {
    arn: String,
    url: String,
    artifact: bool,
}

fn arn(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("s3://")?;
    let bucket = rest.split('/').next()?;
    Some((bucket.to_string(), format!("arn:aws:s3:::{rest}")))
}

/// Every role SageMaker may assume, from its trust policy.
async fn execution_roles(
    iam: &aws_sdk_iam::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<String>, SourceError> {
    let slot = {
        let mut c = cache.roles.lock().unwrap_or_else(|e| e.into_inner());
        match &*c {
            Some((at, slot)) if at.elapsed() < PACKAGES_FOR => slot.clone(),
            _ => {
                let slot: Once<Vec<String>> = Once::default();
                *c = Some((Instant::now(), slot.clone()));
                slot
            }
        }
    };
    slot.get_or_try_init(|| async {
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = call(
                calls,
                "iam:ListRoles",
                region,
                profile,
                iam.list_roles()
                    .set_marker(marker.clone())
                    .max_items(1000)
                    .send(),
            )
            .await?;
            for r in page.roles() {
                let trust = r.assume_role_policy_document().unwrap_or_default();
                let trust = percent_decode(trust);
                if trust.contains("sagemaker.amazonaws.com") {
                    out.push(r.arn().to_string());
                }
            }
            marker = page.marker().map(str::to_string);
            if !page.is_truncated() || marker.is_none() {
                return Ok(out);
            }
        }
    })
    .await
    .cloned()
}

/// IAM returns policy documents URL-encoded.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// A bucket's policy (`None`: it has none, or it cannot be read here).
async fn bucket_policy(
    s3: &aws_sdk_s3::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    bucket: &str,
) -> Option<String> {
    let slot = super::fresh(&cache.bucket_policies, bucket.to_string());
    slot.get_or_init(|| async {
        call(
            calls,
            "s3:GetBucketPolicy",
            region,
            profile,
            s3.get_bucket_policy().bucket(bucket).send(),
        )
        .await
        .ok()
        .and_then(|p| p.policy().map(str::to_string))
    })
    .await
    .clone()
}

/// The served artifacts and training data asked about, by bucket, with each bucket's policy.
async fn objects(
    s3: &aws_sdk_s3::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    asked: &Asked<'_>,
) -> Objects {
    // The objects, by bucket.
    let mut by_bucket: BTreeMap<String, Vec<Object>> = BTreeMap::new();
    let served = asked.served.iter().map(|(url, _, _)| (url, true));
    for (url, artifact) in served.chain(asked.training.iter().map(|url| (url, false))) {
        if let Some((bucket, arn)) = arn(url) {
            by_bucket.entry(bucket).or_default().push(Object {
                arn,
                url: url.clone(),
                artifact,
            });
        }
    }
    for list in by_bucket.values_mut() {
        list.sort();
        list.dedup();
    }
    let mut policies = BTreeMap::new();
    for bucket in by_bucket.keys() {
        policies.insert(
            bucket.clone(),
            bucket_policy(s3, calls, cache, region, profile, bucket).await,
        );
    }
    (by_bucket, policies)
}

/// A contained user's or role's blast radius, asked about what the endpoints' chains served
/// when last read (nothing of S3 when they were not read yet).
pub(super) async fn of_principal(
    iam: &aws_sdk_iam::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    principal: &crate::model::Principal,
) -> Result<BlastRadius, SourceError> {
    use crate::model::Principal;
    let (arn, kind) = match principal {
        Principal::User(name) => {
            let u = call(
                calls,
                "iam:GetUser",
                region,
                profile,
                iam.get_user().user_name(name).send(),
            )
            .await?;
            (u.user().map(|u| u.arn().to_string()), "user")
        }
        Principal::Role(name) => {
            let r = call(
                calls,
                "iam:GetRole",
                region,
                profile,
                iam.get_role().role_name(name).send(),
            )
            .await?;
            (r.role().map(|r| r.arn().to_string()), "role")
        }
    };
    let arn =
        arn.ok_or_else(|| SourceError::Other(format!("IAM did not name {principal}'s ARN")))?;
    let (by_bucket, policies) = cache
        .asked
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_default();
    let mut radius = simulate(iam, calls, region, profile, &arn, &by_bucket, &policies).await?;
    radius.kind = kind;
    Ok(radius)
}

/// Each execution role's blast radius, by role ARN.
pub(super) async fn radii(
    (iam, s3): (&aws_sdk_iam::Client, &aws_sdk_s3::Client),
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    asked: Asked<'_>,
) -> Result<HashMap<String, BlastRadius>, SourceError> {
    let mut roles: BTreeSet<String> = asked.served.iter().map(|(_, r, _)| r.clone()).collect();
    roles.extend(
        execution_roles(iam, calls, cache, region, profile)
            .await?
            .into_iter()
            .take(ROLES),
    );
    let (by_bucket, policies) = objects(s3, calls, cache, region, profile, &asked).await;
    // What a contained principal is asked about later (`of_principal`).
    *cache.asked.lock().unwrap_or_else(|e| e.into_inner()) =
        Some((by_bucket.clone(), policies.clone()));
    // The answer depends on the resources asked about: a new served artifact asks again.
    let fingerprint = format!("{by_bucket:?}");
    let mut out = HashMap::new();
    for role in roles {
        let key = (role.clone(), fingerprint.clone());
        let slot = super::fresh(&cache.radii, key);
        let radius = slot
            .get_or_try_init(|| simulate(iam, calls, region, profile, &role, &by_bucket, &policies))
            .await?
            .clone();
        out.insert(role, radius);
    }
    // Who acts as each role.
    for (_, role, endpoint) in asked.served {
        if let Some(r) = out.get_mut(role) {
            r.kind = "endpoint";
            let user = format!("endpoint/{endpoint}");
            if !r.used_by.contains(&user) {
                r.used_by.push(user);
            }
        }
    }
    Ok(out)
}

/// One role: a call for the buckets without a policy and the SageMaker calls, and one per
/// bucket with a policy (the simulator takes one resource policy, for every resource asked).
async fn simulate(
    iam: &aws_sdk_iam::Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    role: &str,
    by_bucket: &Buckets,
    policies: &BTreeMap<String, Option<String>>,
) -> Result<BlastRadius, SourceError> {
    let mut radius = BlastRadius {
        principal: role.to_string(),
        kind: "role",
        ..Default::default()
    };
    let mut batches: Vec<(Vec<&Object>, Option<&String>)> = vec![(vec![], None)];
    for (bucket, resources) in by_bucket {
        match policies.get(bucket).and_then(Option::as_ref) {
            Some(policy) => batches.push((resources.iter().collect(), Some(policy))),
            None => batches[0].0.extend(resources.iter()),
        }
    }
    for (i, (resources, policy)) in batches.iter().enumerate() {
        let mut actions: Vec<String> = vec!["s3:PutObject".into(), "s3:GetObject".into()];
        let mut arns: Vec<String> = resources.iter().map(|o| o.arn.clone()).collect();
        if i == 0 {
            actions.extend(CHANGES.iter().map(|a| a.to_string()));
            arns.push("*".into());
        }
        let by_arn: HashMap<&str, &Object> =
            resources.iter().map(|o| (o.arn.as_str(), *o)).collect();
        let mut marker: Option<String> = None;
        loop {
            let page = call(
                calls,
                "iam:SimulatePrincipalPolicy",
                region,
                profile,
                iam.simulate_principal_policy()
                    .policy_source_arn(role)
                    .set_action_names(Some(actions.clone()))
                    .set_resource_arns(Some(arns.clone()))
                    .set_resource_policy(policy.cloned())
                    .set_marker(marker.clone())
                    .max_items(1000)
                    .send(),
            )
            .await?;
            for e in page.evaluation_results() {
                if *e.eval_decision() != PolicyEvaluationDecisionType::Allowed {
                    continue;
                }
                let action = e.eval_action_name();
                let resource = e.eval_resource_name().unwrap_or("*");
                match (action, by_arn.get(resource)) {
                    ("s3:PutObject", Some(o)) if o.artifact => {
                        radius.can_write_artifacts.push(o.url.clone())
                    }
                    ("s3:GetObject", Some(o)) if !o.artifact => {
                        radius.can_read_training.push(o.url.clone())
                    }
                    (a, None) if resource == "*" && CHANGES.contains(&a) => {
                        radius.can.push(a.to_string())
                    }
                    _ => {}
                }
            }
            marker = page.marker().map(str::to_string);
            if !page.is_truncated() || marker.is_none() {
                break;
            }
        }
    }
    for list in [
        &mut radius.can_write_artifacts,
        &mut radius.can_read_training,
        &mut radius.can,
    ] {
        list.sort();
        list.dedup();
    }
    Ok(radius)
}

/// The SageMaker execution roles, besides `owner`, that IAM's simulator lets write `object_arn`
/// (a HyperPod cluster's lifecycle script: whoever may rewrite it runs code on every node).
pub(super) async fn writers(
    iam: &aws_sdk_iam::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    object_arn: &str,
    owner: &str,
) -> Result<Vec<String>, SourceError> {
    let roles = execution_roles(iam, calls, cache, region, profile).await?;
    let mut out = Vec::new();
    for role in roles.iter().filter(|r| r.as_str() != owner).take(ROLES) {
        let page = call(
            calls,
            "iam:SimulatePrincipalPolicy",
            region,
            profile,
            iam.simulate_principal_policy()
                .policy_source_arn(role)
                .action_names("s3:PutObject")
                .resource_arns(object_arn)
                .send(),
        )
        .await?;
        if page
            .evaluation_results()
            .iter()
            .any(|e| *e.eval_decision() == PolicyEvaluationDecisionType::Allowed)
        {
            out.push(role.rsplit('/').next().unwrap_or(role).to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_trust_policy_is_read_url_decoded() {
        assert_eq!(
            super::percent_decode("%7B%22Service%22%3A%22sagemaker.amazonaws.com%22%7D"),
            "{\"Service\":\"sagemaker.amazonaws.com\"}"
        );
        assert_eq!(
            super::arn("s3://models/a/model.tar.gz"),
            Some(("models".into(), "arn:aws:s3:::models/a/model.tar.gz".into()))
        );
    }
}
