//! Endpoint metrics: alerts against the seed's alarm thresholds, the query window
//! (`window`) and what the metrics cost (`cost`).

pub mod cost;
pub mod window;

pub use cost::CloudWatchCost;
pub use window::{aligned_range, period_for_window};

use crate::model::{Endpoint, EndpointAlert};

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
    let group = group_size(s.period_seconds, t.alarm_period_minutes);

    let worst_5xx = s
        .errors_5xx
        .chunks(group)
        .map(|c| c.iter().sum::<f64>())
        .fold(0.0_f64, f64::max);
    if worst_5xx > t.errors_5xx {
        out.push(EndpointAlert::Errors5xx {
            worst_period: worst_5xx,
            threshold: t.errors_5xx,
            period_minutes: t.alarm_period_minutes,
        });
    }

    let worst_latency = s
        .latency_ms
        .chunks(group)
        .filter_map(|c| {
            let vals: Vec<f64> = c.iter().flatten().copied().collect();
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

fn group_size(period_seconds: u32, alarm_minutes: u32) -> usize {
    if period_seconds == 0 {
        return 1;
    }
    ((alarm_minutes * 60) / period_seconds).max(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EndpointMetrics, MetricSeries};

    fn endpoint(errors: Vec<f64>, latency: Vec<Option<f64>>) -> Endpoint {
        Endpoint {
            name: "e".into(),
            region: "r".into(),
            status: "InService".into(),
            variants: vec![],
            kms_key_id: None,
            alerts: vec![],
            metrics: EndpointMetrics {
                series: MetricSeries {
                    period_seconds: 60,
                    start: None,
                    invocations: vec![],
                    errors_5xx: errors,
                    latency_ms: latency,
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
