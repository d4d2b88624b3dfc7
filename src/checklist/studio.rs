//! Where people run code on SageMaker's instances, and with what: `access.studio_profiles`
//! (the roles Studio's user profiles run as, spaces shared with a whole domain, the scripts its
//! apps start with, GPU apps left running) and `access.hyperpod_clusters` (each cluster's
//! network, its instance groups' roles, and the lifecycle script every node runs).

use super::ItemDef;
use super::posture::*;
use super::secrets;
use super::verdict::{Tally, Verdict};
use crate::model::{Category, Importance, Risk};
use regex::Regex;
use std::sync::LazyLock;

pub(super) const ACCESS: &[ItemDef] = &[
    ItemDef {
        id: "access.studio_profiles",
        category: Category::AccessControl,
        importance: Importance::High,
        title: "Studio profiles and scripts scoped",
        problem: "Studio profiles, spaces or scripts too open",
        remediation: "Give each Studio user profile an execution role scoped to its work (no * or service:* grants), keep spaces private unless a team needs one, take secrets and internet downloads out of Studio lifecycle configurations (a secret store, a private package mirror), and stop GPU apps nobody uses.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| studio_profiles(p)),
    },
    ItemDef {
        id: "access.hyperpod_clusters",
        category: Category::AccessControl,
        importance: Importance::High,
        title: "HyperPod clusters private and guarded",
        problem: "HyperPod clusters exposed, over-privileged, or running scripts others may change",
        remediation: "Place HyperPod clusters in private subnets of your VPC behind security groups with no admin port open to the internet, give each instance group a role without * or service:* grants, keep secrets out of lifecycle scripts, and let no role but the cluster's write the lifecycle bucket (every new node runs its on_create script as root).",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        prowler_note: "",
        security_hub: &[],
        eval: Some(|p, _| hyperpod_clusters(p)),
    },
];

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
            let who_says = format!("{} {}", who.kind, who.name);
            if judge_role(&mut t, roles, arn, &who_says) {
                scoped.push(who.name.clone());
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

/// What a role's grants say of whoever runs as it (`who`).
fn judge_role(t: &mut Tally, roles: Option<&Vec<Role>>, arn: &str, who: &str) -> bool {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    let grants = roles
        .and_then(|all| all.iter().find(|role| role.name == name))
        .map(|role| role.grants.as_slice())
        .unwrap_or_default();
    for g in grants {
        match g {
            Grant::Admin { policy } => t.fail(format!(
                "{who}: runs as {name}, whose {policy} allows * on *"
            )),
            Grant::ServiceWildcard { policy, action } => t.warn(format!(
                "{who}: runs as {name}, whose {policy} allows {action}"
            )),
            Grant::Unreadable { policy, why } => t.gap(&format!("{name} policy {policy}: {why}")),
        }
    }
    grants.is_empty()
}

fn hyperpod_clusters(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = Vec::new();
    let roles = p.roles.as_ref().ok();
    for r in &p.regions {
        let Some(clusters) = t.read(&r.ml.hyperpod) else {
            continue;
        };
        for c in clusters {
            let seen = t.fails.len() + t.warns.len();
            let name = &c.name;
            if c.subnets.is_empty() {
                t.fail(format!(
                    "cluster {name}: no VpcConfig (its nodes use SageMaker's own network)"
                ));
            } else if let Some(vpcs) = t.read(&r.vpcs) {
                for id in &c.subnets {
                    let public = vpcs.iter().flat_map(|v| &v.subnets).any(|s| {
                        &s.id == id && matches!(s.default_route, DefaultRoute::InternetGateway(_))
                    });
                    if public {
                        t.fail(format!("cluster {name}: in public subnet {id}"));
                    }
                }
            }
            if let Some(data) = t.read(&r.security_groups) {
                for g in data
                    .groups
                    .iter()
                    .filter(|g| c.security_groups.iter().any(|id| g.id == id.as_str()))
                {
                    for rule in g.rules.iter().filter(|rule| super::judged_rule(rule)) {
                        if rule.grant().risk >= Risk::High {
                            t.fail(format!(
                                "cluster {name}: security group {} ({}) opens {} {} to {}",
                                g.id,
                                g.name,
                                rule.grant().protocol,
                                rule.ports_label(),
                                rule.grant().peer
                            ));
                        }
                    }
                }
            }
            for g in &c.groups {
                let who = format!("cluster {name} group {}", g.name);
                judge_role(&mut t, roles, &g.role, &who);
                let Some(script) = &g.script else {
                    continue;
                };
                match &g.script_text {
                    Ok(text) => {
                        for hit in secrets::find(text) {
                            t.fail(format!("{who}: {script} line {}: {}", hit.line, hit.kind));
                        }
                    }
                    Err(why) => t.gap(why),
                }
                match &g.writable_by {
                    Ok(others) if !others.is_empty() => t.fail(format!(
                        "{who}: {script}, which every new node runs as root, may be rewritten by {}",
                        others.join(", ")
                    )),
                    Err(why) => t.gap(why),
                    Ok(_) => {}
                }
            }
            if t.fails.len() + t.warns.len() == seen {
                ok.push(name.as_str());
            }
        }
    }
    if !ok.is_empty() {
        t.pass(format!(
            "{} cluster(s) private, scoped, their scripts changed by their own roles only: {}",
            ok.len(),
            ok.join(", ")
        ));
    }
    t.verdict("no HyperPod clusters")
}

#[cfg(test)]
mod tests {
    use super::super::evaluate;
    use super::super::testkit::*;
    use crate::metrics::Thresholds;
    use crate::model::CheckStatus;

    #[test]
    fn hyperpod_passes_fails_and_is_unknown_naming_what() {
        let good = evaluate(&passing(), &Thresholds::default());
        let (status, said) = status_of(&good, "access.hyperpod_clusters");
        assert_eq!(status, CheckStatus::Pass, "{said}");
        assert!(said.contains("1 cluster(s) private, scoped, their scripts changed by their own roles only: pretrain"), "{said}");
        let bad = evaluate(&failing(), &Thresholds::default());
        let (status, said) = status_of(&bad, "access.hyperpod_clusters");
        assert_eq!(status, CheckStatus::Fail, "{said}");
        for want in [
            "cluster pretrain: no VpcConfig (its nodes use SageMaker's own network)",
            "cluster pretrain: security group sg-1 (web) opens tcp 22 to 0.0.0.0/0",
            "cluster pretrain group workers: runs as sagemaker-role, whose AdministratorAccess allows * on *",
            "cluster pretrain group workers: s3://sagemaker-lifecycle/on_create.sh line 2: an AWS access key id",
            "cluster pretrain group workers: s3://sagemaker-lifecycle/on_create.sh, which every new node runs as root, may be rewritten by intruder-role",
        ] {
            assert!(said.contains(want), "{want}: {said}");
        }
        let mut p = passing();
        if let Ok(clusters) = &mut p.regions[0].ml.hyperpod {
            clusters[0].groups[0].script_text = Err(
                "s3:GetObject in ap-southeast-1: access denied; the caller needs s3:GetObject"
                    .into(),
            );
        }
        let items = evaluate(&p, &Thresholds::default());
        let (status, said) = status_of(&items, "access.hyperpod_clusters");
        assert_eq!(status, CheckStatus::Unknown, "{said}");
        assert!(said.contains("s3:GetObject"), "{said}");
    }

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
