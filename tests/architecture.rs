//! The shape of the code, checked: layers that only point down (no import cycle between the
//! top-level modules of `src/`), no source file over 600 lines of non-test code, at most six
//! four-way `match PaneId` blocks (a pane is a registry entry, not arms in ten files), and at
//! most ten `.rs` files at the top of `src/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text with string and char literals and comments blanked out (newlines kept), so braces
/// and paths inside them do not count.
fn code_only(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            let end = s[i..].find('\n').map_or(b.len(), |n| i + n);
            blank(&mut out, i, end);
            i = end;
        } else if b[i..].starts_with(b"/*") {
            let end = s[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'r' && (b[i + 1..].starts_with(b"\"") || b[i + 1..].starts_with(b"#")) {
            let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
            if b.get(i + 1 + hashes) != Some(&b'"') {
                i += 1;
                continue;
            }
            let close = format!("\"{}", "#".repeat(hashes));
            let start = i + 2 + hashes;
            let end = s[start..]
                .find(&close)
                .map_or(b.len(), |n| start + n + close.len());
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '\u{1f}'), not a lifetime ('a).
            let rest = &s[i + 1..];
            let len = if rest.starts_with('\\') {
                rest.find('\'').map(|n| n + 2)
            } else {
                rest.chars()
                    .next()
                    .filter(|c| rest[c.len_utf8()..].starts_with('\''))
                    .map(|c| c.len_utf8() + 2)
            };
            match len {
                Some(n) => {
                    blank(&mut out, i, i + n);
                    i += n;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The index just past the brace that closes the one opened before `from`.
fn block_end(code: &str, from: usize) -> usize {
    let mut depth = 1;
    for (i, c) in code[from..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return from + i + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// The code without its `#[cfg(test)] mod x { ... }` blocks.
fn without_tests(code: &str) -> String {
    let mut out = code.to_string();
    while let Some(at) = out.find("#[cfg(test)]") {
        let rest = &out[at..];
        let Some(open) = rest.find('{').filter(|o| {
            let head = &rest[..*o];
            head.contains("mod ") && !head.contains(';')
        }) else {
            out.replace_range(at..at + "#[cfg(test)]".len(), "");
            continue;
        };
        let end = block_end(&out, at + open + 1);
        out.replace_range(at..end, "");
    }
    out
}

/// Files compiled only for tests: `#[cfg(test)] mod name;` declarations.
fn test_only_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("#[cfg(test)]") {
            rest = &rest[at + "#[cfg(test)]".len()..];
            let decl = rest.trim_start();
            let Some(name) = decl.strip_prefix("mod ").and_then(|d| d.split(';').next()) else {
                continue;
            };
            if name.contains('{') {
                continue;
            }
            let dir = f.parent().unwrap();
            let stem = f.file_stem().unwrap().to_str().unwrap();
            let base = if ["mod", "lib", "main"].contains(&stem) {
                dir.to_path_buf()
            } else {
                dir.join(stem)
            };
            out.insert(base.join(format!("{}.rs", name.trim())));
        }
        // Modules for tests and benchmarks only (`test-support`): not in a release build.
        let mut rest = text.as_str();
        while let Some(at) = rest.find("#[cfg(any(test, feature = \"test-support\"))]") {
            rest = &rest[at + 1..];
            let Some(decl) = rest.lines().find(|l| l.contains("mod ")) else {
                continue;
            };
            let Some(name) = decl
                .trim()
                .trim_start_matches("pub ")
                .strip_prefix("mod ")
                .and_then(|d| d.split(';').next())
            else {
                continue;
            };
            if name.contains('{') {
                continue;
            }
            let dir = f.parent().unwrap();
            let stem = f.file_stem().unwrap().to_str().unwrap();
            let base = if ["mod", "lib", "main"].contains(&stem) {
                dir.to_path_buf()
            } else {
                dir.join(stem)
            };
            out.insert(base.join(format!("{}.rs", name.trim())));
        }
    }
    out
}

struct Tree {
    /// Each file's non-test code, by its path under `src/`.
    code: BTreeMap<String, String>,
}

fn tree() -> Tree {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let tests = test_only_files(&files);
    let code = files
        .iter()
        .filter(|f| !tests.contains(*f))
        .map(|f| {
            let rel = f
                .strip_prefix(src())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(f).unwrap();
            (rel, without_tests(&code_only(&text)))
        })
        .collect();
    Tree { code }
}

fn top_module(rel: &str) -> &str {
    rel.split('/').next().unwrap().trim_end_matches(".rs")
}

#[test]
fn layers_only_point_down() {
    let t = tree();
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, code) in &t.code {
        if rel == "main.rs" {
            continue;
        }
        let from = top_module(rel).to_string();
        for (at, _) in code.match_indices("crate::") {
            let to: String = code[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !to.is_empty() && to != from {
                uses.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            for n in uses.get(&m).into_iter().flatten() {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone()) {
                    stack.push(n.clone());
                }
            }
        }
        false
    };
    let cycles: Vec<String> = uses
        .iter()
        .flat_map(|(a, tos)| tos.iter().map(move |b| (a, b)))
        .filter(|(a, b)| reaches(b, a))
        .map(|(a, b)| format!("{a} -> {b}"))
        .collect();
    assert!(
        cycles.is_empty(),
        "modules that import each other (a cycle): {cycles:?}\nall edges: {uses:#?}"
    );
}

#[test]
fn no_source_file_is_over_six_hundred_lines() {
    let long: Vec<(String, usize)> = tree()
        .code
        .into_iter()
        .map(|(rel, code)| (rel, code.lines().count()))
        .filter(|(_, n)| *n > 600)
        .collect();
    assert!(
        long.is_empty(),
        "files over 600 lines of non-test code: {long:?}"
    );
}

#[test]
fn a_pane_is_a_registry_entry_not_arms_everywhere() {
    let variants = ["Endpoints", "SecurityGroups", "Findings", "Checklist"];
    let mut blocks = Vec::new();
    for (rel, code) in tree().code {
        for (at, _) in code.match_indices("match ") {
            let Some(open) = code[at..]
                .find(['{', ';'])
                .filter(|o| code[at + o..].starts_with('{'))
            else {
                continue;
            };
            let start = at + open + 1;
            let body = &code[start..block_end(&code, start)];
            let arm = |v: &str| {
                let pat = format!("PaneId::{v}");
                body.match_indices(&pat).any(|(i, _)| {
                    let after = body[i + pat.len()..].trim_start();
                    after.starts_with("=>") || after.starts_with('|')
                })
            };
            if variants.iter().all(|v| arm(v)) {
                blocks.push(rel.clone());
            }
        }
    }
    assert!(
        blocks.len() <= 6,
        "{} four-way `match PaneId` blocks (at most 6): {blocks:?}",
        blocks.len()
    );
}

#[test]
fn the_top_of_src_shows_the_architecture() {
    let top: Vec<String> = std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        top.len() <= 10,
        "{} files at the top of src/: {top:?}",
        top.len()
    );
}

/// Each non-test file's code as the precisions of issue #27 read it: its text before its
/// first `#[cfg(test)]`, `tests.rs` files left out.
fn non_test_code() -> BTreeMap<String, String> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n != "tests.rs"))
        .map(|f| {
            let rel = f
                .strip_prefix(src())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(f).unwrap();
            let code = code_only(&text);
            let before = code
                .find("#[cfg(test)]")
                .map_or(&code[..], |at| &code[..at]);
            (rel, before.to_string())
        })
        .collect()
}

#[test]
fn no_function_is_over_a_hundred_and_twenty_lines() {
    let mut long = Vec::new();
    for (rel, code) in non_test_code() {
        // The demo's scenario and the checklist's test worlds are data tables.
        if rel.starts_with("source/demo/") || rel.ends_with("testkit.rs") {
            continue;
        }
        let mut from = 0;
        while let Some(at) = code[from..].find("fn ") {
            let start = from + at;
            from = start + 3;
            let word_start = start == 0 || !code.as_bytes()[start - 1].is_ascii_alphanumeric();
            if !word_start {
                continue;
            }
            // A declaration without a body (a trait's required method) ends at `;`.
            let Some(open) = code[start..].find(['{', ';']) else {
                continue;
            };
            if code.as_bytes()[start + open] == b';' {
                continue;
            }
            let end = block_end(&code, start + open + 1);
            let lines = code[start..end].lines().count();
            if lines > 120 {
                let name: String = code[start + 3..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                long.push(format!("{rel}: {name} ({lines} lines)"));
            }
        }
    }
    assert!(long.is_empty(), "functions over 120 lines: {long:#?}");
}

#[test]
fn no_import_cycle_between_the_files_of_one_folder() {
    let code = non_test_code();
    // Each folder's entries: its files (by stem) and its sub-folders.
    let entry = |rel: &str| -> (String, String) {
        let parts: Vec<&str> = rel.split('/').collect();
        let folder = parts[..parts.len() - 1].join("/");
        let first = parts.last().unwrap().trim_end_matches(".rs").to_string();
        (folder, first)
    };
    let mut edges: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for (rel, text) in &code {
        let (folder, me) = entry(rel);
        if me == "mod" || me == "lib" || me == "main" {
            continue;
        }
        let prefix = if folder.is_empty() {
            "crate::".to_string()
        } else {
            format!("crate::{}::", folder.replace('/', "::"))
        };
        let sibling_prefix = "super::";
        for (at, _) in text.match_indices(&prefix) {
            let to: String = text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !to.is_empty() && to != me {
                edges
                    .entry(folder.clone())
                    .or_default()
                    .insert((me.clone(), to));
            }
        }
        for (at, _) in text.match_indices(sibling_prefix) {
            let to: String = text[at + sibling_prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            let is_entry = code.keys().any(|k| {
                let (f, e) = entry(k);
                f == folder && e == to
            }) || code
                .keys()
                .any(|k| k.starts_with(&format!("{folder}/{to}/")));
            if is_entry && to != me {
                edges
                    .entry(folder.clone())
                    .or_default()
                    .insert((me.clone(), to));
            }
        }
    }
    let mut cycles = Vec::new();
    for (folder, es) in &edges {
        let reaches = |from: &str, to: &str| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.to_string()];
            while let Some(m) = stack.pop() {
                for (a, b) in es {
                    if *a == m {
                        if b == to {
                            return true;
                        }
                        if seen.insert(b.clone()) {
                            stack.push(b.clone());
                        }
                    }
                }
            }
            false
        };
        for (a, b) in es {
            if reaches(b, a) {
                cycles.push(format!("{folder}: {a} -> {b}"));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "files of one folder that import each other: {cycles:#?}"
    );
}

#[test]
fn an_action_kind_is_named_in_few_files() {
    let naming: Vec<String> = non_test_code()
        .into_iter()
        .filter(|(_, code)| code.contains("ActionKind::"))
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        naming.len() <= 3,
        "ActionKind:: in {} files (at most 3: an action is its file in action/kinds/): {naming:?}",
        naming.len()
    );
}

#[test]
fn records_read_their_shared_parts_through_named_accessors() {
    let derefs: Vec<String> = non_test_code()
        .into_iter()
        .filter(|(rel, _)| rel.starts_with("model/") || rel.starts_with("report/"))
        .filter(|(_, code)| code.contains("Deref for"))
        .map(|(rel, _)| rel)
        .collect();
    assert!(derefs.is_empty(), "impl Deref/DerefMut in {derefs:?}");
}

#[test]
fn no_runtime_choice_is_shared_with_the_fetches() {
    let shared: Vec<String> = non_test_code()
        .into_iter()
        .filter(|(rel, _)| rel.starts_with("fetch/"))
        .filter(|(_, code)| code.contains("Mutex") || code.contains("Atomic"))
        .map(|(rel, _)| rel)
        .collect();
    assert!(shared.is_empty(), "a Mutex or an atomic in {shared:?}");
}

#[test]
fn pane_data_is_not_matched_four_ways_everywhere() {
    let variants = ["Endpoints", "SecurityGroups", "Findings", "Checklist"];
    let mut blocks = Vec::new();
    for (rel, code) in tree().code {
        for (at, _) in code.match_indices("match ") {
            let Some(open) = code[at..]
                .find(['{', ';'])
                .filter(|o| code[at + o..].starts_with('{'))
            else {
                continue;
            };
            let start = at + open + 1;
            let body = &code[start..block_end(&code, start)];
            for ty in ["PaneData::", "Raw::"] {
                let arm = |v: &str| body.contains(&format!("{ty}{v}"));
                let arm = if ty == "Raw::" {
                    ["Endpoints", "SecurityGroups", "Findings", "Postures"]
                        .iter()
                        .all(|v| arm(v))
                } else {
                    variants.iter().all(|v| arm(v))
                };
                if arm {
                    blocks.push(format!("{rel} ({ty})"));
                }
            }
        }
    }
    assert!(
        blocks.len() <= 6,
        "{} four-way `match PaneData`/`Raw` blocks (at most 6, as for PaneId): {blocks:?}",
        blocks.len()
    );
}
