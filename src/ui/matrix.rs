//! The checklist by account: items down, accounts across, each cell the item's status there.

use super::investigate::cut;
use super::pane::check_style;
use crate::app::AppState;
use crate::app::layout::centered;
use crate::model::PaneId;
use crate::panes::checklist::matrix;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

pub fn draw(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect, scroll: usize) {
    let rect = centered(area, 95, 90);
    let items = state
        .pane_data(PaneId::Checklist)
        .and_then(|d| d.checklist())
        .unwrap_or(&[]);
    let m = matrix(items);
    // Each account's column as wide as its name (a status is at most 8).
    let widths: Vec<usize> = m.accounts.iter().map(|a| a.width().max(8)).collect();
    let inner = usize::from(rect.width.saturating_sub(2));
    let cells: usize = widths.iter().map(|w| w + 1).sum();
    let title_w = inner.saturating_sub(cells).clamp(12, 46);
    let mut header = vec![Span::styled(cut("ITEM", title_w), theme.table_header)];
    for (a, w) in m.accounts.iter().zip(&widths) {
        header.push(Span::styled(format!(" {}", cut(a, *w)), theme.table_header));
    }
    let page = usize::from(rect.height.saturating_sub(3));
    let scroll = scroll.min(m.rows.len().saturating_sub(page));
    let mut lines = vec![Line::from(header)];
    for row in m.rows.iter().skip(scroll).take(page) {
        let mut spans = vec![Span::styled(cut(&row.title, title_w), theme.dialog)];
        for (status, w) in row.statuses.iter().zip(&widths) {
            spans.push(match status {
                Some(s) => Span::styled(format!(" {}", cut(s.label(), *w)), check_style(theme, *s)),
                None => Span::styled(format!(" {}", cut("–", *w)), theme.muted),
            });
        }
        lines.push(Line::from(spans));
    }
    let pos = format!(
        " {}–{} of {} items · j/k scroll · esc closes ",
        (scroll + 1).min(m.rows.len()),
        (scroll + page).min(m.rows.len()),
        m.rows.len()
    );
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(
            format!(" Checklist by account ({}) ", m.accounts.len()),
            theme.title_focused,
        ))
        .title_bottom(Line::from(Span::styled(pos, theme.muted)).right_aligned())
        .style(theme.dialog);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
