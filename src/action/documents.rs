//! IAM policy documents as the credential actions write and read them: the deny-all and the
//! revoke-sessions documents, and what a document says in a few words. Pure, and a leaf.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

pub fn deny_all_document() -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "SecdashIncidentDenyAll",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*"
        }]
    })
    .to_string()
}

/// The IAM console's revoke-sessions policy: every action denied to tokens issued before
/// `cutoff`.
pub fn revoke_document(cutoff: DateTime<Utc>) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Action": ["*"],
            "Resource": ["*"],
            "Condition": {
                "DateLessThan": {
                    "aws:TokenIssueTime": cutoff.to_rfc3339_opts(SecondsFormat::Millis, true)
                }
            }
        }]
    })
    .to_string()
}

/// The cutoff of a revoke-sessions document: tokens issued before it are denied.
pub fn revocation_cutoff(document: &str) -> Option<DateTime<Utc>> {
    let doc: Value = serde_json::from_str(document).ok()?;
    let statements = match &doc["Statement"] {
        Value::Array(a) => a.clone(),
        s @ Value::Object(_) => vec![s.clone()],
        _ => return None,
    };
    statements.iter().find_map(|s| {
        let t = s["Condition"]["DateLessThan"]["aws:TokenIssueTime"].as_str()?;
        DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    })
}

/// The same policy, whatever the whitespace and key order.
pub fn same_document(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// A policy document in a few words, for a plan's step.
pub fn summary(document: &str) -> String {
    if same_document(document, &deny_all_document()) {
        return "deny every action on every resource".to_string();
    }
    if let Some(cutoff) = revocation_cutoff(document) {
        return format!(
            "deny every action to sessions issued before {}",
            cutoff.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
    }
    let statements = serde_json::from_str::<Value>(document)
        .ok()
        .map(|d| match &d["Statement"] {
            Value::Array(a) => a.len(),
            Value::Object(_) => 1,
            _ => 0,
        })
        .unwrap_or(0);
    format!(
        "the document kept in the journal ({statements} statement(s), {} bytes)",
        document.len()
    )
}
