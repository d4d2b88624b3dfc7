//! The IAM policies in `policies/` grant exactly what the code calls, and nothing more:
//! `secdash-readonly.json` every operation of the AWS source (`src/source/aws/`) and every read
//! the incident-response actions plan with (`src/action/`), and `secdash-responder.json` the
//! changes those actions make, on top of the read-only policy.

use std::collections::BTreeSet;
use std::path::Path;

/// String literals shaped like an IAM action: `service:Operation`.
fn operations_in(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(operations_in(&path));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for literal in text.split('"').skip(1).step_by(2) {
            if let Some((service, op)) = literal.split_once(':') {
                // `aws:` is the namespace of global condition keys, not a service.
                let is_action = !service.is_empty()
                    && service != "aws"
                    && service
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && op.starts_with(|c: char| c.is_ascii_uppercase())
                    && op.chars().all(|c| c.is_ascii_alphanumeric());
                if is_action && !WRITTEN_NOT_CALLED.contains(&literal) {
                    out.insert(literal.to_string());
                }
            }
        }
    }
    out
}

/// Actions named in the policies secdash writes (a quarantine denies image pulls), which it
/// never calls.
const WRITTEN_NOT_CALLED: &[&str] = &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/// Actions the source asks IAM's policy simulator about (a blast radius), which it never
/// calls (`s3:GetObject` it calls too: a HyperPod cluster's lifecycle script).
const ASKED_OF_THE_SIMULATOR: &[&str] = &[
    "s3:PutObject",
    "sagemaker:UpdateEndpoint",
    "sagemaker:UpdateModelPackage",
    "sagemaker:CreateModel",
];

fn is_read(action: &str) -> bool {
    let op = action.split(':').nth(1).unwrap_or_default();
    // The policy simulator answers what would be allowed and changes nothing.
    // GenerateCredentialReport only prepares the report GetCredentialReport reads; AWS's own
    // SecurityAudit policy grants it. Config's Select* run SQL over recorded configuration
    // (AWS's ReadOnlyAccess grants config:Select*).
    action == "iam:GenerateCredentialReport"
        || ["Describe", "List", "Get", "Lookup", "Simulate", "Select"]
            .iter()
            .any(|p| op.starts_with(p))
}

fn policy_actions(file: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("policies")
        .join(file);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn read_only_policy_matches_the_code_exactly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut code = operations_in(&root.join("src/source/aws"));
    code.retain(|a| !ASKED_OF_THE_SIMULATOR.contains(&a.as_str()));
    code.extend(
        operations_in(&root.join("src/action"))
            .into_iter()
            .filter(|a| is_read(a)),
    );
    let policy = policy_actions("secdash-readonly.json");
    assert!(code.len() >= 12, "the scan found the calls: {code:?}");
    let missing: Vec<_> = code.difference(&policy).collect();
    let extra: Vec<_> = policy.difference(&code).collect();
    assert!(
        missing.is_empty(),
        "called but not in the policy: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "in the policy but never called: {extra:?}"
    );
}

#[test]
fn read_only_policy_grants_nothing_that_writes() {
    for action in policy_actions("secdash-readonly.json") {
        assert!(is_read(&action), "{action} is not a read");
        assert!(!action.contains('*'), "{action}: no wildcards");
    }
}

#[test]
fn responder_policy_adds_exactly_what_the_actions_need() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let actions = operations_in(&root.join("src/action"));
    let read_only = policy_actions("secdash-readonly.json");
    let responder = policy_actions("secdash-responder.json");
    let needed: BTreeSet<String> = actions.into_iter().filter(|a| !is_read(a)).collect();
    assert!(
        needed.len() >= 9,
        "the scan found the mutating calls: {needed:?}"
    );
    let missing: Vec<_> = needed.difference(&responder).collect();
    let extra: Vec<_> = responder.difference(&needed).collect();
    assert!(
        missing.is_empty(),
        "the actions call these but the responder policy lacks them: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "the responder policy grants what no action calls: {extra:?}"
    );
    assert!(
        responder.is_disjoint(&read_only),
        "no overlap with the read-only policy"
    );
}
