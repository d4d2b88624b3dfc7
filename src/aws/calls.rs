//! Every AWS call goes through `call`: it is counted by `service:Operation`, and its error is
//! turned into a `SourceError` that names where it happened.

use super::errors::{CallSite, from_sdk};
use crate::model::{ApiCalls, SourceError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::future::Future;
use std::sync::Mutex;

/// Calls made by one refresh of one pane.
#[derive(Debug, Default)]
pub struct Calls {
    counts: Mutex<ApiCalls>,
    metrics: Mutex<u64>,
}

impl Calls {
    pub fn count(&self, op: &str) {
        if let Ok(mut c) = self.counts.lock() {
            c.insert(op.to_string(), 1);
        }
    }

    /// CloudWatch bills GetMetricData per metric requested.
    pub fn add_metrics(&self, n: u64) {
        if let Ok(mut m) = self.metrics.lock() {
            *m += n;
        }
    }

    pub fn take(&self) -> (ApiCalls, u64) {
        let counts = self.counts.lock().map(|c| c.clone()).unwrap_or_default();
        let metrics = self.metrics.lock().map(|m| *m).unwrap_or_default();
        (counts, metrics)
    }
}

/// Runs one AWS call, counting it and naming it in its error.
pub async fn call<T, E>(
    calls: &Calls,
    op: &'static str,
    region: &str,
    profile: Option<&str>,
    request: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
) -> Result<T, SourceError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    calls.count(op);
    let result = request.await;
    result.map_err(|e| {
        let err = from_sdk(
            e,
            &CallSite {
                op,
                region,
                profile,
            },
        );
        tracing::warn!(op, region, error = %err, "AWS call failed");
        err
    })
}
