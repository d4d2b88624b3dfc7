//! Endpoint metrics from CloudWatch `GetMetricData`: every query of every endpoint in as few
//! calls as the 500-queries-per-call limit allows. Planning and aggregation are pure.

use crate::aws::calls::{Calls, call};
use crate::model::{AlarmSeries, EndpointMetrics, MetricSeries};
use crate::source::SourceError;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// GetMetricData's limit on queries per call.
pub const MAX_QUERIES_PER_CALL: usize = 500;
const NAMESPACE: &str = "AWS/SageMaker";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Invocations,
    Errors4xx,
    Errors5xx,
    /// ModelLatency average per period (µs).
    Latency,
    /// ModelLatency p99 over the whole window (µs).
    LatencyP99,
    /// OverheadLatency average over the whole window (µs).
    Overhead,
    /// 5XX sums in periods of the alarm's length, when the series' periods are not.
    Errors5xxAlarm,
    /// ModelLatency averages in periods of the alarm's length, likewise (µs).
    LatencyAlarm,
    /// An asynchronous endpoint's `ApproximateBacklogSize`, per period (its latest is kept).
    Backlog,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Invocations,
        Kind::Errors4xx,
        Kind::Errors5xx,
        Kind::Latency,
        Kind::LatencyP99,
        Kind::Overhead,
    ];

    /// Asked for too when the series' periods do not add up to the alarm's.
    pub const ALARM: [Kind; 2] = [Kind::Errors5xxAlarm, Kind::LatencyAlarm];

    /// What an inference component is asked: its traffic, errors and latency.
    pub const COMPONENT: [Kind; 4] = [
        Kind::Invocations,
        Kind::Errors4xx,
        Kind::Errors5xx,
        Kind::Latency,
    ];

    fn metric(self) -> &'static str {
        match self {
            Kind::Invocations => "Invocations",
            Kind::Errors4xx => "Invocation4XXErrors",
            Kind::Errors5xx | Kind::Errors5xxAlarm => "Invocation5XXErrors",
            Kind::Latency | Kind::LatencyP99 | Kind::LatencyAlarm => "ModelLatency",
            Kind::Overhead => "OverheadLatency",
            Kind::Backlog => "ApproximateBacklogSize",
        }
    }

    fn stat(self) -> &'static str {
        match self {
            Kind::Invocations | Kind::Errors4xx | Kind::Errors5xx | Kind::Errors5xxAlarm => "Sum",
            Kind::Latency | Kind::Overhead | Kind::LatencyAlarm | Kind::Backlog => "Average",
            Kind::LatencyP99 => "p99",
        }
    }

    /// One value for the window rather than a series.
    fn whole_window(self) -> bool {
        matches!(self, Kind::LatencyP99 | Kind::Overhead)
    }

    fn tag(self) -> &'static str {
        match self {
            Kind::Invocations => "inv",
            Kind::Errors4xx => "e4",
            Kind::Errors5xx => "e5",
            Kind::Latency => "lat",
            Kind::LatencyP99 => "p99",
            Kind::Overhead => "ovh",
            Kind::Errors5xxAlarm => "e5a",
            Kind::LatencyAlarm => "lata",
            Kind::Backlog => "bl",
        }
    }
}

/// What a target's metrics are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Of {
    /// One variant of an endpoint (`EndpointName`, `VariantName`).
    #[default]
    Variant,
    /// An inference component (`InferenceComponentName`, named in `variant`).
    Component,
    /// An asynchronous endpoint's backlog (`EndpointName` alone).
    Backlog,
}

/// One variant of one endpoint, whose metrics are wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub endpoint: String,
    /// The variant's name, or the inference component's.
    pub variant: String,
    pub of: Of,
    /// Another account's, read from a monitoring account (CloudWatch cross-account
    /// observability): the query's `AccountId`.
    pub account: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuerySpec {
    /// `q{target}_{kind}`: starts with a lower-case letter, as CloudWatch requires.
    pub id: String,
    pub target: usize,
    pub kind: Kind,
}

/// The time range and periods of a refresh.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub period: u32,
    /// The alarm's period (5 minutes in the seed's alarms).
    pub alarm_period: u32,
}

impl Range {
    pub fn points(&self) -> usize {
        ((self.end - self.start).num_seconds() / i64::from(self.period.max(1))).max(0) as usize
    }

    /// Whether alarms need a series of their own: the series' periods do not add up to one.
    pub fn needs_alarm_series(&self) -> bool {
        !crate::model::tiles_alarm_period(self.period, self.alarm_period)
    }

    /// Points of the alarm series (none when it is not needed).
    pub fn alarm_points(&self) -> usize {
        if !self.needs_alarm_series() {
            return 0;
        }
        ((self.end - self.start).num_seconds() / i64::from(self.alarm_period.max(1))).max(0)
            as usize
    }

    fn window_seconds(&self) -> i32 {
        (self.end - self.start)
            .num_seconds()
            .clamp(60, i64::from(i32::MAX)) as i32
    }
}

/// Six queries per variant (eight when alarms need their own series), in calls of at most 500.
pub fn plan(targets: &[Target], range: &Range) -> Vec<Vec<QuerySpec>> {
    let alarm: &[Kind] = if range.needs_alarm_series() {
        &Kind::ALARM
    } else {
        &[]
    };
    let specs: Vec<QuerySpec> = targets
        .iter()
        .enumerate()
        .flat_map(|(t, target)| {
            let kinds: &[Kind] = match target.of {
                Of::Variant => &Kind::ALL,
                Of::Component => &Kind::COMPONENT,
                Of::Backlog => &[Kind::Backlog],
            };
            let alarm = if target.of == Of::Variant { alarm } else { &[] };
            kinds.iter().chain(alarm).map(move |&kind| QuerySpec {
                id: format!("q{t}_{}", kind.tag()),
                target: t,
                kind,
            })
        })
        .collect();
    specs
        .chunks(MAX_QUERIES_PER_CALL)
        .map(<[QuerySpec]>::to_vec)
        .collect()
}

/// The values CloudWatch returned for one variant, by kind, aligned to the range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariantSeries {
    pub invocations: Vec<f64>,
    pub errors_4xx: Vec<f64>,
    pub errors_5xx: Vec<f64>,
    /// µs, `None` where CloudWatch had no datapoint.
    pub latency_us: Vec<Option<f64>>,
    pub p99_us: Option<f64>,
    pub overhead_us: Option<f64>,
    /// In periods of the alarm's length (empty when the series' periods add up to it).
    pub alarm_5xx: Vec<f64>,
    pub alarm_latency_us: Vec<Option<f64>>,
    /// The latest backlog point and when it was.
    pub backlog: Option<(DateTime<Utc>, f64)>,
}

impl VariantSeries {
    pub fn empty(range: &Range) -> Self {
        let points = range.points();
        let alarm = range.alarm_points();
        VariantSeries {
            invocations: vec![0.0; points],
            errors_4xx: vec![0.0; points],
            errors_5xx: vec![0.0; points],
            latency_us: vec![None; points],
            p99_us: None,
            overhead_us: None,
            alarm_5xx: vec![0.0; alarm],
            alarm_latency_us: vec![None; alarm],
            backlog: None,
        }
    }

    /// Puts one returned datapoint in its place; points outside the range are dropped.
    pub fn put(&mut self, kind: Kind, range: &Range, at: DateTime<Utc>, value: f64) {
        if !value.is_finite() {
            return;
        }
        if kind.whole_window() {
            match kind {
                Kind::LatencyP99 => self.p99_us = Some(self.p99_us.map_or(value, |v| v.max(value))),
                _ => self.overhead_us = Some(value),
            }
            return;
        }
        if kind == Kind::Backlog {
            if self.backlog.is_none_or(|(seen, _)| at >= seen) {
                self.backlog = Some((at, value));
            }
            return;
        }
        let offset = (at - range.start).num_seconds();
        if offset < 0 {
            return;
        }
        if matches!(kind, Kind::Errors5xxAlarm | Kind::LatencyAlarm) {
            let i = (offset / i64::from(range.alarm_period.max(1))) as usize;
            if kind == Kind::LatencyAlarm {
                if let Some(s) = self.alarm_latency_us.get_mut(i) {
                    *s = Some(value);
                }
            } else if let Some(s) = self.alarm_5xx.get_mut(i) {
                *s += value;
            }
            return;
        }
        let i = (offset / i64::from(range.period.max(1))) as usize;
        let slot = match kind {
            Kind::Invocations => self.invocations.get_mut(i),
            Kind::Errors4xx => self.errors_4xx.get_mut(i),
            Kind::Errors5xx => self.errors_5xx.get_mut(i),
            Kind::Latency => {
                if let Some(s) = self.latency_us.get_mut(i) {
                    *s = Some(value);
                }
                return;
            }
            _ => None,
        };
        if let Some(s) = slot {
            *s += value;
        }
    }
}

/// One endpoint's metrics from its variants': sums add up, latency is weighted by invocations,
/// p99 is the worst variant's. Microseconds become milliseconds here.
pub fn aggregate(range: &Range, variants: &[VariantSeries]) -> EndpointMetrics {
    let n = range.points();
    let mut inv = vec![0.0; n];
    let mut e5 = vec![0.0; n];
    let mut e4_total = 0.0;
    let mut lat = vec![None; n];
    let (mut weighted, mut weight, mut plain_sum, mut plain_n) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..n {
        let (mut w_sum, mut w, mut p_sum, mut p_n) = (0.0, 0.0, 0.0, 0.0);
        for v in variants {
            let calls = v.invocations.get(i).copied().unwrap_or(0.0);
            inv[i] += calls;
            e5[i] += v.errors_5xx.get(i).copied().unwrap_or(0.0);
            e4_total += v.errors_4xx.get(i).copied().unwrap_or(0.0);
            if let Some(Some(l)) = v.latency_us.get(i) {
                w_sum += l * calls;
                w += calls;
                p_sum += l;
                p_n += 1.0;
            }
        }
        lat[i] = if w > 0.0 {
            Some(w_sum / w / 1000.0)
        } else if p_n > 0.0 {
            Some(p_sum / p_n / 1000.0)
        } else {
            None
        };
        weighted += w_sum;
        weight += w;
        plain_sum += p_sum;
        plain_n += p_n;
    }
    let latency_ms_avg = if weight > 0.0 {
        Some(weighted / weight / 1000.0)
    } else if plain_n > 0.0 {
        Some(plain_sum / plain_n / 1000.0)
    } else {
        None
    };
    let total_inv: Vec<f64> = variants
        .iter()
        .map(|v| v.invocations.iter().sum())
        .collect();
    let overhead = {
        let (s, w) = variants
            .iter()
            .zip(&total_inv)
            .filter_map(|(v, n)| v.overhead_us.map(|o| (o * n.max(1.0), n.max(1.0))))
            .fold((0.0, 0.0), |(s, w), (a, b)| (s + a, w + b));
        (w > 0.0).then(|| s / w / 1000.0)
    };
    EndpointMetrics {
        invocations: inv.iter().sum(),
        errors_4xx: e4_total,
        errors_5xx: e5.iter().sum(),
        latency_ms_avg,
        latency_ms_p99: variants
            .iter()
            .filter_map(|v| v.p99_us)
            .reduce(f64::max)
            .map(|v| v / 1000.0),
        overhead_ms_avg: overhead,
        series: MetricSeries {
            period_seconds: range.period,
            start: Some(range.start),
            invocations: inv,
            errors_5xx: e5,
            latency_ms: lat,
            alarm: range
                .needs_alarm_series()
                .then(|| alarm_series(range, variants)),
        },
        ..Default::default()
    }
}

/// The alarm series of an endpoint: 5XX summed over its variants, latency averaged (the
/// series carries no invocations per alarm period to weigh it by).
fn alarm_series(range: &Range, variants: &[VariantSeries]) -> AlarmSeries {
    let n = range.alarm_points();
    let mut errors_5xx = vec![0.0; n];
    let mut latency_ms = vec![None; n];
    for (i, (e5, lat)) in errors_5xx.iter_mut().zip(latency_ms.iter_mut()).enumerate() {
        *e5 = variants
            .iter()
            .map(|v| v.alarm_5xx.get(i).copied().unwrap_or(0.0))
            .sum();
        let seen: Vec<f64> = variants
            .iter()
            .filter_map(|v| v.alarm_latency_us.get(i).copied().flatten())
            .collect();
        *lat = (!seen.is_empty()).then(|| seen.iter().sum::<f64>() / seen.len() as f64 / 1000.0);
    }
    AlarmSeries {
        period_seconds: range.alarm_period,
        errors_5xx,
        latency_ms,
    }
}

fn query(spec: &QuerySpec, target: &Target, range: &Range) -> MetricDataQuery {
    let dimension = |name: &str, value: &str| Dimension::builder().name(name).value(value).build();
    let dimensions = match target.of {
        Of::Variant => vec![
            dimension("EndpointName", &target.endpoint),
            dimension("VariantName", &target.variant),
        ],
        Of::Component => vec![dimension("InferenceComponentName", &target.variant)],
        Of::Backlog => vec![dimension("EndpointName", &target.endpoint)],
    };
    let metric = Metric::builder()
        .namespace(NAMESPACE)
        .metric_name(spec.kind.metric())
        .set_dimensions(Some(dimensions))
        .build();
    let period = match spec.kind {
        k if k.whole_window() => range.window_seconds(),
        Kind::Errors5xxAlarm | Kind::LatencyAlarm => range.alarm_period as i32,
        _ => range.period as i32,
    };
    MetricDataQuery::builder()
        .set_account_id(target.account.clone())
        .id(&spec.id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(period)
                .stat(spec.kind.stat())
                .build(),
        )
        .return_data(true)
        .build()
}

fn to_chrono(t: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos())
}

/// Fetches every target's series in the fewest calls.
pub async fn fetch(
    client: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    targets: &[Target],
    range: &Range,
) -> Result<Vec<VariantSeries>, SourceError> {
    let mut out = vec![VariantSeries::empty(range); targets.len()];
    for batch in plan(targets, range) {
        let by_id: HashMap<&str, &QuerySpec> = batch.iter().map(|s| (s.id.as_str(), s)).collect();
        let queries: Vec<MetricDataQuery> = batch
            .iter()
            .map(|s| query(s, &targets[s.target], range))
            .collect();
        calls.add_metrics(queries.len() as u64);
        let mut next: Option<String> = None;
        loop {
            let request = client
                .get_metric_data()
                .set_metric_data_queries(Some(queries.clone()))
                .start_time(aws_smithy_types::DateTime::from_secs(
                    range.start.timestamp(),
                ))
                .end_time(aws_smithy_types::DateTime::from_secs(range.end.timestamp()))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(next.clone())
                .send();
            let page = call(calls, "cloudwatch:GetMetricData", region, profile, request).await?;
            for result in page.metric_data_results() {
                let Some(spec) = result.id().and_then(|id| by_id.get(id)) else {
                    continue;
                };
                for (t, v) in result.timestamps().iter().zip(result.values()) {
                    if let Some(at) = to_chrono(t) {
                        out[spec.target].put(spec.kind, range, at, *v);
                    }
                }
            }
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn targets(n: usize) -> Vec<Target> {
        (0..n)
            .map(|i| Target {
                endpoint: format!("e{i}"),
                variant: "AllTraffic".into(),
                of: Of::Variant,
                account: None,
            })
            .collect()
    }

    fn range() -> Range {
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        Range {
            start,
            end: start + chrono::Duration::minutes(5),
            period: 60,
            alarm_period: 300,
        }
    }

    #[test]
    fn queries_fill_calls_of_five_hundred() {
        let r = range();
        assert_eq!(plan(&targets(1), &r).len(), 1);
        assert_eq!(
            plan(&targets(83), &r).len(),
            1,
            "83 × 6 = 498 queries: one call"
        );
        let p = plan(&targets(84), &r);
        assert_eq!(p.len(), 2, "84 × 6 = 504 queries: two calls");
        assert_eq!(p[0].len(), 500);
        assert_eq!(p[1].len(), 4);
        assert_eq!(plan(&targets(500), &r).len(), 6);
        assert!(plan(&[], &r).is_empty());
    }

    #[test]
    fn query_ids_are_valid_and_unique() {
        let p = plan(&targets(100), &range());
        let ids: std::collections::HashSet<_> = p.iter().flatten().map(|s| s.id.clone()).collect();
        assert_eq!(ids.len(), 600);
        assert!(
            ids.iter().all(|id| id.starts_with('q')
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        );
    }

    #[test]
    fn points_land_in_their_period() {
        let r = range();
        let mut v = VariantSeries::empty(&r);
        v.put(Kind::Invocations, &r, r.start, 10.0);
        v.put(
            Kind::Invocations,
            &r,
            r.start + chrono::Duration::seconds(150),
            4.0,
        );
        v.put(
            Kind::Invocations,
            &r,
            r.start - chrono::Duration::seconds(60),
            99.0,
        );
        v.put(Kind::Invocations, &r, r.end, 99.0);
        v.put(Kind::LatencyP99, &r, r.start, 2_000_000.0);
        assert_eq!(v.invocations, vec![10.0, 0.0, 4.0, 0.0, 0.0]);
        assert_eq!(v.p99_us, Some(2_000_000.0));
    }

    #[test]
    fn microseconds_become_milliseconds_and_latency_is_weighted() {
        let r = range();
        let mut a = VariantSeries::empty(&r);
        let mut b = VariantSeries::empty(&r);
        a.invocations[0] = 30.0;
        a.latency_us[0] = Some(100_000.0);
        b.invocations[0] = 10.0;
        b.latency_us[0] = Some(500_000.0);
        a.errors_5xx[0] = 2.0;
        b.errors_5xx[0] = 4.0;
        a.p99_us = Some(300_000.0);
        b.p99_us = Some(900_000.0);
        let m = aggregate(&r, &[a, b]);
        assert_eq!(m.invocations, 40.0);
        assert_eq!(m.errors_5xx, 6.0);
        assert_eq!(m.series.latency_ms[0], Some(200.0));
        assert_eq!(m.latency_ms_avg, Some(200.0));
        assert_eq!(m.latency_ms_p99, Some(900.0));
        assert_eq!(m.series.latency_ms[1], None);
    }

    #[test]
    fn no_traffic_means_no_latency() {
        let m = aggregate(&range(), &[VariantSeries::empty(&range())]);
        assert_eq!(m.latency_ms_avg, None);
        assert_eq!(m.latency_ms_p99, None);
        assert_eq!(m.invocations, 0.0);
    }

    #[test]
    fn long_windows_ask_for_the_alarm_series_too() {
        let start = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
        let day = Range {
            start,
            end: start + chrono::Duration::hours(24),
            period: 720,
            alarm_period: 300,
        };
        let p = plan(&targets(1), &day);
        let kinds: Vec<Kind> = p[0].iter().map(|s| s.kind).collect();
        assert!(kinds.contains(&Kind::Errors5xxAlarm) && kinds.contains(&Kind::LatencyAlarm));
        let q = query(&p[0][6], &targets(1)[0], &day);
        assert_eq!(q.metric_stat().and_then(|m| m.period()), Some(300));
        let mut v = VariantSeries::empty(&day);
        assert_eq!((v.errors_5xx.len(), v.alarm_5xx.len()), (120, 288));
        v.put(
            Kind::Errors5xxAlarm,
            &day,
            start + chrono::Duration::minutes(10),
            12.0,
        );
        v.put(Kind::Errors5xx, &day, start, 12.0);
        let m = aggregate(&day, &[v]);
        let alarm = m.series.alarm.expect("an alarm series");
        assert_eq!((alarm.period_seconds, alarm.errors_5xx[2]), (300, 12.0));
        assert!(
            plan(&targets(1), &range())[0].len() == 6,
            "an hour needs none"
        );
    }
}
