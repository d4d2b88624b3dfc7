//! The status bar's one-line message: the outcome of an action, or why a key did nothing.

use chrono::{DateTime, Utc};

/// A one-line message in the status bar: the outcome of an action, or why a key did nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub text: String,
    /// Something went wrong.
    pub error: bool,
    /// Nothing went wrong, and nothing was done: cancelled, read-only, not here.
    pub refusal: bool,
    pub at: DateTime<Utc>,
}

impl Flash {
    pub fn info(text: impl Into<String>, at: DateTime<Utc>) -> Flash {
        Flash {
            text: text.into(),
            error: false,
            refusal: false,
            at,
        }
    }

    pub fn error(text: impl Into<String>, at: DateTime<Utc>) -> Flash {
        Flash {
            error: true,
            ..Flash::info(text, at)
        }
    }

    pub fn refused(text: impl Into<String>, at: DateTime<Utc>) -> Flash {
        Flash {
            refusal: true,
            ..Flash::info(text, at)
        }
    }

    /// How long it stays in the status bar: errors longer, to be read.
    pub fn shown_until(&self) -> DateTime<Utc> {
        self.at + chrono::Duration::seconds(if self.error { 30 } else { 10 })
    }
}
