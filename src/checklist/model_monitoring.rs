//! SageMaker Model Monitor, judged twice: whether every endpoint is watched (data or model
//! quality, and SageMaker Clarify's bias or explainability), and whether the monitoring jobs
//! run isolated from the network with their traffic encrypted.

use super::posture::*;
use super::verdict::{Tally, Verdict, names, region_names};

/// Clarify runs the bias and explainability monitors.
fn is_clarify(kind: &str) -> bool {
    matches!(kind, "ModelBias" | "ModelExplainability")
}

fn kind_in_words(kind: &str) -> &str {
    match kind {
        "DataQuality" => "data quality",
        "ModelQuality" => "model quality",
        "ModelBias" => "bias (Clarify)",
        "ModelExplainability" => "explainability (Clarify)",
        other => other,
    }
}

pub(super) fn coverage(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let (Some(endpoints), Some(schedules)) =
            (t.read(&r.endpoints), t.read(&r.monitoring_schedules))
        else {
            continue;
        };
        for e in endpoints {
            if e.serverless() {
                t.pass(format!(
                    "endpoint {}: serverless, which Model Monitor cannot watch (not applicable: AWS excludes serverless endpoints from Model Monitor and data capture)",
                    e.endpoint
                ));
                continue;
            }
            let watching: Vec<&MonitoringSchedule> = schedules
                .iter()
                .filter(|s| s.endpoint.as_deref() == Some(e.endpoint.as_str()))
                .collect();
            let running: Vec<&&MonitoringSchedule> = watching
                .iter()
                .filter(|s| s.status == "Scheduled")
                .collect();
            if running.is_empty() {
                if watching.is_empty() {
                    t.fail(format!(
                        "endpoint {}: no model monitor schedule",
                        e.endpoint
                    ));
                } else {
                    let stopped: Vec<String> = watching
                        .iter()
                        .map(|s| format!("{} is {}", s.name, s.status))
                        .collect();
                    t.fail(format!(
                        "endpoint {}: no schedule running ({})",
                        e.endpoint,
                        names(&stopped)
                    ));
                }
                continue;
            }
            let mut kinds: Vec<&str> = running.iter().map(|s| kind_in_words(&s.kind)).collect();
            kinds.sort();
            kinds.dedup();
            if running.iter().any(|s| is_clarify(&s.kind)) {
                t.pass(format!(
                    "endpoint {}: {} monitored",
                    e.endpoint,
                    names(&kinds)
                ));
            } else {
                t.warn(format!(
                    "endpoint {}: {} monitored; no Clarify bias or explainability monitoring",
                    e.endpoint,
                    names(&kinds)
                ));
            }
        }
    }
    t.verdict(&format!("no SageMaker endpoints in {}", region_names(p)))
}

pub(super) fn isolation(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    for r in &p.regions {
        let Some(schedules) = t.read(&r.monitoring_schedules) else {
            continue;
        };
        for s in schedules {
            let Some(n) = t.read(&s.network) else {
                continue;
            };
            let mut off = Vec::new();
            if !n.isolation {
                off.push("network isolation off");
            }
            if !n.inter_container_encryption {
                off.push("inter-container traffic encryption off");
            }
            if off.is_empty() {
                ok.push(s.name.as_str());
            } else {
                t.fail(format!(
                    "monitoring schedule {} ({}): {}",
                    s.name,
                    kind_in_words(&s.kind),
                    names(&off)
                ));
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} monitoring schedule(s) isolated, traffic encrypted: {}",
            ok.len(),
            names(&ok)
        ));
    }
    t.verdict(&format!(
        "no model monitoring schedules in {}",
        region_names(p)
    ))
}

#[cfg(test)]
mod tests {
    use super::super::posture::EndpointEncryption;
    use super::super::testkit::*;
    use crate::checklist::evaluate;
    use crate::metrics::Thresholds;
    use crate::model::{CheckStatus, Variant};

    /// #30: Model Monitor cannot watch a serverless endpoint (AWS's serverless exclusions):
    /// the item says so instead of failing it.
    #[test]
    fn a_serverless_endpoint_is_not_applicable_and_said_so() {
        let mut p = passing();
        if let Ok(eps) = &mut p.regions[0].endpoints {
            eps.push(EndpointEncryption {
                endpoint: "ep-serverless".into(),
                config: "ep-serverless-config".into(),
                async_output: None,
                kms_key_id: Some("key".into()),
                variants: vec![Variant {
                    name: "AllTraffic".into(),
                    instance_type: None,
                    instance_count: None,
                }],
                served: vec![],
            });
        }
        let (status, evidence) = status_of(
            &evaluate(&p, &Thresholds::default()),
            "monitoring.model_monitoring",
        );
        assert_eq!(status, CheckStatus::Pass, "{evidence}");
        assert!(
            evidence.contains("ep-serverless: serverless, which Model Monitor cannot watch"),
            "{evidence}"
        );
    }
}
