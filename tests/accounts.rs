//! Many accounts in one view, against moto's server: a platform of member accounts, each with
//! secdash's read-only role, read through `[[accounts]]` from one set of base credentials
//! (tests/moto/seed_accounts.py seeds them through the AWS API; moto keys each request to the
//! account of the assumed role's credentials). One account has no such role: its failure is
//! named, and the others are complete.

mod support;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use support::moto::Moto;

const REGION: &str = "ap-southeast-1";

fn seed(moto: &Moto) {
    moto.seed_script("seed_accounts.py", &[]);
}

fn config(accounts: &[(&str, &str)]) -> String {
    accounts
        .iter()
        .map(|(name, id)| {
            format!(
                "[[accounts]]\nname = \"{name}\"\nrole_arn = \"arn:aws:iam::{id}:role/SecdashReadOnly\"\n\n"
            )
        })
        .collect()
}

/// secdash against the emulator with this config, in this state directory: what it printed
/// (stdout, stderr) and its exit code.
fn secdash(moto: &Moto, state: &Path, config: &str, args: &[&str]) -> (String, String, i32) {
    std::fs::write(state.join("config.toml"), config).unwrap();
    let mut cmd = Command::cargo_bin("secdash").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", state)
        .env("SECDASH_STATE_DIR", state)
        .env("SECDASH_CONFIG", state.join("config.toml"));
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let out = cmd.args(["--region", REGION]).args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// `secdash --once --format json` against the emulator with this config: the snapshot and
/// the exit code.
fn once(moto: &Moto, state: &Path, config: &str, args: &[&str]) -> (Value, i32) {
    let args: Vec<&str> = ["--once", "--format", "json"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    let (out, err, code) = secdash(moto, state, config, &args);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("no JSON; stderr: {err}"));
    (v, code)
}

/// Each account's bastion group in a snapshot.
fn bastion_groups(v: &Value) -> impl Iterator<Item = &Value> {
    v["security_groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["name"].as_str().unwrap().ends_with("-bastion"))
}

fn groups_by_account(v: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = bastion_groups(v)
        .map(|g| {
            (
                g["account_name"].as_str().unwrap_or("none").to_string(),
                g["account"].as_str().unwrap_or("none").to_string(),
                g["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn three_accounts_through_their_roles_in_one_snapshot() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    let accounts = [
        ("dev", "111111111111"),
        ("staging", "222222222222"),
        ("prod", "333333333333"),
    ];
    let (v, code) = once(&moto, state.path(), &config(&accounts), &[]);
    assert_eq!(
        groups_by_account(&v),
        vec![
            ("dev".into(), "111111111111".into(), "dev-bastion".into()),
            ("prod".into(), "333333333333".into(), "prod-bastion".into()),
            (
                "staging".into(),
                "222222222222".into(),
                "staging-bastion".into()
            ),
        ],
        "errors: {}",
        v["errors"]
    );
    assert_eq!(v["errors"].as_array().unwrap().len(), 0, "{}", v["errors"]);
    let listed = v["accounts"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0]["name"], "dev");
    assert_eq!(listed[0]["id"], "111111111111");
    assert_eq!(
        listed[0]["reached"],
        "role arn:aws:iam::111111111111:role/SecdashReadOnly"
    );
    assert_eq!(listed[0]["status"], "ok");
    // The calls, per operation as ever, and per account: each account's add up to the whole.
    let by_account = v["api_calls_by_account"].as_object().unwrap();
    assert_eq!(by_account.len(), 3);
    let groups_calls: u64 = by_account
        .values()
        .map(|c| c["ec2:DescribeSecurityGroups"].as_u64().unwrap())
        .sum();
    assert_eq!(
        groups_calls,
        v["api_calls"]["ec2:DescribeSecurityGroups"]
            .as_u64()
            .unwrap()
    );
    // Each account's checklist is judged on its own, and says whose it is.
    let checklist = v["checklist"].as_array().unwrap();
    assert_eq!(checklist.len(), 3 * 58);
    assert!(checklist.iter().all(|i| i["account_name"].is_string()));
    // Open SSH in every account: exit 3, whatever the accounts.
    assert_eq!(code, 3);

    // `--account` narrows the run.
    let (v, _) = once(
        &moto,
        state.path(),
        &config(&accounts),
        &["--account", "prod"],
    );
    assert_eq!(
        groups_by_account(&v),
        vec![("prod".into(), "333333333333".into(), "prod-bastion".into())]
    );
}

#[test]
fn an_account_whose_role_cannot_be_assumed_is_named_and_the_others_are_complete() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    let accounts = [("dev", "111111111111"), ("sandbox", "444444444444")];
    let (v, code) = once(
        &moto,
        state.path(),
        &config(&accounts),
        &["--fail-on", "never"],
    );
    assert_eq!(
        groups_by_account(&v),
        vec![("dev".into(), "111111111111".into(), "dev-bastion".into())]
    );
    let errors = v["errors"].as_array().unwrap();
    // Every pane says which account failed, and still has the others' rows.
    assert_eq!(errors.len(), 5, "one a pane: {}", v["errors"]);
    for e in errors {
        let message = e["message"].as_str().unwrap();
        assert!(message.starts_with("account sandbox: "), "{message}");
        assert_eq!(e["partial"], true);
    }
    let sandbox = &v["accounts"].as_array().unwrap()[1];
    assert_eq!(sandbox["name"], "sandbox");
    assert!(sandbox["id"].is_null());
    assert_eq!(
        sandbox["status"],
        "the account's role cannot be assumed (AccessDenied: User is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444444444444:role/SecdashReadOnly)"
    );

    // Partial: exit 2 (with --fail-on never, nothing else could raise it).
    assert_eq!(code, 2);
}

#[test]
fn findings_of_every_member_come_from_the_guardduty_administrator_alone() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    let accounts = [
        ("dev", "111111111111"),
        ("staging", "222222222222"),
        ("prod", "333333333333"),
        ("qa", "555555555555"),
    ];
    let aggregated = format!(
        "{}[aggregation]\nguardduty_admin = \"prod\"\n",
        config(&accounts)
    );
    let (v, _) = once(&moto, state.path(), &aggregated, &[]);
    let mut seen: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["account_name"].as_str().unwrap().to_string(),
                f["type"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    // Each once: dev's own detector, which holds a copy, is not read.
    assert_eq!(
        seen,
        vec![
            (
                "dev".to_string(),
                "CryptoCurrency:EC2/BitcoinTool.B!DNS".to_string()
            ),
            (
                "staging".to_string(),
                "Recon:EC2/PortProbeUnprotectedPort".to_string()
            ),
        ],
        "{}",
        v["errors"]
    );
    let warnings: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["pane"] == "findings")
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        warnings,
        vec![
            "account qa (555555555555) is not a member of prod's GuardDuty: its findings are not shown"
        ]
    );
    // As many findings calls as for the administrator alone, whatever the number of accounts.
    let (alone, _) = once(&moto, state.path(), &aggregated, &["--account", "prod"]);
    for op in [
        "guardduty:ListFindings",
        "guardduty:GetFindings",
        "guardduty:GetFindingsStatistics",
    ] {
        assert_eq!(v["api_calls"][op], alone["api_calls"][op], "{op}");
    }
    assert_eq!(alone["findings"].as_array().unwrap().len(), 2);
}

#[test]
fn every_accounts_metrics_come_from_the_monitoring_account_in_one_call() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    let accounts = [
        ("dev", "111111111111"),
        ("staging", "222222222222"),
        ("observability", "666666666666"),
    ];
    let monitored = format!(
        "{}[aggregation]\ncloudwatch_monitoring = \"observability\"\n",
        config(&accounts)
    );
    let read = |config: &str| {
        let (v, _) = once(&moto, state.path(), config, &[]);
        let mut eps: Vec<(String, String, f64)> = v["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["account_name"].as_str().unwrap().to_string(),
                    e["name"].as_str().unwrap().to_string(),
                    e["invocations"].as_f64().unwrap(),
                )
            })
            .collect();
        eps.sort_by(|a, b| a.0.cmp(&b.0));
        (v, eps)
    };
    let (v, eps) = read(&monitored);
    assert_eq!(
        eps,
        vec![
            ("dev".to_string(), "dev-llm".to_string(), 120.0),
            ("staging".to_string(), "staging-llm".to_string(), 45.0),
        ],
        "{}",
        v["errors"]
    );
    // Both accounts' queries in one call from the monitoring account; each account asked on
    // its own takes one call each.
    assert_eq!(v["api_calls"]["cloudwatch:GetMetricData"], 1);
    assert_eq!(
        v["api_calls_by_account"]["observability"]["cloudwatch:GetMetricData"],
        1
    );
    assert!(v["api_calls_by_account"]["dev"]["cloudwatch:GetMetricData"].is_null());
    let (each, eps) = read(&config(&accounts));
    assert_eq!(eps.len(), 2);
    assert_eq!(each["api_calls"]["cloudwatch:GetMetricData"], 2);
}

#[test]
fn an_organizations_accounts_are_listed_and_read_through_the_member_role() {
    let moto = Moto::start();
    moto.seed_script("seed_organization.py", &[]);
    let state = tempfile::tempdir().unwrap();
    let config = "[organization]\nmember_role = \"SecdashReadOnly\"\naccounts = [\"ml-*\"]\n";
    let (v, _) = once(&moto, state.path(), config, &[]);
    let mut names: Vec<&str> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["ml-dev", "ml-prod"], "{}", v["errors"]);
    let groups: Vec<(String, String)> = groups_by_account(&v)
        .into_iter()
        .map(|(account, _, group)| (account, group))
        .collect();
    assert_eq!(
        groups,
        vec![
            ("ml-dev".to_string(), "ml-dev-bastion".to_string()),
            ("ml-prod".to_string(), "ml-prod-bastion".to_string()),
        ],
        "{}",
        v["errors"]
    );
    // `--account` narrows the accounts found.
    let (v, _) = once(&moto, state.path(), config, &["--account", "ml-prod"]);
    assert_eq!(v["accounts"].as_array().unwrap().len(), 1);
}

#[test]
fn accounts_reached_through_their_own_profiles_need_no_base_credentials() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    let dir = state.path();
    std::fs::write(
        dir.join("credentials"),
        "[ml-dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("aws-config"),
        "[profile ml-dev]\nregion = ap-southeast-1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[[accounts]]\nname = \"dev\"\nprofile = \"ml-dev\"\n",
    )
    .unwrap();
    let mut cmd = Command::cargo_bin("secdash").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("SECDASH_STATE_DIR", dir)
        .env("SECDASH_CONFIG", dir.join("config.toml"))
        .env("AWS_ENDPOINT_URL", moto.url())
        .env("AWS_CONFIG_FILE", dir.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let out = cmd
        .args([
            "--once",
            "--format",
            "json",
            "--region",
            REGION,
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(1), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{stderr}"));
    assert_eq!(v["accounts"][0]["name"], "dev");
    assert_eq!(v["accounts"][0]["status"], "ok", "{}", v["accounts"]);
    assert_eq!(v["accounts"][0]["reached"], "profile ml-dev");
}

/// The rules of each account's bastion group as the snapshot shows them: (account, group id,
/// rule count).
fn bastion_rules(v: &Value) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = bastion_groups(v)
        .map(|g| {
            (
                g["account_name"].as_str().unwrap_or("none").to_string(),
                g["id"].as_str().unwrap().to_string(),
                g["rules"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn an_isolation_in_a_member_account_lands_there_and_is_restored_there() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    // dev and staging name their responder roles, staging is read-only; prod has no responder
    // role, and is only watched.
    let responder = |name: &str, id: &str| {
        format!(
            "[[accounts]]\nname = \"{name}\"\nrole_arn = \"arn:aws:iam::{id}:role/SecdashReadOnly\"\nresponder_role_arn = \"arn:aws:iam::{id}:role/SecdashResponder\"\n\n"
        )
    };
    let config = responder("dev", "111111111111")
        + &responder("staging", "222222222222").replace("\n\n", "\nread_only = true\n\n")
        + &config(&[("prod", "333333333333")]);
    let (v, _) = once(&moto, state.path(), &config, &[]);
    let before = bastion_rules(&v);
    let [dev, prod, staging] = before.as_slice() else {
        panic!("three bastions: {before:?}; errors: {}", v["errors"]);
    };
    assert!(dev.2 > 0 && staging.2 > 0, "{before:?}");

    // With several accounts, an action names the one it runs in.
    let (_, err, code) = secdash(&moto, state.path(), &config, &["isolate", &dev.1, "--yes"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("several accounts are configured (dev, staging, prod): name the one to act in with --account NAME"),
        "{err}"
    );
    // An account without a responder role offers no action, and says why.
    let (_, err, code) = secdash(
        &moto,
        state.path(),
        &config,
        &["--account", "prod", "isolate", &prod.1, "--yes"],
    );
    assert_ne!(code, 0);
    assert!(err.contains("account prod has no responder role"), "{err}");
    // A read-only account is refused where read-only mode is: by the executor, before a plan.
    let (_, err, code) = secdash(
        &moto,
        state.path(),
        &config,
        &["--account", "staging", "isolate", &staging.1, "--yes"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("read-only mode: secdash makes no changes"),
        "{err}"
    );

    let (out, err, code) = secdash(
        &moto,
        state.path(),
        &config,
        &[
            "--account",
            "dev",
            "isolate",
            &dev.1,
            "--yes",
            "--incident",
            "INC-7",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("account dev (111111111111)"), "{out}");
    assert!(
        out.contains("through arn:aws:iam::111111111111:role/SecdashResponder"),
        "{out}"
    );
    let (v, _) = once(&moto, state.path(), &config, &[]);
    let after = bastion_rules(&v);
    assert_eq!(
        after[0],
        (dev.0.clone(), dev.1.clone(), 0),
        "dev's group is isolated"
    );
    assert_eq!(
        after[1..],
        before[1..],
        "the other accounts' groups are untouched"
    );

    // The journal records the account and the role the action ran as.
    let journal = std::fs::read_to_string(state.path().join("journal.jsonl")).unwrap();
    let planned: Value = journal
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["event"] == "planned")
        .unwrap();
    assert_eq!(planned["account"], "111111111111");
    assert_eq!(
        planned["role_arn"],
        "arn:aws:iam::111111111111:role/SecdashResponder"
    );
    assert_eq!(planned["plan"]["account"]["name"], "dev");
    let entry = planned["entry"].as_str().unwrap();

    // The restore goes to the account of the entry, with no --account to say so.
    let (out, err, code) = secdash(&moto, state.path(), &config, &["restore", entry, "--yes"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("account dev (111111111111)"), "{out}");
    let (v, _) = once(&moto, state.path(), &config, &[]);
    assert_eq!(
        bastion_rules(&v),
        before,
        "dev's rules are back; nothing else moved"
    );
}

/// secdash with these AWS config and credentials files (and no others), the emulator's
/// endpoint, and these further variables: (stdout, stderr, exit code).
fn with_profiles(
    moto: &Moto,
    state: &Path,
    (aws_config, credentials): (&str, &str),
    env: &[(&str, &str)],
    args: &[&str],
) -> (String, String, i32) {
    std::fs::write(state.join("aws-config"), aws_config).unwrap();
    std::fs::write(state.join("credentials"), credentials).unwrap();
    let mut cmd = Command::cargo_bin("secdash").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", state)
        .env("SECDASH_STATE_DIR", state)
        .env("SECDASH_CONFIG", state.join("config.toml"))
        .env("AWS_ENDPOINT_URL", moto.url())
        .env("AWS_CONFIG_FILE", state.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", state.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(["--region", REGION]).args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// A profile `prod` that assumes dev's read-only role (111111111111) from the `base` profile's
/// keys; the environment's keys are the caller's own account (123456789012).
const ROLE_PROFILE: (&str, &str) = (
    "[profile prod]\nrole_arn = arn:aws:iam::111111111111:role/SecdashReadOnly\nsource_profile = base\nregion = ap-southeast-1\n\n[profile base]\nregion = ap-southeast-1\n",
    "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
);
const ENV_KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
];

#[test]
fn an_explicit_profile_reads_its_own_account_whatever_keys_the_environment_holds() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    std::fs::write(state.path().join("config.toml"), "").unwrap();
    let account_read = |env: &[(&str, &str)], args: &[&str]| {
        let args: Vec<&str> = ["--once", "--format", "json", "--fail-on", "never"]
            .iter()
            .chain(args)
            .copied()
            .collect();
        let (out, err, _) = with_profiles(&moto, state.path(), ROLE_PROFILE, env, &args);
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
        let groups: Vec<String> = bastion_groups(&v)
            .map(|g| g["name"].as_str().unwrap().to_string())
            .collect();
        (v["account"].as_str().unwrap_or("none").to_string(), groups)
    };
    // `--profile prod`, as `aws --profile prod` does: the profile's role, not the keys.
    let (account, groups) = account_read(&ENV_KEYS, &["--profile", "prod"]);
    assert_eq!(account, "111111111111");
    assert_eq!(groups, ["dev-bastion"]);
    // The config file's profile is as explicit as the flag.
    std::fs::write(state.path().join("config.toml"), "profile = \"prod\"\n").unwrap();
    let (account, _) = account_read(&ENV_KEYS, &[]);
    assert_eq!(account, "111111111111");
    // AWS_PROFILE keeps the SDK's order, as the CLI does: the environment's keys come first.
    std::fs::write(state.path().join("config.toml"), "").unwrap();
    let mut env = ENV_KEYS.to_vec();
    env.push(("AWS_PROFILE", "prod"));
    let (account, _) = account_read(&env, &[]);
    assert_eq!(account, "123456789012");
}

#[test]
fn an_accounts_profile_that_does_not_exist_fails_that_account_and_never_reads_another() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    std::fs::write(
        state.path().join("config.toml"),
        "[[accounts]]\nname = \"dev\"\nprofile = \"prod\"\n\n[[accounts]]\nname = \"ghost\"\nprofile = \"nope\"\n",
    )
    .unwrap();
    let (out, err, code) = with_profiles(
        &moto,
        state.path(),
        ROLE_PROFILE,
        &ENV_KEYS,
        &["--once", "--format", "json", "--fail-on", "never"],
    );
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    assert_eq!(code, 2, "a partial snapshot: {}", v["errors"]);
    let ghost = &v["accounts"][1];
    assert_eq!(ghost["name"], "ghost");
    assert!(ghost["id"].is_null(), "{ghost}");
    let status = ghost["status"].as_str().unwrap();
    assert!(
        status.contains("profile \"nope\" is not in") && status.contains("prod, base"),
        "{status}"
    );
    let errors: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("account ghost: profile \"nope\"")),
        "{errors:?}"
    );
    // Only dev's rows: nothing of the environment's own account under ghost's name.
    assert_eq!(
        groups_by_account(&v),
        vec![("dev".into(), "111111111111".into(), "dev-bastion".into())]
    );
}

#[test]
fn two_accounts_that_are_one_are_named_together() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    let twice = format!(
        "{}[[accounts]]\nname = \"dev-again\"\nprofile = \"prod\"\n",
        config(&[("dev", "111111111111")])
    );
    std::fs::write(state.path().join("config.toml"), &twice).unwrap();
    let (out, err, _) = with_profiles(
        &moto,
        state.path(),
        ROLE_PROFILE,
        &ENV_KEYS,
        &["--once", "--format", "json", "--fail-on", "never"],
    );
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    let said = v["errors"].to_string();
    assert!(
        said.contains("accounts dev and dev-again are the same account (111111111111)"),
        "{said}"
    );
}

/// Issue #26: a restore acted wherever the journal said, even in an account the session does
/// not reach (a forged entry could name any).
#[test]
fn a_restore_in_an_account_the_session_does_not_reach_is_refused_without_a_terminal() {
    let moto = Moto::start();
    seed(&moto);
    let state = tempfile::tempdir().unwrap();
    std::fs::write(state.path().join("config.toml"), "").unwrap();
    let run = |args: &[&str]| with_profiles(&moto, state.path(), ROLE_PROFILE, &ENV_KEYS, args);
    let (out, err, _) = run(&["--profile", "prod", "--once", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    let group = bastion_groups(&v).next().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Isolated in dev (111111111111), through the profile.
    let (out, err, code) = run(&["isolate", &group, "--yes", "--profile", "prod"]);
    assert_eq!(code, 0, "{out}{err}");
    // Restored from the environment's keys: another account (123456789012).
    let (out, err, code) = run(&["restore", &group, "--yes"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("was made in account 111111111111, which this session does not reach"),
        "{err}"
    );
    // From the account it was made in, it goes through.
    let (out, err, code) = run(&["restore", &group, "--yes", "--profile", "prod"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[path = "accounts/aggregation.rs"]
mod aggregation;
