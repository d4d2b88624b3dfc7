//! Drawing. `render` reads the state and the theme and draws; it changes nothing and calls
//! nothing outside the frame. Every pane is drawn by `pane` from its registry entry, then each
//! open layer over them, bottom first, in the one dialog frame; the chrome and the popups have
//! their own files.

mod chrome;
mod dialog;
mod investigate;
mod matrix;
mod overlay;
mod pane;

use crate::app::layout;
use crate::app::{AppState, Layer};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::widgets::Block;

/// Below this, the header cannot show the account whole: secdash says so instead of showing
/// a cut account id.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

pub fn render(state: &AppState, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::default().style(theme.base), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "terminal too small: {}×{}\nsecdash needs {MIN_WIDTH}×{MIN_HEIGHT}\n(q quits)",
            area.width, area.height
        );
        let lines = text.lines().count() as u16;
        let y = area.y + area.height.saturating_sub(lines) / 2;
        frame.render_widget(
            ratatui::widgets::Paragraph::new(text)
                .style(theme.base)
                .alignment(ratatui::layout::Alignment::Center)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            ratatui::layout::Rect {
                y,
                height: area.height.saturating_sub(y - area.y),
                ..area
            },
        );
        return;
    }
    chrome::header(state, theme, frame, area);
    let top = layout::top_left(state.focus);
    for (pane, rect) in layout::panes(area, state.focus, state.zoomed, state.view(top).rows.len()) {
        pane::draw(state, theme, frame, rect, pane);
    }
    chrome::status_bar(state, theme, frame, area);
    for layer in &state.layers {
        match layer {
            Layer::Help { scroll } => overlay::help(state, theme, frame, area, *scroll),
            Layer::Detail { scroll } => overlay::detail(state, theme, frame, area, *scroll),
            Layer::Matrix { scroll, column } => {
                matrix::draw(state, theme, frame, area, *scroll, *column)
            }
            Layer::Incident { selected } => overlay::incident(state, theme, frame, area, *selected),
            Layer::Subjects(view) => investigate::subjects(state, view, theme, frame, area),
            Layer::Timeline(view) => investigate::timeline(view, theme, frame, area),
            Layer::Confirm(confirm) => overlay::confirm(state, confirm, theme, frame, area),
            // Typed into what is under them: the pane, the status bar, the incident view.
            Layer::Filter { .. } | Layer::Command(_) | Layer::Prompt(_) => {}
        }
    }
}
