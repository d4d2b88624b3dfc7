//! The Markdown report: for pasting into a ticket or an incident channel.

use super::Snapshot;
use crate::format::{age, count, format_window, ms};
use crate::model::Risk;
use std::io::{self, Write};

/// Table cells cannot hold pipes or newlines; backticks and angle brackets are escaped so
/// hostile text cannot open code spans or HTML.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '`' | '<' | '>' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

pub fn write(s: &Snapshot, out: &mut impl Write) -> io::Result<()> {
    // Several accounts: each, and how it answered; every table then leads with the account.
    let lead = Lead(s.accounts.is_some());
    write_header(s, out)?;
    write_endpoints(s, &lead, out)?;
    write_chains(s, out)?;
    write_groups(s, &lead, out)?;
    write_findings(s, &lead, out)?;
    write_checklist(s, &lead, out)?;
    if !s.errors.is_empty() {
        writeln!(out, "\n## Errors\n")?;
        for e in &s.errors {
            writeln!(out, "- **{}**: {}", e.pane.key(), cell(&e.message))?;
        }
    }
    Ok(())
}

/// With several accounts every table leads with the account.
struct Lead(bool);

impl Lead {
    fn account(&self, a: Option<super::RowAccountOut>) -> String {
        if self.0 {
            format!("| {} ", cell(a.map_or("", |a| a.name)))
        } else {
            String::new()
        }
    }

    fn head(&self, columns: &str) -> String {
        if self.0 {
            format!("| Account {columns}")
        } else {
            columns.to_string()
        }
    }

    fn rule(&self, line: &str) -> String {
        if self.0 {
            format!("|---{line}")
        } else {
            line.to_string()
        }
    }
}

/// The title, what was read where, the result and what needs attention, what changed.
fn write_header(s: &Snapshot, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "# secdash snapshot — {}",
        s.generated_at.format("%Y-%m-%d %H:%M UTC")
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "- **Account:** {}",
        cell(s.account.unwrap_or("unknown"))
    )?;
    if let Some(accounts) = &s.accounts {
        let listed: Vec<String> = accounts
            .iter()
            .map(|a| match (&a.id, a.status.as_str()) {
                (Some(id), "ok") => format!("{} ({id})", cell(&a.name)),
                (_, why) => format!("{} (**{}**)", cell(&a.name), cell(why)),
            })
            .collect();
        writeln!(out, "- **Accounts:** {}", listed.join(", "))?;
    }
    writeln!(out, "- **Regions:** {}", s.regions.join(", "))?;
    writeln!(
        out,
        "- **Profile:** {}",
        cell(s.profile.unwrap_or("default"))
    )?;
    if let Some(arn) = &s.caller_arn {
        writeln!(out, "- **Caller:** `{}`", arn.replace('`', "'"))?;
    }
    writeln!(
        out,
        "- **Source:** {} · **Window:** {}",
        match s.source {
            crate::source::SourceKind::Demo => "demo scenario",
            crate::source::SourceKind::Aws => "AWS",
        },
        format_window(chrono::Duration::seconds(s.window_seconds))
    )?;
    let sum = &s.summary;
    match sum.fail_on {
        Some(level) => writeln!(
            out,
            "- **Result:** {} issue(s) at or above {} (exit code {})",
            sum.breaches.len(),
            level.label(),
            sum.exit_code
        )?,
        None => writeln!(out, "- **Result:** exit code {}", sum.exit_code)?,
    }
    if !sum.breaches.is_empty() {
        writeln!(out, "\n## Needs attention\n")?;
        for b in &sum.breaches {
            writeln!(out, "- {}", cell(b))?;
        }
    }
    if let Some(c) = &s.changes {
        for line in super::baseline_lines(c) {
            if let Some(title) = line.strip_prefix("Since") {
                writeln!(out, "\n## Since{}\n", cell(title))?;
            } else {
                writeln!(out, "{}", cell(&line.replacen("  ", "- ", 1)))?;
            }
        }
    }
    Ok(())
}

fn write_endpoints(s: &Snapshot, lead: &Lead, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "\n## Endpoints ({})\n", s.endpoints.len())?;
    writeln!(
        out,
        "{}",
        lead.head(
            "| Endpoint | Region | Status | Invocations | 4XX | 5XX | Latency avg | p99 | Alerts |"
        )
    )?;
    writeln!(
        out,
        "{}",
        lead.rule("|---|---|---|---:|---:|---:|---:|---:|---|")
    )?;
    for e in &s.endpoints {
        let alerts: Vec<&str> = e.alerts.iter().map(|a| a.message.as_str()).collect();
        writeln!(
            out,
            "{}| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            lead.account(e.account),
            cell(e.name),
            cell(e.region),
            cell(e.status),
            count(e.invocations),
            count(e.errors_4xx),
            count(e.errors_5xx),
            ms(e.latency_ms_avg),
            ms(e.latency_ms_p99),
            if alerts.is_empty() {
                "—".to_string()
            } else {
                format!("⚠ {}", cell(&alerts.join("; ")))
            }
        )?;
    }
    Ok(())
}

/// Each flagged endpoint variant's chain, as a list under its heading.
fn write_chains(s: &Snapshot, out: &mut impl Write) -> io::Result<()> {
    let chains = super::chain::flagged(s);
    if chains.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n### What answers, flagged\n")?;
    for (head, lines) in chains {
        writeln!(out, "- **{}**", cell(&head))?;
        for l in lines {
            writeln!(out, "  - {}", cell(&l))?;
        }
    }
    Ok(())
}

fn write_groups(s: &Snapshot, lead: &Lead, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "\n## Risky security group rules\n")?;
    writeln!(
        out,
        "{}",
        lead.head("| Risk | Group | Direction | Protocol | Ports | Peer | Reason |")
    )?;
    writeln!(out, "{}", lead.rule("|---|---|---|---|---|---|---|"))?;
    let mut risky: Vec<_> = s
        .security_groups
        .iter()
        .flat_map(|g| g.0.rules.iter().map(move |r| (g, r)))
        .filter(|(_, r)| r.grant().risk > Risk::None)
        .collect();
    risky.sort_by_key(|(_, r)| std::cmp::Reverse(r.grant().risk));
    for (g, r) in &risky {
        let ports = r.ports_label();
        writeln!(
            out,
            "{}| **{}** | {} ({}) | {} | {} | {} | {} | {} |",
            lead.account(super::RowAccountOut::of(&g.0.place.account)),
            r.grant().risk.label(),
            cell(&g.0.id),
            cell(&g.0.name),
            match r.grant().direction {
                crate::model::Direction::Ingress => "ingress",
                crate::model::Direction::Egress => "egress",
            },
            cell(&r.grant().protocol),
            ports,
            cell(r.grant().peer.as_str()),
            cell(&r.grant().risk_reason)
        )?;
    }
    if risky.is_empty() {
        writeln!(out, "| — | none | | | | | |")?;
    }
    writeln!(
        out,
        "\n{} groups, {} rules in all.",
        s.security_groups.len(),
        s.security_groups
            .iter()
            .map(|g| g.0.rules.len())
            .sum::<usize>()
    )?;
    Ok(())
}

fn write_findings(s: &Snapshot, lead: &Lead, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "\n## GuardDuty findings ({})\n", s.findings.len())?;
    writeln!(
        out,
        "{}",
        lead.head("| Severity | Type | Resource | Count | Last seen | Title |")
    )?;
    writeln!(out, "{}", lead.rule("|---|---|---|---:|---|---|"))?;
    for f in &s.findings {
        writeln!(
            out,
            "{}| {:.1} {} | {} | {} | {} | {} ago | {} |",
            lead.account(f.account),
            f.severity,
            f.severity_label.label(),
            cell(f.finding_type),
            cell(f.resource),
            f.count,
            age(s.generated_at, f.last_seen),
            cell(f.title)
        )?;
    }
    Ok(())
}

fn write_checklist(s: &Snapshot, lead: &Lead, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "\n## Checklist\n")?;
    if let Some(accounts) = s.accounts.as_ref().filter(|a| a.len() > 1) {
        // Items down, accounts across, then each account's evidence below.
        writeln!(
            out,
            "| Item | {} |",
            accounts
                .iter()
                .map(|a| cell(&a.name))
                .collect::<Vec<_>>()
                .join(" | ")
        )?;
        writeln!(out, "|---|{}", "---|".repeat(accounts.len()))?;
        // The screen's matrix, its columns in the order of `accounts` (an account that could
        // not be read has none: a dash).
        let items = s.panes[crate::model::PaneId::Checklist.index()]
            .and_then(|d| d.checklist())
            .unwrap_or(&[]);
        let m = crate::panes::checklist::matrix(items);
        let columns: Vec<Option<usize>> = accounts
            .iter()
            .map(|a| m.accounts.iter().position(|n| *n == a.name))
            .collect();
        for row in &m.rows {
            let statuses: Vec<&str> = columns
                .iter()
                .map(|c| {
                    c.and_then(|c| row.statuses[c])
                        .map_or("–", |status| status.label())
                })
                .collect();
            writeln!(out, "| {} | {} |", cell(&row.title), statuses.join(" | "))?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{}",
        lead.head("| Status | Category | Item | Evidence |")
    )?;
    writeln!(out, "{}", lead.rule("|---|---|---|---|"))?;
    for c in &s.checklist {
        writeln!(
            out,
            "{}| {} | {} | {} | {} |",
            lead.account(c.account),
            c.status.label(),
            c.category.label(),
            // A failure reads as the problem, not as the control ("KMS encryption enabled").
            cell(if c.status == crate::model::CheckStatus::Fail {
                c.problem
            } else {
                c.title
            }),
            cell(&c.evidence.join("; "))
        )?;
    }
    Ok(())
}
