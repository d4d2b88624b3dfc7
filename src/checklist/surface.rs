//! Items of the SageMaker surface beyond notebooks, endpoints and training — the Security Hub
//! controls secdash did not judge before (SageMaker.6–.8, .16–.19, .23, .24 and the job
//! definitions' half of .9–.15, .20, .22, .25) and the jobs beside training. Each category's
//! items follow that category's own in the checklist.

use super::ItemDef;
use super::posture::*;
use super::verdict::{Tally, Verdict};
use crate::model::{Category, Importance};

/// The one notebook platform SageMaker still supports (Amazon Linux 2's ended on 30 June 2026).
pub const SUPPORTED_NOTEBOOK_PLATFORM: &str = "notebook-al2023-v1";

pub(super) const NETWORK: &[ItemDef] = &[
    ItemDef {
        id: "network.model_private_registry",
        category: Category::Network,
        importance: Importance::Low,
        title: "Model images from a private VPC registry",
        problem: "Model images pulled by SageMaker's platform, not from the VPC",
        remediation: "Where images must never leave your network, host them in a private Docker registry reachable only in your VPC and set ImageConfig.RepositoryAccessMode to Vpc on each container; images in ECR pulled through its VPC endpoints are the usual, accepted alternative.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "Prowler has no such check. Security Hub's SageMaker.16 and .19 fail every container whose RepositoryAccessMode is absent or Platform, which is every model pulled straight from ECR; this item warns instead, and leaves out models served serverless, which cannot use a private registry.",
        security_hub: &["SageMaker.16", "SageMaker.19"],
        eval: Some(|p, _| model_private_registry(p)),
    },
    ItemDef {
        id: "network.monitoring_job_definitions",
        category: Category::Network,
        importance: Importance::Medium,
        title: "Monitoring job definitions isolated",
        problem: "Monitoring job definitions not isolated or not encrypted",
        remediation: "Recreate each data-quality, model-quality, bias and explainability job definition with NetworkConfig.EnableNetworkIsolation and, when it runs on 2 instances or more, EnableInterContainerTrafficEncryption (neither can be changed in place).",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "Prowler has no check of job definitions. This item judges the definitions no schedule runs (network.monitoring_isolation judges the others with their schedule); inter-container encryption counts only on 2 instances or more, as Security Hub's SageMaker.15 does.",
        security_hub: &[
            "SageMaker.9",
            "SageMaker.10",
            "SageMaker.11",
            "SageMaker.12",
            "SageMaker.13",
            "SageMaker.14",
            "SageMaker.15",
            "SageMaker.20",
            "SageMaker.22",
            "SageMaker.25",
        ],
        eval: Some(|p, _| monitoring_job_definitions(p)),
    },
    ItemDef {
        id: "network.automl_encryption",
        category: Category::Network,
        importance: Importance::Medium,
        title: "AutoML inter-container traffic encrypted",
        problem: "AutoML jobs send training data between containers in the clear",
        remediation: "Start AutoML jobs with SecurityConfig.EnableInterContainerTrafficEncryption set to true.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| automl_encryption(p)),
    },
];

pub(super) const DATA: &[ItemDef] = &[
    ItemDef {
        id: "data.async_endpoint_outputs",
        category: Category::Data,
        importance: Importance::Medium,
        title: "Async endpoint outputs under KMS",
        problem: "Asynchronous endpoints' answers without a KMS key or outside the account",
        remediation: "Give each asynchronous endpoint config AsyncInferenceConfig.OutputConfig.KmsKeyId, and write its S3OutputPath and S3FailurePath to buckets of the account (a new endpoint config, then UpdateEndpoint).",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| async_endpoint_outputs(p)),
    },
    ItemDef {
        id: "data.job_volume_kms",
        category: Category::Data,
        importance: Importance::Medium,
        title: "Processing and transform jobs under KMS",
        problem: "Processing or transform jobs without a KMS key",
        remediation: "Give processing jobs ProcessingResources.ClusterConfig.VolumeKmsKeyId and ProcessingOutputConfig.KmsKeyId, and transform jobs TransformResources.VolumeKmsKeyId and TransformOutput.KmsKeyId.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| job_volume_kms(p)),
    },
    ItemDef {
        id: "data.feature_store_kms",
        category: Category::Data,
        importance: Importance::Medium,
        title: "Feature Store encrypted with KMS keys",
        problem: "Feature groups' stores without a KMS key",
        remediation: "Recreate feature groups with OfflineStoreConfig.S3StorageConfig.KmsKeyId and, for Standard online stores, OnlineStoreConfig.SecurityConfig.KmsKeyId.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &["SageMaker.17", "SageMaker.18"],
        eval: Some(|p, _| feature_store_kms(p)),
    },
    ItemDef {
        id: "data.inference_experiment_kms",
        category: Category::Data,
        importance: Importance::Medium,
        title: "Inference experiments under KMS",
        problem: "Inference experiments without a KMS key",
        remediation: "Create inference experiments with KmsKey (the shadow variants' storage) and, when they capture data, DataStorageConfig.KmsKey.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &["SageMaker.23", "SageMaker.24"],
        eval: Some(|p, _| inference_experiment_kms(p)),
    },
    ItemDef {
        id: "data.sagemaker_image_tags",
        category: Category::Data,
        importance: Importance::Low,
        title: "Studio images and image configs tagged",
        problem: "Studio images or app image configs without tags",
        remediation: "Tag every SageMaker image and app image config (owner, purpose), so a custom image in Studio can be traced to the team that built it (aws sagemaker add-tags).",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &["SageMaker.6", "SageMaker.7"],
        eval: Some(|p, _| image_tags(p)),
    },
];

pub(super) const THREAT: &[ItemDef] = &[ItemDef {
    id: "threat.artifact_malware_protection",
    category: Category::ThreatDetection,
    importance: Importance::High,
    title: "Artifact buckets watched and versioned",
    problem: "Served model artifacts' buckets unwatched or unversioned",
    remediation: "Turn on GuardDuty S3 Protection in every region that serves models, add a Malware Protection for S3 plan on each bucket holding served artifacts (so a poisoned upload is scanned as it lands), enable versioning there so an overwritten artifact can be recovered, and turn on GuardDuty AI Protection.",
    seed: "000_7f081066f7c27ee7.txt",
    prowler: &[
        "guardduty_s3_protection_enabled",
        "guardduty_ai_protection_enabled",
    ],
    prowler_note: "Prowler judges S3 Protection and AI Protection for the whole detector; this item judges the buckets that hold what the endpoints serve, and also wants them versioned and, as warnings, scanned by a Malware Protection for S3 plan and watched by AI Protection.",
    security_hub: &["GuardDuty.10"],
    eval: Some(|p, _| artifact_malware_protection(p)),
}];

pub(super) const ACCESS: &[ItemDef] = &[ItemDef {
    id: "access.notebook_platform",
    category: Category::AccessControl,
    importance: Importance::Medium,
    title: "Notebooks on a supported platform",
    problem: "Notebooks on an unsupported platform",
    remediation: "Move each notebook instance to notebook-al2023-v1 (stop it, update its PlatformIdentifier, or recreate it): an unsupported platform gets no security patches.",
    seed: "000_7f081066f7c27ee7.txt",
    prowler: &[],
    prowler_note: "",
    security_hub: &["SageMaker.8"],
    eval: Some(|p, _| notebook_platform(p)),
}];

fn notebook_platform(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    for r in &p.regions {
        for n in t.read(&r.notebooks).into_iter().flatten() {
            match n.platform.as_deref() {
                Some(SUPPORTED_NOTEBOOK_PLATFORM) => ok.push(n.name.as_str()),
                Some(other) => t.fail(format!(
                    "{}: platform {other}, no longer supported ({SUPPORTED_NOTEBOOK_PLATFORM} is)",
                    n.name
                )),
                None => t.warn(format!("{}: no platform reported", n.name)),
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} notebook(s) on {SUPPORTED_NOTEBOOK_PLATFORM}: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    t.verdict("no notebook instances")
}

fn model_private_registry(p: &Posture) -> Verdict {
    let serverless = p.serverless_models();
    let mut t = Tally::default();
    let mut ok = Vec::new();
    for r in &p.regions {
        for m in t.read(&r.models).into_iter().flatten() {
            if serverless.contains(m.name.as_str()) {
                t.pass(format!(
                    "{}: served serverless, which cannot pull from a private registry: left out",
                    m.name
                ));
                continue;
            }
            let platform: Vec<&str> = m
                .images
                .iter()
                .filter(|(_, mode)| mode.as_deref() != Some("Vpc"))
                .map(|(image, _)| image.as_str())
                .collect();
            if platform.is_empty() {
                ok.push(m.name.as_str());
            } else {
                t.warn(format!(
                    "{}: {} pulled by SageMaker's platform (RepositoryAccessMode absent or Platform)",
                    m.name,
                    platform.join(", ")
                ));
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} model(s) pull from a private registry in the VPC: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    t.verdict("no models")
}

fn monitoring_job_definitions(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    let mut scheduled = Vec::new();
    for r in &p.regions {
        let (Some(definitions), Some(schedules)) = (
            t.read(&r.ml.job_definitions),
            t.read(&r.monitoring_schedules),
        ) else {
            continue;
        };
        for d in definitions {
            if schedules
                .iter()
                .any(|s| s.definition.as_deref() == Some(d.name.as_str()))
            {
                scheduled.push(d.name.as_str());
                continue;
            }
            let mut wrong = Vec::new();
            if !d.isolation {
                wrong.push("network isolation off".to_string());
            }
            if !d.inter_container_encryption && d.instance_count >= 2 {
                wrong.push(format!(
                    "inter-container traffic not encrypted on {} instances",
                    d.instance_count
                ));
            }
            if wrong.is_empty() {
                ok.push(d.name.as_str());
            } else {
                t.fail(format!("{} {}: {}", d.kind, d.name, wrong.join(", ")));
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} unscheduled definition(s) isolated and encrypted: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    if !scheduled.is_empty() {
        t.pass(format!(
            "{} run by a schedule, judged under network.monitoring_isolation: {}",
            scheduled.len(),
            scheduled.join(", ")
        ));
    }
    t.verdict("no monitoring job definitions")
}

fn automl_encryption(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    for r in &p.regions {
        for j in t.read(&r.ml.automl_jobs).into_iter().flatten() {
            if j.inter_container_encryption {
                ok.push(j.name.as_str());
            } else {
                t.fail(format!("{}: inter-container traffic not encrypted", j.name));
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} AutoML job(s) encrypt inter-container traffic: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    t.verdict("no AutoML jobs")
}

fn job_volume_kms(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    for r in &p.regions {
        for j in t.read(&r.ml.volume_jobs).into_iter().flatten() {
            let mut missing = Vec::new();
            if j.volume_kms_key.is_none() {
                missing.push("no VolumeKmsKeyId");
            }
            if j.output_kms_key.is_none() {
                missing.push("no output KmsKeyId");
            }
            if missing.is_empty() {
                ok.push(format!("{} {}", j.kind, j.name));
            } else {
                t.fail(format!("{} job {}: {}", j.kind, j.name, missing.join(", ")));
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} job(s) with volume and output keys: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    t.verdict("no processing or transform jobs")
}

fn feature_store_kms(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    for r in &p.regions {
        for g in t.read(&r.ml.feature_groups).into_iter().flatten() {
            let mut missing = Vec::new();
            if g.offline.as_ref().is_some_and(|s| s.kms_key.is_none()) {
                missing.push("offline store without a KMS key");
            }
            if g.online
                .as_ref()
                .is_some_and(|s| s.kms_key.is_none() && s.storage != "InMemory")
            {
                missing.push("Standard online store without a KMS key");
            }
            if missing.is_empty() {
                ok.push(g.name.as_str());
            } else {
                t.fail(format!("{}: {}", g.name, missing.join(", ")));
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} feature group(s) with KMS keys: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    t.verdict("no feature groups")
}

fn inference_experiment_kms(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    for r in &p.regions {
        for e in t.read(&r.ml.inference_experiments).into_iter().flatten() {
            let mut missing = Vec::new();
            if e.storage_key.is_none() {
                missing.push("no KmsKey for its instances' storage");
            }
            if matches!(e.capture, Some(None)) {
                missing.push("captures data without DataStorageConfig.KmsKey");
            }
            if missing.is_empty() {
                ok.push(e.name.as_str());
            } else {
                t.fail(format!("{}: {}", e.name, missing.join(", ")));
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} inference experiment(s) with KMS keys: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    t.verdict("no inference experiments")
}

fn image_tags(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    for r in &p.regions {
        for i in t.read(&r.ml.studio_images).into_iter().flatten() {
            if i.tag_keys.is_empty() {
                t.fail(format!("{} {}: no tags", i.kind, i.name));
            } else {
                ok.push(format!("{} ({})", i.name, i.tag_keys.join(", ")));
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!("{} tagged: {}", ok.len(), ok.join("; ")));
    }
    t.verdict("no custom Studio images or app image configs")
}

/// An asynchronous endpoint writes every answer, and every failed request, to S3: with no key
/// of its own, or to a bucket the account does not hold, its answers leave its control.
fn async_endpoint_outputs(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    let buckets = t.read(&p.buckets);
    let bucket_of = |uri: &str| {
        uri.strip_prefix("s3://")
            .and_then(|rest| rest.split('/').next())
            .map(str::to_string)
    };
    for r in &p.regions {
        for e in t.read(&r.endpoints).into_iter().flatten() {
            let Some(out) = &e.async_output else {
                continue;
            };
            let mut wrong = Vec::new();
            if out.kms_key.is_none() {
                wrong.push("no KmsKeyId".to_string());
            }
            let paths = [&out.output, &out.failure];
            for uri in paths.into_iter().flatten() {
                let foreign = bucket_of(uri).filter(|b| {
                    buckets.is_some_and(|list| !list.iter().any(|mine| &mine.name == b))
                });
                if let Some(b) = foreign {
                    wrong.push(format!(
                        "writes to {uri}, and {b} is not a bucket of the account"
                    ));
                }
            }
            if wrong.is_empty() {
                ok.push(format!(
                    "{} ({})",
                    e.endpoint,
                    out.output.as_deref().unwrap_or("no output path")
                ));
            } else {
                t.fail(format!("{}: {}", e.endpoint, wrong.join("; ")));
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} asynchronous endpoint(s) write with a KMS key to the account's buckets: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    t.verdict("no asynchronous endpoints")
}

/// The bucket of an `s3://bucket/key` address.
fn bucket_of(uri: &str) -> Option<&str> {
    uri.strip_prefix("s3://")?.split('/').next()
}

/// Each bucket an endpoint's artifact is read from: GuardDuty's S3 Protection must watch its
/// region, it must be versioned, and a Malware Protection plan should scan what lands in it.
fn artifact_malware_protection(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    let buckets = t.read(&p.buckets);
    for r in &p.regions {
        let Some(serving) = t.read(&r.serving) else {
            continue;
        };
        let mut served: Vec<&str> = serving
            .iter()
            .flat_map(|s| &s.chains)
            .filter_map(|c| bucket_of(&c.artifact.url))
            .collect();
        served.sort_unstable();
        served.dedup();
        if served.is_empty() {
            continue;
        }
        let (Some(detectors), Some(plans)) = (t.read(&r.detectors), t.read(&r.ml.malware_plans))
        else {
            continue;
        };
        let watched = detectors
            .iter()
            .any(|d| d.status == "ENABLED" && d.s3_protection);
        if !detectors
            .iter()
            .any(|d| d.status == "ENABLED" && d.ai_protection)
        {
            t.warn(format!(
                "{}: GuardDuty AI Protection is off (it watches the AI workloads' calls)",
                r.region
            ));
        }
        for b in served {
            let mut wrong = Vec::new();
            if !watched {
                wrong.push(format!("GuardDuty S3 Protection is off in {}", r.region));
            }
            match buckets.map(|all| all.iter().find(|x| x.name == b)) {
                Some(Some(bucket)) => match &bucket.versioning {
                    Ok(false) => {
                        wrong.push("not versioned: an overwritten artifact is lost".into())
                    }
                    Err(why) => t.gap(why),
                    Ok(true) => {}
                },
                Some(None) => wrong.push("not a bucket of the account".into()),
                None => {}
            }
            if !wrong.is_empty() {
                t.fail(format!("{b}: {}", wrong.join("; ")));
            } else if !plans.iter().any(|x| x == b) {
                t.warn(format!(
                    "{b}: no Malware Protection for S3 plan scans what is written to it"
                ));
            } else {
                ok.push(b);
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} bucket(s) of served artifacts watched, scanned and versioned: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    t.verdict("no endpoint serves an artifact from S3")
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{ITEMS, evaluate};
    use crate::metrics::Thresholds;
    use crate::model::CheckStatus;

    const NEW: [(&str, &str); 10] = [
        (
            "threat.artifact_malware_protection",
            "models: GuardDuty S3 Protection is off in ap-southeast-1; not a bucket of the account",
        ),
        (
            "data.async_endpoint_outputs",
            "ep-1: no KmsKeyId; writes to s3://someone-elses-bucket/out, and someone-elses-bucket is not a bucket of the account",
        ),
        ("access.notebook_platform", "nb: platform notebook-al2-v2"),
        ("network.model_private_registry", "m: 1.dkr.ecr"),
        (
            "network.monitoring_job_definitions",
            "ModelBias bias: network isolation off, inter-container traffic not encrypted on 2 instances",
        ),
        (
            "network.automl_encryption",
            "auto: inter-container traffic not encrypted",
        ),
        (
            "data.job_volume_kms",
            "processing job prep: no VolumeKmsKeyId, no output KmsKeyId",
        ),
        (
            "data.feature_store_kms",
            "fg: offline store without a KMS key, Standard online store without a KMS key",
        ),
        (
            "data.inference_experiment_kms",
            "shadow: no KmsKey for its instances' storage, captures data without DataStorageConfig.KmsKey",
        ),
        ("data.sagemaker_image_tags", "image img: no tags"),
    ];

    #[test]
    fn each_new_item_passes_fails_and_is_unknown_naming_the_resource() {
        let good = evaluate(&passing(), &Thresholds::default());
        let bad = evaluate(&failing(), &Thresholds::default());
        let mut denied = passing();
        let why = "sagemaker:List… in ap-southeast-1: access denied";
        let r = &mut denied.regions[0];
        r.notebooks = Err(why.into());
        r.models = Err(why.into());
        r.ml = crate::checklist::posture::MlSurface::unread(why);
        r.endpoints = Err(why.into());
        r.serving = Err(why.into());
        let unknown = evaluate(&denied, &Thresholds::default());
        for (id, named) in NEW {
            let (status, said) = status_of(&good, id);
            assert_eq!(status, CheckStatus::Pass, "{id}: {said}");
            let (status, said) = status_of(&bad, id);
            assert!(said.contains(named), "{id}: {said}");
            assert_ne!(status, CheckStatus::Pass, "{id}: {said}");
            let (status, said) = status_of(&unknown, id);
            assert_eq!(status, CheckStatus::Unknown, "{id}: {said}");
            assert!(said.contains("access denied"), "{id}: {said}");
        }
    }

    #[test]
    fn a_definition_a_schedule_runs_is_left_to_the_schedule_item() {
        let mut p = failing();
        if let Ok(schedules) = &mut p.regions[0].monitoring_schedules {
            schedules[0].definition = Some("bias".into());
        }
        let items = evaluate(&p, &Thresholds::default());
        let (status, said) = status_of(&items, "network.monitoring_job_definitions");
        assert_eq!(status, CheckStatus::Pass, "{said}");
        assert!(
            said.contains("judged under network.monitoring_isolation: bias"),
            "{said}"
        );
    }

    #[test]
    fn one_instance_needs_no_inter_container_encryption_and_in_memory_stores_are_not_judged() {
        let mut p = passing();
        let ml = &mut p.regions[0].ml;
        if let Ok(defs) = &mut ml.job_definitions {
            defs[0].inter_container_encryption = false;
            defs[0].instance_count = 1;
        }
        if let Ok(groups) = &mut ml.feature_groups {
            let online = groups[0].online.as_mut().unwrap();
            online.kms_key = None;
            online.storage = "InMemory".into();
        }
        let items = evaluate(&p, &Thresholds::default());
        for id in [
            "network.monitoring_job_definitions",
            "data.feature_store_kms",
        ] {
            let (status, said) = status_of(&items, id);
            assert_eq!(status, CheckStatus::Pass, "{id}: {said}");
        }
    }

    #[test]
    fn a_serverless_model_is_left_out_of_the_private_registry_item() {
        let mut p = failing();
        if let Ok(endpoints) = &mut p.regions[0].endpoints {
            endpoints[0].variants[0].instance_type = None;
            endpoints[0].served = vec![("AllTraffic".into(), "m".into(), None)];
        }
        let items = evaluate(&p, &Thresholds::default());
        let (status, said) = status_of(&items, "network.model_private_registry");
        assert_eq!(status, CheckStatus::Pass, "{said}");
        assert!(said.contains("m: served serverless"), "{said}");
    }

    #[test]
    fn every_security_hub_sagemaker_control_is_named_by_an_item() {
        let named: Vec<&str> = ITEMS
            .iter()
            .flat_map(|d| d.security_hub.iter().copied())
            .collect();
        let missing: Vec<String> = (1..=25)
            .map(|n| format!("SageMaker.{n}"))
            .filter(|c| !named.contains(&c.as_str()))
            .collect();
        assert!(missing.is_empty(), "no item names {missing:?}");
    }
}
