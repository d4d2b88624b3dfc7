//! The fetch step shared by the TUI's fetch tasks and `--once`: ask the source for one pane,
//! then `prepare` what it returned, in one place for every source.

pub mod prepare;

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
use std::sync::atomic::{AtomicBool, Ordering};
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
        PaneId::Checklist => source.posture(query).await?.map(Raw::Posture),
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
    /// The findings pane lists archived findings too (toggled from the screen).
    pub include_archived: Arc<AtomicBool>,
    /// The window and regions chosen on the screen (`w`, `:window`, `:region`), over the
    /// configured ones.
    pub chosen: Arc<std::sync::Mutex<Chosen>>,
    /// Index the rules for the filter: the screen's (`--once` never filters).
    pub search_index: bool,
}

/// What the operator chose at runtime, shared by every fetch task.
#[derive(Debug, Clone, Default)]
pub struct Chosen {
    pub window: Option<chrono::Duration>,
    pub regions: Option<Vec<String>>,
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
            include_archived: Arc::default(),
            chosen: Arc::default(),
            search_index: true,
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

/// One refresh of one pane, as a message. A panic or a hang in a source becomes that pane's
/// error; the other panes never see it.
pub async fn fetch_once(plan: &FetchPlan, pane: PaneId) -> Msg {
    let now = Utc::now();
    let chosen = plan.chosen.lock().map(|c| c.clone()).unwrap_or_default();
    let query = Query {
        now,
        window: chosen.window.unwrap_or(plan.window),
        regions: chosen.regions.unwrap_or_else(|| plan.regions.clone()),
        include_archived: plan.include_archived.load(Ordering::Relaxed),
        alarm_period: plan.thresholds.alarm_period_minutes * 60,
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
    let result = match tokio::time::timeout(FETCH_DEADLINE, work).await {
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
