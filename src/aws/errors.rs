//! SDK errors in words an operator can act on: which permission is missing, how to renew
//! credentials, which endpoint could not be reached.

use crate::model::SourceError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::sync::OnceLock;

/// Where a call was made, for the error message.
pub struct CallSite<'a> {
    /// `service:Operation`, also the IAM action it needs.
    pub op: &'a str,
    pub region: &'a str,
    pub profile: Option<&'a str>,
}

const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "Forbidden",
];
const EXPIRED: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "TokenRefreshRequired",
];
const BAD_CREDENTIALS: &[&str] = &[
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "RequestThrottledException",
];

/// How to get fresh credentials for the profile in use.
pub fn renew_hint(profile: Option<&str>) -> String {
    match profile.map(clean) {
        Some(p) => format!("run `aws sso login --profile {p}` or refresh the profile's keys"),
        None => "run `aws sso login` or refresh AWS_ACCESS_KEY_ID / AWS_SESSION_TOKEN".to_string(),
    }
}

/// Text of a credentials-provider failure, which reaches us as a dispatch failure.
pub fn credentials_problem(chain: &str, profile: Option<&str>) -> Option<SourceError> {
    let lower = chain.to_lowercase();
    if lower.contains("expired")
        && (lower.contains("sso") || lower.contains("token") || lower.contains("credential"))
    {
        return Some(SourceError::ExpiredCredentials {
            hint: renew_hint(profile),
        });
    }
    if lower.contains("credentialsnotloaded")
        || lower.contains("no credentials")
        || lower.contains("credential provider was not enabled")
        || lower.contains("credentials provider was not enabled")
        || lower.contains("no providers in chain provided credentials")
        || lower.contains("failed to load credentials")
    {
        return Some(SourceError::NoCredentials);
    }
    None
}

/// STS refused to let the credentials assume an account's role (it does not exist, or does
/// not trust them): what STS said, found in the credentials provider's error.
fn role_refused(err: &(dyn std::error::Error + 'static)) -> Option<SourceError> {
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>() {
            let code = clean(refused.code().unwrap_or("no answer"));
            let message = clean(refused.message().unwrap_or(""));
            return Some(SourceError::RoleNotAssumed {
                why: if message.is_empty() {
                    code
                } else {
                    format!("{code}: {message}")
                },
            });
        }
        source = e.source();
    }
    None
}

/// The endpoint secdash was pointed at (`AWS_ENDPOINT_URL`), named in transport errors.
static ENDPOINT: OnceLock<String> = OnceLock::new();

/// Names the endpoint in messages about reaching it (set once, by the session).
pub fn name_endpoint(url: &str) {
    let _ = ENDPOINT.set(crate::sanitize::clean_with_limit(url, 200));
}

fn endpoint(service: &str, region: &str) -> String {
    ENDPOINT
        .get()
        .cloned()
        .unwrap_or_else(|| format!("the {service} endpoint in {region}"))
}

/// A transport failure as a sentence: what the network said, never the client's types.
fn transport(err: &(dyn std::error::Error + 'static), service: &str, region: &str) -> String {
    let at = endpoint(service, region);
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut text = String::new();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            match io.kind() {
                K::ConnectionRefused => return format!("connection refused by {at}"),
                K::ConnectionReset | K::ConnectionAborted => {
                    return format!("connection reset by {at}");
                }
                K::TimedOut => return format!("no answer from {at}"),
                _ => {}
            }
        }
        text.push_str(&e.to_string().to_lowercase());
        text.push(' ');
        source = e.source();
    }
    if text.contains("dns") || text.contains("lookup") || text.contains("resolve") {
        format!("cannot resolve the name of {at}")
    } else if text.contains("certificate") || text.contains("tls") || text.contains("ssl") {
        format!("the TLS handshake with {at} failed")
    } else if text.contains("refused") {
        format!("connection refused by {at}")
    } else if text.contains("an earlier call to it timed out") {
        format!("no answer from {at}: an earlier call to it timed out")
    } else {
        format!("no connection to {at}")
    }
}

/// Cleaned and cut for one line: API text is untrusted like any other.
fn clean(text: &str) -> String {
    crate::sanitize::clean_with_limit(text, 300)
}

pub fn from_sdk<E>(err: SdkError<E, HttpResponse>, at: &CallSite<'_>) -> SourceError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (service, operation) = at.op.split_once(':').unwrap_or((at.op, ""));
    let service = service.to_string();
    let operation = operation.to_string();
    let region = at.region.to_string();
    match &err {
        SdkError::TimeoutError(_) => SourceError::Timeout {
            service,
            operation,
            region,
            seconds: super::OPERATION_TIMEOUT.as_secs(),
        },
        SdkError::DispatchFailure(df) => {
            if let Some(e) = role_refused(&err) {
                return e;
            }
            let chain = DisplayErrorContext(&err).to_string();
            if let Some(e) = credentials_problem(&chain, at.profile) {
                return e;
            }
            if df.is_timeout() {
                return SourceError::Timeout {
                    service,
                    operation,
                    region,
                    seconds: super::OPERATION_TIMEOUT.as_secs(),
                };
            }
            let detail = match df.as_connector_error() {
                Some(c) => transport(c, &service, &region),
                None => transport(&err, &service, &region),
            };
            SourceError::Unreachable {
                service,
                operation,
                region,
                detail,
            }
        }
        _ => {
            let code = clean(err.code().unwrap_or(""));
            let message = clean(err.message().unwrap_or(""));
            if ACCESS_DENIED.contains(&code.as_str()) {
                SourceError::AccessDenied {
                    permission: at.op.to_string(),
                    service,
                    operation,
                    region,
                }
            } else if EXPIRED.contains(&code.as_str()) {
                SourceError::ExpiredCredentials {
                    hint: renew_hint(at.profile),
                }
            } else if THROTTLED.contains(&code.as_str()) {
                SourceError::Throttled {
                    service,
                    operation,
                    region,
                }
            } else if BAD_CREDENTIALS.contains(&code.as_str()) {
                SourceError::Api {
                    service,
                    operation,
                    region,
                    code,
                    message: format!("the credentials are not valid for this account ({message})"),
                }
            } else if code.is_empty() {
                // Not an AWS error: a proxy's page, a load balancer's 503, a body that did not
                // parse. Its status says enough.
                let status = err.raw_response().map(|r| r.status().as_u16());
                let message = match status {
                    Some(s) if s >= 400 => format!(
                        "HTTP {s} from {}, not an AWS answer",
                        endpoint(&service, &region)
                    ),
                    Some(s) => format!("HTTP {s}: the answer could not be read"),
                    None => "the request could not be made".to_string(),
                };
                SourceError::Api {
                    service,
                    operation,
                    region,
                    code: "Error".to_string(),
                    message,
                }
            } else {
                SourceError::Api {
                    service,
                    operation,
                    region,
                    code,
                    message,
                }
            }
        }
    }
}

/// The error code of an API error, to tell "not configured" answers from failures.
pub fn code(e: &SourceError) -> Option<&str> {
    match e {
        SourceError::Api { code, .. } => Some(code.as_str()),
        _ => None,
    }
}

/// `Ok(None)` when the API answers with one of `codes`, meaning "there is none".
pub fn absent<T>(r: Result<T, SourceError>, codes: &[&str]) -> Result<Option<T>, SourceError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if code(&e).is_some_and(|c| codes.contains(&c)) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_problems_are_recognised() {
        assert_eq!(
            credentials_problem(
                "dispatch failure: other: the credential provider was not enabled",
                None
            ),
            Some(SourceError::NoCredentials)
        );
        assert!(matches!(
            credentials_problem("failed to load credentials: the SSO token has expired", Some("prod")),
            Some(SourceError::ExpiredCredentials { hint }) if hint.contains("aws sso login --profile prod")
        ));
        assert_eq!(credentials_problem("connection refused", None), None);
    }
}
