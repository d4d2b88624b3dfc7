//! SageMaker workloads' own network settings: notebooks, models, training jobs and endpoint
//! variants, each judged per resource (the items are defined in `network.rs`).

use super::posture::*;
use super::verdict::{Tally, Verdict, names, region_names};

/// Checks one kind of SageMaker resource in every region: `bad` names what is wrong with one.
pub(super) fn per_resource<T>(
    p: &Posture,
    part: impl Fn(&RegionPosture) -> &Observed<Vec<T>>,
    noun: &str,
    bad: impl Fn(&T) -> Option<String>,
    good: impl Fn(&[&T]) -> String,
) -> Verdict {
    let mut t = Tally::default();
    let mut all: Vec<&T> = Vec::new();
    for r in &p.regions {
        let Some(items) = t.read(part(r)) else {
            continue;
        };
        for item in items {
            match bad(item) {
                Some(why) => t.fail(why),
                None => all.push(item),
            }
        }
    }
    if !all.is_empty() {
        t.pass(good(&all));
    }
    t.verdict(&format!("no {noun} in {}", region_names(p)))
}

pub(super) fn notebook_internet(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.notebooks,
        "notebook instances",
        |n: &Notebook| {
            n.direct_internet_access
                .then(|| format!("{}: DirectInternetAccess=Enabled", n.name))
        },
        |ok| format!("{} notebook(s) without direct internet access", ok.len()),
    )
}

pub(super) fn notebook_root(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.notebooks,
        "notebook instances",
        |n: &Notebook| {
            n.root_access
                .then(|| format!("{}: RootAccess=Enabled", n.name))
        },
        |ok| format!("{} notebook(s) with root access disabled", ok.len()),
    )
}

pub(super) fn notebook_vpc(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.notebooks,
        "notebook instances",
        |n: &Notebook| {
            n.subnet_id
                .is_none()
                .then(|| format!("{}: no SubnetId (runs outside your VPC)", n.name))
        },
        |ok| {
            let subnets: Vec<String> = ok
                .iter()
                .map(|n| format!("{} in {}", n.name, n.subnet_id.as_deref().unwrap_or("")))
                .collect();
            names(&subnets)
        },
    )
}

pub(super) fn isolation_label(isolated: bool, in_vpc: bool) -> &'static str {
    match (isolated, in_vpc) {
        (true, true) => "network-isolated, in a VPC",
        (true, false) => "network-isolated",
        (false, true) => "in a VPC",
        (false, false) => "",
    }
}

/// `name (in a VPC), name (network-isolated)`
pub(super) fn isolated_names<'a>(each: impl Iterator<Item = (&'a String, bool, bool)>) -> String {
    let each: Vec<String> = each
        .map(|(name, isolated, in_vpc)| format!("{name} ({})", isolation_label(isolated, in_vpc)))
        .collect();
    names(&each)
}

pub(super) fn model_isolation(p: &Posture) -> Verdict {
    // A model served by a serverless endpoint can have neither (AWS's serverless exclusions).
    let serverless = p.serverless_models();
    per_resource(
        p,
        |r| &r.models,
        "models",
        |m: &Model| {
            (!m.network_isolation && !m.in_vpc && !serverless.contains(m.name.as_str()))
                .then(|| format!("{}: no VpcConfig and no network isolation", m.name))
        },
        |ok| {
            let (na, judged): (Vec<&&Model>, Vec<&&Model>) = ok.iter().partition(|m| {
                !m.network_isolation && !m.in_vpc && serverless.contains(m.name.as_str())
            });
            let mut said = isolated_names(
                judged
                    .iter()
                    .map(|m| (&m.name, m.network_isolation, m.in_vpc)),
            );
            for m in na {
                if !said.is_empty() {
                    said.push_str(", ");
                }
                said.push_str(&format!("{} (served serverless: not applicable)", m.name));
            }
            said
        },
    )
}

pub(super) fn training_isolation(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.training_jobs,
        "training jobs",
        |j: &TrainingJob| {
            (!j.network_isolation && !j.in_vpc)
                .then(|| format!("{}: no VpcConfig and no network isolation", j.name))
        },
        |ok| isolated_names(ok.iter().map(|j| (&j.name, j.network_isolation, j.in_vpc))),
    )
}

pub(super) fn training_encryption(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.training_jobs,
        "training jobs",
        |j: &TrainingJob| {
            (!j.inter_container_encryption)
                .then(|| format!("{}: inter-container traffic not encrypted", j.name))
        },
        |ok| {
            format!(
                "{} training job(s) encrypt inter-container traffic",
                ok.len()
            )
        },
    )
}

pub(super) fn endpoint_instances(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.endpoints,
        "SageMaker endpoints",
        |e: &EndpointEncryption| {
            let single: Vec<String> = e
                .variants
                .iter()
                .filter(|v| v.instance_count.is_some_and(|n| n < 2))
                .map(|v| format!("{} ({})", v.name, v.label(true)))
                .collect();
            (!single.is_empty()).then(|| {
                format!(
                    "{}: variant {} on a single instance",
                    e.endpoint,
                    single.join(", ")
                )
            })
        },
        |ok| {
            format!(
                "{} endpoint(s): every instance-backed variant on 2 or more instances",
                ok.len()
            )
        },
    )
}
