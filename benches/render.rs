//! Frame cost of each pane at growing sizes: only the visible rows are built, so a frame over
//! 100,000 rule rows costs what a frame over 100 does. Target: under 2 ms per frame.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secdash::app::{AppState, Msg, update};
use secdash::fixtures::{demo_state_scaled, numbered_accounts_state};
use secdash::model::PaneId;
use secdash::source::demo::Scale;
use secdash::theme::Theme;
use secdash::ui;
use std::hint::black_box;

fn key(state: &mut AppState, c: char) {
    update(
        state,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    );
}

/// A zoomed pane scrolled to the middle of its rows, at 200×60.
fn state_for(pane: PaneId, scale: Scale) -> AppState {
    let mut s = demo_state_scaled(200, 60, scale);
    key(&mut s, char::from(b'1' + pane.index() as u8));
    key(&mut s, 'z');
    let rows = s.view(pane).rows.len();
    for _ in 0..rows / 2 {
        // Jump by pages to reach the middle quickly.
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE)),
        );
    }
    s
}

/// A pane, what its rows are called, and two sizes (row count and the scale that gives it).
type Case = (PaneId, &'static str, [(usize, Scale); 2]);

fn frames(c: &mut Criterion) {
    let theme = Theme::default();
    let cases: [Case; 3] = [
        (
            PaneId::SecurityGroups,
            "rules",
            // 33 rules per copy: ~100 rules and ~100,000 rules.
            [
                (
                    99,
                    Scale {
                        endpoints: 1,
                        groups: 3,
                        findings: 1,
                    },
                ),
                (
                    100_023,
                    Scale {
                        endpoints: 1,
                        groups: 3031,
                        findings: 1,
                    },
                ),
            ],
        ),
        (
            PaneId::Findings,
            "findings",
            [
                (
                    110,
                    Scale {
                        endpoints: 1,
                        groups: 1,
                        findings: 5,
                    },
                ),
                (
                    10_010,
                    Scale {
                        endpoints: 1,
                        groups: 1,
                        findings: 455,
                    },
                ),
            ],
        ),
        (
            PaneId::Endpoints,
            "endpoints",
            [
                (
                    102,
                    Scale {
                        endpoints: 17,
                        groups: 1,
                        findings: 1,
                    },
                ),
                (
                    504,
                    Scale {
                        endpoints: 84,
                        groups: 1,
                        findings: 1,
                    },
                ),
            ],
        ),
    ];
    let mut group = c.benchmark_group("render_pane_200x60");
    for (pane, unit, sizes) in cases {
        for (rows, scale) in sizes {
            let state = state_for(pane, scale);
            let mut terminal =
                Terminal::new(TestBackend::new(200, 60)).unwrap_or_else(|_| unreachable!());
            group.bench_with_input(
                BenchmarkId::new(pane.key(), format!("{rows}_{unit}")),
                &state,
                |b, s| {
                    b.iter(|| {
                        terminal
                            .draw(|f| ui::render(black_box(s), &theme, f))
                            .map(|_| ())
                            .unwrap_or(());
                    })
                },
            );
        }
    }
    group.finish();

    // The whole dashboard with everything large at once.
    let big = demo_state_scaled(
        200,
        60,
        Scale {
            endpoints: 84,
            groups: 3031,
            findings: 455,
        },
    );
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap_or_else(|_| unreachable!());
    c.bench_function("render_dashboard_200x60_100k_rules_10k_findings", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::render(black_box(&big), &theme, f))
                .map(|_| ())
                .unwrap_or(())
        })
    });

    // 50 accounts, each with the demo scenario and its own checklist: the dashboard with the
    // account column, and the checklist matrix (44 items × 50 accounts).
    let mut many = numbered_accounts_state(200, 60, 50, 50);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap_or_else(|_| unreachable!());
    c.bench_function("render_dashboard_200x60_50_accounts", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::render(black_box(&many), &theme, f))
                .map(|_| ())
                .unwrap_or(())
        })
    });
    key(&mut many, '4');
    key(&mut many, 'm');
    c.bench_function("render_checklist_matrix_200x60_50_accounts", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::render(black_box(&many), &theme, f))
                .map(|_| ())
                .unwrap_or(())
        })
    });

    // #31: an organization of 1,000 accounts, every pane loaded: the dashboard's frame, the
    // matrix's, and a keypress across the matrix with the frame that shows it.
    let mut org = numbered_accounts_state(200, 60, 50, 1000);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap_or_else(|_| unreachable!());
    c.bench_function("render_dashboard_200x60_1000_accounts", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::render(black_box(&org), &theme, f))
                .map(|_| ())
                .unwrap_or(())
        })
    });
    key(&mut org, '4');
    key(&mut org, 'm');
    c.bench_function("render_checklist_matrix_200x60_1000_accounts", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::render(black_box(&org), &theme, f))
                .map(|_| ())
                .unwrap_or(())
        })
    });
    let mut across = 0;
    c.bench_function("matrix_key_across_to_frame_1000_accounts", |b| {
        b.iter(|| {
            // Across to the last account and back, a key a frame.
            across += 1;
            key(&mut org, if (across / 1000) % 2 == 0 { 'l' } else { 'h' });
            terminal
                .draw(|f| ui::render(&org, &theme, f))
                .map(|_| ())
                .unwrap_or(());
        })
    });

    // A keypress while every fetcher is busy: update plus the frame that shows it.
    let mut busy = demo_state_scaled(
        200,
        60,
        Scale {
            endpoints: 84,
            groups: 3031,
            findings: 455,
        },
    );
    for pane in PaneId::ALL {
        update(&mut busy, Msg::FetchStarted { pane });
    }
    key(&mut busy, '2');
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap_or_else(|_| unreachable!());
    c.bench_function("keypress_to_frame_all_fetchers_busy", |b| {
        b.iter(|| {
            key(&mut busy, 'j');
            terminal
                .draw(|f| ui::render(&busy, &theme, f))
                .map(|_| ())
                .unwrap_or(());
        })
    });
}

criterion_group!(benches, frames);
criterion_main!(benches);
