//! The state a session starts from: the config's context, the refresh intervals, and what the
//! journal and the runbook already hold, replayed through `update` like any other message.
//! Pure, so tests can build the exact state a session starts with.

use crate::action::journal::Journalled;
use crate::action::runbook::Runbook;
use crate::app::load::Load;
use crate::app::{AppState, Context, Msg, update};
use crate::config::Config;
use crate::model::PaneId;
use crate::source::SourceKind;
use chrono::{DateTime, Utc};

/// What the state directory held when the session started.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Every journal entry, oldest first, and the lines that could not be read.
    pub journal: Journalled,
    /// The incident's runbook, if it was started.
    pub runbook: Option<Runbook>,
}

pub fn initial_state(
    config: &Config,
    source: SourceKind,
    recorded: Recorded,
    now: DateTime<Utc>,
) -> AppState {
    let context = Context {
        source,
        regions: config.regions.clone(),
        // Shown in the header and the reports: cleaned like any text from outside.
        profile: config.profile.as_deref().map(crate::sanitize::clean),
        endpoint_url: config.endpoint_url.as_deref().map(crate::sanitize::clean),
        read_only: config.read_only,
        window: config.window,
        identity: Load::NotLoaded,
        unfinished: Vec::new(),
        journal_damage: Vec::new(),
        rehearsal: false,
        // Set by the run once the accounts are known (an organization's are listed).
        accounts: Vec::new(),
        fanned_out: Vec::new(),
        no_action: Default::default(),
    };
    let mut state = AppState::new(
        context,
        config.keymap.clone(),
        config.thresholds.clone(),
        now,
    );
    for pane in PaneId::ALL {
        state
            .refresh_seconds
            .insert(pane, config.refresh.for_pane(pane).as_secs());
    }
    state.incident.id = config.incident_or_adhoc(now);
    state.incident.named = config.incident.is_some();
    state.incident.runbook = recorded.runbook;
    update(&mut state, Msg::Journal(recorded.journal));
    state
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::journal::{Entry, EntryStatus};
    use crate::action::plan::ActionKind;
    use crate::config::{Env, FileConfig, Overrides, resolve};

    fn entry(id: &str, incident: &str, status: EntryStatus) -> Entry {
        Entry {
            entry: id.into(),
            time: Utc::now(),
            incident: incident.into(),
            action: ActionKind::named("isolate"),
            region: "ap-southeast-1".into(),
            target: "sg-1".into(),
            status,
            steps_done: 0,
            steps: 1,
            verified: None,
            outcome: None,
            undone_by: None,
            trusted: true,
            plan: None,
            actor: Default::default(),
        }
    }

    #[test]
    fn the_journal_is_replayed_into_the_incident_and_the_unfinished_flag() {
        let env = Env {
            incident: Some("INC-7".into()),
            ..Env::default()
        };
        let config = resolve(&FileConfig::default(), None, &env, &Overrides::default()).unwrap();
        let recorded = Recorded {
            journal: Journalled {
                entries: vec![
                    entry("a", "INC-7", EntryStatus::Done),
                    entry("b", "INC-8", EntryStatus::Incomplete),
                ],
                damage: vec![],
            },
            runbook: None,
        };
        let state = initial_state(&config, SourceKind::Aws, recorded, Utc::now());
        assert_eq!(state.incident.id, "INC-7");
        let listed: Vec<&str> = state
            .incident
            .entries
            .iter()
            .map(|e| e.entry.as_str())
            .collect();
        assert_eq!(
            listed,
            ["a", "b"],
            "this incident's actions, and another's that stopped part-way"
        );
        assert_eq!(state.context.unfinished, ["isolate sg-1 (b)"]);
        assert_eq!(
            state.refresh_seconds.get(&PaneId::Checklist),
            Some(&300),
            "the config's intervals"
        );
    }
}
