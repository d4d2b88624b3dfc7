//! Overlays drawn over the panes: the help listing every binding, and a row's details.

use crate::app::layout::centered;
use crate::app::{AppState, detail};
use crate::config::keymap::Action;
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
    // Actions are hidden in read-only mode; in the demo they are listed as needing AWS.
    let entries: Vec<(String, String)> = Action::ALL
        .iter()
        .filter(|a| !(a.changes_aws() && state.context.read_only))
        .map(|a| {
            let mut d = a.description().to_string();
            if a.changes_aws() && !state.context.actions_enabled() {
                d.push_str(" (AWS)");
            }
            (state.keymap.label(*a), d)
        })
        .collect();
    let key_w = entries
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let col_w = (rect.width.saturating_sub(2) / if two { 2 } else { 1 }) as usize;
    let entry = |(k, d): &(String, String)| -> Vec<Span<'static>> {
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

/// The plan of an action, exactly as it will run, and the question. No is the default.
pub fn confirm(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(c) = &state.confirm else { return };
    let plan = &c.plan;
    let rect = centered(area, 80, 70);
    let account = state
        .context
        .identity
        .data()
        .and_then(|i| i.account.clone())
        .unwrap_or_else(|| "?".into());
    let mut lines: Vec<Line> = vec![
        Line::from(vec![
            Span::styled(
                format!("{} ", plan.action.verb().to_uppercase()),
                theme.risk_critical,
            ),
            Span::styled(plan.target.clone(), theme.header_key),
            Span::styled(
                format!("  in {} · account {}", plan.region, account),
                theme.dialog,
            ),
        ]),
        Line::default(),
    ];
    if plan.steps.is_empty() {
        lines.push(Line::from(Span::styled("Nothing to change.", theme.muted)));
    }
    for (i, step) in plan.steps.iter().flat_map(|s| s.describe()).enumerate() {
        lines.push(Line::from(Span::styled(
            format!("{:>3}. {step}", i + 1),
            theme.dialog,
        )));
    }
    for n in &plan.notes {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!("note: {n}"),
            theme.risk_medium,
        )));
    }
    if let Some(d) = &plan.dry_run {
        lines.push(Line::from(Span::styled(d.clone(), theme.muted)));
    }
    lines.push(Line::default());
    if plan.action.destructive() {
        lines.push(Line::from(vec![
            Span::styled(
                format!("Type {} and press enter to confirm: ", plan.target),
                theme.dialog,
            ),
            Span::styled(format!("{}▏", c.input), theme.filter),
        ]));
        lines.push(Line::from(Span::styled(
            "esc cancels · nothing changes until you confirm",
            theme.muted,
        )));
    } else {
        lines.push(Line::from(Span::styled(
            "y confirms · any other key cancels (default: no)",
            theme.dialog,
        )));
    }
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.risk_critical)
        .title(Span::styled(" Confirm action ", theme.title_focused))
        .style(theme.dialog);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

/// The incident's runbook, step by step, and what was done for it.
pub fn incident(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect, selected: usize) {
    use crate::action::journal::EntryStatus;
    use crate::action::runbook::StepStatus;
    let rect = centered(area, 90, 90);
    let rb = crate::app::incident::steps(state);
    let mut lines: Vec<Line> = Vec::new();
    let mut phase = None;
    for (i, s) in rb.steps.iter().enumerate() {
        if phase != Some(s.phase) {
            if phase.is_some() {
                lines.push(Line::default());
            }
            lines.push(Line::from(Span::styled(
                s.phase.title(),
                theme.table_header,
            )));
            phase = Some(s.phase);
        }
        let (mark, style) = match s.status {
            StepStatus::Pending => ("[ ]", theme.dialog),
            StepStatus::Done => ("[x]", theme.check_pass),
            StepStatus::Skipped => ("[-]", theme.muted),
        };
        let when =
            s.at.map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default();
        let row = Line::from(vec![
            Span::styled(format!(" {mark} "), style),
            Span::styled(format!("{:<34}", s.title), style),
            Span::styled(format!("{when:>5}  {}", s.how), theme.muted),
        ]);
        lines.push(if i == selected {
            row.style(theme.selection)
        } else {
            row
        });
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(
            "Actions of this incident ({})",
            state.incident.entries.len()
        ),
        theme.table_header,
    )));
    if state.incident.entries.is_empty() {
        lines.push(Line::from(Span::styled(" none yet", theme.muted)));
    }
    for e in &state.incident.entries {
        let (status, style) = match e.status {
            EntryStatus::Done if e.verified == Some(true) => {
                ("done, verified".to_string(), theme.status_ok)
            }
            EntryStatus::Done => ("done, not verified".to_string(), theme.status_error),
            EntryStatus::Failed => ("failed".to_string(), theme.status_error),
            EntryStatus::Incomplete => (
                format!("incomplete {}/{}", e.steps_done, e.steps),
                theme.status_error,
            ),
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", e.time.format("%H:%M:%S")), theme.muted),
            Span::styled(
                format!("{:<9} {:<26} ", e.action.verb(), e.target),
                theme.dialog,
            ),
            Span::styled(status, style),
            Span::styled(format!("  {}", e.entry), theme.muted),
        ]));
    }
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(
            format!(" Incident {} ", state.incident.id),
            theme.title_focused,
        ))
        .title_bottom(
            Line::from(Span::styled(
                " space done · s skip · p pending · enter go to the pane · esc close ",
                theme.muted,
            ))
            .right_aligned(),
        )
        .style(theme.dialog);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
