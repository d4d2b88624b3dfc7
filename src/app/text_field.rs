//! The one text field: every line typed on the screen (a pane's filter, the timeline's, the
//! `:` command line, the typed confirmation, the incident view's note and incident prompts)
//! is edited as a shell's line editor does — ←/→, Home/End, Ctrl-A/E, Ctrl-U, Ctrl-W,
//! Backspace/Delete, pasted text — capped at its own length, with an error line for why the
//! last Enter was not taken.

/// The longest line a prompt takes (a note, an incident id).
pub const PROMPT_MAX: usize = 200;
/// The filter's longest text: a pasted log line must not become a filter of pages.
pub const FILTER_MAX: usize = 64;
/// The longest id typed to confirm an action.
pub const CONFIRM_MAX: usize = 128;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// The text changed.
    Text,
    /// Only the cursor moved.
    Cursor,
    /// Not an editing key: the caller decides (Enter, Esc, ↑/↓, Tab).
    NotMine,
}

/// A line of text and a cursor, counted in characters, with a length cap and an error line.
#[derive(Debug, Clone, PartialEq)]
pub struct TextField {
    text: String,
    cursor: usize,
    max: usize,
    /// Why the last Enter was not taken; gone at the next change.
    error: Option<String>,
}

impl TextField {
    /// An empty field of at most `max` characters.
    pub fn new(max: usize) -> TextField {
        TextField::with_text("", max)
    }

    /// A field holding `text` (cut to `max`), the cursor at its end.
    pub fn with_text(text: &str, max: usize) -> TextField {
        let mut field = TextField {
            text: String::new(),
            cursor: 0,
            max,
            error: None,
        };
        field.insert(text);
        field
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Where typing goes, in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The text before the cursor and after it, to draw the cursor between.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.byte_at(self.cursor))
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Says why the last Enter was not taken, on the field's error line.
    pub fn set_error(&mut self, why: impl Into<String>) {
        self.error = Some(why.into());
    }

    /// Replaces the text (a completion, the id filled in), the cursor at its end.
    pub fn set_text(&mut self, text: &str) {
        *self = TextField::with_text(text, self.max);
    }

    /// Enter: the trimmed text, if `valid` takes it; otherwise `None`, and why on the error
    /// line.
    pub fn accept(&mut self, valid: impl FnOnce(&str) -> Result<(), String>) -> Option<String> {
        let text = self.text.trim().to_string();
        match valid(&text) {
            Ok(()) => Some(text),
            Err(why) => {
                self.error = Some(why);
                None
            }
        }
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Inserts text at the cursor, as typed or pasted: control characters (a pasted newline)
    /// become spaces, characters that would hide or reorder text are dropped, and nothing goes
    /// past the field's length.
    pub fn insert(&mut self, text: &str) -> bool {
        let room = self.max.saturating_sub(self.len());
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            // Bidi overrides and the like would let the text on screen read other than it is.
            .filter(|c| *c == ' ' || crate::sanitize::is_safe(*c))
            .take(room)
            .collect();
        if clean.is_empty() {
            return false;
        }
        let at = self.byte_at(self.cursor);
        self.cursor += clean.chars().count();
        self.text.insert_str(at, &clean);
        self.error = None;
        true
    }

    /// Applies an editing key; a change of the text clears the error line.
    pub fn key(&mut self, key: KeyEvent) -> Edited {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let before = self.text.len();
        match key.code {
            KeyCode::Left if self.cursor > 0 => self.cursor -= 1,
            KeyCode::Right if self.cursor < self.len() => self.cursor += 1,
            KeyCode::Left | KeyCode::Right => return Edited::Cursor,
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.len(),
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.len(),
            KeyCode::Char('u') if ctrl => {
                // Everything before the cursor, as in a shell.
                let at = self.byte_at(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('w') if ctrl => {
                // The word before the cursor and the spaces after it.
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                let (from, to) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(from..to, "");
                self.cursor = start;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let (from, to) = (self.byte_at(self.cursor - 1), self.byte_at(self.cursor));
                self.text.replace_range(from..to, "");
                self.cursor -= 1;
            }
            KeyCode::Delete if self.cursor < self.len() => {
                let (from, to) = (self.byte_at(self.cursor), self.byte_at(self.cursor + 1));
                self.text.replace_range(from..to, "");
            }
            KeyCode::Backspace | KeyCode::Delete => return Edited::Cursor,
            KeyCode::Char(c) if !ctrl && !alt => {
                self.insert(&c.to_string());
            }
            _ => return Edited::NotMine,
        }
        if self.text.len() != before {
            self.error = None;
            Edited::Text
        } else {
            Edited::Cursor
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(line: &mut TextField, code: KeyCode, ctrl: bool) -> Edited {
        let m = if ctrl {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        };
        line.key(KeyEvent::new(code, m))
    }

    #[test]
    fn typing_inserts_at_the_cursor() {
        let mut l = TextField::with_text("ssh", 64);
        press(&mut l, KeyCode::Home, false);
        assert_eq!(press(&mut l, KeyCode::Char('x'), false), Edited::Text);
        assert_eq!((l.text(), l.cursor()), ("xssh", 1));
        press(&mut l, KeyCode::Right, false);
        press(&mut l, KeyCode::Backspace, false);
        assert_eq!((l.text(), l.cursor()), ("xsh", 1));
        press(&mut l, KeyCode::Delete, false);
        assert_eq!(l.text(), "xh");
    }

    #[test]
    fn ctrl_w_deletes_a_word_and_ctrl_u_the_start() {
        let mut l = TextField::with_text("open ssh  world", 64);
        press(&mut l, KeyCode::Char('w'), true);
        assert_eq!(l.text(), "open ssh  ");
        press(&mut l, KeyCode::Char('w'), true);
        assert_eq!(l.text(), "open ");
        let mut l = TextField::with_text("open ssh", 64);
        press(&mut l, KeyCode::Left, false);
        press(&mut l, KeyCode::Left, false);
        press(&mut l, KeyCode::Char('u'), true);
        assert_eq!((l.text(), l.cursor()), ("sh", 0));
    }

    #[test]
    fn a_paste_is_one_line_and_capped() {
        let mut l = TextField::new(10);
        assert!(l.insert("i-0abc\nsg-1\u{1b}[31m"));
        assert_eq!(l.text(), "i-0abc sg-");
        assert_eq!(l.cursor(), 10);
        assert!(!l.insert("more"));
    }

    #[test]
    fn multibyte_text_edits_by_character() {
        let mut l = TextField::with_text("é→x", 64);
        press(&mut l, KeyCode::Left, false);
        press(&mut l, KeyCode::Backspace, false);
        assert_eq!(l.text(), "éx");
        assert_eq!(press(&mut l, KeyCode::Enter, false), Edited::NotMine);
    }
}
