//! SageMaker endpoints with their metrics and alerts.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    pub name: String,
    pub region: String,
    pub status: String,
    pub variants: Vec<Variant>,
    pub kms_key_id: Option<String>,
    /// Answers through S3 (`AsyncInferenceConfig`): its backlog is read too.
    #[serde(skip)]
    pub asynchronous: bool,
    pub metrics: EndpointMetrics,
    /// Set by the shared fetch step from the configured thresholds.
    pub alerts: Vec<EndpointAlert>,
    /// What each variant really serves, and what does not hold in that chain (its flags are
    /// set by the shared fetch step). Empty where it was not read.
    pub provenance: Vec<super::Provenance>,
    /// Its account, when several are watched.
    #[serde(skip)]
    pub account: super::RowAccount,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub name: String,
    pub instance_type: Option<String>,
    pub instance_count: Option<u32>,
}

impl Variant {
    /// `2×ml.g5.2xlarge` (`2×g5.2xlarge` when `short`); `serverless` when it has no instances.
    pub fn label(&self, short: bool) -> String {
        let kind = self.instance_type.as_deref().unwrap_or("serverless");
        let kind = if short {
            kind.trim_start_matches("ml.")
        } else {
            kind
        };
        let count = self
            .instance_count
            .map(|c| c.to_string())
            .unwrap_or_else(|| "?".into());
        format!("{count}×{kind}")
    }
}

/// Metrics over the time window. Latency is in milliseconds (CloudWatch reports microseconds).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EndpointMetrics {
    pub invocations: f64,
    pub errors_4xx: f64,
    pub errors_5xx: f64,
    pub latency_ms_avg: Option<f64>,
    pub latency_ms_p99: Option<f64>,
    pub overhead_ms_avg: Option<f64>,
    /// One point per period, oldest first.
    pub series: MetricSeries,
    /// Each inference component's own traffic, errors and latency (CloudWatch's
    /// `InferenceComponentName` dimension), so a multi-model endpoint is not one opaque row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentMetrics>,
    /// An asynchronous endpoint's requests waiting (`ApproximateBacklogSize`, latest point).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlog: Option<f64>,
}

/// One inference component's metrics over the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ComponentMetrics {
    pub name: String,
    pub invocations: f64,
    pub errors_4xx: f64,
    pub errors_5xx: f64,
    pub latency_ms_avg: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricSeries {
    pub period_seconds: u32,
    pub start: Option<DateTime<Utc>>,
    pub invocations: Vec<f64>,
    pub errors_5xx: Vec<f64>,
    /// Average model latency per period in ms; `None` where there was no traffic.
    pub latency_ms: Vec<Option<f64>>,
    /// The same window in periods of the alarm's length, when the series' own periods do not
    /// add up to it (a long window's periods are longer than the alarm's): alarms are judged
    /// on these, so "5 errors in 5 min" means five minutes at any window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alarm: Option<AlarmSeries>,
}

/// A series in periods of the alarm's length.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AlarmSeries {
    pub period_seconds: u32,
    pub errors_5xx: Vec<f64>,
    pub latency_ms: Vec<Option<f64>>,
}

/// Whether periods of `period` seconds add up to whole alarm periods: if not, alarms need a
/// series of their own.
pub fn tiles_alarm_period(period: u32, alarm_period: u32) -> bool {
    period > 0 && period <= alarm_period && alarm_period.is_multiple_of(period)
}

/// Why an endpoint is flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EndpointAlert {
    /// More than the threshold of 5XX errors in one alarm period.
    Errors5xx {
        worst_period: f64,
        threshold: f64,
        period_minutes: u32,
    },
    /// Average model latency above the threshold in one alarm period.
    Latency { worst_ms: f64, threshold_ms: f64 },
    /// The endpoint is in a failed state.
    Status { status: String },
}

impl fmt::Display for EndpointAlert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointAlert::Errors5xx {
                worst_period,
                threshold,
                period_minutes,
            } => write!(
                f,
                "{worst_period:.0} 5XX errors in {period_minutes} min (threshold {threshold:.0})"
            ),
            EndpointAlert::Latency {
                worst_ms,
                threshold_ms,
            } => write!(
                f,
                "latency {:.1} s (threshold {:.1} s)",
                worst_ms / 1000.0,
                threshold_ms / 1000.0
            ),
            EndpointAlert::Status { status } => write!(f, "status {status}"),
        }
    }
}
