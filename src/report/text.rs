//! The text report: the panes' own tables, aligned for a terminal, coloured only when asked.

use super::table::{Cell, render, wrap};
use super::{Snapshot, TextOptions};
use crate::format::format_window;
use crate::model::{CheckStatus, Risk};
use crate::panes::{self, CellContext, Styled, Target, Tone, Width};
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

pub fn write(s: &Snapshot, options: TextOptions, out: &mut impl Write) -> io::Result<()> {
    let p = Printer { options };
    write_head(s, &p, out)?;
    write_panes(s, &p, out)?;
    write_chains(s, &p, out)?;
    write_tail(s, &p, out)
}

/// What answers where it does not hold: each flagged endpoint variant's chain.
fn write_chains(s: &Snapshot, p: &Printer, out: &mut impl Write) -> io::Result<()> {
    let chains = super::chain::flagged(s);
    if chains.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{}",
        p.bold(&format!("WHAT ANSWERS, FLAGGED ({})", chains.len()))
    )?;
    for (head, lines) in chains {
        p.say(out, &head)?;
        for l in lines {
            p.say(out, &format!("  {l}"))?;
        }
    }
    Ok(())
}

/// How text is printed: bold on a terminal, wrapped to its width.
struct Printer {
    options: TextOptions,
}

impl Printer {
    fn bold(&self, t: &str) -> String {
        if self.options.color {
            format!("\u{1b}[1m{t}\u{1b}[0m")
        } else {
            t.to_string()
        }
    }

    /// A line, wrapped under itself at the terminal's width.
    fn say(&self, out: &mut dyn Write, text: &str) -> io::Result<()> {
        match self.options.width {
            Some(w) => {
                for (i, l) in wrap(text, w.saturating_sub(2)).iter().enumerate() {
                    writeln!(out, "{}{l}", if i == 0 { "" } else { "  " })?;
                }
                Ok(())
            }
            None => writeln!(out, "{text}"),
        }
    }
}

/// Who, where and when.
fn write_head(s: &Snapshot, p: &Printer, out: &mut impl Write) -> io::Result<()> {
    let head = format!(
        "secdash {} account {} · {} · profile {} · window {} · {}",
        match s.source {
            crate::source::SourceKind::Demo => "DEMO ·",
            crate::source::SourceKind::Aws => "·",
        },
        s.account.unwrap_or("?"),
        s.regions.join(","),
        s.profile.unwrap_or("default"),
        format_window(chrono::Duration::seconds(s.window_seconds)),
        s.generated_at.format("%Y-%m-%d %H:%M:%S UTC"),
    );
    // The name in bold, on the first of the header's lines.
    let mut head_out = Vec::new();
    p.say(&mut head_out, &head)?;
    let head_text = String::from_utf8_lossy(&head_out).replacen("secdash", &p.bold("secdash"), 1);
    write!(out, "{head_text}")?;
    if let Some(arn) = &s.caller_arn {
        p.say(out, &format!("caller {arn}"))?;
    }
    if let Some(url) = &s.endpoint_url {
        p.say(out, &format!("endpoint {url}"))?;
    }
    Ok(())
}

/// Each pane's table, its columns fitting the terminal.
fn write_panes(s: &Snapshot, p: &Printer, out: &mut impl Write) -> io::Result<()> {
    let none = std::collections::BTreeMap::new();
    // The report's group columns carry the id already.
    let ambiguous = std::collections::HashSet::new();
    let ctx = CellContext {
        now: s.generated_at,
        window: chrono::Duration::seconds(s.window_seconds),
        multi_region: s.regions.len() > 1,
        multi_account: s.accounts.as_ref().is_some_and(|a| a.len() > 1),
        target: Target::Report,
        changes: &none,
        ambiguous_groups: &ambiguous,
        endpoint_name_width: 0,
    };
    for pane in panes::REGISTRY {
        let data = s.panes[pane.id().index()];
        writeln!(out, "\n{}", p.bold(&pane.report_heading(data)))?;
        // The terminal's width picks the columns (0: a pipe, every column).
        let width = p
            .options
            .width
            .map_or(0, |w| u16::try_from(w).unwrap_or(u16::MAX));
        let columns = pane.columns(width, &ctx);
        let headers: Vec<&str> = columns.iter().map(|c| c.header).collect();
        let caps: Vec<usize> = columns
            .iter()
            .map(|c| match c.width {
                Width::Cap(n) | Width::Len(n) | Width::Fill(n) => usize::from(n),
            })
            .collect();
        let rows = data.map_or_else(Vec::new, |d| {
            pane.rows(d)
                .into_iter()
                .map(|r| {
                    pane.cells(d, r, &columns, false, &ctx)
                        .into_iter()
                        .map(cell)
                        .collect()
                })
                .collect()
        });
        write!(
            out,
            "{}",
            render(&headers, &caps, rows, p.options.color, p.options.width)
        )?;
    }
    Ok(())
}

/// The errors, the calls, what changed, and what makes the exit code.
fn write_tail(s: &Snapshot, p: &Printer, out: &mut impl Write) -> io::Result<()> {
    if !s.errors.is_empty() {
        writeln!(out, "\n{}", p.bold(&format!("ERRORS ({})", s.errors.len())))?;
        for e in &s.errors {
            let line = format!("{}: {}", e.pane.key(), e.message);
            if p.options.color {
                write!(out, "\u{1b}[1;31m")?;
                p.say(out, &line)?;
                write!(out, "\u{1b}[0m")?;
            } else {
                p.say(out, &line)?;
            }
        }
    }
    if !s.api_calls.is_empty() {
        let total: u32 = s.api_calls.total();
        if p.options.verbose {
            let calls: Vec<String> = s
                .api_calls
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            writeln!(out)?;
            p.say(out, &format!("api calls ({total}): {}", calls.join(" ")))?;
        } else {
            writeln!(out, "\napi calls: {total} (-v lists them)")?;
        }
    }
    if let Some(c) = &s.changes {
        for line in super::baseline_lines(c) {
            if line.starts_with("Since") {
                writeln!(out, "\n{}", p.bold(&line))?;
            } else {
                p.say(out, &line)?;
            }
        }
    }
    let sum = &s.summary;
    // What makes the exit code, each on its own line.
    if !sum.breaches.is_empty() {
        writeln!(
            out,
            "\n{}",
            p.bold(&format!("NEEDS ATTENTION ({})", sum.breaches.len()))
        )?;
        for b in &sum.breaches {
            p.say(out, &format!("- {b}"))?;
        }
    }
    writeln!(out)?;
    match sum.fail_on {
        None => writeln!(out, "fail-on never: exit code {}", sum.exit_code)?,
        Some(level) => writeln!(
            out,
            "{} {}at or above {}: exit code {}",
            sum.breaches.len(),
            if sum.fail_on_new { "new " } else { "" },
            level.label(),
            sum.exit_code
        )?,
    }
    Ok(())
}

/// A cell of a pane's table, coloured by what it means.
fn cell(c: Styled) -> Cell {
    Cell {
        whole_words: c.words,
        id: c.id,
        text: c.text,
        sgr: match c.tone {
            Tone::Risk(r) => Some(risk_sgr(r)),
            Tone::Check(s) => Some(status_sgr(s)),
            Tone::Alert => Some("1;31"),
            _ => None,
        },
    }
}
