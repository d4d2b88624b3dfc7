//! How an item's observations become its verdict: failures first, then what could not be read,
//! then warnings, then passes; and how long lists of resources are named.

use super::posture::{Observed, Posture};
use crate::model::CheckStatus;

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: CheckStatus,
    /// Every statement of what was seen, the most important first.
    pub evidence: Vec<String>,
}

impl Verdict {
    pub(super) fn new(status: CheckStatus, evidence: impl Into<String>) -> Verdict {
        Verdict {
            status,
            evidence: vec![evidence.into()],
        }
    }

    fn of(status: CheckStatus, mut evidence: Vec<String>) -> Verdict {
        // Grown one statement at a time: 25,000 open rules left room for as many again.
        evidence.shrink_to_fit();
        Verdict { status, evidence }
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
        self.fails.push(statement(s));
    }
    pub(super) fn warn(&mut self, s: impl Into<String>) {
        self.warns.push(statement(s));
    }
    pub(super) fn pass(&mut self, s: impl Into<String>) {
        self.passes.push(statement(s));
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
    /// Every statement, failures first; `empty` when nothing was seen at all.
    pub(super) fn verdict(self, empty: &str) -> Verdict {
        let gaps = self.gaps.iter().map(|g| format!("could not read: {g}"));
        if !self.fails.is_empty() {
            let mut e = self.fails;
            e.extend(self.warns.iter().map(|w| format!("also: {w}")));
            e.extend(gaps);
            return Verdict::of(CheckStatus::Fail, e);
        }
        if !self.gaps.is_empty() {
            let mut e: Vec<String> = gaps.collect();
            e.extend(self.warns.iter().map(|w| format!("seen: {w}")));
            return Verdict::of(CheckStatus::Unknown, e);
        }
        if !self.warns.is_empty() {
            return Verdict::of(CheckStatus::Warn, self.warns);
        }
        if self.passes.is_empty() {
            return Verdict::new(CheckStatus::Pass, empty);
        }
        Verdict::of(CheckStatus::Pass, self.passes)
    }
}

/// A statement as it is kept: `format!` leaves up to as much room again as it wrote, and an
/// item over 40,000 groups keeps tens of thousands of statements.
fn statement(s: impl Into<String>) -> String {
    let mut s = s.into();
    s.shrink_to_fit();
    s
}

/// `a, b, c`: every name (the screen cuts the line; the JSON keeps it whole).
pub(super) fn names<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(", ")
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
    fn every_statement_is_kept_failures_first() {
        let mut t = Tally::default();
        for i in 0..7 {
            t.fail(format!("r{i} open"));
        }
        t.warn("w loose");
        t.gap("ec2:DescribeVpcs denied");
        let v = t.verdict("nothing");
        assert_eq!(v.status, CheckStatus::Fail);
        assert_eq!(v.evidence.len(), 9);
        assert_eq!(v.evidence[7], "also: w loose");
        assert_eq!(v.evidence[8], "could not read: ec2:DescribeVpcs denied");
        let many: Vec<String> = (0..7).map(|i| format!("r{i}")).collect();
        assert_eq!(names(&many), "r0, r1, r2, r3, r4, r5, r6");
    }
}
