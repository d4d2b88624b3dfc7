//! `--once` snapshots: one serde model (`types`) built from the app state (`build`), written as
//! text, JSON or Markdown. The text report's tables are the panes' own columns.

mod build;
pub mod markdown;
pub mod table;
pub mod text;
pub mod types;

pub use types::*;

use std::io::{self, Write};

pub use crate::cli::{Format, exit};

pub fn write(
    snapshot: &Snapshot,
    format: Format,
    color: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, snapshot).map_err(io::Error::other)?;
            writeln!(out)
        }
        Format::Text => text::write(snapshot, color, out),
        Format::Markdown => markdown::write(snapshot, out),
    }
}

#[cfg(test)]
mod tests;
