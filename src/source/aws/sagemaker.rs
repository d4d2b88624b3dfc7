//! SageMaker endpoints: one `ListEndpoints` per page of 100, and `DescribeEndpoint` /
//! `DescribeEndpointConfig` only for what changed since the last refresh (configs never
//! change; an endpoint is described again when its LastModifiedTime moves).

use crate::aws::calls::{Calls, call};
use crate::model::Variant;
use crate::source::SourceError;
use aws_sdk_sagemaker::Client;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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
    /// Each variant's model and the image SageMaker resolved for it (`DeployedImages`).
    pub served: Vec<(String, String, Option<String>)>,
    pub config_name: String,
    pub kms_key_id: Option<String>,
    pub async_output: Option<crate::checklist::posture::AsyncOutput>,
}

#[derive(Debug, Clone)]
struct ConfigInfo {
    instance_types: HashMap<String, Option<String>>,
    models: HashMap<String, String>,
    kms_key_id: Option<String>,
    async_output: Option<crate::checklist::posture::AsyncOutput>,
}

/// A describe result, read once however many readers ask for it at the same time (the
/// endpoints pane and the checklist describe the same endpoints, often at once).
type Once<T> = Arc<tokio::sync::OnceCell<T>>;

/// (region, name).
type Key = (String, String);

/// Describe results kept between refreshes, per region: an endpoint's with the
/// LastModifiedTime it was described at.
#[derive(Debug, Default)]
pub struct Cache {
    endpoints: Mutex<HashMap<Key, (i64, Once<Described>)>>,
    configs: Mutex<HashMap<Key, Once<ConfigInfo>>>,
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
    // Described again when its LastModifiedTime moved; a failed read leaves the slot empty
    // for the next refresh.
    let slot = {
        let mut c = cache.endpoints.lock().unwrap_or_else(|e| e.into_inner());
        let key = (region.to_string(), listed.name.clone());
        match c.get(&key) {
            Some((modified, slot)) if *modified == listed.last_modified => slot.clone(),
            _ => {
                let slot = Once::default();
                c.insert(key, (listed.last_modified, slot.clone()));
                slot
            }
        }
    };
    slot.get_or_try_init(|| describe_endpoint(client, calls, cache, region, profile, listed))
        .await
        .cloned()
}

async fn describe_endpoint(
    client: &Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    listed: &Listed,
) -> Result<Described, SourceError> {
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
    let config = if config_name.is_empty() {
        ConfigInfo {
            instance_types: HashMap::new(),
            models: HashMap::new(),
            kms_key_id: None,
            async_output: None,
        }
    } else {
        // Configs never change: each is read once.
        let slot = cache
            .configs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((region.to_string(), config_name.clone()))
            .or_default()
            .clone();
        slot.get_or_try_init(|| describe_config(client, calls, region, profile, &config_name))
            .await?
            .clone()
    };
    Ok(Described {
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
        served: ep
            .production_variants()
            .iter()
            .map(|v| {
                let name = v.variant_name().unwrap_or_default().to_string();
                let resolved = v
                    .deployed_images()
                    .first()
                    .and_then(|d| d.resolved_image())
                    .map(str::to_string);
                let model = config.models.get(&name).cloned().unwrap_or_default();
                (name, model, resolved)
            })
            .collect(),
        config_name,
        kms_key_id: config.kms_key_id.clone(),
        async_output: config.async_output.clone(),
    })
}

async fn describe_config(
    client: &Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    config_name: &str,
) -> Result<ConfigInfo, SourceError> {
    let c = call(
        calls,
        "sagemaker:DescribeEndpointConfig",
        region,
        profile,
        client
            .describe_endpoint_config()
            .endpoint_config_name(config_name)
            .send(),
    )
    .await?;
    Ok(ConfigInfo {
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
        models: c
            .production_variants()
            .iter()
            .map(|v| {
                (
                    v.variant_name().unwrap_or_default().to_string(),
                    v.model_name().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        kms_key_id: c.kms_key_id().map(str::to_string),
        async_output: c
            .async_inference_config()
            .and_then(|a| a.output_config())
            .map(|o| crate::checklist::posture::AsyncOutput {
                output: o.s3_output_path().map(str::to_string),
                failure: o.s3_failure_path().map(str::to_string),
                kms_key: o.kms_key_id().filter(|k| !k.is_empty()).map(str::to_string),
            }),
    })
}
