//! The CloudTrail timeline on screen: of a row, a subject or the incident, filterable, Enter
//! on an event showing it whole. Pure: the runtime reads CloudTrail (`Effect::Trail`).

use super::text_field::{PROMPT_MAX, TextField};
use super::{AppState, Effect, Flash, Layer};
use crate::config::keymap::Action;
use crate::model::{ApiCalls, SourceError};
use crate::trail::{Event, Subject, Timeline};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, PartialEq)]
pub enum TrailLoad {
    Loading,
    Ready { timeline: Timeline, calls: ApiCalls },
    Failed(SourceError),
}

/// A CloudTrail timeline on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineView {
    pub title: String,
    pub subjects: Vec<Subject>,
    pub since: DateTime<Utc>,
    /// Which read this is: an older answer arriving late is dropped.
    pub seq: u64,
    pub load: TrailLoad,
    /// Index into `rows()`.
    pub selected: usize,
    pub filter: TextField,
    /// The events the filter keeps, by index, newest first: worked out when the filter or the
    /// events change, not at every frame.
    rows: Vec<usize>,
    pub editing_filter: bool,
    /// The selected event shown whole, scrolled this far.
    pub open: Option<usize>,
}

impl TimelineView {
    pub fn events(&self) -> &[Event] {
        match &self.load {
            TrailLoad::Ready { timeline, .. } => &timeline.events,
            _ => &[],
        }
    }

    /// The events the filter keeps, by index, newest first.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// Pasted text, into the filter being typed.
    pub(super) fn paste(&mut self, text: &str) {
        if self.filter.insert(text) {
            self.refilter();
        }
    }

    /// Applies the filter again (it, or the events, changed); the cursor goes to the top.
    fn refilter(&mut self) {
        let needle = self.filter.text().trim().to_lowercase();
        self.rows = self
            .events()
            .iter()
            .enumerate()
            .filter(|(_, e)| needle.is_empty() || event_text(e).to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect();
        self.selected = 0;
    }

    pub fn selected_event(&self) -> Option<&Event> {
        self.rows()
            .get(self.selected)
            .and_then(|i| self.events().get(*i))
    }
}

/// Everything of an event the filter reads.
pub fn event_text(e: &Event) -> String {
    let mut s = format!(
        "{} {} {} {} {} {} {} {} {}",
        e.name,
        e.source,
        e.region,
        e.source_ip,
        e.user_agent,
        e.username,
        e.access_key_id,
        e.error_code.as_deref().unwrap_or(""),
        e.category.map(|c| c.label()).unwrap_or("")
    );
    for (_, n) in &e.resources {
        s.push(' ');
        s.push_str(n);
    }
    s
}

/// An event whole, as label/value lines.
pub fn event_lines(e: &Event) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "time".into(),
            e.time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        ),
        ("event".into(), e.name.clone()),
        ("source".into(), e.source.clone()),
        ("region".into(), e.region.clone()),
        ("source IP".into(), e.source_ip.clone()),
        ("user agent".into(), e.user_agent.clone()),
        ("user".into(), e.username.clone()),
        ("access key".into(), e.access_key_id.clone()),
        (
            "read-only".into(),
            if e.read_only { "yes" } else { "no" }.into(),
        ),
    ];
    if let Some(c) = &e.error_code {
        out.push(("error".into(), c.clone()));
    }
    if let Some(c) = e.category {
        out.push(("highlight".into(), c.label().into()));
    }
    for (t, n) in &e.resources {
        out.push(("resource".into(), format!("{n} ({t})")));
    }
    out.push(("event id".into(), e.id.clone()));
    out
}

/// `t` on a row: the timeline its pane says it has (a finding's subjects, a group, an
/// endpoint).
pub fn open_row_timeline(state: &mut AppState) -> Vec<Effect> {
    let (Some(row), Some(data)) = (state.selected_row(), state.pane_data(state.focus)) else {
        state.flash = Some(Flash::refused("select a row first", state.now));
        return vec![];
    };
    match crate::panes::pane(state.focus).timeline(data, row, state.now) {
        Some(t) => timeline_of(state, t.title, t.subjects, t.since),
        None => {
            state.flash = Some(Flash::refused(
                "t opens the CloudTrail timeline of a finding, a group or an endpoint",
                state.now,
            ));
            vec![]
        }
    }
}

/// Opens a timeline over what is shown (or, read again, in place of the one on top) and asks
/// the runtime to read it.
pub fn timeline_of(
    state: &mut AppState,
    title: String,
    subjects: Vec<Subject>,
    since: DateTime<Utc>,
) -> Vec<Effect> {
    state.trail_seq += 1;
    let seq = state.trail_seq;
    let view = Box::new(TimelineView {
        title,
        subjects: subjects.clone(),
        since,
        seq,
        load: TrailLoad::Loading,
        selected: 0,
        filter: TextField::new(PROMPT_MAX),
        rows: Vec::new(),
        editing_filter: false,
        open: None,
    });
    match state.top_mut() {
        Some(Layer::Timeline(top)) => *top = view,
        _ => state.push(Layer::Timeline(view)),
    }
    vec![Effect::Trail {
        seq,
        subjects,
        regions: state.context.regions.clone(),
        since,
    }]
}

/// A timeline as read (or why not): dropped when another was asked for since. Against AWS,
/// what it said is kept for the incident's report.
pub fn trail_read(
    state: &mut AppState,
    seq: u64,
    result: Result<(Timeline, ApiCalls), SourceError>,
) -> Vec<Effect> {
    let now = state.now;
    let keep = state.context.source == crate::source::SourceKind::Aws;
    let incident = state.incident.id.clone();
    let Some(view) = state.timeline_mut().filter(|t| t.seq == seq) else {
        return vec![];
    };
    let mut effects = Vec::new();
    view.load = match result {
        Ok((timeline, calls)) => {
            if keep && !incident.is_empty() {
                effects.push(Effect::KeepTrail {
                    incident,
                    reading: Box::new(crate::trail::record::Reading::of(&timeline, now)),
                });
            }
            TrailLoad::Ready { timeline, calls }
        }
        Err(e) => TrailLoad::Failed(e),
    };
    view.refilter();
    effects
}

/// A key in the timeline: move, filter, open an event, read again, back.
pub fn timeline_key(state: &mut AppState, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let page = state.screen.height.saturating_sub(10).max(1) as usize;
    let Some(Layer::Timeline(view)) = state.top_mut() else {
        return vec![];
    };
    if view.editing_filter {
        match key.code {
            KeyCode::Enter => view.editing_filter = false,
            KeyCode::Esc => {
                view.editing_filter = false;
                view.filter.set_text("");
            }
            _ => {
                view.filter.key(key);
            }
        }
        view.refilter();
        return vec![];
    }
    let last = view.rows().len().saturating_sub(1);
    if let Some(scroll) = view.open {
        let max = view
            .selected_event()
            .map(|e| event_lines(e).len().saturating_sub(1))
            .unwrap_or(0);
        view.open = match action {
            Some(Action::Quit) => {
                state.quit = true;
                return vec![Effect::Quit];
            }
            Some(Action::Back | Action::Open) => None,
            Some(Action::Down) => Some((scroll + 1).min(max)),
            Some(Action::Up) => Some(scroll.saturating_sub(1)),
            _ => Some(scroll),
        };
        return vec![];
    }
    match action {
        Some(Action::Quit) => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        Some(Action::Back) if !view.filter.is_empty() => {
            view.filter.set_text("");
            view.refilter();
        }
        Some(Action::Back) => {
            state.pop();
        }
        Some(Action::Filter) => view.editing_filter = true,
        Some(Action::Down) => view.selected = (view.selected + 1).min(last),
        Some(Action::Up) => view.selected = view.selected.saturating_sub(1),
        Some(Action::PageDown) => view.selected = (view.selected + page).min(last),
        Some(Action::PageUp) => view.selected = view.selected.saturating_sub(page),
        Some(Action::Top) => view.selected = 0,
        Some(Action::Bottom) => view.selected = last,
        Some(Action::Open) if view.selected_event().is_some() => view.open = Some(0),
        Some(Action::Refresh) => {
            let (title, subjects, since) = (view.title.clone(), view.subjects.clone(), view.since);
            return timeline_of(state, title, subjects, since);
        }
        Some(Action::Copy) => {
            if let Some(e) = view.selected_event() {
                let id = e.id.clone();
                state.flash = Some(Flash::info(format!("copied event {id}"), state.now));
                return vec![Effect::Copy(id)];
            }
        }
        _ => {}
    }
    vec![]
}
