//! When each package was approved, as CloudTrail recorded it: the newest `UpdateModelPackage`
//! that set `Approved`, or the `CreateModelPackage` that created it approved. Read on the
//! checklist's interval, a few pages of the last 90 days; where CloudTrail cannot be read the
//! package's `LastModifiedTime` stands, said to be approximate.

use super::Cache;
use crate::aws::calls::{Calls, call};
use crate::model::SourceError;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::time::Duration;

/// Pages of 50 events read per event name at most.
const PAGES: usize = 4;
/// CloudTrail allows 2 LookupEvents a second per account and region.
const PACE: Duration = Duration::from_millis(550);

/// Package ARN: when it was last approved.
pub(super) type Approvals = HashMap<String, DateTime<Utc>>;

/// The approvals CloudTrail recorded in this region (empty when it cannot be read).
pub(super) async fn read(
    trail: &aws_sdk_cloudtrail::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
) -> Approvals {
    let slot = super::fresh(&cache.approvals, region.to_string());
    let read = slot
        .get_or_try_init(|| async {
            let mut out = Approvals::new();
            for (i, name) in ["UpdateModelPackage", "CreateModelPackage"]
                .iter()
                .enumerate()
            {
                if i > 0 {
                    tokio::time::sleep(PACE).await;
                }
                let events = match lookup(trail, calls, region, profile, name).await {
                    Ok(events) => events,
                    // Throttled (the timeline shares the rate): asked again next refresh.
                    Err(SourceError::Throttled { .. }) => return Err(()),
                    // Not readable here: the packages' own times stand until the next read.
                    Err(_) => return Ok(Approvals::new()),
                };
                for (at, text) in events {
                    if let Some(arn) = approved(name, &text) {
                        let newest = out.entry(arn).or_insert(at);
                        *newest = (*newest).max(at);
                    }
                }
            }
            Ok(out)
        })
        .await;
    read.cloned().unwrap_or_default()
}

async fn lookup(
    trail: &aws_sdk_cloudtrail::Client,
    calls: &Calls,
    region: &str,
    profile: Option<&str>,
    event_name: &str,
) -> Result<Vec<(DateTime<Utc>, String)>, SourceError> {
    let attribute = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventName)
        .attribute_value(event_name)
        .build()
        .map_err(|e| SourceError::Other(e.to_string()))?;
    let mut token: Option<String> = None;
    let mut out = Vec::new();
    for _ in 0..PAGES {
        let page = call(
            calls,
            "cloudtrail:LookupEvents",
            region,
            profile,
            trail
                .lookup_events()
                .lookup_attributes(attribute.clone())
                .max_results(50)
                .set_next_token(token.clone())
                .send(),
        )
        .await?;
        for e in page.events() {
            let at = e
                .event_time()
                .and_then(|t| DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos()));
            if let (Some(at), Some(text)) = (at, e.cloud_trail_event()) {
                out.push((at, text.to_string()));
            }
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
        tokio::time::sleep(PACE).await;
    }
    Ok(out)
}

/// The package an event approved, if it approved one. secdash approves only when a restore
/// undoes its own reject: that is not a review, and the approval before it stands.
fn approved(event_name: &str, text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let by_secdash = v["userAgent"]
        .as_str()
        .is_some_and(|ua| ua.contains(&format!("app/{}", crate::aws::SECDASH_APP)));
    if by_secdash {
        return None;
    }
    let request = &v["requestParameters"];
    if request["modelApprovalStatus"].as_str() != Some("Approved") {
        return None;
    }
    let arn = match event_name {
        "UpdateModelPackage" => request["modelPackageArn"].as_str(),
        _ => v["responseElements"]["modelPackageArn"].as_str(),
    }?;
    Some(arn.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_approving_event_names_its_package_and_others_do_not() {
        let update = r#"{"requestParameters":{"modelPackageArn":"arn:p/1","modelApprovalStatus":"Approved"}}"#;
        assert_eq!(
            super::approved("UpdateModelPackage", update),
            Some("arn:p/1".into())
        );
        let reject = update.replace("Approved", "Rejected");
        assert_eq!(super::approved("UpdateModelPackage", &reject), None);
        let create = r#"{"requestParameters":{"modelApprovalStatus":"Approved"},"responseElements":{"modelPackageArn":"arn:p/2"}}"#;
        assert_eq!(
            super::approved("CreateModelPackage", create),
            Some("arn:p/2".into())
        );
        assert_eq!(super::approved("CreateModelPackage", "not json"), None);
        // A restore's re-approval by secdash is not a review.
        let restored = update.replace(
            "{\"requestParameters\"",
            "{\"userAgent\":\"aws-sdk-rust/1.3 os/linux app/secdash\",\"requestParameters\"",
        );
        assert!(restored.contains("app/secdash"), "{restored}");
        assert_eq!(super::approved("UpdateModelPackage", &restored), None);
    }
}
