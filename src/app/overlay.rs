//! What is drawn over the panes, and where each one is scrolled to.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Detail {
        scroll: usize,
    },
    Incident {
        selected: usize,
    },
    /// A finding's (or the incident's) subjects: `AppState::subjects`.
    Subjects,
    /// A CloudTrail timeline: `AppState::timeline`.
    Timeline,
    /// The checklist by account: the first item row and the first account column shown
    /// (clamped where it is drawn, which knows how many fit).
    Matrix {
        scroll: usize,
        first_account: usize,
    },
}

/// A key in the checklist matrix: j/k and pages move down the items, h/l and ←/→ across the
/// accounts (more than fit on a line at 20 or more).
pub(super) fn matrix_key(
    state: &mut super::AppState,
    action: Option<crate::config::keymap::Action>,
    key: crossterm::event::KeyEvent,
) -> Vec<super::Effect> {
    use crate::config::keymap::Action;
    use crossterm::event::KeyCode;
    let Overlay::Matrix {
        scroll,
        first_account,
    } = state.overlay
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
        Some(Action::Quit) => {
            state.quit = true;
            return vec![super::Effect::Quit];
        }
        Some(Action::Back | Action::Matrix) => {
            state.overlay = Overlay::None;
            return vec![];
        }
        Some(action) => {
            let page = state.screen.height.saturating_sub(8).max(1) as usize;
            scrolled(action, scroll, page, None)
        }
        None => scroll,
    };
    state.overlay = Overlay::Matrix {
        scroll,
        first_account,
    };
    vec![]
}

/// Where a scrolling overlay moves for a key: a line, a page, the top, or its last line
/// when known (`bottom`); any other key leaves it where it is.
pub(super) fn scrolled(
    action: crate::config::keymap::Action,
    scroll: usize,
    page: usize,
    bottom: Option<usize>,
) -> usize {
    use crate::config::keymap::Action;
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
