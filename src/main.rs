//! secdash: parse the command line, resolve config and theme, then run the dashboard or
//! print one snapshot.

use anyhow::Context as _;
use clap::Parser;
use secdash::app::load::Load;
use secdash::app::{AppState, Context};
use secdash::aws::{Options, Session};
use secdash::cli::Cli;
use secdash::config::{self, Config, Env, Overrides, paths};
use secdash::fetch::FetchPlan;
use secdash::report::exit;
use secdash::source::aws::AwsSource;
use secdash::source::{Source, demo::DemoSource};
use secdash::{once, runtime, theme};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are not errors; bad arguments are fatal (exit 1).
            let code = if e.use_stderr() {
                exit::FATAL
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("secdash: {e:#}");
            ExitCode::from(exit::FATAL as u8)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    let env = Env::from_process();
    let explicit = cli.config.clone().or_else(|| {
        std::env::var_os("SECDASH_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let default = paths::default_config_file();
    let (file, file_path) = config::load_file(explicit.as_deref(), default.as_deref())?;
    let overrides = Overrides {
        theme: cli.theme.clone(),
        window: cli.window.clone(),
        regions: cli.regions.clone(),
        profile: cli.profile.clone(),
        read_only: cli.read_only,
        fail_on: cli.fail_on.clone(),
    };
    let config = config::resolve(&file, file_path.as_deref(), &env, &overrides)?;
    let mut theme = theme::load(&config.theme)?;
    if config.no_color {
        theme = theme.without_colors();
    }
    init_logging(cli.log_file.clone());

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    if let Some(command) = cli.command.clone() {
        let state_dir = paths::state_dir().context("no state directory: set SECDASH_STATE_DIR")?;
        return secdash::commands::run(command, &config, &state_dir, &rt);
    }
    let mut actions: Option<secdash::runtime::ActionRunner> = None;
    let source: Arc<dyn Source> = if cli.demo {
        Arc::new(DemoSource {
            failing: cli.demo_fail.clone(),
            scale: cli.demo_scale.unwrap_or_default(),
            ..DemoSource::new()
        })
    } else {
        let session = rt.block_on(Session::connect(&Options {
            profile: config.profile.clone(),
            home_region: config.regions[0].clone(),
            // The SDK reads AWS_ENDPOINT_URL (and per-service overrides) itself.
            endpoint_url: None,
        }));
        // Said once, plainly, before anything is drawn: the panes would all fail the same way.
        rt.block_on(session.check_credentials())
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context(
                "cannot reach AWS (`secdash --demo` shows the dashboard without an account)",
            )?;
        let aws = Arc::new(AwsSource::new(&session, &config.regions));
        if let Some(dir) = paths::state_dir() {
            actions = Some(secdash::runtime::ActionRunner {
                session,
                journal: secdash::action::journal::Journal::in_dir(&dir),
                profile: config.profile.clone(),
                incident: secdash::commands::default_incident(),
                read_only: config.read_only,
            });
        }
        aws
    };

    let mut state = initial_state(&config, source.as_ref());
    let state_dir = paths::state_dir();
    state.incident.id = secdash::commands::default_incident();
    if let Some(dir) = &state_dir {
        state.incident.runbook = secdash::action::runbook::load(dir, &state.incident.id).ok();
        if let Ok(records) = secdash::action::journal::Journal::in_dir(dir).read() {
            state.incident.entries = secdash::action::journal::entries(&records)
                .into_iter()
                .filter(|e| e.incident == state.incident.id)
                .collect();
        }
    }
    if let Some(runner) = &actions {
        // A half-done action from an earlier session is shown at once.
        state.context.unfinished = runner
            .journal
            .read()
            .map(|r| secdash::action::journal::entries(&r))
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.status == secdash::action::journal::EntryStatus::Incomplete)
            .map(|e| format!("{} {} ({})", e.action.verb(), e.target, e.entry))
            .collect();
    }
    let plan = FetchPlan {
        source,
        window: config.window,
        regions: config.regions.clone(),
        thresholds: config.thresholds.clone(),
        accepted: if cli.demo {
            // The demo team's own accepted risk, so every checklist status is on show.
            let mut accepted = config.accepted.clone();
            accepted.extend(secdash::source::demo::team_acceptances(chrono::Utc::now()));
            accepted
        } else {
            config.accepted.clone()
        },
        attestation_period: config.attestation_period,
        state_dir: state_dir.clone(),
    };

    if cli.once {
        let state = rt.block_on(once::fetch_all(state, &plan));
        let stdout = std::io::stdout();
        let color = stdout.is_terminal() && !config.no_color;
        let code = once::write(
            &state,
            config.fail_on,
            cli.format,
            color,
            &mut stdout.lock(),
        )
        .context("writing the snapshot")?;
        return Ok(code);
    }
    if !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "stdout is not a terminal: use --once for a snapshot (text, json or markdown)"
        );
    }
    let options = runtime::Options {
        exit_after_first_frame: cli.exit_after_first_frame,
    };
    rt.block_on(runtime::run(
        &config, &theme, state, plan, actions, state_dir, options,
    ))?;
    Ok(exit::OK)
}

fn initial_state(config: &Config, source: &dyn Source) -> AppState {
    let context = Context {
        source: source.kind(),
        regions: config.regions.clone(),
        profile: config.profile.clone(),
        endpoint_url: config.endpoint_url.clone(),
        read_only: config.read_only,
        window: config.window,
        identity: Load::NotLoaded,
        unfinished: Vec::new(),
    };
    let mut state = AppState::new(
        context,
        config.keymap.clone(),
        config.thresholds.clone(),
        chrono::Utc::now(),
    );
    for pane in secdash::model::PaneId::ALL {
        state
            .refresh_seconds
            .insert(pane, config.refresh.for_pane(pane).as_secs());
    }
    state
}

/// Logs go to a file, never to the screen the TUI owns or the stdout `--once` owns.
fn init_logging(explicit: Option<PathBuf>) {
    let path = explicit.or_else(|| paths::state_dir().map(|d| d.join("secdash.log")));
    let Some(path) = path else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SECDASH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}
