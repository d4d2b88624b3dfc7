//! Every pane is drawn here, from its registry entry: its frame with title, counts and load
//! state, the empty and failed states, the filter line, and a table of its columns that builds
//! only the rows on screen.

use crate::app::AppState;
use crate::app::layout;
use crate::app::text_field::TextField;
use crate::format::age;
use crate::model::{CheckStatus, PaneId, Risk};
use crate::panes::{self, Badge, Styled, Target, Tone, Width};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Paragraph, Row, Table, TableState, Wrap};

pub fn risk_style(theme: &Theme, r: Risk) -> Style {
    match r {
        Risk::None => theme.risk_none,
        Risk::Low => theme.risk_low,
        Risk::Medium => theme.risk_medium,
        Risk::High => theme.risk_high,
        Risk::Critical => theme.risk_critical,
    }
}

pub fn check_style(theme: &Theme, s: CheckStatus) -> Style {
    match s {
        CheckStatus::Pass => theme.check_pass,
        CheckStatus::Fail => theme.check_fail,
        CheckStatus::Warn => theme.check_warn,
        CheckStatus::Unknown => theme.check_unknown,
        CheckStatus::Manual => theme.check_manual,
        CheckStatus::Accepted => theme.check_accepted,
    }
}

/// The pane's border with its number, title, counts and load state.
fn frame_block<'a>(
    state: &AppState,
    theme: &Theme,
    pane: PaneId,
    summary: Line<'a>,
    width: u16,
) -> Block<'a> {
    let focused = state.focus == pane;
    let (border, title_style) = if focused {
        (theme.border_focused, theme.title_focused)
    } else {
        (theme.border, theme.title)
    };
    let mut title = vec![Span::styled(
        format!(" {} {} ", pane.index() + 1, panes::pane(pane).title()),
        title_style,
    )];
    title.extend(summary.spans);
    let mut block = Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(border)
        .title(Line::from(title));

    let state_line = if state.is_loading(pane) {
        Line::from(Span::styled(" ⟳ loading ", theme.status_loading))
    } else if let Some(err) = state.error(pane) {
        let data_age = state
            .stamp(pane)
            .map(|(at, _)| format!(" · showing data from {} ago", age(state.now, at)))
            .unwrap_or_default();
        // Cut at its end, not its start: the cause comes first.
        let room = usize::from(width.saturating_sub(4));
        let text = format!(" ✗ {err}{data_age} ");
        let text = if text.chars().count() > room {
            let mut t: String = text.chars().take(room.saturating_sub(2)).collect();
            t.push_str("… ");
            t
        } else {
            text
        };
        Line::from(Span::styled(text, theme.status_error))
    } else if let Some((at, warnings)) = state.stamp(pane) {
        if let Some(w) = warnings.first() {
            Line::from(Span::styled(format!(" ⚠ {w} "), theme.status_error))
        } else {
            Line::from(Span::styled(
                format!(" {} ago ", age(state.now, at)),
                theme.muted,
            ))
        }
    } else {
        Line::default()
    };
    block = block.title_bottom(state_line.right_aligned());
    if state.zoomed && focused {
        block = block
            .title_top(Line::from(Span::styled(" zoomed · esc ", theme.muted)).right_aligned());
    }
    block
}

/// Draws a pane: frame, then either its table or a message for the state it is in.
pub fn draw(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect, pane: PaneId) {
    let entry = panes::pane(pane);
    let data = state.pane_data(pane);
    let ctx = state.cell_context(Target::Screen);
    let columns = entry.columns(area.width, &ctx);
    let widths: Vec<Constraint> = columns.iter().map(|c| constraint(c.width)).collect();
    // The widths the table will give its columns, so identifiers are cut in their middle
    // rather than at their end.
    let inner = area.width.saturating_sub(2);
    let solved: Vec<usize> = Layout::horizontal(widths.clone())
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(0, 0, inner, 1))
        .iter()
        .map(|r| usize::from(r.width))
        .collect();
    let view = state.view(pane);
    let words: Vec<String> = view
        .filter
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let hidden_match = match (data, view.rows.get(view.selected)) {
        (Some(d), Some(r)) if !words.is_empty() => {
            !shows_every_word(&entry.cells(d, *r, &columns, false, &ctx), &words)
        }
        _ => false,
    };
    let table = PaneTable {
        pane,
        hidden_match,
        summary: summary(state, theme, pane, area.width >= 70),
        header: columns.iter().map(|c| c.header).collect(),
        widths,
        empty: entry.empty_message(data),
    };
    table.draw(state, theme, frame, area, |r, continuation| {
        let Some(data) = data else {
            return Row::default();
        };
        let cells = entry.cells(data, r, &columns, continuation, &ctx);
        Row::new(
            cells
                .into_iter()
                .zip(solved.iter().chain(std::iter::repeat(&usize::MAX)))
                .map(|(c, w)| cell(theme, c, *w, &words))
                .collect::<Vec<_>>(),
        )
    });
}

fn constraint(w: Width) -> Constraint {
    match w {
        Width::Len(n) | Width::Cap(n) => Constraint::Length(n),
        Width::Fill(n) => Constraint::Fill(n),
    }
}

/// A cell in the theme's colours (plain text takes the row's style), an identifier cut in its
/// middle to the column's width, the filter's words underlined.
fn cell(theme: &Theme, c: Styled, width: usize, words: &[String]) -> Cell<'static> {
    let text = match (c.id, c.words) {
        _ if c.text.chars().count() <= width => c.text,
        (true, _) => crate::format::elide_middle(&c.text, width),
        (false, true) => crate::format::cut_between_words(&c.text, width),
        (false, false) => c.text,
    };
    let style = tone_style(theme, c.tone);
    // Only a filtered pane pays for looking for its words.
    let chars: Vec<char> = if words.is_empty() {
        Vec::new()
    } else {
        text.chars().collect()
    };
    let marked = matched_chars(&chars, words);
    if !marked.iter().any(|m| *m) {
        return match style {
            None => Cell::from(text),
            Some(style) => Cell::from(Span::styled(text, style)),
        };
    }
    let base = style.unwrap_or_default();
    let hit = base.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
    let mut spans = Vec::new();
    let mut start = 0;
    for i in 1..=chars.len() {
        if i == chars.len() || marked[i] != marked[start] {
            let piece: String = chars[start..i].iter().collect();
            spans.push(Span::styled(piece, if marked[start] { hit } else { base }));
            start = i;
        }
    }
    Cell::from(Line::from(spans))
}

/// Which characters of a cell are part of a filter word, compared without case.
fn matched_chars(chars: &[char], words: &[String]) -> Vec<bool> {
    let mut marked = vec![false; chars.len()];
    if words.is_empty() {
        return marked;
    }
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    for w in words {
        let w: Vec<char> = w.chars().collect();
        if w.is_empty() || w.len() > lower.len() {
            continue;
        }
        for at in 0..=lower.len() - w.len() {
            if lower[at..at + w.len()] == w[..] {
                marked[at..at + w.len()].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    marked
}

/// Whether every word of the filter shows in the cells: if not, the row matched on a field the
/// pane does not show, and the filter line says so.
fn shows_every_word(cells: &[Styled], words: &[String]) -> bool {
    let text = cells
        .iter()
        .map(|c| c.text.to_lowercase())
        .collect::<Vec<_>>()
        .join("\u{1f}");
    words.iter().all(|w| text.contains(w.as_str()))
}

pub fn tone_style(theme: &Theme, tone: Tone) -> Option<Style> {
    Some(match tone {
        Tone::Plain => return None,
        Tone::Base => theme.base,
        Tone::Muted => theme.muted,
        Tone::Alert => theme.endpoints_alert,
        Tone::Good => theme.status_ok,
        Tone::Bad => theme.status_error,
        Tone::Busy => theme.status_loading,
        Tone::Sparkline => theme.endpoints_sparkline,
        Tone::Risk(r) => risk_style(theme, r),
        Tone::Check(s) => check_style(theme, s),
    })
}

struct PaneTable<'a> {
    pane: PaneId,
    /// The selected row matches the filter on a field its cells do not show.
    hidden_match: bool,
    summary: Line<'a>,
    header: Vec<&'a str>,
    widths: Vec<Constraint>,
    /// What to say when there is data but no row (nothing matches, or nothing exists).
    empty: String,
}

impl PaneTable<'_> {
    fn draw(
        self,
        state: &AppState,
        theme: &Theme,
        frame: &mut Frame,
        area: Rect,
        row: impl Fn(panes::RowRef, bool) -> Row<'static>,
    ) {
        let pane = self.pane;
        let block = frame_block(state, theme, pane, self.summary, area.width);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let view = state.view(pane);
        let typed = state
            .filter_field()
            .filter(|(p, _)| *p == pane)
            .map(|(_, f)| f);
        let show_filter = typed.is_some() || !view.filter.is_empty();
        let (table_area, filter_area) = if show_filter && inner.height > 1 {
            (
                Rect {
                    height: inner.height - 1,
                    ..inner
                },
                Some(Rect {
                    y: inner.y + inner.height - 1,
                    height: 1,
                    ..inner
                }),
            )
        } else {
            (inner, None)
        };
        if let Some(fa) = filter_area {
            let kept;
            let field = match typed {
                Some(field) => field,
                None => {
                    kept = TextField::with_text(&view.filter, usize::MAX);
                    &kept
                }
            };
            let mut spans = super::dialog::field("/", field, typed.is_some(), theme.filter);
            spans.push(Span::styled(matches(view.rows.len()), theme.muted));
            if self.hidden_match {
                spans.push(Span::styled(
                    " · this row matches in a field not shown: enter for details",
                    theme.muted,
                ));
            }
            let text = Line::from(spans);
            frame.render_widget(Paragraph::new(text), fa);
        }

        if !state.has_data(pane) {
            let (msg, style) = match state.error(pane) {
                Some(err) => {
                    // Denied and unreachable call for different fixes: say which.
                    let hint = state
                        .failure(pane)
                        .and_then(|f| f.hint())
                        .map(|h| format!("\n{h}"))
                        .unwrap_or_default();
                    (format!("✗ {err}{hint}"), theme.status_error)
                }
                None if state.is_loading(pane) => ("⟳ loading…".to_string(), theme.status_loading),
                None => ("waiting for the first fetch…".to_string(), theme.muted),
            };
            frame.render_widget(
                Paragraph::new(msg).style(style).wrap(Wrap { trim: true }),
                table_area,
            );
            return;
        }
        if view.rows.is_empty() {
            let msg = if view.filter.is_empty() {
                self.empty.clone()
            } else {
                format!("no rows match /{}", view.filter)
            };
            frame.render_widget(Paragraph::new(msg).style(theme.muted), table_area);
            return;
        }

        // Only the rows on screen are built, whatever the size of the data.
        let page = layout::table_rows(area, show_filter);
        let end = (view.offset + page).min(view.rows.len());
        let focused = state.focus == pane;
        let rows: Vec<Row> = view.rows[view.offset..end]
            .iter()
            .enumerate()
            .map(|(i, r)| {
                row(
                    *r,
                    view.offset + i > 0 && view.rows[view.offset + i - 1].item == r.item,
                )
            })
            .collect();
        let table = Table::new(rows, self.widths)
            .header(Row::new(self.header).style(theme.table_header))
            .column_spacing(1)
            .row_highlight_style(if focused {
                theme.selection
            } else {
                Style::default()
            });
        let mut ts = TableState::default();
        if focused {
            ts.select(Some(view.selected.saturating_sub(view.offset)));
        }
        frame.render_stateful_widget(table, table_area, &mut ts);
    }
}

/// Counts for a pane's title, e.g. "(12)" or "(3/12)" when filtered.
fn count_label(shown: usize, total: usize) -> String {
    if shown == total {
        format!("({total}) ")
    } else {
        format!("({shown}/{total}) ")
    }
}

/// The title's counts, from the totals `update` keeps: nothing is counted while drawing.
fn summary(state: &AppState, theme: &Theme, pane: PaneId, wide: bool) -> Line<'static> {
    let view = state.view(pane);
    let counts = match view.totals.items {
        // "13 groups · 33 rules", or "3/33 rules" when filtered (or narrow).
        Some((items, noun, rows)) if view.rows.len() == view.totals.rows && wide => {
            format!("({items} {noun} · {} {rows}) ", view.totals.rows)
        }
        Some((_, _, rows)) if view.rows.len() == view.totals.rows => {
            format!("({} {rows}) ", view.totals.rows)
        }
        Some((_, _, rows)) => format!("({}/{} {rows}) ", view.rows.len(), view.totals.rows),
        None => count_label(view.rows.len(), view.totals.rows),
    };
    let mut spans = vec![Span::styled(counts, theme.muted)];
    if let Some(only) = &view.only {
        spans.push(Span::styled(format!("→ {} ", only.label), theme.filter));
    }
    if let Some(sort) = view.sort {
        let field = panes::pane(pane)
            .sort_fields()
            .get(sort.field)
            .copied()
            .unwrap_or("?");
        let sign = if sort.reversed { "-" } else { "" };
        spans.push(Span::styled(format!("sorted {sign}{field} "), theme.muted));
    }
    for (badge, n) in &view.totals.badges {
        let (text, style) = match badge {
            Badge::Alert => (format!("⚠ {n} in alert "), theme.endpoints_alert),
            Badge::Risk(r) => (format!("{n} {} ", r.label()), risk_style(theme, *r)),
            Badge::Severity(s) => (
                format!("{n} {} ", s.label()),
                risk_style(theme, s.as_risk()),
            ),
            Badge::Check(c) => (format!("{n} {} ", c.label()), check_style(theme, *c)),
            Badge::Archived => (format!("{n} archived "), theme.muted),
        };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

/// "  1 match", "  3 matches".
fn matches(n: usize) -> String {
    format!("  {n} {}", if n == 1 { "match" } else { "matches" })
}
