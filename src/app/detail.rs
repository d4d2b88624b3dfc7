//! The detail view: every field of the selected row as label/value lines. Pure, so `update`
//! can bound scrolling and `render` draws exactly the same lines.

use super::AppState;
use crate::model::PaneId;

/// A detail line: a label (empty for continuation and section lines) and its value.
pub type DetailLine = (String, String);

fn line(label: &str, value: impl Into<String>) -> DetailLine {
    (label.to_string(), value.into())
}

fn section(title: &str) -> DetailLine {
    (String::new(), format!("── {title} ──"))
}

pub fn title(state: &AppState) -> String {
    let Some(row) = state.selected_row() else {
        return String::new();
    };
    let i = row.item as usize;
    match state.focus {
        PaneId::Endpoints => state
            .endpoints
            .data()
            .and_then(|d| d.get(i))
            .map(|e| format!("Endpoint {}", e.name)),
        PaneId::SecurityGroups => state
            .security_groups
            .data()
            .and_then(|d| d.groups.get(i))
            .map(|g| format!("Security group {} ({})", g.id, g.name)),
        PaneId::Findings => state
            .findings
            .data()
            .and_then(|d| d.findings.get(i))
            .map(|f| format!("Finding {}", f.finding_type)),
        PaneId::Checklist => state
            .checklist
            .data()
            .and_then(|d| d.get(i))
            .map(|c| format!("Check {}", c.id)),
    }
    .unwrap_or_default()
}

pub fn lines(state: &AppState) -> Vec<DetailLine> {
    let Some(row) = state.selected_row() else {
        return vec![];
    };
    let i = row.item as usize;
    let mut out = Vec::new();
    match state.focus {
        PaneId::Endpoints => {
            let Some(e) = state.endpoints.data().and_then(|d| d.get(i)) else {
                return out;
            };
            let m = &e.metrics;
            out.push(line("name", &e.name));
            out.push(line("region", &e.region));
            out.push(line("status", &e.status));
            out.push(line(
                "kms key",
                e.kms_key_id
                    .clone()
                    .unwrap_or_else(|| "none (not encrypted with a customer key)".into()),
            ));
            out.push(section("variants"));
            for v in &e.variants {
                out.push(line(&v.name, v.label(false)));
            }
            out.push(section(&format!(
                "metrics, last {}",
                crate::format::format_window(state.context.window)
            )));
            out.push(line("invocations", format!("{:.0}", m.invocations)));
            out.push(line("4XX errors", format!("{:.0}", m.errors_4xx)));
            out.push(line("5XX errors", format!("{:.0}", m.errors_5xx)));
            out.push(line("latency avg", crate::format::ms(m.latency_ms_avg)));
            out.push(line("latency p99", crate::format::ms(m.latency_ms_p99)));
            out.push(line("overhead avg", crate::format::ms(m.overhead_ms_avg)));
            out.push(section("alerts"));
            if e.alerts.is_empty() {
                out.push(line("", "none"));
            }
            for a in &e.alerts {
                out.push(line("⚠", a.to_string()));
            }
        }
        PaneId::SecurityGroups => {
            let Some(g) = state.security_groups.data().and_then(|d| d.groups.get(i)) else {
                return out;
            };
            out.push(line("id", &g.id));
            out.push(line("name", &g.name));
            out.push(line("description", &g.description));
            out.push(line("vpc", g.vpc_id.clone().unwrap_or_else(|| "-".into())));
            out.push(line("region", &g.region));
            for (k, v) in &g.tags {
                out.push(line(&format!("tag {k}"), v));
            }
            out.push(section(&format!("rules ({})", g.rules.len())));
            for (ri, r) in g.rules.iter().enumerate() {
                let marker = if row.rule == Some(ri as u32) {
                    "▶"
                } else {
                    " "
                };
                out.push(line(
                    &format!("{marker} {} {}", r.direction, r.risk.label()),
                    format!(
                        "{} {} {} {}{}",
                        r.protocol,
                        r.ports_label(),
                        if r.direction == crate::model::Direction::Ingress {
                            "from"
                        } else {
                            "to"
                        },
                        r.peer,
                        if r.description.is_empty() {
                            String::new()
                        } else {
                            format!("  \"{}\"", r.description)
                        }
                    ),
                ));
                if !r.risk_reason.is_empty() {
                    out.push(line("", format!("  ↳ {}", r.risk_reason)));
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
            }
        }
        PaneId::Findings => {
            let Some(f) = state.findings.data().and_then(|d| d.findings.get(i)) else {
                return out;
            };
            out.push(line("type", &f.finding_type));
            out.push(line(
                "severity",
                format!("{:.1} ({})", f.severity, f.severity_label().label()),
            ));
            out.push(line("title", &f.title));
            out.push(line(
                "resource",
                format!("{} {}", f.resource_type, f.resource),
            ));
            out.push(line("count", f.count.to_string()));
            out.push(line(
                "first seen",
                f.first_seen.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            ));
            out.push(line(
                "last seen",
                f.last_seen.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            ));
            out.push(line("region", &f.region));
            out.push(line("account", &f.account_id));
            out.push(line("id", &f.id));
            out.push(line("archived", if f.archived { "yes" } else { "no" }));
            out.push(section("description"));
            for l in f.description.lines() {
                out.push(line("", l));
            }
            out.push(section("details"));
            for (k, v) in &f.details {
                out.push(line(k, v));
            }
        }
        PaneId::Checklist => {
            let Some(c) = state.checklist.data().and_then(|d| d.get(i)) else {
                return out;
            };
            out.push(line("id", &c.id));
            out.push(line("item", &c.title));
            out.push(line("category", c.category.label()));
            out.push(line("status", c.status.label()));
            out.push(line(
                "importance",
                format!("{:?}", c.importance).to_lowercase(),
            ));
            out.push(section("evidence"));
            for l in c.evidence.lines() {
                out.push(line("", l));
            }
            out.push(section("remediation"));
            out.push(line("", &c.remediation));
            out.push(section("reference"));
            out.push(line("seed", c.seed));
            if !c.prowler.is_empty() {
                out.push(line("prowler", c.prowler.join(", ")));
            }
        }
    }
    out
}
