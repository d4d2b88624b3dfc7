//! The text report: aligned tables for a terminal, coloured only when asked.

use super::Snapshot;
use super::table::{Cell, colored, render};
use crate::format::{age, count, format_window, ms};
use crate::model::{CheckStatus, Risk, SeverityLabel};
use std::io::{self, Write};

fn risk_sgr(r: Risk) -> &'static str {
    match r {
        Risk::None => "2",
        Risk::Low => "36",
        Risk::Medium => "33",
        Risk::High => "1;33",
        Risk::Critical => "1;31",
    }
}

fn status_sgr(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "32",
        CheckStatus::Fail => "1;31",
        CheckStatus::Warn => "33",
        CheckStatus::Unknown => "35",
        CheckStatus::Manual => "36",
        CheckStatus::Accepted => "2",
    }
}

pub fn write(s: &Snapshot, color: bool, out: &mut impl Write) -> io::Result<()> {
    let bold = |t: &str| {
        if color {
            format!("\u{1b}[1m{t}\u{1b}[0m")
        } else {
            t.to_string()
        }
    };
    writeln!(
        out,
        "{} {} account {} · {} · profile {} · window {} · {}",
        bold("secdash"),
        match s.source {
            crate::source::SourceKind::Demo => "DEMO ·",
            crate::source::SourceKind::Aws => "·",
        },
        s.account.as_deref().unwrap_or("?"),
        s.regions.join(","),
        s.profile.as_deref().unwrap_or("default"),
        format_window(chrono::Duration::seconds(s.window_seconds)),
        s.generated_at.format("%Y-%m-%d %H:%M:%S UTC"),
    )?;
    if let Some(arn) = &s.caller_arn {
        writeln!(out, "caller {arn}")?;
    }
    if let Some(url) = &s.endpoint_url {
        writeln!(out, "endpoint {url}")?;
    }

    writeln!(
        out,
        "\n{}",
        bold(&format!("ENDPOINTS ({})", s.endpoints.len()))
    )?;
    let multi_region = s.regions.len() > 1;
    let rows = s
        .endpoints
        .iter()
        .map(|e| {
            let variants: Vec<String> = e.variants.iter().map(|v| v.label(false)).collect();
            let alerts: Vec<&str> = e.alerts.iter().map(|a| a.message.as_str()).collect();
            let mut row: Vec<Cell> = vec![e.name.clone().into()];
            if multi_region {
                row.push(e.region.clone().into());
            }
            row.extend([
                e.status.clone().into(),
                variants.join(" ").into(),
                count(e.invocations).into(),
                count(e.errors_4xx).into(),
                count(e.errors_5xx).into(),
                ms(e.latency_ms_avg).into(),
                ms(e.latency_ms_p99).into(),
                if alerts.is_empty() {
                    Cell::from("ok")
                } else {
                    colored(format!("⚠ {}", alerts.join("; ")), "1;31")
                },
            ]);
            row
        })
        .collect();
    let mut headers = vec!["NAME"];
    if multi_region {
        headers.push("REGION");
    }
    headers.extend([
        "STATUS",
        "INSTANCES",
        "INVOC",
        "4XX",
        "5XX",
        "AVG",
        "P99",
        "ALERTS",
    ]);
    write!(out, "{}", render(&headers, &[40], rows, color))?;

    let rule_count: usize = s.security_groups.iter().map(|g| g.rules.len()).sum();
    writeln!(
        out,
        "\n{}",
        bold(&format!(
            "SECURITY GROUPS ({}, {} rules)",
            s.security_groups.len(),
            rule_count
        ))
    )?;
    let mut rows = Vec::new();
    for g in &s.security_groups {
        let group = format!("{} {}", g.id, g.name);
        if g.rules.is_empty() {
            rows.push(vec![
                group.clone().into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "no rules".into(),
            ]);
        }
        for r in &g.rules {
            let ports = crate::model::ports_label(&r.protocol, r.from_port, r.to_port);
            rows.push(vec![
                group.clone().into(),
                match r.direction {
                    crate::model::Direction::Ingress => "in".into(),
                    crate::model::Direction::Egress => "out".into(),
                },
                r.protocol.clone().into(),
                ports.into(),
                r.peer.clone().into(),
                colored(r.risk.label(), risk_sgr(r.risk)),
                r.risk_reason.clone().into(),
            ]);
        }
    }
    write!(
        out,
        "{}",
        render(
            &["GROUP", "DIR", "PROTO", "PORTS", "PEER", "RISK", "REASON"],
            &[48, 0, 0, 0, 24, 0, 90],
            rows,
            color
        )
    )?;

    writeln!(
        out,
        "\n{}",
        bold(&format!("GUARDDUTY FINDINGS ({})", s.findings.len()))
    )?;
    let rows = s
        .findings
        .iter()
        .map(|f| {
            vec![
                colored(
                    format!("{:.1} {}", f.severity, f.severity_label.label()),
                    sev_sgr(f.severity_label),
                ),
                f.finding_type.clone().into(),
                f.resource.clone().into(),
                f.count.to_string().into(),
                age(s.generated_at, f.last_seen).into(),
                f.title.clone().into(),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        render(
            &["SEVERITY", "TYPE", "RESOURCE", "COUNT", "LAST", "TITLE"],
            &[0, 60, 32, 0, 0, 90],
            rows,
            color
        )
    )?;

    writeln!(
        out,
        "\n{}",
        bold(&format!("CHECKLIST ({})", s.checklist.len()))
    )?;
    let rows = s
        .checklist
        .iter()
        .map(|c| {
            vec![
                colored(c.status.label(), status_sgr(c.status)),
                c.category.label().into(),
                c.title.clone().into(),
                c.evidence.replace('\n', " ").into(),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        render(
            &["STATUS", "CATEGORY", "ITEM", "EVIDENCE"],
            &[0, 0, 0, 110],
            rows,
            color
        )
    )?;

    if !s.errors.is_empty() {
        writeln!(out, "\n{}", bold(&format!("ERRORS ({})", s.errors.len())))?;
        for e in &s.errors {
            let line = format!("{}: {}", e.pane.key(), e.message);
            if color {
                writeln!(out, "\u{1b}[1;31m{line}\u{1b}[0m")?;
            } else {
                writeln!(out, "{line}")?;
            }
        }
    }
    if !s.api_calls.is_empty() {
        let calls: Vec<String> = s
            .api_calls
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        writeln!(out, "\napi calls: {}", calls.join(" "))?;
    }
    let sum = &s.summary;
    writeln!(out)?;
    match sum.fail_on {
        None => writeln!(out, "fail-on never: exit code {}", sum.exit_code)?,
        Some(level) => writeln!(
            out,
            "{} at or above {}: exit code {}",
            sum.breaches.len(),
            level.label(),
            sum.exit_code
        )?,
    }
    Ok(())
}

fn sev_sgr(s: SeverityLabel) -> &'static str {
    risk_sgr(s.as_risk())
}
