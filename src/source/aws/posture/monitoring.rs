//! CloudWatch metric alarms, the SNS topics they notify with their subscriptions, and the
//! trails visible from a region with their logging status.

use super::{Ctx, absent};
use crate::aws::calls::call;
use crate::checklist::posture::*;
use crate::source::SourceError;
use aws_sdk_cloudwatch::types::AlarmType;

type Parts = (
    Observed<Vec<Alarm>>,
    Observed<Vec<Topic>>,
    Observed<Vec<Trail>>,
    Observed<Vec<MetricFilter>>,
);

pub(super) async fn read(r: &super::RegionClients, ctx: &Ctx<'_>, watched: &[String]) -> Parts {
    let (cw, sns, ct, logs) = (&r.cloudwatch(), &r.sns(), &r.cloudtrail(), &r.logs());
    let alarms_and_topics = async {
        let alarms = alarms(cw, ctx).await;
        let topics = match &alarms {
            Ok(a) => topics(sns, ctx, a).await,
            Err(e) => Err(e.clone()),
        };
        (alarms, topics)
    };
    let trails_and_filters = async {
        let trails = trails(ct, ctx, watched).await;
        let filters = match &trails {
            Ok(t) => metric_filters(logs, ctx, t).await,
            Err(e) => Err(e.clone()),
        };
        (trails, filters)
    };
    let ((alarms, topics), (trails, filters)) =
        tokio::join!(Box::pin(alarms_and_topics), Box::pin(trails_and_filters));
    (
        ctx.observed(alarms),
        ctx.observed(topics),
        ctx.observed(trails),
        ctx.observed(filters),
    )
}

/// The metric filters of the log groups in this region that the trails deliver to.
async fn metric_filters(
    logs: &aws_sdk_cloudwatchlogs::Client,
    ctx: &Ctx<'_>,
    trails: &[Trail],
) -> Result<Vec<MetricFilter>, SourceError> {
    // arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]
    let mut groups: Vec<&str> = trails
        .iter()
        .filter_map(|t| t.log_group_arn.as_deref())
        .filter_map(|arn| {
            let parts: Vec<&str> = arn.split(':').collect();
            (parts.get(3) == Some(&ctx.region) && parts.get(5) == Some(&"log-group"))
                .then(|| parts.get(6).copied())
                .flatten()
        })
        .collect();
    groups.sort_unstable();
    groups.dedup();
    let read = futures::future::try_join_all(groups.into_iter().map(|group| async move {
        let mut out = Vec::new();
        let mut next = None;
        loop {
            let page = absent(
                call(
                    ctx.calls,
                    "logs:DescribeMetricFilters",
                    ctx.region,
                    ctx.profile,
                    logs.describe_metric_filters()
                        .log_group_name(group)
                        .set_next_token(next)
                        .send(),
                )
                .await,
                &["ResourceNotFoundException"],
            )?;
            let Some(page) = page else {
                return Ok::<_, SourceError>(out);
            };
            for f in page.metric_filters() {
                for m in f.metric_transformations() {
                    out.push(MetricFilter {
                        log_group: group.to_string(),
                        name: f.filter_name().unwrap_or_default().to_string(),
                        pattern: f.filter_pattern().unwrap_or_default().to_string(),
                        namespace: m.metric_namespace().to_string(),
                        metric: m.metric_name().to_string(),
                    });
                }
            }
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                return Ok(out);
            }
        }
    }))
    .await?;
    Ok(read.into_iter().flatten().collect())
}

async fn alarms(cw: &aws_sdk_cloudwatch::Client, ctx: &Ctx<'_>) -> Result<Vec<Alarm>, SourceError> {
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            ctx.calls,
            "cloudwatch:DescribeAlarms",
            ctx.region,
            ctx.profile,
            cw.describe_alarms()
                .alarm_types(AlarmType::MetricAlarm)
                .max_records(100)
                .set_next_token(next)
                .send(),
        )
        .await?;
        out.extend(page.metric_alarms().iter().map(|a| {
            Alarm {
                name: a.alarm_name().unwrap_or_default().to_string(),
                namespace: a.namespace().unwrap_or_default().to_string(),
                metric: a.metric_name().unwrap_or_default().to_string(),
                endpoint: a
                    .dimensions()
                    .iter()
                    .find(|d| d.name() == Some("EndpointName"))
                    .and_then(|d| d.value())
                    .map(str::to_string),
                threshold: a.threshold().unwrap_or(f64::INFINITY),
                period_seconds: a.period().unwrap_or(0),
                actions_enabled: a.actions_enabled().unwrap_or(true),
                alarm_actions: a.alarm_actions().to_vec(),
            }
        }));
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// The SNS topics in this region that the alarms notify. A topic that no longer exists is left
/// out, and the checklist says so.
async fn topics(
    sns: &aws_sdk_sns::Client,
    ctx: &Ctx<'_>,
    alarms: &[Alarm],
) -> Result<Vec<Topic>, SourceError> {
    let prefix = format!("arn:aws:sns:{}:", ctx.region);
    let mut arns: Vec<&str> = alarms
        .iter()
        .flat_map(|a| a.alarm_actions.iter())
        .map(String::as_str)
        .filter(|a| a.starts_with(&prefix))
        .collect();
    arns.sort_unstable();
    arns.dedup();
    let read = futures::future::try_join_all(arns.into_iter().map(|arn| async move {
        let mut confirmed = 0;
        let mut pending = 0;
        let mut next = None;
        loop {
            let page = absent(
                call(
                    ctx.calls,
                    "sns:ListSubscriptionsByTopic",
                    ctx.region,
                    ctx.profile,
                    sns.list_subscriptions_by_topic()
                        .topic_arn(arn)
                        .set_next_token(next)
                        .send(),
                )
                .await,
                &["NotFound"],
            )?;
            let Some(page) = page else {
                return Ok::<_, SourceError>(None);
            };
            for s in page.subscriptions() {
                match s.subscription_arn() {
                    Some("PendingConfirmation") => pending += 1,
                    Some(a) if a.starts_with("arn:") => confirmed += 1,
                    _ => {}
                }
            }
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        Ok(Some(Topic {
            arn: arn.to_string(),
            confirmed,
            pending,
        }))
    }))
    .await?;
    Ok(read.into_iter().flatten().collect())
}

/// Trails seen from this region. A multi-region trail shows in every region; its status is
/// read once, in its home region, or here when its home region is not watched.
async fn trails(
    ct: &aws_sdk_cloudtrail::Client,
    ctx: &Ctx<'_>,
    watched: &[String],
) -> Result<Vec<Trail>, SourceError> {
    let out = call(
        ctx.calls,
        "cloudtrail:DescribeTrails",
        ctx.region,
        ctx.profile,
        ct.describe_trails().include_shadow_trails(true).send(),
    )
    .await?;
    let mine = out.trail_list().iter().filter(|t| {
        let home = t.home_region().unwrap_or(ctx.region);
        home == ctx.region || !watched.iter().any(|w| w == home)
    });
    futures::future::try_join_all(mine.map(|t| async move {
        let arn = t.trail_arn().unwrap_or_default();
        let status = call(
            ctx.calls,
            "cloudtrail:GetTrailStatus",
            ctx.region,
            ctx.profile,
            ct.get_trail_status().name(arn).send(),
        )
        .await?;
        Ok(Trail {
            name: t.name().unwrap_or_default().to_string(),
            arn: arn.to_string(),
            home_region: t.home_region().unwrap_or(ctx.region).to_string(),
            multi_region: t.is_multi_region_trail().unwrap_or(false),
            logging: status.is_logging().unwrap_or(false),
            log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
            log_group_arn: t
                .cloud_watch_logs_log_group_arn()
                .filter(|a| !a.is_empty())
                .map(str::to_string),
        })
    }))
    .await
}
