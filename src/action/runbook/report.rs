//! The incident's report: its runbook's steps, what CloudTrail said, the credentials
//! contained, the timeline of its actions and what is still in effect, with how to undo it.

use super::{Phase, Runbook, StepStatus};
use crate::action::journal::{Entry, EntryStatus};
use chrono::{DateTime, Utc};

/// Entries whose change is still in effect: not undone by a restore that verified, whatever
/// the incident that restore was journalled under (the journal's whole history decides).
pub fn still_in_effect(entries: &[Entry]) -> Vec<&Entry> {
    entries.iter().filter(|e| e.in_effect()).collect()
}

/// The command that undoes an action.
pub fn undo_command(e: &Entry) -> String {
    format!("secdash restore {} --region {}", e.entry, e.region)
}

/// Until when a session revocation must stay: a restore before then needs `--force`.
pub fn release_not_before(e: &Entry) -> Option<DateTime<Utc>> {
    e.plan
        .as_ref()
        .and_then(crate::action::credentials::must_stay_until)
}

/// "undo with `…`", and when a revocation may be lifted, in Markdown.
fn undo_markdown(e: &Entry) -> String {
    match release_not_before(e) {
        Some(t) => format!(
            "undo with `{}` (before {} only with `--force`: older sessions would work again)",
            undo_command(e),
            t.format("%Y-%m-%d %H:%M UTC")
        ),
        None => format!("undo with `{}`", undo_command(e)),
    }
}

/// The isolation groups the incident's containments made (name, VPC), each once.
fn isolation_groups(entries: &[&Entry]) -> Vec<(String, String)> {
    use crate::action::plan::{GroupRole, Step};
    let mut out: Vec<(String, String)> = Vec::new();
    for e in entries.iter().filter(|e| e.steps_done > 0) {
        for step in e.plan.iter().flat_map(|p| &p.steps) {
            if let Step::EnsureGroup {
                name,
                vpc_id,
                role: GroupRole::Isolation,
            } = step
                && !out.iter().any(|(n, v)| n == name && v == vpc_id)
            {
                out.push((name.clone(), vpc_id.clone()));
            }
        }
    }
    out
}

fn is_credential(a: crate::action::plan::ActionKind) -> bool {
    crate::action::kinds::spec(a).is_some_and(|s| s.credential())
}

/// The incident report: the steps, the CloudTrail highlights and who called from where, the
/// credentials contained, the timeline of every action, what is still in effect and how to
/// undo it.
pub fn report_markdown(
    rb: &Runbook,
    entries: &[Entry],
    readings: &[crate::trail::record::Reading],
    now: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    out.push_str(&format!("# Incident {} — report\n\n", md(&rb.incident)));
    out.push_str(&format!(
        "- **Started:** {}\n- **Report:** {}\n\n",
        rb.started.format("%Y-%m-%d %H:%M UTC"),
        now.format("%Y-%m-%d %H:%M UTC")
    ));
    report_steps(rb, &mut out);
    report_trail(readings, &mut out);
    let mine: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.incident == rb.incident)
        .collect();
    report_credentials(&mine, &mut out);
    report_timeline(&mine, &mut out);
    report_in_effect(&mine, &mut out);
    if !rb.notes.is_empty() {
        out.push_str("\n## Notes\n\n");
        for (t, n) in &rb.notes {
            out.push_str(&format!("- {} — {}\n", t.format("%H:%M"), md(n)));
        }
    }
    out
}

/// Text for a Markdown table cell.
fn md(s: &str) -> String {
    crate::sanitize::clean(s).replace('|', "\\|")
}

/// Each phase's steps, with their status, time and note.
fn report_steps(rb: &Runbook, out: &mut String) {
    for phase in [
        Phase::Immediate,
        Phase::Containment,
        Phase::Recovery,
        Phase::Lessons,
    ] {
        out.push_str(&format!(
            "## {}\n\n| Step | Status | When | Note |\n|---|---|---|---|\n",
            phase.title()
        ));
        for s in rb.steps.iter().filter(|s| s.phase == phase) {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                md(&s.title),
                match s.status {
                    StepStatus::Pending => "pending",
                    StepStatus::Done => "done",
                    StepStatus::Skipped => "skipped",
                },
                s.at.map(|t| t.format("%H:%M").to_string())
                    .unwrap_or_default(),
                md(s.note.as_deref().unwrap_or(""))
            ));
        }
        out.push('\n');
    }
}

/// The latest reading of each timeline looked up: who called from where, the highlights.
fn report_trail(readings: &[crate::trail::record::Reading], out: &mut String) {
    // The latest reading of each thing looked up.
    let mut latest: Vec<&crate::trail::record::Reading> = Vec::new();
    for r in readings.iter().rev() {
        if !latest.iter().any(|l| l.of == r.of) {
            latest.push(r);
        }
    }
    if !latest.is_empty() {
        out.push_str("## CloudTrail\n\n");
    }
    for r in latest.iter().rev() {
        out.push_str(&format!(
            "### {} — {} event(s) since {}, read {}\n\n",
            md(&r.of),
            r.events,
            r.since.format("%Y-%m-%d %H:%M UTC"),
            r.read_at.format("%Y-%m-%d %H:%M UTC")
        ));
        if !r.source_ips.is_empty() {
            out.push_str("| Source IP | Events | First seen | Last seen |\n|---|---:|---|---|\n");
            for s in &r.source_ips {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} |\n",
                    md(&s.value),
                    s.events,
                    s.first_seen.format("%Y-%m-%d %H:%M"),
                    s.last_seen.format("%Y-%m-%d %H:%M")
                ));
            }
            out.push('\n');
        }
        for s in r.user_agents.iter().take(5) {
            out.push_str(&format!(
                "- user agent `{}`: {} event(s), {} to {}\n",
                md(&s.value),
                s.events,
                s.first_seen.format("%Y-%m-%d %H:%M"),
                s.last_seen.format("%Y-%m-%d %H:%M")
            ));
        }
        if !r.highlights.is_empty() {
            out.push_str("\n**Highlights**\n\n");
        }
        for h in &r.highlights {
            out.push_str(&format!(
                "- {}: {} `{}` ({}) from `{}`{}\n",
                md(&h.category),
                h.time.format("%Y-%m-%d %H:%M:%S"),
                md(&h.event),
                md(&h.source),
                md(&h.source_ip),
                h.error_code
                    .as_deref()
                    .map(|c| format!(", {}", md(c)))
                    .unwrap_or_default()
            ));
        }
        out.push('\n');
    }
}

/// The credentials contained, and how each is undone (or was).
fn report_credentials(mine: &[&Entry], out: &mut String) {
    let credentials: Vec<&&Entry> = mine.iter().filter(|e| is_credential(e.action)).collect();
    if !credentials.is_empty() {
        out.push_str("## Credentials contained\n\n");
        for e in credentials {
            out.push_str(&format!(
                "- {} {} ({}, {}): {}\n",
                e.action.verb(),
                md(&e.target),
                e.time.format("%Y-%m-%d %H:%M"),
                if e.undone_by.is_some() {
                    "restored"
                } else {
                    "in effect"
                },
                // A restored change has nothing left to undo.
                match &e.undone_by {
                    Some(by) => format!("restored by `{by}`"),
                    None => undo_markdown(e),
                }
            ));
        }
        out.push('\n');
    }
}

/// Every action of the incident, with its result.
fn report_timeline(mine: &[&Entry], out: &mut String) {
    out.push_str("## Timeline\n\n| Time | Action | Target | Region | Result | Journal entry |\n|---|---|---|---|---|---|\n");
    for e in mine {
        let result = match (e.status, e.verified) {
            (EntryStatus::Done, Some(true)) => "done, verified".to_string(),
            (EntryStatus::Done, _) => "done, not verified".to_string(),
            (EntryStatus::Failed, _) => {
                format!("failed: {}", e.outcome.clone().unwrap_or_default())
            }
            (EntryStatus::Incomplete, _) => {
                format!("incomplete ({}/{} steps)", e.steps_done, e.steps)
            }
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | `{}` |\n",
            e.time.format("%Y-%m-%d %H:%M:%S"),
            e.action.verb(),
            md(&e.target),
            md(&e.region),
            md(&result),
            e.entry
        ));
    }
    if mine.is_empty() {
        out.push_str("| | no actions journalled for this incident | | | | |\n");
    }
}

/// What is still in effect and how to undo it; the isolation groups left in place.
fn report_in_effect(mine: &[&Entry], out: &mut String) {
    let owned: Vec<Entry> = mine.iter().map(|e| (*e).clone()).collect();
    let live = still_in_effect(&owned);
    out.push_str("\n## Still in effect\n\n");
    if live.is_empty() {
        out.push_str("Nothing: every change of this incident has been restored.\n");
    }
    for e in live {
        out.push_str(&format!(
            "- {} {} ({}): {}\n",
            e.action.verb(),
            md(&e.target),
            e.time.format("%Y-%m-%d %H:%M"),
            undo_markdown(e)
        ));
    }
    let groups = isolation_groups(mine);
    if !groups.is_empty() {
        out.push_str("\n## Isolation groups left in place\n\n");
        out.push_str(
            "Made by this incident's containments and kept for the record (a restore leaves them): delete each once the incident closes.\n\n",
        );
        for (name, vpc) in groups {
            out.push_str(&format!("- `{}` in {}\n", md(&name), md(&vpc)));
        }
    }
}
