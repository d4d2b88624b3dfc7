//! An endpoint that never answers is asked once: the shared HTTP client gives each attempt
//! `ATTEMPT` to answer, and a host that let one go by unanswered fails the calls made to it
//! in the next minute at once, in words that say why. Without it every call of a snapshot
//! waits out its own 30 seconds (an endpoint behind a dead proxy took `--once` a minute).

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one attempt may wait for its answer (the SDK's own limit is set a little above,
/// so this one, which remembers the host, is the one that fires).
pub const ATTEMPT: Duration = Duration::from_secs(10);

/// How long a host that did not answer is not asked again: long enough for one snapshot,
/// short enough for the screen to recover by itself.
const SILENT_FOR: Duration = Duration::from_secs(60);

/// Hosts that let an attempt time out, and when.
type Silent = Arc<Mutex<HashMap<String, Instant>>>;

/// The HTTP client every service shares, remembering hosts that did not answer.
#[derive(Debug)]
pub struct Remembering {
    inner: SharedHttpClient,
    silent: Silent,
}

impl Remembering {
    pub fn wrap(inner: SharedHttpClient) -> SharedHttpClient {
        SharedHttpClient::new(Remembering {
            inner,
            silent: Silent::default(),
        })
    }
}

impl HttpClient for Remembering {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(Connector {
            inner: self.inner.http_connector(settings, components),
            silent: self.silent.clone(),
        })
    }
}

#[derive(Debug)]
struct Connector {
    inner: SharedHttpConnector,
    silent: Silent,
}

/// `scheme://host:port` of a request, the unit that answers or not.
fn host_of(uri: &str) -> String {
    let (scheme, rest) = uri.split_once("://").unwrap_or(("", uri));
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{scheme}://{host}")
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let host = host_of(request.uri());
        let quiet_since = self
            .silent
            .lock()
            .ok()
            .and_then(|s| s.get(&host).copied())
            .filter(|at| at.elapsed() < SILENT_FOR);
        if quiet_since.is_some() {
            // Not retried: the host was given its chance.
            return HttpConnectorFuture::ready(Err(ConnectorError::other(
                format!("no answer from {host}: an earlier call to it timed out").into(),
                None,
            )));
        }
        let call = self.inner.call(request);
        let silent = self.silent.clone();
        HttpConnectorFuture::new(async move {
            match tokio::time::timeout(ATTEMPT, call).await {
                Ok(answer) => answer,
                Err(_) => {
                    if let Ok(mut s) = silent.lock() {
                        s.insert(host.clone(), Instant::now());
                    }
                    Err(ConnectorError::timeout(
                        format!("no answer from {host} within {} s", ATTEMPT.as_secs()).into(),
                    ))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_host_is_its_scheme_name_and_port() {
        assert_eq!(
            super::host_of("https://ec2.us-east-1.amazonaws.com/?Action=X"),
            "https://ec2.us-east-1.amazonaws.com"
        );
        assert_eq!(
            super::host_of("http://127.0.0.1:5000/v1/x"),
            "http://127.0.0.1:5000"
        );
    }
}
