//! What an operator asks for: an action of the registry, and its typed target.

use super::kinds::{self, Target};
use super::plan::ActionKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub kind: ActionKind,
    pub target: Target,
}

impl Request {
    pub fn new(kind: ActionKind, target: Target) -> Request {
        Request { kind, target }
    }

    /// The restore of a journal entry, or of every change still in effect on a resource.
    pub fn restore(what: &str) -> Request {
        let (kind, target) = kinds::restore_of(what);
        Request { kind, target }
    }

    /// The request a verb of the registry makes of one id (as a finding's subject names it);
    /// `None` for a verb it does not know.
    pub fn of(verb: &str, id: &str) -> Option<Request> {
        let spec = kinds::by_verb(verb)?;
        Some(Request {
            kind: spec.kind(),
            target: spec.target_of_subject(id),
        })
    }

    /// The verb and id, as a person would type them.
    pub fn words(&self) -> String {
        format!("{} {}", self.kind.verb(), self.target.id())
    }
}
