//! Drawing. `render` reads the state and the theme and draws; it changes nothing and calls
//! nothing outside the frame. Every pane is drawn by `pane` from its registry entry; the
//! chrome and the overlays have their own files.

mod chrome;
mod overlay;
mod pane;

use crate::app::layout;
use crate::app::{AppState, Overlay};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::widgets::Block;

pub fn render(state: &AppState, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::default().style(theme.base), area);
    chrome::header(state, theme, frame, area);
    for (pane, rect) in layout::panes(area, state.focus, state.zoomed) {
        pane::draw(state, theme, frame, rect, pane);
    }
    chrome::status_bar(state, theme, frame, area);
    match state.overlay {
        Overlay::None => {}
        Overlay::Help => overlay::help(state, theme, frame, area),
        Overlay::Detail { scroll } => overlay::detail(state, theme, frame, area, scroll),
        Overlay::Incident { selected } => overlay::incident(state, theme, frame, area, selected),
    }
    overlay::confirm(state, theme, frame, area);
}
