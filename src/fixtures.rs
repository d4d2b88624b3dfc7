//! Ready-made states for tests, snapshots and benchmarks: the demo scenario at a fixed instant,
//! fed through the real `update`, with no runtime and no clock.

use crate::app::load::Load;
use crate::app::{AppState, Context, Msg, update};
use crate::checklist::policy::Policy;
use crate::config::keymap::Keymap;
use crate::fetch::{Prepare, Raw, prepare};
use crate::metrics::Thresholds;
use crate::model::{Identity, PaneId};
use crate::panes::PaneData;
use crate::sanitize::Sanitize;
use crate::source::{Fetched, PostureRead, SourceKind, demo};
use chrono::{DateTime, Duration, TimeZone, Utc};

/// 2026-11-23 10:17:30 UTC: the instant every snapshot is taken at.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 30)
        .single()
        .unwrap_or_default()
}

pub fn empty_state(width: u16, height: u16) -> AppState {
    let context = Context {
        source: SourceKind::Demo,
        regions: vec![demo::REGION.to_string()],
        profile: None,
        endpoint_url: None,
        read_only: false,
        window: Duration::hours(1),
        identity: Load::NotLoaded,
        unfinished: Vec::new(),
        journal_damage: Vec::new(),
        rehearsal: false,
        accounts: Vec::new(),
        fanned_out: Vec::new(),
        no_action: Default::default(),
    };
    let mut state = AppState::new(context, Keymap::default(), Thresholds::default(), t0());
    state.incident.id = "INC-2041".to_string();
    update(&mut state, Msg::Resize { width, height });
    state
}

/// The demo data of one pane, through the same fetch step as a real one.
pub fn demo_pane(pane: PaneId, scale: usize) -> PaneData {
    let now = t0();
    let raw = match pane {
        PaneId::Endpoints => {
            let mut eps = demo::endpoints(now, Duration::hours(1), 300, scale);
            let platform = crate::source::demo::platform::DemoPlatform::default();
            for e in &mut eps {
                e.provenance = platform.provenance(&e.name, now);
            }
            Raw::Endpoints(eps)
        }
        PaneId::SecurityGroups => Raw::SecurityGroups(demo::security_groups(scale)),
        PaneId::Findings => Raw::Findings(demo::findings(now, scale)),
        PaneId::Checklist => Raw::Postures(vec![PostureRead {
            posture: demo::account(now),
            first_error: None,
            account: None,
            hub: None,
        }]),
        PaneId::Sagemaker => {
            Raw::Sagemaker(crate::source::demo::platform::DemoPlatform::default().items())
        }
    };
    let policy = Policy {
        accepted: demo::team_acceptances(now),
        ..Policy::default()
    };
    let ctx = Prepare {
        search_index: true,
        thresholds: &Thresholds::default(),
        policy: &policy,
        now,
    };
    // The demo's own data always prepares: only a posture read with an error can fail.
    prepare(raw, &ctx).unwrap_or_else(|e| unreachable!("the demo scenario prepares: {e}"))
}

/// Every pane loaded with the demo scenario (`scale` copies of it), seen at `t0() + 30 s`.
pub fn demo_state(width: u16, height: u16, scale: usize) -> AppState {
    demo_state_scaled(width, height, demo::Scale::uniform(scale))
}

/// Like `demo_state`, with each part scaled on its own (100,000 rules but 500 endpoints).
pub fn demo_state_scaled(width: u16, height: u16, scale: demo::Scale) -> AppState {
    let mut state = empty_state(width, height);
    let mut id = Identity {
        account: Some(demo::ACCOUNT.into()),
        caller_arn: Some(format!(
            "arn:aws:sts::{}:assumed-role/SecOpsReadOnly/alice",
            demo::ACCOUNT
        )),
    };
    id.sanitize();
    update(
        &mut state,
        Msg::Identity(Ok(crate::source::Fetched::complete(id))),
    );
    for pane in PaneId::ALL {
        let n = match pane {
            PaneId::Endpoints => scale.endpoints,
            PaneId::SecurityGroups => scale.groups,
            PaneId::Findings => scale.findings,
            PaneId::Checklist | PaneId::Sagemaker => 1,
        };
        update(
            &mut state,
            Msg::Fetched {
                pane,
                at: t0(),
                result: Ok(Fetched::complete(demo_pane(pane, n))),
            },
        );
    }
    update(&mut state, Msg::Tick(t0() + Duration::seconds(30)));
    state
}

/// The demo's rows spread over two accounts, as `[[accounts]]` would read them.
pub fn two_accounts_state(width: u16, height: u16) -> AppState {
    accounts_state(
        width,
        height,
        1,
        &[("111111111111", "dev"), ("333333333333", "prod")],
    )
}

/// `n` accounts named `acct-100`, `acct-101`, … (ids `000000000100`, …): a platform at scale.
pub fn numbered_accounts_state(width: u16, height: u16, copies: usize, n: usize) -> AppState {
    let ids: Vec<(String, String)> = (0..n)
        .map(|i| (format!("{:012}", 100 + i), format!("acct-{:03}", 100 + i)))
        .collect();
    let named: Vec<(&str, &str)> = ids.iter().map(|(i, n)| (i.as_str(), n.as_str())).collect();
    accounts_state(width, height, copies, &named)
}

/// `copies` of the demo scenario spread over these accounts (id, name): the endpoints, groups
/// and findings dealt out between them in turn, and each account with the whole checklist,
/// judged on its own.
pub fn accounts_state(
    width: u16,
    height: u16,
    copies: usize,
    accounts: &[(&str, &str)],
) -> AppState {
    use crate::model::AccountRef;
    use std::sync::Arc;
    let mut state = demo_state(width, height, copies);
    state.context.accounts = accounts.iter().map(|(_, n)| n.to_string()).collect();
    state.context.fanned_out = vec!["findings", "metrics"];
    let refs: Vec<Arc<AccountRef>> = accounts
        .iter()
        .map(|(id, name)| {
            Arc::new(AccountRef {
                id: id.to_string(),
                name: name.to_string(),
            })
        })
        .collect();
    let whose = |i: usize| Some(refs[i % refs.len()].clone());
    for pane in PaneId::ALL {
        let mut data = demo_pane(pane, copies);
        match &mut data {
            PaneData::Endpoints(eps) => {
                for (i, e) in eps.iter_mut().enumerate() {
                    e.account = whose(i);
                }
            }
            PaneData::SecurityGroups(d) => {
                for (i, g) in d.groups.iter_mut().enumerate() {
                    g.place_mut().account = whose(i);
                }
            }
            PaneData::Findings(d) => {
                for (i, f) in d.findings.iter_mut().enumerate() {
                    f.account = whose(i);
                }
            }
            PaneData::Sagemaker(items) => {
                for (i, it) in items.iter_mut().enumerate() {
                    it.account = whose(i);
                }
            }
            PaneData::Checklist(items) => {
                let one = std::mem::take(items);
                for a in &refs {
                    items.extend(one.iter().cloned().map(|mut c| {
                        c.account = Some(a.clone());
                        c
                    }));
                }
            }
        }
        update(
            &mut state,
            Msg::Fetched {
                pane,
                at: t0(),
                result: Ok(Fetched::complete(data)),
            },
        );
    }
    state
}
