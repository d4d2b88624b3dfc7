//! CloudTrail `LookupEvents`: one lookup attribute per request, 50 events a page, the last 90
//! days, at most 2 requests per second per account and region. Regions are read in parallel,
//! each behind its own limiter that keeps under that rate (a throttling answer means we were
//! wrong); pages stop at `since` or at the cap, which the timeline states.

use crate::aws::calls::{Calls, call};
use crate::aws::{Session, regional};
use crate::source::ApiCalls;
use crate::trail::{self, Event, Subject, Timeline};
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// CloudTrail allows 2 LookupEvents a second per account and region: one every 550 ms keeps
/// under it with room for clock jitter.
pub const LOOKUP_INTERVAL: Duration = Duration::from_millis(550);

/// Session keys of a role followed at most (each is one more lookup).
const MAX_FOLLOWED_KEYS: usize = 10;

pub struct TrailReader {
    regions: Vec<(String, aws_sdk_cloudtrail::Client)>,
    profile: Option<String>,
    calls: Calls,
    /// Pages read per lookup at most (50 events each).
    pub max_pages: usize,
}

/// One region's lookups, one request at a time behind the limiter.
struct Region<'a> {
    name: &'a str,
    client: &'a aws_sdk_cloudtrail::Client,
    limiter: tokio::time::Interval,
}

impl TrailReader {
    pub fn new(session: &Session, regions: &[String]) -> TrailReader {
        TrailReader {
            regions: regions
                .iter()
                .map(|r| {
                    (
                        r.clone(),
                        regional!(aws_sdk_cloudtrail, session.config(), r),
                    )
                })
                .collect(),
            profile: session.profile().map(str::to_string),
            calls: Calls::default(),
            max_pages: 20,
        }
    }

    /// The timeline of the subjects since `since`, every region read in parallel (the
    /// subjects one after the other within a region, behind its limiter), and the calls it
    /// took.
    pub async fn read(&self, subjects: &[Subject], since: DateTime<Utc>) -> (Timeline, ApiCalls) {
        let reads = self.regions.iter().map(|(name, client)| async move {
            let mut region = Region {
                name,
                client,
                limiter: {
                    let mut i = tokio::time::interval(LOOKUP_INTERVAL);
                    i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    i
                },
            };
            let mut all = (Vec::new(), Vec::new(), Vec::new());
            for subject in subjects {
                let (mut e, mut t, mut err) = self.read_region(&mut region, subject, since).await;
                all.0.append(&mut e);
                all.1.append(&mut t);
                all.2.append(&mut err);
            }
            all
        });
        let mut events = Vec::new();
        let mut truncated = Vec::new();
        let mut errors = Vec::new();
        for (mut e, t, err) in futures::future::join_all(reads).await {
            events.append(&mut e);
            truncated.extend(t);
            errors.extend(err);
        }
        let regions = self.regions.iter().map(|(r, _)| r.clone()).collect();
        let timeline = Timeline::new(subjects.to_vec(), since, regions, events, truncated, errors);
        (timeline, self.calls.take().0)
    }

    async fn read_region(
        &self,
        region: &mut Region<'_>,
        subject: &Subject,
        since: DateTime<Utc>,
    ) -> (Vec<Event>, Vec<String>, Vec<String>) {
        let (key, value) = subject.attribute();
        let mut truncated = Vec::new();
        let mut errors = Vec::new();
        let mut events = match self.lookup(region, key, value, since).await {
            Ok((events, cut)) => {
                if cut {
                    truncated.push(region.name.to_string());
                }
                events
            }
            Err(e) => {
                errors.push(format!("{}: {e}", region.name));
                return (vec![], truncated, errors);
            }
        };
        if let Subject::Role(_) = subject {
            // What the role's sessions did: the keys its AssumeRole calls handed out.
            let mut keys: Vec<String> = events
                .iter()
                .flat_map(|e| e.issued_keys.iter().cloned())
                .collect();
            keys.sort();
            keys.dedup();
            if keys.len() > MAX_FOLLOWED_KEYS {
                errors.push(format!(
                    "{}: the role handed out {} session keys; the timeline follows the first {MAX_FOLLOWED_KEYS}",
                    region.name,
                    keys.len()
                ));
                keys.truncate(MAX_FOLLOWED_KEYS);
            }
            for k in keys {
                match self.lookup(region, "AccessKeyId", &k, since).await {
                    Ok((mut more, cut)) => {
                        events.append(&mut more);
                        if cut {
                            truncated.push(format!("{} (session key {k})", region.name));
                        }
                    }
                    Err(e) => errors.push(format!("{} (session key {k}): {e}", region.name)),
                }
            }
        }
        (events, truncated, errors)
    }

    /// Every page of one lookup back to `since`, or up to the cap (then `true`).
    async fn lookup(
        &self,
        region: &mut Region<'_>,
        key: &str,
        value: &str,
        since: DateTime<Utc>,
    ) -> Result<(Vec<Event>, bool), crate::model::SourceError> {
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::from(key))
            .attribute_value(value)
            .build()
            .map_err(|e| crate::model::SourceError::Other(e.to_string()))?;
        let start = aws_smithy_types::DateTime::from_secs(since.timestamp());
        let mut token: Option<String> = None;
        let mut events = Vec::new();
        for _ in 0..self.max_pages {
            region.limiter.tick().await;
            let out = call(
                &self.calls,
                "cloudtrail:LookupEvents",
                region.name,
                self.profile.as_deref(),
                region
                    .client
                    .lookup_events()
                    .lookup_attributes(attribute.clone())
                    .start_time(start)
                    .max_results(50)
                    .set_next_token(token.clone())
                    .send(),
            )
            .await?;
            for e in out.events() {
                let time = e
                    .event_time()
                    .and_then(|t| DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos()))
                    .unwrap_or(since);
                if time < since {
                    continue;
                }
                events.push(trail::event(
                    e.event_id().unwrap_or_default(),
                    time,
                    e.event_name().unwrap_or_default(),
                    e.event_source().unwrap_or_default(),
                    e.username().unwrap_or_default(),
                    e.access_key_id().unwrap_or_default(),
                    e.read_only(),
                    e.resources()
                        .iter()
                        .map(|r| {
                            (
                                r.resource_type().unwrap_or_default().to_string(),
                                r.resource_name().unwrap_or_default().to_string(),
                            )
                        })
                        .collect(),
                    e.cloud_trail_event(),
                    region.name,
                ));
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                return Ok((events, false));
            }
        }
        Ok((events, true))
    }
}
