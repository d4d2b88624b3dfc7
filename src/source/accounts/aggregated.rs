//! The accounts read through AWS's aggregation points that hold configuration: Security Hub's
//! administrator (each member's checklist, from its control results) and an AWS Config
//! aggregator (each member's security groups and notebooks). An account an aggregation point
//! does not cover is named and read from the account itself, as is an account the operator
//! opened; what is read from a member goes through its own role, so nothing is acted on from
//! an aggregator's copy.

use super::{AccountsSource, Member, add_answers};
use crate::checklist::posture::Posture;
use crate::checklist::security_hub::{COVERED, HubRead};
use crate::model::{AccountRef, ApiCalls, PlatformItem, SecurityGroupsData};
use crate::source::aws::config_items::{self, Recorded};
use crate::source::{FetchResult, Fetched, PostureRead, Query, SourceError};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The controls whose results the checklist reads: those of every covered item, once each.
fn controls() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = COVERED
        .iter()
        .filter_map(|id| crate::checklist::find(id))
        .flat_map(|d| d.security_hub.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

impl AccountsSource {
    /// Every account of the run, by id (a role's id costs no call).
    pub(super) async fn by_id(&self) -> (HashMap<String, Arc<AccountRef>>, ApiCalls, Vec<String>) {
        let mut ids = HashMap::new();
        let mut calls = ApiCalls::new();
        let mut warnings = Vec::new();
        let found = futures::future::join_all(self.members.iter().map(|m| async move {
            let _permit = self.limit.acquire().await;
            (m, self.who(m).await)
        }))
        .await;
        for (m, who) in found {
            match who {
                Ok((account, c)) => {
                    calls.add(&c);
                    ids.insert(account.id.clone(), account);
                }
                Err(e) => warnings.push(format!("account {}: {e}", m.name)),
            }
        }
        (ids, calls, warnings)
    }

    /// Every member's checklist through Security Hub's administrator: its control results in
    /// one paged read; an account it does not cover, or one the operator opened, is read from
    /// the account too.
    pub(super) async fn posture_from_hub(
        &self,
        at: usize,
        region: Option<String>,
        q: Query,
    ) -> FetchResult<Vec<PostureRead>> {
        let admin = &self.members[at];
        let (results, hub_members) = {
            let _permit = self.limit.acquire().await;
            tokio::join!(
                admin.source.control_results(region.clone(), controls()),
                admin.source.hub_members(region)
            )
        };
        let results = results.map_err(|e| {
            SourceError::Other(format!(
                "account {} (Security Hub administrator): {e}",
                admin.name
            ))
        })?;
        let (ids, who_calls, mut warnings) = self.by_id().await;
        let mut api_calls = results.api_calls.clone();
        api_calls.add(&who_calls);
        let admin_id = ids
            .values()
            .find(|a| a.name == admin.name)
            .map(|a| a.id.clone());
        let covered: Option<Vec<String>> = match hub_members {
            Ok(m) => {
                api_calls.add(&m.api_calls);
                Some(m.data)
            }
            Err(e) => {
                warnings.push(format!(
                    "account {}: Security Hub's members could not be listed ({e}): every account is taken as a member",
                    admin.name
                ));
                None
            }
        };
        self.record(&admin.name, "control results of the members", &api_calls);
        let mut by_account: BTreeMap<String, Vec<crate::model::ControlResult>> = BTreeMap::new();
        for r in results.data {
            by_account.entry(r.account_id.clone()).or_default().push(r);
        }
        let from = format!("security_hub {}", admin.name);
        let mut reads = Vec::new();
        let mut direct: Vec<&Member> = Vec::new();
        for m in &self.members {
            let Some(account) = ids.values().find(|a| a.name == m.name).cloned() else {
                continue;
            };
            let is_member = Some(&account.id) == admin_id.as_ref()
                || covered.as_ref().is_none_or(|c| c.contains(&account.id));
            if !is_member {
                warnings.push(format!(
                    "account {} ({}) is not a member of {}'s Security Hub: its checklist is read from the account",
                    m.name, account.id, admin.name
                ));
                self.sourced(&m.name, "checklist", "account".into());
                direct.push(m);
                continue;
            }
            if self.is_open(&m.name) {
                self.sourced(&m.name, "checklist", format!("{from} and account"));
                direct.push(m);
                continue;
            }
            self.sourced(&m.name, "checklist", from.clone());
            reads.push(PostureRead {
                posture: Posture::unread(q.now, &q.regions, "not read: judged by Security Hub"),
                first_error: None,
                account: Some(account.clone()),
                hub: Some(HubRead {
                    admin: admin.name.clone(),
                    results: by_account.remove(&account.id).unwrap_or_default(),
                    posture_read: false,
                }),
            });
        }
        // The accounts read from themselves: opened ones keep Security Hub's verdicts too.
        let answers = self
            .ask_among(&direct, "checklist", q.progress.as_ref(), |s| {
                super::posture_of(s, q.clone())
            })
            .await;
        let mut out = Fetched::complete(Vec::new());
        add_answers(
            &mut out,
            answers,
            |all: &mut Vec<PostureRead>, account, got| {
                all.extend(got.into_iter().map(|mut r| {
                    r.account = Some(account.clone());
                    r
                }));
            },
        );
        for r in &mut out.data {
            let Some(account) = &r.account else { continue };
            if self.is_open(&account.name) {
                r.hub = Some(HubRead {
                    admin: admin.name.clone(),
                    results: by_account.remove(&account.id).unwrap_or_default(),
                    posture_read: true,
                });
            }
        }
        out.data.extend(reads);
        out.warnings.splice(0..0, warnings);
        out.api_calls.add(&api_calls);
        Ok(out)
    }

    /// The accounts secdash acted in after the aggregator last recorded them (or that it
    /// holds nothing of): their rows are read from the accounts until Config catches up.
    fn stale<T>(
        &self,
        ids: &HashMap<String, Arc<AccountRef>>,
        recorded: &[Recorded<T>],
    ) -> std::collections::HashSet<String> {
        let acted = self.acted.lock().map(|a| a.clone()).unwrap_or_default();
        if acted.is_empty() {
            return Default::default();
        }
        let mut newest: HashMap<&str, chrono::DateTime<chrono::Utc>> = HashMap::new();
        for r in recorded {
            if let Some(t) = r.recorded_at {
                let n = newest.entry(r.account_id.as_str()).or_insert(t);
                *n = (*n).max(t);
            }
        }
        acted
            .into_iter()
            .filter(|(name, at)| {
                ids.values()
                    .find(|a| &a.name == name)
                    .is_some_and(|a| newest.get(a.id.as_str()).is_none_or(|t| t < at))
            })
            .map(|(name, _)| name)
            .collect()
    }

    /// One advanced query of the aggregator, its calls counted as its account's.
    async fn select(
        &self,
        at: usize,
        aggregator: &str,
        region: Option<String>,
        resource_type: &str,
        q: &Query,
    ) -> FetchResult<Vec<String>> {
        let _permit = self.limit.acquire().await;
        self.members[at]
            .source
            .aggregate_select(
                aggregator.to_string(),
                region,
                config_items::query(resource_type, &q.regions),
            )
            .await
    }

    /// Every member's security groups, rules, attachments and VPCs from the Config aggregator;
    /// a member none of whose groups it holds is named and read from the account.
    pub(super) async fn groups_from_config(
        &self,
        at: usize,
        aggregator: &str,
        region: Option<String>,
        q: Query,
    ) -> FetchResult<SecurityGroupsData> {
        let holder = &self.members[at].name;
        let point = format!("config_aggregator {holder}:{aggregator}");
        let (groups, interfaces, vpcs) = tokio::join!(
            self.select(
                at,
                aggregator,
                region.clone(),
                config_items::SECURITY_GROUP,
                &q
            ),
            self.select(
                at,
                aggregator,
                region.clone(),
                config_items::NETWORK_INTERFACE,
                &q
            ),
            self.select(at, aggregator, region, config_items::VPC, &q),
        );
        let groups = groups.map_err(|e| {
            SourceError::Other(format!(
                "account {holder} (Config aggregator {aggregator}): {e}"
            ))
        })?;
        let (ids, who_calls, warnings) = self.by_id().await;
        let mut out = Fetched::complete(SecurityGroupsData::default());
        out.warnings = warnings;
        out.api_calls.add(&groups.api_calls);
        out.api_calls.add(&who_calls);
        let (recorded, bad) = config_items::groups(&groups.data);
        if bad > 0 {
            out.warnings.push(format!(
                "{point}: {bad} recorded groups could not be read and are not shown"
            ));
        }
        let mut attached = interfaces_and_vpcs(&mut out, interfaces, vpcs, &point);
        self.record(holder, "security groups of the members", &out.api_calls);
        let stale = self.stale(&ids, &recorded);
        let mut held: std::collections::HashSet<String> = Default::default();
        for Recorded {
            account_id,
            item: mut g,
            ..
        } in recorded
        {
            // Only the run's accounts: the aggregator may hold the whole organization.
            let Some(account) = ids.get(&account_id) else {
                continue;
            };
            // Acted in since Config recorded it: read from the account instead.
            if stale.contains(&account.name) {
                continue;
            }
            held.insert(account_id.clone());
            g.attachments = attached
                .remove(&(account_id, g.id.to_string()))
                .unwrap_or_default()
                .into();
            g.place_mut().account = Some(account.clone());
            out.data.groups.push(g);
        }
        let mut direct = Vec::new();
        for m in &self.members {
            let account = ids.values().find(|a| a.name == m.name);
            if stale.contains(&m.name) {
                self.sourced(
                    &m.name,
                    "security_groups",
                    "account (acted in since the aggregator recorded it)".into(),
                );
                direct.push(m);
            } else if account.is_some_and(|a| held.contains(&a.id)) {
                self.sourced(&m.name, "security_groups", point.clone());
            } else if let Some(a) = account {
                out.warnings.push(format!(
                    "account {} ({}) has no security group in the Config aggregator {holder}:{aggregator}: read from the account",
                    m.name, a.id
                ));
                self.sourced(&m.name, "security_groups", "account".into());
                direct.push(m);
            }
        }
        let answers = self
            .ask_among(&direct, "security groups", q.progress.as_ref(), |s| {
                s.security_groups(q.clone())
            })
            .await;
        add_answers(
            &mut out,
            answers,
            |all: &mut SecurityGroupsData, account, data| {
                all.groups.extend(data.groups.into_iter().map(|mut g| {
                    g.place_mut().account = Some(account.clone());
                    g
                }));
                all.vpcs.extend(data.vpcs);
            },
        );
        Ok(out)
    }

    /// Every member's notebooks from the Config aggregator. Model versions and jobs are not
    /// recorded by Config: they are read from the accounts the operator opened.
    pub(super) async fn sagemaker_from_config(
        &self,
        at: usize,
        aggregator: &str,
        region: Option<String>,
        q: Query,
    ) -> FetchResult<Vec<PlatformItem>> {
        let holder = &self.members[at].name;
        let point = format!("config_aggregator {holder}:{aggregator}");
        let rows = self
            .select(at, aggregator, region, config_items::NOTEBOOK, &q)
            .await
            .map_err(|e| {
                SourceError::Other(format!(
                    "account {holder} (Config aggregator {aggregator}): {e}"
                ))
            })?;
        let (ids, who_calls, warnings) = self.by_id().await;
        let mut out = Fetched::complete(Vec::new());
        out.warnings = warnings;
        out.api_calls.add(&rows.api_calls);
        out.api_calls.add(&who_calls);
        self.record(holder, "notebooks of the members", &rows.api_calls);
        let notebooks = config_items::notebooks(&rows.data);
        let stale = self.stale(&ids, &notebooks);
        // Opened accounts, and those acted in since Config recorded them, are read from
        // themselves.
        let opened: Vec<&Member> = self
            .members
            .iter()
            .filter(|m| self.is_open(&m.name) || stale.contains(&m.name))
            .collect();
        for Recorded {
            account_id, item, ..
        } in notebooks
        {
            let Some(account) = ids.get(&account_id) else {
                continue;
            };
            // An opened account's own read replaces Config's copy.
            if opened.iter().any(|m| m.name == account.name) {
                continue;
            }
            out.data.push(PlatformItem {
                account: Some(account.clone()),
                ..item
            });
        }
        for m in &self.members {
            let from = if opened.iter().any(|o| o.name == m.name) {
                "account".to_string()
            } else {
                point.clone()
            };
            self.sourced(&m.name, "sagemaker", from);
        }
        if opened.len() < self.members.len() {
            out.warnings.push(format!(
                "notebooks from the {point}; model versions and jobs are read only for the accounts opened (--account NAME)"
            ));
        }
        let answers = self
            .ask_among(&opened, "sagemaker", q.progress.as_ref(), |s| {
                s.sagemaker(q.clone())
            })
            .await;
        add_answers(
            &mut out,
            answers,
            |all: &mut Vec<PlatformItem>, account, items| {
                all.extend(items.into_iter().map(|mut i| {
                    i.account = Some(account.clone());
                    i
                }));
            },
        );
        Ok(out)
    }
}

/// What uses each group (by account and group id) from the aggregator's network interfaces,
/// and the VPCs' ranges into `out`; either missing is a warning, not the pane's failure.
fn interfaces_and_vpcs(
    out: &mut Fetched<SecurityGroupsData>,
    interfaces: FetchResult<Vec<String>>,
    vpcs: FetchResult<Vec<String>>,
    point: &str,
) -> HashMap<(String, String), Vec<crate::model::Attachment>> {
    let mut attached: HashMap<(String, String), Vec<crate::model::Attachment>> = HashMap::new();
    match interfaces {
        Ok(i) => {
            out.api_calls.add(&i.api_calls);
            for (account, group, a) in config_items::attachments(&i.data) {
                attached.entry((account, group)).or_default().push(a);
            }
        }
        Err(e) => out
            .warnings
            .push(format!("{point}: what uses each group is not known: {e}")),
    }
    match vpcs {
        Ok(v) => {
            out.api_calls.add(&v.api_calls);
            out.data.vpcs = config_items::vpcs(&v.data);
        }
        Err(e) => out
            .warnings
            .push(format!("{point}: the VPCs' ranges are not known: {e}")),
    }
    attached
}

#[cfg(test)]
mod tests {
    use super::super::tests::query;
    use super::*;
    use crate::model::{Endpoint, FindingsData, Identity};
    use crate::source::demo::DemoSource;
    use crate::source::{Source, SourceKind};
    use futures::future::BoxFuture;

    /// The account holding the aggregator: its copy of dev's one group, recorded an hour
    /// before `t0`. A test double of the aggregator's answer only (moto's stands in for it in
    /// tests/accounts); every other read is the demo's.
    struct Holder(DemoSource);

    impl Source for Holder {
        fn kind(&self) -> SourceKind {
            SourceKind::Aws
        }
        fn identity(&self) -> BoxFuture<'_, FetchResult<Identity>> {
            self.0.identity()
        }
        fn endpoints(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<Endpoint>>> {
            self.0.endpoints(q)
        }
        fn security_groups(&self, q: Query) -> BoxFuture<'_, FetchResult<SecurityGroupsData>> {
            self.0.security_groups(q)
        }
        fn findings(&self, q: Query) -> BoxFuture<'_, FetchResult<FindingsData>> {
            self.0.findings(q)
        }
        fn posture(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<PostureRead>>> {
            self.0.posture(q)
        }
        fn sagemaker(&self, q: Query) -> BoxFuture<'_, FetchResult<Vec<PlatformItem>>> {
            self.0.sagemaker(q)
        }
        fn aggregate_select(
            &self,
            _aggregator: String,
            _region: Option<String>,
            expression: String,
        ) -> BoxFuture<'_, FetchResult<Vec<String>>> {
            let recorded = (crate::fixtures::t0() - chrono::Duration::hours(1)).to_rfc3339();
            let rows = if expression.contains(config_items::SECURITY_GROUP) {
                vec![format!(
                    r#"{{"accountId":"111111111111","awsRegion":"ap-southeast-1","configurationItemCaptureTime":"{recorded}","configuration":{{"groupId":"sg-recorded","groupName":"recorded"}}}}"#
                )]
            } else {
                Vec::new()
            };
            Box::pin(async move { Ok(Fetched::complete(rows)) })
        }
    }

    #[tokio::test]
    async fn an_account_acted_in_is_read_from_itself_until_config_catches_up() {
        let dev = DemoSource {
            account: "111111111111".into(),
            ..DemoSource::new()
        };
        let members = vec![
            Member {
                name: "security".into(),
                reach: "role arn:aws:iam::999999999999:role/R".into(),
                id: Some("999999999999".into()),
                source: Arc::new(Holder(DemoSource::new())),
            },
            Member {
                name: "dev".into(),
                reach: "role arn:aws:iam::111111111111:role/R".into(),
                id: Some("111111111111".into()),
                source: Arc::new(dev),
            },
        ];
        let source = AccountsSource::new(members, Arc::new(DemoSource::new()), 2)
            .with_config_aggregator(Some("security"), "org", None);
        // dev's groups (the security account holds none in the aggregator: read from it).
        let dev_groups = |d: &SecurityGroupsData| -> Vec<crate::model::SecurityGroup> {
            d.groups
                .iter()
                .filter(|g| g.place.account.as_deref().is_some_and(|a| a.name == "dev"))
                .cloned()
                .collect()
        };
        let names = |d: &SecurityGroupsData| -> Vec<String> {
            dev_groups(d).iter().map(|g| g.name.to_string()).collect()
        };
        let before = source.security_groups(query()).await.unwrap();
        assert_eq!(names(&before.data), ["recorded"], "{:?}", before.warnings);
        assert!(dev_groups(&before.data)[0].place.recorded_at.is_some());
        // An action in dev after Config recorded it: dev's groups are read from dev.
        source.acted_in("dev", crate::fixtures::t0());
        let after = source.security_groups(query()).await.unwrap();
        assert!(!names(&after.data).contains(&"recorded".to_string()));
        assert!(!dev_groups(&after.data).is_empty());
        assert!(
            dev_groups(&after.data)
                .iter()
                .all(|g| g.place.recorded_at.is_none())
        );
        let dev = &source.statuses()[1];
        assert_eq!(
            dev.sources["security_groups"],
            "account (acted in since the aggregator recorded it)"
        );
        // An action before Config's copy: the copy is current again.
        source.acted_in("dev", crate::fixtures::t0() - chrono::Duration::hours(2));
        let caught_up = source.security_groups(query()).await.unwrap();
        assert_eq!(names(&caught_up.data), ["recorded"]);
    }
}
