use super::*;
use crate::app::{Msg, update};
use crate::fixtures::{demo_state, t0};
use crate::model::{PaneId, Risk};

fn snapshot_of(fail_on: Option<Risk>) -> Snapshot<'static> {
    // The snapshot borrows the state it reports; a test's state lives as long as the test.
    Snapshot::from_state(
        Box::leak(Box::new(demo_state(200, 60, 1))),
        t0() + chrono::Duration::seconds(30),
        fail_on,
    )
}

fn render(s: &Snapshot, format: Format, color: bool) -> String {
    let mut out = Vec::new();
    let options = TextOptions {
        color,
        ..TextOptions::default()
    };
    write(s, format, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn json_report_matches_snapshot() {
    insta::assert_snapshot!(
        "report_json",
        render(&snapshot_of(Some(Risk::High)), Format::Json, false)
    );
}

#[test]
fn text_report_matches_snapshot() {
    insta::assert_snapshot!(
        "report_text",
        render(&snapshot_of(Some(Risk::High)), Format::Text, false)
    );
}

#[test]
fn markdown_report_matches_snapshot() {
    insta::assert_snapshot!(
        "report_markdown",
        render(&snapshot_of(Some(Risk::High)), Format::Markdown, false)
    );
}

#[test]
fn json_carries_the_contract_fields() {
    let v: serde_json::Value =
        serde_json::from_str(&render(&snapshot_of(Some(Risk::High)), Format::Json, false)).unwrap();
    for key in [
        "schema_version",
        "generated_at",
        "source",
        "account",
        "regions",
        "endpoints",
        "security_groups",
        "findings",
        "checklist",
        "errors",
        "api_calls",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let e = &v["endpoints"][0];
    for key in [
        "name",
        "region",
        "status",
        "invocations",
        "errors_4xx",
        "errors_5xx",
        "latency_ms_avg",
        "latency_ms_p99",
        "alerts",
    ] {
        assert!(e.get(key).is_some(), "endpoint misses {key}");
    }
    let g = &v["security_groups"][0];
    for key in ["id", "name", "vpc_id", "rules", "attachments"] {
        assert!(g.get(key).is_some(), "group misses {key}");
    }
    let r = &g["rules"][0];
    for key in [
        "direction",
        "protocol",
        "from_port",
        "to_port",
        "peer",
        "description",
        "risk",
        "risk_reason",
    ] {
        assert!(r.get(key).is_some(), "rule misses {key}");
    }
    let f = &v["findings"][0];
    for key in [
        "id",
        "type",
        "severity",
        "severity_label",
        "title",
        "resource",
        "count",
        "first_seen",
        "last_seen",
        "archived",
    ] {
        assert!(f.get(key).is_some(), "finding misses {key}");
    }
    let c = &v["checklist"][0];
    for key in ["id", "category", "title", "status", "evidence"] {
        assert!(c.get(key).is_some(), "checklist item misses {key}");
    }
    assert_eq!(v["source"], "demo");
    assert_eq!(v["schema_version"], 2);
}

#[test]
fn no_report_carries_control_characters() {
    let s = snapshot_of(Some(Risk::High));
    for format in [Format::Json, Format::Text, Format::Markdown] {
        let out = render(&s, format, false);
        let bad: Vec<char> = out
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(bad.is_empty(), "{format:?} carries {bad:?}");
        assert!(
            !out.contains('\u{202E}'),
            "{format:?} carries a bidi override"
        );
        // The hostile title is there, cleaned, not dropped.
        assert!(
            out.contains("198.51.100.23 is performing SSH brute force attacks"),
            "{format:?}"
        );
    }
    let json = render(&s, Format::Json, false);
    assert!(
        json.contains("\"Note\": \"YOU HAVE BEEN PWNED\""),
        "tags are cleaned, not dropped"
    );
}

#[test]
fn colour_is_used_only_when_asked() {
    let s = snapshot_of(Some(Risk::High));
    assert!(!render(&s, Format::Text, false).contains('\u{1b}'));
    assert!(render(&s, Format::Text, true).contains("\u{1b}[1;31m"));
}

#[test]
fn exit_code_follows_fail_on() {
    assert_eq!(
        snapshot_of(Some(Risk::High)).summary.exit_code,
        exit::FAIL_ON
    );
    assert_eq!(
        snapshot_of(Some(Risk::Critical)).summary.exit_code,
        exit::FAIL_ON
    );
    assert_eq!(snapshot_of(None).summary.exit_code, exit::OK);
    let s = snapshot_of(Some(Risk::Critical));
    // Critical rules and findings only: no high finding, no endpoint alert (which count as high).
    assert!(
        s.summary.breaches.iter().all(|b| b.starts_with("critical")),
        "{:?}",
        s.summary.breaches
    );
}

#[test]
fn a_failed_pane_makes_the_snapshot_partial() {
    let mut state = demo_state(200, 60, 1);
    update(
        &mut state,
        Msg::Fetched {
            pane: PaneId::Checklist,
            at: t0(),
            result: Err("config:DescribeConfigurationRecorders: access denied".into()),
        },
    );
    let s = Snapshot::from_state(&state, t0(), None);
    assert!(!s.summary.complete);
    assert_eq!(s.summary.exit_code, exit::PARTIAL);
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].pane, PaneId::Checklist);
    // The last good data is still reported.
    assert_eq!(s.checklist.len(), crate::checklist::ITEMS.len());
    // A problem found wins over a partial snapshot.
    assert_eq!(
        Snapshot::from_state(&state, t0(), Some(Risk::High))
            .summary
            .exit_code,
        exit::FAIL_ON
    );
}

#[test]
fn a_pane_never_fetched_is_an_error() {
    let state = crate::fixtures::empty_state(80, 24);
    let s = Snapshot::from_state(&state, t0(), Some(Risk::High));
    assert_eq!(s.errors.len(), PaneId::COUNT);
    assert_eq!(s.summary.exit_code, exit::PARTIAL);
}

fn text_at(width: Option<usize>, verbose: bool) -> String {
    let mut s = snapshot_of(Some(Risk::High));
    s.api_calls = [("ec2:DescribeSecurityGroups".to_string(), 2)].into();
    let mut out = Vec::new();
    let options = TextOptions {
        color: false,
        width,
        verbose,
    };
    write(&s, Format::Text, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn on_a_terminal_the_text_fits_its_width_wrapping_under_the_column() {
    use unicode_width::UnicodeWidthStr;
    for width in [80, 120] {
        let text = text_at(Some(width), false);
        for line in text.lines() {
            // Only an id wider than the terminal passes its edge, alone on its line, whole.
            assert!(
                line.width() <= width || !line.trim().contains(' '),
                "wider than {width}: {line:?}\n{text}"
            );
        }
        // That id is whole, not cut across lines.
        assert!(
            text.contains("i-0e1f2a3b4c5d6e7f8-with-a-very-long-resource-identifier-that-keeps-going-and-going-well-past-any-reasonable-column-width")
                || !text.contains("i-0e1f2a3b4c5d6e7f8"),
            "{text}"
        );
    }
    // The evidence wraps under its column rather than being cut.
    let text = text_at(Some(80), false);
    assert!(
        text.contains("(config studyai-dev-phi3-mini-config)"),
        "{text}"
    );
}

#[test]
fn the_api_call_detail_is_behind_verbose_and_breaches_are_listed() {
    let text = text_at(None, false);
    assert!(text.contains("api calls: 2 (-v lists them)"), "{text}");
    assert!(!text.contains("ec2:DescribeSecurityGroups=2"));
    let text = text_at(None, true);
    assert!(
        text.contains("api calls (2): ec2:DescribeSecurityGroups=2"),
        "{text}"
    );
    assert!(text.contains("NEEDS ATTENTION (29)"), "{text}");
    assert!(
        text.contains(
            "- checklist data.kms: KMS encryption not enabled: endpoint studyai-dev-phi3-mini"
        ),
        "{text}"
    );
}

mod since_a_baseline {
    use super::*;
    use crate::report::baseline::{self, Baseline};

    /// The demo's own snapshot as a baseline, changed by `edit` as if the account had been
    /// different then.
    fn baseline(edit: impl FnOnce(&mut serde_json::Value)) -> Baseline {
        let mut v: serde_json::Value =
            serde_json::from_str(&render(&snapshot_of(Some(Risk::High)), Format::Json, false))
                .unwrap();
        edit(&mut v);
        baseline::parse(&v.to_string()).unwrap()
    }

    #[test]
    fn the_same_account_again_changes_nothing_and_pages_nobody() {
        let s = snapshot_of(Some(Risk::High)).compared_with(&baseline(|_| {}), true);
        assert!(s.changes.as_ref().unwrap().is_empty(), "{:?}", s.changes);
        assert_eq!(s.summary.exit_code, exit::OK, "{:?}", s.summary.breaches);
        // Without --fail-on-new the same snapshot exits 3: it has critical problems.
        let s = snapshot_of(Some(Risk::High)).compared_with(&baseline(|_| {}), false);
        assert_eq!(s.summary.exit_code, exit::FAIL_ON);
        assert!(render(&s, Format::Text, false).contains("Since the last run"));
    }

    #[test]
    fn what_is_new_and_what_was_resolved_is_said_and_only_the_new_pages() {
        let base = baseline(|v| {
            // Then: the first finding did not exist, a finding since resolved did, the KMS
            // item passed, and the first group had no risky rule.
            let findings = v["findings"].as_array_mut().unwrap();
            findings.remove(0);
            findings.push(serde_json::json!({"id": "gone-since", "archived": false}));
            for c in v["checklist"].as_array_mut().unwrap() {
                if c["id"] == "data.kms" {
                    c["status"] = "pass".into();
                }
            }
            v["security_groups"][0]["rules"] = serde_json::json!([]);
        });
        let s = snapshot_of(Some(Risk::High)).compared_with(&base, true);
        let c = s.changes.as_ref().unwrap();
        assert_eq!(c.new_findings.len(), 1, "{c:?}");
        assert_eq!(c.resolved_findings, ["gone-since"]);
        assert!(
            c.checklist
                .iter()
                .any(|i| i.id == "data.kms" && i.from == "pass"),
            "{c:?}"
        );
        assert!(!c.new_risky_rules.is_empty());
        assert_eq!(s.summary.exit_code, exit::FAIL_ON);
        assert!(
            s.summary.breaches.iter().all(|b| b.starts_with("new: ")),
            "{:?}",
            s.summary.breaches
        );
        let md = render(&s, Format::Markdown, false);
        assert!(
            md.contains("## Since the last run") && md.contains("- resolved finding: gone-since"),
            "{md}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&render(&s, Format::Json, false)).unwrap();
        assert_eq!(json["changes"]["resolved_findings"][0], "gone-since");
        assert_eq!(json["summary"]["fail_on_new"], true);
    }

    #[test]
    fn a_file_that_is_not_a_snapshot_is_named_for_what_it_is() {
        assert!(
            baseline::parse("not json")
                .unwrap_err()
                .contains("not a secdash JSON snapshot")
        );
        assert!(
            baseline::parse("{}")
                .unwrap_err()
                .contains("schema_version")
        );
    }
}
