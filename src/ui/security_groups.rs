//! The security groups pane: one row per rule with its risk, riskiest groups first.

use super::pane::{PaneTable, Tier, risk_style, tier};
use crate::app::AppState;
use crate::model::{PaneId, Risk, SecurityGroup};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

pub fn draw(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let groups: &[SecurityGroup] = state
        .security_groups
        .data()
        .map(|d| d.groups.as_slice())
        .unwrap_or(&[]);
    let t = tier(area);
    let (header, widths) = match t {
        Tier::Wide => (
            vec![
                "GROUP", "DIR", "PROTO", "PORTS", "PEER", "RISK", "REASON", "ATT",
            ],
            vec![
                Constraint::Length(28),
                Constraint::Length(3),
                Constraint::Length(5),
                Constraint::Length(11),
                Constraint::Length(20),
                Constraint::Length(8),
                Constraint::Fill(1),
                Constraint::Length(3),
            ],
        ),
        Tier::Medium => (
            vec!["GROUP", "DIR", "PORTS", "PEER", "RISK", "REASON"],
            vec![
                Constraint::Length(26),
                Constraint::Length(3),
                Constraint::Length(15),
                Constraint::Length(20),
                Constraint::Length(8),
                Constraint::Fill(1),
            ],
        ),
        Tier::Narrow => (
            vec!["GROUP", "RULE", "RISK"],
            vec![
                Constraint::Length(12),
                Constraint::Fill(1),
                Constraint::Length(4),
            ],
        ),
    };
    let table = PaneTable {
        pane: PaneId::SecurityGroups,
        summary: super::pane::summary(state, theme, PaneId::SecurityGroups),
        header,
        widths,
        empty: "no security groups in the regions watched".to_string(),
    };
    table.draw(state, theme, frame, area, |r, continuation| {
        let Some(g) = groups.get(r.item as usize) else {
            return Row::default();
        };
        let group_style = if continuation {
            theme.muted
        } else {
            theme.base
        };
        let group = Cell::from(Span::styled(
            format!("{} {}", short_id(&g.id), g.name),
            group_style,
        ));
        let Some(rule) = r.rule.and_then(|i| g.rules.get(i as usize)) else {
            let mut cells = vec![group, Cell::from(""), Cell::from("")];
            cells.push(Cell::from(Span::styled("no rules", theme.muted)));
            return Row::new(cells);
        };
        let risk = Cell::from(Span::styled(
            if rule.risk == Risk::None {
                "·".to_string()
            } else {
                rule.risk.label().to_string()
            },
            risk_style(theme, rule.risk),
        ));
        match t {
            Tier::Wide => Row::new(vec![
                group,
                Cell::from(rule.direction.to_string()),
                Cell::from(rule.protocol.clone()),
                Cell::from(rule.ports_label()),
                Cell::from(rule.peer.to_string()),
                risk,
                Cell::from(Span::styled(
                    rule.risk_reason.clone(),
                    risk_style(theme, rule.risk),
                )),
                Cell::from(g.attachments.len().to_string()),
            ]),
            Tier::Medium => Row::new(vec![
                group,
                Cell::from(rule.direction.to_string()),
                Cell::from(proto_ports(rule)),
                Cell::from(rule.peer.to_string()),
                risk,
                Cell::from(Span::styled(
                    rule.risk_reason.clone(),
                    risk_style(theme, rule.risk),
                )),
            ]),
            Tier::Narrow => {
                let arrow = if rule.direction == crate::model::Direction::Ingress {
                    "←"
                } else {
                    "→"
                };
                let short_risk = match rule.risk {
                    Risk::None => "·",
                    Risk::Low => "low",
                    Risk::Medium => "med",
                    Risk::High => "high",
                    Risk::Critical => "CRIT",
                };
                Row::new(vec![
                    Cell::from(Span::styled(g.name.clone(), group_style)),
                    Cell::from(format!("{} {arrow} {}", proto_ports(rule), rule.peer)),
                    Cell::from(Span::styled(short_risk, risk_style(theme, rule.risk))),
                ])
            }
        }
    });
}

fn proto_ports(rule: &crate::model::Rule) -> String {
    if rule.is_all_traffic() {
        "all".to_string()
    } else {
        format!("{}/{}", rule.protocol, rule.ports_label())
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
