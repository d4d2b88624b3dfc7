//! Overlays drawn over the panes: the help listing every binding, and a row's details.

use crate::app::{AppState, detail};
use crate::config::keymap::Action;
use crate::layout::centered;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

pub fn help(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    // Two columns when there is room, so every binding fits on an 80×24 screen.
    let two = area.width >= 70;
    let rect = if two {
        centered(area, 92, 90)
    } else {
        centered(area, 95, 95)
    };
    let entries: Vec<(String, &str)> = Action::ALL
        .iter()
        .map(|a| (state.keymap.label(*a), a.description()))
        .collect();
    let key_w = entries
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let col_w = (rect.width.saturating_sub(2) / if two { 2 } else { 1 }) as usize;
    let entry = |(k, d): &(String, &str)| -> Vec<Span<'static>> {
        let text = format!("{k:>key_w$}  ");
        let room = col_w.saturating_sub(text.chars().count());
        let desc: String = d.chars().take(room).collect();
        let pad = room.saturating_sub(desc.chars().count());
        vec![
            Span::styled(text, theme.header_key),
            Span::styled(format!("{desc}{}", " ".repeat(pad)), theme.dialog),
        ]
    };
    let mut lines: Vec<Line> = Vec::new();
    if two {
        let half = entries.len().div_ceil(2);
        for i in 0..half {
            let mut spans = entry(&entries[i]);
            if let Some(right) = entries.get(i + half) {
                spans.extend(entry(right));
            }
            lines.push(Line::from(spans));
        }
    } else {
        lines.extend(entries.iter().map(|e| Line::from(entry(e))));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Filter: type to narrow, enter keeps it, esc clears it. Rebind keys in [keys] of the config file.",
        theme.muted,
    )));
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(" Keys · esc closes ", theme.title_focused))
        .style(theme.dialog);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

pub fn detail(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect, scroll: usize) {
    let rect = centered(area, 85, 85);
    let all = detail::lines(state);
    // Long labels (a finding's detail paths) keep their length; the column is sized for the rest.
    let label_w = all
        .iter()
        .map(|(l, _)| l.chars().count())
        .filter(|n| *n <= 16)
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = all
        .iter()
        .skip(scroll)
        .map(|(label, value)| {
            if label.is_empty() && value.starts_with("──") {
                Line::from(Span::styled(value.clone(), theme.table_header))
            } else {
                Line::from(vec![
                    Span::styled(format!("{label:>label_w$}  "), theme.header_key),
                    Span::styled(value.clone(), theme.dialog),
                ])
            }
        })
        .collect();
    let pos = format!(
        " {}/{} · j/k scroll · esc closes ",
        (scroll + 1).min(all.len()),
        all.len()
    );
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(
            format!(" {} ", detail::title(state)),
            theme.title_focused,
        ))
        .title_bottom(Line::from(Span::styled(pos, theme.muted)).right_aligned())
        .style(theme.dialog);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
