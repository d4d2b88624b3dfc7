//! How numbers, durations and ages read on the screen and in reports. A leaf: it knows no
//! other module, so the UI, the panes and the reporters can all use it.

use chrono::{DateTime, Utc};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// "1h", "15m", "1d 2h": how a window reads in headers and reports.
pub fn format_window(window: chrono::Duration) -> String {
    // As `--window` takes it: `1d`, `6h`, `1d 6h`, never `1day` or months.
    let secs = window.num_seconds().max(0);
    let parts = [
        (secs / 86_400, "d"),
        (secs % 86_400 / 3600, "h"),
        (secs % 3600 / 60, "m"),
        (secs % 60, "s"),
    ];
    let said: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if said.is_empty() {
        "0s".into()
    } else {
        said.join(" ")
    }
}

/// Milliseconds as an operator reads them: "38 ms", "1.24 s", "-".
pub fn ms(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if v >= 1000.0 => format!("{:.2} s", v / 1000.0),
        Some(v) if v >= 10.0 => format!("{v:.0} ms"),
        Some(v) => format!("{v:.1} ms"),
    }
}

/// "12s", "3m", "2h": the age of data.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let s = (now - then).num_seconds().max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// Compact counts: 950, 12.4k, 3.1M.
pub fn count(v: f64) -> String {
    if v >= 1_000_000.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else if v >= 10_000.0 {
        format!("{:.1}k", v / 1000.0)
    } else {
        format!("{v:.0}")
    }
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A text sparkline of the last `width` points, scaled to the largest of them.
/// An identifier cut to `width` columns in the middle, so ids that share a prefix stay told
/// apart by their tails: `i-0c2d3e4f5a6b70534` at 12 is `i-0c2…b70534`.
pub fn elide_middle(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return text.to_string();
    }
    if width <= 1 {
        return "…".chars().take(width).collect();
    }
    let keep = width - 1;
    let head = keep / 2;
    let tail = keep - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// Text naming ids cut to `width`: whole words while they fit, then `…`; a word that does not
/// fit in the room left (an id, an ARN) is cut in its middle rather than at its end, so its
/// tail still tells it apart.
pub fn cut_between_words(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width <= 1 {
        return "…".chars().take(width).collect();
    }
    let mut out = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        let sep = usize::from(!out.is_empty());
        // Room for the word and the `…` that says more follows.
        if used + sep + len < width {
            if sep == 1 {
                out.push(' ');
            }
            out.push_str(word);
            used += sep + len;
            continue;
        }
        let room = width.saturating_sub(used + sep);
        // A long word in a room worth filling is cut in its middle; else the text ends here.
        if room >= 8 && len > room {
            if sep == 1 {
                out.push(' ');
            }
            out.push_str(&elide_middle(word, room));
            return out;
        }
        break;
    }
    out.push('…');
    out
}

pub fn sparkline(values: &[f64], width: usize) -> String {
    let tail = &values[values.len().saturating_sub(width)..];
    let max = tail.iter().copied().fold(0.0_f64, f64::max);
    tail.iter()
        .map(|v| {
            if max <= 0.0 || *v <= 0.0 {
                ' '
            } else {
                let idx = ((v / max) * (BARS.len() - 1) as f64).round() as usize;
                BARS[idx.min(BARS.len() - 1)]
            }
        })
        .collect()
}

/// Splits text into lines of at most `width` columns, at spaces where it can.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!line.is_empty());
        if line.width() + sep + word.width() <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word longer than the line is cut where the line ends.
        let mut rest = word;
        while rest.width() > width {
            let mut used = 0;
            let cut = rest
                .char_indices()
                .find(|(_, c)| {
                    used += c.width().unwrap_or(0);
                    used > width
                })
                .map_or(rest.len(), |(i, _)| i);
            lines.push(rest[..cut].to_string());
            rest = &rest[cut..];
        }
        line.push_str(rest);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_cut_in_the_middle_and_keep_their_tails() {
        assert_eq!(elide_middle("i-0c2d3e4f5a6b70534", 12), "i-0c2…b70534");
        assert_eq!(
            elide_middle("i-0c2d3e4f5a6b70534", 19),
            "i-0c2d3e4f5a6b70534"
        );
        assert_eq!(elide_middle("sg-0b1d2f3a4c5e6a707", 2), "…7");
        assert_eq!(elide_middle("abc", 0), "");
    }
    use chrono::TimeZone;

    fn t() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 30).unwrap()
    }

    /// #32: a window reads as `--window` takes it (`1d`, not `1day`).
    #[test]
    fn a_window_reads_as_it_is_typed() {
        let w = |s| format_window(chrono::Duration::seconds(s));
        assert_eq!(w(86_400), "1d");
        assert_eq!(w(6 * 3600), "6h");
        assert_eq!(w(15 * 60), "15m");
        assert_eq!(w(86_400 + 6 * 3600), "1d 6h");
        assert_eq!(w(455 * 86_400), "455d");
        assert_eq!(w(0), "0s");
    }

    #[test]
    fn helpers_read_naturally() {
        assert_eq!(ms(Some(38.2)), "38 ms");
        assert_eq!(ms(Some(1240.0)), "1.24 s");
        assert_eq!(ms(Some(3.21)), "3.2 ms");
        assert_eq!(ms(None), "-");
        assert_eq!(count(950.0), "950");
        assert_eq!(count(12_400.0), "12.4k");
        assert_eq!(format_window(chrono::Duration::hours(1)), "1h");
        assert_eq!(age(t(), t() - chrono::Duration::minutes(3)), "3m");
    }

    #[test]
    fn sparkline_scales_to_its_maximum() {
        assert_eq!(sparkline(&[0.0, 1.0, 2.0, 4.0], 4), " ▃▅█");
        assert_eq!(sparkline(&[5.0, 0.0, 8.0], 2), " █");
        assert_eq!(sparkline(&[], 5), "");
    }
}

/// AWS's short code of a region, for a narrow column: `us-east-1` → `use1`, `ap-southeast-1` →
/// `apse1`, `eu-central-2` → `euc2` (the first letter of each direction word; anything else
/// as it is).
pub fn region_code(region: &str) -> String {
    let parts: Vec<&str> = region.split('-').collect();
    let [area, direction @ .., number] = parts.as_slice() else {
        return region.to_string();
    };
    if direction.is_empty() || number.parse::<u32>().is_err() {
        return region.to_string();
    }
    let mut out = area.to_string();
    for word in direction {
        // `southeast` → `se`, `northeast` → `ne`; one letter for the rest.
        let short = match *word {
            "southeast" => "se",
            "northeast" => "ne",
            "southwest" => "sw",
            "northwest" => "nw",
            w => &w[..w.len().min(1)],
        };
        out.push_str(short);
    }
    out.push_str(number);
    out
}

#[cfg(test)]
mod cut_tests {
    use super::cut_between_words;

    /// #32: an id at the end of a cell keeps its tail; free text ends at a word.
    #[test]
    fn ids_in_words_are_cut_in_their_middle_never_at_their_end() {
        assert_eq!(
            cut_between_words("tcp/443 ← sg-0b1d2f3a4c5e6a702", 24),
            "tcp/443 ← sg-0b1…5e6a702"
        );
        assert_eq!(
            cut_between_words("sg-0b1d2f3a4c5e6a702 (web) tcp 22 from 0.0.0.0/0", 30),
            "sg-0b1d2f3a4c5e6a702 (web)…"
        );
        assert_eq!(
            cut_between_words("vpc-0a3f5c9e1d2b4a6c8: missing", 12),
            "vpc-0…4a6c8:"
        );
        assert_eq!(cut_between_words("short", 10), "short");
        for w in 0..40 {
            let cut = cut_between_words("tcp/443 ← sg-0b1d2f3a4c5e6a702 and more words", w);
            assert!(cut.chars().count() <= w, "{w}: {cut}");
        }
    }
}

#[cfg(test)]
mod region_code_tests {
    use super::region_code;

    #[test]
    fn regions_take_aws_short_codes() {
        for (region, code) in [
            ("us-east-1", "use1"),
            ("ap-southeast-1", "apse1"),
            ("eu-central-2", "euc2"),
            ("us-gov-west-1", "usgw1"),
            ("local", "local"),
        ] {
            assert_eq!(region_code(region), code, "{region}");
        }
    }
}
