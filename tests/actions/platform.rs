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
