//! The fetch step shared by the TUI's fetch tasks and `--once`: ask the source for one pane,
//! then `prepare` what it returned, in one place for every source.

pub mod prepare;

use crate::app::Choices;
use crate::app::Msg;
use crate::checklist::policy::{Acceptance, Policy};
use crate::metrics::Thresholds;
use crate::model::{PaneId, SourceError};
use crate::panes::PaneData;
use crate::source::{Fetched, Query, Source};
use chrono::Utc;
use futures::FutureExt;
pub use prepare::{Prepare, Raw, prepare};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// No single refresh may hang a pane for longer than this.
const FETCH_DEADLINE: Duration = Duration::from_secs(120);

/// One refresh of one pane: the source's call, then `prepare`.
pub async fn fetch_pane(
    source: &dyn Source,
    pane: PaneId,
    query: Query,
    ctx: &Prepare<'_>,
) -> Result<Fetched<PaneData>, SourceError> {
    let raw = match pane {
        PaneId::Endpoints => source.endpoints(query).await?.map(Raw::Endpoints),
        PaneId::SecurityGroups => source
            .security_groups(query)
            .await?
            .map(Raw::SecurityGroups),
        PaneId::Findings => source.findings(query).await?.map(Raw::Findings),
        PaneId::Checklist => source.posture(query).await?.map(Raw::Postures),
        PaneId::Sagemaker => source.sagemaker(query).await?.map(Raw::Sagemaker),
    };
    let data = prepare(raw.data, ctx)?;
    Ok(Fetched {
        data,
        warnings: raw.warnings,
        api_calls: raw.api_calls,
        metrics_requested: raw.metrics_requested,
    })
}

/// What a fetch task needs, cloned into each.
#[derive(Clone)]
pub struct FetchPlan {
    pub source: Arc<dyn Source>,
    pub window: chrono::Duration,
    pub regions: Vec<String>,
    pub thresholds: Thresholds,
    /// Accepted risks and the attestation period, from the config.
    pub accepted: Vec<Acceptance>,
    pub attestation_period: chrono::Duration,
    /// Where attestations are kept (read on each checklist refresh).
    pub state_dir: Option<PathBuf>,
    /// Test builds only: `panic-fetch` makes every fetch panic, to show where panics go.
    pub failpoint: Option<String>,
    /// Index the rules for the filter: the screen's (`--once` never filters).
    pub search_index: bool,
}

impl FetchPlan {
    /// A plan with no accepted risks or attestations (tests and benchmarks).
    pub fn new(
        source: Arc<dyn Source>,
        window: chrono::Duration,
        regions: Vec<String>,
        thresholds: Thresholds,
    ) -> FetchPlan {
        FetchPlan {
            source,
            window,
            regions,
            thresholds,
            accepted: Vec::new(),
            attestation_period: chrono::Duration::days(90),
            state_dir: None,
            failpoint: None,
            search_index: true,
        }
    }

    /// The configured window and regions, active findings only: what a fetch asks before the
    /// operator chose otherwise (and what `--once` asks).
    pub fn defaults(&self) -> Choices {
        Choices {
            window: self.window,
            regions: self.regions.clone(),
            include_archived: false,
        }
    }

    /// The team's decisions as they stand now: attestations are read from disk each time.
    fn policy(&self) -> Policy {
        let attestations = self
            .state_dir
            .as_deref()
            .map(|d| {
                crate::checklist::store::load(d).unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "reading attestations");
                    Default::default()
                })
            })
            .unwrap_or_default();
        Policy {
            accepted: self.accepted.clone(),
            attestations,
            attestation_period: self.attestation_period,
        }
    }
}

/// One refresh of one pane with the plan's defaults, as a message. A panic or a hang in a
/// source becomes that pane's error; the other panes never see it.
pub async fn fetch_once(plan: &FetchPlan, pane: PaneId) -> Msg {
    fetch_once_showing(plan, pane, &plan.defaults(), None).await
}

/// Like `fetch_once`, with what the operator chose; the screen's fetches pass where the first
/// rows go while the rest is read (GuardDuty's first page of each region, as
/// `Msg::FirstRows`).
pub async fn fetch_once_showing(
    plan: &FetchPlan,
    pane: PaneId,
    choices: &Choices,
    screen: Option<&tokio::sync::mpsc::UnboundedSender<Msg>>,
) -> Msg {
    let now = Utc::now();
    let (early_tx, mut early_rx) = tokio::sync::mpsc::unbounded_channel();
    let (progress_tx, mut progress_rx) = tokio::sync::mpsc::unbounded_channel();
    let query = Query {
        now,
        window: choices.window,
        regions: choices.regions.clone(),
        include_archived: choices.include_archived,
        alarm_period: plan.thresholds.alarm_period_minutes * 60,
        first_findings: (screen.is_some() && pane == PaneId::Findings).then_some(early_tx),
        progress: screen.is_some().then_some(progress_tx),
    };
    let policy = if pane == PaneId::Checklist {
        plan.policy()
    } else {
        Policy::default()
    };
    let ctx = Prepare {
        search_index: plan.search_index,
        thresholds: &plan.thresholds,
        policy: &policy,
        now,
    };
    let panic_here =
        cfg!(feature = "failpoints") && plan.failpoint.as_deref() == Some("panic-fetch");
    let work = AssertUnwindSafe(async {
        if panic_here {
            panic!("the panic-fetch test hook");
        }
        fetch_pane(plan.source.as_ref(), pane, query, &ctx).await
    })
    .catch_unwind();
    let work = tokio::time::timeout(FETCH_DEADLINE, work);
    tokio::pin!(work);
    // The first rows go to the screen while the rest is read: each region's first page, added
    // to those already shown.
    let mut first = crate::model::FindingsData::default();
    let outcome = loop {
        tokio::select! {
            outcome = &mut work => break outcome,
            Some((done, total)) = progress_rx.recv() => {
                if let Some(screen) = screen {
                    let _ = screen.send(Msg::Progress { pane, done, total });
                }
            }
            Some(page) = early_rx.recv() => {
                first.findings.extend(page.findings);
                first.detectors.extend(page.detectors);
                let prepared = prepare::prepare(Raw::Findings(first.clone()), &ctx);
                if let (Some(screen), Ok(data)) = (screen, prepared) {
                    let _ = screen.send(Msg::FirstRows { pane, at: Utc::now(), data });
                }
            }
        }
    };
    let result = match outcome {
        Ok(Ok(Ok(fetched))) => Ok(fetched),
        Ok(Ok(Err(e))) => Err(e),
        Ok(Err(_panic)) => Err(SourceError::Other(
            "internal error while fetching (see the log file)".to_string(),
        )),
        Err(_) => Err(SourceError::NoAnswer {
            seconds: FETCH_DEADLINE.as_secs(),
        }),
    };
    if let Err(e) = &result {
        tracing::warn!(pane = pane.key(), error = %e, "fetch failed");
    }
    Msg::Fetched {
        pane,
        at: Utc::now(),
        result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, FindingsData, Identity, SecurityGroupsData};
    use crate::source::{FetchResult, PostureRead, SourceKind};
    use futures::future::BoxFuture;
    use tokio::sync::Notify;

    /// A test double: GuardDuty's first page at once, the rest only when the test says.
    struct SlowGuardDuty {
        first: FindingsData,
        rest: FindingsData,
        go_on: Arc<Notify>,
    }

    impl Source for SlowGuardDuty {
        fn kind(&self) -> SourceKind {
            SourceKind::Aws
        }
        fn identity(&self) -> BoxFuture<'_, FetchResult<Identity>> {
            Box::pin(async { Err(SourceError::Other("not here".into())) })
        }
        fn endpoints(&self, _q: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>> {
            Box::pin(async { Err(SourceError::Other("not here".into())) })
        }
        fn security_groups(&self, _q: Query) -> BoxFuture<'_, FetchResult<SecurityGroupsData>> {
            Box::pin(async { Err(SourceError::Other("not here".into())) })
        }
        fn posture(&self, _q: Query) -> BoxFuture<'_, FetchResult<Vec<PostureRead>>> {
            Box::pin(async { Err(SourceError::Other("not here".into())) })
        }
        fn sagemaker(
            &self,
            _q: Query,
        ) -> BoxFuture<'_, FetchResult<Vec<crate::model::PlatformItem>>> {
            Box::pin(async { Err(SourceError::Other("not here".into())) })
        }
        fn findings(&self, q: Query) -> BoxFuture<'_, FetchResult<FindingsData>> {
            Box::pin(async move {
                if let Some(early) = &q.first_findings {
                    early.send(self.first.clone()).unwrap();
                }
                self.go_on.notified().await;
                Ok(Fetched::complete(self.rest.clone()))
            })
        }
    }

    #[tokio::test]
    async fn the_first_page_reaches_the_screen_before_the_rest_is_read() {
        let all = crate::source::demo::findings(crate::fixtures::t0(), 1);
        let mut first = all.clone();
        first.findings.truncate(3);
        let go_on = Arc::new(Notify::new());
        let source = SlowGuardDuty {
            first,
            rest: all.clone(),
            go_on: go_on.clone(),
        };
        let plan = FetchPlan::new(
            Arc::new(source),
            chrono::Duration::hours(1),
            vec!["ap-southeast-1".into()],
            Thresholds::default(),
        );
        let (screen, mut shown) = tokio::sync::mpsc::unbounded_channel();
        let fetch = tokio::spawn(async move {
            fetch_once_showing(&plan, PaneId::Findings, &plan.defaults(), Some(&screen)).await
        });
        let Some(Msg::FirstRows { data, .. }) = shown.recv().await else {
            panic!("the first rows come first");
        };
        assert_eq!(data.findings().unwrap().findings.len(), 3);
        assert!(!fetch.is_finished(), "the rest is still being read");
        go_on.notify_one();
        let Msg::Fetched { result, .. } = fetch.await.unwrap() else {
            panic!("then the whole fetch");
        };
        assert_eq!(
            result.unwrap().data.findings().unwrap().findings.len(),
            all.findings.len()
        );
    }
}
