//! The GuardDuty findings pane: highest severity first.

use super::pane::{PaneTable, Tier, risk_style, tier};
use crate::app::AppState;
use crate::format::age;
use crate::model::{Finding, PaneId};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

pub fn draw(state: &AppState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let data = state.findings.data();
    let findings: &[Finding] = data.map(|d| d.findings.as_slice()).unwrap_or(&[]);
    let t = tier(area);
    let wide = t == Tier::Wide;
    let medium = t >= Tier::Medium;
    let (header, widths) = if wide {
        (
            vec!["SEV", "TYPE", "RESOURCE", "COUNT", "FIRST", "LAST", "TITLE"],
            vec![
                Constraint::Length(13),
                Constraint::Length(40),
                Constraint::Length(22),
                Constraint::Length(6),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Fill(1),
            ],
        )
    } else if medium {
        (
            vec!["SEV", "TYPE", "RESOURCE", "COUNT", "LAST"],
            vec![
                Constraint::Length(13),
                Constraint::Fill(2),
                Constraint::Fill(1),
                Constraint::Length(6),
                Constraint::Length(4),
            ],
        )
    } else {
        (
            vec!["SEV", "TYPE", "LAST"],
            vec![
                Constraint::Length(4),
                Constraint::Fill(1),
                Constraint::Length(4),
            ],
        )
    };
    let table = PaneTable {
        pane: PaneId::Findings,
        summary: super::pane::summary(state, theme, PaneId::Findings),
        header,
        widths,
        empty: empty_message(data),
    };
    table.draw(state, theme, frame, area, |r, _| {
        let Some(f) = findings.get(r.item as usize) else {
            return Row::default();
        };
        let label = f.severity_label();
        let sev_text = if medium {
            format!("{:>4.1} {}", f.severity, label.label().to_uppercase())
        } else {
            format!("{:>4.1}", f.severity)
        };
        let sev = Cell::from(Span::styled(sev_text, risk_style(theme, label.as_risk())));
        let mut cells = vec![sev, Cell::from(f.finding_type.clone())];
        if medium {
            cells.push(Cell::from(f.resource.clone()));
        }
        if medium {
            cells.push(Cell::from(f.count.to_string()));
        }
        if wide {
            cells.push(Cell::from(age(state.now, f.first_seen)));
        }
        cells.push(Cell::from(age(state.now, f.last_seen)));
        if wide {
            cells.push(Cell::from(f.title.clone()));
        }
        Row::new(cells)
    });
}

/// No rows: GuardDuty found nothing, or is not switched on where we look.
fn empty_message(data: Option<&crate::model::FindingsData>) -> String {
    let off: Vec<&str> = data
        .map(|d| {
            d.detectors
                .iter()
                .filter(|(_, on)| !on)
                .map(|(r, _)| r.as_str())
                .collect()
        })
        .unwrap_or_default();
    if off.is_empty() {
        "no active findings: GuardDuty has nothing to report".to_string()
    } else {
        format!(
            "GuardDuty is not enabled in {} (no detector)",
            off.join(", ")
        )
    }
}
