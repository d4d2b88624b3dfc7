//! `--once` snapshots: one serde model built from the app state, written as text, JSON or
//! Markdown. The JSON is a contract scripts depend on: fields are added, never renamed.

pub mod markdown;
pub mod table;
pub mod text;

use crate::app::AppState;
use crate::model::{
    AttachmentKind, CheckStatus, Direction, EndpointAlert, PaneId, Peer, Risk, SeverityLabel,
};
use crate::source::{ApiCalls, SourceKind};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

pub const SCHEMA_VERSION: u32 = 1;

/// Exit codes of `--once`, documented in the README.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FATAL: i32 = 1;
    pub const PARTIAL: i32 = 2;
    pub const FAIL_ON: i32 = 3;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub schema_version: u32,
    pub generated_at: DateTime<Utc>,
    pub source: SourceKind,
    pub account: Option<String>,
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    pub window_seconds: i64,
    pub read_only: bool,
    pub endpoints: Vec<EndpointOut>,
    pub security_groups: Vec<SecurityGroupOut>,
    pub findings: Vec<FindingOut>,
    pub checklist: Vec<CheckOut>,
    pub errors: Vec<ErrorOut>,
    pub api_calls: ApiCalls,
    /// The same calls, by the pane that made them.
    pub api_calls_by_pane: std::collections::BTreeMap<PaneId, ApiCalls>,
    /// Estimated CloudWatch GetMetricData cost of one refresh and of an hour of refreshes.
    pub cloudwatch_cost: crate::metrics::CloudWatchCost,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct EndpointOut {
    pub name: String,
    pub region: String,
    pub status: String,
    pub variants: Vec<crate::model::Variant>,
    pub kms_key_id: Option<String>,
    pub invocations: f64,
    pub errors_4xx: f64,
    pub errors_5xx: f64,
    pub latency_ms_avg: Option<f64>,
    pub latency_ms_p99: Option<f64>,
    pub overhead_ms_avg: Option<f64>,
    pub alerts: Vec<AlertOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertOut {
    pub kind: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecurityGroupOut {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: Option<String>,
    pub region: String,
    pub max_risk: Risk,
    pub tags: BTreeMap<String, String>,
    pub rules: Vec<RuleOut>,
    pub attachments: Vec<AttachmentOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleOut {
    pub id: Option<String>,
    pub direction: Direction,
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: String,
    pub peer_kind: &'static str,
    pub description: String,
    pub risk: Risk,
    pub risk_reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentOut {
    pub interface_id: String,
    pub kind: AttachmentKind,
    pub target: Option<String>,
    pub private_ip: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingOut {
    pub id: String,
    #[serde(rename = "type")]
    pub finding_type: String,
    pub severity: f64,
    pub severity_label: SeverityLabel,
    pub title: String,
    pub resource: String,
    pub resource_type: String,
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub archived: bool,
    pub region: String,
    pub account_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckOut {
    pub id: String,
    pub category: crate::model::Category,
    pub title: String,
    pub status: CheckStatus,
    pub importance: crate::model::Importance,
    pub evidence: String,
    pub remediation: String,
    /// The seed document the control comes from.
    pub seed: &'static str,
    /// Equivalent Prowler check ids, to compare results with that tool.
    pub prowler: &'static [&'static str],
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorOut {
    pub pane: PaneId,
    pub message: String,
    /// True when the pane still has data (a region or sub-call failed, not the whole pane).
    pub partial: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub endpoints_in_alert: usize,
    pub rules_by_risk: BTreeMap<Risk, usize>,
    pub findings_by_severity: BTreeMap<SeverityLabel, usize>,
    pub checklist_by_status: BTreeMap<CheckStatus, usize>,
    /// `null` when `--fail-on never`.
    pub fail_on: Option<Risk>,
    /// What is at or above `fail_on`, one line each.
    pub breaches: Vec<String>,
    pub complete: bool,
    pub exit_code: i32,
}

fn peer_kind(p: &Peer) -> &'static str {
    match p {
        Peer::Ipv4(_) => "ipv4",
        Peer::Ipv6(_) => "ipv6",
        Peer::SecurityGroup(_) => "security_group",
        Peer::PrefixList(_) => "prefix_list",
    }
}

fn alert_kind(a: &EndpointAlert) -> &'static str {
    match a {
        EndpointAlert::Errors5xx { .. } => "errors_5xx",
        EndpointAlert::Latency { .. } => "latency",
        EndpointAlert::Status { .. } => "status",
    }
}

impl Snapshot {
    pub fn from_state(
        state: &AppState,
        generated_at: DateTime<Utc>,
        fail_on: Option<Risk>,
    ) -> Snapshot {
        let ctx = &state.context;
        let identity = ctx.identity.data();
        let endpoints: Vec<EndpointOut> = state
            .endpoints
            .data()
            .into_iter()
            .flatten()
            .map(|e| EndpointOut {
                name: e.name.clone(),
                region: e.region.clone(),
                status: e.status.clone(),
                variants: e.variants.clone(),
                kms_key_id: e.kms_key_id.clone(),
                invocations: e.metrics.invocations,
                errors_4xx: e.metrics.errors_4xx,
                errors_5xx: e.metrics.errors_5xx,
                latency_ms_avg: e.metrics.latency_ms_avg.map(round3),
                latency_ms_p99: e.metrics.latency_ms_p99.map(round3),
                overhead_ms_avg: e.metrics.overhead_ms_avg.map(round3),
                alerts: e
                    .alerts
                    .iter()
                    .map(|a| AlertOut {
                        kind: alert_kind(a),
                        message: a.to_string(),
                    })
                    .collect(),
            })
            .collect();
        let security_groups: Vec<SecurityGroupOut> = state
            .security_groups
            .data()
            .map(|d| d.groups.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(|g| SecurityGroupOut {
                id: g.id.clone(),
                name: g.name.clone(),
                description: g.description.clone(),
                vpc_id: g.vpc_id.clone(),
                region: g.region.clone(),
                max_risk: g.max_risk(),
                tags: g.tags.iter().cloned().collect(),
                rules: g
                    .rules
                    .iter()
                    .map(|r| RuleOut {
                        id: r.id.clone(),
                        direction: r.direction,
                        protocol: r.protocol.clone(),
                        from_port: r.from_port,
                        to_port: r.to_port,
                        peer: r.peer.to_string(),
                        peer_kind: peer_kind(&r.peer),
                        description: r.description.clone(),
                        risk: r.risk,
                        risk_reason: r.risk_reason.clone(),
                    })
                    .collect(),
                attachments: g
                    .attachments
                    .iter()
                    .map(|a| AttachmentOut {
                        interface_id: a.interface_id.clone(),
                        kind: a.kind,
                        target: a.target.clone(),
                        private_ip: a.private_ip.clone(),
                        description: a.description.clone(),
                    })
                    .collect(),
            })
            .collect();
        let findings: Vec<FindingOut> = state
            .findings
            .data()
            .map(|d| d.findings.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(|f| FindingOut {
                id: f.id.clone(),
                finding_type: f.finding_type.clone(),
                severity: f.severity,
                severity_label: f.severity_label(),
                title: f.title.clone(),
                resource: f.resource.clone(),
                resource_type: f.resource_type.clone(),
                count: f.count,
                first_seen: f.first_seen,
                last_seen: f.last_seen,
                archived: f.archived,
                region: f.region.clone(),
                account_id: f.account_id.clone(),
            })
            .collect();
        let checklist: Vec<CheckOut> = state
            .checklist
            .data()
            .into_iter()
            .flatten()
            .map(|c| CheckOut {
                id: c.id.clone(),
                category: c.category,
                title: c.title.clone(),
                status: c.status,
                importance: c.importance,
                evidence: c.evidence.clone(),
                remediation: c.remediation.clone(),
                seed: c.seed,
                prowler: c.prowler,
            })
            .collect();

        let mut errors = Vec::new();
        for pane in PaneId::ALL {
            if let Some(e) = state.error(pane) {
                errors.push(ErrorOut {
                    pane,
                    message: e.to_string(),
                    partial: false,
                });
            } else if !state.has_data(pane) {
                errors.push(ErrorOut {
                    pane,
                    message: "no data: the fetch did not finish".into(),
                    partial: false,
                });
            }
            if let Some((_, warnings)) = state.stamp(pane) {
                errors.extend(warnings.iter().map(|w| ErrorOut {
                    pane,
                    message: w.clone(),
                    partial: true,
                }));
            }
        }

        let summary = summarize(
            &endpoints,
            &security_groups,
            &findings,
            &checklist,
            &errors,
            fail_on,
        );
        Snapshot {
            schema_version: SCHEMA_VERSION,
            generated_at,
            source: ctx.source,
            account: identity.and_then(|i| i.account.clone()),
            caller_arn: identity.and_then(|i| i.caller_arn.clone()),
            profile: ctx.profile.clone(),
            regions: ctx.regions.clone(),
            endpoint_url: ctx.endpoint_url.clone(),
            window_seconds: ctx.window.num_seconds(),
            read_only: ctx.read_only,
            endpoints,
            security_groups,
            findings,
            checklist,
            errors,
            api_calls: state.total_api_calls(),
            api_calls_by_pane: state.api_calls.clone(),
            cloudwatch_cost: state.cloudwatch_cost(),
            summary,
        }
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn summarize(
    endpoints: &[EndpointOut],
    groups: &[SecurityGroupOut],
    findings: &[FindingOut],
    checklist: &[CheckOut],
    errors: &[ErrorOut],
    fail_on: Option<Risk>,
) -> Summary {
    let mut rules_by_risk = BTreeMap::new();
    let mut findings_by_severity = BTreeMap::new();
    let mut checklist_by_status = BTreeMap::new();
    let mut breaches = Vec::new();
    let at_or_above = |r: Risk| fail_on.is_some_and(|level| r >= level);

    let in_alert: Vec<&EndpointOut> = endpoints.iter().filter(|e| !e.alerts.is_empty()).collect();
    // An endpoint in alert counts as high: it is failing its users now.
    if at_or_above(Risk::High) {
        for e in &in_alert {
            let why: Vec<&str> = e.alerts.iter().map(|a| a.message.as_str()).collect();
            breaches.push(format!("endpoint {} in alert: {}", e.name, why.join("; ")));
        }
    }
    for g in groups {
        for r in &g.rules {
            *rules_by_risk.entry(r.risk).or_insert(0) += 1;
            if r.risk > Risk::None && at_or_above(r.risk) {
                breaches.push(format!(
                    "{} rule in {} ({}): {}",
                    r.risk.label(),
                    g.id,
                    g.name,
                    r.risk_reason
                ));
            }
        }
    }
    for f in findings.iter().filter(|f| !f.archived) {
        *findings_by_severity.entry(f.severity_label).or_insert(0) += 1;
        if at_or_above(f.severity_label.as_risk()) {
            breaches.push(format!(
                "{} finding {}: {}",
                f.severity_label.label(),
                f.finding_type,
                f.title
            ));
        }
    }
    for c in checklist {
        *checklist_by_status.entry(c.status).or_insert(0) += 1;
        if c.status == CheckStatus::Fail && at_or_above(c.importance.as_risk()) {
            breaches.push(format!("checklist {} failed: {}", c.id, c.title));
        }
    }
    let complete = errors.is_empty();
    // A problem found is certain even when another pane failed, so 3 wins over 2.
    let exit_code = if !breaches.is_empty() {
        exit::FAIL_ON
    } else if !complete {
        exit::PARTIAL
    } else {
        exit::OK
    };
    Summary {
        endpoints_in_alert: in_alert.len(),
        rules_by_risk,
        findings_by_severity,
        checklist_by_status,
        fail_on,
        breaches,
        complete,
        exit_code,
    }
}

pub fn write(
    snapshot: &Snapshot,
    format: Format,
    color: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, snapshot).map_err(io::Error::other)?;
            writeln!(out)
        }
        Format::Text => text::write(snapshot, color, out),
        Format::Markdown => markdown::write(snapshot, out),
    }
}

#[cfg(test)]
mod tests;
