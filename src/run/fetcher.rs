//! When each pane is fetched, and with what: the screen's fetch scheduler. A pane is fetched
//! on its own interval after its last fetch ended, at once when asked (`r`, `w`, `A`, after an
//! action), and never twice at a time (asked while one runs, it runs again after). Each fetch
//! takes the operator's choices from the state as it starts: nothing is shared with the
//! fetches but the message they send back.

use crate::app::{AppState, Msg};
use crate::config::RefreshIntervals;
use crate::fetch::FetchPlan;
use crate::model::PaneId;
use tokio::sync::mpsc;
use tokio::time::{Duration, Instant};

pub struct Fetcher {
    plan: FetchPlan,
    every: [Duration; PaneId::COUNT],
    next: [Instant; PaneId::COUNT],
    running: [bool; PaneId::COUNT],
    /// Asked while it ran: fetch again as soon as it ends.
    again: [bool; PaneId::COUNT],
    tx: mpsc::UnboundedSender<Msg>,
}

impl Fetcher {
    /// Every pane is due at once.
    pub fn new(
        plan: FetchPlan,
        refresh: &RefreshIntervals,
        tx: mpsc::UnboundedSender<Msg>,
    ) -> Fetcher {
        let now = Instant::now();
        Fetcher {
            plan,
            every: PaneId::ALL.map(|p| refresh.for_pane(p)),
            next: [now; PaneId::COUNT],
            running: [false; PaneId::COUNT],
            again: [false; PaneId::COUNT],
            tx,
        }
    }

    /// Fetch this pane now (or as soon as the fetch under way ends).
    pub fn ask(&mut self, pane: PaneId) {
        let i = pane.index();
        if self.running[i] {
            self.again[i] = true;
        } else {
            self.next[i] = Instant::now();
        }
    }

    /// A fetch ended (its result is on its way to `update`): the next is due after the pane's
    /// interval, or at once if it was asked for meanwhile.
    pub fn ended(&mut self, pane: PaneId) {
        let i = pane.index();
        self.running[i] = false;
        self.next[i] = match std::mem::take(&mut self.again[i]) {
            true => Instant::now(),
            false => Instant::now() + self.every[i],
        };
    }

    /// When the next fetch is due (the event loop sleeps until then at most).
    pub fn next_due(&self) -> Instant {
        PaneId::ALL
            .into_iter()
            .filter(|p| !self.running[p.index()])
            .map(|p| self.next[p.index()])
            .min()
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600))
    }

    /// Starts every pane that is due, each with the state's choices as they are now.
    pub fn start_due(&mut self, state: &AppState) {
        let now = Instant::now();
        for pane in PaneId::ALL {
            let i = pane.index();
            if self.running[i] || self.next[i] > now {
                continue;
            }
            self.running[i] = true;
            let (plan, tx, choices) = (self.plan.clone(), self.tx.clone(), state.choices());
            tokio::spawn(async move {
                if tx.send(Msg::FetchStarted { pane }).is_err() {
                    return;
                }
                let msg = crate::fetch::fetch_once_showing(&plan, pane, &choices, Some(&tx)).await;
                let _ = tx.send(msg);
            });
        }
    }
}
