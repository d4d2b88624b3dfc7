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

pub fn endpoints(now: DateTime<Utc>, window: Duration, scale: usize) -> Vec<Endpoint> {
    let period = metrics::period_for_window(window);
    let (start, _) = metrics::aligned_range(now, window, period);
    let points = (window.num_seconds() / i64::from(period)).max(1) as usize;
    let mut out = Vec::with_capacity(ENDPOINTS.len() * scale.max(1));
    for copy in 0..scale.max(1) {
        for (i, spec) in ENDPOINTS.iter().enumerate() {
            let seed = (copy * ENDPOINTS.len() + i) as u64;
            let name = if copy == 0 {
                spec.name.to_string()
            } else {
                format!("{}-{copy:03}", spec.name)
            };
            out.push(endpoint(spec, name, seed, start, period, points));
        }
    }
    out
}

fn endpoint(
    spec: &EndpointSpec,
    name: String,
    seed: u64,
    start: DateTime<Utc>,
    period: u32,
    points: usize,
) -> Endpoint {
    let minutes_per_point = f64::from(period) / 60.0;
    let mut invocations = Vec::with_capacity(points + 1);
    let mut errors_5xx = Vec::with_capacity(points + 1);
    let mut latency_ms = Vec::with_capacity(points + 1);
    let (mut inv_total, mut e4_total, mut lat_weighted, mut p99) = (0.0, 0.0, 0.0, 0.0_f64);
    // Whole periods only, as CloudWatch reports them; the series moves on each minute.
    for p in 0..points {
        let t = start + Duration::seconds(p as i64 * i64::from(period));
        let slot = (t.timestamp() / 60) as u64;
        let wave = 1.0 + 0.35 * ((slot as f64) / 9.0 + seed as f64).sin();
        let jitter = 0.85 + 0.3 * noise(seed, slot);
        let mut inv = (spec.rate * minutes_per_point * wave * jitter).round();
        let recent = points.saturating_sub(p);
        if spec.fault == Fault::Updating && recent < 8 {
            inv = 0.0;
        }
        let e5 = match spec.fault {
            Fault::ErrorSpike if recent < 12 => {
                (inv * (0.04 + 0.05 * noise(seed + 7, slot))).round()
            }
            _ if noise(seed + 3, slot) > 0.97 => 1.0_f64.min(inv),
            _ => 0.0,
        };
        let e4 = (inv * spec.client_errors * (0.5 + noise(seed + 5, slot))).round();
        let lat = spec.latency_ms * (0.8 + 0.4 * noise(seed + 11, slot));
        invocations.push(inv);
        errors_5xx.push(e5);
        latency_ms.push((inv > 0.0).then_some(lat));
        if inv > 0.0 {
            inv_total += inv;
            e4_total += e4;
            lat_weighted += lat * inv;
            p99 = p99.max(lat * 1.9);
        }
    }
    let e5_total: f64 = errors_5xx.iter().sum();
    Endpoint {
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
        metrics: EndpointMetrics {
            invocations: inv_total,
            errors_4xx: e4_total,
            errors_5xx: e5_total,
            latency_ms_avg: (inv_total > 0.0).then(|| lat_weighted / inv_total),
            latency_ms_p99: (inv_total > 0.0).then_some(p99),
            overhead_ms_avg: (inv_total > 0.0).then_some(3.2 + seed as f64 * 0.4),
            series: MetricSeries {
                period_seconds: period,
                start: Some(start),
                invocations,
                errors_5xx,
                latency_ms,
            },
        },
        alerts: Vec::new(),
    }
}
