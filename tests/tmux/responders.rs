//! Issue #26: two responders at once. The screen follows what the command line does, and a
//! lock held by another process never freezes it.

use super::*;

/// moto with one group open to SSH; the screen on it in incident INC-26, in a state directory
/// of its own. Returns the tmux session, the group, the state directory and moto.
fn screen_on_moto(name: &str) -> (Tmux, String, tempfile::TempDir, support::moto::Moto) {
    use aws_sdk_ec2::types::{IpPermission, IpRange};
    let moto = support::moto::Moto::start();
    let rt = tokio::runtime::Builder::new_current_thread()
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
        "env -u NO_COLOR {env} SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --region ap-southeast-1 --incident INC-26; echo \"exited with $?\"; sleep 60",
        dir = state.path().display(),
        bin = env!("CARGO_BIN_EXE_secdash"),
    );
    let t = Tmux::start(name, &cmd, 160, 40);
    t.wait_for("exposed-web");
    (t, group, state, moto)
}

/// The real binary's command line, on the same state directory and emulator.
fn cli(moto: &support::moto::Moto, state: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_secdash"))
        .args(args)
        .envs(moto.env())
        .env("SECDASH_STATE_DIR", state)
        .env("XDG_CONFIG_HOME", state)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?}: {said}");
    said
}

#[test]
fn the_screen_follows_what_the_command_line_does() {
    let (t, group, state, moto) = screen_on_moto("follows");
    t.send(&["2"]);
    cli(
        &moto,
        state.path(),
        &[
            "isolate",
            &group,
            "--yes",
            "--incident",
            "INC-26",
            "--region",
            "ap-southeast-1",
        ],
    );
    // No key pressed: the badge comes from the journal the other process wrote.
    t.wait_for("⚑ exposed-web");
    cli(
        &moto,
        state.path(),
        &["runbook", "start", "--incident", "INC-26"],
    );
    cli(
        &moto,
        state.path(),
        &[
            "runbook",
            "note",
            "--incident",
            "INC-26",
            "seen from the command line",
        ],
    );
    t.send(&["I"]);
    t.wait_for("seen from the command line");
    t.send(&["Escape", "q"]);
    t.wait_for("exited with 0");
}

#[test]
fn a_runbook_lock_held_elsewhere_never_freezes_the_screen() {
    let (t, _group, state, _moto) = screen_on_moto("lock");
    let lock = state.path().join("runbooks").join("INC-26.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    {
        use std::os::unix::fs::OpenOptionsExt;
        // As secdash makes its lock files: its owner's alone.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&lock)
            .unwrap();
    }
    // Another process holds the runbook's lock, and does not let go.
    let mut holder = Command::new("flock")
        .arg(&lock)
        .args(["sleep", "60"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Mark the first step done: the save waits for the lock off the screen's loop.
    t.send(&["I", "Space"]);
    t.send(&["Escape", "?"]);
    t.wait_for("Keys");
    t.send(&["Escape"]);
    // After the wait (files::LOCK_WAIT), the screen says why the mark was not saved.
    let start = Instant::now();
    let s = loop {
        let s = t.screen();
        if s.contains("still held") || start.elapsed() > Duration::from_secs(25) {
            break s;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(s.contains("INC-26.lock") && s.contains("still held"), "{s}");
    t.send(&["q"]);
    t.wait_for("exited with 0");
    let _ = holder.kill();
    let _ = holder.wait();
}
