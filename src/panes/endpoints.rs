//! The endpoints pane: status, instances, traffic, errors, latency and a sparkline per endpoint.

use super::{
    Badge, CellContext, Column, DetailLine, Matcher, Pane, PaneData, RowRef, SortKey, Styled,
    Target, Tone, Totals, Width, column, line, section,
};
use crate::format::{count, format_window, ms, sparkline};
use crate::model::{Endpoint, EndpointAlert, PaneId};

pub struct EndpointsPane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
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
    /// A sparkline of invocations, as wide as the column.
    Trend,
    /// The alerts, spelled out (the text report).
    Alerts,
    /// The row's account (several watched).
    Account,
    /// The region as AWS's short code (`apse1`), where `REGION` does not fit.
    RegionShort,
}

impl Col {
    /// In declaration order, so `ALL[c as usize] == c`.
    const ALL: [Col; 13] = [
        Col::Name,
        Col::Region,
        Col::Status,
        Col::Instances,
        Col::Invocations,
        Col::Errors5xx,
        Col::Errors4xx,
        Col::LatencyAvg,
        Col::LatencyP99,
        Col::Trend,
        Col::Alerts,
        Col::Account,
        Col::RegionShort,
    ];

    fn of(c: &Column) -> Col {
        Col::ALL[usize::from(c.id)]
    }
}

impl From<Col> for u8 {
    fn from(c: Col) -> u8 {
        c as u8
    }
}

fn spec(c: Col, target: Target, spark: u16) -> Column {
    let screen = |w| {
        if target == Target::Screen {
            w
        } else {
            Width::Cap(0)
        }
    };
    match c {
        Col::Name => column(
            c,
            "NAME",
            match target {
                Target::Screen => Width::Fill(1),
                Target::Report => Width::Cap(40),
            },
        ),
        Col::Region => column(c, "REGION", screen(Width::Len(14))),
        Col::RegionShort => column(c, "RGN", screen(Width::Len(5))),
        Col::Status => column(c, "STATUS", screen(Width::Len(10))),
        Col::Instances => column(c, "INSTANCES", screen(Width::Len(20))),
        Col::Invocations => column(c, "INVOC", screen(Width::Len(6))),
        Col::Errors5xx => column(c, "5XX", screen(Width::Len(5))),
        Col::Errors4xx => column(c, "4XX", screen(Width::Len(5))),
        Col::LatencyAvg => column(c, "AVG", screen(Width::Len(8))),
        Col::LatencyP99 => column(c, "P99", screen(Width::Len(8))),
        Col::Trend => column(c, "INVOCATIONS", Width::Len(spark)),
        Col::Alerts => column(c, "ALERTS", Width::Cap(0)),
        Col::Account => super::account_column(c.into(), target),
    }
}

/// The screen's columns: the numbers the alarms watch first (the name keeps `NAME_MIN`), then
/// the name as wide as its longest name (within bounds), then the other columns in the order an
/// operator reads them, each while it fits; what is left widens the name. Shown in the table's
/// own order.
fn screen_columns(width: u16, ctx: &CellContext) -> Vec<Column> {
    use Col::*;
    const NAME_MIN: u16 = 14;
    const NAME_MAX: u16 = 40;
    let spark = if width >= 150 { 24 } else { 12 };
    let inner = width.saturating_sub(2);
    let lead: &[Col] = if ctx.multi_account { &[Account] } else { &[] };
    let len = |c: Col| match spec(c, Target::Screen, spark).width {
        Width::Len(n) | Width::Cap(n) => n,
        Width::Fill(_) => 0,
    };
    let mut used = NAME_MIN + lead.iter().map(|c| len(*c) + 1).sum::<u16>();
    let mut wanted: Vec<Col> = Vec::new();
    // Adds each column that still fits; says whether any did.
    let add = |cols: &[Col], used: &mut u16, wanted: &mut Vec<Col>| {
        let before = wanted.len();
        for &c in cols {
            let room = len(c) + 1;
            if *used + room <= inner {
                *used += room;
                wanted.push(c);
            }
        }
        wanted.len() > before
    };
    add(&[Invocations], &mut used, &mut wanted);
    // Which region, when more than one is watched (before the numbers after the first: a row
    // must say where it is): in full in a wide pane, as the groups pane does, else its code.
    if ctx.multi_region {
        add(
            &[if width >= 90 { Region } else { RegionShort }],
            &mut used,
            &mut wanted,
        );
    }
    add(&[Errors5xx, LatencyAvg], &mut used, &mut wanted);
    // The name's own width, as far as the room allows.
    let name = ctx.endpoint_name_width.clamp(NAME_MIN, NAME_MAX);
    used += (name - NAME_MIN).min(inner.saturating_sub(used));
    add(
        &[LatencyP99, Errors4xx, Status, Trend, Instances],
        &mut used,
        &mut wanted,
    );
    let order = [
        Name,
        Region,
        RegionShort,
        Status,
        Instances,
        Invocations,
        Errors4xx,
        Errors5xx,
        LatencyAvg,
        LatencyP99,
        Trend,
    ];
    lead.iter()
        .copied()
        .chain(
            order
                .into_iter()
                .filter(|c| *c == Name || wanted.contains(c)),
        )
        .map(|c| spec(c, Target::Screen, spark))
        .collect()
}

fn endpoints(data: &PaneData) -> &[Endpoint] {
    data.endpoints().unwrap_or(&[])
}

impl Pane for EndpointsPane {
    fn id(&self) -> PaneId {
        PaneId::Endpoints
    }

    fn title(&self) -> &'static str {
        "Endpoints"
    }

    fn short_name(&self) -> &'static str {
        "endpoints"
    }

    fn rows(&self, data: &PaneData) -> Vec<RowRef> {
        (0..endpoints(data).len()).map(RowRef::item).collect()
    }

    fn account(&self, data: &PaneData, item: u32) -> crate::model::RowAccount {
        endpoints(data).get(item as usize)?.account.clone()
    }

    fn item_key(&self, data: &PaneData, item: u32) -> Option<String> {
        let e = endpoints(data).get(item as usize)?;
        Some(format!("{}/{}", e.region, e.name))
    }

    fn matches(&self, data: &PaneData, row: RowRef, m: &Matcher) -> bool {
        endpoints(data).get(row.item as usize).is_some_and(|e| {
            let types: Vec<&str> = e
                .variants
                .iter()
                .filter_map(|v| v.instance_type.as_deref())
                .collect();
            let alert = if e.alerts.is_empty() { "" } else { "alert" };
            m.matches(&[
                &e.name,
                &e.region,
                &e.status,
                &types.join(" "),
                alert,
                super::account_name(&e.account),
            ])
        })
    }

    fn totals(&self, data: &PaneData) -> Totals {
        let eps = endpoints(data);
        let in_alert = eps.iter().filter(|e| !e.alerts.is_empty()).count();
        Totals::new(eps.len(), vec![(Badge::Alert, in_alert)])
    }

    fn detail_title(&self, data: &PaneData, row: RowRef) -> Option<String> {
        let e = endpoints(data).get(row.item as usize)?;
        Some(format!("Endpoint {}", e.name))
    }

    fn detail(&self, data: &PaneData, row: RowRef, ctx: &CellContext) -> Vec<DetailLine> {
        let Some(e) = endpoints(data).get(row.item as usize) else {
            return vec![];
        };
        let m = &e.metrics;
        let mut out: Vec<DetailLine> = ctx
            .changed(&e.name)
            .map(|b| line("⚑ secdash", b))
            .into_iter()
            .collect();
        out.extend([
            line("name", &e.name),
            line("region", &e.region),
            line("status", &e.status),
        ]);
        out.extend(super::account_line(&e.account));
        out.extend([
            line(
                "kms key",
                e.kms_key_id
                    .clone()
                    .unwrap_or_else(|| "none (not encrypted with a customer key)".into()),
            ),
            section("variants"),
        ]);
        for v in &e.variants {
            out.push(line(&v.name, v.label(false)));
        }
        out.extend(chain_lines(&e.provenance));
        out.push(section(&format!(
            "metrics, last {}",
            format_window(ctx.window)
        )));
        out.push(line("invocations", format!("{:.0}", m.invocations)));
        out.push(line("4XX errors", format!("{:.0}", m.errors_4xx)));
        out.push(line("5XX errors", format!("{:.0}", m.errors_5xx)));
        out.push(line("latency avg", ms(m.latency_ms_avg)));
        out.push(line("latency p99", ms(m.latency_ms_p99)));
        out.push(line("overhead avg", ms(m.overhead_ms_avg)));
        if let Some(waiting) = m.backlog {
            out.push(line(
                "backlog",
                format!("{waiting:.0} requests waiting (asynchronous)"),
            ));
        }
        if !m.components.is_empty() {
            out.push(section("inference components"));
            for c in &m.components {
                out.push(line(
                    &c.name,
                    format!(
                        "{:.0} invocations · {:.0} 4XX · {:.0} 5XX · {} avg",
                        c.invocations,
                        c.errors_4xx,
                        c.errors_5xx,
                        ms(c.latency_ms_avg)
                    ),
                ));
            }
        }
        out.push(section("alerts"));
        if e.alerts.is_empty() {
            out.push(line("", "none"));
        }
        for a in &e.alerts {
            out.push(line("⚠", a.to_string()));
        }
        out
    }

    fn columns(&self, width: u16, ctx: &CellContext) -> Vec<Column> {
        use Col::*;
        let lead: &[Col] = if ctx.multi_account { &[Account] } else { &[] };
        if ctx.target == Target::Report {
            let mut cols = lead.to_vec();
            cols.push(Name);
            if ctx.multi_region {
                cols.push(Region);
            }
            // A terminal under 120 columns (0: a pipe, no limit) gets the numbers the alarms
            // watch; the JSON has the rest.
            if (1..120).contains(&width) {
                cols.extend([Status, Invocations, Errors5xx, LatencyAvg, Alerts]);
            } else {
                cols.extend([
                    Status,
                    Instances,
                    Invocations,
                    Errors4xx,
                    Errors5xx,
                    LatencyAvg,
                    LatencyP99,
                    Alerts,
                ]);
            }
            return cols.into_iter().map(|c| spec(c, ctx.target, 0)).collect();
        }
        screen_columns(width, ctx)
    }

    fn cells(
        &self,
        data: &PaneData,
        row: RowRef,
        columns: &[Column],
        _continuation: bool,
        ctx: &CellContext,
    ) -> Vec<Styled> {
        let Some(e) = endpoints(data).get(row.item as usize) else {
            return vec![];
        };
        columns
            .iter()
            .map(|c| {
                let mut styled = cell(e, c, ctx.target);
                // Rolled back, drained: what secdash changed stays in view.
                if Col::of(c) == Col::Name && ctx.changed(&e.name).is_some() {
                    styled.text = format!("⚑ {}", styled.text);
                }
                styled
            })
            .collect()
    }

    fn empty_message(&self, _data: Option<&PaneData>) -> String {
        "no SageMaker endpoints in the regions watched".to_string()
    }

    fn report_heading(&self, data: Option<&PaneData>) -> String {
        format!("ENDPOINTS ({})", data.map_or(0, |d| endpoints(d).len()))
    }

    fn sort_fields(&self) -> &'static [&'static str] {
        &[
            "name",
            "invocations",
            "5xx",
            "4xx",
            "latency",
            "p99",
            "status",
            "region",
        ]
    }

    fn sort_key(&self, data: &PaneData, row: RowRef, field: usize) -> SortKey {
        let Some(e) = endpoints(data).get(row.item as usize) else {
            return SortKey::Num(f64::NAN);
        };
        let m = &e.metrics;
        match field {
            0 => SortKey::text(&e.name),
            1 => SortKey::Num(m.invocations),
            2 => SortKey::Num(m.errors_5xx),
            3 => SortKey::Num(m.errors_4xx),
            4 => SortKey::Num(m.latency_ms_avg.unwrap_or(f64::NAN)),
            5 => SortKey::Num(m.latency_ms_p99.unwrap_or(f64::NAN)),
            6 => SortKey::text(&e.status),
            _ => SortKey::text(&e.region),
        }
    }

    fn copy_text(&self, data: &PaneData, row: RowRef, account: Option<&str>) -> Option<String> {
        let e = endpoints(data).get(row.item as usize)?;
        // Another account's endpoint has that account's ARN.
        let account = e.account.as_deref().map(|a| a.id.as_str()).or(account);
        Some(match account {
            // SageMaker's ARNs spell the name in lower case.
            Some(acct) => format!(
                "arn:aws:sagemaker:{}:{acct}:endpoint/{}",
                e.region,
                e.name.to_lowercase()
            ),
            None => e.name.clone(),
        })
    }

    fn timeline(
        &self,
        data: &PaneData,
        row: RowRef,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<super::TrailRequest> {
        let e = endpoints(data).get(row.item as usize)?;
        Some(super::TrailRequest::of_resource(
            format!("endpoint {}", e.name),
            &e.name,
            now,
        ))
    }

    fn console_url(&self, data: &PaneData, row: RowRef) -> Option<String> {
        let e = endpoints(data).get(row.item as usize)?;
        Some(super::console(
            &e.region,
            &format!("sagemaker/home?region={}#/endpoints/{}", e.region, e.name),
        ))
    }
}

/// What each variant really serves, as a short tree, each flag beside its link.
fn chain_lines(chains: &[crate::model::Provenance]) -> Vec<DetailLine> {
    if chains.is_empty() {
        return vec![];
    }
    let mut out = vec![section("what answers")];
    let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or("unknown".into(), |t| {
            t.format("%Y-%m-%d %H:%M UTC").to_string()
        })
    };
    for c in chains {
        out.push(line(
            &c.variant,
            match &c.inference_component {
                Some(ic) => format!("component {ic} · model {}", c.model),
                None => format!("model {}", c.model),
            },
        ));
        out.push(line(
            "├ image",
            match &c.image.digest {
                Some(d) if !c.image.uri.contains(d.as_str()) => {
                    format!("{} (deployed {d})", c.image.uri)
                }
                _ => c.image.uri.clone(),
            },
        ));
        out.push(line(
            "├ artifact",
            format!(
                "{} · version {} · written {}",
                c.artifact.url,
                c.artifact.version_id.as_deref().unwrap_or("unversioned"),
                day(c.artifact.last_modified)
            ),
        ));
        out.push(line(
            "├ package",
            match &c.package {
                Some(p) => format!(
                    "{} · {} {}{}",
                    p.arn,
                    p.status,
                    day(p.approved_at),
                    approximate(p)
                ),
                None => "none names this artifact".into(),
            },
        ));
        out.push(line(
            "└ training",
            match &c.training {
                Some(t) => format!(
                    "{} · network isolation {} · {}",
                    t.name,
                    if t.network_isolation { "on" } else { "off" },
                    if t.in_vpc { "in a VPC" } else { "no VPC" }
                ),
                None => c
                    .training_job
                    .clone()
                    .unwrap_or_else(|| "no training job read wrote it".into()),
            },
        ));
        for f in &c.flags {
            out.push(line(
                &format!("  ⚠ {}", f.severity.label()),
                format!("{}: {}", f.id, f.text),
            ));
        }
    }
    out.extend(blast_lines(chains));
    out
}

/// " (approximate)" when the approval time is the package's last change, not its event.
fn approximate(p: &crate::model::PackageRef) -> &'static str {
    if p.approved_from == Some("last_modified") {
        " (approximate)"
    } else {
        ""
    }
}

/// Who could change what answers: the serving role, then every other role that may
/// overwrite a served artifact.
fn blast_lines(chains: &[crate::model::Provenance]) -> Vec<DetailLine> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for r in chains.iter().flat_map(|c| &c.blast_radius) {
        if seen.contains(&r.principal.as_str()) {
            continue;
        }
        seen.push(&r.principal);
        if out.is_empty() {
            out.push(section("who could change it"));
        }
        let role = r.principal.rsplit('/').next().unwrap_or(&r.principal);
        out.push(line(r.kind, role.to_string()));
        let facts = r.facts();
        for (i, (label, value)) in facts.iter().enumerate() {
            let branch = if i + 1 == facts.len() { "└" } else { "├" };
            out.push(line(&format!("{branch} {label}"), value.clone()));
        }
    }
    out
}

fn cell(e: &Endpoint, column: &Column, target: Target) -> Styled {
    let m = &e.metrics;
    let screen = target == Target::Screen;
    // On screen the numbers behind an alert stand out; the report lists the alerts instead.
    let flagged = |f: fn(&EndpointAlert) -> bool| match (screen, e.alerts.iter().any(f)) {
        (false, _) => Tone::Plain,
        (true, true) => Tone::Alert,
        (true, false) => Tone::Base,
    };
    match Col::of(column) {
        Col::Name if !screen => Styled::plain(&e.name),
        // Endpoint names share long prefixes (`studyai-dev-…`): cut in the middle.
        // A high flag of what it serves marks the row as an alert does (it is not one).
        Col::Name
            if e.alerts.is_empty()
                && crate::provenance::worst(&e.provenance) < Some(crate::model::Risk::High) =>
        {
            Styled::id(&e.name, Tone::Plain)
        }
        Col::Name => Styled::id(format!("⚠ {}", e.name), Tone::Alert),
        Col::Region => Styled::plain(&e.region),
        Col::RegionShort => Styled::plain(crate::format::region_code(&e.region)),
        Col::Account => Styled::plain(super::account_name(&e.account)),
        Col::Status if !screen => Styled::plain(&e.status),
        Col::Status => Styled::new(
            &e.status,
            match e.status.as_str() {
                "InService" => Tone::Good,
                "Failed" | "OutOfService" => Tone::Bad,
                _ => Tone::Busy,
            },
        ),
        Col::Instances => {
            let inst: Vec<String> = e.variants.iter().map(|v| v.label(screen)).collect();
            Styled::plain(inst.join(" "))
        }
        Col::Invocations => Styled::plain(count(m.invocations)),
        Col::Errors5xx => Styled::new(
            count(m.errors_5xx),
            flagged(|a| matches!(a, EndpointAlert::Errors5xx { .. })),
        ),
        Col::Errors4xx => Styled::plain(count(m.errors_4xx)),
        Col::LatencyAvg => Styled::new(
            ms(m.latency_ms_avg),
            flagged(|a| matches!(a, EndpointAlert::Latency { .. })),
        ),
        Col::LatencyP99 => Styled::plain(ms(m.latency_ms_p99)),
        Col::Trend => Styled::new(
            sparkline(&m.series.invocations, trend_width(column)),
            Tone::Sparkline,
        ),
        Col::Alerts if e.alerts.is_empty() => Styled::plain("ok"),
        Col::Alerts => {
            let alerts: Vec<String> = e.alerts.iter().map(ToString::to_string).collect();
            Styled::new(format!("⚠ {}", alerts.join("; ")), Tone::Alert)
        }
    }
}

fn trend_width(c: &Column) -> usize {
    match c.width {
        Width::Len(n) | Width::Fill(n) | Width::Cap(n) => usize::from(n),
    }
}
