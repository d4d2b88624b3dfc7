//! The snapshot as scripts read it: serde types that borrow from the app state, so a snapshot
//! of 100,000 rules costs no copy of them. The JSON is a contract: fields are added, never
//! renamed.

use crate::metrics::CloudWatchCost;
use crate::model::{
    ApiCalls, Attachment, AttachmentKind, Category, CheckStatus, Direction, Importance, PaneId,
    Peer, Risk, Rule, SecurityGroup, SeverityLabel, Variant,
};
use crate::panes::PaneData;
use crate::source::SourceKind;
use arcstr::ArcStr;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct Snapshot<'a> {
    pub schema_version: u32,
    pub generated_at: DateTime<Utc>,
    pub source: SourceKind,
    pub account: Option<&'a str>,
    pub caller_arn: Option<&'a str>,
    pub profile: Option<&'a str>,
    pub regions: &'a [String],
    pub endpoint_url: Option<&'a str>,
    pub window_seconds: i64,
    pub read_only: bool,
    pub endpoints: Vec<EndpointOut<'a>>,
    pub security_groups: Vec<SecurityGroupOut<'a>>,
    pub findings: Vec<FindingOut<'a>>,
    pub checklist: Vec<CheckOut<'a>>,
    /// The platform's notebooks, model versions and recent jobs.
    pub sagemaker: &'a [crate::model::PlatformItem],
    /// What each identity of the platform could change or read, one entry a principal.
    pub blast_radius: Vec<crate::model::BlastRadius>,
    pub errors: Vec<ErrorOut>,
    pub api_calls: ApiCalls,
    /// The same calls, by the pane that made them.
    pub api_calls_by_pane: &'a BTreeMap<PaneId, ApiCalls>,
    /// The calls of each account's latest reads, by account name (absent with one account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_calls_by_account: Option<BTreeMap<String, ApiCalls>>,
    /// Estimated CloudWatch GetMetricData cost of one refresh and of an hour of refreshes.
    pub cloudwatch_cost: CloudWatchCost,
    pub summary: Summary,
    /// What changed since `--baseline` (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<super::changes::Changes>,
    /// The platform's accounts and how each was reached (absent with one account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<AccountOut>>,
    /// Each pane's data as the screen shows it, for the text report's tables.
    #[serde(skip)]
    pub panes: [Option<&'a PaneData>; PaneId::COUNT],
}

/// An account of the platform as the snapshot lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AccountOut {
    pub name: String,
    /// Its id, once it answered (`null` when it could not be reached).
    pub id: Option<String>,
    /// "role arn:…" or "profile NAME".
    pub reached: String,
    /// "ok", or why it could not be read, in words.
    pub status: String,
    /// Where each pane's data of the account came from: an aggregation point
    /// (`"config_aggregator security:org"`, `"security_hub security"`) or `"account"`.
    pub sources: BTreeMap<&'static str, String>,
}

/// The account of a row, when several are watched: `account` (the id) and `account_name`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RowAccountOut<'a> {
    #[serde(rename = "account")]
    pub id: &'a str,
    #[serde(rename = "account_name")]
    pub name: &'a str,
}

impl<'a> RowAccountOut<'a> {
    pub fn of(a: &'a crate::model::RowAccount) -> Option<RowAccountOut<'a>> {
        a.as_deref().map(|a| RowAccountOut {
            id: &a.id,
            name: &a.name,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EndpointOut<'a> {
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub account: Option<RowAccountOut<'a>>,
    pub name: &'a str,
    pub region: &'a str,
    pub status: &'a str,
    pub variants: &'a [Variant],
    pub kms_key_id: Option<&'a str>,
    pub invocations: f64,
    pub errors_4xx: f64,
    pub errors_5xx: f64,
    pub latency_ms_avg: Option<f64>,
    pub latency_ms_p99: Option<f64>,
    /// What each variant really serves, with the flags of its chain.
    pub provenance: &'a [crate::model::Provenance],
    pub overhead_ms_avg: Option<f64>,
    pub alerts: Vec<AlertOut>,
    /// Each inference component's own metrics (none for an endpoint without components).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub inference_components: &'a [crate::model::ComponentMetrics],
    /// An asynchronous endpoint's requests waiting (`ApproximateBacklogSize`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlog: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertOut {
    pub kind: &'static str,
    pub message: String,
}

/// A security group as the JSON shows it, written straight from the state: its rules and
/// attachments are serialized one by one as they are written, never gathered into a copy
/// (100,000 rules cost no memory here).
#[derive(Debug, Clone, Copy)]
pub struct SecurityGroupOut<'a>(pub &'a SecurityGroup);

impl Serialize for SecurityGroupOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let g = self.0;
        let mut out = s.serialize_struct("SecurityGroupOut", 9)?;
        if let Some(a) = RowAccountOut::of(&g.place.account) {
            out.serialize_field("account", a.id)?;
            out.serialize_field("account_name", a.name)?;
        }
        out.serialize_field("id", &g.id)?;
        out.serialize_field("name", &g.name)?;
        out.serialize_field("description", &g.description)?;
        out.serialize_field("vpc_id", &g.place.vpc_id)?;
        out.serialize_field("region", &g.place.region)?;
        out.serialize_field("max_risk", &g.max_risk())?;
        out.serialize_field("tags", &Tags(&g.place.tags))?;
        out.serialize_field("rules", &Each(&g.rules, RuleOut::of))?;
        out.serialize_field("attachments", &Each(&g.attachments, AttachmentOut::of))?;
        // Read through a Config aggregator: when Config recorded it.
        if let Some(t) = &g.place.recorded_at {
            out.serialize_field("recorded_at", t)?;
        }
        out.end()
    }
}

/// Tags as a map, keys in order (the last value of a repeated key wins).
struct Tags<'a>(&'a [(ArcStr, ArcStr)]);

impl Serialize for Tags<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let map: BTreeMap<&str, &str> = self.0.iter().map(|(k, v)| (&**k, &**v)).collect();
        s.collect_map(map)
    }
}

/// A list written element by element through a view of each.
struct Each<'a, T, V>(&'a [T], fn(&'a T) -> V);

impl<'a, T, V: Serialize> Serialize for Each<'a, T, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(self.1))
    }
}

#[derive(Debug, Clone, Serialize)]
struct RuleOut<'a> {
    id: Option<&'a str>,
    direction: Direction,
    protocol: &'a str,
    from_port: Option<i32>,
    to_port: Option<i32>,
    peer: &'a str,
    peer_kind: &'static str,
    description: &'a str,
    risk: Risk,
    risk_reason: &'a str,
}

#[derive(Debug, Clone, Serialize)]
struct AttachmentOut<'a> {
    interface_id: &'a str,
    kind: AttachmentKind,
    target: Option<&'a str>,
    private_ip: Option<&'a str>,
    description: &'a str,
}

impl<'a> AttachmentOut<'a> {
    fn of(a: &'a Attachment) -> AttachmentOut<'a> {
        AttachmentOut {
            interface_id: &a.interface_id,
            kind: a.kind,
            target: a.target.as_deref(),
            private_ip: a.private_ip.as_deref(),
            description: &a.description,
        }
    }
}

impl<'a> RuleOut<'a> {
    fn of(r: &'a Rule) -> RuleOut<'a> {
        RuleOut {
            id: r.id.as_deref(),
            direction: r.grant().direction,
            protocol: &r.grant().protocol,
            from_port: r.grant().from_port,
            to_port: r.grant().to_port,
            peer: r.grant().peer.as_str(),
            peer_kind: peer_kind(&r.grant().peer),
            description: &r.grant().description,
            risk: r.grant().risk,
            risk_reason: &r.grant().risk_reason,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingOut<'a> {
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub account: Option<RowAccountOut<'a>>,
    pub id: &'a str,
    #[serde(rename = "type")]
    pub finding_type: &'a str,
    pub severity: f64,
    pub severity_label: SeverityLabel,
    pub title: &'a str,
    pub resource: &'a str,
    pub resource_type: &'a str,
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub archived: bool,
    pub region: &'a str,
    pub account_id: &'a str,
    /// What the finding names (access key, user, role, instance, interfaces, groups, bucket).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub subjects: &'a [crate::model::FindingSubject],
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckOut<'a> {
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub account: Option<RowAccountOut<'a>>,
    pub id: &'a str,
    pub category: Category,
    pub title: &'a str,
    /// The title as the problem ("KMS encryption not enabled"), said when the item fails.
    pub problem: &'static str,
    pub status: CheckStatus,
    pub importance: Importance,
    /// Every statement of what was seen (a list of strings; it was one string, cut with
    /// "+N more", before schema 2).
    pub evidence: &'a [String],
    pub remediation: &'a str,
    /// The seed document the control comes from.
    pub seed: &'static str,
    /// That document's title.
    pub seed_title: &'static str,
    /// Equivalent Prowler check ids, to compare results with that tool.
    pub prowler: &'static [&'static str],
    /// How this item differs from those checks on purpose.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub prowler_note: &'static str,
    /// The Security Hub CSPM control ids it judges (`[]` when none).
    pub security_hub: &'static [&'static str],
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorOut {
    pub pane: PaneId,
    pub message: String,
    /// True when the pane still has data (a region or sub-call failed, not the whole pane).
    pub partial: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub endpoints_in_alert: usize,
    pub rules_by_risk: BTreeMap<Risk, usize>,
    pub findings_by_severity: BTreeMap<SeverityLabel, usize>,
    pub checklist_by_status: BTreeMap<CheckStatus, usize>,
    /// `null` when `--fail-on never`.
    pub fail_on: Option<Risk>,
    /// What is at or above `fail_on`, one line each (with `--fail-on-new`, only what is new).
    pub breaches: Vec<String>,
    /// The exit code counts only what is new since the baseline.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fail_on_new: bool,
    pub complete: bool,
    pub exit_code: i32,
}

pub(super) fn peer_kind(p: &Peer) -> &'static str {
    match p {
        Peer::Ipv4(_) => "ipv4",
        Peer::Ipv6(_) => "ipv6",
        Peer::SecurityGroup(_) => "security_group",
        Peer::PrefixList(_) => "prefix_list",
    }
}
