//! The security groups pane: one row per rule with its risk, riskiest groups first.

use super::{
    Badge, CellContext, Column, DetailLine, Matcher, Pane, PaneData, RowRef, SortKey, Styled,
    Target, Tier, Tone, Totals, Width, column, line, section,
};
use crate::model::{Direction, PaneId, Risk, Rule, SecurityGroup};

pub struct SecurityGroupsPane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Col {
    /// The group's id (cut to its tail on screen) and name.
    Group,
    /// The group's name alone (a narrow pane, or beside its id).
    GroupName,
    /// The group's whole id (a wide pane).
    GroupId,
    /// The region (more than one watched).
    Region,
    Direction,
    Protocol,
    Ports,
    /// Protocol and ports in one: `tcp/22`.
    ProtoPorts,
    Peer,
    /// Protocol, ports, direction and peer in one (a narrow pane).
    Rule,
    Risk,
    /// The risk in four letters (a narrow pane).
    RiskShort,
    Reason,
    /// How many interfaces the group is attached to.
    Attachments,
    /// The group's account (several watched).
    Account,
    /// The region as AWS's short code (`use1`, `apse1`): a narrow pane, more than one watched.
    RegionShort,
}

impl Col {
    /// In declaration order, so `ALL[c as usize] == c`.
    const ALL: [Col; 16] = [
        Col::Group,
        Col::GroupName,
        Col::GroupId,
        Col::Region,
        Col::Direction,
        Col::Protocol,
        Col::Ports,
        Col::ProtoPorts,
        Col::Peer,
        Col::Rule,
        Col::Risk,
        Col::RiskShort,
        Col::Reason,
        Col::Attachments,
        Col::Account,
        Col::RegionShort,
    ];

    fn of(c: &Column) -> Col {
        Col::ALL[usize::from(c.id)]
    }
}

impl From<Col> for u8 {
    fn from(c: Col) -> u8 {
        c as u8
    }
}

fn groups(data: &PaneData) -> &[SecurityGroup] {
    data.security_groups().map_or(&[], |d| d.groups.as_slice())
}

impl Pane for SecurityGroupsPane {
    fn id(&self) -> PaneId {
        PaneId::SecurityGroups
    }

    fn title(&self) -> &'static str {
        "Security groups"
    }

    fn short_name(&self) -> &'static str {
        "groups"
    }

    /// One row per rule; a group without rules is one row.
    fn rows(&self, data: &PaneData) -> Vec<RowRef> {
        // Sized once: 100,000 rows grown by doubling would hold up to half as many again.
        let mut out = Vec::with_capacity(groups(data).iter().map(|g| g.rules.len().max(1)).sum());
        for (gi, g) in groups(data).iter().enumerate() {
            if g.rules.is_empty() {
                out.push(RowRef::item(gi));
            } else {
                out.extend((0..g.rules.len()).map(|ri| RowRef::rule_of(gi as u32, ri as u32)));
            }
        }
        out
    }

    fn account(&self, data: &PaneData, item: u32) -> crate::model::RowAccount {
        groups(data).get(item as usize)?.place.account.clone()
    }

    fn item_key(&self, data: &PaneData, item: u32) -> Option<String> {
        groups(data).get(item as usize).map(|g| g.id.to_string())
    }

    /// The group's fields are looked at once for all its rules; a rule's own fields only for
    /// the words its group does not hold.
    fn matches(&self, data: &PaneData, row: RowRef, m: &Matcher) -> bool {
        let search = data.security_groups().map(|d| &d.search);
        groups(data).get(row.item as usize).is_some_and(|g| {
            let in_group = m.found_in_item(row.item, || m.found_in(&g.search_fields()));
            if in_group == m.all() {
                return true;
            }
            let Some(ri) = row.rule() else {
                return false;
            };
            let Some(rule) = g.rules.get(ri as usize) else {
                return false;
            };
            if let Some(text) = search.and_then(|s| s.text(row.item as usize, ri as usize)) {
                return in_group | m.found_in_lower(text) == m.all();
            }
            // Data not prepared by the fetch step (tests): the fields, lower-cased here.
            let ports = rule.ports_label();
            let in_rule = m.found_in(&rule.search_fields(&ports));
            in_group | in_rule == m.all()
        })
    }

    fn totals(&self, data: &PaneData) -> Totals {
        let (mut rows, mut critical, mut high) = (0, 0, 0);
        for g in groups(data) {
            rows += g.rules.len().max(1);
            for r in &g.rules {
                match r.grant().risk {
                    Risk::Critical => critical += 1,
                    Risk::High => high += 1,
                    _ => {}
                }
            }
        }
        Totals::new(
            rows,
            vec![
                (Badge::Risk(Risk::Critical), critical),
                (Badge::Risk(Risk::High), high),
            ],
        )
        .of_items(groups(data).len(), "groups", "rules")
    }

    fn detail_title(&self, data: &PaneData, row: RowRef) -> Option<String> {
        let g = groups(data).get(row.item as usize)?;
        Some(format!("Security group {} ({})", g.id, g.name))
    }

    fn detail(&self, data: &PaneData, row: RowRef, ctx: &CellContext) -> Vec<DetailLine> {
        let Some(g) = groups(data).get(row.item as usize) else {
            return vec![];
        };
        let mut out = vec![line("id", g.id.as_str())];
        out.extend(ctx.changed(&g.id).map(|c| line("changed", c)));
        out.extend([
            line("name", g.name.as_str()),
            line("description", &*g.description),
            line("vpc", g.place.vpc_id.as_deref().unwrap_or("-")),
            line("region", &*g.place.region),
        ]);
        out.extend(super::account_line(&g.place.account));
        for (k, v) in g.place.tags.iter() {
            out.push(line(&format!("tag {k}"), &**v));
        }
        out.push(section(&format!("rules ({})", g.rules.len())));
        for (ri, r) in g.rules.iter().enumerate() {
            let marker = if row.rule() == Some(ri as u32) {
                "▶"
            } else {
                " "
            };
            out.push(line(
                &format!(
                    "{marker} {} {}",
                    r.grant().direction,
                    r.grant().risk.label()
                ),
                format!(
                    "{} {} {} {}{}",
                    r.grant().protocol,
                    r.ports_label(),
                    if r.grant().direction == Direction::Ingress {
                        "from"
                    } else {
                        "to"
                    },
                    r.grant().peer,
                    if r.grant().description.is_empty() {
                        String::new()
                    } else {
                        format!("  \"{}\"", r.grant().description)
                    }
                ),
            ));
            if !r.grant().risk_reason.is_empty() {
                out.push(line("", format!("  ↳ {}", r.grant().risk_reason)));
            }
            if let Some(id) = &r.id {
                out.push(line("", format!("  rule {id}")));
            }
        }
        out.push(section(&format!("attached to ({})", g.attachments.len())));
        if g.attachments.is_empty() {
            out.push(line("", "nothing: the group is unused"));
        }
        for a in &g.attachments {
            out.push(line(
                &a.interface_id,
                format!(
                    "{} {} {} {}",
                    a.kind.label(),
                    a.target.clone().unwrap_or_default(),
                    a.private_ip.clone().unwrap_or_default(),
                    a.description
                ),
            ));
            // A contained interface says by which action, so it can be found and restored.
            if let Some(badge) = ctx.changed(&a.interface_id) {
                out.push(line("", format!("  ⚑ {badge}")));
            }
        }
        out
    }

    fn columns(&self, width: u16, ctx: &CellContext) -> Vec<Column> {
        use Col::*;
        let cols: &[(Col, &str, Width)] = match (ctx.target, Tier::of(width, 90)) {
            // A terminal under 120 columns: the whole group id (what the action verbs take), the
            // rule in one column, and the reason wrapping under itself.
            (Target::Report, _) if (1..120).contains(&width) => &[
                (GroupId, "GROUP", Width::Cap(0)),
                (Rule, "RULE", Width::Cap(26)),
                (Risk, "RISK", Width::Cap(0)),
                (Reason, "REASON", Width::Cap(90)),
            ],
            (Target::Report, _) => &[
                (Group, "GROUP", Width::Cap(48)),
                (Direction, "DIR", Width::Cap(0)),
                (Protocol, "PROTO", Width::Cap(0)),
                (Ports, "PORTS", Width::Cap(0)),
                (Peer, "PEER", Width::Cap(24)),
                (Risk, "RISK", Width::Cap(0)),
                (Reason, "REASON", Width::Cap(90)),
            ],
            // Identifiers first: the whole group id, then the name; the reason takes the rest.
            (Target::Screen, Tier::Wide) => &[
                (GroupId, "GROUP", Width::Len(20)),
                (GroupName, "NAME", Width::Len(22)),
                (Direction, "DIR", Width::Len(3)),
                (Protocol, "PROTO", Width::Len(5)),
                (Ports, "PORTS", Width::Len(11)),
                (Peer, "PEER", Width::Len(20)),
                (Risk, "RISK", Width::Len(8)),
                (Reason, "REASON", Width::Fill(1)),
                (Attachments, "ATT", Width::Len(3)),
            ],
            (Target::Screen, Tier::Medium) => &[
                (Group, "GROUP", Width::Len(26)),
                (Direction, "DIR", Width::Len(3)),
                (ProtoPorts, "PORTS", Width::Len(15)),
                (Peer, "PEER", Width::Len(20)),
                (Risk, "RISK", Width::Len(8)),
                (Reason, "REASON", Width::Fill(1)),
            ],
            // Half of a 160-column screen: the rule needs 30 columns, the name gets the rest.
            (Target::Screen, Tier::Narrow) if width >= 76 => &[
                (GroupName, "GROUP", Width::Len(26)),
                (Rule, "RULE", Width::Fill(1)),
                (RiskShort, "RISK", Width::Len(4)),
            ],
            (Target::Screen, Tier::Narrow) if width >= 60 => &[
                (GroupName, "GROUP", Width::Len(18)),
                (Rule, "RULE", Width::Fill(1)),
                (RiskShort, "RISK", Width::Len(4)),
            ],
            (Target::Screen, Tier::Narrow) => &[
                (GroupName, "GROUP", Width::Len(12)),
                (Rule, "RULE", Width::Fill(1)),
                (RiskShort, "RISK", Width::Len(4)),
            ],
        };
        let mut out: Vec<Column> = cols.iter().map(|(c, h, w)| column(*c, h, *w)).collect();
        // Which region a group is in, when there is more than one to be in.
        if ctx.multi_region && ctx.target == Target::Screen {
            out.insert(
                1,
                if width >= 90 {
                    column(Region, "REGION", Width::Len(14))
                } else {
                    column(RegionShort, "RGN", Width::Len(5))
                },
            );
        }
        if ctx.multi_account {
            out.insert(0, super::account_column(Account.into(), ctx.target));
        }
        out
    }

    fn cells(
        &self,
        data: &PaneData,
        row: RowRef,
        columns: &[Column],
        continuation: bool,
        ctx: &CellContext,
    ) -> Vec<Styled> {
        let Some(g) = groups(data).get(row.item as usize) else {
            return vec![];
        };
        // The group's name is muted on the rows after its first, so groups read as blocks.
        let group_tone = match (ctx.target, continuation) {
            (Target::Report, _) => Tone::Plain,
            (Target::Screen, true) => Tone::Muted,
            (Target::Screen, false) => Tone::Base,
        };
        // Changed by secdash: flagged on the group's first row (the badge is in its detail).
        let flag = |text: &str| {
            if continuation {
                text.to_string()
            } else {
                ctx.flagged(&g.id, text)
            }
        };
        let group = |c: Col| match (c, ctx.target) {
            // A name another group shown has too: the id's tail tells them apart.
            (Col::GroupName, Target::Screen) if ctx.ambiguous_groups.contains(g.name.as_str()) => {
                Styled::id(flag(&format!("{} {}", g.name, short_id(&g.id))), group_tone)
            }
            (Col::GroupName, Target::Screen) => Styled::id(flag(&g.name), group_tone),
            (Col::GroupName, _) => Styled::id(g.name.as_str(), group_tone),
            (Col::GroupId, _) => Styled::id(flag(&g.id), group_tone),
            (Col::Region, _) => Styled::new(&*g.place.region, group_tone),
            (Col::RegionShort, _) => {
                Styled::new(crate::format::region_code(&g.place.region), group_tone)
            }
            (Col::Account, _) => Styled::new(super::account_name(&g.place.account), group_tone),
            (_, Target::Screen) => {
                Styled::id(flag(&format!("{} {}", short_id(&g.id), g.name)), group_tone)
            }
            (_, Target::Report) => Styled::id(format!("{} {}", g.id, g.name), Tone::Plain),
        };
        let Some(rule) = row.rule().and_then(|i| g.rules.get(i as usize)) else {
            // A group without rules says so in its widest free-text column.
            let says = [Col::Reason, Col::Rule, Col::Peer]
                .into_iter()
                .find(|want| columns.iter().any(|c| Col::of(c) == *want));
            return columns
                .iter()
                .map(|c| match Col::of(c) {
                    col @ (Col::Group
                    | Col::GroupName
                    | Col::GroupId
                    | Col::Region
                    | Col::Account) => group(col),
                    // Isolated by secdash: say so, and when and for which incident.
                    col if Some(col) == says => match ctx.changed(&g.id) {
                        Some(badge) => Styled::new(badge, Tone::Alert),
                        None => Styled::new("no rules", Tone::Muted),
                    },
                    _ => Styled::plain(""),
                })
                .collect();
        };
        columns
            .iter()
            .map(|c| match Col::of(c) {
                col @ (Col::Group
                | Col::GroupName
                | Col::GroupId
                | Col::Region
                | Col::RegionShort
                | Col::Account) => group(col),
                Col::Direction => Styled::plain(rule.grant().direction.to_string()),
                Col::Protocol => Styled::plain(&*rule.grant().protocol),
                Col::Ports => Styled::plain(rule.ports_label()),
                Col::ProtoPorts => Styled::plain(proto_ports(rule)),
                Col::Peer => Styled::id(rule.grant().peer.to_string(), Tone::Plain),
                Col::Rule => {
                    let arrow = if rule.grant().direction == Direction::Ingress {
                        "←"
                    } else {
                        "→"
                    };
                    // The peer (a group's id, a prefix list) keeps its tail when cut.
                    Styled::words(
                        format!("{} {arrow} {}", proto_ports(rule), rule.grant().peer),
                        Tone::Plain,
                    )
                }
                Col::Risk => Styled::new(rule.grant().risk.label(), Tone::Risk(rule.grant().risk)),
                Col::RiskShort => {
                    Styled::new(short_risk(rule.grant().risk), Tone::Risk(rule.grant().risk))
                }
                Col::Reason if ctx.target == Target::Report => {
                    Styled::plain(&*rule.grant().risk_reason)
                }
                Col::Reason => {
                    Styled::new(&*rule.grant().risk_reason, Tone::Risk(rule.grant().risk))
                }
                Col::Attachments => Styled::plain(g.attachments.len().to_string()),
            })
            .collect()
    }

    fn empty_message(&self, _data: Option<&PaneData>) -> String {
        "no security groups in the regions watched".to_string()
    }

    fn report_heading(&self, data: Option<&PaneData>) -> String {
        let groups = data.map_or(&[][..], groups);
        let rules: usize = groups.iter().map(|g| g.rules.len()).sum();
        format!("SECURITY GROUPS ({}, {rules} rules)", groups.len())
    }

    fn sort_fields(&self) -> &'static [&'static str] {
        &["risk", "group", "port", "peer", "attachments", "region"]
    }

    fn sort_key(&self, data: &PaneData, row: RowRef, field: usize) -> SortKey {
        let Some(g) = groups(data).get(row.item as usize) else {
            return SortKey::Num(f64::NAN);
        };
        let rule = row.rule().and_then(|i| g.rules.get(i as usize));
        match field {
            // A group without rules has no risk: it sorts with `none`.
            0 => SortKey::Num(rule.map_or(0.0, |r| r.grant().risk as u8 as f64)),
            1 => SortKey::text(&g.name),
            // The lowest port first reads like a port list; no port (all traffic) before them.
            2 => SortKey::Num(
                rule.and_then(|r| r.grant().from_port)
                    .map_or(f64::NAN, |p| -f64::from(p)),
            ),
            3 => SortKey::text(&rule.map(|r| r.grant().peer.to_string()).unwrap_or_default()),
            4 => SortKey::Num(g.attachments.len() as f64),
            _ => SortKey::text(&g.place.region),
        }
    }

    /// The group's id, on its rules' rows too (a rule's own id is in its details).
    fn copy_text(&self, data: &PaneData, row: RowRef, _account: Option<&str>) -> Option<String> {
        groups(data)
            .get(row.item as usize)
            .map(|g| g.id.to_string())
    }

    fn timeline(
        &self,
        data: &PaneData,
        row: RowRef,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<super::TrailRequest> {
        let g = groups(data).get(row.item as usize)?;
        Some(super::TrailRequest::of_resource(
            format!("security group {}", g.id),
            &g.id,
            now,
        ))
    }

    fn console_url(&self, data: &PaneData, row: RowRef) -> Option<String> {
        let g = groups(data).get(row.item as usize)?;
        Some(super::console(
            &g.place.region,
            &format!(
                "ec2/home?region={}#SecurityGroup:groupId={}",
                g.place.region, g.id
            ),
        ))
    }
}

fn proto_ports(rule: &Rule) -> String {
    if rule.is_all_traffic() {
        "all".to_string()
    } else {
        format!("{}/{}", rule.grant().protocol, rule.ports_label())
    }
}

fn short_risk(r: Risk) -> &'static str {
    match r {
        Risk::None => "none",
        Risk::Low => "low",
        Risk::Medium => "med",
        Risk::High => "high",
        Risk::Critical => "CRIT",
    }
}

/// `sg-0b1d2f3a4c5e6a701` → `…6a701`: enough to tell groups apart in a narrow column.
fn short_id(id: &str) -> String {
    let n = id.chars().count();
    if n <= 12 {
        id.to_string()
    } else {
        format!("…{}", id.chars().skip(n - 5).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::demo_pane;

    /// The filter reads the index the fetch step builds; without it (data not prepared) it
    /// reads the fields: both find the same rows, for every kind of word.
    #[test]
    fn the_prepared_index_and_the_fields_find_the_same_rows() {
        let prepared = demo_pane(PaneId::SecurityGroups, 3);
        let mut bare = prepared.clone();
        if let PaneData::SecurityGroups(d) = &mut bare {
            assert!(
                d.search.text(0, 0).is_some(),
                "the fetch step builds the index"
            );
            d.search = Default::default();
        }
        for filter in [
            "ssh",
            "22",
            "SSH internet",
            "out",
            "0.0.0.0/0",
            "sg-",
            "jupyter 8888",
            "crit",
            "web-sg 443",
            "nothing-like-this",
        ] {
            let with = super::super::filter_rows(&SecurityGroupsPane, &prepared, filter, None);
            let without = super::super::filter_rows(&SecurityGroupsPane, &bare, filter, None);
            assert_eq!(with, without, "{filter}");
        }
    }
}
