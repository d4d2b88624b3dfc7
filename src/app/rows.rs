//! The rows a pane shows: one per endpoint, per rule (with its group), per finding, per item.
//! Only indexes are kept, so a filter over 100,000 rules costs no copies of them.

use super::AppState;
use crate::model::PaneId;

/// An item of a pane's data, and for security groups the rule within the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    pub item: u32,
    /// The rule's index in its group; `None` for a group without rules.
    pub rule: Option<u32>,
}

impl RowRef {
    fn item(i: usize) -> RowRef {
        RowRef {
            item: i as u32,
            rule: None,
        }
    }
}

/// Case-insensitive match of every word of the filter against the row's fields.
struct Matcher {
    words: Vec<String>,
    /// The row's fields, lower-cased, reused from row to row so matching allocates nothing.
    buf: std::cell::RefCell<String>,
}

impl Matcher {
    fn new(filter: &str) -> Option<Matcher> {
        let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
        (!words.is_empty()).then_some(Matcher {
            words,
            buf: std::cell::RefCell::new(String::with_capacity(512)),
        })
    }

    fn matches(&self, fields: &[&str]) -> bool {
        let mut buf = self.buf.borrow_mut();
        buf.clear();
        for f in fields {
            buf.push_str(f);
            // A separator no word contains, so no match spans two fields.
            buf.push('\u{1f}');
        }
        if buf.is_ascii() {
            buf.make_ascii_lowercase();
        } else {
            *buf = buf.to_lowercase();
        }
        self.words.iter().all(|w| buf.contains(w.as_str()))
    }
}

/// The rows of `candidates` (all rows when `None`) that pass the filter. Narrowing a filter
/// (typing one more letter) only needs to look at the rows that passed before.
pub fn visible_rows(state: &AppState, pane: PaneId, filter: &str) -> Vec<RowRef> {
    visible_rows_among(state, pane, filter, None)
}

pub fn visible_rows_among(
    state: &AppState,
    pane: PaneId,
    filter: &str,
    candidates: Option<&[RowRef]>,
) -> Vec<RowRef> {
    if let Some(rows) = candidates {
        let m = Matcher::new(filter);
        return rows
            .iter()
            .copied()
            .filter(|r| m.as_ref().is_none_or(|m| row_matches(state, pane, *r, m)))
            .collect();
    }
    all_rows(state, pane, filter)
}

fn row_matches(state: &AppState, pane: PaneId, r: RowRef, m: &Matcher) -> bool {
    let i = r.item as usize;
    match pane {
        PaneId::Endpoints => state
            .endpoints
            .data()
            .and_then(|d| d.get(i))
            .is_some_and(|e| {
                let types: Vec<&str> = e
                    .variants
                    .iter()
                    .filter_map(|v| v.instance_type.as_deref())
                    .collect();
                let alert = if e.alerts.is_empty() { "" } else { "alert" };
                m.matches(&[&e.name, &e.region, &e.status, &types.join(" "), alert])
            }),
        PaneId::SecurityGroups => state
            .security_groups
            .data()
            .and_then(|d| d.groups.get(i))
            .is_some_and(|g| {
                let vpc = g.vpc_id.as_deref().unwrap_or("");
                match r.rule.and_then(|ri| g.rules.get(ri as usize)) {
                    None => m.matches(&[&g.id, &g.name, vpc, &g.region]),
                    Some(rule) => rule_matches(g, vpc, rule, m),
                }
            }),
        PaneId::Findings => state
            .findings
            .data()
            .and_then(|d| d.findings.get(i))
            .is_some_and(|f| {
                m.matches(&[
                    f.severity_label().label(),
                    &f.finding_type,
                    &f.title,
                    &f.resource,
                    &f.id,
                    &f.region,
                ])
            }),
        PaneId::Checklist => state
            .checklist
            .data()
            .and_then(|d| d.get(i))
            .is_some_and(|c| {
                m.matches(&[
                    c.status.label(),
                    c.category.label(),
                    &c.id,
                    &c.title,
                    &c.evidence,
                ])
            }),
    }
}

fn rule_matches(
    g: &crate::model::SecurityGroup,
    vpc: &str,
    r: &crate::model::Rule,
    m: &Matcher,
) -> bool {
    let peer = r.peer.to_string();
    let ports = r.ports_label();
    let dir = r.direction.to_string();
    m.matches(&[
        &g.id,
        &g.name,
        vpc,
        &g.region,
        &dir,
        &r.protocol,
        &ports,
        &peer,
        &r.description,
        r.risk.label(),
        &r.risk_reason,
    ])
}

/// Every row of the pane, those passing the filter kept: one row per endpoint, finding and
/// item, and per rule (a group without rules is one row).
fn all_rows(state: &AppState, pane: PaneId, filter: &str) -> Vec<RowRef> {
    let m = Matcher::new(filter);
    let keep = |r: &RowRef| m.as_ref().is_none_or(|m| row_matches(state, pane, *r, m));
    let items = |n: usize| (0..n).map(RowRef::item).filter(|r| keep(r)).collect();
    match pane {
        PaneId::Endpoints => items(state.endpoints.data().map_or(0, Vec::len)),
        PaneId::Findings => items(state.findings.data().map_or(0, |d| d.findings.len())),
        PaneId::Checklist => items(state.checklist.data().map_or(0, Vec::len)),
        PaneId::SecurityGroups => {
            let groups = state
                .security_groups
                .data()
                .map(|d| d.groups.as_slice())
                .unwrap_or(&[]);
            let mut out = Vec::new();
            for (gi, g) in groups.iter().enumerate() {
                let refs = (0..g.rules.len()).map(|ri| RowRef {
                    item: gi as u32,
                    rule: Some(ri as u32),
                });
                if g.rules.is_empty() {
                    out.extend(Some(RowRef::item(gi)).filter(|r| keep(r)));
                } else {
                    out.extend(refs.filter(|r| keep(r)));
                }
            }
            out
        }
    }
}

/// A count shown in a pane's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    Alert,
    Risk(crate::model::Risk),
    Severity(crate::model::SeverityLabel),
    Check(crate::model::CheckStatus),
}

/// A pane's totals, counted once when its data arrives rather than on every frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub rows: usize,
    pub badges: Vec<(Badge, usize)>,
}

pub fn totals(state: &AppState, pane: PaneId) -> Totals {
    use crate::model::{CheckStatus, Risk, SeverityLabel};
    let nonzero = |v: Vec<(Badge, usize)>| v.into_iter().filter(|(_, n)| *n > 0).collect();
    match pane {
        PaneId::Endpoints => {
            let eps = state.endpoints.data().map(Vec::as_slice).unwrap_or(&[]);
            Totals {
                rows: eps.len(),
                badges: nonzero(vec![(
                    Badge::Alert,
                    eps.iter().filter(|e| !e.alerts.is_empty()).count(),
                )]),
            }
        }
        PaneId::SecurityGroups => {
            let groups = state
                .security_groups
                .data()
                .map(|d| d.groups.as_slice())
                .unwrap_or(&[]);
            let (mut rows, mut critical, mut high) = (0, 0, 0);
            for g in groups {
                rows += g.rules.len().max(1);
                for r in &g.rules {
                    match r.risk {
                        Risk::Critical => critical += 1,
                        Risk::High => high += 1,
                        _ => {}
                    }
                }
            }
            Totals {
                rows,
                badges: nonzero(vec![
                    (Badge::Risk(Risk::Critical), critical),
                    (Badge::Risk(Risk::High), high),
                ]),
            }
        }
        PaneId::Findings => {
            let data = state.findings.data();
            let findings = data.map(|d| d.findings.as_slice()).unwrap_or(&[]);
            let badges = [
                SeverityLabel::Critical,
                SeverityLabel::High,
                SeverityLabel::Medium,
                SeverityLabel::Low,
            ]
            .into_iter()
            .map(|level| {
                // GuardDuty's own counts when it gave them, else counted here.
                let n = match data.and_then(|d| d.counts.get(&level)) {
                    Some(n) => *n as usize,
                    None => findings
                        .iter()
                        .filter(|f| f.severity_label() == level)
                        .count(),
                };
                (Badge::Severity(level), n)
            })
            .collect();
            Totals {
                rows: findings.len(),
                badges: nonzero(badges),
            }
        }
        PaneId::Checklist => {
            let items = state.checklist.data().map(Vec::as_slice).unwrap_or(&[]);
            let badges = [
                CheckStatus::Fail,
                CheckStatus::Warn,
                CheckStatus::Unknown,
                CheckStatus::Pass,
            ]
            .into_iter()
            .map(|s| {
                (
                    Badge::Check(s),
                    items.iter().filter(|c| c.status == s).count(),
                )
            })
            .collect();
            Totals {
                rows: items.len(),
                badges: nonzero(badges),
            }
        }
    }
}
