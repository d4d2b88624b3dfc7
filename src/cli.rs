//! The command line.

use crate::model::PaneId;
use crate::report::Format;
use clap::Parser;
use std::path::PathBuf;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "secdash",
    version,
    about = "A terminal security dashboard for AWS SageMaker ML infrastructure",
    after_help = "Exit codes with --once: 0 complete and nothing at or above --fail-on; \
                  3 something at or above --fail-on; 2 a source failed (partial snapshot); \
                  1 fatal error (bad arguments, config or credentials)."
)]
pub struct Cli {
    /// Serve the built-in demo scenario instead of AWS.
    #[arg(long)]
    pub demo: bool,

    /// Print one snapshot to stdout and exit, without taking over the terminal.
    #[arg(long)]
    pub once: bool,

    /// Snapshot format for --once.
    #[arg(long, value_enum, default_value = "text", requires = "once")]
    pub format: Format,

    /// With --once, exit 3 when anything is at or above this level.
    #[arg(long, value_name = "never|low|medium|high|critical")]
    pub fail_on: Option<String>,

    /// Time window for endpoint metrics, e.g. 15m, 1h, 1d.
    #[arg(long, value_name = "DURATION")]
    pub window: Option<String>,

    /// AWS region to watch; repeat it or give a comma list.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,

    /// AWS profile from ~/.aws/config.
    #[arg(long)]
    pub profile: Option<String>,

    /// Config file (default: $XDG_CONFIG_HOME/secdash/config.toml, or $SECDASH_CONFIG).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Theme: dark, light, high-contrast, or a path to a .toml theme file.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,

    /// Hide and refuse every action that would change anything.
    #[arg(long)]
    pub read_only: bool,

    /// Log file (default: secdash.log in the state directory).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Demo only: make this pane's fetch fail, to see how failures look.
    #[arg(long, value_name = "PANE", requires = "demo", value_parser = parse_pane)]
    pub demo_fail: Vec<PaneId>,
}

fn parse_pane(s: &str) -> Result<PaneId, String> {
    PaneId::parse(s).ok_or_else(|| {
        format!(
            "unknown pane {s:?} (use {})",
            PaneId::ALL.map(|p| p.key()).join(", ")
        )
    })
}
