//! The checklist pane: each item of the seed guide's checklist with its status and evidence.

use super::pane::{PaneTable, Tier, check_style, tier};
use crate::app::AppState;
use crate::model::{CheckItem, PaneId};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

pub fn draw(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let items: &[CheckItem] = state.checklist.data().map(Vec::as_slice).unwrap_or(&[]);
    let t = tier(area);
    let wide = t == Tier::Wide;
    let (header, widths) = if t == Tier::Narrow {
        (
            vec!["STATUS", "ITEM"],
            vec![Constraint::Length(8), Constraint::Fill(1)],
        )
    } else if wide {
        (
            vec!["STATUS", "CATEGORY", "ITEM", "EVIDENCE"],
            vec![
                Constraint::Length(8),
                Constraint::Length(16),
                Constraint::Length(36),
                Constraint::Fill(1),
            ],
        )
    } else {
        (
            vec!["STATUS", "ITEM", "EVIDENCE"],
            vec![
                Constraint::Length(8),
                Constraint::Length(32),
                Constraint::Fill(1),
            ],
        )
    };
    let table = PaneTable {
        pane: PaneId::Checklist,
        summary: super::pane::summary(state, theme, PaneId::Checklist),
        header,
        widths,
        empty: "no checklist items".to_string(),
    };
    table.draw(state, theme, frame, area, |r, _| {
        let Some(c) = items.get(r.item as usize) else {
            return Row::default();
        };
        let mut cells = vec![Cell::from(Span::styled(
            c.status.label(),
            check_style(theme, c.status),
        ))];
        if wide {
            cells.push(Cell::from(c.category.label()));
        }
        cells.push(Cell::from(c.title.clone()));
        if t != Tier::Narrow {
            cells.push(Cell::from(Span::styled(
                c.evidence.replace('\n', " "),
                theme.muted,
            )));
        }
        Row::new(cells)
    });
}
