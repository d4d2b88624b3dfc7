//! The pure hot paths at scale: risk classification of 100,000 rules, filtering them, ordering
//! 10,000 findings, and building the `--once` snapshot.

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secdash::app::{Msg, update};
use secdash::fixtures::{demo_state_scaled, t0};
use secdash::model::{PaneId, Risk, sort_findings};
use secdash::report::Snapshot;
use secdash::source::demo::{self, Scale};
use std::hint::black_box;

fn hot_paths(c: &mut Criterion) {
    let groups = demo::security_groups(3031);
    c.bench_function("risk_assess_100k_rules", |b| {
        b.iter_batched(
            || groups.clone(),
            // The groups are handed back, so freeing 100,000 rules is not counted as assessing.
            |mut g| {
                secdash::risk::assess(black_box(&mut g));
                g
            },
            criterion::BatchSize::LargeInput,
        )
    });

    let findings = demo::findings(t0(), 455).findings;
    c.bench_function("sort_10k_findings", |b| {
        b.iter_batched(
            || findings.clone(),
            |mut f| sort_findings(black_box(&mut f)),
            criterion::BatchSize::LargeInput,
        )
    });

    let state = demo_state_scaled(
        200,
        60,
        Scale {
            endpoints: 84,
            groups: 3031,
            findings: 455,
        },
    );
    c.bench_function("filter_100k_rules_by_a_word", |b| {
        b.iter(|| {
            secdash::app::rows::visible_rows(black_box(&state), PaneId::SecurityGroups, "ssh")
        })
    });
    // The first letter typed: every row is looked at. `r` is in no group id, so the rules'
    // own fields are read; `2` is in most ids, so most groups answer for all their rules.
    for letter in ["r", "2"] {
        c.bench_function(&format!("filter_100k_rules_first_letter_{letter}"), |b| {
            b.iter(|| {
                secdash::app::rows::visible_rows(black_box(&state), PaneId::SecurityGroups, letter)
            })
        });
    }
    // Typing the third letter of a filter: only the rows that matched two letters are looked at.
    let mut typing = state.clone();
    for c in ['2', '/', 's', 's'] {
        update(
            &mut typing,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    // Each iteration types 'h' and then puts the two-letter matches back (12,000 row
    // references, microseconds), so nothing large is cloned inside the timing.
    let candidates = typing.view(PaneId::SecurityGroups).rows.clone();
    c.bench_function("filter_keystroke_narrowing_100k_rules", |b| {
        b.iter(|| {
            update(
                &mut typing,
                Msg::Key(KeyEvent::new(KeyCode::Char('h'), KeyModifiers::NONE)),
            );
            typing.views[PaneId::SecurityGroups.index()].filter = "ss".into();
            typing.views[PaneId::SecurityGroups.index()].rows = candidates.clone();
        })
    });
    c.bench_function("snapshot_100k_rules_10k_findings", |b| {
        b.iter(|| Snapshot::from_state(black_box(&state), t0(), Some(Risk::High)))
    });

    let mut moving = state.clone();
    update(
        &mut moving,
        Msg::Key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE)),
    );
    c.bench_function("update_cursor_down_100k_rules", |b| {
        b.iter(|| {
            update(
                &mut moving,
                Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)),
            )
        })
    });
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
