//! `secdash trail`: the CloudTrail timeline of a key, user, role or resource, printed. An I/O
//! edge: it connects, reads and prints; `trail` decides what the timeline says.

use crate::cli::{TrailFormat as Format, exit};
use crate::config::Config;
use crate::source::aws::trail::TrailReader;
use crate::trail::{self, Subject, report};
use std::io::Write as _;

/// Reads and prints the timeline; 0 complete, 2 a region failed (what was read is printed).
pub async fn run(
    subject: Subject,
    since: &str,
    format: Format,
    config: &Config,
    keep: Option<(&std::path::Path, String)>,
) -> anyhow::Result<i32> {
    let since = trail::parse_since(since, chrono::Utc::now()).map_err(anyhow::Error::msg)?;
    let regions = if config.regions.is_empty() {
        vec![crate::config::DEFAULT_REGION.to_string()]
    } else {
        config.regions.clone()
    };
    let session = super::responders::connect(config, &regions[0]).await?;
    let (timeline, calls) = TrailReader::new(&session, &regions)
        .read(std::slice::from_ref(&subject), since)
        .await;
    let text = match format {
        Format::Text => report::text(&timeline, &calls),
        Format::Markdown => report::markdown(&timeline, &calls),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report::json(&timeline, &calls))?;
            s.push('\n');
            s
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    for e in &timeline.errors {
        eprintln!("secdash: {e}");
    }
    if let Some((state_dir, incident)) = keep {
        let reading = trail::record::Reading::of(&timeline, chrono::Utc::now());
        match trail::record::save(state_dir, &incident, reading, &crate::files::to_stderr) {
            Ok(aside) => {
                if let Some(aside) = aside {
                    eprintln!(
                        "secdash: the readings of {incident} did not read: kept as {}",
                        aside.display()
                    );
                }
                eprintln!("kept for the report of incident {incident}");
            }
            Err(e) => eprintln!("secdash: the timeline was not kept for {incident}: {e}"),
        }
    }
    Ok(if timeline.errors.is_empty() {
        exit::OK
    } else {
        exit::PARTIAL
    })
}
