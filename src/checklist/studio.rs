//! `access.studio_profiles`: who works in SageMaker Studio and with what — the roles its user
//! profiles run as, spaces shared with a whole domain, the scripts its apps start with, and the
//! GPU apps left running.

use super::ItemDef;
use super::posture::*;
use super::secrets;
use super::verdict::{Tally, Verdict};
use crate::model::{Category, Importance};
use regex::Regex;
use std::sync::LazyLock;

pub(super) const ACCESS: &[ItemDef] = &[ItemDef {
    id: "access.studio_profiles",
    category: Category::AccessControl,
    importance: Importance::High,
    title: "Studio profiles, spaces and scripts scoped",
    problem: "Studio profiles, spaces or scripts too open",
    remediation: "Give each Studio user profile an execution role scoped to its work (no * or service:* grants), keep spaces private unless a team needs one, take secrets and internet downloads out of Studio lifecycle configurations (a secret store, a private package mirror), and stop GPU apps nobody uses.",
    seed: "000_7f081066f7c27ee7.txt",
    prowler: &[],
    prowler_note: "",
    security_hub: &[],
    eval: Some(|p, _| studio_profiles(p)),
}];

/// A script line that downloads from the internet as the app starts.
static FETCHES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:curl|wget)\b[^\n]*\bhttps?://|\bpip3? install\b").expect("a valid pattern")
});

/// GPU instance families (`ml.g5.xlarge`, `ml.p4d.24xlarge`).
fn gpu(instance_type: &str) -> bool {
    let family = instance_type.strip_prefix("ml.").unwrap_or(instance_type);
    family.starts_with('g') || family.starts_with('p')
}

fn studio_profiles(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut scoped = Vec::new();
    let roles = p.roles.as_ref().ok();
    for r in &p.regions {
        let Some(studio) = t.read(&r.ml.studio) else {
            continue;
        };
        for who in &studio.people {
            if who.shared {
                t.warn(format!(
                    "space {} (domain {}): shared with every user of its domain",
                    who.name, who.domain
                ));
            }
            let Some(arn) = &who.role else {
                if who.kind == "user profile" {
                    scoped.push(format!("{} (the domain's role)", who.name));
                }
                continue;
            };
            let name = arn.rsplit('/').next().unwrap_or(arn);
            let grants = roles
                .and_then(|all| all.iter().find(|role| role.name == name))
                .map(|role| role.grants.as_slice())
                .unwrap_or_default();
            if grants.is_empty() {
                scoped.push(who.name.clone());
            }
            for g in grants {
                match g {
                    Grant::Admin { policy } => t.fail(format!(
                        "{} {}: runs as {name}, whose {policy} allows * on *",
                        who.kind, who.name
                    )),
                    Grant::ServiceWildcard { policy, action } => t.warn(format!(
                        "{} {}: runs as {name}, whose {policy} allows {action}",
                        who.kind, who.name
                    )),
                    Grant::Unreadable { policy, why } => {
                        t.gap(&format!("{name} policy {policy}: {why}"))
                    }
                }
            }
        }
        for script in &studio.lifecycle_configs {
            for hit in secrets::find(&script.text) {
                t.fail(format!(
                    "lifecycle config {}: line {}: {}",
                    script.name, hit.line, hit.kind
                ));
            }
            if let Some(line) = script.text.lines().position(|l| FETCHES.is_match(l)) {
                t.warn(format!(
                    "lifecycle config {}: line {}: downloads from the internet as the app starts",
                    script.name,
                    line + 1
                ));
            }
        }
        for app in &studio.apps {
            if let Some(it) = app.instance_type.as_deref().filter(|it| gpu(it)) {
                t.warn(format!(
                    "{} app {} of {} runs on {it} (a GPU) now",
                    app.app_type, app.name, app.owner
                ));
            }
        }
    }
    if !scoped.is_empty() {
        t.pass(format!(
            "{} user profile(s) run as scoped roles: {}",
            scoped.len(),
            scoped.join(", ")
        ));
    }
    t.verdict("no Studio user profiles, spaces or lifecycle configurations")
}

#[cfg(test)]
mod tests {
    use super::super::evaluate;
    use super::super::testkit::*;
    use crate::metrics::Thresholds;
    use crate::model::CheckStatus;

    #[test]
    fn studio_passes_fails_and_is_unknown_naming_what() {
        let good = evaluate(&passing(), &Thresholds::default());
        let (status, said) = status_of(&good, "access.studio_profiles");
        assert_eq!(status, CheckStatus::Pass, "{said}");
        assert!(
            said.contains("1 user profile(s) run as scoped roles: alice"),
            "{said}"
        );
        let bad = evaluate(&failing(), &Thresholds::default());
        let (status, said) = status_of(&bad, "access.studio_profiles");
        assert_eq!(status, CheckStatus::Fail, "{said}");
        for want in [
            "user profile alice: runs as sagemaker-role, whose AdministratorAccess allows * on *",
            "lifecycle config setup: line 2: a Hugging Face token",
            "also: space team (domain d-1): shared with every user of its domain",
            "also: lifecycle config setup: line 3: downloads from the internet as the app starts",
            "also: JupyterLab app default of alice runs on ml.g5.2xlarge (a GPU) now",
        ] {
            assert!(said.contains(want), "{want}: {said}");
        }
        let mut p = passing();
        p.regions[0].ml.studio =
            Err("sagemaker:ListUserProfiles in ap-southeast-1: access denied".into());
        let items = evaluate(&p, &Thresholds::default());
        let (status, said) = status_of(&items, "access.studio_profiles");
        assert_eq!(status, CheckStatus::Unknown, "{said}");
        assert!(said.contains("sagemaker:ListUserProfiles"), "{said}");
    }
}
