//! `--once` snapshots: one serde model (`types`) built from the app state (`build`), written as
//! text, JSON or Markdown. The text report's tables are the panes' own columns.

pub mod baseline;
mod build;
mod chain;
mod changes;
pub mod markdown;
pub mod ocsf;
pub mod table;
pub mod text;
pub mod types;

pub use types::*;

use std::io::{self, Write};

pub use crate::cli::{Format, exit};

/// How the text report is laid out for where it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// ANSI colours (a terminal, and no NO_COLOR).
    pub color: bool,
    /// The terminal's width: long reasons and evidence wrap to it. `None` for a pipe or file.
    pub width: Option<usize>,
    /// `-v`: every API call by operation, not only their number.
    pub verbose: bool,
}

impl TextOptions {
    /// The narrowest a terminal report is laid out for.
    pub const MIN_WIDTH: usize = 80;
}

pub fn write(
    snapshot: &Snapshot,
    format: Format,
    text_options: TextOptions,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, snapshot).map_err(io::Error::from)?;
            writeln!(out)
        }
        Format::Text => text::write(snapshot, text_options, out),
        Format::Markdown => markdown::write(snapshot, out),
        Format::Ocsf => ocsf::write(snapshot, out),
    }
}

#[cfg(test)]
mod tests;

/// The "Since the last run" section, a heading then one line per change ("  " in front), for
/// the text and Markdown reports alike.
fn baseline_lines(c: &baseline::Changes) -> Vec<String> {
    let mut out = vec![format!(
        "Since the last run{}",
        c.since
            .as_deref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default()
    )];
    if c.is_empty() {
        out.push("  nothing changed".to_string());
    }
    for f in &c.new_findings {
        out.push(format!(
            "  new finding: {} {} ({})",
            f.severity_label.label(),
            f.finding_type,
            f.title
        ));
    }
    for id in &c.resolved_findings {
        out.push(format!("  resolved finding: {id}"));
    }
    for s in &c.checklist {
        let at = s
            .account_name
            .as_deref()
            .map(|a| format!(" in {a}"))
            .unwrap_or_default();
        out.push(format!(
            "  checklist {}{at}: {} -> {} ({})",
            s.id,
            s.from,
            s.to.label(),
            s.title
        ));
    }
    for r in &c.new_risky_rules {
        out.push(format!(
            "  new {} rule in {} ({}): {}",
            r.risk.label(),
            r.group_id,
            r.group_name,
            r.rule
        ));
    }
    for a in &c.new_alerts {
        out.push(format!("  new alert on {}: {}", a.endpoint, a.message));
    }
    out
}
