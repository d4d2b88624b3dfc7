//! The real binary driven in tmux as a person would: start the demo, move between panes, open
//! the help, filter, zoom, quit, and check the terminal is restored.

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
