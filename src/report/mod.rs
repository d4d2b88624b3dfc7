//! `--once` snapshots: one serde model (`types`) built from the app state (`build`), written as
//! text, JSON or Markdown. The text report's tables are the panes' own columns.

mod build;
pub mod markdown;
pub mod table;
pub mod text;
pub mod types;

pub use types::*;

use std::io::{self, Write};

/// Exit codes of `--once`, documented in the README.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FATAL: i32 = 1;
    pub const PARTIAL: i32 = 2;
    pub const FAIL_ON: i32 = 3;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

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
