//! The real binary: `--once --demo` in every format, exit codes, and bad input.

mod support;

use assert_cmd::Command;
use std::io::Write;

fn secdash() -> Command {
    let mut cmd = Command::cargo_bin("secdash").unwrap();
    // A clean environment: no user config, no AWS profile, logs in a scratch dir.
    let state = std::env::temp_dir().join("secdash-cli-tests");
    cmd.env_remove("SECDASH_CONFIG")
        .env_remove("SECDASH_THEME")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("NO_COLOR")
        .env("XDG_CONFIG_HOME", state.join("config"))
        .env("SECDASH_STATE_DIR", state.join("state"));
    cmd
}

fn temp_file(text: &str, suffix: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

#[test]
fn the_demo_as_three_accounts_names_every_row_s_account() {
    let out = secdash()
        .args(["--demo", "--demo-accounts", "--once", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dev", "staging", "prod"]);
    assert_eq!(
        v["source"], "demo",
        "the header and the JSON say it is the demo"
    );
    assert_eq!(v["accounts"][2]["id"], "333333333333");
    assert_eq!(v["checklist"].as_array().unwrap().len(), 3 * 58);
    for pane in ["endpoints", "security_groups", "findings", "checklist"] {
        assert!(
            v[pane]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["account_name"].is_string()),
            "{pane}"
        );
    }
    let text = secdash()
        .args(["--demo", "--demo-accounts", "--once", "--format", "text"])
        .env("COLUMNS", "160")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("ACCOUNT"), "{text}");
    // Markdown, for a CI job's summary: the account leads every table, the checklist is a
    // matrix first.
    let md = secdash()
        .args([
            "--demo",
            "--demo-accounts",
            "--once",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains(
            "- **Accounts:** dev (111111111111), staging (222222222222), prod (333333333333)"
        ),
        "{md}"
    );
    assert!(md.contains("| Account | Endpoint | Region |"), "{md}");
    assert!(md.contains("| Account | Risk | Group |"), "{md}");
    assert!(md.contains("| Item | dev | staging | prod |"), "{md}");
    assert!(
        md.contains("| Security groups with minimal access | fail | fail | fail |"),
        "{md}"
    );
    // What needs attention says in which account.
    let text = secdash()
        .args(["--demo", "--demo-accounts", "--once", "--format", "text"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("- prod: checklist data.kms: KMS encryption not enabled"),
        "{text}"
    );
    // OCSF: each event in its own account, not the caller's.
    let ocsf = secdash()
        .args(["--demo", "--demo-accounts", "--once", "--format", "ocsf"])
        .output()
        .unwrap();
    let accounts: std::collections::BTreeSet<String> = String::from_utf8_lossy(&ocsf.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["class_name"] == "Compliance Finding")
        .map(|e| e["cloud"]["account"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        accounts.into_iter().collect::<Vec<_>>(),
        ["dev", "prod", "staging"]
    );
}

#[test]
fn once_json_is_a_complete_snapshot() {
    let out = secdash()
        .args(["--demo", "--once", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "high findings in the demo: exit 3"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"], "demo");
    assert_eq!(v["account"], "123456789012");
    assert_eq!(v["regions"][0], "ap-southeast-1");
    assert_eq!(v["endpoints"].as_array().unwrap().len(), 6);
    assert_eq!(v["security_groups"].as_array().unwrap().len(), 13);
    assert_eq!(v["findings"].as_array().unwrap().len(), 22);
    let checklist = v["checklist"].as_array().unwrap();
    assert_eq!(checklist.len(), 58);
    // Each item carries its references: the seed it comes from and the Prowler checks.
    let vpc = &checklist[0];
    assert_eq!(vpc["id"], "network.custom_vpc");
    assert_eq!(vpc["seed"], "000_7f081066f7c27ee7.txt");
    assert_eq!(
        vpc["seed_title"],
        "AWS Security Configuration Guide for SageMaker Infrastructure"
    );
    assert_eq!(vpc["prowler"][0], "vpc_subnet_separate_private_public");
    // #30: and the Security Hub controls, always present; all of SageMaker.1–.25 are named.
    assert_eq!(vpc["security_hub"], serde_json::json!([]));
    let named: Vec<&str> = checklist
        .iter()
        .flat_map(|c| c["security_hub"].as_array().unwrap())
        .filter_map(|id| id.as_str())
        .collect();
    let missing: Vec<String> = (1..=25)
        .map(|n| format!("SageMaker.{n}"))
        .filter(|id| !named.contains(&id.as_str()))
        .collect();
    assert!(missing.is_empty(), "not named: {missing:?}");
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue #26: the demo took the bastion's region, profile and endpoint into its header and
/// JSON while every row was the demo's own region.
#[test]
fn the_demo_names_its_own_region_whatever_the_bastion_says() {
    let out = secdash()
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_PROFILE", "ml-prod")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["--demo", "--once", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(v["regions"], serde_json::json!(["ap-southeast-1"]));
    assert!(v["profile"].is_null(), "{}", v["profile"]);
    assert!(v["endpoint_url"].is_null(), "{}", v["endpoint_url"]);
    assert!(
        v["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["region"] == "ap-southeast-1")
    );
}

/// Issue #26: `--once | head` was a fatal error ("Broken pipe", exit 1).
#[test]
fn a_reader_that_closes_early_ends_the_snapshot_quietly() {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_secdash"))
        .args(["--demo", "--demo-scale", "20", "--once", "--format", "json"])
        .env(
            "SECDASH_STATE_DIR",
            std::env::temp_dir().join("secdash-cli-tests/state"),
        )
        .env_remove("SECDASH_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, as `head` closes it.
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(err, "", "nothing on stderr");
    assert_eq!(
        status.code(),
        Some(3),
        "the snapshot's own exit code: {err}"
    );
}

/// Issue #26: against an endpoint that never answers, `--once` took a minute to give up.
#[test]
fn an_endpoint_that_never_answers_is_given_up_on_within_thirty_five_seconds() {
    // Accepts every connection, answers none.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming() {
            held.push(s);
        }
    });
    let started = std::time::Instant::now();
    let out = secdash()
        .env("AWS_ENDPOINT_URL", &url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["--once", "--format", "json", "--region", "ap-southeast-1"])
        .output()
        .unwrap();
    let took = started.elapsed();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(2), "{}", v["errors"]);
    assert!(
        took < std::time::Duration::from_secs(35),
        "took {took:?}; errors: {}",
        v["errors"]
    );
    assert!(
        v["errors"].to_string().contains("no answer from"),
        "{}",
        v["errors"]
    );
}

#[test]
fn once_text_and_markdown() {
    let out = secdash().args(["--demo", "--once"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ENDPOINTS (6)"));
    assert!(text.contains("SECURITY GROUPS (13, 33 rules)"));
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    let out = secdash()
        .args(["--demo", "--once", "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# secdash snapshot"));
    assert!(md.contains("| Severity | Type |"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    secdash()
        .args(["--demo", "--once", "--fail-on", "never"])
        .assert()
        .code(0);
    secdash()
        .args(["--demo", "--once", "--fail-on", "critical"])
        .assert()
        .code(3);
}

#[test]
fn a_failing_source_gives_exit_two_and_keeps_the_rest() {
    let out = secdash()
        .args([
            "--demo",
            "--demo-fail",
            "findings",
            "--once",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"][0]["pane"], "findings");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("guardduty:ListFindings")
    );
    assert_eq!(
        v["endpoints"].as_array().unwrap().len(),
        6,
        "other panes go on"
    );
}

#[test]
fn bad_arguments_are_fatal() {
    secdash()
        .args(["--demo", "--once", "--format", "yaml"])
        .assert()
        .code(1);
    secdash()
        .args(["--demo", "--once", "--fail-on", "sometimes"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("fail_on"));
    secdash()
        .args(["--demo", "--once", "--window", "soon"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("window"));
    secdash()
        .args(["--demo", "--once", "--region", "mars"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("not an AWS region"));
    secdash()
        .args(["--demo-fail", "nothing", "--demo"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("unknown pane"));
}

#[test]
fn help_and_version_succeed() {
    secdash()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("--once"));
    secdash().arg("--version").assert().code(0);
}

/// Each action verb says what it does, in the command list and in its own `--help`, in the
/// words of its registry entry (not the shared options' description).
#[test]
fn every_action_verb_says_what_it_does() {
    let out = secdash().arg("--help").output().unwrap();
    let list = String::from_utf8_lossy(&out.stdout).to_string();
    for (verb, words) in [
        ("isolate", "Revoke every ingress and egress rule"),
        ("disable-key", "access key"),
        ("restore", "journal"),
    ] {
        let line = list
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{verb} ")))
            .unwrap_or_else(|| panic!("no line for {verb} in:\n{list}"));
        assert!(line.contains(words), "{verb}: {line:?}\nin:\n{list}");
        let own = secdash().args([verb, "--help"]).output().unwrap();
        let own = String::from_utf8_lossy(&own.stdout).to_string();
        assert!(own.contains(words), "{verb} --help:\n{own}");
        assert!(!own.contains("What every action command takes"), "{own}");
    }
}

#[test]
fn malformed_config_names_path_key_and_reason() {
    let f = temp_file("[refresh]\nendpoints = 30\n", ".toml");
    let out = secdash()
        .args(["--demo", "--once", "--config"])
        .arg(f.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&f.path().display().to_string()), "{err}");
    assert!(err.contains("endpoints"), "{err}");
    assert!(err.contains("expected a string"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_config_key_is_refused() {
    let f = temp_file("refresh_everything = true\n", ".toml");
    secdash()
        .args(["--demo", "--once", "--config"])
        .arg(f.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "unknown field `refresh_everything`",
        ));
}

#[test]
fn a_named_config_file_must_exist() {
    secdash()
        .args(["--demo", "--once", "--config", "/nonexistent/secdash.toml"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("/nonexistent/secdash.toml"));
}

#[test]
fn a_good_config_file_is_used() {
    let f = temp_file(
        "fail_on = \"never\"\nwindow = \"3h\"\n[thresholds]\nlatency_ms = 100000\nerrors_5xx = 100000\n",
        ".toml",
    );
    let out = secdash()
        .args(["--demo", "--once", "--format", "json", "--config"])
        .arg(f.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["window_seconds"], 3 * 3600);
    assert!(
        v["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["alerts"].as_array().unwrap().is_empty())
    );
}

#[test]
fn malformed_theme_names_path_key_and_reason() {
    let f = temp_file("[styles]\nselection = { bg = \"nope\" }\n", ".toml");
    let out = secdash()
        .args(["--demo", "--once", "--theme"])
        .arg(f.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("styles.selection.bg"), "{err}");
    assert!(err.contains("not a colour"), "{err}");
    secdash()
        .args(["--demo", "--once", "--theme", "neon"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("dark, light, high-contrast"));
}

#[test]
fn built_in_themes_are_accepted() {
    for t in ["dark", "light", "high-contrast"] {
        secdash()
            .args(["--demo", "--once", "--fail-on", "never", "--theme", t])
            .assert()
            .code(0);
    }
}

#[test]
fn the_tui_refuses_a_non_terminal() {
    secdash()
        .arg("--demo")
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--once"));
}

#[test]
fn accepted_risks_and_attestations_change_the_checklist() {
    let config = temp_file(
        "[[accept]]\nitem = \"data.kms\"\nreason = \"key migration in Q1\"\nowner = \"ml-platform\"\nexpires = \"2099-12-31\"\n",
        ".toml",
    );
    let state = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        secdash()
            .env("SECDASH_STATE_DIR", state.path())
            .args(args)
            .arg("--config")
            .arg(config.path())
            .output()
            .unwrap()
    };
    let out = run(&[
        "attest",
        "access.reviews",
        "--by",
        "alice",
        "--note",
        "Q4 review",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["--demo", "--once", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = |id: &str| {
        v["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(item("data.kms")["status"], "accepted");
    assert!(
        support::evidence(&item("data.kms")).contains("accepted by ml-platform until 2099-12-31")
    );
    assert_eq!(item("access.reviews")["status"], "pass");
    assert!(support::evidence(&item("access.reviews")).starts_with("attested by alice"));
    let out = run(&["attest", "data.kms", "--by", "alice"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a manual checklist item"));
}

/// Runs with a timeout: a value that makes secdash hang is a failure, not a stuck test.
fn run_within(mut cmd: Command, seconds: u64) -> std::process::Output {
    cmd.timeout(std::time::Duration::from_secs(seconds))
        .output()
        .unwrap()
}

#[test]
fn values_that_would_panic_or_cost_later_are_refused_when_the_config_is_read() {
    let cases = [
        ("window = \"300000y\"\n", "`window`"),
        ("attestation_days = 4294967295\n", "`attestation_days`"),
        ("[refresh]\nfindings = \"1ms\"\n", "`refresh.findings`"),
        ("[refresh]\nendpoints = \"20s\"\n", "`refresh.endpoints`"),
    ];
    for (text, key) in cases {
        let f = temp_file(text, ".toml");
        let mut cmd = secdash();
        cmd.args(["--demo", "--once", "--config"]).arg(f.path());
        let out = run_within(cmd, 20);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        assert!(err.contains(key), "{text}: names the key: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let mut cmd = secdash();
    cmd.args(["--demo", "--once", "--window", "300000y"]);
    let out = run_within(cmd, 20);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("retention"));
}

#[test]
fn a_config_or_theme_that_is_not_a_small_regular_file_is_refused() {
    for path in ["/dev/zero", "/dev/null"] {
        for flag in ["--config", "--theme"] {
            let mut cmd = secdash();
            cmd.args(["--demo", "--once", flag, path]);
            let out = run_within(cmd, 20);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{flag} {path}: {err}");
            assert!(err.contains("not a regular file"), "{flag} {path}: {err}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut cmd = secdash();
    cmd.args(["--demo", "--once", "--config"]).arg(&fifo);
    let out = run_within(cmd, 20);
    assert_eq!(out.status.code(), Some(1), "a FIFO never hangs secdash");
    let big = temp_file(&format!("# {}\n", "x".repeat(2 * 1024 * 1024)), ".toml");
    let mut cmd = secdash();
    cmd.args(["--demo", "--once", "--config"]).arg(big.path());
    let out = run_within(cmd, 20);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than"));
}

#[test]
fn the_demo_scale_is_capped() {
    let mut cmd = secdash();
    cmd.args(["--demo", "--once", "--demo-scale", "groups=4294967295"]);
    let out = run_within(cmd, 20);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("at most"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A local endpoint that answers every request with these bytes.
fn answering(reply: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut stream = stream;
                let mut buf = [0u8; 65536];
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(300)));
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    url
}

/// `--once --format json` against an endpoint, with test credentials; the snapshot's errors.
fn errors_against(url: &str) -> (i32, Vec<String>, String) {
    let mut cmd = secdash();
    cmd.env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["--once", "--format", "json", "--region", "ap-southeast-1"]);
    let out = run_within(cmd, 120);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let errors = v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["message"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    (
        out.status.code().unwrap_or(-1),
        errors,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_plain(errors: &[String]) {
    assert!(!errors.is_empty());
    for e in errors {
        assert!(
            !e.chars().any(|c| c.is_control()),
            "a control character: {e:?}"
        );
        for internal in [
            "Unknown",
            "smithy",
            "hyper",
            "DispatchFailure",
            "ConnectorError",
            "})",
        ] {
            assert!(
                !e.contains(internal),
                "a Rust internal ({internal}) in {e:?}"
            );
        }
    }
}

#[test]
fn a_closed_port_is_said_in_words() {
    let (code, errors, err) = errors_against("http://127.0.0.1:1");
    assert_eq!(code, 2, "{err}");
    assert_plain(&errors);
    assert!(
        errors
            .iter()
            .all(|e| e.contains("connection refused by http://127.0.0.1:1")),
        "{errors:#?}"
    );
}

#[test]
fn an_html_error_page_is_said_in_words() {
    let url = answering(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nContent-Length: 49\r\nConnection: close\r\n\r\n<html><body>\u{1b}[31mdown for maintenance</body></html>",
    );
    let (code, errors, err) = errors_against(&url);
    assert_eq!(code, 2, "{err}");
    assert_plain(&errors);
    assert!(errors.iter().any(|e| e.contains("HTTP 503")), "{errors:#?}");
}

#[test]
fn escape_sequences_in_an_api_error_never_reach_a_report() {
    let url = answering(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\nContent-Length: 161\r\nConnection: close\r\n\r\n<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>\u{1b}]0;pwned\u{7}\u{1b}[2Jbad \u{202e}thing</Message></Error><RequestId>1</RequestId></ErrorResponse>",
    );
    let (code, errors, err) = errors_against(&url);
    assert_eq!(code, 2, "{err}");
    assert_plain(&errors);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(
        errors.iter().all(|e| !e.contains('\u{202e}')),
        "{errors:#?}"
    );
}

#[test]
fn a_profile_that_does_not_exist_is_named_with_the_ones_that_do() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile ml-prod-readonly]\nregion = ap-southeast-1\n[profile ml-dev]\nregion = us-east-1\n",
    )
    .unwrap();
    let mut cmd = secdash();
    cmd.env("AWS_CONFIG_FILE", &config)
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("credentials"),
        )
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["--once", "--profile", "nosuch"]);
    let out = run_within(cmd, 60);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("nosuch"), "{err}");
    assert!(
        err.contains("ml-prod-readonly") && err.contains("ml-dev"),
        "{err}"
    );
    assert!(
        !err.contains("set AWS_PROFILE"),
        "a profile was named: {err}"
    );
}

#[test]
fn a_region_that_does_not_exist_is_refused_with_the_nearest() {
    let out = run_within(
        {
            let mut c = secdash();
            c.args(["--demo", "--once", "--region", "us-eest-1"]);
            c
        },
        20,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("us-east-1"), "suggests the nearest: {err}");
    let out = run_within(
        {
            let mut c = secdash();
            c.args(["--demo", "--once", "--region", ""]);
            c
        },
        20,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("region"));
}

#[test]
fn the_demo_never_lends_its_name_to_an_action_on_aws() {
    let state = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_secdash"))
        .args(["--demo", "isolate", "sg-0b1d2f3a4c5e6a709", "--yes"])
        .env("SECDASH_STATE_DIR", state.path())
        .env("XDG_CONFIG_HOME", state.path())
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("run them without --demo"), "{err}");
    assert!(!state.path().join("journal.jsonl").exists());
}

/// `--once` on a terminal (a pty from `script`) fits `$COLUMNS`; in a pipe it writes whole lines.
#[test]
fn once_text_on_a_terminal_fits_columns_and_a_pipe_gets_whole_lines() {
    let bin = assert_cmd::cargo::cargo_bin("secdash");
    let state = tempfile::tempdir().unwrap();
    for width in [80usize, 120] {
        let out = std::process::Command::new("script")
            .args(["-qec"])
            .arg(format!(
                "COLUMNS={width} NO_COLOR=1 SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --demo --once",
                dir = state.path().display(),
                bin = bin.display()
            ))
            .arg("/dev/null")
            .output()
            .expect("script(1) from util-linux gives the report a terminal");
        let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
        assert!(text.contains("NEEDS ATTENTION"), "{text}");
        for line in text.lines() {
            // Only an id wider than the terminal passes its edge: alone on its line, whole
            // (#32: a cut id is a wrong id when copied).
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= width || !line.trim().contains(' '),
                "wider than {width}: {line:?}"
            );
        }
    }
    let out = secdash().args(["--demo", "--once", "-v"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.chars().count() > 120),
        "a pipe gets whole lines"
    );
}

#[test]
fn completions_and_man_pages_come_from_the_definitions() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef secdash"),
        ("fish", "complete -c secdash"),
    ] {
        let out = secdash().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(
            text.contains("isolate") && text.contains("fail-on"),
            "{shell}"
        );
    }
    let out = secdash().arg("man").output().unwrap();
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH secdash"),
        "{page}"
    );
    assert!(page.contains("fail\\-on"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    let out = secdash()
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for page in ["secdash.1", "secdash-isolate.1", "secdash-runbook-note.1"] {
        assert!(dir.path().join(page).exists(), "{page}");
    }
    // A broken config does not stop them.
    let bad = temp_file("theme = [", ".toml");
    let out = secdash()
        .args(["completions", "bash", "--config"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_subcommand_s_help_lists_only_the_flags_that_apply_each_described() {
    let help = |args: &[&str]| {
        let out = secdash().args(args).arg("--help").output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let journal = help(&["journal"]);
    assert!(!journal.contains("--region"), "{journal}");
    assert!(!journal.contains("--profile"), "{journal}");
    assert!(journal.contains("--acknowledge"), "{journal}");
    let isolate = help(&["isolate"]);
    for flag in [
        "--region",
        "--profile",
        "--dry-run",
        "--yes",
        "--incident",
        "--read-only",
    ] {
        assert!(isolate.contains(flag), "{flag}: {isolate}");
    }
    // Every flag and argument says what it is.
    for args in [
        &["isolate"][..],
        &["revoke"],
        &["contain"],
        &["restore"],
        &["attest"],
        &["journal"],
        &["runbook", "note"],
        &["runbook", "report"],
    ] {
        let text = help(args);
        let options = text.split("Options:").nth(1).unwrap_or_default();
        let arguments = text
            .split("Arguments:")
            .nth(1)
            .and_then(|a| a.split("Options:").next())
            .unwrap_or_default();
        for line in options.lines().chain(arguments.lines()) {
            let l = line.trim_start();
            if l.starts_with('-') || l.starts_with('<') {
                let words: Vec<&str> = l.split("  ").filter(|w| !w.trim().is_empty()).collect();
                assert!(
                    words.len() >= 2,
                    "{args:?}: {line:?} has no description\n{text}"
                );
            }
        }
    }
    // An action verb's own --region reaches it.
    let out = secdash()
        .args(["isolate", "sg-1", "--dry-run", "--region", "mars"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an AWS region"));
}

/// Issue 17: cron pages once. The same account again with --fail-on-new exits 0 and says
/// nothing changed; a baseline that is not a snapshot is named, and nothing is fetched.
#[test]
fn a_baseline_makes_the_exit_code_count_only_what_is_new() {
    let first = secdash()
        .args(["--demo", "--once", "--format", "json", "--fail-on", "high"])
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(3));
    let prev = temp_file(&String::from_utf8_lossy(&first.stdout), ".json");
    let path = prev.path().to_str().unwrap();
    let again = secdash()
        .args([
            "--demo",
            "--once",
            "--fail-on",
            "high",
            "--baseline",
            path,
            "--fail-on-new",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&again.stdout);
    assert_eq!(again.status.code(), Some(0), "{text}");
    assert!(
        text.contains("Since the last run") && text.contains("nothing changed"),
        "{text}"
    );
    assert!(
        text.contains("0 new at or above high: exit code 0"),
        "{text}"
    );

    let bad = temp_file("{\"hello\": 1}", ".json");
    let out = secdash()
        .args([
            "--demo",
            "--once",
            "--baseline",
            bad.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(bad.path().to_str().unwrap()) && err.contains("schema_version"),
        "{err}"
    );
    let out = secdash()
        .args(["--demo", "--fail-on-new", "--once"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "--fail-on-new wants --baseline");
}

/// Issue 17: `--format ocsf` is OCSF 1.5.0, one event a line, each accepted by the OCSF
/// schema's models (py-ocsf-models, installed by scripts/setup): a Compliance Finding per
/// checklist item, a Detection Finding per GuardDuty finding, per risky rule and per flag of an
/// endpoint's chain.
#[test]
fn ocsf_events_validate_against_the_schema_they_name() {
    let out = secdash()
        .args(["--demo", "--once", "--format", "ocsf", "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let first = &events[0];
    assert_eq!(first["class_uid"], 2003);
    // #32: the guide is cited by its title, not its file name.
    assert_eq!(
        first["compliance"]["standards"][0],
        "AWS Security Configuration Guide for SageMaker Infrastructure",
        "{first}"
    );
    assert_eq!(first["metadata"]["version"], "1.5.0");
    // #30: a failing item names the ATT&CK technique its gap leaves open.
    let imds = events
        .iter()
        .find(|e| e["compliance"]["control"] == "access.notebook_imdsv2")
        .unwrap_or_else(|| panic!("no IMDS item in {text}"));
    assert_eq!(
        imds["finding_info"]["attacks"][0]["sub_technique"]["uid"], "T1552.005",
        "{imds}"
    );
    assert_eq!(
        imds["compliance"]["requirements"],
        serde_json::json!([]),
        "{imds}"
    );
    let root = events
        .iter()
        .find(|e| e["compliance"]["control"] == "network.notebook_internet")
        .unwrap();
    assert_eq!(
        root["compliance"]["requirements"][0], "SageMaker.1",
        "Security Hub's control first: {root}"
    );
    assert!(
        events.iter().any(|e| e["class_uid"] == 2004
            && e["finding_info"]["types"][0] == "Risky security group rule")
    );
    // Each flag of an endpoint's chain (#29), on the endpoint and the artifact it serves.
    let poisoned = events
        .iter()
        .find(|e| {
            e["finding_info"]["types"][0] == "ML model provenance: artifact_changed_after_approval"
        })
        .unwrap_or_else(|| panic!("no provenance flag in {text}"));
    assert_eq!(poisoned["severity"], "High", "{poisoned}");
    assert_eq!(
        poisoned["resources"][1]["uid"],
        "s3://studyai-dev-sagemaker-models/llama3-8b/v8/model.tar.gz",
        "{poisoned}"
    );
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut child = std::process::Command::new(root.join(".venv/bin/python"))
        .arg(root.join("tests/ocsf/validate.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the venv scripts/setup makes");
    child.stdin.take().unwrap().write_all(&out.stdout).unwrap();
    let done = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&done.stdout);
    assert!(done.status.success(), "{said}");
    assert!(
        said.contains(&format!(
            "ComplianceFinding {}",
            events.iter().filter(|e| e["class_uid"] == 2003).count()
        )) && said.contains("DetectionFinding"),
        "{said}"
    );
}

/// #32: `trail --access-key AKIA` (a part of an id) says so instead of finding no events;
/// `--region US-EAST-1` suggests us-east-1.
#[test]
fn a_part_of_a_key_id_and_a_capitalised_region_are_named_as_such() {
    let out = secdash()
        .args(["--demo", "trail", "--access-key", "AKIA"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("\"AKIA\" is not a whole access key id"),
        "{err}"
    );
    let out = secdash()
        .args(["--demo", "--once", "--region", "US-EAST-1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean us-east-1?"), "{err}");
}

/// #32: `--help` says what README says of `--demo-accounts`: actions are rehearsed in dev and
/// staging (it said every several-account view is watch-only).
#[test]
fn help_and_readme_agree_on_demo_accounts() {
    let out = secdash().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("actions are rehearsed in dev and staging"),
        "{help}"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("rehearses actions in dev and staging"));
}

/// #32: `secdash man` has EXIT STATUS, ENVIRONMENT (every variable the configuration reads),
/// FILES and KEYS (from the keymap's own table), and no EXTRA.
#[test]
fn the_man_page_names_every_variable_the_files_and_the_keys() {
    let out = secdash().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH KEYS",
    ] {
        assert!(page.contains(section), "{section}:\n{page}");
    }
    assert!(!page.contains(".SH EXTRA"), "{page}");
    // Every variable `config::env` reads (the test-only failpoint aside).
    let env =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/config/env.rs")).unwrap();
    let mut read: Vec<&str> = env
        .split("var(\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|v| *v != "SECDASH_FAILPOINT")
        .collect();
    read.push("SECDASH_SETTLE_SECS");
    assert!(read.len() >= 12, "the scan found the variables: {read:?}");
    let escaped = page.replace("\\-", "-");
    for v in read {
        assert!(
            escaped.contains(&format!("\\fB{v}\\fR")),
            "{v} is not in ENVIRONMENT"
        );
    }
    assert!(escaped.contains("journal.jsonl"), "FILES names the journal");
    assert!(
        escaped.contains("\\fBq, ctrl-c\\fR"),
        "KEYS come from the keymap"
    );
}
