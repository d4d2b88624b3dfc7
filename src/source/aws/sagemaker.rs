//! SageMaker endpoints: one `ListEndpoints` per page of 100, and `DescribeEndpoint` /
//! `DescribeEndpointConfig` only for what changed since the last refresh (configs never
//! change; an endpoint is described again when its LastModifiedTime moves).

use crate::aws::calls::{Calls, call};
use crate::model::Variant;
use crate::source::SourceError;
use aws_sdk_sagemaker::Client;
use std::collections::HashMap;
use std::sync::Mutex;

/// What `ListEndpoints` says of an endpoint.
#[derive(Debug, Clone)]
pub struct Listed {
    pub name: String,
    pub status: String,
    pub last_modified: i64,
}

/// What the describe calls add: variants with instance types and counts, and the KMS key.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    pub variants: Vec<Variant>,
    pub config_name: String,
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone)]
struct ConfigInfo {
    instance_types: HashMap<String, Option<String>>,
    kms_key_id: Option<String>,
}

/// Describe results kept between refreshes, per region.
#[derive(Debug, Default)]
pub struct Cache {
    endpoints: Mutex<HashMap<(String, String), (i64, Described)>>,
    configs: Mutex<HashMap<(String, String), ConfigInfo>>,
}

pub async fn list(
    client: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
) -> Result<Vec<Listed>, SourceError> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = call(
            calls,
            "sagemaker:ListEndpoints",
            region,
            profile,
            client
                .list_endpoints()
                .max_results(100)
                .set_next_token(next.clone())
                .send(),
        )
        .await?;
        for e in page.endpoints() {
            out.push(Listed {
                name: e.endpoint_name().unwrap_or_default().to_string(),
                status: e
                    .endpoint_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                last_modified: e.last_modified_time().map(|t| t.secs()).unwrap_or_default(),
            });
        }
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

pub async fn describe(
    client: &Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    listed: &Listed,
) -> Result<Described, SourceError> {
    let key = (region.to_string(), listed.name.clone());
    if let Ok(c) = cache.endpoints.lock()
        && let Some((modified, d)) = c.get(&key)
        && *modified == listed.last_modified
    {
        return Ok(d.clone());
    }
    let ep = call(
        calls,
        "sagemaker:DescribeEndpoint",
        region,
        profile,
        client
            .describe_endpoint()
            .endpoint_name(&listed.name)
            .send(),
    )
    .await?;
    let config_name = ep.endpoint_config_name().unwrap_or_default().to_string();
    let config_key = (region.to_string(), config_name.clone());
    let cached = cache
        .configs
        .lock()
        .ok()
        .and_then(|c| c.get(&config_key).cloned());
    let config = match cached {
        Some(c) => c,
        None if config_name.is_empty() => ConfigInfo {
            instance_types: HashMap::new(),
            kms_key_id: None,
        },
        None => {
            let c = call(
                calls,
                "sagemaker:DescribeEndpointConfig",
                region,
                profile,
                client
                    .describe_endpoint_config()
                    .endpoint_config_name(&config_name)
                    .send(),
            )
            .await?;
            let info = ConfigInfo {
                instance_types: c
                    .production_variants()
                    .iter()
                    .map(|v| {
                        (
                            v.variant_name().unwrap_or_default().to_string(),
                            v.instance_type().map(|t| t.as_str().to_string()),
                        )
                    })
                    .collect(),
                kms_key_id: c.kms_key_id().map(str::to_string),
            };
            if let Ok(mut cc) = cache.configs.lock() {
                cc.insert(config_key, info.clone());
            }
            info
        }
    };
    let described = Described {
        variants: ep
            .production_variants()
            .iter()
            .map(|v| {
                let name = v.variant_name().unwrap_or_default().to_string();
                Variant {
                    instance_type: config.instance_types.get(&name).cloned().flatten(),
                    instance_count: v.current_instance_count().map(|c| c.max(0) as u32),
                    name,
                }
            })
            .collect(),
        config_name,
        kms_key_id: config.kms_key_id.clone(),
    };
    if let Ok(mut c) = cache.endpoints.lock() {
        c.insert(key, (listed.last_modified, described.clone()));
    }
    Ok(described)
}
