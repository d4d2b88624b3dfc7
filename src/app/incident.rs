//! The incident view: the runbook of the current incident, step by step, each linked to the
//! pane or action that carries it out, then the incident's actions from the journal, each one
//! a row: `u` restores it, Enter goes to its resource. Notes and the incident itself are typed
//! into a prompt (`n`, `N`).

use super::investigate::SubjectsView;
use super::text_field::{PROMPT_MAX, TextField};
use super::timeline::timeline_of;
use super::{AppState, Effect, Flash, Layer, set_filter_of};
use crate::action::Request;
use crate::action::journal::Entry;
use crate::action::runbook::{Runbook, StepStatus};
use crate::config::keymap::Action;
use crate::model::PaneId;
use crate::model::{BlastRadius, FindingSubject, Principal, SubjectKind};
use crate::trail::Subject;
use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    /// The operator named it (`--incident`, the config, or here): a restore is journalled
    /// under it; otherwise under the incident of what it undoes.
    pub named: bool,
    /// `None` until the first step is marked (which starts the runbook).
    pub runbook: Option<Runbook>,
    /// This incident's actions, oldest first.
    pub entries: Vec<Entry>,
    /// What each principal its actions contained could change (`Err`: why it could not be
    /// read; `None`: being read).
    pub radii: std::collections::BTreeMap<Principal, Option<Result<BlastRadius, String>>>,
}

/// What the prompt of the incident view asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// A note for the incident's runbook.
    Note,
    /// The incident to switch to (or start).
    Incident,
}

/// A line of text being typed, and what it is for.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: TextField,
}

impl Prompt {
    fn new(kind: PromptKind) -> Prompt {
        Prompt {
            kind,
            input: TextField::new(PROMPT_MAX),
        }
    }
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

/// Rows of the view: the runbook's steps, then the incident's actions.
fn rows(state: &AppState) -> usize {
    steps(state).steps.len() + state.incident.entries.len()
}

/// The journal as read again: this incident's actions, the badges of what is still in effect,
/// and (against AWS) what the header flags.
pub(super) fn journal_read(state: &mut AppState, journal: crate::action::journal::Journalled) {
    use crate::action::plan::Before;
    if state.context.source == crate::source::SourceKind::Aws || state.context.rehearsal {
        state.context.unfinished = journal
            .entries
            .iter()
            .filter(|e| e.unfinished())
            .map(|e| format!("{} {} ({})", e.action.verb(), e.target, e.entry))
            .collect();
        state.context.journal_damage = journal
            .damage
            .iter()
            .filter(|d| d.blocks())
            .map(|d| d.line)
            .collect();
    }
    state.changes.clear();
    for e in journal.entries.iter().filter(|e| e.in_effect()) {
        let Some(spec) = crate::action::kinds::spec(e.action) else {
            continue;
        };
        // A failed action is not what it set out to be: its badge says so.
        let failed;
        let what = match (e.status, spec.badge()) {
            (_, None) => continue,
            (crate::action::journal::EntryStatus::Failed, _) => {
                failed = format!("{} failed", e.action.verb());
                failed.as_str()
            }
            (_, Some(badge)) => badge,
        };
        let badge = format!("{what} · {} · {}", e.incident, e.time.format("%H:%M"));
        let mut ids = vec![e.target.clone()];
        if let Some(Before::Interfaces { interfaces }) = e.plan.as_ref().map(|p| &p.before) {
            for i in interfaces {
                ids.push(i.interface_id.clone());
                ids.extend(i.instance_id.clone());
            }
        }
        for id in ids {
            state
                .changes
                .insert(crate::sanitize::clean(&id), badge.clone());
        }
    }
    state.incident.entries = entries_of(&journal.entries, &state.incident.id);
    state.journal = journal.entries;
}

/// The actions the incident view lists: the incident's own, and any other that stopped
/// part-way, so it can be restored from here.
fn entries_of(journal: &[Entry], incident: &str) -> Vec<Entry> {
    journal
        .iter()
        .filter(|e| e.incident == incident || e.unfinished())
        .cloned()
        .collect()
}

/// The user or role an action of the incident contained (a key disabled, a user denied, a
/// role's sessions revoked), in the credentials' own account.
pub fn contained(e: &Entry) -> Option<Principal> {
    use crate::action::plan::Before;
    let plan = e.plan.as_ref()?;
    if plan.account.is_some() {
        return None;
    }
    match &plan.before {
        Before::AccessKey { user, .. } => Some(Principal::User(user.clone())),
        Before::InlinePolicy { principal, .. } => Some(principal.clone()),
        _ => None,
    }
}

/// Opens the incident view, asking what each contained principal could change (once).
pub fn open(state: &mut AppState) -> Vec<Effect> {
    state.push(Layer::Incident { selected: 0 });
    ask_radii(state)
}

/// IAM's simulator answered what a contained principal could change.
pub fn radius_read(
    state: &mut AppState,
    principal: Principal,
    result: Result<BlastRadius, crate::model::SourceError>,
) -> Vec<Effect> {
    let said = result.map_err(|e| crate::sanitize::clean(&e.to_string()));
    state.incident.radii.insert(principal, Some(said));
    vec![]
}

/// The journal was read: an action just journalled may have contained someone the open view
/// shows.
pub fn journal_msg(
    state: &mut AppState,
    journal: crate::action::journal::Journalled,
) -> Vec<Effect> {
    journal_read(state, journal);
    if matches!(state.top(), Some(Layer::Incident { .. })) {
        ask_radii(state)
    } else {
        vec![]
    }
}

/// Asks for the blast radius of each contained principal not asked for yet.
pub fn ask_radii(state: &mut AppState) -> Vec<Effect> {
    let mut asked: Vec<Principal> = Vec::new();
    for p in state.incident.entries.iter().filter_map(contained) {
        if !state.incident.radii.contains_key(&p) && !asked.contains(&p) {
            asked.push(p);
        }
    }
    for p in &asked {
        state.incident.radii.insert(p.clone(), None);
    }
    asked.into_iter().map(Effect::BlastRadius).collect()
}

/// Switches the view, and the actions that follow, to another incident.
pub fn switch_to(state: &mut AppState, id: String) -> Vec<Effect> {
    state.incident.id = id.clone();
    state.incident.named = true;
    state.incident.runbook = None;
    state.incident.entries = entries_of(&state.journal, &id);
    // The incident view, of the new incident, from its first row.
    state
        .layers
        .retain(|l| !matches!(l, Layer::Incident { .. }));
    state.push(Layer::Incident { selected: 0 });
    state.flash = Some(Flash::info(
        format!("incident {id}: actions are journalled under it"),
        state.now,
    ));
    let mut effects = vec![Effect::LoadRunbook(id)];
    effects.extend(ask_radii(state));
    effects
}

/// A key while the prompt is open: it is text, not commands.
pub fn prompt_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(Layer::Prompt(prompt)) = state.top_mut() else {
        return vec![];
    };
    match key.code {
        KeyCode::Esc => {
            state.pop();
        }
        KeyCode::Enter => {
            let kind = prompt.kind;
            let valid = |text: &str| match kind {
                PromptKind::Incident if !crate::model::valid_incident_id(text) => {
                    Err("an incident id: letters, digits, '-', '_' and '.'".to_string())
                }
                _ => Ok(()),
            };
            let Some(text) = prompt.input.accept(valid) else {
                return vec![];
            };
            state.pop();
            match kind {
                PromptKind::Note if text.is_empty() => {}
                PromptKind::Note => {
                    return vec![Effect::AddNote {
                        incident: state.incident.id.clone(),
                        text: crate::sanitize::clean(&text),
                    }];
                }
                PromptKind::Incident => return switch_to(state, text),
            }
        }
        _ => {
            prompt.input.key(key);
        }
    }
    vec![]
}

pub fn on_key(state: &mut AppState, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let Some(&Layer::Incident { selected }) = state.top() else {
        return vec![];
    };
    let rb = steps(state);
    let last = rows(state).saturating_sub(1);
    let step = rb.steps.get(selected).map(|s| s.id.clone());
    let entry = selected
        .checked_sub(rb.steps.len())
        .and_then(|i| state.incident.entries.get(i))
        .cloned();
    let mark = |state: &mut AppState, status: StepStatus| -> Vec<Effect> {
        let Some(id) = &step else {
            return vec![];
        };
        let mut rb = steps(state);
        if rb.mark(id, status, None, state.now).is_err() {
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
            state.pop();
            vec![]
        }
        (Some(Action::Down), _) => select(state, (selected + 1).min(last)),
        (Some(Action::Up), _) => select(state, selected.saturating_sub(1)),
        (Some(Action::Top), _) => select(state, 0),
        // The last row: the latest action, the one most often undone.
        (Some(Action::Bottom), _) => select(state, last),
        (Some(Action::Open), _) => {
            if let Some(e) = &entry {
                // The action's resource, in its pane, the cursor on it.
                let pane =
                    crate::action::kinds::spec(e.action).map_or(PaneId::Findings, |s| s.pane());
                state.close_all();
                state.focus = pane;
                set_filter_of(state, pane, e.target.clone());
                return vec![];
            }
            match step.as_deref() {
                Some("cloudtrail") => return review_cloudtrail(state),
                Some("credentials") => return revoke_credentials(state),
                _ => {}
            }
            match step.as_deref().and_then(pane_of) {
                Some(pane) => {
                    state.close_all();
                    state.focus = pane;
                }
                None => {
                    state.flash = Some(Flash::refused(
                        "a manual step: do it outside secdash, then mark it",
                        state.now,
                    ))
                }
            }
            vec![]
        }
        (Some(Action::Act(i)), _) if i.spec().name == "restore" => {
            let Some(e) = entry else {
                state.flash = Some(Flash::refused(
                    "select one of the incident's actions below the steps to restore it",
                    state.now,
                ));
                return vec![];
            };
            super::actions::request_action(
                state,
                Request::restore(&e.entry),
                e.region.clone(),
                e.plan.as_ref().and_then(|p| p.account.as_ref()),
            )
        }
        (_, KeyCode::Char('n')) => {
            state.push(Layer::Prompt(Prompt::new(PromptKind::Note)));
            vec![]
        }
        (_, KeyCode::Char('N')) => {
            state.push(Layer::Prompt(Prompt::new(PromptKind::Incident)));
            vec![]
        }
        (_, KeyCode::Char(' ')) => mark(state, StepStatus::Done),
        (_, KeyCode::Char('s')) => mark(state, StepStatus::Skipped),
        (_, KeyCode::Char('p')) => mark(state, StepStatus::Pending),
        _ => vec![],
    }
}

/// Moves the incident view's cursor to a row.
fn select(state: &mut AppState, row: usize) -> Vec<Effect> {
    if let Some(Layer::Incident { selected }) = state.top_mut() {
        *selected = row;
    }
    vec![]
}

/// Every key, user, role, instance and group the incident's actions and the findings they
/// archived name.
pub fn incident_subjects(state: &AppState) -> Vec<FindingSubject> {
    let mut out: Vec<FindingSubject> = Vec::new();
    let mut push = |s: FindingSubject| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    let findings = state
        .findings()
        .map(|d| d.findings.as_slice())
        .unwrap_or(&[]);
    for e in &state.incident.entries {
        // An archived finding's subjects are what it names.
        if let Some(f) = findings.iter().find(|f| f.id == e.target) {
            f.named_subjects().into_iter().for_each(&mut push);
            continue;
        }
        if let Some(kind) =
            crate::action::kinds::spec(e.action).and_then(|s| s.target_subject(&e.target))
        {
            push(FindingSubject::new(kind, e.target.clone()));
        }
    }
    out
}

/// The credentials to revoke: the incident's, else those the high and critical findings name.
fn credential_subjects(state: &AppState) -> Vec<FindingSubject> {
    let credential = |s: &FindingSubject| {
        matches!(
            s.kind,
            SubjectKind::AccessKey | SubjectKind::User | SubjectKind::Role
        )
    };
    let mut out: Vec<FindingSubject> = incident_subjects(state)
        .into_iter()
        .filter(credential)
        .collect();
    if out.is_empty() {
        for f in state
            .findings()
            .map(|d| d.findings.as_slice())
            .unwrap_or(&[])
        {
            if f.severity < 7.0 || f.archived {
                continue;
            }
            for s in f.named_subjects().into_iter().filter(credential) {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    out
}

fn watched_region(state: &AppState) -> String {
    state
        .context
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| crate::config::DEFAULT_REGION.to_string())
}

/// The runbook's "Revoke compromised credentials": the credentials to act on.
pub fn revoke_credentials(state: &mut AppState) -> Vec<Effect> {
    let items = credential_subjects(state);
    if items.is_empty() {
        state.flash = Some(Flash::refused(
            "no access key, user or role in the incident or the high findings",
            state.now,
        ));
        return vec![];
    }
    state.push(Layer::Subjects(SubjectsView {
        title: format!("credentials of incident {}", state.incident.id),
        region: watched_region(state),
        // The incident's credentials may be in any account: acted on from a finding's list.
        account: None,
        items,
        selected: 0,
        since: state.now - Duration::days(7),
    }));
    vec![]
}

/// The runbook's "Review CloudTrail logs": the timeline of everything the incident names.
pub fn review_cloudtrail(state: &mut AppState) -> Vec<Effect> {
    let subjects: Vec<Subject> = incident_subjects(state).iter().map(Subject::of).collect();
    if subjects.is_empty() {
        state.flash = Some(Flash::refused(
            "the incident names nothing yet: act on a finding, or press t on one",
            state.now,
        ));
        return vec![];
    }
    let since = state.now - Duration::days(7);
    let title = format!("incident {}", state.incident.id);
    timeline_of(state, title, subjects, since)
}
