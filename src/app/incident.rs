//! The incident view: the runbook of the current incident, step by step, each linked to the
//! pane or action that carries it out, and the incident's actions from the journal.

use super::{AppState, Effect, Flash, Overlay};
use crate::action::journal::Entry;
use crate::action::runbook::{Runbook, StepStatus};
use crate::config::keymap::Action;
use crate::model::PaneId;

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    /// `None` until the first step is marked (which starts the runbook).
    pub runbook: Option<Runbook>,
    /// This incident's actions, oldest first.
    pub entries: Vec<Entry>,
}

/// The pane a step is carried out in.
pub fn pane_of(step: &str) -> Option<PaneId> {
    match step {
        "alarms" => Some(PaneId::Endpoints),
        "guardduty" | "isolate" => Some(PaneId::Findings),
        "security_groups" => Some(PaneId::SecurityGroups),
        "configs" => Some(PaneId::Checklist),
        _ => None,
    }
}

/// The steps as shown: the runbook's, or a fresh one's when none was started yet.
pub fn steps(state: &AppState) -> Runbook {
    state
        .incident
        .runbook
        .clone()
        .unwrap_or_else(|| Runbook::new(&state.incident.id, state.now))
}

pub fn on_key(
    state: &mut AppState,
    action: Option<Action>,
    key: crossterm::event::KeyEvent,
) -> Vec<Effect> {
    let Overlay::Incident { selected } = state.overlay else {
        return vec![];
    };
    let rb = steps(state);
    let last = rb.steps.len().saturating_sub(1);
    let mark = |state: &mut AppState, status: StepStatus| -> Vec<Effect> {
        let mut rb = steps(state);
        let id = rb.steps[selected].id.clone();
        if rb.mark(&id, status, None, state.now).is_err() {
            return vec![];
        }
        state.incident.runbook = Some(rb.clone());
        vec![Effect::SaveRunbook(Box::new(rb))]
    };
    match (action, key.code) {
        (Some(Action::Quit), _) => {
            state.quit = true;
            vec![Effect::Quit]
        }
        (Some(Action::Back | Action::Incident), _) => {
            state.overlay = Overlay::None;
            vec![]
        }
        (Some(Action::Down), _) => {
            state.overlay = Overlay::Incident {
                selected: (selected + 1).min(last),
            };
            vec![]
        }
        (Some(Action::Up), _) => {
            state.overlay = Overlay::Incident {
                selected: selected.saturating_sub(1),
            };
            vec![]
        }
        (Some(Action::Open), _) => {
            match pane_of(&rb.steps[selected].id) {
                Some(pane) => {
                    state.overlay = Overlay::None;
                    state.focus = pane;
                }
                None => {
                    state.flash = Some(Flash::info(
                        "a manual step: do it outside secdash, then mark it",
                        state.now,
                    ))
                }
            }
            vec![]
        }
        (_, crossterm::event::KeyCode::Char(' ')) => mark(state, StepStatus::Done),
        (_, crossterm::event::KeyCode::Char('s')) => mark(state, StepStatus::Skipped),
        (_, crossterm::event::KeyCode::Char('p')) => mark(state, StepStatus::Pending),
        _ => vec![],
    }
}
