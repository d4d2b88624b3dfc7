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

/// A key in the checklist matrix: j/k and pages move down the items, h/l and ←/→ choose an
/// account (the line scrolls across to show it); Enter on an account whose items wait to be
/// read from it opens it.
pub(super) fn matrix_key(
    state: &mut AppState,
    action: Option<Action>,
    key: KeyEvent,
) -> Vec<Effect> {
    let Some(&Layer::Matrix { scroll, column }) = state.top() else {
        return vec![];
    };
    let items = state
        .pane_data(crate::model::PaneId::Checklist)
        .and_then(|d| d.checklist())
        .unwrap_or(&[]);
    let matrix = crate::panes::checklist::matrix(items);
    // Moved from the account chosen as it shows, so a key past the end is never lost.
    let last = matrix.accounts.len().saturating_sub(1);
    let column = match key.code {
        KeyCode::Left | KeyCode::Char('h') => column.min(last).saturating_sub(1),
        KeyCode::Right | KeyCode::Char('l') => (column + 1).min(last),
        _ => column,
    };
    let scroll = match action {
        Some(Action::Quit) => return super::keys::quit(state),
        Some(Action::Open) if waiting(items, &matrix, column).is_some() => {
            let account = matrix.accounts[column].clone();
            return super::keys::open_account(state, account);
        }
        Some(Action::Back | Action::Open | Action::Matrix) => {
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
        *top = Layer::Matrix { scroll, column };
    }
    vec![]
}

/// An item of the matrix's column `column` that waits to be read from its account.
fn waiting<'a>(
    items: &'a [crate::model::CheckItem],
    matrix: &crate::panes::checklist::Matrix,
    column: usize,
) -> Option<&'a crate::model::CheckItem> {
    let account = matrix.accounts.get(column)?;
    items.iter().find(|i| {
        crate::panes::account_name(&i.account) == account.as_str()
            && i.evidence
                .first()
                .is_some_and(|e| e.starts_with(crate::checklist::security_hub::ON_DEMAND_PREFIX))
    })
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
