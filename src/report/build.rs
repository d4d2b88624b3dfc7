//! The snapshot of an app state: what each pane holds, the errors, the API calls, and the
//! summary that decides the exit code.

use super::exit;
use super::types::*;
use crate::app::AppState;
use crate::model::{CheckStatus, EndpointAlert, PaneId, Risk};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

fn alert_kind(a: &EndpointAlert) -> &'static str {
    match a {
        EndpointAlert::Errors5xx { .. } => "errors_5xx",
        EndpointAlert::Latency { .. } => "latency",
        EndpointAlert::Status { .. } => "status",
    }
}

impl<'a> Snapshot<'a> {
    pub fn from_state(
        state: &'a AppState,
        generated_at: DateTime<Utc>,
        fail_on: Option<Risk>,
    ) -> Snapshot<'a> {
        let ctx = &state.context;
        let identity = ctx.identity.data();
        let endpoints = endpoints_out(state);
        let security_groups: Vec<SecurityGroupOut> = state
            .security_groups()
            .map(|d| d.groups.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(SecurityGroupOut)
            .collect();
        let findings = findings_out(state);
        let checklist = checklist_out(state);
        let errors = errors_out(state);
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
            account: identity.and_then(|i| i.account.as_deref()),
            caller_arn: identity.and_then(|i| i.caller_arn.as_deref()),
            profile: ctx.profile.as_deref(),
            regions: &ctx.regions,
            endpoint_url: ctx.endpoint_url.as_deref(),
            window_seconds: ctx.window.num_seconds(),
            read_only: ctx.read_only,
            endpoints,
            security_groups,
            findings,
            checklist,
            sagemaker: state
                .pane_data(PaneId::Sagemaker)
                .and_then(|d| d.sagemaker())
                .unwrap_or(&[]),
            blast_radius: crate::provenance::blast_radii(
                state
                    .pane_data(PaneId::Endpoints)
                    .and_then(|d| d.endpoints())
                    .unwrap_or(&[]),
            ),
            errors,
            api_calls: state.total_api_calls(),
            api_calls_by_pane: &state.api_calls,
            api_calls_by_account: None,
            cloudwatch_cost: state.cloudwatch_cost(),
            summary,
            changes: None,
            accounts: None,
            panes: PaneId::ALL.map(|p| state.pane_data(p)),
        }
    }

    /// Says what changed since an earlier snapshot; with `fail_on_new`, the exit code counts
    /// only what is new.
    pub fn compared_with(mut self, base: &super::baseline::Baseline, fail_on_new: bool) -> Self {
        let changes = super::baseline::compare(
            base,
            &self.endpoints,
            &self.security_groups,
            &self.findings,
            &self.checklist,
        );
        if fail_on_new {
            let sum = &mut self.summary;
            sum.fail_on_new = true;
            sum.breaches = sum
                .fail_on
                .map(|level| changes.new_breaches(level))
                .unwrap_or_default();
            sum.exit_code = if !sum.breaches.is_empty() {
                exit::FAIL_ON
            } else if !sum.complete {
                exit::PARTIAL
            } else {
                exit::OK
            };
        }
        self.changes = Some(changes);
        self
    }
}

/// A failed item's offenders, as a NEEDS ATTENTION line names them: every one, or how many
/// and the first three (failures lead the evidence; what it also saw follows, marked).
fn offenders(evidence: &[String]) -> String {
    let failed: Vec<&str> = evidence
        .iter()
        .map(String::as_str)
        .take_while(|e| !e.starts_with("also: ") && !e.starts_with("could not read: "))
        .collect();
    match failed.len() {
        0..=3 => failed.join("; "),
        n => format!("{n}: {}; and {} more", failed[..3].join("; "), n - 3),
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
    // Several accounts: each breach says in which ("prod: checklist data.kms: …").
    let whose = |a: Option<RowAccountOut>| a.map(|a| format!("{}: ", a.name)).unwrap_or_default();

    let in_alert: Vec<&EndpointOut> = endpoints.iter().filter(|e| !e.alerts.is_empty()).collect();
    // An endpoint in alert counts as high: it is failing its users now.
    if at_or_above(Risk::High) {
        for e in &in_alert {
            let why: Vec<&str> = e.alerts.iter().map(|a| a.message.as_str()).collect();
            breaches.push(format!(
                "{}endpoint {} in alert: {}",
                whose(e.account),
                e.name,
                why.join("; ")
            ));
        }
    }
    for g in groups {
        for r in &g.0.rules {
            *rules_by_risk.entry(r.grant().risk).or_insert(0) += 1;
            if r.grant().risk > Risk::None && at_or_above(r.grant().risk) {
                breaches.push(format!(
                    "{}{} rule in {} ({}): {}",
                    whose(RowAccountOut::of(&g.0.place.account)),
                    r.grant().risk.label(),
                    g.0.id,
                    g.0.name,
                    r.grant().risk_reason
                ));
            }
        }
    }
    for f in findings.iter().filter(|f| !f.archived) {
        *findings_by_severity.entry(f.severity_label).or_insert(0) += 1;
        if at_or_above(f.severity_label.as_risk()) {
            breaches.push(format!(
                "{}{} finding {}: {}",
                whose(f.account),
                f.severity_label.label(),
                f.finding_type,
                f.title
            ));
        }
    }
    for c in checklist {
        *checklist_by_status.entry(c.status).or_insert(0) += 1;
        if c.status == CheckStatus::Fail && at_or_above(c.importance.as_risk()) {
            // The problem, then what shows it: "KMS encryption not enabled: endpoint x has no key".
            let shown = offenders(c.evidence);
            breaches.push(format!(
                "{}checklist {}: {}: {shown}",
                whose(c.account),
                c.id,
                c.problem
            ));
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
        fail_on_new: false,
        complete,
        exit_code,
    }
}

fn endpoints_out(state: &AppState) -> Vec<EndpointOut<'_>> {
    state
        .endpoints()
        .unwrap_or(&[])
        .iter()
        .map(|e| EndpointOut {
            account: RowAccountOut::of(&e.account),
            name: &e.name,
            region: &e.region,
            status: &e.status,
            variants: &e.variants,
            kms_key_id: e.kms_key_id.as_deref(),
            invocations: e.metrics.invocations,
            errors_4xx: e.metrics.errors_4xx,
            errors_5xx: e.metrics.errors_5xx,
            latency_ms_avg: e.metrics.latency_ms_avg.map(round3),
            latency_ms_p99: e.metrics.latency_ms_p99.map(round3),
            provenance: &e.provenance,
            overhead_ms_avg: e.metrics.overhead_ms_avg.map(round3),
            inference_components: &e.metrics.components,
            backlog: e.metrics.backlog,
            alerts: e
                .alerts
                .iter()
                .map(|a| AlertOut {
                    kind: alert_kind(a),
                    message: a.to_string(),
                })
                .collect(),
        })
        .collect()
}

fn findings_out(state: &AppState) -> Vec<FindingOut<'_>> {
    state
        .findings()
        .map(|d| d.findings.as_slice())
        .unwrap_or(&[])
        .iter()
        .map(|f| FindingOut {
            account: RowAccountOut::of(&f.account),
            id: &f.id,
            finding_type: &f.finding_type,
            severity: f.severity,
            severity_label: f.severity_label(),
            title: &f.title,
            resource: &f.resource,
            resource_type: &f.resource_type,
            count: f.count,
            first_seen: f.first_seen,
            last_seen: f.last_seen,
            archived: f.archived,
            region: &f.region,
            account_id: &f.account_id,
            subjects: &f.subjects,
        })
        .collect()
}

fn checklist_out(state: &AppState) -> Vec<CheckOut<'_>> {
    state
        .checklist()
        .unwrap_or(&[])
        .iter()
        .map(|c| CheckOut {
            account: RowAccountOut::of(&c.account),
            id: &c.id,
            category: c.category,
            title: &c.title,
            problem: c.problem,
            status: c.status,
            importance: c.importance,
            evidence: &c.evidence,
            remediation: &c.remediation,
            seed: c.seed,
            seed_title: crate::checklist::seed_title(c.seed),
            prowler: c.prowler,
            prowler_note: c.prowler_note,
            security_hub: c.security_hub,
        })
        .collect()
}

/// Each pane's error, or its missing data, and its warnings.
fn errors_out(state: &AppState) -> Vec<ErrorOut> {
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
    errors
}

#[cfg(test)]
mod offender_tests {
    /// #32: a NEEDS ATTENTION line names every offender, or the count and the first three.
    #[test]
    fn a_breach_names_every_offender_or_the_count_and_the_first_three() {
        let ev = |n: usize| -> Vec<String> {
            let mut v: Vec<String> = (1..=n).map(|i| format!("endpoint e{i}: no key")).collect();
            v.push("also: endpoint w: warned".into());
            v
        };
        assert_eq!(
            super::offenders(&ev(2)),
            "endpoint e1: no key; endpoint e2: no key"
        );
        assert_eq!(
            super::offenders(&ev(5)),
            "5: endpoint e1: no key; endpoint e2: no key; endpoint e3: no key; and 2 more"
        );
    }
}
