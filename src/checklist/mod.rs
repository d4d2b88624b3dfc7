//! The security checklist of the seed guides, as stable items: each item is defined once, next
//! to the evaluator that judges it from the account's configuration (`posture`), in a file per
//! category that mirrors `source/aws/posture/`. Pure: sources read the posture, the fetch step
//! evaluates it here, then applies the team's `policy` (accepted risks and attestations).
//!
//! An item with an evaluator is automatic; `eval: None` is what "manual" means: checked by
//! people and attested with `secdash attest`.

mod access;
pub mod attack;
mod data;
mod model_monitoring;
mod monitoring;
pub mod mute;
mod network;
pub use network::judged_rule;
pub mod policy;
pub mod policy_doc;
pub mod posture;
mod preventive;
pub mod secrets;
pub mod security_hub;
pub mod store;
mod studio;
mod surface;
pub use surface::SUPPORTED_NOTEBOOK_PLATFORM;
#[cfg(test)]
mod testkit;
mod threat;
mod verdict;
mod workloads;

use crate::metrics::Thresholds;
use crate::model::{Category, CheckItem, CheckStatus, Importance};
use posture::Posture;
use std::sync::LazyLock;
pub use verdict::Verdict;

/// Judges one item from the account's configuration.
pub type Evaluator = fn(&Posture, &Thresholds) -> Verdict;

/// The seed guides by file, with the title each gives itself: what a person reads as the
/// reference.
pub const SEED_TITLES: &[(&str, &str)] = &[
    (
        "000_7f081066f7c27ee7.txt",
        "AWS Security Configuration Guide for SageMaker Infrastructure",
    ),
    ("001_3b5f6a000644dda0.txt", "Security Management"),
    ("002_49d5f554f91208b7.txt", "Security"),
    ("003_cfe0e7f347629ee1.txt", "Security in AWS"),
    ("004_aeddce46cc826ffb.txt", "Security Implementation Guide"),
];

/// A seed guide's title (its file name when it has none on record).
pub fn seed_title(seed: &str) -> &str {
    SEED_TITLES
        .iter()
        .find(|(file, _)| *file == seed)
        .map_or(seed, |(_, title)| title)
}

pub struct ItemDef {
    pub id: &'static str,
    pub category: Category,
    pub title: &'static str,
    /// The title as the problem, for a failure: "KMS encryption not enabled".
    pub problem: &'static str,
    pub importance: Importance,
    pub remediation: &'static str,
    /// The seed document the control comes from (a file of `../shared/seeds/`).
    pub seed: &'static str,
    /// Ids of the equivalent Prowler checks, to compare results with that tool.
    pub prowler: &'static [&'static str],
    /// How this item and its Prowler equivalents differ on purpose ("" when they agree).
    pub prowler_note: &'static str,
    /// The Security Hub CSPM control ids this item judges (`SageMaker.1`, `S3.8`, ...): what an
    /// operator finds in Security Hub's console for the same question.
    pub security_hub: &'static [&'static str],
    /// How the item is judged from the posture; `None` for a manual item.
    pub eval: Option<Evaluator>,
}

impl ItemDef {
    /// Checked by people, not by an API: attested with `secdash attest`.
    pub fn manual(&self) -> bool {
        self.eval.is_none()
    }
}

/// Every item, in the order of the guide's checklist (each group's SageMaker items after it).
pub static ITEMS: LazyLock<Vec<&'static ItemDef>> = LazyLock::new(|| {
    [
        network::ITEMS,
        surface::NETWORK,
        data::ITEMS,
        surface::DATA,
        monitoring::ITEMS,
        threat::ITEMS,
        surface::THREAT,
        access::ITEMS,
        surface::ACCESS,
        studio::ACCESS,
    ]
    .into_iter()
    .flatten()
    .collect()
});

/// README's table of every item with its Security Hub and Prowler mappings and its note, as
/// Markdown (a test keeps README's copy current).
pub fn markdown_table() -> String {
    let mut out = format!(
        "{} items.\n\n| Item | Importance | Security Hub | Prowler | How it differs |\n|---|---|---|---|---|\n",
        ITEMS.len()
    );
    let ids = |ids: &[&str]| {
        ids.iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for d in ITEMS.iter() {
        out.push_str(&format!(
            "| `{}` {} | {} | {} | {} | {} |\n",
            d.id,
            d.title,
            format!("{:?}", d.importance).to_lowercase(),
            ids(d.security_hub),
            ids(d.prowler),
            d.prowler_note.replace('|', "\\|"),
        ));
    }
    out
}

pub fn find(id: &str) -> Option<&'static ItemDef> {
    ITEMS.iter().find(|d| d.id == id).copied()
}

/// Evidence given as one statement or several.
pub trait Statements {
    fn statements(self) -> Vec<String>;
}

impl Statements for Vec<String> {
    fn statements(self) -> Vec<String> {
        self
    }
}

impl Statements for &str {
    fn statements(self) -> Vec<String> {
        vec![self.to_string()]
    }
}

impl Statements for String {
    fn statements(self) -> Vec<String> {
        vec![self]
    }
}

/// A checklist item with its status and evidence, from its definition.
pub fn result(def: &ItemDef, status: CheckStatus, evidence: impl Statements) -> CheckItem {
    let evidence = evidence.statements();
    CheckItem {
        account: None,
        id: def.id.to_owned(),
        category: def.category,
        title: def.title.to_owned(),
        importance: def.importance,
        status,
        evidence,
        remediation: def.remediation.to_owned(),
        seed: def.seed,
        prowler: def.prowler,
        prowler_note: def.prowler_note,
        security_hub: def.security_hub,
        problem: def.problem,
    }
}

/// Every item's status and evidence. One rule throughout: a failure that was seen is reported
/// even when other parts could not be read; an item passes only when everything it needs was
/// read; otherwise it is `unknown`, and says why.
pub fn evaluate(p: &Posture, thresholds: &Thresholds) -> Vec<CheckItem> {
    ITEMS
        .iter()
        .map(|def| evaluate_one(def, p, thresholds))
        .collect()
}

/// One item's status and evidence (a muted item is judged again on a posture without the
/// muted resources).
pub fn evaluate_one(def: &ItemDef, p: &Posture, thresholds: &Thresholds) -> CheckItem {
    let verdict = match def.eval {
        Some(judge) => judge(p, thresholds),
        None => Verdict::new(
            CheckStatus::Manual,
            format!(
                "not attested yet; run `secdash attest {} --by NAME`",
                def.id
            ),
        ),
    };
    result(def, verdict.status, verdict.evidence)
}

#[cfg(test)]
mod tests {
    use super::posture::RegionPosture;
    use super::testkit::*;
    use super::*;
    use crate::metrics::Thresholds;
    use crate::model::CheckStatus;
    use std::collections::HashSet;

    #[test]
    fn where_prowler_judges_differently_the_item_says_how() {
        for id in [
            "network.custom_vpc",
            "threat.waf",
            "access.password_policy",
            "data.least_privilege",
            // #30: the by-design differences the side-by-side run found undocumented.
            "data.notebook_secrets",
            "data.s3_public_access",
            "threat.security_hub",
            "threat.config",
        ] {
            let def = ITEMS.iter().find(|d| d.id == id).unwrap();
            assert!(!def.prowler_note.is_empty(), "{id} has no note");
            assert!(
                def.prowler_note.contains("Prowler"),
                "{id}: {}",
                def.prowler_note
            );
        }
        // And each names the difference it documents.
        for (id, words) in [
            ("data.notebook_secrets", "example keys"),
            ("data.s3_public_access", "no buckets"),
            ("threat.waf", "any rule"),
            ("data.least_privilege", "whole service"),
        ] {
            let def = ITEMS.iter().find(|d| d.id == id).unwrap();
            assert!(
                def.prowler_note.contains(words),
                "{id}: {}",
                def.prowler_note
            );
        }
        let sg = ITEMS
            .iter()
            .find(|d| d.id == "network.security_groups")
            .unwrap();
        for port in [
            "tcp_port_22",
            "tcp_port_3389",
            "postgres_5432",
            "mysql_3306",
        ] {
            assert!(sg.prowler.iter().any(|p| p.contains(port)), "{port}");
        }
    }

    #[test]
    fn every_sagemaker_check_of_prowler_is_covered() {
        // `prowler/providers/aws/services/sagemaker/` of Prowler 5.46.
        let prowler = [
            "sagemaker_clarify_exists",
            "sagemaker_domain_sso_configured",
            "sagemaker_endpoint_config_kms_encryption_enabled",
            "sagemaker_endpoint_config_prod_variant_instances",
            "sagemaker_models_monitor_enabled",
            "sagemaker_models_network_isolation_enabled",
            "sagemaker_models_registry_in_use",
            "sagemaker_models_vpc_settings_configured",
            "sagemaker_notebook_instance_encryption_enabled",
            "sagemaker_notebook_instance_no_secrets",
            "sagemaker_notebook_instance_root_access_disabled",
            "sagemaker_notebook_instance_vpc_settings_configured",
            "sagemaker_notebook_instance_without_direct_internet_access_configured",
            "sagemaker_training_jobs_intercontainer_encryption_enabled",
            "sagemaker_training_jobs_network_isolation_enabled",
            "sagemaker_training_jobs_volume_and_output_encryption_enabled",
            "sagemaker_training_jobs_vpc_settings_configured",
        ];
        let named: Vec<&str> = ITEMS
            .iter()
            .flat_map(|d| d.prowler.iter().copied())
            .collect();
        let missing: Vec<&str> = prowler.into_iter().filter(|c| !named.contains(c)).collect();
        assert!(missing.is_empty(), "no item names {missing:?}");
    }

    /// README lists every item with its mappings: `SECDASH_UPDATE_README=1` rewrites the table.
    #[test]
    fn readme_lists_every_item_with_its_mappings() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let (start, end) = (
            "<!-- checklist-table:start -->\n",
            "<!-- checklist-table:end -->",
        );
        let a = readme
            .find(start)
            .expect("README has no checklist table marker")
            + start.len();
        let b = readme
            .find(end)
            .expect("README has no checklist table end marker");
        let want = markdown_table();
        if std::env::var_os("SECDASH_UPDATE_README").is_some() {
            std::fs::write(path, format!("{}{want}{}", &readme[..a], &readme[b..])).unwrap();
            return;
        }
        let stale = readme[a..b]
            .lines()
            .zip(want.lines())
            .find(|(had, wanted)| had != wanted);
        assert!(
            stale.is_none() && readme[a..b] == want,
            "README's checklist table is stale (run SECDASH_UPDATE_README=1 cargo test readme_lists); first difference: {stale:?}"
        );
    }

    #[test]
    fn the_guides_account_passes_every_automatic_item() {
        let items = evaluate(&passing(), &Thresholds::default());
        assert_eq!(items.len(), ITEMS.len());
        for c in &items {
            let want = if c.id == "access.reviews" {
                CheckStatus::Manual
            } else {
                CheckStatus::Pass
            };
            assert_eq!(c.status, want, "{}: {:?}", c.id, c.evidence);
            assert!(!c.evidence.is_empty(), "{}", c.id);
        }
    }

    #[test]
    fn a_broken_account_fails_every_automatic_item() {
        let items = evaluate(&failing(), &Thresholds::default());
        for c in &items {
            let want = match c.id.as_str() {
                "access.reviews" => continue,
                // By design: pulling from ECR is the accepted way, so it warns (#30).
                "network.model_private_registry" => CheckStatus::Warn,
                _ => CheckStatus::Fail,
            };
            assert_eq!(c.status, want, "{}: {:?}", c.id, c.evidence);
        }
    }

    #[test]
    fn evidence_names_the_resource_and_the_setting() {
        let items = evaluate(&failing(), &Thresholds::default());
        let cases = [
            (
                "network.security_groups",
                "sg-1 (web) tcp 22 from 0.0.0.0/0",
            ),
            (
                "network.notebook_internet",
                "nb: DirectInternetAccess=Enabled",
            ),
            ("network.notebook_root", "nb: RootAccess=Enabled"),
            (
                "data.kms",
                "endpoint ep-1 (config ep-1-config): no KmsKeyId",
            ),
            ("data.kms_rotation", "k-1 (ap-southeast-1): rotation off"),
            (
                "data.tls",
                "uploads: no policy denying aws:SecureTransport=false",
            ),
            (
                "data.least_privilege",
                "sagemaker-role: AdministratorAccess allows * on *",
            ),
            ("monitoring.alarms", "ep-1: no 5XX or latency alarm"),
            (
                "threat.security_hub",
                "ap-southeast-1: Security Hub not enabled",
            ),
            ("access.password_policy", "no account password policy"),
        ];
        for (id, want) in cases {
            let (_, evidence) = status_of(&items, id);
            assert!(evidence.contains(want), "{id}: {evidence}");
        }
    }

    #[test]
    fn a_denied_read_is_unknown_and_names_the_permission() {
        let mut p = passing();
        let denied = "ec2:DescribeFlowLogs in ap-southeast-1: access denied; the caller needs ec2:DescribeFlowLogs";
        p.regions[0].flow_logs = Err(denied.into());
        let items = evaluate(&p, &Thresholds::default());
        let (status, evidence) = status_of(&items, "monitoring.flow_logs");
        assert_eq!(status, CheckStatus::Unknown);
        assert!(evidence.contains("ec2:DescribeFlowLogs"), "{evidence}");
    }

    #[test]
    fn a_failure_seen_is_reported_even_when_another_part_is_unknown() {
        let mut p = failing();
        p.regions
            .push(RegionPosture::unread("eu-west-1", "eu-west-1: timed out"));
        let items = evaluate(&p, &Thresholds::default());
        let (status, evidence) = status_of(&items, "threat.guardduty");
        assert_eq!(status, CheckStatus::Fail);
        assert!(
            evidence.contains("could not read: eu-west-1: timed out"),
            "{evidence}"
        );
    }

    /// The compiler now makes every automatic item carry its evaluator; what is left to check
    /// is that exactly the items people attest are manual.
    #[test]
    fn only_access_reviews_is_manual() {
        let manual: Vec<&str> = ITEMS.iter().filter(|d| d.manual()).map(|d| d.id).collect();
        assert_eq!(manual, ["access.reviews"]);
    }

    #[test]
    fn ids_are_unique_and_cover_every_category() {
        let ids: HashSet<_> = ITEMS.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), ITEMS.len());
        for cat in [
            Category::Network,
            Category::Data,
            Category::Monitoring,
            Category::ThreatDetection,
            Category::AccessControl,
        ] {
            assert!(ITEMS.iter().any(|d| d.category == cat), "{cat:?}");
        }
    }
}
