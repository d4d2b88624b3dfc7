//! Endpoints that host inference components: each component names its own model, so a
//! variant's chain is one per component. Listed each refresh (a component's model changes
//! without the endpoint's), each described again only when its LastModifiedTime moved.

use super::{Cache, Once};
use crate::aws::calls::{Calls, call};
use crate::model::SourceError;

/// A component's model, and the LastModifiedTime it was described at.
pub(super) type Described = (i64, Once<String>);

/// One component: its name, the variant it runs on (`None`: not said) and its model.
#[derive(Debug, Clone)]
pub(super) struct Component {
    pub name: String,
    pub variant: Option<String>,
    pub model: String,
}

/// The endpoint's components.
pub(super) async fn components(
    sm: &aws_sdk_sagemaker::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    endpoint: &str,
) -> Result<Vec<Component>, SourceError> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = call(
            calls,
            "sagemaker:ListInferenceComponents",
            region,
            profile,
            sm.list_inference_components()
                .endpoint_name_equals(endpoint)
                .max_results(100)
                .set_next_token(next.clone())
                .send(),
        )
        .await?;
        for c in page.inference_components() {
            let name = c.inference_component_name().unwrap_or_default().to_string();
            let modified = c.last_modified_time().map(|t| t.secs()).unwrap_or_default();
            let model = model_of(sm, calls, cache, region, profile, (&name, modified)).await?;
            out.push(Component {
                variant: c.variant_name().map(str::to_string),
                name,
                model,
            });
        }
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// A component's model, described once per LastModifiedTime.
async fn model_of(
    sm: &aws_sdk_sagemaker::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    (name, modified): (&str, i64),
) -> Result<String, SourceError> {
    let slot = {
        let mut c = cache.components.lock().unwrap_or_else(|e| e.into_inner());
        let key = (region.to_string(), name.to_string());
        match c.get(&key) {
            Some((at, slot)) if *at == modified => slot.clone(),
            _ => {
                let slot: Once<String> = Once::default();
                c.insert(key, (modified, slot.clone()));
                slot
            }
        }
    };
    slot.get_or_try_init(|| async {
        let d = call(
            calls,
            "sagemaker:DescribeInferenceComponent",
            region,
            profile,
            sm.describe_inference_component()
                .inference_component_name(name)
                .send(),
        )
        .await?;
        Ok::<_, SourceError>(
            d.specification()
                .and_then(|s| s.model_name())
                .unwrap_or_default()
                .to_string(),
        )
    })
    .await
    .cloned()
}
