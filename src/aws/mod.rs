//! The one AWS layer the sources and the actions share: the SDK configuration with the standard
//! credential chain (environment, profiles, SSO, assume-role, instance role), timeouts and
//! retries on every call, `AWS_ENDPOINT_URL` honoured; call counting (`calls`); SDK errors in
//! words an operator can act on (`errors`); and the EC2 rule shape both sides read (`ec2`).

pub mod calls;
pub mod ec2;
pub mod errors;
pub mod host_prefix;
pub mod profiles;
pub mod silence;

use crate::model::SourceError;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use std::time::Duration;

/// No single call (with its retries) may take longer.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);
/// The SDK's limit on one attempt: a little above `silence::ATTEMPT`, which fires first and
/// remembers the host that did not answer.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(11);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// What the user chose, for building the SDK config.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub profile: Option<String>,
    /// The profile was named to secdash (`--profile`, the config file, an `[[accounts]]`
    /// entry): its credentials come from it alone, never from the environment's keys, as the
    /// AWS CLI's `--profile` does. `AWS_PROFILE` keeps the SDK's order (environment first).
    pub profile_only: bool,
    /// The region of global services' calls (IAM, S3, STS) and of the SDK config itself.
    pub home_region: String,
    /// An explicit endpoint for every service. Leave it `None` to let the SDK read
    /// `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` itself, which keeps per-service
    /// overrides working.
    pub endpoint_url: Option<String>,
    /// The endpoint `AWS_ENDPOINT_URL` names, for messages about reaching it.
    pub shown_endpoint: Option<String>,
    /// Where profiles are defined, to say which exist when the named one does not.
    pub profile_files: profiles::ProfileFiles,
}

fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(4)
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

/// The named profile's own credentials (its keys, SSO, role chain, `credential_process`, or
/// the environment only where it says `credential_source = Environment`): the SDK's default
/// chain would take `AWS_ACCESS_KEY_ID` first and read another account than the one named.
fn profile_credentials(
    profile: &str,
    options: &Options,
    http: aws_smithy_runtime_api::client::http::SharedHttpClient,
) -> aws_config::profile::ProfileFileCredentialsProvider {
    let provider_config = aws_config::provider_config::ProviderConfig::without_region()
        .with_region(Some(Region::new(options.home_region.clone())))
        .with_http_client(http)
        .with_retry_config(retries())
        .with_timeout_config(timeouts());
    aws_config::profile::ProfileFileCredentialsProvider::builder()
        .configure(&provider_config)
        .profile_name(profile)
        .build()
}

/// A client of one service for one region, from the shared SDK config.
macro_rules! regional {
    ($sdk:ident, $config:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from($config)
                .region(aws_config::Region::new($region.to_string()))
                .build(),
        )
    };
}
pub(crate) use regional;

/// The app name secdash's calls carry in their user agent (CloudTrail's `userAgent`).
pub const SECDASH_APP: &str = "secdash";

/// The SDK configuration secdash runs with, and the profile it came from (for error hints).
#[derive(Debug, Clone)]
pub struct Session {
    config: SdkConfig,
    profile: Option<String>,
    home_region: String,
    profile_files: profiles::ProfileFiles,
}

/// One HTTP client for every service, region and account of a session. Left to the SDK, each
/// service client builds its own, and each loads the system's root certificates (about 200 KB:
/// 100 MB at 50 accounts × 2 regions × 5 services). Built as the SDK's default is: rustls with
/// aws-lc, the proxy of `HTTPS_PROXY` / `NO_PROXY`.
fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig, tls};
    silence::Remembering::wrap(
        Builder::new().build_with_connector_fn(|settings, components| {
            let mut connector = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ));
            connector.set_connector_settings(settings.cloned());
            if let Some(components) = components {
                connector.set_sleep_impl(components.sleep_impl());
            }
            connector.set_proxy_config(Some(ProxyConfig::from_env()));
            connector.build()
        }),
    )
}

impl Session {
    pub async fn connect(options: &Options) -> Session {
        Session::connect_sharing(options, http_client()).await
    }

    async fn connect_sharing(
        options: &Options,
        http: aws_smithy_runtime_api::client::http::SharedHttpClient,
    ) -> Session {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http.clone())
            .region(Region::new(options.home_region.clone()))
            .retry_config(retries())
            .timeout_config(timeouts());
        // CloudTrail's userAgent then names secdash (`app/secdash`): its own calls, such as a
        // restore's re-approval, can be told from a person's.
        if let Ok(app) = aws_config::AppName::new(SECDASH_APP) {
            loader = loader.app_name(app);
        }
        if let Some(p) = &options.profile {
            loader = loader.profile_name(p);
            if options.profile_only {
                loader = loader.credentials_provider(profile_credentials(p, options, http));
            }
        }
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(url) = options
            .endpoint_url
            .as_ref()
            .or(options.shown_endpoint.as_ref())
        {
            errors::name_endpoint(url);
        }
        Session {
            config: loader.load().await,
            profile: options.profile.clone(),
            home_region: options.home_region.clone(),
            profile_files: options.profile_files.clone(),
        }
    }

    pub fn config(&self) -> &SdkConfig {
        &self.config
    }

    /// Another account of the platform through a role assumed with this session's
    /// credentials: the SDK's assume-role provider caches them and refreshes them before they
    /// expire.
    pub async fn assuming(&self, role_arn: &str, external_id: Option<&str>) -> Session {
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name("secdash")
            .configure(&self.config);
        if let Some(id) = external_id {
            builder = builder.external_id(id);
        }
        let provider = builder.build().await;
        Session {
            config: self
                .config
                .to_builder()
                .credentials_provider(
                    aws_credential_types::provider::SharedCredentialsProvider::new(provider),
                )
                .build(),
            // Errors about the account's credentials name its role, not a profile.
            profile: None,
            home_region: self.home_region.clone(),
            profile_files: self.profile_files.clone(),
        }
    }

    /// Another account of the platform through a profile of its own.
    pub async fn with_profile(&self, profile: &str) -> Session {
        let options = Options {
            profile: Some(profile.to_string()),
            profile_only: true,
            home_region: self.home_region.clone(),
            endpoint_url: None,
            shown_endpoint: None,
            profile_files: self.profile_files.clone(),
        };
        match self.config.http_client() {
            Some(http) => Session::connect_sharing(&options, http).await,
            None => Session::connect(&options).await,
        }
    }

    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    pub fn home_region(&self) -> &str {
        &self.home_region
    }

    /// A profile named that neither profile file defines, said with the ones they do.
    pub fn check_profile(&self) -> Result<(), SourceError> {
        let Some(profile) = &self.profile else {
            return Ok(());
        };
        let known = self.profile_files.names();
        if known.contains(profile) {
            return Ok(());
        }
        Err(SourceError::UnknownProfile {
            profile: crate::sanitize::clean_with_limit(profile, 64),
            files: self.profile_files.describe(),
            known: if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            },
        })
    }

    /// Resolves credentials once, before anything is drawn, so "no credentials" is said plainly.
    pub async fn check_credentials(&self) -> Result<(), SourceError> {
        self.check_profile()?;
        let Some(provider) = self.config.credentials_provider() else {
            return Err(SourceError::NoCredentials);
        };
        match provider.provide_credentials().await {
            Ok(_) => Ok(()),
            Err(e) => {
                let chain = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
                Err(errors::credentials_problem(&chain, self.profile())
                    .unwrap_or(SourceError::NoCredentials))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every account's session hands its service clients one HTTP client: left to the SDK,
    /// each service client builds its own, and each loads the system's root certificates
    /// (about 200 KB; 500 of them at 50 accounts × 2 regions).
    #[tokio::test]
    async fn every_account_shares_the_sessions_http_client() {
        let base = Session::connect(&Options {
            home_region: "us-east-1".into(),
            ..Options::default()
        })
        .await;
        let assumed = base
            .assuming("arn:aws:iam::111111111111:role/SecdashReadOnly", None)
            .await;
        let by_profile = base.with_profile("staging").await;
        for s in [&base, &assumed, &by_profile] {
            assert!(
                s.config().http_client().is_some(),
                "a session without secdash's HTTP client"
            );
        }
    }
}
