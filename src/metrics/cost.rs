//! What the metrics cost: CloudWatch bills GetMetricData per metric requested.

use crate::model::PaneId;
use std::collections::BTreeMap;

/// CloudWatch GetMetricData list price: $0.01 per 1,000 metrics requested.
pub const USD_PER_METRIC: f64 = 0.01 / 1000.0;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CloudWatchCost {
    pub metrics_per_refresh: u64,
    pub usd_per_refresh: f64,
    pub usd_per_hour: f64,
}

impl CloudWatchCost {
    /// The cost of one refresh of every pane and of an hour of refreshes at their intervals
    /// (seconds per pane; 60 when a pane has none).
    pub fn estimate(
        metrics_requested: &BTreeMap<PaneId, u64>,
        refresh_seconds: &BTreeMap<PaneId, u64>,
    ) -> CloudWatchCost {
        let metrics: u64 = metrics_requested.values().sum();
        let per_hour_metrics: f64 = metrics_requested
            .iter()
            .map(|(pane, m)| {
                let every = refresh_seconds.get(pane).copied().unwrap_or(60).max(1);
                *m as f64 * 3600.0 / every as f64
            })
            .sum();
        CloudWatchCost {
            metrics_per_refresh: metrics,
            usd_per_refresh: metrics as f64 * USD_PER_METRIC,
            usd_per_hour: per_hour_metrics * USD_PER_METRIC,
        }
    }
}
