//! Whole-screen snapshots of the real `render` on ratatui's TestBackend: each pane in each
//! load state, the full dashboard at 80×24 and 200×60, and the overlays. Text snapshots carry
//! no colour, so a few tests check cell styles directly.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use secdash::app::{AppState, Msg, update};
use secdash::fixtures::{
    demo_pane, demo_state, empty_state, numbered_accounts_state, t0, two_accounts_state,
};
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
        PaneId::Sagemaker => PaneData::Sagemaker(vec![]),
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
fn dashboard_at_120x40() {
    let text = screen(&demo_state(120, 40, 1));
    // Ids that share a start are cut in their middle and keep their tails (#15).
    for tail in [
        "6b70534",
        "5a69781",
        "7c80645",
        "2/TorClient",
        "HBruteForce",
    ] {
        assert!(text.contains(tail), "{tail}: {text}");
    }
    assert!(text.contains("13 groups · 33 rules") || text.contains("33 rules"));
    assert!(text.lines().next().unwrap().contains("123456789012"));
    insta::assert_snapshot!(text);
}

#[test]
fn dashboard_at_160x45() {
    let text = screen(&demo_state(160, 45, 1));
    assert!(
        text.contains("i-0c2d3e4f5a6b70534"),
        "whole when there is room: {text}"
    );
    assert!(text.contains("13 groups · 33 rules"), "{text}");
    assert!(
        text.contains("none"),
        "no risk reads as such, not as a dot: {text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn a_refresh_of_several_accounts_says_how_many_have_answered() {
    let mut state = two_accounts_state(120, 40);
    // A refresh of the findings, read account by account.
    update(
        &mut state,
        Msg::FetchStarted {
            pane: PaneId::Findings,
        },
    );
    update(
        &mut state,
        Msg::Progress {
            pane: PaneId::Findings,
            done: 1,
            total: 2,
        },
    );
    let text = screen(&state);
    let status = text.lines().last().unwrap();
    assert!(status.contains("findings ⟳1/2 accounts"), "{status}");
    // Done: the age again.
    fetched(
        &mut state,
        PaneId::Findings,
        Ok(demo_pane(PaneId::Findings, 1)),
    );
    let status = screen(&state).lines().last().unwrap().to_string();
    assert!(!status.contains("accounts"), "{status}");
}

#[test]
fn one_account_has_no_matrix_and_says_why() {
    let mut state = demo_state(120, 40, 1);
    keys(&mut state, "m");
    let text = screen(&state);
    assert!(!text.contains("Checklist by account"), "{text}");
    assert!(text.contains("the matrix compares accounts"), "{text}");
}

#[test]
fn several_accounts_lead_every_table_with_the_account() {
    let text = screen(&two_accounts_state(120, 40));
    assert!(
        text.lines().next().unwrap().contains("2 accounts"),
        "{text}"
    );
    assert!(text.matches("ACCOUNT").count() >= 3, "{text}");
    assert!(text.contains("prod") && text.contains("dev"), "{text}");
    insta::assert_snapshot!(text);
    // A row's details say its account.
    let mut state = two_accounts_state(120, 40);
    keys(&mut state, "4\n");
    let detail = screen(&state);
    assert!(
        detail.contains("in account") && detail.contains("dev (111111111111)"),
        "{detail}"
    );
    // An action on a row of an account without a responder role says why there is none.
    let mut state = two_accounts_state(120, 40);
    state.context.source = secdash::source::SourceKind::Aws;
    for name in ["dev", "prod"] {
        state.context.no_action.insert(
            name.into(),
            format!("account {name} has no responder role: actions there need responder_role_arn"),
        );
    }
    keys(&mut state, "2x");
    let refused = screen(&state);
    assert!(refused.contains("has no responder role"), "{refused}");
    // `m`: the checklist by account, items down, accounts across.
    let mut state = two_accounts_state(120, 40);
    keys(&mut state, "m");
    let matrix = screen(&state);
    assert!(matrix.contains("Checklist by account (2)"), "{matrix}");
    insta::assert_snapshot!("several_accounts_checklist_matrix", matrix);
    // The filter matches account names.
    let mut state = two_accounts_state(120, 40);
    keys(&mut state, "4/prod\n");
    let text = screen(&state);
    assert!(text.contains("prod"), "{text}");
    assert!(!text.contains(" dev "), "{text}");
}

/// Fifty accounts do not fit across a 120-column matrix: it says which are shown and moves
/// across them with h/l, to the last one, rather than cut the others off unseen.
#[test]
fn the_matrix_moves_across_more_accounts_than_fit() {
    let mut state = numbered_accounts_state(120, 40, 1, 50);
    keys(&mut state, "4m");
    let text = screen(&state);
    assert!(text.contains("Checklist by account (50)"), "{text}");
    let header = text
        .lines()
        .find(|l| l.contains("ITEM"))
        .unwrap()
        .to_string();
    assert!(header.contains("acct-100"), "{header}");
    assert!(!header.contains("acct-149"), "{header}");
    let shown = header.matches("acct-").count();
    assert!(
        text.contains(&format!("accounts 1–{shown} of 50 · h/l account")),
        "{text}"
    );
    // Choosing an account past the line's end scrolls the line to show it, at its right.
    keys(&mut state, &"l".repeat(shown));
    let header = screen(&state)
        .lines()
        .find(|l| l.contains("ITEM"))
        .unwrap()
        .to_string();
    let chosen = format!("acct-{}", 100 + shown);
    assert!(
        header.contains(&chosen) && !header.contains("acct-100"),
        "{chosen}: {header}"
    );
    // Past the end: the last accounts fill the line.
    keys(&mut state, &"l".repeat(60));
    let text = screen(&state);
    let header = text.lines().find(|l| l.contains("ITEM")).unwrap();
    assert!(header.contains("acct-149"), "{header}");
    assert_eq!(header.matches("acct-").count(), shown, "{header}");
    assert!(
        text.contains(&format!("accounts {}–50 of 50", 51 - shown)),
        "{text}"
    );
    keys(&mut state, &"h".repeat(60));
    assert!(screen(&state).contains("accounts 1–"));
}

#[test]
fn a_terminal_too_small_says_so_rather_than_cut_the_account() {
    let text = screen(&demo_state(40, 10, 1));
    assert!(text.contains("terminal too small: 40×10"), "{text}");
    assert!(!text.contains("1234567890"), "{text}");
}

#[test]
fn help_overlay_lists_every_binding() {
    let mut s = demo_state(80, 24, 1);
    keys(&mut s, "?");
    let first = screen(&s);
    // At 80×24 the help is one column that scrolls: every binding is on one of its pages, and
    // no description is cut.
    let mut seen = first.clone();
    for _ in 0..40 {
        keys(&mut s, "j");
        seen.push_str(&screen(&s));
    }
    for action in secdash::config::keymap::Action::ALL {
        assert!(seen.contains(action.description()), "{action:?}: {seen}");
    }
    insta::assert_snapshot!(first);
}

/// #32: at 120 columns the help's free text wraps whole (it was cut at the box's edge), and it
/// lists the incident view's keys.
#[test]
fn help_at_120_columns_wraps_its_text_and_lists_the_incident_views_keys() {
    let mut s = demo_state(120, 40, 1);
    keys(&mut s, "?");
    let mut seen = screen(&s);
    for _ in 0..40 {
        keys(&mut s, "j");
        seen.push_str(&screen(&s));
    }
    // Each sentence's end is on screen: wrapped, not cut at the box's edge.
    for words in [
        "Incident view (I): space marks a step done",
        "esc closes.",
        "n/N step through the matches.",
        "(-latency reverses).",
        "Ctrl-Z suspends; fg redraws.",
    ] {
        assert!(seen.contains(words), "{words}:\n{seen}");
    }
}

#[test]
fn finding_detail_overlay() {
    let mut s = demo_state(120, 40, 1);
    keys(&mut s, "3jjjjjjjjj\n");
    insta::assert_snapshot!(screen(&s));
}

/// The rows of each pane box in `lines` (one column of the grid), border characters taken
/// off: what an operator tells rows apart by.
fn pane_rows(lines: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut open: Option<(String, Vec<String>, bool)> = None;
    for l in lines {
        let first = l.chars().next().unwrap_or(' ');
        match first {
            '┏' | '┌' => open = Some((l.clone(), Vec::new(), false)),
            '┗' | '└' => {
                if let Some((title, rows, _)) = open.take() {
                    out.push((title, rows));
                }
            }
            '┃' | '│' => {
                if let Some((_, rows, header_seen)) = open.as_mut() {
                    let inner: String = l.chars().skip(1).collect();
                    let inner = inner.trim_end_matches(['┃', '│']).trim_end().to_string();
                    if !*header_seen {
                        *header_seen = true;
                    } else if !inner.trim().is_empty() {
                        rows.push(inner);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// #32: at every width from 80 columns, each pane's rows can be told apart — no two rows of
/// a pane read the same (same-name groups carry their id, names are cut in the middle).
#[test]
fn every_row_is_distinct_at_every_width() {
    for (w, h) in [(80, 24), (100, 30), (120, 40), (160, 45), (200, 60)] {
        let s = demo_state(w, h, 1);
        let shown = screen(&s);
        let half = usize::from(w / 2);
        let (left, right): (Vec<String>, Vec<String>) = shown
            .lines()
            .skip(1)
            .map(|l| {
                let chars: Vec<char> = l.chars().collect();
                let cut = half.min(chars.len());
                (
                    chars[..cut].iter().collect::<String>(),
                    chars[cut..].iter().collect::<String>(),
                )
            })
            .unzip();
        let panes: Vec<_> = pane_rows(&left)
            .into_iter()
            .chain(pane_rows(&right))
            .collect();
        assert!(
            panes.len() >= 4,
            "{w}×{h}: {} panes found\n{shown}",
            panes.len()
        );
        for (title, rows) in panes {
            let mut seen = std::collections::HashSet::new();
            for r in &rows {
                assert!(
                    seen.insert(r.clone()),
                    "{w}×{h}: the pane {title:?} shows the row {r:?} twice\n{shown}"
                );
            }
        }
    }
}

/// #32: with more than one region watched, every width from 80 says which region each group
/// and endpoint is in: the region in full where it fits, AWS's short code where it does not.
#[test]
fn more_than_one_region_tags_every_row_with_its_region() {
    for (w, h, endpoints_say, groups_say) in [
        (80, 24, "apse1", "apse1"),
        (120, 40, "apse1", "apse1"),
        (200, 60, "ap-southeast-1", "ap-southeast-1"),
    ] {
        let mut s = demo_state(w, h, 1);
        s.context.regions = vec!["ap-southeast-1".into(), "us-west-2".into()];
        let shown = screen(&s);
        let half = usize::from(w / 2);
        let rows = |skip: usize| -> Vec<String> {
            shown
                .lines()
                .map(|l| l.chars().skip(skip).take(half).collect::<String>())
                .collect()
        };
        let (left, right) = (pane_rows(&rows(0)), pane_rows(&rows(half)));
        let endpoints = &left[0].1;
        let groups = &right[0].1;
        assert!(
            endpoints.iter().all(|r| r.contains(endpoints_say)),
            "{w}×{h}: endpoints without their region:\n{shown}"
        );
        assert!(
            groups.iter().all(|r| r.contains(groups_say)),
            "{w}×{h}: groups without their region:\n{shown}"
        );
    }
}

/// #30: an asynchronous endpoint's details say how many requests wait.
#[test]
fn an_asynchronous_endpoints_details_show_its_backlog() {
    let mut s = demo_state(160, 90, 1);
    keys(&mut s, "1/embeddings\n\n");
    let shown = screen(&s);
    assert!(shown.contains("backlog"), "{shown}");
    assert!(shown.contains("requests waiting (asynchronous)"), "{shown}");
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
    assert!(text.contains("33000 rules"), "{text}");
}

#[test]
fn confirm_dialog_shows_the_plan() {
    use secdash::action::plan::RuleSpec;
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
    let mut p = secdash::action::kinds::isolate::plan(
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

// Acting on and recording an incident (#12).

/// The demo state as an operator acting on AWS sees it, in incident INC-2041.
fn acting_state(width: u16, height: u16) -> AppState {
    let mut s = demo_state(width, height, 1);
    s.context.source = secdash::source::SourceKind::Aws;
    s.incident.id = "INC-2041".into();
    s.incident.named = true;
    s
}

/// A journal in which secdash isolated a group and contained an instance, at 19:58.
/// One action of incident INC-2041, done and verified, as the journal lists it.
fn journal_entry(
    id: &str,
    action: secdash::action::plan::ActionKind,
    target: &str,
    plan: Option<secdash::action::plan::Plan>,
) -> secdash::action::journal::Entry {
    secdash::action::journal::Entry {
        entry: id.into(),
        time: t0(),
        incident: "INC-2041".into(),
        action,
        region: "ap-southeast-1".into(),
        target: target.into(),
        status: secdash::action::journal::EntryStatus::Done,
        steps_done: 1,
        steps: 1,
        verified: Some(true),
        outcome: None,
        undone_by: None,
        trusted: true,
        plan,
        actor: Default::default(),
    }
}

fn journal_with_changes() -> secdash::action::journal::Journalled {
    use secdash::action::journal::{Entry, Journalled};
    use secdash::action::plan::{ActionKind, InterfaceBefore};
    let at = t0().date_naive().and_hms_opt(19, 58, 0).unwrap().and_utc();
    let entry = |id: &str, action, target: &str, plan| Entry {
        time: at,
        ..journal_entry(id, action, target, plan)
    };
    let contain = secdash::action::kinds::contain::plan(
        "i-0f1e2d3c4b5a69781",
        &[InterfaceBefore {
            interface_id: "eni-0e6c1d2e3f4a5b621".into(),
            vpc_id: "vpc-0a3f5c9e1d2b4a6c8".into(),
            groups: vec!["sg-0b1d2f3a4c5e6a703".into()],
            instance_id: Some("i-0f1e2d3c4b5a69781".into()),
        }],
        "INC-2041",
        "ap-southeast-1",
    );
    Journalled {
        entries: vec![
            entry(
                "e1",
                ActionKind::named("isolate"),
                "sg-0b1d2f3a4c5e6a709",
                None,
            ),
            entry(
                "e2",
                ActionKind::named("contain"),
                "i-0f1e2d3c4b5a69781",
                Some(contain),
            ),
        ],
        damage: vec![],
    }
}

#[test]
fn the_header_names_the_incident_actions_are_journalled_under() {
    let s = acting_state(120, 30);
    let header = screen(&s).lines().next().unwrap().to_string();
    assert!(header.contains("INC-2041"), "{header}");
    let mut demo = demo_state(120, 30, 1);
    demo.incident.id = "INC-2041".into();
    let header = screen(&demo).lines().next().unwrap().to_string();
    assert!(
        !header.contains("INC-2041"),
        "no actions, no incident: {header}"
    );
}

#[test]
fn unfinished_actions_leave_region_and_caller_in_the_header_at_80_columns() {
    let mut s = acting_state(80, 24);
    s.context.unfinished = vec!["isolate sg-1 (e1)".into(), "contain i-1 (e2)".into()];
    s.context.journal_damage = vec![7];
    let header = screen(&s).lines().next().unwrap().to_string();
    assert!(
        header.contains("⚠ journal damaged · 2 unfinished"),
        "{header}"
    );
    assert!(header.contains("123456789012 │ ap-southeast-1"), "{header}");
    s.context.journal_damage.clear();
    let header = screen(&s).lines().next().unwrap().to_string();
    assert!(header.contains("⚠ 2 unfinished"), "{header}");
    assert!(
        header.contains("ap-southeast-1 │ SecOpsReadOnly/alice"),
        "region and caller: {header}"
    );
    let wide = acting_state(200, 40);
    let mut wide = wide;
    wide.context.unfinished = s.context.unfinished.clone();
    let header = screen(&wide).lines().next().unwrap().to_string();
    assert!(
        header.contains("2 unfinished action(s): I to see and restore them"),
        "{header}"
    );
}

#[test]
fn a_refusal_is_not_a_success_and_messages_expire_without_covering_help() {
    let mut s = demo_state(80, 24, 1);
    s.context.rehearsal = false;
    keys(&mut s, "2x");
    let bar = screen(&s).lines().last().unwrap().to_string();
    assert!(bar.contains("⊘ the demo scenario cannot"), "{bar}");
    assert!(!bar.contains("✓ the demo"), "{bar}");
    assert!(bar.ends_with("? help"), "{bar}");
    update(&mut s, Msg::Tick(t0() + chrono::Duration::seconds(11)));
    let bar = screen(&s).lines().last().unwrap().to_string();
    assert!(!bar.contains("cannot be changed"), "expired: {bar}");
    for width in [80, 120, 160, 200] {
        let mut s = acting_state(width, 30);
        s.flash = Some(secdash::app::Flash::error(
            "isolate sg-0b1d2f3a4c5e6a709 failed: ec2:RevokeSecurityGroupIngress in ap-southeast-1: access denied; the caller needs ec2:RevokeSecurityGroupIngress",
            s.now,
        ));
        let bar = screen(&s).lines().last().unwrap().to_string();
        assert!(bar.contains("✗ isolate"), "{width}: {bar}");
        assert!(bar.ends_with("? help"), "{width}: {bar}");
        assert!(bar.contains("calls"), "{width}: {bar}");
    }
}

#[test]
fn a_typo_in_the_id_keeps_the_plan_open_and_tab_fills_in_the_whole_id() {
    use secdash::action::plan::RuleSpec;
    use secdash::model::{Direction, Peer};
    let mut s = acting_state(120, 36);
    let rules = vec![RuleSpec {
        rule_id: Some("sgr-1".into()),
        direction: Direction::Ingress,
        protocol: "tcp".into(),
        from_port: Some(22),
        to_port: Some(22),
        peer: Peer::Ipv4("0.0.0.0/0".into()),
        description: "SSH".into(),
    }];
    let p = secdash::action::kinds::isolate::plan(
        "sg-0b1d2f3a4c5e6a703",
        Some("vpc-1".into()),
        &rules,
        "ap-southeast-1",
    );
    update(&mut s, Msg::Planned(Ok(p)));
    keys(&mut s, "sg-0b1d2f3a4c5e6a7O3\n");
    assert!(s.confirm().is_some(), "a typo is not a no");
    let text = screen(&s);
    assert!(text.contains("that is not the id"), "{text}");
    assert!(
        text.contains("Type sg-0b1d2f3a4c5e6a703 and press enter"),
        "the full id: {text}"
    );
    keys(&mut s, "\t");
    assert_eq!(s.confirm().unwrap().input.text(), "sg-0b1d2f3a4c5e6a703");
    insta::assert_snapshot!(screen(&s));
    keys(&mut s, "\n");
    assert!(s.confirm().is_none());
    assert!(
        s.busy.as_deref().unwrap_or("").starts_with("isolate"),
        "{:?}",
        s.busy
    );
}

#[test]
fn a_restore_that_reopens_a_risky_rule_shows_it_and_wants_the_id() {
    use secdash::action::plan::{ActionKind, Before, Plan, RuleSpec, Step};
    use secdash::model::{Direction, Peer};
    let mut s = acting_state(120, 36);
    let ssh = RuleSpec {
        rule_id: None,
        direction: Direction::Ingress,
        protocol: "tcp".into(),
        from_port: Some(22),
        to_port: Some(22),
        peer: Peer::Ipv4("0.0.0.0/0".into()),
        description: "SSH".into(),
    };
    let p = Plan {
        action: ActionKind::named("restore"),
        region: "ap-southeast-1".into(),
        target: "sg-0b1d2f3a4c5e6a703".into(),
        before: Before::Entries {
            entries: vec!["e1".into()],
        },
        steps: vec![Step::AuthorizeRules {
            group_id: "sg-0b1d2f3a4c5e6a703".into(),
            rules: vec![ssh],
        }],
        notes: vec![],
        dry_run: None,
        confirm_by_hand: None,
        subject: None,
        account: None,
    };
    update(&mut s, Msg::Planned(Ok(p)));
    let text = screen(&s);
    assert!(
        text.contains("risk: re-opens on sg-0b1d2f3a4c5e6a703"),
        "{text}"
    );
    assert!(text.contains("critical"), "{text}");
    keys(&mut s, "y");
    assert!(
        s.confirm().is_some(),
        "y is not enough to re-open SSH to the world"
    );
}

#[test]
fn what_secdash_changed_carries_a_badge() {
    let mut s = acting_state(200, 60);
    update(&mut s, Msg::Journal(journal_with_changes()));
    // The isolated group as EC2 has it now: no rules.
    let mut groups = demo_pane(PaneId::SecurityGroups, 1);
    if let PaneData::SecurityGroups(d) = &mut groups {
        for g in d
            .groups
            .iter_mut()
            .filter(|g| g.id == "sg-0b1d2f3a4c5e6a709")
        {
            g.rules = Box::default();
        }
    }
    fetched(&mut s, PaneId::SecurityGroups, Ok(groups));
    keys(&mut s, "2zG");
    let text = screen(&s);
    assert!(
        text.contains("⚑ sg-") && text.contains("6a709"),
        "the group is flagged: {text}"
    );
    assert!(
        text.contains("isolated · INC-2041 · 19:58"),
        "the badge: {text}"
    );
    keys(&mut s, "z3z");
    let text = screen(&s);
    assert!(text.contains("[contained · INC-2041 · 19:58]"), "{text}");
    insta::assert_snapshot!(text);
}

/// Issue #26: a failed isolate was badged "⚑ isolated" and the header stayed silent.
#[test]
fn a_failed_action_is_badged_as_failed_and_flagged_while_it_leaves_a_change() {
    use secdash::action::journal::EntryStatus;
    let mut s = acting_state(200, 60);
    let mut journal = journal_with_changes();
    journal.entries.truncate(1);
    let failed = &mut journal.entries[0];
    failed.status = EntryStatus::Failed;
    failed.steps = 2;
    failed.steps_done = 1;
    update(&mut s, Msg::Journal(journal));
    fetched(
        &mut s,
        PaneId::SecurityGroups,
        Ok(demo_pane(PaneId::SecurityGroups, 1)),
    );
    keys(&mut s, "2z/windows-bastion\n");
    let header = screen(&s).lines().next().unwrap().to_string();
    assert!(header.contains("1 unfinished"), "{header}");
    keys(&mut s, "\n");
    let text = screen(&s);
    assert!(
        text.contains("isolate failed · INC-2041 · 19:58") && !text.contains("isolated ·"),
        "the badge: {text}"
    );
    keys(&mut s, "\u{1b}");
    // `u` on the group plans its restore, as for any change in effect.
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE)),
    );
    assert!(
        matches!(
            &effects[..],
            [secdash::app::Effect::Plan { request, .. }] if request.kind.is_restore()
        ),
        "{effects:?}"
    );
}

#[test]
fn the_incident_view_lists_actions_to_restore_and_takes_notes() {
    let mut s = acting_state(120, 40);
    update(&mut s, Msg::Journal(journal_with_changes()));
    keys(&mut s, "I");
    let steps = secdash::app::incident::steps(&s).steps.len();
    keys(&mut s, &"j".repeat(steps));
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE)),
    );
    assert!(
        matches!(&effects[..], [secdash::app::Effect::Plan { request, .. }] if *request == secdash::action::Request::restore("e1")),
        "{effects:?}"
    );
    s.busy = None;
    keys(&mut s, "nchecked the bastion's auth log");
    let text = screen(&s);
    assert!(text.contains("note: checked the bastion"), "{text}");
    insta::assert_snapshot!(text);
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert!(
        matches!(&effects[..], [secdash::app::Effect::AddNote { incident, text }] if incident == "INC-2041" && text == "checked the bastion's auth log"),
        "{effects:?}"
    );
}

#[test]
fn the_command_line_shows_its_choices_and_its_mistakes() {
    let mut s = demo_state(120, 40, 1);
    keys(&mut s, ":window 1\t");
    let shown = screen(&s);
    let last = shown.lines().last().unwrap();
    assert!(last.starts_with(":window 1▏"), "{last}");
    assert!(last.contains("15m  1h  1d"), "{last}");
    keys(&mut s, "x\n");
    let last = screen(&s).lines().last().unwrap().to_string();
    assert!(last.contains("✗ `1x` is not a length of time"), "{last}");
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn filter_matches_are_underlined_and_a_hidden_match_is_hinted() {
    let mut s = demo_state(120, 40, 1);
    keys(&mut s, "2/22");
    let buf = draw(&s, &Theme::default());
    let (x, y) = find(&buf, "tcp/22").expect("a match on screen");
    let underlined = |x| {
        buf[(x, y)]
            .modifier
            .contains(ratatui::style::Modifier::UNDERLINED)
    };
    assert!(
        underlined(x + 4) && underlined(x + 5),
        "the match is underlined"
    );
    assert!(!underlined(x), "the rest of the cell is not");
    // A word only the detail view shows (the VPC): the filter line says so.
    keys(&mut s, "\u{1b}/vpc-");
    let shown = screen(&s);
    assert!(
        shown.contains("this row matches in a field not shown"),
        "{shown}"
    );
}

#[test]
fn the_title_shows_the_sort_and_a_jump() {
    let mut s = demo_state(160, 45, 1);
    keys(&mut s, "ss");
    let shown = screen(&s);
    assert!(shown.contains("sorted invocations"), "{shown}");
    keys(&mut s, "S");
    assert!(screen(&s).contains("sorted -invocations"));
    keys(&mut s, "/llama3\nJ");
    let shown = screen(&s);
    assert!(shown.contains("→ attached to"), "{shown}");
    insta::assert_snapshot!(shown);
}

/// The findings pane on the demo's leaked-key finding, with `then` typed.
fn on_leaked_key(width: u16, height: u16, then: &str) -> AppState {
    let mut s = demo_state(width, height, 1);
    s.context.source = secdash::source::SourceKind::Aws;
    keys(&mut s, "3/KaliLinux\n");
    keys(&mut s, then);
    s
}

/// The demo's CloudTrail history, as the runtime would answer the timeline just asked for.
fn answer_timeline(s: &mut AppState) {
    let view = s.timeline().unwrap();
    let (seq, subjects, since) = (view.seq, view.subjects.clone(), view.since);
    let timeline = secdash::source::demo::trail::timeline(&subjects, since, t0());
    let mut calls = secdash::source::ApiCalls::new();
    calls.insert("cloudtrail:LookupEvents".into(), subjects.len() as u32);
    update(
        s,
        Msg::Trail {
            seq,
            result: Ok((timeline, calls)),
        },
    );
}

#[test]
fn a_findings_subjects_at_120x40() {
    insta::assert_snapshot!(screen(&on_leaked_key(120, 40, "e")));
}

#[test]
fn a_findings_subjects_at_80x24() {
    insta::assert_snapshot!(screen(&on_leaked_key(80, 24, "e")));
}

#[test]
fn the_cloudtrail_timeline_at_every_size() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let mut s = on_leaked_key(w, h, "t");
        answer_timeline(&mut s);
        insta::assert_snapshot!(format!("timeline_{w}x{h}"), screen(&s));
    }
    // An event whole, and the filter.
    let mut s = on_leaked_key(120, 40, "t");
    answer_timeline(&mut s);
    keys(&mut s, "/persistence\n");
    insta::assert_snapshot!("timeline_filtered", screen(&s));
    keys(&mut s, "\n");
    insta::assert_snapshot!("timeline_event", screen(&s));
}

/// Key 5: the platform's notebooks, model versions and jobs, in the endpoints' place; its
/// keys ask for their actions' plans.
#[test]
fn the_sagemaker_pane_lists_notebooks_versions_and_jobs_and_acts_on_them() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let mut s = demo_state(w, h, 1);
        keys(&mut s, "5");
        let text = screen(&s);
        for shown in [
            "5 SageMaker (4)",
            "studyai-dev-research",
            "studyai-llama3-8b/8",
            "InProgress",
        ] {
            assert!(text.contains(shown), "{w}×{h}: {shown}:\n{text}");
        }
        assert!(
            !text.contains("1 Endpoints"),
            "it takes the endpoints' place:\n{text}"
        );
        insta::assert_snapshot!(format!("sagemaker_pane_{w}x{h}"), text);
    }
    // The keys of its rows ask for their plans: the notebook, then version 8.
    let mut s = acting_state(120, 40);
    keys(&mut s, "5");
    let effects = update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Char('P'))));
    assert!(
        matches!(&effects[..], [secdash::app::Effect::Plan { request, .. }] if request.words() == "stop-notebook studyai-dev-research"),
        "{effects:?}"
    );
    s.busy = None;
    keys(&mut s, "jj");
    let effects = update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Char('X'))));
    assert!(
        matches!(&effects[..], [secdash::app::Effect::Plan { request, .. }] if request.words().ends_with("model-package/studyai-llama3-8b/8") && request.kind.verb() == "reject-model"),
        "{effects:?}"
    );
}

/// #29: the incident view says what each principal its actions contained could change of
/// what answers: asked once when the view opens, "reading…" until IAM's simulator answers,
/// then what it may overwrite and call (or why it could not be read).
#[test]
fn the_incident_view_says_what_a_contained_principal_could_change() {
    use secdash::action::journal::Journalled;
    use secdash::action::plan::ActionKind;
    use secdash::model::{AccessKeyInfo, BlastRadius, KeyStatus, Principal, PrincipalInfo};
    let mut s = acting_state(120, 40);
    let key = AccessKeyInfo {
        access_key_id: "AKIA4EXAMPLEDEVOPS01".into(),
        user: "devops-ci".into(),
        status: KeyStatus::Active,
        created: None,
        last_used: None,
        other_keys: vec![],
    };
    let user = PrincipalInfo {
        arn: "arn:aws:iam::123456789012:user/devops-ci".into(),
        path: "/".into(),
        max_session_secs: None,
        quarantine: vec![],
    };
    let plan = secdash::action::kinds::disable_key::plan(&key, &user, "ap-southeast-1");
    let entry = |id: &str, target: &str, plan| {
        journal_entry(id, ActionKind::named("disable-key"), target, plan)
    };
    update(
        &mut s,
        Msg::Journal(Journalled {
            entries: vec![
                entry("e1", "AKIA4EXAMPLEDEVOPS01", Some(plan.clone())),
                entry("e2", "AKIA4EXAMPLEDEVOPS02", Some(plan)),
            ],
            damage: vec![],
        }),
    );
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('I'), KeyModifiers::NONE)),
    );
    let devops = Principal::User("devops-ci".into());
    assert_eq!(
        effects,
        [secdash::app::Effect::BlastRadius(devops.clone())],
        "asked once for the user both keys belong to"
    );
    let text = screen(&s);
    assert!(
        text.contains("user devops-ci") && text.contains("reading…"),
        "{text}"
    );
    update(
        &mut s,
        Msg::BlastRadius {
            principal: devops.clone(),
            result: Ok(BlastRadius {
                principal: user.arn.clone(),
                kind: "user",
                can_write_artifacts: vec![
                    "s3://studyai-dev-sagemaker-models/llama3-8b/v8/model.tar.gz".into(),
                ],
                can: vec!["sagemaker:UpdateEndpoint".into()],
                ..Default::default()
            }),
        },
    );
    let text = screen(&s);
    assert!(
        text.contains("may overwrite 1 served artifact: s3:/")
            && text.contains("llama3-8b/v8/model.tar.gz"),
        "{text}"
    );
    assert!(text.contains("may call UpdateEndpoint"), "{text}");
    insta::assert_snapshot!(text);
    // Opened again: not asked again.
    keys(&mut s, "\u{1b}");
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('I'), KeyModifiers::NONE)),
    );
    assert!(effects.is_empty(), "{effects:?}");
}

/// #32: at 80×24 the incident view takes the full width, and an action's entry id (what
/// `restore` takes) is whole even beside a long target.
#[test]
fn the_incident_view_at_80x24_keeps_entry_ids_whole() {
    use secdash::action::journal::Journalled;
    use secdash::action::plan::ActionKind;
    let mut s = acting_state(80, 24);
    let entry = journal_entry(
        "20261123T101730-ab12",
        ActionKind::named("rollback-endpoint"),
        "arn:aws:sagemaker:ap-southeast-1:123456789012:endpoint/studyai-dev-llama3-8b",
        None,
    );
    update(
        &mut s,
        Msg::Journal(Journalled {
            entries: vec![entry],
            damage: vec![],
        }),
    );
    keys(&mut s, "I");
    let steps = secdash::app::incident::steps(&s).steps.len();
    keys(&mut s, &"j".repeat(steps));
    let text = screen(&s);
    assert!(text.contains("20261123T101730-ab12"), "{text}");
    assert!(
        text.lines().next().unwrap().starts_with("╭ Incident"),
        "the full width: {text}"
    );
}

/// #32: groups that share a name (every VPC's `default`) are told apart at 80 columns: a row
/// whose name another group shown has adds the id's tail; a unique name stays as it is.
#[test]
fn same_name_groups_are_told_apart_at_80_columns() {
    let mut s = demo_state(80, 24, 1);
    let PaneData::SecurityGroups(mut data) =
        secdash::fixtures::demo_pane(PaneId::SecurityGroups, 1)
    else {
        panic!()
    };
    for g in data.groups.iter_mut().take(2) {
        g.name = "default".into();
    }
    let ids: Vec<String> = data
        .groups
        .iter()
        .take(2)
        .map(|g| g.id.to_string())
        .collect();
    update(
        &mut s,
        Msg::Fetched {
            pane: PaneId::SecurityGroups,
            at: t0(),
            result: Ok(Fetched::complete(PaneData::SecurityGroups(data))),
        },
    );
    keys(&mut s, "2z");
    let text = screen(&s);
    for id in &ids {
        let tail: String = id.chars().skip(id.chars().count() - 5).collect();
        assert!(
            text.contains(&format!("default …{tail}")),
            "{tail}:\n{text}"
        );
    }
    // Filtered to one of them, its name is unique in view again.
    keys(&mut s, &format!("/{}\n", ids[0]));
    let text = screen(&s);
    assert!(!text.contains("default …"), "{text}");
}
