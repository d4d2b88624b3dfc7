//! The detail view: every field of the selected row as label/value lines, from the pane
//! registry. Pure, so `update` can bound scrolling and `render` draws exactly the same lines.

use super::AppState;
use crate::panes::{self, DetailLine, Target};

pub fn title(state: &AppState) -> String {
    let (Some(row), Some(data)) = (state.selected_row(), state.pane_data(state.focus)) else {
        return String::new();
    };
    panes::pane(state.focus)
        .detail_title(data, row)
        .unwrap_or_default()
}

pub fn lines(state: &AppState) -> Vec<DetailLine> {
    let (Some(row), Some(data)) = (state.selected_row(), state.pane_data(state.focus)) else {
        return vec![];
    };
    panes::pane(state.focus).detail(data, row, &state.cell_context(Target::Screen))
}
