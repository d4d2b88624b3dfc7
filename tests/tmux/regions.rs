//! Issue #26: `:region` changed the header while every pane went on reading every Region.

use super::*;

#[test]
fn region_narrows_what_the_panes_read_not_only_the_header() {
    let moto = support::moto::Moto::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for (region, name) in [
        ("ap-southeast-1", "sg-only-web"),
        ("us-east-1", "us-only-web"),
    ] {
        let ec2 = aws_sdk_ec2::Client::new(&rt.block_on(moto.sdk(region)));
        rt.block_on(async {
            let vpc = support::moto::ec2::vpc(&ec2, "10.0.0.0/16").await;
            support::moto::ec2::group(&ec2, &vpc, name, "web").await;
        });
    }
    let state = tempfile::tempdir().unwrap();
    let env: String = moto
        .env()
        .iter()
        .map(|(k, v)| format!("{k}={v} "))
        .collect();
    let cmd = format!(
        "env -u NO_COLOR {env} SECDASH_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --region ap-southeast-1,us-east-1; echo \"exited with $?\"; sleep 60",
        dir = state.path().display(),
        bin = env!("CARGO_BIN_EXE_secdash"),
    );
    let t = Tmux::start("region", &cmd, 160, 40);
    t.send(&["2", "z"]);
    let s = t.wait_for("us-only-web");
    assert!(s.contains("sg-only-web"), "both Regions at first:\n{s}");
    t.send(&[":"]);
    t.type_text("region us-east-1");
    t.send(&["Enter"]);
    // Read again from us-east-1 alone: the other Region's group is gone from the pane.
    let start = Instant::now();
    let s = loop {
        let s = t.screen();
        if (s.contains("us-only-web") && !s.contains("sg-only-web"))
            || start.elapsed() > Duration::from_secs(15)
        {
            break s;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        s.contains("us-only-web") && !s.contains("sg-only-web"),
        "only us-east-1's groups:\n{s}"
    );
    t.send(&["q"]);
    t.wait_for("exited with 0");
}
