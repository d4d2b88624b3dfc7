//! Keys: what each binding does to the state, the filter line's editing, the cursor.

use super::command::{self, Command, CommandLine};
use super::text_field::{Edited, FILTER_MAX, TextField};
use super::{
    AppState, Effect, Flash, Layer, Overlay, actions, incident, investigate, jump, keep_visible,
    rebuild_rows, rows, scroll, timeline,
};
use crate::config::keymap::Action;
use crate::model::PaneId;
use crate::panes::Sort;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn move_cursor(state: &mut AppState, delta: isize) {
    let pane = state.focus;
    let view = state.view_mut(pane);
    let last = view.rows.len().saturating_sub(1) as isize;
    view.selected = (view.selected as isize + delta).clamp(0, last.max(0)) as usize;
    keep_visible(state, pane);
}

pub(super) fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    // Ctrl-C quits from anywhere, whatever the bindings say.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return quit(state);
    }
    // What is typed into (a confirmation, a prompt, the command line, a filter) takes every
    // key as text; the views take the keymap's actions.
    match state.top() {
        Some(Layer::Confirm(_)) => return actions::confirm_key(state, key),
        Some(Layer::Prompt(_)) => return incident::prompt_key(state, key),
        Some(Layer::Command(_)) => return command_key(state, key),
        Some(Layer::Filter { .. }) => {
            edit_filter(state, key);
            return vec![];
        }
        _ => {}
    }
    let action = state.keymap.action_for(&key);
    match state.top() {
        Some(Layer::Incident { .. }) => return incident::on_key(state, action, key),
        Some(Layer::Subjects(_)) => return investigate::subjects_key(state, action, key),
        Some(Layer::Timeline(_)) => return timeline::timeline_key(state, action, key),
        Some(Layer::Matrix { .. }) => return scroll::matrix_key(state, action, key),
        _ => {}
    }
    let Some(action) = action else {
        return vec![];
    };
    match state.top() {
        Some(Layer::Help { .. }) => scroll::help_key(state, action),
        Some(Layer::Detail { .. }) => scroll::detail_key(state, action),
        _ => pane_key(state, action),
    }
}

/// A key on the panes: move, filter, sort, jump, refresh, open the overlays, act.
fn pane_key(state: &mut AppState, action: Action) -> Vec<Effect> {
    let page = state.page_rows(state.focus) as isize;
    match action {
        Action::Quit => return quit(state),
        Action::NextPane => focus(state, PaneId::from_index(state.focus.index() + 1)),
        Action::PrevPane => focus(
            state,
            PaneId::from_index(state.focus.index() + PaneId::COUNT - 1),
        ),
        Action::FocusEndpoints => focus(state, PaneId::Endpoints),
        Action::FocusSecurityGroups => focus(state, PaneId::SecurityGroups),
        Action::FocusFindings => focus(state, PaneId::Findings),
        Action::FocusChecklist => focus(state, PaneId::Checklist),
        Action::FocusSagemaker => focus(state, PaneId::Sagemaker),
        Action::Down => move_cursor(state, 1),
        Action::Up => move_cursor(state, -1),
        Action::PageDown => move_cursor(state, page),
        Action::PageUp => move_cursor(state, -page),
        Action::Top => move_cursor(state, isize::MIN / 2),
        Action::Bottom => move_cursor(state, isize::MAX / 2),
        Action::Open => {
            if state.selected_row().is_some() {
                state.push(Layer::Detail { scroll: 0 });
                if let Some(account) = on_demand_account(state) {
                    return open_account(state, account);
                }
            }
        }
        Action::Back => back(state),
        Action::Filter => {
            let pane = state.focus;
            let field = TextField::with_text(&state.view(pane).filter, FILTER_MAX);
            state.push(Layer::Filter { pane, field });
            keep_visible(state, pane);
        }
        Action::Sort | Action::SortReverse => sort_key(state, action == Action::SortReverse),
        Action::NextMatch => next_match(state, 1),
        Action::PrevMatch => next_match(state, -1),
        Action::Command => state.push(Layer::Command(CommandLine::default())),
        Action::Window => {
            let next = command::next_window(state.context.window);
            return set_window(state, next);
        }
        Action::Copy => return copy(state, false),
        Action::Console => return copy(state, true),
        Action::Jump => jump_to(state),
        Action::Timeline => return timeline::open_row_timeline(state),
        Action::Subjects => return investigate::open_subjects(state),
        Action::Refresh => return vec![Effect::Refresh(state.focus)],
        Action::RefreshAll => return PaneId::ALL.into_iter().map(Effect::Refresh).collect(),
        Action::Zoom => {
            state.zoomed = !state.zoomed;
            for pane in PaneId::ALL {
                keep_visible(state, pane);
            }
        }
        Action::Help => state.push(Layer::Help { scroll: 0 }),
        Action::Incident => return incident::open(state),
        Action::Matrix if state.context.accounts.len() > 1 => {
            state.push(Layer::Matrix {
                scroll: 0,
                column: 0,
            });
        }
        Action::Matrix => {
            state.flash = Some(Flash::info(
                "the matrix compares accounts: name several in [[accounts]]",
                state.now,
            ));
        }
        Action::ToggleArchived => return toggle_archived(state),
        Action::Act(_) => match actions::request_for(state, action) {
            Ok((request, region, account)) => {
                return super::actions::request_action(state, request, region, account.as_deref());
            }
            Err(e) => state.flash = Some(Flash::refused(e, state.now)),
        },
    }
    vec![]
}

/// `esc`: unzoom, else show all again after a jump, else clear the filter.
fn back(state: &mut AppState) {
    if state.zoomed {
        state.zoomed = false;
        for pane in PaneId::ALL {
            keep_visible(state, pane);
        }
    } else if state.view(state.focus).only.is_some() {
        state.view_mut(state.focus).only = None;
        rebuild_rows(state, state.focus);
    } else if !state.view(state.focus).filter.is_empty() {
        set_filter(state, String::new());
    }
}

/// `J`: to what the row names, in its pane.
fn jump_to(state: &mut AppState) {
    match jump::target(state) {
        Ok((pane, only)) => {
            let label = only.label.clone();
            state.view_mut(pane).only = Some(only);
            state.view_mut(pane).selected = 0;
            rebuild_rows(state, pane);
            focus(state, pane);
            state.flash = Some(Flash::info(
                format!(
                    "{}: {label} (esc shows all)",
                    crate::panes::pane(pane).short_name()
                ),
                state.now,
            ));
        }
        Err(why) => state.flash = Some(Flash::refused(why, state.now)),
    }
}

/// `A`: archived findings listed too, or hidden again.
fn toggle_archived(state: &mut AppState) -> Vec<Effect> {
    state.show_archived = !state.show_archived;
    let text = if state.show_archived {
        "archived findings are listed too"
    } else {
        "archived findings are hidden"
    };
    state.flash = Some(Flash::info(text, state.now));
    vec![Effect::ShowArchived(state.show_archived)]
}

pub(super) fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quit = true;
    vec![Effect::Quit]
}

fn focus(state: &mut AppState, pane: PaneId) {
    state.focus = pane;
    keep_visible(state, pane);
}

fn set_filter(state: &mut AppState, filter: String) {
    set_filter_of(state, state.focus, filter);
}

/// Sets a pane's filter and rebuilds its rows, from the last matches when it only narrows.
pub(super) fn set_filter_of(state: &mut AppState, pane: PaneId, filter: String) {
    let old = std::mem::replace(&mut state.view_mut(pane).filter, filter.clone());
    let view = state.view_mut(pane);
    view.selected = 0;
    view.offset = 0;
    // A longer filter with the same start can only narrow: look at today's rows, not all.
    let narrowing = !old.trim().is_empty() && filter.starts_with(&old) && !filter.ends_with(' ');
    if narrowing {
        let candidates = std::mem::take(&mut state.view_mut(pane).rows);
        let rows = rows::visible_rows_among(state, pane, &filter, Some(&candidates));
        if pane == PaneId::SecurityGroups {
            state.view_mut(pane).ambiguous = rows::ambiguous_group_names(state, &rows);
        }
        state.view_mut(pane).rows = rows;
        keep_visible(state, pane);
    } else {
        rebuild_rows(state, pane);
    }
}

/// A key while a pane's filter is typed: it narrows the pane as it changes; ↑/↓ move the
/// selection meanwhile, as in fzf.
fn edit_filter(state: &mut AppState, key: KeyEvent) {
    let Some(Layer::Filter { pane, field }) = state.top_mut() else {
        return;
    };
    let pane = *pane;
    match key.code {
        KeyCode::Esc => {
            state.pop();
            set_filter_of(state, pane, String::new());
        }
        KeyCode::Enter => {
            state.pop();
            keep_visible(state, pane);
        }
        KeyCode::Down => move_cursor(state, 1),
        KeyCode::Up => move_cursor(state, -1),
        KeyCode::PageDown => move_cursor(state, state.page_rows(pane) as isize),
        KeyCode::PageUp => move_cursor(state, -(state.page_rows(pane) as isize)),
        _ => {
            if field.key(key) == Edited::Text {
                let text = field.text().to_string();
                set_filter_of(state, pane, text);
            }
        }
    }
}

/// Pasted text goes where typing goes: the filter, the command line, a prompt, the typed
/// confirmation, the timeline's filter.
pub(super) fn on_paste(state: &mut AppState, text: &str) -> Vec<Effect> {
    let filtered = match state.top_mut() {
        Some(Layer::Command(cmd)) => {
            cmd.line.insert(text);
            None
        }
        Some(Layer::Prompt(prompt)) => {
            prompt.input.insert(text);
            None
        }
        Some(Layer::Confirm(confirm)) if confirm.typed => {
            confirm.input.insert(text);
            None
        }
        Some(Layer::Filter { pane, field }) => field
            .insert(text)
            .then(|| (*pane, field.text().to_string())),
        Some(Layer::Timeline(view)) if view.editing_filter => {
            view.paste(text);
            None
        }
        _ => None,
    };
    if let Some((pane, filter)) = filtered {
        set_filter_of(state, pane, filter);
    }
    vec![]
}

/// `s` steps to the next sort field (after the last, back to the data's order); `S` reverses.
fn sort_key(state: &mut AppState, reverse: bool) {
    let pane = state.focus;
    let fields = crate::panes::pane(pane).sort_fields();
    let now = state.view(pane).sort;
    let next = match (now, reverse) {
        (None, false) => Some(Sort {
            field: 0,
            reversed: false,
        }),
        (Some(s), false) if s.field + 1 < fields.len() => Some(Sort {
            field: s.field + 1,
            reversed: false,
        }),
        (Some(_), false) => None,
        (None, true) => Some(Sort {
            field: 0,
            reversed: true,
        }),
        (Some(s), true) => Some(Sort {
            reversed: !s.reversed,
            ..s
        }),
    };
    set_sort(state, pane, next);
}

/// Orders a pane's rows, keeping the cursor on the item it was on.
pub(super) fn set_sort(state: &mut AppState, pane: PaneId, sort: Option<Sort>) {
    let selected = super::selected_item(state, pane);
    state.view_mut(pane).sort = sort;
    rebuild_rows(state, pane);
    super::reselect(state, pane, selected);
    let fields = crate::panes::pane(pane).sort_fields();
    let text = match sort {
        Some(s) => format!(
            "sorted by {}{}",
            fields[s.field],
            if s.reversed { ", reversed" } else { "" }
        ),
        None => "in the order AWS lists them".to_string(),
    };
    state.flash = Some(Flash::info(text, state.now));
}

/// `n` / `N`: the next or previous row the filter matches, round the end.
fn next_match(state: &mut AppState, step: isize) {
    let view = state.view(state.focus);
    if view.filter.trim().is_empty() {
        state.flash = Some(Flash::refused(
            "no filter: type / and words, then n and N step through the matches",
            state.now,
        ));
        return;
    }
    let n = view.rows.len();
    if n == 0 {
        state.flash = Some(Flash::refused("nothing matches the filter", state.now));
        return;
    }
    let at = (view.selected as isize + step).rem_euclid(n as isize) as usize;
    state.view_mut(state.focus).selected = at;
    keep_visible(state, state.focus);
    state.flash = Some(Flash::info(format!("match {} of {n}", at + 1), state.now));
}

/// The window of the metrics, changed at runtime: the endpoints are fetched again.
pub(super) fn set_window(state: &mut AppState, window: chrono::Duration) -> Vec<Effect> {
    state.context.window = window;
    state.flash = Some(Flash::info(
        format!(
            "window {}: endpoints are fetched again",
            crate::format::format_window(window)
        ),
        state.now,
    ));
    vec![Effect::SetWindow(window)]
}

/// `y` copies the row's id or ARN; `o` its console page, shown and copied.
fn copy(state: &mut AppState, console: bool) -> Vec<Effect> {
    let pane = crate::panes::pane(state.focus);
    let text = state.selected_row().and_then(|row| {
        let data = state.pane_data(state.focus)?;
        if console {
            pane.console_url(data, row)
        } else {
            let account = state
                .context
                .identity
                .data()
                .and_then(|i| i.account.as_deref());
            pane.copy_text(data, row, account)
        }
    });
    let Some(text) = text else {
        state.flash = Some(Flash::refused("no row selected", state.now));
        return vec![];
    };
    let what = match actions::selected_account(state) {
        // The console opens in the account the browser is signed in to.
        Some(a) if console => format!("console link for account {} ({})", a.name, a.id),
        _ if console => "console link".to_string(),
        _ => "copied".to_string(),
    };
    state.flash = Some(Flash::info(format!("{what}: {text}"), state.now));
    vec![Effect::Copy(text)]
}

/// A key while the command line is open.
fn command_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(text) = state.command().map(|c| c.line.text().to_string()) else {
        return vec![];
    };
    match key.code {
        KeyCode::Esc => {
            state.pop();
        }
        // Over a refused line, `:` starts again, as it would from the dashboard.
        KeyCode::Char(':') if state.command().is_some_and(|c| c.line.error().is_some()) => {
            if let Some(Layer::Command(cmd)) = state.top_mut() {
                *cmd = CommandLine::default();
            }
        }
        KeyCode::Tab => {
            let (line, choices) = command::complete(&text, &known(state));
            if let Some(Layer::Command(cmd)) = state.top_mut() {
                cmd.line.set_text(&line);
                cmd.choices = choices;
            }
        }
        KeyCode::Enter => {
            let parsed = command::parse(&text, &known(state));
            match (parsed, state.top_mut()) {
                (Ok(c), _) => {
                    state.pop();
                    return run_command(state, c);
                }
                (Err(e), Some(Layer::Command(cmd))) => {
                    cmd.line.set_error(e);
                    cmd.choices.clear();
                }
                _ => {}
            }
        }
        _ => {
            if let Some(Layer::Command(cmd)) = state.top_mut()
                && cmd.line.key(key) == Edited::Text
            {
                cmd.choices.clear();
            }
        }
    }
    vec![]
}

fn known(state: &AppState) -> command::Known<'_> {
    let mut incidents: Vec<String> = state.journal.iter().map(|e| e.incident.clone()).collect();
    incidents.sort();
    incidents.dedup();
    command::Known {
        regions: &state.watched_regions,
        incidents,
        themes: crate::theme::BUILT_IN.iter().map(|(n, _)| *n).collect(),
        sort_fields: crate::panes::pane(state.focus).sort_fields(),
    }
}

fn run_command(state: &mut AppState, command: Command) -> Vec<Effect> {
    match command {
        Command::Focus(pane) => focus(state, pane),
        Command::Help => state.push(Layer::Help { scroll: 0 }),
        Command::Quit => return quit(state),
        Command::Window(w) => return set_window(state, w),
        Command::Incident(id) => return incident::switch_to(state, id),
        Command::Theme(name) => return vec![Effect::SetTheme(name)],
        Command::Act(request) => {
            // The first region watched: the line names no row.
            let region = state.context.regions.first().cloned().unwrap_or_default();
            let account = super::actions::selected_account(state);
            return super::actions::request_action(state, request, region, account.as_deref());
        }
        Command::Sort { field, reversed } => {
            let fields = crate::panes::pane(state.focus).sort_fields();
            let field = fields.iter().position(|f| *f == field).unwrap_or(0);
            set_sort(state, state.focus, Some(Sort { field, reversed }));
        }
        Command::Region(_) if state.context.source == crate::source::SourceKind::Demo => {
            state.flash = Some(Flash::refused(
                "the demo's account is in one region only; against AWS, :region switches the panes to another",
                state.now,
            ));
        }
        Command::Region(Some(r)) if !state.watched_regions.contains(&r) => {
            // A fetch reads only the regions it was started with: another would show nothing.
            state.flash = Some(Flash::refused(
                format!(
                    "{r} is not watched: :region narrows to one of {} (start secdash with --region {r} to watch it)",
                    state.watched_regions.join(", ")
                ),
                state.now,
            ));
        }
        Command::Region(region) => {
            let regions = match region {
                Some(r) => vec![r],
                None => state.watched_regions.clone(),
            };
            if regions == state.context.regions {
                return vec![];
            }
            state.context.regions = regions.clone();
            // The data shown is of other regions: it goes, and every pane is fetched again.
            for pane in PaneId::ALL {
                state.data[pane.index()] = Default::default();
                state.views[pane.index()].totals = Default::default();
                rebuild_rows(state, pane);
            }
            state.flash = Some(Flash::info(
                format!("watching {}", regions.join(", ")),
                state.now,
            ));
            let mut effects = vec![Effect::SetRegions(regions)];
            effects.extend(PaneId::ALL.into_iter().map(Effect::Refresh));
            return effects;
        }
    }
    vec![]
}

/// A click selects the pane and the row under it; the wheel scrolls the pane under it.
pub(super) fn on_mouse(state: &mut AppState, ev: crossterm::event::MouseEvent) -> Vec<Effect> {
    use crossterm::event::MouseEventKind;
    match state.top() {
        Some(Layer::Confirm(_) | Layer::Prompt(_) | Layer::Command(_)) => return vec![],
        // A click ends the typing of a filter; the wheel scrolls the pane as it would.
        Some(Layer::Filter { .. }) => {
            state.pop();
        }
        _ => {}
    }
    if state.overlay() != Overlay::None {
        // The wheel scrolls the help and the details as ↑/↓ would.
        let code = match ev.kind {
            MouseEventKind::ScrollDown => KeyCode::Down,
            MouseEventKind::ScrollUp => KeyCode::Up,
            _ => return vec![],
        };
        return on_key(state, KeyEvent::from(code));
    }
    let Some((pane, area)) = state
        .layout()
        .into_iter()
        .find(|(_, a)| a.contains(ratatui::layout::Position::new(ev.column, ev.row)))
    else {
        return vec![];
    };
    match ev.kind {
        MouseEventKind::Down(crossterm::event::MouseButton::Left) => {
            focus(state, pane);
            // The table's rows start under the border and the header.
            let top = area.y + 2;
            if ev.row >= top {
                let view = state.view(pane);
                let i = view.offset + usize::from(ev.row - top);
                if i < view.rows.len() && i < view.offset + state.page_rows(pane) {
                    state.view_mut(pane).selected = i;
                }
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let was = state.focus;
            state.focus = pane;
            move_cursor(
                state,
                if ev.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                },
            );
            state.focus = was;
        }
        _ => {}
    }
    vec![]
}

/// The account of the selected checklist item when the item waits to be read from its
/// account (an aggregation point judged the rest).
fn on_demand_account(state: &AppState) -> Option<String> {
    if state.focus != PaneId::Checklist {
        return None;
    }
    let row = state.selected_row()?;
    let items = state.pane_data(PaneId::Checklist)?.checklist()?;
    let item = items.get(row.item as usize)?;
    let waiting = item
        .evidence
        .first()
        .is_some_and(|e| e.starts_with(crate::checklist::security_hub::ON_DEMAND_PREFIX));
    waiting.then(|| item.account.as_deref().map(|a| a.name.clone()))?
}

/// Opens an account: its checklist is read from the account itself from now on.
pub(super) fn open_account(state: &mut AppState, account: String) -> Vec<Effect> {
    state.flash = Some(Flash::info(
        format!("reading account {account}'s checklist from the account itself"),
        state.now,
    ));
    vec![Effect::OpenAccount(account)]
}
