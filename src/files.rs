//! The state directory is the owner's alone: created 0700, its files 0600, opened without
//! following symbolic links, refused (with the reason and the fix) when someone else could
//! write them. Whole-file writes go through a new temporary file with a random name, synced,
//! renamed over the old one and the directory synced, so a crash leaves the old or the new;
//! load-modify-save runs under an exclusive lock. A leaf: the journal, the runbooks, the
//! attestations and the log all use it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The largest state file secdash reads (a journal of a very long incident is a few MB).
const MAX_STATE_FILE: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "{path} is a symbolic link; secdash does not write through links in its state directory (remove it, or set SECDASH_STATE_DIR to a directory of your own)"
    )]
    Symlink { path: PathBuf },
    #[error("{path} is not a regular file")]
    NotAFile { path: PathBuf },
    #[error("{path} is not UTF-8 text")]
    NotText { path: PathBuf },
    #[error(
        "{path} belongs to user {owner}, not to you ({me}); secdash keeps its state only where you alone can write (chown it, or set SECDASH_STATE_DIR)"
    )]
    NotOwned { path: PathBuf, owner: u32, me: u32 },
    #[error(
        "{path} can be {how} by others (mode {mode:o}); secdash keeps its state only where you alone can reach it: run `chmod {want:o} {path}`"
    )]
    OpenToOthers {
        path: PathBuf,
        mode: u32,
        want: u32,
        how: &'static str,
    },
    #[error("{path} is larger than {max} bytes: not a file for secdash to read")]
    TooLarge { path: PathBuf, max: u64 },
    #[error(
        "{path} is still held{holder} after {seconds} s: another secdash is acting, or stopped while it held the lock; nothing was done (try again, or end that process)"
    )]
    Busy {
        path: PathBuf,
        holder: String,
        seconds: u64,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FileError + '_ {
    move |error| {
        if error.raw_os_error() == Some(libc::ELOOP) {
            FileError::Symlink {
                path: path.to_path_buf(),
            }
        } else {
            FileError::Io {
                path: path.to_path_buf(),
                error,
            }
        }
    }
}

fn me() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Owned by us and not writable by anyone else; `want` is the mode the fix sets.
fn check_trusted(path: &Path, meta: &std::fs::Metadata, want: u32) -> Result<(), FileError> {
    if meta.uid() != me() {
        return Err(FileError::NotOwned {
            path: path.to_path_buf(),
            owner: meta.uid(),
            me: me(),
        });
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(FileError::OpenToOthers {
            path: path.to_path_buf(),
            mode,
            want,
            how: "written",
        });
    }
    Ok(())
}

/// Creates the directory (0700, and its missing parents) or checks the one that is there.
pub fn private_dir(dir: &Path) -> Result<(), FileError> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => check_trusted(dir, &meta, 0o700),
        Ok(_) => Err(FileError::NotAFile {
            path: dir.to_path_buf(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io(dir)),
        Err(e) => Err(io(dir)(e)),
    }
}

/// Opens a file of the state directory without following a link, and checks it is ours.
fn open_checked(path: &Path, options: &mut OpenOptions) -> Result<File, FileError> {
    let file = options
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(io(path))?;
    let meta = file.metadata().map_err(io(path))?;
    if !meta.is_file() {
        return Err(FileError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    check_trusted(path, &meta, 0o600)?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(FileError::OpenToOthers {
            path: path.to_path_buf(),
            mode: meta.permissions().mode() & 0o7777,
            want: 0o600,
            how: "read",
        });
    }
    Ok(file)
}

/// Opens (creating it 0600) a file to append to, in a private directory.
pub fn open_append(path: &Path) -> Result<File, FileError> {
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    open_checked(
        path,
        OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .mode(0o600),
    )
}

/// The largest config or theme file secdash reads.
pub const MAX_USER_FILE: u64 = 1024 * 1024;

/// A file the user names (config, theme): a regular file of at most 1 MiB, checked before it is
/// opened, so a device or a FIFO never hangs secdash and `/dev/zero` never fills its memory.
pub fn read_user_file(path: &Path) -> Result<String, FileError> {
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if !meta.is_file() {
        return Err(FileError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > MAX_USER_FILE {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            max: MAX_USER_FILE,
        });
    }
    // Non-blocking, and read no further than the limit: the file may change after the check.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(io(path))?;
    let mut bytes = Vec::new();
    file.take(MAX_USER_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(io(path))?;
    if bytes.len() as u64 > MAX_USER_FILE {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            max: MAX_USER_FILE,
        });
    }
    String::from_utf8(bytes).map_err(|_| FileError::NotText {
        path: path.to_path_buf(),
    })
}

/// Opens the log to append to: like `open_append`, except that a log of ours that others can
/// read (as older versions left it) is made private rather than refused.
pub fn open_log(path: &Path) -> Result<File, FileError> {
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && meta.is_file()
        && meta.uid() == me()
        && meta.permissions().mode() & 0o077 != 0
    {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io(path))?;
    }
    open_append(path)
}

/// The whole file, or `None` when there is none.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>, FileError> {
    if let Some(dir) = path.parent()
        && dir.exists()
    {
        private_dir(dir)?;
    }
    let mut file = match open_checked(path, OpenOptions::new().read(true)) {
        Ok(f) => f,
        Err(FileError::Io { error, .. }) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let len = file.metadata().map_err(io(path))?.len();
    if len > MAX_STATE_FILE {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            max: MAX_STATE_FILE,
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.read_to_end(&mut bytes).map_err(io(path))?;
    Ok(Some(bytes))
}

/// Replaces the file whole: a new temporary file with a random name (never one an attacker
/// could plant), synced, renamed over the old one, the directory synced.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".secdash-")
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .map_err(io(dir))?;
    tmp.write_all(bytes).map_err(io(path))?;
    tmp.as_file().sync_all().map_err(io(path))?;
    tmp.persist(path).map_err(|e| io(path)(e.error))?;
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// Moves a file that could not be read out of the way, so nothing overwrites it; returns
/// where it went.
pub fn keep_aside(path: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<PathBuf, FileError> {
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".corrupt-{}", now.format("%Y%m%dT%H%M%S")));
    let aside = PathBuf::from(aside);
    std::fs::rename(path, &aside).map_err(io(path))?;
    Ok(aside)
}

/// An exclusive lock on a lock file of the state directory, released when dropped.
#[derive(Debug)]
pub struct Lock {
    file: File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// How long a lock is waited for before giving up: another secdash holds it for seconds at
/// most, so longer means it is stopped (or hung) while holding it.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Where a wait for a lock is said: the command line's stderr, or nowhere (the screen).
pub type Say<'a> = &'a dyn Fn(&str);

/// Says nothing (the screen owns the terminal; the wait is logged).
pub fn quiet(_: &str) {}

/// Says it on stderr, for the command line.
pub fn to_stderr(message: &str) {
    eprintln!("secdash: {message}");
}

/// The pid a lock file names (its holder writes it there).
fn holder(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Waits for the exclusive lock `path` names, up to `LOCK_WAIT`, saying once that it waits
/// and for whom; then gives up naming the lock and its holder. The holder's pid is written
/// into the lock file.
pub fn lock(path: &Path, say: Say<'_>) -> Result<Lock, FileError> {
    lock_within(path, LOCK_WAIT, say)
}

fn lock_within(path: &Path, wait: std::time::Duration, say: Say<'_>) -> Result<Lock, FileError> {
    let mut file = open_append(path)?;
    let start = std::time::Instant::now();
    let mut said = false;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {
                let pid = holder(path);
                let who = pid.map(|p| format!(" by pid {p}")).unwrap_or_default();
                if !said {
                    let message = format!("waiting for {name} held{who}");
                    tracing::info!("{message}");
                    say(&message);
                    said = true;
                }
                if start.elapsed() >= wait {
                    return Err(FileError::Busy {
                        path: path.to_path_buf(),
                        holder: who,
                        seconds: wait.as_secs(),
                    });
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(path)(e)),
        }
    }
    // The file is ours alone now: whoever waits next reads who holds it.
    file.set_len(0).map_err(io(path))?;
    write!(file, "{}", std::process::id()).map_err(io(path))?;
    Ok(Lock { file })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn the_state_directory_and_its_files_are_the_owners_alone() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("state");
        let file = dir.join("journal.jsonl");
        open_append(&file).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&file), 0o600);
        write_atomic(&dir.join("runbook.json"), b"{}").unwrap();
        assert_eq!(mode(&dir.join("runbook.json")), 0o600);
    }

    #[test]
    fn links_and_open_permissions_are_refused_with_the_fix() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("state");
        private_dir(&dir).unwrap();
        let elsewhere = root.path().join("elsewhere");
        std::fs::write(&elsewhere, b"").unwrap();
        symlink(&elsewhere, dir.join("journal.jsonl")).unwrap();
        let err = open_append(&dir.join("journal.jsonl")).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");

        let open = dir.join("open.jsonl");
        std::fs::write(&open, b"").unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = open_append(&open).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");

        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let err = private_dir(&dir).unwrap_err();
        assert!(err.to_string().contains("chmod 700"), "{err}");
    }

    /// Issue #26: a stopped lock holder froze the screen and silenced the command line.
    #[test]
    fn a_held_lock_is_waited_for_briefly_naming_its_holder() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("journal.lock");
        let held = lock(&path, &quiet).unwrap();
        let said = std::cell::RefCell::new(Vec::new());
        let say = |m: &str| said.borrow_mut().push(m.to_string());
        let err = lock_within(&path, std::time::Duration::from_millis(300), &say).unwrap_err();
        let pid = std::process::id();
        assert_eq!(
            *said.borrow(),
            [format!("waiting for journal.lock held by pid {pid}")]
        );
        assert!(
            err.to_string()
                .contains(&format!("journal.lock is still held by pid {pid}")),
            "{err}"
        );
        drop(held);
        lock(&path, &quiet).unwrap();
    }

    #[test]
    fn an_atomic_write_never_follows_a_planted_link() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("state");
        private_dir(&dir).unwrap();
        let victim = root.path().join("victim");
        std::fs::write(&victim, b"keep me").unwrap();
        // The old fixed temporary name, planted as a link.
        symlink(&victim, dir.join("INC.json.tmp")).unwrap();
        write_atomic(&dir.join("INC.json"), b"new").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
        assert_eq!(std::fs::read(dir.join("INC.json")).unwrap(), b"new");
    }
}
