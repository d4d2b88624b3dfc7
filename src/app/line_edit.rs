//! Editing one line of typed text (the filter, the `:` command line) as a shell's line
//! editor does: ←/→, Home/End, Ctrl-A/E, Ctrl-U, Ctrl-W, Backspace/Delete, pasted text.

/// The longest line a prompt takes (a note, an incident id, a filter).
pub const PROMPT_MAX: usize = 200;

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

/// A line of text and a cursor, counted in characters, with a length cap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineEdit {
    pub text: String,
    pub cursor: usize,
}

impl LineEdit {
    pub fn new(text: &str) -> LineEdit {
        LineEdit {
            text: text.to_string(),
            cursor: text.chars().count(),
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
    /// become spaces and nothing goes past `max` characters.
    pub fn insert(&mut self, text: &str, max: usize) -> bool {
        let room = max.saturating_sub(self.len());
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(room)
            .collect();
        if clean.is_empty() {
            return false;
        }
        let at = self.byte_at(self.cursor);
        self.cursor += clean.chars().count();
        self.text.insert_str(at, &clean);
        true
    }

    /// Applies an editing key.
    pub fn key(&mut self, key: KeyEvent, max: usize) -> Edited {
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
                self.insert(&c.to_string(), max);
            }
            _ => return Edited::NotMine,
        }
        if self.text.len() != before {
            Edited::Text
        } else {
            Edited::Cursor
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(line: &mut LineEdit, code: KeyCode, ctrl: bool) -> Edited {
        let m = if ctrl {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        };
        line.key(KeyEvent::new(code, m), 64)
    }

    #[test]
    fn typing_inserts_at_the_cursor() {
        let mut l = LineEdit::new("ssh");
        press(&mut l, KeyCode::Home, false);
        assert_eq!(press(&mut l, KeyCode::Char('x'), false), Edited::Text);
        assert_eq!((l.text.as_str(), l.cursor), ("xssh", 1));
        press(&mut l, KeyCode::Right, false);
        press(&mut l, KeyCode::Backspace, false);
        assert_eq!((l.text.as_str(), l.cursor), ("xsh", 1));
        press(&mut l, KeyCode::Delete, false);
        assert_eq!(l.text, "xh");
    }

    #[test]
    fn ctrl_w_deletes_a_word_and_ctrl_u_the_start() {
        let mut l = LineEdit::new("open ssh  world");
        press(&mut l, KeyCode::Char('w'), true);
        assert_eq!(l.text, "open ssh  ");
        press(&mut l, KeyCode::Char('w'), true);
        assert_eq!(l.text, "open ");
        let mut l = LineEdit::new("open ssh");
        press(&mut l, KeyCode::Left, false);
        press(&mut l, KeyCode::Left, false);
        press(&mut l, KeyCode::Char('u'), true);
        assert_eq!((l.text.as_str(), l.cursor), ("sh", 0));
    }

    #[test]
    fn a_paste_is_one_line_and_capped() {
        let mut l = LineEdit::new("");
        assert!(l.insert("i-0abc\nsg-1\u{1b}[31m", 10));
        assert_eq!(l.text, "i-0abc sg-");
        assert_eq!(l.cursor, 10);
        assert!(!l.insert("more", 10));
    }

    #[test]
    fn multibyte_text_edits_by_character() {
        let mut l = LineEdit::new("é→x");
        press(&mut l, KeyCode::Left, false);
        press(&mut l, KeyCode::Backspace, false);
        assert_eq!(l.text, "éx");
        assert_eq!(press(&mut l, KeyCode::Enter, false), Edited::NotMine);
    }
}
