//! What is drawn over the panes, and where each one is scrolled to.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Detail {
        scroll: usize,
    },
    Incident {
        selected: usize,
    },
    /// A finding's (or the incident's) subjects: `AppState::subjects`.
    Subjects,
    /// A CloudTrail timeline: `AppState::timeline`.
    Timeline,
    /// The checklist by account.
    Matrix {
        scroll: usize,
    },
}
