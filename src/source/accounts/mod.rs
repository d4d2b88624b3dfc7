//! Many accounts in one view: a source over the platform's accounts, each read by its own
//! source (its role assumed, or its profile), under one limit of reads in flight. Every row
//! carries its account; an account that fails (its role cannot be assumed, access denied)
//! is said by name as the pane's warning and leaves the others' rows whole.

use super::{FetchResult, Fetched, PostureRead, Query, Source, SourceError, SourceKind};
use crate::model::{AccountRef, ApiCalls, Endpoint, FindingsData, Identity, SecurityGroupsData};
use futures::future::BoxFuture;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tokio::sync::Semaphore;

mod admins;
mod aggregated;

/// One account of the platform.
pub struct Member {
    pub name: String,
    /// How it is reached, in words ("role arn:…", "profile prod").
    pub reach: String,
    /// Its account id when the config says it (a role's ARN names it): it is not asked.
    pub id: Option<String>,
    pub source: Arc<dyn Source>,
}

pub struct AccountsSource {
    members: Vec<Member>,
    /// The member that is GuardDuty's delegated administrator: findings come from it alone.
    guardduty_admin: Option<usize>,
    /// The member that is CloudWatch's monitoring account: metrics come from it alone.
    cloudwatch_monitoring: Option<usize>,
    /// The member that is Security Hub's administrator, and its Region: the checklist's items
    /// its controls cover come from it.
    security_hub: Option<(usize, Option<String>)>,
    /// The member that holds the Config aggregator, the aggregator's name and its Region:
    /// security groups and notebooks come from it.
    config_aggregator: Option<(usize, String, Option<String>)>,
    /// Accounts the operator opened: read from the account itself even where an
    /// aggregation point has them (with `--account`, every account of the run).
    opened: std::sync::Mutex<BTreeSet<String>>,
    open_all: bool,
    /// When secdash last acted in each account: an aggregator's older copy of it is stale.
    acted: std::sync::Mutex<BTreeMap<String, chrono::DateTime<chrono::Utc>>>,
    /// Where each account's data last came from, by pane (the JSON's `accounts[].sources`).
    sources: std::sync::Mutex<BTreeMap<String, BTreeMap<&'static str, String>>>,
    /// The base credentials' own source: the header's caller.
    caller: Arc<dyn Source>,
    limit: Arc<Semaphore>,
    /// What each account last answered when asked who it is: its id, or why it could not be
    /// reached (kept, so listing the accounts costs no call).
    last: std::sync::Mutex<std::collections::BTreeMap<String, Result<String, String>>>,
    /// The calls each account's last read of each pane took (an aggregation point's reads are
    /// its account's).
    calls: std::sync::Mutex<BTreeMap<String, BTreeMap<&'static str, ApiCalls>>>,
}

/// An account that cannot be read at all (a profile named that no profile file defines): every
/// read fails with why, so the account is named as failed and never read with other
/// credentials.
pub struct Unreachable(pub SourceError);

impl Unreachable {
    fn fail<T: Send + 'static>(&self) -> BoxFuture<'_, FetchResult<T>> {
        let e = self.0.clone();
        Box::pin(async move { Err(e) })
    }
}

impl Source for Unreachable {
    fn kind(&self) -> SourceKind {
        SourceKind::Aws
    }
    fn identity(&self) -> BoxFuture<'_, FetchResult<Identity>> {
        self.fail()
    }
    fn endpoints(&self, _q: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>> {
        self.fail()
    }
    fn security_groups(&self, _q: Query) -> BoxFuture<'_, FetchResult<SecurityGroupsData>> {
        self.fail()
    }
    fn findings(&self, _q: Query) -> BoxFuture<'_, FetchResult<FindingsData>> {
        self.fail()
    }
    fn posture(&self, _q: Query) -> BoxFuture<'_, FetchResult<Vec<PostureRead>>> {
        self.fail()
    }
    fn sagemaker(&self, _q: Query) -> BoxFuture<'_, FetchResult<Vec<crate::model::PlatformItem>>> {
        self.fail()
    }
}

/// An account and how it last answered.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountStatus {
    pub name: String,
    pub reached: String,
    /// Its id, or why it could not be reached; `None` before it was asked.
    pub answer: Option<Result<String, String>>,
    /// Where each pane's data of it came from: an aggregation point, or the account.
    pub sources: BTreeMap<&'static str, String>,
}

/// What one account answered, with the account.
type Answer<T> = Result<(Arc<AccountRef>, Fetched<T>), (String, SourceError)>;

impl AccountsSource {
    pub fn new(members: Vec<Member>, caller: Arc<dyn Source>, concurrency: usize) -> Self {
        AccountsSource {
            members,
            guardduty_admin: None,
            cloudwatch_monitoring: None,
            security_hub: None,
            config_aggregator: None,
            opened: Default::default(),
            open_all: false,
            acted: Default::default(),
            sources: Default::default(),
            caller,
            limit: Arc::new(Semaphore::new(concurrency.max(1))),
            last: Default::default(),
            calls: Default::default(),
        }
    }

    fn record(&self, account: &str, read: &'static str, calls: &ApiCalls) {
        if let Ok(mut all) = self.calls.lock() {
            all.entry(account.to_string())
                .or_default()
                .insert(read, calls.clone());
        }
    }

    /// The calls of each account's latest reads, by operation.
    pub fn calls_by_account(&self) -> BTreeMap<String, ApiCalls> {
        let all = self.calls.lock().map(|c| c.clone()).unwrap_or_default();
        all.into_iter()
            .map(|(account, reads)| {
                let mut sum = ApiCalls::new();
                for calls in reads.values() {
                    sum.add(calls);
                }
                (account, sum)
            })
            .collect()
    }

    /// Reads every account's GuardDuty findings from this member, GuardDuty's delegated
    /// administrator (unknown names leave each account read on its own).
    pub fn with_guardduty_admin(mut self, name: Option<&str>) -> Self {
        self.guardduty_admin = name.and_then(|n| self.members.iter().position(|m| m.name == n));
        self
    }

    /// Reads every account's endpoint metrics from this member, the monitoring account of
    /// CloudWatch cross-account observability.
    pub fn with_cloudwatch_monitoring(mut self, name: Option<&str>) -> Self {
        self.cloudwatch_monitoring =
            name.and_then(|n| self.members.iter().position(|m| m.name == n));
        self
    }

    /// Judges every member's checklist from Security Hub's administrator (in its Region): the
    /// items its controls cover, for every account in one paged read.
    pub fn with_security_hub(mut self, name: Option<&str>, region: Option<String>) -> Self {
        self.security_hub = self.position(name).map(|at| (at, region));
        self
    }

    /// Reads every member's security groups and notebooks from this Config aggregator.
    pub fn with_config_aggregator(
        mut self,
        name: Option<&str>,
        aggregator: &str,
        region: Option<String>,
    ) -> Self {
        self.config_aggregator = self
            .position(name)
            .map(|at| (at, aggregator.to_string(), region));
        self
    }

    /// Every account of the run counts as opened (the operator named them with `--account`).
    pub fn opening_all(mut self, open: bool) -> Self {
        self.open_all = open;
        self
    }

    /// Opens one account: its next checklist read asks the account itself.
    pub fn open(&self, name: &str) {
        if let Ok(mut o) = self.opened.lock() {
            o.insert(name.to_string());
        }
    }

    fn is_open(&self, name: &str) -> bool {
        self.open_all || self.opened.lock().is_ok_and(|o| o.contains(name))
    }

    fn position(&self, name: Option<&str>) -> Option<usize> {
        name.and_then(|n| self.members.iter().position(|m| m.name == n))
    }

    /// Says where every account's data of a pane came from.
    fn sourced_all(&self, pane: &'static str, from: &str) {
        for m in &self.members {
            self.sourced(&m.name, pane, from.to_string());
        }
    }

    /// Says where an account's data of a pane came from.
    fn sourced(&self, account: &str, pane: &'static str, from: String) {
        if let Ok(mut all) = self.sources.lock() {
            all.entry(account.to_string())
                .or_default()
                .insert(pane, from);
        }
    }

    /// Every account, how it is reached and how it last answered (no call is made).
    pub fn statuses(&self) -> Vec<AccountStatus> {
        let last = self.last.lock().map(|l| l.clone()).unwrap_or_default();
        self.members
            .iter()
            .map(|m| AccountStatus {
                name: m.name.clone(),
                reached: m.reach.clone(),
                answer: last.get(&m.name).cloned(),
                sources: self
                    .sources
                    .lock()
                    .ok()
                    .and_then(|s| s.get(&m.name).cloned())
                    .unwrap_or_default(),
            })
            .collect()
    }

    fn note(&self, name: &str, answer: Result<String, String>) {
        if let Ok(mut last) = self.last.lock() {
            last.insert(name.to_string(), answer);
        }
    }

    /// Asks every account, at most `concurrency` at once. Who the account is comes first (its
    /// caller identity, read once and kept by its source): a role that cannot be assumed
    /// fails there, in words that name the account.
    async fn ask<'a, T, F>(
        &'a self,
        read: &'static str,
        progress: Option<&tokio::sync::mpsc::UnboundedSender<(usize, usize)>>,
        fetch: F,
    ) -> Vec<Answer<T>>
    where
        T: Send,
        F: Fn(&'a dyn Source) -> BoxFuture<'a, FetchResult<T>> + Sync,
    {
        let all: Vec<&Member> = self.members.iter().collect();
        self.ask_among(&all, read, progress, fetch).await
    }

    /// [`Self::ask`] of some of the accounts.
    async fn ask_among<'a, T, F>(
        &'a self,
        which: &[&'a Member],
        read: &'static str,
        progress: Option<&tokio::sync::mpsc::UnboundedSender<(usize, usize)>>,
        fetch: F,
    ) -> Vec<Answer<T>>
    where
        T: Send,
        F: Fn(&'a dyn Source) -> BoxFuture<'a, FetchResult<T>> + Sync,
    {
        let fetch = &fetch;
        let done = &std::sync::atomic::AtomicUsize::new(0);
        let total = which.len();
        futures::future::join_all(which.iter().map(|m| async move {
            let answer = self.ask_one(m, read, fetch).await;
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if let Some(p) = progress {
                let _ = p.send((n, total));
            }
            answer
        }))
        .await
    }

    async fn ask_one<'a, T, F>(&'a self, m: &'a Member, read: &'static str, fetch: &F) -> Answer<T>
    where
        T: Send,
        F: Fn(&'a dyn Source) -> BoxFuture<'a, FetchResult<T>> + Sync,
    {
        let _permit = self.limit.acquire().await;
        let (account, who_calls) = self.who(m).await.map_err(|e| (m.name.clone(), e))?;
        let mut answer = match fetch(m.source.as_ref()).await {
            Ok(a) => a,
            Err(e) => {
                self.note(&m.name, Err(e.to_string()));
                return Err((m.name.clone(), e));
            }
        };
        self.note(&m.name, Ok(account.id.clone()));
        answer.api_calls.add(&who_calls);
        self.record(&m.name, read, &answer.api_calls);
        Ok((account, answer))
    }

    /// Who the account is: the id its role's ARN names (no call), or its caller identity
    /// (read once and kept by its source; a role that cannot be assumed fails there).
    async fn who(&self, m: &Member) -> Result<(Arc<AccountRef>, ApiCalls), SourceError> {
        if let Some(id) = &m.id {
            let account = Arc::new(AccountRef {
                id: id.clone(),
                name: m.name.clone(),
            });
            return Ok((account, ApiCalls::new()));
        }
        match m.source.identity().await {
            Ok(who) => {
                let id = who.data.account.clone().unwrap_or_default();
                self.note(&m.name, Ok(id.clone()));
                let account = Arc::new(AccountRef {
                    id,
                    name: m.name.clone(),
                });
                Ok((account, who.api_calls))
            }
            Err(e) => {
                self.note(&m.name, Err(e.to_string()));
                Err(e)
            }
        }
    }
}

/// The answers merged: every account's rows, each account's warnings and failures named.
/// When every account failed, the first failure is the pane's error.
fn merge<T, U: Default>(
    answers: Vec<Answer<T>>,
    add: impl FnMut(&mut U, Arc<AccountRef>, T),
) -> FetchResult<U> {
    let mut out = Fetched::complete(U::default());
    let (ids, failures) = add_answers(&mut out, answers, add);
    out.warnings.extend(same_account(&ids));
    match failures.into_iter().next() {
        Some(e) if ids.is_empty() => Err(e),
        _ => Ok(out),
    }
}

/// Each account's answer added to `out`: its rows, warnings and calls; a failure is the
/// account's warning. Returns who answered (id, name) and the failures.
fn add_answers<T, U>(
    out: &mut Fetched<U>,
    answers: Vec<Answer<T>>,
    mut add: impl FnMut(&mut U, Arc<AccountRef>, T),
) -> (Vec<(String, String)>, Vec<SourceError>) {
    let mut ids = Vec::new();
    let mut failures = Vec::new();
    for a in answers {
        match a {
            Ok((account, f)) => {
                ids.push((account.id.clone(), account.name.clone()));
                out.warnings.extend(
                    f.warnings
                        .iter()
                        .map(|w| format!("account {}: {w}", account.name)),
                );
                out.api_calls.add(&f.api_calls);
                out.metrics_requested += f.metrics_requested;
                add(&mut out.data, account, f.data);
            }
            Err((name, e)) => {
                out.warnings.push(format!("account {name}: {e}"));
                failures.push(e);
            }
        }
    }
    (ids, failures)
}

/// Configured accounts that answered as one account id: named together, since their rows are
/// one account's, shown twice (two profiles, or a role and a profile, reaching one account).
fn same_account(ids: &[(String, String)]) -> Vec<String> {
    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, name) in ids {
        if !id.is_empty() {
            by_id.entry(id).or_default().push(name);
        }
    }
    by_id
        .into_iter()
        .filter(|(_, names)| names.len() > 1)
        .map(|(id, names)| {
            format!(
                "accounts {} are the same account ({id}): its rows are shown once for each name",
                names.join(" and ")
            )
        })
        .collect()
}

/// An account's checklist read; an account that could not be reached at all (its role not
/// assumed, its credentials gone) fails, as its other panes do, rather than giving a
/// checklist of unknown items.
fn posture_of(s: &dyn Source, q: Query) -> BoxFuture<'_, FetchResult<Vec<PostureRead>>> {
    Box::pin(async move {
        let read = s.posture(q).await?;
        let unreachable = read.data.iter().find_map(|r| {
            r.first_error.clone().filter(|e| {
                matches!(
                    e,
                    SourceError::RoleNotAssumed { .. }
                        | SourceError::NoCredentials
                        | SourceError::ExpiredCredentials { .. }
                        | SourceError::UnknownProfile { .. }
                )
            })
        });
        match unreachable {
            Some(e) => Err(e),
            None => Ok(read),
        }
    })
}

/// An account's endpoints added to all, each naming the account.
fn add_endpoints(all: &mut Vec<Endpoint>, account: Arc<AccountRef>, endpoints: Vec<Endpoint>) {
    all.extend(endpoints.into_iter().map(|mut e| {
        e.account = Some(account.clone());
        e
    }));
}

impl Source for AccountsSource {
    /// What its accounts are read from (the demo's accounts are the demo's).
    fn kind(&self) -> SourceKind {
        self.caller.kind()
    }

    fn identity(&self) -> BoxFuture<'_, FetchResult<Identity>> {
        self.caller.identity()
    }

    fn open_account(&self, name: &str) {
        self.open(name);
    }

    fn acted_in(&self, name: &str, at: chrono::DateTime<chrono::Utc>) {
        if let Ok(mut acted) = self.acted.lock() {
            acted.insert(name.to_string(), at);
        }
    }

    fn endpoints(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>> {
        Box::pin(async move {
            let metrics = match self.cloudwatch_monitoring {
                Some(at) => format!("cloudwatch_monitoring {}", self.members[at].name),
                None => "account".into(),
            };
            self.sourced_all("endpoints", "account");
            self.sourced_all("metrics", &metrics);
            if let Some(monitoring) = self.cloudwatch_monitoring {
                return self.endpoints_monitored(monitoring, q).await;
            }
            let answers = self
                .ask("endpoints", q.progress.as_ref(), |s| s.endpoints(q.clone()))
                .await;
            merge(answers, add_endpoints)
        })
    }

    fn security_groups(&self, q: Query) -> BoxFuture<'_, FetchResult<SecurityGroupsData>> {
        Box::pin(async move {
            if let Some((at, name, region)) = &self.config_aggregator {
                return self.groups_from_config(*at, name, region.clone(), q).await;
            }
            self.sourced_all("security_groups", "account");
            let answers = self
                .ask("security groups", q.progress.as_ref(), |s| {
                    s.security_groups(q.clone())
                })
                .await;
            merge(answers, |all: &mut SecurityGroupsData, account, data| {
                all.groups.extend(data.groups.into_iter().map(|mut g| {
                    g.place_mut().account = Some(account.clone());
                    g
                }));
                all.vpcs.extend(data.vpcs);
            })
        })
    }

    fn findings(&self, q: Query) -> BoxFuture<'_, FetchResult<FindingsData>> {
        Box::pin(async move {
            let from = match self.guardduty_admin {
                Some(at) => format!("guardduty_admin {}", self.members[at].name),
                None => "account".into(),
            };
            self.sourced_all("findings", &from);
            if let Some(admin) = self.guardduty_admin {
                return self.findings_from_admin(admin, q).await;
            }
            let answers = self
                .ask("findings", q.progress.as_ref(), |s| s.findings(q.clone()))
                .await;
            merge(answers, |all: &mut FindingsData, account, data| {
                all.findings.extend(data.findings.into_iter().map(|mut f| {
                    f.account = Some(account.clone());
                    f
                }));
                all.detectors.extend(
                    data.detectors
                        .into_iter()
                        .map(|(region, on)| (format!("{} {region}", account.name), on)),
                );
                for (label, n) in data.counts {
                    *all.counts.entry(label).or_default() += n;
                }
            })
        })
    }

    /// The timeline of one account: with several, the one the subjects are in is not known
    /// here, so the operator is told how to read it (one account's view, or `secdash trail`).
    fn trail(
        &self,
        subjects: Vec<crate::trail::Subject>,
        regions: Vec<String>,
        since: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, Result<(crate::trail::Timeline, ApiCalls), SourceError>> {
        Box::pin(async move {
            match self.members.as_slice() {
                [only] => only.source.trail(subjects, regions, since).await,
                _ => Err(SourceError::Other(
                    "the timeline reads one account's CloudTrail: run `secdash --account NAME` for the account of this row, or `secdash trail`".into(),
                )),
            }
        })
    }

    fn sagemaker(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<crate::model::PlatformItem>>> {
        Box::pin(async move {
            if let Some((at, name, region)) = &self.config_aggregator {
                return self
                    .sagemaker_from_config(*at, name, region.clone(), q)
                    .await;
            }
            self.sourced_all("sagemaker", "account");
            let answers = self
                .ask("sagemaker", q.progress.as_ref(), |s| s.sagemaker(q.clone()))
                .await;
            merge(
                answers,
                |all: &mut Vec<crate::model::PlatformItem>, account, items| {
                    all.extend(items.into_iter().map(|mut i| {
                        i.account = Some(account.clone());
                        i
                    }));
                },
            )
        })
    }

    fn posture(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<PostureRead>>> {
        Box::pin(async move {
            if let Some((at, region)) = &self.security_hub {
                return self.posture_from_hub(*at, region.clone(), q).await;
            }
            self.sourced_all("checklist", "account");
            let answers = self
                .ask("checklist", q.progress.as_ref(), |s| {
                    posture_of(s, q.clone())
                })
                .await;
            merge(answers, |all: &mut Vec<PostureRead>, account, reads| {
                all.extend(reads.into_iter().map(|mut r| {
                    r.account = Some(account.clone());
                    r
                }));
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::demo::DemoSource;

    /// A source whose every call fails, as an account whose role cannot be assumed.
    fn unreachable() -> Arc<dyn Source> {
        Arc::new(Unreachable(SourceError::Other(
            "the role cannot be assumed".into(),
        )))
    }

    fn member(name: &str, source: Arc<dyn Source>) -> Member {
        Member {
            name: name.into(),
            reach: format!("role arn:aws:iam::111111111111:role/{name}"),
            id: None,
            source,
        }
    }

    /// A query of the demo's hour in its Region (the aggregation tests' too).
    pub(super) fn query() -> Query {
        Query {
            now: crate::fixtures::t0(),
            window: chrono::Duration::hours(1),
            regions: vec!["ap-southeast-1".into()],
            include_archived: false,
            alarm_period: 300,
            first_findings: None,
            progress: None,
        }
    }

    #[tokio::test]
    async fn every_row_carries_its_account_and_a_failed_account_is_named() {
        let demo: Arc<dyn Source> = Arc::new(DemoSource::new());
        // Two accounts of their own (one account twice would be named as such).
        let prod: Arc<dyn Source> = Arc::new(DemoSource {
            account: "333333333333".into(),
            ..DemoSource::new()
        });
        let source = AccountsSource::new(
            vec![
                member("dev", demo.clone()),
                member("staging", unreachable()),
                member("prod", prod),
            ],
            demo.clone(),
            2,
        );
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let groups = source
            .security_groups(Query {
                progress: Some(tx),
                ..query()
            })
            .await
            .unwrap();
        // Each account said as it answered (the failed one too).
        let mut said = Vec::new();
        while let Ok(p) = rx.try_recv() {
            said.push(p);
        }
        assert_eq!(said, vec![(1, 3), (2, 3), (3, 3)]);
        let one = DemoSource::new().security_groups(query()).await.unwrap();
        assert_eq!(groups.data.groups.len(), 2 * one.data.groups.len());
        let names: Vec<&str> = groups
            .data
            .groups
            .iter()
            .map(|g| g.place.account.as_ref().unwrap().name.as_str())
            .collect();
        assert!(names.contains(&"dev") && names.contains(&"prod"));
        assert_eq!(
            groups.warnings,
            vec!["account staging: the role cannot be assumed"]
        );
        let reads = source.posture(query()).await.unwrap();
        assert_eq!(reads.data.len(), 2);
        assert!(reads.data.iter().all(|r| r.account.is_some()));
        let statuses = source.statuses();
        assert_eq!(
            statuses[1].answer,
            Some(Err("the role cannot be assumed".to_string()))
        );
        assert!(matches!(statuses[0].answer, Some(Ok(_))));
    }

    #[tokio::test]
    async fn one_account_configured_twice_is_named() {
        let demo: Arc<dyn Source> = Arc::new(DemoSource::new());
        let source = AccountsSource::new(
            vec![
                member("dev", demo.clone()),
                member("dev-again", demo.clone()),
            ],
            demo,
            2,
        );
        let groups = source.security_groups(query()).await.unwrap();
        assert_eq!(
            groups.warnings,
            vec![
                "accounts dev and dev-again are the same account (123456789012): its rows are shown once for each name"
            ]
        );
    }

    #[tokio::test]
    async fn a_timeline_across_accounts_says_how_to_read_one() {
        let demo: Arc<dyn Source> = Arc::new(DemoSource::new());
        let two = AccountsSource::new(
            vec![member("dev", demo.clone()), member("prod", demo.clone())],
            demo.clone(),
            2,
        );
        // A timeline read, its error in words.
        async fn timeline(s: &dyn Source) -> Result<(), String> {
            s.trail(
                Vec::new(),
                vec!["ap-southeast-1".into()],
                crate::fixtures::t0(),
            )
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
        }
        let e = timeline(&two).await.unwrap_err();
        assert!(e.contains("secdash --account NAME"), "{e}");
        // One account (`--account prod`): its own timeline, as without accounts.
        let one = AccountsSource::new(vec![member("prod", demo.clone())], demo.clone(), 2);
        let theirs = timeline(demo.as_ref()).await;
        let mine = timeline(&one).await;
        assert_eq!(mine, theirs);
    }

    #[tokio::test]
    async fn when_every_account_fails_the_pane_says_why() {
        let source = AccountsSource::new(vec![member("staging", unreachable())], unreachable(), 4);
        let e = source.endpoints(query()).await.unwrap_err();
        assert_eq!(e.to_string(), "the role cannot be assumed");
    }
}
