//! A finding's subjects (the key and its user or role, the instance, its interfaces and
//! groups, the bucket), each opened or contained with a key, and the incident's: what its
//! actions and archived findings name, and the credentials to revoke. Pure.

use super::timeline::timeline_of;
use super::{AppState, Effect, Flash, Layer, set_filter_of};
use crate::action::Request;
use crate::action::kinds;
use crate::config::keymap::Action;
use crate::model::{Finding, FindingSubject, PaneId, SubjectKind};
use crate::trail::Subject;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

/// The subjects of a finding (or of the incident), one of them selected.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectsView {
    pub title: String,
    /// Where actions on them run: the region, and the account of several.
    pub region: String,
    pub account: crate::model::RowAccount,
    pub items: Vec<FindingSubject>,
    pub selected: usize,
    /// How far back their timelines read.
    pub since: DateTime<Utc>,
}

/// The containment that fits a subject, or why there is none.
pub fn containment(s: &FindingSubject) -> Result<Request, String> {
    if s.kind == SubjectKind::AccessKey && s.is_session_key() {
        return Err(format!(
            "{} is a role's session key: it cannot be deactivated; revoke the role's sessions instead",
            s.id
        ));
    }
    let (kind, _) = kinds::containing(s.kind).ok_or_else(|| {
        format!(
            "secdash has no containment for a {}: open its timeline (t) to see who used it",
            s.kind.label()
        )
    })?;
    let spec = kinds::spec(kind).ok_or("no such action")?;
    Ok(Request::new(kind, spec.target_of_subject(&s.id)))
}

/// What the containment key does to a subject, in words, for the list.
pub fn containment_label(state: &AppState, s: &FindingSubject) -> String {
    let key = state.keymap.label(Action::intent("contain"));
    match kinds::containing(s.kind) {
        _ if s.kind == SubjectKind::AccessKey && s.is_session_key() => {
            "a session key: revoke its role's sessions".to_string()
        }
        Some((_, words)) => format!("{key}: {words}"),
        None => String::new(),
    }
}

fn selected_finding(state: &AppState) -> Option<&Finding> {
    let row = state.selected_row()?;
    state.findings()?.findings.get(row.item as usize)
}

/// `e` on a finding: its subjects.
pub fn open_subjects(state: &mut AppState) -> Vec<Effect> {
    if state.focus != PaneId::Findings {
        state.flash = Some(Flash::refused(
            "subjects are a finding's: select one in the findings pane",
            state.now,
        ));
        return vec![];
    }
    let Some(f) = selected_finding(state).cloned() else {
        state.flash = Some(Flash::refused("select a finding first", state.now));
        return vec![];
    };
    let items = f.named_subjects();
    if items.is_empty() {
        state.flash = Some(Flash::refused(
            format!(
                "the finding names nothing secdash can open ({})",
                f.resource
            ),
            state.now,
        ));
        return vec![];
    }
    state.push(Layer::Subjects(SubjectsView {
        title: format!("{} · {}", f.finding_type, f.title),
        region: f.region.to_string(),
        account: f.account.clone(),
        items,
        selected: 0,
        since: crate::trail::since_for(f.first_seen, state.now),
    }));
    vec![]
}

/// A key in the subjects list.
pub fn subjects_key(state: &mut AppState, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let Some(Layer::Subjects(view)) = state.top_mut() else {
        return vec![];
    };
    let last = view.items.len().saturating_sub(1);
    let subject = view.items.get(view.selected).cloned();
    let region = view.region.clone();
    let account = view.account.clone();
    let since = view.since;
    match (action, key.code) {
        (Some(Action::Quit), _) => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        (Some(Action::Back), _) => {
            state.pop();
        }
        (Some(Action::Down), _) => view.selected = (view.selected + 1).min(last),
        (Some(Action::Up), _) => view.selected = view.selected.saturating_sub(1),
        (Some(Action::Top), _) => view.selected = 0,
        (Some(Action::Bottom), _) => view.selected = last,
        (Some(Action::Open), _) => {
            let Some(s) = subject else { return vec![] };
            return open_subject(state, &s, since);
        }
        (_, KeyCode::Char('t')) => {
            let Some(s) = subject else { return vec![] };
            return timeline_of(
                state,
                format!("{} {}", s.kind.label(), s.id),
                vec![Subject::of(&s)],
                since,
            );
        }
        (Some(Action::Act(i)), _) if matches!(i.spec().name, "contain" | "isolate") => {
            let Some(s) = subject else { return vec![] };
            return match containment(&s) {
                Ok(request) => {
                    super::actions::request_action(state, request, region, account.as_deref())
                }
                Err(why) => {
                    state.flash = Some(Flash::refused(why, state.now));
                    vec![]
                }
            };
        }
        (Some(Action::Act(i)), _) if i.spec().name == "restore" => {
            let Some(s) = subject else { return vec![] };
            return super::actions::request_action(
                state,
                Request::restore(&s.id),
                region,
                account.as_deref(),
            );
        }
        (Some(Action::Copy), _) => {
            if let Some(s) = subject {
                state.flash = Some(Flash::info(format!("copied {}", s.id), state.now));
                return vec![Effect::Copy(s.id.into())];
            }
        }
        _ => {}
    }
    vec![]
}

/// Enter on a subject: its row in its pane, or (for credentials and buckets) its timeline.
fn open_subject(state: &mut AppState, s: &FindingSubject, since: DateTime<Utc>) -> Vec<Effect> {
    let pane = match s.kind {
        SubjectKind::Instance | SubjectKind::NetworkInterface | SubjectKind::SecurityGroup => {
            Some(PaneId::SecurityGroups)
        }
        SubjectKind::Endpoint => Some(PaneId::Endpoints),
        _ => None,
    };
    match pane {
        Some(pane) => {
            state.close_all();
            state.focus = pane;
            set_filter_of(state, pane, s.id.to_string());
            vec![]
        }
        None => timeline_of(
            state,
            format!("{} {}", s.kind.label(), s.id),
            vec![Subject::of(s)],
            since,
        ),
    }
}
