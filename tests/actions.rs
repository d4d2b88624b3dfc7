//! Incident-response actions against moto's server: the real binary isolates, contains,
//! archives and restores; the SDK checks the result. Kills between the journal write and the
//! API call are simulated with the `SECDASH_FAILPOINT` hook, which aborts the process there.

mod support;

use assert_cmd::Command;
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, UserIdGroupPair};
use serde_json::Value;
use std::collections::BTreeSet;
use support::moto::{Moto, Seen, finding};

const REGION: &str = "ap-southeast-1";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

struct World {
    moto: Moto,
    ec2: aws_sdk_ec2::Client,
    vpc: String,
    subnet: String,
    state: tempfile::TempDir,
}

fn world() -> World {
    let moto = Moto::start();
    let rt = rt();
    let cfg = rt.block_on(moto.sdk(REGION));
    let ec2 = aws_sdk_ec2::Client::new(&cfg);
    let (vpc, subnet) = rt.block_on(async {
        let vpc = support::moto::ec2::vpc(&ec2, "10.0.0.0/16").await;
        let subnet = support::moto::ec2::subnet(&ec2, &vpc, "10.0.1.0/24").await;
        (vpc, subnet)
    });
    World {
        moto,
        ec2,
        vpc,
        subnet,
        state: tempfile::tempdir().unwrap(),
    }
}

impl World {
    fn group(&self, name: &str) -> String {
        rt().block_on(async {
            let id = support::moto::ec2::group(&self.ec2, &self.vpc, name, "test").await;
            self.ec2
                .authorize_security_group_ingress()
                .group_id(&id)
                .ip_permissions(
                    IpPermission::builder()
                        .ip_protocol("tcp")
                        .from_port(22)
                        .to_port(22)
                        .ip_ranges(
                            IpRange::builder()
                                .cidr_ip("0.0.0.0/0")
                                .description("SSH from anywhere")
                                .build(),
                        )
                        .build(),
                )
                .ip_permissions(
                    IpPermission::builder()
                        .ip_protocol("tcp")
                        .from_port(443)
                        .to_port(443)
                        .ipv6_ranges(
                            Ipv6Range::builder()
                                .cidr_ipv6("::/0")
                                .description("HTTPS v6")
                                .build(),
                        )
                        .build(),
                )
                .ip_permissions(
                    IpPermission::builder()
                        .ip_protocol("tcp")
                        .from_port(8000)
                        .to_port(8100)
                        .user_id_group_pairs(
                            UserIdGroupPair::builder()
                                .group_id(&id)
                                .description("self")
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .unwrap();
            id
        })
    }

    /// Every rule of a group as (direction, protocol, ports, peer, description).
    fn rules(&self, group: &str) -> BTreeSet<String> {
        rt().block_on(async {
            support::moto::ec2::rules(&self.ec2, group)
                .await
                .iter()
                .map(|r| {
                    format!(
                        "{} {} {:?}-{:?} {} {}",
                        if r.is_egress().unwrap_or(false) {
                            "out"
                        } else {
                            "in"
                        },
                        r.ip_protocol().unwrap_or(""),
                        r.from_port(),
                        r.to_port(),
                        r.cidr_ipv4()
                            .or(r.cidr_ipv6())
                            .or(r.referenced_group_info().and_then(|g| g.group_id()))
                            .unwrap_or(""),
                        r.description().unwrap_or("")
                    )
                })
                .collect()
        })
    }

    fn eni(&self, groups: &[&str]) -> String {
        rt().block_on(async {
            self.ec2
                .create_network_interface()
                .subnet_id(&self.subnet)
                .set_groups(Some(groups.iter().map(|g| g.to_string()).collect()))
                .send()
                .await
                .unwrap()
                .network_interface
                .unwrap()
                .network_interface_id
                .unwrap()
        })
    }

    fn eni_groups(&self, eni: &str) -> BTreeSet<String> {
        rt().block_on(async {
            self.ec2
                .describe_network_interfaces()
                .network_interface_ids(eni)
                .send()
                .await
                .unwrap()
                .network_interfaces()[0]
                .groups()
                .iter()
                .filter_map(|g| g.group_id().map(str::to_string))
                .collect()
        })
    }

    fn secdash(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
        let mut cmd = Command::cargo_bin("secdash").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.state.path())
            .env("SECDASH_STATE_DIR", self.state.path())
            .env("XDG_CONFIG_HOME", self.state.path());
        for (k, v) in self.moto.env() {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.args(args).arg("--region").arg(REGION).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn journal(&self) -> Vec<Value> {
        let (code, out, err) = self.secdash(&["journal", "--format", "json"], &[]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Vec<Value>>(&out).unwrap()
    }
}

#[test]
fn isolate_then_restore_gives_back_identical_rules() {
    let w = world();
    let sg = w.group("web");
    let before = w.rules(&sg);
    assert_eq!(
        before.len(),
        4,
        "three ingress and the default egress: {before:?}"
    );

    let (code, out, err) = w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-1"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verified"), "{out}");
    assert!(w.rules(&sg).is_empty(), "no rules left");

    let (code, out, err) = w.secdash(&["restore", &sg, "--yes", "--incident", "INC-1"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        w.rules(&sg),
        before,
        "ports, peers and descriptions all back"
    );

    let j = w.journal();
    assert_eq!(j.len(), 2);
    assert_eq!(
        (
            j[0]["action"].as_str(),
            j[0]["status"].as_str(),
            j[0]["verified"].as_bool()
        ),
        (Some("isolate"), Some("done"), Some(true))
    );
    assert_eq!(j[1]["action"], "restore");
    // A second restore finds nothing to do.
    let (code, out, _) = w.secdash(&["restore", &sg, "--yes"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("Nothing to do"), "{out}");
}

#[test]
fn journal_records_the_before_state_first_and_is_private() {
    let w = world();
    let sg = w.group("web");
    w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-2"], &[]);
    let path = w.state.path().join("journal.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events: Vec<&str> = records
        .iter()
        .map(|r| r["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["planned", "step_done", "verified", "finished"]);
    let first = &records[0];
    assert_eq!(first["account"], "123456789012");
    assert!(
        first["caller_arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:sts::")
    );
    assert_eq!(first["incident"], "INC-2");
    assert_eq!(
        first["plan"]["before"]["rules"].as_array().unwrap().len(),
        4
    );
    assert!(first["version"].is_string());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn revoke_one_rule_and_restore_it() {
    let w = world();
    let sg = w.group("web");
    let before = w.rules(&sg);
    let rule_id = rt().block_on(async {
        support::moto::ec2::rules(&w.ec2, &sg)
            .await
            .iter()
            .find(|r| r.from_port() == Some(22))
            .and_then(|r| r.security_group_rule_id())
            .unwrap()
            .to_string()
    });
    let (code, out, err) = w.secdash(&["revoke", &sg, &rule_id, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let after = w.rules(&sg);
    assert_eq!(after.len(), 3);
    assert!(!after.iter().any(|r| r.contains("Some(22)")));
    let entry = w.journal()[0]["entry"].as_str().unwrap().to_string();
    let (code, _, err) = w.secdash(&["restore", &entry, "--yes"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(w.rules(&sg), before);
    let (code, _, err) = w.secdash(&["revoke", &sg, "sgr-doesnotexist", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("has no rule sgr-doesnotexist"), "{err}");
}

#[test]
fn contain_an_interface_and_restore_its_groups() {
    let w = world();
    let a = w.group("app");
    let b = w.group("db");
    let eni = w.eni(&[&a, &b]);
    let (code, out, err) = w.secdash(&["contain", &eni, "--yes", "--incident", "INC-3"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("allows all"),
        "the plan says why the temporary group comes first: {out}"
    );
    let now = w.eni_groups(&eni);
    assert_eq!(now.len(), 1);
    let isolation = now.iter().next().unwrap().clone();
    assert!(
        w.rules(&isolation).is_empty(),
        "the isolation group has no rules, not even egress"
    );
    let (code, out, err) = w.secdash(&["restore", &eni, "--yes", "--incident", "INC-3"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.eni_groups(&eni), BTreeSet::from([a, b]));
}

#[test]
fn dry_run_changes_nothing_and_journals_nothing() {
    let w = world();
    let sg = w.group("web");
    let before = w.rules(&sg);
    let (code, out, _) = w.secdash(&["isolate", &sg, "--dry-run"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("dry run: allowed"), "{out}");
    assert!(out.contains("nothing was changed"));
    assert_eq!(w.rules(&sg), before);
    assert!(w.journal().is_empty());
}

#[test]
fn read_only_makes_no_call_that_changes_anything() {
    let w = world();
    let sg = w.group("web");
    let before = w.rules(&sg);
    for args in [
        vec!["isolate", sg.as_str(), "--yes", "--read-only"],
        vec!["restore", sg.as_str(), "--yes", "--read-only"],
    ] {
        let (code, _, err) = w.secdash(&args, &[]);
        assert_eq!(code, 1);
        assert!(err.contains("read-only mode"), "{err}");
    }
    let (code, _, err) = w.secdash(&["isolate", &sg, "--yes"], &[("SECDASH_READ_ONLY", "true")]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(w.rules(&sg), before);
    assert!(
        w.journal().is_empty(),
        "nothing planned, nothing journalled"
    );
}

#[test]
fn without_yes_and_without_a_terminal_it_refuses() {
    let w = world();
    let sg = w.group("web");
    let before = w.rules(&sg);
    let (code, _, err) = w.secdash(&["isolate", &sg], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("pass --yes"), "{err}");
    assert_eq!(w.rules(&sg), before);
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_kill_after_the_journal_write_loses_nothing() {
    let w = world();
    let sg = w.group("web");
    let before = w.rules(&sg);
    // Killed after the plan reached the disk, before the first mutating call.
    let (code, _, _) = w.secdash(
        &["isolate", &sg, "--yes", "--incident", "INC-4"],
        &[("SECDASH_FAILPOINT", "after-plan")],
    );
    assert_ne!(code, 0);
    let j = w.journal();
    assert_eq!(j[0]["status"], "incomplete", "shown as half-done");
    assert_eq!(w.rules(&sg), before);
    let (code, out, err) = w.secdash(&["restore", j[0]["entry"].as_str().unwrap(), "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.rules(&sg), before);
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_kill_half_way_through_contain_restores_cleanly() {
    let w = world();
    let a = w.group("app");
    let eni = w.eni(&[&a]);
    // Steps: 0 temp group, 1 isolation group, 2 move to temp, 3 move to isolation, ... Killed
    // with the interface on the all-open temporary group.
    let (code, _, _) = w.secdash(
        &["contain", &eni, "--yes", "--incident", "INC-5"],
        &[("SECDASH_FAILPOINT", "after-step-2")],
    );
    assert_ne!(code, 0);
    assert_ne!(w.eni_groups(&eni), BTreeSet::from([a.clone()]));
    let j = w.journal();
    assert_eq!(j[0]["status"], "incomplete");
    assert_eq!(j[0]["steps_done"], 3);
    let (code, out, err) = w.secdash(&["restore", &eni, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.eni_groups(&eni), BTreeSet::from([a]));
}

#[test]
fn archive_and_unarchive_a_finding() {
    let w = world();
    let rt = rt();
    let cfg = rt.block_on(w.moto.sdk(REGION));
    let gd = aws_sdk_guardduty::Client::new(&cfg);
    let detector = rt
        .block_on(gd.create_detector().enable(true).send())
        .unwrap()
        .detector_id
        .unwrap();
    w.moto.seed_findings(
        REGION,
        &detector,
        &serde_json::json!([finding(
            &detector,
            REGION,
            Seen {
                id: "f1",
                kind: "Recon:EC2/Portscan",
                severity: 2.0,
                count: 1,
                archived: false,
                last_seen: "2026-11-23T09:00:00.000Z"
            }
        )]),
    );
    let archived = || {
        rt.block_on(
            gd.get_findings()
                .detector_id(&detector)
                .finding_ids("f1")
                .send(),
        )
        .unwrap()
        .findings()[0]
            .service()
            .and_then(|s| s.archived())
    };
    let (code, out, err) = w.secdash(&["archive", "f1", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(archived(), Some(true));
    let (code, _, err) = w.secdash(&["restore", "f1", "--yes"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(archived(), Some(false));
    let (code, _, err) = w.secdash(&["archive", "nope", "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("no finding nope"), "{err}");
}

#[test]
fn runbook_report_tells_the_timeline_and_what_is_still_isolated() {
    let w = world();
    let sg = w.group("web");
    let other = w.group("batch");
    assert_eq!(
        w.secdash(&["runbook", "start", "--incident", "INC-6"], &[])
            .0,
        0
    );
    w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-6"], &[]);
    w.secdash(&["isolate", &other, "--yes", "--incident", "INC-6"], &[]);
    w.secdash(&["restore", &other, "--yes", "--incident", "INC-6"], &[]);
    let (code, _, err) = w.secdash(
        &[
            "runbook",
            "note",
            "--incident",
            "INC-6",
            "--step",
            "credentials",
            "--done",
            "rotated AKIA… keys",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let (code, report, err) = w.secdash(
        &[
            "runbook",
            "report",
            "--incident",
            "INC-6",
            "--format",
            "markdown",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(report.starts_with("# Incident INC-6"), "{report}");
    assert!(
        report.contains("| Revoke compromised credentials | done |"),
        "{report}"
    );
    assert!(report.contains(&format!("| isolate | {sg} |")));
    assert!(report.contains(&format!("| restore | {other} |")));
    let still = report.split("## Still in effect").nth(1).unwrap();
    assert!(still.contains(&sg) && !still.contains(&other), "{still}");
    assert!(still.contains("secdash restore"), "says how to undo it");
}
