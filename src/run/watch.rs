//! What another process changes in the state directory, seen by the screen: the journal and
//! the runbooks are read again when they change, so two responders see each other's work.

use crate::app::Msg;
use std::time::Duration;
use tokio::sync::mpsc;

/// A file's size and modification time: what tells that another process wrote it.
type Stamp = Option<(u64, std::time::SystemTime)>;

fn stamp(path: &std::path::Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// Every runbook file's stamp, by name.
fn runbooks_stamp(dir: &std::path::Path) -> Vec<(std::ffi::OsString, Stamp)> {
    let mut all: Vec<_> = std::fs::read_dir(dir.join("runbooks"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| (e.file_name(), stamp(&e.path())))
        .collect();
    all.sort();
    all
}

/// Another responder (a second screen, the command line) acts and takes notes in the same
/// state directory: the journal and the runbooks are read again when they change, so badges,
/// the header and the incident view follow. A stat of each once a second is all it costs.
pub async fn state_dir(dir: std::path::PathBuf, tx: mpsc::UnboundedSender<Msg>) {
    let journal = crate::action::journal::Journal::in_dir(&dir);
    let head = journal.path().with_extension("head");
    let mut seen = (stamp(journal.path()), stamp(&head));
    let mut runbooks = runbooks_stamp(&dir);
    let mut every = tokio::time::interval(Duration::from_secs(1));
    loop {
        every.tick().await;
        let now = (stamp(journal.path()), stamp(&head));
        if now != seen {
            seen = now;
            let journal = journal.clone();
            let read = tokio::task::spawn_blocking(move || journal.read()).await;
            match read {
                Ok(Ok(read)) => {
                    if tx.send(Msg::Journal(read.journalled())).is_err() {
                        return;
                    }
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "reading the journal again"),
                Err(e) => tracing::warn!(error = %e, "reading the journal again"),
            }
        }
        let now = runbooks_stamp(&dir);
        if now != runbooks {
            runbooks = now;
            if tx.send(Msg::RunbooksChanged).is_err() {
                return;
            }
        }
    }
}
