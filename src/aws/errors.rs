//! SDK errors in words an operator can act on: which permission is missing, how to renew
//! credentials, which endpoint could not be reached.

use crate::model::SourceError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

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
    match profile {
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

pub fn from_sdk<E, R>(err: SdkError<E, R>, at: &CallSite<'_>) -> SourceError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
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
            SourceError::Unreachable {
                service,
                operation,
                region,
                detail: short(&chain),
            }
        }
        _ => {
            let code = err.code().unwrap_or("").to_string();
            let message = err.message().unwrap_or("").to_string();
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
            } else {
                let (code, message) = if code.is_empty() {
                    (
                        "Error".to_string(),
                        short(&DisplayErrorContext(&err).to_string()),
                    )
                } else {
                    (code, message)
                };
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

/// The last, most specific part of an error chain, kept short for a status line.
fn short(chain: &str) -> String {
    let last = chain.rsplit(": ").next().unwrap_or(chain);
    let text = if last.len() < 12 { chain } else { last };
    crate::sanitize::clean_with_limit(text, 160)
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
