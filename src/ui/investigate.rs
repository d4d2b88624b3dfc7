//! The investigation overlays: a finding's subjects, and a CloudTrail timeline with its
//! summary of source IPs and user agents, its highlights and every event.

use super::dialog::{self, Dialog};
use crate::app::AppState;
use crate::app::investigate::{self, SubjectsView};
use crate::app::layout::centered;
use crate::app::timeline::{self, TimelineView, TrailLoad};
use crate::report::table;
use crate::theme::Theme;
use crate::trail::{Category, Event, Seen};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Cut to `width` columns (ending with `…`) and padded to it, like the text report's cells.
pub(super) fn cut(s: &str, width: usize) -> String {
    table::pad(&table::fit(s, width), width)
}

/// The selected row: the selection's colours over every span's own.
fn selected<'a>(line: Line<'a>, is: bool, theme: &Theme) -> Line<'a> {
    if !is {
        return line;
    }
    Line::from(
        line.spans
            .into_iter()
            .map(|s| s.patch_style(theme.selection))
            .collect::<Vec<_>>(),
    )
    .style(theme.selection)
}

pub fn subjects(
    state: &AppState,
    view: &SubjectsView,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let wide = centered(area, 90, 90);
    // As tall as its lines, no taller.
    let height = (view.items.len() as u16 + 7).min(wide.height);
    let rect = Rect {
        y: area.y + area.height.saturating_sub(height) / 2,
        height,
        ..wide
    };
    let inner_w = rect.width.saturating_sub(2) as usize;
    let acting = state.context.actions_enabled();
    let mut lines = vec![
        Line::from(Span::styled(cut(&view.title, inner_w), theme.muted)),
        Line::default(),
    ];
    for (i, s) in view.items.iter().enumerate() {
        let badge = state
            .changes
            .get(s.id.as_str())
            .cloned()
            .unwrap_or_default();
        let act = if acting {
            &investigate::containment_label(state, s)
        } else {
            &String::new()
        };
        let id_w = inner_w.saturating_sub(20 + 24).clamp(12, 32);
        let act_w = inner_w.saturating_sub(20 + id_w + 1);
        let mut spans = vec![
            Span::styled(format!(" {:<18} ", s.kind.label()), theme.header_key),
            Span::styled(format!("{} ", cut(&s.id, id_w)), theme.dialog),
            Span::styled(cut(act, act_w), theme.muted),
        ];
        if !badge.is_empty() {
            spans.push(Span::styled(format!(" {badge}"), theme.risk_medium));
        }
        lines.push(selected(Line::from(spans), i == view.selected, theme));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        if acting {
            "enter opens it (its row, or its timeline) · t timeline · c contains · u restores · y copies"
        } else {
            "enter opens it (its row, or its timeline) · t timeline · y copies"
        },
        theme.muted,
    )));
    Dialog::new(format!("Subjects ({})", view.items.len()))
        .keys("esc closes")
        .draw(
            theme,
            frame,
            rect,
            Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        );
}

fn category_style(theme: &Theme, c: Option<Category>) -> Style {
    match c {
        Some(Category::DefenceEvasion | Category::ModelTampering) => theme.risk_critical,
        Some(Category::Persistence | Category::CredentialAccess | Category::Mining) => {
            theme.risk_high
        }
        Some(Category::Denied) => theme.risk_medium,
        None => theme.dialog,
    }
}

fn seen_line<'a>(theme: &Theme, label: &'a str, rows: &[Seen], width: usize) -> Line<'a> {
    let text = rows
        .iter()
        .take(3)
        .map(|s| {
            format!(
                "{} ({}, {}–{})",
                s.value,
                s.events,
                s.first_seen.format("%m-%d %H:%M"),
                s.last_seen.format("%m-%d %H:%M")
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let more = rows.len().saturating_sub(3);
    let text = if more > 0 {
        format!("{text} · +{more} more")
    } else {
        text
    };
    Line::from(vec![
        Span::styled(format!("{label:<12}"), theme.header_key),
        Span::styled(cut(&text, width.saturating_sub(12)), theme.dialog),
    ])
}

fn event_row<'a>(theme: &Theme, e: &Event, width: usize, regions: bool) -> Line<'a> {
    // Below 100 columns the event's service and the long category names give way.
    let wide = width >= 100;
    let label = |c: &Category| if wide { c.label() } else { c.short() };
    let what = match (&e.category, &e.error_code) {
        (Some(c), Some(err)) => format!("{} · {err}", label(c)),
        (Some(c), None) => label(c).to_string(),
        (None, Some(err)) => err.clone(),
        (None, None) => String::new(),
    };
    let resources = e
        .resources
        .iter()
        .map(|(_, n)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let (name, name_w) = if wide {
        let service = e.source.strip_suffix(".amazonaws.com").unwrap_or(&e.source);
        (format!("{} ({service})", e.name), 36)
    } else {
        (e.name.clone(), 26)
    };
    let mut spans = vec![Span::styled(
        format!(" {} ", e.time.format("%m-%d %H:%M:%S")),
        theme.muted,
    )];
    let mut used = 16;
    if regions {
        spans.push(Span::styled(
            format!("{} ", cut(&e.region, 14)),
            theme.muted,
        ));
        used += 15;
    }
    spans.push(Span::styled(
        format!("{} ", if e.read_only { "R" } else { "W" }),
        theme.muted,
    ));
    spans.push(Span::styled(
        format!("{} ", cut(&name, name_w)),
        category_style(theme, e.category),
    ));
    spans.push(Span::styled(
        format!("{} ", cut(&e.source_ip, 15)),
        theme.dialog,
    ));
    used += 2 + name_w + 1 + 16;
    let rest = width.saturating_sub(used);
    let tail = if what.is_empty() {
        resources
    } else if resources.is_empty() {
        what.clone()
    } else {
        format!("{what} · {resources}")
    };
    spans.push(Span::styled(
        cut(&tail, rest),
        category_style(theme, e.category),
    ));
    Line::from(spans)
}

pub fn timeline(view: &TimelineView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rect = centered(area, 96, 92);
    let inner_w = rect.width.saturating_sub(2) as usize;
    let inner_h = rect.height.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let title = format!("CloudTrail · {}", view.title);
    let mut bottom = "/ filters · enter shows the event · r reads again · esc closes".to_string();
    match &view.load {
        TrailLoad::Loading => lines.push(Line::from(Span::styled(
            " reading CloudTrail (LookupEvents, 2 requests a second per region)…",
            theme.status_loading,
        ))),
        TrailLoad::Failed(e) => {
            lines.push(Line::from(Span::styled(
                " the timeline could not be read:",
                theme.status_error,
            )));
            lines.push(Line::from(Span::styled(
                format!(" {e}"),
                theme.status_error,
            )));
            lines.push(Line::from(Span::styled(
                " r reads again; secdash-readonly.json grants cloudtrail:LookupEvents",
                theme.muted,
            )));
        }
        TrailLoad::Ready { timeline, calls } => {
            let n_calls: u32 = calls.total();
            lines.push(Line::from(Span::styled(
                cut(
                    &format!(
                        "{} event(s) since {} UTC in {} · {n_calls} API call(s)",
                        timeline.events.len(),
                        view.since.format("%Y-%m-%d %H:%M"),
                        timeline.regions.join(", ")
                    ),
                    inner_w,
                ),
                theme.muted,
            )));
            if let Some(scroll) = view.open {
                if let Some(e) = view.selected_event() {
                    let all = timeline::event_lines(e);
                    for (label, value) in all.iter().skip(scroll) {
                        lines.push(Line::from(vec![
                            Span::styled(format!("{label:>12}  "), theme.header_key),
                            Span::styled(value.clone(), theme.dialog),
                        ]));
                    }
                    bottom = "j/k scroll · esc back to the list".into();
                }
            } else {
                timeline_list(theme, view, timeline, (inner_w, inner_h), &mut lines);
            }
        }
    }
    Dialog::new(cut(&title, inner_w.saturating_sub(2)))
        .keys(bottom)
        .draw(theme, frame, rect, Paragraph::new(lines));
}

/// The timeline's list: who called from where, the highlights, the warnings, the events, the
/// filter being typed.
fn timeline_list(
    theme: &Theme,
    view: &TimelineView,
    timeline: &crate::trail::Timeline,
    (inner_w, inner_h): (usize, usize),
    lines: &mut Vec<Line<'static>>,
) {
    lines.push(seen_line(
        theme,
        "Source IPs",
        &timeline.source_ips,
        inner_w,
    ));
    lines.push(seen_line(
        theme,
        "User agents",
        &timeline.user_agents,
        inner_w,
    ));
    let highlights = timeline.highlights();
    let mut spans = vec![Span::styled(
        format!("{:<12}", "Highlights"),
        theme.header_key,
    )];
    if highlights.is_empty() {
        spans.push(Span::styled("none", theme.muted));
    }
    for (i, (c, events)) in highlights.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.muted));
        }
        let name = if inner_w >= 100 { c.label() } else { c.short() };
        spans.push(Span::styled(
            format!("{name} {}", events.len()),
            category_style(theme, Some(*c)),
        ));
    }
    lines.push(Line::from(spans));
    for w in timeline
        .truncated
        .iter()
        .map(|r| format!("{r}: page cap reached, older events not read"))
        .chain(timeline.errors.iter().cloned())
    {
        lines.push(Line::from(Span::styled(
            cut(&format!(" warning: {w}"), inner_w),
            theme.status_error,
        )));
    }
    lines.push(Line::default());
    let rows = view.rows();
    let filter_line = view.editing_filter || !view.filter.is_empty();
    let room = inner_h
        .saturating_sub(lines.len())
        .saturating_sub(filter_line as usize)
        .max(1);
    let offset = view.selected.saturating_sub(room - 1);
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            if timeline.events.is_empty() {
                " no events in this window"
            } else {
                " no event matches the filter"
            },
            theme.muted,
        )));
    }
    let multi = timeline.regions.len() > 1;
    for (k, i) in rows.iter().enumerate().skip(offset).take(room) {
        let line = event_row(theme, &timeline.events[*i], inner_w, multi);
        lines.push(selected(line, k == view.selected, theme));
    }
    if filter_line {
        while lines.len() < inner_h.saturating_sub(1) {
            lines.push(Line::default());
        }
        let mut spans = dialog::field("/", &view.filter, view.editing_filter, theme.filter);
        spans.push(Span::styled(
            format!("  {} of {}", rows.len(), timeline.events.len()),
            theme.muted,
        ));
        lines.push(Line::from(spans));
    }
}
