//! The CloudWatch query window: the period of each point and the aligned range.

use chrono::{DateTime, Duration, Utc};

/// The metric period for a window: one minute up to two hours, then wider so a series keeps
/// about 120 points. Always a whole number of minutes (CloudWatch wants multiples of 60 s).
pub fn period_for_window(window: Duration) -> u32 {
    let secs = window.num_seconds().max(60);
    let per_point = (secs / 120).max(60);
    (((per_point + 59) / 60) * 60) as u32
}

/// The query range: the end aligned down to the period, so each point covers a whole period
/// and two refreshes in the same period ask for the same data.
pub fn aligned_range(
    now: DateTime<Utc>,
    window: Duration,
    period: u32,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let period = i64::from(period.max(1));
    let end_secs = now.timestamp() - now.timestamp().rem_euclid(period);
    let end = DateTime::<Utc>::from_timestamp(end_secs, 0).unwrap_or(now);
    let points = (window.num_seconds() / period).max(1);
    // The config bounds the window; a start before the epoch of dates still never panics.
    let start = points
        .checked_mul(period)
        .and_then(|s| end.checked_sub_signed(Duration::seconds(s)))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn period_grows_with_the_window() {
        assert_eq!(period_for_window(Duration::hours(1)), 60);
        assert_eq!(period_for_window(Duration::hours(2)), 60);
        assert_eq!(period_for_window(Duration::hours(24)), 720);
        assert_eq!(period_for_window(Duration::minutes(5)), 60);
    }

    #[test]
    fn range_is_aligned_to_the_period() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 42).unwrap();
        let (start, end) = aligned_range(now, Duration::hours(1), 60);
        assert_eq!(end, Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 0).unwrap());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 11, 23, 9, 17, 0).unwrap());
        let (_, end) = aligned_range(now, Duration::hours(24), 720);
        assert_eq!(end, Utc.with_ymd_and_hms(2026, 11, 23, 10, 12, 0).unwrap());
    }
}
