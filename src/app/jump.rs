//! Jumps (`J`): from a row to the rows of another pane it names, through the data itself.
//! A finding names an instance, and the groups attached to it are found; an endpoint's groups
//! are those attached to its interfaces; a group leads to the findings on what it is attached
//! to; a checklist item's evidence names groups or endpoints.

use super::AppState;
use crate::model::{PaneId, SecurityGroup};
use crate::panes::PaneData;

/// Rows of one pane shown alone, and why ("attached to i-0abc").
#[derive(Debug, Clone, PartialEq)]
pub struct Only {
    pub label: String,
    /// The items' keys (ids), so the set holds across refreshes that reorder the data.
    pub keys: std::collections::BTreeSet<String>,
}

/// Where a jump leads: a pane and the items to show there, or why it leads nowhere.
pub fn target(state: &AppState) -> Result<(PaneId, Only), String> {
    let (pane, items, label) = target_items(state)?;
    let data = state.pane_data(pane).ok_or("nothing loaded there yet")?;
    let entry = crate::panes::pane(pane);
    let keys = items
        .into_iter()
        .filter_map(|i| entry.item_key(data, i))
        .collect();
    Ok((pane, Only { label, keys }))
}

type Items = (PaneId, Vec<u32>, String);

fn target_items(state: &AppState) -> Result<Items, String> {
    let row = state.selected_row().ok_or("no row selected")?;
    let data = state.pane_data(state.focus).ok_or("nothing loaded yet")?;
    let groups = state.security_groups().map(|d| d.groups.as_slice());
    let i = row.item as usize;
    match data {
        PaneData::Findings(d) => {
            let f = d.findings.get(i).ok_or("no row selected")?;
            let r = f.resource.as_str();
            let items = group_items(groups, |g| {
                g.id == r
                    || g.attachments
                        .iter()
                        .any(|a| a.target.as_deref() == Some(r) || a.interface_id == r)
            });
            // A finding on the platform itself goes to its row: a notebook, a model version,
            // a job, an endpoint (whose keys contain it).
            if let Some(items) = state
                .pane_data(PaneId::Sagemaker)
                .and_then(|d| d.sagemaker())
            {
                let named: Vec<u32> = items
                    .iter()
                    .enumerate()
                    .filter(|(_, it)| it.name == r || it.id == r)
                    .map(|(n, _)| n as u32)
                    .collect();
                if !named.is_empty() {
                    return found(PaneId::Sagemaker, named, format!("named by {}", f.id));
                }
            }
            let endpoints: Vec<u32> = state
                .endpoints()
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter(|(_, e)| e.name == r)
                .map(|(n, _)| n as u32)
                .collect();
            if !endpoints.is_empty() {
                return found(PaneId::Endpoints, endpoints, format!("named by {}", f.id));
            }
            found(PaneId::SecurityGroups, items, format!("attached to {r}")).map_err(|_| {
                format!(
                    "no security group, endpoint or SageMaker row in view is {r} or attached to it"
                )
            })
        }
        PaneData::Endpoints(e) => {
            let name = e.get(i).ok_or("no row selected")?.name.as_str();
            let items = group_items(groups, |g| {
                g.attachments
                    .iter()
                    .any(|a| a.target.as_deref() == Some(name))
            });
            found(PaneId::SecurityGroups, items, format!("attached to {name}")).map_err(|_| {
                format!("no security group in view is attached to {name}'s interfaces (not in a VPC, or another region)")
            })
        }
        PaneData::SecurityGroups(d) => {
            let g = d.groups.get(i).ok_or("no row selected")?;
            let targets: Vec<&str> = g
                .attachments
                .iter()
                .filter_map(|a| a.target.as_deref())
                .chain(std::iter::once(g.id.as_str()))
                .collect();
            let findings = state
                .findings()
                .map(|f| f.findings.as_slice())
                .unwrap_or(&[]);
            let items = findings
                .iter()
                .enumerate()
                .filter(|(_, f)| targets.contains(&f.resource.as_str()))
                .map(|(n, _)| n as u32)
                .collect();
            found(
                PaneId::Findings,
                items,
                format!("on what {} is attached to", g.id),
            )
            .map_err(|_| format!("no finding is about {} or what it is attached to", g.id))
        }
        PaneData::Sagemaker(items) => {
            let it = items.get(i).ok_or("no row selected")?;
            let findings = state
                .findings()
                .map(|f| f.findings.as_slice())
                .unwrap_or(&[]);
            let about: Vec<u32> = findings
                .iter()
                .enumerate()
                .filter(|(_, f)| f.resource.as_str() == it.name || f.resource.as_str() == it.id)
                .map(|(n, _)| n as u32)
                .collect();
            found(PaneId::Findings, about, format!("about {}", it.name))
                .map_err(|_| format!("no finding is about {}", it.name))
        }
        PaneData::Checklist(items) => {
            let c = items.get(i).ok_or("no row selected")?;
            let ev = c.evidence.join("\n");
            let ev = ev.as_str();
            let named = group_items(groups, |g| mentions(ev, &g.id));
            if !named.is_empty() {
                return found(PaneId::SecurityGroups, named, format!("named by {}", c.id));
            }
            let endpoints = state.endpoints().unwrap_or(&[]);
            let named: Vec<u32> = endpoints
                .iter()
                .enumerate()
                .filter(|(_, e)| mentions(ev, &e.name))
                .map(|(n, _)| n as u32)
                .collect();
            found(PaneId::Endpoints, named, format!("named by {}", c.id))
                .map_err(|_| format!("{}'s evidence names no group or endpoint in view", c.id))
        }
    }
}

fn found(pane: PaneId, items: Vec<u32>, label: String) -> Result<Items, String> {
    if items.is_empty() {
        return Err(String::new());
    }
    Ok((pane, items, label))
}

fn group_items(
    groups: Option<&[SecurityGroup]>,
    keep: impl Fn(&SecurityGroup) -> bool,
) -> Vec<u32> {
    groups
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter(|(_, g)| keep(g))
        .map(|(n, _)| n as u32)
        .collect()
}

/// `name` appears in `text` as a whole word: `sg-1` is not in `sg-12`.
fn mentions(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn a_name_is_mentioned_only_as_a_whole_word() {
        assert!(mentions("sg-1 allows 0.0.0.0/0", "sg-1"));
        assert!(mentions("groups: sg-2, sg-1.", "sg-1"));
        assert!(!mentions("sg-12 allows", "sg-1"));
        assert!(!mentions("xsg-1", "sg-1"));
    }
}
