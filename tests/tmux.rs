//! The real binary driven in tmux as a person would: start the demo, move between panes, open
//! the help, filter, zoom, quit, and check the terminal is restored.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, cmd: &str, width: u16, height: u16) -> Tmux {
        let socket = format!("secdash-{name}-{}", std::process::id());
        let ok = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "t",
            ])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg(cmd)
            .status()
            .expect("tmux must be installed: `.ci/run` (or scripts/setup) installs it");
        assert!(ok.success(), "tmux new-session failed");
        Tmux { socket }
    }

    fn send(&self, keys: &[&str]) {
        for k in keys {
            let ok = Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-t", "t", k])
                .status()
                .unwrap();
            assert!(ok.success());
            // A person types slower than an escape-sequence timeout.
            std::thread::sleep(Duration::from_millis(120));
        }
    }

    /// Types text literally, as a person would.
    fn type_text(&self, text: &str) {
        let ok = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "t", "-l", text])
            .status()
            .unwrap();
        assert!(ok.success());
        std::thread::sleep(Duration::from_millis(150));
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `needle`, or fails with the last screen.
    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "never saw {needle:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn demo_session_end_to_end() {
    let bin = env!("CARGO_BIN_EXE_secdash");
    let state = std::env::temp_dir().join(format!("secdash-tmux-{}", std::process::id()));
    let cmd = format!(
        "env -u NO_COLOR SECDASH_STATE_DIR={} XDG_CONFIG_HOME={} {bin} --demo; echo \"exited with $?\"; sleep 60",
        state.display(),
        state.join("config").display()
    );
    let t = Tmux::start("e2e", &cmd, 100, 30);

    let s = t.wait_for("Custom VPC with private");
    assert!(s.contains("DEMO"), "{s}");
    assert!(s.contains("1 Endpoints"));
    assert!(s.contains("studyai-dev-llama3-8b"));
    assert!(s.contains("AttackSequence"));

    // Focus the security groups with Tab and zoom in.
    t.send(&["Tab", "z"]);
    let s = t.wait_for("zoomed");
    assert!(s.contains("2 Security groups"), "{s}");
    assert!(s.contains("REASON"), "zoomed shows the wide columns:\n{s}");

    // Filter to the SSH rules.
    t.send(&["/", "s", "s", "h", "Enter"]);
    let s = t.wait_for("3 match");
    assert!(s.contains("SSH 22"), "{s}");

    // Help lists the bindings; Esc closes it.
    t.send(&["?"]);
    let s = t.wait_for("Keys");
    assert!(
        s.contains("next pane") && s.contains("filter the focused pane"),
        "{s}"
    );
    t.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!t.screen().contains("esc closes"));

    // Jump to findings and open one.
    t.send(&["Escape", "Escape", "3", "Enter"]);
    let s = t.wait_for("severity");
    assert!(s.contains("AttackSequence:S3/CompromisedData"), "{s}");
    t.send(&["Escape"]);

    t.send(&["q"]);
    let s = t.wait_for("exited with 0");
    assert!(
        !s.contains("GuardDuty findings"),
        "the alternate screen is gone:\n{s}"
    );
    let _ = std::fs::remove_dir_all(state);
}

#[test]
fn three_accounts_in_one_view_filtered_and_as_a_matrix() {
    let bin = env!("CARGO_BIN_EXE_secdash");
    let state = tempfile::tempdir().unwrap();
    let cmd = format!(
        "env -u NO_COLOR SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --demo --demo-accounts; echo \"exited with $?\"; sleep 60",
        dir = state.path().display(),
    );
    let t = Tmux::start("accounts", &cmd, 120, 40);
    let s = t.wait_for("Custom VPC with private");
    assert!(s.contains("3 accounts"), "{s}");
    assert!(s.contains("ACCOUNT"), "{s}");
    // The findings of one account, zoomed so no other pane shares the lines: the filter
    // matches its name.
    t.send(&["3", "z", "/"]);
    t.type_text("staging");
    t.send(&["Enter"]);
    let s = t.wait_for("match");
    let rows: Vec<&str> = s
        .lines()
        .filter(|l| l.contains(" HIGH ") || l.contains(" CRIT "))
        .collect();
    assert!(!rows.is_empty(), "{s}");
    assert!(rows.iter().all(|l| l.contains("staging")), "{s}");
    // The checklist by account.
    t.send(&["Escape", "z", "4", "m"]);
    let s = t.wait_for("Checklist by account (3)");
    assert!(s.contains("dev") && s.contains("prod"), "{s}");
    // An isolation rehearsed in staging's own world; prod, with no responder role, says so.
    t.send(&["Escape", "2", "/"]);
    t.type_text("prod windows-bastion");
    t.send(&["Enter", "x"]);
    t.wait_for("account prod has no responder role");
    t.send(&["/", "C-u"]);
    t.type_text("staging windows-bastion");
    t.send(&["Enter", "x"]);
    let s = t.wait_for("Confirm action");
    assert!(s.contains("account staging (222222222222)"), "{s}");
    t.send(&["Tab", "Enter"]);
    t.wait_for("verified");
    let s = t.wait_for("isolated · adhoc-");
    let isolated: Vec<&str> = s
        .lines()
        .filter(|l| l.contains("isolated · adhoc-"))
        .collect();
    assert!(isolated.iter().all(|l| l.contains("staging")), "{s}");
    t.send(&["q"]);
    t.wait_for("exited with 0");
}

#[test]
fn ctrl_c_restores_the_terminal() {
    let bin = env!("CARGO_BIN_EXE_secdash");
    let t = Tmux::start(
        "ctrl-c",
        &format!(
            "SECDASH_STATE_DIR=/tmp/secdash-tmux-c {bin} --demo; echo \"exited with $?\"; sleep 60"
        ),
        80,
        24,
    );
    t.wait_for("Checklist");
    t.send(&["C-c"]);
    let s = t.wait_for("exited with 0");
    assert!(!s.contains("Checklist"), "{s}");
}

#[test]
fn isolate_a_group_from_the_tui_against_moto() {
    use aws_sdk_ec2::types::{IpPermission, IpRange};
    let moto = support::moto::Moto::start();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ec2 = aws_sdk_ec2::Client::new(&rt.block_on(moto.sdk("ap-southeast-1")));
    let group = rt.block_on(async {
        let vpc = support::moto::ec2::vpc(&ec2, "10.0.0.0/16").await;
        let id = support::moto::ec2::group(&ec2, &vpc, "exposed-web", "web").await;
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
        id
    });
    let state = tempfile::tempdir().unwrap();
    let env: String = moto
        .env()
        .iter()
        .map(|(k, v)| format!("{k}={v} "))
        .collect();
    let cmd = format!(
        "env -u NO_COLOR {env} SECDASH_STATE_DIR={} XDG_CONFIG_HOME={} SECDASH_INCIDENT=INC-TUI {} --region ap-southeast-1; echo \"exited with $?\"; sleep 60",
        state.path().display(),
        state.path().display(),
        env!("CARGO_BIN_EXE_secdash")
    );
    let t = Tmux::start("isolate", &cmd, 140, 40);
    t.wait_for("exposed-web");
    // Focus the groups, narrow to the one group, and ask to isolate it.
    t.send(&["2", "/"]);
    t.type_text("exposed-web");
    t.send(&["Enter", "x"]);
    let s = t.wait_for("Confirm action");
    assert!(s.contains(&format!("ISOLATE {group}")), "{s}");
    assert!(
        s.contains("from 0.0.0.0/0"),
        "the plan lists the rules that will go:\n{s}"
    );
    t.type_text(&group);
    t.send(&["Enter"]);
    let s = t.wait_for("verified");
    assert!(s.contains("journal"), "{s}");
    let rules = rt.block_on(async { support::moto::ec2::rules(&ec2, &group).await.len() });
    assert_eq!(rules, 0, "the group has no rules left");
    t.send(&["q"]);
    t.wait_for("exited with 0");
    let journal = std::fs::read_to_string(state.path().join("journal.jsonl")).unwrap();
    assert!(journal.contains("\"incident\":\"INC-TUI\""), "{journal}");
}

/// Several accounts against moto: a group of a member account isolated from the screen runs
/// as that account's responder role and lands there; `u` restores it there; a row of an
/// account without a responder role says why it offers no action.
#[test]
fn isolate_in_a_member_account_from_the_tui_against_moto() {
    let moto = support::moto::Moto::start();
    moto.seed_script("seed_accounts.py", &[]);
    let state = tempfile::tempdir().unwrap();
    let account = |name: &str, id: &str, responder: bool| {
        let mut a = format!(
            "[[accounts]]\nname = \"{name}\"\nrole_arn = \"arn:aws:iam::{id}:role/SecdashReadOnly\"\n"
        );
        if responder {
            a += &format!("responder_role_arn = \"arn:aws:iam::{id}:role/SecdashResponder\"\n");
        }
        a + "\n"
    };
    let config = state.path().join("config.toml");
    std::fs::write(
        &config,
        account("dev", "111111111111", true) + &account("prod", "333333333333", false),
    )
    .unwrap();
    let env: String = moto
        .env()
        .iter()
        .map(|(k, v)| format!("{k}={v} "))
        .collect();
    let cmd = format!(
        "env -u NO_COLOR {env} SECDASH_STATE_DIR={dir} SECDASH_CONFIG={config} SECDASH_INCIDENT=INC-ORG {bin} --region ap-southeast-1; echo \"exited with $?\"; sleep 60",
        dir = state.path().display(),
        config = config.display(),
        bin = env!("CARGO_BIN_EXE_secdash")
    );
    let t = Tmux::start("org-isolate", &cmd, 160, 40);
    t.wait_for("dev-bastion");
    t.send(&["2", "/"]);
    t.type_text("prod-bastion");
    t.send(&["Enter", "x"]);
    t.wait_for("account prod has no responder role");
    t.send(&["/", "C-u"]);
    t.type_text("dev-bastion");
    t.send(&["Enter", "x"]);
    let s = t.wait_for("Confirm action");
    assert!(s.contains("account dev (111111111111)"), "{s}");
    let group = s
        .split_whitespace()
        .find(|w| w.starts_with("sg-"))
        .unwrap()
        .to_string();
    t.type_text(&group);
    t.send(&["Enter"]);
    // Verified: the group read back through dev's role has none of its rules.
    t.wait_for("verified");
    let journal = std::fs::read_to_string(state.path().join("journal.jsonl")).unwrap();
    assert!(
        journal.contains("\"role_arn\":\"arn:aws:iam::111111111111:role/SecdashResponder\""),
        "{journal}"
    );
    // `u` on the group: its entry is restored through dev's responder role.
    t.send(&["u"]);
    let s = t.wait_for("Confirm action");
    assert!(
        s.contains("RESTORE") && s.contains("account dev (111111111111)"),
        "{s}"
    );
    // It re-opens SSH to the world: the id is typed out.
    t.type_text(&group);
    t.send(&["Enter"]);
    t.wait_for("verified");
    let journal = std::fs::read_to_string(state.path().join("journal.jsonl")).unwrap();
    assert_eq!(
        journal.matches("\"event\":\"verified\"").count(),
        2,
        "{journal}"
    );
    t.send(&["q"]);
    t.wait_for("exited with 0");
}

/// The demo in tmux, its pid written to a file, then what the terminal looks like after.
fn demo_with_pid(name: &str, extra_env: &str) -> (Tmux, std::path::PathBuf, tempfile::TempDir) {
    let state = tempfile::tempdir().unwrap();
    let pidfile = state.path().join("pid");
    let cmd = format!(
        "env -u NO_COLOR SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {extra_env} sh -c 'echo $$ > {pid}; exec {bin} --demo'; echo \"exited with $?\"; stty -a | grep -q -- ' echo ' && echo TERMINAL-OK; echo CHECKED; sleep 60",
        dir = state.path().display(),
        pid = pidfile.display(),
        bin = env!("CARGO_BIN_EXE_secdash"),
    );
    (Tmux::start(name, &cmd, 100, 30), pidfile, state)
}

fn kill(signal: &str, pidfile: &std::path::Path) {
    let pid = std::fs::read_to_string(pidfile).unwrap();
    let ok = Command::new("kill")
        .args([&format!("-{signal}"), pid.trim()])
        .status()
        .unwrap();
    assert!(ok.success(), "kill -{signal}");
}

#[test]
fn signals_that_end_secdash_give_the_terminal_back() {
    for sig in ["INT", "QUIT", "USR1", "TERM"] {
        let (t, pidfile, _state) = demo_with_pid(&format!("sig-{sig}"), "");
        t.wait_for("Checklist");
        kill(sig, &pidfile);
        let s = t.wait_for("CHECKED");
        assert!(s.contains("TERMINAL-OK"), "{sig}: echo is back on:\n{s}");
        assert!(
            !s.contains("GuardDuty findings"),
            "{sig}: the alternate screen is gone:\n{s}"
        );
    }
}

/// #32: Ctrl-Z in the dashboard stops it as in any program (raw mode makes it a key, not a
/// signal): the shell's prompt is back, and `fg` redraws the dashboard.
#[test]
fn ctrl_z_suspends_and_fg_redraws() {
    let state = tempfile::tempdir().unwrap();
    let t = Tmux::start(
        "ctrl-z",
        "env -u NO_COLOR PS1='prompt$ ' bash --norc --noprofile -i",
        100,
        30,
    );
    t.wait_for("prompt$");
    t.type_text(&format!(
        "SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --demo",
        dir = state.path().display(),
        bin = env!("CARGO_BIN_EXE_secdash"),
    ));
    t.send(&["Enter"]);
    t.wait_for("GuardDuty findings");
    t.send(&["C-z"]);
    let s = t.wait_for("Stopped");
    assert!(
        !s.contains("GuardDuty findings"),
        "the terminal is given back:\n{s}"
    );
    t.type_text("fg");
    t.send(&["Enter"]);
    t.wait_for("GuardDuty findings");
    t.send(&["q"]);
    t.type_text("echo exit-$?");
    t.send(&["Enter"]);
    t.wait_for("exit-0");
}

#[test]
fn a_stop_gives_the_terminal_back_and_a_continue_redraws() {
    let (t, pidfile, _state) = demo_with_pid("tstp", "");
    t.wait_for("Checklist");
    kill("TSTP", &pidfile);
    let start = Instant::now();
    while t.screen().contains("GuardDuty findings") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "stopped, the dashboard should be gone:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    kill("CONT", &pidfile);
    t.wait_for("GuardDuty findings");
    t.send(&["q"]);
    let s = t.wait_for("CHECKED");
    assert!(
        s.contains("exited with 0") && s.contains("TERMINAL-OK"),
        "{s}"
    );
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_panic_is_written_to_the_log_not_over_the_dashboard() {
    let (t, _pidfile, state) = demo_with_pid("panic", "SECDASH_FAILPOINT=panic-fetch");
    let s = t.wait_for("internal error while fetching");
    assert!(!s.contains("panicked"), "{s}");
    assert!(!s.contains("panic-fetch test hook"), "{s}");
    t.send(&["q"]);
    t.wait_for("exited with 0");
    let log = std::fs::read_to_string(state.path().join("secdash.log")).unwrap();
    assert!(log.contains("panic-fetch test hook"), "{log}");
}

/// Issue #12: a whole incident in the TUI, as an operator runs it: start with `--incident`,
/// isolate, see the badge, note what was done, restore from the incident view, and a report
/// that says nothing is still in effect.
#[test]
fn a_whole_incident_from_the_tui_against_moto() {
    use aws_sdk_ec2::types::{IpPermission, IpRange};
    let moto = support::moto::Moto::start();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ec2 = aws_sdk_ec2::Client::new(&rt.block_on(moto.sdk("ap-southeast-1")));
    let group = rt.block_on(async {
        let vpc = support::moto::ec2::vpc(&ec2, "10.0.0.0/16").await;
        let id = support::moto::ec2::group(&ec2, &vpc, "exposed-web", "web").await;
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
        id
    });
    let before = rt.block_on(support::moto::ec2::rules(&ec2, &group)).len();
    let state = tempfile::tempdir().unwrap();
    let env: String = moto
        .env()
        .iter()
        .map(|(k, v)| format!("{k}={v} "))
        .collect();
    let bin = env!("CARGO_BIN_EXE_secdash");
    let cmd = format!(
        "env -u NO_COLOR {env} SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --region ap-southeast-1 --incident INC-2041; echo \"exited with $?\"; sleep 60",
        dir = state.path().display(),
    );
    let t = Tmux::start("incident", &cmd, 140, 40);
    let s = t.wait_for("exposed-web");
    assert!(
        s.lines().next().unwrap().contains("INC-2041"),
        "the header names it:\n{s}"
    );

    // Isolate the group, taking the id with the copy key.
    t.send(&["2", "/"]);
    t.type_text("exposed-web");
    t.send(&["Enter", "x"]);
    t.wait_for("Confirm action");
    t.send(&["Tab", "Enter"]);
    t.wait_for("verified");
    let s = t.wait_for("isolated · INC-2041");
    assert!(s.contains("⚑"), "the group carries the badge:\n{s}");

    // The incident view: a note, then restore the isolation (its last row).
    t.send(&["I", "n"]);
    t.type_text("exposed-web isolated after the SSH brute force");
    t.send(&["Enter", "G", "u"]);
    let s = t.wait_for("Confirm action");
    assert!(s.contains(&format!("RESTORE {group}")), "{s}");
    assert!(
        s.contains("risk: re-opens"),
        "SSH to the world is a risk to re-open:\n{s}"
    );
    t.send(&["Tab", "Enter"]);
    let s = t.wait_for("restored");
    assert!(!s.contains("Confirm action"), "{s}");
    t.send(&["Escape", "q"]);
    t.wait_for("exited with 0");

    let after = rt.block_on(support::moto::ec2::rules(&ec2, &group)).len();
    assert_eq!(after, before, "the rules are back");
    let out = Command::new(bin)
        .args(["runbook", "report", "--incident", "INC-2041"])
        .envs(moto.env())
        .env("SECDASH_STATE_DIR", state.path())
        .env("XDG_CONFIG_HOME", state.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("exposed-web isolated after the SSH brute force"),
        "{report}"
    );
    let still = report
        .split("## Still in effect")
        .nth(1)
        .unwrap_or_default();
    assert!(still.contains("Nothing"), "{report}");
}

/// Issue #12: the demo rehearses actions on its own account and keeps nothing of them.
#[test]
fn the_demo_rehearses_an_isolation_and_leaves_no_trace() {
    let state = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_secdash");
    let cmd = format!(
        "env -u NO_COLOR SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --demo; echo \"exited with $?\"; sleep 60",
        dir = state.path().display(),
    );
    let t = Tmux::start("rehearsal", &cmd, 200, 50);
    t.wait_for("windows-bastion");
    t.send(&["2", "/"]);
    t.type_text("windows-bastion");
    t.send(&["Enter", "x"]);
    let s = t.wait_for("Confirm action");
    assert!(s.contains("rehearsal"), "{s}");
    t.send(&["Tab", "Enter"]);
    t.wait_for("verified");
    let s = t.wait_for("isolated · adhoc-");
    assert!(s.contains("⚑"), "{s}");
    t.send(&["q"]);
    t.wait_for("exited with 0");
    assert!(
        !state.path().join("journal.jsonl").exists(),
        "nothing of the rehearsal is in the real state directory"
    );
}

impl Tmux {
    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

#[test]
fn command_line_sort_paste_and_copy_in_a_real_terminal() {
    let bin = env!("CARGO_BIN_EXE_secdash");
    let state = tempfile::tempdir().unwrap();
    let cmd = format!(
        "env -u NO_COLOR SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --demo; echo \"exited with $?\"; sleep 60",
        dir = state.path().display(),
    );
    let t = Tmux::start("habits", &cmd, 120, 40);
    // tmux takes OSC 52 from the program into its paste buffer, as it would pass it on to
    // the operator's terminal over ssh.
    t.tmux(&["set-option", "-g", "set-clipboard", "on"]);
    t.wait_for("Custom VPC with private");

    // `:window 6h` changes the window the header shows and the endpoints are read over.
    t.send(&[":"]);
    t.type_text("window 6h");
    t.send(&["Enter"]);
    t.wait_for("window 6h");

    // `:sg` with Tab completion focuses the groups; `s` sorts them by risk.
    t.send(&[":"]);
    t.type_text("s");
    t.send(&["Tab"]);
    let s = t.wait_for("sg  sagemaker  sort");
    assert!(s.contains(":s"), "{s}");
    t.type_text("g");
    t.send(&["Enter", "s"]);
    t.wait_for("sorted risk");

    // A pasted filter arrives as text (bracketed paste), not as keys that would run bindings.
    t.send(&["/"]);
    t.tmux(&["set-buffer", "ssh q"]);
    t.tmux(&["paste-buffer", "-p", "-t", "t"]);
    std::thread::sleep(Duration::from_millis(300));
    t.send(&["BSpace", "BSpace", "Enter"]);
    let s = t.wait_for("3 match");
    assert!(
        !s.contains("exited with"),
        "q in a paste did not quit:\n{s}"
    );

    // `y` copies the selected group's id to the clipboard through OSC 52.
    t.send(&["g", "y"]);
    let s = t.wait_for("copied: sg-");
    let start = Instant::now();
    let copied = loop {
        let b = t.tmux(&["show-buffer"]);
        if b.starts_with("sg-") || start.elapsed() > Duration::from_secs(5) {
            break b;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        copied.starts_with("sg-") && s.contains(&format!("copied: {copied}")),
        "the clipboard holds {copied:?}; screen:\n{s}"
    );

    t.send(&["q"]);
    t.wait_for("exited with 0");
}

/// Issue #13: from a credential-exfiltration finding, its subjects; the key disabled from
/// there; its timeline, with the persistence event highlighted. All against moto.
#[test]
fn a_leaked_key_contained_and_its_timeline_read_from_the_finding() {
    let moto = support::moto::Moto::start();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let region = "ap-southeast-1";
    let cfg = rt.block_on(moto.sdk(region));
    let iam = aws_sdk_iam::Client::new(&cfg);
    let gd = aws_sdk_guardduty::Client::new(&cfg);
    let (key, detector) = rt.block_on(async {
        iam.create_user()
            .user_name("ci-deployer")
            .send()
            .await
            .unwrap();
        let key = iam
            .create_access_key()
            .user_name("ci-deployer")
            .send()
            .await
            .unwrap()
            .access_key
            .unwrap()
            .access_key_id;
        let detector = gd
            .create_detector()
            .enable(true)
            .send()
            .await
            .unwrap()
            .detector_id
            .unwrap();
        (key, detector)
    });
    let mut f = support::moto::finding(
        &detector,
        region,
        support::moto::Seen {
            id: "f-leak",
            kind: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            severity: 8.0,
            count: 3,
            archived: false,
            last_seen: "2026-12-01T08:00:00.000Z",
        },
    );
    f["title"] = serde_json::json!("Credentials of ci-deployer used from an external IP address");
    f["resource"] = serde_json::json!({
        "resourceType": "AccessKey",
        "accessKeyDetails": {"accessKeyId": key, "userName": "ci-deployer", "userType": "IAMUser"}
    });
    moto.seed_findings(region, &detector, &serde_json::json!([f]));
    let now = chrono::Utc::now();
    moto.seed_trail_events(
        region,
        &serde_json::json!([{
            "EventId": "ev-persist",
            "EventName": "CreateAccessKey",
            "ReadOnly": "false",
            "AccessKeyId": key,
            "EventTime": (now - chrono::Duration::hours(2)).timestamp(),
            "EventSource": "iam.amazonaws.com",
            "Username": "ci-deployer",
            "Resources": [{"ResourceType": "AWS::IAM::User", "ResourceName": "backup-svc"}],
            "CloudTrailEvent": serde_json::json!({"sourceIPAddress": "203.0.113.9", "userAgent": "curl/8"}).to_string(),
        }]),
    );

    let state = tempfile::tempdir().unwrap();
    let env: String = moto
        .env()
        .iter()
        .map(|(k, v)| format!("{k}={v} "))
        .collect();
    let bin = env!("CARGO_BIN_EXE_secdash");
    let cmd = format!(
        "env -u NO_COLOR {env} SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --region {region} --incident INC-77; echo \"exited with $?\"; sleep 60",
        dir = state.path().display(),
    );
    let t = Tmux::start("credentials", &cmd, 140, 40);
    t.wait_for("ion.OutsideAWS");
    // Its subjects: the key and the user, each with what c does.
    t.send(&["3", "e"]);
    let s = t.wait_for("Subjects (2)");
    assert!(s.contains(&key) && s.contains("ci-deployer"), "{s}");
    assert!(s.contains("c: disable the key"), "{s}");
    // Disable the key from here: the plan names it, the key id is typed (Tab copies it).
    t.send(&["c"]);
    let s = t.wait_for("Confirm action");
    assert!(s.contains(&format!("DISABLE-KEY {key}")), "{s}");
    assert!(s.contains("of user ci-deployer"), "{s}");
    t.send(&["Tab", "Enter"]);
    t.wait_for("verified");
    let status = rt.block_on(async {
        iam.list_access_keys()
            .user_name("ci-deployer")
            .send()
            .await
            .unwrap()
            .access_key_metadata()[0]
            .status()
            .map(|s| s.as_str().to_string())
    });
    assert_eq!(status.as_deref(), Some("Inactive"));
    // Its timeline, from the same list: the persistence call highlighted.
    t.send(&["e", "t"]);
    let s = t.wait_for("CreateAccessKey");
    assert!(s.contains("persistence"), "{s}");
    assert!(s.contains("203.0.113.9"), "{s}");
    t.send(&["Escape", "Escape", "q"]);
    t.wait_for("exited with 0");
}

#[path = "tmux/responders.rs"]
mod responders;

#[path = "tmux/regions.rs"]
mod regions;

/// The demo's poisoned-model incident, as the README walks through it: the model version
/// rejected, the endpoint rolled back, the artifact bucket fenced, the image quarantined, the
/// notebook that did it stopped — each planned and confirmed — then all restored from the
/// incident view, newest first.
#[test]
fn the_demo_rehearses_a_poisoned_model_incident_end_to_end() {
    let state = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_secdash");
    let cmd = format!(
        "env -u NO_COLOR SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --demo; echo \"exited with $?\"; sleep 60",
        dir = state.path().display(),
    );
    let t = Tmux::start("poisoned", &cmd, 120, 40);
    t.wait_for("studyai-dev-llama3-8b");
    let steps: [(&str, &str); 5] = [
        (
            "reject-model arn:aws:sagemaker:ap-southeast-1:123456789012:model-package/studyai-llama3-8b/8",
            "Rejected by secdash",
        ),
        (
            "rollback-endpoint studyai-dev-llama3-8b",
            "Answers after it: studyai-dev-llama3-8b-config-v7",
        ),
        (
            "fence-bucket studyai-dev-sagemaker-models",
            "SageMaker execution roles that read it",
        ),
        (
            "quarantine-image studyai/llama3-serving",
            "cannot name a tag",
        ),
        (
            "stop-notebook studyai-dev-research",
            "destroys what is only in the notebook's memory",
        ),
    ];
    for (line, plan_says) in steps {
        t.send(&[":"]);
        t.type_text(line);
        t.send(&["Enter"]);
        let s = t.wait_for("Confirm action");
        let verb = line.split(' ').next().unwrap();
        assert!(
            s.contains(&verb.to_uppercase()) && s.contains(plan_says.split(' ').next().unwrap()),
            "the plan of {verb}:\n{s}"
        );
        if s.contains("Type ") {
            t.send(&["Tab", "Enter"]);
        } else {
            t.send(&["y"]);
        }
        t.wait_for(&format!("✓ {verb}"));
    }
    t.send(&["I"]);
    let s = t.wait_for("Actions (5)");
    for verb in [
        "reject-model",
        "rollback-endpoint",
        "fence-bucket",
        "quarantine-image",
        "stop-notebook",
    ] {
        assert!(s.contains(verb), "the incident view lists {verb}:\n{s}");
    }
    // Restored newest first: the notebook, the image, the bucket, the endpoint, the version.
    let targets = [
        "studyai-dev-research",
        "studyai/llama3-serving",
        "studyai-dev-sagemaker-models",
        "studyai-dev-llama3-8b",
        "arn:aws:sagemaker:ap-southeast-1",
    ];
    for (up, target) in targets.iter().enumerate() {
        // Each restore adds its own row at the bottom: past them, and past the actions
        // already restored.
        t.send(&["G"]);
        for _ in 0..2 * up {
            t.send(&["k"]);
        }
        t.send(&["u"]);
        let s = t.wait_for("Confirm action");
        assert!(s.contains("RESTORE"), "{s}");
        if s.contains("Type ") {
            t.send(&["Tab", "Enter"]);
        } else {
            t.send(&["y"]);
        }
        // The incident view stays open, the outcome in the status bar below it.
        t.wait_for(&format!("✓ restore {target}"));
    }
    let s = t.screen();
    assert_eq!(
        s.matches("restored  ").count(),
        5,
        "every action restored:\n{s}"
    );
    t.send(&["Escape", "q"]);
    t.wait_for("exited with 0");
}
