//! The header (who and where) and the status bar (each pane's freshness, API calls, hints).

use crate::app::AppState;
use crate::app::layout::{HEADER_HEIGHT, STATUS_HEIGHT};
use crate::config::keymap::Action;
use crate::format::{age, format_window};
use crate::model::PaneId;
use crate::source::SourceKind;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// One part of the header, and how much it matters when the screen is narrow.
struct Part {
    text: String,
    style: Style,
    /// Parts with the lowest go first (the clock, then the window...); 9 is never dropped.
    keep: u8,
    /// Preceded by a `│` separator.
    separated: bool,
}

/// Drops the least needed parts until the header fits: account, region and caller stay at
/// 80 columns whatever warnings are shown. The clock is right-aligned.
fn fit_header(mut parts: Vec<Part>, width: usize) -> Vec<Span<'static>> {
    let total = |parts: &[Part]| -> usize {
        parts
            .iter()
            .map(|p| Line::from(p.text.as_str()).width() + if p.separated { 3 } else { 0 })
            .sum()
    };
    while total(&parts) > width {
        let Some(weakest) = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.keep < 9)
            .min_by_key(|(i, p)| (p.keep, usize::MAX - i))
            .map(|(i, _)| i)
        else {
            break;
        };
        parts.remove(weakest);
    }
    let clock = parts.pop_if(|p| p.keep == 0);
    let mut spans = Vec::new();
    for p in parts {
        if p.separated {
            spans.push(Span::raw(" │ "));
        }
        spans.push(Span::styled(p.text, p.style));
    }
    if let Some(clock) = clock {
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let pad = width.saturating_sub(used + Line::from(clock.text.as_str()).width());
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(clock.text, clock.style));
    }
    spans
}

pub fn header(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rect = Rect {
        height: HEADER_HEIGHT,
        ..area
    };
    let ctx = &state.context;
    let wide = area.width > 120;
    let part = |text: String, style: Style, keep: u8, separated: bool| Part {
        text,
        style,
        keep,
        separated,
    };
    let mut parts = vec![part(" secdash ".into(), theme.header_key, 3, false)];
    if ctx.source == SourceKind::Demo {
        parts.push(part(" DEMO ".into(), theme.badge_demo, 9, false));
    }
    if ctx.read_only {
        parts.push(part(" READ-ONLY ".into(), theme.badge_read_only, 9, false));
    }
    parts.extend(warnings(state, theme, wide));
    // Where actions are journalled: the incident, when there are actions to take.
    if ctx.actions_enabled() {
        parts.push(part(
            format!(" {} ", state.incident.id),
            theme.header_key,
            5,
            false,
        ));
    }
    parts.extend(whereabouts(state, theme, wide));
    let spans = fit_header(parts, rect.width as usize);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.header), rect);
}

/// What the header warns of: a damaged journal, actions that stopped part-way. They shrink to
/// words at 120 columns and less; the incident view (I) says the rest.
fn warnings(state: &AppState, theme: &Theme, wide: bool) -> Option<Part> {
    let ctx = &state.context;
    let mut warnings = Vec::new();
    if !ctx.journal_damage.is_empty() {
        let n = ctx.journal_damage.len();
        warnings.push(if wide {
            format!("journal: {n} damaged line(s), actions held: secdash journal")
        } else {
            "journal damaged".to_string()
        });
    }
    if !ctx.unfinished.is_empty() {
        let n = ctx.unfinished.len();
        warnings.push(if wide {
            format!(
                "{n} unfinished action(s): {} to see and restore them",
                state.keymap.label(Action::Incident)
            )
        } else {
            format!("{n} unfinished")
        });
    }
    (!warnings.is_empty()).then(|| Part {
        text: format!(" ⚠ {} ", warnings.join(" · ")),
        style: theme.status_error,
        keep: 9,
        separated: false,
    })
}

/// Which account, Regions, profile, caller and endpoint, the window and the clock.
fn whereabouts(state: &AppState, theme: &Theme, wide: bool) -> Vec<Part> {
    let ctx = &state.context;
    let part = |text: String, style: Style, keep: u8, separated: bool| Part {
        text,
        style,
        keep,
        separated,
    };
    let mut parts = Vec::new();
    let identity = ctx.identity.data();
    let account = identity.and_then(|i| i.account.clone()).unwrap_or_else(|| {
        if ctx.identity.error().is_some() {
            "unknown account".into()
        } else {
            "…".into()
        }
    });
    parts.push(part(account, theme.header_key, 9, false));
    // Several accounts: how many, beside the caller's own (each row names its own).
    if ctx.accounts.len() > 1 {
        parts.push(part(
            format!("{} accounts", ctx.accounts.len()),
            theme.header,
            9,
            true,
        ));
        if !ctx.fanned_out.is_empty() {
            parts.push(part(
                format!("{} read per account", ctx.fanned_out.join(", ")),
                theme.muted,
                1,
                true,
            ));
        }
    }
    parts.push(part(ctx.regions.join(","), theme.header, 9, true));
    parts.push(part(
        format!("profile {}", ctx.profile.as_deref().unwrap_or("default")),
        theme.header,
        2,
        true,
    ));
    if let Some(arn) = identity.and_then(|i| i.caller_arn.as_deref()) {
        // The role and session say who; the account is already shown.
        let who = arn.rsplit(':').next().unwrap_or(arn);
        let who = if wide {
            who
        } else {
            who.strip_prefix("assumed-role/").unwrap_or(who)
        };
        parts.push(part(who.to_string(), theme.header, 8, true));
    } else if let Some(err) = ctx.identity.error() {
        parts.push(part(
            format!("identity: {err}"),
            theme.status_error,
            8,
            true,
        ));
    }
    if let Some(url) = &ctx.endpoint_url {
        // Not AWS: worth more than the profile or the window.
        parts.push(part(
            format!("endpoint {url}"),
            theme.badge_read_only,
            6,
            true,
        ));
    }
    parts.push(part(
        format!("window {}", format_window(ctx.window)),
        theme.header,
        1,
        true,
    ));
    parts.push(part(
        format!(" {} UTC ", state.now.format("%H:%M:%S")),
        theme.header,
        0,
        false,
    ));
    parts
}

/// The status bar's parts, from most to least kept when the screen is narrow.
struct StatusParts {
    /// Each pane's freshness, with its name and with its initial.
    states: Vec<(String, String, Style)>,
    /// The API calls: with services and cost, with cost, the count alone.
    calls: [String; 3],
    /// The outcome of the last action, or the one under way.
    message: Option<(String, Style)>,
    /// Key hints: all, the incident view's and help, and help alone (always shown).
    hints: [String; 3],
}

/// Fits the parts to the width. `? help` always shows, and a message never hides it: the
/// hints, the calls and the pane names shorten first, then the message is cut.
fn fit(parts: &StatusParts, width: usize) -> Vec<Span<'static>> {
    let w = |t: &str| Line::from(t).width();
    let states = |short: bool| -> usize {
        parts
            .states
            .iter()
            .map(|(long, initial, _)| w(if short { initial } else { long }))
            .sum()
    };
    // (short states, calls variant, hints variant), from the fullest.
    let plans = [
        (false, 0, 0),
        (false, 1, 0),
        (false, 1, 1),
        (false, 2, 1),
        (false, 1, 2),
        (false, 2, 2),
        (true, 2, 2),
    ];
    let room = |(short, calls, hints): (bool, usize, usize)| -> isize {
        let hint = &parts.hints[hints];
        width as isize - (states(short) + w(&parts.calls[calls]) + w(hint)) as isize
    };
    let want = parts.message.as_ref().map_or(0, |(m, _)| w(m) as isize + 2);
    let chosen = plans
        .iter()
        .copied()
        .find(|p| room(*p) >= want)
        .unwrap_or((true, 2, 2));
    let (short, calls, hints) = chosen;
    let mut spans: Vec<Span<'static>> = Vec::new();
    for (long, initial, style) in &parts.states {
        spans.push(Span::styled(
            if short { initial.clone() } else { long.clone() },
            *style,
        ));
    }
    let mut free = room(chosen);
    // Calls give way entirely before the message is cut below 24 columns.
    let mut calls_text = parts.calls[calls].clone();
    if free < want.min(24) {
        free += w(&calls_text) as isize;
        calls_text.clear();
    }
    spans.push(Span::raw(calls_text));
    let hint = parts.hints[hints].clone();
    let mut used: usize = spans.iter().map(|s| s.width()).sum();
    if let Some((text, style)) = &parts.message {
        let keep = (free - 2).max(0) as usize;
        let cut: String = if w(text) > keep {
            let mut t: String = text.chars().take(keep.saturating_sub(1)).collect();
            while w(&t) > keep.saturating_sub(1) {
                t.pop();
            }
            format!("{t}…")
        } else {
            text.clone()
        };
        if keep > 0 {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(cut, *style));
        }
        used = spans.iter().map(|s| s.width()).sum();
    }
    let pad = width.saturating_sub(used + w(&hint));
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::raw(hint));
    spans
}

pub fn status_bar(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rect = Rect {
        y: area.y + area.height.saturating_sub(STATUS_HEIGHT),
        height: STATUS_HEIGHT,
        ..area
    };
    if let Some(cmd) = state.command() {
        frame.render_widget(Paragraph::new(command_line(cmd, theme)), rect);
        return;
    }
    let states = pane_states(state, theme);
    let calls = api_calls(state);
    let message = match (&state.busy, &state.flash) {
        (Some(b), _) => Some((format!("⟳ {b}"), theme.status_loading)),
        (None, Some(f)) if state.now < f.shown_until() => Some(if f.error {
            (format!("✗ {}", f.text), theme.status_error)
        } else if f.refusal {
            (format!("⊘ {}", f.text), theme.risk_medium)
        } else {
            (format!("✓ {}", f.text), theme.status_ok)
        }),
        _ => None,
    };
    let hints = hints(state);
    let parts = StatusParts {
        states,
        calls,
        message,
        hints,
    };
    let mut spans = fit(&parts, rect.width as usize);
    // Styles the fitting left plain: the calls and hints are muted.
    for s in spans.iter_mut() {
        if s.style == Style::default() {
            s.style = theme.muted;
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), rect);
}

/// Each pane's state and age, long and short.
fn pane_states(state: &AppState, theme: &Theme) -> Vec<(String, String, Style)> {
    let mut states = Vec::new();
    for pane in PaneId::ALL {
        let (mark, style) = if state.is_loading(pane) {
            ("⟳", theme.status_loading)
        } else if state.error(pane).is_some() {
            ("✗", theme.status_error)
        } else if let Some((_, w)) = state.stamp(pane) {
            if w.is_empty() {
                ("✓", theme.status_ok)
            } else {
                ("⚠", theme.status_error)
            }
        } else {
            ("·", theme.muted)
        };
        // Several accounts being read: how many have answered.
        let age_text = match (state.is_loading(pane), state.progress[pane.index()]) {
            (true, Some((done, total))) => format!("{done}/{total} accounts"),
            _ => state
                .stamp(pane)
                .map(|(at, _)| age(state.now, at))
                .unwrap_or_default(),
        };
        let name = crate::panes::pane(pane).short_name();
        let initial: String = name.chars().take(1).collect();
        // The name is muted, the state coloured: one span each would not shorten together.
        states.push((
            format!(" {name} {mark}{age_text}"),
            format!(" {initial}{mark}{age_text}"),
            style,
        ));
    }
    states
}

/// The calls of the last refresh, by service, and what the metrics cost: three lengths.
fn api_calls(state: &AppState) -> [String; 3] {
    let total = state.total_api_calls();
    let calls: u32 = total.total();
    // Per service, e.g. "cloudwatch 1 ec2 4": the full list is in the JSON snapshot.
    let mut by_service: Vec<(String, u32)> = Vec::new();
    for (op, n) in &total {
        let service = op.split(':').next().unwrap_or(op).to_string();
        match by_service.iter_mut().find(|(s, _)| *s == service) {
            Some((_, c)) => *c += n,
            None => by_service.push((service, *n)),
        }
    }
    let detail: Vec<String> = by_service.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let cost = state.cloudwatch_cost();
    let cost_text = if cost.metrics_per_refresh > 0 {
        format!(
            " · metrics ≈${:.4}/refresh ${:.2}/h",
            cost.usd_per_refresh, cost.usd_per_hour
        )
    } else {
        String::new()
    };
    let services = if detail.is_empty() {
        String::new()
    } else {
        format!(" ({})", detail.join(" · "))
    };
    [
        format!("  │ {calls} API calls{services}{cost_text}"),
        format!("  │ {calls} API calls{cost_text}"),
        format!("  │ {calls} calls"),
    ]
}

/// The keys of the focused pane's actions and of the incident, help and quit: three lengths.
fn hints(state: &AppState) -> [String; 3] {
    let action_hint = if state.context.actions_enabled() {
        match state.focus {
            crate::model::PaneId::SecurityGroups => format!(
                "{} isolate  {} revoke  {} restore  ",
                state.keymap.label(Action::intent("isolate")),
                state.keymap.label(Action::intent("revoke_rule")),
                state.keymap.label(Action::intent("restore"))
            ),
            crate::model::PaneId::Findings => format!(
                "{} archive  {} contain  ",
                state.keymap.label(Action::intent("archive")),
                state.keymap.label(Action::intent("contain"))
            ),
            _ => String::new(),
        }
    } else {
        String::new()
    };
    let help = format!("{} help ", state.keymap.label(Action::Help));
    [
        format!(
            "  {action_hint}{} incident  {} filter  {} details  {} quit  {help}",
            state.keymap.label(Action::Incident),
            state.keymap.label(Action::Filter),
            state.keymap.label(Action::Open),
            state
                .keymap
                .label(Action::Quit)
                .split(',')
                .next()
                .unwrap_or("q"),
        ),
        format!(
            "  {} incident  {help}",
            state.keymap.label(Action::Incident)
        ),
        format!("  {help}"),
    ]
}

/// The `:` line in place of the status bar: the text with its cursor, then what went wrong,
/// the choices Tab found, or how it works.
fn command_line(cmd: &crate::app::command::CommandLine, theme: &Theme) -> Line<'static> {
    let mut spans = super::dialog::field(":", &cmd.line, true, theme.filter);
    spans.push(Span::raw("   "));
    spans.push(match (cmd.line.error(), cmd.choices.is_empty()) {
        (Some(e), _) => Span::styled(format!("✗ {e}"), theme.status_error),
        (None, false) => Span::styled(cmd.choices.join("  "), theme.muted),
        (None, true) => Span::styled(
            "tab completes · enter runs · esc closes".to_string(),
            theme.muted,
        ),
    });
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(message: Option<&str>) -> StatusParts {
        let state = |n: &str| {
            (
                format!(" {n} ✓30s"),
                format!(" {}✓30s", &n[..1]),
                Style::default(),
            )
        };
        StatusParts {
            states: ["endpoints", "groups", "findings", "checklist"]
                .iter()
                .map(|n| state(n))
                .collect(),
            calls: [
                "  │ 12 API calls (ec2 4 · guardduty 8) · metrics ≈$0.0010/refresh $0.06/h".into(),
                "  │ 12 API calls · metrics ≈$0.0010/refresh $0.06/h".into(),
                "  │ 12 calls".into(),
            ],
            message: message.map(|m| (m.to_string(), Style::default())),
            hints: [
                "  x isolate  I incident  / filter  enter details  q quit  ? help ".into(),
                "  I incident  ? help ".into(),
                "  ? help ".into(),
            ],
        }
    }

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn help_is_always_shown_and_a_message_never_covers_it() {
        let long =
            "✓ isolate sg-0b1d2f3a4c5e6a704 done, verified · journal 20261201-195812-sg-0b1d";
        for width in [60, 80, 100, 120, 160, 200] {
            for message in [None, Some(long)] {
                let line = text(&fit(&parts(message), width));
                assert!(line.ends_with("? help "), "{width}: {line:?}");
                assert!(
                    Line::from(line.as_str()).width() <= width,
                    "{width}: {line:?}"
                );
                assert!(line.contains("calls") || width < 90, "{width}: {line:?}");
                if message.is_some() {
                    assert!(line.contains("✓ isolate sg-"), "{width}: {line:?}");
                }
            }
        }
    }

    #[test]
    fn wide_screens_keep_everything() {
        let line = text(&fit(&parts(Some("✓ done")), 240));
        assert!(line.contains("(ec2 4 · guardduty 8)"), "{line}");
        assert!(line.contains("I incident"), "{line}");
        assert!(line.contains(" endpoints ✓30s"), "{line}");
    }
}
