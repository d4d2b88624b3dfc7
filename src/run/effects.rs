//! What `update` asks of the world, carried out: one function per effect. Fetches go to the
//! scheduler, actions and slow reads to tasks of their own (input never waits for them), files
//! are written off the event loop (their locks may be held by another secdash).

use super::acting::ActionRunner;
use super::fetcher::Fetcher;
use crate::action::{ActionFailure, Request};
use crate::app::{AppState, Effect, Flash, Msg};
use crate::model::{AccountRef, PaneId};
use crate::source::Source;
use crate::theme::Theme;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Whether the session goes on after an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Go,
    Quit,
}

/// Everything the effects reach.
pub struct Effects {
    pub tx: UnboundedSender<Msg>,
    pub actions: Option<ActionRunner>,
    pub state_dir: Option<PathBuf>,
    pub fetcher: Fetcher,
    /// The timeline's source (the fetches' own).
    pub source: Arc<dyn Source>,
    pub theme: Theme,
    /// The terminal's colours, for a theme switched to.
    pub no_color: bool,
    pub truecolor: bool,
    /// Actions (and timelines) under way: an action is left to finish and journal on quit.
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Effects {
    pub fn run(&mut self, effect: Effect, state: &AppState) -> Flow {
        match effect {
            Effect::Quit => return Flow::Quit,
            Effect::Refresh(pane) => self.fetcher.ask(pane),
            // The state holds the window, the Regions and the archived choice; the fetches
            // started from now on ask for them.
            Effect::SetWindow(_) => self.fetcher.ask(PaneId::Endpoints),
            Effect::SetRegions(_) => {}
            Effect::ShowArchived(_) => self.fetcher.ask(PaneId::Findings),
            Effect::OpenAccount(name) => {
                self.source.open_account(&name);
                self.fetcher.ask(PaneId::Checklist);
            }
            Effect::Plan {
                request,
                region,
                account,
            } => self.plan(request, region, account, state),
            Effect::Execute(plan) => self.execute(*plan, state),
            Effect::SaveRunbook(rb) => self.save_runbook(*rb, state),
            Effect::AddNote { incident, text } => self.add_note(incident, text, state),
            Effect::LoadRunbook(incident) => self.load_runbook(&incident),
            Effect::Copy(text) => copy(text),
            Effect::SetTheme(name) => self.set_theme(&name, state),
            Effect::KeepTrail { incident, reading } => self.keep_trail(incident, *reading),
            Effect::Trail {
                seq,
                subjects,
                regions,
                since,
            } => self.trail(seq, subjects, regions, since),
            Effect::BlastRadius(principal) => {
                let (tx, source) = (self.tx.clone(), self.source.clone());
                self.tasks.push(tokio::spawn(async move {
                    let result = source.blast_radius(principal.clone()).await;
                    let _ = tx.send(Msg::BlastRadius { principal, result });
                }));
            }
        }
        Flow::Go
    }

    /// Asks the executor for a plan, in a task of its own.
    fn plan(
        &mut self,
        request: Request,
        region: String,
        account: Option<AccountRef>,
        state: &AppState,
    ) {
        let (tx, runner) = (self.tx.clone(), self.actions.clone());
        let identity = state.context.identity.data().cloned();
        let incident = state.incident.clone();
        self.tasks.push(tokio::spawn(async move {
            let msg = match runner {
                None => Err(
                    "actions are off: there is no state directory to journal them in (set SECDASH_STATE_DIR)"
                        .into(),
                ),
                Some(r) => match r
                    .executor(&region, account.as_ref(), identity.as_ref(), &incident)
                    .await
                {
                    Ok(executor) => executor.plan(&request).await.map_err(ActionFailure::from),
                    Err(e) => Err(e),
                },
            };
            let _ = tx.send(Msg::Planned(msg));
        }));
    }

    /// Carries out a confirmed plan, then reads the journal again for the badges.
    fn execute(&mut self, plan: crate::action::plan::Plan, state: &AppState) {
        // From now on the account's rows are read from it, not from an aggregator's copy.
        if let Some(account) = &plan.account {
            self.source.acted_in(&account.name, chrono::Utc::now());
        }
        let (tx, runner) = (self.tx.clone(), self.actions.clone());
        let identity = state.context.identity.data().cloned();
        let incident = state.incident.clone();
        self.tasks.push(tokio::spawn(async move {
            let msg = match &runner {
                None => {
                    Err("actions are off: there is no state directory to journal them in".into())
                }
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

    /// Merges the screen's runbook into the file's under its lock (a note written from the
    /// command line meanwhile is kept), off the event loop.
    fn save_runbook(&mut self, rb: crate::action::runbook::Runbook, state: &AppState) {
        let (dir, tx, now) = (self.state_dir.clone(), self.tx.clone(), state.now);
        tokio::task::spawn_blocking(move || {
            let saved = save_runbook(dir.as_deref(), &rb.incident, now, |file| file.merge(&rb));
            if let Err(e) = &saved {
                tracing::warn!(error = %e, "saving the runbook");
            }
            let _ = tx.send(Msg::RunbookSaved(saved.map_err(Arc::new)));
        });
    }

    fn add_note(&mut self, incident: String, text: String, state: &AppState) {
        let (dir, tx, now) = (self.state_dir.clone(), self.tx.clone(), state.now);
        tokio::task::spawn_blocking(move || {
            let saved = save_runbook(dir.as_deref(), &incident, now, |file| {
                file.notes.push((now, crate::sanitize::clean(&text)));
            });
            let _ = tx.send(Msg::RunbookSaved(saved.map_err(Arc::new)));
        });
    }

    fn load_runbook(&mut self, incident: &str) {
        use crate::action::runbook::{RunbookError, load};
        let loaded = match &self.state_dir {
            Some(dir) => match load(dir, incident) {
                Ok(rb) => Ok(Some(rb)),
                Err(RunbookError::NotStarted { .. }) => Ok(None),
                Err(e) => Err(Arc::new(e)),
            },
            None => Ok(None),
        };
        let _ = self.tx.send(Msg::RunbookLoaded(loaded));
    }

    fn set_theme(&mut self, name: &str, state: &AppState) {
        let flash = match crate::theme::load(name) {
            Ok(t) => {
                self.theme = if self.no_color {
                    t.without_colors()
                } else if !self.truecolor {
                    t.in_256_colours()
                } else {
                    t
                };
                Flash::info(format!("theme {name}"), state.now)
            }
            Err(e) => Flash::error(e.to_string(), state.now),
        };
        let _ = self.tx.send(Msg::Notice(flash));
    }

    /// Keeps what a timeline said for the incident's report, off the event loop.
    fn keep_trail(&mut self, incident: String, reading: crate::trail::record::Reading) {
        if let Some(dir) = self.state_dir.clone() {
            tokio::task::spawn_blocking(move || {
                let kept =
                    crate::trail::record::save(&dir, &incident, reading, &crate::files::quiet);
                if let Err(e) = kept {
                    tracing::warn!(error = %e, "keeping the timeline for the report");
                }
            });
        }
    }

    /// Reads a timeline in its own task: CloudTrail's rate limit makes a long one slow.
    fn trail(
        &mut self,
        seq: u64,
        subjects: Vec<crate::trail::Subject>,
        regions: Vec<String>,
        since: chrono::DateTime<chrono::Utc>,
    ) {
        let (tx, source) = (self.tx.clone(), self.source.clone());
        self.tasks.push(tokio::spawn(async move {
            let result = source.trail(subjects, regions, since).await;
            let _ = tx.send(Msg::Trail { seq, result });
        }));
    }
}

/// OSC 52: the terminal (ssh and tmux pass it on) puts it on the clipboard of the operator's
/// own machine.
fn copy(text: String) {
    let copied = crossterm::execute!(
        std::io::stdout(),
        crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
    );
    if let Err(e) = copied {
        tracing::warn!(error = %e, "copying to the clipboard");
    }
}

/// Loads, changes and saves the incident's runbook under its lock (started if absent).
fn save_runbook(
    dir: Option<&std::path::Path>,
    incident: &str,
    now: chrono::DateTime<chrono::Utc>,
    change: impl FnOnce(&mut crate::action::runbook::Runbook),
) -> Result<crate::action::runbook::Saved, crate::action::runbook::RunbookError> {
    let Some(dir) = dir else {
        return Err(crate::action::runbook::RunbookError::NoStateDirectory);
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
}
