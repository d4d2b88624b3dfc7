//! KMS keys with their rotation, and S3 buckets with their encryption, versioning, public
//! access block and TLS policy. Each bucket is read through a client for its own region.

use super::{Ctx, absent};
use crate::aws::calls::call;
use crate::checklist::policy_doc;
use crate::checklist::posture::*;
use crate::source::SourceError;
use aws_config::{Region, SdkConfig};
use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState, OriginType};
use futures::StreamExt;
use std::collections::HashMap;

/// Buckets read at once.
const BUCKETS_IN_FLIGHT: usize = 8;

pub(super) async fn kms_keys(kms: &aws_sdk_kms::Client, ctx: &Ctx<'_>) -> Observed<Vec<KmsKey>> {
    ctx.observed(read_keys(kms, ctx).await)
}

async fn read_keys(kms: &aws_sdk_kms::Client, ctx: &Ctx<'_>) -> Result<Vec<KmsKey>, SourceError> {
    let mut ids = Vec::new();
    let mut marker = None;
    loop {
        let page = call(
            ctx.calls,
            "kms:ListKeys",
            ctx.region,
            ctx.profile,
            kms.list_keys().limit(1000).set_marker(marker).send(),
        )
        .await?;
        ids.extend(
            page.keys()
                .iter()
                .filter_map(|k| k.key_id().map(str::to_string)),
        );
        marker = page.next_marker().map(str::to_string);
        if !page.truncated() || marker.is_none() {
            break;
        }
    }
    let mut aliases: HashMap<String, String> = HashMap::new();
    let mut marker = None;
    loop {
        let page = call(
            ctx.calls,
            "kms:ListAliases",
            ctx.region,
            ctx.profile,
            kms.list_aliases().limit(100).set_marker(marker).send(),
        )
        .await?;
        for a in page.aliases() {
            if let (Some(name), Some(target)) = (a.alias_name(), a.target_key_id()) {
                aliases
                    .entry(target.to_string())
                    .or_insert_with(|| name.to_string());
            }
        }
        marker = page.next_marker().map(str::to_string);
        if !page.truncated() || marker.is_none() {
            break;
        }
    }
    let aliases = &aliases;
    let described = futures::future::try_join_all(ids.iter().map(|id| async move {
        let d = call(
            ctx.calls,
            "kms:DescribeKey",
            ctx.region,
            ctx.profile,
            kms.describe_key().key_id(id).send(),
        )
        .await?;
        // Only enabled customer-managed symmetric keys from KMS itself can rotate automatically.
        let rotatable = d.key_metadata().is_some_and(|m| {
            m.key_manager() == Some(&KeyManagerType::Customer)
                && m.key_state() == Some(&KeyState::Enabled)
                && m.key_spec().is_none_or(|s| *s == KeySpec::SymmetricDefault)
                && m.origin().is_none_or(|o| *o == OriginType::AwsKms)
        });
        if !rotatable {
            return Ok::<_, SourceError>(None);
        }
        let r = call(
            ctx.calls,
            "kms:GetKeyRotationStatus",
            ctx.region,
            ctx.profile,
            kms.get_key_rotation_status().key_id(id).send(),
        )
        .await?;
        Ok(Some(KmsKey {
            id: id.clone(),
            alias: aliases.get(id).cloned(),
            rotation_enabled: r.key_rotation_enabled(),
        }))
    }))
    .await?;
    Ok(described.into_iter().flatten().collect())
}

pub(super) async fn buckets(
    s3: &aws_sdk_s3::Client,
    config: &SdkConfig,
    ctx: &Ctx<'_>,
) -> Observed<Vec<Bucket>> {
    let listed = call(
        ctx.calls,
        "s3:ListAllMyBuckets",
        ctx.region,
        ctx.profile,
        s3.list_buckets().send(),
    )
    .await;
    let listed = match listed {
        Ok(l) => l,
        Err(e) => return ctx.observed(Err(e)),
    };
    let buckets: Vec<(String, Option<String>)> = listed
        .buckets()
        .iter()
        .map(|b| {
            (
                b.name().unwrap_or_default().to_string(),
                b.bucket_region().map(str::to_string),
            )
        })
        .collect();
    let clients = std::sync::Mutex::new(HashMap::<String, aws_sdk_s3::Client>::new());
    let client_for = |region: &str| {
        let mut c = clients.lock().unwrap_or_else(|p| p.into_inner());
        c.entry(region.to_string())
            .or_insert_with(|| {
                aws_sdk_s3::Client::from_conf(
                    aws_sdk_s3::config::Builder::from(config)
                        .region(Region::new(region.to_string()))
                        .build(),
                )
            })
            .clone()
    };
    let read = futures::stream::iter(buckets.into_iter().map(|(name, region)| {
        let client_for = &client_for;
        async move {
            let region = match region {
                Some(r) => Ok(r),
                None => location(s3, ctx, &name).await,
            };
            match region {
                Ok(r) => bucket(&client_for(&r), ctx, name).await,
                Err(e) => {
                    let why = ctx.observed::<()>(Err(e)).unwrap_err();
                    Bucket {
                        name,
                        encryption: Err(why.clone()),
                        versioning: Err(why.clone()),
                        public_access_blocked: Err(why.clone()),
                        tls_enforced: Err(why.clone()),
                        access_log_target: Err(why.clone()),
                        vpce_only: Err(why.clone()),
                        tags: Err(why),
                    }
                }
            }
        }
    }))
    .buffered(BUCKETS_IN_FLIGHT)
    .collect::<Vec<_>>()
    .await;
    Ok(read)
}

/// A bucket's region; `GetBucketLocation` says nothing for us-east-1 and `EU` for eu-west-1.
async fn location(
    s3: &aws_sdk_s3::Client,
    ctx: &Ctx<'_>,
    name: &str,
) -> Result<String, SourceError> {
    let out = call(
        ctx.calls,
        "s3:GetBucketLocation",
        ctx.region,
        ctx.profile,
        s3.get_bucket_location().bucket(name).send(),
    )
    .await?;
    Ok(match out.location_constraint().map(|c| c.as_str()) {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(r) => r.to_string(),
    })
}

async fn bucket(s3: &aws_sdk_s3::Client, ctx: &Ctx<'_>, name: String) -> Bucket {
    let (enc, ver, pab, policy, logging, tagging) = tokio::join!(
        Box::pin(call(
            ctx.calls,
            "s3:GetEncryptionConfiguration",
            ctx.region,
            ctx.profile,
            s3.get_bucket_encryption().bucket(&name).send(),
        )),
        Box::pin(call(
            ctx.calls,
            "s3:GetBucketVersioning",
            ctx.region,
            ctx.profile,
            s3.get_bucket_versioning().bucket(&name).send(),
        )),
        Box::pin(call(
            ctx.calls,
            "s3:GetBucketPublicAccessBlock",
            ctx.region,
            ctx.profile,
            s3.get_public_access_block().bucket(&name).send(),
        )),
        Box::pin(call(
            ctx.calls,
            "s3:GetBucketPolicy",
            ctx.region,
            ctx.profile,
            s3.get_bucket_policy().bucket(&name).send(),
        )),
        Box::pin(call(
            ctx.calls,
            "s3:GetBucketLogging",
            ctx.region,
            ctx.profile,
            s3.get_bucket_logging().bucket(&name).send(),
        )),
        Box::pin(call(
            ctx.calls,
            "s3:GetBucketTagging",
            ctx.region,
            ctx.profile,
            s3.get_bucket_tagging().bucket(&name).send(),
        )),
    );
    let tags = absent(tagging, &["NoSuchTagSet"]).map(|o| {
        o.map(|t| {
            t.tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect()
        })
        .unwrap_or_default()
    });
    let access_log_target =
        logging.map(|l| l.logging_enabled().map(|e| e.target_bucket().to_string()));
    let encryption = absent(enc, &["ServerSideEncryptionConfigurationNotFoundError"]).map(|o| {
        o.and_then(|e| {
            e.server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default())
                .map(|d| d.sse_algorithm().as_str().to_string())
        })
    });
    let versioning = ver.map(|v| {
        v.status()
            .is_some_and(|s| *s == aws_sdk_s3::types::BucketVersioningStatus::Enabled)
    });
    let public_access_blocked = absent(pab, &["NoSuchPublicAccessBlockConfiguration"]).map(|o| {
        o.and_then(|p| {
            p.public_access_block_configuration().map(|c| {
                c.block_public_acls() == Some(true)
                    && c.ignore_public_acls() == Some(true)
                    && c.block_public_policy() == Some(true)
                    && c.restrict_public_buckets() == Some(true)
            })
        })
        .unwrap_or(false)
    });
    let policy = absent(policy, &["NoSuchBucketPolicy"]).map(|o| {
        o.and_then(|p| p.policy().map(str::to_string))
            .unwrap_or_default()
    });
    let tls_enforced = policy
        .clone()
        .map(|p| policy_doc::denies_insecure_transport(&p));
    let vpce_only = policy.map(|p| policy_doc::vpce_restriction(&p));
    Bucket {
        encryption: ctx.observed(encryption),
        versioning: ctx.observed(versioning),
        public_access_blocked: ctx.observed(public_access_blocked),
        tls_enforced: ctx.observed(tls_enforced),
        access_log_target: ctx.observed(access_log_target),
        vpce_only: ctx.observed(vpce_only),
        tags: ctx.observed(tags),
        name,
    }
}

/// The account-level S3 Block Public Access (S3 Control): all four settings on, or not.
pub(super) async fn account_public_access_blocked(
    src: &super::AwsSource,
    ctx: &Ctx<'_>,
) -> Observed<bool> {
    let read = async {
        let account = src
            .caller(ctx.calls)
            .await?
            .account
            .clone()
            .ok_or_else(|| SourceError::Other("the caller's account is unknown".into()))?;
        let config = src.session.config();
        let mut builder = aws_sdk_s3control::config::Builder::from(config);
        if config.endpoint_url().is_some() {
            builder = builder.interceptor(crate::aws::host_prefix::NoAccountHostPrefix {
                account: account.clone(),
            });
        }
        let control = aws_sdk_s3control::Client::from_conf(builder.build());
        let out = absent(
            call(
                ctx.calls,
                "s3:GetAccountPublicAccessBlock",
                ctx.region,
                ctx.profile,
                control
                    .get_public_access_block()
                    .account_id(&account)
                    .send(),
            )
            .await,
            &["NoSuchPublicAccessBlockConfiguration"],
        )?;
        Ok(out
            .and_then(|o| {
                o.public_access_block_configuration().map(|c| {
                    c.block_public_acls() == Some(true)
                        && c.ignore_public_acls() == Some(true)
                        && c.block_public_policy() == Some(true)
                        && c.restrict_public_buckets() == Some(true)
                })
            })
            .unwrap_or(false))
    };
    ctx.observed(read.await)
}
