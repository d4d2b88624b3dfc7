//! Incident-response actions as the TUI sees them: which request a key makes of the selected
//! row, and the confirmation dialog. Pure; the executor does the rest.

use super::text_field::{CONFIRM_MAX, TextField};
use super::{AppState, Effect, Flash, Layer};
use crate::action::Request;
use crate::action::kinds::{self, Row};
use crate::action::plan::Plan;
use crate::config::keymap::Action;
use crate::model::PaneId;
use crossterm::event::{KeyCode, KeyEvent};

/// What the TUI shows of an action that ran.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionReport {
    pub message: String,
    pub entry: String,
    pub verified: bool,
    pub action: crate::action::plan::ActionKind,
}

/// A plan waiting for the operator's word. No is the default: only the right answer runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub plan: Plan,
    /// The operator types the target's id (the action cuts traffic or re-opens a risky rule).
    pub typed: bool,
    /// Risky rules the plan opens again, in words.
    pub risks: Vec<String>,
    /// The id typed; its error line says when the last Enter was on another id (the dialog
    /// stays open to fix it).
    pub input: TextField,
}

impl Confirm {
    pub fn new(plan: Plan) -> Confirm {
        Confirm {
            typed: crate::action::kinds::needs_typed_id(&plan),
            risks: plan.risks(),
            plan,
            input: TextField::new(CONFIRM_MAX),
        }
    }
}

/// The selected row's account, when several are watched.
pub fn selected_account(state: &AppState) -> crate::model::RowAccount {
    let item = state.selected_row()?.item;
    let data = state.pane_data(state.focus)?;
    crate::panes::pane(state.focus).account(data, item)
}

/// The selected row as the actions see it, with its region and account.
fn selected_row(state: &AppState) -> Option<(Row<'_>, String, crate::model::RowAccount)> {
    let row = state.selected_row()?;
    let i = row.item as usize;
    Some(match state.focus {
        PaneId::SecurityGroups => {
            let g = state.security_groups()?.groups.get(i)?;
            let rule = row.rule().and_then(|r| g.rules.get(r as usize));
            (
                Row::Group { group: g, rule },
                g.place.region.to_string(),
                g.place.account.clone(),
            )
        }
        PaneId::Findings => {
            let f = state.findings()?.findings.get(i)?;
            (Row::Finding(f), f.region.to_string(), f.account.clone())
        }
        PaneId::Endpoints => {
            let e = state.endpoints()?.get(i)?;
            (Row::Endpoint(e), e.region.clone(), e.account.clone())
        }
        PaneId::Sagemaker => {
            let it = state.pane_data(PaneId::Sagemaker)?.sagemaker()?.get(i)?;
            (Row::Platform(it), it.region.clone(), it.account.clone())
        }
        _ => (Row::Other, String::new(), None),
    })
}

/// The request an action key makes of the selected row, and the region and account it is in:
/// the registry's action answering the key on that row.
pub fn request_for(
    state: &AppState,
    action: Action,
) -> Result<(Request, String, crate::model::RowAccount), String> {
    let Action::Act(intent) = action else {
        return Err(format!("{} is not an action", action.description()));
    };
    let (row, region, account) = selected_row(state).ok_or("select a row first")?;
    match kinds::for_row(intent.spec(), row)? {
        Some((kind, target)) => Ok((Request::new(kind, target), region, account)),
        None => Err(format!(
            "{} works in {}",
            action.description(),
            where_it_works(intent.spec())
        )),
    }
}

/// The panes whose rows an intent's actions take, in words.
fn where_it_works(intent: &kinds::Intent) -> String {
    let mut panes: Vec<PaneId> = Vec::new();
    for s in kinds::REGISTRY
        .iter()
        .filter(|s| s.intent() == Some(intent))
    {
        for p in s.rows() {
            if !panes.contains(p) {
                panes.push(*p);
            }
        }
    }
    panes.sort();
    let words: Vec<String> = panes.iter().map(|p| p.key().replace('_', " ")).collect();
    format!("the {} pane", words.join(" or "))
}

/// Asks the executor for a plan, unless actions are off or one is under way.
/// With several accounts it runs in the row's `account`, through its responder role.
pub(super) fn request_action(
    state: &mut AppState,
    request: crate::action::Request,
    region: String,
    account: Option<&crate::model::AccountRef>,
) -> Vec<Effect> {
    let refused = |state: &mut AppState, why: String| {
        state.flash = Some(Flash::refused(why, state.now));
        vec![]
    };
    if !state.context.actions_enabled() {
        return refused(
            state,
            if state.context.read_only {
                "read-only mode: actions are off".into()
            } else {
                "the demo scenario cannot be changed: actions need AWS".into()
            },
        );
    }
    if state.context.accounts.len() > 1 {
        match account {
            // The same id in two accounts is two resources: never guess which.
            None => {
                return refused(
                    state,
                    "which account this is in is not known here: act on its row in the pane".into(),
                );
            }
            Some(a) => {
                if let Some(why) = state.context.no_action.get(&a.name) {
                    return refused(state, why.clone());
                }
            }
        }
    }
    if let Some(busy) = &state.busy {
        state.flash = Some(Flash::refused(format!("wait: {busy}"), state.now));
        return vec![];
    }
    state.busy = Some(format!("planning {}…", request.kind.verb()));
    vec![Effect::Plan {
        request,
        region,
        account: account.cloned(),
    }]
}

/// A key pressed while the confirmation dialog is open.
pub fn confirm_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(Layer::Confirm(confirm)) = state.top_mut() else {
        return vec![];
    };
    let cancel = |state: &mut AppState, why: &str| {
        state.pop();
        state.flash = Some(Flash::refused(
            format!("cancelled {why}; nothing was changed"),
            state.now,
        ));
        vec![]
    };
    let execute = |state: &mut AppState| {
        let Some(Layer::Confirm(confirm)) = state.pop() else {
            return vec![];
        };
        let plan = confirm.plan;
        state.busy = Some(format!("{} {}…", plan.action.verb(), plan.target));
        vec![Effect::Execute(Box::new(plan))]
    };
    match key.code {
        KeyCode::Esc => cancel(state, "by you"),
        KeyCode::Enter if confirm.typed && confirm.input.is_empty() => {
            cancel(state, "(nothing typed)")
        }
        KeyCode::Enter if confirm.typed => {
            let target = confirm.plan.target.clone();
            let typed = confirm.input.accept(|id| match id == target {
                true => Ok(()),
                // A typo is not a no: the plan stays on screen to be confirmed or cancelled.
                false => Err(
                    "that is not the id: fix it (backspace, ctrl-u clears), or tab fills it in"
                        .to_string(),
                ),
            });
            match typed {
                Some(_) => execute(state),
                None => vec![],
            }
        }
        // The copy key: the id as the plan has it, whole, however narrow the pane showed it.
        KeyCode::Tab if confirm.typed => {
            let target = confirm.plan.target.clone();
            confirm.input.set_text(&target);
            vec![]
        }
        _ if confirm.typed => {
            confirm.input.key(key);
            vec![]
        }
        KeyCode::Char('y') | KeyCode::Char('Y') => execute(state),
        _ => cancel(state, "(not confirmed)"),
    }
}
