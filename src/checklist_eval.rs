//! Evaluates every checklist item from a `Posture`: its status and the evidence behind it
//! (which resources, which setting). Pure: the AWS source and the demo scenario both call it.
//!
//! One rule throughout: a failure that was seen is reported even when other parts could not be
//! read; an item passes only when everything it needs was read; otherwise it is `unknown`,
//! and says why.

use crate::checklist::{self, ITEMS};
use crate::metrics::Thresholds;
use crate::model::{CheckItem, CheckStatus, Direction, Peer, Risk};
use crate::posture::*;

/// How many resources an evidence line names before it says "+N more".
const NAMED: usize = 4;

pub fn evaluate(p: &Posture, thresholds: &Thresholds) -> Vec<CheckItem> {
    ITEMS
        .iter()
        .map(|def| {
            let verdict = match evaluator(def.id) {
                Some(f) => f(p, thresholds),
                None if def.manual => Verdict::new(
                    CheckStatus::Manual,
                    format!(
                        "not attested yet; run `secdash attest {} --by NAME`",
                        def.id
                    ),
                ),
                None => Verdict::new(CheckStatus::Unknown, "no evaluator for this item"),
            };
            checklist::result(def, verdict.status, verdict.evidence)
        })
        .collect()
}

type Evaluator = fn(&Posture, &Thresholds) -> Verdict;

fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "network.custom_vpc" => |p, _| custom_vpc(p),
        "network.vpc_endpoints" => |p, _| vpc_endpoints(p),
        "network.security_groups" => |p, _| security_groups(p),
        "network.nat_gateway" => |p, _| nat_gateway(p),
        "network.notebook_internet" => |p, _| notebook_internet(p),
        "network.notebook_root" => |p, _| notebook_root(p),
        "network.notebook_vpc" => |p, _| notebook_vpc(p),
        "network.model_isolation" => |p, _| model_isolation(p),
        "network.training_isolation" => |p, _| training_isolation(p),
        "network.training_encryption" => |p, _| training_encryption(p),
        "data.kms" => |p, _| sagemaker_kms(p),
        "data.kms_rotation" => |p, _| kms_rotation(p),
        "data.s3_encryption" => |p, _| s3_encryption(p),
        "data.s3_versioning" => |p, _| s3_versioning(p),
        "data.s3_public_access" => |p, _| s3_public_access(p),
        "data.tls" => |p, _| s3_tls(p),
        "data.ebs_encryption" => |p, _| ebs_encryption(p),
        "data.least_privilege" => |p, _| least_privilege(p),
        "monitoring.alarms" => alarms,
        "monitoring.cloudtrail" => |p, _| cloudtrail(p),
        "monitoring.flow_logs" => |p, _| flow_logs(p),
        "monitoring.security_alerts" => |p, _| security_alerts(p),
        "threat.guardduty" => |p, _| guardduty(p),
        "threat.security_hub" => |p, _| security_hub(p),
        "threat.waf" => |p, _| waf(p),
        "threat.config" => |p, _| config(p),
        "access.password_policy" => |p, _| password_policy(p),
        "access.access_analyzer" => |p, _| access_analyzer(p),
        "access.mfa" => |p, _| root_mfa(p),
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: CheckStatus,
    pub evidence: String,
}

impl Verdict {
    fn new(status: CheckStatus, evidence: impl Into<String>) -> Verdict {
        Verdict {
            status,
            evidence: evidence.into(),
        }
    }
}

/// What one item saw, sorted by how much it matters, turned into a verdict at the end.
#[derive(Debug, Default)]
struct Tally {
    fails: Vec<String>,
    warns: Vec<String>,
    passes: Vec<String>,
    /// Why parts could not be read.
    gaps: Vec<String>,
}

impl Tally {
    fn fail(&mut self, s: impl Into<String>) {
        self.fails.push(s.into());
    }
    fn warn(&mut self, s: impl Into<String>) {
        self.warns.push(s.into());
    }
    fn pass(&mut self, s: impl Into<String>) {
        self.passes.push(s.into());
    }
    fn gap(&mut self, why: &str) {
        if !self.gaps.iter().any(|g| g == why) {
            self.gaps.push(why.to_string());
        }
    }

    /// Reads one part of the posture, noting why when it could not be read.
    fn read<'a, T>(&mut self, part: &'a Observed<T>) -> Option<&'a T> {
        match part {
            Ok(v) => Some(v),
            Err(why) => {
                self.gap(why);
                None
            }
        }
    }

    /// `empty` is the evidence when nothing was seen at all (no resources to check).
    fn verdict(self, empty: &str) -> Verdict {
        let gaps = || format!("could not read: {}", self.gaps.join("; "));
        if !self.fails.is_empty() {
            let mut e = list(&self.fails);
            if !self.warns.is_empty() {
                e = format!("{e}; also: {}", list(&self.warns));
            }
            if !self.gaps.is_empty() {
                e = format!("{e}; {}", gaps());
            }
            return Verdict::new(CheckStatus::Fail, e);
        }
        if !self.gaps.is_empty() {
            let mut e = gaps();
            if !self.warns.is_empty() {
                e = format!("{e}; seen: {}", list(&self.warns));
            }
            return Verdict::new(CheckStatus::Unknown, e);
        }
        if !self.warns.is_empty() {
            return Verdict::new(CheckStatus::Warn, list(&self.warns));
        }
        if self.passes.is_empty() {
            return Verdict::new(CheckStatus::Pass, empty);
        }
        Verdict::new(CheckStatus::Pass, list(&self.passes))
    }
}

/// `a; b; c; d; +2 more`
fn list(items: &[String]) -> String {
    let mut out = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > NAMED {
        out.push_str(&format!("; +{} more", items.len() - NAMED));
    }
    out
}

/// `a, b, c, d +2 more`
fn names<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = items
        .iter()
        .take(NAMED)
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > NAMED {
        out.push_str(&format!(" +{} more", items.len() - NAMED));
    }
    out
}

fn region_names(p: &Posture) -> String {
    p.regions
        .iter()
        .map(|r| r.region.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

// -- network ----------------------------------------------------------------------------------

/// Custom VPCs with at least one private subnet: where SageMaker should run.
fn sagemaker_vpcs(vpcs: &[Vpc]) -> impl Iterator<Item = &Vpc> {
    vpcs.iter()
        .filter(|v| !v.is_default && v.subnets.iter().any(|s| !s.is_public()))
}

fn has_sagemaker_workloads(r: &RegionPosture) -> bool {
    let endpoints = r.endpoints.as_ref().is_ok_and(|e| !e.is_empty());
    let notebooks = r.notebooks.as_ref().is_ok_and(|n| !n.is_empty());
    endpoints || notebooks
}

fn custom_vpc(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(vpcs) = t.read(&r.vpcs) else {
            continue;
        };
        let found: Vec<&Vpc> = sagemaker_vpcs(vpcs).collect();
        for v in &found {
            let private: Vec<String> = v
                .subnets
                .iter()
                .filter(|s| !s.is_public())
                .map(|s| format!("{} ({})", s.id, s.cidr))
                .collect();
            t.pass(format!(
                "{} ({}): private subnets {}",
                v.id,
                v.cidr,
                names(&private)
            ));
        }
        if found.is_empty() && has_sagemaker_workloads(r) {
            let custom = vpcs.iter().filter(|v| !v.is_default).count();
            t.fail(if custom == 0 {
                format!("{}: SageMaker runs with only the default VPC", r.region)
            } else {
                format!(
                    "{}: {custom} custom VPC(s) but no private subnet (every subnet routes to an internet gateway)",
                    r.region
                )
            });
        }
    }
    if t.passes.is_empty() && t.fails.is_empty() && t.gaps.is_empty() {
        t.fail(format!(
            "no custom VPC with private subnets in {}",
            region_names(p)
        ));
    }
    t.verdict("")
}

/// The services the guide routes through VPC endpoints, and the endpoint type each needs.
const ENDPOINT_SERVICES: &[(&str, &str)] = &[
    ("sagemaker.api", "Interface"),
    ("sagemaker.runtime", "Interface"),
    ("s3", "Gateway"),
    ("ecr.api", "Interface"),
    ("ecr.dkr", "Interface"),
    ("logs", "Interface"),
];

/// The required services a VPC has no usable endpoint for.
fn missing_endpoints(vpc: &Vpc, endpoints: &[VpcEndpoint], region: &str) -> Vec<&'static str> {
    ENDPOINT_SERVICES
        .iter()
        .filter(|(svc, kind)| {
            let name = format!("com.amazonaws.{region}.{svc}");
            !endpoints.iter().any(|e| {
                e.vpc_id == vpc.id
                    && e.service == name
                    && e.kind.eq_ignore_ascii_case(kind)
                    && matches!(e.state.to_lowercase().as_str(), "available" | "pending")
            })
        })
        .map(|(svc, _)| *svc)
        .collect()
}

fn vpc_endpoints(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut any_vpc = false;
    for r in &p.regions {
        let (Some(vpcs), Some(eps)) = (t.read(&r.vpcs), t.read(&r.vpc_endpoints)) else {
            continue;
        };
        for v in sagemaker_vpcs(vpcs) {
            any_vpc = true;
            let missing = missing_endpoints(v, eps, &r.region);
            if missing.is_empty() {
                t.pass(format!(
                    "{}: all of {}",
                    v.id,
                    ENDPOINT_SERVICES
                        .iter()
                        .map(|(s, _)| *s)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else if missing.len() == ENDPOINT_SERVICES.len() {
                t.fail(format!("{}: no VPC endpoints", v.id));
            } else {
                t.warn(format!("{}: missing {}", v.id, missing.join(", ")));
            }
        }
    }
    if !any_vpc && t.gaps.is_empty() {
        t.fail("no custom VPC with private subnets to check (see network.custom_vpc)");
    }
    t.verdict("")
}

fn is_internet(peer: &Peer) -> bool {
    matches!(peer, Peer::Ipv4(c) if c == "0.0.0.0/0")
        || matches!(peer, Peer::Ipv6(c) if c == "::/0")
}

fn security_groups(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut groups = 0;
    for r in &p.regions {
        let Some(sgs) = t.read(&r.security_groups) else {
            continue;
        };
        groups += sgs.len();
        for g in sgs {
            for rule in &g.rules {
                if rule.direction != Direction::Ingress || !is_internet(&rule.peer) {
                    continue;
                }
                let ports = if rule.is_all_traffic() {
                    "all traffic".to_string()
                } else {
                    format!("{} {}", rule.protocol, rule.ports_label())
                };
                let what = format!("{} ({}) {ports} from {}", g.id, g.name, rule.peer);
                if rule.risk >= Risk::High {
                    t.fail(what);
                } else if rule.risk == Risk::Medium {
                    t.warn(what);
                }
            }
        }
    }
    t.verdict(&format!(
        "{groups} security group(s); none opens admin or database ports to the internet"
    ))
}

fn nat_gateway(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut any_vpc = false;
    for r in &p.regions {
        let (Some(vpcs), Some(nats), Some(eps)) = (
            t.read(&r.vpcs),
            t.read(&r.nat_gateways),
            t.read(&r.vpc_endpoints),
        ) else {
            continue;
        };
        for v in sagemaker_vpcs(vpcs) {
            any_vpc = true;
            let private: Vec<&Subnet> = v.subnets.iter().filter(|s| !s.is_public()).collect();
            let mut via_nat: Vec<(&str, &str)> = Vec::new();
            let mut isolated: Vec<&str> = Vec::new();
            for s in &private {
                match &s.default_route {
                    DefaultRoute::NatGateway { id, active } => {
                        let available = nats.iter().any(|n| &n.id == id && n.state == "available");
                        if !active || !available {
                            t.fail(format!(
                                "{}: default route to {id}, which is not available (blackhole)",
                                s.id
                            ));
                        } else {
                            via_nat.push((s.id.as_str(), id.as_str()));
                        }
                    }
                    DefaultRoute::None => isolated.push(&s.id),
                    DefaultRoute::InternetGateway(_) | DefaultRoute::Other(_) => {}
                }
            }
            if !via_nat.is_empty() {
                let mut gws: Vec<&str> = via_nat.iter().map(|(_, n)| *n).collect();
                gws.dedup();
                let subnets: Vec<&str> = via_nat.iter().map(|(s, _)| *s).collect();
                t.pass(format!(
                    "{}: {} from {}",
                    v.id,
                    names(&gws),
                    names(&subnets)
                ));
            }
            if !isolated.is_empty() {
                let missing = missing_endpoints(v, eps, &r.region);
                if missing.is_empty() {
                    t.pass(format!(
                        "{}: {} without internet egress, served by VPC endpoints",
                        v.id,
                        names(&isolated)
                    ));
                } else {
                    t.warn(format!(
                        "{}: {} have no NAT route and no endpoint for {}",
                        v.id,
                        names(&isolated),
                        missing.join(", ")
                    ));
                }
            }
        }
    }
    if !any_vpc && t.gaps.is_empty() {
        t.fail("no custom VPC with private subnets to route (see network.custom_vpc)");
    }
    t.verdict("")
}

/// Checks one kind of SageMaker resource in every region: `bad` names what is wrong with one.
fn per_resource<T>(
    p: &Posture,
    part: impl Fn(&RegionPosture) -> &Observed<Vec<T>>,
    noun: &str,
    bad: impl Fn(&T) -> Option<String>,
    good: impl Fn(&[&T]) -> String,
) -> Verdict {
    let mut t = Tally::default();
    let mut all: Vec<&T> = Vec::new();
    for r in &p.regions {
        let Some(items) = t.read(part(r)) else {
            continue;
        };
        for item in items {
            match bad(item) {
                Some(why) => t.fail(why),
                None => all.push(item),
            }
        }
    }
    if !all.is_empty() {
        t.pass(good(&all));
    }
    t.verdict(&format!("no {noun} in {}", region_names(p)))
}

fn notebook_internet(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.notebooks,
        "notebook instances",
        |n: &Notebook| {
            n.direct_internet_access
                .then(|| format!("{}: DirectInternetAccess=Enabled", n.name))
        },
        |ok| format!("{} notebook(s) without direct internet access", ok.len()),
    )
}

fn notebook_root(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.notebooks,
        "notebook instances",
        |n: &Notebook| {
            n.root_access
                .then(|| format!("{}: RootAccess=Enabled", n.name))
        },
        |ok| format!("{} notebook(s) with root access disabled", ok.len()),
    )
}

fn notebook_vpc(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.notebooks,
        "notebook instances",
        |n: &Notebook| {
            n.subnet_id
                .is_none()
                .then(|| format!("{}: no SubnetId (runs outside your VPC)", n.name))
        },
        |ok| {
            let subnets: Vec<String> = ok
                .iter()
                .map(|n| format!("{} in {}", n.name, n.subnet_id.as_deref().unwrap_or("")))
                .collect();
            names(&subnets)
        },
    )
}

fn isolation_label(isolated: bool, in_vpc: bool) -> &'static str {
    match (isolated, in_vpc) {
        (true, true) => "network-isolated, in a VPC",
        (true, false) => "network-isolated",
        (false, true) => "in a VPC",
        (false, false) => "",
    }
}

/// `name (in a VPC), name (network-isolated)`
fn isolated_names<'a>(each: impl Iterator<Item = (&'a String, bool, bool)>) -> String {
    let each: Vec<String> = each
        .map(|(name, isolated, in_vpc)| format!("{name} ({})", isolation_label(isolated, in_vpc)))
        .collect();
    names(&each)
}

fn model_isolation(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.models,
        "models",
        |m: &Model| {
            (!m.network_isolation && !m.in_vpc)
                .then(|| format!("{}: no VpcConfig and no network isolation", m.name))
        },
        |ok| isolated_names(ok.iter().map(|m| (&m.name, m.network_isolation, m.in_vpc))),
    )
}

fn training_isolation(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.training_jobs,
        "training jobs",
        |j: &TrainingJob| {
            (!j.network_isolation && !j.in_vpc)
                .then(|| format!("{}: no VpcConfig and no network isolation", j.name))
        },
        |ok| isolated_names(ok.iter().map(|j| (&j.name, j.network_isolation, j.in_vpc))),
    )
}

fn training_encryption(p: &Posture) -> Verdict {
    per_resource(
        p,
        |r| &r.training_jobs,
        "training jobs",
        |j: &TrainingJob| {
            (!j.inter_container_encryption)
                .then(|| format!("{}: inter-container traffic not encrypted", j.name))
        },
        |ok| {
            format!(
                "{} training job(s) encrypt inter-container traffic",
                ok.len()
            )
        },
    )
}

// -- data -------------------------------------------------------------------------------------

fn sagemaker_kms(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut ok = 0;
    for r in &p.regions {
        if let Some(eps) = t.read(&r.endpoints) {
            for e in eps {
                match &e.kms_key_id {
                    Some(_) => ok += 1,
                    None => t.fail(format!(
                        "endpoint {} (config {}): no KmsKeyId",
                        e.endpoint, e.config
                    )),
                }
            }
        }
        if let Some(nbs) = t.read(&r.notebooks) {
            for n in nbs {
                match &n.kms_key_id {
                    Some(_) => ok += 1,
                    None => t.fail(format!("notebook {}: no KmsKeyId", n.name)),
                }
            }
        }
    }
    if ok > 0 {
        t.pass(format!(
            "{ok} endpoint config(s) and notebook(s) encrypted with a KMS key"
        ));
    }
    t.verdict("no SageMaker endpoints or notebook instances")
}

fn kms_rotation(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(keys) = t.read(&r.kms_keys) else {
            continue;
        };
        for k in keys {
            let name = k.alias.as_deref().unwrap_or(&k.id);
            if k.rotation_enabled {
                t.pass(format!("{name}: rotation on"));
            } else {
                t.fail(format!("{name} ({}): rotation off", r.region));
            }
        }
    }
    t.verdict(&format!(
        "no enabled customer-managed keys in {}",
        region_names(p)
    ))
}

/// Checks one setting of every bucket.
fn per_bucket(
    p: &Posture,
    setting: impl Fn(&Bucket) -> Result<Option<String>, &String>,
    good: &str,
) -> Verdict {
    let mut t = Tally::default();
    let Some(buckets) = t.read(&p.buckets) else {
        return t.verdict("");
    };
    let mut ok = 0;
    for b in buckets {
        match setting(b) {
            Ok(None) => ok += 1,
            Ok(Some(problem)) => t.fail(format!("{}: {problem}", b.name)),
            Err(why) => t.gap(why),
        }
    }
    if ok > 0 {
        t.pass(format!("{ok}/{} buckets {good}", buckets.len()));
    }
    t.verdict("no S3 buckets")
}

fn s3_encryption(p: &Posture) -> Verdict {
    let mut v = per_bucket(
        p,
        |b| {
            b.encryption
                .as_ref()
                .map(|e| e.is_none().then(|| "no default encryption".to_string()))
        },
        "encrypted by default",
    );
    // Name the algorithms when every bucket passes: SSE-KMS is what the guide asks of model data.
    if v.status == CheckStatus::Pass
        && let Ok(buckets) = &p.buckets
    {
        let algs: Vec<String> = buckets
            .iter()
            .filter_map(|b| match &b.encryption {
                Ok(Some(a)) => Some(format!("{}: {a}", b.name)),
                _ => None,
            })
            .collect();
        if !algs.is_empty() {
            v.evidence = format!("{} ({})", v.evidence, names(&algs));
        }
    }
    v
}

fn s3_versioning(p: &Posture) -> Verdict {
    per_bucket(
        p,
        |b| {
            b.versioning
                .as_ref()
                .map(|on| (!on).then(|| "versioning off".to_string()))
        },
        "versioned",
    )
}

fn s3_public_access(p: &Posture) -> Verdict {
    per_bucket(
        p,
        |b| {
            b.public_access_blocked
                .as_ref()
                .map(|on| (!on).then(|| "Block Public Access not fully on".to_string()))
        },
        "block public access",
    )
}

fn s3_tls(p: &Posture) -> Verdict {
    per_bucket(
        p,
        |b| {
            b.tls_enforced
                .as_ref()
                .map(|on| (!on).then(|| "no policy denying aws:SecureTransport=false".to_string()))
        },
        "deny plain HTTP",
    )
}

fn ebs_encryption(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        match t.read(&r.ebs_encryption_by_default) {
            Some(true) => t.pass(format!("{}: on", r.region)),
            Some(false) => t.fail(format!("{}: EBS encryption by default is off", r.region)),
            None => {}
        }
    }
    t.verdict("")
}

fn least_privilege(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let Some(roles) = t.read(&p.roles) else {
        return t.verdict("");
    };
    let mut clean = Vec::new();
    for role in roles {
        if role.grants.is_empty() {
            clean.push(role.name.as_str());
        }
        for g in &role.grants {
            match g {
                Grant::Admin { policy } => t.fail(format!("{}: {policy} allows * on *", role.name)),
                Grant::ServiceWildcard { policy, action } => {
                    t.warn(format!("{}: {policy} allows {action}", role.name))
                }
                Grant::Unreadable { policy, why } => {
                    t.gap(&format!("{} policy {policy}: {why}", role.name))
                }
            }
        }
    }
    if !clean.is_empty() {
        t.pass(format!("no wildcard grants: {}", names(&clean)));
    }
    t.verdict("no roles that SageMaker or EC2 can assume")
}

// -- monitoring -------------------------------------------------------------------------------

fn notifies_sns(a: &Alarm) -> bool {
    a.actions_enabled
        && a.alarm_actions
            .iter()
            .any(|x| x.starts_with("arn:aws:sns:"))
}

fn alarms(p: &Posture, th: &Thresholds) -> Verdict {
    let mut t = Tally::default();
    let mut covered = 0;
    let mut total = 0;
    let max_period = i64::from(th.alarm_period_minutes) * 60;
    let latency_us = th.latency_ms * 1000.0;
    for r in &p.regions {
        let (Some(eps), Some(alarms)) = (t.read(&r.endpoints), t.read(&r.alarms)) else {
            continue;
        };
        for e in eps {
            total += 1;
            let on = |metric: &str| {
                alarms
                    .iter()
                    .filter(|a| {
                        a.namespace == "AWS/SageMaker"
                            && a.metric == metric
                            && a.endpoint.as_deref() == Some(e.endpoint.as_str())
                    })
                    .collect::<Vec<_>>()
            };
            let errors = on("Invocation5XXErrors");
            let latency = on("ModelLatency");
            let mut problems = Vec::new();
            let mut loose = Vec::new();
            match errors.as_slice() {
                [] => problems.push("no 5XX alarm".to_string()),
                list => {
                    if !list.iter().any(|a| {
                        a.threshold <= th.errors_5xx && i64::from(a.period_seconds) <= max_period
                    }) {
                        let a = list[0];
                        loose.push(format!(
                            "5XX alarm {} at >{} per {} s (want >{} per {} s)",
                            a.name, a.threshold, a.period_seconds, th.errors_5xx, max_period
                        ));
                    }
                }
            }
            match latency.as_slice() {
                [] => problems.push("no latency alarm".to_string()),
                list => {
                    if !list.iter().any(|a| a.threshold <= latency_us) {
                        let a = list[0];
                        loose.push(format!(
                            "latency alarm {} at >{} ms (want >{} ms)",
                            a.name,
                            a.threshold / 1000.0,
                            th.latency_ms
                        ));
                    }
                }
            }
            let present: Vec<&&Alarm> = errors.iter().chain(latency.iter()).collect();
            if !present.is_empty() && !present.iter().all(|a| notifies_sns(a)) {
                problems.push("an alarm notifies no SNS topic".to_string());
            }
            if problems.len() == 2 && problems.iter().all(|p| p.starts_with("no ")) {
                t.fail(format!("{}: no 5XX or latency alarm", e.endpoint));
            } else if !problems.is_empty() || !loose.is_empty() {
                let all: Vec<String> = problems.into_iter().chain(loose).collect();
                t.warn(format!("{}: {}", e.endpoint, all.join(", ")));
            } else {
                covered += 1;
            }
        }
    }
    if covered > 0 {
        t.pass(format!(
            "5XX and latency alarms wired to SNS on {covered}/{total} endpoints"
        ));
    }
    t.verdict("no SageMaker endpoints to alarm on")
}

fn cloudtrail(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut trails: Vec<&Trail> = Vec::new();
    for r in &p.regions {
        if let Some(ts) = t.read(&r.trails) {
            for tr in ts {
                if !trails.iter().any(|x| x.arn == tr.arn) {
                    trails.push(tr);
                }
            }
        }
    }
    let good: Vec<&&Trail> = trails
        .iter()
        .filter(|x| x.multi_region && x.logging)
        .collect();
    if let Some(best) = good.iter().find(|x| x.log_file_validation).or(good.first()) {
        let line = format!("{}: multi-region, logging", best.name);
        if best.log_file_validation {
            t.pass(format!("{line}, log file validation on"));
        } else {
            t.warn(format!("{line}, but log file validation is off"));
        }
        // A working trail is what matters; the gaps of other regions cannot change that.
        t.gaps.clear();
    } else if !trails.is_empty() {
        for x in &trails {
            let mut why = Vec::new();
            if !x.multi_region {
                why.push("single-region");
            }
            if !x.logging {
                why.push("not logging");
            }
            t.fail(format!("{}: {}", x.name, why.join(", ")));
        }
    } else if t.gaps.is_empty() {
        t.fail(format!("no trail in {}", region_names(p)));
    }
    t.verdict("")
}

fn flow_logs(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let (Some(vpcs), Some(logs)) = (t.read(&r.vpcs), t.read(&r.flow_logs)) else {
            continue;
        };
        for v in vpcs {
            let active: Vec<&FlowLog> = logs
                .iter()
                .filter(|l| l.resource_id == v.id && l.status == "ACTIVE")
                .collect();
            match active.first() {
                Some(l) => t.pass(format!("{} -> {}", v.id, l.destination)),
                None if v.is_default => {
                    t.warn(format!("default VPC {} ({}): no flow log", v.id, r.region))
                }
                None => t.fail(format!("{} ({}): no flow log", v.id, r.region)),
            }
        }
    }
    t.verdict("no VPCs")
}

fn security_alerts(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut wired_topics = 0;
    for r in &p.regions {
        let (Some(alarms), Some(topics)) = (t.read(&r.alarms), t.read(&r.topics)) else {
            continue;
        };
        let mut arns: Vec<&str> = alarms
            .iter()
            .filter(|a| a.actions_enabled)
            .flat_map(|a| a.alarm_actions.iter())
            .filter(|x| x.starts_with("arn:aws:sns:"))
            .map(String::as_str)
            .collect();
        arns.sort_unstable();
        arns.dedup();
        for arn in arns {
            wired_topics += 1;
            let name = arn.rsplit(':').next().unwrap_or(arn);
            match topics.iter().find(|x| x.arn == arn) {
                Some(x) if x.confirmed > 0 => {
                    t.pass(format!("{name}: {} confirmed subscription(s)", x.confirmed))
                }
                Some(x) if x.pending > 0 => t.warn(format!(
                    "{name}: {} subscription(s) pending confirmation",
                    x.pending
                )),
                Some(_) => t.fail(format!("{name}: no subscribers")),
                None => t.fail(format!("{name}: topic not found")),
            }
        }
    }
    if wired_topics == 0 && t.gaps.is_empty() {
        t.fail("no alarm notifies an SNS topic");
    }
    t.verdict("")
}

// -- threat detection -------------------------------------------------------------------------

fn guardduty(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(ds) = t.read(&r.detectors) else {
            continue;
        };
        match ds.iter().find(|d| d.status == "ENABLED") {
            Some(d) => t.pass(format!("{}: detector {} enabled", r.region, d.id)),
            None if ds.is_empty() => t.fail(format!("{}: no detector", r.region)),
            None => t.fail(format!("{}: detector {} disabled", r.region, ds[0].id)),
        }
    }
    t.verdict("")
}

/// The standards the guide enables, and how to recognise their ARNs.
const STANDARDS: &[(&str, &str)] = &[
    ("CIS AWS Foundations", "cis-aws-foundations-benchmark"),
    ("PCI DSS", "pci-dss"),
];

fn security_hub(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        match t.read(&r.security_hub) {
            Some(None) => t.fail(format!("{}: Security Hub not enabled", r.region)),
            Some(Some(arns)) => {
                let missing: Vec<&str> = STANDARDS
                    .iter()
                    .filter(|(_, key)| !arns.iter().any(|a| a.contains(key)))
                    .map(|(name, _)| *name)
                    .collect();
                if missing.is_empty() {
                    t.pass(format!("{}: CIS AWS Foundations and PCI DSS on", r.region));
                } else {
                    t.warn(format!(
                        "{}: enabled, missing {}",
                        r.region,
                        missing.join(" and ")
                    ));
                }
            }
            None => {}
        }
    }
    t.verdict("")
}

fn waf(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut acls: Vec<&WebAcl> = Vec::new();
    for r in &p.regions {
        if let Some(a) = t.read(&r.web_acls) {
            acls.extend(a);
        }
    }
    let has = |acl: &WebAcl, group: &str| {
        acl.rules
            .iter()
            .any(|r| matches!(r, WafRule::Managed { group: g, .. } if g == group))
    };
    let mut complete = false;
    for acl in &acls {
        if acl.rules.is_empty() {
            t.warn(format!("{}: no rules", acl.name));
            continue;
        }
        let mut missing = Vec::new();
        if !acl
            .rules
            .iter()
            .any(|r| matches!(r, WafRule::RateBased { .. }))
        {
            missing.push("rate limiting");
        }
        for group in ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet"] {
            if !has(acl, group) {
                missing.push(group);
            }
        }
        if missing.is_empty() {
            complete = true;
            let rate = acl.rules.iter().find_map(|r| match r {
                WafRule::RateBased { limit, .. } => Some(*limit),
                _ => None,
            });
            t.pass(format!(
                "{}: rate limit {}/IP, common and SQLi managed rules",
                acl.name,
                rate.unwrap_or_default()
            ));
        } else {
            t.warn(format!("{}: missing {}", acl.name, missing.join(", ")));
        }
    }
    if complete {
        // One web ACL with the guide's rules is the control; others are extra.
        t.warns.clear();
        t.gaps.clear();
    }
    if acls.is_empty() && t.gaps.is_empty() {
        t.fail(format!("no regional web ACL in {}", region_names(p)));
    }
    t.verdict("")
}

fn config(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(c) = t.read(&r.config) else {
            continue;
        };
        match c.recorders.iter().find(|x| x.recording) {
            None if c.recorders.is_empty() => {
                t.fail(format!("{}: no configuration recorder", r.region))
            }
            None => t.fail(format!(
                "{}: recorder {} is not recording",
                r.region, c.recorders[0].name
            )),
            Some(rec) if c.rules.is_empty() => t.warn(format!(
                "{}: recorder {} recording, but no Config rules",
                r.region, rec.name
            )),
            Some(rec) => t.pass(format!(
                "{}: recorder {} recording; rules {}",
                r.region,
                rec.name,
                names(&c.rules)
            )),
        }
    }
    t.verdict("")
}

// -- access control ---------------------------------------------------------------------------

fn password_policy(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    match t.read(&p.password_policy) {
        Some(None) => t.fail("no account password policy"),
        Some(Some(pp)) => {
            let mut short = Vec::new();
            if pp.minimum_length < 12 {
                short.push(format!("minimum length {} (want 12)", pp.minimum_length));
            }
            for (on, class) in [
                (pp.require_lowercase, "lowercase"),
                (pp.require_uppercase, "uppercase"),
                (pp.require_numbers, "numbers"),
                (pp.require_symbols, "symbols"),
            ] {
                if !on {
                    short.push(format!("{class} not required"));
                }
            }
            match pp.max_age_days {
                Some(d) if d <= 90 => {}
                Some(d) => short.push(format!("max age {d} days (want 90)")),
                None => short.push("passwords never expire (want 90 days)".to_string()),
            }
            match pp.reuse_prevention {
                Some(n) if n >= 24 => {}
                Some(n) => short.push(format!("{n} remembered (want 24)")),
                None => short.push("reuse not prevented (want 24 remembered)".to_string()),
            }
            if short.is_empty() {
                t.pass(format!(
                    "minimum length {}, all character classes, max age {} days, {} remembered",
                    pp.minimum_length,
                    pp.max_age_days.unwrap_or_default(),
                    pp.reuse_prevention.unwrap_or_default()
                ));
            } else {
                t.warn(short.join(", "));
            }
        }
        None => {}
    }
    t.verdict("")
}

fn root_mfa(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    match t.read(&p.root_mfa) {
        Some(true) => t.pass("root account MFA enabled"),
        Some(false) => t.fail("root account has no MFA"),
        None => {}
    }
    t.verdict("")
}

fn access_analyzer(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(list) = t.read(&r.analyzers) else {
            continue;
        };
        let active = list.iter().find(|a| {
            a.status == "ACTIVE" && matches!(a.kind.as_str(), "ACCOUNT" | "ORGANIZATION")
        });
        match active {
            Some(a) => t.pass(format!("{}: {} ({}) active", r.region, a.name, a.kind)),
            None => t.fail(format!("{}: no active account analyzer", r.region)),
        }
    }
    t.verdict("")
}

#[cfg(test)]
#[path = "checklist_eval_tests.rs"]
mod tests;
