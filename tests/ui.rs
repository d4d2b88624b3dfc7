//! Whole-screen snapshots of the real `render` on ratatui's TestBackend: each pane in each
//! load state, the full dashboard at 80×24 and 200×60, and the overlays. Text snapshots carry
//! no colour, so a few tests check cell styles directly.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use secdash::app::{AppState, Msg, update};
use secdash::fixtures::{demo_pane, demo_state, empty_state, t0};
use secdash::model::{FindingsData, PaneId, SecurityGroupsData};
use secdash::panes::PaneData;
use secdash::source::Fetched;
use secdash::theme::{self, Theme};
use secdash::ui;

fn draw(state: &AppState, theme: &Theme) -> Buffer {
    let area = state.screen;
    let mut terminal = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
    terminal.draw(|f| ui::render(state, theme, f)).unwrap();
    terminal.backend().buffer().clone()
}

fn screen(state: &AppState) -> String {
    let buf = draw(state, &Theme::default());
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn keys(state: &mut AppState, text: &str) {
    for c in text.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\u{1b}' => KeyCode::Esc,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
}

fn fetched(state: &mut AppState, pane: PaneId, result: Result<PaneData, String>) {
    update(
        state,
        Msg::Fetched {
            pane,
            at: t0(),
            result: result.map(Fetched::complete).map_err(Into::into),
        },
    );
}

fn empty_data(pane: PaneId) -> PaneData {
    match pane {
        PaneId::Endpoints => PaneData::Endpoints(vec![]),
        PaneId::SecurityGroups => PaneData::SecurityGroups(SecurityGroupsData::default()),
        PaneId::Findings => PaneData::Findings(FindingsData::default()),
        PaneId::Checklist => PaneData::Checklist(vec![]),
    }
}

/// A pane zoomed to a 110×16 screen in the given state.
fn pane_in_state(pane: PaneId, load: &str) -> String {
    let mut s = empty_state(110, 16);
    keys(&mut s, &format!("{}z", pane.index() + 1));
    match load {
        "not_loaded" => {}
        "loading" => {
            update(&mut s, Msg::FetchStarted { pane });
        }
        "ready" => fetched(&mut s, pane, Ok(demo_pane(pane, 1))),
        "empty" => fetched(&mut s, pane, Ok(empty_data(pane))),
        "failed_with_last_data" => {
            fetched(&mut s, pane, Ok(demo_pane(pane, 1)));
            update(&mut s, Msg::Tick(t0() + chrono::Duration::minutes(4)));
            update(
                &mut s,
                Msg::Fetched {
                    pane,
                    at: t0() + chrono::Duration::minutes(4),
                    result: Err(format!(
                        "{}: access denied; the caller needs the permission",
                        pane.key()
                    )
                    .into()),
                },
            );
        }
        "failed_without_data" => fetched(
            &mut s,
            pane,
            Err("no AWS credentials found; try `secdash --demo`".into()),
        ),
        _ => unreachable!(),
    }
    screen(&s)
}

#[test]
fn every_pane_in_every_load_state() {
    for pane in PaneId::ALL {
        for load in [
            "not_loaded",
            "loading",
            "ready",
            "empty",
            "failed_with_last_data",
            "failed_without_data",
        ] {
            insta::assert_snapshot!(format!("{}_{load}", pane.key()), pane_in_state(pane, load));
        }
    }
}

#[test]
fn dashboard_at_80x24() {
    insta::assert_snapshot!(screen(&demo_state(80, 24, 1)));
}

#[test]
fn dashboard_at_200x60() {
    insta::assert_snapshot!(screen(&demo_state(200, 60, 1)));
}

#[test]
fn help_overlay_lists_every_binding() {
    let mut s = demo_state(80, 24, 1);
    keys(&mut s, "?");
    let text = screen(&s);
    for action in secdash::config::keymap::Action::ALL {
        assert!(
            text.contains(action.description().split(' ').next().unwrap()),
            "{action:?}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn finding_detail_overlay() {
    let mut s = demo_state(120, 40, 1);
    keys(&mut s, "3jjjjjjjjj\n");
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn filtered_security_groups() {
    let mut s = demo_state(120, 30, 1);
    keys(&mut s, "2z/ssh");
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn read_only_badge_in_header() {
    let mut s = demo_state(120, 30, 1);
    s.context.read_only = true;
    assert!(screen(&s).lines().next().unwrap().contains("READ-ONLY"));
}

#[test]
fn hostile_strings_never_reach_the_screen() {
    let mut s = demo_state(200, 60, 1);
    keys(&mut s, "2z");
    // Walk every security group's detail, where tags and descriptions are shown.
    for _ in 0..40 {
        keys(&mut s, "\n");
        let buf = draw(&s, &Theme::default());
        for cell in buf.content() {
            assert!(
                !cell
                    .symbol()
                    .chars()
                    .any(|c| c.is_control() || c == '\u{202E}'),
                "{:?}",
                cell.symbol()
            );
        }
        keys(&mut s, "\u{1b}j");
    }
}

fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count() as u16;
            return Some((x, y));
        }
    }
    None
}

#[test]
fn risks_and_alerts_are_coloured_by_the_theme() {
    let t = Theme::default();
    let s = demo_state(200, 60, 1);
    let buf = draw(&s, &t);
    let (x, y) = find(&buf, "critical").expect("a critical rule on screen");
    assert_eq!(buf[(x, y)].fg, t.risk_critical.fg.unwrap());
    let (x, y) = find(&buf, "⚠ studyai-dev-llama3-8b").expect("the endpoint in alert");
    assert_eq!(buf[(x, y)].fg, t.endpoints_alert.fg.unwrap());
    let (x, y) = find(&buf, "fail ").expect("a failing item");
    assert_eq!(buf[(x, y)].fg, t.check_fail.fg.unwrap());
}

#[test]
fn selection_is_highlighted_only_in_the_focused_pane() {
    let t = Theme::default();
    let mut s = demo_state(200, 60, 1);
    keys(&mut s, "3");
    let buf = draw(&s, &t);
    let (x, y) = find(&buf, "AttackSequence:S3/CompromisedData").unwrap();
    assert_eq!(buf[(x, y)].bg, t.selection.bg.unwrap());
    let (x, y) = find(&buf, "studyai-dev-embeddings").unwrap();
    assert_ne!(buf[(x, y)].bg, t.selection.bg.unwrap());
}

#[test]
fn every_built_in_theme_draws_the_dashboard() {
    let s = demo_state(120, 30, 1);
    for (name, _) in theme::BUILT_IN {
        let t = theme::load(name).unwrap();
        let buf = draw(&s, &t);
        assert_eq!(buf[(0, 0)].bg, t.header.bg.unwrap(), "{name}");
    }
}

#[test]
fn only_the_visible_rows_are_drawn_at_scale() {
    // 1,000 copies of the scenario: 13,000 groups, 33,000 rule rows.
    let mut s = demo_state(120, 30, 1000);
    keys(&mut s, "2G");
    let text = screen(&s);
    assert!(text.contains("(33000)"), "{text}");
}

#[test]
fn confirm_dialog_shows_the_plan() {
    use secdash::action::plan::{self, RuleSpec};
    use secdash::model::{Direction, Peer};
    let mut s = demo_state(120, 36, 1);
    s.context.source = secdash::source::SourceKind::Aws;
    let rules = vec![RuleSpec {
        rule_id: Some("sgr-1".into()),
        direction: Direction::Ingress,
        protocol: "tcp".into(),
        from_port: Some(22),
        to_port: Some(22),
        peer: Peer::Ipv4("0.0.0.0/0".into()),
        description: "SSH".into(),
    }];
    let mut p = plan::isolate(
        "sg-0b1d2f3a4c5e6a703",
        Some("vpc-1".into()),
        &rules,
        "ap-southeast-1",
    );
    p.dry_run = Some("dry run: allowed (permissions checked)".into());
    update(&mut s, Msg::Planned(Ok(p)));
    keys(&mut s, "sg-0b1");
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn incident_view() {
    let mut s = demo_state(120, 36, 1);
    keys(&mut s, "Ij j");
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn a_denied_pane_and_an_unreachable_one_say_different_things() {
    use secdash::model::SourceError;
    let shown = |error: SourceError| {
        let mut s = empty_state(110, 16);
        keys(&mut s, "2z");
        update(
            &mut s,
            Msg::Fetched {
                pane: PaneId::SecurityGroups,
                at: t0(),
                result: Err(error),
            },
        );
        screen(&s)
    };
    let denied = shown(SourceError::AccessDenied {
        service: "ec2".into(),
        operation: "DescribeSecurityGroups".into(),
        region: "ap-southeast-1".into(),
        permission: "ec2:DescribeSecurityGroups".into(),
    });
    assert!(
        denied.contains("attach policies/secdash-readonly.json"),
        "{denied}"
    );
    let unreachable = shown(SourceError::Unreachable {
        service: "ec2".into(),
        operation: "DescribeSecurityGroups".into(),
        region: "ap-southeast-1".into(),
        detail: "connection refused".into(),
    });
    assert!(
        unreachable.contains("check the network path"),
        "{unreachable}"
    );
    assert!(!unreachable.contains("attach policies"), "{unreachable}");
}
