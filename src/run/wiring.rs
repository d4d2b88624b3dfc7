//! Where a session's data comes from and where its actions go: the demo's scenario (and its
//! rehearsal account, or three of them), or AWS through the credentials (and each configured
//! account's role or profile). Decided once, here, for the screen and `--once`.

use super::acting::{ActionRunner, Backend};
use super::{Cli, accounts_source, platform_accounts};
use crate::action::journal::Journal;
use crate::aws::{Options, Session};
use crate::config::{self, Config, accounts::Reach};
use crate::source::accounts::{AccountsSource, Member};
use crate::source::aws::AwsSource;
use crate::source::{Source, demo};
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a session reads and acts on.
pub struct Wiring {
    pub source: Arc<dyn Source>,
    /// The platform's accounts, when several are watched.
    pub platform: Option<Arc<AccountsSource>>,
    /// Accounts of several where no action is taken, and why.
    pub no_action: BTreeMap<String, String>,
    /// Where actions run (none without a state directory to journal them in).
    pub actions: Option<ActionRunner>,
    /// The demo's own state directory, removed when the session ends.
    pub rehearsal_dir: Option<tempfile::TempDir>,
    /// Where the journal and the runbooks are: the demo's own, or the operator's.
    pub state_dir: Option<PathBuf>,
}

/// The actions' runner for a backend, journalling in `dir`.
fn runner(
    config: &Config,
    backend: Backend,
    responders: Option<Arc<super::responders::Responders>>,
    dir: &Path,
) -> ActionRunner {
    ActionRunner {
        backend,
        responders,
        journal: Journal::in_dir(dir),
        profile: config.profile.clone(),
        read_only: config.read_only,
        failpoint: config.failpoint.clone(),
    }
}

/// The demo: its scenario, and (on the screen) its rehearsal in a state directory of its own,
/// removed when it ends, so nothing it journals can appear in a real incident.
pub fn demo(cli: &Cli, config: &Config) -> anyhow::Result<Wiring> {
    let rehearsal_dir = match cli.once {
        true => None,
        false => Some(
            tempfile::Builder::new()
                .prefix("secdash-demo-")
                .tempdir()
                .context("creating the demo's own state directory")?,
        ),
    };
    let state_dir = rehearsal_dir.as_ref().map(|d| d.path().to_path_buf());
    let scenario = |account: Option<&str>| demo::DemoSource {
        account: account.map_or_else(|| demo::DemoSource::new().account, str::to_string),
        failing: cli.demo_fail.clone(),
        scale: cli.demo_scale.unwrap_or_default(),
        ..demo::DemoSource::new()
    };
    let mut wiring = Wiring {
        source: Arc::new(scenario(None)),
        platform: None,
        no_action: BTreeMap::new(),
        actions: None,
        rehearsal_dir: None,
        state_dir,
    };
    if cli.demo_accounts {
        demo_accounts(config, &mut wiring, &scenario);
    } else if let Some(dir) = &wiring.state_dir {
        let (source, world) = scenario(None).with_world();
        wiring.actions = Some(runner(config, Backend::Rehearsal(world), None, dir));
        wiring.source = Arc::new(source);
    }
    wiring.rehearsal_dir = rehearsal_dir;
    Ok(wiring)
}

/// `--demo-accounts`: three accounts, each rehearsing in a world of its own; prod has no
/// responder role, to show what a row of such an account says.
fn demo_accounts(
    config: &Config,
    wiring: &mut Wiring,
    scenario: &dyn Fn(Option<&str>) -> demo::DemoSource,
) {
    let mut worlds = BTreeMap::new();
    let rehearsing = wiring.state_dir.is_some();
    let mut member = |name: &str, id: &str| {
        let mut source = scenario(Some(id));
        if rehearsing && name != "prod" {
            let (s, world) = source.with_world();
            worlds.insert(id.to_string(), world);
            source = s;
        }
        Member {
            name: name.to_string(),
            reach: format!("role arn:aws:iam::{id}:role/SecdashReadOnly"),
            id: Some(id.to_string()),
            source: Arc::new(source),
        }
    };
    let members = vec![
        member("dev", "111111111111"),
        member("staging", "222222222222"),
        member("prod", "333333333333"),
    ];
    wiring.no_action.insert(
        "prod".to_string(),
        "account prod has no responder role: actions there need responder_role_arn in its [[accounts]] entry (or [organization] responder_role)".to_string(),
    );
    if let Some(dir) = &wiring.state_dir {
        wiring.actions = Some(runner(
            config,
            Backend::RehearsalAccounts(worlds),
            None,
            dir,
        ));
    }
    let many = Arc::new(AccountsSource::new(
        members,
        wiring.source.clone(),
        config.account_concurrency,
    ));
    wiring.platform = Some(many.clone());
    wiring.source = many;
}

/// AWS: the session of the credentials, checked once before anything is drawn, and the
/// platform's accounts when several are configured.
pub fn aws(config: &Config, rt: &tokio::runtime::Runtime) -> anyhow::Result<Wiring> {
    let many_accounts = !config.accounts.is_empty() || config.organization.is_some();
    let session = rt.block_on(Session::connect(&Options {
        profile: config.profile.clone(),
        profile_only: config.profile_only,
        home_region: config.regions[0].clone(),
        // The SDK reads AWS_ENDPOINT_URL (and per-service overrides) itself.
        endpoint_url: None,
        shown_endpoint: config.endpoint_url.clone(),
        profile_files: config.profile_files.clone(),
    }));
    // Said once, plainly, before anything is drawn: the panes would all fail the same way.
    // Accounts reached only through their own profiles do not need the base credentials.
    let base_needed = !many_accounts
        || config.organization.is_some()
        || config
            .accounts
            .iter()
            .any(|a| matches!(a.reach, Reach::Role { .. }));
    if base_needed {
        rt.block_on(session.check_credentials())
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context(
                "cannot reach AWS (`secdash --demo` shows the dashboard without an account)",
            )?;
    }
    let aws: Arc<dyn Source> = Arc::new(AwsSource::new(&session, &config.regions));
    let state_dir = config.state_dir.clone();
    let mut wiring = Wiring {
        source: aws.clone(),
        platform: None,
        no_action: BTreeMap::new(),
        actions: None,
        rehearsal_dir: None,
        state_dir: state_dir.clone(),
    };
    if !many_accounts {
        wiring.actions = state_dir
            .as_deref()
            .map(|dir| runner(config, Backend::Aws(Box::new(session)), None, dir));
        return Ok(wiring);
    }
    let accounts = rt.block_on(platform_accounts(&session, config))?;
    let many = Arc::new(rt.block_on(accounts_source(&session, config, &accounts, aws)));
    wiring.no_action = accounts
        .iter()
        .filter_map(|a| Some((a.name.clone(), config::accounts::no_action(a)?)))
        .collect();
    if let Some(dir) = &state_dir {
        let responders = super::responders::Responders::new(session.clone(), accounts);
        wiring.actions = Some(runner(
            config,
            Backend::Aws(Box::new(session)),
            Some(Arc::new(responders)),
            dir,
        ));
    }
    wiring.platform = Some(many.clone());
    wiring.source = many;
    Ok(wiring)
}
