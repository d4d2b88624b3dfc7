use super::*;
use crate::fixtures::{demo_pane, demo_state, empty_state, t0};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn press(state: &mut AppState, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

#[test]
fn tab_and_digits_move_focus() {
    let mut s = demo_state(200, 60, 1);
    assert_eq!(s.focus, PaneId::Endpoints);
    press(&mut s, [code(KeyCode::Tab)]);
    assert_eq!(s.focus, PaneId::SecurityGroups);
    press(&mut s, [code(KeyCode::BackTab), code(KeyCode::BackTab)]);
    assert_eq!(
        s.focus,
        PaneId::Sagemaker,
        "the last pane, in the endpoints' place"
    );
    press(&mut s, [code(KeyCode::BackTab)]);
    assert_eq!(s.focus, PaneId::Checklist);
    press(&mut s, [key('5')]);
    assert_eq!(s.focus, PaneId::Sagemaker);
    press(&mut s, [key('3')]);
    assert_eq!(s.focus, PaneId::Findings);
}

#[test]
fn cursor_moves_and_stays_in_bounds() {
    let mut s = demo_state(200, 60, 1);
    press(&mut s, [key('k')]);
    assert_eq!(s.view(PaneId::Endpoints).selected, 0);
    press(&mut s, [key('j'), key('j')]);
    assert_eq!(s.view(PaneId::Endpoints).selected, 2);
    press(&mut s, [key('G')]);
    assert_eq!(s.view(PaneId::Endpoints).selected, 5);
    press(&mut s, [key('j')]);
    assert_eq!(s.view(PaneId::Endpoints).selected, 5);
    press(&mut s, [key('g')]);
    assert_eq!(s.view(PaneId::Endpoints).selected, 0);
}

#[test]
fn scrolling_keeps_the_cursor_on_screen() {
    let mut s = demo_state(80, 24, 1);
    press(&mut s, [key('2')]);
    let page = s.page_rows(PaneId::SecurityGroups);
    assert!(page < s.view(PaneId::SecurityGroups).rows.len());
    for _ in 0..page + 3 {
        press(&mut s, [key('j')]);
    }
    let v = s.view(PaneId::SecurityGroups);
    assert_eq!(v.selected, page + 3);
    assert!(
        v.selected >= v.offset && v.selected < v.offset + page,
        "{v:?}"
    );
    press(
        &mut s,
        [Msg::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        ))],
    );
    let v = s.view(PaneId::SecurityGroups);
    assert_eq!(v.selected, 3);
    assert!(v.selected >= v.offset);
}

#[test]
fn filter_narrows_rows_and_esc_clears_it() {
    let mut s = demo_state(200, 60, 1);
    press(&mut s, [key('2'), key('/')]);
    assert!(s.editing_filter());
    press(&mut s, "ssh".chars().map(key));
    let rows = s.view(PaneId::SecurityGroups).rows.len();
    // SSH from the world, over IPv6, and from the office.
    assert_eq!(rows, 3);
    // Keys typed into the filter are text, not commands.
    assert_eq!(s.focus, PaneId::SecurityGroups);
    press(&mut s, [code(KeyCode::Enter)]);
    assert!(!s.editing_filter());
    assert_eq!(s.view(PaneId::SecurityGroups).filter, "ssh");
    press(&mut s, [code(KeyCode::Esc)]);
    assert_eq!(s.view(PaneId::SecurityGroups).filter, "");
    assert_eq!(s.view(PaneId::SecurityGroups).rows.len(), 33);
}

#[test]
fn filter_words_all_must_match() {
    let mut s = demo_state(200, 60, 1);
    press(&mut s, [key('3'), key('/')]);
    press(&mut s, "high ec2".chars().map(key));
    let n = s.view(PaneId::Findings).rows.len();
    assert!(n > 0 && n < 9, "{n}");
    press(
        &mut s,
        [
            code(KeyCode::Backspace),
            code(KeyCode::Backspace),
            code(KeyCode::Backspace),
            code(KeyCode::Backspace),
        ],
    );
    assert_eq!(s.view(PaneId::Findings).filter, "high");
    assert_eq!(s.view(PaneId::Findings).rows.len(), 7);
}

#[test]
fn a_filter_with_no_match_leaves_no_selection() {
    let mut s = demo_state(200, 60, 1);
    press(&mut s, [key('/')]);
    press(&mut s, "zzzz".chars().map(key));
    assert!(s.view(PaneId::Endpoints).rows.is_empty());
    assert_eq!(s.selected_row(), None);
    press(&mut s, [code(KeyCode::Enter), code(KeyCode::Enter)]);
    assert_eq!(s.overlay(), Overlay::None, "no detail without a row");
}

#[test]
fn help_opens_and_closes() {
    let mut s = demo_state(80, 24, 1);
    press(&mut s, [key('?')]);
    assert_eq!(s.overlay(), Overlay::Help);
    press(&mut s, [key('j')]);
    assert_eq!(s.overlay(), Overlay::Help);
    press(&mut s, [code(KeyCode::Esc)]);
    assert_eq!(s.overlay(), Overlay::None);
}

#[test]
fn detail_opens_on_enter_and_scrolls_within_bounds() {
    let mut s = demo_state(80, 24, 1);
    press(&mut s, [key('3'), code(KeyCode::Enter)]);
    assert_eq!(s.overlay(), Overlay::Detail { scroll: 0 });
    let n = detail::lines(&s).len();
    for _ in 0..n + 10 {
        press(&mut s, [key('j')]);
    }
    assert_eq!(s.overlay(), Overlay::Detail { scroll: n - 1 });
    press(&mut s, [code(KeyCode::Esc)]);
    assert_eq!(s.overlay(), Overlay::None);
}

#[test]
fn detail_shows_the_selected_rule_and_its_group() {
    let mut s = demo_state(200, 60, 1);
    press(&mut s, [key('2'), code(KeyCode::Enter)]);
    let lines = detail::lines(&s);
    assert!(detail::title(&s).starts_with("Security group sg-"));
    assert!(lines.iter().any(|(l, _)| l.starts_with('▶')), "{lines:?}");
    assert!(lines.iter().any(|(_, v)| v.contains("attached to")));
}

#[test]
fn zoom_toggles_and_esc_unzooms() {
    let mut s = demo_state(80, 24, 1);
    let small = s.page_rows(PaneId::Endpoints);
    press(&mut s, [key('z')]);
    assert!(s.zoomed);
    assert!(s.page_rows(PaneId::Endpoints) > small);
    press(&mut s, [code(KeyCode::Esc)]);
    assert!(!s.zoomed);
}

#[test]
fn refresh_keys_ask_the_runtime_for_fetches() {
    let mut s = demo_state(80, 24, 1);
    assert_eq!(
        press(&mut s, [key('3'), key('r')]),
        vec![Effect::Refresh(PaneId::Findings)]
    );
    assert_eq!(press(&mut s, [key('R')]).len(), PaneId::COUNT);
}

#[test]
fn quit_and_ctrl_c_quit_from_anywhere() {
    let mut s = demo_state(80, 24, 1);
    assert_eq!(press(&mut s, [key('q')]), vec![Effect::Quit]);
    let mut s = demo_state(80, 24, 1);
    press(&mut s, [key('/')]);
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(press(&mut s, [ctrl_c]), vec![Effect::Quit]);
    assert!(s.quit);
}

#[test]
fn q_in_a_filter_is_text() {
    let mut s = demo_state(80, 24, 1);
    press(&mut s, [key('/'), key('q')]);
    assert!(!s.quit);
    assert_eq!(s.view(PaneId::Endpoints).filter, "q");
}

#[test]
fn a_failed_fetch_keeps_the_last_good_data_and_other_panes() {
    let mut s = demo_state(80, 24, 1);
    update(
        &mut s,
        Msg::FetchStarted {
            pane: PaneId::Findings,
        },
    );
    assert!(s.is_loading(PaneId::Findings));
    let later = t0() + chrono::Duration::minutes(3);
    update(
        &mut s,
        Msg::Fetched {
            pane: PaneId::Findings,
            at: later,
            result: Err("guardduty:ListFindings in ap-southeast-1: access denied".into()),
        },
    );
    assert_eq!(
        s.error(PaneId::Findings),
        Some("guardduty:ListFindings in ap-southeast-1: access denied")
    );
    assert_eq!(s.stamp(PaneId::Findings).map(|(at, _)| at), Some(t0()));
    assert_eq!(s.view(PaneId::Findings).rows.len(), 22);
    assert!(s.error(PaneId::Endpoints).is_none());
    assert!(s.has_data(PaneId::Endpoints));
}

#[test]
fn selection_survives_a_refresh_and_is_clamped_when_data_shrinks() {
    let mut s = demo_state(200, 60, 1);
    press(&mut s, [key('3'), key('G')]);
    assert_eq!(s.view(PaneId::Findings).selected, 21);
    let mut fewer = match demo_pane(PaneId::Findings, 1) {
        PaneData::Findings(d) => d,
        _ => unreachable!(),
    };
    fewer.findings.truncate(5);
    update(
        &mut s,
        Msg::Fetched {
            pane: PaneId::Findings,
            at: t0(),
            result: Ok(Fetched::complete(PaneData::Findings(fewer))),
        },
    );
    assert_eq!(s.view(PaneId::Findings).selected, 4);
}

#[test]
fn time_only_moves_by_messages() {
    let mut s = empty_state(80, 24);
    assert_eq!(s.now, t0());
    update(&mut s, Msg::Tick(t0() + chrono::Duration::seconds(5)));
    assert_eq!(s.now, t0() + chrono::Duration::seconds(5));
}

#[test]
fn api_calls_are_summed_over_panes() {
    let mut s = empty_state(80, 24);
    for (pane, op) in [
        (PaneId::Endpoints, "cloudwatch:GetMetricData"),
        (PaneId::Findings, "guardduty:GetFindings"),
    ] {
        let mut f = Fetched::complete(demo_pane(pane, 1));
        f.api_calls.insert(op.into(), 2);
        f.api_calls.insert("sts:GetCallerIdentity".into(), 1);
        update(
            &mut s,
            Msg::Fetched {
                pane,
                at: t0(),
                result: Ok(f),
            },
        );
    }
    let total = s.total_api_calls();
    assert_eq!(total.get("sts:GetCallerIdentity"), Some(&2));
    assert_eq!(total.get("cloudwatch:GetMetricData"), Some(&2));
}

mod actions_flow {
    use super::*;
    use crate::action::Request;
    use crate::action::plan::ActionKind;
    use crate::source::SourceKind;

    fn aws_state() -> AppState {
        let mut s = demo_state(200, 60, 1);
        s.context.source = SourceKind::Aws;
        s
    }

    fn isolate_plan(group: &str) -> crate::action::plan::Plan {
        crate::action::kinds::isolate::plan(group, None, &[], "ap-southeast-1")
    }

    #[test]
    fn the_demo_and_read_only_make_no_action() {
        let mut s = demo_state(200, 60, 1);
        assert!(press(&mut s, [key('2'), key('x')]).is_empty());
        assert!(s.flash.as_ref().unwrap().text.contains("need AWS"));
        let mut s = aws_state();
        s.context.read_only = true;
        assert!(press(&mut s, [key('2'), key('x')]).is_empty());
        assert!(s.flash.as_ref().unwrap().text.contains("read-only"));
    }

    #[test]
    fn isolate_asks_for_a_plan_of_the_selected_group() {
        let mut s = aws_state();
        let effects = press(&mut s, [key('2'), key('x')]);
        let group = s.security_groups().unwrap().groups[0].id.to_string();
        assert_eq!(
            effects,
            vec![Effect::Plan {
                request: Request::of("isolate", &group).unwrap(),
                region: "ap-southeast-1".into(),
                account: None,
            }]
        );
        assert!(s.busy.is_some());
        // A second key while busy waits.
        assert!(press(&mut s, [key('x')]).is_empty());
    }

    /// With several accounts an action is planned in the selected row's account; a row of an
    /// account without a responder role offers none, and says why.
    #[test]
    fn with_several_accounts_an_action_runs_in_the_rows_account() {
        let mut s = crate::fixtures::two_accounts_state(200, 60);
        s.context.source = SourceKind::Aws;
        s.context.no_action.insert(
            "prod".into(),
            "account prod has no responder role: actions there need responder_role_arn".into(),
        );
        press(&mut s, [key('2')]);
        let groups = s.security_groups().unwrap().groups.clone();
        let rows = s.view(PaneId::SecurityGroups).rows.clone();
        let at = |name: &str| {
            rows.iter()
                .position(|r| groups[r.item as usize].place.account.as_ref().unwrap().name == name)
                .unwrap()
        };
        s.view_mut(PaneId::SecurityGroups).selected = at("prod");
        assert!(press(&mut s, [key('x')]).is_empty());
        let flash = s.flash.clone().unwrap().text;
        assert!(
            flash.contains("account prod has no responder role"),
            "{flash}"
        );
        assert!(s.busy.is_none());

        let dev = at("dev");
        s.view_mut(PaneId::SecurityGroups).selected = dev;
        let g = &groups[rows[dev].item as usize];
        assert_eq!(
            press(&mut s, [key('x')]),
            vec![Effect::Plan {
                request: Request::of("isolate", &g.id).unwrap(),
                region: g.place.region.to_string(),
                account: g.place.account.as_deref().cloned(),
            }]
        );
        assert_eq!(g.place.account.as_ref().unwrap().id, "111111111111");
    }

    #[test]
    fn destructive_actions_need_the_id_typed_and_default_to_no() {
        let mut s = aws_state();
        press(&mut s, [key('2'), key('x')]);
        update(&mut s, Msg::Planned(Ok(isolate_plan("sg-123"))));
        assert!(s.confirm().is_some());
        // Enter with nothing typed: No.
        assert!(press(&mut s, [code(KeyCode::Enter)]).is_empty());
        assert!(s.confirm().is_none());
        assert!(s.flash.as_ref().unwrap().text.starts_with("cancelled"));

        update(&mut s, Msg::Planned(Ok(isolate_plan("sg-123"))));
        press(&mut s, "sg-12".chars().map(key));
        assert!(
            press(&mut s, [code(KeyCode::Enter)]).is_empty(),
            "a wrong id cancels"
        );

        update(&mut s, Msg::Planned(Ok(isolate_plan("sg-123"))));
        // Typed text is the id, not commands: 'q' does not quit here.
        press(&mut s, [key('q'), code(KeyCode::Backspace)]);
        assert!(!s.quit);
        press(&mut s, "sg-123".chars().map(key));
        let effects = press(&mut s, [code(KeyCode::Enter)]);
        assert!(matches!(&effects[..], [Effect::Execute(p)] if p.target == "sg-123"));
    }

    #[test]
    fn archive_is_confirmed_with_y() {
        let mut s = aws_state();
        let effects = press(&mut s, [key('3'), key('a')]);
        assert!(matches!(
            &effects[..],
            [Effect::Plan { request, .. }] if request.kind.verb() == "archive"
        ));
        update(
            &mut s,
            Msg::Planned(Ok(crate::action::kinds::archive::plan(
                "d", "f", false, "r", true,
            ))),
        );
        assert!(press(&mut s, [key('n')]).is_empty());
        assert!(s.confirm().is_none());
        update(
            &mut s,
            Msg::Planned(Ok(crate::action::kinds::archive::plan(
                "d", "f", false, "r", true,
            ))),
        );
        assert!(matches!(
            &press(&mut s, [key('y')])[..],
            [Effect::Execute(_)]
        ));
    }

    #[test]
    fn contain_needs_an_instance_finding() {
        let mut s = aws_state();
        // The first finding is about an S3 bucket; the third about an instance.
        assert!(press(&mut s, [key('3'), key('c')]).is_empty());
        assert!(s.flash.as_ref().unwrap().text.contains("not an instance"));
        let effects = press(&mut s, [key('j'), key('j'), key('c')]);
        assert!(
            matches!(&effects[..], [Effect::Plan { request, .. }] if request.kind.verb() == "contain" && request.target.id().starts_with("i-")),
            "{effects:?}"
        );
    }

    #[test]
    fn an_action_outcome_is_flashed_and_its_pane_refreshed() {
        let mut s = aws_state();
        s.busy = Some("isolating".into());
        let effects = update(
            &mut s,
            Msg::ActionDone(Ok(ActionReport {
                message: "isolate sg-1: 1 step(s) done, verified".into(),
                entry: "e1".into(),
                verified: true,
                action: ActionKind::named("isolate"),
            })),
        );
        assert_eq!(effects, vec![Effect::Refresh(PaneId::SecurityGroups)]);
        assert!(s.busy.is_none());
        let f = s.flash.clone().unwrap();
        assert!(!f.error && f.text.contains("journal e1"));
        update(&mut s, Msg::ActionDone(Err("step 0 failed".into())));
        assert!(s.flash.unwrap().error);
    }

    #[test]
    fn a_failed_plan_is_shown_not_confirmed() {
        let mut s = aws_state();
        update(
            &mut s,
            Msg::Planned(Err("ec2:DescribeSecurityGroups: access denied".into())),
        );
        assert!(s.confirm().is_none());
        assert!(s.flash.unwrap().error);
    }
}

mod incident_view {
    use super::*;
    use crate::action::runbook::StepStatus;

    #[test]
    fn marking_a_step_starts_and_saves_the_runbook() {
        let mut s = demo_state(120, 40, 1);
        press(&mut s, [key('I')]);
        assert_eq!(s.overlay(), Overlay::Incident { selected: 0 });
        let effects = press(&mut s, [key('j'), key(' ')]);
        let [Effect::SaveRunbook(rb)] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert_eq!(rb.incident, "INC-2041");
        assert_eq!(rb.steps[1].status, StepStatus::Done);
        assert_eq!(rb.steps[1].at, Some(s.now));
        let effects = press(&mut s, [key('s')]);
        let [Effect::SaveRunbook(rb)] = &effects[..] else {
            panic!()
        };
        assert_eq!(rb.steps[1].status, StepStatus::Skipped);
    }

    #[test]
    fn enter_goes_to_the_pane_of_the_step() {
        let mut s = demo_state(120, 40, 1);
        // Step 3 is "Investigate GuardDuty findings".
        press(&mut s, [key('I'), key('j'), key('j'), code(KeyCode::Enter)]);
        assert_eq!(s.overlay(), Overlay::None);
        assert_eq!(s.focus, PaneId::Findings);
        // A manual step ("Restore from backups", the seventh) says so and stays.
        press(&mut s, [key('I')]);
        press(&mut s, std::iter::repeat_n(key('j'), 6));
        press(&mut s, [code(KeyCode::Enter)]);
        assert!(matches!(s.overlay(), Overlay::Incident { .. }));
        assert!(s.flash.as_ref().unwrap().text.contains("manual"));
        press(&mut s, [code(KeyCode::Esc)]);
        assert_eq!(s.overlay(), Overlay::None);
    }

    #[test]
    fn the_journal_shows_only_this_incidents_actions() {
        let mut s = demo_state(120, 40, 1);
        let entry = |incident: &str| crate::action::journal::Entry {
            entry: "e".into(),
            time: t0(),
            incident: incident.into(),
            action: crate::action::plan::ActionKind::named("isolate"),
            region: "r".into(),
            target: "sg-1".into(),
            status: crate::action::journal::EntryStatus::Done,
            steps_done: 1,
            steps: 1,
            verified: Some(true),
            outcome: None,
            undone_by: None,
            trusted: true,
            plan: None,
            actor: Default::default(),
        };
        update(
            &mut s,
            Msg::Journal(crate::action::journal::Journalled {
                entries: vec![entry("INC-2041"), entry("INC-1")],
                damage: vec![],
            }),
        );
        assert_eq!(s.incident.entries.len(), 1);
    }
}

#[test]
fn narrowing_a_filter_gives_what_a_fresh_filter_gives() {
    for text in [
        "s",
        "ss",
        "ssh",
        "ssh 0",
        "ssh 0.0",
        "crit",
        "critical ipv6",
        "SG-0B1",
    ] {
        let mut typed = demo_state(200, 60, 2);
        press(&mut typed, [key('2'), key('/')]);
        press(&mut typed, text.chars().map(key));
        let fresh = rows::visible_rows(&typed, PaneId::SecurityGroups, text);
        assert_eq!(typed.view(PaneId::SecurityGroups).rows, fresh, "{text}");
    }
}

/// The habits of k9s, lazygit and htop: sort, `:`, search, copy, mouse, jumps, the window.
mod habits {
    use super::*;
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

    fn ctrl(c: char) -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    fn type_text(s: &mut AppState, text: &str) -> Vec<Effect> {
        press(s, text.chars().map(key))
    }

    fn names(s: &AppState) -> Vec<String> {
        let eps = s.endpoints().unwrap();
        s.view(PaneId::Endpoints)
            .rows
            .iter()
            .map(|r| eps[r.item as usize].name.clone())
            .collect()
    }

    #[test]
    fn s_sorts_by_each_field_in_turn_and_keeps_the_cursor_on_its_item() {
        let mut s = demo_state(200, 60, 1);
        let before = names(&s);
        press(&mut s, [key('j'), key('j')]);
        let on = before[2].clone();
        press(&mut s, [key('s')]);
        let by_name = names(&s);
        let mut sorted = before.clone();
        sorted.sort_by_key(|n| n.to_lowercase());
        assert_eq!(by_name, sorted, "first field: the name");
        assert_eq!(by_name[s.view(PaneId::Endpoints).selected], on);
        press(&mut s, [key('s')]);
        // Invocations, the busiest first.
        let eps = s.endpoints().unwrap().to_vec();
        let inv: Vec<f64> = s
            .view(PaneId::Endpoints)
            .rows
            .iter()
            .map(|r| eps[r.item as usize].metrics.invocations)
            .collect();
        assert!(inv.windows(2).all(|w| w[0] >= w[1]), "{inv:?}");
        press(&mut s, [key('S')]);
        let inv_rev: Vec<f64> = s
            .view(PaneId::Endpoints)
            .rows
            .iter()
            .map(|r| eps[r.item as usize].metrics.invocations)
            .collect();
        assert!(inv_rev.windows(2).all(|w| w[0] <= w[1]), "{inv_rev:?}");
        // Past the last field: the data's own order again.
        for _ in 0..7 {
            press(&mut s, [key('s')]);
        }
        assert_eq!(s.view(PaneId::Endpoints).sort, None);
        assert_eq!(names(&s), before);
    }

    #[test]
    fn a_sort_holds_across_refreshes_and_filters() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key(':')]);
        type_text(&mut s, "sort 5xx");
        press(&mut s, [code(KeyCode::Enter)]);
        let sorted = names(&s);
        update(
            &mut s,
            Msg::Fetched {
                pane: PaneId::Endpoints,
                at: t0(),
                result: Ok(crate::source::Fetched::complete(demo_pane(
                    PaneId::Endpoints,
                    1,
                ))),
            },
        );
        assert_eq!(names(&s), sorted);
        assert!(s.flash.as_ref().unwrap().text.contains("sorted by 5xx"));
    }

    #[test]
    fn the_command_line_focuses_sets_the_window_and_switches_incidents() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key(':')]);
        type_text(&mut s, "sg");
        press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(s.focus, PaneId::SecurityGroups);
        assert!(s.command().is_none());

        press(&mut s, [key(':')]);
        type_text(&mut s, "win");
        press(&mut s, [code(KeyCode::Tab)]);
        assert_eq!(s.command().unwrap().line.text(), "window ");
        type_text(&mut s, "6h");
        let fx = press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(fx, vec![Effect::SetWindow(chrono::Duration::hours(6))]);
        assert_eq!(s.context.window, chrono::Duration::hours(6));

        press(&mut s, [key(':')]);
        type_text(&mut s, "incident INC-2041");
        let fx = press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(fx, vec![Effect::LoadRunbook("INC-2041".into())]);
        assert_eq!(s.incident.id, "INC-2041");
    }

    #[test]
    fn a_wrong_command_stays_open_and_says_why() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key(':')]);
        type_text(&mut s, "window soon");
        let fx = press(&mut s, [code(KeyCode::Enter)]);
        assert!(fx.is_empty());
        let cmd = s.command().expect("still open");
        assert!(
            cmd.line.error().unwrap().contains("not a length"),
            "{cmd:?}"
        );
        press(&mut s, [code(KeyCode::Esc)]);
        assert!(s.command().is_none());
        // `q` typed in the command line is text.
        press(&mut s, [key(':'), key('q')]);
        assert!(!s.quit);
    }

    /// #32: `:` over a refused line starts a new, empty one (it was typed after the old text).
    #[test]
    fn colon_after_a_refused_command_starts_an_empty_line() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key(':')]);
        type_text(&mut s, "window soon");
        press(&mut s, [code(KeyCode::Enter)]);
        assert!(s.command().unwrap().line.error().is_some());
        press(&mut s, [key(':')]);
        let cmd = s.command().expect("still open");
        assert_eq!(cmd.line.text(), "", "{cmd:?}");
        assert_eq!(cmd.line.error(), None, "{cmd:?}");
        type_text(&mut s, "sg");
        press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(s.focus, PaneId::SecurityGroups);
        // Without an error, `:` is text like any other.
        press(&mut s, [key(':')]);
        type_text(&mut s, "a:b");
        assert_eq!(s.command().unwrap().line.text(), "a:b");
    }

    #[test]
    fn region_narrows_every_pane_to_one_region_and_all_returns() {
        let mut s = demo_state(200, 60, 1);
        // The demo's account has one region: it says so and changes nothing.
        press(&mut s, [key(':')]);
        type_text(&mut s, "region us-west-2");
        let fx = press(&mut s, [code(KeyCode::Enter)]);
        assert!(
            fx.is_empty() && s.flash.as_ref().unwrap().refusal,
            "{:?}",
            s.flash
        );
        assert!(s.endpoints().is_some());
        s.context.source = crate::source::SourceKind::Aws;
        s.watched_regions = vec!["ap-southeast-1".into(), "us-west-2".into()];
        s.context.regions = s.watched_regions.clone();
        press(&mut s, [key(':')]);
        type_text(&mut s, "region us-west-2");
        let fx = press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(fx[0], Effect::SetRegions(vec!["us-west-2".into()]));
        assert!(fx.contains(&Effect::Refresh(PaneId::Findings)));
        assert_eq!(s.context.regions, ["us-west-2"]);
        // Another region's data is not shown as this one's.
        assert!(s.endpoints().is_none());
        press(&mut s, [key(':')]);
        type_text(&mut s, "region all");
        let fx = press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(fx[0], Effect::SetRegions(s.watched_regions.clone()));
        // A region not watched is refused, naming those that are: no fetch would read it.
        press(&mut s, [key(':')]);
        type_text(&mut s, "region eu-west-1");
        let fx = press(&mut s, [code(KeyCode::Enter)]);
        assert!(fx.is_empty(), "{fx:?}");
        let said = &s.flash.as_ref().unwrap().text;
        assert!(
            said.contains("eu-west-1 is not watched") && said.contains("ap-southeast-1, us-west-2"),
            "{said}"
        );
        assert_eq!(s.context.regions, s.watched_regions);
    }

    #[test]
    fn w_cycles_the_window() {
        let mut s = demo_state(200, 60, 1);
        assert_eq!(s.context.window, chrono::Duration::hours(1));
        let fx = press(&mut s, [key('w')]);
        assert_eq!(fx, vec![Effect::SetWindow(chrono::Duration::hours(6))]);
        press(&mut s, [key('w'), key('w')]);
        assert_eq!(s.context.window, chrono::Duration::minutes(15));
    }

    #[test]
    fn the_filter_edits_like_a_shell_line_and_arrows_move_the_selection() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key('2'), key('/')]);
        type_text(&mut s, "tcp ssh");
        press(&mut s, [ctrl('w')]);
        assert_eq!(s.view(PaneId::SecurityGroups).filter, "tcp ");
        press(&mut s, [code(KeyCode::Left), code(KeyCode::Left)]);
        type_text(&mut s, "x");
        assert_eq!(s.view(PaneId::SecurityGroups).filter, "tcxp ");
        press(&mut s, [ctrl('u')]);
        assert_eq!(s.view(PaneId::SecurityGroups).filter, "p ");
        press(&mut s, [ctrl('e'), ctrl('u')]);
        type_text(&mut s, "ssh");
        let rows = s.view(PaneId::SecurityGroups).rows.len();
        assert_eq!(rows, 3);
        press(&mut s, [code(KeyCode::Down)]);
        assert_eq!(s.view(PaneId::SecurityGroups).selected, 1);
        assert!(s.editing_filter(), "the arrows do not end the typing");
        // A paste is one line, capped.
        update(&mut s, Msg::Paste(format!("\n{}", "a".repeat(200))));
        assert_eq!(s.view(PaneId::SecurityGroups).filter.chars().count(), 64);
    }

    #[test]
    fn n_and_big_n_step_through_the_matches_round_the_end() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key('n')]);
        assert!(
            s.flash.as_ref().unwrap().refusal,
            "no filter, nothing to step"
        );
        press(&mut s, [key('2'), key('/')]);
        type_text(&mut s, "ssh");
        press(&mut s, [code(KeyCode::Enter)]);
        press(&mut s, [key('n'), key('n')]);
        assert_eq!(s.view(PaneId::SecurityGroups).selected, 2);
        assert_eq!(s.flash.as_ref().unwrap().text, "match 3 of 3");
        press(&mut s, [key('n')]);
        assert_eq!(s.view(PaneId::SecurityGroups).selected, 0);
        press(&mut s, [key('N')]);
        assert_eq!(s.view(PaneId::SecurityGroups).selected, 2);
    }

    #[test]
    fn y_copies_the_arn_and_o_the_console_link() {
        let mut s = demo_state(200, 60, 1);
        let name = names(&s)[0].clone();
        let fx = press(&mut s, [key('y')]);
        let Effect::Copy(arn) = &fx[0] else {
            panic!("{fx:?}")
        };
        assert_eq!(
            arn,
            &format!(
                "arn:aws:sagemaker:ap-southeast-1:{}:endpoint/{}",
                crate::source::demo::ACCOUNT,
                name.to_lowercase()
            )
        );
        press(&mut s, [key('2')]);
        let fx = press(&mut s, [key('o')]);
        let Effect::Copy(url) = &fx[0] else {
            panic!("{fx:?}")
        };
        assert!(
            url.starts_with("https://ap-southeast-1.console.aws.amazon.com/ec2/home?region=ap-southeast-1#SecurityGroup:groupId=sg-"),
            "{url}"
        );
        assert!(s.flash.as_ref().unwrap().text.contains(url.as_str()));
    }

    #[test]
    fn a_finding_jumps_to_the_groups_of_its_instance_and_esc_shows_all() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key('3')]);
        let findings = s.findings().unwrap().findings.clone();
        let at = s
            .view(PaneId::Findings)
            .rows
            .iter()
            .position(|r| findings[r.item as usize].resource == "i-0f1e2d3c4b5a69781")
            .expect("the demo has a finding on i-0f1e…");
        s.views[PaneId::Findings.index()].selected = at;
        press(&mut s, [key('J')]);
        assert_eq!(s.focus, PaneId::SecurityGroups);
        let groups = &s.security_groups().unwrap().groups;
        let shown: std::collections::BTreeSet<&str> = s
            .view(PaneId::SecurityGroups)
            .rows
            .iter()
            .map(|r| groups[r.item as usize].id.as_str())
            .collect();
        assert!(!shown.is_empty());
        for id in &shown {
            let g = groups.iter().find(|g| g.id == *id).unwrap();
            assert!(
                g.attachments
                    .iter()
                    .any(|a| a.target.as_deref() == Some("i-0f1e2d3c4b5a69781")),
                "{id} is attached to the instance"
            );
        }
        let all = s.view(PaneId::SecurityGroups).totals.rows;
        press(&mut s, [code(KeyCode::Esc)]);
        assert_eq!(s.view(PaneId::SecurityGroups).rows.len(), all);
    }

    #[test]
    fn an_endpoint_jumps_to_its_groups_and_a_finding_on_a_role_says_why_not() {
        let mut s = demo_state(200, 60, 1);
        let i = names(&s)
            .iter()
            .position(|n| n == "studyai-dev-llama3-8b")
            .unwrap();
        s.views[PaneId::Endpoints.index()].selected = i;
        press(&mut s, [key('J')]);
        assert_eq!(s.focus, PaneId::SecurityGroups);
        assert!(!s.view(PaneId::SecurityGroups).rows.is_empty());
        press(&mut s, [key('3')]);
        let findings = s.findings().unwrap().findings.clone();
        let at = s
            .view(PaneId::Findings)
            .rows
            .iter()
            .position(|r| findings[r.item as usize].resource == "studyai-dev-sagemaker-role")
            .unwrap();
        s.views[PaneId::Findings.index()].selected = at;
        press(&mut s, [key('J')]);
        assert_eq!(s.focus, PaneId::Findings);
        assert!(
            s.flash.as_ref().unwrap().text.contains("no security group"),
            "{:?}",
            s.flash
        );
    }

    #[test]
    fn a_click_selects_the_pane_and_row_and_the_wheel_scrolls() {
        let mut s = demo_state(200, 60, 1);
        let (_, area) = s
            .layout()
            .into_iter()
            .find(|(p, _)| *p == PaneId::SecurityGroups)
            .unwrap();
        let click = |row: u16| {
            Msg::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: area.x + 5,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        press(&mut s, [click(area.y + 2 + 3)]);
        assert_eq!(s.focus, PaneId::SecurityGroups);
        assert_eq!(s.view(PaneId::SecurityGroups).selected, 3);
        press(&mut s, [key('1')]);
        press(
            &mut s,
            [Msg::Mouse(MouseEvent {
                kind: MouseEventKind::ScrollDown,
                column: area.x + 5,
                row: area.y + 4,
                modifiers: KeyModifiers::NONE,
            })],
        );
        assert_eq!(s.focus, PaneId::Endpoints, "the wheel does not move focus");
        assert_eq!(s.view(PaneId::SecurityGroups).selected, 6);
    }
}

#[test]
fn first_rows_show_only_while_nothing_is_shown_and_the_whole_fetch_replaces_them() {
    let mut s = empty_state(200, 60);
    let all = demo_pane(PaneId::Findings, 1);
    let mut first = all.clone();
    if let crate::panes::PaneData::Findings(d) = &mut first {
        d.findings.truncate(2);
    }
    update(
        &mut s,
        Msg::FetchStarted {
            pane: PaneId::Findings,
        },
    );
    update(
        &mut s,
        Msg::FirstRows {
            pane: PaneId::Findings,
            at: t0(),
            data: first.clone(),
        },
    );
    assert_eq!(s.view(PaneId::Findings).rows.len(), 2);
    assert!(s.is_loading(PaneId::Findings), "still loading the rest");
    update(
        &mut s,
        Msg::Fetched {
            pane: PaneId::Findings,
            at: t0(),
            result: Ok(crate::source::Fetched::complete(all.clone())),
        },
    );
    let whole = s.view(PaneId::Findings).rows.len();
    assert!(whole > 2);
    // A refresh keeps the complete data rather than show a part of the new.
    update(
        &mut s,
        Msg::FetchStarted {
            pane: PaneId::Findings,
        },
    );
    update(
        &mut s,
        Msg::FirstRows {
            pane: PaneId::Findings,
            at: t0(),
            data: first,
        },
    );
    assert_eq!(s.view(PaneId::Findings).rows.len(), whole);
}

mod investigation {
    use super::*;
    use crate::action::Request;
    use crate::app::timeline::TrailLoad;
    use crate::source::SourceKind;
    use crate::trail::Subject;

    /// The findings pane, narrowed to the finding about the CI user's leaked key.
    fn on_leaked_key_finding() -> AppState {
        let mut s = demo_state(200, 60, 1);
        s.context.source = SourceKind::Aws;
        press(&mut s, [key('3'), key('/')]);
        press(&mut s, "KaliLinux".chars().map(key));
        press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(s.view(PaneId::Findings).rows.len(), 1);
        s
    }

    fn trail_answer(s: &mut AppState, subjects: Vec<Subject>) {
        let seq = s.timeline().unwrap().seq;
        let now = s.now;
        let timeline = crate::trail::Timeline::new(
            subjects,
            now - chrono::Duration::days(1),
            vec!["ap-southeast-1".into()],
            vec![
                crate::trail::event(
                    "1",
                    now,
                    "CreateAccessKey",
                    "iam.amazonaws.com",
                    "devops-ci",
                    "AKIA4EXAMPLEDEVOPS01",
                    Some("false"),
                    vec![],
                    Some(r#"{"sourceIPAddress":"198.51.100.23"}"#),
                    "ap-southeast-1",
                ),
                crate::trail::event(
                    "2",
                    now - chrono::Duration::hours(1),
                    "ListBuckets",
                    "s3.amazonaws.com",
                    "devops-ci",
                    "AKIA4EXAMPLEDEVOPS01",
                    Some("true"),
                    vec![],
                    Some(r#"{"sourceIPAddress":"10.0.12.34"}"#),
                    "ap-southeast-1",
                ),
            ],
            vec![],
            vec![],
        );
        update(
            s,
            Msg::Trail {
                seq,
                result: Ok((timeline, Default::default())),
            },
        );
    }

    #[test]
    fn a_findings_subjects_open_and_contain_from_one_place() {
        let mut s = on_leaked_key_finding();
        press(&mut s, [key('e')]);
        assert_eq!(s.overlay(), Overlay::Subjects);
        let items = &s.subjects().unwrap().items;
        assert_eq!(items[0].id, "AKIA4EXAMPLEDEVOPS01");
        assert_eq!(items[1].id, "devops-ci");
        // c on the key disables it; on the user denies it.
        let effects = press(&mut s, [key('c')]);
        assert!(
            matches!(&effects[..], [Effect::Plan { request, .. }] if *request == Request::of("disable-key", "AKIA4EXAMPLEDEVOPS01").unwrap()),
            "{effects:?}"
        );
        s.busy = None;
        let effects = press(&mut s, [key('j'), key('c')]);
        assert!(
            matches!(&effects[..], [Effect::Plan { request, .. }] if *request == Request::of("deny-user", "devops-ci").unwrap()),
            "{effects:?}"
        );
        // Esc closes; the finding's details list the same subjects.
        press(&mut s, [code(KeyCode::Esc), code(KeyCode::Enter)]);
        let lines = detail::lines(&s);
        assert!(
            lines
                .iter()
                .any(|(l, v)| l == "IAM user" && v == "devops-ci"),
            "{lines:?}"
        );
    }

    /// #32: `e` on an instance finding lists the instance, its interfaces and their groups, as
    /// README says.
    #[test]
    fn an_instance_findings_subjects_are_its_interfaces_and_groups_too() {
        use crate::model::SubjectKind;
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key('3'), key('/')]);
        press(&mut s, "i-0f1e2d3c4b5a69781".chars().map(key));
        press(&mut s, [code(KeyCode::Enter), key('e')]);
        let items: Vec<(SubjectKind, String)> = s
            .subjects()
            .unwrap_or_else(|| panic!("no subjects: {:?}", s.flash))
            .items
            .iter()
            .map(|i| (i.kind, i.id.to_string()))
            .collect();
        assert_eq!(
            items,
            [
                (SubjectKind::Instance, "i-0f1e2d3c4b5a69781".to_string()),
                (
                    SubjectKind::NetworkInterface,
                    "eni-0e6c1d2e3f4a5b621".to_string()
                ),
                (
                    SubjectKind::SecurityGroup,
                    "sg-0b1d2f3a4c5e6a703".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_session_key_points_to_its_roles_sessions() {
        let mut s = demo_state(200, 60, 1);
        s.context.source = SourceKind::Aws;
        press(&mut s, [key('3'), key('/')]);
        press(&mut s, "OutsideAWS".chars().map(key));
        press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(s.view(PaneId::Findings).rows.len(), 1);
        press(&mut s, [key('e'), key('c')]);
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("revoke the role's sessions"),
            "{:?}",
            s.flash
        );
        let effects = press(&mut s, [key('j'), key('c')]);
        assert!(
            matches!(&effects[..], [Effect::Plan { request, .. }] if *request == Request::of("revoke-sessions", "studyai-dev-ec2-role").unwrap()),
            "{effects:?}"
        );
    }

    #[test]
    fn t_reads_the_timeline_of_what_the_finding_names() {
        let mut s = on_leaked_key_finding();
        let effects = press(&mut s, [key('t')]);
        let [
            Effect::Trail {
                subjects, since, ..
            },
        ] = &effects[..]
        else {
            panic!("{effects:?}")
        };
        assert_eq!(
            subjects,
            &[
                Subject::AccessKey("AKIA4EXAMPLEDEVOPS01".into()),
                Subject::User("devops-ci".into())
            ]
        );
        let f = s.findings().unwrap().findings[s.selected_row().unwrap().item as usize].clone();
        assert!(
            *since <= f.first_seen - chrono::Duration::hours(1),
            "from before the first sighting"
        );
        assert_eq!(s.overlay(), Overlay::Timeline);
        assert_eq!(s.timeline().unwrap().load, TrailLoad::Loading);
        let subjects = subjects.clone();
        trail_answer(&mut s, subjects);
        let view = s.timeline().unwrap();
        assert_eq!(view.rows().len(), 2);
        // The filter narrows like a pane's; Enter shows the event whole; esc goes back.
        press(&mut s, [key('/')]);
        press(&mut s, "persistence".chars().map(key));
        press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(s.timeline().unwrap().rows().len(), 1);
        press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(s.timeline().unwrap().open, Some(0));
        press(&mut s, [code(KeyCode::Esc), code(KeyCode::Esc)]);
        assert!(s.timeline().unwrap().filter.is_empty());
        press(&mut s, [code(KeyCode::Esc)]);
        assert_eq!(s.overlay(), Overlay::None);
        assert!(s.timeline().is_none());
    }

    #[test]
    fn a_late_answer_for_an_older_timeline_is_dropped() {
        let mut s = on_leaked_key_finding();
        press(&mut s, [key('t')]);
        let old = s.timeline().unwrap().seq;
        press(&mut s, [key('r')]);
        update(
            &mut s,
            Msg::Trail {
                seq: old,
                result: Err("late".into()),
            },
        );
        assert_eq!(s.timeline().unwrap().load, TrailLoad::Loading);
    }

    #[test]
    fn t_on_a_group_reads_the_events_naming_it() {
        let mut s = demo_state(200, 60, 1);
        let effects = press(&mut s, [key('2'), key('t')]);
        assert!(
            matches!(&effects[..], [Effect::Trail { subjects, .. }] if matches!(&subjects[..], [Subject::Resource(id)] if id.starts_with("sg-"))),
            "{effects:?}"
        );
        let effects = press(&mut s, [code(KeyCode::Esc), key('4'), key('t')]);
        assert!(effects.is_empty());
    }

    #[test]
    fn the_runbooks_credential_step_offers_the_high_findings_credentials() {
        let mut s = demo_state(200, 60, 1);
        s.context.source = SourceKind::Aws;
        press(&mut s, [key('I')]);
        let rb = crate::app::incident::steps(&s);
        let at = rb
            .steps
            .iter()
            .position(|st| st.id == "credentials")
            .unwrap();
        s.layers = vec![Layer::Incident { selected: at }];
        press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(s.overlay(), Overlay::Subjects);
        let ids: Vec<&str> = s
            .subjects()
            .unwrap()
            .items
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        assert!(ids.contains(&"studyai-dev-ec2-role"), "{ids:?}");
        // With nothing acted on yet, the incident's own timeline says what to do first.
        let at = rb
            .steps
            .iter()
            .position(|st| st.id == "cloudtrail")
            .unwrap();
        s.layers = vec![Layer::Incident { selected: at }];
        assert!(press(&mut s, [code(KeyCode::Enter)]).is_empty());
        assert!(s.flash.as_ref().unwrap().text.contains("names nothing yet"));
    }
}

/// `y` on an endpoint of another account copies that account's ARN, not the caller's.
#[test]
fn a_copied_arn_names_the_rows_own_account() {
    let mut s = crate::fixtures::two_accounts_state(200, 60);
    let rows = s.view(PaneId::Endpoints).rows.clone();
    let endpoints = s.endpoints().unwrap().to_vec();
    let prod = rows
        .iter()
        .position(|r| endpoints[r.item as usize].account.as_ref().unwrap().name == "prod")
        .unwrap();
    s.view_mut(PaneId::Endpoints).selected = prod;
    let effects = press(&mut s, [key('y')]);
    let [Effect::Copy(arn)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(
        arn.starts_with("arn:aws:sagemaker:") && arn.contains(":333333333333:endpoint/"),
        "{arn}"
    );
}

/// The screen as a stack: what is opened over something comes off it again, and leaves what is
/// under it as it was.
mod layers {
    use super::*;
    use crate::app::timeline::TrailLoad;
    use crate::source::SourceKind;

    fn ctrl(c: char) -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    fn isolate_plan(group: &str) -> crate::action::plan::Plan {
        crate::action::kinds::isolate::plan(group, None, &[], "ap-southeast-1")
    }

    fn a_timeline() -> crate::trail::Timeline {
        crate::trail::Timeline::new(
            vec![],
            t0(),
            vec!["ap-southeast-1".into()],
            vec![],
            vec![],
            vec![],
        )
    }

    /// Closing a timeline and opening another must not let the first one's late answer show
    /// in the second: each read has its own number for the whole session.
    #[test]
    fn a_late_answer_for_a_closed_timeline_is_not_shown_in_the_next() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key('2'), key('t')]);
        let first = s.timeline().expect("the group's timeline").seq;
        press(&mut s, [code(KeyCode::Esc), key('j'), key('t')]);
        let second = s.timeline().expect("the next group's timeline").seq;
        assert_ne!(first, second, "each read has its own number");
        update(
            &mut s,
            Msg::Trail {
                seq: first,
                result: Ok((a_timeline(), Default::default())),
            },
        );
        assert_eq!(
            s.timeline().unwrap().load,
            TrailLoad::Loading,
            "the first timeline's answer is not the second's"
        );
    }

    #[test]
    fn esc_in_the_credentials_opened_from_the_incident_view_goes_back_to_it() {
        let mut s = demo_state(200, 60, 1);
        s.context.source = SourceKind::Aws;
        press(&mut s, [key('I')]);
        let at = crate::app::incident::steps(&s)
            .steps
            .iter()
            .position(|st| st.id == "credentials")
            .unwrap();
        press(&mut s, std::iter::repeat_n(key('j'), at));
        press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(s.overlay(), Overlay::Subjects);
        press(&mut s, [code(KeyCode::Esc)]);
        assert_eq!(
            s.overlay(),
            Overlay::Incident { selected: at },
            "the incident view, on the step it was on"
        );
        press(&mut s, [code(KeyCode::Esc)]);
        assert_eq!(s.overlay(), Overlay::None);
    }

    #[test]
    fn a_plan_ready_while_the_help_is_open_is_confirmed_over_it() {
        let mut s = demo_state(200, 60, 1);
        s.context.source = SourceKind::Aws;
        press(&mut s, [key('?')]);
        let archive = crate::action::kinds::archive::plan("d", "f", false, "r", true);
        update(&mut s, Msg::Planned(Ok(archive)));
        assert!(s.confirm().is_some());
        assert!(
            matches!(s.top(), Some(Layer::Confirm(_))),
            "keys go to the question first"
        );
        let effects = press(&mut s, [key('y')]);
        assert!(matches!(effects[..], [Effect::Execute(_)]), "{effects:?}");
        assert_eq!(s.overlay(), Overlay::Help, "the help is back as it was");
    }

    /// The typed confirmation is the one text field: ctrl-w, ←/→, a paste, its error line.
    #[test]
    fn the_typed_confirmation_edits_like_every_other_field() {
        let mut s = demo_state(200, 60, 1);
        s.context.source = SourceKind::Aws;
        let plan = isolate_plan("sg-0123456789abcdef0");
        let mut confirm = crate::app::actions::Confirm::new(plan);
        confirm.typed = true;
        s.layers.push(Layer::Confirm(Box::new(confirm)));
        update(&mut s, Msg::Paste("sg-0123456789abcdef1".into()));
        assert!(press(&mut s, [code(KeyCode::Enter)]).is_empty());
        let error = s.confirm().unwrap().input.error().map(str::to_string);
        assert!(
            error.as_deref().unwrap_or("").contains("not the id"),
            "{error:?}"
        );
        press(&mut s, [code(KeyCode::Backspace), key('0')]);
        assert_eq!(s.confirm().unwrap().input.error(), None, "typing clears it");
        press(&mut s, [ctrl('w')]);
        assert!(s.confirm().unwrap().input.is_empty());
        update(&mut s, Msg::Paste("sg-0123456789abcdef0".into()));
        let effects = press(&mut s, [code(KeyCode::Enter)]);
        assert!(matches!(effects[..], [Effect::Execute(_)]), "{effects:?}");
        assert!(s.layers.is_empty());
    }

    /// The incident prompt is the one text field too: the cursor moves, ctrl-u clears before it.
    #[test]
    fn the_incident_prompt_moves_its_cursor_and_says_why_an_id_is_refused() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key('I'), key('N')]);
        press(&mut s, "INC 7".chars().map(key));
        press(&mut s, [code(KeyCode::Enter)]);
        let prompt = s.prompt().expect("still open");
        assert!(prompt.input.error().unwrap().contains("incident id"));
        press(
            &mut s,
            [code(KeyCode::Left), code(KeyCode::Backspace), key('-')],
        );
        assert_eq!(s.prompt().unwrap().input.text(), "INC-7");
        let effects = press(&mut s, [code(KeyCode::Enter)]);
        assert_eq!(effects, vec![Effect::LoadRunbook("INC-7".into())]);
        assert_eq!(s.overlay(), Overlay::Incident { selected: 0 });
        assert_eq!(s.layers.len(), 1, "one incident view, of the new incident");
    }

    #[test]
    fn a_click_ends_the_typing_of_a_filter() {
        let mut s = demo_state(200, 60, 1);
        press(&mut s, [key('2'), key('/'), key('s')]);
        assert!(s.editing_filter());
        let click = crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: 5,
            row: 5,
            modifiers: KeyModifiers::NONE,
        };
        update(&mut s, Msg::Mouse(click));
        assert!(!s.editing_filter());
        assert_eq!(s.focus, PaneId::Endpoints);
        press(&mut s, [key('q')]);
        assert!(s.quit, "keys are commands again");
    }
}

/// #31: an account whose checklist Security Hub judged has items left to be read on demand:
/// Enter on such an item, or on its column in the matrix, opens the account.
#[test]
fn an_item_read_on_demand_opens_its_account() {
    use crate::checklist::security_hub::READ_ON_DEMAND;
    use crate::model::CheckStatus;
    let mut s = crate::fixtures::accounts_state(
        200,
        60,
        1,
        &[("111111111111", "dev"), ("222222222222", "staging")],
    );
    let mut items = s
        .pane_data(PaneId::Checklist)
        .and_then(|d| d.checklist())
        .unwrap()
        .to_vec();
    for i in items.iter_mut().filter(|i| {
        i.account.as_deref().is_some_and(|a| a.name == "dev") && i.status != CheckStatus::Manual
    }) {
        i.status = CheckStatus::Unknown;
        i.evidence = vec![READ_ON_DEMAND.to_string()];
    }
    update(
        &mut s,
        Msg::Fetched {
            pane: PaneId::Checklist,
            at: t0(),
            result: Ok(Fetched::complete(PaneData::Checklist(items))),
        },
    );
    // The matrix: dev's column is the first; Enter opens it and keeps the matrix.
    let fx = press(&mut s, [key('4'), key('m'), code(KeyCode::Enter)]);
    assert_eq!(fx, vec![Effect::OpenAccount("dev".into())]);
    assert!(matches!(s.top(), Some(Layer::Matrix { .. })));
    assert!(
        s.flash.as_ref().unwrap().text.contains("account dev"),
        "{:?}",
        s.flash
    );
    // staging, chosen with l, waits for nothing: Enter closes the matrix, as before.
    let fx = press(&mut s, [key('l'), code(KeyCode::Enter)]);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(s.top().is_none());
    // The pane: Enter on a dev item read on demand shows its details and opens dev.
    let row = s
        .view(PaneId::Checklist)
        .rows
        .iter()
        .position(|r| {
            let items = s.pane_data(PaneId::Checklist).unwrap().checklist().unwrap();
            items[r.item as usize].evidence[0] == READ_ON_DEMAND
        })
        .unwrap();
    s.view_mut(PaneId::Checklist).selected = row;
    let fx = press(&mut s, [code(KeyCode::Enter)]);
    assert_eq!(fx, vec![Effect::OpenAccount("dev".into())]);
    assert!(matches!(s.top(), Some(Layer::Detail { .. })));
}
