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
    /// Words naming ids: cut only between words, never inside one.
    pub whole_words: bool,
    /// An id or an ARN: never cut; wider than its column, it gets a line of its own, whole.
    pub id: bool,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell {
            text,
            sgr: None,
            whole_words: false,
            id: false,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_string())
    }
}

pub fn colored(text: impl Into<String>, sgr: &'static str) -> Cell {
    Cell {
        text: text.into(),
        sgr: Some(sgr),
        whole_words: false,
        id: false,
    }
}

/// `text` cut to `max` columns between words, ending with `…`; a first word wider than `max`
/// is kept whole (the caller gives it a line of its own).
pub fn fit_words(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let next = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if next.width() + 1 > max {
            if out.is_empty() {
                return word.to_string() + if word.len() < text.len() { " …" } else { "" };
            }
            break;
        }
        out = next;
    }
    out.push('…');
    out
}

pub use crate::format::wrap;

/// Like `wrap`, but a word wider than the line (an id, an ARN, a finding type) keeps a line of
/// its own, whole: a report is copied from, and a cut id is a wrong id.
pub fn wrap_whole_words(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!line.is_empty());
        if line.width() + sep + word.width() <= width.max(1) {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A column cut to fit a terminal keeps at least this much (or its header's width).
const MIN_CUT: usize = 12;
/// The last column, which wraps, keeps at least this much.
const LAST_MIN: usize = 16;

/// Cuts a cell to `width` as its kind allows: an id never, words between words, free text at
/// its end.
fn cut_to(c: &mut Cell, width: usize) {
    if c.id || c.text.width() <= width {
        return;
    }
    c.text = if c.whole_words {
        fit_words(&c.text, width)
    } else {
        fit(&c.text, width)
    };
}

/// Each column's width: its widest cell within its cap; fitted to a terminal, the widest
/// columns give up room first until the last column has `LAST_MIN`.
fn column_widths(
    headers: &[&str],
    max: &[usize],
    rows: &[Vec<Cell>],
    fit_to: Option<usize>,
) -> Vec<usize> {
    let cols = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            // A cap bounds a column; an id kept whole past it takes a line of its own.
            let cap = max.get(i).copied().filter(|c| *c > 0).unwrap_or(usize::MAX);
            widths[i] = widths[i].max(c.text.width().min(cap));
        }
    }
    if let Some(total) = fit_to {
        let floor = |i: usize| headers[i].width().max(MIN_CUT);
        let lead = |w: &[usize]| -> usize { w.iter().take(cols - 1).map(|w| w + 2).sum() };
        while cols > 1 && lead(&widths) + LAST_MIN > total {
            let Some(i) = (0..cols - 1)
                .filter(|i| widths[*i] > floor(*i))
                .max_by_key(|i| widths[*i])
            else {
                break;
            };
            widths[i] -= 1;
        }
    }
    widths
}

/// Lines, each at `start` or, too wide for that, ending at the terminal's edge; whole.
fn push_under(out: &mut String, start: usize, text: &str, fit_to: Option<usize>) {
    let total = fit_to.unwrap_or(usize::MAX);
    let indent = if start + text.width() <= total {
        start
    } else {
        total.saturating_sub(text.width())
    };
    out.push_str(&" ".repeat(indent));
    out.push_str(text);
    out.push('\n');
}

/// Renders rows under headers; `max` caps each column's width (0 = no cap). With `fit_to`,
/// the last column (a reason, the evidence, a title) takes what the others leave of that
/// many terminal columns, and its text wraps under itself instead of running past the edge.
pub fn render(
    headers: &[&str],
    max: &[usize],
    mut rows: Vec<Vec<Cell>>,
    color: bool,
    fit_to: Option<usize>,
) -> String {
    let cols = headers.len();
    for r in &mut rows {
        for (i, c) in r.iter_mut().enumerate() {
            let cap = max.get(i).copied().unwrap_or(0);
            // Fitted to a terminal, the last column wraps rather than being cut.
            let wraps = fit_to.is_some() && i + 1 == cols;
            if cap > 0 && !wraps {
                cut_to(c, cap);
            }
        }
    }
    let widths = column_widths(headers, max, &rows, fit_to);
    if fit_to.is_some() {
        for r in &mut rows {
            for (i, c) in r.iter_mut().enumerate().take(cols - 1) {
                cut_to(c, widths[i]);
            }
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
    // Where each column starts, and how wide the last may be.
    let starts: Vec<usize> = widths
        .iter()
        .scan(0, |at, w| {
            let start = *at;
            *at += w + 2;
            Some(start)
        })
        .collect();
    let lead = starts.last().copied().unwrap_or(0);
    let last_room = fit_to.map(|total| total.saturating_sub(lead).max(LAST_MIN));
    for r in &rows {
        let mut line = String::new();
        let mut more: Vec<String> = Vec::new();
        // Ids wider than their column: each on a line of its own under its column, whole.
        let mut own_lines: Vec<(usize, &str)> = Vec::new();
        for (i, c) in r.iter().enumerate().take(cols) {
            if i > 0 {
                line.push_str("  ");
            }
            let last = i + 1 == cols;
            if !last && (c.id || c.whole_words) && c.text.width() > widths[i] {
                own_lines.push((starts[i], &c.text));
                line.push_str(&pad("↓", widths[i]));
                continue;
            }
            let text = match (last, last_room) {
                (true, Some(room)) if c.text.width() > room => {
                    let mut parts = wrap_whole_words(&c.text, room);
                    if parts[0].width() > room {
                        // An id too wide to start the row: it goes under, whole.
                        more = parts;
                        String::new()
                    } else {
                        more = parts.split_off(1);
                        parts.remove(0)
                    }
                }
                (true, _) => c.text.clone(),
                (false, _) => pad(&c.text, widths[i]),
            };
            match (color, c.sgr) {
                (true, Some(sgr)) => line.push_str(&format!("\u{1b}[{sgr}m{text}\u{1b}[0m")),
                _ => line.push_str(&text),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        for (start, id) in own_lines {
            push_under(&mut out, start, id, fit_to);
        }
        for m in more {
            // Under its column; an id too wide for that moves left to end at the edge, whole.
            push_under(&mut out, lead, &m, fit_to);
        }
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
            None,
        );
        assert_eq!(t, "A      B\n日本   x\nabcde  y\n");
    }

    #[test]
    fn the_last_column_wraps_under_itself_to_fit_the_width() {
        let t = render(
            &["ID", "EVIDENCE"],
            &[0, 0],
            vec![vec![
                "data.kms".into(),
                "endpoint studyai-dev-phi3-mini has no KmsKeyId and endpoint other-one neither"
                    .into(),
            ]],
            false,
            Some(40),
        );
        for line in t.lines() {
            assert!(line.width() <= 40, "{line:?} is wider than 40");
        }
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines.len() > 2, "{t}");
        assert!(
            lines[2].starts_with("          "),
            "wrapped under its column: {t}"
        );
        assert!(
            t.contains("studyai-dev-phi3-mini"),
            "words are not cut: {t}"
        );
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_only_long_words() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), [""]);
    }

    /// #32: an id wider than the room keeps a line of its own, whole; words around it wrap.
    #[test]
    fn an_id_is_never_cut_when_the_last_column_wraps() {
        let id = "subnet-f47573904d2969488";
        assert_eq!(
            wrap_whole_words(&format!("in {id} (10.7.1.0/24) private"), 12),
            ["in", id, "(10.7.1.0/24)", "private"]
        );
        let t = render(
            &["ID", "EVIDENCE"],
            &[0, 0],
            vec![vec![
                "network.x".into(),
                format!("vpc-1: {id} (10.7.1.0/24) routes to an internet gateway")
                    .as_str()
                    .into(),
            ]],
            false,
            Some(30),
        );
        assert!(t.lines().any(|l| l.trim() == id), "{t}");
    }

    #[test]
    fn long_cells_are_cut() {
        assert_eq!(fit("abcdefgh", 5), "abcd…");
        assert_eq!(fit("abc", 5), "abc");
    }

    /// #32: in `--once` text an id or an ARN is never cut: past its column's cap or the
    /// terminal's width it takes a line of its own, whole; words naming ids are cut between
    /// words; only free text is cut inside.
    #[test]
    fn ids_are_never_cut_only_free_text_is() {
        let id = |t: &str| Cell {
            id: true,
            ..Cell::from(t)
        };
        let words = |t: &str| Cell {
            whole_words: true,
            ..Cell::from(t)
        };
        let arn = "arn:aws:sagemaker:ap-southeast-1:123456789012:endpoint/studyai-dev-llama3-8b";
        for fit_to in [None, Some(60)] {
            let out = render(
                &["ID", "EVIDENCE", "NOTE"],
                &[20, 30, 0],
                vec![
                    vec![
                        id(arn),
                        words("sg-0b1d2f3a4c5e6a707 (web) opens tcp 22 to the world"),
                        Cell::from("x"),
                    ],
                    vec![
                        id("i-1"),
                        Cell::from("free text that runs on and on past its cap"),
                        Cell::from("y"),
                    ],
                ],
                false,
                fit_to,
            );
            assert!(out.lines().any(|l| l.trim() == arn), "{fit_to:?}:\n{out}");
            assert!(out.contains("sg-0b1d2f3a4c5e6a707 "), "{fit_to:?}:\n{out}");
            assert!(!out.contains("sg-0b1d2f3a4c5e6a70…"), "{fit_to:?}:\n{out}");
            assert!(out.contains("free text that runs"), "{fit_to:?}:\n{out}");
            assert!(!out.contains("text…on"), "cut at its end only:\n{out}");
        }
    }
}
