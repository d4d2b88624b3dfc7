//! Where data comes from. A `Source` answers a `Query` (the window, Regions and archived
//! findings the fetch was started with) in secdash's own types, raw — the shared fetch step
//! (`fetch::prepare`) assesses, evaluates and orders them — and reads CloudTrail timelines.
//! Three implement it: the demo scenario (`demo/`), one account through the AWS SDK (`aws/`),
//! and several accounts read through their aggregation points and roles (`accounts.rs`).
//! Nothing above this module knows which one is in use.

pub mod accounts;
pub mod aws;
pub mod demo;

use crate::checklist::posture::Posture;
pub use crate::model::{ApiCalls, SourceError};
use crate::model::{Endpoint, FindingsData, Identity, SecurityGroupsData};
use chrono::{DateTime, Duration, Utc};
use futures::future::BoxFuture;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Demo,
    Aws,
}

/// What one fetch asks for. Time is passed in, never read inside a source's logic.
#[derive(Debug, Clone)]
pub struct Query {
    pub now: DateTime<Utc>,
    pub window: Duration,
    pub regions: Vec<String>,
    /// List archived GuardDuty findings too, not only active ones.
    pub include_archived: bool,
    /// The alarms' period in seconds: endpoint alarms are judged on periods of this length.
    pub alarm_period: u32,
    /// Where a source sends the first page of findings of each region as soon as it has it,
    /// before paging through the rest (the screen shows them; `--once` waits for all).
    pub first_findings: Option<tokio::sync::mpsc::UnboundedSender<FindingsData>>,
    /// Where a source of several accounts says how many have answered, of how many, while a
    /// refresh is under way (the screen's status bar shows it).
    pub progress: Option<tokio::sync::mpsc::UnboundedSender<(usize, usize)>>,
}

/// The account's configuration as read for the checklist, and the first error met reading it:
/// when nothing at all could be read, that error is the pane's.
#[derive(Debug, Clone)]
pub struct PostureRead {
    pub posture: Posture,
    pub first_error: Option<SourceError>,
    /// Whose it is, when several accounts are watched (each is judged on its own).
    pub account: crate::model::RowAccount,
    /// Security Hub's control results of the account, when it is read through Security
    /// Hub's administrator: the items they cover are judged from them.
    pub hub: Option<crate::checklist::security_hub::HubRead>,
}

/// A fetch that succeeded, possibly only in part (a region or a sub-call failed).
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    pub data: T,
    /// What failed without failing the whole pane, in plain words.
    pub warnings: Vec<String>,
    pub api_calls: ApiCalls,
    /// CloudWatch metrics requested (GetMetricData is billed per metric).
    pub metrics_requested: u64,
}

impl<T> Fetched<T> {
    pub fn complete(data: T) -> Self {
        Fetched {
            data,
            warnings: Vec::new(),
            api_calls: ApiCalls::new(),
            metrics_requested: 0,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fetched<U> {
        Fetched {
            data: f(self.data),
            warnings: self.warnings,
            api_calls: self.api_calls,
            metrics_requested: self.metrics_requested,
        }
    }
}

pub type FetchResult<T> = Result<Fetched<T>, SourceError>;

/// The one interface every data source implements.
pub trait Source: Send + Sync {
    fn kind(&self) -> SourceKind;
    /// Who is calling, and the call that asked (counted like every other).
    fn identity(&self) -> BoxFuture<'_, FetchResult<Identity>>;
    fn endpoints(&self, query: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>>;
    fn security_groups(&self, query: Query) -> BoxFuture<'_, FetchResult<SecurityGroupsData>>;
    fn findings(&self, query: Query) -> BoxFuture<'_, FetchResult<FindingsData>>;
    /// The configuration of each account, which the checklist is evaluated from (one read per
    /// account).
    fn posture(&self, query: Query) -> BoxFuture<'_, FetchResult<Vec<PostureRead>>>;
    /// The platform's notebooks, model versions and recent jobs (the SageMaker pane).
    fn sagemaker(
        &self,
        query: Query,
    ) -> BoxFuture<'_, FetchResult<Vec<crate::model::PlatformItem>>>;
    /// Endpoints as SageMaker describes them, their metrics left for a monitoring account to
    /// read (`measure`).
    fn endpoints_unmeasured(&self, query: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>> {
        self.endpoints(query)
    }
    /// Reads the metrics of these endpoints, of any account, into them from this account's
    /// CloudWatch: a monitoring account of CloudWatch cross-account observability.
    fn measure<'a>(
        &'a self,
        _query: Query,
        _endpoints: &'a mut [Endpoint],
    ) -> BoxFuture<'a, FetchResult<()>> {
        Box::pin(async {
            Err(SourceError::Other(
                "this source reads no other account's metrics".into(),
            ))
        })
    }
    /// The accounts whose GuardDuty findings this account's detectors administer (a delegated
    /// administrator's members), in every region watched.
    fn guardduty_members(&self, _query: Query) -> BoxFuture<'_, FetchResult<Vec<String>>> {
        Box::pin(async {
            Err(SourceError::Other(
                "this source administers no GuardDuty members".into(),
            ))
        })
    }
    /// Security Hub's active results of these controls for every member account, read from
    /// this account as Security Hub's delegated administrator in `region` (none: the first
    /// watched Region).
    fn control_results(
        &self,
        _region: Option<String>,
        _controls: Vec<&'static str>,
    ) -> BoxFuture<'_, FetchResult<Vec<crate::model::ControlResult>>> {
        Box::pin(async {
            Err(SourceError::Other(
                "this source is no Security Hub administrator".into(),
            ))
        })
    }
    /// The accounts whose control results this account's Security Hub administers.
    fn hub_members(&self, _region: Option<String>) -> BoxFuture<'_, FetchResult<Vec<String>>> {
        Box::pin(async {
            Err(SourceError::Other(
                "this source is no Security Hub administrator".into(),
            ))
        })
    }
    /// The rows an AWS Config aggregator of this account answers to an advanced query, each a
    /// JSON document, read in `region` (none: the first watched Region).
    fn aggregate_select(
        &self,
        _aggregator: String,
        _region: Option<String>,
        _expression: String,
    ) -> BoxFuture<'_, FetchResult<Vec<String>>> {
        Box::pin(async {
            Err(SourceError::Other(
                "this source holds no Config aggregator".into(),
            ))
        })
    }
    /// Reads this account (of several) from itself from now on where an aggregation point
    /// left parts of it to be read on demand; a source of one account has nothing to open.
    fn open_account(&self, _name: &str) {}
    /// secdash acts in this account (of several) now: what an aggregation point recorded of it
    /// before now is stale, so its rows are read from the account until the aggregation
    /// point's copy is newer than the action.
    fn acted_in(&self, _name: &str, _at: chrono::DateTime<chrono::Utc>) {}
    /// What a principal could change of what answers (the served artifacts it may overwrite,
    /// the training data it may read, the calls that change an endpoint), as IAM's policy
    /// simulator answers: the blast radius of a contained user or role.
    fn blast_radius(
        &self,
        _principal: crate::model::Principal,
    ) -> BoxFuture<'_, Result<crate::model::BlastRadius, SourceError>> {
        Box::pin(async {
            Err(SourceError::Other(
                "this source cannot ask IAM's policy simulator".into(),
            ))
        })
    }
    /// The CloudTrail timeline of these subjects in these regions since `since`, and the
    /// calls it took.
    fn trail(
        &self,
        _subjects: Vec<crate::trail::Subject>,
        _regions: Vec<String>,
        _since: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, Result<(crate::trail::Timeline, ApiCalls), SourceError>> {
        Box::pin(async {
            Err(SourceError::Other(
                "this source has no CloudTrail history".into(),
            ))
        })
    }
}
