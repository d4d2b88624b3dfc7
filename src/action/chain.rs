//! Which journal entries a restore undoes, from the journal's whole history of a resource: by
//! entry id, that entry; by resource id, every entry still in effect on it, oldest first, so
//! the resource goes back to what it was before the first of them. Pure.

use super::journal::Entry;
use super::plan::Before;

/// Whether the entry changed this resource: its target, or an interface (or the instance of
/// one) it contained.
pub fn touches(e: &Entry, what: &str) -> bool {
    match e.plan.as_ref().map(|p| &p.before) {
        Some(Before::Interfaces { interfaces }) => {
            e.target == what
                || interfaces
                    .iter()
                    .any(|i| i.interface_id == what || i.instance_id.as_deref() == Some(what))
        }
        // A platform resource by its name, or by `notebook/NAME` when names clash.
        Some(Before::Setting { resource, .. }) => {
            resource.name() == what || resource.qualified() == what
        }
        _ => e.target == what,
    }
}

/// The platform resources an entry list names `what` (several: the name is ambiguous).
fn platform_resources(entries: &[&Entry], what: &str) -> Vec<String> {
    let mut found: Vec<String> = entries
        .iter()
        .filter_map(|e| match e.plan.as_ref().map(|p| &p.before) {
            Some(Before::Setting { resource, .. }) if resource.name() == what => {
                Some(resource.qualified())
            }
            _ => None,
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The entries a restore of `what` undoes, oldest first (none when nothing is in effect), or
/// why there are none to look at.
pub fn undo_chain<'a>(entries: &'a [Entry], what: &str) -> Result<Vec<&'a Entry>, String> {
    if let Some(e) = entries.iter().find(|e| e.entry == what) {
        if e.action.is_restore() {
            return Err(format!(
                "entry {what} is itself a restore; restore the original entry ({})",
                e.undoes().join(", ")
            ));
        }
        if super::kinds::spec(e.action).is_some_and(|s| !s.reversible()) {
            return Err(format!(
                "entry {what} ({}) is one-way: nothing can undo it",
                e.action.verb()
            ));
        }
        return Ok(vec![e]);
    }
    let touching: Vec<&Entry> = entries
        .iter()
        .filter(|e| !e.action.is_restore() && touches(e, what))
        .collect();
    if touching.is_empty() {
        return Err(format!(
            "no journal entry or journalled resource {what:?} (see `secdash journal`)"
        ));
    }
    if let [_, _, ..] = platform_resources(&touching, what).as_slice() {
        return Err(format!(
            "{what:?} names several resources in the journal ({}): name one of them",
            platform_resources(&touching, what).join(", ")
        ));
    }
    let in_effect: Vec<&Entry> = touching.into_iter().filter(|e| e.in_effect()).collect();
    // A one-way action (a stopped job) has nothing to give back: it is not undone.
    Ok(in_effect
        .into_iter()
        .filter(|e| super::kinds::spec(e.action).is_none_or(|s| s.reversible()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::journal::EntryStatus;
    use crate::action::kinds::contain::contained_by;
    use crate::action::plan::ActionKind;
    use crate::action::plan::{self, InterfaceBefore};

    fn entry(id: &str, plan: plan::Plan, status: EntryStatus) -> Entry {
        Entry {
            entry: id.into(),
            time: chrono::Utc::now(),
            incident: "INC-1".into(),
            action: plan.action,
            region: "r".into(),
            target: plan.target.clone(),
            status,
            steps_done: plan.steps.len(),
            steps: plan.steps.len(),
            verified: Some(true),
            outcome: None,
            undone_by: None,
            trusted: true,
            plan: Some(plan),
            actor: Default::default(),
        }
    }

    fn contain(target: &str) -> plan::Plan {
        crate::action::kinds::contain::plan(
            target,
            &[InterfaceBefore {
                interface_id: "eni-1".into(),
                vpc_id: "vpc-1".into(),
                groups: vec!["sg-a".into()],
                instance_id: Some("i-1".into()),
            }],
            "INC-1",
            "r",
        )
    }

    #[test]
    fn by_resource_every_entry_still_in_effect_oldest_first() {
        let first = entry("e1", contain("i-1"), EntryStatus::Done);
        let second = entry("e2", contain("eni-1"), EntryStatus::Incomplete);
        let mut undone = entry("e0", contain("eni-1"), EntryStatus::Done);
        undone.undone_by = Some("r0".into());
        let all = vec![undone, first, second];
        let chain: Vec<&str> = undo_chain(&all, "eni-1")
            .unwrap()
            .iter()
            .map(|e| e.entry.as_str())
            .collect();
        assert_eq!(
            chain,
            ["e1", "e2"],
            "the instance's entry touches its interface too"
        );
        assert_eq!(
            contained_by(&all, "eni-1").map(|e| e.entry.as_str()),
            Some("e2")
        );
        assert!(
            undo_chain(&all, "eni-9")
                .unwrap_err()
                .contains("no journal entry")
        );
    }

    #[test]
    fn by_entry_id_that_entry_and_never_a_restore() {
        let e = entry("e1", contain("i-1"), EntryStatus::Done);
        let r = entry(
            "r1",
            crate::action::restore::restore(
                ActionKind::named("restore"),
                "e1",
                e.plan.as_ref().unwrap(),
                &crate::action::restore::Current::Interfaces(vec![]),
            ),
            EntryStatus::Done,
        );
        let all = vec![e, r];
        assert_eq!(undo_chain(&all, "e1").unwrap().len(), 1);
        assert!(
            undo_chain(&all, "r1")
                .unwrap_err()
                .contains("itself a restore")
        );
    }
}
