//! Shared by several test crates; each uses a part of it.
#![allow(dead_code)]

pub mod moto;

/// A checklist item's evidence (a list of statements since schema 2), as one line.
pub fn evidence(item: &serde_json::Value) -> String {
    item["evidence"]
        .as_array()
        .unwrap_or_else(|| panic!("evidence is a list: {item}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("; ")
}
