//! The interactive session: terminal in, fetch tasks out, `update` in the middle.
//!
//! This is one of the three places that do I/O. It owns the terminal, runs one fetch task per
//! pane on its own interval, turns key presses and fetch results into messages, and carries
//! out the effects `update` returns.

use crate::action::ActionFailure;
use crate::app::{AppState, Effect, Msg, update};
use crate::config::Config;
use crate::fetch::FetchPlan;
use crate::model::{AccountRef, PaneId};
use crate::theme::Theme;
use crate::ui;
use anyhow::Context as _;
use chrono::Utc;
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Where actions are carried out.
#[derive(Clone)]
pub enum Backend {
    Aws(Box<crate::aws::Session>),
    /// The demo's own account, in memory.
    Rehearsal(crate::source::demo::SharedWorld),
    /// The demo's accounts (`--demo-accounts`), each in memory, by account id: those with a
    /// responder role.
    RehearsalAccounts(std::collections::BTreeMap<String, crate::source::demo::SharedWorld>),
}

/// What the runtime needs to carry out incident-response actions.
#[derive(Clone)]
pub struct ActionRunner {
    pub backend: Backend,
    /// With several accounts: each one's responder role (actions run in the row's account).
    pub responders: Option<Arc<super::responders::Responders>>,
    pub journal: crate::action::journal::Journal,
    pub profile: Option<String>,
    pub read_only: bool,
    /// Test builds only (see `Executor::with_failpoint`).
    pub failpoint: Option<String>,
}

impl ActionRunner {
    /// An executor for one action, journalling under the incident the screen shows; with
    /// several accounts, acting in `account` as its responder role.
    async fn executor(
        &self,
        region: &str,
        account: Option<&AccountRef>,
        identity: Option<&crate::model::Identity>,
        incident: &crate::app::incident::Incident,
    ) -> Result<crate::action::Executor, ActionFailure> {
        let mut actor = crate::action::journal::Actor {
            caller_arn: identity.and_then(|i| i.caller_arn.clone()),
            account: identity.and_then(|i| i.account.clone()),
            profile: self.profile.clone(),
            role_arn: None,
        };
        let mut read_only = self.read_only;
        let unknown =
            || ActionFailure::from("which account this is in is not known: nothing was done");
        let cloud: Box<dyn crate::action::cloud::Cloud> = match (&self.backend, account) {
            (Backend::Aws(session), None) if self.responders.is_none() => {
                Box::new(crate::action::aws::AwsActions::new(session, region))
            }
            (Backend::Aws(_), Some(account)) => {
                let responders = self.responders.as_ref().ok_or_else(unknown)?;
                let acting = responders.acting(account, None).await?;
                actor.account = Some(account.id.clone());
                actor.role_arn = Some(acting.role_arn);
                read_only |= acting.read_only;
                Box::new(crate::action::aws::AwsActions::new(&acting.session, region))
            }
            (Backend::Rehearsal(world), None) => {
                Box::new(crate::action::rehearsal::Rehearsal::new(world.clone()))
            }
            (Backend::RehearsalAccounts(worlds), Some(account)) => {
                let world = worlds
                    .get(&account.id)
                    .ok_or_else(|| format!("account {} has no responder role", account.name))?;
                actor.account = Some(account.id.clone());
                Box::new(crate::action::rehearsal::Rehearsal::new(world.clone()))
            }
            _ => return Err(unknown()),
        };
        Ok(crate::action::Executor::new(
            read_only,
            self.journal.clone(),
            actor,
            incident.id.clone(),
            cloud,
        )
        .in_account(account.cloned())
        .incident_named(incident.named)
        .with_failpoint(self.failpoint.clone()))
    }
}

/// How the session runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Benchmarks: leave after the first frame (time to first frame = process run time).
    pub exit_after_first_frame: bool,
}

pub async fn run(
    config: &Config,
    theme: &Theme,
    mut state: AppState,
    plan: FetchPlan,
    actions: Option<ActionRunner>,
    state_dir: Option<std::path::PathBuf>,
    options: Options,
) -> anyhow::Result<()> {
    let mut terminal =
        ratatui::try_init().context("cannot take over the terminal (is this a tty?)")?;
    // In place of ratatui's hook, which gives the terminal back on any panic, even one a
    // fetch task catches (the dashboard would go on drawing on a terminal that echoes keys).
    super::log_panics(true);
    super::take_input_modes(config.mouse);
    let (result, in_flight) = if options.exit_after_first_frame {
        let drawn = terminal
            .draw(|f| ui::render(&state, theme, f))
            .map(|_| ())
            .map_err(anyhow::Error::from);
        (drawn, Vec::new())
    } else {
        event_loop(
            &mut terminal,
            config,
            theme,
            &mut state,
            plan,
            actions,
            state_dir,
        )
        .await
    };
    // The terminal is the operator's again before anything is waited for.
    super::give_back_terminal();
    if terminal.show_cursor().is_err() {
        // The terminal is gone (a hang-up): ratatui's drop would print that it cannot show the
        // cursor, and printing to a closed terminal panics.
        std::mem::forget(terminal);
    }
    if !in_flight.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "secdash: waiting for the action under way to finish and write its journal ({})…",
            state.busy.as_deref().unwrap_or("an action")
        );
        // An action under way is left to finish: its journal must not stop half-written.
        for t in in_flight {
            let _ = tokio::time::timeout(Duration::from_secs(60), t).await;
        }
    }
    result
}

/// Gives the terminal back, stops the process (as Ctrl-Z would), and takes the terminal again
/// when it is continued.
fn suspend(terminal: &mut ratatui::DefaultTerminal, mouse: bool) -> anyhow::Result<()> {
    super::give_back_terminal();
    // SAFETY: raising a signal on our own process has no preconditions.
    unsafe { libc::raise(libc::SIGSTOP) };
    // Continued (SIGCONT): take the terminal again and draw every cell.
    crossterm::terminal::enable_raw_mode().context("taking the terminal back")?;
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::cursor::Hide
    )
    .context("taking the terminal back")?;
    super::take_input_modes(mouse);
    // The screen was the shell's meanwhile: a blank frame makes the next one repaint every cell
    // (ratatui's own clear would read the cursor position, which the event stream holds).
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )
    .context("redrawing")?;
    terminal
        .draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))
        .context("redrawing")?;
    Ok(())
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    config: &Config,
    theme: &Theme,
    state: &mut AppState,
    plan: FetchPlan,
    actions: Option<ActionRunner>,
    state_dir: Option<std::path::PathBuf>,
) -> (anyhow::Result<()>, Vec<tokio::task::JoinHandle<()>>) {
    let mut action_tasks = Vec::new();
    let result = event_loop_inner(
        terminal,
        config,
        theme,
        state,
        plan,
        actions,
        state_dir,
        &mut action_tasks,
    )
    .await;
    (
        result,
        action_tasks
            .into_iter()
            .filter(|t| !t.is_finished())
            .collect(),
    )
}

#[allow(clippy::too_many_arguments)]
async fn event_loop_inner(
    terminal: &mut ratatui::DefaultTerminal,
    config: &Config,
    theme: &Theme,
    state: &mut AppState,
    fetch_plan: FetchPlan,
    actions: Option<ActionRunner>,
    state_dir: Option<std::path::PathBuf>,
    action_tasks: &mut Vec<tokio::task::JoinHandle<()>>,
) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let action_tx = tx.clone();
    let mut tasks = Vec::new();
    let mut fetcher = super::fetcher::Fetcher::new(fetch_plan.clone(), &config.refresh, tx.clone());
    {
        let tx = tx.clone();
        let source = fetch_plan.source.clone();
        tasks.push(tokio::spawn(async move {
            let id = source.identity().await;
            let _ = tx.send(Msg::Identity(id));
        }));
    }
    if let Some(dir) = &state_dir {
        tasks.push(tokio::spawn(super::watch::state_dir(
            dir.clone(),
            tx.clone(),
        )));
    }
    drop(tx);

    let size = terminal.size()?;
    update(
        state,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    use tokio::signal::unix::SignalKind;
    // Every signal that would end or stop the process lets it give the terminal back first.
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut quit = signal(SignalKind::quit())?;
    let mut user1 = signal(SignalKind::user_defined1())?;
    let mut stop = signal(SignalKind::from_raw(libc::SIGTSTP))?;

    let mut theme = theme.clone();
    'outer: loop {
        terminal.draw(|f| ui::render(state, &theme, f))?;
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(Event::Mouse(m))) if config.mouse => Msg::Mouse(m),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e).context("reading the terminal"),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick() => Msg::Tick(Utc::now()),
            _ = tokio::time::sleep_until(fetcher.next_due()) => {
                fetcher.start_due(state);
                continue;
            }
            _ = hangup.recv() => break,
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
            _ = quit.recv() => break,
            _ = user1.recv() => break,
            _ = stop.recv() => {
                suspend(terminal, config.mouse)?;
                continue;
            }
        };
        let mut pending = vec![msg];
        // Take whatever else arrived, so a burst of results costs one frame.
        while let Ok(more) = rx.try_recv() {
            pending.push(more);
        }
        // A pane's new data replaced its old: the old's memory goes back to the system.
        let replaced = pending.iter().any(|m| matches!(m, Msg::Fetched { .. }));
        for msg in pending {
            if let Msg::Fetched { pane, .. } = &msg {
                fetcher.ended(*pane);
            }
            for effect in update(state, msg) {
                match effect {
                    Effect::Quit => break 'outer,
                    Effect::Refresh(pane) => fetcher.ask(pane),
                    // Actions run in their own tasks: input and fetches never wait for them.
                    Effect::Plan {
                        request,
                        region,
                        account,
                    } => {
                        let tx = action_tx.clone();
                        let runner = actions.clone();
                        let identity = state.context.identity.data().cloned();
                        let incident = state.incident.clone();
                        action_tasks.push(tokio::spawn(async move {
                            let msg = match runner {
                                None => {
                                    Err("actions are off: there is no state directory to journal them in (set SECDASH_STATE_DIR)"
                                        .into())
                                }
                                Some(r) => match r
                                    .executor(&region, account.as_ref(), identity.as_ref(), &incident)
                                    .await
                                {
                                    Ok(executor) => {
                                        executor.plan(&request).await.map_err(ActionFailure::from)
                                    }
                                    Err(e) => Err(e),
                                },
                            };
                            let _ = tx.send(Msg::Planned(msg));
                        }));
                    }
                    // Off the event loop: the runbook's lock may be held by another secdash
                    // (up to files::LOCK_WAIT), and the screen must keep answering meanwhile.
                    Effect::SaveRunbook(rb) => {
                        // Merged into the file's runbook under its lock: a note written from
                        // the command line meanwhile is kept.
                        let (dir, tx, now) = (state_dir.clone(), action_tx.clone(), state.now);
                        tokio::task::spawn_blocking(move || {
                            let saved = save_runbook(dir.as_deref(), &rb.incident, now, |file| {
                                file.merge(&rb);
                            });
                            if let Err(e) = &saved {
                                tracing::warn!(error = %e, "saving the runbook");
                            }
                            let _ = tx.send(Msg::RunbookSaved(saved));
                        });
                    }
                    Effect::AddNote { incident, text } => {
                        let (dir, tx, now) = (state_dir.clone(), action_tx.clone(), state.now);
                        tokio::task::spawn_blocking(move || {
                            let saved = save_runbook(dir.as_deref(), &incident, now, |file| {
                                file.notes.push((now, crate::sanitize::clean(&text)));
                            });
                            let _ = tx.send(Msg::RunbookSaved(saved));
                        });
                    }
                    Effect::LoadRunbook(incident) => {
                        use crate::action::runbook::{RunbookError, load};
                        let loaded = match &state_dir {
                            Some(dir) => match load(dir, &incident) {
                                Ok(rb) => Ok(Some(rb)),
                                Err(RunbookError::NotStarted { .. }) => Ok(None),
                                Err(e) => Err(e.to_string()),
                            },
                            None => Ok(None),
                        };
                        let _ = action_tx.send(Msg::RunbookLoaded(loaded));
                    }
                    Effect::Copy(text) => {
                        // OSC 52: the terminal (ssh and tmux pass it on) puts it on the
                        // clipboard of the operator's own machine.
                        let copied = crossterm::execute!(
                            std::io::stdout(),
                            crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
                        );
                        if let Err(e) = copied {
                            tracing::warn!(error = %e, "copying to the clipboard");
                        }
                    }
                    // The state holds the window and Regions; the fetches started from now
                    // on ask for them.
                    Effect::SetWindow(_) => fetcher.ask(PaneId::Endpoints),
                    Effect::SetRegions(_) => {}
                    Effect::SetTheme(name) => {
                        let flash = match crate::theme::load(&name) {
                            Ok(t) => {
                                theme = if config.no_color {
                                    t.without_colors()
                                } else if !config.truecolor {
                                    t.in_256_colours()
                                } else {
                                    t
                                };
                                crate::app::Flash::info(format!("theme {name}"), state.now)
                            }
                            Err(e) => crate::app::Flash::error(e.to_string(), state.now),
                        };
                        let _ = action_tx.send(Msg::Notice(flash));
                    }
                    Effect::KeepTrail { incident, reading } => {
                        if let Some(dir) = state_dir.clone() {
                            tokio::task::spawn_blocking(move || {
                                let kept = crate::trail::record::save(
                                    &dir,
                                    &incident,
                                    *reading,
                                    &crate::files::quiet,
                                );
                                if let Err(e) = kept {
                                    tracing::warn!(error = %e, "keeping the timeline for the report");
                                }
                            });
                        }
                    }
                    // Read in its own task: CloudTrail's rate limit makes a long timeline slow.
                    Effect::Trail {
                        seq,
                        subjects,
                        regions,
                        since,
                    } => {
                        let tx = action_tx.clone();
                        let source = fetch_plan.source.clone();
                        action_tasks.push(tokio::spawn(async move {
                            let result = source
                                .trail(subjects, regions, since)
                                .await
                                .map_err(|e| e.to_string());
                            let _ = tx.send(Msg::Trail { seq, result });
                        }));
                    }
                    Effect::ShowArchived(_) => fetcher.ask(PaneId::Findings),
                    Effect::Execute(plan) => {
                        let tx = action_tx.clone();
                        let runner = actions.clone();
                        let identity = state.context.identity.data().cloned();
                        let incident = state.incident.clone();
                        action_tasks.push(tokio::spawn(async move {
                            let msg = match &runner {
                                None => Err("actions are off: there is no state directory to journal them in".into()),
                                Some(r) => match r
                                    .executor(
                                        &plan.region,
                                        plan.account.as_ref(),
                                        identity.as_ref(),
                                        &incident,
                                    )
                                    .await
                                {
                                    Ok(executor) => executor
                                        .execute(&plan)
                                        .await
                                        .map(|o| crate::app::ActionReport {
                                            message: o.message,
                                            entry: o.entry,
                                            verified: o.verified,
                                            action: o.plan.action,
                                        })
                                        .map_err(ActionFailure::from),
                                    Err(e) => Err(e),
                                },
                            };
                            let _ = tx.send(Msg::ActionDone(msg));
                            if let Some(r) = runner
                                && let Ok(read) = r.journal.read()
                            {
                                let _ = tx.send(Msg::Journal(read.journalled()));
                            }
                        }));
                    }
                }
            }
        }
        if replaced {
            super::memory::give_back_freed_memory();
        }
    }
    for t in tasks {
        t.abort();
    }
    Ok(())
}

fn signal(kind: tokio::signal::unix::SignalKind) -> anyhow::Result<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(kind).context("installing a signal handler")
}

/// Loads, changes and saves the incident's runbook under its lock (started if absent).
fn save_runbook(
    dir: Option<&std::path::Path>,
    incident: &str,
    now: chrono::DateTime<chrono::Utc>,
    change: impl FnOnce(&mut crate::action::runbook::Runbook),
) -> Result<crate::action::runbook::Saved, String> {
    let Some(dir) = dir else {
        return Err("no state directory to keep the runbook in".to_string());
    };
    crate::action::runbook::update(
        dir,
        incident,
        now,
        crate::action::runbook::Opening::StartIfAbsent,
        &crate::files::quiet,
        |file| {
            change(file);
            Ok(())
        },
    )
    .map_err(|e| e.to_string())
}
