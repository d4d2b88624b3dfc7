//! Why reading AWS (or the demo scenario) failed, in words an operator can act on. Below both
//! the sources and the actions, which report their failures the same way.

/// Why a fetch failed, in words an operator can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    #[error("{service}:{operation} in {region}: access denied; the caller needs {permission}")]
    AccessDenied {
        service: String,
        operation: String,
        region: String,
        permission: String,
    },
    #[error("AWS credentials have expired; renew them ({hint})")]
    ExpiredCredentials { hint: String },
    #[error(
        "no AWS credentials found; set AWS_PROFILE, run `aws sso login`, or try `secdash --demo`"
    )]
    NoCredentials,
    #[error("{service}:{operation} in {region}: endpoint unreachable ({detail})")]
    Unreachable {
        service: String,
        operation: String,
        region: String,
        detail: String,
    },
    #[error("{service}:{operation} in {region}: still throttled after retries")]
    Throttled {
        service: String,
        operation: String,
        region: String,
    },
    #[error("{service}:{operation} in {region}: timed out after {seconds} s")]
    Timeout {
        service: String,
        operation: String,
        region: String,
        seconds: u64,
    },
    #[error("{service}:{operation} in {region}: {code}: {message}")]
    Api {
        service: String,
        operation: String,
        region: String,
        code: String,
        message: String,
    },
    #[error("profile {profile:?} is not in {files} (profiles there: {known})")]
    UnknownProfile {
        profile: String,
        files: String,
        known: String,
    },
    /// A containment's isolation group still lets traffic through.
    #[error("NOT contained: {0}")]
    NotContained(String),
    #[error("no answer within {seconds} s")]
    NoAnswer { seconds: u64 },
    /// An account's role could not be assumed from the base credentials.
    #[error("the account's role cannot be assumed ({why})")]
    RoleNotAssumed { why: String },
    /// Anything else, in words.
    #[error("{0}")]
    Other(String),
}

impl SourceError {
    /// The permission is missing: the operator fixes the role, not the network.
    pub fn is_access_denied(&self) -> bool {
        matches!(self, SourceError::AccessDenied { .. })
    }

    /// A hint for the operator, by kind of failure.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            SourceError::AccessDenied { .. } => {
                Some("attach policies/secdash-readonly.json to the role secdash runs as")
            }
            SourceError::Unreachable { .. } | SourceError::Timeout { .. } => {
                Some("check the network path to AWS, or AWS_ENDPOINT_URL")
            }
            SourceError::Throttled { .. } => Some("the API is busy; the next refresh retries"),
            SourceError::RoleNotAssumed { .. } => Some(
                "create the role in that account with policies/secdash-readonly.json and a trust policy like policies/secdash-member-trust.json",
            ),
            _ => None,
        }
    }
}

impl From<String> for SourceError {
    fn from(message: String) -> Self {
        SourceError::Other(message)
    }
}

impl From<&str> for SourceError {
    fn from(message: &str) -> Self {
        SourceError::Other(message.to_string())
    }
}
