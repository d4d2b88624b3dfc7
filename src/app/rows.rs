//! The rows a pane shows: those of its data that pass its filter, found through the pane
//! registry. Only indexes are kept, so a filter over 100,000 rules costs no copies of them.

use super::AppState;
use crate::model::PaneId;
use crate::panes::{self, RowRef, Totals};

/// The rows of the pane that pass the filter.
pub fn visible_rows(state: &AppState, pane: PaneId, filter: &str) -> Vec<RowRef> {
    visible_rows_among(state, pane, filter, None)
}

/// The rows of `candidates` (all rows when `None`) that pass the filter. Narrowing a filter
/// (typing one more letter) only needs to look at the rows that passed before.
pub fn visible_rows_among(
    state: &AppState,
    pane: PaneId,
    filter: &str,
    candidates: Option<&[RowRef]>,
) -> Vec<RowRef> {
    let Some(data) = state.pane_data(pane) else {
        return Vec::new();
    };
    let entry = panes::pane(pane);
    let only = state.view(pane).only.as_ref();
    let mut rows = match (candidates, only) {
        // A jump's rows: those of the items it found, then the filter.
        (None, Some(only)) => {
            let kept: Vec<RowRef> = entry
                .rows(data)
                .into_iter()
                .filter(|r| {
                    entry
                        .item_key(data, r.item)
                        .is_some_and(|k| only.keys.contains(&k))
                })
                .collect();
            panes::filter_rows(entry, data, filter, Some(&kept))
        }
        _ => panes::filter_rows(entry, data, filter, candidates),
    };
    // Candidates are in order already: narrowing keeps it.
    if let (None, Some(sort)) = (candidates, state.view(pane).sort) {
        panes::sort_rows(entry, data, &mut rows, sort);
    }
    rows
}

/// The counts of the pane's title, from its data.
pub fn totals(state: &AppState, pane: PaneId) -> Totals {
    state
        .pane_data(pane)
        .map(|d| panes::pane(pane).totals(d))
        .unwrap_or_default()
}

/// The group names more than one group among `rows` has (every VPC's `default`).
pub fn ambiguous_group_names(
    state: &AppState,
    rows: &[RowRef],
) -> std::collections::HashSet<String> {
    let Some(data) = state
        .pane_data(PaneId::SecurityGroups)
        .and_then(|d| d.security_groups())
    else {
        return Default::default();
    };
    let mut first: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let mut twice = std::collections::HashSet::new();
    let mut last = None;
    for r in rows {
        // A group's rules are rows in a row: one look per group, not per rule.
        if last == Some(r.item) {
            continue;
        }
        last = Some(r.item);
        let Some(g) = data.groups.get(r.item as usize) else {
            continue;
        };
        match first.get(g.name.as_str()) {
            Some(item) if *item != r.item => {
                twice.insert(g.name.to_string());
            }
            Some(_) => {}
            None => {
                first.insert(g.name.as_str(), r.item);
            }
        }
    }
    twice
}
