use super::*;
use crate::action::plan::{self, Before};
use std::io::Write;

fn rec(entry: &str, event: Event, p: Option<Plan>) -> Record {
    Record {
        time: Utc::now(),
        version: "test".into(),
        entry: entry.into(),
        event,
        incident: "INC-1".into(),
        action: ActionKind::named("isolate"),
        region: "r".into(),
        target: "sg-1".into(),
        actor: Actor::default(),
        plan: p,
        step: None,
        outcome: None,
        matches: None,
        by: None,
    }
}

fn journal() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let j = Journal::in_dir(&dir.path().join("state"));
    (dir, j)
}

fn append(j: &Journal, r: &Record) {
    let lock = j.lock().unwrap();
    j.append(r, &lock).unwrap();
}

fn raw(j: &Journal, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(j.path())
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn appends_and_reads_back_with_owner_only_permissions() {
    let (_d, j) = journal();
    let p = crate::action::kinds::isolate::plan("sg-1", None, &[], "r");
    append(&j, &rec("e1", Event::Planned, Some(p.clone())));
    append(&j, &rec("e1", Event::Finished, None));
    let back = j.read().unwrap();
    assert_eq!(back.records.len(), 2);
    assert!(back.damage.is_empty(), "{:?}", back.damage);
    assert_eq!(back.records[0].plan.as_ref(), Some(&p));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(j.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_torn_last_line_is_skipped_and_the_next_record_starts_its_own_line() {
    let (_d, j) = journal();
    append(&j, &rec("e1", Event::Planned, None));
    raw(&j, "{\"time\":\"2026-");
    let read = j.read().unwrap();
    assert_eq!(read.records.len(), 1);
    assert!(read.damage[0].torn && !read.damage[0].blocks());
    append(&j, &rec("e2", Event::Planned, None));
    let read = j.read().unwrap();
    assert_eq!(read.records.len(), 2, "nothing glued to the torn line");
    assert!(read.blocking().is_empty(), "{:?}", read.damage);
    // Line 1 is the journal's header.
    assert_eq!(read.damage[0].line, 3);
}

#[test]
fn a_bad_line_is_named_and_blocks_until_acknowledged_while_the_rest_reads() {
    let (_d, j) = journal();
    append(&j, &rec("e1", Event::Planned, None));
    raw(&j, "not json at all\n");
    append(&j, &rec("e2", Event::Planned, None));
    let read = j.read().unwrap();
    assert_eq!(read.records.len(), 2);
    let blocking = read.blocking();
    assert_eq!(blocking.len(), 1);
    // Line 1 is the journal's header.
    assert_eq!(blocking[0].line, 3);
    assert!(
        blocking[0].problem.contains("cannot be read"),
        "{blocking:?}"
    );
    let lock = j.lock().unwrap();
    j.acknowledge(vec![3], Utc::now(), &lock).unwrap();
    drop(lock);
    assert!(j.read().unwrap().blocking().is_empty());
}

#[test]
fn records_a_newer_secdash_wrote_are_tolerated() {
    let text = "{\"time\":\"2026-11-23T10:00:00Z\",\"version\":\"9\",\"entry\":\"x\",\"event\":\"teleported\",\"incident\":\"I\",\"action\":\"isolate\",\"region\":\"r\",\"target\":\"sg\",\"new_field\":1}\n";
    let read = read_text(text);
    assert!(read.damage.is_empty(), "{:?}", read.damage);
    assert_eq!(read.records[0].event, Event::Unknown);
    assert!(
        read.entries().is_empty(),
        "an unknown record makes no entry"
    );
}

#[test]
fn an_altered_or_inserted_record_makes_its_entry_untrusted() {
    let (_d, j) = journal();
    append(&j, &rec("e1", Event::Planned, None));
    append(&j, &rec("e2", Event::Planned, None));
    // Altered: e1's target changed by hand.
    let text = std::fs::read_to_string(j.path()).unwrap();
    let altered = text.replacen("\"target\":\"sg-1\"", "\"target\":\"sg-9\"", 1);
    let read = read_text(&altered);
    assert!(read.untrusted.contains("e1"), "{:?}", read.untrusted);
    assert!(!read.untrusted.contains("e2"));
    // Inserted: a record without its place in the chain.
    let forged = serde_json::to_string(&rec("forged", Event::Planned, None)).unwrap();
    let read = read_text(&format!("{text}{forged}\n"));
    assert!(read.untrusted.contains("forged"));
    let e = read.entries();
    assert!(!e.iter().find(|e| e.entry == "forged").unwrap().trusted);
    assert!(e.iter().find(|e| e.entry == "e1").unwrap().trusted);
}

#[test]
fn entries_tell_done_failed_incomplete_and_undone_apart() {
    let p = crate::action::kinds::isolate::plan("sg-1", None, &[], "r");
    let mut p1 = p.clone();
    p1.steps = vec![plan::Step::Untag {
        resource_id: "x".into(),
        key: "k".into(),
    }];
    let mut restore = rec(
        "r",
        Event::Planned,
        Some(plan::Plan {
            action: ActionKind::named("restore"),
            before: Before::Entries {
                entries: vec!["a".into()],
            },
            ..p1.clone()
        }),
    );
    restore.action = ActionKind::named("restore");
    let mut verified = rec("r", Event::Verified, None);
    verified.action = ActionKind::named("restore");
    verified.matches = Some(true);
    let mut finished = rec("r", Event::Finished, None);
    finished.action = ActionKind::named("restore");
    let mut resolved = rec("b", Event::Resolved, None);
    resolved.by = Some("r2".into());
    let records = vec![
        rec("a", Event::Planned, Some(p1.clone())),
        rec("a", Event::StepDone, None),
        rec("a", Event::Finished, None),
        rec("b", Event::Planned, Some(p1.clone())),
        rec("c", Event::Planned, Some(p)),
        rec("c", Event::StepFailed, None),
        rec("c", Event::Finished, None),
        restore,
        verified,
        finished,
        resolved,
    ];
    let e = entries(&records);
    let status: Vec<EntryStatus> = e.iter().map(|e| e.status).collect();
    assert_eq!(
        status,
        [
            EntryStatus::Done,
            EntryStatus::Incomplete,
            EntryStatus::Failed,
            EntryStatus::Done
        ]
    );
    assert_eq!(e[0].steps_done, 1);
    assert_eq!(
        e[0].undone_by.as_deref(),
        Some("r"),
        "undone by a verified restore"
    );
    assert!(!e[0].in_effect());
    assert_eq!(e[1].undone_by.as_deref(), Some("r2"), "resolved");
    assert!(!e[1].unfinished(), "resolved: no longer flagged");
    assert!(!e[2].in_effect(), "failed before any step of a 0-step plan");
}

#[test]
fn entry_ids_sort_by_time() {
    let a = new_entry_id(chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 1, 0, 0, 0).unwrap());
    let b = new_entry_id(chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 2, 0, 0, 0).unwrap());
    assert!(a < b);
    assert!(a.starts_with("20260101T000000-"));
}

/// Issue #26: a forged isolate prepended to the journal was restored, a deleted last entry went
/// unnoticed.
#[test]
fn a_line_prepended_above_the_chain_is_altered() {
    let (_d, j) = journal();
    append(&j, &rec("e1", Event::Planned, None));
    let text = std::fs::read_to_string(j.path()).unwrap();
    let forged = serde_json::to_string(&rec("forged", Event::Planned, None)).unwrap();
    std::fs::write(j.path(), format!("{forged}\n{text}")).unwrap();
    let read = j.read().unwrap();
    assert!(read.untrusted.contains("forged"), "{:?}", read.damage);
    assert!(!read.blocking().is_empty());
}

#[test]
fn the_first_write_seals_the_lines_before_it_and_a_change_to_them_shows() {
    let (_d, j) = journal();
    // A journal of the previous version: chained from nothing, no header.
    let old = rec("old", Event::Planned, None);
    let line = serde_json::to_string(&old).unwrap();
    let value = chain(None, &line);
    let mut text = String::new();
    push_chained(&mut text, &line, &value);
    files::private_dir(j.path().parent().unwrap()).unwrap();
    files::write_atomic(j.path(), text.as_bytes()).unwrap();
    assert!(
        j.read().unwrap().damage.is_empty(),
        "an old journal reads as it is"
    );
    append(&j, &rec("new", Event::Planned, None));
    let sealed = std::fs::read_to_string(j.path()).unwrap();
    let header = sealed.lines().nth(1).unwrap();
    assert!(
        header.contains("\"sealed_lines\":1") && header.contains("\"nonce\""),
        "{header}"
    );
    assert!(
        j.read().unwrap().damage.is_empty(),
        "{:?}",
        j.read().unwrap().damage
    );
    // The sealed line changed, and chained again as if it were genuine: the seal breaks.
    let forged_line = serde_json::to_string(&Record {
        target: "sg-9".into(),
        ..old.clone()
    })
    .unwrap();
    let mut forged = String::new();
    push_chained(&mut forged, &forged_line, &chain(None, &forged_line));
    let rest: String = sealed.lines().skip(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(j.path(), format!("{forged}{rest}")).unwrap();
    let read = j.read().unwrap();
    assert!(read.untrusted.contains("old"), "{:?}", read.damage);
}

#[test]
fn records_removed_from_the_end_are_damage_until_acknowledged() {
    let (_d, j) = journal();
    append(&j, &rec("e1", Event::Planned, None));
    append(&j, &rec("e2", Event::Planned, None));
    append(&j, &rec("e2", Event::Finished, None));
    let text = std::fs::read_to_string(j.path()).unwrap();
    let cut: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(j.path(), cut).unwrap();
    let read = j.read().unwrap();
    let blocking = read.blocking();
    assert_eq!(blocking.len(), 1, "{:?}", read.damage);
    assert!(blocking[0].problem.contains("removed"), "{blocking:?}");
    // A restore appends: the removal still shows.
    append(&j, &rec("r1", Event::Planned, None));
    assert_eq!(j.read().unwrap().blocking().len(), 1);
    let lock = j.lock().unwrap();
    let lines = j
        .read()
        .unwrap()
        .blocking()
        .iter()
        .map(|d| d.line)
        .collect();
    j.acknowledge(lines, Utc::now(), &lock).unwrap();
    drop(lock);
    assert!(
        j.read().unwrap().blocking().is_empty(),
        "{:?}",
        j.read().unwrap().damage
    );
}

#[test]
fn a_head_one_record_behind_is_a_crash_not_a_removal() {
    let (_d, j) = journal();
    append(&j, &rec("e1", Event::Planned, None));
    let head = std::fs::read(j.head_path()).unwrap();
    append(&j, &rec("e1", Event::Finished, None));
    // The crash fell between the record's sync and the head's write.
    std::fs::write(j.head_path(), &head).unwrap();
    assert!(
        j.read().unwrap().damage.is_empty(),
        "{:?}",
        j.read().unwrap().damage
    );
    // A record appended by hand after it, with its chain recomputed, is not secdash's.
    let read = j.read().unwrap();
    let forged = serde_json::to_string(&rec("forged", Event::Planned, None)).unwrap();
    let mut line = String::new();
    push_chained(
        &mut line,
        &forged,
        &chain(read.last_chain.as_deref(), &forged),
    );
    raw(&j, &line);
    let read = j.read().unwrap();
    assert!(read.untrusted.contains("forged"), "{:?}", read.damage);
}
