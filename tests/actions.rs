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
        cmd.args(args);
        // The region is an action verb's (and the dashboard's); the journal and the runbook
        // are local and do not take one.
        if !matches!(args.first(), Some(&("journal" | "runbook" | "attest"))) {
            cmd.arg("--region").arg(REGION);
        }
        let out = cmd.output().unwrap();
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
    // The first line is the journal's header (its nonce and seal, issue #26).
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["event"] != "journal_header")
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

/// #32: `secdash journal` has an ACCOUNT column, and its columns stay aligned whatever the
/// verb and the target.
#[test]
fn the_journal_lists_actions_in_aligned_columns_with_their_account() {
    let w = world();
    let sg = w.group("web");
    let eni = w.eni(&[sg.as_str()]);
    let (code, _, err) = w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-8"], &[]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = w.secdash(&["contain", &eni, "--yes", "--incident", "INC-8"], &[]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = w.secdash(&["journal"], &[]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("ENTRY") && lines[0].contains("ACCOUNT"),
        "{out}"
    );
    let status_at: Vec<usize> = lines
        .iter()
        .map(|l| {
            l.find("STATUS")
                .or_else(|| l.find("done, verified"))
                .unwrap_or_else(|| panic!("no status in {l:?}:\n{out}"))
        })
        .collect();
    assert!(
        status_at.windows(2).all(|p| p[0] == p[1]),
        "aligned:\n{out}"
    );
    assert!(
        lines[1].contains(" own "),
        "the credentials' own account:\n{out}"
    );
}

/// #32: an incident with journal entries has a runbook, started at its first entry: the report
/// needs no `runbook start`, and dates the incident from its first action.
#[test]
fn an_incident_with_actions_reports_without_runbook_start_dated_from_its_first_action() {
    let w = world();
    let sg = w.group("web");
    let (code, _, err) = w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-7"], &[]);
    assert_eq!(code, 0, "{err}");
    let first = w.journal()[0]["time"].as_str().unwrap().to_string();
    let first = chrono::DateTime::parse_from_rfc3339(&first).unwrap();
    let (code, report, err) = w.secdash(
        &[
            "runbook",
            "report",
            "--incident",
            "INC-7",
            "--format",
            "markdown",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let started = format!("- **Started:** {}", first.format("%Y-%m-%d %H:%M UTC"));
    assert!(report.contains(&started), "{started}\n{report}");
    assert!(report.contains(&format!("| isolate | {sg} |")), "{report}");
    // A runbook started after the action still dates the incident from it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (code, _, err) = w.secdash(&["runbook", "start", "--incident", "INC-7"], &[]);
    assert_eq!(code, 0, "{err}");
    let (_, report, _) = w.secdash(
        &[
            "runbook",
            "report",
            "--incident",
            "INC-7",
            "--format",
            "json",
        ],
        &[],
    );
    let v: Value = serde_json::from_str(&report).unwrap_or_else(|e| panic!("{e}: {report}"));
    let said =
        chrono::DateTime::parse_from_rfc3339(v["runbook"]["started"].as_str().unwrap()).unwrap();
    assert_eq!(said.timestamp(), first.timestamp(), "{v}");
    // An incident with nothing journalled still asks for a start.
    let (code, _, err) = w.secdash(&["runbook", "report", "--incident", "INC-NONE"], &[]);
    assert_ne!(code, 0);
    assert!(err.contains("no runbook for incident INC-NONE"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The journal and the actions under crashes, races, damage and tampering.

impl World {
    fn journal_path(&self) -> std::path::PathBuf {
        self.state.path().join("journal.jsonl")
    }

    /// Appends raw bytes to the journal, as a crash or a hand edit would leave it.
    fn append_raw(&self, bytes: &str) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.journal_path())
            .unwrap();
        f.write_all(bytes.as_bytes()).unwrap();
    }

    /// Group ids of the VPC's groups whose name starts with `prefix`.
    fn groups_named(&self, prefix: &str) -> Vec<String> {
        rt().block_on(async {
            self.ec2
                .describe_security_groups()
                .send()
                .await
                .unwrap()
                .security_groups()
                .iter()
                .filter(|g| g.group_name().is_some_and(|n| n.starts_with(prefix)))
                .filter_map(|g| g.group_id().map(str::to_string))
                .collect()
        })
    }
}

#[test]
fn a_torn_last_line_never_costs_the_next_action_or_the_journal() {
    let w = world();
    let first = w.group("web");
    let second = w.group("batch");
    let before = w.rules(&first);
    let (code, out, err) = w.secdash(&["isolate", &first, "--yes", "--incident", "INC-T"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    // A kill mid-write leaves a last line without its newline.
    w.append_raw("{\"time\":\"2026-11-23T10:00:00Z\",\"entry\":\"torn");
    let (code, out, err) = w.secdash(&["isolate", &second, "--yes", "--incident", "INC-T"], &[]);
    assert_eq!(code, 0, "the next action works: {out}{err}");
    let j = w.journal();
    assert_eq!(j.len(), 2, "both actions are in the journal: {j:?}");
    let (code, out, err) = w.secdash(&["restore", &first, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.rules(&first), before);
    let (code, report, err) = w.secdash(&["runbook", "report", "--incident", "INC-T"], &[]);
    assert!(code == 0 || err.contains("no runbook"), "{report}{err}");
}

#[test]
fn a_damaged_line_is_named_and_stops_new_actions_until_acknowledged() {
    let w = world();
    let first = w.group("web");
    let second = w.group("batch");
    let before = w.rules(&first);
    let (code, _, err) = w.secdash(&["isolate", &first, "--yes"], &[]);
    assert_eq!(code, 0, "{err}");
    let lines = std::fs::read_to_string(w.journal_path())
        .unwrap()
        .lines()
        .count();
    // A line a newer secdash wrote (an event this one does not know) and a damaged one.
    w.append_raw(
        "{\"time\":\"2026-11-23T10:00:00Z\",\"version\":\"9.0.0\",\"entry\":\"x\",\"event\":\"from_the_future\",\"incident\":\"I\",\"action\":\"isolate\",\"region\":\"r\",\"target\":\"sg-x\"}\n",
    );
    w.append_raw("this is not json\n");
    let bad = lines + 2;
    let (code, out, err) = w.secdash(&["journal"], &[]);
    assert_eq!(code, 0, "the journal still reads: {out}{err}");
    assert!(out.contains(&first), "{out}");
    assert!(
        err.contains(&format!("line {bad}")),
        "the bad line is named: {err}"
    );
    let (code, _, err) = w.secdash(&["isolate", &second, "--yes"], &[]);
    assert_eq!(code, 1, "no new action on a damaged journal");
    assert!(err.contains("secdash journal --acknowledge"), "{err}");
    // A restore of an intact entry is still possible.
    let (code, _, err) = w.secdash(&["restore", &first, "--yes"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(w.rules(&first), before);
    let (code, _, err) = w.secdash(&["journal", "--acknowledge"], &[]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = w.secdash(&["isolate", &second, "--yes"], &[]);
    assert_eq!(code, 0, "acknowledged: actions again: {err}");
}

#[test]
fn containing_a_contained_interface_is_refused_and_restore_undoes_the_chain() {
    let w = world();
    let a = w.group("app");
    let b = w.group("db");
    let eni = w.eni(&[&a, &b]);
    let (code, out, err) = w.secdash(&["contain", &eni, "--yes", "--incident", "INC-C"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let entry = w.journal()[0]["entry"].as_str().unwrap().to_string();
    let isolated = w.eni_groups(&eni);
    let (code, out, err) = w.secdash(&["contain", &eni, "--yes", "--incident", "INC-C"], &[]);
    assert_eq!(code, 1, "a second contain is refused: {out}{err}");
    assert!(err.contains(&entry), "the refusal names the entry: {err}");
    assert_eq!(
        w.eni_groups(&eni),
        isolated,
        "never moved through the open group"
    );
    assert!(w.groups_named("secdash-contain-temp").is_empty());
    let (code, out, err) = w.secdash(&["restore", &eni, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verified"), "{out}");
    assert_eq!(w.eni_groups(&eni), BTreeSet::from([a, b]));
}

#[test]
fn two_isolations_of_one_group_at_once_never_lose_the_undo() {
    let w = world();
    for trial in 0..4 {
        let sg = w.group(&format!("race-{trial}"));
        let before = w.rules(&sg);
        let spawn = |failpoint: &str| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_secdash"));
            cmd.env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("HOME", w.state.path())
                .env("SECDASH_STATE_DIR", w.state.path())
                .env("XDG_CONFIG_HOME", w.state.path())
                .env("SECDASH_FAILPOINT", failpoint);
            for (k, v) in w.moto.env() {
                cmd.env(k, v);
            }
            cmd.args(["isolate", &sg, "--yes", "--region", REGION])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        // The first responder pauses between its ingress and egress revokes (with the
        // failpoints feature; without it the two race as they may): the second one must never
        // journal what it reads then as the group's state before.
        let mut one = spawn("pause-mid-step-0");
        std::thread::sleep(std::time::Duration::from_millis(if trial % 2 == 0 {
            700
        } else {
            0
        }));
        let mut two = spawn("");
        one.wait().unwrap();
        two.wait().unwrap();
        assert!(w.rules(&sg).is_empty(), "trial {trial}: isolated");
        let (code, out, err) = w.secdash(&["restore", &sg, "--yes"], &[]);
        assert_eq!(code, 0, "trial {trial}: {out}{err}");
        assert_eq!(w.rules(&sg), before, "trial {trial}: every rule is back");
    }
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_contain_killed_on_the_open_group_leaves_no_open_group_after_restore() {
    let w = world();
    let a = w.group("app");
    let eni = w.eni(&[&a]);
    let (code, _, _) = w.secdash(
        &["contain", &eni, "--yes", "--incident", "INC-K"],
        &[("SECDASH_FAILPOINT", "after-step-2")],
    );
    assert_ne!(code, 0);
    assert_eq!(w.groups_named("secdash-contain-temp").len(), 1);
    let (code, out, err) = w.secdash(&["restore", &eni, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.eni_groups(&eni), BTreeSet::from([a]));
    assert!(
        w.groups_named("secdash-contain-temp").is_empty(),
        "the all-open temporary group is deleted"
    );
    let j = w.journal();
    assert!(
        j[0]["undone_by"].is_string(),
        "the half-done entry is resolved by the restore: {j:?}"
    );
    let (_, out, _) = w.secdash(&["journal"], &[]);
    assert!(!out.contains("INCOMPLETE"), "{out}");
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_step_whose_answer_was_lost_is_read_back_before_it_is_called_failed() {
    let w = world();
    let a = w.group("app");
    let eni = w.eni(&[&a]);
    // Step 3 moves the interface to the isolation group; the call acts but its answer is lost.
    let (code, out, err) = w.secdash(
        &["contain", &eni, "--yes"],
        &[("SECDASH_FAILPOINT", "lose-answer-step-3")],
    );
    assert_eq!(code, 0, "the step did act: {out}{err}");
    assert!(out.contains("verified"), "{out}");
    assert!(w.groups_named("secdash-contain-temp").is_empty());
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_contain_that_fails_on_the_open_group_rolls_forward_and_says_so() {
    let w = world();
    let a = w.group("app");
    let eni = w.eni(&[&a]);
    let (code, out, err) = w.secdash(
        &["contain", &eni, "--yes"],
        &[("SECDASH_FAILPOINT", "fail-step-3")],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("isolation group"),
        "says where the interface is: {err}"
    );
    let groups = w.eni_groups(&eni);
    assert!(
        !groups
            .iter()
            .any(|g| w.groups_named("secdash-contain-temp").contains(g)),
        "never left on the all-open group: {groups:?}"
    );
    assert!(w.groups_named("secdash-contain-temp").is_empty());
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_restore_that_verifies_resolves_the_unfinished_entry() {
    let w = world();
    let sg = w.group("web");
    let (code, _, _) = w.secdash(
        &["isolate", &sg, "--yes"],
        &[("SECDASH_FAILPOINT", "after-plan")],
    );
    assert_ne!(code, 0);
    let entry = w.journal()[0]["entry"].as_str().unwrap().to_string();
    let (code, out, err) = w.secdash(&["restore", &entry, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let j = w.journal();
    assert_eq!(j.len(), 1, "nothing to change: no new entry");
    assert!(j[0]["undone_by"].is_string(), "{j:?}");
    let (_, out, _) = w.secdash(&["journal"], &[]);
    assert!(!out.contains("INCOMPLETE"), "{out}");
}

#[test]
fn the_journal_is_never_written_through_a_link_or_where_others_can_write() {
    use std::os::unix::fs::PermissionsExt;
    let w = world();
    let sg = w.group("web");
    let elsewhere = w.state.path().join("elsewhere.jsonl");
    std::fs::write(&elsewhere, "").unwrap();
    std::os::unix::fs::symlink(&elsewhere, w.journal_path()).unwrap();
    let (code, _, err) = w.secdash(&["isolate", &sg, "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "");
    std::fs::remove_file(w.journal_path()).unwrap();
    std::fs::write(w.journal_path(), "").unwrap();
    std::fs::set_permissions(w.journal_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, err) = w.secdash(&["isolate", &sg, "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("chmod 600"), "{err}");
    std::fs::set_permissions(w.journal_path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(w.state.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let (code, _, err) = w.secdash(&["isolate", &sg, "--yes"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("chmod 700"), "{err}");
    std::fs::set_permissions(w.state.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    assert!(!w.rules(&sg).is_empty(), "nothing was changed");
}

#[test]
fn a_forged_record_is_never_restored() {
    let w = world();
    let sg = w.group("web");
    let (code, _, err) = w.secdash(&["isolate", &sg, "--yes"], &[]);
    assert_eq!(code, 0, "{err}");
    // A record written by hand: its "before" state opens the group to the world.
    let forged = serde_json::json!({
        "time": "2026-11-23T10:00:00Z", "version": "0.1.0", "entry": "forged-1",
        "event": "planned", "incident": "INC-F", "action": "isolate", "region": REGION,
        "target": sg,
        "plan": {"action": "isolate", "region": REGION, "target": sg,
                 "before": {"kind": "group", "group_id": sg, "vpc_id": null, "rules": [
                     {"rule_id": null, "direction": "ingress", "protocol": "all",
                      "from_port": null, "to_port": null,
                      "peer": {"kind": "ipv4", "value": "0.0.0.0/0"}, "description": ""}]},
                 "steps": [], "notes": [], "dry_run": null}
    });
    w.append_raw(&format!("{forged}\n"));
    let (code, _, err) = w.secdash(&["restore", "forged-1", "--yes"], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("altered or inserted"), "{err}");
    assert!(w.rules(&sg).is_empty(), "nothing was opened");
}

#[test]
fn a_contain_killed_at_any_moment_is_put_back_by_restore() {
    let w = world();
    // Kills spread over the life of a containment against moto (about 300 ms unloaded).
    for (trial, delay) in [60u64, 110, 150, 180, 210, 240, 270, 300, 400]
        .into_iter()
        .enumerate()
    {
        let a = w.group(&format!("kill-{trial}"));
        let eni = w.eni(&[&a]);
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_secdash"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", w.state.path())
            .env("SECDASH_STATE_DIR", w.state.path())
            .env("XDG_CONFIG_HOME", w.state.path());
        for (k, v) in w.moto.env() {
            cmd.env(k, v);
        }
        let mut child = cmd
            .args(["contain", &eni, "--yes", "--region", REGION])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (code, out, err) = w.secdash(&["restore", &eni, "--yes"], &[]);
        // Killed before its plan reached the journal: nothing was changed, nothing to restore.
        assert!(
            code == 0 || err.contains("no journal entry"),
            "trial {trial} ({delay} ms): {out}{err}"
        );
        assert_eq!(
            w.eni_groups(&eni),
            BTreeSet::from([a]),
            "trial {trial} ({delay} ms): back on its own group"
        );
        assert!(
            w.groups_named("secdash-contain-temp").is_empty(),
            "trial {trial} ({delay} ms): no all-open group left"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Acting on and recording an incident (#12).

#[test]
fn a_restore_belongs_to_the_incident_of_what_it_undoes() {
    let w = world();
    let sg = w.group("web");
    let (code, out, err) = w.secdash(&["isolate", &sg, "--incident", "INC-2041", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    // The exact line isolate printed to undo it.
    let undo = out
        .lines()
        .find_map(|l| l.strip_prefix("undo with: secdash "))
        .expect("an undo line");
    let args: Vec<&str> = undo
        .split_whitespace()
        .filter(|a| *a != "--region" && *a != REGION)
        .collect();
    let mut args = args;
    args.push("--yes");
    let (code, out, err) = w.secdash(&args, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let j = w.journal();
    assert_eq!(j[1]["action"], "restore");
    assert_eq!(j[1]["incident"], "INC-2041", "{j:?}");
    w.secdash(&["runbook", "start", "--incident", "INC-2041"], &[]);
    let (_, report, _) = w.secdash(&["runbook", "report", "--incident", "INC-2041"], &[]);
    let still = report.split("## Still in effect").nth(1).unwrap();
    assert!(still.contains("Nothing"), "{still}");
}

#[test]
fn hostile_text_never_reaches_the_terminal_but_is_restored_byte_for_byte() {
    let w = world();
    let sg = w.group("web");
    // Bidi controls pass EC2's XML (an ESC cannot: XML 1.0 has no such character).
    let hostile = "ssh\u{202e}gpj.exe \u{2066}red\u{2069}";
    rt().block_on(async {
        w.ec2
            .authorize_security_group_ingress()
            .group_id(&sg)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(2222)
                    .to_port(2222)
                    .ip_ranges(
                        IpRange::builder()
                            .cidr_ip("10.9.0.0/16")
                            .description(hostile)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
    let before = w.rules(&sg);
    let clean = |s: &str| !s.contains(['\u{202e}', '\u{2066}', '\u{2069}']);
    let (code, out, err) = w.secdash(&["isolate", &sg, "--dry-run"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(clean(&out) && clean(&err), "{out:?}");
    assert!(out.contains("gpj.exe"), "the text is there, cleaned: {out}");
    let (code, out, err) = w.secdash(&["isolate", &sg, "--yes"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(clean(&out) && clean(&err), "{out:?}");
    let raw = std::fs::read_to_string(w.journal_path()).unwrap();
    assert!(clean(&raw), "the journal escapes it");
    assert!(raw.contains("\\u202e"), "…as a JSON escape, not dropped");
    let (code, out, err) = w.secdash(&["restore", &sg, "--dry-run"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(clean(&out), "{out:?}");
    let (code, _, err) = w.secdash(&["restore", &sg, "--yes"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        w.rules(&sg),
        before,
        "the description is back byte for byte"
    );
    for args in [vec!["journal"], vec!["journal", "--format", "json"]] {
        let (_, out, err) = w.secdash(&args, &[]);
        assert!(clean(&out) && clean(&err), "{args:?}: {out:?}");
    }
}

#[test]
fn a_second_restore_changes_nothing_and_journals_nothing() {
    let w = world();
    let a = w.group("app");
    let eni = w.eni(&[&a]);
    assert_eq!(w.secdash(&["contain", &eni, "--yes"], &[]).0, 0);
    assert_eq!(w.secdash(&["restore", &eni, "--yes"], &[]).0, 0);
    let entries = w.journal().len();
    let (code, out, err) = w.secdash(&["restore", &eni, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Nothing to do"), "{out}");
    assert!(!out.contains("remove tag"), "no tag left to remove: {out}");
    assert_eq!(w.journal().len(), entries, "no new entry");
}

#[test]
fn the_state_directory_and_everything_in_it_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let w = world();
    let sg = w.group("web");
    let state = w.state.path().join("fresh");
    let (code, _, err) = w.secdash(
        &["isolate", &sg, "--yes"],
        &[("SECDASH_STATE_DIR", state.to_str().unwrap())],
    );
    assert_eq!(code, 0, "{err}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&state), 0o700);
    for f in ["journal.jsonl", "secdash.log"] {
        assert_eq!(mode(&state.join(f)), 0o600, "{f}");
    }
}

#[path = "actions/credentials.rs"]
mod credentials;

#[path = "actions/trail.rs"]
mod trail;

#[path = "actions/truth.rs"]
mod truth;

#[path = "actions/previous_journal.rs"]
mod previous_journal;

#[path = "actions/platform.rs"]
mod platform;
