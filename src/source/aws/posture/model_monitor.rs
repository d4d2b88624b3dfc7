//! SageMaker Model Monitor: every monitoring schedule, what it watches, and the network
//! settings of its job, inline in the schedule or in the job definition it names (one
//! Describe call of the definition's type).

use super::Ctx;
use crate::aws::calls::call;
use crate::checklist::posture::{JobNetwork, MonitoringSchedule};
use crate::source::SourceError;
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{MonitoringNetworkConfig, MonitoringType};
use futures::future::try_join_all;

pub(super) async fn schedules(
    sm: &Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<MonitoringSchedule>, SourceError> {
    let mut names = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            ctx.calls,
            "sagemaker:ListMonitoringSchedules",
            ctx.region,
            ctx.profile,
            sm.list_monitoring_schedules()
                .max_results(100)
                .set_next_token(next)
                .send(),
        )
        .await?;
        names.extend(
            page.monitoring_schedule_summaries()
                .iter()
                .filter_map(|s| s.monitoring_schedule_name().map(str::to_string)),
        );
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    try_join_all(names.into_iter().map(|name| schedule(sm, ctx, name))).await
}

async fn schedule(
    sm: &Client,
    ctx: &Ctx<'_>,
    name: String,
) -> Result<MonitoringSchedule, SourceError> {
    let d = call(
        ctx.calls,
        "sagemaker:DescribeMonitoringSchedule",
        ctx.region,
        ctx.profile,
        sm.describe_monitoring_schedule()
            .monitoring_schedule_name(&name)
            .send(),
    )
    .await?;
    let config = d.monitoring_schedule_config();
    let kind = config
        .and_then(|c| c.monitoring_type())
        .or(d.monitoring_type())
        .cloned()
        .unwrap_or(MonitoringType::DataQuality);
    let inline = config.and_then(|c| c.monitoring_job_definition());
    let network = match (
        inline,
        config.and_then(|c| c.monitoring_job_definition_name()),
    ) {
        (Some(job), _) => Ok(job
            .network_config()
            .map(|n| JobNetwork {
                isolation: n.enable_network_isolation().unwrap_or(false),
                inter_container_encryption: n
                    .enable_inter_container_traffic_encryption()
                    .unwrap_or(false),
            })
            .unwrap_or_default()),
        (None, Some(definition)) => ctx.observed(job_definition(sm, ctx, &kind, definition).await),
        (None, None) => Ok(JobNetwork::default()),
    };
    Ok(MonitoringSchedule {
        definition: config
            .and_then(|c| c.monitoring_job_definition_name())
            .map(str::to_string),
        name,
        endpoint: d.endpoint_name().map(str::to_string),
        kind: kind.as_str().to_string(),
        status: d
            .monitoring_schedule_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        network,
    })
}

fn settings(n: Option<&MonitoringNetworkConfig>) -> JobNetwork {
    n.map(|n| JobNetwork {
        isolation: n.enable_network_isolation().unwrap_or(false),
        inter_container_encryption: n
            .enable_inter_container_traffic_encryption()
            .unwrap_or(false),
    })
    .unwrap_or_default()
}

/// The network settings of a named job definition, read with the Describe call of its type.
async fn job_definition(
    sm: &Client,
    ctx: &Ctx<'_>,
    kind: &MonitoringType,
    name: &str,
) -> Result<JobNetwork, SourceError> {
    let (c, r, p) = (ctx.calls, ctx.region, ctx.profile);
    Ok(match kind {
        MonitoringType::ModelBias => settings(
            call(
                c,
                "sagemaker:DescribeModelBiasJobDefinition",
                r,
                p,
                sm.describe_model_bias_job_definition()
                    .job_definition_name(name)
                    .send(),
            )
            .await?
            .network_config(),
        ),
        MonitoringType::ModelExplainability => settings(
            call(
                c,
                "sagemaker:DescribeModelExplainabilityJobDefinition",
                r,
                p,
                sm.describe_model_explainability_job_definition()
                    .job_definition_name(name)
                    .send(),
            )
            .await?
            .network_config(),
        ),
        MonitoringType::ModelQuality => settings(
            call(
                c,
                "sagemaker:DescribeModelQualityJobDefinition",
                r,
                p,
                sm.describe_model_quality_job_definition()
                    .job_definition_name(name)
                    .send(),
            )
            .await?
            .network_config(),
        ),
        _ => settings(
            call(
                c,
                "sagemaker:DescribeDataQualityJobDefinition",
                r,
                p,
                sm.describe_data_quality_job_definition()
                    .job_definition_name(name)
                    .send(),
            )
            .await?
            .network_config(),
        ),
    })
}
