//! `secdash man`: clap's sections, then what clap cannot know: the exit status, every variable
//! the configuration reads, the files, and the keys from the keymap's own table.

use crate::cli::Cli;
use crate::config::keymap::{Action, Keymap};
use std::io::Write;

/// Every variable secdash reads, and what it does (`config::env` reads them).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "SECDASH_CONFIG",
        "The config file, when --config names none.",
    ),
    (
        "SECDASH_STATE_DIR",
        "Where the journal, runbooks, attestations and the log are kept (default: $XDG_STATE_HOME/secdash).",
    ),
    (
        "SECDASH_THEME",
        "The theme: dark, light, high-contrast, or a path to a .toml theme.",
    ),
    (
        "SECDASH_READ_ONLY",
        "true: watch only, every action refused.",
    ),
    (
        "SECDASH_INCIDENT",
        "The incident actions are journalled under.",
    ),
    ("SECDASH_LOG", "The log filter (info, secdash=debug, ...)."),
    (
        "SECDASH_SETTLE_SECS",
        "How long an action waits for a change that takes minutes (default 300).",
    ),
    ("AWS_PROFILE", "The AWS profile, when --profile names none."),
    (
        "AWS_REGION",
        "The region, when --region names none (AWS_DEFAULT_REGION too).",
    ),
    ("AWS_DEFAULT_REGION", "The region, after AWS_REGION."),
    (
        "AWS_ENDPOINT_URL",
        "Another endpoint for every AWS service (an emulator).",
    ),
    (
        "AWS_CONFIG_FILE",
        "The AWS config file (default ~/.aws/config).",
    ),
    (
        "AWS_SHARED_CREDENTIALS_FILE",
        "The AWS credentials file (default ~/.aws/credentials).",
    ),
    (
        "NO_COLOR",
        "Present and not empty: no colours (bold and reverse stay).",
    ),
    (
        "COLORTERM",
        "truecolor or 24bit: 24-bit colour, else the 256 colours.",
    ),
    ("COLUMNS", "The width the text report fits."),
    ("HOME", "Where ~/.aws is."),
];

const FILES: &[(&str, &str)] = &[
    (
        "$XDG_CONFIG_HOME/secdash/config.toml",
        "The config file (SECDASH_CONFIG or --config name another).",
    ),
    (
        "themes/*.toml",
        "The built-in themes (dark, light, high-contrast) are in the binary; a theme file names one it extends.",
    ),
    (
        "$XDG_STATE_HOME/secdash/",
        "The state directory (SECDASH_STATE_DIR): owner-only.",
    ),
    (
        "$XDG_STATE_HOME/secdash/journal.jsonl",
        "Every action, journalled before it acts: what restore reads.",
    ),
    (
        "$XDG_STATE_HOME/secdash/runbooks/INCIDENT.json",
        "Each incident's runbook, notes and kept CloudTrail readings.",
    ),
    (
        "$XDG_STATE_HOME/secdash/attestations.json",
        "Manual checklist items attested.",
    ),
    ("$XDG_STATE_HOME/secdash/secdash.log", "The log."),
];

/// Text for roff: backslashes and a leading dot or quote escaped.
fn roff(text: &str) -> String {
    let t = text.replace('\\', "\\e").replace('-', "\\-");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}

fn section(w: &mut dyn Write, title: &str, rows: &[(String, String)]) -> std::io::Result<()> {
    writeln!(w, ".SH {title}")?;
    for (term, text) in rows {
        writeln!(w, ".TP\n\\fB{}\\fR\n{}", roff(term), roff(text))?;
    }
    Ok(())
}

/// The whole page.
pub fn render(w: &mut dyn Write) -> std::io::Result<()> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let exit = cmd
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let man = clap_mangen::Man::new(cmd);
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    man.render_subcommands_section(w)?;
    writeln!(w, ".SH \"EXIT STATUS\"\n{}", roff(&exit))?;
    let env: Vec<(String, String)> = ENVIRONMENT
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    section(w, "ENVIRONMENT", &env)?;
    let files: Vec<(String, String)> = FILES
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    section(w, "FILES", &files)?;
    let keymap = Keymap::default();
    let mut keys: Vec<(String, String)> = Action::ALL
        .iter()
        .map(|a| (keymap.label(*a), a.description().to_string()))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    // Not a binding: the terminal's own.
    keys.push((
        "ctrl-z".into(),
        "suspend to the shell; fg redraws the dashboard".into(),
    ));
    section(w, "KEYS", &keys)?;
    man.render_version_section(w)
}
