//! Endpoint metrics: alerts against the seed's alarm thresholds, the query window
//! (`window`) and what the metrics cost (`cost`).

pub mod cost;
pub mod window;

pub use cost::CloudWatchCost;
pub use window::{aligned_range, alignment, period_for_window};

use crate::model::{Endpoint, EndpointAlert, tiles_alarm_period};

use serde::Serialize;

/// The seed's alarms: more than 5 5XX errors in a 5-minute period; latency above 10 seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thresholds {
    pub errors_5xx: f64,
    pub alarm_period_minutes: u32,
    pub latency_ms: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            errors_5xx: 5.0,
            alarm_period_minutes: 5,
            latency_ms: 10_000.0,
        }
    }
}

/// Why an endpoint is flagged, judged on whole alarm periods of its series.
pub fn alerts(endpoint: &Endpoint, t: &Thresholds) -> Vec<EndpointAlert> {
    let mut out = Vec::new();
    let status = endpoint.status.as_str();
    if status.eq_ignore_ascii_case("Failed") || status.eq_ignore_ascii_case("OutOfService") {
        out.push(EndpointAlert::Status {
            status: endpoint.status.clone(),
        });
    }
    let s = &endpoint.metrics.series;
    let alarm_period = t.alarm_period_minutes * 60;
    // Whole alarm periods: the series' own when they add up to one, else the alarm series.
    let (period, errors_5xx, latency_ms) = match &s.alarm {
        Some(a) if !tiles_alarm_period(s.period_seconds, alarm_period) => {
            (a.period_seconds, &a.errors_5xx, &a.latency_ms)
        }
        _ => (s.period_seconds, &s.errors_5xx, &s.latency_ms),
    };
    // Without an alarm series, periods longer than the alarm's are judged as they are, and
    // the alert says their real length rather than claim five minutes.
    let group = group_size(period, t.alarm_period_minutes);
    let judged_minutes = if tiles_alarm_period(period, alarm_period) {
        t.alarm_period_minutes
    } else {
        (period / 60).max(1)
    };

    // Periods on the clock's alarm periods (10:15–10:20), so a spike reads the same at every
    // window; a series without a start is grouped from its first point.
    // (The alarm series starts where the series does: one request, one range.)
    let start = s.start;
    let buckets = |len: usize| -> Vec<std::ops::Range<usize>> {
        alarm_buckets(start, period, alarm_period, group, len)
    };
    let worst_5xx = buckets(errors_5xx.len())
        .into_iter()
        .map(|b| errors_5xx[b].iter().sum::<f64>())
        .fold(0.0_f64, f64::max);
    if worst_5xx > t.errors_5xx {
        out.push(EndpointAlert::Errors5xx {
            worst_period: worst_5xx,
            threshold: t.errors_5xx,
            period_minutes: judged_minutes,
        });
    }

    let worst_latency = buckets(latency_ms.len())
        .into_iter()
        .filter_map(|b| {
            let vals: Vec<f64> = latency_ms[b].iter().flatten().copied().collect();
            (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
        })
        .fold(None, |acc: Option<f64>, v| {
            Some(acc.map_or(v, |a| a.max(v)))
        });
    // Without a series (a source that has only totals), judge the window average.
    let worst_latency = worst_latency.or(endpoint.metrics.latency_ms_avg);
    if let Some(ms) = worst_latency
        && ms > t.latency_ms
    {
        out.push(EndpointAlert::Latency {
            worst_ms: ms,
            threshold_ms: t.latency_ms,
        });
    }
    out
}

/// The points of each alarm period: on the clock's alarm periods when the series' start is
/// known (the first and last may be partial), else `group` points at a time.
fn alarm_buckets(
    start: Option<chrono::DateTime<chrono::Utc>>,
    period: u32,
    alarm_period: u32,
    group: usize,
    len: usize,
) -> Vec<std::ops::Range<usize>> {
    let Some(start) = start.filter(|_| group > 1) else {
        return (0..len)
            .step_by(group.max(1))
            .map(|i| i..(i + group.max(1)).min(len))
            .collect();
    };
    let bucket = |i: usize| {
        (start.timestamp() + i as i64 * i64::from(period)).div_euclid(i64::from(alarm_period))
    };
    let mut out = Vec::new();
    let mut from = 0;
    for i in 1..=len {
        if i == len || bucket(i) != bucket(from) {
            out.push(from..i);
            from = i;
        }
    }
    out
}

/// How many points make one alarm period (1 when a point is longer than one).
fn group_size(period_seconds: u32, alarm_minutes: u32) -> usize {
    if !tiles_alarm_period(period_seconds, alarm_minutes * 60) {
        return 1;
    }
    ((alarm_minutes * 60) / period_seconds).max(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AlarmSeries, EndpointMetrics, MetricSeries};

    fn endpoint(errors: Vec<f64>, latency: Vec<Option<f64>>) -> Endpoint {
        Endpoint {
            account: None,
            name: "e".into(),
            region: "r".into(),
            status: "InService".into(),
            variants: vec![],
            kms_key_id: None,
            asynchronous: false,
            alerts: vec![],
            provenance: vec![],
            metrics: EndpointMetrics {
                series: MetricSeries {
                    period_seconds: 60,
                    start: None,
                    invocations: vec![],
                    errors_5xx: errors,
                    latency_ms: latency,
                    alarm: None,
                },
                ..Default::default()
            },
        }
    }

    #[test]
    fn five_errors_in_a_period_is_not_more_than_five() {
        let e = endpoint(vec![1.0; 5], vec![]);
        assert!(alerts(&e, &Thresholds::default()).is_empty());
        let e = endpoint(vec![1.0, 1.0, 1.0, 1.0, 2.0], vec![]);
        assert_eq!(
            alerts(&e, &Thresholds::default()),
            vec![EndpointAlert::Errors5xx {
                worst_period: 6.0,
                threshold: 5.0,
                period_minutes: 5
            }]
        );
    }

    /// Issue #15: the same errors read "12 in 5 min" at 6 h and "20 in 5 min" at 1 d, because
    /// the periods grew with the window and were still called five minutes.
    #[test]
    fn the_5xx_alert_is_judged_on_five_minutes_whatever_the_window() {
        // Twelve errors in one five-minute period, eight in the next: 20 in ten minutes.
        let alarm = AlarmSeries {
            period_seconds: 300,
            errors_5xx: vec![0.0, 12.0, 8.0, 0.0],
            latency_ms: vec![],
        };
        let mut six_hours = endpoint(vec![0.0, 12.0, 8.0], vec![]);
        six_hours.metrics.series.period_seconds = 180;
        six_hours.metrics.series.alarm = Some(alarm.clone());
        let mut one_day = endpoint(vec![20.0], vec![]);
        one_day.metrics.series.period_seconds = 720;
        one_day.metrics.series.alarm = Some(alarm);
        let want = vec![EndpointAlert::Errors5xx {
            worst_period: 12.0,
            threshold: 5.0,
            period_minutes: 5,
        }];
        assert_eq!(alerts(&six_hours, &Thresholds::default()), want);
        assert_eq!(alerts(&one_day, &Thresholds::default()), want);
        // Without an alarm series, a 12-minute period is called what it is.
        one_day.metrics.series.alarm = None;
        let a = alerts(&one_day, &Thresholds::default());
        assert!(
            matches!(
                a[..],
                [EndpointAlert::Errors5xx {
                    period_minutes: 12,
                    ..
                }]
            ),
            "{a:?}"
        );
    }

    #[test]
    fn errors_spread_over_periods_do_not_alert() {
        // 10 errors, but 3 per 5-minute period at most.
        let e = endpoint(
            vec![3.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 3.0, 1.0],
            vec![],
        );
        assert!(alerts(&e, &Thresholds::default()).is_empty());
    }

    #[test]
    fn latency_over_threshold_alerts() {
        let e = endpoint(
            vec![],
            vec![Some(12_000.0), None, Some(11_000.0), None, None],
        );
        let a = alerts(&e, &Thresholds::default());
        assert_eq!(
            a,
            vec![EndpointAlert::Latency {
                worst_ms: 11_500.0,
                threshold_ms: 10_000.0
            }]
        );
        assert_eq!(a[0].to_string(), "latency 11.5 s (threshold 10.0 s)");
    }

    #[test]
    fn thresholds_are_configurable() {
        let e = endpoint(vec![2.0], vec![Some(600.0)]);
        let t = Thresholds {
            errors_5xx: 1.0,
            alarm_period_minutes: 5,
            latency_ms: 500.0,
        };
        assert_eq!(alerts(&e, &t).len(), 2);
    }

    #[test]
    fn failed_status_alerts() {
        let mut e = endpoint(vec![], vec![]);
        e.status = "Failed".into();
        assert_eq!(alerts(&e, &Thresholds::default()).len(), 1);
    }
}
