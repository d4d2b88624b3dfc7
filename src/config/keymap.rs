//! Key bindings: defaults that follow k9s and vim, patched per action from the config file.

use crate::action::kinds::INTENTS;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// An action intent of the registry, by its place in `action::kinds::INTENTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Intent(u8);

impl Intent {
    pub fn spec(self) -> &'static crate::action::kinds::Intent {
        INTENTS[usize::from(self.0)]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    NextPane,
    PrevPane,
    FocusEndpoints,
    FocusSecurityGroups,
    FocusFindings,
    FocusChecklist,
    FocusSagemaker,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Open,
    Back,
    Filter,
    Refresh,
    RefreshAll,
    Zoom,
    Help,
    /// A key that asks for an incident-response action on the selected row: one of the action
    /// registry's intents (`action::kinds::INTENTS`).
    Act(Intent),
    Incident,
    ToggleArchived,
    Sort,
    SortReverse,
    NextMatch,
    PrevMatch,
    Command,
    Window,
    Copy,
    Console,
    Jump,
    Timeline,
    Subjects,
    Matrix,
}

impl Action {
    /// Every action, in the order the help lists them: the registry's intents after `help`.
    pub const ALL: [Action; 35 + INTENTS.len()] = {
        const BEFORE: [Action; 21] = [
            Action::Quit,
            Action::NextPane,
            Action::PrevPane,
            Action::FocusEndpoints,
            Action::FocusSecurityGroups,
            Action::FocusFindings,
            Action::FocusChecklist,
            Action::FocusSagemaker,
            Action::Down,
            Action::Up,
            Action::PageDown,
            Action::PageUp,
            Action::Top,
            Action::Bottom,
            Action::Open,
            Action::Back,
            Action::Filter,
            Action::Refresh,
            Action::RefreshAll,
            Action::Zoom,
            Action::Help,
        ];
        const AFTER: [Action; 14] = [
            Action::Incident,
            Action::ToggleArchived,
            Action::Sort,
            Action::SortReverse,
            Action::NextMatch,
            Action::PrevMatch,
            Action::Command,
            Action::Window,
            Action::Copy,
            Action::Console,
            Action::Jump,
            Action::Timeline,
            Action::Subjects,
            Action::Matrix,
        ];
        let mut all = [Action::Quit; 35 + INTENTS.len()];
        let mut i = 0;
        while i < BEFORE.len() {
            all[i] = BEFORE[i];
            i += 1;
        }
        let mut j = 0;
        while j < INTENTS.len() {
            all[BEFORE.len() + j] = Action::Act(Intent(j as u8));
            j += 1;
        }
        let mut k = 0;
        while k < AFTER.len() {
            all[BEFORE.len() + INTENTS.len() + k] = AFTER[k];
            k += 1;
        }
        all
    };

    /// The key of an action intent of the registry, by its `[keys]` name.
    pub fn intent(name: &str) -> Action {
        let i = INTENTS.iter().position(|k| k.name == name).unwrap_or(0);
        Action::Act(Intent(i as u8))
    }

    /// Actions that change AWS: hidden in read-only mode.
    pub fn changes_aws(self) -> bool {
        matches!(self, Action::Act(_))
    }

    /// The name used in the config file's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::FocusEndpoints => "focus_endpoints",
            Action::FocusSecurityGroups => "focus_security_groups",
            Action::FocusFindings => "focus_findings",
            Action::FocusChecklist => "focus_checklist",
            Action::FocusSagemaker => "focus_sagemaker",
            Action::Down => "down",
            Action::Up => "up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::Back => "back",
            Action::Filter => "filter",
            Action::Refresh => "refresh",
            Action::RefreshAll => "refresh_all",
            Action::Zoom => "zoom",
            Action::Help => "help",
            Action::Act(i) => i.spec().name,
            Action::Incident => "incident",
            Action::ToggleArchived => "toggle_archived",
            Action::Sort => "sort",
            Action::SortReverse => "sort_reverse",
            Action::NextMatch => "next_match",
            Action::PrevMatch => "prev_match",
            Action::Command => "command",
            Action::Window => "window",
            Action::Copy => "copy",
            Action::Console => "console",
            Action::Jump => "jump",
            Action::Timeline => "timeline",
            Action::Subjects => "subjects",
            Action::Matrix => "matrix",
        }
    }

    /// What the help overlay says.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::FocusEndpoints => "go to endpoints",
            Action::FocusSecurityGroups => "go to security groups",
            Action::FocusFindings => "go to findings",
            Action::FocusChecklist => "go to checklist",
            Action::FocusSagemaker => "go to SageMaker (notebooks, model versions, jobs)",
            Action::Down => "move down",
            Action::Up => "move up",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::Open => "details of the selected row",
            Action::Back => "close / clear filter / unzoom",
            Action::Filter => "filter the focused pane",
            Action::Refresh => "refresh the focused pane",
            Action::RefreshAll => "refresh every pane",
            Action::Zoom => "zoom the focused pane",
            Action::Help => "this help",
            Action::Act(i) => i.spec().help,
            Action::Incident => "incident view",
            Action::ToggleArchived => "archived findings too",
            Action::Sort => "order by the next field",
            Action::SortReverse => "reverse the order",
            Action::NextMatch => "next row the filter matches",
            Action::PrevMatch => "previous match",
            Action::Command => "command line (:sg, :window 6h…)",
            Action::Window => "time window 15m → 1h → 6h → 1d",
            Action::Copy => "copy the id or ARN (OSC 52)",
            Action::Console => "AWS console link (copied)",
            Action::Jump => "jump to what the row names",
            Action::Timeline => "CloudTrail timeline of the row",
            Action::Subjects => "what the finding names: open, timeline, contain",
            Action::Matrix => "the checklist by account: items down, accounts across",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    fn defaults(self) -> &'static [&'static str] {
        match self {
            Action::Quit => &["q", "ctrl-c"],
            Action::NextPane => &["tab"],
            Action::PrevPane => &["backtab"],
            Action::FocusEndpoints => &["1"],
            Action::FocusSecurityGroups => &["2"],
            Action::FocusFindings => &["3"],
            Action::FocusChecklist => &["4"],
            Action::FocusSagemaker => &["5"],
            Action::Down => &["j", "down"],
            Action::Up => &["k", "up"],
            Action::PageDown => &["ctrl-d", "pagedown"],
            Action::PageUp => &["ctrl-u", "pageup"],
            Action::Top => &["g", "home"],
            Action::Bottom => &["G", "end"],
            Action::Open => &["enter"],
            Action::Back => &["esc"],
            Action::Filter => &["/"],
            Action::Refresh => &["r"],
            Action::RefreshAll => &["R"],
            Action::Zoom => &["z"],
            Action::Help => &["?"],
            Action::Act(i) => i.spec().keys,
            Action::Incident => &["I"],
            Action::ToggleArchived => &["A"],
            Action::Sort => &["s"],
            Action::SortReverse => &["S"],
            Action::NextMatch => &["n"],
            Action::PrevMatch => &["N"],
            Action::Command => &[":"],
            Action::Window => &["w"],
            Action::Copy => &["y"],
            Action::Console => &["o"],
            Action::Jump => &["J"],
            Action::Timeline => &["t"],
            Action::Subjects => &["e"],
            Action::Matrix => &["m"],
        }
    }
}

/// A key as written in config files: `q`, `G`, `ctrl-c`, `tab`, `f5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => KeyCode::F(
                f[1..]
                    .parse()
                    .map_err(|_| format!("unknown key `{text}`"))?,
            ),
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => return Err(format!("unknown key `{text}`")),
        };
        Ok(Key { code, ctrl, alt })
    }

    pub fn from_event(ev: &KeyEvent) -> Key {
        // Shift is carried by the character itself (`G`), except for BackTab.
        Key {
            code: ev.code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            _ => f.write_str("?"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeymapError {
    #[error("keys.{action}: unknown action (known: {known})")]
    UnknownAction { action: String, known: String },
    #[error("keys.{action}: {reason}")]
    BadKey { action: String, reason: String },
    #[error("key `{key}` is bound to both `{first}` and `{second}`")]
    Duplicate {
        key: String,
        first: &'static str,
        second: &'static str,
    },
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::with_overrides(&BTreeMap::new()).unwrap_or(Keymap { bindings: vec![] })
    }
}

impl Keymap {
    /// Defaults, with each action named in `overrides` bound to exactly the keys given.
    pub fn with_overrides(
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<Keymap, KeymapError> {
        for name in overrides.keys() {
            if Action::from_name(name).is_none() {
                return Err(KeymapError::UnknownAction {
                    action: name.clone(),
                    known: Action::ALL.map(|a| a.name()).join(", "),
                });
            }
        }
        let mut bindings: Vec<(Key, Action)> = Vec::new();
        for action in Action::ALL {
            let keys: Vec<String> = match overrides.get(action.name()) {
                Some(keys) => keys.clone(),
                None => action.defaults().iter().map(|s| s.to_string()).collect(),
            };
            for text in keys {
                let key = Key::parse(&text).map_err(|reason| KeymapError::BadKey {
                    action: action.name().into(),
                    reason,
                })?;
                if let Some((_, other)) = bindings.iter().find(|(k, _)| *k == key) {
                    return Err(KeymapError::Duplicate {
                        key: text,
                        first: other.name(),
                        second: action.name(),
                    });
                }
                bindings.push((key, action));
            }
        }
        Ok(Keymap { bindings })
    }

    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        self.bindings
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, a)| *a)
    }

    pub fn keys_for(&self, action: Action) -> Vec<Key> {
        self.bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| *k)
            .collect()
    }

    /// "q, ctrl-c" for the help overlay and footer hints.
    pub fn label(&self, action: Action) -> String {
        self.keys_for(action)
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn defaults_follow_vim_and_k9s() {
        let km = Keymap::default();
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevPane)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('v'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn overrides_replace_only_the_named_action() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["v".to_string()]);
        let km = Keymap::with_overrides(&o).unwrap();
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('v'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
    }

    #[test]
    fn duplicate_bindings_are_refused_with_both_names() {
        let mut o = BTreeMap::new();
        o.insert("zoom".to_string(), vec!["j".to_string()]);
        let err = Keymap::with_overrides(&o).unwrap_err();
        assert_eq!(
            err.to_string(),
            "key `j` is bound to both `down` and `zoom`"
        );
    }

    #[test]
    fn unknown_actions_and_keys_are_refused() {
        let mut o = BTreeMap::new();
        o.insert("explode".to_string(), vec!["x".to_string()]);
        assert!(matches!(
            Keymap::with_overrides(&o),
            Err(KeymapError::UnknownAction { .. })
        ));
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["hyper-q".to_string()]);
        assert_eq!(
            Keymap::with_overrides(&o).unwrap_err().to_string(),
            "keys.quit: unknown key `hyper-q`"
        );
    }
}
