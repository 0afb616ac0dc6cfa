//! `--state FILE`: load the org from it if present, save it after every change (atomically:
//! write a temp file, fsync, rename). A background task coalesces bursts of changes; a write
//! request is answered only once its change is on disk.

use super::SimError;
use super::seed::Seed;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::watch;

pub struct Persister {
    pub path: PathBuf,
    /// Generation of the org: bumped (under the org lock) by every change.
    pub generation: AtomicU64,
    changed: watch::Sender<u64>,
    saved: watch::Receiver<u64>,
}

impl Persister {
    /// Starts the saver task; `snapshot` serializes the org and returns its generation.
    pub fn start<F>(path: PathBuf, snapshot: F) -> Arc<Persister>
    where
        F: Fn() -> (u64, Vec<u8>) + Send + Sync + 'static,
    {
        let (changed_tx, mut changed_rx) = watch::channel(0u64);
        let (saved_tx, saved_rx) = watch::channel(0u64);
        let p = Arc::new(Persister {
            path: path.clone(),
            generation: AtomicU64::new(0),
            changed: changed_tx,
            saved: saved_rx,
        });
        tokio::spawn(async move {
            while changed_rx.changed().await.is_ok() {
                let (generation, bytes) = snapshot();
                let target = path.clone();
                let res = tokio::task::spawn_blocking(move || write_atomic(&target, &bytes)).await;
                match res {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => tracing::error!("cannot save simulator state: {e}"),
                    Err(e) => tracing::error!("state saver failed: {e}"),
                }
                // Even on failure, release waiters: the error is logged.
                let _ = saved_tx.send(generation);
            }
        });
        p
    }

    /// Marks a change; call while holding the org lock.
    pub fn bump(&self) -> u64 {
        let g = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.changed.send(g);
        g
    }

    /// Waits until every change made so far is saved.
    pub async fn flushed(&self) {
        let want = self.generation.load(Ordering::SeqCst);
        let mut rx = self.saved.clone();
        let _ = rx.wait_for(|&g| g >= want).await;
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".into());
    let tmp = match dir {
        Some(d) => d.join(format!(".{name}.tmp")),
        None => PathBuf::from(format!(".{name}.tmp")),
    };
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(d) = dir
        && let Ok(f) = std::fs::File::open(d)
    {
        let _ = f.sync_all();
    }
    Ok(())
}

/// Loads a saved state if the file exists.
pub fn load(path: &Path) -> Result<Option<Seed>, SimError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Seed::from_json(&text)
            .map(Some)
            .map_err(|e| SimError::State(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(SimError::State(format!(
            "cannot read state file {}: {e}",
            path.display()
        ))),
    }
}
