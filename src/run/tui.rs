//! The interactive session: terminal in, fetch tasks out, `update` in the middle.
//!
//! This is one of the three places that do I/O. It owns the terminal, runs one fetch task per
//! pane on its own interval, turns key presses and fetch results into messages, and carries
//! out the effects `update` returns.

use super::acting::ActionRunner;
use super::effects::{Effects, Flow};
use crate::app::{AppState, Msg, update};
use crate::config::Config;
use crate::fetch::FetchPlan;
use crate::theme::Theme;
use crate::ui;
use anyhow::Context as _;
use chrono::Utc;
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use std::io::Write as _;
use std::time::Duration;
use tokio::sync::mpsc;

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
    fetch_plan: FetchPlan,
    actions: Option<ActionRunner>,
    state_dir: Option<std::path::PathBuf>,
) -> (anyhow::Result<()>, Vec<tokio::task::JoinHandle<()>>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut background = Vec::new();
    {
        let tx = tx.clone();
        let source = fetch_plan.source.clone();
        background.push(tokio::spawn(async move {
            let id = source.identity().await;
            let _ = tx.send(Msg::Identity(id));
        }));
    }
    if let Some(dir) = &state_dir {
        background.push(tokio::spawn(super::watch::state_dir(
            dir.clone(),
            tx.clone(),
        )));
    }
    let mut effects = Effects {
        tx: tx.clone(),
        actions,
        state_dir,
        fetcher: super::fetcher::Fetcher::new(fetch_plan.clone(), &config.refresh, tx),
        source: fetch_plan.source.clone(),
        theme: theme.clone(),
        no_color: config.no_color,
        truecolor: config.truecolor,
        tasks: Vec::new(),
    };
    let result = event_loop_inner(terminal, config, state, &mut rx, &mut effects).await;
    for t in background {
        t.abort();
    }
    (
        result,
        effects
            .tasks
            .into_iter()
            .filter(|t| !t.is_finished())
            .collect(),
    )
}

/// The terminal's events, the fetches' and actions' messages, the clock and the signals, each
/// turned into messages for `update`, whose effects are carried out.
async fn event_loop_inner(
    terminal: &mut ratatui::DefaultTerminal,
    config: &Config,
    state: &mut AppState,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    effects: &mut Effects,
) -> anyhow::Result<()> {
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
    let mut signals = Signals::new()?;
    loop {
        terminal.draw(|f| ui::render(state, &effects.theme, f))?;
        let msg = tokio::select! {
            ev = events.next() => match ev {
                // Raw mode turns Ctrl-Z into a key, not a SIGTSTP: stop as the shell expects.
                Some(Ok(Event::Key(k)))
                    if k.kind != KeyEventKind::Release
                        && k.code == crossterm::event::KeyCode::Char('z')
                        && k.modifiers.contains(crossterm::event::KeyModifiers::CONTROL) =>
                {
                    suspend(terminal, config.mouse)?;
                    continue;
                }
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(Event::Mouse(m))) if config.mouse => Msg::Mouse(m),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e).context("reading the terminal"),
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick() => Msg::Tick(Utc::now()),
            _ = tokio::time::sleep_until(effects.fetcher.next_due()) => {
                effects.fetcher.start_due(state);
                continue;
            }
            signal = signals.next() => match signal {
                Signal::Stop => {
                    suspend(terminal, config.mouse)?;
                    continue;
                }
                Signal::End => return Ok(()),
            },
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
                effects.fetcher.ended(*pane);
            }
            for effect in update(state, msg) {
                if effects.run(effect, state) == Flow::Quit {
                    return Ok(());
                }
            }
        }
        if replaced {
            super::memory::give_back_freed_memory();
        }
    }
}

/// What a signal asks of the session.
enum Signal {
    /// Ctrl-Z: give the terminal back and stop; redraw when continued.
    Stop,
    /// Every other signal that would end the process: it gives the terminal back first.
    End,
}

struct Signals {
    hangup: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
    quit: tokio::signal::unix::Signal,
    user1: tokio::signal::unix::Signal,
    stop: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> anyhow::Result<Signals> {
        use tokio::signal::unix::SignalKind;
        Ok(Signals {
            hangup: signal(SignalKind::hangup())?,
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
            quit: signal(SignalKind::quit())?,
            user1: signal(SignalKind::user_defined1())?,
            stop: signal(SignalKind::from_raw(libc::SIGTSTP))?,
        })
    }

    async fn next(&mut self) -> Signal {
        tokio::select! {
            _ = self.hangup.recv() => Signal::End,
            _ = self.terminate.recv() => Signal::End,
            _ = self.interrupt.recv() => Signal::End,
            _ = self.quit.recv() => Signal::End,
            _ = self.user1.recv() => Signal::End,
            _ = self.stop.recv() => Signal::Stop,
        }
    }
}

fn signal(kind: tokio::signal::unix::SignalKind) -> anyhow::Result<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(kind).context("installing a signal handler")
}
