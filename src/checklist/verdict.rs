//! How an item's observations become its verdict: failures first, then what could not be read,
//! then warnings, then passes; and how long lists of resources are named.

use super::posture::{Observed, Posture};
use crate::model::CheckStatus;

/// How many resources an evidence line names before it says "+N more".
const NAMED: usize = 4;

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: CheckStatus,
    pub evidence: String,
}

impl Verdict {
    pub(super) fn new(status: CheckStatus, evidence: impl Into<String>) -> Verdict {
        Verdict {
            status,
            evidence: evidence.into(),
        }
    }
}

/// What one item saw, sorted by how much it matters, turned into a verdict at the end.
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub(super) fails: Vec<String>,
    pub(super) warns: Vec<String>,
    pub(super) passes: Vec<String>,
    /// Why parts could not be read.
    pub(super) gaps: Vec<String>,
}

impl Tally {
    pub(super) fn fail(&mut self, s: impl Into<String>) {
        self.fails.push(s.into());
    }
    pub(super) fn warn(&mut self, s: impl Into<String>) {
        self.warns.push(s.into());
    }
    pub(super) fn pass(&mut self, s: impl Into<String>) {
        self.passes.push(s.into());
    }
    pub(super) fn gap(&mut self, why: &str) {
        if !self.gaps.iter().any(|g| g == why) {
            self.gaps.push(why.to_string());
        }
    }

    /// Reads one part of the posture, noting why when it could not be read.
    pub(super) fn read<'a, T>(&mut self, part: &'a Observed<T>) -> Option<&'a T> {
        match part {
            Ok(v) => Some(v),
            Err(why) => {
                self.gap(why);
                None
            }
        }
    }

    /// `empty` is the evidence when nothing was seen at all (no resources to check).
    pub(super) fn verdict(self, empty: &str) -> Verdict {
        let gaps = || format!("could not read: {}", self.gaps.join("; "));
        if !self.fails.is_empty() {
            let mut e = list(&self.fails);
            if !self.warns.is_empty() {
                e = format!("{e}; also: {}", list(&self.warns));
            }
            if !self.gaps.is_empty() {
                e = format!("{e}; {}", gaps());
            }
            return Verdict::new(CheckStatus::Fail, e);
        }
        if !self.gaps.is_empty() {
            let mut e = gaps();
            if !self.warns.is_empty() {
                e = format!("{e}; seen: {}", list(&self.warns));
            }
            return Verdict::new(CheckStatus::Unknown, e);
        }
        if !self.warns.is_empty() {
            return Verdict::new(CheckStatus::Warn, list(&self.warns));
        }
        if self.passes.is_empty() {
            return Verdict::new(CheckStatus::Pass, empty);
        }
        Verdict::new(CheckStatus::Pass, list(&self.passes))
    }
}

/// `a; b; c; d; +2 more`
pub(super) fn list(items: &[String]) -> String {
    let mut out = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > NAMED {
        out.push_str(&format!("; +{} more", items.len() - NAMED));
    }
    out
}

/// `a, b, c, d +2 more`
pub(super) fn names<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = items
        .iter()
        .take(NAMED)
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > NAMED {
        out.push_str(&format!(" +{} more", items.len() - NAMED));
    }
    out
}

pub(super) fn region_names(p: &Posture) -> String {
    p.regions
        .iter()
        .map(|r| r.region.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_capped() {
        let many: Vec<String> = (0..7).map(|i| format!("r{i}")).collect();
        assert_eq!(list(&many), "r0; r1; r2; r3; +3 more");
        assert_eq!(names(&many), "r0, r1, r2, r3 +3 more");
    }
}
