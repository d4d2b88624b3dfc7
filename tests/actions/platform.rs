//! The ML platform's actions against moto's server (with the harness's SageMaker additions:
//! UpdateEndpoint, UpdateNotebookInstance, StopTrainingJob, model group policies, and states
//! that take one read to arrive): each applied, verified, restored exactly; read-only and
//! dry-run change nothing; a kill after the plan and after the step leaves a journal restore
//! gets AWS back from. SageMaker, S3 and ECR are read back through the SDK.

use super::*;

impl World {
    fn sagemaker(&self) -> aws_sdk_sagemaker::Client {
        aws_sdk_sagemaker::Client::new(&rt().block_on(self.moto.sdk(REGION)))
    }

    fn s3(&self) -> aws_sdk_s3::Client {
        let cfg = rt().block_on(self.moto.sdk(REGION));
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&cfg)
                .force_path_style(true)
                .build(),
        )
    }

    fn ecr(&self) -> aws_sdk_ecr::Client {
        aws_sdk_ecr::Client::new(&rt().block_on(self.moto.sdk(REGION)))
    }

    fn notebook(&self, name: &str, lifecycle: Option<&str>) {
        let sm = self.sagemaker();
        let role = self.role("nb-exec", 3600);
        rt().block_on(async {
            if let Some(l) = lifecycle {
                sm.create_notebook_instance_lifecycle_config()
                    .notebook_instance_lifecycle_config_name(l)
                    .on_start(
                        aws_sdk_sagemaker::types::NotebookInstanceLifecycleHook::builder()
                            .content("IyEvYmluL2Jhc2gKZWNobyBzdGFydA==")
                            .build(),
                    )
                    .send()
                    .await
                    .unwrap();
            }
            sm.create_notebook_instance()
                .notebook_instance_name(name)
                .instance_type(aws_sdk_sagemaker::types::InstanceType::MlT3Xlarge)
                .role_arn(role)
                .set_lifecycle_config_name(lifecycle.map(str::to_string))
                // SageMaker always reports RootAccess (Enabled by default); moto only when
                // it was given.
                .root_access(aws_sdk_sagemaker::types::RootAccess::Enabled)
                .send()
                .await
                .unwrap();
        });
    }

    fn notebook_state(&self, name: &str) -> (String, String, String, Option<String>) {
        let sm = self.sagemaker();
        rt().block_on(async {
            let n = sm
                .describe_notebook_instance()
                .notebook_instance_name(name)
                .send()
                .await
                .unwrap();
            (
                n.notebook_instance_status().unwrap().as_str().to_string(),
                n.root_access()
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
                n.instance_metadata_service_configuration()
                    .and_then(|c| c.minimum_instance_metadata_service_version())
                    .unwrap_or_default()
                    .to_string(),
                n.notebook_instance_lifecycle_config_name()
                    .map(str::to_string),
            )
        })
    }

    /// A model group with two approved versions, each an image and an artifact in `bucket`;
    /// returns their ARNs.
    fn model_versions(&self, group: &str, bucket: &str) -> (String, String) {
        use aws_sdk_sagemaker::types::{
            InferenceSpecification, ModelApprovalStatus, ModelPackageContainerDefinition,
        };
        let sm = self.sagemaker();
        rt().block_on(async {
            sm.create_model_package_group()
                .model_package_group_name(group)
                .send()
                .await
                .unwrap();
            let mut arns = Vec::new();
            for v in [7, 8] {
                let spec = InferenceSpecification::builder()
                    .containers(
                        ModelPackageContainerDefinition::builder()
                            .image(format!(
                                "123456789012.dkr.ecr.{REGION}.amazonaws.com/serve:v{v}"
                            ))
                            .model_data_url(format!("s3://{bucket}/{group}/v{v}/model.tar.gz"))
                            .build(),
                    )
                    .supported_content_types("application/json")
                    .supported_response_mime_types("application/json")
                    .build();
                let out = sm
                    .create_model_package()
                    .model_package_group_name(group)
                    .inference_specification(spec)
                    .model_approval_status(ModelApprovalStatus::Approved)
                    .send()
                    .await
                    .unwrap();
                arns.push(out.model_package_arn().unwrap().to_string());
            }
            (arns[0].clone(), arns[1].clone())
        })
    }

    fn approval(&self, arn: &str) -> (String, Option<String>) {
        let sm = self.sagemaker();
        rt().block_on(async {
            let p = sm
                .describe_model_package()
                .model_package_name(arn)
                .send()
                .await
                .unwrap();
            (
                p.model_approval_status().unwrap().as_str().to_string(),
                p.approval_description().map(str::to_string),
            )
        })
    }

    /// An endpoint on config `NAME-v8`, with `NAME-v7` there to roll back to; each serves a
    /// model whose artifact is in `bucket`.
    fn endpoint_with_history(&self, name: &str, bucket: &str) {
        use aws_sdk_sagemaker::types::{ContainerDefinition, ProductionVariant};
        let sm = self.sagemaker();
        let role = self.role(&format!("{name}-exec"), 3600);
        rt().block_on(async {
            for v in [7, 8] {
                sm.create_model()
                    .model_name(format!("{name}-model-v{v}"))
                    .execution_role_arn(&role)
                    .primary_container(
                        ContainerDefinition::builder()
                            .image(format!(
                                "123456789012.dkr.ecr.{REGION}.amazonaws.com/serve:v{v}"
                            ))
                            .model_data_url(format!("s3://{bucket}/{name}/v{v}/model.tar.gz"))
                            .build(),
                    )
                    .send()
                    .await
                    .unwrap();
                sm.create_endpoint_config()
                    .endpoint_config_name(format!("{name}-v{v}"))
                    .production_variants(
                        ProductionVariant::builder()
                            .variant_name("AllTraffic")
                            .model_name(format!("{name}-model-v{v}"))
                            .initial_instance_count(1)
                            .instance_type(
                                aws_sdk_sagemaker::types::ProductionVariantInstanceType::MlM5Large,
                            )
                            .initial_variant_weight(1.0)
                            .build(),
                    )
                    .send()
                    .await
                    .unwrap();
            }
            sm.create_endpoint()
                .endpoint_name(name)
                .endpoint_config_name(format!("{name}-v8"))
                .send()
                .await
                .unwrap();
        });
    }

    /// CloudTrail's record of the endpoint created on v7 and updated to v8.
    fn endpoint_trail(&self, name: &str) {
        let now = chrono::Utc::now().timestamp();
        let event = |id: &str, event: &str, config: &str, ago: i64| {
            serde_json::json!({
                "EventId": id, "EventName": event, "EventTime": now - ago,
                "EventSource": "sagemaker.amazonaws.com", "Username": "ml-deployer",
                "Resources": [],
                "CloudTrailEvent": serde_json::json!({
                    "eventName": event,
                    "requestParameters": {"endpointName": name, "endpointConfigName": config}
                }).to_string()
            })
        };
        self.moto.seed_trail_events(
            REGION,
            &serde_json::json!([
                event("e-create", "CreateEndpoint", &format!("{name}-v7"), 7200),
                event("e-update", "UpdateEndpoint", &format!("{name}-v8"), 3600),
            ]),
        );
    }

    /// The endpoint's config once it has settled.
    fn endpoint_config(&self, name: &str) -> String {
        let sm = self.sagemaker();
        rt().block_on(async {
            for _ in 0..3 {
                let e = sm
                    .describe_endpoint()
                    .endpoint_name(name)
                    .send()
                    .await
                    .unwrap();
                if e.endpoint_status().map(|s| s.as_str()) == Some("InService") {
                    return e.endpoint_config_name().unwrap().to_string();
                }
            }
            panic!("endpoint {name} never settled")
        })
    }

    fn bucket(&self, name: &str, policy: Option<&str>) {
        let s3 = self.s3();
        rt().block_on(async {
            s3.create_bucket()
                .bucket(name)
                .create_bucket_configuration(
                    aws_sdk_s3::types::CreateBucketConfiguration::builder()
                        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                            REGION,
                        ))
                        .build(),
                )
                .send()
                .await
                .unwrap();
            if let Some(p) = policy {
                s3.put_bucket_policy()
                    .bucket(name)
                    .policy(p)
                    .send()
                    .await
                    .unwrap();
            }
        });
    }

    fn bucket_policy(&self, name: &str) -> Option<String> {
        let s3 = self.s3();
        rt().block_on(async {
            s3.get_bucket_policy()
                .bucket(name)
                .send()
                .await
                .ok()
                .and_then(|o| o.policy().map(str::to_string))
        })
    }

    fn put_bucket_policy(&self, name: &str, policy: &str) {
        let s3 = self.s3();
        rt().block_on(async {
            s3.put_bucket_policy()
                .bucket(name)
                .policy(policy)
                .send()
                .await
                .unwrap();
        });
    }

    fn repository(&self, name: &str) {
        let ecr = self.ecr();
        rt().block_on(async {
            ecr.create_repository()
                .repository_name(name)
                .send()
                .await
                .unwrap();
        });
    }

    fn repository_policy(&self, name: &str) -> Option<String> {
        let ecr = self.ecr();
        rt().block_on(async {
            ecr.get_repository_policy()
                .repository_name(name)
                .send()
                .await
                .ok()
                .and_then(|o| o.policy_text().map(str::to_string))
        })
    }

    /// An endpoint whose two variants (blue, green) share its traffic.
    fn blue_green(&self, name: &str) {
        use aws_sdk_sagemaker::types::{ContainerDefinition, ProductionVariant};
        let sm = self.sagemaker();
        let role = self.role(&format!("{name}-exec"), 3600);
        rt().block_on(async {
            let mut config = sm
                .create_endpoint_config()
                .endpoint_config_name(format!("{name}-cfg"));
            for colour in ["blue", "green"] {
                sm.create_model()
                    .model_name(format!("{name}-{colour}"))
                    .execution_role_arn(&role)
                    .primary_container(ContainerDefinition::builder().image("serve:1").build())
                    .send()
                    .await
                    .unwrap();
                config = config.production_variants(
                    ProductionVariant::builder()
                        .variant_name(colour)
                        .model_name(format!("{name}-{colour}"))
                        .initial_instance_count(1)
                        .instance_type(
                            aws_sdk_sagemaker::types::ProductionVariantInstanceType::MlM5Large,
                        )
                        .initial_variant_weight(1.0)
                        .build(),
                );
            }
            config.send().await.unwrap();
            sm.create_endpoint()
                .endpoint_name(name)
                .endpoint_config_name(format!("{name}-cfg"))
                .send()
                .await
                .unwrap();
        });
    }

    fn weights(&self, name: &str) -> Vec<(String, f32)> {
        let sm = self.sagemaker();
        rt().block_on(async {
            sm.describe_endpoint()
                .endpoint_name(name)
                .send()
                .await
                .unwrap()
                .production_variants()
                .iter()
                .map(|v| {
                    (
                        v.variant_name().unwrap().to_string(),
                        v.current_weight().unwrap_or(-1.0),
                    )
                })
                .collect()
        })
    }

    fn group_policy(&self, group: &str) -> Option<String> {
        let sm = self.sagemaker();
        rt().block_on(async {
            sm.get_model_package_group_policy()
                .model_package_group_name(group)
                .send()
                .await
                .ok()
                .and_then(|o| o.resource_policy().map(str::to_string))
        })
    }

    fn share_group(&self, group: &str, policy: &str) {
        let sm = self.sagemaker();
        rt().block_on(async {
            sm.put_model_package_group_policy()
                .model_package_group_name(group)
                .resource_policy(policy)
                .send()
                .await
                .unwrap();
        });
    }

    /// A training job and a processing job, both named `name`, both in progress.
    fn jobs_named(&self, name: &str) {
        use aws_sdk_sagemaker::types::*;
        let sm = self.sagemaker();
        let role = self.role(&format!("{name}-exec"), 3600);
        self.trained(name, &role, "s3://in/", "s3://out/");
        rt().block_on(async {
            sm.create_processing_job()
                .processing_job_name(name)
                .role_arn(&role)
                .app_specification(AppSpecification::builder().image_uri("proc:1").build())
                .processing_resources(
                    ProcessingResources::builder()
                        .cluster_config(
                            ProcessingClusterConfig::builder()
                                .instance_count(1)
                                .instance_type(ProcessingInstanceType::MlM5Large)
                                .volume_size_in_gb(10)
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .unwrap();
        });
        for kind in ["training", "processing"] {
            self.moto.set_job_status(REGION, kind, name, "InProgress");
        }
    }

    fn training_status(&self, name: &str) -> String {
        let sm = self.sagemaker();
        rt().block_on(async {
            sm.describe_training_job()
                .training_job_name(name)
                .send()
                .await
                .unwrap()
                .training_job_status()
                .unwrap()
                .as_str()
                .to_string()
        })
    }

    /// Reads the notebook until it has settled (the harness moves it on each read).
    fn settled_notebook(&self, name: &str) -> String {
        for _ in 0..3 {
            let (status, ..) = self.notebook_state(name);
            if !matches!(status.as_str(), "Stopping" | "Pending" | "Updating") {
                return status;
            }
        }
        panic!("notebook {name} never settled")
    }
}

#[test]
fn stop_a_notebook_waits_for_stopped_and_restore_starts_it() {
    let w = world();
    w.notebook("research", Some("research-onstart"));
    let (code, out, err) = w.secdash(
        &["stop-notebook", "research", "--yes", "--incident", "INC-40"],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("notebook instance research: InService"),
        "the plan names the notebook and its state: {out}"
    );
    assert!(out.contains("memory"), "stopping destroys memory: {out}");
    assert!(out.contains("research-onstart"), "{out}");
    assert!(
        err.contains("is Stopping: waiting"),
        "the wait for Stopping → Stopped is shown: {err}"
    );
    assert!(out.contains("verified"), "{out}");
    assert_eq!(w.settled_notebook("research"), "Stopped");

    // A second stop of a stopped notebook is refused, and journals nothing.
    let (code, _, err) = w.secdash(&["stop-notebook", "research", "--yes"], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("already stopped"), "{err}");
    assert_eq!(w.journal().len(), 1);

    // Restore starts it: its OnStart runs again, so the id is typed (or --yes).
    let (code, out, err) = w.secdash(&["restore", "notebook/research", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("risk:"), "starting re-runs OnStart: {out}");
    assert_eq!(w.settled_notebook("research"), "InService");
    let (code, out, _) = w.secdash(&["restore", "research", "--yes"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("Nothing to"), "{out}");
}

#[test]
fn read_only_and_dry_run_change_no_notebook() {
    let w = world();
    w.notebook("research", None);
    for (args, env) in [
        (
            vec!["stop-notebook", "research", "--yes", "--read-only"],
            vec![],
        ),
        (
            vec!["stop-notebook", "research", "--yes"],
            vec![("SECDASH_READ_ONLY", "true")],
        ),
        (vec!["stop-notebook", "research", "--dry-run"], vec![]),
    ] {
        let (code, out, err) = w.secdash(&args, &env);
        assert!(
            code == 1 && err.contains("read-only mode") || code == 0 && out.contains("--dry-run"),
            "{args:?}: {out}{err}"
        );
    }
    assert_eq!(w.notebook_state("research").0, "InService");
    assert!(w.journal().is_empty());
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_kill_after_the_plan_or_the_stop_leaves_a_journal_restore_undoes() {
    for failpoint in ["after-plan", "after-step-0"] {
        let w = world();
        w.notebook("research", None);
        let (code, _, _) = w.secdash(
            &["stop-notebook", "research", "--yes", "--incident", "INC-41"],
            &[("SECDASH_FAILPOINT", failpoint)],
        );
        assert_ne!(code, 0, "{failpoint}");
        let j = w.journal();
        assert_eq!(j[0]["status"], "incomplete", "{failpoint}");
        w.settled_notebook("research");
        let (code, out, err) = w.secdash(&["restore", "research", "--yes"], &[]);
        assert_eq!(code, 0, "{failpoint}: {out}{err}");
        assert_eq!(w.settled_notebook("research"), "InService", "{failpoint}");
        // Idempotent: nothing more to do.
        let (code, out, _) = w.secdash(&["restore", "research", "--yes"], &[]);
        assert_eq!(code, 0);
        assert!(out.contains("Nothing to"), "{failpoint}: {out}");
    }
}

#[test]
fn an_unknown_notebook_is_named_and_nothing_is_journalled() {
    let w = world();
    let (code, out, err) = w.secdash(&["stop-notebook", "no-such-nb", "--yes"], &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("no-such-nb"), "{err}");
    assert!(!err.contains("Error {"), "plain words: {err}");
    assert!(w.journal().is_empty());
}

#[test]
fn reject_a_model_version_naming_the_incident_and_restore_its_approval() {
    let w = world();
    let (_, v8) = w.model_versions("fraud", "models");
    let (code, out, err) = w.secdash(&["reject-model", &v8, "--yes", "--incident", "INC-42"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("group fraud, version 2"), "{out}");
    assert!(
        out.contains("s3://models/fraud/v8/model.tar.gz"),
        "the artifact: {out}"
    );
    assert!(out.contains("rollback-endpoint"), "{out}");
    assert!(out.contains("verified"), "{out}");
    assert_eq!(
        w.approval(&v8),
        (
            "Rejected".into(),
            Some("Rejected by secdash for incident INC-42".into())
        )
    );
    let (code, _, err) = w.secdash(&["reject-model", &v8, "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("already rejected"), "{err}");

    let (code, out, err) = w.secdash(&["restore", &format!("model-package/{v8}"), "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("risk: re-approves"), "{out}");
    assert_eq!(w.approval(&v8).0, "Approved");
}

#[test]
fn roll_an_endpoint_back_to_a_named_config_and_restore_it() {
    let w = world();
    w.endpoint_with_history("fraud-ep", "models");
    let (code, out, err) = w.secdash(
        &[
            "rollback-endpoint",
            "fraud-ep",
            "--to",
            "fraud-ep-v7",
            "--yes",
            "--incident",
            "INC-43",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("config fraud-ep-v8 (variant AllTraffic: model fraud-ep-model-v8"),
        "what answers now: {out}"
    );
    assert!(
        out.contains("Answers after it: fraud-ep-v7 (variant AllTraffic: model fraud-ep-model-v7 (image 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/serve:v7, artifact s3://models/fraud-ep/v7/model.tar.gz))"),
        "what will answer: {out}"
    );
    assert!(err.contains("is Updating: waiting"), "{err}");
    assert!(out.contains("verified"), "{out}");
    assert_eq!(w.endpoint_config("fraud-ep"), "fraud-ep-v7");

    // Without --to the journal knows what the rollback replaced.
    let (code, out, err) = w.secdash(&["rollback-endpoint", "fraud-ep", "--dry-run"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("fraud-ep-v8 is the config journal entry"),
        "{out}"
    );

    let (code, out, err) = w.secdash(&["restore", "endpoint/fraud-ep", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("risk: re-deploys endpoint config fraud-ep-v8"),
        "{out}"
    );
    assert_eq!(w.endpoint_config("fraud-ep"), "fraud-ep-v8");
}

#[test]
fn without_to_the_rollback_comes_from_cloudtrail_and_a_person_confirms_it() {
    let w = world();
    w.endpoint_with_history("fraud-ep", "models");
    // Nothing known: the operator is asked to name the config.
    let (code, _, err) = w.secdash(&["rollback-endpoint", "fraud-ep", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("--to CONFIG"), "{err}");

    w.endpoint_trail("fraud-ep");
    let (code, out, err) = w.secdash(&["rollback-endpoint", "fraud-ep", "--yes"], &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("as CloudTrail's UpdateEndpoint events tell it"),
        "{out}"
    );
    assert!(err.contains("refused with --yes"), "{err}");
    assert_eq!(
        w.endpoint_config("fraud-ep"),
        "fraud-ep-v8",
        "nothing changed"
    );
    assert!(w.journal().is_empty());
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_kill_during_any_platform_action_leaves_a_journal_restore_undoes() {
    for failpoint in ["after-plan", "after-step-0"] {
        let w = world();
        w.endpoint_with_history("fraud-ep", "models");
        let (_, v8) = w.model_versions("fraud", "models");
        w.bucket("models", Some(ODD_BUCKET_POLICY));
        w.repository("serve");
        for args in [
            vec![
                "rollback-endpoint",
                "fraud-ep",
                "--to",
                "fraud-ep-v7",
                "--yes",
            ],
            vec!["reject-model", v8.as_str(), "--yes"],
            vec!["fence-bucket", "models", "--yes"],
            vec!["quarantine-image", "serve", "--yes"],
        ] {
            let (code, _, _) = w.secdash(&args, &[("SECDASH_FAILPOINT", failpoint)]);
            assert_ne!(code, 0, "{failpoint} {args:?}");
        }
        assert!(
            w.journal().iter().all(|e| e["status"] == "incomplete"),
            "{failpoint}: {:?}",
            w.journal()
        );
        w.endpoint_config("fraud-ep");
        for what in ["fraud-ep", v8.as_str(), "models", "serve"] {
            let (code, out, err) = w.secdash(&["restore", what, "--yes"], &[]);
            assert_eq!(code, 0, "{failpoint} {what}: {out}{err}");
            // Idempotent: a second restore finds nothing to change.
            let (code, out, err) = w.secdash(&["restore", what, "--yes"], &[]);
            assert_eq!(code, 0, "{failpoint} {what} again: {out}{err}");
            assert!(out.contains("Nothing to"), "{failpoint} {what}: {out}");
        }
        assert_eq!(w.endpoint_config("fraud-ep"), "fraud-ep-v8", "{failpoint}");
        assert_eq!(w.approval(&v8).0, "Approved", "{failpoint}");
        assert_eq!(
            w.bucket_policy("models").as_deref(),
            Some(ODD_BUCKET_POLICY),
            "{failpoint}"
        );
        assert_eq!(w.repository_policy("serve"), None, "{failpoint}");
    }
}

const ODD_BUCKET_POLICY: &str = "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ { \"Sid\" : \"TlsOnly\", \"Effect\" : \"Deny\", \"Principal\" : \"*\", \"Action\" : \"s3:*\", \"Resource\" : \"arn:aws:s3:::models/*\", \"Condition\" : { \"Bool\" : { \"aws:SecureTransport\" : \"false\" } } } ]\n}";

fn statements(policy: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(policy).unwrap()["Statement"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn fence_a_bucket_and_restore_its_policy_byte_for_byte() {
    let w = world();
    w.bucket("models", Some(ODD_BUCKET_POLICY));
    w.endpoint_with_history("fraud-ep", "models");
    let allowed = "arn:aws:iam::123456789012:role/forensics";
    let (code, out, err) = w.secdash(
        &[
            "fence-bucket",
            "models",
            "--allow",
            allowed,
            "--yes",
            "--incident",
            "INC-44",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Every principal but arn:aws:sts::123456789012:user/moto, arn:aws:iam::123456789012:role/forensics loses"),
        "who keeps access: {out}"
    );
    assert!(
        out.contains("arn:aws:iam::123456789012:role/fraud-ep-exec"),
        "the execution role that loads the model: {out}"
    );
    assert!(out.contains("verified"), "{out}");
    let fenced = statements(&w.bucket_policy("models").unwrap());
    assert_eq!(fenced.len(), 2, "{fenced:?}");
    assert_eq!(fenced[0]["Sid"], "TlsOnly", "the policy it had is kept");
    let fence = &fenced[1];
    assert_eq!(fence["Sid"], "SecdashFenceINC44");
    assert_eq!(fence["Principal"], "*");
    assert_eq!(
        fence["Condition"]["StringNotLike"]["aws:PrincipalArn"],
        serde_json::json!(["arn:aws:sts::123456789012:user/moto", allowed])
    );
    let (code, _, err) = w.secdash(&["fence-bucket", "models", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("already has a secdash statement"), "{err}");

    let (code, out, err) = w.secdash(&["restore", "bucket/models", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        w.bucket_policy("models").as_deref(),
        Some(ODD_BUCKET_POLICY),
        "byte for byte"
    );
}

#[test]
fn a_fence_on_a_bucket_without_policy_is_undone_by_deleting_it_and_edits_since_are_kept() {
    let w = world();
    w.bucket("bare", None);
    let (code, out, err) = w.secdash(&["fence-bucket", "bare", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = w.secdash(&["restore", "bare", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.bucket_policy("bare"), None, "deleted, as there was none");

    // Fenced again, then someone adds a statement: the restore takes out only secdash's.
    let (code, _, err) = w.secdash(
        &["fence-bucket", "bare", "--yes", "--incident", "INC-45"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let mut policy: Value = serde_json::from_str(&w.bucket_policy("bare").unwrap()).unwrap();
    policy["Statement"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"Sid": "Legal", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::bare/*"}));
    w.put_bucket_policy("bare", &policy.to_string());
    let (code, out, err) = w.secdash(&["restore", "bare", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("only secdash's statement is removed"), "{out}");
    let left = statements(&w.bucket_policy("bare").unwrap());
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["Sid"], "Legal");
}

#[test]
fn quarantine_an_image_repository_and_restore_it() {
    let w = world();
    w.repository("serve");
    let (code, out, err) = w.secdash(
        &["quarantine-image", "serve", "--yes", "--incident", "INC-46"],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("cannot name a tag"), "{out}");
    assert!(out.contains("verified"), "{out}");
    let q = statements(&w.repository_policy("serve").unwrap());
    assert_eq!(q[0]["Sid"], "SecdashQuarantineINC46");
    assert_eq!(
        q[0]["Action"],
        serde_json::json!(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])
    );
    let (code, out, err) = w.secdash(&["restore", "repository/serve", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.repository_policy("serve"), None);

    // Another account's repository (AWS's Deep Learning Containers) is not ours to quarantine.
    let (code, _, err) = w.secdash(
        &[
            "quarantine-image",
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-gpu",
            "--yes",
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert!(err.contains("is in account 763104351884"), "{err}");
    assert_eq!(w.journal().len(), 2, "nothing journalled for it");
}

#[test]
fn a_name_two_resources_share_is_refused_by_restore_until_qualified() {
    let w = world();
    w.bucket("shared-name", None);
    w.repository("shared-name");
    for verb in ["fence-bucket", "quarantine-image"] {
        let (code, out, err) = w.secdash(&[verb, "shared-name", "--yes"], &[]);
        assert_eq!(code, 0, "{verb}: {out}{err}");
    }
    let (code, _, err) = w.secdash(&["restore", "shared-name", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("bucket/shared-name, repository/shared-name"),
        "{err}"
    );
    let (code, out, err) = w.secdash(&["restore", "repository/shared-name", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.repository_policy("shared-name"), None);
    assert!(
        w.bucket_policy("shared-name").is_some(),
        "the bucket stays fenced"
    );
}

#[test]
fn drain_a_variant_and_restore_the_weights_but_never_the_last_one() {
    let w = world();
    w.blue_green("ab");
    let (code, out, err) = w.secdash(&["drain-variant", "ab", "green", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Traffic goes to the other variants by their weights: blue 1, green 0"),
        "{out}"
    );
    assert_eq!(
        w.weights("ab"),
        [("blue".to_string(), 1.0), ("green".to_string(), 0.0)]
    );
    let (code, _, err) = w.secdash(&["drain-variant", "ab", "blue", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("only variant of endpoint ab with weight"),
        "{err}"
    );
    let (code, out, err) = w.secdash(&["restore", "ab", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        w.weights("ab"),
        [("blue".to_string(), 1.0), ("green".to_string(), 1.0)]
    );
}

#[test]
fn unshare_a_model_group_and_share_it_again_byte_for_byte() {
    let w = world();
    w.model_versions("fraud", "models");
    let policy = "{ \"Version\": \"2012-10-17\", \"Statement\": [ { \"Sid\": \"Prod\", \"Effect\": \"Allow\", \"Principal\": { \"AWS\": \"arn:aws:iam::444455556666:root\" }, \"Action\": \"sagemaker:DescribeModelPackage\", \"Resource\": \"*\" } ] }";
    w.share_group("fraud", policy);
    let (code, out, err) = w.secdash(&["unshare-model-group", "fraud", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("shared with arn:aws:iam::444455556666:root"),
        "{out}"
    );
    assert_eq!(w.group_policy("fraud"), None);
    let (code, _, err) = w.secdash(&["unshare-model-group", "fraud", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("shared with no one"), "{err}");
    let (code, out, err) = w.secdash(&["restore", "fraud", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.group_policy("fraud").as_deref(), Some(policy));
}

#[test]
fn harden_a_stopped_notebook_keeping_its_script_and_restore_reattaches_it() {
    let w = world();
    w.notebook("research", Some("research-onstart"));
    let (code, _, err) = w.secdash(&["harden-notebook", "research", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("stop-notebook research first"), "{err}");

    let (code, _, err) = w.secdash(
        &["stop-notebook", "research", "--yes", "--incident", "INC-47"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = w.secdash(
        &[
            "harden-notebook",
            "research",
            "--yes",
            "--incident",
            "INC-47",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Lifecycle config research-onstart is detached"),
        "{out}"
    );
    assert!(out.contains("sha256 "), "the script as its hash: {out}");
    assert!(
        !out.contains("echo start"),
        "never the script's text: {out}"
    );
    let j = w.journal();
    let harden = j.iter().find(|e| e["action"] == "harden-notebook").unwrap();
    let records = std::fs::read_to_string(w.state.path().join("journal.jsonl")).unwrap();
    let planned: Value = records
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["entry"] == harden["entry"] && r["plan"].is_object())
        .unwrap();
    assert_eq!(
        planned["plan"]["before"]["evidence"], "# OnCreate\n\n# OnStart\n#!/bin/bash\necho start\n",
        "the script is kept in the journal: {planned}"
    );
    w.settled_notebook("research");
    assert_eq!(
        w.notebook_state("research"),
        ("Stopped".into(), "Disabled".into(), "2".into(), None)
    );

    // Restore the harden first (the notebook must be stopped), then the stop.
    let (code, out, err) = w.secdash(
        &["restore", harden["entry"].as_str().unwrap(), "--yes"],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("risk: re-attaches lifecycle config research-onstart"),
        "{out}"
    );
    w.settled_notebook("research");
    assert_eq!(
        w.notebook_state("research"),
        (
            "Stopped".into(),
            "Enabled".into(),
            "1".into(),
            Some("research-onstart".into())
        )
    );
}

#[test]
fn stop_a_job_one_way_naming_its_kind_when_a_name_is_shared() {
    let w = world();
    w.jobs_named("fit-7");
    let (code, _, err) = w.secdash(&["stop-job", "fit-7", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("names several jobs (a training job, a processing job)"),
        "{err}"
    );
    let (code, out, err) = w.secdash(
        &[
            "stop-job",
            "fit-7",
            "--kind",
            "training",
            "--yes",
            "--incident",
            "INC-48",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("One-way"), "{out}");
    assert!(out.contains("verified"), "{out}");
    assert_eq!(w.training_status("fit-7"), "Stopped");
    let entry = w.journal()[0]["entry"].as_str().unwrap().to_string();
    let (code, _, err) = w.secdash(&["restore", &entry, "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("one-way"), "{err}");

    // By ARN: the kind is in it.
    let arn = format!("arn:aws:sagemaker:{REGION}:123456789012:processing-job/fit-7");
    let (code, out, err) = w.secdash(&["stop-job", &arn, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("processing job fit-7: InProgress"), "{out}");
}

/// Every platform resource the verbs below act on, as a world.
fn platform_world() -> (World, String) {
    let w = world();
    w.notebook("research", Some("research-onstart"));
    w.endpoint_with_history("fraud-ep", "models");
    w.blue_green("ab");
    let (_, v8) = w.model_versions("fraud", "models");
    w.share_group("fraud", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Prod","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sagemaker:DescribeModelPackage","Resource":"*"}]}"#);
    w.bucket("models", Some(ODD_BUCKET_POLICY));
    w.repository("serve");
    w.jobs_named("fit-7");
    (w, v8)
}

/// What the verbs change, read back: equal before and after means nothing changed.
fn platform_state(w: &World, v8: &str) -> String {
    format!(
        "{:?} {} {:?} {:?} {:?} {:?} {:?} {}",
        w.notebook_state("research"),
        w.endpoint_config("fraud-ep"),
        w.weights("ab"),
        w.approval(v8),
        w.group_policy("fraud"),
        w.bucket_policy("models"),
        w.repository_policy("serve"),
        w.training_status("fit-7"),
    )
}

fn every_verb(v8: &str) -> Vec<Vec<String>> {
    [
        vec!["stop-notebook", "research"],
        vec!["rollback-endpoint", "fraud-ep", "--to", "fraud-ep-v7"],
        vec!["drain-variant", "ab", "green"],
        vec!["reject-model", v8],
        vec!["unshare-model-group", "fraud"],
        vec!["fence-bucket", "models"],
        vec!["quarantine-image", "serve"],
        vec!["stop-job", "fit-7", "--kind", "training"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(str::to_string).collect())
    .collect()
}

#[test]
fn read_only_and_dry_run_change_nothing_for_any_platform_verb() {
    let (w, v8) = platform_world();
    let before = platform_state(&w, &v8);
    for verb in every_verb(&v8) {
        let args: Vec<&str> = verb.iter().map(String::as_str).collect();
        let (code, _, err) = w.secdash(&[&args[..], &["--yes", "--read-only"]].concat(), &[]);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("read-only mode"), "{args:?}: {err}");
        let (code, out, err) = w.secdash(&[&args[..], &["--dry-run"]].concat(), &[]);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert!(
            out.contains("--dry-run: nothing was changed"),
            "{args:?}: {out}"
        );
    }
    assert_eq!(platform_state(&w, &v8), before, "nothing changed");
    assert!(w.journal().is_empty(), "nothing journalled");
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_kill_during_a_harden_a_drain_or_an_unshare_leaves_a_journal_restore_undoes() {
    for failpoint in ["after-plan", "after-step-0"] {
        let (w, v8) = platform_world();
        // Harden wants a stopped notebook: stopped first, and that stop kept.
        let (code, _, err) = w.secdash(&["stop-notebook", "research", "--yes"], &[]);
        assert_eq!(code, 0, "{err}");
        w.settled_notebook("research");
        let before = platform_state(&w, &v8);
        for args in [
            vec!["harden-notebook", "research", "--yes"],
            vec!["drain-variant", "ab", "green", "--yes"],
            vec!["unshare-model-group", "fraud", "--yes"],
        ] {
            let (code, _, _) = w.secdash(&args, &[("SECDASH_FAILPOINT", failpoint)]);
            assert_ne!(code, 0, "{failpoint} {args:?}");
        }
        w.settled_notebook("research");
        let j = w.journal();
        let entries: Vec<&str> = j
            .iter()
            .filter(|e| e["status"] == "incomplete")
            .map(|e| e["entry"].as_str().unwrap())
            .collect();
        assert_eq!(entries.len(), 3, "{failpoint}: {j:?}");
        for entry in entries {
            let (code, out, err) = w.secdash(&["restore", entry, "--yes"], &[]);
            assert_eq!(code, 0, "{failpoint} {entry}: {out}{err}");
        }
        w.settled_notebook("research");
        assert_eq!(platform_state(&w, &v8), before, "{failpoint}: exactly back");
    }
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_kill_during_a_stop_job_is_journalled_and_never_undone() {
    let (w, _) = platform_world();
    let (code, _, _) = w.secdash(
        &["stop-job", "fit-7", "--kind", "training", "--yes"],
        &[("SECDASH_FAILPOINT", "after-step-0")],
    );
    assert_ne!(code, 0);
    let j = w.journal();
    assert_eq!(
        (j[0]["action"].as_str(), j[0]["status"].as_str()),
        (Some("stop-job"), Some("incomplete"))
    );
    let (code, _, err) = w.secdash(&["restore", j[0]["entry"].as_str().unwrap(), "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("one-way"), "{err}");
    // Stopping for one read (the harness's minutes), then stopped.
    let status = match w.training_status("fit-7").as_str() {
        "Stopping" => w.training_status("fit-7"),
        other => other.to_string(),
    };
    assert_eq!(status, "Stopped");
}

/// The SageMaker pane's read against moto: `--once --format json` lists the notebook, the
/// model versions and the jobs under `sagemaker`.
#[test]
fn the_sagemaker_pane_reads_notebooks_versions_and_jobs() {
    let (w, v8) = platform_world();
    let (_, out, err) = w.secdash(&["--once", "--format", "json", "--fail-on", "never"], &[]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let rows = v["sagemaker"].as_array().unwrap_or_else(|| panic!("{v}"));
    let find = |kind: &str, id: &str| {
        rows.iter()
            .find(|r| r["kind"] == kind && r["id"] == id)
            .unwrap_or_else(|| panic!("no {kind} {id} in {rows:?}"))
    };
    let nb = find("notebook", "research");
    assert_eq!(nb["status"], "InService");
    assert!(
        nb["detail"].as_str().unwrap().contains("root enabled"),
        "{nb}"
    );
    let version = find("model_version", &v8);
    assert_eq!(version["name"], "fraud/2");
    assert_eq!(version["status"], "Approved");
    assert_eq!(version["group"], "fraud");
    assert_eq!(find("training_job", "fit-7")["status"], "InProgress");
    assert_eq!(find("processing_job", "fit-7")["status"], "InProgress");
    assert!(
        v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["pane"] != "sagemaker"),
        "{}",
        v["errors"]
    );
}

impl World {
    /// An endpoint `name` serving one model with this image and artifact.
    fn serving(&self, name: &str, image: &str, artifact: &str) {
        use aws_sdk_sagemaker::types::{ContainerDefinition, ProductionVariant};
        let sm = self.sagemaker();
        let role = self.role(&format!("{name}-exec"), 3600);
        rt().block_on(async {
            sm.create_model()
                .model_name(format!("{name}-model"))
                .execution_role_arn(&role)
                .primary_container(
                    ContainerDefinition::builder()
                        .image(image)
                        .model_data_url(artifact)
                        .build(),
                )
                .send()
                .await
                .unwrap();
            sm.create_endpoint_config()
                .endpoint_config_name(format!("{name}-cfg"))
                .production_variants(
                    ProductionVariant::builder()
                        .variant_name("AllTraffic")
                        .model_name(format!("{name}-model"))
                        .initial_instance_count(1)
                        .instance_type(
                            aws_sdk_sagemaker::types::ProductionVariantInstanceType::MlM5Large,
                        )
                        .build(),
                )
                .send()
                .await
                .unwrap();
            sm.create_endpoint()
                .endpoint_name(name)
                .endpoint_config_name(format!("{name}-cfg"))
                .send()
                .await
                .unwrap();
        });
    }

    /// An approved package in group `group` naming this artifact.
    fn approved(&self, group: &str, image: &str, artifact: &str) {
        use aws_sdk_sagemaker::types::{
            InferenceSpecification, ModelApprovalStatus, ModelPackageContainerDefinition,
        };
        let sm = self.sagemaker();
        rt().block_on(async {
            sm.create_model_package_group()
                .model_package_group_name(group)
                .send()
                .await
                .unwrap();
            sm.create_model_package()
                .model_package_group_name(group)
                .inference_specification(
                    InferenceSpecification::builder()
                        .containers(
                            ModelPackageContainerDefinition::builder()
                                .image(image)
                                .model_data_url(artifact)
                                .build(),
                        )
                        .supported_content_types("application/json")
                        .supported_response_mime_types("application/json")
                        .build(),
                )
                .model_approval_status(ModelApprovalStatus::Approved)
                .send()
                .await
                .unwrap();
        });
    }

    fn put_object(&self, bucket: &str, key: &str) {
        let s3 = self.s3();
        rt().block_on(async {
            s3.put_object()
                .bucket(bucket)
                .key(key)
                .body(aws_sdk_s3::primitives::ByteStream::from_static(b"weights"))
                .send()
                .await
                .unwrap();
        });
    }

    fn versioned(&self, bucket: &str) {
        let s3 = self.s3();
        rt().block_on(async {
            s3.put_bucket_versioning()
                .bucket(bucket)
                .versioning_configuration(
                    aws_sdk_s3::types::VersioningConfiguration::builder()
                        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        });
    }
}

/// #29's three endpoints: one whose artifact was overwritten after its package was approved
/// and whose image is `:latest`, one serving a model no package names, one clean.
#[test]
fn each_endpoint_says_what_answers_and_what_does_not_hold() {
    let w = world();
    w.bucket("models", None);
    w.versioned("models");
    let repo = format!("123456789012.dkr.ecr.{REGION}.amazonaws.com/serve");
    let digest = format!("{repo}@sha256:{}", "c".repeat(64));
    // Poisoned: approved, then the artifact written again (a second later: S3 keeps seconds).
    w.approved(
        "poisoned",
        &format!("{repo}:latest"),
        "s3://models/poisoned/model.tar.gz",
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.put_object("models", "poisoned/model.tar.gz");
    w.serving(
        "poisoned",
        &format!("{repo}:latest"),
        "s3://models/poisoned/model.tar.gz",
    );
    // Unregistered: no package names its artifact.
    w.put_object("models", "stray/model.tar.gz");
    w.serving("stray", &digest, "s3://models/stray/model.tar.gz");
    // Clean: the artifact written, then approved; the image by digest.
    w.put_object("models", "clean/model.tar.gz");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.approved("clean", &digest, "s3://models/clean/model.tar.gz");
    w.serving("clean", &digest, "s3://models/clean/model.tar.gz");
    // Pinned: named by a tag, but its repository refuses to move a tag.
    let ecr = w.ecr();
    rt().block_on(async {
        ecr.create_repository()
            .repository_name("pinned")
            .image_tag_mutability(aws_sdk_ecr::types::ImageTagMutability::Immutable)
            .send()
            .await
            .unwrap();
    });
    let pinned = format!("123456789012.dkr.ecr.{REGION}.amazonaws.com/pinned:v1");
    w.put_object("models", "pinned/model.tar.gz");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.approved("pinned", &pinned, "s3://models/pinned/model.tar.gz");
    w.serving("pinned", &pinned, "s3://models/pinned/model.tar.gz");

    let (_, out, err) = w.secdash(&["--once", "--format", "json", "--fail-on", "never"], &[]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let chain = |name: &str| {
        let e = v["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("no endpoint {name}: {v}"));
        e["provenance"][0].clone()
    };
    let flags = |name: &str| -> Vec<String> {
        chain(name)["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        flags("poisoned"),
        ["artifact_changed_after_approval", "mutable_image_tag"],
        "{}",
        chain("poisoned")
    );
    assert_eq!(flags("stray"), ["unregistered_model"], "{}", chain("stray"));
    assert!(flags("clean").is_empty(), "{}", chain("clean"));
    assert!(
        flags("pinned").is_empty(),
        "an immutable tag is not flagged: {}",
        chain("pinned")
    );
    assert_eq!(chain("pinned")["image"]["immutable"], true);
    for name in ["poisoned", "stray", "clean"] {
        let c = chain(name);
        assert!(
            c["artifact"]["url"]
                .as_str()
                .unwrap()
                .starts_with("s3://models/"),
            "{c}"
        );
        assert!(
            c["artifact"]["version_id"].is_string(),
            "the version read: {c}"
        );
        assert!(
            c["image"]["digest"]
                .as_str()
                .unwrap()
                .starts_with("sha256:"),
            "the deployed digest: {c}"
        );
    }
    assert_eq!(chain("clean")["package"]["status"], "Approved");
}

impl World {
    /// A role SageMaker may assume, with one inline policy allowing `actions` on `resources`.
    fn sagemaker_role(&self, name: &str, grants: &[(&str, &str)]) -> String {
        let iam = self.iam();
        let statements: Vec<Value> = grants
            .iter()
            .map(|(action, resource)| {
                serde_json::json!({"Effect": "Allow", "Action": action, "Resource": resource})
            })
            .collect();
        rt().block_on(async {
            let arn = iam
                .create_role()
                .role_name(name)
                .assume_role_policy_document(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
                )
                .send()
                .await
                .unwrap()
                .role
                .unwrap()
                .arn;
            iam.put_role_policy()
                .role_name(name)
                .policy_name("grants")
                .policy_document(
                    serde_json::json!({"Version": "2012-10-17", "Statement": statements})
                        .to_string(),
                )
                .send()
                .await
                .unwrap();
            arn
        })
    }

    /// An image pushed to `repo` as `tag`; its digest.
    fn push_image(&self, repo: &str, tag: &str) -> String {
        let ecr = self.ecr();
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"digest": format!("sha256:{}", "1".repeat(64)), "size": 1},
            "layers": [{"digest": format!("sha256:{}", "2".repeat(64)), "size": 1}]
        });
        rt().block_on(async {
            ecr.create_repository()
                .repository_name(repo)
                .send()
                .await
                .unwrap();
            ecr.put_image()
                .repository_name(repo)
                .image_manifest(manifest.to_string())
                .image_tag(tag)
                .send()
                .await
                .unwrap()
                .image
                .unwrap()
                .image_id
                .unwrap()
                .image_digest
                .unwrap()
        })
    }

    /// A training job without network isolation, reading `input`, writing under `output`
    /// (moto makes it Completed).
    fn trained(&self, name: &str, role: &str, input: &str, output: &str) {
        use aws_sdk_sagemaker::types::*;
        let sm = self.sagemaker();
        rt().block_on(async {
            sm.create_training_job()
                .training_job_name(name)
                .role_arn(role)
                .algorithm_specification(
                    AlgorithmSpecification::builder()
                        .training_image("1.dkr.ecr.us-east-1.amazonaws.com/train:1")
                        .training_input_mode(TrainingInputMode::File)
                        .build(),
                )
                .input_data_config(
                    Channel::builder()
                        .channel_name("train")
                        .data_source(
                            DataSource::builder()
                                .s3_data_source(
                                    S3DataSource::builder()
                                        .s3_data_type(S3DataType::S3Prefix)
                                        .s3_uri(input)
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .output_data_config(OutputDataConfig::builder().s3_output_path(output).build())
                .resource_config(
                    ResourceConfig::builder()
                        .instance_type(TrainingInstanceType::MlM5Large)
                        .instance_count(1)
                        .volume_size_in_gb(10)
                        .build(),
                )
                .stopping_condition(
                    StoppingCondition::builder()
                        .max_runtime_in_seconds(3600)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        });
    }
}

/// #29's blast radius and the flags read beside the chain: a served artifact a notebook's role
/// may overwrite (and another role may not), the training job that wrote it without
/// isolation, and the image's scan; `data.serving_provenance` fails on the high scan.
#[test]
fn who_could_change_what_answers_is_read_from_iams_simulator() {
    let w = world();
    w.bucket("models", None);
    w.versioned("models");
    let digest = w.push_image("serve", "v1");
    w.moto.scan_image(
        REGION,
        "serve",
        &digest,
        &serde_json::json!({"HIGH": 2, "LOW": 1}),
    );
    let writer = w.sagemaker_role(
        "notebook-role",
        &[
            ("s3:PutObject", "arn:aws:s3:::models/*"),
            ("s3:GetObject", "arn:aws:s3:::training-data/*"),
            ("sagemaker:CreateModel", "*"),
        ],
    );
    let reader = w.sagemaker_role("reader-role", &[("s3:GetObject", "arn:aws:s3:::models/*")]);
    w.trained(
        "fit-1",
        &reader,
        "s3://training-data/set1/",
        "s3://models/trained",
    );
    let artifact = "s3://models/trained/fit-1/output/model.tar.gz";
    w.put_object("models", "trained/fit-1/output/model.tar.gz");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let image = format!("123456789012.dkr.ecr.{REGION}.amazonaws.com/serve:v1");
    w.approved("trained", &image, artifact);
    w.serving("trained", &image, artifact);

    let (_, out, err) = w.secdash(&["--once", "--format", "json", "--fail-on", "never"], &[]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let e = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "trained")
        .unwrap_or_else(|| panic!("no endpoint trained: {v}"));
    let chain = &e["provenance"][0];
    let flags: Vec<(&str, &str)> = chain["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(
        flags,
        [
            ("image_scan_findings", "high"),
            ("mutable_image_tag", "medium"),
            ("artifact_bucket_writable_by_others", "medium"),
            ("training_without_isolation", "low"),
        ],
        "{chain}"
    );
    assert_eq!(chain["training_job"], "fit-1", "{chain}");
    assert_eq!(chain["image"]["digest"], digest.as_str(), "{chain}");
    assert_eq!(chain["image"]["scan"]["findings"]["HIGH"], 2, "{chain}");
    assert_eq!(
        chain["artifact"]["writable_by"],
        serde_json::json!([writer]),
        "{chain}"
    );

    let radius = |principal: &str| {
        v["blast_radius"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["principal"] == principal)
            .unwrap_or_else(|| panic!("no blast radius for {principal}: {}", v["blast_radius"]))
            .clone()
    };
    let w_radius = radius(&writer);
    assert_eq!(
        w_radius["can_write_artifacts"],
        serde_json::json!([artifact]),
        "{w_radius}"
    );
    assert_eq!(
        w_radius["can_read_training"],
        serde_json::json!(["s3://training-data/set1/"]),
        "{w_radius}"
    );
    assert_eq!(
        w_radius["can"],
        serde_json::json!(["sagemaker:CreateModel"]),
        "{w_radius}"
    );
    // The serving role is listed with what acts as it; the reader may write nothing.
    let serving = chain["role"].as_str().unwrap();
    let s_radius = radius(serving);
    assert_eq!(s_radius["kind"], "endpoint", "{s_radius}");
    assert_eq!(
        s_radius["used_by"],
        serde_json::json!(["endpoint/trained"]),
        "{s_radius}"
    );
    let r = v["blast_radius"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["principal"] == reader.as_str());
    assert!(
        r.is_none_or(|r| r["can_write_artifacts"].as_array().unwrap().is_empty()),
        "{r:?}"
    );

    let item = v["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "data.serving_provenance")
        .unwrap_or_else(|| panic!("no data.serving_provenance: {}", v["checklist"]));
    assert_eq!(item["status"], "fail", "{item}");
    assert!(
        item["evidence"][0]
            .as_str()
            .unwrap()
            .contains("trained: ECR's scan of the served image"),
        "{item}"
    );
}

/// #29's approval time: CloudTrail's approving event, not the package's last change, and not
/// secdash's own re-approval when a restore undoes its reject. The package was approved an hour
/// ago; the artifact was written after that, which the package's own time (a moment ago) and
/// the restore's event (just now) would both hide.
#[test]
fn the_approval_time_is_cloudtrails_approving_event() {
    let w = world();
    w.bucket("models", None);
    w.versioned("models");
    let image = format!(
        "123456789012.dkr.ecr.{REGION}.amazonaws.com/serve@sha256:{}",
        "c".repeat(64)
    );
    let artifact = "s3://models/late/model.tar.gz";
    w.put_object("models", "late/model.tar.gz");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.approved("late", &image, artifact);
    w.serving("late", &image, artifact);
    let sm = w.sagemaker();
    let arn = rt().block_on(async {
        sm.list_model_packages()
            .model_package_group_name("late")
            .send()
            .await
            .unwrap()
            .model_package_summary_list()[0]
            .model_package_arn()
            .unwrap()
            .to_string()
    });
    let now = chrono::Utc::now().timestamp();
    let hour_ago = now - 3600;
    // A person approved it an hour ago; secdash's restore of its own reject re-approved it
    // just now, which is not a review (its user agent names secdash).
    w.moto.seed_trail_events(
        REGION,
        &serde_json::json!([
            {
                "EventId": "e-approve", "EventName": "UpdateModelPackage", "EventTime": hour_ago,
                "EventSource": "sagemaker.amazonaws.com", "Username": "ml-approver",
                "Resources": [],
                "CloudTrailEvent": serde_json::json!({
                    "eventName": "UpdateModelPackage",
                    "requestParameters": {"modelPackageArn": arn, "modelApprovalStatus": "Approved"}
                }).to_string()
            },
            {
                "EventId": "e-restore", "EventName": "UpdateModelPackage", "EventTime": now,
                "EventSource": "sagemaker.amazonaws.com", "Username": "responder",
                "Resources": [],
                "CloudTrailEvent": serde_json::json!({
                    "eventName": "UpdateModelPackage",
                    "userAgent": "aws-sdk-rust/1.3.9 ua/2.1 api/sagemaker/1.0 os/linux lang/rust/1.95.0 app/secdash",
                    "requestParameters": {"modelPackageArn": arn, "modelApprovalStatus": "Approved"}
                }).to_string()
            }
        ]),
    );

    let (_, out, err) = w.secdash(&["--once", "--format", "json", "--fail-on", "never"], &[]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let chain = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "late")
        .map(|e| e["provenance"][0].clone())
        .unwrap_or_else(|| panic!("no endpoint late: {v}"));
    assert_eq!(chain["package"]["approved_from"], "cloudtrail", "{chain}");
    let approved = chain["package"]["approved_at"].as_str().unwrap();
    let approved = chrono::DateTime::parse_from_rfc3339(approved).unwrap();
    assert_eq!(approved.timestamp(), hour_ago, "{chain}");
    let flags: Vec<&str> = chain["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(flags, ["artifact_changed_after_approval"], "{chain}");
}

/// #29 on an endpoint that hosts inference components: one chain per component, each judged
/// on its own model (one approved, one no package names); #30: each component's own metrics
/// (`inference_components`), and an asynchronous endpoint's `backlog`.
#[test]
fn each_inference_component_has_its_own_chain_and_metrics() {
    use aws_sdk_sagemaker::types::{
        ContainerDefinition, InferenceComponentComputeResourceRequirements,
        InferenceComponentRuntimeConfig, InferenceComponentSpecification, ProductionVariant,
    };
    let w = world();
    w.bucket("models", None);
    w.versioned("models");
    let digest = format!(
        "123456789012.dkr.ecr.{REGION}.amazonaws.com/serve@sha256:{}",
        "c".repeat(64)
    );
    w.put_object("models", "a/model.tar.gz");
    w.put_object("models", "b/model.tar.gz");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.approved("a", &digest, "s3://models/a/model.tar.gz");
    let role = w.role("ic-exec", 3600);
    let sm = w.sagemaker();
    rt().block_on(async {
        for m in ["a", "b"] {
            sm.create_model()
                .model_name(format!("{m}-model"))
                .execution_role_arn(&role)
                .primary_container(
                    ContainerDefinition::builder()
                        .image(&digest)
                        .model_data_url(format!("s3://models/{m}/model.tar.gz"))
                        .build(),
                )
                .send()
                .await
                .unwrap();
        }
        sm.create_endpoint_config()
            .endpoint_config_name("shared-cfg")
            .production_variants(
                ProductionVariant::builder()
                    .variant_name("AllTraffic")
                    .initial_instance_count(1)
                    .instance_type(
                        aws_sdk_sagemaker::types::ProductionVariantInstanceType::MlM5Large,
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        sm.create_endpoint()
            .endpoint_name("shared")
            .endpoint_config_name("shared-cfg")
            .send()
            .await
            .unwrap();
        for m in ["a", "b"] {
            sm.create_inference_component()
                .inference_component_name(format!("ic-{m}"))
                .endpoint_name("shared")
                .variant_name("AllTraffic")
                .specification(
                    InferenceComponentSpecification::builder()
                        .model_name(format!("{m}-model"))
                        .compute_resource_requirements(
                            InferenceComponentComputeResourceRequirements::builder()
                                .min_memory_required_in_mb(1024)
                                .build(),
                        )
                        .build(),
                )
                .runtime_config(
                    InferenceComponentRuntimeConfig::builder()
                        .copy_count(1)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        }
        // #30: each component's traffic, as CloudWatch keeps it under its own dimension.
        let cw = aws_sdk_cloudwatch::Client::new(&w.moto.sdk(REGION).await);
        for (ic, invocations, errors) in [("ic-a", 40.0, 0.0), ("ic-b", 7.0, 3.0)] {
            let datum = |metric: &str, value: f64| {
                aws_sdk_cloudwatch::types::MetricDatum::builder()
                    .metric_name(metric)
                    .dimensions(
                        aws_sdk_cloudwatch::types::Dimension::builder()
                            .name("InferenceComponentName")
                            .value(ic)
                            .build(),
                    )
                    .value(value)
                    .timestamp(aws_smithy_types::DateTime::from_secs(
                        chrono::Utc::now().timestamp() - 120,
                    ))
                    .build()
            };
            cw.put_metric_data()
                .namespace("AWS/SageMaker")
                .metric_data(datum("Invocations", invocations))
                .metric_data(datum("Invocation5XXErrors", errors))
                .metric_data(datum("ModelLatency", 250_000.0))
                .send()
                .await
                .unwrap();
        }
        // And an asynchronous endpoint, whose backlog is its own metric.
        sm.create_endpoint_config()
            .endpoint_config_name("batch-cfg")
            .production_variants(
                ProductionVariant::builder()
                    .variant_name("AllTraffic")
                    .model_name("a-model")
                    .initial_instance_count(1)
                    .instance_type(
                        aws_sdk_sagemaker::types::ProductionVariantInstanceType::MlM5Large,
                    )
                    .build(),
            )
            .async_inference_config(
                aws_sdk_sagemaker::types::AsyncInferenceConfig::builder()
                    .output_config(
                        aws_sdk_sagemaker::types::AsyncInferenceOutputConfig::builder()
                            .s3_output_path("s3://models/async/")
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        sm.create_endpoint()
            .endpoint_name("batch")
            .endpoint_config_name("batch-cfg")
            .send()
            .await
            .unwrap();
        cw.put_metric_data()
            .namespace("AWS/SageMaker")
            .metric_data(
                aws_sdk_cloudwatch::types::MetricDatum::builder()
                    .metric_name("ApproximateBacklogSize")
                    .dimensions(
                        aws_sdk_cloudwatch::types::Dimension::builder()
                            .name("EndpointName")
                            .value("batch")
                            .build(),
                    )
                    .value(12.0)
                    .timestamp(aws_smithy_types::DateTime::from_secs(
                        chrono::Utc::now().timestamp() - 120,
                    ))
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });

    let (_, out, err) = w.secdash(&["--once", "--format", "json", "--fail-on", "never"], &[]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let e = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "shared")
        .unwrap_or_else(|| panic!("no endpoint shared: {v}"));
    let components: Vec<(&str, f64, f64, f64)> = e["inference_components"]
        .as_array()
        .unwrap_or_else(|| panic!("no inference_components: {e}"))
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["invocations"].as_f64().unwrap(),
                c["errors_5xx"].as_f64().unwrap(),
                c["latency_ms_avg"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    assert_eq!(
        components,
        [("ic-a", 40.0, 0.0, 250.0), ("ic-b", 7.0, 3.0, 250.0)],
        "{e}"
    );
    assert!(e.get("backlog").is_none(), "a real-time endpoint: {e}");
    let batch = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "batch")
        .unwrap_or_else(|| panic!("no endpoint batch: {v}"));
    assert_eq!(batch["backlog"], 12.0, "{batch}");
    let chains: Vec<(&str, &str, Vec<&str>)> = e["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["inference_component"].as_str().unwrap_or("-"),
                c["model"].as_str().unwrap(),
                c["flags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["id"].as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        chains,
        [
            ("ic-a", "a-model", vec![]),
            ("ic-b", "b-model", vec!["unregistered_model"]),
        ],
        "{}",
        e["provenance"]
    );
}
