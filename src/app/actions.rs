//! Incident-response actions as the TUI sees them: which request a key makes of the selected
//! row, and the confirmation dialog. Pure; the executor does the rest.

use super::{AppState, Effect, Flash};
use crate::action::Request;
use crate::action::plan::Plan;
use crate::config::keymap::Action;
use crate::model::PaneId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
    /// What has been typed.
    pub input: String,
    /// The last Enter was on an id that is not the target's: the dialog stays open to fix it.
    pub mismatch: bool,
}

impl Confirm {
    pub fn new(plan: Plan) -> Confirm {
        Confirm {
            typed: plan.needs_typed_id(),
            risks: plan.risks(),
            plan,
            input: String::new(),
            mismatch: false,
        }
    }
}

/// The selected row's account, when several are watched.
pub fn selected_account(state: &AppState) -> crate::model::RowAccount {
    use crate::panes::PaneData;
    let i = state.selected_row()?.item as usize;
    match state.pane_data(state.focus)? {
        PaneData::Endpoints(e) => e.get(i)?.account.clone(),
        PaneData::SecurityGroups(d) => d.groups.get(i)?.account.clone(),
        PaneData::Findings(d) => d.findings.get(i)?.account.clone(),
        PaneData::Checklist(c) => c.get(i)?.account.clone(),
    }
}

/// The request an action key makes of the selected row, and the region and account it is in.
pub fn request_for(
    state: &AppState,
    action: Action,
) -> Result<(Request, String, crate::model::RowAccount), String> {
    let row = state.selected_row().ok_or("select a row first")?;
    let i = row.item as usize;
    match (state.focus, action) {
        (PaneId::SecurityGroups, Action::Isolate | Action::RevokeRule | Action::Restore) => {
            let g = state
                .security_groups()
                .and_then(|d| d.groups.get(i))
                .ok_or("the group is gone; refresh")?;
            let request = match action {
                Action::Isolate => Request::Isolate {
                    group_id: g.id.to_string(),
                },
                Action::RevokeRule => {
                    let rule = row
                        .rule()
                        .and_then(|r| g.rules.get(r as usize))
                        .ok_or("select a rule")?;
                    let rule_id = rule
                        .id
                        .clone()
                        .ok_or("this rule has no id to revoke it by")?;
                    Request::Revoke {
                        group_id: g.id.to_string(),
                        rule_id: rule_id.to_string(),
                    }
                }
                _ => Request::Restore {
                    what: g.id.to_string(),
                },
            };
            Ok((request, g.region.to_string(), g.account.clone()))
        }
        (PaneId::Findings, Action::Archive | Action::Contain | Action::Restore) => {
            let f = state
                .findings()
                .and_then(|d| d.findings.get(i))
                .ok_or("the finding is gone; refresh")?;
            let request = match action {
                Action::Archive if f.archived => Request::Unarchive {
                    finding_id: f.id.clone(),
                },
                Action::Archive => Request::Archive {
                    finding_id: f.id.clone(),
                },
                Action::Contain
                    if f.resource.starts_with("i-") || f.resource.starts_with("eni-") =>
                {
                    Request::Contain {
                        target: f.resource.to_string(),
                    }
                }
                Action::Contain => {
                    return Err(if f.named_subjects().is_empty() {
                        format!(
                            "{} is not an instance or network interface to contain",
                            f.resource
                        )
                    } else {
                        format!(
                            "{} is not an instance: press e for what the finding names, and c there contains each",
                            f.resource
                        )
                    });
                }
                _ => Request::Restore { what: f.id.clone() },
            };
            Ok((request, f.region.to_string(), f.account.clone()))
        }
        (pane, action) => Err(format!(
            "{} works in {}",
            action.description(),
            match action {
                Action::Isolate | Action::RevokeRule => "the security groups pane",
                Action::Archive | Action::Contain => "the findings pane",
                _ => match pane {
                    PaneId::Endpoints | PaneId::Checklist => "the security groups or findings pane",
                    _ => "this pane",
                },
            }
        )),
    }
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
    state.busy = Some(format!("planning {}…", request.kind().verb()));
    vec![Effect::Plan {
        request,
        region,
        account: account.cloned(),
    }]
}

/// A key pressed while the confirmation dialog is open.
pub fn confirm_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(confirm) = state.confirm.as_mut() else {
        return vec![];
    };
    let cancel = |state: &mut AppState, why: &str| {
        state.confirm = None;
        state.flash = Some(Flash::refused(
            format!("cancelled {why}; nothing was changed"),
            state.now,
        ));
        vec![]
    };
    let execute = |state: &mut AppState| {
        let plan = state.confirm.take().map(|c| c.plan)?;
        state.busy = Some(format!("{} {}…", plan.action.verb(), plan.target));
        Some(vec![Effect::Execute(Box::new(plan))])
    };
    match key.code {
        KeyCode::Esc => cancel(state, "by you"),
        KeyCode::Enter if confirm.typed && confirm.input.is_empty() => {
            cancel(state, "(nothing typed)")
        }
        KeyCode::Enter if confirm.typed => {
            if confirm.input.trim() == confirm.plan.target {
                execute(state).unwrap_or_default()
            } else {
                // A typo is not a no: the plan stays on screen to be confirmed or cancelled.
                confirm.mismatch = true;
                vec![]
            }
        }
        // The copy key: the id as the plan has it, whole, however narrow the pane showed it.
        KeyCode::Tab if confirm.typed => {
            confirm.input = confirm.plan.target.clone();
            confirm.mismatch = false;
            vec![]
        }
        KeyCode::Backspace if confirm.typed => {
            confirm.input.pop();
            confirm.mismatch = false;
            vec![]
        }
        KeyCode::Char('u') if confirm.typed && key.modifiers.contains(KeyModifiers::CONTROL) => {
            confirm.input.clear();
            confirm.mismatch = false;
            vec![]
        }
        KeyCode::Char(c) if confirm.typed => {
            if confirm.input.chars().count() < 128 {
                confirm.input.push(c);
            }
            confirm.mismatch = false;
            vec![]
        }
        KeyCode::Char('y') | KeyCode::Char('Y') => execute(state).unwrap_or_default(),
        _ if !confirm.typed => cancel(state, "(not confirmed)"),
        _ => vec![],
    }
}
