//! Monitoring items: endpoint alarms, CloudTrail, VPC flow logs and who the alarms reach.

use super::ItemDef;
use super::posture::*;
use super::verdict::{Tally, Verdict, names, region_names};
use crate::metrics::Thresholds;
use crate::model::{Category, Importance};

pub(super) const ITEMS: &[ItemDef] = &[
    ItemDef {
        id: "monitoring.alarms",
        category: Category::Monitoring,
        importance: Importance::Medium,
        title: "CloudWatch metrics and alarms",
        problem: "CloudWatch alarms missing or too loose",
        remediation: "Create 5XX and latency alarms per endpoint at the seed's thresholds, with an SNS alarm action.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &[],
        eval: Some(alarms),
    },
    ItemDef {
        id: "monitoring.cloudtrail",
        category: Category::Monitoring,
        importance: Importance::High,
        title: "CloudTrail logging enabled",
        problem: "CloudTrail not logging",
        remediation: "Create a multi-region trail with log file validation and start logging.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "cloudtrail_multi_region_enabled",
            "cloudtrail_log_file_validation_enabled",
        ],
        prowler_note: "",
        security_hub: &["CloudTrail.1", "CloudTrail.4"],
        eval: Some(|p, _| cloudtrail(p)),
    },
    ItemDef {
        id: "monitoring.flow_logs",
        category: Category::Monitoring,
        importance: Importance::Medium,
        title: "VPC Flow Logs configured",
        problem: "VPC Flow Logs not configured",
        remediation: "Enable flow logs on each VPC to CloudWatch Logs (/aws/vpc/flow-logs/...).",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["vpc_flow_logs_enabled"],
        prowler_note: "",
        security_hub: &["EC2.6"],
        eval: Some(|p, _| flow_logs(p)),
    },
    ItemDef {
        id: "monitoring.s3_access_logging",
        category: Category::Monitoring,
        importance: Importance::Low,
        title: "S3 server access logging",
        problem: "S3 buckets without server access logging",
        remediation: "Turn on server access logging for the buckets that hold state and data, to a separate log bucket.",
        seed: "004_aeddce46cc826ffb.txt",
        prowler: &["s3_bucket_server_access_logging_enabled"],
        prowler_note: "Prowler fails every bucket without logging; this item leaves out the buckets that receive the access logs (logging them into themselves would loop).",
        security_hub: &["S3.9"],
        eval: Some(|p, _| s3_access_logging(p)),
    },
    ItemDef {
        id: "monitoring.security_alerts",
        category: Category::Monitoring,
        importance: Importance::Medium,
        title: "Security alerts configured",
        problem: "Security alerts not configured",
        remediation: "Subscribe the security team to the alarms' SNS topic and confirm the subscription.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| security_alerts(p)),
    },
    ItemDef {
        id: "monitoring.model_monitoring",
        category: Category::Monitoring,
        importance: Importance::Medium,
        title: "Endpoints watched by Model Monitor and Clarify",
        problem: "Endpoints without model monitoring",
        remediation: "Create a Model Monitor schedule (data or model quality) for every instance-backed endpoint, and a Clarify bias or explainability schedule, so drift and bias are alarmed on rather than found by users. Serverless endpoints cannot be monitored and are not judged. Model Monitor is closed to new customers (AWS's availability notice): an account that cannot create schedules captures the endpoint's requests (data capture) and runs SageMaker Clarify processing jobs over them on a schedule, alarmed through CloudWatch.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "sagemaker_models_monitor_enabled",
            "sagemaker_clarify_exists",
        ],
        prowler_note: "Prowler passes a region with any running schedule and any Clarify processing job; this item asks it of each endpoint, and counts Clarify when a bias or explainability schedule watches the endpoint.",
        security_hub: &[],
        eval: Some(|p, _| super::model_monitoring::coverage(p)),
    },
    ItemDef {
        id: "monitoring.metric_filters",
        category: Category::Monitoring,
        importance: Importance::Medium,
        title: "Alarms on unauthorized calls and root use",
        problem: "No alarm on unauthorized API calls or root use",
        remediation: "On the trail's CloudWatch Logs group, add the CIS metric filters for unauthorized API calls and root account usage, each with an alarm that notifies the team.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "cloudwatch_log_metric_filter_unauthorized_api_calls",
            "cloudwatch_log_metric_filter_root_usage",
        ],
        prowler_note: "",
        security_hub: &["CloudWatch.1", "CloudWatch.2"],
        eval: Some(|p, _| metric_filters(p)),
    },
];

/// The CIS controls Prowler checks with these patterns (its regular expressions, so the two
/// tools accept the same filters).
static METRIC_FILTERS: std::sync::LazyLock<Vec<(&str, regex::Regex)>> =
    std::sync::LazyLock::new(|| {
        CIS_FILTERS
            .iter()
            .map(|(control, pattern)| {
                let re = regex::Regex::new(pattern).expect("Prowler's patterns compile");
                (*control, re)
            })
            .collect()
    });

const CIS_FILTERS: &[(&str, &str)] = &[
    (
        "unauthorized API calls",
        r"\$\.errorCode\s*=\s*.?\*UnauthorizedOperation.+\$\.errorCode\s*=\s*.?AccessDenied\*.?",
    ),
    (
        "root account usage",
        r"\$\.userIdentity\.type\s*=\s*.?Root.+\$\.userIdentity\.invokedBy NOT EXISTS.+\$\.eventType\s*!=\s*.?AwsServiceEvent.?",
    ),
];

fn metric_filters(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut groups: Vec<&str> = Vec::new();
    let mut trails_seen = 0;
    let (mut filters, mut alarms) = (Vec::new(), Vec::new());
    for r in &p.regions {
        if let Some(trails) = t.read(&r.trails) {
            trails_seen += trails.len();
            groups.extend(trails.iter().filter_map(|t| {
                let arn = t.log_group_arn.as_deref()?;
                arn.split(':').nth(6)
            }));
        }
        if let Some(f) = t.read(&r.metric_filters) {
            filters.extend(f);
        }
        if let Some(a) = t.read(&r.alarms) {
            alarms.extend(a);
        }
    }
    groups.sort_unstable();
    groups.dedup();
    if groups.is_empty() {
        if t.gaps.is_empty() {
            t.fail(if trails_seen == 0 {
                "no trail, so no log group to filter".to_string()
            } else {
                "no trail delivers to CloudWatch Logs (CloudWatchLogsLogGroupArn)".to_string()
            });
        }
        return t.verdict("");
    }
    for (control, re) in METRIC_FILTERS.iter() {
        let matching: Vec<&&MetricFilter> = filters
            .iter()
            .filter(|f| groups.contains(&f.log_group.as_str()) && re.is_match(&f.pattern))
            .collect();
        let alarmed = matching.iter().find_map(|f| {
            alarms
                .iter()
                .find(|a| a.namespace == f.namespace && a.metric == f.metric)
                .map(|a| (f, a))
        });
        match (matching.first(), alarmed) {
            (_, Some((f, a))) => t.pass(format!(
                "{control}: filter {} on {} → alarm {}",
                f.name, f.log_group, a.name
            )),
            (Some(f), None) => t.fail(format!(
                "{control}: filter {} has no alarm on {}/{}",
                f.name, f.namespace, f.metric
            )),
            (None, None) => t.fail(format!("{control}: no metric filter on {}", names(&groups))),
        }
    }
    t.verdict("")
}

fn notifies_sns(a: &Alarm) -> bool {
    a.actions_enabled
        && a.alarm_actions
            .iter()
            .any(|x| x.starts_with("arn:aws:sns:"))
}

fn alarms(p: &Posture, th: &Thresholds) -> Verdict {
    let mut t = Tally::default();
    let mut covered = 0;
    let mut total = 0;
    let max_period = i64::from(th.alarm_period_minutes) * 60;
    let latency_us = th.latency_ms * 1000.0;
    for r in &p.regions {
        let (Some(eps), Some(alarms)) = (t.read(&r.endpoints), t.read(&r.alarms)) else {
            continue;
        };
        for e in eps {
            total += 1;
            let on = |metric: &str| {
                alarms
                    .iter()
                    .filter(|a| {
                        a.namespace == "AWS/SageMaker"
                            && a.metric == metric
                            && a.endpoint.as_deref() == Some(e.endpoint.as_str())
                    })
                    .collect::<Vec<_>>()
            };
            let errors = on("Invocation5XXErrors");
            let latency = on("ModelLatency");
            let mut problems = Vec::new();
            let mut loose = Vec::new();
            match errors.as_slice() {
                [] => problems.push("no 5XX alarm".to_string()),
                list => {
                    if !list.iter().any(|a| {
                        a.threshold <= th.errors_5xx && i64::from(a.period_seconds) <= max_period
                    }) {
                        let a = list[0];
                        loose.push(format!(
                            "5XX alarm {} at >{} per {} s (want >{} per {} s)",
                            a.name, a.threshold, a.period_seconds, th.errors_5xx, max_period
                        ));
                    }
                }
            }
            match latency.as_slice() {
                [] => problems.push("no latency alarm".to_string()),
                list => {
                    if !list.iter().any(|a| a.threshold <= latency_us) {
                        let a = list[0];
                        loose.push(format!(
                            "latency alarm {} at >{} ms (want >{} ms)",
                            a.name,
                            a.threshold / 1000.0,
                            th.latency_ms
                        ));
                    }
                }
            }
            let present: Vec<&&Alarm> = errors.iter().chain(latency.iter()).collect();
            if !present.is_empty() && !present.iter().all(|a| notifies_sns(a)) {
                problems.push("an alarm notifies no SNS topic".to_string());
            }
            if problems.len() == 2 && problems.iter().all(|p| p.starts_with("no ")) {
                t.fail(format!("{}: no 5XX or latency alarm", e.endpoint));
            } else if !problems.is_empty() || !loose.is_empty() {
                let all: Vec<String> = problems.into_iter().chain(loose).collect();
                t.warn(format!("{}: {}", e.endpoint, all.join(", ")));
            } else {
                covered += 1;
            }
        }
    }
    if covered > 0 {
        t.pass(format!(
            "5XX and latency alarms wired to SNS on {covered}/{total} endpoints"
        ));
    }
    t.verdict("no SageMaker endpoints to alarm on")
}

fn cloudtrail(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut trails: Vec<&Trail> = Vec::new();
    for r in &p.regions {
        if let Some(ts) = t.read(&r.trails) {
            for tr in ts {
                if !trails.iter().any(|x| x.arn == tr.arn) {
                    trails.push(tr);
                }
            }
        }
    }
    let good: Vec<&&Trail> = trails
        .iter()
        .filter(|x| x.multi_region && x.logging)
        .collect();
    if let Some(best) = good.iter().find(|x| x.log_file_validation).or(good.first()) {
        let line = format!("{}: multi-region, logging", best.name);
        if best.log_file_validation {
            t.pass(format!("{line}, log file validation on"));
        } else {
            t.warn(format!("{line}, but log file validation is off"));
        }
        // A working trail is what matters; the gaps of other regions cannot change that.
        t.gaps.clear();
    } else if !trails.is_empty() {
        for x in &trails {
            let mut why = Vec::new();
            if !x.multi_region {
                why.push("single-region");
            }
            if !x.logging {
                why.push("not logging");
            }
            t.fail(format!("{}: {}", x.name, why.join(", ")));
        }
    } else if t.gaps.is_empty() {
        t.fail(format!("no trail in {}", region_names(p)));
    }
    t.verdict("")
}

fn flow_logs(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let (Some(vpcs), Some(logs)) = (t.read(&r.vpcs), t.read(&r.flow_logs)) else {
            continue;
        };
        for v in vpcs {
            let active: Vec<&FlowLog> = logs
                .iter()
                .filter(|l| l.resource_id == v.id && l.status == "ACTIVE")
                .collect();
            match active.first() {
                Some(l) => t.pass(format!("{} -> {}", v.id, l.destination)),
                None if v.is_default => {
                    t.warn(format!("default VPC {} ({}): no flow log", v.id, r.region))
                }
                None => t.fail(format!("{} ({}): no flow log", v.id, r.region)),
            }
        }
    }
    t.verdict("no VPCs")
}

fn s3_access_logging(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let Some(buckets) = t.read(&p.buckets) else {
        return t.verdict("");
    };
    // The buckets the others log to: they hold logs, not state.
    let targets: Vec<&str> = buckets
        .iter()
        .filter_map(|b| b.access_log_target.as_ref().ok().and_then(|t| t.as_deref()))
        .collect();
    let mut logged = 0;
    for b in buckets {
        if targets.contains(&b.name.as_str()) {
            t.pass(format!("{}: receives the access logs", b.name));
            continue;
        }
        match &b.access_log_target {
            Ok(Some(_)) => logged += 1,
            Ok(None) => t.fail(format!("{}: server access logging off", b.name)),
            Err(why) => t.gap(why),
        }
    }
    if logged > 0 {
        t.pass(format!(
            "{logged}/{} buckets log their access",
            buckets.len()
        ));
    }
    t.verdict("no S3 buckets")
}

fn security_alerts(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut wired_topics = 0;
    for r in &p.regions {
        let (Some(alarms), Some(topics)) = (t.read(&r.alarms), t.read(&r.topics)) else {
            continue;
        };
        let mut arns: Vec<&str> = alarms
            .iter()
            .filter(|a| a.actions_enabled)
            .flat_map(|a| a.alarm_actions.iter())
            .filter(|x| x.starts_with("arn:aws:sns:"))
            .map(String::as_str)
            .collect();
        arns.sort_unstable();
        arns.dedup();
        for arn in arns {
            wired_topics += 1;
            let name = arn.rsplit(':').next().unwrap_or(arn);
            match topics.iter().find(|x| x.arn == arn) {
                Some(x) if x.confirmed > 0 => {
                    t.pass(format!("{name}: {} confirmed subscription(s)", x.confirmed))
                }
                Some(x) if x.pending > 0 => t.warn(format!(
                    "{name}: {} subscription(s) pending confirmation",
                    x.pending
                )),
                Some(_) => t.fail(format!("{name}: no subscribers")),
                None => t.fail(format!("{name}: topic not found")),
            }
        }
    }
    if wired_topics == 0 && t.gaps.is_empty() {
        t.fail("no alarm notifies an SNS topic");
    }
    t.verdict("")
}

#[cfg(test)]
mod tests {
    use super::super::posture::*;
    use super::super::testkit::*;
    use crate::checklist::evaluate;
    use crate::metrics::Thresholds;
    use crate::model::CheckStatus;

    #[test]
    fn a_filter_without_its_alarm_fails_and_a_lookalike_pattern_does_not_count() {
        let mut p = passing();
        let r = &mut p.regions[0];
        // The root-use alarm is gone; the unauthorized-calls filter counts only AccessDenied.
        r.alarms
            .as_mut()
            .unwrap()
            .retain(|a| a.metric != "RootAccountUsage");
        r.metric_filters.as_mut().unwrap()[0].pattern =
            r#"{ $.errorCode = "AccessDenied*" }"#.into();
        let v = super::metric_filters(&p);
        assert_eq!(v.status, CheckStatus::Fail);
        assert_eq!(
            v.evidence,
            vec![
                "unauthorized API calls: no metric filter on trail",
                "root account usage: filter root has no alarm on CISBenchmark/RootAccountUsage",
            ]
        );
    }

    #[test]
    fn looser_alarm_thresholds_than_the_seeds_warn() {
        let mut p = passing();
        p.regions[0].alarms = Ok(vec![
            alarm("ep-1-5xx", "Invocation5XXErrors", 50.0),
            alarm("ep-1-latency", "ModelLatency", 10_000_000.0),
        ]);
        let (status, evidence) =
            status_of(&evaluate(&p, &Thresholds::default()), "monitoring.alarms");
        assert_eq!(status, CheckStatus::Warn);
        assert!(
            evidence.contains("5XX alarm ep-1-5xx at >50 per 300 s"),
            "{evidence}"
        );
    }

    #[test]
    fn an_alarm_without_an_sns_action_warns() {
        let mut p = passing();
        if let Ok(a) = &mut p.regions[0].alarms {
            a[1].alarm_actions.clear();
        }
        let (status, evidence) =
            status_of(&evaluate(&p, &Thresholds::default()), "monitoring.alarms");
        assert_eq!(status, CheckStatus::Warn, "{evidence}");
        assert!(evidence.contains("notifies no SNS topic"), "{evidence}");
    }

    #[test]
    fn a_pending_subscription_warns() {
        let mut p = passing();
        p.regions[0].topics = Ok(vec![Topic {
            arn: format!("arn:aws:sns:{R}:123456789012:alerts"),
            confirmed: 0,
            pending: 1,
        }]);
        let (status, _) = status_of(
            &evaluate(&p, &Thresholds::default()),
            "monitoring.security_alerts",
        );
        assert_eq!(status, CheckStatus::Warn);
    }
}
