//! The run journal: append-only JSON lines, fsync per record, one file per (org, hire list)
//! — under `journals/<org id>/<content hash of the list>.jsonl` — so a re-run resumes and
//! `--only-failed` knows what failed.
//!
//! The first line binds the file to one org ([`JournalHeader`]); a journal written for
//! another org is refused, never read. Each further line records one step of one row, keyed
//! by the row's identity (external id, else email). The journal never decides what a run
//! does — the plan comes from a fresh snapshot of the org — it resolves creates whose outcome
//! is unknown, remembers failures, and keeps the run's record for reports. Nothing secret is
//! ever written here: no tokens, no passwords, no request bodies.

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

/// The first line of every journal: the org (and list) it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalHeader {
    /// Format version of the journal.
    pub journal: u32,
    pub org_id: String,
    #[serde(default)]
    pub org_name: String,
    /// Content key of the hire list the journal was started for.
    #[serde(default)]
    pub list: String,
}

/// The org (and list) a run belongs to; a journal is opened for exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalBinding {
    pub org_id: String,
    pub org_name: String,
    pub list_key: String,
}

impl JournalBinding {
    /// The binding of a hire list (its bytes) in the org a snapshot was read from; None when
    /// the org did not say who it is.
    pub fn for_list(snapshot: &crate::model::OrgSnapshot, list_bytes: &[u8]) -> Option<Self> {
        let org_id = snapshot.org_id.clone()?;
        Some(JournalBinding {
            org_name: snapshot.org_name.clone().unwrap_or_else(|| org_id.clone()),
            org_id,
            list_key: content_key(list_bytes),
        })
    }

    fn header(&self) -> JournalHeader {
        JournalHeader {
            journal: 1,
            org_id: self.org_id.clone(),
            org_name: self.org_name.clone(),
            list: self.list_key.clone(),
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
    header: JournalHeader,
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
    #[error(
        "the journal {path} belongs to another org ({other_name} {other_id}), not to {org_name} {org_id}; pass a different --journal (a journal is never shared between orgs)"
    )]
    OtherOrg {
        path: PathBuf,
        org_id: String,
        org_name: String,
        other_id: String,
        other_name: String,
    },
    #[error(
        "the journal {path} names no org (written by an older onboard, or not a journal); move it away or pass a different --journal"
    )]
    Unbound { path: PathBuf },
}

/// The journal file name for a hire list's content: the first 16 hex digits of its SHA-256.
pub fn content_key(list_bytes: &[u8]) -> String {
    let digest = Sha256::digest(list_bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl Journal {
    /// Opens (creating if needed) the journal at `path` for `binding`'s org and reads what
    /// earlier runs recorded. A journal of another org, or one that names no org, is refused
    /// before anything is read from it. A torn last line (the process was killed mid-write)
    /// is ignored.
    pub fn open(path: &Path, binding: &JournalBinding) -> Result<Journal, JournalError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| JournalError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let (header, history) = match read_existing(path, binding)? {
            Some(found) => found,
            None => (binding.header(), HashMap::new()),
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| JournalError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        let empty = file.metadata().map(|m| m.len() == 0).unwrap_or(false);
        if empty {
            write_line(&mut file, path, &header)?;
        }
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            header,
            history,
        })
    }

    /// Reads a journal without writing to it (e.g. `--only-failed` looking at an older
    /// journal of the same org). None when the file does not exist.
    pub fn read(path: &Path, binding: &JournalBinding) -> Result<Option<Journal>, JournalError> {
        if !path.exists() {
            return Ok(None);
        }
        Journal::open(path, binding).map(Some)
    }

    /// The org and list this journal is bound to.
    pub fn header(&self) -> &JournalHeader {
        &self.header
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn history(&self, identity: &str) -> Option<&RowHistory> {
        self.history.get(identity)
    }

    /// Identities whose last run failed or stopped before finishing them (`--only-failed`).
    pub fn failed_identities(&self) -> BTreeSet<String> {
        self.history
            .iter()
            .filter(|(_, h)| h.last_outcome.is_some_and(Outcome::needs_retry))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Appends one record and fsyncs it before returning.
    pub fn append(&mut self, rec: &Record) -> Result<(), JournalError> {
        self.append_all(std::slice::from_ref(rec))
    }

    /// Appends records in one write and one fsync (a bulk call's `started` records for all
    /// its members). Nothing is applied to the history unless all of them are durable.
    pub fn append_all(&mut self, recs: &[Record]) -> Result<(), JournalError> {
        if recs.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::with_capacity(recs.len() * 96);
        for rec in recs {
            serde_json::to_writer(&mut buf, rec).map_err(|e| JournalError::Write {
                path: self.path.clone(),
                source: std::io::Error::other(e),
            })?;
            buf.push(b'\n');
        }
        self.file
            .write_all(&buf)
            .and_then(|_| self.file.sync_data())
            .map_err(|source| JournalError::Write {
                path: self.path.clone(),
                source,
            })?;
        for rec in recs {
            apply(&mut self.history, rec);
        }
        Ok(())
    }
}

/// Reads an existing, non-empty journal: its header (checked against `binding`) and the
/// history of its records.
#[allow(clippy::type_complexity)]
fn read_existing(
    path: &Path,
    binding: &JournalBinding,
) -> Result<Option<(JournalHeader, HashMap<String, RowHistory>)>, JournalError> {
    let Ok(existing) = File::open(path) else {
        return Ok(None);
    };
    let mut lines = BufReader::new(existing).lines();
    let first = match lines.next() {
        None => return Ok(None),
        Some(Ok(l)) if l.trim().is_empty() => return Ok(None),
        Some(Ok(l)) => l,
        Some(Err(_)) => {
            return Err(JournalError::Unbound {
                path: path.to_path_buf(),
            });
        }
    };
    let header: JournalHeader =
        serde_json::from_str(&first).map_err(|_| JournalError::Unbound {
            path: path.to_path_buf(),
        })?;
    if header.org_id != binding.org_id {
        return Err(JournalError::OtherOrg {
            path: path.to_path_buf(),
            org_id: binding.org_id.clone(),
            org_name: binding.org_name.clone(),
            other_id: header.org_id,
            other_name: header.org_name,
        });
    }
    let mut history: HashMap<String, RowHistory> = HashMap::new();
    for line in lines {
        let Ok(line) = line else { break };
        let Ok(rec) = serde_json::from_str::<Record>(&line) else {
            continue;
        };
        apply(&mut history, &rec);
    }
    Ok(Some((header, history)))
}

fn write_line<T: Serialize>(file: &mut File, path: &Path, value: &T) -> Result<(), JournalError> {
    let mut line = serde_json::to_vec(value).map_err(|e| JournalError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    line.push(b'\n');
    file.write_all(&line)
        .and_then(|_| file.sync_data())
        .map_err(|source| JournalError::Write {
            path: path.to_path_buf(),
            source,
        })
}

/// A create whose `started` record without an answer leaves the object in doubt.
fn is_create(step: Step) -> bool {
    matches!(
        step,
        Step::CreateUser | Step::CreateQueue | Step::CreateSkill | Step::CreateLanguage
    )
}

fn apply(history: &mut HashMap<String, RowHistory>, rec: &Record) {
    let h = history.entry(rec.id.clone()).or_default();
    if let Some(uid) = &rec.user_id {
        h.user_id = Some(uid.clone());
    }
    match rec.status {
        RecordStatus::Started if is_create(rec.step) => h.create_in_doubt = true,
        RecordStatus::Ok => {
            h.done.insert(rec.step);
            if is_create(rec.step) {
                h.create_in_doubt = false;
            }
        }
        _ => {}
    }
    if let Some(outcome) = rec.outcome {
        // A stopped run that never reached a row does not hide what an earlier run learned.
        let keeps_earlier =
            outcome == Outcome::NotReached && h.last_outcome.is_some_and(Outcome::needs_retry);
        if !keeps_earlier {
            h.last_outcome = Some(outcome);
        }
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
    if is_create(rec.step) && rec.status == RecordStatus::Ok && h.first_change.is_none() {
        h.first_change = Some(Outcome::Created);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str) -> JournalBinding {
        JournalBinding {
            org_id: id.into(),
            org_name: format!("Org {id}"),
            list_key: "k".into(),
        }
    }

    #[test]
    fn a_journal_of_another_org_is_refused_and_an_unbound_one_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let mut j = Journal::open(&path, &org("a")).unwrap();
        j.append(&rec("email:a@x", Step::CreateUser, RecordStatus::Ok))
            .unwrap();
        drop(j);
        assert!(matches!(
            Journal::open(&path, &org("b")),
            Err(JournalError::OtherOrg { .. })
        ));
        let j = Journal::open(&path, &org("a")).unwrap();
        assert_eq!(j.header().org_id, "a");
        assert!(j.history("email:a@x").is_some());
        let old = dir.path().join("old.jsonl");
        std::fs::write(
            &old,
            "{\"id\":\"email:a@x\",\"row\":1,\"step\":\"create_user\",\"status\":\"ok\"}\n",
        )
        .unwrap();
        assert!(matches!(
            Journal::open(&old, &org("a")),
            Err(JournalError::Unbound { .. })
        ));
    }

    #[test]
    fn not_reached_never_hides_an_earlier_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let mut j = Journal::open(&path, &org("a")).unwrap();
        let mut failed = rec("email:a@x", Step::Queues, RecordStatus::Failed);
        failed.outcome = Some(Outcome::Failed);
        let mut later = rec("email:a@x", Step::Lookup, RecordStatus::Skipped);
        later.outcome = Some(Outcome::NotReached);
        let mut fresh = rec("email:b@x", Step::Lookup, RecordStatus::Skipped);
        fresh.outcome = Some(Outcome::NotReached);
        j.append_all(&[failed, later, fresh]).unwrap();
        drop(j);
        let j = Journal::open(&path, &org("a")).unwrap();
        assert_eq!(
            j.history("email:a@x").unwrap().last_outcome,
            Some(Outcome::Failed)
        );
        // Both still need a run.
        assert_eq!(j.failed_identities().len(), 2);
    }

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
            let mut j = Journal::open(&path, &org("o1")).unwrap();
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

        let j = Journal::open(&path, &org("o1")).unwrap();
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
        let mut j = Journal::open(&path, &org("o1")).unwrap();
        j.append(&rec("email:a@x", Step::CreateUser, RecordStatus::Started))
            .unwrap();
        drop(j);
        let j = Journal::open(&path, &org("o1")).unwrap();
        assert!(j.history("email:a@x").unwrap().create_in_doubt);
    }

    #[test]
    fn content_key_depends_on_content() {
        assert_eq!(content_key(b"a,b\n").len(), 16);
        assert_ne!(content_key(b"a,b\n"), content_key(b"a,c\n"));
        assert_eq!(content_key(b"x"), content_key(b"x"));
    }
}
