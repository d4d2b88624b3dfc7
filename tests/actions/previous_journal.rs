//! A journal written by the previous version (before the action registry) restores under this
//! one: every entry is read, and restoring them newest first puts the demo's rehearsal world
//! back as it was. The rehearsal stands in for AWS here because its ids are the same from run
//! to run, which a journal of fixed ids needs (moto's are random).

use secdash::action::journal::{Actor, Journal};
use secdash::action::kinds::{GroupId, RuleId, Target};
use secdash::action::rehearsal::Rehearsal;
use secdash::action::{Executor, Request};
use secdash::source::demo::{SharedWorld, World};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const ISOLATED: &str = "sg-0b1d2f3a4c5e6a705";
const REVOKED_IN: &str = "sg-0b1d2f3a4c5e6a704";
const INSTANCE: &str = "i-0d3e4f5a6b7c80645";
const KEY: &str = "AKIA4EXAMPLEDEVOPS01";
const USER: &str = "devops-ci";
const ROLE: &str = "studyai-dev-ec2-role";

fn executor(dir: &Path, world: &SharedWorld, incident: &str) -> Executor {
    Executor::new(
        false,
        Journal::in_dir(dir),
        Actor::default(),
        incident.into(),
        Box::new(Rehearsal::new(world.clone())),
    )
    // revoke-sessions' policy must stay until the sessions it cut have expired: forced here.
    .force(true)
}

fn run(e: &Executor, request: &Request) -> secdash::action::Outcome {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let plan = e
            .plan(request)
            .await
            .unwrap_or_else(|e| panic!("{request:?}: {e}"));
        e.execute(&plan)
            .await
            .unwrap_or_else(|e| panic!("{request:?}: {e}"))
    })
}

/// What the journal's actions touch, as words to compare (rule ids change on a restore).
fn touched(world: &SharedWorld) -> Vec<String> {
    let w = world.lock();
    let mut out = Vec::new();
    for group in [ISOLATED, REVOKED_IN] {
        let mut rules: Vec<String> = w
            .read_group(group)
            .unwrap()
            .1
            .iter()
            .map(|r| format!("{group} {:?}", r.grant()))
            .collect();
        rules.sort();
        out.extend(rules);
    }
    for i in w.interfaces(INSTANCE) {
        out.push(format!("{} {:?}", i.id(), i.groups));
    }
    let finding = format!("{:032x}", 0x5ec0_da5a_0000_0000_u128);
    out.push(format!("archived {:?}", w.finding(&finding).map(|f| f.1)));
    out.push(format!(
        "{KEY} {:?}",
        w.iam.access_key(KEY).map(|k| k.status)
    ));
    let user = secdash::model::Principal::User(USER.into());
    let role = secdash::model::Principal::Role(ROLE.into());
    out.push(format!(
        "deny {:?}",
        w.iam.inline_policy(&user, "secdash-deny-all-INC-PREVIOUS")
    ));
    out.push(format!(
        "sessions {:?}",
        w.iam
            .inline_policy(&role, "AWSRevokeOlderSessions")
            .is_some()
    ));
    out
}

#[test]
fn a_journal_of_the_previous_version_restores() {
    let world = SharedWorld::new(World::new(1, 1));
    let before = touched(&world);

    // The world as the previous version left it: the same actions, in the same order (the
    // rehearsal's ids are counted, so they come out the same), journalled elsewhere.
    let scratch = tempfile::tempdir().unwrap();
    let again = executor(scratch.path(), &world, "INC-PREVIOUS");
    let rule = world.lock().read_group(REVOKED_IN).unwrap().1[0]
        .id
        .clone()
        .unwrap()
        .to_string();
    let finding = format!("{:032x}", 0x5ec0_da5a_0000_0000_u128);
    let revoke = Request::new(
        secdash::action::kinds::by_verb("revoke").unwrap().kind(),
        Target::Rule(GroupId::new(REVOKED_IN), RuleId::new(rule)),
    );
    for request in [
        Request::of("isolate", ISOLATED).unwrap(),
        Request::of("contain", INSTANCE).unwrap(),
        revoke,
        Request::of("archive", &finding).unwrap(),
        Request::of("disable-key", KEY).unwrap(),
        Request::of("deny-user", USER).unwrap(),
        Request::of("revoke-sessions", ROLE).unwrap(),
        Request::of("unarchive", &finding).unwrap(),
    ] {
        assert!(run(&again, &request).verified, "{request:?}");
    }
    assert_ne!(touched(&world), before);

    // The previous version's journal, as it wrote it.
    let state = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/previous-journal");
    for file in ["journal.jsonl", "journal.head"] {
        let copy = state.path().join(file);
        std::fs::copy(corpus.join(file), &copy).unwrap();
        // The previous version wrote its journal owner-only; git keeps no such mode, and a
        // clone's umask may leave the copy readable by others, which the journal refuses.
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let journal = Journal::in_dir(state.path()).read().unwrap();
    assert!(journal.damage.is_empty(), "{:?}", journal.damage);
    let entries = journal.entries();
    let verbs: Vec<&str> = entries.iter().map(|e| e.action.verb()).collect();
    assert_eq!(
        verbs,
        [
            "isolate",
            "contain",
            "revoke",
            "archive",
            "disable-key",
            "deny-user",
            "revoke-sessions",
            "unarchive"
        ]
    );

    let now = executor(state.path(), &world, "INC-NOW");
    for entry in entries.iter().rev() {
        let done = run(&now, &Request::restore(&entry.entry));
        assert!(
            done.verified,
            "restore of {}: {}",
            entry.action.verb(),
            done.message
        );
    }
    assert_eq!(touched(&world), before, "the world is back as it was");
}
