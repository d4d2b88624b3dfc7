//! How numbers, durations and ages read on the screen and in reports. A leaf: it knows no
//! other module, so the UI, the panes and the reporters can all use it.

use chrono::{DateTime, Utc};

/// "1h", "15m", "1d 2h": how a window reads in headers and reports.
pub fn format_window(window: chrono::Duration) -> String {
    let secs = window.num_seconds().max(0) as u64;
    humantime::format_duration(std::time::Duration::from_secs(secs)).to_string()
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 30).unwrap()
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
