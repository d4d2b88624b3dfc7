//! The demo's SageMaker endpoints: six models with traffic that moves with time, two of them
//! over the seed's alarm thresholds.

use super::{ACCOUNT, REGION, noise};
use crate::metrics;
use crate::model::*;
use chrono::{DateTime, Duration, Utc};

struct EndpointSpec {
    name: &'static str,
    status: &'static str,
    variants: &'static [(&'static str, &'static str, u32)],
    kms: bool,
    /// Invocations per minute at the mean.
    rate: f64,
    /// Model latency in ms at the mean.
    latency_ms: f64,
    /// Share of calls answered 4XX.
    client_errors: f64,
    fault: Fault,
}

#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// A burst of 5XX errors over the last minutes.
    ErrorSpike,
    /// Latency far above the 10-second alarm.
    Slow,
    /// Traffic stopped: the endpoint is being updated.
    Updating,
}

/// Each endpoint's name, status and variants' names, for the demo's platform.
pub(super) fn served() -> impl Iterator<Item = (&'static str, &'static str, Vec<&'static str>)> {
    ENDPOINTS
        .iter()
        .map(|e| (e.name, e.status, e.variants.iter().map(|v| v.0).collect()))
}

const ENDPOINTS: &[EndpointSpec] = &[
    EndpointSpec {
        name: "studyai-dev-llama3-8b",
        status: "InService",
        variants: &[("AllTraffic", "ml.g5.2xlarge", 2)],
        kms: true,
        rate: 140.0,
        latency_ms: 820.0,
        client_errors: 0.01,
        fault: Fault::ErrorSpike,
    },
    EndpointSpec {
        name: "studyai-dev-mistral-7b",
        status: "InService",
        variants: &[("AllTraffic", "ml.g5.xlarge", 1)],
        kms: true,
        rate: 35.0,
        latency_ms: 12_400.0,
        client_errors: 0.02,
        fault: Fault::Slow,
    },
    EndpointSpec {
        name: "studyai-dev-embeddings",
        status: "InService",
        variants: &[("blue", "ml.m5.xlarge", 2), ("green", "ml.m5.xlarge", 1)],
        kms: true,
        rate: 610.0,
        latency_ms: 38.0,
        client_errors: 0.004,
        fault: Fault::None,
    },
    EndpointSpec {
        name: "studyai-dev-phi3-mini",
        status: "Updating",
        variants: &[("AllTraffic", "ml.g5.xlarge", 1)],
        kms: false,
        rate: 22.0,
        latency_ms: 450.0,
        client_errors: 0.0,
        fault: Fault::Updating,
    },
    EndpointSpec {
        name: "studyai-dev-ollama-qwen2",
        status: "InService",
        variants: &[("AllTraffic", "ml.g4dn.xlarge", 1)],
        kms: true,
        rate: 9.0,
        latency_ms: 2_300.0,
        client_errors: 0.05,
        fault: Fault::None,
    },
    EndpointSpec {
        name: "studyai-stg-ticket-classifier",
        status: "InService",
        variants: &[("AllTraffic", "ml.c5.large", 1)],
        kms: false,
        rate: 48.0,
        latency_ms: 64.0,
        client_errors: 0.0,
        fault: Fault::None,
    },
];

/// The seed's alarm period, for callers that judge the demo as the seed does.
pub const ALARM_PERIOD: u32 = 300;

/// The endpoints over the window ending `now`, their series in the window's periods and, when
/// those do not add up to the alarm's period, in the alarm's too. Every series sums the same
/// minutes, so an alarm reads the same at any window.
pub fn endpoints(
    now: DateTime<Utc>,
    window: Duration,
    alarm_period: u32,
    scale: usize,
) -> Vec<Endpoint> {
    let period = metrics::period_for_window(window, alarm_period);
    let align = metrics::alignment(period, alarm_period);
    let (start, _) = metrics::aligned_range(now, window, period, align);
    // Faults are recent to the minute now, whatever the window's range ends at.
    let (_, this_minute) = metrics::aligned_range(now, Duration::minutes(1), 60, 60);
    let points = (window.num_seconds() / i64::from(period)).max(1) as usize;
    let alarm = (!tiles_alarm_period(period, alarm_period)).then_some(alarm_period);
    let mut out = Vec::with_capacity(ENDPOINTS.len() * scale.max(1));
    for copy in 0..scale.max(1) {
        for (i, spec) in ENDPOINTS.iter().enumerate() {
            let seed = (copy * ENDPOINTS.len() + i) as u64;
            let name = if copy == 0 {
                spec.name.to_string()
            } else {
                format!("{}-{copy:03}", spec.name)
            };
            let when = Span {
                start,
                now: this_minute,
                period,
                points,
            };
            out.push(endpoint(spec, name, seed, &when, alarm));
        }
    }
    out
}

/// The range of a series.
struct Span {
    start: DateTime<Utc>,
    /// The minute now, which faults are recent to.
    now: DateTime<Utc>,
    period: u32,
    points: usize,
}

/// One minute of an endpoint's traffic: the unit every series is summed from.
#[derive(Clone, Copy)]
struct Minute {
    invocations: f64,
    errors_5xx: f64,
    errors_4xx: f64,
    latency_ms: f64,
}

fn minute(spec: &EndpointSpec, seed: u64, at: DateTime<Utc>, now: DateTime<Utc>) -> Minute {
    let slot = (at.timestamp() / 60) as u64;
    let wave = 1.0 + 0.35 * ((slot as f64) / 9.0 + seed as f64).sin();
    let jitter = 0.85 + 0.3 * noise(seed, slot);
    let mut inv = (spec.rate * wave * jitter).round();
    // Minutes before now: faults are recent.
    let recent = (now - at).num_minutes();
    if spec.fault == Fault::Updating && recent < 8 {
        inv = 0.0;
    }
    let e5 = match spec.fault {
        Fault::ErrorSpike if recent < 12 => (inv * (0.04 + 0.05 * noise(seed + 7, slot))).round(),
        _ if noise(seed + 3, slot) > 0.97 => 1.0_f64.min(inv),
        _ => 0.0,
    };
    Minute {
        invocations: inv,
        errors_5xx: e5,
        errors_4xx: (inv * spec.client_errors * (0.5 + noise(seed + 5, slot))).round(),
        latency_ms: spec.latency_ms * (0.8 + 0.4 * noise(seed + 11, slot)),
    }
}

/// Periods of `period` seconds from `start`: invocations and 5XX summed over their minutes,
/// latency weighted by invocations (none without traffic).
fn periods(minutes: &[Minute], period: u32) -> (Vec<f64>, Vec<f64>, Vec<Option<f64>>) {
    let per = (period / 60).max(1) as usize;
    let mut inv = Vec::with_capacity(minutes.len() / per + 1);
    let mut e5 = Vec::with_capacity(inv.capacity());
    let mut lat = Vec::with_capacity(inv.capacity());
    for chunk in minutes.chunks(per) {
        let calls: f64 = chunk.iter().map(|m| m.invocations).sum();
        inv.push(calls);
        e5.push(chunk.iter().map(|m| m.errors_5xx).sum());
        lat.push((calls > 0.0).then(|| {
            chunk
                .iter()
                .map(|m| m.latency_ms * m.invocations)
                .sum::<f64>()
                / calls
        }));
    }
    (inv, e5, lat)
}

fn endpoint(
    spec: &EndpointSpec,
    name: String,
    seed: u64,
    when: &Span,
    alarm_period: Option<u32>,
) -> Endpoint {
    // Whole periods only, as CloudWatch reports them; the series moves on each minute.
    let count = when.points * (when.period / 60).max(1) as usize;
    let minutes: Vec<Minute> = (0..count)
        .map(|m| {
            let at = when.start + Duration::minutes(m as i64);
            minute(spec, seed, at, when.now)
        })
        .collect();
    let (invocations, errors_5xx, latency_ms) = periods(&minutes, when.period);
    let alarm = alarm_period.map(|p| {
        let (_, errors_5xx, latency_ms) = periods(&minutes, p);
        AlarmSeries {
            period_seconds: p,
            errors_5xx,
            latency_ms,
        }
    });
    // The totals run to the minute now: a long window's series ends at its last whole period,
    // and a longer window never counts fewer events than a shorter one ending now.
    let end = when.start + Duration::minutes(count as i64);
    let tail: Vec<Minute> = (0..(when.now - end).num_minutes().max(0))
        .map(|m| minute(spec, seed, end + Duration::minutes(m), when.now))
        .collect();
    let (mut inv_total, mut e4_total, mut e5_total, mut lat_weighted, mut p99) =
        (0.0, 0.0, 0.0, 0.0, 0.0_f64);
    for m in minutes.iter().chain(&tail).filter(|m| m.invocations > 0.0) {
        inv_total += m.invocations;
        e4_total += m.errors_4xx;
        e5_total += m.errors_5xx;
        lat_weighted += m.latency_ms * m.invocations;
        p99 = p99.max(m.latency_ms * 1.9);
    }
    // The embeddings are computed in batches, answered through S3: a backlog builds up.
    let asynchronous = name.starts_with("studyai-dev-embeddings");
    Endpoint {
        account: None,
        name,
        region: REGION.into(),
        status: spec.status.into(),
        variants: spec
            .variants
            .iter()
            .map(|(n, t, c)| Variant {
                name: (*n).into(),
                instance_type: Some((*t).into()),
                instance_count: Some(*c),
            })
            .collect(),
        kms_key_id: spec.kms.then(|| {
            format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/7f3c2a1e-5b6d-4c8f-9a0b-1c2d3e4f5a6b")
        }),
        asynchronous,
        metrics: EndpointMetrics {
            backlog: asynchronous.then_some(37.0 + seed as f64),
            components: Vec::new(),
            invocations: inv_total,
            errors_4xx: e4_total,
            errors_5xx: e5_total,
            latency_ms_avg: (inv_total > 0.0).then(|| lat_weighted / inv_total),
            latency_ms_p99: (inv_total > 0.0).then_some(p99),
            overhead_ms_avg: (inv_total > 0.0).then_some(3.2 + seed as f64 * 0.4),
            series: MetricSeries {
                period_seconds: when.period,
                start: Some(when.start),
                invocations,
                errors_5xx,
                latency_ms,
                alarm,
            },
        },
        provenance: Vec::new(),
        alerts: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    /// #32: a longer window never shows fewer events than a shorter one ending at the same
    /// time (the 6-hour series ends at its last whole period; its totals run to now).
    #[test]
    fn a_longer_window_never_counts_fewer_events() {
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 23, 10, 18, 0)
            .unwrap();
        let windows = [15, 60, 360, 1440].map(chrono::Duration::minutes);
        let read: Vec<_> = windows
            .iter()
            .map(|w| super::endpoints(now, *w, super::ALARM_PERIOD, 1))
            .collect();
        for pair in read.windows(2) {
            for (short, long) in pair[0].iter().zip(&pair[1]) {
                let (s, l) = (&short.metrics, &long.metrics);
                assert!(
                    l.errors_5xx >= s.errors_5xx
                        && l.errors_4xx >= s.errors_4xx
                        && l.invocations >= s.invocations,
                    "{}: 5XX {} → {}, 4XX {} → {}, invocations {} → {}",
                    short.name,
                    s.errors_5xx,
                    l.errors_5xx,
                    s.errors_4xx,
                    l.errors_4xx,
                    s.invocations,
                    l.invocations
                );
            }
        }
    }
}
