//! One run at a time per (org, hire list): an OS advisory lock on a file beside the journal,
//! held for the whole run. The OS drops it when the holder exits in any way (SIGKILL too), so
//! a killed run never leaves a stale lock behind. The file holds the holder's pid, for the
//! message the second run prints.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Held while a run may write; released on drop (or when the process ends).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another onboard run (pid {pid}) is provisioning this list into this org (lock {path}); wait for it to finish or stop it, then run again"
    )]
    Held { pid: String, path: PathBuf },
    #[error("cannot take the run lock {path}: {source}. Check the data directory is writable")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl RunLock {
    /// Takes the lock at `path` without waiting, or says who holds it.
    pub fn acquire(path: &Path) -> Result<RunLock, LockError> {
        let io = |source| LockError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = pid.trim();
                return Err(LockError::Held {
                    pid: if pid.is_empty() {
                        "unknown".into()
                    } else {
                        pid.chars().filter(char::is_ascii_digit).collect()
                    },
                    path: path.to_path_buf(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // Only the holder writes its pid; a failure here does not weaken the lock.
        let _ = file
            .set_len(0)
            .and_then(|_| file.seek(SeekFrom::Start(0)))
            .and_then(|_| write!(file, "{}", std::process::id()))
            .and_then(|_| file.flush());
        Ok(RunLock {
            _file: file,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let first = RunLock::acquire(&path).unwrap();
        match RunLock::acquire(&path) {
            Err(LockError::Held { pid, .. }) => assert_eq!(pid, std::process::id().to_string()),
            other => panic!("expected Held, got {other:?}"),
        }
        drop(first);
        assert!(RunLock::acquire(&path).is_ok());
    }
}
