//! A timeline written out: text for a terminal, JSON for scripts, Markdown for a ticket. The
//! summary of source IPs and user agents and the highlights come first, then every event.

use super::{Event, Seen, Timeline};
use crate::model::ApiCalls;
use serde_json::json;
use std::fmt::Write as _;

/// Bumped only when an existing field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn short_source(source: &str) -> &str {
    source.strip_suffix(".amazonaws.com").unwrap_or(source)
}

fn resources(e: &Event) -> String {
    e.resources
        .iter()
        .map(|(_, n)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The same call from the same place with the same answer, repeated: one line, counted.
struct Repeated<'a> {
    first: &'a Event,
    last: &'a Event,
    count: usize,
}

/// Highlighted events (oldest first) with their repeats folded into one entry each.
fn folded<'a>(events: &[&'a Event]) -> Vec<Repeated<'a>> {
    let mut out: Vec<Repeated<'a>> = Vec::new();
    for e in events {
        let same = |r: &Repeated| {
            r.first.name == e.name
                && r.first.source == e.source
                && r.first.source_ip == e.source_ip
                && r.first.error_code == e.error_code
        };
        match out.iter_mut().find(|r| same(r)) {
            Some(r) => {
                r.last = e;
                r.count += 1;
            }
            None => out.push(Repeated {
                first: e,
                last: e,
                count: 1,
            }),
        }
    }
    out
}

/// ` ×12 (last 2026-11-23 10:18:00)` for a repeated event; nothing for one seen once.
fn repeats(r: &Repeated) -> String {
    if r.count == 1 {
        return String::new();
    }
    format!(" ×{} (last {})", r.count, when(r.last.time))
}

fn calls_total(calls: &ApiCalls) -> u32 {
    calls.total()
}

fn heading(tl: &Timeline, calls: &ApiCalls) -> (String, String) {
    let highlighted = tl.events.iter().filter(|e| e.category.is_some()).count();
    (
        format!(
            "CloudTrail timeline of {} · since {} UTC · {}",
            tl.label(),
            tl.since.format("%Y-%m-%d %H:%M"),
            tl.regions.join(", ")
        ),
        format!(
            "{} event(s), {highlighted} highlighted · {} API call(s) ({})",
            tl.events.len(),
            calls_total(calls),
            calls
                .iter()
                .map(|(op, n)| format!("{op} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

fn warnings(tl: &Timeline) -> Vec<String> {
    let mut out: Vec<String> = tl
        .truncated
        .iter()
        .map(|r| {
            format!("{r}: stopped at the page cap; older events were not read (narrow --since)")
        })
        .collect();
    out.extend(tl.errors.iter().cloned());
    out
}

pub fn text(tl: &Timeline, calls: &ApiCalls) -> String {
    let mut out = String::new();
    let (title, counts) = heading(tl, calls);
    let _ = writeln!(out, "{title}\n{counts}");
    for w in warnings(tl) {
        let _ = writeln!(out, "warning: {w}");
    }
    let seen_rows = |out: &mut String, name: &str, rows: &[Seen]| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{name}");
        for s in rows {
            let _ = writeln!(
                out,
                "  {:<40} {:>5} event(s)  first {}  last {}",
                s.value,
                s.events,
                when(s.first_seen),
                when(s.last_seen)
            );
        }
    };
    seen_rows(&mut out, "Source IPs", &tl.source_ips);
    seen_rows(&mut out, "User agents", &tl.user_agents);
    let highlights = tl.highlights();
    if !highlights.is_empty() {
        let _ = writeln!(out, "\nHighlights");
        for (category, events) in highlights {
            for r in folded(&events) {
                let e = r.first;
                let _ = writeln!(
                    out,
                    "  {:<26} {} {:<34} {}{}{}",
                    category.label(),
                    when(e.time),
                    format!("{} ({})", e.name, short_source(&e.source)),
                    e.source_ip,
                    e.error_code
                        .as_deref()
                        .map(|c| format!("  {c}"))
                        .unwrap_or_default(),
                    repeats(&r)
                );
            }
        }
    }
    let _ = writeln!(out, "\nEvents, newest first");
    if tl.events.is_empty() {
        let _ = writeln!(out, "  (none in this window)");
    }
    for e in &tl.events {
        let line = format!(
            "  {} {:<14} {} {:<34} {:<16} {}{}{}",
            when(e.time),
            e.region,
            if e.read_only { "R" } else { "W" },
            format!("{} ({})", e.name, short_source(&e.source)),
            e.source_ip,
            e.category
                .map(|c| format!("[{}] ", c.label()))
                .unwrap_or_default(),
            e.error_code
                .as_deref()
                .map(|c| format!("{c} "))
                .unwrap_or_default(),
            resources(e)
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

pub fn json(tl: &Timeline, calls: &ApiCalls) -> serde_json::Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "subjects": tl.subjects,
        "since": tl.since,
        "regions": tl.regions,
        "events": tl.events,
        "highlights": tl.highlights().iter().map(|(c, events)| {
            let (uid, name, tactic) = c.technique();
            json!({
                "category": c,
                "technique": {"uid": uid, "name": name, "tactic": tactic},
                "events": events.iter().map(|e| &e.id).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "source_ips": tl.source_ips,
        "user_agents": tl.user_agents,
        "truncated": tl.truncated,
        "errors": tl.errors,
        "api_calls": calls,
    })
}

/// Markdown table cells: no pipes or line breaks from the data.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub fn markdown(tl: &Timeline, calls: &ApiCalls) -> String {
    let mut out = String::new();
    let (title, counts) = heading(tl, calls);
    let _ = writeln!(out, "## {}\n\n{counts}\n", cell(&title));
    for w in warnings(tl) {
        let _ = writeln!(out, "> **Warning:** {}\n", cell(&w));
    }
    for (name, rows) in [
        ("Source IPs", &tl.source_ips),
        ("User agents", &tl.user_agents),
    ] {
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "### {name}\n\n| Value | Events | First seen | Last seen |\n|---|---:|---|---|"
        );
        for s in rows.iter() {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                cell(&s.value),
                s.events,
                when(s.first_seen),
                when(s.last_seen)
            );
        }
        out.push('\n');
    }
    let highlights = tl.highlights();
    if !highlights.is_empty() {
        let _ = writeln!(out, "### Highlights\n");
        for (category, events) in highlights {
            for r in folded(&events) {
                let e = r.first;
                let _ = writeln!(
                    out,
                    "- **{}**: {} `{}` ({}) from `{}`{}{}",
                    category.label(),
                    when(e.time),
                    cell(&e.name),
                    cell(short_source(&e.source)),
                    cell(&e.source_ip),
                    e.error_code
                        .as_deref()
                        .map(|c| format!(", {}", cell(c)))
                        .unwrap_or_default(),
                    repeats(&r)
                );
            }
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "### Events\n\n| Time (UTC) | Region | Event | Source IP | User agent | R/W | Error | Resources |\n|---|---|---|---|---|---|---|---|"
    );
    for e in &tl.events {
        let _ = writeln!(
            out,
            "| {} | {} | {}`{}` ({}) | `{}` | {} | {} | {} | {} |",
            when(e.time),
            cell(&e.region),
            if e.category.is_some() { "**!** " } else { "" },
            cell(&e.name),
            cell(short_source(&e.source)),
            cell(&e.source_ip),
            cell(&e.user_agent),
            if e.read_only { "R" } else { "W" },
            cell(e.error_code.as_deref().unwrap_or("")),
            cell(&resources(e))
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Subject, Timeline, event};
    use super::*;
    use chrono::TimeZone;

    fn denied(id: &str, minute: u32) -> Event {
        event(
            id,
            chrono::Utc
                .with_ymd_and_hms(2026, 12, 1, 9, minute, 0)
                .unwrap(),
            "ListBuckets",
            "s3.amazonaws.com",
            "mallory",
            "AKIA1",
            Some("true"),
            vec![],
            Some(r#"{"sourceIPAddress":"198.51.100.7","errorCode":"AccessDenied"}"#),
            "us-east-1",
        )
    }

    /// #30: a call repeated from the same place with the same answer is one highlight line,
    /// counted, in text and Markdown, as the TUI counts them; JSON's highlights name their
    /// ATT&CK technique.
    #[test]
    fn repeated_highlights_are_one_counted_line_and_json_names_the_technique() {
        let tl = Timeline::new(
            vec![Subject::AccessKey("AKIA1".into())],
            chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            vec!["us-east-1".into()],
            (0..12).map(|m| denied(&format!("e{m}"), m)).collect(),
            vec![],
            vec![],
        );
        let calls = ApiCalls::default();
        let text = text(&tl, &calls);
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("denied "))
            .collect();
        assert_eq!(lines.len(), 1, "{text}");
        assert!(
            lines[0].contains("×12 (last 2026-12-01 09:11:00)"),
            "{text}"
        );
        let md = markdown(&tl, &calls);
        assert_eq!(md.matches("- **denied**").count(), 1, "{md}");
        assert!(md.contains("×12"), "{md}");
        let v = json(&tl, &calls);
        assert_eq!(v["highlights"][0]["technique"]["uid"], "T1580", "{v}");
        assert_eq!(v["highlights"][0]["events"].as_array().unwrap().len(), 12);
    }
}
