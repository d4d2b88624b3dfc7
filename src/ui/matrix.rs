//! The checklist by account: items down, accounts across, each cell the item's status there.

use super::dialog::Dialog;
use super::investigate::cut;
use super::pane::check_style;
use crate::app::AppState;
use crate::model::PaneId;
use crate::panes::checklist::matrix;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(
    state: &AppState,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    scroll: usize,
    column: usize,
) {
    let rect = crate::app::layout::matrix_rect(area);
    let items = state
        .pane_data(PaneId::Checklist)
        .and_then(|d| d.checklist())
        .unwrap_or(&[]);
    let m = matrix(items);
    let widths = m.widths();
    let (title_w, shown) = m.columns_showing(usize::from(rect.width.saturating_sub(2)), column);
    let mut header = vec![Span::styled(cut("ITEM", title_w), theme.table_header)];
    for (i, (a, w)) in m.accounts[shown.clone()]
        .iter()
        .zip(&widths[shown.clone()])
        .enumerate()
    {
        // The chosen account's name stands out: Enter opens it.
        let style = if shown.start + i == column {
            theme.selection
        } else {
            theme.table_header
        };
        header.push(Span::raw(" "));
        header.push(Span::styled(cut(a, *w), style));
    }
    let page = usize::from(rect.height.saturating_sub(3));
    let scroll = scroll.min(m.rows.len().saturating_sub(page));
    let mut lines = vec![Line::from(header)];
    for row in m.rows.iter().skip(scroll).take(page) {
        let mut spans = vec![Span::styled(cut(&row.title, title_w), theme.dialog)];
        for (status, w) in row.statuses[shown.clone()]
            .iter()
            .zip(&widths[shown.clone()])
        {
            spans.push(match status {
                Some(s) => Span::styled(format!(" {}", cut(s.label(), *w)), check_style(theme, *s)),
                None => Span::styled(format!(" {}", cut("–", *w)), theme.muted),
            });
        }
        lines.push(Line::from(spans));
    }
    let across = if shown.len() < m.accounts.len() {
        format!(
            "accounts {}–{} of {} · ",
            shown.start + 1,
            shown.end,
            m.accounts.len()
        )
    } else {
        String::new()
    };
    let pos = format!(
        " {}–{} of {} items · {across}h/l account · enter opens it · j/k scroll · esc closes ",
        (scroll + 1).min(m.rows.len()),
        (scroll + page).min(m.rows.len()),
        m.rows.len()
    );
    Dialog::new(format!("Checklist by account ({})", m.accounts.len()))
        .keys(pos)
        .draw(theme, frame, rect, Paragraph::new(lines));
}
