//! The command line: the contract scripts and operators depend on. Its flags, verbs, output
//! formats and exit codes are named here once; the entry points (`run`) and the reporters read
//! them.

use crate::action::kinds::{self, Target};
use crate::action::plan::ActionKind;
use crate::model::PaneId;
use clap::{Args, Parser};
use std::path::PathBuf;

/// Exit codes, documented in the README: `--once` uses all four, the action verbs 0, 1 and 2.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FATAL: i32 = 1;
    pub const PARTIAL: i32 = 2;
    pub const FAIL_ON: i32 = 3;
}

/// What `--once` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
    /// OCSF 1.5.0 events, one a line (Compliance Finding, Detection Finding).
    Ocsf,
}

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
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Serve the built-in demo scenario instead of AWS.
    #[arg(long)]
    pub demo: bool,

    /// Print one snapshot to stdout and exit, without taking over the terminal.
    #[arg(long)]
    pub once: bool,

    /// Snapshot format for --once.
    #[arg(long, value_enum, default_value = "text", requires = "once")]
    pub format: Format,

    /// With --once --format text: list every API call by operation, not only their number.
    #[arg(short, long, requires = "once")]
    pub verbose: bool,

    /// With --once, exit 3 when anything is at or above this level.
    #[arg(long, value_name = "never|low|medium|high|critical")]
    pub fail_on: Option<String>,

    /// With --once: an earlier `--format json` snapshot; the report says what changed since
    /// (`changes` in JSON, "Since the last run" in text and Markdown).
    #[arg(long, value_name = "PREVIOUS.json", requires = "once")]
    pub baseline: Option<PathBuf>,

    /// With --baseline: the exit code counts only what is new since it (cron pages once).
    #[arg(long, requires = "baseline")]
    pub fail_on_new: bool,

    /// Time window for endpoint metrics, e.g. 15m, 1h, 1d.
    #[arg(long, value_name = "DURATION")]
    pub window: Option<String>,

    /// AWS region to watch; repeat it or give a comma list.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,

    /// AWS profile from ~/.aws/config.
    #[arg(long)]
    pub profile: Option<String>,

    /// Only this one of the config's [[accounts]]; repeat it for several.
    #[arg(long = "account", value_name = "NAME")]
    pub accounts: Vec<String>,

    /// Config file (default: $XDG_CONFIG_HOME/secdash/config.toml, or $SECDASH_CONFIG).
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// Theme: dark, light, high-contrast, or a path to a .toml theme file.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,

    /// The incident this session's actions belong to, shown in the header (default:
    /// $SECDASH_INCIDENT, `incident` in the config, else adhoc-YYYYMMDD).
    #[arg(long, value_name = "ID")]
    pub incident: Option<String>,

    /// Hide and refuse every action that would change anything.
    #[arg(long)]
    pub read_only: bool,

    /// Log file (default: secdash.log in the state directory).
    #[arg(long, value_name = "PATH", global = true)]
    pub log_file: Option<PathBuf>,

    /// Demo only: serve N copies of the scenario, or endpoints=N,groups=N,findings=N (for
    /// trying secdash at scale).
    #[arg(long, value_name = "SCALE", requires = "demo", value_parser = crate::source::demo::Scale::parse)]
    pub demo_scale: Option<crate::source::demo::Scale>,

    /// Measurement hook for benchmarks: exit right after the first frame is drawn.
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,

    /// Demo only: the platform as three accounts (dev, staging, prod), as [[accounts]] shows
    /// them; actions are rehearsed in dev and staging, prod has no responder role.
    #[arg(long, requires = "demo")]
    pub demo_accounts: bool,

    /// Demo only: make this pane's fetch fail, to see how failures look.
    #[arg(long, value_name = "PANE", requires = "demo", value_parser = parse_pane)]
    pub demo_fail: Vec<PaneId>,
}

/// What every action command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct ActionOpts {
    /// Show the plan and EC2's DryRun verdict; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required without a terminal).
    #[arg(long)]
    pub yes: bool,
    /// The incident this action belongs to (default: $SECDASH_INCIDENT, else adhoc-YYYYMMDD).
    #[arg(long, value_name = "ID")]
    pub incident: Option<String>,
    /// The resource's AWS region (default: the configured region).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// AWS profile from ~/.aws/config.
    #[arg(long)]
    pub profile: Option<String>,
    /// Refuse the change: the plan is shown and nothing is done.
    #[arg(long)]
    pub read_only: bool,
}

/// What `secdash trail` writes.
/// An action verb of the registry, its typed target and its options.
#[derive(Debug, Clone)]
pub struct ActionVerb {
    pub kind: ActionKind,
    pub target: Target,
    /// `restore --force`: lift a session revocation early.
    pub force: bool,
    pub opts: ActionOpts,
}

impl clap::FromArgMatches for ActionVerb {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let missing = || clap::Error::new(clap::error::ErrorKind::MissingSubcommand);
        let (verb, args) = matches.subcommand().ok_or_else(missing)?;
        let spec = kinds::by_verb(verb).ok_or_else(missing)?;
        Ok(ActionVerb {
            kind: spec.kind(),
            target: spec.target_from_args(args),
            force: args
                .try_get_one::<bool>("force")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(false),
            opts: ActionOpts::from_arg_matches(args)?,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = ActionVerb::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Subcommand for ActionVerb {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        kinds::REGISTRY.iter().fold(cmd, |cmd, spec| {
            // The shared options are added first: their own description would otherwise stand
            // for every verb's.
            let verb = ActionOpts::augment_args(spec.args(clap::Command::new(spec.verb())))
                .about(spec.about().trim_end_matches('.'))
                .long_about(None);
            cmd.subcommand(verb)
        })
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        ActionVerb::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        kinds::by_verb(name).is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TrailFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// The incident-response actions: one verb per entry of the action registry
    /// (`action::kinds`), each with its target and the options every action takes.
    #[command(flatten)]
    Act(ActionVerb),
    /// The CloudTrail timeline of an access key, a user, a role or a resource: source IPs and
    /// user agents first, then the calls to look at first (defence evasion, model tampering,
    /// persistence, credential and data access, compute for mining, denied calls), then every
    /// event.
    #[command(group(clap::ArgGroup::new("subject").required(true).args(["access_key", "user", "role", "resource"])))]
    Trail {
        /// Events made with this access key (AKIA… or a session's ASIA…).
        #[arg(long, value_name = "ID", value_parser = parse_access_key)]
        access_key: Option<String>,
        /// Events made by this IAM user.
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// Events naming this role (its AssumeRole calls), and those of the session keys they
        /// handed out.
        #[arg(long, value_name = "NAME")]
        role: Option<String>,
        /// Events naming this resource (an instance, a group, a bucket, an ARN).
        #[arg(long, value_name = "ID")]
        resource: Option<String>,
        /// How far back: 30m, 24h, 7d (CloudTrail keeps 90 days).
        #[arg(long, value_name = "DURATION", default_value = "24h")]
        since: String,
        /// Regions to read, in parallel; repeat it or give a comma list (default: the
        /// configured regions).
        #[arg(long = "region", value_name = "REGION")]
        regions: Vec<String>,
        /// AWS profile from ~/.aws/config.
        #[arg(long)]
        profile: Option<String>,
        /// Text for people, JSON for scripts, Markdown for a ticket.
        #[arg(long, value_enum, default_value = "text")]
        format: TrailFormat,
        /// Keep the highlights and the source IPs for this incident's report
        /// (`secdash runbook report`).
        #[arg(long, value_name = "ID")]
        incident: Option<String>,
    },
    /// Attest a manual checklist item (access reviews): it passes until it is due again.
    Attest {
        /// The checklist item's id (access.reviews).
        #[arg(value_name = "ITEM")]
        item: String,
        /// Who did it.
        #[arg(long, value_name = "NAME")]
        by: String,
        /// What was reviewed, kept with the attestation.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// List the journal of actions, and the lines that could not be read.
    Journal {
        /// Only this incident's actions.
        #[arg(long, value_name = "ID")]
        incident: Option<String>,
        /// Text for people, JSON for scripts.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
        /// Say you have seen the damaged lines: new actions are allowed again.
        #[arg(long)]
        acknowledge: bool,
    },
    /// The incident-response runbook.
    Runbook {
        #[command(subcommand)]
        command: RunbookCommand,
    },
    /// Print a shell completion script: `secdash completions bash > …` (see the README).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from these definitions: `secdash man | man -l -`.
    Man {
        /// Write secdash.1 and a page per subcommand (secdash-isolate.1, …) into this
        /// directory instead, e.g. ~/.local/share/man/man1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

impl Command {
    /// What an action verb was given (`None` for the other commands).
    pub fn action_opts(&self) -> Option<&ActionOpts> {
        match self {
            Command::Act(verb) => Some(&verb.opts),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum RunbookCommand {
    /// Start the runbook of an incident.
    Start {
        /// The incident's id (INC-2041).
        #[arg(long, value_name = "ID")]
        incident: String,
    },
    /// Show each step and its status.
    Status {
        /// The incident's id.
        #[arg(long, value_name = "ID")]
        incident: String,
    },
    /// Mark a step done or skipped, or add a note to the incident.
    Note {
        /// The incident's id.
        #[arg(long, value_name = "ID")]
        incident: String,
        /// The step (alarms, cloudtrail, guardduty, security_groups, credentials, isolate, backups, configs, lessons).
        #[arg(long)]
        step: Option<String>,
        /// Mark the step done.
        #[arg(long, conflicts_with = "skip")]
        done: bool,
        /// Mark the step skipped (say why in the note).
        #[arg(long)]
        skip: bool,
        /// The note's text.
        text: Option<String>,
    },
    /// Write the incident report: steps, timeline of actions, what is still in effect.
    Report {
        /// The incident's id.
        #[arg(long, value_name = "ID")]
        incident: String,
        /// Markdown for a ticket, JSON for scripts.
        #[arg(long, value_enum, default_value = "markdown")]
        format: ReportFormat,
    },
}

/// A whole access key id: CloudTrail matches the whole id, so a prefix finds nothing.
fn parse_access_key(s: &str) -> Result<String, String> {
    let whole = (16..=128).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if whole {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{:?} is not a whole access key id: CloudTrail looks up the whole id (20 characters, like AKIAIOSFODNN7EXAMPLE), not a part of it",
            crate::sanitize::clean_with_limit(s, 40)
        ))
    }
}

fn parse_pane(s: &str) -> Result<PaneId, String> {
    PaneId::parse(s).ok_or_else(|| {
        format!(
            "unknown pane {s:?} (use {})",
            PaneId::ALL.map(|p| p.key()).join(", ")
        )
    })
}
