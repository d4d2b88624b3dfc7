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
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn header(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rect = Rect {
        height: HEADER_HEIGHT,
        ..area
    };
    let ctx = &state.context;
    let sep = || Span::styled(" │ ", theme.header);
    let mut spans = vec![Span::styled(" secdash ", theme.header_key)];
    if ctx.source == SourceKind::Demo {
        spans.push(Span::styled(" DEMO ", theme.badge_demo));
        spans.push(Span::styled(" ", theme.header));
    }
    if ctx.read_only {
        spans.push(Span::styled(" READ-ONLY ", theme.badge_read_only));
        spans.push(Span::styled(" ", theme.header));
    }
    if !ctx.journal_damage.is_empty() {
        spans.push(Span::styled(
            format!(
                " ⚠ journal: {} damaged line(s), actions held: secdash journal ",
                ctx.journal_damage.len()
            ),
            theme.status_error,
        ));
        spans.push(Span::styled(" ", theme.header));
    }
    if !ctx.unfinished.is_empty() {
        spans.push(Span::styled(
            format!(
                " ⚠ {} unfinished action(s): secdash journal ",
                ctx.unfinished.len()
            ),
            theme.status_error,
        ));
        spans.push(Span::styled(" ", theme.header));
    }
    let identity = ctx.identity.data();
    let account = identity.and_then(|i| i.account.clone()).unwrap_or_else(|| {
        if ctx.identity.error().is_some() {
            "unknown account".into()
        } else {
            "…".into()
        }
    });
    spans.push(Span::styled(account, theme.header_key));
    spans.push(sep());
    spans.push(Span::styled(ctx.regions.join(","), theme.header));
    spans.push(sep());
    spans.push(Span::styled(
        format!("profile {}", ctx.profile.as_deref().unwrap_or("default")),
        theme.header,
    ));
    if let Some(arn) = identity.and_then(|i| i.caller_arn.as_deref()) {
        spans.push(sep());
        // The role and session say who; the account is already shown.
        let who = arn.rsplit(':').next().unwrap_or(arn);
        spans.push(Span::styled(who.to_string(), theme.header));
    } else if let Some(err) = ctx.identity.error() {
        spans.push(sep());
        spans.push(Span::styled(format!("identity: {err}"), theme.status_error));
    }
    if let Some(url) = &ctx.endpoint_url {
        spans.push(sep());
        spans.push(Span::styled(
            format!("endpoint {url}"),
            theme.badge_read_only,
        ));
    }
    spans.push(sep());
    spans.push(Span::styled(
        format!("window {}", format_window(ctx.window)),
        theme.header,
    ));
    let clock = Span::styled(
        format!(" {} UTC ", state.now.format("%H:%M:%S")),
        theme.header,
    );
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.header), rect);
    frame.render_widget(
        Paragraph::new(Line::from(clock).right_aligned()).style(theme.header),
        rect,
    );
}

pub fn status_bar(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rect = Rect {
        y: area.y + area.height.saturating_sub(STATUS_HEIGHT),
        height: STATUS_HEIGHT,
        ..area
    };
    let mut spans = Vec::new();
    for pane in PaneId::ALL {
        let (mark, style) = if state.is_loading(pane) {
            ("⟳".to_string(), theme.status_loading)
        } else if state.error(pane).is_some() {
            ("✗".to_string(), theme.status_error)
        } else if let Some((_, w)) = state.stamp(pane) {
            if w.is_empty() {
                ("✓".to_string(), theme.status_ok)
            } else {
                ("⚠".to_string(), theme.status_error)
            }
        } else {
            ("·".to_string(), theme.muted)
        };
        let age_text = state
            .stamp(pane)
            .map(|(at, _)| age(state.now, at))
            .unwrap_or_default();
        spans.push(Span::styled(
            format!(" {} ", crate::panes::pane(pane).short_name()),
            theme.muted,
        ));
        spans.push(Span::styled(format!("{mark}{age_text}"), style));
    }
    let total = state.total_api_calls();
    let calls: u32 = total.values().sum();
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
    let mut text = format!("  │ {calls} API calls");
    if !detail.is_empty() && rect.width >= 150 {
        text.push_str(&format!(" ({})", detail.join(" · ")));
    }
    let cost = state.cloudwatch_cost();
    if cost.metrics_per_refresh > 0 {
        text.push_str(&format!(
            " · metrics ≈${:.4}/refresh ${:.2}/h",
            cost.usd_per_refresh, cost.usd_per_hour
        ));
    }
    spans.push(Span::styled(text, theme.muted));
    // An action under way, or the last outcome, takes the place of the hints.
    let message = match (&state.busy, &state.flash) {
        (Some(b), _) => Some(Span::styled(format!(" ⟳ {b} "), theme.status_loading)),
        (None, Some(f)) if (state.now - f.at).num_seconds() < 30 => Some(Span::styled(
            format!(" {} {} ", if f.error { "✗" } else { "✓" }, f.text),
            if f.error {
                theme.status_error
            } else {
                theme.status_ok
            },
        )),
        _ => None,
    };
    let action_hint = if state.context.actions_enabled() {
        match state.focus {
            crate::model::PaneId::SecurityGroups => format!(
                "{} isolate  {} revoke  {} restore  ",
                state.keymap.label(Action::Isolate),
                state.keymap.label(Action::RevokeRule),
                state.keymap.label(Action::Restore)
            ),
            crate::model::PaneId::Findings => format!(
                "{} archive  {} contain  ",
                state.keymap.label(Action::Archive),
                state.keymap.label(Action::Contain)
            ),
            _ => String::new(),
        }
    } else {
        String::new()
    };
    let hint = format!(
        "{action_hint}{} help  {} filter  {} details  {} quit ",
        state.keymap.label(Action::Help),
        state.keymap.label(Action::Filter),
        state.keymap.label(Action::Open),
        state
            .keymap
            .label(Action::Quit)
            .split(',')
            .next()
            .unwrap_or("q"),
    );
    let used_now = Line::from(spans.clone()).width();
    frame.render_widget(Paragraph::new(Line::from(spans)), rect);
    if let Some(m) = message {
        frame.render_widget(Paragraph::new(Line::from(m).right_aligned()), rect);
        return;
    }
    // The hint gives way on narrow screens rather than covering the pane states.
    if rect.width as usize > used_now + hint.chars().count() + 2 {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(hint, theme.muted)).right_aligned()),
            rect,
        );
    }
}
