//! SageMaker Studio's user profiles, spaces, lifecycle configurations and running apps: every
//! page of each list, then one describe a profile, a space and a configuration (the lists name
//! neither the role nor the script).

use super::Ctx;
use crate::aws::calls::call;
use crate::checklist::posture::{Studio, StudioApp, StudioPerson, StudioScript};
use crate::source::SourceError;
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{AppStatus, SharingType};
use futures::future::try_join_all;

pub(super) async fn read(sm: &Client, ctx: &Ctx<'_>) -> Result<Studio, SourceError> {
    let (profiles, spaces, scripts, apps) = tokio::join!(
        Box::pin(profiles(sm, ctx)),
        Box::pin(spaces(sm, ctx)),
        Box::pin(lifecycle_configs(sm, ctx)),
        Box::pin(apps(sm, ctx)),
    );
    Ok(Studio {
        people: [profiles?, spaces?].concat(),
        lifecycle_configs: scripts?,
        apps: apps?,
    })
}

async fn profiles(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<StudioPerson>, SourceError> {
    let listed = super::pages::every_page!(
        ctx,
        "sagemaker:ListUserProfiles",
        sm.list_user_profiles(),
        |p| p.user_profiles().iter().filter_map(|u| Some((
            u.domain_id()?.to_string(),
            u.user_profile_name()?.to_string()
        )))
    );
    try_join_all(listed.into_iter().map(|(domain, name)| async move {
        let d = call(
            ctx.calls,
            "sagemaker:DescribeUserProfile",
            ctx.region,
            ctx.profile,
            sm.describe_user_profile()
                .domain_id(&domain)
                .user_profile_name(&name)
                .send(),
        )
        .await?;
        Ok(StudioPerson {
            kind: "user profile",
            role: d
                .user_settings()
                .and_then(|s| s.execution_role())
                .map(str::to_string),
            shared: false,
            name,
            domain,
        })
    }))
    .await
}

async fn spaces(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<StudioPerson>, SourceError> {
    let listed = super::pages::every_page!(ctx, "sagemaker:ListSpaces", sm.list_spaces(), |p| p
        .spaces()
        .iter()
        .filter_map(|s| Some((s.domain_id()?.to_string(), s.space_name()?.to_string()))));
    try_join_all(listed.into_iter().map(|(domain, name)| async move {
        let d = call(
            ctx.calls,
            "sagemaker:DescribeSpace",
            ctx.region,
            ctx.profile,
            sm.describe_space()
                .domain_id(&domain)
                .space_name(&name)
                .send(),
        )
        .await?;
        Ok(StudioPerson {
            kind: "space",
            role: None,
            shared: d.space_sharing_settings().and_then(|s| s.sharing_type())
                == Some(&SharingType::Shared),
            name,
            domain,
        })
    }))
    .await
}

async fn lifecycle_configs(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<StudioScript>, SourceError> {
    let names = super::pages::every_page!(
        ctx,
        "sagemaker:ListStudioLifecycleConfigs",
        sm.list_studio_lifecycle_configs(),
        |p| p
            .studio_lifecycle_configs()
            .iter()
            .filter_map(|c| c.studio_lifecycle_config_name().map(str::to_string))
    );
    try_join_all(names.into_iter().map(|name| async move {
        let d = call(
            ctx.calls,
            "sagemaker:DescribeStudioLifecycleConfig",
            ctx.region,
            ctx.profile,
            sm.describe_studio_lifecycle_config()
                .studio_lifecycle_config_name(&name)
                .send(),
        )
        .await?;
        let raw = d.studio_lifecycle_config_content().unwrap_or_default();
        let text = aws_smithy_types::base64::decode(raw)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Ok(StudioScript {
            app_type: d
                .studio_lifecycle_config_app_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            text,
            name,
        })
    }))
    .await
}

async fn apps(sm: &Client, ctx: &Ctx<'_>) -> Result<Vec<StudioApp>, SourceError> {
    let apps = super::pages::every_page!(ctx, "sagemaker:ListApps", sm.list_apps(), |p| p
        .apps()
        .iter()
        .filter(|a| a.status() == Some(&AppStatus::InService))
        .map(|a| StudioApp {
            name: a.app_name().unwrap_or_default().to_string(),
            owner: a
                .user_profile_name()
                .or(a.space_name())
                .unwrap_or_default()
                .to_string(),
            app_type: a
                .app_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            instance_type: a
                .resource_spec()
                .and_then(|r| r.instance_type())
                .map(|t| t.as_str().to_string()),
        }));
    Ok(apps)
}
