//! The security checklist evaluated live, against moto's server: an account seeded as the seed
//! guide describes passes every item, one with every control off fails every item, each with
//! evidence naming the resource and the setting. Seeding is through the AWS API
//! (tests/moto/seed_checklist.py, boto3); the harness (tests/moto/secdash_moto.py) adds what
//! moto 5.2.5 lacks: Access Analyzer, Security Hub standards, a model's network isolation,
//! S3 versioning's response shape, and root MFA (no API exists to turn it on).

mod support;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use support::moto::Moto;

const REGION: &str = "ap-southeast-1";

fn seed(moto: &Moto, world: &str) {
    moto.seed_script("seed_checklist.py", &[world]);
}

/// `secdash --once --format json` against the emulator: the checklist items by id.
fn checklist(moto: &Moto, state: &Path, extra_env: &[(&str, String)]) -> Vec<Value> {
    let mut cmd = Command::cargo_bin("secdash").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", state)
        .env("SECDASH_STATE_DIR", state)
        .env("XDG_CONFIG_HOME", state);
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd
        .args(["--once", "--format", "json", "--region", REGION])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON; stderr: {}", String::from_utf8_lossy(&out.stderr)));
    v["checklist"].as_array().unwrap().clone()
}

fn item<'a>(items: &'a [Value], id: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn the_guides_account_passes_every_item_with_its_evidence() {
    let moto = Moto::start();
    seed(&moto, "passing");
    let state = tempfile::tempdir().unwrap();
    let items = checklist(&moto, state.path(), &[]);
    assert_eq!(items.len(), 58);
    for i in &items {
        let want = if i["id"] == "access.reviews" {
            "manual"
        } else {
            "pass"
        };
        assert_eq!(i["status"], want, "{}: {}", i["id"], i["evidence"]);
    }
    let evidence = [
        (
            "network.vpc_endpoints",
            "all of sagemaker.api, sagemaker.runtime, s3, ecr.api, ecr.dkr, logs",
        ),
        ("network.notebook_vpc", "studyai-dev-research in subnet-"),
        (
            "network.model_isolation",
            "studyai-dev-isolated (network-isolated)",
        ),
        (
            "network.training_isolation",
            "studyai-dev-finetune (network-isolated, in a VPC)",
        ),
        (
            "data.kms_rotation",
            "alias/studyai-dev-sagemaker: rotation on",
        ),
        (
            "data.s3_encryption",
            "studyai-dev-sagemaker-models: aws:kms",
        ),
        ("data.tls", "3/3 buckets deny plain HTTP"),
        (
            "monitoring.s3_access_logging",
            "studyai-dev-access-logs: receives the access logs",
        ),
        (
            "monitoring.alarms",
            "5XX and latency alarms wired to SNS on 1/1 endpoints",
        ),
        (
            "monitoring.cloudtrail",
            "studyai-dev-sagemaker-trail: multi-region, logging, log file validation on",
        ),
        (
            "monitoring.security_alerts",
            "studyai-dev-security-alerts: 1 confirmed subscription(s)",
        ),
        (
            "threat.security_hub",
            "ap-southeast-1: CIS AWS Foundations and PCI DSS on",
        ),
        (
            "threat.waf",
            "studyai-dev-sagemaker-waf: rate limit 2000/IP, common and SQLi managed rules",
        ),
        (
            "threat.config",
            "recorder default recording; rules s3-bucket-server-side-encryption-enabled",
        ),
        (
            "access.password_policy",
            "minimum length 12, all character classes, max age 90 days, 24 remembered",
        ),
        (
            "access.access_analyzer",
            "studyai-dev-sagemaker-analyzer (ACCOUNT) active",
        ),
        ("access.mfa", "root account MFA enabled"),
        (
            "network.s3_vpce_only",
            "studyai-dev-sagemaker-models: only through vpce-",
        ),
        ("data.ecr_scanning", "1 repository scanned on push"),
        (
            "data.serving_provenance",
            "1 endpoint(s) serve an approved package's artifact, unchanged since",
        ),
        (
            "access.notebook_imdsv2",
            "1 notebook(s) answer only IMDSv2: studyai-dev-research",
        ),
        // #30: the wider SageMaker surface, each item against moto.
        (
            "access.notebook_platform",
            "1 notebook(s) on notebook-al2023-v1: studyai-dev-research",
        ),
        (
            "network.model_private_registry",
            "model(s) pull from a private registry in the VPC: ",
        ),
        (
            "network.monitoring_job_definitions",
            "1 unscheduled definition(s) isolated and encrypted: studyai-dev-adhoc-data-quality",
        ),
        (
            "network.automl_encryption",
            "1 AutoML job(s) encrypt inter-container traffic: studyai-dev-churn",
        ),
        (
            "data.async_endpoint_outputs",
            "1 asynchronous endpoint(s) write with a KMS key to the account's buckets: studyai-dev-llama3-8b (s3://",
        ),
        (
            "threat.artifact_malware_protection",
            "1 bucket(s) of served artifacts watched, scanned and versioned: studyai-dev-sagemaker-models",
        ),
        (
            "access.studio_profiles",
            "1 user profile(s) run as scoped roles: alice",
        ),
        (
            "access.hyperpod_clusters",
            "1 cluster(s) private, scoped, their scripts changed by their own roles only: studyai-dev-pretrain",
        ),
        (
            "data.job_volume_kms",
            "2 job(s) with volume and output keys: processing studyai-dev-tokenize, transform studyai-dev-batch-scoring",
        ),
        (
            "data.feature_store_kms",
            "1 feature group(s) with KMS keys: studyai-dev-learner-features",
        ),
        (
            "data.inference_experiment_kms",
            "1 inference experiment(s) with KMS keys: studyai-dev-llama3-shadow",
        ),
        (
            "data.sagemaker_image_tags",
            "2 tagged: studyai-dev-jupyter-cuda (team); studyai-dev-jupyter-cuda (team)",
        ),
        (
            "monitoring.metric_filters",
            "unauthorized API calls: filter unauthorized-api-calls on studyai-dev-cloudtrail → alarm studyai-dev-unauthorized-api-calls",
        ),
        (
            "monitoring.metric_filters",
            "root account usage: filter root-account-usage on studyai-dev-cloudtrail → alarm studyai-dev-root-account-usage",
        ),
        (
            "access.preventive_vpc",
            "1 role(s) denied SageMaker workloads outside the VPC: studyai-dev-data-scientist",
        ),
        (
            "monitoring.model_monitoring",
            "endpoint studyai-dev-llama3-8b: bias (Clarify), data quality monitored",
        ),
        (
            "network.monitoring_isolation",
            "2 monitoring schedule(s) isolated, traffic encrypted",
        ),
        (
            "access.studio_domains",
            "1 Studio domain(s) VpcOnly, on Identity Center, with a customer key: studyai-dev-studio",
        ),
    ];
    for (id, want) in evidence {
        let got = support::evidence(item(&items, id));
        assert!(got.contains(want), "{id}: {got}");
    }
}

#[test]
fn an_account_with_every_control_off_fails_every_item_and_says_where() {
    let moto = Moto::start();
    seed(&moto, "failing");
    let state = tempfile::tempdir().unwrap();
    let items = checklist(&moto, state.path(), &[]);
    for i in &items {
        let want = match i["id"].as_str().unwrap() {
            "access.reviews" => "manual",
            // By design: an image pulled from ECR warns (Security Hub's SageMaker.16 fails it).
            "network.model_private_registry" => "warn",
            _ => "fail",
        };
        assert_eq!(i["status"], want, "{}: {}", i["id"], i["evidence"]);
    }
    let evidence = [
        (
            "network.custom_vpc",
            "1 custom VPC(s) but no private subnet",
        ),
        (
            "network.security_groups",
            "(debug-ssh) tcp 22 from 0.0.0.0/0",
        ),
        (
            "network.notebook_internet",
            "scratch: DirectInternetAccess=Enabled",
        ),
        ("network.notebook_root", "scratch: RootAccess=Enabled"),
        (
            "network.notebook_vpc",
            "scratch: no SubnetId (runs outside your VPC)",
        ),
        (
            "network.model_isolation",
            "studyai-dev-phi3-mini-model: no VpcConfig and no network isolation",
        ),
        (
            "network.training_encryption",
            "studyai-dev-finetune: inter-container traffic not encrypted",
        ),
        (
            "network.endpoint_instances",
            "studyai-dev-phi3-mini: variant AllTraffic (1×g4dn.xlarge) on a single instance",
        ),
        (
            "data.kms",
            "endpoint studyai-dev-phi3-mini (config studyai-dev-phi3-mini-config): no KmsKeyId",
        ),
        ("data.kms_rotation", "rotation off"),
        (
            "data.s3_encryption",
            "studyai-dev-uploads: no default encryption",
        ),
        ("data.s3_versioning", "studyai-dev-uploads: versioning off"),
        (
            "data.s3_public_access",
            "studyai-dev-uploads: Block Public Access not fully on (nor on the account)",
        ),
        (
            "data.tls",
            "studyai-dev-uploads: no policy denying aws:SecureTransport=false",
        ),
        (
            "data.ebs_encryption",
            "ap-southeast-1: EBS encryption by default is off",
        ),
        (
            "data.least_privilege",
            "studyai-dev-sagemaker-role: sagemaker-everything allows * on *",
        ),
        (
            "monitoring.alarms",
            "studyai-dev-phi3-mini: no 5XX or latency alarm",
        ),
        ("monitoring.cloudtrail", "no trail in ap-southeast-1"),
        ("monitoring.flow_logs", "no flow log"),
        (
            "monitoring.security_alerts",
            "no alarm notifies an SNS topic",
        ),
        ("threat.guardduty", "ap-southeast-1: no detector"),
        (
            "threat.security_hub",
            "ap-southeast-1: Security Hub not enabled",
        ),
        ("threat.waf", "no regional web ACL in ap-southeast-1"),
        ("threat.config", "ap-southeast-1: no configuration recorder"),
        ("access.password_policy", "no account password policy"),
        (
            "access.access_analyzer",
            "ap-southeast-1: no active account analyzer",
        ),
        ("access.mfa", "root account has no MFA"),
        ("access.user_mfa", "bob: console password, no MFA device"),
        (
            "data.notebook_secrets",
            "notebook scratch: lifecycle config scratch-setup OnStart line 2: an AWS access key id",
        ),
        (
            "network.s3_vpce_only",
            "studyai-dev-uploads (used by model studyai-dev-phi3-mini-model): no policy denying access outside its VPC endpoint",
        ),
        (
            "access.preventive_vpc",
            "studyai-dev-data-scientist: may CreateNotebookInstance, CreateHyperParameterTuningJob, CreateProcessingJob, CreateTrainingJob, CreateModel without sagemaker:VpcSubnets",
        ),
        (
            "data.ecr_scanning",
            "ap-southeast-1: repository studyai-dev/training: scan on push off, and no registry scanning rule covers it",
        ),
        (
            "monitoring.metric_filters",
            "no trail, so no log group to filter",
        ),
        (
            "access.studio_domains",
            "ap-southeast-1: domain studyai-dev-studio: public internet access (not VpcOnly), IAM sign-in, not IAM Identity Center, no customer-managed KmsKeyId",
        ),
        (
            "monitoring.model_monitoring",
            "endpoint studyai-dev-phi3-mini: no schedule running (studyai-dev-phi3-mini-data-quality is Stopped)",
        ),
        (
            "network.monitoring_isolation",
            "monitoring schedule studyai-dev-phi3-mini-data-quality (data quality): network isolation off, inter-container traffic encryption off",
        ),
        (
            "data.model_registry",
            "ap-southeast-1: 1 model(s), no model package group: none is registered",
        ),
        (
            "data.serving_provenance",
            "studyai-dev-phi3-mini: ECR's scan of the served image sha256:",
        ),
        (
            "access.notebook_imdsv2",
            "scratch: MinimumInstanceMetadataServiceVersion 1 (IMDSv1 answers)",
        ),
        // #30: the wider SageMaker surface; a notebook made without a platform gets
        // SageMaker's default, Amazon Linux 2.
        (
            "access.notebook_platform",
            "scratch: platform notebook-al2-v2, no longer supported (notebook-al2023-v1 is)",
        ),
        (
            "network.model_private_registry",
            "studyai-dev-phi3-mini-model: 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/studyai-dev/serving:latest pulled by SageMaker's platform",
        ),
        (
            "network.monitoring_job_definitions",
            "DataQuality studyai-dev-adhoc-data-quality: network isolation off, inter-container traffic not encrypted on 2 instances",
        ),
        (
            "network.automl_encryption",
            "studyai-dev-churn: inter-container traffic not encrypted",
        ),
        (
            "data.async_endpoint_outputs",
            "studyai-dev-phi3-mini: no KmsKeyId; writes to s3://partner-scratch-bucket/phi3-answers, and partner-scratch-bucket is not a bucket of the account",
        ),
        (
            "threat.artifact_malware_protection",
            "studyai-dev-uploads: GuardDuty S3 Protection is off in ap-southeast-1; not versioned: an overwritten artifact is lost",
        ),
        (
            "threat.artifact_malware_protection",
            "also: ap-southeast-1: GuardDuty AI Protection is off (it watches the AI workloads' calls)",
        ),
        (
            "access.studio_profiles",
            "user profile alice: runs as studyai-dev-sagemaker-role, whose sagemaker-everything allows * on *",
        ),
        (
            "access.studio_profiles",
            "lifecycle config jupyterlab-setup: line 3: a Hugging Face token",
        ),
        ("access.studio_profiles", "also: space llm-eval (domain "),
        (
            "access.hyperpod_clusters",
            "cluster studyai-dev-pretrain: no VpcConfig (its nodes use SageMaker's own network)",
        ),
        (
            "access.hyperpod_clusters",
            "cluster studyai-dev-pretrain group workers: runs as studyai-dev-sagemaker-role, whose sagemaker-everything allows * on *",
        ),
        (
            "access.hyperpod_clusters",
            "cluster studyai-dev-pretrain group workers: s3://sagemaker-studyai-dev-lifecycle/pretrain/on_create.sh line 2: an AWS access key id",
        ),
        (
            "access.hyperpod_clusters",
            "s3://sagemaker-studyai-dev-lifecycle/pretrain/on_create.sh, which every new node runs as root, may be rewritten by studyai-dev-intern",
        ),
        (
            "access.studio_profiles",
            "also: JupyterLab app default of alice runs on ml.g5.2xlarge (a GPU) now",
        ),
        (
            "data.job_volume_kms",
            "processing job studyai-dev-tokenize: no VolumeKmsKeyId, no output KmsKeyId",
        ),
        (
            "data.job_volume_kms",
            "transform job studyai-dev-batch-scoring: no VolumeKmsKeyId, no output KmsKeyId",
        ),
        (
            "data.feature_store_kms",
            "studyai-dev-learner-features: offline store without a KMS key, Standard online store without a KMS key",
        ),
        (
            "data.inference_experiment_kms",
            "studyai-dev-llama3-shadow: no KmsKey for its instances' storage, captures data without DataStorageConfig.KmsKey",
        ),
        (
            "data.sagemaker_image_tags",
            "app image config studyai-dev-jupyter-cuda: no tags",
        ),
        (
            "data.sagemaker_image_tags",
            "image studyai-dev-jupyter-cuda: no tags",
        ),
        (
            "data.training_volume_encryption",
            "studyai-dev-finetune: no VolumeKmsKeyId, no output KmsKeyId",
        ),
        (
            "monitoring.s3_access_logging",
            "studyai-dev-uploads: server access logging off",
        ),
        (
            "access.key_rotation",
            "bob: key 1 last rotated 120 days ago and unused for 90 days",
        ),
    ];
    for (id, want) in evidence {
        let got = support::evidence(item(&items, id));
        assert!(got.contains(want), "{id}: {got}");
    }
}

/// #30: a model package group with no approved version registers nothing that may serve:
/// `data.model_registry` fails and names the groups (it passed on a group's mere existence).
#[test]
fn a_model_package_group_without_an_approved_version_fails_the_registry_item() {
    let moto = Moto::start();
    seed(&moto, "empty_group");
    let state = tempfile::tempdir().unwrap();
    let items = checklist(&moto, state.path(), &[]);
    let registry = item(&items, "data.model_registry");
    let said = support::evidence(registry);
    assert_eq!(registry["status"], "fail", "{said}");
    assert!(
        said.contains("studyai-dev-empty: no approved version"),
        "{said}"
    );
    assert!(
        said.contains("studyai-dev-pending: no approved version"),
        "{said}"
    );
}

/// #30: a serverless endpoint cannot run Model Monitor, sit in a VPC, isolate its network or
/// pull from a private registry (AWS's serverless exclusions): those items leave it out and
/// say so; none fails for it.
#[test]
fn a_serverless_endpoint_is_left_out_of_what_it_cannot_have() {
    let moto = Moto::start();
    seed(&moto, "serverless");
    let state = tempfile::tempdir().unwrap();
    let items = checklist(&moto, state.path(), &[]);
    for (id, said) in [
        ("monitoring.model_monitoring", "serverless"),
        (
            "network.model_isolation",
            "studyai-dev-faq-model (served serverless: not applicable)",
        ),
        (
            "network.model_private_registry",
            "studyai-dev-faq-model: served serverless, which cannot pull from a private registry: left out",
        ),
    ] {
        let i = item(&items, id);
        let evidence = support::evidence(i);
        assert_eq!(i["status"], "pass", "{id}: {evidence}");
        assert!(evidence.contains(said), "{id}: {evidence}");
    }
}

#[test]
fn a_service_that_cannot_be_read_makes_only_its_items_unknown_and_says_why() {
    let moto = Moto::start();
    seed(&moto, "failing");
    let state = tempfile::tempdir().unwrap();
    // Security Hub alone points at a closed port: its item cannot be evaluated.
    let items = checklist(
        &moto,
        state.path(),
        &[(
            "AWS_ENDPOINT_URL_SECURITYHUB",
            "http://127.0.0.1:9".to_string(),
        )],
    );
    let hub = item(&items, "threat.security_hub");
    assert_eq!(hub["status"], "unknown");
    let why = support::evidence(hub);
    let why = why.as_str();
    assert!(
        why.contains("securityhub:DescribeHub in ap-southeast-1: endpoint unreachable"),
        "{why}"
    );
    assert_eq!(item(&items, "threat.guardduty")["status"], "fail");
}

/// #30: each item of the wider SageMaker surface is unknown when its list is refused, names
/// the call, and leaves the others judged.
#[test]
fn a_refused_sagemaker_list_makes_only_its_new_item_unknown() {
    let moto = Moto::start();
    seed(&moto, "passing");
    let refused = [
        ("ListFeatureGroups", "data.feature_store_kms"),
        ("ListImages", "data.sagemaker_image_tags"),
        ("ListInferenceExperiments", "data.inference_experiment_kms"),
        (
            "ListModelBiasJobDefinitions",
            "network.monitoring_job_definitions",
        ),
        ("ListTransformJobs", "data.job_volume_kms"),
        ("ListAutoMLJobs", "network.automl_encryption"),
        (
            "ListMalwareProtectionPlans",
            "threat.artifact_malware_protection",
        ),
        ("ListUserProfiles", "access.studio_profiles"),
        ("ListClusters", "access.hyperpod_clusters"),
    ];
    for (op, _) in refused {
        moto.fault(op, "deny", None);
    }
    let state = tempfile::tempdir().unwrap();
    let items = checklist(&moto, state.path(), &[]);
    for (op, id) in refused {
        let i = item(&items, id);
        let said = support::evidence(i);
        assert_eq!(i["status"], "unknown", "{id}: {said}");
        assert!(
            said.contains(&format!(":{op} in ap-southeast-1: access denied")),
            "{id}: {said}"
        );
    }
    // Notebooks and models are read apart: their items still pass.
    for id in ["access.notebook_platform", "network.model_private_registry"] {
        let i = item(&items, id);
        assert_eq!(i["status"], "pass", "{id}: {}", support::evidence(i));
    }
}

#[test]
fn accepted_risks_and_attestations_apply_to_a_live_account() {
    let moto = Moto::start();
    seed(&moto, "failing");
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().join("secdash");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[[accept]]\nitem = \"threat.waf\"\nreason = \"no public entry point yet\"\nowner = \"ml-platform\"\nexpires = \"2099-12-31\"\n",
    )
    .unwrap();
    Command::cargo_bin("secdash")
        .unwrap()
        .env("SECDASH_STATE_DIR", state.path())
        .env("XDG_CONFIG_HOME", state.path())
        .args([
            "attest",
            "access.reviews",
            "--by",
            "bob",
            "--note",
            "Q4 review",
        ])
        .assert()
        .success();
    let items = checklist(&moto, state.path(), &[]);
    let waf = item(&items, "threat.waf");
    assert_eq!(waf["status"], "accepted");
    assert!(
        support::evidence(waf)
            .contains("accepted by ml-platform until 2099-12-31: no public entry point yet")
    );
    let reviews = item(&items, "access.reviews");
    assert_eq!(reviews["status"], "pass");
    assert!(support::evidence(reviews).starts_with("attested by bob on "));
}

/// Issue 17: with the account's Block Public Access fully on and none on a bucket, S3 applies
/// the stricter of the two: the bucket is blocked, and the item passes.
#[test]
fn the_accounts_block_public_access_covers_every_bucket() {
    let moto = Moto::start();
    seed(&moto, "failing");
    let state = tempfile::tempdir().unwrap();
    let before = checklist(&moto, state.path(), &[]);
    assert_eq!(item(&before, "data.s3_public_access")["status"], "fail");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // The emulator's endpoint cannot take the account's host prefix: secdash's own
        // interceptor takes it off, as it does for its read.
        let control = aws_sdk_s3control::Client::from_conf(
            aws_sdk_s3control::config::Builder::from(&moto.sdk(REGION).await)
                .interceptor(secdash::aws::host_prefix::NoAccountHostPrefix {
                    account: support::moto::ACCOUNT.into(),
                })
                .build(),
        );
        control
            .put_public_access_block()
            .account_id(support::moto::ACCOUNT)
            .public_access_block_configuration(
                aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
    let after = checklist(&moto, state.path(), &[]);
    let i = item(&after, "data.s3_public_access");
    assert_eq!(i["status"], "pass", "{i}");
    assert!(
        i["evidence"]
            .to_string()
            .contains("account-level Block Public Access"),
        "{i}"
    );
    let ids: Vec<&str> = i["prowler"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"s3_account_level_public_access_blocks"),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"s3_bucket_level_public_access_block"),
        "{ids:?}"
    );
}

/// Issue 17: `[[accept]]` with `resources` mutes those resources: the item is judged without
/// them and says what was muted and until when.
#[test]
fn a_muted_bucket_is_judged_without_against_a_live_account() {
    let moto = Moto::start();
    seed(&moto, "failing");
    let state = tempfile::tempdir().unwrap();
    let before = checklist(&moto, state.path(), &[]);
    assert_eq!(item(&before, "data.s3_versioning")["status"], "fail");
    let dir = state.path().join("secdash");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[[accept]]\nitem = \"data.s3_versioning\"\nreason = \"scratch uploads\"\nowner = \"ml-platform\"\nexpires = \"2099-12-31\"\nresources = [\"arn:aws:s3:::studyai-dev-up*\"]\n",
    )
    .unwrap();
    let items = checklist(&moto, state.path(), &[]);
    let v = item(&items, "data.s3_versioning");
    assert_ne!(v["status"], "fail", "{v}");
    assert!(
        support::evidence(v).contains(
            "muted by ml-platform until 2099-12-31: studyai-dev-uploads (scratch uploads)"
        ),
        "{v}"
    );
    // The rest of the account still counts: the other bucket items are unchanged.
    assert_eq!(
        item(&items, "data.s3_encryption")["status"],
        item(&before, "data.s3_encryption")["status"]
    );
    // By the bucket's tag (S3's GetBucketTagging) rather than its name, the same.
    std::fs::write(
        dir.join("config.toml"),
        "[[accept]]\nitem = \"data.s3_versioning\"\nreason = \"scratch uploads\"\nowner = \"ml-platform\"\nexpires = \"2099-12-31\"\ntags = { purpose = \"scratch\" }\n",
    )
    .unwrap();
    let items = checklist(&moto, state.path(), &[]);
    let v = item(&items, "data.s3_versioning");
    assert!(
        support::evidence(v).contains(
            "muted by ml-platform until 2099-12-31: studyai-dev-uploads (scratch uploads)"
        ),
        "{v}"
    );
}
