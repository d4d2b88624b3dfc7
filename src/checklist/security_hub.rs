//! An account's checklist judged from Security Hub's control results, as its delegated
//! administrator holds them: the way secdash reads an organization of a thousand accounts
//! without reading each one. Only items whose controls answer the whole question are judged
//! this way; the others are read from the account itself when the operator opens it.

use super::{ItemDef, Verdict};
pub use crate::model::HubRead;
use crate::model::{CheckItem, CheckStatus, ControlResult, ControlStatus};

/// Items whose Security Hub controls ask the item's whole question. The others are only partly
/// covered (`network.security_groups` also judges ports 6443 and NodePort; the monitoring
/// items tell scheduled job definitions from the rest; `data.kms` covers more than notebooks)
/// and are read from the account.
pub const COVERED: &[&str] = &[
    "network.notebook_internet",
    "network.notebook_root",
    "network.notebook_vpc",
    "network.model_isolation",
    "network.endpoint_instances",
    "data.kms_rotation",
    "data.s3_versioning",
    "data.s3_public_access",
    "data.tls",
    "data.ebs_encryption",
    "data.ecr_scanning",
    "data.feature_store_kms",
    "data.inference_experiment_kms",
    "data.sagemaker_image_tags",
    "monitoring.cloudtrail",
    "monitoring.flow_logs",
    "monitoring.s3_access_logging",
    "threat.guardduty",
    "threat.config",
    "access.password_policy",
    "access.access_analyzer",
    "access.user_mfa",
    "access.key_rotation",
    "access.mfa",
    "access.notebook_platform",
];

/// How the evidence of an item left to be read from its account begins.
pub const ON_DEMAND_PREFIX: &str = "read on demand:";

/// The evidence of an item no control covers, in an account not opened.
pub const READ_ON_DEMAND: &str = "read on demand: not covered by Security Hub; open this account (matrix column, details, or `--account NAME`)";

/// At most this many resources are named per verdict (the rest are counted).
const NAMED: usize = 10;

/// Every item of one account judged through Security Hub where its controls cover it; an item
/// no control covers keeps its own verdict when the account was read, or says how to read it.
pub fn apply(items: &mut [CheckItem], hub: &HubRead) {
    for item in items.iter_mut() {
        let Some(def) = super::find(&item.id) else {
            continue;
        };
        if COVERED.contains(&def.id) {
            let v = judge(def, &hub.results, &hub.admin);
            item.status = v.status;
            item.evidence = v.evidence;
        } else if !hub.posture_read && !def.manual() {
            item.status = CheckStatus::Unknown;
            item.evidence = vec![READ_ON_DEMAND.to_string()];
        }
    }
}

/// An item's verdict from its controls' results: fails if any control failed on any
/// resource; passes only when every control has results and all passed; a suppressed failure
/// is the team's accepted risk; a warning, a result Security Hub could not make, or a control
/// with no result leaves the item unknown, saying why.
pub fn judge(def: &ItemDef, results: &[ControlResult], admin: &str) -> Verdict {
    let mut failed = Vec::new();
    let mut unsure = Vec::new();
    let mut accepted = Vec::new();
    let mut passed = Vec::new();
    let mut missing = Vec::new();
    for control in def.security_hub {
        let of: Vec<&ControlResult> = results
            .iter()
            .filter(|r| r.control_id == *control)
            .collect();
        if of.is_empty() {
            missing.push(*control);
        }
        for r in of {
            match (r.status, r.suppressed) {
                (ControlStatus::Passed, _) => passed.push(r),
                (_, true) => accepted.push(r),
                (ControlStatus::Failed, false) => failed.push(r),
                (ControlStatus::Warning | ControlStatus::NotAvailable, false) => unsure.push(r),
            }
        }
    }
    let status = if !failed.is_empty() {
        CheckStatus::Fail
    } else if !unsure.is_empty() || !missing.is_empty() {
        CheckStatus::Unknown
    } else if !accepted.is_empty() {
        CheckStatus::Accepted
    } else {
        CheckStatus::Pass
    };
    let mut evidence = vec![format!(
        "judged by Security Hub (administrator {admin}) from {}",
        def.security_hub.join(", ")
    )];
    evidence.extend(said(&failed, ""));
    evidence.extend(said(&unsure, ""));
    evidence.extend(missing.iter().map(|c| {
        format!("{c}: no result for this account (the control is disabled here, or has nothing to judge)")
    }));
    evidence.extend(said(&accepted, " (suppressed in Security Hub: accepted)"));
    if !passed.is_empty() {
        let mut controls: Vec<&str> = passed.iter().map(|r| r.control_id.as_str()).collect();
        controls.dedup();
        evidence.push(format!(
            "{} PASSED on {} resource{}{}",
            controls.join(", "),
            passed.len(),
            if passed.len() == 1 { "" } else { "s" },
            newest(&passed)
        ));
    }
    Verdict { status, evidence }
}

/// Each result as a statement (the first few, then how many more).
fn said(results: &[&ControlResult], tail: &str) -> Vec<String> {
    let mut out: Vec<String> = results
        .iter()
        .take(NAMED)
        .map(|r| {
            let why = r
                .reason
                .as_deref()
                .map(|w| format!(": {w}"))
                .unwrap_or_default();
            format!(
                "{} {} on {}{why}{tail}{}",
                r.control_id,
                r.status.word(),
                r.resource,
                newest(&[r])
            )
        })
        .collect();
    if results.len() > NAMED {
        out.push(format!("and {} more", results.len() - NAMED));
    }
    out
}

/// When the newest of these results was updated: how old the verdict is.
fn newest(results: &[&ControlResult]) -> String {
    results
        .iter()
        .filter_map(|r| r.updated_at)
        .max()
        .map(|t| format!(" (updated {})", t.format("%Y-%m-%d %H:%M UTC")))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(control: &str, status: ControlStatus, resource: &str) -> ControlResult {
        ControlResult {
            account_id: "111111111111".into(),
            control_id: control.into(),
            status,
            suppressed: false,
            resource: resource.into(),
            reason: None,
            updated_at: Some(crate::fixtures::t0()),
        }
    }

    fn item(id: &str, results: &[ControlResult]) -> Verdict {
        judge(super::super::find(id).unwrap(), results, "security")
    }

    #[test]
    fn every_covered_item_names_its_controls() {
        for id in COVERED {
            let def = super::super::find(id).unwrap_or_else(|| panic!("{id} is no item"));
            assert!(!def.security_hub.is_empty(), "{id} names no control");
            assert!(!def.manual(), "{id} is manual");
        }
    }

    #[test]
    fn a_control_verdict_is_the_items() {
        use ControlStatus::*;
        let nb = "arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/research";
        let v = item(
            "network.notebook_internet",
            &[result("SageMaker.1", Failed, nb)],
        );
        assert_eq!(v.status, CheckStatus::Fail, "{:?}", v.evidence);
        assert!(v.evidence[1].contains(nb), "{:?}", v.evidence);
        assert!(
            v.evidence[0].contains("administrator security"),
            "{:?}",
            v.evidence
        );
        let v = item(
            "network.notebook_internet",
            &[result("SageMaker.1", Passed, nb)],
        );
        assert_eq!(v.status, CheckStatus::Pass, "{:?}", v.evidence);
        // A warning or a result Security Hub could not make: unknown, saying so.
        let mut warned = result("SageMaker.1", Warning, nb);
        warned.reason = Some("the resource could not be evaluated".into());
        let v = item("network.notebook_internet", &[warned]);
        assert_eq!(v.status, CheckStatus::Unknown);
        assert!(v.evidence[1].contains("WARNING") && v.evidence[1].contains("evaluated"));
        let v = item(
            "network.notebook_internet",
            &[result("SageMaker.1", NotAvailable, nb)],
        );
        assert_eq!(v.status, CheckStatus::Unknown);
        // Suppressed: the team's accepted risk.
        let mut suppressed = result("SageMaker.1", Failed, nb);
        suppressed.suppressed = true;
        let v = item("network.notebook_internet", &[suppressed.clone()]);
        assert_eq!(v.status, CheckStatus::Accepted, "{:?}", v.evidence);
        // No result at all: unknown, never a pass.
        let v = item("network.notebook_internet", &[]);
        assert_eq!(v.status, CheckStatus::Unknown);
        assert!(
            v.evidence[1].contains("SageMaker.1: no result"),
            "{:?}",
            v.evidence
        );
        // Several controls: any failure fails it; all must have passed to pass.
        let trail = |a, b| {
            item(
                "monitoring.cloudtrail",
                &[
                    result("CloudTrail.1", a, "AWS::::Account:111111111111"),
                    result(
                        "CloudTrail.4",
                        b,
                        "arn:aws:cloudtrail:us-east-1:111111111111:trail/t",
                    ),
                ],
            )
            .status
        };
        assert_eq!(trail(Passed, Failed), CheckStatus::Fail);
        assert_eq!(trail(Passed, Passed), CheckStatus::Pass);
        assert_eq!(trail(Passed, Warning), CheckStatus::Unknown);
        let v = item(
            "monitoring.cloudtrail",
            &[result(
                "CloudTrail.1",
                Passed,
                "AWS::::Account:111111111111",
            )],
        );
        assert_eq!(
            v.status,
            CheckStatus::Unknown,
            "one of two controls unheard"
        );
    }

    #[test]
    fn items_no_control_covers_are_read_on_demand() {
        let posture = crate::source::demo::account(crate::fixtures::t0());
        let mut items = super::super::evaluate(&posture, &crate::metrics::Thresholds::default());
        let mut hub = HubRead {
            admin: "security".into(),
            results: vec![result(
                "SageMaker.1",
                ControlStatus::Passed,
                "arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/nb",
            )],
            posture_read: false,
        };
        let before = items.clone();
        apply(&mut items, &hub);
        let by_id =
            |items: &[CheckItem], id: &str| items.iter().find(|i| i.id == id).unwrap().clone();
        assert_eq!(
            by_id(&items, "network.notebook_internet").status,
            CheckStatus::Pass
        );
        let sg = by_id(&items, "network.security_groups");
        assert_eq!(sg.status, CheckStatus::Unknown);
        assert_eq!(sg.evidence, vec![READ_ON_DEMAND.to_string()]);
        // Manual items stay manual.
        for i in items.iter().filter(|i| i.status == CheckStatus::Manual) {
            assert!(super::super::find(&i.id).unwrap().manual());
        }
        // Opened: the account's own verdicts stand for what no control covers.
        hub.posture_read = true;
        let mut opened = before.clone();
        apply(&mut opened, &hub);
        assert_eq!(
            by_id(&opened, "network.security_groups"),
            by_id(&before, "network.security_groups")
        );
        assert_eq!(
            by_id(&opened, "network.notebook_internet").status,
            CheckStatus::Pass
        );
    }
}
