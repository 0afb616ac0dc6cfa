//! The TUI's load of a list that never blocks the screen: the table is sent at once with
//! every check that needs no org, then again as the org's lists and each row's identity
//! lookups arrive ([`preflight::partial`]), with live counters per resource. Checks run on
//! the blocking pool, never in the input loop; the snapshot's requests stop when this future is
//! dropped (Esc, or another load).

use super::progress::{Pace, slow_load_note};
use crate::genesys::{Client, SnapshotEvent, SnapshotOptions, load_snapshot_observed};
use crate::ingest::queues::QueueList;
use crate::model::{HireList, OrgSnapshot};
use crate::preflight::partial::{Answered, Known, check_partial};
use crate::preflight::queues::QueueCheckOptions;
use crate::preflight::{CheckOptions, CheckResult};
use crate::tui::app::LoadFiles;
use crate::tui::driver::LoadInbox;
use crate::tui::msg::{Msg, Partial, QueuesLoaded};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a progressive load checks: the hire list (and its path for the table), and the
/// queue list's member emails, looked up with the hire list's users in the same reads.
pub(super) struct ListsToCheck {
    pub path: PathBuf,
    pub list: Arc<HireList>,
    pub extra_emails: Vec<String>,
}

/// The lists of one load, read: the hire list (an empty one when only a queue list is
/// given), the queue list, and the bytes the run journal is bound to — the same as
/// `apply`'s for the same files, so the TUI and `apply --only-failed` share a journal.
pub(super) struct ReadLists {
    pub hires: HireList,
    pub has_hires: bool,
    pub queues: Option<QueueList>,
    pub bytes: Vec<u8>,
}

/// Reads the files of a load (blocking IO).
pub(super) fn read_lists(files: &LoadFiles) -> Result<ReadLists, String> {
    let read =
        |p: &PathBuf| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let hire_bytes = files.hires.as_ref().map(read).transpose()?;
    let hires = match (&hire_bytes, &files.hires) {
        (Some(b), Some(p)) => {
            crate::ingest::read_bytes(&file_name(p), b).map_err(|e| e.to_string())?
        }
        // No hire list: an empty one (the queue list alone runs), as `apply` does.
        _ => crate::ingest::read_bytes("(no hire list)", b"email,name\n")
            .map_err(|e| e.to_string())?,
    };
    let queue_bytes = files.queues.as_ref().map(read).transpose()?;
    let queues = match (&queue_bytes, &files.queues) {
        (Some(b), Some(p)) => Some(
            crate::ingest::queues::read_bytes(&file_name(p), b)
                .map_err(|e| format!("the queue list: {e}"))?,
        ),
        _ => None,
    };
    let mut bytes = hire_bytes.unwrap_or_default();
    if let Some(q) = &queue_bytes {
        bytes.extend_from_slice(b"\0queues\0");
        bytes.extend_from_slice(q);
    }
    Ok(ReadLists {
        hires,
        has_hires: files.hires.is_some(),
        queues,
        bytes,
    })
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Reads what the org holds for a queue list and checks it, with the same functions as
/// `check --queues` (the hire list's rows count as members). `path` is filled by the caller.
pub(super) async fn check_queue_list(
    client: &Client,
    list: QueueList,
    hires: Option<&HireList>,
    snapshot: &OrgSnapshot,
) -> Result<QueuesLoaded, String> {
    let org = crate::genesys::queue_snapshot::load_queue_org(client, &list)
        .await
        .map_err(|e| format!("cannot load the org's queues: {e}"))?;
    let options = QueueCheckOptions::default();
    let check = crate::preflight::queues::check_queues(&list, hires, snapshot, &org, &options);
    Ok(QueuesLoaded {
        path: PathBuf::new(),
        list,
        org,
        options,
        check,
    })
}

/// Shortest time between two partial checks; a long check waits longer (twice its own
/// time), so re-checking never takes more than about a third of a core.
const RECHECK_EVERY: Duration = Duration::from_millis(250);

/// What the loader knows so far.
struct Growing {
    snapshot: OrgSnapshot,
    known: Known,
    answered: Answered,
    users: HashSet<String>,
}

impl Growing {
    fn absorb(&mut self, ev: SnapshotEvent) -> bool {
        match ev {
            SnapshotEvent::Progress(_) => false,
            SnapshotEvent::Lists(lists) => {
                let users = std::mem::take(&mut self.snapshot.users);
                self.snapshot = *lists;
                self.snapshot.users = users;
                self.known = Known::Lists;
                true
            }
            SnapshotEvent::Looked(l) => {
                self.answered
                    .emails(&l.emails, l.found.iter().map(|u| u.email.as_str()));
                for x in l.external_ids {
                    self.answered.external_id(x, !l.found.is_empty());
                }
                // As the lookup saw them: enough to name a manager (the rows of these
                // users wait for their detail).
                for u in l.found {
                    if self.users.insert(u.id.to_string()) {
                        self.snapshot.users.push(Arc::new(u));
                    }
                }
                true
            }
        }
    }
}

/// Check `list` against the org as its snapshot arrives, sending each partial check to
/// `inbox`; `on_lists` hears the org's lists (who the org is) as soon as they are loaded.
/// Returns the complete snapshot.
pub(super) async fn load_progressively(
    client: Client,
    opts: SnapshotOptions,
    lists: ListsToCheck,
    inbox: &LoadInbox,
    allowed: impl std::future::Future<Output = Option<crate::tui::estimate::AllowedRate>>,
    on_lists: impl FnOnce(&OrgSnapshot),
) -> Result<OrgSnapshot, String> {
    let ListsToCheck {
        path,
        list,
        extra_emails,
    } = lists;
    // The table at once: the file's own checks.
    let first = run_check(
        list.clone(),
        OrgSnapshot::default(),
        Known::Nothing,
        Answered::default(),
    )
    .await?;
    inbox
        .send(Msg::LoadPartial(Box::new(Partial {
            list: Some((path, (*list).clone())),
            snapshot: OrgSnapshot::default(),
            result: first.0,
            checking: first.1,
            allowed: None,
        })))
        .await;
    let (mut emails, ext) = crate::preflight::users_to_look_up(&list);
    // A queue list's members are looked up with the hire list's users, in the same reads.
    if !extra_emails.is_empty() {
        emails.extend(extra_emails);
        emails.sort();
        emails.dedup();
    }
    let per_token = client.token_rate_per_minute().await.ok().flatten();
    if let Some(note) = slow_load_note(&emails, &ext, per_token, client.tokens().1) {
        inbox.send(Msg::LoadNote(note)).await;
    }
    let allowed = allowed.await;

    let (etx, mut erx) = tokio::sync::mpsc::unbounded_channel::<SnapshotEvent>();
    let observe = move |e: SnapshotEvent| {
        let _ = etx.send(e);
    };
    // Polled here, beside the events (the driver polls this future beside its inbox);
    // dropping the load drops it, which stops its requests.
    let task = load_snapshot_observed(&client, &emails, &ext, &opts, &observe);
    tokio::pin!(task);
    let mut growing = Growing {
        snapshot: OrgSnapshot::default(),
        known: Known::Nothing,
        answered: Answered::default(),
        users: HashSet::new(),
    };
    let mut on_lists = Some(on_lists);
    let mut pace = Pace::new(Duration::from_millis(100));
    let mut events_open = true;
    let mut changed = false;
    let mut next_check = tokio::time::Instant::now();
    let mut job: Option<CheckJob> = None;
    loop {
        tokio::select! {
            biased;
            ev = erx.recv(), if events_open => match ev {
                Some(SnapshotEvent::Progress(p)) => {
                    let (p, due) = pace.stamp(p);
                    if due {
                        inbox.progress(p);
                    }
                }
                Some(ev) => {
                    let lists = matches!(ev, SnapshotEvent::Lists(_));
                    changed |= growing.absorb(ev);
                    if lists {
                        if let Some(f) = on_lists.take() {
                            f(&growing.snapshot);
                        }
                        // The list findings at once.
                        next_check = tokio::time::Instant::now();
                    }
                }
                None => events_open = false,
            },
            done = &mut task => {
                return done.map_err(|e| format!("cannot load the org: {e}"));
            }
            checked = async {
                match job.as_mut() {
                    Some(j) => (&mut j.handle).await,
                    None => std::future::pending().await,
                }
            }, if job.is_some() => {
                let Some(CheckJob { snapshot, started, .. }) = job.take() else {
                    continue;
                };
                let (result, checking) = checked.map_err(|e| format!("pre-flight failed: {e}"))?;
                next_check = tokio::time::Instant::now() + RECHECK_EVERY.max(started.elapsed() * 2);
                inbox
                    .send(Msg::LoadPartial(Box::new(Partial {
                        list: None,
                        snapshot,
                        result,
                        checking,
                        allowed,
                    })))
                    .await;
            }
            _ = tokio::time::sleep_until(next_check), if changed && job.is_none() && growing.known == Known::Lists => {
                changed = false;
                let snapshot = growing.snapshot.clone();
                let handle = spawn_check(list.clone(), snapshot.clone(), growing.known, growing.answered.clone());
                job = Some(CheckJob { snapshot, handle, started: Instant::now() });
            }
        }
    }
}

/// The partial check under way: the snapshot it checks, its task, when it started.
struct CheckJob {
    snapshot: OrgSnapshot,
    handle: tokio::task::JoinHandle<(CheckResult, Vec<bool>)>,
    started: Instant,
}

/// One partial check on the blocking pool (never in the input loop).
fn spawn_check(
    list: Arc<HireList>,
    snapshot: OrgSnapshot,
    known: Known,
    answered: Answered,
) -> tokio::task::JoinHandle<(CheckResult, Vec<bool>)> {
    tokio::task::spawn_blocking(move || {
        check_partial(&list, &snapshot, known, &answered, &CheckOptions::new())
    })
}

async fn run_check(
    list: Arc<HireList>,
    snapshot: OrgSnapshot,
    known: Known,
    answered: Answered,
) -> Result<(CheckResult, Vec<bool>), String> {
    spawn_check(list, snapshot, known, answered)
        .await
        .map_err(|e| format!("pre-flight failed: {e}"))
}
