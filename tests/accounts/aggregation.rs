//! #31: an organization read through AWS's own aggregation points. Security Hub's
//! administrator holds every member's control results, a Config aggregator every member's
//! security groups and notebooks; each added account costs one call (its endpoint list).
//! moto lacks GetFindings' filters and SelectAggregateResourceConfig: the harness adds both
//! (tests/moto/secdash_moto.py), answering from moto's own records of each member.

use super::{Moto, once};
use serde_json::Value;

const ADMIN: &str = "100000000000";

/// The organization of `n` members with every aggregation point set.
fn organization(n: usize) -> String {
    let mut config = format!(
        "[[accounts]]\nname = \"security\"\nrole_arn = \"arn:aws:iam::{ADMIN}:role/SecdashReadOnly\"\n\n"
    );
    for i in 1..=n {
        let id = format!("{:012}", 200000000000u64 + i as u64);
        config.push_str(&format!(
            "[[accounts]]\nname = \"m{i:03}\"\nrole_arn = \"arn:aws:iam::{id}:role/SecdashReadOnly\"\n\n"
        ));
    }
    config.push_str(
        "[aggregation]\nguardduty_admin = \"security\"\ncloudwatch_monitoring = \"security\"\nsecurity_hub_admin = \"security\"\nconfig_aggregator = \"security:org\"\n",
    );
    config
}

fn total_calls(v: &Value) -> u64 {
    v["api_calls"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum()
}

/// An item's status for one account.
fn status<'a>(v: &'a Value, account: &str, id: &str) -> (&'a str, &'a Value) {
    let item = v["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["account_name"] == account && i["id"] == id)
        .unwrap_or_else(|| panic!("no {id} for {account}"));
    (item["status"].as_str().unwrap(), &item["evidence"])
}

/// One organization of `n` members, read once: the snapshot.
fn read(n: usize) -> Value {
    let moto = Moto::start();
    moto.seed_script("seed_aggregation.py", &[&n.to_string()]);
    let state = tempfile::tempdir().unwrap();
    let (v, _) = once(
        &moto,
        state.path(),
        &organization(n),
        &["--fail-on", "never"],
    );
    v
}

#[test]
fn an_organization_costs_one_call_per_added_account() {
    let (small, large) = std::thread::scope(|s| {
        let small = s.spawn(|| read(15));
        let large = s.spawn(|| read(45));
        (small.join().unwrap(), large.join().unwrap())
    });
    let (a, b) = (total_calls(&small), total_calls(&large));
    assert!(
        b - a <= 30,
        "15 members: {a} calls, 45 members: {b}; 30 more accounts may cost 30 more calls\n15: {}\n45: {}",
        small["api_calls"],
        large["api_calls"]
    );
    let v = &large;
    // Every member's groups, with their account; the last member is not in the aggregator:
    // read from the account, and said.
    for i in 1..=45 {
        let id = format!("{:012}", 200000000000u64 + i);
        let web = format!("web-{}", &id[9..]);
        let group = v["security_groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == web.as_str())
            .unwrap_or_else(|| panic!("no {web}; errors: {}", v["errors"]));
        assert_eq!(group["account"], id.as_str(), "{group}");
        if i < 45 {
            assert!(group["recorded_at"].is_string(), "{group}");
        }
    }
    let errors = v["errors"].to_string();
    assert!(
        errors.contains("account m045 (200000000045) has no security group in the Config aggregator security:org: read from the account"),
        "{errors}"
    );
    assert!(
        errors.contains("account m045 (200000000045) is not a member of security's Security Hub"),
        "{errors}"
    );
    // SageMaker.1 FAILED → the item fails; PASSED → it passes.
    let (failed, evidence) = status(v, "m001", "network.notebook_internet");
    assert_eq!(failed, "fail", "{evidence}");
    assert!(
        evidence.to_string().contains("SageMaker.1 FAILED"),
        "{evidence}"
    );
    assert_eq!(status(v, "m002", "network.notebook_internet").0, "pass");
    // An item no control covers, in an account not opened: read on demand.
    let (unknown, evidence) = status(v, "m002", "network.s3_vpce_only");
    assert_eq!(unknown, "unknown");
    assert!(
        evidence[0].as_str().unwrap().starts_with("read on demand"),
        "{evidence}"
    );
    // Each account says where its data came from.
    let m002 = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "m002")
        .unwrap();
    assert_eq!(
        m002["sources"]["security_groups"], "config_aggregator security:org",
        "{m002}"
    );
    assert_eq!(m002["sources"]["checklist"], "security_hub security");
    assert_eq!(m002["sources"]["endpoints"], "account");
    assert_eq!(m002["id"], "200000000002", "{m002}");
    // No identity call per account: a role's ARN names its account. Two remain: the
    // header's caller, and the checklist of m045, read from the account.
    let asked = v["api_calls"]["sts:GetCallerIdentity"]
        .as_u64()
        .unwrap_or(0);
    assert!(asked <= 2, "{asked} identity calls: {}", v["api_calls"]);
}

#[test]
fn an_opened_account_is_read_from_itself_beside_security_hubs_verdicts() {
    let moto = Moto::start();
    moto.seed_script("seed_aggregation.py", &["3"]);
    let state = tempfile::tempdir().unwrap();
    let (v, _) = once(
        &moto,
        state.path(),
        &organization(3),
        &[
            "--fail-on",
            "never",
            "--account",
            "security",
            "--account",
            "m001",
        ],
    );
    // Security Hub's verdict still stands for what its controls cover...
    assert_eq!(status(&v, "m001", "network.notebook_internet").0, "fail");
    // ...and what none covers is read from the account.
    let (_, evidence) = status(&v, "m001", "network.s3_vpce_only");
    assert!(
        !evidence.to_string().contains("read on demand"),
        "{evidence}"
    );
    let m001 = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "m001")
        .unwrap();
    assert_eq!(
        m001["sources"]["checklist"],
        "security_hub security and account"
    );
}

/// Security Hub's verdicts equal those read from the accounts, on 20 accounts where both
/// exist: the notebooks' items, judged from SageMaker.1, .2 and .3 and from the notebooks.
#[test]
fn security_hubs_verdicts_equal_the_accounts_own() {
    let moto = Moto::start();
    moto.seed_script("seed_aggregation.py", &["21", "notebooks"]);
    let state = tempfile::tempdir().unwrap();
    let through_hub = organization(21);
    let (hub, _) = once(&moto, state.path(), &through_hub, &["--fail-on", "never"]);
    let direct = through_hub.replace("security_hub_admin = \"security\"\n", "");
    let (own, _) = once(&moto, state.path(), &direct, &["--fail-on", "never"]);
    let mut compared = 0;
    for i in 1..=20 {
        let account = format!("m{i:03}");
        for id in [
            "network.notebook_internet",
            "network.notebook_vpc",
            "network.notebook_root",
        ] {
            let (a, why_a) = status(&hub, &account, id);
            let (b, why_b) = status(&own, &account, id);
            assert_eq!(
                a, b,
                "{account} {id}: Security Hub says {a} ({why_a}), the account {b} ({why_b})"
            );
            assert!(matches!(a, "pass" | "fail"), "{account} {id}: {a} {why_a}");
            compared += 1;
        }
    }
    assert_eq!(compared, 60);
    // Both verdicts were seen: the sample is not all of one kind.
    let statuses: std::collections::BTreeSet<&str> = (1..=20)
        .map(|i| status(&hub, &format!("m{i:03}"), "network.notebook_internet").0)
        .collect();
    assert_eq!(statuses.len(), 2, "{statuses:?}");
}
