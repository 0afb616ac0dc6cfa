//! The run journal: append-only JSON lines, fsync per record, one file per hire list (keyed
//! by the list's content hash), so a re-run resumes and `--only-failed` knows what failed.
//!
//! Each line records one step of one row, keyed by the row's identity (external id, else
//! email). Nothing secret is ever written here: no tokens, no passwords, no request bodies.

use crate::model::{Outcome, Step, StepStatus};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Row identity (`ext:authority:key` or `email:…`).
    pub id: String,
    pub row: usize,
    pub step: Step,
    /// `started` is written before a create (so an interrupted create is known to be in doubt).
    pub status: RecordStatus,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub user_id: Option<String>,
    /// Set on the last record of a row: its final outcome in that run.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    Started,
    Ok,
    Failed,
    Skipped,
    Unknown,
}

impl From<StepStatus> for RecordStatus {
    fn from(s: StepStatus) -> Self {
        match s {
            StepStatus::Ok => RecordStatus::Ok,
            StepStatus::Failed => RecordStatus::Failed,
            StepStatus::Skipped => RecordStatus::Skipped,
            StepStatus::Unknown => RecordStatus::Unknown,
        }
    }
}

/// What earlier runs of the same list established about one row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowHistory {
    pub user_id: Option<String>,
    /// Steps that completed (ok) in some earlier run.
    pub done: BTreeSet<Step>,
    /// The outcome of the row's most recent finished run, if it finished.
    pub last_outcome: Option<Outcome>,
    /// The first outcome that changed the org (created/restored/…), kept across resumes so a
    /// row created by a killed run still reports `created` when the re-run finishes it.
    pub first_change: Option<Outcome>,
    /// A create was started and never confirmed.
    pub create_in_doubt: bool,
}

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    history: HashMap<String, RowHistory>,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(
        "cannot open the journal {path}: {source}. Check the directory exists and is writable, or pass --journal PATH"
    )]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot write the journal {path}: {source}. The run stopped so that no step goes unrecorded; free disk space and re-run to resume"
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The journal file name for a hire list's content: the first 16 hex digits of its SHA-256.
pub fn content_key(list_bytes: &[u8]) -> String {
    let digest = Sha256::digest(list_bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl Journal {
    /// Opens (creating if needed) the journal at `path` and reads what earlier runs recorded.
    /// A torn last line (the process was killed mid-write) is ignored.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| JournalError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let mut history: HashMap<String, RowHistory> = HashMap::new();
        if let Ok(existing) = File::open(path) {
            for line in BufReader::new(existing).lines() {
                let Ok(line) = line else { break };
                let Ok(rec) = serde_json::from_str::<Record>(&line) else {
                    continue;
                };
                apply(&mut history, &rec);
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| JournalError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            history,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn history(&self, identity: &str) -> Option<&RowHistory> {
        self.history.get(identity)
    }

    /// Identities whose last finished run failed.
    pub fn failed_identities(&self) -> BTreeSet<String> {
        self.history
            .iter()
            .filter(|(_, h)| h.last_outcome == Some(Outcome::Failed))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Appends one record and fsyncs it before returning.
    pub fn append(&mut self, rec: &Record) -> Result<(), JournalError> {
        let mut line = serde_json::to_vec(rec).map_err(|e| JournalError::Write {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|_| self.file.sync_data())
            .map_err(|source| JournalError::Write {
                path: self.path.clone(),
                source,
            })?;
        apply(&mut self.history, rec);
        Ok(())
    }
}

fn apply(history: &mut HashMap<String, RowHistory>, rec: &Record) {
    let h = history.entry(rec.id.clone()).or_default();
    if let Some(uid) = &rec.user_id {
        h.user_id = Some(uid.clone());
    }
    match rec.status {
        RecordStatus::Started if rec.step == Step::CreateUser => h.create_in_doubt = true,
        RecordStatus::Ok => {
            h.done.insert(rec.step);
            if rec.step == Step::CreateUser {
                h.create_in_doubt = false;
            }
        }
        _ => {}
    }
    if let Some(outcome) = rec.outcome {
        h.last_outcome = Some(outcome);
        if h.first_change.is_none()
            && matches!(
                outcome,
                Outcome::Created
                    | Outcome::Restored
                    | Outcome::Reactivated
                    | Outcome::Updated
                    | Outcome::Deactivated
            )
        {
            h.first_change = Some(outcome);
        }
    }
    if rec.step == Step::CreateUser && rec.status == RecordStatus::Ok && h.first_change.is_none() {
        h.first_change = Some(Outcome::Created);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, step: Step, status: RecordStatus) -> Record {
        Record {
            id: id.into(),
            row: 1,
            step,
            status,
            user_id: Some("u1".into()),
            outcome: None,
        }
    }

    #[test]
    fn history_survives_reopen_and_ignores_torn_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        {
            let mut j = Journal::open(&path).unwrap();
            j.append(&rec("email:a@x", Step::CreateUser, RecordStatus::Started))
                .unwrap();
            j.append(&rec("email:a@x", Step::CreateUser, RecordStatus::Ok))
                .unwrap();
            j.append(&rec("email:a@x", Step::Skills, RecordStatus::Ok))
                .unwrap();
            let mut last = rec("email:b@x", Step::Queues, RecordStatus::Failed);
            last.outcome = Some(Outcome::Failed);
            j.append(&last).unwrap();
        }
        // A torn write from a killed process.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"id\":\"email:c@x\",\"ro").unwrap();
        drop(f);

        let j = Journal::open(&path).unwrap();
        let a = j.history("email:a@x").unwrap();
        assert!(a.done.contains(&Step::CreateUser) && a.done.contains(&Step::Skills));
        assert!(!a.create_in_doubt);
        assert_eq!(a.first_change, Some(Outcome::Created));
        assert_eq!(a.user_id.as_deref(), Some("u1"));
        assert!(j.history("email:c@x").is_none());
        assert_eq!(
            j.failed_identities().into_iter().collect::<Vec<_>>(),
            vec!["email:b@x".to_string()]
        );
    }

    #[test]
    fn a_started_create_without_result_is_in_doubt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let mut j = Journal::open(&path).unwrap();
        j.append(&rec("email:a@x", Step::CreateUser, RecordStatus::Started))
            .unwrap();
        drop(j);
        let j = Journal::open(&path).unwrap();
        assert!(j.history("email:a@x").unwrap().create_in_doubt);
    }

    #[test]
    fn content_key_depends_on_content() {
        assert_eq!(content_key(b"a,b\n").len(), 16);
        assert_ne!(content_key(b"a,b\n"), content_key(b"a,c\n"));
        assert_eq!(content_key(b"x"), content_key(b"x"));
    }
}
