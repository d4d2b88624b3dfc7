//! Issue #26: what secdash says of an action is what AWS holds. Each test failed before its
//! fix: denied and throttled calls come from the harness's fault switch
//! (`tests/moto/secdash_moto.py`), crashes from the failpoints.

use super::*;

#[test]
fn a_contain_that_cannot_close_egress_says_so_and_fails() {
    let w = world();
    let app = w.group("app");
    let eni = w.eni(&[&app]);
    w.moto.fault("RevokeSecurityGroupEgress", "deny", None);
    let (code, out, err) = w.secdash(&["contain", &eni, "--yes", "--incident", "INC-5"], &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("NOT contained: sg-")
            && err.contains("still allows all egress (needs ec2:RevokeSecurityGroupEgress)"),
        "{err}"
    );
    assert!(!out.contains("verified"), "{out}");
    assert_eq!(
        w.eni_groups(&eni),
        BTreeSet::from([app.clone()]),
        "never moved onto a group that lets it talk"
    );
    // The half-made isolation group is made rule-less when a later containment reuses it.
    w.moto.clear_faults();
    let (code, out, err) = w.secdash(&["contain", &eni, "--yes", "--incident", "INC-5"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let isolation = w.groups_named("secdash-isolation-INC-5");
    assert_eq!(w.eni_groups(&eni), isolation.iter().cloned().collect());
    assert!(
        w.rules(&isolation[0]).is_empty(),
        "{:?}",
        w.rules(&isolation[0])
    );
}

#[test]
fn an_isolation_group_left_half_made_is_closed_before_any_interface_moves_to_it() {
    let w = world();
    let app = w.group("app");
    let eni = w.eni(&[&app]);
    // A crash fell between its creation and the revoke of its default egress.
    let name = format!("secdash-isolation-INC-6-{}", w.vpc);
    let half = rt().block_on(support::moto::ec2::group(
        &w.ec2,
        &w.vpc,
        &name,
        "half-made",
    ));
    assert!(
        !w.rules(&half).is_empty(),
        "EC2 gives a new group all egress"
    );
    let (code, out, err) = w.secdash(&["contain", &eni, "--yes", "--incident", "INC-6"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.eni_groups(&eni), BTreeSet::from([half.clone()]));
    assert!(w.rules(&half).is_empty(), "{:?}", w.rules(&half));
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn contain_after_a_crash_on_the_open_group_rolls_the_interface_forward() {
    let w = world();
    let app = w.group("app");
    let eni = w.eni(&[&app]);
    // Killed with the interface on the all-open temporary group (steps: 0 temp group,
    // 1 isolation group, 2 move to temp, ...).
    let (code, _, _) = w.secdash(
        &["contain", &eni, "--yes", "--incident", "INC-7"],
        &[("SECDASH_FAILPOINT", "after-step-2")],
    );
    assert_ne!(code, 0);
    let temp = w.groups_named("secdash-contain-temp-INC-7");
    assert_eq!(w.eni_groups(&eni), temp.iter().cloned().collect());
    // Not "already contained": the plan finishes the journalled containment.
    let (code, out, err) = w.secdash(&["contain", &eni, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Rolls journal entry"), "{out}");
    let isolation = w.groups_named("secdash-isolation-INC-7");
    assert_eq!(w.eni_groups(&eni), isolation.iter().cloned().collect());
    assert!(w.rules(&isolation[0]).is_empty());
    assert!(w.groups_named("secdash-contain-temp").is_empty());
    // And the whole chain restores to what was there before the first.
    let (code, out, err) = w.secdash(&["restore", &eni, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.eni_groups(&eni), BTreeSet::from([app]));
}

#[test]
fn a_verification_read_that_fails_says_so_and_is_tried_again() {
    let w = world();
    let sg = w.group("web");
    // The plan and the check before acting read the group; every read after is throttled.
    w.moto
        .fault_after("DescribeSecurityGroups", "throttle", None, 2);
    let (code, out, err) = w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-9"], &[]);
    assert_eq!(code, 2, "done, not verified: {out}{err}");
    let said = format!("{out}{err}");
    assert!(
        said.contains("NOT verified: reading it back failed"),
        "{said}"
    );
    assert!(!said.contains("differs from the plan"), "{said}");
    assert!(w.rules(&sg).is_empty(), "the isolation itself went through");
    let (code, out, err) = w.secdash(&["restore", &sg, "--yes"], &[]);
    w.moto.clear_faults();
    assert_ne!(code, 0, "the restore's reads are throttled too: {out}{err}");
    let (code, out, err) = w.secdash(&["restore", &sg, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");

    // One read throttled through the SDK's own retries: tried again, and verified.
    w.moto
        .fault_after("DescribeSecurityGroups", "throttle", Some(4), 2);
    let (code, out, err) = w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-9"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verified"), "{out}");
}

/// A forged isolate whose "before" opens the group to the world on every port.
fn forged_isolate(sg: &str, entry: &str) -> String {
    let planned = serde_json::json!({
        "time": "2026-11-23T10:00:00Z", "version": "0.1.0", "entry": entry,
        "event": "planned", "incident": "INC-F", "action": "isolate", "region": REGION,
        "target": sg,
        "plan": {"action": "isolate", "region": REGION, "target": sg,
                 "before": {"kind": "group", "group_id": sg, "vpc_id": null, "rules": [
                     {"rule_id": null, "direction": "ingress", "protocol": "tcp",
                      "from_port": 0, "to_port": 65535,
                      "peer": {"kind": "ipv4", "value": "0.0.0.0/0"}, "description": ""}]},
                 "steps": [], "notes": [], "dry_run": null}
    });
    let finished = serde_json::json!({
        "time": "2026-11-23T10:00:01Z", "version": "0.1.0", "entry": entry,
        "event": "finished", "incident": "INC-F", "action": "isolate", "region": REGION,
        "target": sg
    });
    format!("{planned}\n{finished}\n")
}

#[test]
fn a_forged_isolate_prepended_to_the_journal_is_never_restored() {
    let w = world();
    let sg = w.group("web");
    let (code, out, err) = w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-10"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let text = std::fs::read_to_string(w.journal_path()).unwrap();
    std::fs::write(
        w.journal_path(),
        format!("{}{text}", forged_isolate(&sg, "forged-1")),
    )
    .unwrap();
    let (code, out, err) = w.secdash(&["restore", "forged-1", "--yes"], &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("altered or inserted"), "{err}");
    assert!(w.rules(&sg).is_empty(), "TCP 0-65535 was not opened");
    let (_, _, err) = w.secdash(&["journal"], &[]);
    assert!(err.contains("line 1") && err.contains("altered"), "{err}");
}

#[test]
fn a_restore_by_resource_whose_history_was_altered_refuses_naming_the_entry() {
    let w = world();
    let sg = w.group("web");
    let (code, out, err) = w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-11"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let entry = w.journal()[0]["entry"].as_str().unwrap().to_string();
    // A resolution written by hand: it says the isolation was undone.
    let resolved = serde_json::json!({
        "time": "2026-11-23T10:00:00Z", "version": "0.1.0", "entry": entry,
        "event": "resolved", "incident": "INC-11", "action": "isolate", "region": REGION,
        "target": sg, "by": "forged-r"
    });
    w.append_raw(&format!("{resolved}\n"));
    let (code, out, err) = w.secdash(&["restore", &sg, "--yes"], &[]);
    assert_eq!(code, 1, "not \"nothing to restore\": {out}{err}");
    assert!(
        err.contains(&format!("journal entry {entry} was altered or inserted")),
        "{err}"
    );
    assert!(w.rules(&sg).is_empty(), "still isolated, and said so");
}

#[test]
fn a_journal_cut_short_is_damage_that_holds_new_actions() {
    let w = world();
    let sg = w.group("web");
    let other = w.group("batch");
    let (code, out, err) = w.secdash(&["isolate", &sg, "--yes", "--incident", "INC-12"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    // The last entry's records deleted by hand, the rest intact.
    let text = std::fs::read_to_string(w.journal_path()).unwrap();
    let kept: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(w.journal_path(), kept).unwrap();
    let (_, _, err) = w.secdash(&["journal"], &[]);
    assert!(err.contains("removed"), "{err}");
    let (code, _, err) = w.secdash(&["isolate", &other, "--yes"], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("damaged"), "{err}");
    let (code, _, err) = w.secdash(&["journal", "--acknowledge"], &[]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = w.secdash(&["isolate", &other, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_restore_plan_names_the_incident_and_the_group_of_what_it_undoes() {
    let w = world();
    let app = w.group("app");
    let eni = w.eni(&[&app]);
    let (code, out, err) = w.secdash(&["contain", &eni, "--yes", "--incident", "INC-15"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = w.secdash(&["restore", &eni, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("incident INC-15"), "{out}");
    assert!(
        !out.contains("adhoc-"),
        "not the session's own incident: {out}"
    );
    let isolation = format!("secdash-isolation-INC-15-{}", w.vpc);
    assert!(out.contains(&isolation), "{out}");
    assert_eq!(
        w.groups_named(&isolation).len(),
        1,
        "it exists, as the plan says"
    );
}
