//! Data items: KMS encryption and rotation, the S3 buckets, EBS defaults and least-privilege roles.

use super::ItemDef;
use super::posture::*;
use super::secrets;
use super::verdict::{Tally, Verdict, names, region_names};
use crate::model::{Category, CheckStatus, Importance, Risk};

pub(super) const ITEMS: &[ItemDef] = &[
    ItemDef {
        id: "data.kms",
        category: Category::Data,
        importance: Importance::High,
        title: "KMS encryption enabled",
        problem: "KMS encryption not enabled",
        remediation: "Set KmsKeyId on endpoint configs and notebook instances.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "sagemaker_endpoint_config_kms_encryption_enabled",
            "sagemaker_notebook_instance_encryption_enabled",
        ],
        prowler_note: "",
        security_hub: &["SageMaker.21"],
        eval: Some(|p, _| sagemaker_kms(p)),
    },
    ItemDef {
        id: "data.kms_rotation",
        category: Category::Data,
        importance: Importance::Medium,
        title: "Customer-managed key rotation",
        problem: "Customer-managed keys not rotated",
        remediation: "Enable automatic rotation on customer-managed KMS keys (aws kms enable-key-rotation).",
        seed: "001_3b5f6a000644dda0.txt",
        prowler: &["kms_cmk_rotation_enabled"],
        prowler_note: "",
        security_hub: &["KMS.4"],
        eval: Some(|p, _| kms_rotation(p)),
    },
    ItemDef {
        id: "data.s3_encryption",
        category: Category::Data,
        importance: Importance::High,
        title: "S3 bucket encryption",
        problem: "S3 buckets not encrypted by default",
        remediation: "Enable default encryption (SSE-KMS for model data) on every bucket.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["s3_bucket_default_encryption"],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| s3_encryption(p)),
    },
    ItemDef {
        id: "data.s3_versioning",
        category: Category::Data,
        importance: Importance::Medium,
        title: "S3 bucket versioning",
        problem: "S3 buckets not versioned",
        remediation: "Enable versioning on every bucket.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["s3_bucket_object_versioning"],
        prowler_note: "",
        security_hub: &["S3.14"],
        eval: Some(|p, _| s3_versioning(p)),
    },
    ItemDef {
        id: "data.s3_public_access",
        category: Category::Data,
        importance: Importance::High,
        title: "S3 public access blocked",
        problem: "S3 public access not blocked",
        remediation: "Turn on all four Block Public Access settings on every bucket.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "s3_bucket_level_public_access_block",
            "s3_account_level_public_access_blocks",
        ],
        prowler_note: "Prowler judges each bucket's own block and the account's block apart: an account with no buckets passes its bucket check whatever the account's setting, and a bucket whose own block is partial fails even under a full account block. Here the account's block, when all four settings are on, covers every bucket, and a bucketless account passes with nothing to judge.",
        security_hub: &["S3.1", "S3.8"],
        eval: Some(|p, _| s3_public_access(p)),
    },
    ItemDef {
        id: "data.tls",
        category: Category::Data,
        importance: Importance::Medium,
        title: "TLS for data in transit",
        problem: "TLS not required for data in transit",
        remediation: "Add a bucket policy that denies requests where aws:SecureTransport is false.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["s3_bucket_secure_transport_policy"],
        prowler_note: "",
        security_hub: &["S3.5"],
        eval: Some(|p, _| s3_tls(p)),
    },
    ItemDef {
        id: "data.ebs_encryption",
        category: Category::Data,
        importance: Importance::Medium,
        title: "EBS encryption by default",
        problem: "EBS encryption by default off",
        remediation: "Turn on EBS encryption by default in every region (aws ec2 enable-ebs-encryption-by-default).",
        seed: "004_aeddce46cc826ffb.txt",
        prowler: &["ec2_ebs_default_encryption"],
        prowler_note: "",
        security_hub: &["EC2.7"],
        eval: Some(|p, _| ebs_encryption(p)),
    },
    ItemDef {
        id: "data.training_volume_encryption",
        category: Category::Data,
        importance: Importance::Medium,
        title: "Training volumes and output encrypted with KMS",
        problem: "Training jobs without a KMS key on their volume or output",
        remediation: "Start training jobs with ResourceConfig.VolumeKmsKeyId and OutputDataConfig.KmsKeyId set to a customer-managed key.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &["sagemaker_training_jobs_volume_and_output_encryption_enabled"],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| training_volume_encryption(p)),
    },
    ItemDef {
        id: "data.model_registry",
        category: Category::Data,
        importance: Importance::Low,
        title: "Models registered in the model registry",
        problem: "Models not registered, or no version approved",
        remediation: "Register models in SageMaker Model Registry (a model package group per model) and approve the evaluated version that may serve, so what serves traffic has a recorded version, lineage and approval; remove groups nobody uses.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &["sagemaker_models_registry_in_use"],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| model_registry(p)),
    },
    ItemDef {
        id: "data.serving_provenance",
        category: Category::Data,
        importance: Importance::High,
        title: "Endpoints serve the approved model",
        problem: "Endpoints serve a model that is not the one approved",
        remediation: "Roll the endpoint back to its last approved version (secdash rollback-endpoint), read the artifact's CloudTrail timeline for who wrote it, then serve registered packages only, images by digest, from a bucket no other role can write.",
        seed: "002_49d5f554f91208b7.txt",
        prowler: &[],
        prowler_note: "Prowler has no such check: it judges a model's settings one at a time, not whether the artifact and image that answer are the ones its package approved.",
        security_hub: &[],
        eval: Some(|p, _| serving_provenance(p)),
    },
    ItemDef {
        id: "data.notebook_secrets",
        category: Category::Data,
        importance: Importance::High,
        title: "No secrets in notebook lifecycle scripts",
        problem: "Secrets written into notebook lifecycle scripts",
        remediation: "Remove the secret from the lifecycle configuration, rotate it, and fetch it at start from Secrets Manager or SSM Parameter Store with the notebook's role.",
        seed: "004_aeddce46cc826ffb.txt",
        prowler: &["sagemaker_notebook_instance_no_secrets"],
        prowler_note: "Prowler's secrets scanner reports an AWS key only when an access key id and its secret appear together, and skips AWS's documentation example keys; this item flags an access key id alone, example keys included: a key id in a start script is already a leak to chase.",
        security_hub: &[],
        eval: Some(|p, _| notebook_secrets(p)),
    },
    ItemDef {
        id: "data.ecr_scanning",
        category: Category::Data,
        importance: Importance::Medium,
        title: "Images scanned on push",
        problem: "Image repositories not scanned on push",
        remediation: "Turn on scan on push for the repositories holding SageMaker images, or a registry scanning rule (basic or enhanced) that covers them, so vulnerable images are known before they serve.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "ecr_repositories_scan_images_on_push_enabled",
            "ecr_registry_scan_images_on_push_enabled",
        ],
        prowler_note: "Prowler judges the repository setting and the registry rules apart; here a registry rule that covers a repository passes it, as ECR then scans it whatever the repository's own setting.",
        security_hub: &["ECR.1"],
        eval: Some(|p, _| ecr_scanning(p)),
    },
    ItemDef {
        id: "data.least_privilege",
        category: Category::Data,
        importance: Importance::Medium,
        title: "IAM roles with least privilege",
        problem: "IAM roles with more than least privilege",
        remediation: "Replace wildcard actions in the SageMaker and EC2 roles with the actions they use.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "iam_role_administratoraccess_policy",
            "iam_customer_attached_policy_no_administrative_privileges",
            "iam_inline_policy_no_administrative_privileges",
        ],
        prowler_note: "Prowler's administrative-privilege checks skip service roles; this item judges the roles SageMaker and its jobs assume too, since they are what a compromised notebook acts as. A wildcard over one whole service (sagemaker:*, s3:*) is not administrative access to Prowler, which passes it; here it warns, since on a SageMaker or EC2 role it reaches every model and bucket of that service.",
        security_hub: &["IAM.1", "IAM.21"],
        eval: Some(|p, _| least_privilege(p)),
    },
];

fn sagemaker_kms(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = 0;
    for r in &p.regions {
        if let Some(eps) = t.read(&r.endpoints) {
            for e in eps {
                match &e.kms_key_id {
                    Some(_) => ok += 1,
                    None => t.fail(format!(
                        "endpoint {} (config {}): no KmsKeyId",
                        e.endpoint, e.config
                    )),
                }
            }
        }
        if let Some(nbs) = t.read(&r.notebooks) {
            for n in nbs {
                match &n.kms_key_id {
                    Some(_) => ok += 1,
                    None => t.fail(format!("notebook {}: no KmsKeyId", n.name)),
                }
            }
        }
    }
    if ok > 0 {
        t.pass(format!(
            "{ok} endpoint config(s) and notebook(s) encrypted with a KMS key"
        ));
    }
    t.verdict("no SageMaker endpoints or notebook instances")
}

fn kms_rotation(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(keys) = t.read(&r.kms_keys) else {
            continue;
        };
        for k in keys {
            let name = k.alias.as_deref().unwrap_or(&k.id);
            if k.rotation_enabled {
                t.pass(format!("{name}: rotation on"));
            } else {
                t.fail(format!("{name} ({}): rotation off", r.region));
            }
        }
    }
    t.verdict(&format!(
        "no enabled customer-managed keys in {}",
        region_names(p)
    ))
}

/// Checks one setting of every bucket.
fn per_bucket(
    p: &Posture,
    setting: impl Fn(&Bucket) -> Result<Option<String>, String>,
    good: &str,
) -> Verdict {
    let mut t = Tally::default();
    let Some(buckets) = t.read(&p.buckets) else {
        return t.verdict("");
    };
    let mut ok = 0;
    for b in buckets {
        match setting(b) {
            Ok(None) => ok += 1,
            Ok(Some(problem)) => t.fail(format!("{}: {problem}", b.name)),
            Err(why) => t.gap(&why),
        }
    }
    if ok > 0 {
        t.pass(format!("{ok}/{} buckets {good}", buckets.len()));
    }
    t.verdict("no S3 buckets")
}

fn s3_encryption(p: &Posture) -> Verdict {
    let mut v = per_bucket(
        p,
        |b| {
            b.encryption
                .as_ref()
                .map_err(String::clone)
                .map(|e| e.is_none().then(|| "no default encryption".to_string()))
        },
        "encrypted by default",
    );
    // Name the algorithms when every bucket passes: SSE-KMS is what the guide asks of model data.
    if v.status == CheckStatus::Pass
        && let Ok(buckets) = &p.buckets
    {
        let algs: Vec<String> = buckets
            .iter()
            .filter_map(|b| match &b.encryption {
                Ok(Some(a)) => Some(format!("{}: {a}", b.name)),
                _ => None,
            })
            .collect();
        if let (false, Some(first)) = (algs.is_empty(), v.evidence.first_mut()) {
            *first = format!("{first} ({})", names(&algs));
        }
    }
    v
}

fn s3_versioning(p: &Posture) -> Verdict {
    per_bucket(
        p,
        |b| {
            b.versioning
                .as_ref()
                .map_err(String::clone)
                .map(|on| (!on).then(|| "versioning off".to_string()))
        },
        "versioned",
    )
}

/// S3 applies the stricter of the account's and the bucket's Block Public Access: with the
/// account's fully on, every bucket is blocked whatever its own says.
fn s3_public_access(p: &Posture) -> Verdict {
    match &p.account_public_access_blocked {
        Ok(true) => {
            let mut t = Tally::default();
            let Some(buckets) = t.read(&p.buckets) else {
                return t.verdict("");
            };
            t.pass(format!(
                "account-level Block Public Access fully on: all {} bucket(s) blocked whatever their own setting",
                buckets.len()
            ));
            t.verdict("no S3 buckets")
        }
        account => {
            let mut v = per_bucket(
                p,
                |b| match (&b.public_access_blocked, account) {
                    (Ok(true), _) => Ok(None),
                    // Not blocked here, and the account's setting is unknown: so is the bucket.
                    (Ok(false), Err(why)) => Err(why.clone()),
                    (Ok(false), Ok(_)) => Ok(Some(
                        "Block Public Access not fully on (nor on the account)".to_string(),
                    )),
                    (Err(why), _) => Err(why.clone()),
                },
                "block public access",
            );
            if account == &Ok(false) && v.status == CheckStatus::Fail {
                v.evidence.push(
                    "account-level Block Public Access is not fully on: turning it on covers every bucket".to_string(),
                );
            }
            v
        }
    }
}

fn s3_tls(p: &Posture) -> Verdict {
    per_bucket(
        p,
        |b| {
            b.tls_enforced
                .as_ref()
                .map_err(String::clone)
                .map(|on| (!on).then(|| "no policy denying aws:SecureTransport=false".to_string()))
        },
        "deny plain HTTP",
    )
}

fn ebs_encryption(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        match t.read(&r.ebs_encryption_by_default) {
            Some(true) => t.pass(format!("{}: on", r.region)),
            Some(false) => t.fail(format!("{}: EBS encryption by default is off", r.region)),
            None => {}
        }
    }
    t.verdict("")
}

fn least_privilege(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let Some(roles) = t.read(&p.roles) else {
        return t.verdict("");
    };
    let mut clean = Vec::new();
    for role in roles {
        if role.grants.is_empty() {
            clean.push(role.name.as_str());
        }
        for g in &role.grants {
            match g {
                Grant::Admin { policy } => t.fail(format!("{}: {policy} allows * on *", role.name)),
                Grant::ServiceWildcard { policy, action } => {
                    t.warn(format!("{}: {policy} allows {action}", role.name))
                }
                Grant::Unreadable { policy, why } => {
                    t.gap(&format!("{} policy {policy}: {why}", role.name))
                }
            }
        }
    }
    if !clean.is_empty() {
        t.pass(format!("no wildcard grants: {}", names(&clean)));
    }
    t.verdict("no roles that SageMaker or EC2 can assume")
}

fn notebook_secrets(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut clean = Vec::new();
    for r in &p.regions {
        let Some(notebooks) = t.read(&r.notebooks) else {
            continue;
        };
        for n in notebooks {
            let Some(lc) = &n.lifecycle else {
                clean.push(n.name.as_str());
                continue;
            };
            let Some(scripts) = t.read(&lc.scripts) else {
                continue;
            };
            let mut found = false;
            for s in scripts {
                for hit in secrets::find(&s.text) {
                    found = true;
                    t.fail(format!(
                        "notebook {}: lifecycle config {} {} line {}: {}",
                        n.name, lc.config, s.hook, hit.line, hit.kind
                    ));
                }
            }
            if !found {
                clean.push(n.name.as_str());
            }
        }
    }
    if !clean.is_empty() {
        t.pass(format!(
            "no secrets in the lifecycle scripts of {} notebook(s): {}",
            clean.len(),
            names(&clean)
        ));
    }
    t.verdict(&format!("no notebook instances in {}", region_names(p)))
}

fn ecr_scanning(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut scanned = 0;
    for r in &p.regions {
        let Some(registry) = t.read(&r.ecr) else {
            continue;
        };
        for repo in &registry.repositories {
            let by_rule = registry
                .scanning_filters
                .iter()
                .any(|f| super::mute::wildcard(f, &repo.name));
            if repo.scan_on_push || by_rule {
                scanned += 1;
            } else {
                t.fail(format!(
                    "{}: repository {}: scan on push off, and no registry scanning rule covers it",
                    r.region, repo.name
                ));
            }
        }
        if !registry.scanning_filters.is_empty() {
            t.pass(format!(
                "{}: the registry scans {} on push",
                r.region,
                names(&registry.scanning_filters)
            ));
        }
    }
    if scanned > 0 {
        let noun = if scanned == 1 {
            "repository"
        } else {
            "repositories"
        };
        t.pass(format!("{scanned} {noun} scanned on push"));
    }
    t.verdict(&format!("no image repositories in {}", region_names(p)))
}

/// Models registered, and each group holding a version approved to serve (a group with none
/// registers nothing that may).
fn model_registry(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(models) = t.read(&r.models) else {
            continue;
        };
        let Some(groups) = t.read(&r.model_package_groups) else {
            continue;
        };
        if groups.is_empty() {
            if !models.is_empty() {
                t.fail(format!(
                    "{}: {} model(s), no model package group: none is registered",
                    r.region,
                    models.len()
                ));
            }
            continue;
        }
        let (approved, none): (Vec<&PackageGroup>, Vec<&PackageGroup>) =
            groups.iter().partition(|g| g.approved);
        for g in none {
            t.fail(format!(
                "{}: {}: no approved version (approve one that was evaluated, or remove the group)",
                r.region, g.name
            ));
        }
        if !approved.is_empty() {
            let names: Vec<&str> = approved.iter().map(|g| g.name.as_str()).collect();
            t.pass(format!(
                "{}: {} model package group(s) with an approved version: {}",
                r.region,
                names.len(),
                names.join(", ")
            ));
        }
    }
    t.verdict(&format!("no SageMaker models in {}", region_names(p)))
}

/// Each endpoint's chain judged as the endpoints pane judges it: a high flag fails, a medium
/// one warns, a low one is only said.
fn serving_provenance(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut clean = 0;
    for r in &p.regions {
        let Some(serving) = t.read(&r.serving) else {
            continue;
        };
        for s in serving {
            let flags: Vec<_> = s.chains.iter().flat_map(crate::provenance::judge).collect();
            for f in &flags {
                let line = format!("{}: {} ({})", s.endpoint, f.text, f.id);
                match f.severity {
                    Risk::High | Risk::Critical => t.fail(line),
                    Risk::Medium => t.warn(line),
                    _ => t.pass(line),
                }
            }
            if flags.iter().all(|f| f.severity < Risk::Medium) {
                clean += 1;
            }
        }
    }
    if clean > 0 {
        t.passes.insert(
            0,
            format!("{clean} endpoint(s) serve an approved package's artifact, unchanged since"),
        );
    }
    t.verdict(&format!("no endpoints in {}", region_names(p)))
}

fn training_volume_encryption(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = 0;
    for r in &p.regions {
        let Some(jobs) = t.read(&r.training_jobs) else {
            continue;
        };
        for j in jobs {
            let mut missing = Vec::new();
            if j.volume_kms_key.is_none() {
                missing.push("no VolumeKmsKeyId");
            }
            if j.output_kms_key.is_none() {
                missing.push("no output KmsKeyId");
            }
            if missing.is_empty() {
                ok += 1;
            } else {
                t.fail(format!("{}: {}", j.name, missing.join(", ")));
            }
        }
    }
    if ok > 0 {
        t.pass(format!(
            "{ok} training job(s) with KMS keys on their volume and output"
        ));
    }
    t.verdict(&format!("no training jobs in {}", region_names(p)))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::checklist::evaluate;
    use crate::metrics::Thresholds;
    use crate::model::CheckStatus;

    #[test]
    fn the_accounts_block_public_access_covers_buckets_without_their_own() {
        let mut p = failing();
        let item = |p: &_| {
            status_of(
                &evaluate(p, &Thresholds::default()),
                "data.s3_public_access",
            )
        };
        let (status, evidence) = item(&p);
        assert_eq!(status, CheckStatus::Fail, "{evidence}");
        assert!(evidence.contains("nor on the account"), "{evidence}");
        p.account_public_access_blocked = Ok(true);
        let (status, evidence) = item(&p);
        assert_eq!(status, CheckStatus::Pass, "{evidence}");
        assert!(
            evidence.contains("account-level Block Public Access fully on"),
            "{evidence}"
        );
        // The account's setting unread: an unblocked bucket is unknown, not failed.
        p.account_public_access_blocked = Err("s3:GetAccountPublicAccessBlock denied".into());
        let (status, evidence) = item(&p);
        assert_eq!(status, CheckStatus::Unknown, "{evidence}");
    }

    #[test]
    fn a_group_without_an_approved_version_fails_the_registry_and_is_named() {
        let mut p = passing();
        let item = |p: &_| status_of(&evaluate(p, &Thresholds::default()), "data.model_registry");
        assert_eq!(item(&p).0, CheckStatus::Pass, "{}", item(&p).1);
        p.regions[0].model_package_groups = Ok(vec![
            super::PackageGroup {
                name: "llm-finetunes".into(),
                approved: true,
            },
            super::PackageGroup {
                name: "drafts".into(),
                approved: false,
            },
        ]);
        let (status, evidence) = item(&p);
        assert_eq!(status, CheckStatus::Fail, "{evidence}");
        assert!(
            evidence.contains("drafts: no approved version"),
            "{evidence}"
        );
    }
}
