//! The readers of files a person, a crash or an attacker may have damaged, fuzzed: the config,
//! a theme, the journal and a runbook. Whatever the bytes, a reader answers (a value or an
//! error that names the problem) and never panics; a journal keeps every record that was
//! intact, whatever was done to the lines around it.
//!
//! Inputs start from the corpus in `tests/corpus/` (real files, and damaged ones) and are
//! mutated: cut, spliced, lines dropped, repeated or swapped, bytes flipped. CI runs a bounded
//! number of cases; run longer by hand with `PROPTEST_CASES=100000 cargo test --test fuzz`.
//! A failing case proptest finds is kept in `tests/fuzz.proptest-regressions`: commit it.

use proptest::prelude::*;
use secdash::action::journal::read_text;
use std::path::{Path, PathBuf};

fn corpus(kind: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned())
        .collect();
    assert!(!texts.is_empty(), "the {kind} corpus is empty");
    texts
}

/// One way to damage a text.
#[derive(Debug, Clone)]
enum Damage {
    CutAt(usize),
    DropLine(usize),
    RepeatLine(usize),
    SwapLines(usize, usize),
    Insert(usize, String),
    FlipByte(usize, u8),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<usize>().prop_map(Damage::CutAt),
        any::<usize>().prop_map(Damage::DropLine),
        any::<usize>().prop_map(Damage::RepeatLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Damage::SwapLines(a, b)),
        (any::<usize>(), "\\PC{0,40}|[\\[\\]{}\",:=\\n\\\\]{0,8}")
            .prop_map(|(at, s)| Damage::Insert(at, s)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Damage::FlipByte(at, b)),
    ]
}

fn apply(text: &str, d: &Damage) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let n = lines.len().max(1);
    let at = |i: usize, len: usize| {
        // A char boundary at or before i % (len + 1).
        let mut i = i % (len + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match d {
        Damage::CutAt(i) => text[..at(*i, text.len())].to_string(),
        Damage::DropLine(i) => {
            lines.remove(i % n.min(lines.len()).max(1));
            lines.join("\n")
        }
        Damage::RepeatLine(i) => {
            let l = lines[i % lines.len()];
            lines.insert(i % lines.len(), l);
            lines.join("\n")
        }
        Damage::SwapLines(a, b) => {
            let len = lines.len();
            lines.swap(a % len, b % len);
            lines.join("\n")
        }
        Damage::Insert(i, s) => {
            let i = at(*i, text.len());
            format!("{}{s}{}", &text[..i], &text[i..])
        }
        Damage::FlipByte(i, b) => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let i = i % bytes.len();
                bytes[i] ^= b | 1;
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

/// A corpus text with up to four kinds of damage.
fn damaged(kind: &'static str) -> impl Strategy<Value = String> {
    (
        prop::sample::select(corpus(kind)),
        prop::collection::vec(damage(), 0..4),
    )
        .prop_map(|(text, ds)| ds.iter().fold(text, |t, d| apply(&t, d)))
}

fn config(text: &str) {
    if let Ok(file) = secdash::config::parse_file(text) {
        let _ = secdash::config::resolve(
            &file,
            Some(Path::new("fuzz.toml")),
            &secdash::config::Env::default(),
            &secdash::config::Overrides::default(),
        );
    }
}

fn theme(text: &str) {
    let _ = secdash::theme::from_user_file(text, Path::new("fuzz.toml"));
}

fn runbook(text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = secdash::action::runbook::path(dir.path(), "INC-FUZZ").unwrap();
    secdash::files::write_atomic(&path, text.as_bytes()).unwrap();
    if let Ok(rb) = secdash::action::runbook::load(dir.path(), "INC-FUZZ") {
        let _ = secdash::action::runbook::report_markdown(&rb, &[], &[], chrono::Utc::now());
    }
}

fn journal(text: &str) {
    let read = read_text(text);
    let entries = read.entries();
    let _ = secdash::action::runbook::still_in_effect(&entries);
}

#[test]
fn the_corpus_reads_without_a_panic() {
    corpus("config").iter().for_each(|t| config(t));
    corpus("theme").iter().for_each(|t| theme(t));
    corpus("runbook").iter().for_each(|t| runbook(t));
    corpus("journal").iter().for_each(|t| journal(t));
}

#[test]
fn a_damaged_journal_keeps_what_is_intact_and_names_the_rest() {
    let intact = &corpus("journal")[1];
    let full = read_text(intact);
    assert!(full.damage.is_empty(), "{:?}", full.damage);
    let lines: Vec<&str> = intact.lines().collect();
    // A bad line in the middle: every other record still reads, the bad one is named.
    let mut with_bad = lines.clone();
    with_bad.insert(2, "{\"time\": oops");
    let read = read_text(&with_bad.join("\n"));
    assert_eq!(read.records.len(), full.records.len());
    assert_eq!(read.damage.len(), 1);
    assert_eq!(read.damage[0].line, 3);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_config_reader_never_panics(text in damaged("config")) {
        config(&text);
    }

    #[test]
    fn the_theme_reader_never_panics(text in damaged("theme")) {
        theme(&text);
    }

    #[test]
    fn the_runbook_reader_never_panics(text in damaged("runbook")) {
        runbook(&text);
    }

    #[test]
    fn the_journal_reader_never_panics(text in damaged("journal")) {
        journal(&text);
    }

    #[test]
    fn a_journal_line_that_was_not_touched_still_reads(
        text in prop::sample::select(corpus("journal")),
        junk in "\\PC{0,80}",
        at in any::<usize>(),
    ) {
        // Junk inserted as a line of its own never costs another line its record.
        let lines: Vec<&str> = text.lines().collect();
        let before = read_text(&text).records.len();
        let mut with_junk = lines.clone();
        let at = at % (lines.len() + 1);
        with_junk.insert(at, &junk);
        let after = read_text(&with_junk.join("\n")).records.len();
        prop_assert!(after >= before, "{after} < {before}");
    }
}
