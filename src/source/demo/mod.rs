//! The built-in demo scenario: a SageMaker ML platform in ap-southeast-1 as the seed guides
//! describe it, with its faults on show. Metrics are a pure function of time, so the screen
//! moves while any given instant is reproducible in tests.

use super::{FetchResult, Fetched, PostureRead, Query, Source, SourceError, SourceKind};
use crate::checklist::policy::Acceptance;
use crate::checklist::posture::Posture;
use crate::model::*;
use chrono::{DateTime, Duration, Utc};
use futures::future::BoxFuture;
use std::time::Duration as StdDuration;

mod endpoints;
mod findings;
mod groups;
pub mod iam;
pub mod platform;
mod posture;
mod surface;
pub mod trail;
pub mod world;

pub use endpoints::endpoints;
pub use findings::findings;
pub use groups::security_groups;
pub use world::{SharedWorld, World};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "ap-southeast-1";
const VPC: &str = "vpc-0a3f5c9e1d2b4a6c8";
const VPC_CIDR: &str = "10.0.0.0/16";

#[derive(Debug, Clone, Default)]
pub struct DemoSource {
    /// Panes whose fetch fails, to show what a failure looks like.
    pub failing: Vec<PaneId>,
    /// Simulated network latency per fetch.
    pub latency: StdDuration,
    /// Multiplies the scenario for benchmarks and scale tests (1 = the normal scenario).
    pub scale: Scale,
    /// The rehearsal's account, which actions change: the groups and findings are read from
    /// it. Without it the scenario is served as written.
    pub world: Option<SharedWorld>,
    /// The account it plays (the scenario's own by default).
    pub account: String,
}

/// How many copies of each part of the scenario to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub endpoints: usize,
    pub groups: usize,
    pub findings: usize,
}

impl Default for Scale {
    fn default() -> Self {
        Scale::uniform(1)
    }
}

impl Scale {
    pub fn uniform(n: usize) -> Scale {
        Scale {
            endpoints: n,
            groups: n,
            findings: n,
        }
    }

    /// The most copies of any part: about 330,000 rules, beyond what any account holds.
    pub const MAX: usize = 10_000;

    /// `N` (every part N times), or `endpoints=N,groups=N,findings=N` (any of them).
    pub fn parse(text: &str) -> Result<Scale, String> {
        let capped = |n: usize| {
            if n > Scale::MAX {
                Err(format!("{n} copies: at most {} of any part", Scale::MAX))
            } else {
                Ok(n.max(1))
            }
        };
        if let Ok(n) = text.trim().parse::<usize>() {
            return Ok(Scale::uniform(capped(n)?));
        }
        let mut scale = Scale::default();
        for part in text.split(',') {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: use N or endpoints=N,groups=N,findings=N"))?;
            let n: usize = v
                .trim()
                .parse()
                .map_err(|_| format!("{v:?} is not a number"))?;
            let n = capped(n)?;
            match k.trim() {
                "endpoints" => scale.endpoints = n,
                "groups" => scale.groups = n,
                "findings" => scale.findings = n,
                other => {
                    return Err(format!(
                        "unknown part {other:?}: endpoints, groups or findings"
                    ));
                }
            }
        }
        Ok(scale)
    }
}

impl DemoSource {
    pub fn new() -> Self {
        DemoSource {
            failing: Vec::new(),
            latency: StdDuration::from_millis(150),
            scale: Scale::default(),
            world: None,
            account: ACCOUNT.to_string(),
        }
    }

    /// The scenario as a world that rehearsal actions change, shared with this source.
    pub fn with_world(mut self) -> (DemoSource, SharedWorld) {
        let world = SharedWorld::new(World::new(self.scale.groups, self.scale.findings));
        self.world = Some(world.clone());
        (self, world)
    }

    fn groups_now(&self) -> SecurityGroupsData {
        match &self.world {
            Some(w) => w.lock().security_groups(),
            None => security_groups(self.scale.groups),
        }
    }

    async fn pace(&self, pane: PaneId) -> Result<(), SourceError> {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        if self.failing.contains(&pane) {
            return Err(simulated_failure(pane));
        }
        Ok(())
    }
}

fn simulated_failure(pane: PaneId) -> SourceError {
    let (service, operation) = match pane {
        PaneId::Endpoints => ("sagemaker", "ListEndpoints"),
        PaneId::SecurityGroups => ("ec2", "DescribeSecurityGroups"),
        PaneId::Findings => ("guardduty", "ListFindings"),
        PaneId::Checklist => ("config", "DescribeConfigurationRecorders"),
        PaneId::Sagemaker => ("sagemaker", "ListNotebookInstances"),
    };
    SourceError::AccessDenied {
        service: service.into(),
        operation: operation.into(),
        region: REGION.into(),
        permission: format!("{service}:{operation}"),
    }
}

impl Source for DemoSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Demo
    }

    fn blast_radius(
        &self,
        principal: crate::model::Principal,
    ) -> BoxFuture<'_, Result<crate::model::BlastRadius, SourceError>> {
        Box::pin(async move {
            let platform = match &self.world {
                Some(w) => w.lock().platform.clone(),
                None => platform::DemoPlatform::default(),
            };
            Ok(platform.principal_radius(&principal, &self.account))
        })
    }

    fn trail(
        &self,
        subjects: Vec<crate::trail::Subject>,
        _regions: Vec<String>,
        since: DateTime<Utc>,
    ) -> BoxFuture<'_, Result<(crate::trail::Timeline, super::ApiCalls), SourceError>> {
        Box::pin(async move {
            let mut calls = super::ApiCalls::new();
            calls.insert("cloudtrail:LookupEvents".into(), subjects.len() as u32);
            Ok((trail::timeline(&subjects, since, Utc::now()), calls))
        })
    }

    fn identity(&self) -> BoxFuture<'_, FetchResult<Identity>> {
        Box::pin(async move {
            let account = &self.account;
            Ok(Fetched::complete(Identity {
                account: Some(account.clone()),
                caller_arn: Some(format!(
                    "arn:aws:sts::{account}:assumed-role/SecOpsReadOnly/alice@example.com"
                )),
            }))
        })
    }

    fn endpoints(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>> {
        Box::pin(async move {
            self.pace(PaneId::Endpoints).await?;
            let mut eps = endpoints(q.now, q.window, q.alarm_period, self.scale.endpoints);
            // What each serves, as the rehearsal left it (a rollback shows at once).
            let platform = match &self.world {
                Some(w) => w.lock().platform.clone(),
                None => platform::DemoPlatform::default(),
            };
            for e in &mut eps {
                e.provenance = platform.provenance(&e.name, q.now);
            }
            Ok(Fetched::complete(eps))
        })
    }

    fn security_groups(&self, _q: Query) -> BoxFuture<'_, FetchResult<SecurityGroupsData>> {
        Box::pin(async move {
            self.pace(PaneId::SecurityGroups).await?;
            Ok(Fetched::complete(self.groups_now()))
        })
    }

    fn findings(&self, q: Query) -> BoxFuture<'_, FetchResult<FindingsData>> {
        Box::pin(async move {
            self.pace(PaneId::Findings).await?;
            let listed = findings(q.now, self.scale.findings);
            Ok(Fetched::complete(match &self.world {
                Some(w) => w.lock().findings(listed, q.include_archived),
                None => listed,
            }))
        })
    }

    fn sagemaker(&self, _q: Query) -> BoxFuture<'_, FetchResult<Vec<crate::model::PlatformItem>>> {
        Box::pin(async move {
            self.pace(PaneId::Sagemaker).await?;
            Ok(Fetched::complete(match &self.world {
                Some(w) => w.lock().platform.items(),
                None => platform::DemoPlatform::default().items(),
            }))
        })
    }

    fn posture(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<PostureRead>>> {
        Box::pin(async move {
            self.pace(PaneId::Checklist).await?;
            let judged = crate::checklist::posture::judged_group;
            let groups = match &self.world {
                Some(w) => w.lock().security_groups_shaped(judged),
                None => groups::security_groups_shaped(1, judged),
            };
            let platform = match &self.world {
                Some(w) => w.lock().platform.clone(),
                None => platform::DemoPlatform::default(),
            };
            let mut eps = endpoints(q.now, Duration::hours(1), endpoints::ALARM_PERIOD, 1);
            for e in &mut eps {
                e.provenance = platform.provenance(&e.name, q.now);
            }
            Ok(Fetched::complete(vec![PostureRead {
                posture: posture::posture(&eps, groups, q.now),
                first_error: None,
                account: None,
                hub: None,
            }]))
        })
    }
}

/// The demo account's configuration, which the checklist is evaluated from like a live one's.
pub fn account(now: DateTime<Utc>) -> Posture {
    let platform = platform::DemoPlatform::default();
    let mut eps = endpoints(now, Duration::hours(1), endpoints::ALARM_PERIOD, 1);
    for e in &mut eps {
        e.provenance = platform.provenance(&e.name, now);
    }
    posture::posture(&eps, security_groups(1), now)
}

/// The demo team has accepted one failing item, so every checklist status is on show, and
/// muted one bucket of another (the item judged without it).
pub fn team_acceptances(now: DateTime<Utc>) -> Vec<Acceptance> {
    vec![
        Acceptance {
            item: "monitoring.security_alerts".into(),
            reason: "pager migration in progress".into(),
            owner: "platform-team".into(),
            expires: (now + Duration::days(38)).date_naive(),
            scope: Default::default(),
        },
        Acceptance {
            item: "data.tls".into(),
            reason: "the upload form's CDN terminates TLS; bucket policy lands with it".into(),
            owner: "web-team".into(),
            expires: (now + Duration::days(21)).date_naive(),
            scope: crate::checklist::mute::Scope {
                resources: vec!["arn:aws:s3:::studyai-dev-uploads".into()],
                tags: vec![],
            },
        },
    ]
}

/// A small deterministic hash for noise (splitmix64).
pub(super) fn noise(a: u64, b: u64) -> f64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % 10_000) as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 30).unwrap()
    }

    #[test]
    fn scenario_is_deterministic_at_an_instant() {
        assert_eq!(
            endpoints(t0(), Duration::hours(1), 300, 1),
            endpoints(t0(), Duration::hours(1), 300, 1)
        );
    }

    #[test]
    fn scenario_moves_over_time() {
        let a = endpoints(t0(), Duration::hours(1), 300, 1);
        let b = endpoints(t0() + Duration::seconds(60), Duration::hours(1), 300, 1);
        assert_ne!(a[2].metrics.invocations, b[2].metrics.invocations);
    }

    #[test]
    fn scenario_has_every_endpoint_kind_and_enough_of_everything() {
        let eps = endpoints(t0(), Duration::hours(1), 300, 1);
        assert!(eps.iter().any(|e| e.status == "Updating"));
        assert!(security_groups(1).groups.len() >= 12);
        assert!(findings(t0(), 1).findings.len() >= 20);
        let checklist = crate::fixtures::demo_pane(PaneId::Checklist, 1);
        let statuses: std::collections::HashSet<_> = checklist
            .checklist()
            .unwrap_or(&[])
            .iter()
            .map(|c| c.status)
            .collect();
        assert_eq!(statuses.len(), 6, "every status appears");
    }

    #[test]
    fn every_checklist_result_names_a_known_item() {
        let checklist = crate::fixtures::demo_pane(PaneId::Checklist, 1);
        let items = checklist.checklist().unwrap_or(&[]);
        for item in items {
            assert!(crate::checklist::find(&item.id).is_some(), "{}", item.id);
        }
        assert_eq!(items.len(), crate::checklist::ITEMS.len());
    }

    /// Issue #15: the alert of the endpoint with an error spike reads the same five minutes at
    /// every window, though the series' periods grow from 1 to 12 minutes.
    #[test]
    fn the_5xx_alert_reads_the_same_at_every_window() {
        use crate::metrics::{Thresholds, alerts};
        let worst = |window| {
            let eps = endpoints(t0(), window, 300, 1);
            let spiking = eps
                .iter()
                .find(|e| e.name == "studyai-dev-llama3-8b")
                .unwrap();
            alerts(spiking, &Thresholds::default())
                .into_iter()
                .find_map(|a| match a {
                    EndpointAlert::Errors5xx {
                        worst_period,
                        period_minutes,
                        ..
                    } => Some((worst_period, period_minutes)),
                    _ => None,
                })
        };
        let hour = worst(Duration::hours(1)).expect("the spike alerts");
        assert_eq!(hour.1, 5);
        for window in [Duration::hours(6), Duration::days(1), Duration::days(7)] {
            assert_eq!(worst(window), Some(hour), "{window}");
        }
    }

    #[test]
    fn findings_are_never_seen_in_the_future() {
        for f in findings(t0(), 1).findings {
            assert!(f.last_seen <= t0(), "{}", f.finding_type);
            assert!(f.first_seen <= f.last_seen, "{}", f.finding_type);
        }
    }

    #[test]
    fn scale_parses() {
        assert_eq!(Scale::parse("3").unwrap(), Scale::uniform(3));
        assert_eq!(
            Scale::parse("groups=3031,findings=455").unwrap(),
            Scale {
                endpoints: 1,
                groups: 3031,
                findings: 455
            }
        );
        assert!(Scale::parse("rules=5").is_err());
    }

    #[test]
    fn scale_multiplies_the_scenario() {
        let groups = security_groups(3).groups;
        assert_eq!(groups.len(), 13 * 3);
        let ids: std::collections::BTreeSet<&str> = groups.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids.len(), groups.len(), "every copy has its own id");
        assert!(
            groups
                .iter()
                .all(|g| g.id.len() == 20 && !g.id.is_heap_allocated()),
            "ids as EC2 gives them, held inline"
        );
        let two = findings(t0(), 2).findings;
        assert_eq!(two.len(), findings(t0(), 1).findings.len() * 2);
        let ids: std::collections::BTreeSet<&str> = two.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), two.len(), "every copy has its own id");
    }
}
