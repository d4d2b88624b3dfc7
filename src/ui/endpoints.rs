//! The endpoints pane: status, instances, traffic, errors, latency and a sparkline per endpoint.

use super::pane::{PaneTable, Tier, tier_from};
use super::sparkline::sparkline;
use crate::app::AppState;
use crate::format::{count, ms};
use crate::model::{Endpoint, EndpointAlert, PaneId};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

#[derive(Clone, Copy, PartialEq)]
enum Col {
    Name,
    Region,
    Status,
    Instances,
    Invocations,
    Errors5xx,
    Errors4xx,
    LatencyAvg,
    LatencyP99,
    Trend,
}

fn columns(t: Tier, multi_region: bool) -> Vec<Col> {
    use Col::*;
    let mut cols = vec![Name];
    if multi_region && t == Tier::Wide {
        cols.push(Region);
    }
    match t {
        Tier::Narrow => cols.extend([Invocations, Errors5xx, LatencyAvg]),
        Tier::Medium => cols.extend([
            Status,
            Invocations,
            Errors4xx,
            Errors5xx,
            LatencyAvg,
            LatencyP99,
            Trend,
        ]),
        Tier::Wide => cols.extend([
            Status,
            Instances,
            Invocations,
            Errors4xx,
            Errors5xx,
            LatencyAvg,
            LatencyP99,
            Trend,
        ]),
    }
    cols
}

fn head(c: Col, spark: u16) -> (&'static str, Constraint) {
    match c {
        Col::Name => ("NAME", Constraint::Fill(1)),
        Col::Region => ("REGION", Constraint::Length(14)),
        Col::Status => ("STATUS", Constraint::Length(10)),
        Col::Instances => ("INSTANCES", Constraint::Length(20)),
        Col::Invocations => ("INVOC", Constraint::Length(6)),
        Col::Errors5xx => ("5XX", Constraint::Length(5)),
        Col::Errors4xx => ("4XX", Constraint::Length(5)),
        Col::LatencyAvg => ("AVG", Constraint::Length(8)),
        Col::LatencyP99 => ("P99", Constraint::Length(8)),
        Col::Trend => ("INVOCATIONS", Constraint::Length(spark)),
    }
}

pub fn draw(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let data: &[Endpoint] = state.endpoints.data().map(Vec::as_slice).unwrap_or(&[]);
    // Seven number columns need room before the name can keep its own.
    let t = tier_from(area, 90);
    let spark: u16 = if t == Tier::Wide { 24 } else { 12 };
    let cols = columns(t, state.context.regions.len() > 1);
    let (header, widths): (Vec<_>, Vec<_>) = cols.iter().map(|c| head(*c, spark)).unzip();

    let table = PaneTable {
        pane: PaneId::Endpoints,
        summary: super::pane::summary(state, theme, PaneId::Endpoints),
        header,
        widths,
        empty: "no SageMaker endpoints in the regions watched".to_string(),
    };
    table.draw(state, theme, frame, area, |r, _| {
        let Some(e) = data.get(r.item as usize) else {
            return Row::default();
        };
        Row::new(
            cols.iter()
                .map(|c| cell(e, *c, theme, spark))
                .collect::<Vec<_>>(),
        )
    });
}

fn cell(e: &Endpoint, c: Col, theme: &Theme, spark: u16) -> Cell<'static> {
    let m = &e.metrics;
    let flagged = |f: fn(&EndpointAlert) -> bool| -> Style {
        if e.alerts.iter().any(f) {
            theme.endpoints_alert
        } else {
            theme.base
        }
    };
    match c {
        Col::Name if e.alerts.is_empty() => Cell::from(e.name.clone()),
        Col::Name => Cell::from(Span::styled(format!("⚠ {}", e.name), theme.endpoints_alert)),
        Col::Region => Cell::from(e.region.clone()),
        Col::Status => {
            let style = match e.status.as_str() {
                "InService" => theme.status_ok,
                "Failed" | "OutOfService" => theme.status_error,
                _ => theme.status_loading,
            };
            Cell::from(Span::styled(e.status.clone(), style))
        }
        Col::Instances => {
            let inst: Vec<String> = e.variants.iter().map(|v| v.label(true)).collect();
            Cell::from(inst.join(" "))
        }
        Col::Invocations => Cell::from(count(m.invocations)),
        Col::Errors5xx => Cell::from(Span::styled(
            count(m.errors_5xx),
            flagged(|a| matches!(a, EndpointAlert::Errors5xx { .. })),
        )),
        Col::Errors4xx => Cell::from(count(m.errors_4xx)),
        Col::LatencyAvg => Cell::from(Span::styled(
            ms(m.latency_ms_avg),
            flagged(|a| matches!(a, EndpointAlert::Latency { .. })),
        )),
        Col::LatencyP99 => Cell::from(ms(m.latency_ms_p99)),
        Col::Trend => Cell::from(Span::styled(
            sparkline(&m.series.invocations, spark as usize),
            theme.endpoints_sparkline,
        )),
    }
}
