//! The fetch step shared by the TUI's fetch tasks and `--once`: ask the source for one pane,
//! then apply what every source needs (risk assessment, alerts, ordering) in one place.

use crate::metrics::{self, Thresholds};
use crate::model::{PaneId, sort_findings};
pub use crate::panes::PaneData;
use crate::risk;
use crate::sanitize::Sanitize;
use crate::source::{Fetched, Query, Source, SourceError};

/// Every string from a source is cleaned here, once, before anything else sees it.
fn entered<T: Sanitize>(mut data: T) -> T {
    data.sanitize();
    data
}

pub async fn fetch_pane(
    source: &dyn Source,
    pane: PaneId,
    query: Query,
    thresholds: &Thresholds,
    policy: &crate::checklist::policy::Policy,
) -> Result<Fetched<PaneData>, SourceError> {
    let now = query.now;
    Ok(match pane {
        PaneId::Endpoints => source.endpoints(query).await?.map(entered).map(|mut eps| {
            for e in &mut eps {
                e.alerts = metrics::alerts(e, thresholds);
            }
            eps.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.region.cmp(&b.region)));
            PaneData::Endpoints(eps)
        }),
        PaneId::SecurityGroups => {
            source
                .security_groups(query)
                .await?
                .map(entered)
                .map(|mut data| {
                    risk::assess(&mut data);
                    PaneData::SecurityGroups(data)
                })
        }
        PaneId::Findings => source.findings(query).await?.map(entered).map(|mut data| {
            sort_findings(&mut data.findings);
            PaneData::Findings(data)
        }),
        PaneId::Checklist => source
            .checklist(query)
            .await?
            .map(entered)
            .map(|mut items| {
                // The team's accepted risks and attestations, over whatever the source found.
                crate::checklist::policy::apply(&mut items, policy, now);
                PaneData::Checklist(items)
            }),
    })
}
