//! The CloudWatch query window: the period of each point and the aligned range.

use chrono::{DateTime, Duration, Utc};

/// The metric period for a window: one minute up to two hours, then whole alarm periods, as
/// few as keep about 120 points. Whole minutes always (CloudWatch wants multiples of 60 s).
pub fn period_for_window(window: Duration, alarm_period: u32) -> u32 {
    let secs = window.num_seconds().max(60);
    let per_point = secs / 120;
    if per_point <= 60 {
        return 60;
    }
    let alarm = i64::from(alarm_period.max(60));
    (((per_point + alarm - 1) / alarm) * alarm) as u32
}

/// The query range: the end aligned down to `align` seconds, and as many whole periods before
/// it as the window holds, so each point covers a whole period and two refreshes in the same
/// period ask for the same data. Aligned to the alarm's period, the alarms' periods fall on
/// the clock's five minutes at every window.
pub fn aligned_range(
    now: DateTime<Utc>,
    window: Duration,
    period: u32,
    align: u32,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let align = i64::from(align.max(1));
    let period = i64::from(period.max(1));
    let end_secs = now.timestamp() - now.timestamp().rem_euclid(align);
    let end = DateTime::<Utc>::from_timestamp(end_secs, 0).unwrap_or(now);
    let points = (window.num_seconds() / period).max(1);
    // The config bounds the window; a start before the epoch of dates still never panics.
    let start = points
        .checked_mul(period)
        .and_then(|s| end.checked_sub_signed(Duration::seconds(s)))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    (start, end)
}

/// What the range's end is aligned to: the period when it adds up to the alarm's, else the
/// alarm's period (a 15-minute series' end need not wait for the quarter hour).
pub fn alignment(period: u32, alarm_period: u32) -> u32 {
    if crate::model::tiles_alarm_period(period, alarm_period) {
        period
    } else {
        alarm_period
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn period_grows_with_the_window_in_whole_alarm_periods() {
        assert_eq!(period_for_window(Duration::hours(1), 300), 60);
        assert_eq!(period_for_window(Duration::hours(2), 300), 60);
        assert_eq!(period_for_window(Duration::hours(6), 300), 300);
        assert_eq!(period_for_window(Duration::hours(24), 300), 900);
        assert_eq!(period_for_window(Duration::minutes(5), 300), 60);
        assert_eq!(period_for_window(Duration::hours(24), 600), 1200);
    }

    #[test]
    fn range_is_aligned_to_the_period() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 42).unwrap();
        let (start, end) = aligned_range(now, Duration::hours(1), 60, 60);
        assert_eq!(end, Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 0).unwrap());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 11, 23, 9, 17, 0).unwrap());
        let (start, end) = aligned_range(now, Duration::hours(24), 900, 300);
        assert_eq!(end, Utc.with_ymd_and_hms(2026, 11, 23, 10, 15, 0).unwrap());
        assert_eq!(
            start,
            Utc.with_ymd_and_hms(2026, 11, 22, 10, 15, 0).unwrap()
        );
    }
}
