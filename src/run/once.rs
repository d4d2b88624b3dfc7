//! `--once`: the same fetch step and the same `update` as the TUI, then a snapshot on stdout.

use crate::app::{AppState, Msg, update};
use crate::fetch::{FetchPlan, fetch_once};
use crate::model::{ApiCalls, PaneId, Risk};
use crate::report::{self, Format, Snapshot};
use chrono::Utc;
use std::collections::BTreeMap;
use std::io::Write;

/// Fetches every pane once (in parallel) into the state.
pub async fn fetch_all(mut state: AppState, plan: &FetchPlan) -> AppState {
    let identity = plan.source.identity();
    let panes = futures::future::join_all(PaneId::ALL.map(|p| fetch_once(plan, p)));
    let (identity, results) = futures::join!(identity, panes);
    update(&mut state, Msg::Tick(Utc::now()));
    update(&mut state, Msg::Identity(identity));
    for msg in results {
        update(&mut state, msg);
    }
    state
}

/// The platform's accounts as the snapshot lists them, and the calls each took.
pub fn accounts(
    source: &crate::source::accounts::AccountsSource,
) -> (Vec<report::AccountOut>, BTreeMap<String, ApiCalls>) {
    let listed = source
        .statuses()
        .into_iter()
        .map(|s| {
            let (id, status) = match s.answer {
                Some(Ok(id)) => (Some(id), "ok".to_string()),
                Some(Err(why)) => (None, why),
                None => (None, "not read".to_string()),
            };
            report::AccountOut {
                name: s.name,
                id,
                reached: s.reached,
                status,
                sources: s.sources,
            }
        })
        .collect();
    (listed, source.calls_by_account())
}

/// Writes the snapshot of the state; returns the exit code it calls for.
pub fn write(
    state: &AppState,
    accounts: Option<(Vec<report::AccountOut>, BTreeMap<String, ApiCalls>)>,
    fail_on: Option<Risk>,
    baseline: Option<(&report::baseline::Baseline, bool)>,
    format: Format,
    text_options: report::TextOptions,
    out: &mut impl Write,
) -> std::io::Result<i32> {
    let mut snapshot = Snapshot::from_state(state, Utc::now(), fail_on);
    if let Some((accounts, calls)) = accounts {
        snapshot.accounts = Some(accounts);
        snapshot.api_calls_by_account = Some(calls);
    }
    if let Some((base, fail_on_new)) = baseline {
        snapshot = snapshot.compared_with(base, fail_on_new);
    }
    let written = report::write(&snapshot, format, text_options, out).and_then(|()| out.flush());
    match written {
        // A reader that closed early (`--once | head`) took what it wanted: the exit code is
        // still the snapshot's, and nothing is said.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(snapshot.summary.exit_code)
}
