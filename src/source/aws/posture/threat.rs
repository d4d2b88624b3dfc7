//! GuardDuty detectors, Security Hub and its standards, WAF web ACLs with their rules, the
//! AWS Config recorder and rules, and IAM Access Analyzer analyzers.

use super::{Ctx, absent};
use crate::aws::calls::call;
use crate::checklist::posture::*;
use crate::source::SourceError;
use crate::source::aws::RegionClients;
use aws_sdk_wafv2::types::Scope;

type Parts = (
    Observed<Vec<Detector>>,
    Observed<Option<Vec<String>>>,
    Observed<Vec<WebAcl>>,
    Observed<ConfigService>,
    Observed<Vec<Analyzer>>,
);

pub(super) async fn read(r: &RegionClients, ctx: &Ctx<'_>) -> Parts {
    let (guardduty, securityhub, wafv2, config_service, accessanalyzer) = (
        r.guardduty(),
        r.securityhub(),
        r.wafv2(),
        r.config(),
        r.accessanalyzer(),
    );
    let (d, s, w, c, a) = tokio::join!(
        Box::pin(detectors(&guardduty, ctx)),
        Box::pin(security_hub(&securityhub, ctx)),
        Box::pin(web_acls(&wafv2, ctx)),
        Box::pin(config(&config_service, ctx)),
        Box::pin(analyzers(&accessanalyzer, ctx)),
    );
    (
        ctx.observed(d),
        ctx.observed(s),
        ctx.observed(w),
        ctx.observed(c),
        ctx.observed(a),
    )
}

async fn detectors(
    gd: &aws_sdk_guardduty::Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<Detector>, SourceError> {
    let ids =
        crate::source::aws::guardduty::detector_ids(gd, ctx.calls, ctx.region, ctx.profile).await?;
    futures::future::try_join_all(ids.into_iter().map(|id| async move {
        let d = call(
            ctx.calls,
            "guardduty:GetDetector",
            ctx.region,
            ctx.profile,
            gd.get_detector().detector_id(&id).send(),
        )
        .await?;
        use aws_sdk_guardduty::types::{DetectorFeatureResult, FeatureStatus};
        let enabled = |name: &str| {
            d.features().iter().any(|f| {
                f.name().map(DetectorFeatureResult::as_str) == Some(name)
                    && f.status() == Some(&FeatureStatus::Enabled)
            })
        };
        let (s3_protection, ai_protection) = (enabled("S3_DATA_EVENTS"), enabled("AI_PROTECTION"));
        Ok(Detector {
            s3_protection,
            ai_protection,
            status: d
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            id,
        })
    }))
    .await
}

/// `None` when Security Hub is not enabled in the region (it answers InvalidAccessException).
async fn security_hub(
    sh: &aws_sdk_securityhub::Client,
    ctx: &Ctx<'_>,
) -> Result<Option<Vec<String>>, SourceError> {
    let hub = absent(
        call(
            ctx.calls,
            "securityhub:DescribeHub",
            ctx.region,
            ctx.profile,
            sh.describe_hub().send(),
        )
        .await,
        &["InvalidAccessException"],
    )?;
    if hub.is_none() {
        return Ok(None);
    }
    let mut arns = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            ctx.calls,
            "securityhub:GetEnabledStandards",
            ctx.region,
            ctx.profile,
            sh.get_enabled_standards()
                .max_results(100)
                .set_next_token(next)
                .send(),
        )
        .await?;
        arns.extend(
            page.standards_subscriptions()
                .iter()
                .filter_map(|s| s.standards_arn().map(str::to_string)),
        );
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(Some(arns));
        }
    }
}

async fn web_acls(waf: &aws_sdk_wafv2::Client, ctx: &Ctx<'_>) -> Result<Vec<WebAcl>, SourceError> {
    let mut summaries = Vec::new();
    let mut marker = None;
    loop {
        let page = call(
            ctx.calls,
            "wafv2:ListWebACLs",
            ctx.region,
            ctx.profile,
            waf.list_web_acls()
                .scope(Scope::Regional)
                .limit(100)
                .set_next_marker(marker)
                .send(),
        )
        .await?;
        summaries.extend(page.web_acls().iter().cloned());
        marker = page.next_marker().map(str::to_string);
        if marker.is_none() || page.web_acls().is_empty() {
            break;
        }
    }
    futures::future::try_join_all(summaries.iter().map(|s| async move {
        let name = s.name().unwrap_or_default();
        let acl = call(
            ctx.calls,
            "wafv2:GetWebACL",
            ctx.region,
            ctx.profile,
            waf.get_web_acl()
                .name(name)
                .scope(Scope::Regional)
                .id(s.id().unwrap_or_default())
                .send(),
        )
        .await?;
        let rules = acl
            .web_acl()
            .map(|a| {
                a.rules()
                    .iter()
                    .map(|r| {
                        let name = r.name().to_string();
                        let st = r.statement();
                        if let Some(rate) = st.and_then(|s| s.rate_based_statement()) {
                            WafRule::RateBased {
                                name,
                                limit: rate.limit(),
                            }
                        } else if let Some(m) = st.and_then(|s| s.managed_rule_group_statement()) {
                            WafRule::Managed {
                                name,
                                group: m.name().to_string(),
                            }
                        } else {
                            WafRule::Other { name }
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(WebAcl {
            name: name.to_string(),
            rules,
        })
    }))
    .await
}

async fn config(cfg: &aws_sdk_config::Client, ctx: &Ctx<'_>) -> Result<ConfigService, SourceError> {
    let status = call(
        ctx.calls,
        "config:DescribeConfigurationRecorderStatus",
        ctx.region,
        ctx.profile,
        cfg.describe_configuration_recorder_status().send(),
    )
    .await?;
    let recorders = status
        .configuration_recorders_status()
        .iter()
        .map(|s| Recorder {
            name: s.name().unwrap_or_default().to_string(),
            recording: s.recording(),
        })
        .collect();
    let mut rules = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            ctx.calls,
            "config:DescribeConfigRules",
            ctx.region,
            ctx.profile,
            cfg.describe_config_rules().set_next_token(next).send(),
        )
        .await?;
        rules.extend(
            page.config_rules()
                .iter()
                .filter_map(|r| r.config_rule_name().map(str::to_string)),
        );
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(ConfigService { recorders, rules });
        }
    }
}

async fn analyzers(
    aa: &aws_sdk_accessanalyzer::Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<Analyzer>, SourceError> {
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            ctx.calls,
            "access-analyzer:ListAnalyzers",
            ctx.region,
            ctx.profile,
            aa.list_analyzers()
                .max_results(100)
                .set_next_token(next)
                .send(),
        )
        .await?;
        out.extend(page.analyzers().iter().map(|a| Analyzer {
            name: a.name().to_string(),
            kind: a.r#type().as_str().to_string(),
            status: a.status().as_str().to_string(),
        }));
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}
