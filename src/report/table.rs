//! Aligned plain-text tables for the text report, measured in terminal columns.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cuts `s` to at most `max` columns, ending with `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

pub fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

/// A cell with an optional ANSI SGR code for colour.
pub struct Cell {
    pub text: String,
    pub sgr: Option<&'static str>,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, sgr: None }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            sgr: None,
        }
    }
}

pub fn colored(text: impl Into<String>, sgr: &'static str) -> Cell {
    Cell {
        text: text.into(),
        sgr: Some(sgr),
    }
}

/// Renders rows under headers; `max` caps each column's width (0 = no cap).
pub fn render(headers: &[&str], max: &[usize], rows: Vec<Vec<Cell>>, color: bool) -> String {
    let cols = headers.len();
    let rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .enumerate()
                .map(|(i, mut c)| {
                    let cap = max.get(i).copied().unwrap_or(0);
                    if cap > 0 {
                        c.text = fit(&c.text, cap);
                    }
                    c
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(c.text.width());
        }
    }
    let mut out = String::new();
    let head: Vec<String> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| pad(h, widths[i]))
        .collect();
    let head = head.join("  ").trim_end().to_string();
    if color {
        out.push_str(&format!("\u{1b}[1m{head}\u{1b}[0m\n"));
    } else {
        out.push_str(&head);
        out.push('\n');
    }
    for r in &rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate().take(cols) {
            if i > 0 {
                line.push_str("  ");
            }
            let last = i + 1 == cols;
            let text = if last {
                c.text.clone()
            } else {
                pad(&c.text, widths[i])
            };
            match (color, c.sgr) {
                (true, Some(sgr)) => line.push_str(&format!("\u{1b}[{sgr}m{text}\u{1b}[0m")),
                _ => line.push_str(&text),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_on_display_width() {
        let t = render(
            &["A", "B"],
            &[0, 0],
            vec![
                vec!["日本".into(), "x".into()],
                vec!["abcde".into(), "y".into()],
            ],
            false,
        );
        assert_eq!(t, "A      B\n日本   x\nabcde  y\n");
    }

    #[test]
    fn long_cells_are_cut() {
        assert_eq!(fit("abcdefgh", 5), "abcd…");
        assert_eq!(fit("abc", 5), "abc");
    }
}
