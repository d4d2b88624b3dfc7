//! The popups of the panes and of incident response: the help listing every binding, a row's
//! details, an action's plan waiting for a yes, and the incident view (its runbook, its
//! actions, its notes, its prompt).

use super::dialog::{self, Dialog};
use crate::app::actions::Confirm;
use crate::app::layout::centered;
use crate::app::{AppState, detail};
use crate::config::keymap::Action;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn help(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect, scroll: usize) {
    let rect = centered(area, 92, 90);
    // Actions are hidden in read-only mode; without AWS or the rehearsal they say so.
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
    let entry_w = entries
        .iter()
        .map(|(_, d)| key_w + 2 + d.chars().count() + 2)
        .max()
        .unwrap_or(0);
    // Two columns only when every description fits whole in one; else one column that scrolls.
    let inner_w = rect.width.saturating_sub(2) as usize;
    let two = entry_w * 2 <= inner_w;
    let col_w = if two { inner_w / 2 } else { inner_w };
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
    for text in [
        "Filter: type to narrow (matches are underlined), enter keeps it, esc clears it; ←/→, ctrl-w, ctrl-u edit, ↑/↓ move the selection, n/N step through the matches.",
        "Commands (:, tab completes): :sg :endpoints :findings :checklist · :region us-west-2 | all · :window 6h · :incident INC-2041 · :theme light · :sort latency (-latency reverses).",
        "Incident view (I): space marks a step done, s skips it, n adds a note, N switches the incident, u restores the selected action, enter goes to its pane or resource, esc closes.",
        "Mouse: a click selects, the wheel scrolls; `mouse = false` in the config gives them to the terminal. Rebind keys in [keys] of the config file. Ctrl-Z suspends; fg redraws.",
    ] {
        // Free text wraps at spaces: a cut sentence loses its end.
        for part in crate::format::wrap(text, inner_w) {
            lines.push(Line::from(Span::styled(part, theme.muted)));
        }
    }
    let visible = rect.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(visible));
    let more = lines.len() > visible;
    let title = if more {
        format!(
            "Keys · {}–{} of {} · j/k scroll · esc closes",
            scroll + 1,
            (scroll + visible).min(lines.len()),
            lines.len()
        )
    } else {
        "Keys · esc closes".to_string()
    };
    let body = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll as u16, 0));
    Dialog::new(title).draw(theme, frame, rect, body);
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
        "{}/{} · j/k scroll · esc closes",
        (scroll + 1).min(all.len()),
        all.len()
    );
    Dialog::new(detail::title(state)).keys(pos).draw(
        theme,
        frame,
        rect,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
    );
}

/// The plan of an action, exactly as it will run, and the question. No is the default.
pub fn confirm(state: &AppState, c: &Confirm, theme: &Theme, frame: &mut Frame, area: Rect) {
    let plan = &c.plan;
    let rect = centered(area, 80, 70);
    let account = plan.account_shown(
        state
            .context
            .identity
            .data()
            .and_then(|i| i.account.as_deref()),
    );
    let clean = crate::sanitize::clean;
    let mut lines: Vec<Line> = vec![Line::from(vec![
        Span::styled(
            format!("{} ", plan.action.verb().to_uppercase()),
            theme.risk_critical,
        ),
        Span::styled(clean(&plan.target), theme.header_key),
        Span::styled(
            format!(
                "  in {} · account {} · incident {}",
                clean(&plan.region),
                clean(&account),
                state.incident.id
            ),
            theme.dialog,
        ),
    ])];
    if let Some(subject) = &plan.subject {
        lines.push(Line::from(Span::styled(clean(subject), theme.dialog)));
    }
    lines.push(Line::default());
    if plan.steps.is_empty() {
        lines.push(Line::from(Span::styled("Nothing to change.", theme.muted)));
    }
    for (i, step) in plan.steps.iter().flat_map(|s| s.describe()).enumerate() {
        lines.push(Line::from(Span::styled(
            format!("{:>3}. {step}", i + 1),
            theme.dialog,
        )));
    }
    for risk in &c.risks {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!("risk: {risk}"),
            theme.risk_critical,
        )));
    }
    for n in &plan.notes {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!("note: {}", clean(n)),
            theme.risk_medium,
        )));
    }
    if let Some(d) = &plan.dry_run {
        lines.push(Line::from(Span::styled(clean(d), theme.muted)));
    }
    if state.context.rehearsal {
        lines.push(Line::from(Span::styled(
            "rehearsal: the demo's own account changes, nothing real",
            theme.muted,
        )));
    }
    lines.push(Line::default());
    if c.typed {
        // The whole id, however narrow the pane that listed it.
        let mut spans = vec![
            Span::styled("Type ", theme.dialog),
            Span::styled(clean(&plan.target), theme.header_key),
            Span::styled(" and press enter to confirm: ", theme.dialog),
        ];
        spans.extend(dialog::field("", &c.input, true, theme.filter));
        lines.push(Line::from(spans));
        if let Some(why) = c.input.error() {
            lines.push(Line::from(Span::styled(
                why.to_string(),
                theme.status_error,
            )));
        }
        lines.push(Line::from(Span::styled(
            "tab fills in the id · esc cancels · nothing changes until you confirm",
            theme.muted,
        )));
    } else {
        lines.push(Line::from(Span::styled(
            "y confirms · any other key cancels (default: no)",
            theme.dialog,
        )));
    }
    let body = Paragraph::new(lines).wrap(Wrap { trim: false });
    Dialog::new("Confirm action")
        .danger()
        .draw(theme, frame, rect, body);
}

/// The incident's runbook, step by step, and what was done for it.
pub fn incident(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect, selected: usize) {
    // A laptop's 80 columns need every one: the entry ids are what `restore` takes.
    let rect = if area.width < 100 {
        centered(area, 100, 100)
    } else {
        centered(area, 90, 90)
    };
    let steps = crate::app::incident::steps(state).steps.len();
    let mut lines: Vec<Line> = Vec::new();
    // The line of the selected row, to scroll it into view.
    let mut cursor = runbook_lines(state, theme, selected, &mut lines);
    lines.push(Line::default());
    cursor = cursor.or(action_lines(
        state,
        theme,
        selected.checked_sub(steps),
        rect.width.saturating_sub(2) as usize,
        &mut lines,
    ));
    radius_lines(
        state,
        theme,
        rect.width.saturating_sub(2) as usize,
        &mut lines,
    );
    note_lines(state, theme, &mut lines);
    // The prompt takes the last line inside the box; the rows scroll above it.
    let inner = rect.height.saturating_sub(2) as usize;
    let prompt = incident_prompt(state, theme);
    let rows = inner.saturating_sub(usize::from(prompt.is_some()));
    let offset = (cursor.unwrap_or(0) + 1).saturating_sub(rows);
    let mut shown: Vec<Line> = lines.into_iter().skip(offset).take(rows).collect();
    if let Some(p) = prompt {
        while shown.len() < rows {
            shown.push(Line::default());
        }
        shown.push(p);
    }
    Dialog::new(format!("Incident {}", state.incident.id))
        .keys("space done · s skip · n note · N switch incident · u restore · enter go to · esc")
        .draw(theme, frame, rect, Paragraph::new(shown));
}

/// The runbook's steps under their phases; the line of the selected one, if it is a step.
fn runbook_lines(
    state: &AppState,
    theme: &Theme,
    selected: usize,
    lines: &mut Vec<Line<'static>>,
) -> Option<usize> {
    use crate::action::runbook::StepStatus;
    let mut cursor = None;
    let mut phase = None;
    for (i, s) in crate::app::incident::steps(state).steps.iter().enumerate() {
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
        let how = crate::action::runbook::with_keys(&s.how, |name| {
            state.keymap.label(Action::intent(name))
        });
        let row = Line::from(vec![
            Span::styled(format!(" {mark} "), style),
            Span::styled(format!("{:<34}", s.title), style),
            Span::styled(format!("{when:>5}  {how}"), theme.muted),
        ]);
        if i == selected {
            cursor = Some(lines.len());
            lines.push(row.style(theme.selection));
        } else {
            lines.push(row);
        }
    }
    cursor
}

/// The incident's actions with where each stands; the line of the selected one (`selected`:
/// its place among the actions), if it is an action.
/// The longest verb of the registry ("unshare-model-group"), so the targets line up.
static VERB_WIDTH: std::sync::LazyLock<usize> = std::sync::LazyLock::new(|| {
    crate::action::kinds::REGISTRY
        .iter()
        .map(|s| s.verb().len())
        .max()
        .unwrap_or(15)
});

fn action_lines(
    state: &AppState,
    theme: &Theme,
    selected: Option<usize>,
    width: usize,
    lines: &mut Vec<Line<'static>>,
) -> Option<usize> {
    use crate::action::journal::EntryStatus;
    let clean = crate::sanitize::clean;
    lines.push(Line::from(Span::styled(
        format!(
            "Actions ({}) · u restores the selected one, enter goes to its resource",
            state.incident.entries.len()
        ),
        theme.table_header,
    )));
    if state.incident.entries.is_empty() {
        lines.push(Line::from(Span::styled(" none yet", theme.muted)));
    }
    let mut cursor = None;
    for (k, e) in state.incident.entries.iter().enumerate() {
        let (status, style) = match e.status {
            _ if e.undone_by.is_some() => ("restored".to_string(), theme.muted),
            EntryStatus::Done if e.verified == Some(true) => {
                ("done, verified".to_string(), theme.status_ok)
            }
            EntryStatus::Done => ("done, not verified".to_string(), theme.status_error),
            EntryStatus::Failed => ("failed".to_string(), theme.status_error),
            EntryStatus::Incomplete => (
                format!("unfinished {}/{}: u restores it", e.steps_done, e.steps),
                theme.status_error,
            ),
        };
        // Another incident's action is here only because it stopped part-way: say whose.
        let whose = if e.incident == state.incident.id {
            String::new()
        } else {
            format!(" · {}", clean(&e.incident))
        };
        // Narrow, the entry id (what `restore` takes) comes before the status, whole, and
        // the target gives up room; wide, the line reads time, action, target, status, id.
        let narrow = width < 100;
        let target_w = if narrow {
            width
                .saturating_sub(7 + *VERB_WIDTH + 1 + e.entry.len() + 2 + 15)
                .clamp(8, 26)
        } else {
            26
        };
        let what = format!(
            "{:<verb$} {:<target_w$} ",
            e.action.verb(),
            // An ARN is cut in the middle: its tail tells it apart, and the status after it
            // stays on the line.
            crate::format::elide_middle(&clean(&e.target), target_w),
            verb = *VERB_WIDTH
        );
        let row = if narrow {
            Line::from(vec![
                Span::styled(format!(" {} ", e.time.format("%H:%M")), theme.muted),
                Span::styled(what, theme.dialog),
                Span::styled(format!("{}  ", clean(&e.entry)), theme.muted),
                Span::styled(format!("{status}{whose}"), style),
            ])
        } else {
            Line::from(vec![
                Span::styled(format!(" {} ", e.time.format("%H:%M:%S")), theme.muted),
                Span::styled(what, theme.dialog),
                Span::styled(status, style),
                Span::styled(format!("  {}{whose}", clean(&e.entry)), theme.muted),
            ])
        };
        if selected == Some(k) {
            cursor = Some(lines.len());
            lines.push(row.style(theme.selection));
        } else {
            lines.push(row);
        }
    }
    cursor
}

/// What each principal the incident contained could change of what answers, as IAM's
/// simulator said: what was at risk while it was loose.
fn radius_lines(state: &AppState, theme: &Theme, width: usize, lines: &mut Vec<Line<'static>>) {
    if state.incident.radii.is_empty() {
        return;
    }
    let clean = crate::sanitize::clean;
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "What the contained could change (IAM's policy simulator)",
        theme.table_header,
    )));
    for (principal, radius) in &state.incident.radii {
        let who = format!(
            " {:<28} ",
            crate::format::elide_middle(&clean(&principal.to_string()), 28)
        );
        let said: Vec<(String, ratatui::style::Style)> = match radius {
            None => vec![("reading…".into(), theme.muted)],
            Some(Err(why)) => vec![(format!("could not be read: {why}"), theme.status_error)],
            Some(Ok(r)) if r.is_empty() => {
                vec![("nothing that changes what answers".into(), theme.muted)]
            }
            Some(Ok(r)) => {
                let mut out = Vec::new();
                // How many first, then which: a long list is cut at the box's edge.
                let list = |v: &[String], noun: &str| {
                    let names: Vec<String> = v.iter().map(|u| clean(u)).collect();
                    let s = if v.len() == 1 { "" } else { "s" };
                    format!("{} {noun}{s}: {}", v.len(), names.join(", "))
                };
                if !r.can_write_artifacts.is_empty() {
                    out.push((
                        format!(
                            "may overwrite {}",
                            list(&r.can_write_artifacts, "served artifact")
                        ),
                        theme.status_error,
                    ));
                }
                if !r.can.is_empty() {
                    let calls: Vec<&str> = r
                        .can
                        .iter()
                        .map(|a| a.trim_start_matches("sagemaker:"))
                        .collect();
                    out.push((format!("may call {}", calls.join(", ")), theme.status_error));
                }
                if !r.can_read_training.is_empty() {
                    out.push((
                        format!("may read {}", list(&r.can_read_training, "training input")),
                        theme.dialog,
                    ));
                }
                out
            }
        };
        // Cut in the middle: the count leads, the last name ends the line.
        let room = width.saturating_sub(who.chars().count());
        for (i, (text, style)) in said.into_iter().enumerate() {
            let lead = if i == 0 {
                who.clone()
            } else {
                " ".repeat(who.chars().count())
            };
            lines.push(Line::from(vec![
                Span::styled(lead, theme.dialog),
                Span::styled(crate::format::elide_middle(&text, room), style),
            ]));
        }
    }
}

/// The runbook's notes, when there are any.
fn note_lines(state: &AppState, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    let Some(notes) = state.incident.runbook.as_ref().map(|r| &r.notes) else {
        return;
    };
    if notes.is_empty() {
        return;
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!("Notes ({})", notes.len()),
        theme.table_header,
    )));
    for (at, text) in notes {
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", at.format("%H:%M:%S")), theme.muted),
            Span::styled(crate::sanitize::clean(text), theme.dialog),
        ]));
    }
}

/// The note or incident prompt, when one is open.
fn incident_prompt(state: &AppState, theme: &Theme) -> Option<Line<'static>> {
    use crate::app::incident::PromptKind;
    let p = state.prompt()?;
    let label = match p.kind {
        PromptKind::Note => "note: ",
        PromptKind::Incident => "switch to incident (started if new): ",
    };
    let mut spans = vec![Span::styled(label, theme.header_key)];
    spans.extend(dialog::field("", &p.input, true, theme.filter));
    if let Some(e) = p.input.error() {
        spans.push(Span::styled(format!("  {e}"), theme.status_error));
    } else {
        spans.push(Span::styled("  enter saves · esc cancels", theme.muted));
    }
    Some(Line::from(spans))
}
