//! The chains of the flagged endpoints, in lines both the text and the Markdown report print:
//! a report read at an incident says what answers where it does not hold.

use super::types::Snapshot;
use crate::model::Provenance;

/// Each flagged variant's chain: a heading line and its links and flags.
pub fn flagged(s: &Snapshot) -> Vec<(String, Vec<String>)> {
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or("unknown".into(), |t| {
            t.format("%Y-%m-%d %H:%M UTC").to_string()
        })
    };
    let mut out = Vec::new();
    for e in &s.endpoints {
        for p in e.provenance.iter().filter(|p| !p.flags.is_empty()) {
            out.push((
                format!(
                    "endpoint {} variant {}{}: model {}",
                    e.name,
                    p.variant,
                    p.inference_component
                        .as_deref()
                        .map(|ic| format!(" component {ic}"))
                        .unwrap_or_default(),
                    p.model
                ),
                lines(p, &when),
            ));
        }
    }
    out
}

fn lines(
    p: &Provenance,
    when: &dyn Fn(Option<chrono::DateTime<chrono::Utc>>) -> String,
) -> Vec<String> {
    let mut out = vec![
        format!(
            "image {}{}",
            p.image.uri,
            p.image
                .digest
                .as_deref()
                .map(|d| format!(" (deployed {d})"))
                .unwrap_or_default()
        ),
        format!(
            "artifact {} · version {} · written {}",
            p.artifact.url,
            p.artifact.version_id.as_deref().unwrap_or("unversioned"),
            when(p.artifact.last_modified)
        ),
        match &p.package {
            Some(pkg) => format!(
                "package {} · {} {}{}",
                pkg.arn,
                pkg.status,
                when(pkg.approved_at),
                if pkg.approved_from == Some("last_modified") {
                    " (approximate)"
                } else {
                    ""
                }
            ),
            None => "package: none names this artifact".into(),
        },
    ];
    if let Some(t) = &p.training {
        out.push(format!(
            "training job {} · network isolation {}",
            t.name,
            if t.network_isolation { "on" } else { "off" }
        ));
    }
    if let Some(role) = &p.role {
        out.push(format!("serving role {role}"));
    }
    out.extend(
        p.flags
            .iter()
            .map(|f| format!("⚠ {} {}: {}", f.severity.label(), f.id, f.text)),
    );
    out
}
