//! Keys: what each binding does to the state, the filter line's editing, the cursor.

use super::{
    AppState, Effect, Flash, Overlay, actions, detail, incident, keep_visible, rebuild_rows, rows,
};
use crate::config::keymap::Action;
use crate::model::PaneId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn move_cursor(state: &mut AppState, delta: isize) {
    let pane = state.focus;
    let view = state.view_mut(pane);
    let last = view.rows.len().saturating_sub(1) as isize;
    view.selected = (view.selected as isize + delta).clamp(0, last.max(0)) as usize;
    keep_visible(state, pane);
}

pub(super) fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    // Ctrl-C quits from anywhere, whatever the bindings say.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![Effect::Quit];
    }
    if state.confirm.is_some() {
        return actions::confirm_key(state, key);
    }
    if state.prompt.is_some() {
        return incident::prompt_key(state, key);
    }
    if state.editing_filter {
        edit_filter(state, key);
        return vec![];
    }
    let action = state.keymap.action_for(&key);
    if matches!(state.overlay, Overlay::Incident { .. }) {
        return incident::on_key(state, action, key);
    }
    let Some(action) = action else {
        return vec![];
    };
    match state.overlay {
        Overlay::Help => {
            let page = state.screen.height.saturating_sub(6).max(1) as usize;
            match action {
                Action::Quit => return quit(state),
                Action::Back | Action::Help | Action::Open => state.overlay = Overlay::None,
                Action::Down => state.help_scroll += 1,
                Action::Up => state.help_scroll = state.help_scroll.saturating_sub(1),
                Action::PageDown => state.help_scroll += page,
                Action::PageUp => state.help_scroll = state.help_scroll.saturating_sub(page),
                Action::Top => state.help_scroll = 0,
                Action::Bottom => state.help_scroll = usize::MAX / 2,
                _ => {}
            }
            return vec![];
        }
        Overlay::Detail { scroll } => {
            let max = detail::lines(state).len().saturating_sub(1);
            let page = state.screen.height.saturating_sub(8).max(1) as usize;
            let scroll = match action {
                Action::Quit => return quit(state),
                Action::Back | Action::Open => {
                    state.overlay = Overlay::None;
                    return vec![];
                }
                Action::Down => scroll + 1,
                Action::Up => scroll.saturating_sub(1),
                Action::PageDown => scroll + page,
                Action::PageUp => scroll.saturating_sub(page),
                Action::Top => 0,
                Action::Bottom => max,
                _ => scroll,
            };
            state.overlay = Overlay::Detail {
                scroll: scroll.min(max),
            };
            return vec![];
        }
        Overlay::None | Overlay::Incident { .. } => {}
    }
    let page = state.page_rows(state.focus) as isize;
    match action {
        Action::Quit => return quit(state),
        Action::NextPane => focus(state, PaneId::from_index(state.focus.index() + 1)),
        Action::PrevPane => focus(state, PaneId::from_index(state.focus.index() + 3)),
        Action::FocusEndpoints => focus(state, PaneId::Endpoints),
        Action::FocusSecurityGroups => focus(state, PaneId::SecurityGroups),
        Action::FocusFindings => focus(state, PaneId::Findings),
        Action::FocusChecklist => focus(state, PaneId::Checklist),
        Action::Down => move_cursor(state, 1),
        Action::Up => move_cursor(state, -1),
        Action::PageDown => move_cursor(state, page),
        Action::PageUp => move_cursor(state, -page),
        Action::Top => move_cursor(state, isize::MIN / 2),
        Action::Bottom => move_cursor(state, isize::MAX / 2),
        Action::Open => {
            if state.selected_row().is_some() {
                state.overlay = Overlay::Detail { scroll: 0 };
            }
        }
        Action::Back => {
            if state.zoomed {
                state.zoomed = false;
                for pane in PaneId::ALL {
                    keep_visible(state, pane);
                }
            } else if !state.view(state.focus).filter.is_empty() {
                set_filter(state, String::new());
            }
        }
        Action::Filter => {
            state.editing_filter = true;
            keep_visible(state, state.focus);
        }
        Action::Refresh => return vec![Effect::Refresh(state.focus)],
        Action::RefreshAll => return PaneId::ALL.into_iter().map(Effect::Refresh).collect(),
        Action::Zoom => {
            state.zoomed = !state.zoomed;
            for pane in PaneId::ALL {
                keep_visible(state, pane);
            }
        }
        Action::Help => {
            state.overlay = Overlay::Help;
            state.help_scroll = 0;
        }
        Action::Incident => state.overlay = Overlay::Incident { selected: 0 },
        Action::ToggleArchived => {
            state.show_archived = !state.show_archived;
            let text = if state.show_archived {
                "archived findings are listed too"
            } else {
                "archived findings are hidden"
            };
            state.flash = Some(Flash::info(text, state.now));
            return vec![Effect::ShowArchived(state.show_archived)];
        }
        Action::Isolate
        | Action::RevokeRule
        | Action::Contain
        | Action::Archive
        | Action::Restore => match actions::request_for(state, action) {
            Ok((request, region)) => return request_action(state, request, region),
            Err(e) => state.flash = Some(Flash::refused(e, state.now)),
        },
    }
    vec![]
}

/// Asks the executor for a plan, unless actions are off or one is under way.
pub(super) fn request_action(
    state: &mut AppState,
    request: crate::action::Request,
    region: String,
) -> Vec<Effect> {
    if !state.context.actions_enabled() {
        let why = if state.context.read_only {
            "read-only mode: actions are off"
        } else {
            "the demo scenario cannot be changed: actions need AWS"
        };
        state.flash = Some(Flash::refused(why, state.now));
        return vec![];
    }
    if let Some(busy) = &state.busy {
        state.flash = Some(Flash::refused(format!("wait: {busy}"), state.now));
        return vec![];
    }
    state.busy = Some(format!("planning {}…", request.kind().verb()));
    vec![Effect::Plan { request, region }]
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quit = true;
    vec![Effect::Quit]
}

fn focus(state: &mut AppState, pane: PaneId) {
    state.focus = pane;
    keep_visible(state, pane);
}

fn set_filter(state: &mut AppState, filter: String) {
    set_filter_of(state, state.focus, filter);
}

/// Sets a pane's filter and rebuilds its rows, from the last matches when it only narrows.
pub(super) fn set_filter_of(state: &mut AppState, pane: PaneId, filter: String) {
    let old = std::mem::replace(&mut state.view_mut(pane).filter, filter.clone());
    let view = state.view_mut(pane);
    view.selected = 0;
    view.offset = 0;
    // A longer filter with the same start can only narrow: look at today's rows, not all.
    let narrowing = !old.trim().is_empty() && filter.starts_with(&old) && !filter.ends_with(' ');
    if narrowing {
        let candidates = std::mem::take(&mut state.view_mut(pane).rows);
        let rows = rows::visible_rows_among(state, pane, &filter, Some(&candidates));
        state.view_mut(pane).rows = rows;
        keep_visible(state, pane);
    } else {
        rebuild_rows(state, pane);
    }
}

fn edit_filter(state: &mut AppState, key: KeyEvent) {
    let mut text = state.view(state.focus).filter.clone();
    match key.code {
        KeyCode::Esc => {
            state.editing_filter = false;
            text.clear();
        }
        KeyCode::Enter => {
            state.editing_filter = false;
            keep_visible(state, state.focus);
            return;
        }
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            if text.chars().count() < 64 {
                text.push(c);
            }
        }
        _ => return,
    }
    set_filter(state, text);
}
