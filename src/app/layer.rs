//! The screen is a stack of layers over the panes. Each layer owns its state — the help and
//! how far it is scrolled, a timeline and its events, the plan being confirmed and the id
//! typed for it — so a layer cannot be shown without what it shows. Keys go to the top layer;
//! Esc takes it off and the one below is back as it was.

use super::AppState;
use super::actions::Confirm;
use super::command::CommandLine;
use super::incident::Prompt;
use super::investigate::SubjectsView;
use super::text_field::TextField;
use super::timeline::TimelineView;
use crate::model::PaneId;

#[derive(Debug, Clone, PartialEq)]
pub enum Layer {
    /// The keys, scrolled this far.
    Help { scroll: usize },
    /// The selected row's details, scrolled this far.
    Detail { scroll: usize },
    /// The checklist by account: the first item row and the first account column shown
    /// (clamped where it is drawn, which knows how many fit).
    Matrix { scroll: usize, column: usize },
    /// The incident view, its selected row.
    Incident { selected: usize },
    /// A finding's (or the incident's) subjects.
    Subjects(SubjectsView),
    /// A CloudTrail timeline.
    Timeline(Box<TimelineView>),
    /// A pane's filter being typed (drawn in the pane).
    Filter { pane: PaneId, field: TextField },
    /// The `:` command line (drawn in the status bar).
    Command(CommandLine),
    /// A note or an incident id typed in the incident view (drawn in it).
    Prompt(Prompt),
    /// An action's plan, waiting for the operator's yes.
    Confirm(Box<Confirm>),
}

/// What is shown over the panes, in short: the topmost layer that is a view of its own (the
/// filter, the command line, the prompt and the confirmation are typed into what is under
/// them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Detail { scroll: usize },
    Incident { selected: usize },
    Subjects,
    Timeline,
    Matrix { scroll: usize, column: usize },
}

impl AppState {
    /// The layer keys go to, if any is open.
    pub fn top(&self) -> Option<&Layer> {
        self.layers.last()
    }

    pub(super) fn top_mut(&mut self) -> Option<&mut Layer> {
        self.layers.last_mut()
    }

    /// Opens a layer over everything shown.
    pub(super) fn push(&mut self, layer: Layer) {
        self.layers.push(layer);
    }

    /// Closes the top layer: the one under it is back as it was.
    pub(super) fn pop(&mut self) -> Option<Layer> {
        self.layers.pop()
    }

    /// Closes every layer: the panes alone.
    pub(super) fn close_all(&mut self) {
        self.layers.clear();
    }

    /// What is shown over the panes, in short.
    pub fn overlay(&self) -> Overlay {
        self.layers
            .iter()
            .rev()
            .find_map(|layer| match layer {
                Layer::Help { .. } => Some(Overlay::Help),
                Layer::Detail { scroll } => Some(Overlay::Detail { scroll: *scroll }),
                Layer::Matrix { scroll, column } => Some(Overlay::Matrix {
                    scroll: *scroll,
                    column: *column,
                }),
                Layer::Incident { selected } => Some(Overlay::Incident {
                    selected: *selected,
                }),
                Layer::Subjects(_) => Some(Overlay::Subjects),
                Layer::Timeline(_) => Some(Overlay::Timeline),
                Layer::Filter { .. } | Layer::Command(_) | Layer::Prompt(_) | Layer::Confirm(_) => {
                    None
                }
            })
            .unwrap_or(Overlay::None)
    }

    /// The plan waiting for a yes.
    pub fn confirm(&self) -> Option<&Confirm> {
        self.layers.iter().rev().find_map(|l| match l {
            Layer::Confirm(c) => Some(&**c),
            _ => None,
        })
    }

    /// The `:` command line, while it is open.
    pub fn command(&self) -> Option<&CommandLine> {
        self.layers.iter().rev().find_map(|l| match l {
            Layer::Command(c) => Some(c),
            _ => None,
        })
    }

    /// The incident view's prompt, while it is open.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.layers.iter().rev().find_map(|l| match l {
            Layer::Prompt(p) => Some(p),
            _ => None,
        })
    }

    /// The subjects list shown uppermost.
    pub fn subjects(&self) -> Option<&SubjectsView> {
        self.layers.iter().rev().find_map(|l| match l {
            Layer::Subjects(v) => Some(v),
            _ => None,
        })
    }

    /// The timeline shown uppermost.
    pub fn timeline(&self) -> Option<&TimelineView> {
        self.layers.iter().rev().find_map(|l| match l {
            Layer::Timeline(v) => Some(&**v),
            _ => None,
        })
    }

    pub(super) fn timeline_mut(&mut self) -> Option<&mut TimelineView> {
        self.layers.iter_mut().rev().find_map(|l| match l {
            Layer::Timeline(v) => Some(&mut **v),
            _ => None,
        })
    }

    /// The filter being typed, and the pane it is for.
    pub fn filter_field(&self) -> Option<(PaneId, &TextField)> {
        self.layers.iter().rev().find_map(|l| match l {
            Layer::Filter { pane, field } => Some((*pane, field)),
            _ => None,
        })
    }

    /// A filter is being typed.
    pub fn editing_filter(&self) -> bool {
        self.filter_field().is_some()
    }
}
