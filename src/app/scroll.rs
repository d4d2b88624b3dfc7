//! Keys of the layers that only scroll: the help, a row's details, the checklist matrix.

use super::layer::Layer;
use super::{AppState, Effect, detail};
use crate::config::keymap::Action;
use crossterm::event::{KeyCode, KeyEvent};

/// A key in the help: it scrolls, and closes.
pub(super) fn help_key(state: &mut AppState, action: Action) -> Vec<Effect> {
    let page = state.screen.height.saturating_sub(6).max(1) as usize;
    let Some(Layer::Help { scroll }) = state.top_mut() else {
        return vec![];
    };
    match action {
        Action::Quit => return super::keys::quit(state),
        Action::Back | Action::Help | Action::Open => {
            state.pop();
        }
        Action::Bottom => *scroll = usize::MAX / 2,
        _ => *scroll = scrolled(action, *scroll, page, None),
    }
    vec![]
}

/// A key in a row's details: they scroll, and close.
pub(super) fn detail_key(state: &mut AppState, action: Action) -> Vec<Effect> {
    let max = detail::lines(state).len().saturating_sub(1);
    let page = state.screen.height.saturating_sub(8).max(1) as usize;
    let Some(Layer::Detail { scroll }) = state.top_mut() else {
        return vec![];
    };
    match action {
        Action::Quit => return super::keys::quit(state),
        Action::Back | Action::Open => {
            state.pop();
        }
        _ => *scroll = scrolled(action, *scroll, page, Some(max)).min(max),
    }
    vec![]
}

/// A key in the checklist matrix: j/k and pages move down the items, h/l and ←/→ across the
/// accounts (more than fit on a line at 20 or more).
pub(super) fn matrix_key(
    state: &mut AppState,
    action: Option<Action>,
    key: KeyEvent,
) -> Vec<Effect> {
    let Some(&Layer::Matrix {
        scroll,
        first_account,
    }) = state.top()
    else {
        return vec![];
    };
    // Moved from where the matrix shows, so a key past the end is never lost to a later one.
    let items = state
        .pane_data(crate::model::PaneId::Checklist)
        .and_then(|d| d.checklist())
        .unwrap_or(&[]);
    let inner = super::layout::matrix_rect(state.screen)
        .width
        .saturating_sub(2);
    let shown = crate::panes::checklist::matrix(items)
        .columns(usize::from(inner), first_account)
        .1;
    let first_account = match key.code {
        KeyCode::Left | KeyCode::Char('h') => shown.start.saturating_sub(1),
        KeyCode::Right | KeyCode::Char('l') => shown.start + 1,
        _ => first_account,
    };
    let scroll = match action {
        Some(Action::Quit) => return super::keys::quit(state),
        Some(Action::Back | Action::Matrix) => {
            state.pop();
            return vec![];
        }
        Some(action) => {
            let page = state.screen.height.saturating_sub(8).max(1) as usize;
            scrolled(action, scroll, page, None)
        }
        None => scroll,
    };
    if let Some(top) = state.top_mut() {
        *top = Layer::Matrix {
            scroll,
            first_account,
        };
    }
    vec![]
}

/// Where a scrolling layer moves for a key: a line, a page, the top, or its last line when
/// known (`bottom`); any other key leaves it where it is.
pub(super) fn scrolled(action: Action, scroll: usize, page: usize, bottom: Option<usize>) -> usize {
    match action {
        Action::Down => scroll + 1,
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll + page,
        Action::PageUp => scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => bottom.unwrap_or(scroll),
        _ => scroll,
    }
}
