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
            for e in events {
                let _ = writeln!(
                    out,
                    "  {:<26} {} {:<34} {}{}",
                    category.label(),
                    when(e.time),
                    format!("{} ({})", e.name, short_source(&e.source)),
                    e.source_ip,
                    e.error_code
                        .as_deref()
                        .map(|c| format!("  {c}"))
                        .unwrap_or_default()
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
        "highlights": tl.highlights().iter().map(|(c, events)| json!({
            "category": c,
            "events": events.iter().map(|e| &e.id).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
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
            for e in events {
                let _ = writeln!(
                    out,
                    "- **{}**: {} `{}` ({}) from `{}`{}",
                    category.label(),
                    when(e.time),
                    cell(&e.name),
                    cell(short_source(&e.source)),
                    cell(&e.source_ip),
                    e.error_code
                        .as_deref()
                        .map(|c| format!(", {}", cell(c)))
                        .unwrap_or_default()
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
