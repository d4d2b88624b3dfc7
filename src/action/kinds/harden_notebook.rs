//! `harden-notebook`: on a stopped notebook, disable root, require IMDSv2 and detach its
//! lifecycle configuration (whose script is kept in the journal as evidence); restore sets the
//! previous values and re-attaches the configuration by name.

use super::settle::{self, Change};
use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::Plan;
use crate::action::platform::{NotebookInfo, Resource, Setting};
use crate::model::PaneId;
use futures::future::BoxFuture;
use sha2::Digest;

pub struct HardenNotebook;

/// A script as a plan shows it: its hash and what the secrets scanner finds, never its text.
pub fn script_evidence(script: &str) -> String {
    let hash = sha2::Sha256::digest(script.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let secrets = crate::checklist::secrets::find(script);
    let found = if secrets.is_empty() {
        "no secret found in it".to_string()
    } else {
        secrets
            .iter()
            .map(|s| format!("line {}: {}", s.line, s.kind))
            .collect::<Vec<_>>()
            .join("; ")
    };
    format!("sha256 {hex} ({} bytes); {found}", script.len())
}

pub fn change(name: &str, n: &NotebookInfo, script: Option<&str>) -> Change {
    let mut notes = vec![
        "Root access disabled and IMDSv2 required: code in the notebook can no longer change its system or read the role's credentials with a plain GET.".to_string(),
    ];
    if let (Some(c), Some(s)) = (&n.lifecycle_config, script) {
        notes.push(format!(
            "Lifecycle config {c} is detached (not deleted); its scripts are kept in the journal as evidence: {}.",
            script_evidence(s)
        ));
    }
    notes.push("It stays stopped: start it (restore of the stop) only once it is hardened.".into());
    Change {
        resource: Resource::Notebook {
            name: name.to_string(),
        },
        before: Setting::NotebookAccess {
            root_access: n.root_access.clone(),
            minimum_imds: n.minimum_imds.clone(),
            lifecycle_config: n.lifecycle_config.clone(),
        },
        after: Setting::NotebookAccess {
            root_access: "Disabled".into(),
            minimum_imds: "2".into(),
            lifecycle_config: None,
        },
        subject: format!(
            "notebook instance {name}: {}, root access {}, IMDS minimum v{}, lifecycle config {}",
            n.status,
            n.root_access,
            n.minimum_imds,
            n.lifecycle_config.as_deref().unwrap_or("none")
        ),
        notes,
        evidence: script.map(str::to_string),
        confirm_by_hand: None,
    }
}

pub static KEY: Intent = Intent {
    name: "harden_notebook",
    keys: &["H"],
    help: "harden the stopped notebook",
};

impl ActionSpec for HardenNotebook {
    fn verb(&self) -> &'static str {
        "harden-notebook"
    }
    fn about(&self) -> &'static str {
        "On a stopped notebook: no root, IMDSv2 only, its lifecycle script detached and kept (restore re-attaches it)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("hardened")
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Sagemaker]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let i = super::platform_row(row, &[crate::model::PlatformKind::Notebook])?;
        Some(Ok(Target::Platform(super::PlatformTarget::named(&i.id))))
    }
    fn destructive(&self) -> bool {
        true
    }
    fn pane(&self) -> PaneId {
        PaneId::Sagemaker
    }
    fn refresh(&self) -> &'static [PaneId] {
        &[PaneId::Sagemaker]
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg("name", "NAME", "The notebook instance's name."))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Platform(super::PlatformTarget::named(value(args, "name")))
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let name = &settle::platform_target(target)?.name;
            let n = ex.cloud().notebook(name).await?.ok_or_else(|| {
                ActionError::NotFound(format!("SageMaker knows no notebook instance {name} here"))
            })?;
            if n.status != "Stopped" {
                return Err(ActionError::Refused(format!(
                    "notebook instance {name} is {}: SageMaker changes only a stopped notebook (secdash stop-notebook {name} first)",
                    crate::sanitize::clean(&n.status)
                )));
            }
            if n.root_access == "Disabled" && n.minimum_imds == "2" && n.lifecycle_config.is_none()
            {
                return Err(ActionError::Refused(format!(
                    "notebook instance {name} is already hardened: nothing to do"
                )));
            }
            let script = match &n.lifecycle_config {
                Some(c) => ex.cloud().lifecycle_script(c).await?,
                None => None,
            };
            Ok(change(name, &n, script.as_deref()).plan(self.kind(), ex))
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_script_is_shown_as_its_hash_and_its_secrets_never_its_text() {
        let e = super::script_evidence("export HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123456789\n");
        assert!(e.starts_with("sha256 "), "{e}");
        assert!(e.contains("line 1: a Hugging Face token"), "{e}");
        assert!(!e.contains("hf_abc"), "never the value: {e}");
    }
}
