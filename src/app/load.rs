//! A pane's data in each of its states. A failed fetch is data too: it keeps the last good
//! result and its age, so the pane can show both, and why it failed.

use crate::model::SourceError;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct Stamped<T> {
    pub data: T,
    pub at: DateTime<Utc>,
    /// Partial failures (a region, a sub-call) that did not fail the pane.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Load<T> {
    #[default]
    NotLoaded,
    Loading {
        last: Option<Stamped<T>>,
    },
    Ready(Stamped<T>),
    Failed {
        error: SourceError,
        /// The error in words, as the screen and the reports show it.
        message: String,
        at: DateTime<Utc>,
        last: Option<Stamped<T>>,
    },
}

impl<T> Load<T> {
    pub fn last(&self) -> Option<&Stamped<T>> {
        match self {
            Load::NotLoaded => None,
            Load::Loading { last } | Load::Failed { last, .. } => last.as_ref(),
            Load::Ready(s) => Some(s),
        }
    }

    pub fn data(&self) -> Option<&T> {
        self.last().map(|s| &s.data)
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading { .. })
    }

    pub fn error(&self) -> Option<&str> {
        match self {
            Load::Failed { message, .. } => Some(message),
            _ => None,
        }
    }

    /// Why it failed, to tell a denied permission from an unreachable endpoint.
    pub fn failure(&self) -> Option<&SourceError> {
        match self {
            Load::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    fn take_last(&mut self) -> Option<Stamped<T>> {
        match std::mem::take(self) {
            Load::NotLoaded => None,
            Load::Loading { last } | Load::Failed { last, .. } => last,
            Load::Ready(s) => Some(s),
        }
    }

    /// The first rows of a fetch still under way, shown only when there is nothing to show yet
    /// (a refresh keeps the last complete data rather than show a part). Stays loading.
    pub fn first_rows(&mut self, data: T, at: DateTime<Utc>, warnings: Vec<String>) -> bool {
        match self {
            Load::Loading { last } if last.as_ref().is_none_or(|l| l.warnings == warnings) => {
                *last = Some(Stamped { data, at, warnings });
                true
            }
            _ => false,
        }
    }

    pub fn start(&mut self) {
        let last = self.take_last();
        *self = Load::Loading { last };
    }

    pub fn succeed(&mut self, data: T, at: DateTime<Utc>, warnings: Vec<String>) {
        *self = Load::Ready(Stamped { data, at, warnings });
    }

    pub fn fail(&mut self, error: SourceError, at: DateTime<Utc>) {
        let last = self.take_last();
        let message = error.to_string();
        *self = Load::Failed {
            error,
            message,
            at,
            last,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn failure_keeps_the_last_good_data() {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut l: Load<u32> = Load::NotLoaded;
        l.start();
        assert!(l.is_loading());
        assert_eq!(l.data(), None);
        l.succeed(7, t, vec![]);
        l.start();
        assert_eq!(l.data(), Some(&7));
        l.fail("boom".into(), t);
        assert_eq!(l.data(), Some(&7));
        assert_eq!(l.error(), Some("boom"));
        assert_eq!(l.last().map(|s| s.at), Some(t));
    }
}
