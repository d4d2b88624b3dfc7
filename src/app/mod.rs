//! The one state, the messages that change it and the one pure `update`.
//!
//! No I/O, no clock reads, no `.await` here: time arrives inside messages, and whatever must
//! happen outside is returned as an `Effect` for the runtime to carry out.

pub mod actions;
pub use actions::ActionReport;
pub mod command;
mod context;
pub use context::{Choices, Context};
pub mod detail;
mod flash;
pub use flash::Flash;
pub mod incident;
pub mod investigate;
pub mod jump;
mod keys;
use keys::set_filter_of;
mod layer;
pub use layer::{Layer, Overlay};
pub mod layout;
pub mod load;
pub mod rows;
mod scroll;
pub mod text_field;
pub mod timeline;

use crate::config::keymap::Keymap;

use crate::action::ActionFailure;
use crate::action::runbook::RunbookError;
use crate::metrics::{CloudWatchCost, Thresholds};
use crate::model::{CheckItem, Endpoint, FindingsData, Identity, PaneId, SecurityGroupsData};
use crate::panes::{CellContext, PaneData, RowRef, Target, Totals};
use crate::source::{ApiCalls, Fetched, SourceError};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use load::Load;
use ratatui::layout::Rect;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Selection, scroll and filter of one pane.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaneView {
    pub selected: usize,
    pub offset: usize,
    pub filter: String,
    /// The rows that pass the filter, in display order.
    pub rows: Vec<RowRef>,
    /// Counts for the title, from the last data.
    pub totals: Totals,
    /// The order chosen with `s` / `S` or `:sort`; the data's own when `None`.
    pub sort: Option<crate::panes::Sort>,
    /// The rows a jump (`J`) led to, shown alone until Esc.
    pub only: Option<jump::Only>,
    /// Group names more than one group among `rows` has (the groups pane's).
    pub ambiguous: std::collections::HashSet<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub context: Context,
    /// Each pane's data, by `PaneId` index.
    pub data: [Load<PaneData>; PaneId::COUNT],
    pub views: [PaneView; PaneId::COUNT],
    pub focus: PaneId,
    pub zoomed: bool,
    /// Of a refresh of several accounts under way: answered, of how many.
    pub progress: [Option<(usize, usize)>; PaneId::COUNT],
    /// What is open over the panes, bottom first: keys go to the last.
    pub layers: Vec<Layer>,
    /// Every region the configuration watches (`:region` narrows `context.regions` to one).
    pub watched_regions: Vec<String>,
    pub now: DateTime<Utc>,
    pub screen: Rect,
    /// API calls of each pane's last refresh.
    pub api_calls: BTreeMap<PaneId, ApiCalls>,
    /// The call that read who is calling (the header's identity).
    pub identity_calls: ApiCalls,
    /// CloudWatch metrics requested by each pane's last refresh (GetMetricData is billed per metric).
    pub metrics_requested: BTreeMap<PaneId, u64>,
    /// Refresh interval per pane, in seconds, for the cost estimate.
    pub refresh_seconds: BTreeMap<PaneId, u64>,
    pub keymap: Keymap,
    pub thresholds: Thresholds,
    pub incident: incident::Incident,
    /// Every journal entry, oldest first.
    pub journal: Vec<crate::action::journal::Entry>,
    /// What secdash changed and is still in effect, by resource id: the badge its rows show
    /// ("isolated · INC-2041 · 19:58").
    pub changes: BTreeMap<String, String>,
    /// The findings pane lists archived findings too.
    pub show_archived: bool,
    pub flash: Option<Flash>,
    /// An action being planned or carried out.
    pub busy: Option<String>,
    /// The last CloudTrail read asked for: an answer to an older one is dropped.
    pub trail_seq: u64,
    pub quit: bool,
}

/// What a pane showing its first rows says while the rest is read.
pub const FIRST_ROWS: &str = "the most severe findings first; the rest are being read";

#[derive(Debug, Clone)]
pub enum Msg {
    Tick(DateTime<Utc>),
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    FetchStarted {
        pane: PaneId,
    },
    Fetched {
        pane: PaneId,
        at: DateTime<Utc>,
        result: Result<Fetched<PaneData>, SourceError>,
    },
    Identity(Result<Fetched<Identity>, SourceError>),
    /// The executor's plan for a requested action, or why there is none.
    Planned(Result<crate::action::plan::Plan, ActionFailure>),
    ActionDone(Result<ActionReport, ActionFailure>),
    /// The runbook of the incident switched to (`None`: not started).
    RunbookLoaded(Result<Option<crate::action::runbook::Runbook>, Arc<RunbookError>>),
    /// The runbook as saved (merged with the file's), or why it was not.
    RunbookSaved(Result<crate::action::runbook::Saved, Arc<RunbookError>>),
    /// The journal, read again after an action, when another process wrote it, or at the start.
    Journal(crate::action::journal::Journalled),
    /// A runbook file changed on disk (another responder's note, the command line).
    RunbooksChanged,
    /// Text pasted into the terminal (bracketed paste): it goes where typing goes.
    Paste(String),
    /// A mouse click or wheel turn.
    Mouse(crossterm::event::MouseEvent),
    /// Something the runtime did on the screen's behalf, to say in the status bar.
    Notice(Flash),
    /// A CloudTrail timeline read (`seq` says which request it answers), or why not.
    Trail {
        seq: u64,
        result: Result<(crate::trail::Timeline, ApiCalls), SourceError>,
    },
    /// What a contained principal could change, as IAM's simulator answered.
    BlastRadius {
        principal: crate::model::Principal,
        result: Result<crate::model::BlastRadius, SourceError>,
    },
    /// The first rows of a fetch still under way (GuardDuty's first page of a region).
    /// A refresh of several accounts: how many have answered, of how many.
    Progress {
        pane: PaneId,
        done: usize,
        total: usize,
    },
    FirstRows {
        pane: PaneId,
        at: DateTime<Utc>,
        data: PaneData,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    Refresh(PaneId),
    /// Ask the executor for a plan (it reads the resource and runs EC2's DryRun).
    Plan {
        request: crate::action::Request,
        region: String,
        /// The row's account, when secdash watches several: the plan runs there.
        account: Option<crate::model::AccountRef>,
    },
    /// Carry out a confirmed plan.
    Execute(Box<crate::action::plan::Plan>),
    /// Write the incident's runbook (a step was marked).
    SaveRunbook(Box<crate::action::runbook::Runbook>),
    /// Add a note to an incident's runbook (started if need be).
    AddNote {
        incident: String,
        text: String,
    },
    /// Read the runbook of the incident switched to.
    LoadRunbook(String),
    /// List archived findings too (or not): the findings pane refreshes.
    ShowArchived(bool),
    /// Put text on the terminal's clipboard (OSC 52: works over ssh and in tmux).
    Copy(String),
    /// Read this account's checklist from the account itself from now on (an aggregation point
    /// judged it, and left what its controls do not cover to be read on demand).
    OpenAccount(String),
    /// Fetch metrics over another window from now on.
    SetWindow(chrono::Duration),
    /// Fetch from these regions from now on.
    SetRegions(Vec<String>),
    /// Draw with another theme (a built-in name or a file).
    SetTheme(String),
    /// Keep what a timeline said for the incident's report.
    KeepTrail {
        incident: String,
        reading: Box<crate::trail::record::Reading>,
    },
    /// Read the CloudTrail timeline of these subjects.
    Trail {
        seq: u64,
        subjects: Vec<crate::trail::Subject>,
        regions: Vec<String>,
        since: DateTime<Utc>,
    },
    /// Ask IAM's simulator what a contained principal could change.
    BlastRadius(crate::model::Principal),
}

impl AppState {
    /// What a fetch started now asks for: the window, Regions and archived findings the
    /// operator chose (the state is the only place these live).
    pub fn choices(&self) -> Choices {
        Choices {
            window: self.context.window,
            regions: self.context.regions.clone(),
            include_archived: self.show_archived,
        }
    }
}

impl AppState {
    pub fn new(
        context: Context,
        keymap: Keymap,
        thresholds: Thresholds,
        now: DateTime<Utc>,
    ) -> Self {
        AppState {
            watched_regions: context.regions.clone(),
            context,
            data: Default::default(),
            views: Default::default(),
            focus: PaneId::Endpoints,
            zoomed: false,
            progress: [None; PaneId::COUNT],
            layers: Vec::new(),
            now,
            screen: Rect::new(0, 0, 80, 24),
            api_calls: BTreeMap::new(),
            identity_calls: ApiCalls::new(),
            metrics_requested: BTreeMap::new(),
            refresh_seconds: BTreeMap::new(),
            keymap,
            thresholds,
            incident: incident::Incident {
                id: String::new(),
                named: false,
                runbook: None,
                entries: Vec::new(),
                radii: BTreeMap::new(),
            },
            journal: Vec::new(),
            changes: BTreeMap::new(),
            show_archived: false,
            flash: None,
            busy: None,
            trail_seq: 0,
            quit: false,
        }
    }

    pub fn view(&self, pane: PaneId) -> &PaneView {
        &self.views[pane.index()]
    }

    fn view_mut(&mut self, pane: PaneId) -> &mut PaneView {
        &mut self.views[pane.index()]
    }

    pub fn load(&self, pane: PaneId) -> &Load<PaneData> {
        &self.data[pane.index()]
    }

    /// The pane's data, the last good data while it loads or after it failed.
    pub fn pane_data(&self, pane: PaneId) -> Option<&PaneData> {
        self.load(pane).data()
    }

    pub fn endpoints(&self) -> Option<&[Endpoint]> {
        self.pane_data(PaneId::Endpoints)?.endpoints()
    }

    pub fn security_groups(&self) -> Option<&SecurityGroupsData> {
        self.pane_data(PaneId::SecurityGroups)?.security_groups()
    }

    pub fn findings(&self) -> Option<&FindingsData> {
        self.pane_data(PaneId::Findings)?.findings()
    }

    pub fn checklist(&self) -> Option<&[CheckItem]> {
        self.pane_data(PaneId::Checklist)?.checklist()
    }

    pub fn is_loading(&self, pane: PaneId) -> bool {
        self.load(pane).is_loading()
    }

    pub fn error(&self, pane: PaneId) -> Option<&str> {
        self.load(pane).error()
    }

    /// Why the pane's last fetch failed.
    pub fn failure(&self, pane: PaneId) -> Option<&SourceError> {
        self.load(pane).failure()
    }

    /// When the pane's shown data was fetched, and its partial-failure warnings.
    pub fn stamp(&self, pane: PaneId) -> Option<(DateTime<Utc>, &[String])> {
        self.load(pane)
            .last()
            .map(|s| (s.at, s.warnings.as_slice()))
    }

    /// What cells and details need to know of the session.
    pub fn cell_context(&self, target: Target) -> CellContext<'_> {
        CellContext {
            now: self.now,
            window: self.context.window,
            multi_region: self.context.regions.len() > 1,
            multi_account: self.context.accounts.len() > 1,
            target,
            changes: &self.changes,
            ambiguous_groups: &self.view(PaneId::SecurityGroups).ambiguous,
            endpoint_name_width: self.endpoints().map_or(0, |all| {
                all.iter()
                    .map(|e| {
                        // The alert's and the change's badges take two columns each.
                        let badges = usize::from(!e.alerts.is_empty())
                            + usize::from(self.changes.contains_key(&e.name));
                        e.name.chars().count() + 2 * badges
                    })
                    .max()
                    .unwrap_or(0)
                    .min(usize::from(u16::MAX)) as u16
            }),
        }
    }

    pub fn has_data(&self, pane: PaneId) -> bool {
        self.stamp(pane).is_some()
    }

    /// Where each visible pane is on the screen now.
    pub fn layout(&self) -> Vec<(PaneId, Rect)> {
        let top = self.view(layout::top_left(self.focus)).rows.len();
        layout::panes(self.screen, self.focus, self.zoomed, top)
    }

    /// Rows that fit in the pane as it is laid out now.
    pub fn page_rows(&self, pane: PaneId) -> usize {
        let typing = self.filter_field().is_some_and(|(p, _)| p == pane);
        let show_filter = typing || !self.view(pane).filter.is_empty();
        self.layout()
            .into_iter()
            .find(|(p, _)| *p == pane)
            .map(|(_, area)| layout::table_rows(area, show_filter))
            .unwrap_or(1)
    }

    /// The row under the cursor in the focused pane.
    pub fn selected_row(&self) -> Option<RowRef> {
        let v = self.view(self.focus);
        v.rows.get(v.selected).copied()
    }

    /// The estimated CloudWatch cost of one refresh and of an hour at the current intervals.
    pub fn cloudwatch_cost(&self) -> CloudWatchCost {
        CloudWatchCost::estimate(&self.metrics_requested, &self.refresh_seconds)
    }

    /// Total API calls of the last refresh of every pane, and the identity's.
    pub fn total_api_calls(&self) -> ApiCalls {
        let mut total = ApiCalls::new();
        for calls in self.api_calls.values().chain([&self.identity_calls]) {
            total.add(calls);
        }
        total
    }
}

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            vec![]
        }
        Msg::Resize { width, height } => {
            state.screen = Rect::new(0, 0, width, height);
            for pane in PaneId::ALL {
                keep_visible(state, pane);
            }
            vec![]
        }
        Msg::FetchStarted { pane } => {
            state.data[pane.index()].start();
            vec![]
        }
        Msg::Fetched { pane, at, result } => {
            state.progress[pane.index()] = None;
            on_fetched(state, pane, at, result);
            vec![]
        }
        Msg::Identity(result) => {
            match result {
                Ok(f) => {
                    state.identity_calls = f.api_calls;
                    state.context.identity.succeed(f.data, state.now, vec![])
                }
                Err(e) => state.context.identity.fail(e, state.now),
            }
            vec![]
        }
        Msg::Key(key) => keys::on_key(state, key),
        Msg::Paste(text) => keys::on_paste(state, &text),
        Msg::Mouse(ev) => keys::on_mouse(state, ev),
        Msg::Notice(flash) => {
            state.flash = Some(flash);
            vec![]
        }
        Msg::Progress { pane, done, total } => {
            state.progress[pane.index()] = (done < total).then_some((done, total));
            vec![]
        }
        Msg::FirstRows { pane, at, data } => {
            let shown = state.data[pane.index()].first_rows(data, at, vec![FIRST_ROWS.to_string()]);
            if shown {
                state.views[pane.index()].totals = rows::totals(state, pane);
                rebuild_rows(state, pane);
            }
            vec![]
        }
        Msg::Trail { seq, result } => timeline::trail_read(state, seq, result),
        Msg::BlastRadius { principal, result } => incident::radius_read(state, principal, result),
        Msg::Journal(journal) => incident::journal_msg(state, journal),
        Msg::RunbooksChanged => vec![Effect::LoadRunbook(state.incident.id.clone())],
        Msg::RunbookLoaded(result) => {
            match result {
                Ok(rb) => state.incident.runbook = rb,
                Err(e) => state.flash = Some(Flash::error(e.to_string(), state.now)),
            }
            vec![]
        }
        Msg::RunbookSaved(result) => {
            match result {
                Ok(saved) => {
                    if let Some(aside) = &saved.kept_aside {
                        state.flash = Some(Flash::error(
                            format!(
                                "the runbook did not read: kept as {}; a new one is started",
                                aside.display()
                            ),
                            state.now,
                        ));
                    }
                    state.incident.runbook = Some(saved.runbook);
                }
                Err(e) => state.flash = Some(Flash::error(e.to_string(), state.now)),
            }
            vec![]
        }
        Msg::Planned(result) => {
            state.busy = None;
            match result {
                Ok(plan) => state.push(Layer::Confirm(Box::new(actions::Confirm::new(plan)))),
                Err(e) if e.is_refusal() => {
                    state.flash = Some(Flash::refused(e.message, state.now))
                }
                Err(e) => state.flash = Some(Flash::error(e.message, state.now)),
            }
            vec![]
        }
        Msg::ActionDone(result) => {
            state.busy = None;
            match result {
                Ok(report) => {
                    let text = format!("{} · journal {}", report.message, report.entry);
                    state.flash = Some(if report.verified {
                        Flash::info(text, state.now)
                    } else {
                        Flash::error(text, state.now)
                    });
                    // What its action changed is fetched again.
                    crate::action::kinds::spec(report.action)
                        .map_or(&PaneId::ALL[..], |s| s.refresh())
                        .iter()
                        .map(|p| Effect::Refresh(*p))
                        .collect()
                }
                Err(e) => {
                    state.flash = Some(Flash::error(e.message, state.now));
                    vec![Effect::Refresh(PaneId::SecurityGroups)]
                }
            }
        }
    }
}

/// The item under the cursor, to find it again when the rows change under it.
fn selected_item(state: &AppState, pane: PaneId) -> Option<(String, Option<u32>)> {
    let view = state.view(pane);
    let row = view.rows.get(view.selected)?;
    let key = crate::panes::pane(pane).item_key(state.pane_data(pane)?, row.item)?;
    Some((key, row.rule()))
}

fn on_fetched(
    state: &mut AppState,
    pane: PaneId,
    at: DateTime<Utc>,
    result: Result<Fetched<PaneData>, SourceError>,
) {
    state.now = state.now.max(at);
    let selected = selected_item(state, pane);
    match result {
        Ok(fetched) => {
            state.api_calls.insert(pane, fetched.api_calls);
            state
                .metrics_requested
                .insert(pane, fetched.metrics_requested);
            debug_assert_eq!(
                fetched.data.pane(),
                pane,
                "a fetch answers for its own pane"
            );
            state.data[pane.index()].succeed(fetched.data, at, fetched.warnings);
        }
        Err(error) => state.data[pane.index()].fail(error, at),
    }
    state.views[pane.index()].totals = rows::totals(state, pane);
    rebuild_rows(state, pane);
    // The cursor stays on the item it was on (a group acted on moves when groups re-sort).
    reselect(state, pane, selected);
}

/// Puts the cursor back on the item (and rule) it was on before the rows changed.
fn reselect(state: &mut AppState, pane: PaneId, selected: Option<(String, Option<u32>)>) {
    if let (Some((key, rule)), Some(data)) = (selected, state.pane_data(pane)) {
        let entry = crate::panes::pane(pane);
        let rows = &state.view(pane).rows;
        let same = |r: &RowRef| entry.item_key(data, r.item).as_deref() == Some(key.as_str());
        let found = rows
            .iter()
            .position(|r| same(r) && r.rule() == rule)
            .or_else(|| rows.iter().position(same));
        if let Some(i) = found {
            state.view_mut(pane).selected = i;
            keep_visible(state, pane);
        }
    }
}

/// Recomputes a pane's visible rows after its data or filter changed, keeping the cursor.
pub fn rebuild_rows(state: &mut AppState, pane: PaneId) {
    let rows = rows::visible_rows(state, pane, &state.view(pane).filter);
    let ambiguous = if pane == PaneId::SecurityGroups {
        rows::ambiguous_group_names(state, &rows)
    } else {
        Default::default()
    };
    let view = state.view_mut(pane);
    view.rows = rows;
    view.ambiguous = ambiguous;
    view.selected = view.selected.min(view.rows.len().saturating_sub(1));
    keep_visible(state, pane);
    // The endpoints pane is as tall as its rows: the findings below it change size with them.
    if pane == PaneId::Endpoints {
        keep_visible(state, PaneId::Findings);
    }
}

pub(crate) fn keep_visible(state: &mut AppState, pane: PaneId) {
    let page = state.page_rows(pane);
    let view = state.view_mut(pane);
    if view.selected < view.offset {
        view.offset = view.selected;
    } else if view.selected >= view.offset + page {
        view.offset = view.selected + 1 - page;
    }
    let max_offset = view.rows.len().saturating_sub(page);
    view.offset = view.offset.min(max_offset);
}

#[cfg(test)]
mod tests;
