//! The one frame every popup is drawn in — the help, a row's details, the checklist matrix,
//! the incident view, the subjects, a timeline, an action's confirmation — and the one way a
//! text field is drawn, its cursor where typing goes.

use crate::app::text_field::TextField;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

/// A popup's frame: its title at the top, the keys it takes at the bottom right.
pub struct Dialog {
    title: String,
    keys: Option<String>,
    danger: bool,
}

impl Dialog {
    pub fn new(title: impl AsRef<str>) -> Dialog {
        Dialog {
            title: format!(" {} ", title.as_ref().trim()),
            keys: None,
            danger: false,
        }
    }

    /// The keys the popup takes, at its bottom right.
    pub fn keys(mut self, keys: impl AsRef<str>) -> Dialog {
        self.keys = Some(format!(" {} ", keys.as_ref().trim()));
        self
    }

    /// An action about to change AWS: a double border in the critical colour.
    pub fn danger(mut self) -> Dialog {
        self.danger = true;
        self
    }

    fn block(self, theme: &Theme) -> Block<'static> {
        let (border, style) = match self.danger {
            true => (BorderType::Double, theme.risk_critical),
            false => (BorderType::Rounded, theme.border_focused),
        };
        let mut block = Block::bordered()
            .border_type(border)
            .border_style(style)
            .title(Span::styled(self.title, theme.title_focused))
            .style(theme.dialog);
        if let Some(keys) = self.keys {
            block = block.title_bottom(Line::from(Span::styled(keys, theme.muted)).right_aligned());
        }
        block
    }

    /// Draws the popup over whatever is under `rect`, `body` inside its frame.
    pub fn draw(self, theme: &Theme, frame: &mut Frame, rect: Rect, body: Paragraph) {
        frame.render_widget(Clear, rect);
        frame.render_widget(body.block(self.block(theme)), rect);
    }
}

/// A text field as typed: `prefix`, the text with the cursor where typing goes (no cursor
/// when it is not being typed into), in `style`.
pub fn field(prefix: &str, field: &TextField, typing: bool, style: Style) -> Vec<Span<'static>> {
    let (before, after) = field.split();
    vec![
        Span::styled(format!("{prefix}{before}"), style),
        Span::styled(if typing { "▏" } else { "" }, style),
        Span::styled(after.to_string(), style),
    ]
}
