//! The three edges where secdash meets the world: the interactive session (`tui`), the one-shot
//! snapshot (`once`) and the command-line verbs (`commands`). Everything below them is pure or
//! talks to AWS through the source and the executor; everything here reads the terminal, the
//! files and the clock.

mod acting;
pub mod commands;
mod effects;
mod fetcher;
mod man;
pub mod memory;
pub mod once;
pub mod responders;
pub mod startup;
pub mod trail;
pub mod tui;
mod watch;
mod wiring;

use crate::action::journal::Journal;
use crate::aws::Session;
use crate::cli::Cli;
use crate::cli::exit;
use crate::config::accounts::Reach;
use crate::config::{self, Config, Env, Overrides, paths};
use crate::fetch::FetchPlan;
use crate::source::accounts::{AccountsSource, Member};
use crate::source::aws::AwsSource;
use crate::source::{Source, demo};
use crate::theme;
use anyhow::Context as _;
use std::io::IsTerminal;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// Runs what the command line asks for; returns the process's exit code.
pub fn main(cli: Cli) -> anyhow::Result<i32> {
    memory::large_blocks_mapped();
    // Generated from the definitions alone: a broken config does not stop them.
    if let Some(code) = generated(&cli)? {
        return Ok(code);
    }
    let (config, env, theme) = configure(&cli)?;
    init_logging(&config, cli.log_file.clone());
    log_panics(false);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    if let Some(command) = cli.command.clone() {
        if cli.demo {
            anyhow::bail!(
                "--demo is the dashboard's: its actions are rehearsed in `secdash --demo`; the action \
                 commands act on AWS, so run them without --demo"
            );
        }
        let state_dir = config
            .state_dir
            .clone()
            .context("no state directory: set SECDASH_STATE_DIR")?;
        return commands::run(command, &config, &state_dir, &rt);
    }
    let wiring = match cli.demo {
        true => wiring::demo(&cli, &config)?,
        false => wiring::aws(&config, &rt)?,
    };
    let now = chrono::Utc::now();
    let state = first_state(&cli, &config, &wiring, now);
    let plan = fetch_plan(&cli, &config, wiring.source.clone(), now);
    if cli.once {
        return snapshot(
            &cli,
            &config,
            &env,
            &rt,
            state,
            &plan,
            wiring.platform.as_deref(),
        );
    }
    if !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "stdout is not a terminal: use --once for a snapshot (text, json or markdown)"
        );
    }
    let options = tui::Options {
        exit_after_first_frame: cli.exit_after_first_frame,
    };
    rt.block_on(tui::run(
        &config,
        &theme,
        state,
        plan,
        wiring.actions,
        wiring.state_dir,
        options,
    ))?;
    // The rehearsal's journal and runbooks go with it.
    drop(wiring.rehearsal_dir);
    Ok(exit::OK)
}

/// Completions and man pages, from the command line's definitions alone (`None`: another
/// command).
fn generated(cli: &Cli) -> anyhow::Result<Option<i32>> {
    use clap::CommandFactory;
    match &cli.command {
        Some(crate::cli::Command::Completions { shell }) => {
            let mut cmd = Cli::command();
            clap_complete::generate(*shell, &mut cmd, "secdash", &mut std::io::stdout());
        }
        Some(crate::cli::Command::Man { dir: Some(dir) }) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(Cli::command(), dir)
                .with_context(|| format!("writing the man pages into {}", dir.display()))?;
            // The main page with the sections clap cannot know.
            let page = dir.join("secdash.1");
            let mut f = std::fs::File::create(&page)
                .with_context(|| format!("writing {}", page.display()))?;
            man::render(&mut f).with_context(|| format!("writing {}", page.display()))?;
            println!("man pages written to {}", dir.display());
        }
        Some(crate::cli::Command::Man { dir: None }) => {
            man::render(&mut std::io::stdout()).context("writing the man page")?
        }
        _ => return Ok(None),
    }
    Ok(Some(exit::OK))
}

/// The configuration (defaults < file < environment < command line), the environment it was
/// read from, and the theme.
fn configure(cli: &Cli) -> anyhow::Result<(Config, Env, theme::Theme)> {
    let env = match cli.demo {
        true => Env::from_process().without_aws(),
        false => Env::from_process(),
    };
    let explicit = cli.config.clone().or_else(|| env.config_file.clone());
    let default = paths::default_config_file();
    let (file, file_path) = config::load_file(explicit.as_deref(), default.as_deref())?;
    let mut config = config::resolve(&file, file_path.as_deref(), &env, &overrides(cli))?;
    if cli.demo {
        config = config.for_demo(demo::REGION);
    }
    let mut theme = theme::load(&config.theme)?;
    if config.no_color {
        theme = theme.without_colors();
    } else if !config.truecolor {
        theme = theme.in_256_colours();
    }
    Ok((config, env, theme))
}

/// What the command line sets over the file and the environment. An action verb and `trail`
/// take their own --region, --profile and --read-only (they apply to it).
fn overrides(cli: &Cli) -> Overrides {
    let action = cli.command.as_ref().and_then(|c| c.action_opts());
    let (verb_regions, verb_profile) = match (&cli.command, action) {
        (
            Some(crate::cli::Command::Trail {
                regions, profile, ..
            }),
            _,
        ) => (regions.clone(), profile.clone()),
        (_, Some(opts)) => (opts.regions.clone(), opts.profile.clone()),
        _ => (vec![], None),
    };
    Overrides {
        theme: cli.theme.clone(),
        window: cli.window.clone(),
        regions: if verb_regions.is_empty() {
            cli.regions.clone()
        } else {
            verb_regions
        },
        profile: verb_profile.or_else(|| cli.profile.clone()),
        read_only: cli.read_only || action.is_some_and(|o| o.read_only),
        fail_on: cli.fail_on.clone(),
        incident: cli.incident.clone(),
        accounts: cli.accounts.clone(),
    }
}

/// The state a session starts from: the config's, the journal's and runbook's, the accounts.
fn first_state(
    cli: &Cli,
    config: &Config,
    wiring: &wiring::Wiring,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::app::AppState {
    let recorded = match &wiring.state_dir {
        Some(dir) => recorded(dir, config, now),
        None => startup::Recorded::default(),
    };
    let mut state = startup::initial_state(config, wiring.source.kind(), recorded, now);
    if let Some(p) = &wiring.platform {
        state.context.accounts = p.statuses().into_iter().map(|s| s.name).collect();
        state.context.no_action = wiring.no_action.clone();
        // Said in the header: what costs a read per account, AWS not aggregating it.
        if config.aggregation.guardduty_admin.is_none() {
            state.context.fanned_out.push("findings");
        }
        if config.aggregation.cloudwatch_monitoring.is_none() {
            state.context.fanned_out.push("metrics");
        }
    }
    state.context.rehearsal = wiring.actions.is_some() && cli.demo;
    state
}

/// What every fetch of the session shares.
fn fetch_plan(
    cli: &Cli,
    config: &Config,
    source: Arc<dyn Source>,
    now: chrono::DateTime<chrono::Utc>,
) -> FetchPlan {
    let mut accepted = config.accepted.clone();
    if cli.demo {
        // The demo team's own accepted risk, so every checklist status is on show.
        accepted.extend(demo::team_acceptances(now));
    }
    FetchPlan {
        source,
        window: config.window,
        regions: config.regions.clone(),
        thresholds: config.thresholds.clone(),
        accepted,
        attestation_period: config.attestation_period,
        // The team's attestations, read as they are (the demo's checklist too).
        state_dir: config.state_dir.clone(),
        failpoint: config.failpoint.clone(),
        // The filter's index is the screen's: a snapshot never filters.
        search_index: !cli.once,
    }
}

/// `--once`: every pane fetched once, the snapshot written to stdout; its exit code.
fn snapshot(
    cli: &Cli,
    config: &Config,
    env: &Env,
    rt: &tokio::runtime::Runtime,
    state: crate::app::AppState,
    plan: &FetchPlan,
    platform: Option<&AccountsSource>,
) -> anyhow::Result<i32> {
    // Read before anything is fetched: a wrong path is said at once.
    let baseline = match &cli.baseline {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the baseline {}", path.display()))?;
            Some(
                crate::report::baseline::parse(&text)
                    .map_err(|why| anyhow::anyhow!("the baseline {} {why}", path.display()))?,
            )
        }
        None => None,
    };
    let state = rt.block_on(once::fetch_all(state, plan));
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    // On a terminal the text fits its width ($COLUMNS, else the terminal's own); a pipe or a
    // file gets whole lines.
    let width = terminal.then(|| {
        env.columns
            .or_else(|| {
                crossterm::terminal::size()
                    .ok()
                    .map(|(w, _)| usize::from(w))
            })
            .unwrap_or(crate::report::TextOptions::MIN_WIDTH)
            .max(crate::report::TextOptions::MIN_WIDTH)
    });
    let text_options = crate::report::TextOptions {
        color: terminal && !config.no_color,
        width,
        verbose: cli.verbose,
    };
    // Buffered: stdout is line-buffered, and pretty JSON is a line per field.
    once::write(
        &state,
        platform.map(once::accounts),
        config.fail_on,
        baseline.as_ref().map(|b| (b, cli.fail_on_new)),
        cli.format,
        text_options,
        &mut std::io::BufWriter::new(stdout.lock()),
    )
    .context("writing the snapshot")
}

/// What the state directory holds for this session: the journal and the incident's runbook.
fn recorded(
    dir: &std::path::Path,
    config: &Config,
    now: chrono::DateTime<chrono::Utc>,
) -> startup::Recorded {
    startup::Recorded {
        journal: Journal::in_dir(dir)
            .read()
            .map(|r| r.journalled())
            .unwrap_or_default(),
        runbook: crate::action::runbook::load(dir, &config.incident_or_adhoc(now)).ok(),
    }
}

/// A panic is written to the log, never over the screen. A fetch task's panic becomes its
/// pane's error and the session goes on (so the terminal stays the dashboard's); one on the
/// main thread ends secdash: the terminal is restored first (`owns_terminal`), then one plain
/// line says so.
pub fn log_panics(owns_terminal: bool) {
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!("internal error{at}: {message}");
        if std::thread::current().name() == Some("main") {
            if owns_terminal {
                give_back_terminal();
            }
            // Never a panic inside the hook (a hung-up terminal fails every write): that would
            // abort, and the demo's rehearsal directory would outlive the session.
            let _ = writeln!(
                std::io::stderr(),
                "secdash: internal error{at}: {}; details in the log",
                crate::sanitize::clean(&message)
            );
        }
    }));
}

/// Restores the terminal, quietly: after a hang-up there is no terminal to restore or to say so
/// on (ratatui's own `restore` would print, and printing to a closed terminal panics).
/// Bracketed paste and the mouse were asked of the terminal: they are switched off with it.
static INPUT_MODES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Pasted text arrives as one event (not as keys that could trigger bindings), and the mouse
/// is the dashboard's when the config allows.
pub fn take_input_modes(mouse: bool) {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), MouseClicksAndDrags(true));
    }
    INPUT_MODES.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Mouse reporting of clicks, drags and the wheel (1000, 1002) in SGR form (1006), without
/// every motion (1003, which crossterm's capture asks for too and which is chatty over ssh).
/// Switching it off also switches off what an older secdash asked for.
struct MouseClicksAndDrags(bool);

impl crossterm::Command for MouseClicksAndDrags {
    fn write_ansi(&self, f: &mut impl std::fmt::Write) -> std::fmt::Result {
        if self.0 {
            f.write_str("\x1b[?1000h\x1b[?1002h\x1b[?1006h")
        } else {
            f.write_str("\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l")
        }
    }
}

pub fn give_back_terminal() {
    if INPUT_MODES.swap(false, std::sync::atomic::Ordering::SeqCst) {
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::event::DisableBracketedPaste,
            MouseClicksAndDrags(false)
        );
    }
    if let Err(e) = ratatui::try_restore() {
        tracing::warn!(error = %e, "restoring the terminal");
    }
}

/// Logs go to a file, never to the screen the TUI owns or the stdout `--once` owns: by default
/// in the state directory, owner-only like everything there.
fn init_logging(config: &Config, explicit: Option<PathBuf>) {
    let file = match (explicit, &config.state_dir) {
        (Some(path), _) => {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(&path)
                .map_err(|e| e.to_string())
        }
        (None, Some(dir)) => {
            crate::files::open_log(&dir.join("secdash.log")).map_err(|e| e.to_string())
        }
        (None, None) => return,
    };
    let file = match file {
        Ok(f) => f,
        Err(e) => {
            // Not fatal: the dashboard works without a log. Said once, before the screen.
            let _ = writeln!(std::io::stderr(), "secdash: no log file: {e}");
            return;
        }
    };
    let filter = config
        .log_filter
        .as_deref()
        .and_then(|f| tracing_subscriber::EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}

/// The platform's accounts: the config's, and an `[organization]`'s as listed, narrowed by
/// `--account`.
pub(super) async fn platform_accounts(
    base: &Session,
    config: &Config,
) -> anyhow::Result<Vec<config::accounts::AccountConfig>> {
    let mut accounts = config.accounts.clone();
    if let Some(org) = &config.organization {
        let listed = crate::source::aws::organization::accounts(base)
            .await
            .map_err(|e| anyhow::anyhow!("listing the organization's accounts: {e}"))?;
        for found in org.members(&listed) {
            if !accounts.iter().any(|a| a.name == found.name) {
                accounts.push(found);
            }
        }
        accounts = config::accounts::narrow(accounts, &config.chosen_accounts)?;
        for (key, name) in config.aggregation.accounts() {
            if !accounts.iter().any(|a| a.name == name) {
                anyhow::bail!(
                    "aggregation.{key} names {name:?}, which is not one of the organization's accounts read ({})",
                    config::accounts::names(&accounts)
                );
            }
        }
    }
    if accounts.is_empty() {
        anyhow::bail!(
            "no account to read: the organization has no active account matching [organization] accounts"
        );
    }
    Ok(accounts)
}

/// The platform's accounts as one source: each account's session (its role assumed from the
/// base credentials, or its profile) and its own regions.
async fn accounts_source(
    base: &Session,
    config: &Config,
    accounts: &[config::accounts::AccountConfig],
    caller: Arc<dyn Source>,
) -> AccountsSource {
    let mut members = Vec::new();
    for a in accounts {
        let session = match &a.reach {
            Reach::Role { arn, external_id } => base.assuming(arn, external_id.as_deref()).await,
            Reach::Profile(profile) => base.with_profile(profile).await,
        };
        let regions = a.regions.clone().unwrap_or_else(|| config.regions.clone());
        // A profile no file defines fails its account: never the base credentials' instead.
        let source: Arc<dyn Source> = match session.check_profile() {
            Ok(()) => Arc::new(AwsSource::new(&session, &regions)),
            Err(e) => Arc::new(crate::source::accounts::Unreachable(e)),
        };
        // A role's ARN names its account: no call asks who it is.
        let id = match &a.reach {
            Reach::Role { arn, .. } => config::accounts::role_account(arn).map(str::to_string),
            Reach::Profile(_) => None,
        };
        members.push(Member {
            name: a.name.clone(),
            reach: a.reach.describe(),
            id,
            source,
        });
    }
    let aggregation = &config.aggregation;
    let hub = aggregation.security_hub_admin.as_ref();
    let aggregator = aggregation.config_aggregator.as_ref();
    AccountsSource::new(members, caller, config.account_concurrency)
        .with_guardduty_admin(aggregation.guardduty_admin.as_deref())
        .with_cloudwatch_monitoring(aggregation.cloudwatch_monitoring.as_deref())
        .with_security_hub(
            hub.map(|p| p.account.as_str()),
            hub.and_then(|p| p.region.clone()),
        )
        .with_config_aggregator(
            aggregator.map(|p| p.account.as_str()),
            aggregator
                .and_then(|p| p.aggregator.as_deref())
                .unwrap_or_default(),
            aggregator.and_then(|p| p.region.clone()),
        )
        // Accounts named with --account are opened: read from themselves too.
        .opening_all(!config.chosen_accounts.is_empty())
}

#[cfg(test)]
mod tests {
    /// #32: the mouse is asked for clicks, drags and the wheel, not every motion.
    #[test]
    fn the_mouse_reports_clicks_and_drags_not_every_motion() {
        use crossterm::Command;
        let mut on = String::new();
        super::MouseClicksAndDrags(true)
            .write_ansi(&mut on)
            .unwrap();
        assert!(on.contains("?1002h") && on.contains("?1006h"), "{on:?}");
        assert!(!on.contains("1003"), "{on:?}");
        let mut off = String::new();
        super::MouseClicksAndDrags(false)
            .write_ansi(&mut off)
            .unwrap();
        for mode in ["1000l", "1002l", "1003l", "1006l"] {
            assert!(off.contains(mode), "{mode}: {off:?}");
        }
    }
}
