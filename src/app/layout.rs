//! Where each pane goes on the screen. Pure, so `update` (page sizes, scrolling) and `render`
//! agree on it.

use crate::model::PaneId;
use ratatui::layout::{Constraint, Layout, Rect};

pub const HEADER_HEIGHT: u16 = 1;
pub const STATUS_HEIGHT: u16 = 1;
/// Borders and the table's column header.
const PANE_CHROME: u16 = 3;

/// The body between the header and the status bar.
pub fn body(area: Rect) -> Rect {
    let [_, body, _] = Layout::vertical([
        Constraint::Length(HEADER_HEIGHT),
        Constraint::Min(0),
        Constraint::Length(STATUS_HEIGHT),
    ])
    .areas(area);
    body
}

/// The pane in the top-left place: the SageMaker pane while it has the focus, else the
/// endpoints (the platform's two views share the place, as tabs do).
pub fn top_left(focus: PaneId) -> PaneId {
    match focus {
        PaneId::Sagemaker => PaneId::Sagemaker,
        _ => PaneId::Endpoints,
    }
}

/// Each visible pane and its area: a 2×2 grid, or only the focused pane when zoomed. The
/// top-left pane (`top_left`) is as tall as its rows need (a platform has a few endpoints and
/// many findings), up to 40 % of the left column; the findings below take the rest.
pub fn panes(area: Rect, focus: PaneId, zoomed: bool, endpoint_rows: usize) -> Vec<(PaneId, Rect)> {
    let body = body(area);
    if zoomed {
        return vec![(focus, body)];
    }
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let most = left.height * 40 / 100;
    // Its rows, the frame and header, and a line for the filter; room for a message at least.
    let wanted = (endpoint_rows as u16)
        .saturating_add(PANE_CHROME + 1)
        .max(6);
    let [tl, bl] =
        Layout::vertical([Constraint::Length(wanted.min(most)), Constraint::Min(0)]).areas(left);
    let [tr, br] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(right);
    vec![
        (top_left(focus), tl),
        (PaneId::SecurityGroups, tr),
        (PaneId::Findings, bl),
        (PaneId::Checklist, br),
    ]
}

/// How many table rows fit in a pane (one line is kept for the filter when one is shown).
pub fn table_rows(pane_area: Rect, filter_line: bool) -> usize {
    pane_area
        .height
        .saturating_sub(PANE_CHROME + u16::from(filter_line))
        .max(1) as usize
}

/// The area of a centred dialog: `pct` of the screen, within the screen.
/// Where the checklist matrix is drawn on this screen.
pub fn matrix_rect(screen: Rect) -> Rect {
    centered(screen, 95, 90)
}

pub fn centered(area: Rect, pct_x: u16, pct_y: u16) -> Rect {
    let w = (area.width * pct_x / 100).max(20).min(area.width);
    let h = (area.height * pct_y / 100).max(6).min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
