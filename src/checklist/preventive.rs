//! The seeds' preventive controls (`002_49d5f554f91208b7.txt`): the buckets SageMaker works
//! from answer only through the VPC's endpoints, and the roles that create SageMaker workloads
//! cannot create them outside the VPC.

use super::posture::*;
use super::verdict::{Tally, Verdict, names};
use std::collections::BTreeMap;

/// `s3://bucket/key` → `bucket`.
fn bucket_of(uri: &str) -> Option<&str> {
    let rest = uri.strip_prefix("s3://")?;
    let bucket = rest.split('/').next()?;
    (!bucket.is_empty()).then_some(bucket)
}

/// The account's buckets that SageMaker models and training jobs read or write, with who uses
/// each (buckets of other accounts, such as SageMaker's own, are left out by the caller).
fn used_by_sagemaker<'a>(p: &'a Posture, t: &mut Tally) -> BTreeMap<&'a str, Vec<String>> {
    let mut used: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in &p.regions {
        if let Some(models) = t.read(&r.models) {
            for m in models {
                for b in m.s3_uris.iter().filter_map(|u| bucket_of(u)) {
                    used.entry(b).or_default().push(format!("model {}", m.name));
                }
            }
        }
        if let Some(jobs) = t.read(&r.training_jobs) {
            for j in jobs {
                for b in j.s3_uris.iter().filter_map(|u| bucket_of(u)) {
                    used.entry(b)
                        .or_default()
                        .push(format!("training job {}", j.name));
                }
            }
        }
    }
    for users in used.values_mut() {
        users.sort();
        users.dedup();
    }
    used
}

pub(super) fn s3_vpce_only(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let used = used_by_sagemaker(p, &mut t);
    let Some(buckets) = t.read(&p.buckets) else {
        return t.verdict("");
    };
    for (name, users) in used {
        let Some(bucket) = buckets.iter().find(|b| b.name == name) else {
            continue;
        };
        match t.read(&bucket.vpce_only) {
            Some(through) if !through.is_empty() => {
                t.pass(format!("{name}: only through {}", names(through)))
            }
            Some(_) => t.fail(format!(
                "{name} (used by {}): no policy denying access outside its VPC endpoint (aws:sourceVpce)",
                names(&users)
            )),
            None => {}
        }
    }
    t.verdict("no bucket of this account is used by SageMaker models or training jobs")
}

pub(super) fn preventive_vpc(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let Some(roles) = t.read(&p.workload_guardrails) else {
        return t.verdict("");
    };
    let short = |actions: &[String]| {
        let names: Vec<&str> = actions
            .iter()
            .map(|a| a.strip_prefix("sagemaker:").unwrap_or(a))
            .collect();
        super::verdict::names(&names)
    };
    let mut guarded = Vec::new();
    for g in roles {
        if g.allowed.is_empty() {
            guarded.push(g.role.as_str());
        } else {
            t.fail(format!(
                "{}: may {} without sagemaker:VpcSubnets",
                g.role,
                short(&g.allowed)
            ));
        }
    }
    if !guarded.is_empty() {
        t.pass(format!(
            "{} role(s) denied SageMaker workloads outside the VPC: {}",
            guarded.len(),
            names(&guarded)
        ));
    }
    t.verdict("no role may create SageMaker workloads")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_named_by_their_uris() {
        assert_eq!(bucket_of("s3://models/a/b.tar.gz"), Some("models"));
        assert_eq!(bucket_of("s3://models"), Some("models"));
        assert_eq!(bucket_of("s3:///x"), None);
        assert_eq!(bucket_of("https://models.s3.amazonaws.com/x"), None);
    }
}
